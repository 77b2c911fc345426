/**
 * sign(0) is +0 on gpujs, as np.sign gives: llvmpipe compiled symSign's
 * `x < 0 ? -1.0 : 0.0` as a negated 0/1, so the sign of 0 was -0, and
 * arctan2(sign(0), -1) was -pi (NumPy: pi). Found by the random-graph
 * fuzzer, seed 1273 with float32/int32/bool (arctan2 of the sign of an
 * empty dot product).
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';

const T = sym.T;
const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);

describe('sign of zero on gpujs', () => {
  it('is +0, as np.sign', async () => {
    const x = T.fvector('x');
    const e = T.fvector('e');
    const outs = [T.trueDiv(1, T.sgn(x)), T.arctan2(T.sgn(T.dot(e, e)), x), T.arctan2(T.sgn(T.sum(e)), -1)];
    // np.float32(1) / np.sign(np.float32([0, -0, 2, -3])); np.arctan2(np.sign(0), x); np.arctan2(np.sign(0), -1)
    const pi = Math.fround(Math.PI);
    const want = [[Infinity, Infinity, 1, -1], [0, pi, 0, pi], [pi]];
    for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
      for (const device of ['gpujs', 'cpu']) {
        const f = sym.function([x, e], outs, { device, mode });
        const got = (await f(sym.array([0, -0, 2, -3], { dtype: 'float32' }), sym.array(new Float32Array(0), { dtype: 'float32' }))) as sym.NDArray[];
        expect(got.map(data), `${device} ${mode}`).toEqual(want);
      }
    }
  });
});
