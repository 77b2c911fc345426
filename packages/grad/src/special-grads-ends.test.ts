/**
 * d P(a, x) / dx = x^(a - 1) e^-x / Gamma(a) (and -that for Q, gammaincc) at
 * the ends of x, where the forward functions have their values (SciPy's P(a, 0)
 * = 0, P(a, inf) = 1): 0 at x = 0 for a > 1 (infinite below 1), and 0 at x = inf for
 * every finite a > 0. Stirling's form from a = 13 (x^(a-1) e^-x / Gamma(a) as
 * exp(a log1pmx(s) - S(a)) sqrt(a / 2 pi) / x) is 0 / 0 at x = 0, and both
 * forms are inf - inf in the exponent at x = inf.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from './index.js';

const T = sym.T;

describe('d gammainc / dx and d gammaincc / dx at the ends of x', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`is 0 at x = 0 for a > 1 and at x = inf for a > 0, either side of a = 13 (${dtype})`, async () => {
      const as = [0.5, 2.5, 12.5, 13, 20, 1000, 1e6];
      const a = T.vector('a', dtype);
      const x = T.vector('x', dtype);
      const f = sym.function([a, x], [grad(T.sum(T.gammainc(a, x)), x), grad(T.sum(T.gammaincc(a, x)), x)]);
      const xs = [...as.map(() => 0), ...as.map(() => Infinity)];
      const [dp, dq] = (await f(sym.array([...as, ...as], { dtype }), sym.array(xs, { dtype }))) as [sym.NDArray, sym.NDArray];
      // x = 0: infinite below a = 1 (x^(a - 1)), else 0 (+0 for -0: the sign of a zero derivative is not the point)
      const at0 = as.map((v) => (v < 1 ? Infinity : 0));
      expect(Array.from(dp.data).slice(0, as.length).map((v) => v + 0)).toEqual(at0);
      expect(Array.from(dq.data).slice(0, as.length).map((v) => v + 0)).toEqual(at0.map((v) => (v === 0 ? 0 : -v)));
      expect(Array.from(dp.data).slice(as.length).map((v) => v + 0)).toEqual(as.map(() => 0));
      expect(Array.from(dq.data).slice(as.length).map((v) => v + 0)).toEqual(as.map(() => 0));
    });
  }
});

describe('d/dx of the incomplete gamma functions at x = 0 either side of a = 1', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`is inf below a = 1, 1 at a = 1 (e^-0), 0 above (${dtype})`, async () => {
      // x^(a - 1) e^-x / Gamma(a) at x = 0; at a = 1 the formula's 0 * log 0 was NaN
      const as = [0.25, 0.5, 1, 1.5, 2.5];
      const a = T.vector('a', dtype);
      const x = T.vector('x', dtype);
      const k = T.vector('k', dtype);
      const outs = [T.gammainc(a, x), T.gammaincc(a, x), T.gammau(a, x), T.gammal(a, x)].map((y) => grad(T.sum(y), x));
      outs.push(grad(T.sum(T.chi2sf(x, k)), x));
      const f = sym.function([a, x, k], outs);
      const r = (await f(sym.array(as, { dtype }), sym.array(as.map(() => 0), { dtype }), sym.array(as.map((v) => 2 * v), { dtype }))) as sym.NDArray[];
      const density = as.map((v) => (v < 1 ? Infinity : v === 1 ? 1 : 0));
      const [dp, dq, du, dl, dc] = r.map((d) => Array.from(d.data).map((v) => v + 0));
      expect(dp).toEqual(density);
      expect(dq).toEqual(density.map((v) => -v + 0));
      // Gamma(a) times the density: Gamma(1) = 1, and inf, 0 the same
      expect(du).toEqual(density.map((v) => -v + 0));
      expect(dl).toEqual(density);
      // d/dx Q(k / 2, x / 2) = -density(k / 2, 0) / 2
      expect(dc).toEqual(density.map((v) => -v / 2 + 0));
    });
  }
});
