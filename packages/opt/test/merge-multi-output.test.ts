/**
 * Merge joins nodes of several outputs (svd, qr, eigh) output for output:
 * two svd(a) calls, or an svd beside pinv's inlined one (lstsq's s and its
 * solution, a function of pinv(a) and its gradient), were two SVDs, each
 * tens of kernels (a 4 x 3 svd: [s, U] from one call 61, from two 113).
 * Random draws, whose value moves between calls, are never joined.
 */
import { describe, expect, it } from 'vitest';
import { merge } from '../src/index.js';
import { T, sym } from './helpers.js';

const M = sym.array([[1, 2, 3], [4, 5, 6], [7, 8, 10], [1, 0, 1]]);

describe('merge joins nodes of several outputs', () => {
  it('two svd(a) calls: one SVD node, every output of the other read from it', () => {
    const a = T.dmatrix('a');
    const [u1, s1, vh1] = T.nlinalg.svd(a, { fullMatrices: false });
    const [u2, s2] = T.nlinalg.svd(a, { fullMatrices: false });
    const merged = merge([s1, u2, vh1, s2, u1]);
    const svds = sym.toposort(merged).filter((n) => n.op.kind === 'SVD');
    expect(svds).toHaveLength(1);
    // u2 is u1 (output 0 of the one node), s2 is s1
    expect(merged[1]).toBe(merged[4]);
    expect(merged[3]).toBe(merged[0]);
  });
  it('kernel counts: [s, U] of two calls as of one; lstsq and pinv share their SVD', () => {
    const a = T.dmatrix('a');
    const count = (outs: sym.TensorVariable[]) => sym.function([a], outs).compiled.kernelCount(M);
    const one = T.nlinalg.svd(a, { fullMatrices: false });
    expect(count([T.nlinalg.svd(a, { fullMatrices: false })[1], T.nlinalg.svd(a, { fullMatrices: false })[0]])).toBe(count([one[1], one[0]]));
    const pinv = count([T.nlinalg.pinv(a)]);
    expect(count([T.nlinalg.svd(a, { fullMatrices: false })[1], T.nlinalg.pinv(a)])).toBeLessThan(pinv + 5);
  });
  it('two draws of the same distribution stay two', () => {
    const srng = new sym.RandomStreams(3);
    const a = srng.normal([3]);
    const b = srng.normal([3]);
    const merged = merge([a, b]);
    expect(merged[0]).not.toBe(merged[1]);
  });
});
