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

describe('second derivatives of the incomplete gamma functions in x near x = 0', () => {
  it('are finite where the density is: the form a switch leaves out no longer turns 0 * inf into NaN (float64)', async () => {
    // python3 -c "import mpmath as mp; a, x = mp.mpf(0.3), mp.mpf(1e-5); print(x**(a-1) * mp.e**-x / mp.gamma(a) * ((a-1)/x - 1))":
    // d2 P / dx2 = density ((a - 1) / x - 1), gammal's Gamma(a) times it; they were NaN below a = 13 at a tiny x
    // (Stirling's form's 1 / x, left out by the switch) and at a = 1, x = 0 (the log's (a - 1) / x)
    const points = [
      [0.3, 1e-5, -73994745.16067773, -221360384.87452993],
      [2, 1e-200, 1, 1],
      [1, 0, -1, -1],
      [1, 1e-300, -1, -1],
      [5, 1e-3, 1.6645845828473613e-10, 3.995002998833667e-9],
      [20, 15, 0.014865886222600743, 1808362222214539.8],
    ] as const;
    const a = T.dvector('a');
    const x = T.dvector('x');
    const second = (y: sym.TensorVariable) => grad(T.sum(grad(T.sum(y), x)), x);
    const f = sym.function([a, x], [T.gammainc(a, x), T.gammaincc(a, x), T.gammal(a, x), T.gammau(a, x)].map(second));
    const [p, q, l, u] = ((await f(sym.array(points.map((r) => r[0])), sym.array(points.map((r) => r[1])))) as sym.NDArray[]).map((d) => Array.from(d.data));
    points.forEach(([av, xv, wantP, wantL], i) => {
      const close = (got: number, want: number, what: string) => expect(Math.abs(got - want), `${what}(${av}, ${xv}): got ${got}, expected ${want}`).toBeLessThanOrEqual(1e-9 * Math.abs(want));
      close(p![i]!, wantP, 'P');
      close(q![i]!, -wantP, 'Q');
      close(l![i]!, wantL, 'gammal');
      close(u![i]!, -wantL, 'gammau');
    });
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`are 0, not NaN, from a = 13 at an x so small that the density and its derivative are 0 in the dtype (${dtype})`, async () => {
      // Stirling's form's second derivative is 0 * inf there (its 1 / x^2 overflows): NaN below x = 1e-162 (float64),
      // 2e-23 (float32). mpmath: d2 P / dx2 (20, 1e-5) = 1.5619042556744481e-106, (13, 0.5) = 7.110230550189826e-12,
      // (13, 1e-29) = 2.5e-327 (below float64's least subnormal), the others smaller still
      const points = dtype === 'float64'
        ? [[13, 1e-200, 0], [29.1, 2.2e-273, 0], [40, 1e-300, 0], [13, 5e-324, 0], [13, 1e-29, 0], [20, 1e-5, 1.5619042556744481e-106], [13, 0.5, 7.110230550189826e-12]]
        : [[13, 1e-30, 0], [13.5, 1e-25, 0], [40, 1e-40, 0], [13, 2e-5, 0], [13, 0.5, 7.110230550189826e-12]];
      const a = T.vector('a', dtype);
      const x = T.vector('x', dtype);
      const second = (y: sym.TensorVariable) => grad(T.sum(grad(T.sum(y), x)), x);
      const f = sym.function([a, x], [T.gammainc(a, x), T.gammaincc(a, x)].map(second));
      const [p, q] = ((await f(sym.array(points.map((r) => r[0]!), { dtype }), sym.array(points.map((r) => r[1]!), { dtype }))) as sym.NDArray[]).map((d) => Array.from(d.data));
      const tol = dtype === 'float64' ? 1e-9 : 1e-4;
      points.forEach(([av, xv, want], i) => {
        expect(Math.abs(p![i]! - want!), `P(${av}, ${xv}): got ${p![i]}, expected ${want}`).toBeLessThanOrEqual(tol * Math.abs(want!));
        expect(Math.abs(q![i]! + want!), `Q(${av}, ${xv}): got ${q![i]}, expected ${-want!}`).toBeLessThanOrEqual(tol * Math.abs(want!));
      });
    });
  }
});
