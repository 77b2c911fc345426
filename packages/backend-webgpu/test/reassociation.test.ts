/**
 * Sums and products lavapipe's shader compiler regroups, as NumPy's float32
 * computes them. Beyond the differences mayCancel (@sym/graph) names, it
 * regrouped (x - y) + y and y + (x - y) to x (0 where x is below y's ulp),
 * folded the constants of (x + 1e30) - 1e30 and 1 - (1 - x) to x (and of
 * (x + 1) + -1, which the optimizer folds as well), of (x + 3e38) + 3e38
 * to x + inf (NaN at -inf), of x * 1e30 * 1e30 to x * inf (NaN at 0) and
 * of x * 1e-30 * 1e-30 to x * 0 (0 at inf and NaN), and moved x into
 * x * y - x * y (0 at x = 3.3e-3, y = 1e8); it factored (x - y) * 2 +
 * y * 2 and regrouped the sum to 2 * x, moved 2 into (x + y) + 2 (0 at
 * x = 1e30, y = -1e30) and cancelled y in y + ((x - y) + 1e-30). Found by
 * probing kernel-IR forms against the CPU backend, as gpu.js's were (its
 * test/reassociation.test.ts), and random sum trees; (x * 2) / 2 and
 * x * y / y were kept. regroupOperand (@sym/graph) names the operand the
 * renderer holds apart.
 */
import { describe, expect, it } from 'vitest';
import { sym, T } from './setup.js';

const I = Infinity;
const f32 = (v: number[]) => sym.array(new Float32Array(v), { dtype: 'float32' });
const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);
const run = async (inputs: sym.TensorVariable[], outs: sym.TensorVariable[], args: sym.NDArray[], device: string) =>
  ((await sym.function(inputs, outs, { device })(...args)) as sym.NDArray[]).map(data);

describe('regrouped float arithmetic on webgpu', () => {
  it('sums whose terms a compiler would regroup, as np.float32 computes them', async () => {
    const x = T.fvector('x');
    const y = T.fvector('y');
    const outs = [
      ...[x.sub(y).add(y), y.add(x.sub(y)), x.add(1e30).sub(1e30), T.sub(1, T.sub(1, x)), x.add(3e38).add(3e38)],
      ...[x.mul(y).sub(x.mul(y)).add(x), x.sub(y).mul(2).add(y.mul(2)), x.add(y).add(2), y.add(x.sub(y).add(1e-30))],
    ];
    const args = [f32([1e-30, 0, 1e30, I, -I, NaN, 3.3e-3, 1.5, 16777216, -5, 1e30]), f32([1, 2, 1, 1e30, 3, 7, 1e8, -1.5, 1, 0, -1e30])];
    // NumPy 2.4, float32, in the order of outs
    const want = [
      [0, 0, 1.0000000150474662e30, I, -I, NaN, 0, 1.5, 16777216, -5, 1.0000000150474662e30],
      [0, 0, 1.0000000150474662e30, I, -I, NaN, 0, 1.5, 16777216, -5, 1.0000000150474662e30],
      [0, 0, 1.0000000150474662e30, I, -I, NaN, 0, 0, 0, 0, 1.0000000150474662e30],
      [0, 0, 1.0000000150474662e30, I, -I, NaN, 0.003300011157989502, 1.5, 16777216, -5, 1.0000000150474662e30],
      [I, I, I, I, -I, NaN, I, I, I, I, I],
      [1.0000000031710769e-30, 0, 1.0000000150474662e30, NaN, NaN, NaN, 0.0032999999821186066, 1.5, 16777216, -5, NaN],
      [0, 0, 2.0000000300949324e30, I, -I, NaN, 0, 3, 33554432, -10, 2.0000000300949324e30],
      [3, 4, 1.0000000150474662e30, I, -I, NaN, 100000000, 2, 16777218, -3, 2],
      [0, 0, 1.0000000150474662e30, I, -I, NaN, 0, 1.5, 16777216, -5, 1.0000000150474662e30],
    ];
    for (const device of ['webgpu', 'cpu']) expect(await run([x, y], outs, args, device), device).toEqual(want);
  });

  it('x * 1e30 * 1e30 and x * 1e-30 * 1e-30: constants whose product is out of range stay apart', async () => {
    const x = T.fvector('x');
    const outs = [x.mul(1e30).mul(1e30), x.mul(1e-30).mul(1e-30), T.mul(1e-30, x.mul(1e-30))];
    // NumPy, float32 (folded: x * inf was NaN at 0, x * 0 was 0 at inf and NaN)
    const small = [0, 0, 1.0000000031710769e-30, I, -I, NaN, -0];
    const want = [[1.0000000150474662e30, 0, I, I, -I, NaN, -I], small, small];
    for (const device of ['webgpu', 'cpu']) expect(await run([x], outs, [f32([1e-30, 0, 1e30, I, -I, NaN, -5])], device), device).toEqual(want);
  });

  it('(x - y) + y inside a reduction: np.sum((x - y) + y)', async () => {
    const x = T.fvector('x');
    const y = T.fvector('y');
    // float32: only 1.5 and -5 survive (x - y) + y; regrouped, the sum was x's
    const got = await run([x, y], [T.sum(x.sub(y).add(y))], [f32([1e-30, 3.3e-3, 1.5, -5]), f32([1, 1e8, -1.5, 0])], 'webgpu');
    expect(got).toEqual([[-3.5]]);
  });
});
