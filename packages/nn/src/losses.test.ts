import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import '@sym/backend-cpu';
import { softmaxColumns } from './activations.js';
import { RandomState } from './random.js';
import {
  binaryCrossentropy,
  binaryCrossentropyWithLogits,
  categoricalCrossentropy,
  categoricalCrossentropyWithLogits,
  meanSquaredError,
  squaredError,
} from './losses.js';

const T = sym.T;
const sig = (x: number): number => 1 / (1 + Math.exp(-x));

describe('losses', () => {
  it('squared errors match the sums written out', async () => {
    const o = T.vector('o');
    const t = T.vector('t');
    const f = sym.function([o, t], [squaredError(o, t), meanSquaredError(o, t)]);
    const [s, m] = await f([1, 2, 4], [0, 2, 2]);
    expect(s!.item()).toBe(5);
    expect(m!.item()).toBeCloseTo(5 / 3, 15);
  });

  it('binary cross-entropy equals -(t log p + (1 - t) log(1 - p)) for moderate logits', async () => {
    const z = T.vector('z');
    const t = T.vector('t');
    const zs = [-2, -0.5, 0, 1.5, 3];
    const ts = [0, 1, 1, 0, 1];
    const want = zs.map((v, i) => -(ts[i]! * Math.log(sig(v)) + (1 - ts[i]!) * Math.log(1 - sig(v))));
    const mean = want.reduce((a, b) => a + b) / want.length;
    const p = T.vector('p');
    const f = sym.function([z, t, p], [binaryCrossentropyWithLogits(z, t), binaryCrossentropy(T.sigmoid(z), t, 'none'), binaryCrossentropy(p, t, 'sum')]);
    const [a, b, c] = await f(zs, ts, zs.map(sig));
    expect(a!.item()).toBeCloseTo(mean, 14);
    (b!.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14));
    expect(c!.item()).toBeCloseTo(mean * zs.length, 12);
  });

  it('binary cross-entropy of a sigmoid stays finite and exact at extreme logits', async () => {
    const z = T.vector('z');
    const t = T.vector('t');
    const f = sym.function([z, t], binaryCrossentropy(T.nnet.sigmoid(z), t, 'none'));
    const out = (await f([800, -800, 40], [0, 1, 1])).toArray() as number[];
    // -log(1 - sigmoid(800)) = 800, -log(sigmoid(-800)) = 800, -log(sigmoid(40)) = log1p(exp(-40)), not 0
    expect(out[0]).toBe(800);
    expect(out[1]).toBe(800);
    expect(out[2]).toBeCloseTo(Math.exp(-40), 30);
  });

  it('binary cross-entropy has the gradient sigmoid(z) - t at every logit, z = 0 (a zero-initialised output layer) included', async () => {
    const z = T.vector('z');
    const t = T.vector('t');
    const zs = [0, 0, -0, 2, -3, 800, -800, -Infinity, Infinity, 40];
    const ts = [1, 0, 0.25, 1, 0, 0, 1, 1, 0, 1];
    const f = sym.function([z, t], [
      grad(binaryCrossentropyWithLogits(z, t, 'sum'), z),
      grad(binaryCrossentropy(T.sigmoid(z), t, 'sum'), z),
      binaryCrossentropyWithLogits(z, t, 'none'),
    ]);
    const [fromLogits, fromSigmoid, loss] = await f(zs, ts);
    const want = zs.map((v, i) => sig(v) - ts[i]!);
    (fromLogits!.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 15));
    (fromSigmoid!.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 15));
    // the values: ln 2 at z = 0, exactly 800 at the extremes, infinite for an infinite logit on the wrong side, log1p(exp(-40)) not 0
    expect(loss!.toArray()).toEqual([Math.LN2, Math.LN2, Math.LN2, Math.log1p(Math.exp(-2)), Math.log1p(Math.exp(-3)), 800, 800, Infinity, Infinity, Math.log1p(Math.exp(-40))]);
  });

  it('binary cross-entropy finds the sigmoid through reshapes and transposes', async () => {
    const zm = T.matrix('zm');
    const t = T.vector('t');
    const tm = T.matrix('tm');
    const f = sym.function([zm, t, tm], [
      binaryCrossentropy(T.sigmoid(zm).flatten(), t, 'none'),
      binaryCrossentropy(T.sigmoid(zm).T.reshape([3, 1]).T.flatten(), t, 'none'),
      binaryCrossentropy(T.sigmoid(zm).T, tm, 'none'),
    ]);
    const [flat, chain, transposed] = await f([[1000, -1000, 40]], [0, 1, 0], [[0], [1], [0]]);
    // -log(1 - sigmoid(1000)) = 1000, -log(sigmoid(-1000)) = 1000, -log(1 - sigmoid(40)) = 40 + log1p(exp(-40))
    const want = [1000, 1000, 40 + Math.log1p(Math.exp(-40))];
    expect(flat!.toArray()).toEqual(want);
    expect(chain!.toArray()).toEqual(want);
    expect(transposed!.toArray()).toEqual(want.map((v) => [v]));
  });

  it('categorical cross-entropy finds the softmax through transposes and reshapes, on either axis', async () => {
    const z = T.matrix('z');
    const t = T.matrix('t');
    const Z = [
      [1000, 0],
      [0, -1000],
    ];
    const Y = [
      [0, 1],
      [1, 0],
    ];
    const f = sym.function([z, t], [
      categoricalCrossentropy(softmaxColumns(z).T.T, t, 'none'),
      categoricalCrossentropy(softmaxColumns(z).flatten().reshape([2, 2]), t, 'none'),
      // T.softmax normalises rows: its transpose has one example per column, like Z.T's columns.
      categoricalCrossentropy(T.softmax(z).T, t, 'none'),
    ]);
    const [twice, reshaped, rows] = await f(Z, Y);
    // (-0 and 0 both count: the loss is a negated sum.)
    const values = (a: sym.NDArray): number[] => (a.toArray() as number[]).map((v) => (v === 0 ? 0 : v));
    // column 0 is (1000, 0), target class 1: 1000; column 1 is (0, -1000), target class 0: log1p(exp(-1000)) = 0
    expect(values(twice!)).toEqual([1000, 0]);
    expect(values(reshaped!)).toEqual([1000, 0]);
    // row 0 of Z is (1000, 0), target (column 0 of Y) class 1: 1000; row 1 is (0, -1000), target class 0: 0
    expect(values(rows!)).toEqual([1000, 0]);
  });

  it('categorical cross-entropy over columns matches -sum t log softmax, even for huge logits', async () => {
    const z = T.matrix('z');
    const t = T.matrix('t');
    const Z = [
      [1, 1000, -3],
      [2, 0, -3],
      [0.5, -1000, 4],
    ];
    const Y = [
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ];
    const f = sym.function([z, t], [categoricalCrossentropy(softmaxColumns(z), t, 'none'), categoricalCrossentropyWithLogits(z, t)]);
    const [per, mean] = await f(Z, Y);
    const want = [0, 1, 2].map((j) => {
      const col = Z.map((r) => r[j]!);
      const m = Math.max(...col);
      const lse = m + Math.log(col.reduce((s, v) => s + Math.exp(v - m), 0));
      return -Y.reduce((s, r, c) => s + r[j]! * (col[c]! - lse), 0);
    });
    (per!.toArray() as number[]).forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 12));
    expect(want[1]).toBe(2000);
    expect(mean!.item()).toBeCloseTo((want[0]! + want[1]! + want[2]!) / 3, 10);
  });

  it('categorical cross-entropy of given probabilities takes their log', async () => {
    const p = T.vector('p');
    const t = T.vector('t');
    const out = await sym.function([p, t], categoricalCrossentropy(p, t))([0.2, 0.5, 0.3], [0, 1, 0]);
    expect(out.item()).toBeCloseTo(-Math.log(0.5), 15);
  });

  it("refuses a softmax over the rows (Dense's 'softmax'), whose classes lie along the axis these losses sum over the examples", async () => {
    const z = T.matrix('z');
    const t = T.matrix('t');
    // (examples, classes): summing over axis 0 added up each class, and 'mean' divided by the classes, not the examples
    expect(() => categoricalCrossentropy(T.softmax(z), t)).toThrow(
      /categoricalCrossentropy: the probabilities .* are a softmax over axis 1, one example per row .* pass the probabilities and the targets transposed \(p\.T, t\.T\)/,
    );
    const Z = [[1, 2, 0.5], [0, -1, 3]];
    const Y = [[0, 1, 0], [0, 0, 1]];
    const transposed = (await sym.function([z, t], categoricalCrossentropy(T.softmax(z).T, t.T))(Z, Y)).item();
    const want = Z.map((row, i) => {
      const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      return -Y[i]!.reduce((s, y, c) => s + y * (row[c]! - lse), 0);
    });
    expect(transposed).toBeCloseTo((want[0]! + want[1]!) / 2, 14);
    // a vector is one example, whichever softmax made it
    const v = T.vector('v');
    expect((await sym.function([v], categoricalCrossentropy(T.softmax(v), [0, 1, 0]))([1, 2, 0.5])).item()).toBeCloseTo(want[0]!, 14);
  });

  it('given probabilities of exactly 0 or 1, counts 0 log 0 as 0 (no NaN), in the value and the gradient, in float64 and float32', async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const p = T.vector('p', dtype);
      const t = T.vector('t', dtype);
      const bce = binaryCrossentropy(p, t, 'none');
      const cce = categoricalCrossentropy(p, t);
      const f = sym.function([p, t], [bce, grad(T.sum(bce), p), cce, grad(cce, p)]);
      // a hard sigmoid's outputs: exactly 1 and 0 where the targets agree, and where they do not
      const [loss, dLoss, ce, dCe] = (await f([1, 0, 0.5, 1, 0], [1, 0, 1, 0, 1])) as sym.NDArray[];
      expect((loss!.toArray() as number[]).map((v) => (v === 0 ? 0 : v))).toEqual([0, 0, Math.LN2, Infinity, Infinity].map((v, i) => (dtype === 'float32' && i === 2 ? Math.fround(v) : v)));
      expect(dLoss!.dtype).toBe(dtype);
      expect((dLoss!.toArray() as number[]).slice(0, 3)).toEqual([-1, 1, -2]);
      // one-hot target on the second class, whose probability is 1; the others' 0 log 0 add nothing
      const [ce1, dCe1] = (await f([0, 1, 0], [0, 1, 0]).then((r) => (r as sym.NDArray[]).slice(2))) as sym.NDArray[];
      expect(Math.abs(ce1!.item())).toBe(0);
      expect(dCe1!.toArray()).toEqual([0, -1, 0]);
      expect(Number.isNaN(ce!.item())).toBe(false);
      expect(dCe!.dtype).toBe(dtype);
    }
  });

  it('names the loss when the target does not fit (a transposed target), without computing anything more', async () => {
    const z = T.matrix('z');
    const t = T.matrix('t');
    const rng = new RandomState(0);
    const [Z, Tt] = [rng.randn([3, 4]), rng.uniform([4, 3])];
    const cases: [string, sym.TensorVariable][] = [
      ['binaryCrossentropyWithLogits: target t of shape \\(4, 3\\) does not fit the logits of shape \\(3, 4\\)', binaryCrossentropyWithLogits(z, t)],
      ['binaryCrossentropy: target t of shape \\(4, 3\\) does not fit the probabilities \\(as logits\\)', binaryCrossentropy(T.sigmoid(z), t)],
      ['binaryCrossentropy: target t of shape \\(4, 3\\) does not fit the probabilities of shape \\(3, 4\\)', binaryCrossentropy(z, t)],
      ['categoricalCrossentropyWithLogits: target t of shape \\(4, 3\\) does not fit the logits', categoricalCrossentropyWithLogits(z, t)],
      ['categoricalCrossentropy: target t of shape \\(4, 3\\) does not fit the probabilities', categoricalCrossentropy(softmaxColumns(z), t)],
      ['categoricalCrossentropy: target t of shape \\(4, 3\\) does not fit the probabilities', categoricalCrossentropy(T.softmax(z.T).T, t)],
      ['meanSquaredError: target t of shape \\(4, 3\\) does not fit the output of shape \\(3, 4\\)', meanSquaredError(z, t)],
    ];
    for (const [message, loss] of cases) await expect(sym.function([z, t], loss)(Z, Tt)).rejects.toThrow(new RegExp(message));
    // the checks read the logits, which the loss computes anyway, not the sigmoid or softmax it reaches back through
    const kernels = (loss: sym.TensorVariable) => sym.function([z, t], loss).compiled.kernelCount(Z, rng.uniform([3, 4]));
    expect(kernels(binaryCrossentropy(T.sigmoid(z), t))).toBe(kernels(binaryCrossentropyWithLogits(z, t)));
    expect(kernels(categoricalCrossentropy(softmaxColumns(z), t))).toBe(kernels(categoricalCrossentropyWithLogits(z, t)));
    // a target that broadcasts (one row for every example) is still taken
    const row = T.row('row');
    expect((await sym.function([z, row], binaryCrossentropyWithLogits(z, row, 'none'))(Z, [[0, 1, 0, 1]])).shape).toEqual([3, 4]);
  });

  it('names bad arguments', () => {
    expect(() => categoricalCrossentropy(T.tensor3('p'), T.tensor3('t'))).toThrow(/categoricalCrossentropy: expected a vector or a \(classes, examples\) matrix, got p/);
    expect(() => binaryCrossentropy(T.vector('p'), T.vector('t'), 'avg' as never)).toThrow(/reduction must be one of mean, sum, none; got "avg"/);
  });
});
