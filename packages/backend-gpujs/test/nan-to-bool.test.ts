/**
 * NaN cast to bool is True, as NumPy's (np.float32(np.nan).astype(bool))
 * and the CPU backend's: only zeros are false. symBool, the store into a
 * bool, gave NaN False on gpujs: the differential fuzzer (NumPy vs gpujs)
 * found T.min(T.cast(T.pow(x, x), 'bool')) False for a negative x.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';

const T = sym.T;

describe('NaN to bool on gpujs', () => {
  it('is True, read or computed, stored or reduced', async () => {
    const x = T.fvector('x');
    const b = T.cast(T.pow(x, x), 'bool');
    const outs = [T.cast(x, 'bool'), b, T.min(b), T.cast(b, 'int32').add(T.cast(x, 'bool'))];
    // NumPy: x.astype(bool), (x ** x).astype(bool) (NaN for x < 0 not an integer; 0 ** 0 = 1), .min(), and their int sum
    const want = [[1, 1, 0, 1], [1, 1, 1, 1], [1], [2, 2, 1, 2]];
    for (const device of ['gpujs', 'cpu']) {
      const got = (await sym.function([x], outs, { device })(sym.array([NaN, -0.5, 0, 2], { dtype: 'float32' }))) as sym.NDArray[];
      expect(got.map((a) => Array.from(a.data as ArrayLike<number>)), device).toEqual(want);
    }
  });
});
