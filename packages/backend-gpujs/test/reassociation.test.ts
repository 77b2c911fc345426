/**
 * Sums and products the GLSL compiler (llvmpipe) regroups, as NumPy's
 * float32 computes them. The guard of differences whose operands read a
 * common input (symSub) called a helper whose own `a - b` the compiler
 * saw through once inlined: (x + 1) - x was 1 at x = 1e30 (NumPy: 0) and at
 * inf (NaN). It also regrouped (x - y) + y to x, folded the constants of
 * (x + 1e30) - 1e30 to x, and of x * 1e30 * 1e30 (which the optimizer
 * keeps as written: its constant overflows) to x * inf. Found by probing
 * forms against the CPU backend; (x * 2) / 2 and x * y / y were not
 * regrouped. src/regroup.ts decides which to guard.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';

const T = sym.T;
const I = Infinity;
// the signs of zeros are not compared: gpujs does not keep them (README)
const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>, (v) => (v === 0 ? 0 : v));
const f32 = (v: number[]) => sym.array(new Float32Array(v), { dtype: 'float32' });

describe('regrouped float arithmetic on gpujs', () => {
  it('(x + c) - x, (x + x) - x, (x + y) - y, (x - y) + y and (x + 1e30) - 1e30 as np.float32 computes them', async () => {
    const x = T.fvector('x');
    const y = T.fvector('y');
    const outs = [x.add(1).sub(x), x.add(0.1).sub(x), T.add(x, 1).add(T.neg(x)), x.add(x).sub(x), x.add(y).sub(y), x.sub(y).add(y), x.add(1e30).sub(1e30), x.sub(y).mul(2).add(y.mul(2))];
    const args = [f32([1e30, I, -I, 3.3e-3, 1.5, 3e38, 16777216]), f32([1, 1e30, 3, 1e8, -1.5, 3e38, 1])];
    // NumPy 2.4, float32: (x + 1) - x, (x + 0.1) - x, (x + 1) + -x, (x + x) - x, (x + y) - y, (x - y) + y, (x + 1e30) - 1e30,
    // (x - y) * 2 + y * 2 (factored and regrouped it was 2 * x)
    const want = [
      [0, NaN, NaN, 0.9999999403953552, 1, 0, 0],
      [0, NaN, NaN, 0.10000000894069672, 0.10000002384185791, 0, 0],
      [0, NaN, NaN, 0.9999999403953552, 1, 0, 0],
      [1.0000000150474662e30, NaN, NaN, 0.0032999999821186066, 1.5, I, 16777216],
      [1.0000000150474662e30, I, -I, 0, 1.5, I, 16777215],
      [1.0000000150474662e30, I, -I, 0, 1.5, 3.0000000054977558e38, 16777216],
      [1.0000000150474662e30, I, -I, 0, 0, 3.0000000054977558e38, 0],
      [2.0000000300949324e30, I, -I, 0, 3, I, 33554432],
    ];
    for (const device of ['gpujs', 'cpu']) {
      const got = (await sym.function([x, y], outs, { device })(...args)) as sym.NDArray[];
      expect(got.map(data), device).toEqual(want);
    }
  });

  it('(x + 1) - x inside a reduction: np.sum((x + 1) - x)', async () => {
    const x = T.fvector('x');
    const f = sym.function([x], T.sum(x.add(1).sub(x)), { device: 'gpujs' });
    // NumPy, float32: np.sum((x + 1) - x) is 1 (only 1.5 + 1 keeps the 1); regrouped it was 5
    expect(data((await f(f32([1e30, 16777216, 3e38, -1e30, 1.5]))) as sym.NDArray)).toEqual([1]);
  });

  it('x * 1e30 * 1e30 and x * 1e-30 * 1e-30: the optimizer keeps them (their constant is out of range), and so does the shader', async () => {
    const x = T.fvector('x');
    const outs = [x.mul(1e30).mul(1e30), x.mul(1e-30).mul(1e-30)];
    // NumPy, float32: x * 1e30 * 1e30 (x * inf was NaN at 0 and inf at 1e-30), x * 1e-30 * 1e-30 (x * 0 was 0 at 1e30)
    const want = [
      [1.0000000150474662e30, 0, I, I, -I],
      [0, 0, 1.0000000031710769e-30, 0, 0],
    ];
    for (const device of ['gpujs', 'cpu']) {
      const got = (await sym.function([x], outs, { device })(f32([1e-30, 0, 1e30, 3, -2e-20]))) as sym.NDArray[];
      expect(got.map(data), device).toEqual(want);
    }
  });
});
