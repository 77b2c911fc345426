/**
 * Division by a zero the kernel holds as a literal: IEEE's +-inf, and NaN
 * for 0 / 0 and NaN / 0, as on the CPU and in NumPy. headless-gl's GLSL
 * compiler (llvmpipe) folds `a / 0.0` of a literal zero to 0, so `x / 0`,
 * `x // 0` and `T.var(x, { ddof })` with ddof >= N came out 0 on gpujs (and
 * x / 0 one in a kernel of several outputs); such a division renders as
 * `symDivZero` now. The values through the graph (x / 0, x // 0, np.var
 * with ddof >= N, 0 / NaN, an average pool of an empty image) are the
 * testkit's ieee group, which every backend runs; here the kernels, on
 * headless-gl and in gpu.js's cpu mode, and what the renderer writes.
 */
import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { GpujsBackend } from '../src/index.js';
import { renderKernel } from '../src/render.js';
import { gpu, load, runKernel, typed } from './harness.js';

const cpuMode = new GpujsBackend({ mode: 'cpu' });

const divide = (op: ScalarOpName, divisor: number): ElementwiseKernel => ({
  kind: 'elementwise', shape: [5], inputs: ['float32'], out: 'float32',
  expr: { kind: 'apply', op, dtype: 'float32', computeDType: 'float32', args: [load(0, [1]), { kind: 'const', value: divisor, dtype: 'float32' } as ScalarExpr] },
});

describe('division by a literal zero on gpujs', () => {
  it('gives the same in a kernel on headlessgl and in cpu mode, the sign of the zero included', () => {
    const xs = typed('float32', [1, -1, 0, NaN, Infinity]);
    for (const backend of [gpu, cpuMode]) {
      for (const op of ['truediv', 'intdiv'] as const) {
        expect([...runKernel(backend, divide(op, 0), [xs])], `${op} 0`).toEqual([Infinity, -Infinity, NaN, NaN, Infinity]);
        expect([...runKernel(backend, divide(op, -0), [xs])], `${op} -0`).toEqual([-Infinity, Infinity, NaN, NaN, -Infinity]);
      }
    }
  });

  it('divides a literal zero as NumPy does: NaN by 0 or NaN, else 0', () => {
    // the compiler folded `0.0 / a` to 0, so 0 / 0 was 0: T.zeros / n, and a sum of an empty axis (its value a literal 0) over a count of 0
    const zeroOver = (op: ScalarOpName): ElementwiseKernel => ({
      kind: 'elementwise', shape: [5], inputs: ['float32'], out: 'float32',
      expr: { kind: 'apply', op, dtype: 'float32', computeDType: 'float32', args: [{ kind: 'const', value: 0, dtype: 'float32' } as ScalarExpr, load(0, [1])] },
    });
    // np.float32(0) / np.float32([0, nan, inf, 2, -1]) and np.floor_divide: nan, nan, 0, 0, -0 (the sign is not kept: README)
    const xs = typed('float32', [0, NaN, Infinity, 2, -1]);
    for (const backend of [gpu, cpuMode]) {
      for (const op of ['truediv', 'intdiv'] as const) expect([...runKernel(backend, zeroOver(op), [xs])].map(Math.abs), op).toEqual([NaN, NaN, 0, 0, 0]);
    }
  });

  it('renders a division by any other divisor as before', () => {
    expect(renderKernel(divide('truediv', 2))).toContain('(in0[i0] / 2.0)');
    expect(renderKernel(divide('truediv', 0))).toContain('symDivZero(in0[i0], 1.0)');
    expect(renderKernel(divide('truediv', 0))).not.toMatch(/\/ 0\.0/);
  });
});
