/**
 * Gradients of @sym/graph's compositions (extra.ts and activations.ts)
 * against finite differences: they come from the ops each is built of,
 * so these check that the compositions differentiate as the functions
 * they stand for.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, verifyGrad } from '../src/index.js';
import { randomPoint, seededRandom, type Domain } from './helpers.js';

const T = sym.T;
type V = sym.TensorVariable;

async function check(f: (...xs: V[]) => V, shapes: number[][], opts: { seed?: number; domain?: Domain; avoid?: number[]; bc?: boolean[][] } = {}) {
  const rng = seededRandom(opts.seed ?? 11);
  const pts = shapes.map((s) => randomPoint(rng, s, opts.domain ?? [-1.5, 1.5], opts.avoid ?? []));
  const r = await verifyGrad(f, pts, { broadcastable: opts.bc });
  expect(r.maxAbsErr).toBeLessThan(1e-4);
}

describe('products', () => {
  it('tensordot with a count, with axis lists, and as an outer product', async () => {
    await check((a, b) => T.tensordot(a, b, 1), [[2, 3], [3, 4]]);
    await check((a, b) => T.tensordot(a, b, [[2, 0], [1, 0]]), [[2, 3, 4], [2, 4, 3]]);
    await check((a, b) => T.tensordot(a, b, 0), [[2], [3]]);
  });

  it('batchedDot of 3-d, 3-d with 2-d, and row-wise matrices', async () => {
    await check((a, b) => T.batchedDot(a, b), [[2, 3, 4], [2, 4, 2]]);
    await check((a, b) => T.batchedDot(a, b), [[3, 2, 4], [3, 4]]);
    await check((a, b) => T.batchedDot(a, b), [[3, 4], [3, 4]]);
  });
});

describe('dimensions and construction', () => {
  it('swapaxes, squeeze of a broadcastable dimension, addbroadcast and unbroadcast', async () => {
    await check((x) => T.swapaxes(x, 0, 2).mul(T.arange(4, undefined, undefined, { dtype: 'float64' })), [[4, 3, 2]]);
    await check((x) => T.squeeze(x).mul(T.squeeze(x)), [[1, 3]], { bc: [[true, false]] });
    await check((x) => T.addbroadcast(x, 0).add(T.ones([2, 3], 'float64')).mul(2), [[1, 3]]);
    await check((x) => T.unbroadcast(x, 0).exp(), [[1, 3]], { bc: [[true, false]] });
  });

  it('diag both ways, diagonal of two axes, and eye as a mask', async () => {
    await check((v) => T.diag(v, 1).mul(T.arange(16, undefined, undefined, { dtype: 'float64' }).reshape([4, 4])), [[3]]);
    await check((v) => T.diag(v, -2), [[2]]);
    await check((m) => T.diag(m, 1).exp(), [[3, 4]]);
    await check((x) => T.diagonal(x, -1, 2, 0), [[3, 2, 4]]);
    await check((m) => m.mul(T.eye(3, 2, -1, 'float64')).sum(0), [[3, 2]]);
  });

  it('tile and repeat, along an axis and flattened', async () => {
    await check((x) => T.tile(x, [2, 1, 3]).mul(T.arange(36, undefined, undefined, { dtype: 'float64' }).reshape([2, 3, 6])), [[3, 2]]);
    await check((x) => T.sqr(T.repeat(x, 3, 1)), [[2, 2]]);
    await check((x) => T.repeat(x, 2).mul(T.arange(12, undefined, undefined, { dtype: 'float64' })), [[3, 2]]);
  });
});

describe('cumsum and cumprod', () => {
  it('of a length known only at run time (32 passes) and of one known when the graph is built', async () => {
    await check((x) => T.sqr(T.cumsum(x, 1)), [[2, 5]]);
    await check((x) => T.sqr(T.cumsum(x.reshape([2, 5]), -1)), [[10]]);
    await check((x) => T.cumsum(x).mul(T.arange(6, undefined, undefined, { dtype: 'float64' })), [[2, 3]]);
  });

  it('cumprod, including through a zero (no division)', async () => {
    await check((x) => T.cumprod(x, 0), [[6, 2]], { domain: [0.5, 1.5] });
    const x = T.dvector('x');
    const g = grad(T.cumprod(x).sum(), x);
    // d/dx_i sum_j prod_{k<=j} x_k at x = [2, 0, 3]: [1, 2 + 2 * 3, 0]
    expect((sym.function([x], g).sync(sym.array([2, 0, 3], { dtype: 'float64' })) as sym.NDArray).toArray()).toEqual([1, 8, 0]);
  });
});

describe('elementwise functions and activations', () => {
  it('log2, log10, exp2 and inv', async () => {
    await check((x) => T.log2(x).add(T.log10(x)), [[5]], { domain: [0.5, 3] });
    await check((x) => T.exp2(x).add(T.inv(x)), [[5]], { domain: [0.5, 3] });
  });

  it('logSoftmax over the last axis, with one large entry', async () => {
    await check((x) => T.nnet.logSoftmax(x).mul(T.arange(4, undefined, undefined, { dtype: 'float64' })), [[3, 4]]);
    await check((x) => T.nnet.logSoftmax(x.mul(50)).sum(), [[2, 3]]);
  });

  it('hardSigmoid, ultraFastSigmoid, elu, selu and softsign away from their kinks', async () => {
    await check((x) => T.nnet.hardSigmoid(x), [[8]], { domain: [-4, 4], avoid: [-2.5, 2.5] });
    await check((x) => T.nnet.ultraFastSigmoid(x), [[12]], { domain: [-8, 8], avoid: [-6, -3.4, 3.4, 6] });
    await check((x) => T.nnet.elu(x, 0.7), [[8]], { avoid: [0] });
    await check((x) => T.nnet.selu(x), [[8]], { avoid: [0] });
    await check((x) => T.nnet.softsign(x), [[8]]);
    await check((x) => T.nnet.relu(x, 0.1), [[8]], { avoid: [0] });
  });

  it('elu passes a finite gradient for a large input (the exponential is of min(x, 0))', async () => {
    const x = T.vector('x', 'float32');
    const g = grad(T.nnet.elu(x).sum(), x);
    expect((sym.function([x], g).sync(sym.array([1000, -1], { dtype: 'float32' })) as sym.NDArray).toArray()).toEqual([1, expect.closeTo(Math.exp(-1), 6)]);
  });
});
