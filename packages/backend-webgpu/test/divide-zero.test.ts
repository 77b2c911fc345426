/**
 * Division by a zero the kernel holds as a literal: IEEE's +-inf, and NaN
 * for 0 / 0 and NaN / 0, as on the CPU and in NumPy. A shader compiler
 * that assumes no infinities folded `a / 0.0` (lavapipe gave 0), so
 * `T.var(x, { ddof })` with ddof = N, a mean over an empty axis and
 * `x / 0` came out 0 on WebGPU.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './setup.js';

describe('division by a literal zero on WebGPU', () => {
  it('gives +-inf and NaN as np.true_divide', async () => {
    const x = T.fvector('x');
    const zero = T.constant(sym.array(0, { dtype: 'float32' }));
    // (a constant -0 divisor: negative-zero.test.ts)
    const outs = [x.div(zero), T.trueDiv(T.sum(x), 0), T.var(x, { ddof: 4 }), T.std(x, { ddof: 9 })];
    const { gpu, ref } = await both([x], outs, [sym.array([1, -1, 0, NaN], { dtype: 'float32' })]);
    // np.float32([1, -1, 0, nan]) / np.float32(0); the sum is NaN; np.var(..., ddof=4): NaN (the NaN spreads)
    const want = [[Infinity, -Infinity, NaN, NaN], [NaN], [NaN], [NaN]];
    for (const r of [ref, gpu]) expect(r.map((a) => Array.from(a.data as ArrayLike<number>))).toEqual(want);
    const { gpu: g2, ref: r2 } = await both([x], [T.var(x, { ddof: 3 }), T.trueDiv(x, 0)], [sym.array([1, 2, 4], { dtype: 'float32' })]);
    for (const r of [g2, r2]) expect(r.map((a) => Array.from(a.data as ArrayLike<number>))).toEqual([[Infinity], [Infinity, Infinity, Infinity]]);
  });
});
