/**
 * The regularized incomplete gamma functions P(a, x) (gammainc) and
 * Q(a, x) = 1 - P (gammaincc) over `Arith` (special-math.ts), as SciPy's,
 * and what Theano builds on them (gammau, gammal, chi2sf).
 *
 * An expression has no loop, so every method runs a fixed number of
 * terms, unrolled: below x = a + 1 the series P = D / a (1 + x / (a + 1)
 * (1 + x / (a + 2) (1 + ...))), nested so that it sums smallest terms
 * first; above it Legendre's continued fraction Q = D / (x + 1 - a - 1 (1 - a)
 * / (x + 3 - a - ...)) evaluated from its tail; D = x^a e^-x / Gamma(a).
 * Both need about sqrt(a) times a few terms where x is near a, so from
 * a = 20 on, for x / a - 1 in [-0.45, 0.35], Temme's uniform asymptotic
 * expansion takes over (as SciPy's igam.c does from a = 20, |x / a - 1| <
 * 0.3): a fixed count of terms whose error falls with a. Outside that window
 * the series' ratio x / (a + k) is below 0.55 (64 terms: 2.5e-17) and the
 * fraction starts 0.35 a above a, where its 64 (float32: 28) levels reach
 * (measured to a = 1e15); below a = 20 the fraction takes over from
 * a + 1 - sqrt(a) above a = 10, and neither needs more than its terms.
 * So no band is left where the terms do not converge. The errors against
 * mpmath and SciPy are in docs/guide.md; NaN where SciPy gives NaN (a < 0,
 * x < 0).
 */
import { erfc, gamma, gammaln, horner, stirlingCorrection, type Arith } from './special-math.js';
import { TEMME_F32, TEMME_F64 } from './special-gammainc-coefficients.js';

/** Terms of the series and depth of the continued fraction, float64 and float32. */
export const GAMMAINC_TERMS = { f64: 64, f32: 28 } as const;

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

/** From this a on, D = x^a e^-x / Gamma(a) is exp(a log1pmx(s) - S(a)) sqrt(a / (2 pi)) (Stirling's form of Gamma, S its correction, valid from 13). */
const STIRLING_A = 13;
/** Temme's expansion where a >= TEMME_A and TEMME_S[0] <= s = (x - a) / a <= TEMME_S[1]: its coefficients' range (scripts/gammainc-coefficients.py: |eta| <= 0.55). */
const TEMME_A = 20;
const TEMME_S = [-0.45, 0.35] as const;
/** Below this |s|, log1pmx sums its series (t^2 <= 1 / 9): terms of 2 t^(2j + 3) / (2j + 3), j = 0..16 (float32: 0..6). */
const LOG1PMX_SERIES = 0.5;

/**
 * log(x / a) - s for s = (x - a) / a, to a few ulps: log(1 + s) = 2 atanh(t), t = s / (2 + s), so that it is
 * -t s + 2 t^3 (1 / 3 + t^2 / 5 + ...) for |s| <= 0.5 (log1p(s) - s cancels there: -s^2 / 2 is all that is left);
 * beyond, log(x / a), not log1p(s): 1 + s for x far below a has lost x's digits (float32's P(23.4, 0.42) was 5e-5 off).
 */
function log1pmx<V, B>(m: Arith<V, B>, s: V, x: V, a: V): V {
  const t = m.let(m.div(s, m.add(m.c(2), s)));
  const t2 = m.let(m.mul(t, t));
  const terms = m.f32 ? 7 : 17;
  const cs = Array.from({ length: terms }, (_, i) => 2 / (2 * (terms - 1 - i) + 3));
  const series = m.sub(m.mul(m.mul(t, t2), horner(m, t2, cs)), m.mul(t, s));
  return m.sel(m.le(m.abs(s), m.c(LOG1PMX_SERIES)), series, m.sub(m.log(m.div(x, a)), s));
}

/**
 * Temme's uniform asymptotic expansion for large a (DLMF 8.12): Q = erfc(y) / 2 + R, P = erfc(-y) / 2 - R with
 * y = eta sqrt(a / 2), eta^2 / 2 = -log1pmx(s) = -l of s's sign, R = e^(a l) / sqrt(2 pi a) sum_k c_k(eta) a^-k.
 * A fixed count of terms of a fixed count of k: exact to the last digits for a >= TEMME_A near x = a, where the
 * series and the continued fraction need about sqrt(a) terms.
 */
function temme<V, B>(m: Arith<V, B>, a: V, s: V, l: V): Incomplete<V> {
  const eta = m.let(m.mul(m.sqrt(m.mul(m.c(-2), l)), m.sel(m.lt(s, m.c(0)), m.c(-1), m.c(1))));
  const rows = m.f32 ? TEMME_F32 : TEMME_F64;
  const r = m.div(m.c(1), a);
  let sum = horner(m, eta, rows[rows.length - 1]!);
  for (let k = rows.length - 2; k >= 0; k--) sum = m.add(horner(m, eta, rows[k]!), m.mul(r, sum));
  const rest = m.mul(m.div(m.exp(m.mul(a, l)), m.sqrt(m.mul(a, m.c(2 * Math.PI)))), sum);
  // erfc(|y|) once: erfc(-|y|) = 2 - erfc(|y|) is at least 1, nothing cancels
  const e = m.let(erfc(m, m.mul(m.abs(eta), m.sqrt(m.mul(a, m.c(0.5))))));
  const far = m.sub(m.c(2), e);
  const positive = m.lt(m.c(0), eta);
  // each built only where asked for (p for gammainc, q for gammaincc): the sum is read once
  return {
    get p() {
      return m.sub(m.mul(m.c(0.5), m.sel(positive, far, e)), rest);
    },
    get q() {
      return m.add(m.mul(m.c(0.5), m.sel(positive, e, far)), rest);
    },
  };
}

interface Incomplete<V> {
  readonly p: V;
  readonly q: V;
}

function incomplete<V, B>(m: Arith<V, B>, a: V, x: V): Incomplete<V> {
  const n = m.f32 ? GAMMAINC_TERMS.f32 : GAMMAINC_TERMS.f64;
  const s = m.let(m.div(m.sub(x, a), a));
  const l = m.let(log1pmx(m, s, x, a));
  // a log x - x - log Gamma(a) loses a log a ulps to cancellation (float32's Q(854868, 856948) was 400% off); a l does not
  const stirling = m.mul(m.exp(m.sub(m.mul(a, l), stirlingCorrection(m, a))), m.sqrt(m.mul(a, m.c(1 / (2 * Math.PI)))));
  const d = m.let(m.sel(m.lt(a, m.c(STIRLING_A)), m.exp(m.sub(m.sub(m.mul(a, m.log(x)), x), gammaln(m, a))), stirling));
  let series = m.c(1);
  for (let k = n; k >= 1; k--) series = m.add(m.c(1), m.mul(m.div(x, m.add(a, m.c(k))), series));
  const xa = m.let(m.sub(x, a));
  let cf = m.add(xa, m.c(2 * n + 1));
  for (let k = n - 1; k >= 0; k--) cf = m.sub(m.add(xa, m.c(2 * k + 1)), m.div(m.mul(m.c(k + 1), m.sub(m.c(k + 1), a)), cf));
  // above a = 10 the continued fraction from a + 1 - sqrt(a) down: near x = a it converges in fewer terms than the series
  // (below, the series to a + 1: the fraction at small x converges slowly, gammaincc(0.5, 1) lost a digit)
  const useSeries = m.lt(x, m.sub(m.add(a, m.c(1)), m.sel(m.lt(a, m.c(10)), m.c(0), m.sqrt(a))));
  const ps = m.let(m.mul(m.div(d, a), series));
  const qc = m.let(m.div(d, cf));
  const useTemme = m.and(m.le(m.c(TEMME_A), a), m.and(m.le(m.c(TEMME_S[0]), s), m.le(s, m.c(TEMME_S[1]))));
  const uniform = temme(m, a, s, l);
  const p = m.sel(useTemme, uniform.p, m.sel(useSeries, ps, m.sub(m.c(1), qc)));
  // built only where asked for (gammaincc): each stored value of an expansion is a kernel, kept whether read or not
  const q = (): V => m.sel(useTemme, uniform.q, m.sel(useSeries, m.sel(m.lt(a, m.c(SMALL_A)), smallAUpper(m, a, x), m.sub(m.c(1), ps)), qc));
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
