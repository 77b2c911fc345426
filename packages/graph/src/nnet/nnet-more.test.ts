/**
 * nnet-more.ts: prependScalarToEachRow and its 0 and 1 forms,
 * conv2dTranspose (the adjoint of a strided conv2d, written out from its
 * definition), maxPool2dSameSize (NumPy's patch maxima, written out),
 * separableConv2d, confusionMatrix and batchNormalization (NumPy loops,
 * written out), and their gradients by finite differences.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const c = (v: sym.NestedArray, dtype: sym.DType) => T.constant(sym.array(v, { dtype }));

describe('prependScalarToEachRow', () => {
  const m = c([[1, 2], [3, 4], [5, 6]], 'float32');
  it("puts a first column of the value, in the matrix's dtype", () => {
    const r = both(T.nnet.prependScalarToEachRow(2.5, m));
    expect(r.dtype).toBe('float32');
    expect(r.toArray()).toEqual([[2.5, 1, 2], [2.5, 3, 4], [2.5, 5, 6]]);
    expect(both(T.nnet.prepend0ToEachRow(m)).toArray()).toEqual([[0, 1, 2], [0, 3, 4], [0, 5, 6]]);
    expect(both(T.nnet.prepend1ToEachRow(c([[7], [8]], 'int32'))).toArray()).toEqual([[1, 7], [1, 8]]);
    expect(both(T.nnet.prepend1ToEachRow(c([[7], [8]], 'int32'))).dtype).toBe('int32');
  });
  it('refuses a non-matrix or a non-scalar value', () => {
    expect(() => T.nnet.prepend0ToEachRow(c([1, 2], 'float64'))).toThrow(/prependScalarToEachRow: mat must be a matrix/);
    expect(() => T.nnet.prependScalarToEachRow(c([1, 2], 'float64'), m)).toThrow(/val must be a scalar/);
  });
  it("the value's gradient is the sum of its column's (finite differences)", async () => {
    const w = c([[1, -2, 3], [0.5, 4, -1]], 'float64');
    const r = await verifyGrad((v, x) => T.sum(T.mul(T.nnet.prependScalarToEachRow(v, x), w)), [0.3, [[1, 2], [3, 4]]]);
    expect(r.maxAbsErr).toBeLessThan(1e-6);
  });
});

describe('conv2dTranspose', () => {
  const g = c([[[[1, 2], [3, -1]]]], 'float64');
  const w = c([[[[1, 0.5], [-2, 3]]]], 'float64');
  it("is the adjoint of conv2d with the stride named inputDilation (Theano's)", () => {
    const r = both(T.nnet.conv2dTranspose(g, w, [1, 1, 5, 5], { inputDilation: [2, 2] }));
    expect(r.shape).toEqual([1, 1, 5, 5]);
    expect(r.toArray()).toEqual([[[[3, -2, 6, -4, 0], [0.5, 1, 1, 2, 0], [9, -6, -3, 2, 0], [1.5, 3, -0.5, -1, 0], [0, 0, 0, 0, 0]]]]);
    const same = T.nnet.conv2dGradWrtInputs(g, w, [1, 1, 5, 5], { subsample: [2, 2] });
    expect(both(same).toArray()).toEqual(r.toArray());
  });
  it("checks filterShape and refuses conv2d's subsample by name", () => {
    expect(() => T.nnet.conv2dTranspose(g, w, [1, 1, 5, 5], { filterShape: [1, 1, 3, 3] })).toThrow(/specifyShape/);
    expect(() => T.nnet.conv2dTranspose(g, w, [1, 1, 5, 5], { subsample: [2, 2] } as never)).toThrow(/conv2dTranspose: unknown option "subsample"/);
  });
  it('is differentiable in the input and the filters (finite differences)', async () => {
    const r = await verifyGrad((a, b) => T.sum(T.sqr(T.nnet.conv2dTranspose(a, b, [1, 1, 5, 5], { inputDilation: [2, 2] }))), [[[[[1, 2], [3, -1]]]], [[[[1, 0.5], [-2, 3]]]]]);
    expect(r.maxAbsErr).toBeLessThan(1e-5);
  });
});

describe('maxPool2dSameSize', () => {
  const X = [[1, 5, 2, 2, 9], [3, 4, 2, 1, 0], [7, 0, 6, 6, 3], [1, 8, 6, 2, 4], [9, 9, 9, 9, 9]];
  it("keeps each patch's maxima (ties too) and zeros the rest and the partial patches", () => {
    const r = both(T.signal.pool.maxPool2dSameSize(c([[X]], 'float32'), [2, 2]));
    expect(r.dtype).toBe('float32');
    expect(r.shape).toEqual([1, 1, 5, 5]);
    expect(r.toArray()).toEqual([[[[0, 5, 2, 2, 0], [0, 0, 2, 0, 0], [0, 0, 6, 6, 0], [0, 8, 6, 0, 0], [0, 0, 0, 0, 0]]]]);
    // a matrix, patches of one row
    expect(both(T.signal.pool.maxPool2dSameSize(c([[1, 3, 2], [4, 4, 0]], 'float64'), [1, 3])).toArray()).toEqual([[0, 3, 0], [4, 4, 0]]);
  });
  it('refuses a bad patch or a vector', () => {
    expect(() => T.signal.pool.maxPool2dSameSize(c([[X]], 'float32'), [0, 2])).toThrow(/patchSize must be two integers >= 1/);
    expect(() => T.signal.pool.maxPool2dSameSize(c([1, 2], 'float32'), [1, 1])).toThrow(/expected an input of 2 dimensions or more/);
  });
  it('passes the gradient to the maxima only (finite differences, distinct values)', async () => {
    const r = await verifyGrad((x) => T.sum(T.mul(T.signal.pool.maxPool2dSameSize(x, [2, 2]), c([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], 'float64'))), [[[[[0.1, 0.9, 0.3], [0.4, 0.2, 0.7], [0.6, 0.05, 0.8]]]]]);
    expect(r.maxAbsErr).toBeLessThan(1e-6);
  });
});

describe('separableConv2d', () => {
  // input (1, 2, 4, 4); depthwise (4, 1, 2, 2): two filters per channel; pointwise (3, 4, 1, 1)
  const x = c([[Array.from({ length: 4 }, (_, r) => Array.from({ length: 4 }, (_, q) => r * 4 + q)), Array.from({ length: 4 }, (_, r) => Array.from({ length: 4 }, (_, q) => 16 + r * 4 + q))]], 'float64').mul(0.25).sub(3);
  const dw = c([[[[1, 2], [0, -1]]], [[[0.5, 0], [1, 1]]], [[[-1, 1], [2, 0]]], [[[0, 3], [1, -2]]]], 'float64');
  const pw = c([[[[1]], [[0]], [[-1]], [[2]]], [[[0.5]], [[0.5]], [[0.5]], [[0.5]]], [[[0]], [[1]], [[0]], [[-1]]]], 'float64');
  it('is a depthwise conv2d (a group per channel) then a 1 x 1 one', () => {
    const r = both(T.nnet.separableConv2d(x, dw, pw, 2));
    expect(r.shape).toEqual([1, 3, 3, 3]);
    expect(r.toArray()).toEqual([[
      [[5.5, 6.5, 7.5], [9.5, 10.5, 11.5], [13.5, 14.5, 15.5]],
      [[-0.9375, 0.125, 1.1875], [3.3125, 4.375, 5.4375], [7.5625, 8.625, 9.6875]],
      [[-11.875, -11.75, -11.625], [-11.375, -11.25, -11.125], [-10.875, -10.75, -10.625]],
    ]]);
    // the options go to the depthwise step
    expect(both(T.nnet.separableConv2d(x, dw, pw, 2, { borderMode: 'full', subsample: [2, 2] })).shape).toEqual([1, 3, 3, 3]);
  });
  it('refuses a bad channel count or option', () => {
    expect(() => T.nnet.separableConv2d(x, dw, pw, 0)).toThrow(/separableConv2d: numChannels must be an integer >= 1/);
    expect(() => T.nnet.separableConv2d(x, dw, pw, 2, { numGroups: 2 } as never)).toThrow(/separableConv2d: unknown option "numGroups"/);
  });
});

describe('confusionMatrix', () => {
  it('counts (actual, predicted) pairs over the sorted labels of both', () => {
    const [conf, order] = T.nnet.confusionMatrix(c([0, 1, 2, 1, 3, 3, 0], 'int32'), c([0, 2, 2, 1, 3, 0, 5], 'int32'));
    expect(both(order).toArray()).toEqual([0, 1, 2, 3, 5]);
    const m = both(conf);
    expect(m.dtype).toBe('int64');
    expect(m.toArray()).toEqual([[1, 0, 0, 0, 1], [0, 1, 1, 0, 0], [0, 0, 1, 0, 0], [1, 0, 0, 1, 0], [0, 0, 0, 0, 0]]);
    expect(() => T.nnet.confusionMatrix(c([[1]], 'int32'), c([1], 'int32'))).toThrow(/confusionMatrix: actual must be a vector of labels/);
  });
});

describe('batchNormalization', () => {
  it("is (x - mean) * (gamma / std) + beta, broadcasting (Theano's older bn.batch_normalization)", () => {
    const x = c([[1, 2, 3], [4, 5, 6]], 'float64');
    const r = both(T.nnet.batchNormalization(x, c([2, 1, 0.5], 'float64'), c([0, 1, -1], 'float64'), c([2.5, 3.5, 4.5], 'float64'), c([1.5, 2, 4], 'float64'), 'high_mem'));
    expect(r.toArray()).toEqual([[(1 - 2.5) * (2 / 1.5), (2 - 3.5) * 0.5 + 1, (3 - 4.5) * 0.125 - 1], [(4 - 2.5) * (2 / 1.5), (5 - 3.5) * 0.5 + 1, (6 - 4.5) * 0.125 - 1]]);
    expect(() => T.nnet.batchNormalization(x, 1, 0, 0, 1, 'fast' as never)).toThrow(/mode must be 'low_mem' or 'high_mem'/);
  });
  it('is differentiable in every argument (finite differences)', async () => {
    const r = await verifyGrad((x, g, b, m, s) => T.sum(T.sqr(T.nnet.batchNormalization(x, g, b, m, s))), [[[1, 2, 3], [4, 5, 6]], [2, 1, 0.5], [0, 1, -1], [2.5, 3.5, 4.5], [1.5, 2, 4]]);
    expect(r.maxAbsErr).toBeLessThan(1e-5);
  });
});
