/**
 * A product with a factor the kernel holds as a literal zero: NaN for an
 * infinite or NaN operand, as IEEE and NumPy give. headless-gl's GLSL
 * compiler (llvmpipe) folds `a * 0.0` of a literal zero to 0, so `x * 0`
 * was 0 for x = inf and x = NaN on gpujs (found by the random-graph fuzzer,
 * seed 68 with float32/int32/bool, whose x * 0 fed arctan2; its sign of
 * zero stays a documented deviation). Such a product renders as
 * `symMulZero` now. The values through the graph (x * 0, 0 * x, arctan2 of
 * x * 0, a product with an int8 zero) are the testkit's ieee group, which
 * every backend runs; here the kernels, on headless-gl and in gpu.js's cpu
 * mode, and what the renderer writes.
 */
import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ScalarExpr } from '@sym/graph';
import { GpujsBackend } from '../src/index.js';
import { renderKernel } from '../src/render.js';
import { gpu, load, runKernel, typed } from './harness.js';

const cpuMode = new GpujsBackend({ mode: 'cpu' });

const times = (factor: number, dtype: 'float32' | 'int32' = 'float32', first = false): ElementwiseKernel => {
  const zero = { kind: 'const', value: factor, dtype } as ScalarExpr;
  const x = load(0, [1]);
  return { kind: 'elementwise', shape: [5], inputs: ['float32'], out: 'float32', expr: { kind: 'apply', op: 'mul', dtype: 'float32', computeDType: 'float32', args: first ? [zero, x] : [x, zero] } };
};

describe('a product with a literal zero on gpujs', () => {
  it('gives the same in a kernel on headlessgl and in cpu mode, either factor and an integer zero', () => {
    const xs = typed('float32', [2, -3, Infinity, -Infinity, NaN]);
    for (const backend of [gpu, cpuMode]) {
      for (const kernel of [times(0), times(-0), times(0, 'float32', true), times(0, 'int32')]) {
        expect([...runKernel(backend, kernel, [xs])].map((v) => (v === 0 ? 0 : v))).toEqual([0, 0, NaN, NaN, NaN]);
      }
    }
  });

  it('renders a product by any other factor as before', () => {
    expect(renderKernel(times(2))).toContain('(in0[i0] * 2.0)');
    expect(renderKernel(times(0))).toContain('symMulZero(in0[i0])');
    expect(renderKernel(times(0))).not.toMatch(/\* 0\.0/);
  });
});
