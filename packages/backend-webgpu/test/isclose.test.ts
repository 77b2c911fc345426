/**
 * T.isclose and T.allclose on the GPU: infinities and NaN decided as
 * NumPy's np.isclose does (equal infinities close, an infinity never
 * close to a finite number or to the other infinity, NaN close to nothing
 * unless equalNan), the same as on the CPU.
 */
import { describe, expect, it } from 'vitest';
import { T, both } from './setup.js';

describe('isclose on WebGPU', () => {
  it('decides infinities and NaN as np.isclose, where a finiteness test by v - v == 0 was folded to true', async () => {
    const a = T.fvector('a');
    const b = T.fvector('b');
    const av = [1, NaN, Infinity, -Infinity, 1e10, 0, 5, Infinity, -Infinity, 3];
    const bv = [1, NaN, Infinity, Infinity, 1.00001e10, 1e-9, Infinity, NaN, -Infinity, -Infinity];
    // np.isclose(np.float32(av), np.float32(bv)) and with equal_nan=True
    const want = [1, 0, 1, 0, 0, 1, 0, 0, 1, 0];
    const wantNan = [1, 1, 1, 0, 0, 1, 0, 0, 1, 0];
    const { gpu, ref } = await both([a, b], [T.isclose(a, b), T.isclose(a, b, { equalNan: true }), T.allclose(a.get('6:7'), b.get('6:7'))], [av, bv]);
    for (const r of [gpu, ref]) {
      expect(Array.from(r[0]!.data as ArrayLike<number>)).toEqual(want);
      expect(Array.from(r[1]!.data as ArrayLike<number>)).toEqual(wantNan);
      expect(r[2]!.item()).toBe(0);
    }
  });
});
