/**
 * The helpers' float32 log, log1p, expm1, tanh and pow against float64 Math
 * rounded to float32, relative to each result, on llvmpipe's shaders and in
 * gpu.js's cpu mode (the same helpers run as JavaScript). The built-ins lose
 * relative accuracy near 0 (log near 1, exp(2x) - 1 in tanh) and integer
 * powers' exactness (pow is exp2(b * log2(a))), and llvmpipe's compiler folds
 * (1 + x) - 1 to x, so the helpers use neither there. Also what the
 * conformance suite's subnormal skips rest on: the shaders flush subnormals.
 */
import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { GpujsBackend } from '../src/index.js';
import { gpu, load, runKernel, typed } from './harness.js';

const cpuMode = new GpujsBackend({ mode: 'cpu' });
const backends = [
  ['headlessgl', gpu],
  ['cpu mode', cpuMode],
] as const;

const constant = (value: number): ScalarExpr => ({ kind: 'const', value, dtype: 'float32' });
const apply = (op: ScalarOpName, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, dtype: 'float32', computeDType: 'float32' });

/** An elementwise float32 kernel over inputs of length n. */
function kernel(expr: ScalarExpr, n: number, inputs = 1): ElementwiseKernel {
  return { kind: 'elementwise', shape: [n], inputs: Array.from({ length: inputs }, () => 'float32' as const), out: 'float32', expr };
}

/** `op` of each of `xs` on `backend`. */
function run(backend: GpujsBackend, op: ScalarOpName, xs: readonly number[]): number[] {
  return [...runKernel(backend, kernel(apply(op, load(0, [1])), xs.length), [typed('float32', xs)])];
}

/** `count` values from 10^lo to 10^hi, evenly spaced in the exponent, with sign `sign`. */
function logspace(lo: number, hi: number, count: number, sign = 1): number[] {
  return Array.from({ length: count }, (_, i) => sign * 10 ** (lo + ((hi - lo) * i) / (count - 1)));
}

const both = (lo: number, hi: number, n: number) => [...logspace(lo, hi, n), ...logspace(lo, hi, n, -1)];

/** The largest |got - want| / |want|, want being float64 `reference` of the float32 input, rounded to float32. */
function worstRelative(backend: GpujsBackend, op: ScalarOpName, xs: readonly number[], reference: (v: number) => number): number {
  const got = run(backend, op, xs);
  let worst = 0;
  xs.forEach((v, i) => {
    const want = Math.fround(reference(Math.fround(v)));
    expect(Number.isFinite(got[i]!), `${op}(${v}) = ${got[i]}`).toBe(true);
    worst = Math.max(worst, Math.abs(got[i]! - want) / Math.abs(want));
  });
  return worst;
}

describe.each(backends)('float32 accuracy of the gpujs helpers (%s)', (_, backend) => {
  it('log is within 4e-7 relative over the normal floats and near 1 (the built-in was 3e-4 off at 0.9999)', () => {
    expect(worstRelative(backend, 'log', logspace(-37.9, 38, 2000), Math.log)).toBeLessThan(4e-7);
    const nearOne = Array.from({ length: 2001 }, (_, i) => 0.9 + i * 0.0001).filter((v) => Math.fround(v) !== 1);
    expect(worstRelative(backend, 'log', nearOne, Math.log)).toBeLessThan(4e-7);
  });

  it('log1p keeps relative accuracy at small |x| (log1p(1e-10) was 0: the compiler folded (1 + x) - 1)', () => {
    expect(run(backend, 'log1p', [1e-10, -1e-10, 1e-30])).toEqual([1e-10, -1e-10, 1e-30].map(Math.fround));
    expect(worstRelative(backend, 'log1p', [...both(-30, -0.2, 1000), ...logspace(-0.2, 30, 300)], Math.log1p)).toBeLessThan(4e-7);
  });

  it('expm1 keeps relative accuracy at small |x| (expm1(1e-5) was 0.1% off)', () => {
    expect(worstRelative(backend, 'expm1', both(-30, 0, 1500), Math.expm1)).toBeLessThan(1e-6);
    // beyond, the built-in exp's own error bounds it
    expect(worstRelative(backend, 'expm1', both(0, Math.log10(60), 300), Math.expm1)).toBeLessThan(5e-6);
  });

  it('arctan, arcsin and arccos are within 4e-7 relative (llvmpipe\'s atan was 2.07e-5 off: 347 ulp at 1.9e-9)', () => {
    expect(worstRelative(backend, 'arctan', both(-37, 38, 2000), Math.atan)).toBeLessThan(3e-7);
    const unit = [...both(-30, -1e-7, 1000), ...Array.from({ length: 1999 }, (_, i) => -0.999 + i * 0.001)];
    expect(worstRelative(backend, 'arcsin', unit.filter((v) => v !== 0), Math.asin)).toBeLessThan(4e-7);
    expect(worstRelative(backend, 'arccos', unit, Math.acos)).toBeLessThan(4e-7);
    expect(run(backend, 'arctan', [0, Infinity, -Infinity, NaN, 1])).toEqual([0, Math.PI / 2, -Math.PI / 2, NaN, Math.PI / 4].map(Math.fround));
  });

  it('tanh keeps relative accuracy at small |x| ((e - 1) / (e + 1) was 8e-5 off at 8.7e-4)', () => {
    expect(worstRelative(backend, 'tanh', both(-30, 1.5, 1500), Math.tanh)).toBeLessThan(4e-7);
    expect(run(backend, 'tanh', [0, 20, -20, 100, NaN])).toEqual([0, 1, -1, 1, NaN]);
  });

  it('pow gives integer powers |b| <= 64 exactly where they are exact, and others as the built-in does', () => {
    const pairs: [number, number][] = [
      [10, 2], [7, 8], [10, 7], [12, 6], [-3, 3], [-2, 11], [1.5, 2], [0.5, 3], [2, -3], [-4, -2], [-2, 64], [-2, 63], [2, -64], [1e20, 2],
      [10, -2], [0.1, 3], [1.0001, 64], [10, 0.5], [3, 64.5], [1.01, 65],
    ];
    const exact = 14;
    const k = kernel(apply('pow', load(0, [1]), load(1, [1])), pairs.length, 2);
    const got = [...runKernel(backend, k, [typed('float32', pairs.map((p) => p[0])), typed('float32', pairs.map((p) => p[1]))])];
    const want = pairs.map(([a, b]) => Math.fround(Math.fround(a) ** b));
    expect(got.slice(0, exact)).toEqual(want.slice(0, exact));
    // squaring rounds at each step: about |b| * 2^-24 relative at worst
    got.slice(exact).forEach((g, i) => expect(Math.abs(g - want[exact + i]!) / want[exact + i]!, `${pairs[exact + i]}`).toBeLessThan(5e-6));
  });
});

describe('float32 subnormals in gpujs kernels', () => {
  const SUBNORMAL = [1e-40, 3e-39, 2 ** -149];
  const times2to126 = (e: ScalarExpr) => apply('mul', e, constant(2 ** 126));

  it('headlessgl textures hold them, but llvmpipe shaders flush them (why the conformance suite skips the subnormal cases)', () => {
    const copy = kernel(load(0, [1]), SUBNORMAL.length);
    expect([...runKernel(gpu, copy, [typed('float32', SUBNORMAL)])]).toEqual(SUBNORMAL.map(Math.fround));
    // a subnormal operand reads as zero, a subnormal result is zero
    expect([...runKernel(gpu, kernel(times2to126(load(0, [1])), 3), [typed('float32', SUBNORMAL)])]).toEqual([0, 0, 0]);
    expect([...runKernel(gpu, kernel(times2to126(apply('exp', load(0, [1]))), 3), [typed('float32', [-88, -90, -100])])]).toEqual([0, 0, 0]);
    expect(run(gpu, 'log', SUBNORMAL)).toEqual([-Infinity, -Infinity, -Infinity]);
  });

  it('keeps them in cpu mode (float64 JavaScript), where the suite runs those cases', () => {
    const exp = [...runKernel(cpuMode, kernel(times2to126(apply('exp', load(0, [1]))), 3), [typed('float32', [-88, -90, -100])])];
    exp.forEach((g, i) => expect(g).toBeCloseTo(Math.exp([-88, -90, -100][i]!) * 2 ** 126, 5));
    expect(run(cpuMode, 'log', SUBNORMAL)).toEqual(SUBNORMAL.map((v) => Math.fround(Math.log(Math.fround(v)))));
  });
});
