/**
 * abs of a narrow signed integer's least value wraps, as NumPy's
 * (np.abs(np.int8(-128)) is -128): 128 does not fit int8. The kernel
 * computes int8 and int16 in i32 words and wrapped every op's result but
 * abs's, so abs(-128) stayed 128 inside a fused expression: the fuzzer
 * (NumPy vs WebGPU) found 0.0964 ** abs(int16 -32768) 0 where NumPy gives inf.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './setup.js';

const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);

describe('abs of a narrow integer on WebGPU', () => {
  for (const [dtype, least] of [['int8', -128], ['int16', -32768]] as const) {
    it(`wraps abs(${least}) to ${least} in ${dtype} inside a fused expression`, async () => {
      const x = T.tensor(dtype, [false], 'x');
      const a = T.abs(x);
      const outs = [a, T.cast(a, 'float32'), a.lt(0), T.sgn(a), T.pow(T.constant(sym.array(0.5, { dtype: 'float32' })), a)];
      const { gpu, ref } = await both([x], outs, [sym.array([least, -3, 5], { dtype })]);
      // NumPy: a = np.abs(x); a, a.astype(np.float32), a < 0, np.sign(a), np.float32(0.5) ** a
      const want = [[least, 3, 5], [least, 3, 5], [1, 0, 0], [-1, 1, 1], [Infinity, 0.125, 0.03125]];
      for (const [name, r] of [['cpu', ref], ['webgpu', gpu]] as const) expect(r.map(data), name).toEqual(want);
    });
  }
});
