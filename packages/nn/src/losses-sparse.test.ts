import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import '@sym/backend-cpu';
import { categoricalAccuracy, categoricalCrossentropyWithLogits, sparseCategoricalCrossentropyWithLogits } from './losses.js';

const T = sym.T;

/** -log softmax(z)[label] for one row, in float64 by the max shift. */
function rowLoss(z: number[], label: number): number {
  const m = Math.max(...z);
  return -(z[label]! - m - Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)));
}

describe('sparseCategoricalCrossentropyWithLogits', () => {
  const Z = [
    [[1, -2, 0.5], [0, 0, 0], [3, 1, -1], [-0.5, 2, 0.25]],
    [[0.1, 0.2, 0.3], [5, -5, 0], [-1, -1, 2], [2, 0, 1]],
  ];
  const labels = [[0, 2, 1, 1], [2, 0, 2, 0]];
  const want = Z.map((seq, n) => seq.map((z, t) => rowLoss(z, labels[n]![t]!)));

  it("takes (batch, steps, classes) logits and (batch, steps) integer labels, Keras's sparse form: 'none' keeps the labels' shape, 'mean' averages, 'sum' adds", async () => {
    const z = T.tensor3('z');
    const y = T.imatrix('y');
    const f = sym.function([z, y], [sparseCategoricalCrossentropyWithLogits(z, y, 'none'), sparseCategoricalCrossentropyWithLogits(z, y), sparseCategoricalCrossentropyWithLogits(z, y, 'sum')]);
    const [none, mean, sum] = (await f(Z, sym.array(labels, { dtype: 'int32' }))) as sym.NDArray[];
    expect(none!.shape).toEqual([2, 4]);
    (none!.toArray() as number[][]).flat().forEach((v, i) => expect(Math.abs(v - want.flat()[i]!)).toBeLessThan(1e-14));
    const total = want.flat().reduce((a, b) => a + b, 0);
    expect(Math.abs(mean!.item() - total / 8)).toBeLessThan(1e-14);
    expect(Math.abs(sum!.item() - total)).toBeLessThan(1e-13);
  });

  it('has the gradient (softmax(z) - onehot(label)) / count, exact and finite for extreme logits', async () => {
    const z = T.matrix('z');
    const y = T.ivector('y');
    const cost = sparseCategoricalCrossentropyWithLogits(z, y);
    const f = sym.function([z, y], [cost, grad(cost, z)]);
    const [c, g] = (await f([[1000, 0, -1000], [0, 800, 0]], sym.array([1, 0], { dtype: 'int32' }))) as sym.NDArray[];
    expect(c!.item()).toBe((1000 + 800) / 2);
    expect(g!.toArray()).toEqual([[0.5, -0.5, 0], [-0.5, 0.5, 0]]);
    const rows = Z[0]!;
    const [, g2] = (await f(rows, sym.array(labels[0]!, { dtype: 'int32' }))) as sym.NDArray[];
    (g2!.toArray() as number[][]).forEach((row, r) => {
      const e = rows[r]!.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      row.forEach((v, k) => expect(Math.abs(v - (e[k]! / s - (k === labels[0]![r] ? 1 : 0)) / 4)).toBeLessThan(1e-15));
    });
  });

  it('computes in float32 for float32 logits; one example (a vector of logits and a scalar label) works too', async () => {
    const z = T.ftensor3('z');
    const y = T.imatrix('y');
    const loss = sparseCategoricalCrossentropyWithLogits(z, y, 'none');
    expect(loss.dtype).toBe('float32');
    const got = (await sym.function([z, y], loss)(sym.array(Z, { dtype: 'float32' }), sym.array(labels, { dtype: 'int32' }))) as sym.NDArray;
    (got.toArray() as number[][]).flat().forEach((v, i) => expect(Math.abs(v - want.flat()[i]!)).toBeLessThan(1e-5));
    const v = T.vector('v');
    const k = T.iscalar('k');
    const one = (await sym.function([v, k], sparseCategoricalCrossentropyWithLogits(v, k, 'none'))([3, 1, -1], 2)) as sym.NDArray;
    expect(one.shape).toEqual([]);
    expect(Math.abs(one.item() - rowLoss([3, 1, -1], 2))).toBeLessThan(1e-14);
  });

  it('refuses float or one-hot labels, labels of the wrong rank, and labels that do not fit the logits, naming the loss', async () => {
    expect(() => sparseCategoricalCrossentropyWithLogits(T.matrix('z'), T.vector('y'))).toThrow(
      /sparseCategoricalCrossentropyWithLogits: labels must be integer class indices, got y of type TensorType\(float64, vector\); for one-hot or soft targets, use categoricalCrossentropyWithLogits/,
    );
    expect(() => sparseCategoricalCrossentropyWithLogits(T.tensor3('z'), T.ivector('y'))).toThrow(/labels must have one axis less than the logits .*take 2-d labels, got y/);
    const z = T.tensor3('z');
    const y = T.imatrix('y');
    const f = sym.function([z, y], sparseCategoricalCrossentropyWithLogits(z, y));
    await expect(f(Z, sym.array([[0, 1, 2]], { dtype: 'int32' }))).rejects.toThrow(/sparseCategoricalCrossentropyWithLogits: labels y of shape \(1, 3\) do not fit the logits of shape \(2, 4, 3\) \(axis 0\)/);
    await expect(f(Z, sym.array([[0, 1, 2, 3], [0, 0, 0, 0]], { dtype: 'int32' }))).rejects.toThrow(
      /^sparseCategoricalCrossentropyWithLogits: label 3 \(y\.flatten\(\)\[3\]\) is not one of the 3 classes of logSoftmax\(z\) \(labels are class indices in \[0, 3\)\)$/,
    );
    // a negative label (a padding -1) is no class, as Keras refuses it: NumPy's indexing would read the last class
    await expect(f(Z, sym.array([[0, 1, 2, -1], [0, 0, 0, 0]], { dtype: 'int32' }))).rejects.toThrow(
      /^sparseCategoricalCrossentropyWithLogits: label -1 \(y\.flatten\(\)\[3\]\) is not one of the 3 classes .*; a negative label, such as a padding -1, is refused\)$/,
    );
  });
});

describe("the logits losses' log-softmax", () => {
  const logits = sym.array([[0, 200, -200], [-1000, -1000, -1000]], { dtype: 'float32' });
  const labels = sym.array([2, 0], { dtype: 'int32' });
  const oneHot = sym.array([[0, 0, 1], [1, 0, 0]], { dtype: 'float32' });

  it('is exact and finite for extreme float32 logits with its gradient, also in FAST_COMPILE (no rewrite needed)', async () => {
    const z = T.fmatrix('z');
    const y = T.ivector('y');
    const t = T.fmatrix('t');
    const sparse = sparseCategoricalCrossentropyWithLogits(z, y, 'sum');
    // one example per column: the transposes
    const columns = categoricalCrossentropyWithLogits(z.T, t.T, 'sum');
    for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
      const f = sym.function([z, y, t], [sparse, grad(sparse, z), columns, grad(columns, z)], { mode });
      const [c, g, cc, gc] = (await f(logits, labels, oneHot)) as sym.NDArray[];
      // row 0: 400 exactly, softmax [0, 1, 0] less the label; row 1: log 3, a third each less the label
      for (const [cost, gradient] of [[c!, g!], [cc!, gc!]]) {
        expect(Math.abs(cost.item() - (400 + Math.log(3)))).toBeLessThan(1e-4);
        const [row0, row1] = gradient.toArray() as number[][];
        expect(row0).toEqual([0, 1, -1]);
        row1!.forEach((v, k) => expect(Math.abs(v - (1 / 3 - (k === 0 ? 1 : 0)))).toBeLessThan(1e-6));
      }
    }
  });

  it("with the gradient, takes one row max and one sum of exps: the max's gradient, exactly 0 (the log-softmax does not change with a shift), is not taken", () => {
    const z = T.fmatrix('z');
    const y = T.ivector('y');
    const t = T.fmatrix('t');
    const sparse = sparseCategoricalCrossentropyWithLogits(z, y);
    // 11: the gather of each label's logit is computed in the reduction that reads it (the CPU's reductions gather)
    expect(sym.function([z, y], [sparse, grad(sparse, z)]).compiled.kernelCount(logits, labels)).toBe(11);
    const columns = categoricalCrossentropyWithLogits(z, t);
    expect(sym.function([z, t], [columns, grad(columns, z)]).compiled.kernelCount(logits, oneHot)).toBe(9);
  });
});

describe('categoricalAccuracy', () => {
  it("is 1 where the argmax over the last axis is the label (integer labels, or one-hot targets' argmax), in floatX; 'none' keeps one per example", async () => {
    const z = T.tensor3('z');
    const y = T.imatrix('y');
    const t = T.tensor3('t');
    const f = sym.function([z, y, t], [categoricalAccuracy(z, y), categoricalAccuracy(z, y, 'none'), categoricalAccuracy(T.softmax(z), t, 'sum')]);
    // argmax of each row: [0, 0 (a tie: the first), 0, 1], [2, 0, 2, 0]
    const Z = [[[1, -2, 0.5], [0, 0, 0], [3, 1, -1], [-0.5, 2, 0.25]], [[0.1, 0.2, 0.3], [5, -5, 0], [-1, -1, 2], [2, 0, 1]]];
    const labels = [[0, 2, 1, 1], [2, 0, 2, 1]];
    const oneHot = labels.map((row) => row.map((k) => [0, 1, 2].map((c) => (c === k ? 1 : 0))));
    const [mean, none, sum] = (await f(Z, sym.array(labels, { dtype: 'int32' }), oneHot)) as sym.NDArray[];
    expect(none!.toArray()).toEqual([[1, 0, 0, 1], [1, 1, 1, 0]]);
    expect(mean!.item()).toBe(5 / 8);
    expect(mean!.dtype).toBe(sym.config.floatX);
    expect(sum!.item()).toBe(5);
  });

  it('refuses labels that are neither indices nor targets, and labels that do not fit', async () => {
    expect(() => categoricalAccuracy(T.matrix('z'), T.vector('y'))).toThrow(/categoricalAccuracy: labels must be integer class indices with one axis less than the predictions, or targets of the predictions' shape/);
    const z = T.matrix('z');
    const y = T.ivector('y');
    await expect(sym.function([z, y], categoricalAccuracy(z, y))([[1, 2], [3, 4]], sym.array([0, 1, 1], { dtype: 'int32' }))).rejects.toThrow(
      /categoricalAccuracy: labels y of shape \(3,\) do not fit the predictions of shape \(2, 2\) \(axis 0\)/,
    );
  });
});
