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
