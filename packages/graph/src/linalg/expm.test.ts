/**
 * expm.ts against scipy.linalg.expm 1.x's values (written out): a small
 * matrix, one of 1-norm 96 (several squarings), nilpotent ones (exact,
 * 1e6 above the diagonal taking 19 squarings), a symmetric one; float32;
 * and its gradient against finite differences (grad's verifyGrad) and
 * SciPy's Frechet derivative (expm_frechet) at 3 A.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { verifyGrad, grad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
  grad: (cost: V, wrt: V) => V;
};

const A = [[0.5, -1.2, 0.3], [0.8, 0.1, -0.7], [-0.4, 0.9, 0.2]];
const scaled = (m: number[][], k: number) => m.map((r) => r.map((v) => v * k));

function expectClose(got: sym.NestedArray, want: number[][], rtol: number): void {
  const g = got as number[][];
  const scale = Math.max(...want.flat().map(Math.abs));
  want.forEach((row, i) => row.forEach((w, j) => expect(Math.abs(g[i]![j]! - w), `[${i}, ${j}]: ${g[i]![j]} vs ${w}`).toBeLessThanOrEqual(rtol * scale)));
}

describe('slinalg.expm', () => {
  const x = T.matrix('x', 'float64');
  const f = sym.function([x], T.slinalg.expm(x));
  const run = (m: number[][]) => (f.sync(m) as sym.NDArray).toArray();
  it("agrees with SciPy's expm on a small and a large-norm matrix", () => {
    expectClose(run(A), [[0.9399438337063326, -1.0555805206425193, 0.7949691586441038], [0.9643006704042374, 0.2481962819294028, -0.4500602068212924], [-0.01763758495524025, 1.0253579630146183, 0.8077550626096043]], 1e-14);
    expectClose(
      run(scaled(A, 40)),
      [[28551.18323882393, -75316.31584846588, 18615.431343384793], [50106.04746738635, 3582.4790986569556, -44001.17563531618], [-25239.894184210472, 56393.231934107476, 9669.119667262035]],
      1e-12,
    );
  });
  it('is exact for nilpotent matrices, 1e6 above the diagonal too, and agrees on a symmetric one', () => {
    expect(run([[0, 3, 1], [0, 0, 2], [0, 0, 0]])).toEqual([[1, 3, 4], [0, 1, 2], [0, 0, 1]]);
    expect(run([[0, 1e6], [0, 0]])).toEqual([[1, 1e6], [0, 1]]);
    expectClose(run([[2, 1, 0.5], [1, -1, 0.3], [0.5, 0.3, 0.7]]), [[10.072254619944431, 3.060459921946714, 2.800843839389771], [3.060459921946714, 1.2336451096770893, 0.9949657924882624], [2.8008438393897714, 0.9949657924882626, 2.6364050057225286]], 1e-13);
    expect(run([[0, 0], [0, 0]])).toEqual([[1, 0], [0, 1]]);
  });
  it('keeps float32, and an integer matrix is float64', () => {
    const y = T.matrix('y', 'float32');
    const r = sym.function([y], T.slinalg.expm(y)).sync(sym.array(A, { dtype: 'float32' })) as sym.NDArray;
    expect(r.dtype).toBe('float32');
    expectClose(r.toArray(), [[0.9399438500404358, -1.0555806159973145, 0.7949692010879517], [0.9643006920814514, 0.24819624423980713, -0.4500601887702942], [-0.01763758808374405, 1.025357961654663, 0.8077550530433655]], 1e-6);
    expect(T.slinalg.expm(T.constant(sym.array([[0, 1], [0, 0]], { dtype: 'int32' }))).dtype).toBe('float64');
    expect(() => T.slinalg.expm(T.vector('v'))).toThrow('expm: A must be a square matrix, got v');
    expect(() => T.slinalg.expm(T.constant(sym.array([[1, 2, 3]], { dtype: 'float64' })))).toThrow('expm: A must be square');
  });
  it("overflows to SciPy's inf and 0 for a diagonal matrix, not NaN (the squarings' inf * 0)", () => {
    // scipy.linalg.expm: [[1000, 0], [0, -1000]] -> [[inf, 0], [0, 0]] in float64 and float32; [[700]] float32 -> [[inf]]
    expect(run([[1000, 0], [0, -1000]])).toEqual([[Infinity, 0], [0, 0]]);
    const y = T.matrix('y', 'float32');
    const g = sym.function([y], T.slinalg.expm(y));
    const run32 = (m: number[][]) => (g.sync(sym.array(m, { dtype: 'float32' })) as sym.NDArray).toArray();
    expect(run32([[1000, 0], [0, -1000]])).toEqual([[Infinity, 0], [0, 0]]);
    expect(run32([[1000, 0], [0, 0]])).toEqual([[Infinity, 0], [0, 1]]);
    expect(run32([[700]])).toEqual([[Infinity]]);
    expect(run32([[100, 0], [0, -100]])).toEqual([[Infinity, 0], [0, 3.783505853677006e-44]]);
    // a general matrix that overflows is SciPy's inf too
    expect(run([[1000, 1], [1, -1000]])).toEqual([[Infinity, Infinity], [Infinity, Infinity]]);
  });
  it('raises an error naming expm and A for a non-square A whose shape is known only when called', () => {
    expect(() => f.sync([[1, 2, 3], [4, 5, 6]])).toThrow('expm: A must be square, got x of shape (2, 3)');
  });
  it('differentiates through the approximant and the squarings (finite differences agree)', async () => {
    const W = T.constant(sym.array([[1, -2, 0.5], [0.3, 1, -1], [2, 0.25, -0.5]], { dtype: 'float64' }));
    const cost = (m: V) => T.sum(T.mul(T.slinalg.expm(m), W));
    expect((await verifyGrad(cost, [A])).maxAbsErr).toBeLessThan(1e-6);
    // at 3 A (1-norm 7.2: two squarings), against SciPy's Frechet derivative: the gradient of sum(expm(X) * W) is
    // expm_frechet(X.T, W)[1]
    const g = sym.function([x], grad(cost(x), x)).sync(scaled(A, 3)) as sym.NDArray;
    // at a diagonal point the off-diagonal derivative is not lost (SciPy's expm_frechet(diag(1, 2), W[:2, :2])[1])
    const w2 = T.constant(sym.array([[1, -2], [0.3, 1]], { dtype: 'float64' }));
    const gd = sym.function([x], grad(T.sum(T.mul(T.slinalg.expm(x), w2)), x)).sync([[1, 0], [0, 2]]) as sym.NDArray;
    expectClose(gd.toArray(), [[2.718281828459046, -9.341548540943212], [1.4012322811414815, 7.38905609893065]], 1e-13);
    expectClose(g.toArray(), [[-0.6161727351150033, 3.0168000432597473, 0.28247485397919636], [-0.1967372586460726, -2.1970629828590162, 1.5778876808205726], [2.6465080083993775, 1.8124928140247138, -0.4813023456497648]], 1e-13);
    // float32, at A: within float32's rounding of the float64 Frechet derivative
    const y = T.matrix('y', 'float32');
    const w32 = T.cast(W, 'float32');
    const g32 = sym.function([y], grad(T.sum(T.mul(T.slinalg.expm(y), w32)), y)).sync(sym.array(A, { dtype: 'float32' })) as sym.NDArray;
    expect(g32.dtype).toBe('float32');
    expectClose(g32.toArray(), [[2.309232213714159, -0.8181654519243331, -0.9693328802020423], [-0.7240026411629582, 2.31476408523182, -0.42318156954951747], [2.461074495543366, 0.40375174171247336, -0.37067336522221644]], 2e-6);
  });
});
