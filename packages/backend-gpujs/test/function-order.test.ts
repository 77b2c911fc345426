/**
 * A kernel whose helpers share callees compiles: gpu.js emitted a helper
 * reached twice (here `symLog`, called by the kernel and by `symLog1p`)
 * above the helpers it calls, and GLSL refused the shader. The fix is
 * src/function-order.ts; these kernels failed to compile before it.
 */
import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { gpu, load, runKernel } from './harness.js';

const x = load(0, [1]);
const apply = (op: ScalarOpName, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, dtype: 'float32', computeDType: 'float32' });
const kernel = (expr: ScalarExpr, n: number): ElementwiseKernel => ({ kind: 'elementwise', shape: [n], inputs: ['float32'], out: 'float32', expr });

const xs = [0.5, 1.5, 2.5, 10];
const f32 = (v: number): number => Math.fround(v);

describe('gpujs: helper functions declared before their callers', () => {
  it.each([
    ['log1p(x) + log(x)', apply('add', apply('log1p', x), apply('log', x)), (v: number) => Math.log1p(v) + Math.log(v)],
    ['log(x) + log1p(x)', apply('add', apply('log', x), apply('log1p', x)), (v: number) => Math.log(v) + Math.log1p(v)],
    ['tanh(x) * expm1(x) + log1p(x)', apply('add', apply('mul', apply('tanh', x), apply('expm1', x)), apply('log1p', x)), (v: number) => Math.tanh(v) * Math.expm1(v) + Math.log1p(v)],
  ])('%s compiles and computes', (_name, expr, want) => {
    const got = runKernel(gpu, kernel(expr, xs.length), [new Float32Array(xs)]);
    xs.forEach((v, i) => expect(Math.abs(got[i]! - f32(want(v))) / Math.abs(want(v))).toBeLessThan(1e-5));
  });
});
