/**
 * pairs_scatter_elementwise: the gradient of `x.get(T.arange(n), cols)`
 * (the negative log-likelihood's) is an elementwise switch over the
 * matrix, not a scatter into its flattened form, when the rows are arange
 * over the matrix's own rows; the numbers are the scatter's, bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import type { FunctionOptions, NDArray, TensorVariable } from '@sym/graph';
import { sym, T } from './helpers.js';

const WITHOUT: FunctionOptions = { optimizer: { excluding: ['pairs_scatter_elementwise'] } };
const scatters = (f: { debugprint(): string }) => f.debugprint().includes('AdvancedIncSubtensor1');

/** Rewritten and not: whether each scatters, and the count of elements whose bits differ. */
async function compare(inputs: TensorVariable[], outputs: TensorVariable[], args: unknown[], options: FunctionOptions = {}) {
  const after = sym.function(inputs, outputs, options);
  const before = sym.function(inputs, outputs, { ...options, ...WITHOUT });
  const [a, b] = [(await after(...(args as never[]))) as NDArray[], (await before(...(args as never[]))) as NDArray[]];
  let differing = 0;
  let total = 0;
  a.forEach((r, k) => {
    expect(r.dtype).toBe(b[k]!.dtype);
    expect(r.shape).toEqual(b[k]!.shape);
    r.data.forEach((v, i) => {
      total++;
      if (!Object.is(v, b[k]!.data[i])) differing++;
    });
  });
  return { after: scatters(after), before: scatters(before), differing, total, values: a };
}

/** Labels with negative, out-of-range and repeated columns among in-range ones. */
const labels = (n: number, C: number) => Array.from({ length: n }, (_, i) => ((i * 37) % (C + 40)) - 20);
const logits = (n: number, C: number) => Array.from({ length: n }, (_, i) => Array.from({ length: C }, (_, j) => Math.sin(i * 7 + j * 3) * 4));

describe('pairs_scatter_elementwise', () => {
  it('turns the (1024, 256) float32 cross-entropy gradient (W9) into elementwise work, with the same bits', async () => {
    const z = T.fmatrix('z');
    const y = T.ivector('y');
    const [gz] = grad(T.mean(T.nnet.categoricalCrossentropy(T.nnet.softmax(z), y)), [z]);
    // categoricalCrossentropy's labels are classes, [0, 256): the other cases keep negative and repeated columns
    const classes = labels(1024, 256).map((l) => (l + 256) % 256);
    const r = await compare([z, y], [gz!], [sym.array(logits(1024, 256), { dtype: 'float32' }), sym.array(classes, { dtype: 'int32' })]);
    expect(r.before).toBe(true);
    expect(r.after).toBe(false);
    expect(r.total).toBe(1024 * 256);
    expect(r.differing).toBe(0);
  });

  it("keeps the tutorial's logistic regression gradients (minibatch windows of shared data) bit for bit, float32 and float64", async () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const [n, nIn, nOut, bs] = [12, 5, 4, 6];
      const trainX = sym.shared(sym.array(logits(n, nIn), { dtype }), { name: 'train_x' });
      // labels within [-nOut, nOut): a window's labels are checked before the call (an IndexError past the classes)
      const trainY = sym.shared(sym.array(labels(n, nOut).map((l) => l % nOut), { dtype: 'int64' }), { name: 'train_y' });
      const W = sym.shared(sym.array(logits(nIn, nOut).map((r) => r.map((v) => v / 10)), { dtype }), { name: 'W' });
      const b = sym.shared(sym.array([0.1, -0.2, 0.3, 0], { dtype }), { name: 'b' });
      const x = T.tensor(dtype, [false, false], 'x');
      const y = T.lvector('y');
      const pYGivenX = T.nnet.softmax(T.dot(x, W).add(b));
      // deeplearning.net's LogisticRegression.negative_log_likelihood
      const cost = T.neg(T.mean(T.log(pYGivenX).get(T.arange(y.shape[0]), y)));
      const [gW, gb] = grad(cost, [W, b]);
      const index = T.lscalar('index');
      const window = T.slice(index.mul(bs), index.add(1).mul(bs));
      const givens: FunctionOptions = { givens: [[x, trainX.get(window)], [y, trainY.get(window)]] };
      for (const i of [0, 1]) {
        const r = await compare([index], [gW!, gb!], [i], givens);
        expect(r.before).toBe(true);
        expect(r.after).toBe(false);
        expect(r.differing).toBe(0);
        expect(r.values[1]!.data.some((v) => v !== 0)).toBe(true);
      }
    }
  });

  it('takes every form of increment: a scalar, a length-1 broadcastable vector, a vector of another float dtype', async () => {
    const m = T.dmatrix('m');
    const cols = T.lvector('cols');
    // columns computed on the device (checked by a kernel, as an input's are before the call), negative ones from the end
    const picked = m.get(T.arange(m.shape[0]), T.maximum(cols, cols));
    const mv = logits(5, 3);
    const colsv = [2, -1, 1, -3, 0];
    const scalar = await compare([m, cols], [T.incSubtensor(picked, T.constant(1.5, { dtype: 'float64' }))], [mv, colsv]);
    const one = T.tensor('float32', [true], 'one');
    const single = await compare([m, cols, one], [T.incSubtensor(picked, one)], [mv, colsv, [0.1]]);
    const g = T.fvector('g');
    const each = await compare([m, cols, g], [T.incSubtensor(picked, g)], [mv, colsv, [1, 2, 3, 4, 0.1]]);
    for (const r of [scalar, single, each]) {
      expect(r.after).toBe(false);
      expect(r.differing).toBe(0);
    }
    // row 3's column -3 is 0; row 4's float32 0.1 is added as a float64
    expect(each.values[0]!.data[9]).toBe(mv[3]![0]! + 4);
    expect(each.values[0]!.data[12]).toBe(mv[4]![0]! + Math.fround(0.1));
    // a column past the matrix is NumPy's IndexError, with the rewrite and without
    await expect(compare([m, cols], [T.incSubtensor(picked, T.constant(1.5, { dtype: 'float64' }))], [mv, [2, -1, 7, -9, 0]])).rejects.toThrow(/index 7 \(.*\[2\]\) is out of bounds for axis 1 with size 3/);
  });

  it('keeps the scatter when the rows are not arange over the matrix rows', async () => {
    const m = T.dmatrix('m');
    const rows = T.lvector('rows');
    const cols = T.lvector('cols');
    const [gm] = grad(T.sum(m.get(rows, cols)), [m]);
    // repeated rows add up: no elementwise form
    const r = await compare([m, rows, cols], [gm!], [logits(3, 4), [1, 1, 0], [2, 2, 3]]);
    expect(r.after).toBe(true);
    expect(r.differing).toBe(0);
    expect(Array.from(r.values[0]!.data)).toEqual([0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0]);
    // arange over the labels' length, not provably the matrix's: fewer labels than rows is valid, and scatters
    const y = T.lvector('y');
    const [gy] = grad(T.sum(m.get(T.arange(y.shape[0]), y)), [m]);
    const s = await compare([m, y], [gy!], [logits(3, 4), [3, -1]]);
    expect(s.after).toBe(true);
    expect(Array.from(s.values[0]!.data)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('keeps the scatter when the rows are wrapped by a test other than i < 0 (some rows then take the switch\'s other branch)', async () => {
    const m = T.dmatrix('m');
    const cols = T.lvector('cols');
    const g = T.dvector('g');
    const [n0, n1] = [m.shape[0]!, m.shape[1]!];
    const clip = (v: TensorVariable, n: TensorVariable) => sym.elemwise('clip', v, 0, sym.elemwise('sub', n, 1));
    const rows = T.arange(n0);
    // get(rows, cols)'s linear index with rows 0 and 1 moved to 1 and 2: row 2 is picked twice, row 0 never
    const shifted = clip(sym.elemwise('switch', sym.elemwise('lt', rows, 2), sym.elemwise('add', rows, 1), rows), n0);
    const idx = sym.elemwise('add', sym.elemwise('mul', shifted, n1), clip(sym.elemwise('switch', sym.elemwise('lt', cols, 0), sym.elemwise('add', cols, n1), cols), n1));
    const out = T.incSubtensor(T.take(m.reshape([-1]), idx, 0), g);
    const r = await compare([m, cols, g], [out], [logits(4, 3).map((row) => row.map(() => 0)), [0, 1, 2, 0], [100, 200, 300, 400]]);
    expect(r.after).toBe(true);
    expect(Array.from(r.values[0]!.data)).toEqual([0, 0, 0, 100, 0, 0, 0, 200, 300, 400, 0, 0]);
  });

  it("fails as the scatter does when the columns or the increments are not one per row: get's message and the scatter's", () => {
    const m = T.dmatrix('m');
    const cols = T.lvector('cols');
    const g = T.dvector('g');
    const out = T.incSubtensor(m.get(T.arange(m.shape[0]), cols), g);
    const mv = logits(3, 2);
    for (const [c, gv, message] of [
      [[0, 1], [10, 20], "get: shape mismatch: the index arrays cannot be broadcast together (NumPy's IndexError): index 0 (ARange(0, m.shape[0], 1)) has shape (3,) and index 1 (cols) has shape (2,)"],
      [[0, 1, -1], [10], "incSubtensor into m.flatten() (AdvancedIncSubtensor1): g of shape (1,) does not broadcast to the window's shape (3,). Its dimension 0 has length 1 but is not broadcastable"],
    ] as const) {
      expect(() => sym.function([m, cols, g], out, WITHOUT).sync(mv, c, gv)).toThrow(message);
      expect(() => sym.function([m, cols, g], out).sync(mv, c, gv)).toThrow(message);
    }
  });
});
