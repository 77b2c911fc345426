/**
 * The prelude's own float32 log, log1p, expm1 and tanh against float64 Math
 * rounded to float32, relative to each result, over many magnitudes: where
 * WGSL's builtins promise only an absolute error near 0 (log on [0.5, 2]) or
 * nothing useful (tanh of tiny x), the backend renders its own. And pow of
 * integer exponents, exact where the power is.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './setup.js';

/** `count` values from 10^lo to 10^hi, evenly spaced in the exponent, with sign `sign`. */
function logspace(lo: number, hi: number, count: number, sign = 1): number[] {
  return Array.from({ length: count }, (_, i) => sign * 10 ** (lo + ((hi - lo) * i) / (count - 1)));
}

/** The largest |got - want| / |want| of op on the GPU, want being float64 Math of the float32 input, rounded. */
async function worstRelative(op: 'log' | 'log1p' | 'expm1' | 'tanh' | 'arctan' | 'arcsin' | 'arccos', xs: readonly number[], reference: (v: number) => number): Promise<number> {
  const x = T.vector('x', 'float32');
  const f = sym.function([x], T[op](x), { device: 'webgpu' });
  const got = ((await f(sym.array([...xs], { dtype: 'float32' }))) as sym.NDArray).data;
  let worst = 0;
  xs.forEach((v, i) => {
    const want = Math.fround(reference(Math.fround(v)));
    expect(Number.isFinite(got[i]!), `${op}(${v}) = ${got[i]}`).toBe(true);
    worst = Math.max(worst, Math.abs(got[i]! - want) / Math.abs(want));
  });
  return worst;
}

describe('float32 log on WebGPU', () => {
  it('reads subnormal inputs by their bits (np.log(np.float32(1e-40)) is -92.10341)', async () => {
    const x = T.vector('x', 'float32');
    const f = sym.function([x], T.log(x), { device: 'webgpu' });
    const values = [1e-40, 1e-45, 3e-39, 1, 2 ** -126, 0, -0, -1e-40, NaN, Infinity, -Infinity];
    const got = [...((await f(sym.array(values, { dtype: 'float32' }))) as sym.NDArray).data];
    expect(got.slice(0, 5)).toEqual([1e-40, 1e-45, 3e-39, 1, 2 ** -126].map((v) => Math.fround(Math.log(Math.fround(v)))));
    expect(got.slice(5)).toEqual([-Infinity, -Infinity, NaN, NaN, Infinity, NaN]);
  });

  it('is within 2e-7 relative from the smallest subnormal to the largest float, and near 1', async () => {
    expect(await worstRelative('log', logspace(-45, 38, 4000), Math.log)).toBeLessThan(2e-7);
    const nearOne = Array.from({ length: 2001 }, (_, i) => 0.9 + i * 0.0001).filter((v) => Math.fround(v) !== 1);
    expect(await worstRelative('log', nearOne, Math.log)).toBeLessThan(2e-7);
  });
});

describe('float32 log1p, expm1 and tanh on WebGPU keep relative accuracy at small |x|', () => {
  const both = (lo: number, hi: number, n: number) => [...logspace(lo, hi, n), ...logspace(lo, hi, n, -1)];
  it('log1p', async () => {
    // (lavapipe's builtin log gave log1p(1e-6) = 9.5367e-7)
    expect(await worstRelative('log1p', [...both(-30, -0.2, 1500), ...logspace(-0.2, 30, 300)], Math.log1p)).toBeLessThan(4e-7);
  });
  it('expm1', async () => {
    // the builtin exp's own error (WGSL: 3 + 2|x| ulp) bounds the large arguments: up to 60 here
    expect(await worstRelative('expm1', both(-30, Math.log10(60), 2000), Math.expm1)).toBeLessThan(5e-6);
    expect(await worstRelative('expm1', both(-30, 0, 2000), Math.expm1)).toBeLessThan(1e-6);
    // up to the largest finite result: (exp(x) - 1) * x overflowed from x = 84.3 on, where the result is still finite
    const large = Array.from({ length: 200 }, (_, i) => 60 + (88.7 - 60) * (i / 199));
    expect(await worstRelative('expm1', large, Math.expm1)).toBeLessThan(2e-5);
  });
  it('tanh', async () => {
    // (the builtin gave tanh(1e-10) = 2.98e-8)
    expect(await worstRelative('tanh', both(-30, 1.5, 2000), Math.tanh)).toBeLessThan(4e-7);
  });
});

describe('float32 pow on WebGPU', () => {
  it('gives integer powers exactly where they are exact, and others as the builtin does', async () => {
    const a = T.vector('a', 'float32');
    const b = T.vector('b', 'float32');
    const f = sym.function([a, b], T.pow(a, b), { device: 'webgpu' });
    const pairs: [number, number][] = [[10, 2], [2, 10], [3, 5], [-3, 3], [7, 8], [10, 7], [1.5, 2], [0.5, 3], [2, -3], [-2, 64], [-2, 63], [10, 0.5], [2, 0.5], [3, 64.5]];
    const got = [...((await f(sym.array(pairs.map((p) => p[0]), { dtype: 'float32' }), sym.array(pairs.map((p) => p[1]), { dtype: 'float32' }))) as sym.NDArray).data];
    const want = pairs.map(([x, y]) => Math.fround(x ** y));
    expect(got.slice(0, 11)).toEqual(want.slice(0, 11));
    got.slice(11).forEach((g, i) => expect(Math.abs(g - want[11 + i]!) / want[11 + i]!).toBeLessThan(1e-5));
  });
});

describe('float32 arctan, arcsin and arccos on WebGPU', () => {
  // lavapipe's builtin atan was 2.07e-5 relative off (347 ulp at 1.9e-9); the prelude's is within 2.1 ulp (1.2e-7 relative here)
  const both = (lo: number, hi: number, n: number) => [...logspace(lo, hi, n), ...logspace(lo, hi, n, -1)];
  it('arctan is within 3e-7 relative from 1e-37 to 1e38', async () => {
    expect(await worstRelative('arctan', both(-37, 38, 3000), Math.atan)).toBeLessThan(3e-7);
  });
  it('arcsin and arccos are within 4e-7 relative over (-1, 1)', async () => {
    const unit = [...both(-30, -1e-7, 2000), ...Array.from({ length: 1999 }, (_, i) => -0.999 + i * 0.001)];
    expect(await worstRelative('arcsin', unit.filter((v) => v !== 0), Math.asin)).toBeLessThan(4e-7);
    expect(await worstRelative('arccos', unit, Math.acos)).toBeLessThan(4e-7);
  });
  it('keeps the special values', async () => {
    const x = T.vector('x', 'float32');
    const f = sym.function([x], [T.arctan(x), T.arcsin(x), T.arccos(x)], { device: 'webgpu' });
    const [atan, asin, acos] = (await f(sym.array([0, Infinity, -Infinity, NaN, 1, -1, 2], { dtype: 'float32' }))) as sym.NDArray[];
    expect([...atan!.data].slice(0, 6)).toEqual([0, Math.PI / 2, -Math.PI / 2, NaN, Math.PI / 4, -Math.PI / 4].map(Math.fround));
    expect([...asin!.data].slice(3)).toEqual([NaN, Math.PI / 2, -Math.PI / 2, NaN].map(Math.fround));
    expect([...acos!.data].slice(3)).toEqual([NaN, 0, Math.PI, NaN].map(Math.fround));
  });
});
