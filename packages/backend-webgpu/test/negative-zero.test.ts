/**
 * A -0 the kernel holds as a constant keeps its sign, as on the CPU and in
 * NumPy. lavapipe compiles as if zeros had no sign: a -0.0 literal came out
 * +0 in arithmetic and through the prelude's helpers, so x * -0 was +0,
 * 1 / (x * -0) and x / -0 +inf for x = 1, and maximum(-1, -0) +0 on WebGPU.
 * The renderer writes -0 as a value the compiler cannot fold
 * (scalar.ts's NEGATIVE_ZERO).
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './setup.js';

const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);

describe('a constant -0 on WebGPU', () => {
  it('keeps its sign in products, quotients and maximum, in elementwise, reduce and matmul kernels', async () => {
    const x = T.fvector('x');
    const m = T.fmatrix('m');
    const negZero = T.constant(sym.array(-0, { dtype: 'float32' }));
    const outs = [x.mul(negZero), T.trueDiv(1, x.mul(negZero)), x.div(negZero), T.maximum(x, negZero), T.sum(x).mul(negZero), T.dot(m, m).mul(negZero)];
    const { gpu, ref } = await both([x, m], outs, [sym.array([1, -1, 2, 0.5], { dtype: 'float32' }), sym.array([1, 0, 0, 1], { dtype: 'float32', shape: [2, 2] })]);
    // NumPy, float32: x * -0.0, 1 / (x * -0.0), x / -0.0, np.maximum(x, -0.0), x.sum() * -0.0, (m @ m) * -0.0
    const want = [[-0, 0, -0, -0], [-Infinity, Infinity, -Infinity, -Infinity], [-Infinity, Infinity, -Infinity, -Infinity], [1, -0, 2, 0.5], [-0], [-0, -0, -0, -0]];
    for (const [name, r] of [['cpu', ref], ['webgpu', gpu]] as const) {
      const got = r.map(data);
      expect(got, name).toEqual(want);
      // toEqual tells -0 from +0; say so where it matters
      expect(got.flat().map((v) => Object.is(v, -0)), name).toEqual(want.flat().map((v) => Object.is(v, -0)));
    }
  });

  it('a constant +0 in a product gives the product sign and NaN for inf and NaN, as on the CPU', async () => {
    // lavapipe folded x * 0.0 of a literal to +0: a negative x gave +0 (the random-graph fuzzer's seed 68:
    // arctan2 of x * 0 then read y = +0 and gave 0 for -pi), and inf * 0 gave 0 where NumPy gives NaN
    const x = T.fvector('x');
    const outs = [x.mul(0), T.arctan2(x.mul(0), -1), T.mul(x, 0).add(x.mul(0))];
    const { gpu, ref } = await both([x], outs, [sym.array([-2, 3, Infinity, NaN], { dtype: 'float32' })]);
    // NumPy, float32: x * 0.0, np.arctan2(x * 0.0, -1), x * 0.0 + x * 0.0
    const pi = Math.fround(Math.PI);
    const want = [[-0, 0, NaN, NaN], [-pi, pi, NaN, NaN], [-0, 0, NaN, NaN]];
    for (const [name, r] of [['cpu', ref], ['webgpu', gpu]] as const) {
      const got = r.map(data);
      expect(got, name).toEqual(want);
      expect(got.flat().map((v) => Object.is(v, -0)), name).toEqual(want.flat().map((v) => Object.is(v, -0)));
    }
  });
});
