/**
 * x - x and x + (-x) of one value: NaN for an infinite or NaN x, as IEEE and
 * NumPy give. headless-gl's GLSL compiler (llvmpipe) folds `a - a` to 0, so
 * (x - x)[idx], exp(x) - exp(x) and x[::-1] - x[::-1] were 0 for x = inf
 * and x = NaN on gpujs (found by differential fuzzing against NumPy). Such a
 * difference renders as `symMulZero` of the operand (a - a is a * 0 up to the
 * sign of zero, which gpujs does not keep: README).
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';

const T = sym.T;
// the signs of zeros are not compared: gpujs does not keep them (README)
const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>, (v) => (v === 0 ? 0 : v));

describe('x - x on gpujs', () => {
  it('is NaN for NaN and +-inf, as np.subtract, in elementwise and reduce kernels', async () => {
    const x = T.fvector('x');
    const outs = [x.sub(x), T.add(x, T.neg(x)), T.neg(x).add(x), T.exp(x).sub(T.exp(x)), x.get('::-1').sub(x.get('::-1')), T.sum(x.sub(x))];
    // NumPy, float32: x - x, x + (-x), -x + x, np.exp(x) - np.exp(x) (exp(-inf) = 0), x[::-1] - x[::-1], np.sum(x - x)
    const want = [
      [NaN, NaN, NaN, 0, 0],
      [NaN, NaN, NaN, 0, 0],
      [NaN, NaN, NaN, 0, 0],
      [NaN, NaN, 0, 0, 0],
      [0, 0, NaN, NaN, NaN],
      [NaN],
    ];
    for (const device of ['gpujs', 'cpu']) {
      const got = (await sym.function([x], outs, { device })(sym.array([NaN, Infinity, -Infinity, -0, 1.5], { dtype: 'float32' }))) as sym.NDArray[];
      expect(got.map(data), device).toEqual(want);
    }
  });
});
