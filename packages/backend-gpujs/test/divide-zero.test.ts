/**
 * Division by a zero the kernel holds as a literal: IEEE's +-inf, and NaN
 * for 0 / 0 and NaN / 0, as on the CPU and in NumPy. headless-gl's GLSL
 * compiler (llvmpipe) folds `a / 0.0` of a literal zero to 0, so `x / 0`,
 * `x // 0` and `T.var(x, { ddof })` with ddof >= N came out 0 on gpujs (and
 * x / 0 one in a kernel of several outputs); such a division renders as
 * `symDivZero` now. The mean over an empty axis was NaN before as well.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import type { ElementwiseKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import '@sym/backend-cpu';
import { GpujsBackend } from '../src/index.js';
import { renderKernel } from '../src/render.js';
import { gpu, load, runKernel, typed } from './harness.js';

const T = sym.T;
const cpuMode = new GpujsBackend({ mode: 'cpu' });
const f32 = (v: number | number[]) => sym.array(v, { dtype: 'float32' });
const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);

const divide = (op: ScalarOpName, divisor: number): ElementwiseKernel => ({
  kind: 'elementwise', shape: [5], inputs: ['float32'], out: 'float32',
  expr: { kind: 'apply', op, dtype: 'float32', computeDType: 'float32', args: [load(0, [1]), { kind: 'const', value: divisor, dtype: 'float32' } as ScalarExpr] },
});

describe('division by a literal zero on gpujs', () => {
  it('gives +-inf and NaN as np.true_divide and np.floor_divide, through the graph', async () => {
    const x = T.fvector('x');
    const outs = [T.trueDiv(x, T.constant(f32(0))), T.trueDiv(x, T.constant(f32(-0))), T.intDiv(x, T.constant(f32(0))), T.trueDiv(T.sum(x), 0), T.var(x, { ddof: 4 }), T.std(x, { ddof: 9 })];
    // np.float32([1, -1, 0, nan]) / np.float32(0) (and / -0, // 0); the sum is NaN; np.var(..., ddof=4): NaN (the NaN spreads)
    const want = [[Infinity, -Infinity, NaN, NaN], [-Infinity, Infinity, NaN, NaN], [Infinity, -Infinity, NaN, NaN], [NaN], [NaN], [NaN]];
    for (const device of ['gpujs', 'cpu']) {
      const got = (await sym.function([x], outs, { device })(f32([1, -1, 0, NaN]))) as sym.NDArray[];
      expect(got.map(data), device).toEqual(want);
    }
    // np.var([1, 2, 4], ddof=3) and np.std(..., ddof=5): inf (NumPy divides by max(N - ddof, 0)); np.float32(7) / 0: inf
    const finite = [T.var(x, { ddof: 3 }), T.std(x, { ddof: 5 }), T.trueDiv(T.sum(x), 0)];
    const got = (await sym.function([x], finite, { device: 'gpujs' })(f32([1, 2, 4]))) as sym.NDArray[];
    expect(got.map(data)).toEqual([[Infinity], [Infinity], [Infinity]]);
  });

  it('gives NaN for the mean over an empty axis (0 / 0)', async () => {
    const m = T.fmatrix('m');
    const got = (await sym.function([m], [T.mean(m, 1), T.mean(m)], { device: 'gpujs' })(sym.array(new Float32Array(0), { dtype: 'float32', shape: [3, 0] }))) as sym.NDArray[];
    expect(got.map(data)).toEqual([[NaN, NaN, NaN], [NaN]]);
  });

  it('gives the same in a kernel on headlessgl and in cpu mode, the sign of the zero included', () => {
    const xs = typed('float32', [1, -1, 0, NaN, Infinity]);
    for (const backend of [gpu, cpuMode]) {
      for (const op of ['truediv', 'intdiv'] as const) {
        expect([...runKernel(backend, divide(op, 0), [xs])], `${op} 0`).toEqual([Infinity, -Infinity, NaN, NaN, Infinity]);
        expect([...runKernel(backend, divide(op, -0), [xs])], `${op} -0`).toEqual([-Infinity, Infinity, NaN, NaN, -Infinity]);
      }
    }
  });

  it('divides a literal zero as NumPy does: NaN by 0 or NaN, else 0 (0 / n and an average pool of an empty image)', async () => {
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
    const n = T.fvector('n');
    const m = T.fmatrix('m');
    const x = T.ftensor4('x');
    const f = sym.function([n, m, x], [T.trueDiv(T.constant(f32(0)), n), T.sum(m, 1).div(n.get('0:2')), T.signal.pool.pool2d(x, { ws: [2, 2], stride: [1, 1], ignoreBorder: true, pad: [1, 1], mode: 'average_exc_pad' })], { device: 'gpujs' });
    const got = (await f(f32([0, NaN, Infinity, 2]), sym.array(new Float32Array(0), { dtype: 'float32', shape: [2, 0] }), sym.NDArray.zeros([1, 1, 0, 3], 'float32'))) as sym.NDArray[];
    // Theano's average_exc_pad over windows of padding alone: 0 / 0
    expect(got.map(data)).toEqual([[NaN, NaN, 0, 0], [NaN, NaN], [NaN, NaN, NaN, NaN]]);
  });

  it('renders a division by any other divisor as before', () => {
    expect(renderKernel(divide('truediv', 2))).toContain('(in0[i0] / 2.0)');
    expect(renderKernel(divide('truediv', 0))).toContain('symDivZero(in0[i0], 1.0)');
    expect(renderKernel(divide('truediv', 0))).not.toMatch(/\/ 0\.0/);
  });
});
