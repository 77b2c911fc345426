import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, verifyGrad } from '@sym/grad';
import { Dense } from './dense.js';
import { Layer } from './layer.js';
import { categoricalCrossentropy } from './losses.js';
import { RandomState } from './random.js';

const T = sym.T;

describe('Dense: one example per row', () => {
  const W = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  const b = [0.5, -1, 0];

  it('computes act(x W + b) for (examples, nInput) and for one example', async () => {
    const d = new Dense(W, b, null, { name: 'out' });
    expect([d.nInput, d.nOutput, d.W.name, d.b.name]).toEqual([2, 3, 'out.W', 'out.b']);
    const x = T.matrix('x');
    expect((await d.output(x).eval({ x: [[1, 0], [1, 1]] })).toArray()).toEqual([
      [1.5, 1, 3],
      [5.5, 6, 9],
    ]);
    expect((await d.output(T.vector('v')).eval({ v: [0, 1] })).toArray()).toEqual([4.5, 4, 6]);
    const s = new Dense(W, b, 'sigmoid');
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const got = (await s.output(T.vector('v')).eval({ v: [0, 0] })).toArray() as number[];
    b.forEach((z, i) => expect(got[i]).toBeCloseTo(sig(z), 15));
  });

  it('create draws the transpose of what Layer.dense draws from the same generator', () => {
    const dense = Dense.create(4, 3, { rng: new RandomState(7), bias: 0.25 });
    const layer = Layer.dense(4, 3, { rng: new RandomState(7) });
    const dw = dense.W.getValue().toArray() as number[][];
    const lw = layer.W.getValue().toArray() as number[][];
    expect(dw).toEqual(lw[0]!.map((_, i) => lw.map((row) => row[i]!)));
    expect(dense.b.getValue().toArray()).toEqual([0.25, 0.25, 0.25]);
  });

  it('create refuses sizes that are not positive integers, naming the argument', () => {
    expect(() => Dense.create(2.5, 3)).toThrow(/Dense\.create: nInput must be a positive integer, got 2\.5/);
    expect(() => Dense.create(2, 0)).toThrow(/Dense\.create: nOutput must be a positive integer, got 0/);
    expect(() => Dense.create('2' as never, 3)).toThrow(/Dense\.create: nInput must be a positive integer, got 2/);
  });

  it('refuses one example per column, naming the axis that must match', async () => {
    const d = new Dense(W, b, null);
    const x = T.matrix('x');
    await expect(sym.function([x], d.output(x))([[1, 2, 3], [4, 5, 6]])).rejects.toThrow(
      'Dense.output: x x of shape (2, 3) must have 2 features in its last axis (one example per row)',
    );
    expect(() => d.output(T.scalar('s'))).toThrow(/Dense.output: x must have its 2 features in its last axis .*, got the scalar s/);
    expect(() => new Dense(W, [1, 2], null)).toThrow('Dense: b_init must have shape (3,)');
  });

  it("names an unnamed input by the expression that made it (a previous layer's output), not by its last op", async () => {
    const first = new Dense([[1, 2, 3], [4, 5, 6]], [0, 0, 0], 'relu', { name: 'h1' });
    const second = new Dense(W, b, null, { name: 'out' });
    const x = T.matrix('x');
    // it was 'x Elemwise{relu,no_inplace}.0 of shape (1, 3)'
    await expect(sym.function([x], second.output(first.output(x)))([[1, 2]])).rejects.toThrow(
      'Dense.output: x relu(((x \\dot h1.W) + h1.b)) of shape (1, 3) must have 2 features in its last axis (one example per row)',
    );
  });

  it('applies to the last axis of a (batch, steps, n_input) tensor, as Keras does: each position is x W + b', async () => {
    const d = new Dense(W, b, 'tanh');
    const x = T.tensor3('x');
    const xs = [[[0.1, -0.2], [0.3, 0.5], [1, 2]], [[-1, 0], [0.25, 0.75], [2, -3]]];
    const got = (await sym.function([x], d.output(x))(xs)) as sym.NDArray;
    expect(got.shape).toEqual([2, 3, 3]);
    const w = W as number[][];
    const want = xs.map((seq) => seq.map((row) => (b as number[]).map((bj, j) => Math.tanh(row[0]! * w[0]![j]! + row[1]! * w[1]![j]! + bj))));
    (want.flat(2) as number[]).forEach((v, i) => expect(got.data[i]).toBeCloseTo(v, 14));
    await expect(sym.function([x], d.output(x))([[[1, 2, 3]]])).rejects.toThrow('Dense.output: x x of shape (1, 1, 3) must have 2 features in its last axis');
  });

  it("'softmax' normalises each example's outputs (the last axis), on a matrix and on a (batch, steps, n_input) tensor", async () => {
    const d = new Dense([[1, 0, 0], [0, 1, 0]], [0, 0, 0], 'softmax');
    const rows = [[1, 2], [3, 0]];
    // np.exp(z) / np.exp(z).sum(-1, keepdims=True) of z = x W, rows [1, 2, 0] and [3, 0, 0]
    const want = [0.24472847105479764, 0.6652409557748218, 0.09003057317038046, 0.909442998512742, 0.045278500743629074, 0.045278500743629074];
    const m = await d.output(T.matrix('x')).eval({ x: rows });
    const x3 = T.tensor3('x3');
    const t = (await sym.function([x3], d.output(x3))([rows])) as sym.NDArray;
    for (const got of [m, t]) want.forEach((v, i) => expect(got.data[i]).toBeCloseTo(v, 14));
    // the losses still read the logits back: an extreme logit gives a finite cross-entropy (classes down the columns: the transpose)
    const big = new Dense([[1000, 0, -1000]], [0, 0, 0], 'softmax');
    const x = T.matrix('x');
    const loss = categoricalCrossentropy(big.output(x).T, T.constant(sym.array([[0], [0], [1]])));
    expect(((await sym.function([x], loss)([[1]])) as sym.NDArray).data[0]).toBeCloseTo(2000, 9);
  });

  it('differentiates: the gradient of sum(x W + b) is x summed over examples for each column of W, and the count for b', async () => {
    const d = new Dense(W, b, null);
    const x = T.matrix('x');
    const cost = T.sum(d.output(x));
    const [gW, gb] = (await sym.function([x], grad(cost, [d.W, d.b]))([[0.1, -0.2], [0.3, 0.5]])) as sym.NDArray[];
    const close = (a: sym.NDArray, want: number[][] | number[]) => (want.flat() as number[]).forEach((v, i) => expect(a.data[i]).toBeCloseTo(v, 12));
    close(gW!, [
      [0.4, 0.4, 0.4],
      [0.3, 0.3, 0.3],
    ]);
    close(gb!, [2, 2, 2]);
    // and the same math through verifyGrad's finite differences
    await verifyGrad((xx: sym.TensorVariable, w: sym.TensorVariable, bb: sym.TensorVariable) => T.tanh(T.dot(xx, w).add(bb)).sum(), [[[0.1, -0.2], [0.3, 0.4]], [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [0.1, 0, -0.1]]);
  });

  it("refuses another layer's shared W (Lasagne's W=other.W), saying how weights are shared here", () => {
    const other = Dense.create(2, 3, { rng: new RandomState(1), name: 'enc' });
    const how = "; to share a layer's weights, use the same layer object again (a Sequential lists its params once), or write a layer of your own that reads them";
    expect(() => new Dense(other.W as never, [0, 0, 0], null)).toThrow(`Dense: W_init: expected values (an NDArray or nested lists of numbers), got the symbolic variable enc.W${how}`);
    expect(() => new Layer([[1]], other.b as never, null)).toThrow(`Layer: b_init: expected values (an NDArray or nested lists of numbers), got the symbolic variable enc.b${how}`);
  });
});
