/** float16: NumPy's half precision, held in Float32Array storage with every stored value rounded. */
import { afterEach, describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

/** The value of float16 bit pattern `h` (sign, 5 exponent bits, 10 fraction bits). */
function decode(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0x1f) return f ? NaN : sign * Infinity;
  return sign * (e === 0 ? f * 2 ** -24 : (1 + f / 1024) * 2 ** (e - 15));
}

describe('f16round', () => {
  it('keeps every float16 value and rounds every midpoint between neighbours to the even one', () => {
    for (let h = 0; h < 0x7c00; h++) {
      const v = decode(h);
      expect(sym.f16round(v)).toBe(v);
      expect(sym.f16round(-v)).toBe(-v);
      if (h === 0x7bff) continue;
      const next = decode(h + 1);
      const mid = (v + next) / 2;
      // ties go to the even fraction (bit pattern), just above and below go to the nearer value
      expect(sym.f16round(mid)).toBe(h % 2 === 0 ? v : next);
      expect(sym.f16round(mid + (next - v) / 1024)).toBe(next);
      expect(sym.f16round(mid - (next - v) / 1024)).toBe(v);
    }
  });

  it('overflows to infinity from 65520 and keeps zeros, infinities and NaN', () => {
    expect(sym.f16round(65504)).toBe(65504);
    expect(sym.f16round(65519.99)).toBe(65504);
    expect(sym.f16round(65520)).toBe(Infinity);
    expect(sym.f16round(-1e9)).toBe(-Infinity);
    expect(Object.is(sym.f16round(-0), -0)).toBe(true);
    expect(Object.is(sym.f16round(-1e-9), -0)).toBe(true);
    // half of the smallest subnormal, 2^-25, is the boundary
    expect(sym.f16round(2.9e-8)).toBe(0);
    expect(sym.f16round(2.99e-8)).toBe(2 ** -24);
    expect(Number.isNaN(sym.f16round(NaN))).toBe(true);
    expect(sym.f16round(Infinity)).toBe(Infinity);
  });
});

describe('float16 arrays', () => {
  it('round values on the way in and print like numpy', () => {
    const a = sym.array([0.1, 0.2, 1 / 3], { dtype: 'float16' });
    expect(a.dtype).toBe('float16');
    expect(Array.from(a.data)).toEqual([0.0999755859375, 0.199951171875, 0.333251953125]);
    expect(a.repr()).toBe('array([0.1   , 0.2   , 0.3333], dtype=float16)');
    expect(sym.array([65504, 1e-7, 6e-8], { dtype: 'float16' }).repr()).toBe('array([6.55e+04, 1.19e-07, 5.96e-08], dtype=float16)');
    expect(sym.array([[1.5, 2], [3, 4]], { dtype: 'float16' }).toString()).toBe('[[1.5 2. ]\n [3.  4. ]]');
    expect(sym.array(new Float32Array([0.1]), { dtype: 'float16' }).data[0]).toBe(0.0999755859375);
    // fromTyped takes storage as it is (backends' results); other arrays are cast
    expect(sym.fromTyped(new Float64Array([0.1]), [1], 'float16').data[0]).toBe(0.0999755859375);
  });
});

describe('float16 graphs on the CPU', () => {
  const h = (values: number[]) => sym.array(values, { dtype: 'float16' });
  afterEach(() => sym.config.set({ floatX: 'float64' }));

  it('compute elementwise ops in half precision, as numpy does', async () => {
    const x = T.vector('x', 'float16');
    const f = sym.function([x], [T.exp(x), T.tanh(x), T.sigmoid(x), x.div(3)]);
    const [e, t, s, d] = (await f(h([1, 2]))) as sym.NDArray[];
    expect(e!.repr()).toBe('array([2.719, 7.39 ], dtype=float16)');
    expect((await f(h([0.5, -1])) as sym.NDArray[])[1]!.repr()).toBe('array([ 0.4622, -0.7617], dtype=float16)');
    // sigmoid is one op, rounded once (scipy's expit gives the same; numpy's 1 / (1 + exp(-x)) rounds three times: 0.2688)
    expect((await f(h([0.5, -1])) as sym.NDArray[])[2]!.repr()).toBe('array([0.6226, 0.269 ], dtype=float16)');
    expect(t!.dtype).toBe('float16');
    expect(s!.dtype).toBe('float16');
    expect((await sym.function([x], x.div(3))(h([1, 2, 3]))).toString()).toBe('[0.3333 0.6665 1.    ]');
    expect(d!.dtype).toBe('float16');
    // past 65504 a result is infinite
    expect((await sym.function([x], T.exp(x))(h([12]))).toString()).toBe('[inf]');
  });

  it('promote with integers and float32 as numpy does', async () => {
    const x = T.vector('x', 'float16');
    expect(x.mul(T.vector('i', 'int8')).dtype).toBe('float16');
    expect(x.add(T.vector('j', 'int16')).dtype).toBe('float32');
    expect(x.add(T.vector('y', 'float32')).dtype).toBe('float32');
    // a Python-style literal does not widen it
    expect(x.mul(0.5).dtype).toBe('float16');
    const i = T.vector('i', 'int8');
    const g = sym.function([x, i], x.mul(i));
    expect((await g(h([1.5, 2.5]), sym.array([3, -2], { dtype: 'int8' }))).repr()).toBe('array([ 4.5, -5. ], dtype=float16)');
  });

  it('sum, mean and dot accumulate in wider floats and round the result', async () => {
    const x = T.vector('x', 'float16');
    // a float16 accumulator would stop at 2048 (its step there is 2) and overflow on 4e4 + 4e4
    expect((await sym.function([x], T.sum(x))(h([2048, 1, 1, 1, 1, 1, 1, 1, 1]))).repr()).toBe('array(2056., dtype=float16)');
    expect((await sym.function([x], T.mean(x))(h([4e4, 4e4, -4e4]))).repr()).toBe('array(13336., dtype=float16)');
    const m = T.matrix('m', 'float16');
    expect((await sym.function([m, x], T.dot(m, x))(h([1.5, 2, 3, 4]).reshape([2, 2]), h([0.1, 0.2]))).repr()).toBe('array([0.55, 1.1 ], dtype=float16)');
    expect((await sym.function([m], T.sum(m, 0))(h([1, 2, 3, 4]).reshape([2, 2]))).repr()).toBe('array([4., 6.], dtype=float16)');
  });

  it('is a floatX, as in Theano', () => {
    sym.config.set({ floatX: 'float16' });
    expect(T.vector('v').dtype).toBe('float16');
    expect(String(T.matrix('m').type)).toBe('TensorType(float16, matrix)');
  });
});
