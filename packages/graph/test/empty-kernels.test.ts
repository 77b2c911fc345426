/**
 * Kernels of no elements are not launched, and a join whose other pieces
 * are empty is its one piece (a view): what keeps a cumsum of a length
 * unknown at build time (32 doubling passes in the graph) to the passes
 * its length needs.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

describe('empty kernels and joins', () => {
  it('a join of one piece and empty ones costs no kernel, and gives the piece', () => {
    const x = T.vector('x');
    const e = T.vector('e');
    const f = sym.function([x, e], T.concatenate([x, e]).mul(2));
    expect(f.compiled.kernelCount([1, 2, 3], [])).toBe(1);
    expect((f.sync([1, 2, 3], []) as sym.NDArray).toArray()).toEqual([2, 4, 6]);
    expect((f.sync([], [4, 5]) as sym.NDArray).toArray()).toEqual([8, 10]);
    // both pieces full: the join's own (gathering) kernel, the product fused into it (two kernels before gathers fused)
    expect(f.compiled.kernelCount([1], [2])).toBe(1);
    expect((f.sync([1], [2]) as sym.NDArray).toArray()).toEqual([2, 4]);
  });

  it('an elementwise kernel of no elements is not launched; its empty result still flows', () => {
    const x = T.vector('x');
    const f = sym.function([x], [T.exp(x), T.sum(T.exp(x))]);
    expect(f.compiled.kernelCount([])).toBe(1); // the sum of nothing is 0: one kernel
    const [e, s] = f.sync([]) as sym.NDArray[];
    expect(e!.shape).toEqual([0]);
    expect(s!.toArray()).toEqual(0);
  });

  it('a cumsum of a length known only at run time launches the passes that length needs', () => {
    const x = T.vector('x');
    const f = sym.function([x], T.cumsum(x));
    const v = Array.from({ length: 100 }, (_, i) => i);
    // 7 doubling passes (2^7 >= 100), each an add and a join, of 32 in the graph
    expect(f.compiled.kernelCount(v)).toBeLessThanOrEqual(2 * 7 + 1);
    expect((f.sync(v) as sym.NDArray).toArray()).toEqual(v.map((_, i) => (i * (i + 1)) / 2));
  });
});
