/**
 * h-softmax.ts against a NumPy loop (written out): every output's
 * probability, the target's alone, its gradient by finite differences, and
 * a target out of range refused, naming it.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};

// B = 3 rows, F = 4 features, C = 3 classes of P = 3 outputs, N = 8 outputs; the same formulas in NumPy:
// x = sin(arange(12) + 1), W1 = cos(arange(12) * 0.7), b1 = sin(arange(3) * 1.3), W2 = sin(arange(36) * 0.37 + 0.2), b2 = cos(arange(9) * 0.9)
const filled = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const chunk = <E>(v: E[], k: number): E[][] => Array.from({ length: v.length / k }, (_, i) => v.slice(i * k, (i + 1) * k));
const X = chunk(filled(12, (i) => Math.sin(i + 1)), 4);
const W1 = chunk(filled(12, (i) => Math.cos(i * 0.7)), 3);
const B1 = filled(3, (i) => Math.sin(i * 1.3));
const W2 = chunk(chunk(filled(36, (i) => Math.sin(i * 0.37 + 0.2)), 3), 4);
const B2 = chunk(filled(9, (i) => Math.cos(i * 0.9)), 3);
// (cp[:, :, None] * softmax(einsum('bf,cfp->bcp', x, W2) + b2)).reshape(B, -1)[:, :N], cp = softmax(x @ W1 + b1)
const ALL = [
  [0.08687036604175968, 0.09825233026595206, 0.05348595597262829, 0.05144211701298307, 0.08285778492162539, 0.3225916400528389, 0.1578912741227196, 0.10702007715254104],
  [0.07596675127868449, 0.02227958378941624, 0.004834242530397074, 0.14603580929436796, 0.13725902517216465, 0.18451849622216224, 0.041917112024482915, 0.14640556353487522],
  [0.08905227342580789, 0.11196745596222465, 0.09151725046592105, 0.17947626792714147, 0.12379059898833958, 0.20876418219537657, 0.08372506287780952, 0.08057030717055869],
];

function expectClose(got: number[] | number[][], want: number[] | number[][]): void {
  const g = got.flat();
  want.flat().forEach((w, k) => expect(Math.abs(g[k]! - w), `${k}: ${g[k]} vs ${w}`).toBeLessThan(1e-14));
}

describe('nnet.hSoftmax', () => {
  const [x, w1, w2, b2] = [T.matrix('x', 'float64'), T.matrix('W1', 'float64'), T.tensor3('W2', 'float64'), T.matrix('b2', 'float64')];
  const b1 = T.vector('b1', 'float64');
  const t = T.ivector('t');
  it("gives every output's probability, the last class's outputs past nOutputs dropped", () => {
    const f = sym.function([x, w1, b1, w2, b2], T.nnet.hSoftmax(x, 3, 8, 3, 3, w1, b1, w2, b2));
    const r = f.sync(X, W1, B1, W2, B2) as sym.NDArray;
    expect(r.shape).toEqual([3, 8]);
    expectClose(r.toArray() as number[][], ALL);
  });
  it("gives each row's target's probability, its class's softmax alone", async () => {
    const f = sym.function([x, w1, b1, w2, b2, t], T.nnet.hSoftmax(x, x.shape[0]!, 8, 3, 3, w1, b1, w2, b2, t));
    expectClose((f.sync(X, W1, B1, W2, B2, [7, 0, 4]) as sym.NDArray).toArray() as number[], [ALL[0]![7]!, ALL[1]![0]!, ALL[2]![4]!]);
    // target 8 is the dropped output 2 of class 2, target 9 class 3 of 3
    expect(() => f.sync(X, W1, B1, W2, B2, [7, 8, 4])).toThrow('hSoftmax: target 8 (t[1]) is not one of the 8 outputs (targets are output indices in [0, 8))');
    expect(() => f.sync(X, W1, B1, W2, B2, [7, 0, -1])).toThrow('hSoftmax: target -1 (t[2]) is not one of the 8 outputs');
  });
  it('differentiates in x and the weights (finite differences agree)', async () => {
    const targets = T.constant(sym.array([7, 0, 4], { dtype: 'int32' }));
    const cost = (a: V, u1: V, c1: V, u2: V, c2: V) => T.sum(T.log(T.nnet.hSoftmax(a, 3, 8, 3, 3, u1, c1, u2, c2, targets)));
    expect((await verifyGrad(cost, [X, W1, B1, W2, B2])).maxAbsErr).toBeLessThan(1e-6);
    const all = (a: V, u1: V, c1: V, u2: V, c2: V) => T.sum(T.mul(T.nnet.hSoftmax(a, 3, 8, 3, 3, u1, c1, u2, c2), T.arange(8)));
    expect((await verifyGrad(all, [X, W1, B1, W2, B2])).maxAbsErr).toBeLessThan(1e-6);
  });
  it('refuses sizes that do not fit', () => {
    expect(() => T.nnet.hSoftmax(x, 3, 10, 3, 3, w1, b1, w2, b2)).toThrow('hSoftmax: nClasses * nOutputsPerClass (3 * 3) must be at least nOutputs (10)');
    expect(() => T.nnet.hSoftmax(x, 3, 8, 3, 3, w1, b1, w1, b2)).toThrow('hSoftmax: W2 must be of shape (nClasses, features, nOutputsPerClass), got W1');
    expect(() => T.nnet.hSoftmax(x, 3, 8, 3, 3, w1, b1, w2, b2, T.vector('y'))).toThrow('hSoftmax: target must be an integer vector, got y');
  });
});
