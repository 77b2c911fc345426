/**
 * cumsum and cumprod (Hillis-Steele passes), toOneHot, log2, log10, exp2,
 * inv, isnan, isinf, and the T.nnet activations built from elementwise
 * ops (logSoftmax, hardSigmoid, ultraFastSigmoid, elu, selu, softsign).
 * Expected values are NumPy's (numpy 2.4), written out, or running sums
 * and products computed here by plain loops.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './helpers.js';

type V = sym.TensorVariable;
const f64 = (v: sym.NestedArray) => T.constant(sym.array(v, { dtype: 'float64' }));
const i32 = (v: sym.NestedArray) => T.constant(sym.array(v, { dtype: 'int32' }));
const value = (v: V) => both(v).toArray();
const run = (inputs: V[], out: V, ...values: sym.NDArray[]) => sym.function(inputs, out).sync(...values) as sym.NDArray;
const arr = (v: sym.NestedArray, dtype: sym.DType = 'float64') => sym.array(v, { dtype });
const joins = (v: V) => sym.toposort([v]).filter((n) => n.op instanceof sym.Join).length;

function running(xs: readonly number[], op: (a: number, b: number) => number): number[] {
  const out: number[] = [];
  xs.forEach((x, i) => out.push(i === 0 ? x : op(out[i - 1]!, x)));
  return out;
}

describe('cumsum and cumprod', () => {
  // C = np.array([[1, -2, 3, 0], [2, 2, -1, 5], [0, 1, 1, 2]])
  const C = i32([[1, -2, 3, 0], [2, 2, -1, 5], [0, 1, 1, 2]]);

  it('along an axis, a negative one, or the flattened array (np.cumsum(C, 0), np.cumsum(C, -1), np.cumsum(C))', () => {
    expect(value(T.cumsum(C, 0))).toEqual([[1, -2, 3, 0], [3, 0, 2, 5], [3, 1, 3, 7]]);
    expect(value(T.cumsum(C, -1))).toEqual([[1, -1, 2, 2], [2, 4, 3, 8], [0, 1, 2, 4]]);
    expect(value(C.cumsum())).toEqual([1, -1, 2, 2, 4, 6, 5, 10, 10, 11, 12, 14]);
    // int64 products are doubles underneath, and -6 * 0 is -0 there (any int64 mul's, not cumprod's): compared as numbers
    const plain = (v: V) => (value(v) as number[][]).map((r) => r.map((x) => x + 0));
    expect(plain(T.cumprod(C, 1))).toEqual([[1, -2, -6, 0], [2, 4, -4, -20], [0, 0, 0, 0]]);
    expect(plain(C.cumprod(0))).toEqual([[1, -2, 3, 0], [2, -4, -3, 0], [0, -4, -3, 0]]);
  });

  it("has NumPy's dtypes: integers and booleans accumulate in int64, floats keep theirs", () => {
    expect(T.cumsum(C).dtype).toBe('int64');
    expect(T.cumprod(T.constant(sym.array([true, true, false], { dtype: 'bool' }))).dtype).toBe('int64');
    expect(value(T.cumsum(T.constant(sym.array([true, true, false, true], { dtype: 'bool' }))))).toEqual([1, 2, 2, 3]);
    expect(T.cumsum(T.vector('v', 'float32')).dtype).toBe('float32');
    expect(value(T.cumsum(f64(5)))).toEqual([5]);
  });

  it('takes ceil(log2 n) passes when the length is known when the graph is built', () => {
    expect(joins(T.cumsum(f64([1, 2, 3, 4, 5]), 0))).toBe(3);
    expect(joins(T.cumsum(f64([1, 2, 3, 4]), 0))).toBe(2);
    expect(joins(T.cumsum(f64([[1], [2]]), 1))).toBe(0);
    // a length known only at run time gets enough passes for any length
    expect(joins(T.cumsum(T.vector('v')))).toBe(32);
  });

  it('matches running sums and products for lengths from 0 to 40 of a symbolic vector (each a program)', () => {
    const v = T.vector('v', 'float64');
    const f = sym.function([v], [T.cumsum(v), T.cumprod(v)]);
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 40]) {
      const xs = Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2 + (i % 3 === 0 ? 0.5 : 0));
      const [s, p] = f.sync(arr(xs)) as sym.NDArray[];
      expect(Array.from(s!.data as Float64Array)).toEqual(running(xs, (a, b) => a + b).map((x, i) => expect.closeTo(x, 12 - Math.log10(i + 10))));
      expect(Array.from(p!.data as Float64Array)).toEqual(running(xs, (a, b) => a * b).map((x) => expect.closeTo(x, 6)));
    }
  });

  it('scans each row of a symbolic matrix along axis 1 and each column along axis 0', () => {
    const m = T.matrix('m', 'int32');
    const rows = [[3, 1, 4, 1, 5, 9, 2], [-6, 5, 3, 5, 8, -9, 7]];
    expect(run([m], T.cumsum(m, 1), arr(rows, 'int32')).toArray()).toEqual(rows.map((r) => running(r, (a, b) => a + b)));
    expect(run([m], T.cumprod(m, 0), arr(rows, 'int32')).toArray()).toEqual([rows[0], rows[0]!.map((x, j) => x * rows[1]![j]!)]);
  });

  it('refuses an axis out of range', () => {
    expect(() => T.cumsum(C, 2)).toThrow(/cumsum: axis 2 is out of range \[-2, 2\) for .* of type/);
    expect(() => T.cumprod(f64(1), 0)).toThrow(/cumprod: axis 0 is out of range/);
  });
});

describe('toOneHot', () => {
  it("as Theano's to_one_hot: one row per label, floatX by default", () => {
    const oh = T.extraOps.toOneHot(i32([0, 2, 1]), 3);
    expect(oh.dtype).toBe(sym.config.floatX);
    expect(value(oh)).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expect(T.toOneHot(i32([1]), 2, 'int8').dtype).toBe('int8');
  });

  it("reads a label as Theano's ret[arange(n), y] = 1 does: a negative one from the end, one out of range NumPy's IndexError; takes a symbolic class count", () => {
    expect(value(T.toOneHot(i32([2, -1, -3]), 3))).toEqual([[0, 0, 1], [0, 0, 1], [1, 0, 0]]);
    expect(() => T.toOneHot(i32([0, 3]), 3)).toThrow(
      "toOneHot([0,3], 3): index 3 ([0,3][1]) is out of bounds for axis 0 with size 3, indexing the classes of shape (3,) (NumPy's IndexError)",
    );
    const labels = T.ivector('labels');
    const f = sym.function([labels], T.toOneHot(labels, 4));
    expect(() => f.sync(arr([1, -5], 'int32'))).toThrow(/toOneHot\(labels, 4\): index -5 \(labels\[1\]\) is out of bounds for axis 0 with size 4/);
    // computed labels are checked too, by a kernel (they gave a row of zeros)
    expect(run([labels], T.toOneHot(labels.add(1), 2, 'int8'), arr([0, -1], 'int32')).toArray()).toEqual([[0, 1], [1, 0]]);
    expect(() => run([labels], T.toOneHot(labels.add(1), 2, 'int8'), arr([0, 1], 'int32'))).toThrow(/toOneHot\(\(labels \+ 1\), 2\): index 2 \(\(labels \+ 1\)\[1\]\) is out of bounds for axis 0 with size 2/);
    const y = T.ivector('y');
    const k = T.iscalar('k');
    expect(run([y, k], T.toOneHot(y, k, 'float64'), arr([1, 0], 'int32'), sym.array(2, { dtype: 'int32' })).toArray()).toEqual([[0, 1], [1, 0]]);
  });

  it('refuses float labels and a negative class count', () => {
    expect(() => T.toOneHot(T.vector('y'), 3)).toThrow(/toOneHot: y must be an integer vector of class indices, got y of type TensorType\(float/);
    expect(() => T.toOneHot(T.ivector('y'), -2)).toThrow(/toOneHot: nbClass must be a non-negative integer, got -2/);
  });
});

describe('log2, log10, exp2, inv, isnan, isinf', () => {
  const xs = [1, 2, 8, 10, 1000, 0.3, 1e-5, 12345.678];

  it("agree with NumPy's to an ulp, and are exact at powers of their base", () => {
    const l2 = both(T.log2(f64(xs))).data as Float64Array;
    const l10 = both(T.log10(f64(xs))).data as Float64Array;
    xs.forEach((x, i) => {
      expect(l2[i]).toBeCloseTo(Math.log2(x), 14);
      expect(l10[i]).toBeCloseTo(Math.log10(x), 14);
    });
    expect([l2[0], l2[1], l2[2]]).toEqual([0, 1, 3]);
    expect([l10[0], l10[3], l10[4]]).toEqual([0, 1, 3]);
    expect(value(T.exp2(i32([0, 1, 10, -1])))).toEqual([1, 2, 1024, 0.5]);
    expect(value(T.inv(f64([2, -4, 0])))).toEqual([0.5, -0.25, Infinity]);
  });

  it('keep float32 and make floats of integers, as NumPy (np.exp2(int32) is float64)', () => {
    const x = T.vector('x', 'float32');
    for (const f of [T.log2, T.log10, T.exp2, T.inv]) expect(f(x).dtype).toBe('float32');
    expect(T.exp2(i32([1])).dtype).toBe('float64');
    expect(T.inv(i32([1])).dtype).toBe('float64');
  });

  it('find NaN and infinities; integers have neither', () => {
    const x = T.constant(sym.array([0, NaN, Infinity, -Infinity, 3], { dtype: 'float32' }));
    expect(value(T.isnan(x))).toEqual([false, true, false, false, false]);
    expect(value(T.isinf(x))).toEqual([false, false, true, true, false]);
    expect(value(T.isinf(i32([-2147483648, 5])))).toEqual([false, false]);
    expect(value(T.isnan(i32([1])))).toEqual([false]);
  });
});

describe('T.nnet activations', () => {
  it('logSoftmax is finite where softmax underflows (np: x - max - log(sum(exp(x - max))))', () => {
    expect(value(T.nnet.logSoftmax(f64([[1000, 0, -1000], [1, 2, 3]])))).toEqual([
      [0, -1000, -2000],
      [-2.4076059644443806, -1.4076059644443804, -0.4076059644443804],
    ]);
    expect(T.nnet.logSoftmax(T.matrix('m', 'float32')).dtype).toBe('float32');
    expect(() => T.nnet.logSoftmax(T.scalar('s'))).toThrow(/logSoftmax: x must have at least one dimension/);
  });

  it("relu takes Theano's alpha: the leaky rectifier (it was ignored, silently)", () => {
    expect(value(T.nnet.relu(f64([-3, -0.5, 0, 2])))).toEqual([0, 0, 0, 2]);
    // numpy: a = 0.1; 0.5 * (1 + a) * x + 0.5 * (1 - a) * abs(x), Theano's formula
    expect(value(T.nnet.relu(f64([-3, -0.5, 0, 2]), 0.1))).toEqual([-0.30000000000000004, -0.05000000000000002, 0, 2]);
    expect(value(T.relu(f64([-4, 4]), f64(0.25)))).toEqual([-1, 4]);
    const x = T.vector('x', 'float32');
    expect(T.nnet.relu(x, 0.01).dtype).toBe('float32');
  });

  it("round takes Theano's mode: half_to_even (the default, NumPy's) or half_away_from_zero (C's round)", () => {
    const xs = [-2.5, -1.5, -0.5, -0.3, 0.5, 1.5, 2.5, 0.49999999999999994, 2.7, -2.7, 4503599627370497, Infinity, -Infinity];
    expect(value(T.round(f64(xs)))).toEqual([-2, -2, -0, -0, 0, 2, 2, 0, 3, -3, 4503599627370497, Infinity, -Infinity]);
    // numpy: np.where(x < 0, -np.floor(-x + 0.5), np.floor(x + 0.5)) but for 0.49999999999999994, which C's round takes to 0
    expect(value(T.round(f64(xs), 'half_away_from_zero'))).toEqual([-3, -2, -1, -0, 1, 2, 3, 0, 3, -3, 4503599627370497, Infinity, -Infinity]);
    expect(Number.isNaN((both(T.round(f64([NaN]), 'half_away_from_zero')).data as Float64Array)[0]!)).toBe(true);
    expect(T.round(T.vector('x', 'float32'), 'half_away_from_zero').dtype).toBe('float32');
    expect(() => T.round(f64([1]), 'up' as never)).toThrow(/round: mode must be 'half_to_even' or 'half_away_from_zero', got "up"/);
  });

  it("hardSigmoid is Theano's clip(0.2 x + 0.5, 0, 1)", () => {
    expect(value(T.nnet.hardSigmoid(f64([-3, -2.5, 0, 1, 3])))).toEqual([0, 0, 0.5, 0.7, 1]);
  });

  it("ultraFastSigmoid is Theano's piecewise approximation, within 0.03 of the sigmoid", () => {
    // Theano's ultra_fast_sigmoid at -10, -4, -1, 0, 1, 4, 10
    const got = both(T.nnet.ultraFastSigmoid(f64([-10, -4, -1, 0, 1, 4, 10]))).data as Float64Array;
    const want = [0.00247262315663499, 0.025413270496493, 0.25, 0.5, 0.75, 0.974586729503507, 0.997527376843365];
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 14));
    const grid = Array.from({ length: 161 }, (_, i) => -8 + i * 0.1);
    const approx = both(T.nnet.ultraFastSigmoid(f64(grid))).data as Float64Array;
    grid.forEach((x, i) => expect(Math.abs(approx[i]! - 1 / (1 + Math.exp(-x)))).toBeLessThan(0.03));
    expect(value(T.nnet.ultraFastSigmoid(f64([NaN])))).toEqual([NaN]);
  });

  it('elu, selu and softsign as Theano (np: where(x > 0, x, alpha * expm1(x)))', () => {
    const x = f64([-2, -0.5, 0, 1.5]);
    expect(value(T.nnet.elu(x))).toEqual([-0.8646647167633873, -0.3934693402873666, 0, 1.5]);
    expect(value(T.nnet.elu(x, 0.5))).toEqual([-0.43233235838169365, -0.1967346701436833, 0, 1.5]);
    const s = both(T.nnet.selu(x)).data as Float64Array;
    [-1.520166468595695, -0.6917581878028713, 0, 1.5760514810332207].forEach((w, i) => expect(s[i]).toBeCloseTo(w, 14));
    expect(value(T.nnet.softsign(f64([-3, -0.5, 0, 2])))).toEqual([-0.75, -0.3333333333333333, 0, 0.6666666666666666]);
    // a large input overflows neither branch
    expect(value(T.nnet.elu(T.constant(sym.array([1000], { dtype: 'float32' }))))).toEqual([1000]);
  });
});
