/**
 * A product with a factor the kernel holds as a literal zero: NaN for an
 * infinite or NaN operand, as IEEE and NumPy give. headless-gl's GLSL
 * compiler (llvmpipe) folds `a * 0.0` of a literal zero to 0, so `x * 0`
 * was 0 for x = inf and x = NaN on gpujs (found by the random-graph fuzzer,
 * seed 68 with float32/int32/bool, whose x * 0 fed arctan2; its sign of
 * zero stays a documented deviation). Such a product renders as
 * `symMulZero` now.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import type { ElementwiseKernel, ScalarExpr } from '@sym/graph';
import '@sym/backend-cpu';
import { GpujsBackend } from '../src/index.js';
import { renderKernel } from '../src/render.js';
import { gpu, load, runKernel, typed } from './harness.js';

const T = sym.T;
const cpuMode = new GpujsBackend({ mode: 'cpu' });
const f32 = (v: number[]) => sym.array(v, { dtype: 'float32' });
// the signs of zeros are not compared: gpujs does not keep them (README)
const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>, (v) => (v === 0 ? 0 : v));

const times = (factor: number, dtype: 'float32' | 'int32' = 'float32', first = false): ElementwiseKernel => {
  const zero = { kind: 'const', value: factor, dtype } as ScalarExpr;
  const x = load(0, [1]);
  return { kind: 'elementwise', shape: [5], inputs: ['float32'], out: 'float32', expr: { kind: 'apply', op: 'mul', dtype: 'float32', computeDType: 'float32', args: first ? [zero, x] : [x, zero] } };
};

describe('a product with a literal zero on gpujs', () => {
  it('is NaN for inf and NaN as np.multiply, through the graph', async () => {
    const x = T.fvector('x');
    const outs = [T.mul(x, 0), T.mul(0, x), T.add(T.mul(x, 0), 1), T.arctan2(T.mul(x, 0), -1), T.mul(x, T.constant(sym.array(0, { dtype: 'int8' })))];
    // np.float32([2, -3, inf, -inf, nan]) * 0 (and + 1; np.arctan2(., -1) up to the sign of zero, which gpujs drops)
    const pi = Math.fround(Math.PI);
    const want = [[0, 0, NaN, NaN, NaN], [0, 0, NaN, NaN, NaN], [1, 1, NaN, NaN, NaN], [pi, pi, NaN, NaN, NaN], [0, 0, NaN, NaN, NaN]];
    for (const device of ['gpujs', 'cpu']) {
      const got = (await sym.function([x], outs, { device })(f32([2, -3, Infinity, -Infinity, NaN]))) as sym.NDArray[];
      expect(got.map(data), device).toEqual(device === 'cpu' ? [want[0], want[1], want[2], [pi, -pi, NaN, NaN, NaN], want[4]] : want);
    }
  });

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
