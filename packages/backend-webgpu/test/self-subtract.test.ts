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
});
