/**
 * The float32x4 exp, log and sigmoid against float64 Math rounded to
 * float32, in ulps, across the whole float32 range: subnormal inputs of log
 * and subnormal results of exp and sigmoid included (NumPy computes both).
 */
import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { compileVectorKernel, vectorizable } from './vkernel.js';

const FLT_MIN = 2 ** -126;
const TINIEST = 2 ** -149;

function runSimd(op: ScalarOpName, x: Float32Array): Float32Array {
  const load: ScalarExpr = { kind: 'load', input: 0, strides: [1], offset: 0, dtype: 'float32' };
  const expr: ScalarExpr = { kind: 'apply', op, args: [load], computeDType: 'float32', dtype: 'float32' };
  const k: ElementwiseKernel = { kind: 'elementwise', shape: [x.length], inputs: ['float32'], out: 'float32', expr };
  expect(vectorizable(k)).toBe(true);
  const out = new Float32Array(x.length).fill(NaN);
  compileVectorKernel(k).call(null, [x], out);
  return out;
}

/** The float32 spacing at |w| (the subnormal step below FLT_MIN). */
function ulp(w: number): number {
  const a = Math.abs(w);
  return a < FLT_MIN ? TINIEST : 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Every `stride`-th positive float32 bit pattern (and its negation) within [lo, hi]. */
function floatsBetween(lo: number, hi: number, stride: number): Float32Array {
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  const out: number[] = [];
  for (let u = 1; u < 0x7f800000; u += stride) {
    bits[0] = u;
    for (const v of [f[0]!, -f[0]!]) if (v >= lo && v <= hi) out.push(v);
  }
  return new Float32Array(out);
}

/** The largest error in ulps of the result's own float32 spacing; non-finite results must match exactly. */
function worstUlps(op: ScalarOpName, x: Float32Array, reference: (v: number) => number): number {
  const got = runSimd(op, x);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const want = Math.fround(reference(x[i]!));
    const g = got[i]!;
    if (!Number.isFinite(want) || !Number.isFinite(g)) {
      expect(Object.is(g, want) || (Number.isNaN(g) && Number.isNaN(want)), `${op}(${x[i]}): got ${g}, want ${want}`).toBe(true);
      continue;
    }
    worst = Math.max(worst, Math.abs(g - want) / ulp(want));
  }
  return worst;
}

const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

describe('float32x4 exp', () => {
  it('gives subnormal results below exp(-87.34), as NumPy does, instead of flushing them to zero', () => {
    const got = runSimd('exp', new Float32Array([-88, -90, -100, 0, -103.9, -104, -1e4, -Infinity]));
    // np.exp(np.float32([-88, -90, -100, 0, -103.9, -104, -1e4, -inf]))
    expect([...got]).toEqual([6.054601485195952e-39, 8.194008692231508e-40, 3.783505853677006e-44, 1, 1.401298464324817e-45, 0, 0, 0]);
  });

  it('is within 1 ulp from the subnormal range to overflow', () => {
    expect(worstUlps('exp', floatsBetween(-110, 100, 4099), Math.exp)).toBeLessThanOrEqual(1);
    // around the last finite result and the smallest subnormal one, float by float
    const edges = Float32Array.from({ length: 4001 }, (_, i) => 88.7 + i * 0.00002);
    expect(worstUlps('exp', edges, Math.exp)).toBeLessThanOrEqual(1);
    const tail = Float32Array.from({ length: 4001 }, (_, i) => -104.5 + i * 0.0005);
    expect(worstUlps('exp', tail, Math.exp)).toBeLessThanOrEqual(1);
  });

  it('keeps its special values', () => {
    const got = runSimd('exp', new Float32Array([NaN, Infinity, -Infinity, -0, 89, 88.72283]));
    expect([...got]).toEqual([NaN, Infinity, 0, 1, Infinity, Math.fround(Math.exp(Math.fround(88.72283)))]);
  });
});

describe('float32x4 log', () => {
  it('normalises subnormal inputs before reading their exponent', () => {
    const got = runSimd('log', new Float32Array([1e-40, 1e-45, 3e-39, 1, TINIEST, FLT_MIN, FLT_MIN - TINIEST]));
    // np.log(np.float32([1e-40, 1e-45, 3e-39, 1])) is [-92.10341, -103.27893, -88.70221, 0.]
    const want = [1e-40, 1e-45, 3e-39, 1, TINIEST, FLT_MIN, FLT_MIN - TINIEST].map((v) => Math.fround(Math.log(Math.fround(v))));
    expect([...got]).toEqual(want);
    expect(got[0]).toBeCloseTo(-92.10341, 4);
  });

  it('is within 1 ulp over every positive float32, subnormals included', () => {
    expect(worstUlps('log', floatsBetween(0, Infinity, 4099), Math.log)).toBeLessThanOrEqual(1);
    expect(worstUlps('log', floatsBetween(0, FLT_MIN, 97), Math.log)).toBeLessThanOrEqual(1);
  });

  it('keeps its special values', () => {
    const got = runSimd('log', new Float32Array([NaN, Infinity, -Infinity, 0, -0, -1e-40, -1]));
    expect([...got]).toEqual([NaN, Infinity, NaN, -Infinity, -Infinity, NaN, NaN]);
  });
});

describe('float32x4 sigmoid', () => {
  it('gives exp(x) for large negative x, subnormal included, rather than 1 / inf', () => {
    const got = runSimd('sigmoid', new Float32Array([-100, -104, NaN, Infinity, -Infinity, 0, -0]));
    expect([...got]).toEqual([3.783505853677006e-44, 0, NaN, 1, 0, 0.5, 0.5]);
    // exp(x) and the quotient round in turn: one subnormal step at most
    const tail = Float32Array.from({ length: 2001 }, (_, i) => -105 + i * 0.01);
    expect(worstUlps('sigmoid', tail, sigmoid)).toBeLessThanOrEqual(1);
  });

  it('is within 2 ulp over the whole range', () => {
    expect(worstUlps('sigmoid', floatsBetween(-110, 110, 4099), sigmoid)).toBeLessThanOrEqual(2);
  });
});
