/**
 * Dot's weight gradient for a rank >= 3 operand reads a and the output
 * gradient as rows, (A, K) and (A, N): the rows' count must come out right
 * when the arrays are empty, where a reshape to (-1, 0) has no answer.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '../src/index.js';

const T = sym.T;

describe("Dot's weight gradient over rows of a rank-3 operand", () => {
  it('is an empty (K, N) matrix when K or N is 0, and the sum over rows otherwise', () => {
    const a = T.tensor3('a');
    const W = T.dmatrix('W');
    const [gW, ga] = grad(T.dot(a, W).sum(), [W, a]) as sym.TensorVariable[];
    const f = sym.function([a, W], [gW!, ga!]);
    for (const [K, N] of [[4, 0], [0, 5], [0, 0]] as const) {
      const [g, h] = f.sync(sym.NDArray.zeros([2, 3, K], 'float64'), sym.NDArray.zeros([K, N], 'float64')) as sym.NDArray[];
      expect(g!.shape).toEqual([K, N]);
      expect(h!.shape).toEqual([2, 3, K]);
    }
    // d sum(a . W) / d W[k, n] = the sum of a[..., k] over its rows
    const av = Array.from({ length: 24 }, (_, i) => (i % 7) - 3);
    const [g] = f.sync(sym.array(av).reshape([2, 3, 4]), sym.NDArray.zeros([4, 2], 'float64')) as sym.NDArray[];
    const sums = [0, 1, 2, 3].map((k) => av.filter((_, i) => i % 4 === k).reduce((s, v) => s + v, 0));
    expect(Array.from(g!.data)).toEqual(sums.flatMap((s) => [s, s]));
  });
});
