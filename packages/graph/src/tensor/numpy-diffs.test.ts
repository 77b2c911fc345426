/**
 * Divergences from NumPy 2.4 found by differential fuzzing, fixed: each
 * expectation is what NumPy printed (float32 and float16 values written
 * out as the doubles they hold).
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (c: V, w: V[]) => V[];
};

async function run(dtype: sym.DType, xs: number[], f: (x: V) => V): Promise<sym.NDArray> {
  const x = T.tensor(dtype, [false], 'x');
  const out = await sym.function([x], f(x))(new sym.NDArray(sym.STORAGE[dtype].from(xs), [xs.length], dtype));
  // the ops' reference implementations agree
  expect(Array.from(both(f(T.constant(new sym.NDArray(sym.STORAGE[dtype].from(xs), [xs.length], dtype)))).data)).toEqual(Array.from(out.data));
  return out;
}

describe('log2', () => {
  const xs = [0, -0, Infinity, -1, NaN, 1, 0.5, 3, 6.5, 1e-3, 2 ** -20, 1000, 2 ** 20];
  it('is exact at powers of two, as NumPy: np.log2(x)', async () => {
    const r64 = await run('float64', xs, T.log2);
    expect(Array.from(r64.data)).toEqual([-Infinity, -Infinity, Infinity, NaN, NaN, 0, -1, 1.584962500721156, 2.700439718141092, -9.965784284662087, -20, 9.965784284662087, 20]);
    const r32 = await run('float32', xs, T.log2);
    expect(r32.dtype).toBe('float32');
    expect(Array.from(r32.data)).toEqual([-Infinity, -Infinity, Infinity, NaN, NaN, 0, -1, 1.5849624872207642, 2.700439691543579, -9.965784072875977, -20, 9.965784072875977, 20]);
    // 2 ** -24 and 2048 in float16 (2 ** -20 and 2 ** 20 are out of its range)
    const r16 = await run('float16', [...xs.slice(0, 10), 2 ** -24, 1000, 2048], T.log2);
    expect(r16.dtype).toBe('float16');
    expect(Array.from(r16.data)).toEqual([-Infinity, -Infinity, Infinity, NaN, NaN, 0, -1, 1.5849609375, 2.701171875, -9.96875, -24, 9.96875, 11]);
  });

  it('is exact at every power of two a dtype holds (log(x) / ln 2 missed 2^29 in float64, 2^13 in float32)', async () => {
    const ks = Array.from({ length: 2 * 1023 + 1 }, (_, i) => i - 1023);
    expect(Array.from((await run('float64', ks.map((k) => 2 ** k), T.log2)).data)).toEqual(ks);
    const k32 = ks.filter((k) => k >= -126 && k <= 127);
    expect(Array.from((await run('float32', k32.map((k) => 2 ** k), T.log2)).data)).toEqual(k32);
    const k16 = ks.filter((k) => k >= -24 && k <= 15);
    expect(Array.from((await run('float16', k16.map((k) => 2 ** k), T.log2)).data)).toEqual(k16);
    // integers give floats: np.log2(np.array([1, 2, 3, 8, -1, 0], 'int32'))
    expect(Array.from((await run('int32', [1, 2, 3, 8, -1, 0], T.log2)).data)).toEqual([0, 1, 1.584962500721156, 3, NaN, -Infinity]);
    expect(Array.from((await run('int32', [2 ** 29, 2 ** 30], (x) => T.floor(T.log2(x)))).data)).toEqual([29, 30]);
  });

  it('keeps the gradient 1 / (x ln 2), at powers of two too', async () => {
    const x = T.dvector('x');
    const [g] = grad(T.log2(x).sum(), [x]);
    const xs = [0.5, 1, 3, 8, 2 ** 29, 2 ** 1023, 1e308];
    const got = await sym.function([x], g!)(new sym.NDArray(Float64Array.from(xs), [xs.length], 'float64'));
    Array.from(got.data).forEach((v, i) => expect(v / (1 / (xs[i]! * Math.LN2))).toBeCloseTo(1, 12));
  });
});

describe('log10', () => {
  it('is exact at powers of ten from 1e-28 to 1e28, as NumPy (log(x) log10(e) gave 14.999999999999998 at 1e15)', async () => {
    const ks = Array.from({ length: 57 }, (_, i) => i - 28);
    expect(Array.from((await run('float64', ks.map((k) => Number(`1e${k}`)), T.log10)).data)).toEqual(ks);
    // every power of ten float32 holds: np.log10(np.array([1e-37, ..., 1e38], np.float32))
    const k32 = Array.from({ length: 76 }, (_, i) => i - 37);
    expect(Array.from((await run('float32', k32.map((k) => Number(`1e${k}`)), T.log10)).data)).toEqual(k32);
    // np.log10([2.0, 0.5, 1e-300, 0, -1, nan, inf]) (elsewhere within an
    // ulp: log10(3.0) is 0.4771212547196624, NumPy's 0.47712125471966244)
    expect(Array.from((await run('float64', [2, 0.5, 1e-300, 0, -1, NaN, Infinity], T.log10)).data)).toEqual([0.3010299956639812, -0.3010299956639812, -300, -Infinity, NaN, NaN, Infinity]);
  });

  it('rounds float16 once, as NumPy: np.log10(np.array(xs, np.float16))', async () => {
    const r = await run('float16', [0.5419921875, 10.2265625, 1.5, 3, 13.2890625, 0.0999755859375], T.log10);
    expect(Array.from(r.data)).toEqual([-0.26611328125, 1.009765625, 0.1761474609375, 0.47705078125, 1.123046875, -1.0]);
  });

  it('keeps the gradient 1 / (x ln 10)', async () => {
    const x = T.dvector('x');
    const [g] = grad(T.log10(x).sum(), [x]);
    const xs = [0.5, 1, 3, 1000, 1e-5];
    const got = await sym.function([x], g!)(new sym.NDArray(Float64Array.from(xs), [xs.length], 'float64'));
    Array.from(got.data).forEach((v, i) => expect(v / (1 / (xs[i]! * Math.LN10))).toBeCloseTo(1, 12));
  });
});

describe('true division by an integer literal past the integer dtype', () => {
  it('widens to float64, as NumPy (np.array([0, 128, 255], np.uint8) / 256), where it raised', async () => {
    const r = await run('uint8', [0, 128, 255], (x) => x.div(256));
    expect(r.dtype).toBe('float64');
    expect(Array.from(r.data)).toEqual([0, 0.5, 0.99609375]);
    const s = await run('int8', [-128, 1, 127], (x) => T.div(1000, x));
    expect(s.dtype).toBe('float64');
    expect(Array.from(s.data)).toEqual([-7.8125, 1000, 7.874015748031496]);
    // np.arctan2(np.array([-128, 1, 127], np.int8).astype(np.float64), 300)
    const a = await run('int8', [-128, 1, 127], (x) => T.arctan2(x, 300));
    expect(a.dtype).toBe('float64');
    expect(Array.from(a.data)).toEqual([-0.40328148171883615, 0.003333320987736625, 0.4004581192464862]);
  });

  it('still computes a literal that fits in the small float (Theano: uint8 / 255 is float32), and still refuses one that does not fit in add', () => {
    expect(T.tensor('uint8', [false], 'x').div(255).dtype).toBe('float32');
    expect(T.bvector('x').div(127).dtype).toBe('float32');
    expect(() => T.bvector('x').add(300)).toThrow(/the literal 300 does not fit in int8/);
  });
});

describe('arange of numbers', () => {
  const values = (v: V) => Array.from((v as sym.TensorConstant).value.data);
  it("steps by NumPy's delta, (start + step) - start: np.arange(1, 2, 0.1), np.arange(1, 0, -0.3)", () => {
    expect(values(T.arange(1, 2, 0.1))).toEqual([1, 1.1, 1.2000000000000002, 1.3000000000000003, 1.4000000000000004, 1.5000000000000004, 1.6000000000000005, 1.7000000000000006, 1.8000000000000007, 1.9000000000000008]);
    expect(values(T.arange(1, 0, -0.3))).toEqual([1, 0.7, 0.3999999999999999, 0.09999999999999987]);
    // float32 arithmetic: np.arange(1.3, 3, 0.3, dtype=np.float32)
    expect(values(T.arange(1.3, 3, 0.3, { dtype: 'float32' }))).toEqual([1.2999999523162842, 1.600000023841858, 1.9000000953674316, 2.200000286102295, 2.500000238418579, 2.8000001907348633]);
    // integer dtypes step by the converted values: np.arange(0, 5, 1.5, dtype=np.int32), np.arange(-2.5, 3, 1.2, dtype=np.int8)
    expect(values(T.arange(0, 5, 1.5, { dtype: 'int32' }))).toEqual([0, 1, 2, 3]);
    expect(values(T.arange(-2.5, 3, 1.2, { dtype: 'int8' }))).toEqual([-2, -1, 0, 1, 2]);
  });

  it('rounds float16 values to half precision (they were float32s): np.arange(0, 1, 0.1, dtype=np.float16)', async () => {
    const a = T.arange(0, 1, 0.1, { dtype: 'float16' });
    const want = [0, 0.0999755859375, 0.199951171875, 0.2998046875, 0.39990234375, 0.5, 0.599609375, 0.69970703125, 0.7998046875, 0.89990234375];
    expect(values(a)).toEqual(want);
    expect(Array.from((await a.mul(1).eval()).data)).toEqual(want);
    expect(values(T.arange(1.3, 3, 0.3, { dtype: 'float16' }))).toEqual([1.2998046875, 1.599609375, 1.8994140625, 2.19921875, 2.5, 2.798828125]);
  });
});

describe('integer literals past 2^53', () => {
  it('are int64 where int64 holds them, as NumPy: np.array([1, 2]) + 2**53 is int64 (they were floats: float64)', async () => {
    const i = T.lvector('i');
    expect(T.add(i, 2 ** 53).dtype).toBe('int64');
    expect(T.add(i, 2 ** 60).dtype).toBe('int64');
    expect(T.constant(2 ** 60).dtype).toBe('int64');
    expect(T.constant(-(2 ** 63)).dtype).toBe('int64');
    expect(sym.array([2 ** 60, 1]).dtype).toBe('int64');
    // np.array([1, 3]) + 2**53 is [9007199254740993 9007199254740995]: int64 storage rounds as doubles do (the guide's int64 storage)
    expect(Array.from((await sym.function([i], T.add(i, 2 ** 53))([2, 4])).data)).toEqual([2 ** 53 + 2, 2 ** 53 + 4]);
    // np.array([1, 3]) * 2**62 wraps: [4611686018427387904 -4611686018427387904]
    expect(Array.from((await sym.function([i], T.mul(i, 2 ** 62))([1, 3])).data)).toEqual([2 ** 62, -(2 ** 62)]);
  });
  it('that int64 cannot hold are floats, and one past a smaller integer dtype is NumPy\'s OverflowError', () => {
    expect(T.constant(2 ** 63).dtype).toBe('float64');
    expect(T.constant(1e20).dtype).toBe('float64');
    expect(T.add(T.lvector('i'), 1e20).dtype).toBe('float64');
    // np.array([1], np.int32) + 2**53: "Python integer 9007199254740992 out of bounds for int32"
    expect(() => T.add(T.ivector('j'), 2 ** 53)).toThrow(/literal 9007199254740992 does not fit in int32/);
    expect(T.lt(T.ivector('j'), 2 ** 53).dtype).toBe('bool');
    expect(T.add(T.fvector('f'), 2 ** 60).dtype).toBe('float32');
  });
});

describe('inv of bool', () => {
  it("is Theano's float32 (upgrade_to_float), as inv of int8 and bool / bool are (it was float64: the literal 1 widened the bool to int64)", async () => {
    const b = T.tensor('bool', [false], 'b');
    expect(T.inv(b).dtype).toBe('float32');
    const r = await sym.function([b], T.inv(b))([true, false]);
    expect(r.dtype).toBe('float32');
    expect(Array.from(r.data)).toEqual([1, Infinity]);
    expect(T.inv(T.bvector('c')).dtype).toBe('float32');
    expect(T.inv(T.lvector('l')).dtype).toBe('float64');
  });
});

describe('float16 var and std', () => {
  // x.var(), x.var(ddof=1), x.std() of np.array(x, np.float16)
  const cases: [number[], number, number, number][] = [
    [[0.27001953125, -1.099609375, 0.029998779296875, 0.040008544921875, -1.990234375, -0.22998046875], 0.63623046875, 0.763671875, 0.7978515625],
    [[2.580078125, -3.060546875, -10.59375], 29.109375, 43.65625, 5.39453125],
    [[-1.5302734375, 43.375, -53.15625, 5.44140625, 72.25, 29.65625], 1551.0, 1861.0, 39.375],
  ];
  it("divide float16 sums in float16, as NumPy's var (the mean of squares rounded once was an ulp off)", async () => {
    for (const [xs, v0, v1, s] of cases) {
      expect((await run('float16', xs, (x) => T.var(x))).data[0]).toBe(v0);
      expect((await run('float16', xs, (x) => T.var(x, { ddof: 1 }))).data[0]).toBe(v1);
      expect((await run('float16', xs, (x) => T.std(x))).data[0]).toBe(s);
    }
  });
});

describe('float16 var of many elements', () => {
  it('divides by the count in float32, as NumPy by its int64 count (past 2048 the count is not a half; past 65504 it was inf)', async () => {
    // a = np.full(n, 0.5, np.float16); a[::2] = 1; a[1::7] = 0.3; a.var(), a.var(ddof=1)
    const xs = (n: number) => Array.from({ length: n }, (_, i) => (i % 7 === 1 ? sym.f16round(0.3) : i % 2 === 0 ? 1 : 0.5));
    expect((await run('float16', xs(3001), (x) => T.var(x))).data[0]).toBe(0.078369140625);
    expect((await run('float16', xs(3001), (x) => T.var(x, { ddof: 1 }))).data[0]).toBe(0.07843017578125);
    expect((await run('float16', xs(70000), (x) => T.var(x))).data[0]).toBe(0.078369140625);
  });

  it('rounds the quotient once where the float32 quotient is halfway between two halves (NumPy divides in float64)', async () => {
    // x = np.zeros(n, np.float16); x[:32] = 0.125; x[32:64] = -0.125: 1 / 8283 in float32 is a tie of halves, which
    // rounded to even went up; NumPy's x.var() (n = 8283) and x.var(ddof=1) (n = 8284) round it down
    const tie = (n: number) => Array.from({ length: n }, (_, i) => (i < 32 ? 0.125 : i < 64 ? -0.125 : 0));
    expect((await run('float16', tie(8283), (x) => T.var(x))).data[0]).toBe(0.00012069940567016602);
    expect((await run('float16', tie(8284), (x) => T.var(x, { ddof: 1 }))).data[0]).toBe(0.00012069940567016602);
    // the mean's quotient: x = np.ones(17750, np.float16); x[:18] = 2.12890625; x.var()
    const ones = Array.from({ length: 17750 }, (_, i) => (i < 18 ? 2.12890625 : 1));
    expect((await run('float16', ones, (x) => T.var(x))).data[0]).toBe(0.0012912750244140625);
  });
});

describe('float16 cumsum', () => {
  it('rounds each running sum once, so that its last is sum (passes rounded to half gave 2050 for 2051)', async () => {
    const xs = [2048, 1, 1, 1];
    // the exact running sums 2048, 2049, 2050, 2051 rounded to half; NumPy's np.cumsum rounds after every
    // term and stays at 2048 ([2048. 2048. 2048. 2048.]), where np.sum gives 2052 (the guide's divergence)
    const r = await run('float16', xs, (x) => T.cumsum(x));
    expect(r.dtype).toBe('float16');
    expect(Array.from(r.data)).toEqual([2048, 2048, 2050, 2052]);
    expect((await run('float16', xs, (x) => T.sum(x))).data[0]).toBe(2052);
    expect(Array.from((await run('float16', [0.1, 0.2, 0.3].map(sym.f16round), (x) => T.cumprod(x))).data)).toEqual([0.0999755859375, 0.019989013671875, 0.0059967041015625]);
  });
});
