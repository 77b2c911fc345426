/**
 * tensor-more.ts against NumPy 2.4's values (written out): ceilIntdiv,
 * divmod, power, tensorCopy, inversePermutation, permuteRowElements (and
 * its gradient), getScalarConstantValue, getVectorLength.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const c = (v: sym.NestedArray, dtype: sym.DType) => T.constant(sym.array(v, { dtype }));

describe('ceilIntdiv and divmod', () => {
  const a = c([7, -7, 7, -7, 0, 5, -5], 'int32');
  const b = c([2, 2, -2, -2, 3, 5, 3], 'int32');
  it("ceilIntdiv is ceil(a / b) in a // b's dtype, for every sign", () => {
    const r = both(T.ceilIntdiv(a, b));
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([4, -3, -3, 4, 0, 1, -1]);
    // exact where a float division is not: 2^53 + 1 over 1 in int64
    const big = both(T.ceilIntdiv(c([2 ** 53], 'int64'), c([3], 'int64')));
    expect(big.dtype).toBe('int64');
    expect(big.toArray()).toEqual([3002399751580331]);
    expect(both(T.ceilIntdiv(c([7.5, -7.5, 3, -0.5], 'float64'), c([2, 2, 1.5, 0.25], 'float64'))).toArray()).toEqual([4, -3, 2, -2]);
  });
  it("divmod is Python's: the floor quotient and the remainder with the divisor's sign", () => {
    const [q, m] = T.divmod(a, b);
    expect(both(q).toArray()).toEqual([3, -4, -4, 3, 0, 1, -2]);
    expect(both(m).toArray()).toEqual([1, 1, -1, -1, 0, 0, 1]);
  });
  it('power is pow; tensorCopy is a new variable of the same value', () => {
    expect(both(T.power(c([2, 3], 'float64'), 3)).toArray()).toEqual([8, 27]);
    const x = c([1, 2], 'float32');
    const y = T.tensorCopy(x);
    expect(y).not.toBe(x);
    expect(both(y).dtype).toBe('float32');
    expect(both(y).toArray()).toEqual([1, 2]);
  });
});

describe('inversePermutation and permuteRowElements', () => {
  const p = c([[2, 0, 3, 1], [1, 3, 0, 2]], 'int32');
  const x = c([[10, 20, 30, 40], [50, 60, 70, 80]], 'float64');
  it("inversePermutation inverts each row, in perm's dtype", () => {
    const r = both(T.inversePermutation(p));
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([[1, 3, 0, 2], [2, 0, 3, 1]]);
    expect(() => T.inversePermutation(c([0.5], 'float64'))).toThrow(/inversePermutation: perm must be an integer tensor/);
  });
  it('permuteRowElements: one permutation for every row, one per row, and a vector permuted by each row', () => {
    const y = c([2, 0, 3, 1], 'int64');
    expect(both(T.permuteRowElements(x, y)).toArray()).toEqual([[30, 10, 40, 20], [70, 50, 80, 60]]);
    expect(both(T.permuteRowElements(x, y, true)).toArray()).toEqual([[20, 40, 10, 30], [60, 80, 50, 70]]);
    expect(both(T.permuteRowElements(x, p)).toArray()).toEqual([[30, 10, 40, 20], [60, 80, 50, 70]]);
    expect(both(T.permuteRowElements(x, p, true)).toArray()).toEqual([[20, 40, 10, 30], [70, 50, 80, 60]]);
    expect(both(T.permuteRowElements(c([1, 2, 3, 4], 'float64'), p)).toArray()).toEqual([[3, 1, 4, 2], [2, 4, 1, 3]]);
  });
  it('broadcasts broadcastable leading dimensions of x and y against each other', () => {
    // a (1, 4) row of permutations for each row of x; a (1, 4) x for each row of permutations
    expect(both(T.permuteRowElements(x, c([[2, 0, 3, 1]], 'int32'))).toArray()).toEqual([[30, 10, 40, 20], [70, 50, 80, 60]]);
    expect(both(T.permuteRowElements(c([[1, 2, 3, 4]], 'float64'), p)).toArray()).toEqual([[3, 1, 4, 2], [2, 4, 1, 3]]);
  });
  it('refuses what is not a permutation of the last axis', () => {
    expect(() => T.permuteRowElements(x, c([0.5], 'float64'))).toThrow(/permuteRowElements: y must be an integer tensor/);
    expect(() => T.permuteRowElements(x, c([[[0]]], 'int32'))).toThrow(/has more dimensions than x/);
    expect(() => T.permuteRowElements(c(1, 'float64'), c([0], 'int32'))).toThrow(/x must have a dimension to permute/);
  });
  it('its gradient sends each element back to where it came from (finite differences)', async () => {
    const perms = c([[2, 0, 3, 1], [1, 3, 0, 2]], 'int32');
    const w = c([[1, 2, 3, 4], [5, 6, 7, 8]], 'float64');
    for (const inverse of [false, true]) {
      const r = await verifyGrad((m) => T.sum(T.mul(T.permuteRowElements(m, perms, inverse), w)), [[[0.1, 0.2, 0.3, 0.4], [-1, 2, -3, 4]]]);
      expect(r.maxAbsErr).toBeLessThan(1e-6);
    }
  });
});

describe('getScalarConstantValue and getVectorLength', () => {
  it('follow constants, casts, dimshuffles and known lengths', () => {
    expect(T.getScalarConstantValue(3)).toBe(3);
    expect(T.getScalarConstantValue(T.constant(2.5))).toBe(2.5);
    expect(T.getScalarConstantValue(c([[4, 4], [4, 4]], 'int32'))).toBe(4);
    expect(T.getScalarConstantValue(sym.array([1.5, 1.5]))).toBe(1.5);
    expect(T.getScalarConstantValue(T.cast(T.constant(2.7, { dtype: 'float64' }), 'int32'))).toBe(2);
    expect(T.getScalarConstantValue(T.cast(T.constant(-2.7, { dtype: 'float64' }), 'int64'))).toBe(-2);
    expect(T.getScalarConstantValue(T.cast(T.constant(0.1, { dtype: 'float64' }), 'float32'))).toBe(Math.fround(0.1));
    expect(T.getScalarConstantValue(T.cast(T.constant(3), 'bool'))).toBe(1);
    expect(T.getScalarConstantValue(T.dimshuffle(T.constant(7), ['x', 'x']))).toBe(7);
    const m = T.specifyShape(T.matrix('m'), [null, 5]);
    expect(T.getScalarConstantValue(m.shape[1]!)).toBe(5);
  });
  it('raise NotScalarConstantError for what is known only when it runs', () => {
    const x = T.dscalar('x');
    expect(() => T.getScalarConstantValue(x)).toThrow(T.NotScalarConstantError);
    expect(() => T.getScalarConstantValue(x.add(1))).toThrow(/computed by .*not a constant/);
    expect(() => T.getScalarConstantValue(c([1, 2], 'int32'))).toThrow(/does not hold one value/);
    expect(() => T.getScalarConstantValue(T.matrix('m').shape[0]!)).toThrow(/known only when it runs/);
  });
  it("getVectorLength reads the vector's static length", () => {
    expect(T.getVectorLength(c([1, 2, 3], 'int64'))).toBe(3);
    expect(T.getVectorLength(T.specifyShape(T.vector('v'), [4]))).toBe(4);
    expect(T.getVectorLength(T.shape(T.tensor3('t')))).toBe(3);
    expect(() => T.getVectorLength(T.vector('v'))).toThrow(/getVectorLength: the length of v is known only when it runs/);
    expect(() => T.getVectorLength(T.matrix('m'))).toThrow(/expected a vector/);
  });
});
