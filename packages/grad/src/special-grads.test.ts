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
  ['erfcx', T.erfcx, [-2.1, -0.7, -0.2, 0.1, 0.45, 0.55, 1.3, 3, 12]],
  ['j0', T.j0, [-9, -2.5, -0.3, 0, 0.7, 4, 7.9, 8.1, 15]],
  ['j1', T.j1, [-9, -2.5, -0.3, 0, 0.7, 4, 7.9, 8.1, 15]],
  ['i0', T.i0, [-9, -2.5, -0.3, 0, 0.7, 4, 7.9, 8.1, 15]],
  ['i1', T.i1, [-9, -2.5, -0.3, 0, 0.7, 4, 7.9, 8.1, 15]],
];

/** The binary ones with respect to x (their second argument; chi2sf's first), a (or v, or k) held fixed. */
const BINARY_CASES: readonly (readonly [string, (x: sym.TensorVariable) => sym.TensorVariable, number[]])[] = [
  ['gammainc(2.5, x)', (x) => T.gammainc(2.5, x), [0.2, 1, 3, 3.6, 7, 9]],
  ['gammaincc(0.7, x)', (x) => T.gammaincc(0.7, x), [0.2, 1, 1.8, 3, 7]],
  // Temme's expansion (a >= 20, x / a - 1 in [-0.45, 0.35]) and the series and the fraction on either side
  ['gammainc(1000, x) near x = a', (x) => T.gammainc(1000, x), [540, 700, 940, 1000, 1060, 1400]],
  ['gammaincc(5e5, x) near x = a', (x) => T.gammaincc(5e5, x), [4.99e5, 5e5, 5.005e5]],
  ['gammau(3.5, x)', (x) => T.gammau(3.5, x), [0.2, 1, 3, 4.6, 7]],
  ['gammal(1.5, x)', (x) => T.gammal(1.5, x), [0.2, 1, 2.4, 3, 7]],
  ['chi2sf(x, 5)', (x) => T.chi2sf(x, 5), [0.3, 2, 6.9, 7.1, 15]],
  ['jv(2.5, x)', (x) => T.jv(2.5, x), [0.4, 2, 6.5, 12.9, 13.1, 20]],
  ['jv(-3, x), negative x', (x) => T.jv(-3, x), [-5, -0.4, 0.5, 6, 14]],
  ['iv(1.5, x)', (x) => T.iv(1.5, x), [0.4, 2, 6.5, 14]],
  // apart: beside values near 1e12 a finite difference cannot resolve the others
  ['iv(1.5, x) across the switch at 30', (x) => T.iv(1.5, x), [29.5, 30.5]],
  ['iv(sym.array([0, 2, -1.5]), x), broadcast', (x) => T.iv(sym.array([0, 2, -1.5]), x), [0.3, 4, 9]],
  // Debye's expansion (|v| >= 20), a negative order through K_v
  ['iv(-25.5, x), a large order', (x) => T.iv(-25.5, x), [30, 31]],
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

  for (const [name, f, xs] of BINARY_CASES) {
    it(`${name}: finite differences agree at ${xs.length} points`, async () => {
      const w = sym.array(xs.map((_, i) => 0.5 + 0.25 * i));
      const report = await verifyGrad((x) => T.sum(f(x).mul(w)), [xs]);
      expect(report.maxRelErr).toBeLessThan(1e-4);
    });
  }

  it('the incomplete gamma functions have no gradient in a, chi2sf none in k, jv and iv none in their order, as in Theano: an error naming them', () => {
    const a = T.dvector('a');
    const x = T.dvector('x');
    for (const [y, pattern] of [
      [T.gammainc(a, x), /gammainc has no gradient with respect to a/],
      [T.gammaincc(a, x), /gammaincc has no gradient with respect to a/],
      [T.gammau(a, x), /gammau has no gradient with respect to a/],
      [T.gammal(a, x), /gammal has no gradient with respect to a/],
      [T.chi2sf(x, a), /chi2sf has no gradient with respect to k/],
      [T.jv(a, x), /jv has no gradient with respect to the order v/],
      [T.iv(a, x), /iv has no gradient with respect to the order v/],
    ] as const) {
      expect(() => grad(T.sum(y), a)).toThrow(pattern);
      // with respect to x alone it is there
      expect(grad(T.sum(y), x).dtype).toBe('float64');
    }
  });

  it('match the closed forms: j0\' = -j1, i0\' = i1, erfcx\' = 2 x erfcx(x) - 2 / sqrt(pi), jv\' = (jv(v - 1) - jv(v + 1)) / 2', async () => {
    const x = T.dvector('x');
    const xs = sym.array([0.3, 2.9, 9.5]);
    const value = async (y: sym.TensorVariable): Promise<number[]> => Array.from(((await sym.function([x], y)(xs)) as sym.NDArray).data);
    const d = (f: Fn) => grad(T.sum(f(x)), x);
    const closeTo = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 12));
    closeTo(await value(d(T.j0)), await value(T.j1(x).neg()));
    closeTo(await value(d(T.i0)), await value(T.i1(x)));
    closeTo(await value(d(T.erfcx)), await value(x.mul(T.erfcx(x)).mul(2).sub(2 / Math.sqrt(Math.PI))));
    closeTo(await value(d((v) => T.jv(1.5, v))), await value(T.jv(0.5, x).sub(T.jv(2.5, x)).mul(0.5)));
    // python3 -c "import scipy.special as s; print(s.jvp(1, [0.3, 2.9, 9.5]), s.ivp(1, [0.3, 2.9, 9.5]))": j1' and i1'
    closeTo(await value(d(T.j1)), [0.48323019229461606, -0.3537692981413115, -0.21090395092505718]);
    const ivp = [0.5169807460062877, 3.2570220363480304, 1578.9069823397301];
    (await value(d(T.i1))).forEach((v, i) => expect(Math.abs(v - ivp[i]!)).toBeLessThan(1e-13 * ivp[i]!));
  });

  it('d gammainc / dx = x^(a - 1) e^-x / Gamma(a) keeps its digits at a large a, in float32 too (Stirling\'s form from a = 13)', async () => {
    // python3 -c "import mpmath as mp; mp.mp.dps = 40; print([mp.exp((a - 1) * mp.log(x) - x - mp.loggamma(a)) for a, x in ...])"
    const rows = [
      [1e4, 1e4, 0.003989389558962826],
      [1e6, 999000, 0.00024213213250636926],
      [3e7, 3e7, 0.00007283656183714815],
      [14, 40, 4.5784691764990495e-7],
      [5, 3, 0.1680313557415408],
    ] as const;
    for (const [dtype, tol] of [['float64', 1e-15], ['float32', 1e-6]] as const) {
      const a = T.vector('a', dtype);
      const x = T.vector('x', dtype);
      const f = sym.function([a, x], grad(T.sum(T.gammainc(a, x)), x));
      const got = (await f(sym.array(rows.map((r) => r[0]), { dtype }), sym.array(rows.map((r) => r[1]), { dtype }))) as sym.NDArray;
      // float32's was 2.3 times the true value at (1e6, 999000) and 1 at (3e7, 3e7); float64's 7e-10 off
      rows.forEach(([av, xv, want], i) => expect(Math.abs(got.data[i]! - want), `${dtype} at (${av}, ${xv})`).toBeLessThan(tol * want));
    }
  });

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
