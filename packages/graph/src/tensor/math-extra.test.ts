/**
 * math-extra.ts against NumPy 2.4's values (written out): var and std
 * with ddof and corrected, ptp, maxAndArgmax, largest and smallest, norm,
 * iround, isclose and allclose, tri, batchedTensordot; the fluent methods;
 * gradients with verifyGrad.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const f64 = (v: sym.NestedArray) => T.constant(sym.array(v, { dtype: 'float64' }));
const value = (v: V) => both(v).toArray();
const close = (want: number[], digits = 13) => want.map((w) => expect.closeTo(w, digits));
const grad1 = async (f: (...xs: V[]) => V, ...pts: sym.NestedArray[]) => expect((await verifyGrad(f, pts)).maxAbsErr).toBeLessThan(1e-5);
const M = [[1.5, -2, 3, 0.25], [4, 5, -7, 1], [0.5, 0.5, 2, -3]];

describe('var and std', () => {
  it("are NumPy's, with ddof (N - ddof over all reduced elements)", () => {
    const m = f64(M);
    expect(value(T.var(m))).toBeCloseTo(9.754774305555555, 13);
    expect(value(T.std(m))).toBeCloseTo(3.123263406367698, 13);
    expect(value(T.var(m, 0))).toEqual(close([2.1666666666666665, 8.388888888888888, 20.222222222222218, 3.013888888888889]));
    expect(value(T.var(m, { axis: 1, ddof: 1 }))).toEqual(close([4.473958333333333, 29.583333333333332, 4.5]));
    expect(value(T.std(m, { axis: 1, ddof: 1 }))).toEqual(close([2.115173357749509, 5.439056290693573, 2.1213203435596424]));
    expect(value(T.var(m, { axis: [0, 1], ddof: 2 }))).toBeCloseTo(11.705729166666666, 13);
    expect(both(T.var(m, { axis: 0, keepdims: true })).shape).toEqual([1, 4]);
  });

  it('corrected subtracts the squared mean deviation (the corrected two-pass algorithm)', () => {
    const m = f64(M);
    expect(value(T.var(m, { axis: 1, corrected: true }))).toEqual(close([3.35546875, 22.1875, 3.375]));
    expect(value(T.var(m, { axis: 0, ddof: 1, corrected: true }))).toEqual(close([3.25, 12.583333333333332, 30.33333333333333, 4.520833333333333]));
    // in float32, data far from 0 with a small spread: the mean's rounding error (1e-4 here) leaves the
    // two-pass variance 1e-8 off, which the correction removes (the exact value from the float32 data, in float64)
    const data = Array.from(sym.array(Array.from({ length: 7 }, (_, i) => 3000 + 0.002 * i + 0.0003 * i * i), { dtype: 'float32' }).data);
    const mu = data.reduce((a, b) => a + b) / 7;
    const exact = data.reduce((a, b) => a + (b - mu) ** 2, 0) / 6;
    const corrected = value(T.var(T.constant(sym.array(data, { dtype: 'float32' })), { ddof: 1, corrected: true })) as number;
    expect(Math.abs(corrected - exact)).toBeLessThan(1e-10);
  });

  it('keep float32, give float64 for integers, and work on inputs of unknown length', () => {
    expect(T.var(T.fmatrix('f'), 0).dtype).toBe('float32');
    expect(T.var(T.fmatrix('f'), { axis: 0, ddof: 1 }).dtype).toBe('float32');
    expect(T.std(T.imatrix('i'), { ddof: 1, corrected: true }).dtype).toBe('float64');
    const x = T.fmatrix('x');
    const out = sym.function([x], T.var(x, { axis: 1, ddof: 1 })).sync(sym.array(M, { dtype: 'float32' })) as sym.NDArray;
    expect(out.dtype).toBe('float32');
    expect(out.toArray()).toEqual(close([4.473958333333333, 29.583333333333332, 4.5], 5));
    expect(value(T.var(T.constant(sym.array([1, 2, 4], { dtype: 'int32' })), { ddof: 1 }))).toBeCloseTo(7 / 3, 14);
  });

  it("divide by max(N - ddof, 0), as NumPy: ddof past N gives inf (NaN without spread), not a negative variance", () => {
    // np.var([[1, 2, 4], [3, 3, 3]], axis=1, ddof=3) is [inf, nan]; np.var([1., 2.], ddof=5) and np.std(..., ddof=2) are inf
    const m = f64([[1, 2, 4], [3, 3, 3]]);
    expect(value(T.var(m, { axis: 1, ddof: 3 }))).toEqual([Infinity, NaN]);
    expect(value(T.var(f64([1, 2]), { ddof: 5 }))).toBe(Infinity);
    expect(value(T.std(f64([1, 2]), { ddof: 2 }))).toBe(Infinity);
    // lengths known only when the function runs
    const x = T.dmatrix('x');
    const f = sym.function([x], T.var(x, { axis: 1, ddof: 4 }));
    expect((f.sync([[1, 2, 4], [3, 3, 3]]) as sym.NDArray).toArray()).toEqual([Infinity, NaN]);
  });

  it('refuse unknown options, naming the camelCase spelling', () => {
    expect(() => T.var(f64(M), { ddof: 1, keep_dims: true } as never)).toThrow(/var: unknown option "keep_dims"/);
  });

  it('differentiate with ddof and corrected', async () => {
    await grad1((x) => T.var(x, { axis: 1, ddof: 1 }), M);
    await grad1((x) => T.std(x, { axis: 0, ddof: 1, corrected: true }), M);
  });
});

describe('ptp, maxAndArgmax, largest, smallest', () => {
  it('ptp is max - min along axis', () => {
    expect(value(T.ptp(f64(M)))).toBe(12);
    expect(value(T.ptp(f64(M), 1))).toEqual([5, 12, 5]);
    expect(value(f64(M).ptp({ axis: 1, keepdims: true }))).toEqual([[5], [12], [5]]);
  });

  it('maxAndArgmax returns both', () => {
    const [m, i] = T.maxAndArgmax(f64(M), 1);
    expect([value(m), value(i)]).toEqual([[3, 5, 2], [2, 1, 2]]);
    const [mm, ii] = T.maxAndArgmax(f64(M));
    expect([value(mm), value(ii)]).toEqual([5, 5]);
  });

  it("largest and smallest: Theano's switch of two (b at ties and NaN), the max or min of more", () => {
    expect(value(T.largest(f64([1, 5, NaN, 2]), f64([3, 4, 1, NaN])))).toEqual([3, 5, 1, NaN]);
    expect(value(T.smallest(f64([[1, 5]]), f64([3])))).toEqual([[1, 3]]);
    expect(value(T.largest(f64([1, 9]), f64([3, 4]), f64([2, 8])))).toEqual([3, 9]);
    expect(value(T.smallest(f64([1, 9]), f64([3, 4]), f64([2, 8])))).toEqual([1, 4]);
    expect(() => T.largest()).toThrow(/largest: expected at least one tensor/);
  });

  it('differentiate', async () => {
    await grad1((x) => T.ptp(x, 0), M);
    await grad1((a, b) => T.largest(a, b), [1, 5, -2], [3, 4, 0]);
    await grad1((a, b, c) => T.smallest(a, b, c), [1, 5, -2], [3, 4, 0], [2, 0.5, 1]);
  });
});

describe('norm', () => {
  it("is Theano's x.norm(L, axis): (sum |x|^L)^(1/L), max |x| for Infinity", () => {
    const m = f64(M);
    expect(value(m.norm(3, 0))).toEqual(close([4.07162642489236, 5.106067365614281, 7.230426792525689, 3.0371537085395803]));
    expect(value(T.norm(m, Infinity, 1))).toEqual([3, 7, 3]);
    expect(value(T.norm(m, 2))).toBeCloseTo(10.945889639494817, 13);
    expect(value(T.norm(m, 1, 1, true))).toEqual([[6.75], [17], [6]]);
    expect(() => T.norm(m, 0)).toThrow(/norm: L must be a positive number \(or Infinity\), got 0/);
  });

  it("takes integers in floats, as np.linalg.norm: no square or power wraps", () => {
    const ints = (v: number[], dtype: sym.DType) => T.constant(sym.array(v, { dtype }));
    // np.linalg.norm(np.int32([50000, 0]), 2) etc.
    const cases: [V, sym.DType, number][] = [
      [T.norm(ints([50000, 0], 'int32'), 2), 'float64', 50000],
      [T.norm(ints([-128, -128], 'int8'), 1), 'float32', 256],
      [T.norm(ints([300, 400], 'int16'), 3), 'float32', 449.79414452754133],
      [T.norm(ints([3, -4], 'int64'), Infinity), 'float64', 4],
    ];
    for (const [v, dtype, want] of cases) {
      const r = both(v);
      expect(r.dtype).toBe(dtype);
      expect(r.item()).toBeCloseTo(want, 3);
    }
  });

  it('differentiates', async () => {
    await grad1((x) => T.norm(x, 3, 1), M);
    await grad1((x) => T.norm(x, 2, 0), M);
  });
});

describe('rounding, floorDiv, isclose, allclose', () => {
  it('iround rounds half to even into int64; the named modes', () => {
    const r = both(T.iround(f64([0.5, 1.5, 2.5, -0.5, -1.7, 2.4])));
    expect([r.dtype, r.toArray()]).toEqual(['int64', [0, 2, 2, 0, -2, 2]]); // np.round(-0.5).astype(np.int64) is 0: integers have no -0
    expect(value(T.roundHalfAwayFromZero(f64([0.5, -2.5])))).toEqual([1, -3]);
    expect(value(T.roundHalfToEven(f64([0.5, -2.5])))).toEqual([0, -2]);
    expect(value(f64([2.5]).round('half_away_from_zero'))).toEqual([3]);
    expect(value(T.floorDiv(f64([7, -7]), 2))).toEqual([3, -4]);
  });

  it("round keeps an integer's dtype and value in every mode (NumPy's round); bool becomes float32, as under floor", () => {
    for (const dtype of ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32'] as const) {
      const values = dtype.startsWith('u') ? [0, 7, 200] : [-7, 0, 100];
      const x = T.constant(sym.array(values, { dtype }));
      for (const r of [T.round(x), T.round(x, 'half_away_from_zero'), x.round(), T.roundHalfToEven(x), T.roundHalfAwayFromZero(x)]) {
        expect(r.dtype).toBe(dtype);
        const got = both(r);
        expect([got.dtype, got.toArray()]).toEqual([dtype, values]);
      }
      // fused with its neighbours, still in the integer's dtype (int8 wraps as NumPy's)
      expect(both(T.round(x).mul(x).add(1)).dtype).toBe(dtype);
    }
    expect(both(T.round(T.constant(sym.array([100], { dtype: 'int8' }))).mul(3)).toArray()).toEqual([44]);
    const b = T.constant(sym.array([true, false], { dtype: 'bool' }));
    for (const r of [T.round(b), T.round(b, 'half_away_from_zero')]) expect([both(r).dtype, both(r).toArray()]).toEqual(['float32', [1, 0]]);
    expect(T.iround(T.constant(sym.array([3], { dtype: 'int32' }))).dtype).toBe('int64');
  });

  it("isclose is NumPy's: tolerances, infinities by sign, NaN only with equalNan", () => {
    const a = f64([1, 1e-9, NaN, Infinity, -Infinity, 100, NaN, 1e10]);
    const b = f64([1.00001, 0, NaN, Infinity, Infinity, 100.002, 1, 1.00001e10]);
    expect(value(T.isclose(a, b))).toEqual([true, true, false, true, false, false, false, true]);
    expect(value(T.isclose(a, b, { equalNan: true }))).toEqual([true, true, true, true, false, false, false, true]);
    expect(value(T.isclose(a, b, { rtol: 1e-3, atol: 0 }))).toEqual([true, false, false, true, false, true, false, true]);
    expect(value(T.allclose(f64([1, 2]), f64([1, 2.000001])))).toBe(true);
    expect(value(T.allclose(a, b))).toBe(false);
    // integers compare in floats: no wrap-around in |a - b|
    const i8 = (v: number[]) => T.constant(sym.array(v, { dtype: 'int8' }));
    expect(value(T.isclose(i8([-128, 5]), i8([127, 5])))).toEqual([false, true]);
    expect(() => T.isclose(a, b, { equal_nan: true } as never)).toThrow(/did you mean equalNan/);
  });
});

describe('tri and batchedTensordot', () => {
  it("tri is NumPy's", () => {
    expect(value(T.tri(3, 5, -1))).toEqual([[0, 0, 0, 0, 0], [1, 0, 0, 0, 0], [1, 1, 0, 0, 0]]);
    expect(value(T.tri(4, null, 1))).toEqual([[1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1], [1, 1, 1, 1]]);
    expect(T.tri(1).broadcastable).toEqual([false, false]);
    const n = T.lscalar('n');
    expect((sym.function([n], T.tri(n, 2, 0, 'int32')).sync(3) as sym.NDArray).toArray()).toEqual([[1, 0], [1, 1], [1, 1]]);
  });

  it('batchedTensordot is a tensordot per batch entry (np.einsum)', () => {
    // A = np.arange(24.).reshape(2, 3, 4) - 5; B = (np.arange(48) % 7 - 3.).reshape(2, 4, 2, 3)
    const A = sym.fill([2, 3, 4], 'float64', (i) => i - 5);
    const B = sym.fill([2, 4, 2, 3], 'float64', (i) => (i % 7) - 3);
    const r = both(T.batchedTensordot(T.constant(A), T.constant(B), 1));
    expect(r.shape).toEqual([2, 3, 2, 3]);
    expect((r.toArray() as number[][][][])[0]![0]).toEqual([[-5, 9, 16], [16, 2, -12]]);
    expect((r.toArray() as number[][][][])[1]![2]).toEqual([[-104, -38, 28], [94, 55, 9]]);
    // np.einsum('bij,bkji->bk', A, C) with C = (np.arange(120) % 5 - 2.).reshape(2, 5, 4, 3)
    const C = sym.fill([2, 5, 4, 3], 'float64', (i) => (i % 5) - 2);
    expect(value(T.batchedTensordot(T.constant(A), T.constant(C), [[1, 2], [3, 2]]))).toEqual([[-7, 10, -8, 9, -4], [-43, 22, -8, -3, 32]]);
    expect(() => T.batchedTensordot(T.constant(A), T.constant(C), [[0], [1]])).toThrow(/include the batch axis 0/);
    expect(() => T.batchedTensordot(T.constant(A), T.constant(C), [[1], [1]])).toThrow(/axis 1 of x .* has length 3 but axis 1 of y .* has 5/);
  });

  it('batchedTensordot refuses summed or batch lengths that differ when they are known only at run time', () => {
    const [x, y] = [T.tensor3('x'), T.tensor3('y')];
    const f = sym.function([x, y], T.batchedTensordot(x, y, 2));
    // x's summed axes (2, 3) against y's (3, 2): the same product, so the reshape passed and the sum was
    // [16] (NumPy's tensordot: 'shape-mismatch for sum')
    expect(() => f.sync([[[1, 2, 3], [4, 5, 6]]], [[[1, 0], [0, 1], [1, 1]]])).toThrow(/batchedTensordot: axis 1 of x \(x\) has length 2 but axis 1 of y \(y\) has 3; the summed axes must have equal lengths/);
    const g = sym.function([x, y], T.batchedTensordot(x, y, 1));
    expect(() => g.sync(sym.NDArray.zeros([2, 3, 4], 'float64'), sym.NDArray.zeros([3, 4, 5], 'float64'))).toThrow(/batchedTensordot: x \(x\) has 2 entries along the batch axis 0 but y \(y\) has 3/);
    expect((g.sync(sym.NDArray.zeros([2, 3, 4], 'float64'), sym.NDArray.zeros([2, 4, 5], 'float64')) as sym.NDArray).shape).toEqual([2, 3, 5]);
  });

  it('batchedTensordot differentiates', async () => {
    await grad1((a, b) => T.batchedTensordot(a, b, [[1], [2]]), [[[1, 2], [3, 4], [5, 6]], [[0.5, 1], [2, -1], [0, 1]]], [[[1, 0, 2]], [[-1, 1, 0.5]]]);
  });
});

describe('fluent methods', () => {
  it('trace, ravel, copy, zerosLike, onesLike, fill, var with options', () => {
    const m = f64([[1, 2], [3, 4]]);
    expect(value(m.trace())).toBe(5);
    expect(value(m.ravel())).toEqual([1, 2, 3, 4]);
    expect(value(m.copy())).toEqual([[1, 2], [3, 4]]);
    expect(value(m.zerosLike('int32'))).toEqual([[0, 0], [0, 0]]);
    expect(value(m.onesLike())).toEqual([[1, 1], [1, 1]]);
    expect(value(m.fill(7))).toEqual([[7, 7], [7, 7]]);
    expect(value(m.var({ axis: 0, ddof: 1 }))).toEqual([2, 2]);
    expect(value(m.std(1))).toEqual([0.5, 0.5]);
  });
});
