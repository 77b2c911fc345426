/**
 * linalg-more.ts against NumPy's kron and SciPy's eigvalsh (values written
 * out from NumPy 2.4, SciPy 1.17), nlinalg.diag, and the gradients of
 * kron and the generalized eigvalsh by finite differences.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const c = (v: sym.NestedArray, dtype: sym.DType = 'float64') => T.constant(sym.array(v, { dtype }));
const close = (want: number[], digits = 12) => want.map((w) => expect.closeTo(w, digits));

describe('slinalg.kron', () => {
  it("is NumPy's (and SciPy's) Kronecker product of two matrices", () => {
    const r = both(T.slinalg.kron(c([[1, 2], [3, 4], [5, 6]]), c([[0.5, -1, 2], [3, 0, 1]])));
    expect(r.shape).toEqual([6, 6]);
    expect(r.toArray()).toEqual([
      [0.5, -1, 2, 1, -2, 4],
      [3, 0, 1, 6, 0, 2],
      [1.5, -3, 6, 2, -4, 8],
      [9, 0, 3, 12, 0, 4],
      [2.5, -5, 10, 3, -6, 12],
      [15, 0, 5, 18, 0, 6],
    ]);
  });
  it("is NumPy's for two vectors and two tensors of one rank, symbolic shapes too", async () => {
    expect(both(T.slinalg.kron(c([1, 2, 3]), c([4, 5]))).toArray()).toEqual([4, 5, 8, 10, 12, 15]);
    const a = T.tensor3('a', 'float64');
    const b = T.tensor3('b', 'float64');
    const f = sym.function([a, b], T.slinalg.kron(a, b));
    const out = (await f([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[[1, -1]], [[2, 0.5]]])) as sym.NDArray;
    expect(out.shape).toEqual([4, 2, 4]);
    expect(Array.from(out.data)).toEqual([1, -1, 2, -2, 3, -3, 4, -4, 2, 0.5, 4, 1, 6, 1.5, 8, 2, 5, -5, 6, -6, 7, -7, 8, -8, 10, 2.5, 12, 3, 14, 3.5, 16, 4]);
  });
  it('refuses unequal ranks, where SciPy and NumPy differ', () => {
    expect(() => T.slinalg.kron(c([1, 2]), c([[1]]))).toThrow(/kron: a and b must have the same number of dimensions.*T.shapePadleft/);
    expect(() => T.slinalg.kron(c(1), c(2))).toThrow(/1 or more/);
  });
  it('is differentiable in both (finite differences)', async () => {
    const w = c([[1, 2, 3, 4], [5, 6, 7, 8], [-1, -2, -3, -4], [0.5, 1.5, 2.5, 3.5]]);
    const r = await verifyGrad((a, b) => T.sum(T.mul(T.slinalg.kron(a, b), w)), [[[1, 2], [3, 4]], [[0.5, -1], [2, 0.25]]]);
    expect(r.maxAbsErr).toBeLessThan(1e-6);
  });
});

describe('slinalg.eigvalsh', () => {
  const A = [[4, 1, -2], [1, 3, 0.5], [-2, 0.5, 5]];
  const B = [[2, 0.3, 0.1], [0.3, 1.5, -0.2], [0.1, -0.2, 1]];
  it("is SciPy's generalized eigvalsh(a, b), and a's own without b", () => {
    expect(both(T.slinalg.eigvalsh(c(A), c(B))).toArray()).toEqual(close([1.0217087031914942, 2.1696156360750805, 6.437644622560039]));
    expect(both(T.slinalg.eigvalsh(c(A))).toArray()).toEqual(close([1.584206693092622, 3.8393364524664815, 6.576456854440895]));
  });
  it('reads the lower triangles, or the upper ones with lower: false', () => {
    const lowA = [[4, 9, 9], [1, 3, 9], [-2, 0.5, 5]];
    const lowB = [[2, 7, 7], [0.3, 1.5, 7], [0.1, -0.2, 1]];
    const upA = [[4, 1, -2], [9, 3, 0.5], [9, 9, 5]];
    const upB = [[2, 0.3, 0.1], [7, 1.5, -0.2], [7, 7, 1]];
    const want = close([1.0217087031914942, 2.1696156360750805, 6.437644622560039]);
    expect(both(T.slinalg.eigvalsh(c(lowA), c(lowB))).toArray()).toEqual(want);
    expect(both(T.slinalg.eigvalsh(c(upA), c(upB), { lower: false })).toArray()).toEqual(want);
  });
  it('refuses what is not a matrix', () => {
    expect(() => T.slinalg.eigvalsh(c([1, 2]))).toThrow(/eigvalsh: a must be a matrix/);
    expect(() => T.slinalg.eigvalsh(c(A), c([1, 2]))).toThrow(/eigvalsh: b must be a matrix/);
  });
  it('is differentiable in a and b, onto the triangles read (finite differences)', async () => {
    const w = c([1, -2, 0.5]);
    const r = await verifyGrad((a, b) => T.sum(T.mul(T.slinalg.eigvalsh(a, b), w)), [A, B]);
    expect(r.maxAbsErr).toBeLessThan(1e-5);
  });
});

describe('nlinalg.diag', () => {
  it("is T.diag: a vector's diagonal matrix, a matrix's diagonal", () => {
    expect(both(T.nlinalg.diag(c([1, 2]))).toArray()).toEqual([[1, 0], [0, 2]]);
    expect(both(T.nlinalg.diag(c([[1, 2], [3, 4]]))).toArray()).toEqual([1, 4]);
  });
});

describe('slinalg.choSolve', () => {
  // A = [[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]], L = numpy.linalg.cholesky(A); junk in the triangle not read
  const L = [
    [2, 7, 7],
    [0.5, 1.6583123951777, 7],
    [0.25, 0.04522670168666455, 1.391206147720224],
  ];
  const U = [
    [2, 0.5, 0.25],
    [-5, 1.6583123951777, 0.04522670168666455],
    [-5, -5, 1.391206147720224],
  ];
  const b = [[1, 2], [0, -1], [3, 0.5]];
  // scipy.linalg.cho_solve((L, True), b), the same from (U, False)
  const x = [0.09675904180366374, 0.6186002818224519, -0.13151714419915453, -0.5495537811178958, 1.488961953968999, 0.15030530765617656];
  it("is SciPy's cho_solve from a lower or an upper factor, reading only its triangle (float64, float32, a vector b)", () => {
    expect(Array.from(both(T.slinalg.choSolve([c(L), true], c(b))).data as Float64Array)).toEqual(close(x));
    expect(Array.from(both(T.slinalg.choSolve([c(U), false], c(b))).data as Float64Array)).toEqual(close(x));
    expect(Array.from(both(T.slinalg.choSolve([c(L), true], c([1, 0, 3]))).data as Float64Array)).toEqual(close([x[0]!, x[2]!, x[4]!]));
    const r32 = both(T.slinalg.choSolve([c(L, 'float32'), true], c(b, 'float32')));
    expect(r32.dtype).toBe('float32');
    expect(Array.from(r32.data as Float32Array)).toEqual(close(x, 5));
  });
  it('refuses a cAndLower that is not [c, lower], naming choSolve', () => {
    expect(() => T.slinalg.choSolve(c(L) as unknown as [V, boolean], c(b))).toThrow(/choSolve: cAndLower must be \[c, lower\]/);
    expect(() => T.slinalg.choSolve([c(L), 'lower' as unknown as boolean], c(b))).toThrow(/choSolve: lower must be a boolean/);
  });
  it('is differentiable in c and b (finite differences), lower and upper', async () => {
    for (const lower of [true, false]) {
      const f = (cc: V, bb: V) => T.sum(T.sqr(T.slinalg.choSolve([lower ? T.tril(cc) : T.triu(cc), lower], bb)));
      const { maxAbsErr } = await verifyGrad(f, [lower ? L : U, b]);
      expect(maxAbsErr).toBeLessThan(1e-6);
    }
  });
});
