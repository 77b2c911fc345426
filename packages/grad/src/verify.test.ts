import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { GradientError, gradScale, verifyGrad } from './index.js';

const T = sym.T;
type V = sym.TensorVariable;

describe('verifyGrad', () => {
  it('names the input, the element and both values when a gradient is wrong', async () => {
    const wrong = (a: V) => gradScale(a, 2).pow(2).sum();
    const err = await verifyGrad(wrong, [[0.5, -1, 2]]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GradientError);
    // d(sum a^2)/da = 2a, the wrong one 4a: worst at a = 2, 8 against 4
    expect((err as Error).message).toMatch(
      /^verifyGrad: the gradient of input 0 at index \[2\] is [\d.]+ symbolically but [\d.]+ by finite differences \(abs err [\d.]+e\+0 > 0\.0001, rel err 3\.333e-1 > 0\.0001\)$/,
    );
    const worst = (err as GradientError).report.worst!;
    expect(worst).toMatchObject({ input: 0, index: [2] });
    expect(worst.analytic / worst.numeric).toBeCloseTo(2, 6);
  });

  it('computed in float32, uses float32 defaults (eps 1e-3, tolerances 1e-2, as Theano for float32), and still catches a wrong gradient', async () => {
    // the inputs are float64; the function rounds them to float32: a step of 1e-6 is below float32's resolution
    await expect(verifyGrad((a) => T.cast(a, 'float32').pow(2).sum(), [[1.3, 2.1, 0.7]])).resolves.toMatchObject({ worst: { input: 0 } });
    await expect(verifyGrad((a) => T.exp(T.cast(a, 'float32')).mul(3), [[1.3, 2.1, 0.7]])).resolves.toBeDefined();
    await expect(verifyGrad((a) => gradScale(T.cast(a, 'float32'), 1.1).pow(2).sum(), [[1.3, 2.1, 0.7]])).rejects.toThrow(GradientError);
    // a float64 function keeps the float64 defaults
    await expect(verifyGrad((a) => gradScale(a, 1.001).pow(2).sum(), [[1.3, 2.1, 0.7]])).rejects.toThrow(/> 0\.0001/);
  });
});
