import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { GaussianProcess, buildGP } from './gp.js';
import { maxAbsDiff, useFloat64, useFloatX } from './test-support.js';

const n = 8;
const x = Array.from({ length: n }, (_, i) => [Math.sin(1.3 * i), Math.cos(0.7 * i)]);
const y = Array.from({ length: n }, (_, i) => Math.sin(2 * i) + 0.1 * i);
const xTest = Array.from({ length: 3 }, (_, j) => [0.3 * j - 0.5, 0.2 * j]);

// NumPy/SciPy (python3; .audit's gp.py): np.linalg.cholesky, scipy.linalg.solve_triangular, and the
// gradient -tr((a a^T - K^-1) dK/dtheta) / 2 written out, at log-lengthscale 0, log-sf2 0, log-sn2 -1
const NLL0 = 12.506352397715492;
const GRAD0 = [-1.0096263756384714, 1.306414944387995, -2.7576766921630482];
// after five steps of gradient descent at rate 0.05
const PARAMS5 = [0.21062702593305288, -0.2816040585141133, -0.5603729922462676];
const NLL5 = 11.254902794239536;
const MEAN5 = [0.4130306480956849, 0.39889789919413454, 0.4081703512903334];
const VARIANCE5 = [0.21186155412270757, 0.1820658849809106, 0.1501425344561348];

async function train(tolerance: number): Promise<void> {
  const gp = new GaussianProcess({ logLengthscale: 0, logSignalVariance: 0, logNoiseVariance: -1 });
  const f = buildGP(gp, 0.05);
  const [nll, ...grads] = await f.nllAndGrad(x, y);
  expect(Math.abs(nll!.item() - NLL0)).toBeLessThan(tolerance * NLL0);
  expect(maxAbsDiff(grads.map((g) => g.item()), GRAD0)).toBeLessThan(tolerance * 3);
  for (let step = 0; step < 5; step++) await f.step(x, y);
  const params = await Promise.all(gp.params.map(async (p) => (await p.getValueAsync()).item()));
  expect(maxAbsDiff(params, PARAMS5)).toBeLessThan(tolerance);
  expect(Math.abs((await f.nllAndGrad(x, y))[0]!.item() - NLL5)).toBeLessThan(tolerance * NLL5);
  const [mean, variance] = await f.predict(x, y, xTest);
  expect(mean!.dtype).toBe(sym.config.floatX);
  expect(maxAbsDiff(mean!.data as ArrayLike<number>, MEAN5)).toBeLessThan(tolerance);
  expect(maxAbsDiff(variance!.data as ArrayLike<number>, VARIANCE5)).toBeLessThan(tolerance);
}

describe('Gaussian-process regression (RBF kernel, cholesky + solveTriangular NLL, gradient descent on the hyperparameters)', () => {
  describe('float64', () => {
    useFloat64();
    it('the NLL, its gradient, five descent steps and the predictive mean and variance match NumPy/SciPy', async () => {
      await train(1e-12);
    });

    it('the gradient matches central differences of the compiled NLL', async () => {
      const gp = new GaussianProcess({ logLengthscale: 0.1, logSignalVariance: -0.2, logNoiseVariance: -1 });
      const f = buildGP(gp, 0.05);
      const analytic = (await f.nllAndGrad(x, y)).slice(1).map((g) => g.item());
      const numeric: number[] = [];
      for (const p of gp.params) {
        const keep = p.getValue().item();
        const at = async (v: number) => {
          p.setValue(sym.array(v, { dtype: 'float64' }));
          return (await f.nllAndGrad(x, y))[0]!.item();
        };
        numeric.push(((await at(keep + 1e-6)) - (await at(keep - 1e-6))) / 2e-6);
        p.setValue(sym.array(keep, { dtype: 'float64' }));
      }
      expect(maxAbsDiff(analytic, numeric)).toBeLessThan(1e-8);
    });
  });

  describe('float32', () => {
    useFloatX('float32');
    it('the same run in float32 agrees with the float64 reference to 1e-5', async () => {
      await train(1e-5);
    });
  });
});
