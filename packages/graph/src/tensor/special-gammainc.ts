/**
 * The regularized incomplete gamma functions P(a, x) (gammainc) and
 * Q(a, x) = 1 - P (gammaincc) over `Arith` (special-math.ts), as SciPy's,
 * and what Theano builds on them (gammau, gammal, chi2sf).
 *
 * An expression has no loop, so both classical methods run a fixed number
 * of terms, unrolled: below x = a + 1 the series P = D / a (1 + x / (a + 1)
 * (1 + x / (a + 2) (1 + ...))), nested so that it sums smallest terms
 * first; above it Legendre's continued fraction Q = D / (x + 1 - a - 1 (1 - a)
 * / (x + 3 - a - ...)) evaluated from its tail; D = x^a e^-x / Gamma(a).
 * Both need about sqrt(a) times a few terms where x is near a, so a fixed
 * count reaches up to some a: the fraction takes over from a + 1 - sqrt(a)
 * above a = 10, and where the series' estimated remainder or the
 * fraction's measured reach (FRACTION_A, or from x = a + 2 sqrt(a)) says
 * the terms do not converge the result is NaN, not a wrong number (a band
 * around x = a for a above about 120, or 80 in float32). The errors
 * against SciPy are in docs/guide.md; NaN also where SciPy gives NaN
 * (a < 0, x < 0).
 */
import { gamma, gammaln, type Arith } from './special-math.js';

/** Terms of the series and depth of the continued fraction, float64 and float32. */
export const GAMMAINC_TERMS = { f64: 64, f32: 28 } as const;
/** The largest estimated relative remainder of the series accepted (beyond: NaN, no wrong number), float64 and float32. */
const SERIES_REMAINDER = { f64: 1e-10, f32: 1e-5 } as const;
/** Up to which a the continued fraction converges everywhere from x = a + 1 - sqrt(a) (measured: 4e-14 at a = x = 500 in float64, 6e-5 at 200 in float32). */
const FRACTION_A = { f64: 500, f32: 200 } as const;

interface Incomplete<V> {
  readonly p: V;
  readonly q: V;
}

function incomplete<V, B>(m: Arith<V, B>, a: V, x: V): Incomplete<V> {
  const n = m.f32 ? GAMMAINC_TERMS.f32 : GAMMAINC_TERMS.f64;
  const d = m.let(m.exp(m.sub(m.sub(m.mul(a, m.log(x)), x), gammaln(m, a))));
  let series = m.c(1);
  for (let k = n; k >= 1; k--) series = m.add(m.c(1), m.mul(m.div(x, m.add(a, m.c(k))), series));
  const xa = m.let(m.sub(x, a));
  let cf = m.add(xa, m.c(2 * n + 1));
  for (let k = n - 1; k >= 0; k--) cf = m.sub(m.add(xa, m.c(2 * k + 1)), m.div(m.mul(m.c(k + 1), m.sub(m.c(k + 1), a)), cf));
  const sqrtA = m.let(m.sqrt(a));
  // above a = 10 the continued fraction from a + 1 - sqrt(a) down: near x = a it converges in fewer terms than the series
  // (below, the series to a + 1: the fraction at small x converges slowly, gammaincc(0.5, 1) lost a digit)
  const useSeries = m.lt(x, m.sub(m.add(a, m.c(1)), m.sel(m.lt(a, m.c(10)), m.c(0), sqrtA)));
  // the series' remainder after n terms, about (x / (a + n / 2))^n: NaN where it passes SERIES_REMAINDER
  const remainder = m.mul(m.c(n), m.sub(m.log(x), m.log(m.add(a, m.c((n + 1) / 2)))));
  const truncated = m.lt(m.c(Math.log(m.f32 ? SERIES_REMAINDER.f32 : SERIES_REMAINDER.f64)), remainder);
  // the fraction near x = a needs about sqrt(a) terms: trusted up to FRACTION_A, and beyond from x = a + 2 sqrt(a)
  const fractionOk = m.or(m.le(a, m.c(m.f32 ? FRACTION_A.f32 : FRACTION_A.f64)), m.le(m.add(a, m.add(sqrtA, sqrtA)), x));
  const ps = m.let(m.mul(m.div(d, a), series));
  const qc = m.let(m.div(d, cf));
  const p = m.sel(useSeries, m.sel(truncated, m.c(NaN), ps), m.sel(fractionOk, m.sub(m.c(1), qc), m.c(NaN)));
  const q = m.sel(useSeries, m.sel(truncated, m.c(NaN), m.sub(m.c(1), ps)), m.sel(fractionOk, qc, m.c(NaN)));
  // SciPy's ends: a = 0 is P = 1 for x > 0; x = inf is P = 1 for finite a; a = inf is P = 0 for finite x; else NaN where a < 0 or x < 0
  const one = m.or(m.and(m.eq(a, m.c(0)), m.gt(x, m.c(0))), m.and(m.eq(x, m.c(Infinity)), m.lt(a, m.c(Infinity))));
  const zero = m.and(m.eq(a, m.c(Infinity)), m.lt(x, m.c(Infinity)));
  const valid = m.and(m.gt(a, m.c(0)), m.le(m.c(0), x));
  const nan = m.c(NaN);
  return {
    p: m.sel(one, m.c(1), m.sel(zero, m.c(0), m.sel(valid, p, nan))),
    q: m.sel(one, m.c(0), m.sel(zero, m.c(1), m.sel(valid, q, nan))),
  };
}

/** P(a, x), the regularized lower incomplete gamma function (SciPy's gammainc). */
export function gammainc<V, B>(m: Arith<V, B>, a: V, x: V): V {
  return incomplete(m, a, x).p;
}

/** Q(a, x) = 1 - P(a, x) (SciPy's gammaincc). */
export function gammaincc<V, B>(m: Arith<V, B>, a: V, x: V): V {
  return incomplete(m, a, x).q;
}

/** Theano's gammau: Gamma(a) Q(a, x), the upper incomplete gamma function, as Theano computes it (the product). */
export function gammau<V, B>(m: Arith<V, B>, a: V, x: V): V {
  return m.mul(m.let(gamma(m, a)), gammaincc(m, a, x));
}

/** Theano's gammal: Gamma(a) P(a, x), the lower incomplete gamma function. */
export function gammal<V, B>(m: Arith<V, B>, a: V, x: V): V {
  return m.mul(m.let(gamma(m, a)), gammainc(m, a, x));
}

/** Theano's chi2sf(x, k): the chi-squared survival function Q(k / 2, x / 2), 1 for x < 0 and NaN for k <= 0 as scipy.stats.chi2.sf. */
export function chi2sf<V, B>(m: Arith<V, B>, x: V, k: V): V {
  const q = gammaincc(m, m.let(m.mul(k, m.c(0.5))), m.let(m.mul(x, m.c(0.5))));
  return m.sel(m.gt(k, m.c(0)), m.sel(m.lt(x, m.c(0)), m.c(1), q), m.c(NaN));
}
