/** Gradients of the composite special functions, against finite differences and the closed forms. */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, verifyGrad } from './index.js';

const T = sym.T;
type Fn = (x: sym.TensorVariable) => sym.TensorVariable;

/** Each function at points of its domain away from poles and from the ends of erfinv's and arccosh's. */
const CASES: readonly (readonly [string, Fn, number[]])[] = [
  ['erf', T.erf, [-2.1, -0.7, -0.2, 0.1, 0.45, 0.55, 1.3, 3]],
  ['erfc', T.erfc, [-2.1, -0.7, -0.2, 0.1, 0.45, 0.55, 1.3, 3]],
  ['erfinv', T.erfinv, [-0.95, -0.5, -0.1, 0.2, 0.6, 0.9, 0.99]],
  ['erfcinv', T.erfcinv, [0.05, 0.3, 0.8, 1.1, 1.5, 1.9]],
  ['gammaln', T.gammaln, [-2.5, -0.6, 0.3, 1, 1.7, 4.2, 12.5, 13.5, 40]],
  ['gamma', T.gamma, [-2.5, -0.6, 0.3, 1, 1.7, 4.2, 7.5]],
  ['psi', T.psi, [-2.5, -0.6, 0.3, 1, 1.7, 4.2, 12.5, 13.5, 40]],
  ['arcsinh', T.arcsinh, [-30, -1.5, -0.2, 0, 0.3, 2, 50]],
  ['arccosh', T.arccosh, [1.1, 1.5, 2, 7, 40]],
  ['arctanh', T.arctanh, [-0.9, -0.4, 0, 0.3, 0.8]],
  ['deg2rad', T.deg2rad, [-720, -1, 0, 30, 400]],
  ['rad2deg', T.rad2deg, [-7, -0.1, 0, 1, 3]],
];

describe('gradients of the special functions', () => {
  for (const [name, f, xs] of CASES) {
    it(`${name}: finite differences agree at ${xs.length} points`, async () => {
      // a weight per element, so that each element's derivative counts on its own
      const w = sym.array(xs.map((_, i) => 0.5 + 0.25 * i));
      const report = await verifyGrad((x) => T.sum(f(x).mul(w)), [xs]);
      expect(report.maxRelErr).toBeLessThan(1e-4);
    });
  }

  it('arctan2(y, x): finite differences agree in all four quadrants, for both arguments', async () => {
    await verifyGrad((y, x) => T.sum(T.arctan2(y, x).mul(sym.array([1, 0.5, -0.7, 2]))), [
      [0.3, -1.2, -0.5, 2],
      [1.5, 0.4, -2, -0.3],
    ]);
  });

  it('match the closed forms: erf\' = 2/sqrt(pi) exp(-x^2), erfinv\' = sqrt(pi)/2 exp(erfinv(x)^2), gamma\' = gamma psi, psi\' = tri_gamma', async () => {
    const x = T.dvector('x');
    const xs = sym.array([0.3, 0.9, 2.5]);
    const value = async (y: sym.TensorVariable): Promise<number[]> => Array.from(((await sym.function([x], y)(xs)) as sym.NDArray).data);
    const d = (f: Fn) => grad(T.sum(f(x)), x);
    const closeTo = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 12));
    closeTo(await value(d(T.erf)), await value(T.exp(x.mul(x).neg()).mul(2 / Math.sqrt(Math.PI))));
    closeTo(await value(d(T.erfc)), await value(T.exp(x.mul(x).neg()).mul(-2 / Math.sqrt(Math.PI))));
    const y = T.dvector('y');
    const ys = sym.array([-0.4, 0.1, 0.7]);
    const atY = async (v: sym.TensorVariable): Promise<number[]> => Array.from(((await sym.function([y], v)(ys)) as sym.NDArray).data);
    closeTo(await atY(grad(T.sum(T.erfinv(y)), y)), await atY(T.exp(T.sqr(T.erfinv(y))).mul(Math.sqrt(Math.PI) / 2)));
    closeTo(await value(d(T.gamma)), await value(T.gamma(x).mul(T.psi(x))));
    closeTo(await value(d(T.gammaln)), await value(T.psi(x)));
    closeTo(await value(d(T.psi)), await value(T.triGamma(x)));
    // trunc is flat; tri_gamma has no gradient, as in Theano
    closeTo(await value(d(T.trunc)), [0, 0, 0]);
    expect(() => grad(T.sum(T.triGamma(x)), x)).toThrow(/tri_gamma has no gradient/);
  });
});
