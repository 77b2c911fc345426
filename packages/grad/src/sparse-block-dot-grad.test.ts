/**
 * sparse.sparseBlockDot's gradients (Theano's SparseBlockGemv.grad: W's
 * is SparseBlockOuter, each picked block getting the outer products of
 * its examples' h and output gradient, summed where a block is picked
 * twice; h's the transposed product; b's the output gradient summed into
 * the picked rows): a NumPy loop's numbers (computed once) and finite
 * differences.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, verifyGrad } from './index.js';

const { T, sparse } = sym;

const W = Array.from({ length: 72 }, (_, k) => ((k % 7) - 3) / 4);
const H = Array.from({ length: 8 }, (_, k) => (k - 3) / 2);
const B = Array.from({ length: 12 }, (_, k) => (k - 6) / 8);
// input block 1 picked twice by example 1; output index -1 is block 3
const I_IDX = [[0, 2], [1, 1]];
const O_IDX = [[3, 0], [-1, 2]];
const idx = (v: number[][]) => T.constant(v, { dtype: 'int32' });

describe('sparse.sparseBlockDot gradients', () => {
  it('match a NumPy loop over Theano\'s SparseBlockGemv.grad for sum(out ** 2)', () => {
    const [w, h, b] = [T.dtensor4('W'), T.dtensor3('h'), T.dmatrix('b')];
    const cost = T.sum(T.sqr(sparse.sparseBlockDot(w, h, idx(I_IDX), b, idx(O_IDX))));
    const [gw, gh, gb] = sym.function([w, h, b], grad(cost, [w, h, b])).sync(
      sym.array(W, { dtype: 'float64' }).reshape([3, 4, 2, 3]),
      sym.array(H, { dtype: 'float64' }).reshape([2, 2, 2]),
      sym.array(B, { dtype: 'float64' }).reshape([4, 3]),
    ) as sym.NDArray[];
    // numpy: np.add.at(gb, oIdx[n, j], g[n, j]); gh[n, i] += W[iIdx[n, i], oIdx[n, j]] @ g[n, j]; gW[iIdx, oIdx] += outer(h[n, i], g[n, j])
    expect(gb!.toArray()).toEqual([[0, 0.5, -0.75], [0, 0, 0], [-0.5, 2.25, 5], [-0.75, 0.75, 2.25]]);
    expect(gh!.toArray()).toEqual([[[-0.3125, -1.25], [-0.4375, 1.25]], [[0.3125, 6.5], [0.3125, 6.5]]]);
    const gW = gw!.toArray() as number[][][][];
    expect(gW[1]![3]).toEqual([[-4.5, 1, 6.5], [-6.75, 1.5, 9.75]]);
    expect(gW.flat(3).reduce((a, v) => a + v, 0)).toBeCloseTo(39.75, 12);
  });

  it('matches finite differences in W, h and b', async () => {
    const f = (w: sym.TensorVariable, h: sym.TensorVariable, b: sym.TensorVariable) =>
      T.sum(T.sin(sparse.sparseBlockDot(T.reshape(w, [3, 4, 2, 3]), T.reshape(h, [2, 2, 2]), idx(I_IDX), T.reshape(b, [4, 3]), idx(O_IDX))));
    const report = await verifyGrad(f, [W, H, B]);
    expect(report.maxAbsErr).toBeLessThan(1e-6);
  });
});
