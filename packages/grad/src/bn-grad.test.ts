/** Gradients through `T.nnet.bn.batchNormalizationTrain`, checked against finite differences. */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { verifyGrad } from './index.js';

const T = sym.T;
// weights make the cost depend on each output differently (a plain sum of normalised values is constant in x)
const weights = sym.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5], [-0.8, 0.9, 0.2], [0.6, -0.3, 1.4]]);
const x0 = [[0.5, -1, 2], [1.5, 0.2, -0.7], [-0.4, 1.1, 0.3], [0.9, -0.6, 1.8]];

describe('batchNormalizationTrain gradients', () => {
  it('match finite differences with respect to inputs, gamma and beta (per-activation)', async () => {
    const report = await verifyGrad(
      (x, g, b) => {
        const [out, mean, invstd] = T.nnet.bn.batchNormalizationTrain(x, g, b);
        return T.sum(T.mul(out, weights)).add(T.sum(mean.mul(invstd)));
      },
      [x0, [1.5, -0.5, 2], [0.1, 0.2, -0.3]],
    );
    expect(report.maxAbsErr).toBeLessThan(1e-4);
  });

  it('match finite differences with respect to a 4-d input, spatial', async () => {
    const xs = sym.array(Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => Math.cos(i * 1.3) + i * 0.05)).reshape([2, 2, 2, 3]);
    const w = sym.array(Array.from({ length: 24 }, (_, i) => Math.sin(i))).reshape([2, 2, 2, 3]);
    await verifyGrad((x, g, b) => T.sum(T.mul(T.nnet.bn.batchNormalizationTrain(x, g, b, { axes: 'spatial' })[0], w)), [xs, [0.7, 1.3], [0.5, -1]]);
  });
});
