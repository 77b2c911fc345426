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

  // llvmpipe proves operands one value past their text: x + 0 is x, max(x, x) is x, x * 2 is 2 * x
  it('is NaN where operands written differently are one value (x + 0, max(x, x), a commuted product, a ternary)', async () => {
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
    for (const device of ['gpujs', 'cpu']) {
      const got = (await sym.function([x, c], outs, { device })(...args)) as sym.NDArray[];
      expect(got.map(data), device).toEqual(want);
    }
  });

  it('keeps the values of finite differences of operands that read one input', async () => {
    const x = T.fvector('x');
    // not (x + 1) - x: llvmpipe reassociates it to 1 (float32: 0.99999994 at x = 3.3e-3, 0 at 1e30), with or without the guard (docs/guide.md)
    const outs = [x.mul(3).sub(x), x.sub(x.mul(0.5)), x.add(T.neg(x.mul(0.5)))];
    const args = [sym.array([0.1, -7.25, 3.3e-3, 1e30, -2.5e-20, 123.456], { dtype: 'float32' })];
    // NumPy, float32: x * 3 - x, x - x * 0.5, x + -(x * 0.5)
    const want = [
      [0.20000001788139343, -14.5, 0.006599999964237213, 2.00000018121066e30, -5.0000001644450395e-20, 246.91201782226562],
      [0.05000000074505806, -3.625, 0.0016499999910593033, 5.000000075237331e29, -1.2499999603319032e-20, 61.72800064086914],
      [0.05000000074505806, -3.625, 0.0016499999910593033, 5.000000075237331e29, -1.2499999603319032e-20, 61.72800064086914],
    ];
    for (const device of ['gpujs', 'cpu']) {
      const got = (await sym.function([x], outs, { device })(...args)) as sym.NDArray[];
      expect(got.map(data), device).toEqual(want);
    }
  });
});
