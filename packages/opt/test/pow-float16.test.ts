import { describe, expect, it } from 'vitest';
import { sym, T } from './helpers.js';

/**
 * pow_specialize writes x ** 3 as x * x * x. float16 rounds after every op,
 * so that product rounds twice where NumPy's float16 power rounds once: a
 * fifth of float16 cubes came out an ulp off. float16 keeps pow.
 */
describe('x ** 3 in float16', () => {
  // np.array(xs, np.float16) ** 3
  const xs = [0.287109375, -10.2265625, 1.5, 3, 13.2890625, 0.1];
  const numpy = [0.0236663818359375, -1070, 3.375, 27, 2346, 0.00099945068359375];

  it("is NumPy's, rounded once", async () => {
    const x = T.tensor('float16', [false], 'x');
    const arg = new sym.NDArray(Float32Array.from(xs.map(sym.f16round)), [xs.length], 'float16');
    for (const y of [x.pow(3), T.pow(x, T.constant(3, { dtype: 'float16' }))]) {
      const r = await sym.function([x], y)(arg);
      expect(r.dtype).toBe('float16');
      expect(sym.function([x], y).debugprint()).toContain('Elemwise{pow');
      expect(Array.from(r.data)).toEqual(numpy);
    }
  });

  it('is still x * x * x in float32', () => {
    const x = T.fvector('x');
    const f = sym.function([x], x.pow(3));
    expect(f.debugprint()).toContain('Elemwise{mul');
    expect(f.debugprint()).not.toContain('pow');
  });
});
