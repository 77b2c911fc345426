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
import { gamma, gammaln, horner, type Arith } from './special-math.js';

/** Terms of the series and depth of the continued fraction, float64 and float32. */
export const GAMMAINC_TERMS = { f64: 64, f32: 28 } as const;
/** The largest estimated relative remainder of the series accepted (beyond: NaN, no wrong number), float64 and float32. */
const SERIES_REMAINDER = { f64: 1e-10, f32: 1e-5 } as const;
/** Up to which a the continued fraction converges everywhere from x = a + 1 - sqrt(a) (measured: 4e-14 at a = x = 500 in float64; float32 5e-4 at a = 120, where its 28 terms at x = a + 1 - sqrt(a) start to fall short: 2.6% at a = 190). */
const FRACTION_A = { f64: 500, f32: 120 } as const;

/** log Gamma(1 + a) = -gamma a + sum_k (-1)^k zeta(k) a^k / k, k = 2..26 (float32: 12): |a| < 0.25, to the last digit (log Gamma at 1 + a loses a's digits to the rounding of 1 + a). */
const LGAM1P_TAYLOR = [
  0.03846153903467518, -0.04000000119214014, 0.04166666915034121, -0.04347826605304026, 0.04545455629320467, -0.047619070330142226, 0.05000004769810169, -0.05263167937961666,
  0.055555767627403614, -0.058823978658684585, 0.06250095514121304, -0.06666870588242046, 0.07143294629536133, -0.0769325164113522, 0.083353840546109, -0.09095401714582904,
  0.1000994575127818, -0.11133426586956469, 0.12550966952474304, -0.1440498967688461, 0.1695571769974082, -0.20738555102867398, 0.27058080842778454, -0.40068563438653143,
  0.8224670334241132, -0.5772156649015329, 0,
];
/** Below this a, Q in the series' range (x < a + 1) is small (about a E1(x)) and 1 - P would cancel: Temme's series instead. */
const SMALL_A = 0.25;

/** exp(u) - 1 from exp and log alone (Kahan's: the rounding of exp(u) cancels in (y - 1) / log y). */
function expm1<V, B>(m: Arith<V, B>, u: V): V {
  const y = m.let(m.exp(u));
  return m.sel(m.eq(y, m.c(1)), u, m.sel(m.eq(y, m.c(0)), m.c(-1), m.div(m.mul(m.sub(y, m.c(1)), u), m.log(y))));
}

/**
 * Q(a, x) for a < SMALL_A and x < a + 1, as SciPy's igamc_series: -expm1(u) - a e^u sum_n (-x)^n / (n! (a + n)) with
 * u = a log x - log Gamma(1 + a), x^a / Gamma(a) = a e^u. Neither term is near 1, so Q keeps its digits where
 * 1 - P lost them (gammaincc(7.7e-6, 0.94) was 42% off in float32, 4e-10 in float64).
 */
function smallAUpper<V, B>(m: Arith<V, B>, a: V, x: V): V {
  const taylor = m.f32 ? LGAM1P_TAYLOR.slice(-13) : LGAM1P_TAYLOR;
  const u = m.let(m.sub(m.mul(a, m.log(x)), horner(m, a, taylor)));
  // nested from the last term, (-x) (1 / (a + 1) + (-x / 2) (1 / (a + 2) + ...)), smallest first; x < 1.25: the
  // terms x^n / (n n!) are below 2e-18 (float32: 3e-9) past these counts
  const terms = m.f32 ? 12 : 20;
  let sum = m.div(m.c(1), m.add(a, m.c(terms)));
  for (let n = terms - 1; n >= 1; n--) sum = m.add(m.div(m.c(1), m.add(a, m.c(n))), m.mul(m.div(x, m.c(-(n + 1))), sum));
  return m.sub(m.neg(expm1(m, u)), m.mul(m.mul(a, m.exp(u)), m.mul(m.neg(x), sum)));
}

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
  // built only where asked for (gammaincc): each stored value of an expansion is a kernel, kept whether read or not
  const q = (): V => m.sel(useSeries, m.sel(truncated, m.c(NaN), m.sel(m.lt(a, m.c(SMALL_A)), smallAUpper(m, a, x), m.sub(m.c(1), ps))), m.sel(fractionOk, qc, m.c(NaN)));
  // SciPy's ends: a = 0 is P = 1 for x > 0; x = inf is P = 1 for finite a; a = inf is P = 0 for finite x; else NaN where a < 0 or x < 0
  const one = m.or(m.and(m.eq(a, m.c(0)), m.gt(x, m.c(0))), m.and(m.eq(x, m.c(Infinity)), m.lt(a, m.c(Infinity))));
  const zero = m.and(m.eq(a, m.c(Infinity)), m.lt(x, m.c(Infinity)));
  const valid = m.and(m.gt(a, m.c(0)), m.le(m.c(0), x));
  const nan = m.c(NaN);
  return {
    p: m.sel(one, m.c(1), m.sel(zero, m.c(0), m.sel(valid, p, nan))),
    get q() {
      return m.sel(one, m.c(0), m.sel(zero, m.c(1), m.sel(valid, q(), nan)));
    },
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
