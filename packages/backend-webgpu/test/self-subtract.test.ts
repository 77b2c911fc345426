/**
 * x - x and x + (-x) of one value are NaN where x is NaN or infinite, as on
 * the CPU and in NumPy. WGSL lets a compiler assume no NaN and no
 * infinities, and lavapipe folds `a - a` (and `a + (- a)`) to 0: the
 * differential fuzzer (NumPy vs WebGPU) found `(x - x)[idx]` all zeros for
 * x holding NaN, and exp(x) - exp(x) 0 at x = inf.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './setup.js';

const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);
// x - (x + 0) of -0 is -0 in NumPy: the sign of a zero is not what these tests check
const unsigned = (a: sym.NDArray) => data(a).map((v) => (v === 0 ? 0 : v));

describe('x - x on WebGPU', () => {
  it('is NaN for NaN and +-inf, in elementwise and reduce kernels', async () => {
    const x = T.fvector('x');
    const outs = [x.sub(x), T.add(x, T.neg(x)), T.neg(x).add(x), T.exp(x).sub(T.exp(x)), x.get('::-1').sub(x.get('::-1')), T.sum(x.sub(x))];
    const { gpu, ref } = await both([x], outs, [sym.array([NaN, Infinity, -Infinity, -0, 1.5], { dtype: 'float32' })]);
    // NumPy, float32: x - x, x + (-x), -x + x, np.exp(x) - np.exp(x) (exp(-inf) = 0), x[::-1] - x[::-1], np.sum(x - x)
    const want = [
      [NaN, NaN, NaN, 0, 0],
      [NaN, NaN, NaN, 0, 0],
      [NaN, NaN, NaN, 0, 0],
      [NaN, NaN, 0, 0, 0],
      [0, 0, NaN, NaN, NaN],
      [NaN],
    ];
    for (const [name, r] of [['cpu', ref], ['webgpu', gpu]] as const) expect(r.map(data), name).toEqual(want);
  });

  // lavapipe proves operands one value past their text: a select of x or x is x, x * 2 is 2 * x
  it('is NaN where operands written differently are one value (a select of one value, a commuted product)', async () => {
    const x = T.fvector('x');
    const c = T.bvector('c');
    const outs = [T.switch(c, x, x).sub(x), x.mul(2).sub(T.mul(2, x)), x.sub(x.add(0)), T.maximum(x, x).sub(x), T.sum(x.mul(2).sub(T.mul(2, x)))];
    const args = [sym.array([NaN, Infinity, -Infinity, -0, 1.5, 3e38], { dtype: 'float32' }), sym.array([1, 0, 1, 0, 1, 0], { dtype: 'bool' })];
    // NumPy, float32: np.where(c, x, x) - x, x * 2 - 2 * x (3e38 * 2 overflows to inf), x - (x + 0), np.maximum(x, x) - x, np.sum(x * 2 - 2 * x)
    const want = [
      [NaN, NaN, NaN, 0, 0, 0],
      [NaN, NaN, NaN, 0, 0, NaN],
      [NaN, NaN, NaN, 0, 0, 0],
      [NaN, NaN, NaN, 0, 0, 0],
      [NaN],
    ];
    const { gpu, ref } = await both([x, c], outs, args);
    for (const [name, r] of [['cpu', ref], ['webgpu', gpu]] as const) expect(r.map(unsigned), name).toEqual(want);
  });

  it('keeps the bits of finite differences of operands that read one input', async () => {
    const x = T.fvector('x');
    const outs = [x.mul(3).sub(x), x.sub(x.mul(0.5)), x.add(1).sub(x), x.add(T.neg(x.mul(0.5)))];
    const args = [sym.array([0.1, -7.25, 3.3e-3, 1e30, -2.5e-20, 123.456], { dtype: 'float32' })];
    // NumPy, float32: x * 3 - x, x - x * 0.5, (x + 1) - x (lavapipe reassociated it to 1 before the guard), x + -(x * 0.5)
    const want = [
      [0.20000001788139343, -14.5, 0.006599999964237213, 2.00000018121066e30, -5.0000001644450395e-20, 246.91201782226562],
      [0.05000000074505806, -3.625, 0.0016499999910593033, 5.000000075237331e29, -1.2499999603319032e-20, 61.72800064086914],
      [1, 1, 0.9999999403953552, 0, 1, 1],
      [0.05000000074505806, -3.625, 0.0016499999910593033, 5.000000075237331e29, -1.2499999603319032e-20, 61.72800064086914],
    ];
    const { gpu, ref } = await both([x], outs, args);
    for (const [name, r] of [['cpu', ref], ['webgpu', gpu]] as const) expect(r.map(data), name).toEqual(want);
  });
});
