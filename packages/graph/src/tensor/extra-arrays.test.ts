/**
 * extra-arrays.ts against NumPy 2.4's values (written out): diff, bartlett,
 * fillDiagonal, fillDiagonalOffset and searchsorted; gradients with
 * verifyGrad and Theano's rules for fill_diagonal.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad, verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (c: V, w: V[]) => V[];
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const f64 = (v: sym.NestedArray) => T.constant(sym.array(v, { dtype: 'float64' }));
const value = (v: V) => both(v).toArray();
const M = [[1.5, -2, 3, 0.25], [4, 5, -7, 1], [0.5, 0.5, 2, -3]];
// q = np.arange(12.0).reshape(3, 4)
const Q = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]];

describe('diff', () => {
  it("is np.diff: along the last axis, of order n, booleans by !=", () => {
    expect(value(T.diff(f64(M)))).toEqual([[-3.5, 5, -2.75], [1, -12, 8], [0, 1.5, -5]]);
    expect(value(T.diff(f64(M), 2, 0))).toEqual([[-6, -11.5, 19, -4.75]]);
    expect(value(T.diff(T.constant(sym.array([true, false, false, true], { dtype: 'bool' }))))).toEqual([true, false, true]);
    expect(both(T.diff(f64([1, 2]), 3)).shape).toEqual([0]);
    expect(value(T.diff(f64([1, 2]), 0))).toEqual([1, 2]);
    expect(T.extraOps.diff).toBe(T.diff);
    expect(() => T.diff(f64(3))).toThrow(/diff: x must have at least one dimension/);
  });

  it('differentiates', async () => {
    expect((await verifyGrad((x) => T.diff(x, 2, 1), [M])).maxAbsErr).toBeLessThan(1e-5);
  });
});

describe('bartlett', () => {
  it('is np.bartlett, for numbers and integer scalars', () => {
    const want = [[], [1], [0, 0], [0, 0.5, 1, 0.5, 0], [0, 0.4, 0.8, 0.8, 0.4, 0]];
    [0, 1, 2, 5, 6].forEach((n, i) => {
      const w = both(T.bartlett(n));
      expect([w.dtype, w.toArray()]).toEqual(['float64', want[i]!.map((v) => expect.closeTo(v, 15))]);
    });
    const m = T.iscalar('m');
    const f = sym.function([m], T.bartlett(m));
    [0, 1, 2, 5, 6, -3].forEach((n, i) => expect((f.sync(n) as sym.NDArray).toArray()).toEqual((want[i] ?? []).map((v) => expect.closeTo(v, 15))));
    expect(() => T.bartlett(2.5)).toThrow(/bartlett: M must be an integer or an integer scalar, got 2.5/);
  });

  it('takes an unsigned M as its value (1 - M is not wrapped)', () => {
    for (const dtype of ['uint8', 'uint16', 'uint32'] as const) {
      const m = T.scalar('m', dtype);
      const f = sym.function([m], T.bartlett(m));
      // np.bartlett(np.uint8(5)), np.bartlett(np.uint8(1)), np.bartlett(np.uint8(0))
      expect((f.sync(5) as sym.NDArray).toArray()).toEqual([0, 0.5, 1, 0.5, 0]);
      expect((f.sync(1) as sym.NDArray).toArray()).toEqual([1]);
      expect((f.sync(0) as sym.NDArray).toArray()).toEqual([]);
    }
  });
});

describe('fillDiagonal and fillDiagonalOffset', () => {
  it("are NumPy's fill_diagonal and Theano's offset form", () => {
    expect(value(T.fillDiagonal(f64(Q), -1))).toEqual([[-1, 1, 2, 3], [4, -1, 6, 7], [8, 9, -1, 11]]);
    expect(value(T.fillDiagonal(f64([[1, 2], [3, 4], [5, 6]]), 0))).toEqual([[0, 2], [3, 0], [5, 6]]);
    const cube = sym.fill([3, 3, 3], 'float64', (i) => i);
    const filled = value(T.fillDiagonal(T.constant(cube), 0.5)) as number[][][];
    expect([filled[0]![0]![0], filled[1]![1]![1], filled[2]![2]![2], filled[1]![1]![0], filled[2]![1]![2]]).toEqual([0.5, 0.5, 0.5, 12, 23]);
    expect(value(T.fillDiagonalOffset(f64(Q), 9, 1))).toEqual([[0, 9, 2, 3], [4, 5, 9, 7], [8, 9, 10, 9]]);
    expect(value(T.fillDiagonalOffset(f64(Q), 9, -2))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [9, 9, 10, 11]]);
  });

  it("cast val to a's dtype and check a tensor's lengths", () => {
    const i32 = T.constant(sym.array([[1, 2], [3, 4]], { dtype: 'int32' }));
    const r = both(T.fillDiagonal(i32, 7.9));
    expect([r.dtype, r.toArray()]).toEqual(['int32', [[7, 2], [3, 7]]]);
    const x = T.dtensor3('x');
    const f = sym.function([x], T.fillDiagonal(x, 0));
    expect(() => f.sync(sym.fill([2, 2, 3], 'float64', () => 1))).toThrow(/fillDiagonal: a tensor of more than two dimensions needs them all of one length, got shape \[2, 2, 3\]/);
    expect(() => T.fillDiagonal(f64(Q), f64([1, 2]))).toThrow(/fillDiagonal: val must be a scalar/);
    expect(() => T.fillDiagonalOffset(T.dtensor3(), 0, 1)).toThrow(/fillDiagonalOffset: a must be a matrix/);
  });

  it("refuse an integer val that a's integer dtype cannot hold (NumPy 2: OverflowError), where it wrapped", () => {
    const u8 = T.constant(sym.array([[1, 2], [3, 4]], { dtype: 'uint8' }));
    // were [[44, 2], [3, 44]] and [[255, 2], [3, 255]]
    expect(() => T.fillDiagonal(u8, 300)).toThrow(/fillDiagonal: val 300 is out of range for a's dtype uint8 \[0, 255\]/);
    expect(() => T.fillDiagonalOffset(u8, -1, 1)).toThrow(/fillDiagonalOffset: val -1 is out of range for a's dtype uint8 \[0, 255\]/);
    expect(() => T.fillDiagonal(T.imatrix('i'), 2 ** 31)).toThrow(/val 2147483648 is out of range for a's dtype int32/);
    expect(both(T.fillDiagonal(u8, 255)).toArray()).toEqual([[255, 2], [3, 255]]);
    expect(both(T.fillDiagonal(T.constant(sym.array([[true, false]], { dtype: 'bool' })), 5)).toArray()).toEqual([[true, false]]);
  });

  it("differentiate as Theano's: a's gradient without the diagonal, val's the diagonal's sum", async () => {
    const a = T.dmatrix('a');
    const v = T.dscalar('v');
    const w = f64([[1, 2, 3], [4, 5, 6]]);
    const [ga, gv] = grad(T.fillDiagonal(a, v).mul(w).sum(), [a, v]);
    const [gaV, gvV] = sym.function([a, v], [ga!, gv!]).sync([[0, 0, 0], [0, 0, 0]], 1) as sym.NDArray[];
    expect(gaV!.toArray()).toEqual([[0, 2, 3], [4, 0, 6]]);
    expect(gvV!.toArray()).toBe(6);
    expect((await verifyGrad((x, s) => T.fillDiagonalOffset(x, s, 1).mul(w), [[[1, 2, 3], [4, 5, 6]], 0.5])).maxAbsErr).toBeLessThan(1e-5);
  });
});

describe('searchsorted', () => {
  it("is np.searchsorted, both sides, NaN last, with a sorter", () => {
    const s = f64([1, 2, 2, 3, 5, NaN]);
    const v = f64([[2, 0, 6], [NaN, 2.5, 1]]);
    const left = both(T.searchsorted(s, v));
    expect([left.dtype, left.toArray()]).toEqual(['int64', [[1, 0, 5], [5, 3, 0]]]);
    expect(value(s.searchsorted(v, 'right'))).toEqual([[3, 0, 5], [6, 3, 1]]);
    const sorter = T.constant(sym.array([1, 2, 0, 3], { dtype: 'int64' }));
    expect(value(T.searchsorted(f64([3, 1, 2, 5]), f64([2.5, 0, 9]), 'left', sorter))).toEqual([2, 0, 4]);
    expect(value(T.searchsorted(f64([1, 2]), f64(1.5)))).toBe(1);
    expect(() => T.searchsorted(f64(Q), f64([1]))).toThrow(/searchsorted: x must be a vector/);
    expect(() => T.searchsorted(s, v, 'middle' as 'left')).toThrow(/searchsorted: side must be 'left' or 'right', got "middle"/);
  });
});
