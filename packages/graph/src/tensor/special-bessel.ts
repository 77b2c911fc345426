/**
 * Bessel functions of integer order 0 and 1 (j0, j1, i0, i1) over `Arith`
 * (special-math.ts), as SciPy's: the kernels and the float64 references.
 *
 * j0 and j1 below |x| = 8 are their first two zeros factored out (each
 * zero a float and its remainder, so that the value keeps its digits next
 * to a zero) times a polynomial in x^2; beyond 8 they are Hankel's form
 * (P cos w - Q sin w) sqrt(2 / (pi x)), with P and Q polynomials in 64 / x^2
 * and cos w, sin w rewritten in cos x and sin x (no rounded x - pi / 4).
 * Beyond 8 the absolute error is what cos x and sin x give, the relative
 * error next to the zeros is not bounded. i0 and i1 are their Taylor
 * series below 8 (positive terms only) and exp(x) R(8 / x) / sqrt(x) above,
 * the exponential taken in two halves so that it overflows only with the
 * result. Coefficients: scripts/bessel-coefficients.py.
 */
import * as C from './special-bessel-coefficients.js';
import { DEBYE_F32, DEBYE_F64 } from './special-bessel-debye.js';
import { jvAiry } from './special-bessel-airy.js';
import { jvDebye } from './special-bessel-jv.js';
import { gammaln, horner, sinCosPi, type Arith } from './special-math.js';

/** Where the small-argument forms hand over to the large-argument ones. */
const SPLIT = 8;
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/** (x - z)(x + z) of each zero z (split in two floats: x - hi is exact next to z), multiplied together. */
function zeroFactors<V, B>(m: Arith<V, B>, x: V, zeros: readonly number[], f32: boolean): V {
  let r: V | undefined;
  for (let k = 0; k < zeros.length; k += 2) {
    const hi = f32 ? Math.fround(zeros[k]!) : zeros[k]!;
    const lo = f32 ? Math.fround(zeros[k]! - hi + zeros[k + 1]!) : zeros[k + 1]!;
    const f = m.mul(m.sub(m.sub(x, m.c(hi)), m.c(lo)), m.add(x, m.c(zeros[k]!)));
    r = r === undefined ? f : m.mul(r, f);
  }
  return r!;
}

/** P(t) and q(t) of Hankel's form at a >= 8: t = 128 / a^2 - 1; Q = 8 q / a. */
function hankel<V, B>(m: Arith<V, B>, a: V, p: readonly number[], q: readonly number[]): { P: V; Q: V; scale: V } {
  const r = m.let(m.div(m.c(8), a));
  const t = m.let(m.sub(m.mul(m.c(2), m.mul(r, r)), m.c(1)));
  return { P: m.let(horner(m, t, p)), Q: m.let(m.mul(r, horner(m, t, q))), scale: m.let(m.div(m.c(INV_SQRT_PI), m.sqrt(a))) };
}

/** j0(x) = j0(|x|): 1 at 0, NaN at ±inf (SciPy's). */
export function j0<V, B>(m: Arith<V, B>, x: V): V {
  const a = m.let(m.abs(x));
  const small = m.mul(zeroFactors(m, a, C.J0_ZEROS, m.f32), horner(m, m.sub(m.mul(m.mul(a, a), m.c(1 / 32)), m.c(1)), m.f32 ? C.J0_SMALL_F32 : C.J0_SMALL_F64));
  const { P, Q, scale } = hankel(m, a, m.f32 ? C.J0_P_F32 : C.J0_P_F64, m.f32 ? C.J0_Q_F32 : C.J0_Q_F64);
  // (P cos w - Q sin w) sqrt(2 / (pi a)), w = a - pi / 4
  const big = m.mul(scale, m.add(m.mul(m.add(P, Q), m.cos(a)), m.mul(m.sub(P, Q), m.sin(a))));
  // cos and sin of ±inf are NaN: SciPy's j0(±inf) is NaN too
  return m.sel(m.le(a, m.c(SPLIT)), small, big);
}

/** j1(x), odd (j1(-0) = -0): NaN at ±inf (SciPy's). */
export function j1<V, B>(m: Arith<V, B>, x: V): V {
  const a = m.let(m.abs(x));
  const small = m.mul(m.mul(x, zeroFactors(m, a, C.J1_ZEROS, m.f32)), horner(m, m.sub(m.mul(m.mul(a, a), m.c(1 / 32)), m.c(1)), m.f32 ? C.J1_SMALL_F32 : C.J1_SMALL_F64));
  const { P, Q, scale } = hankel(m, a, m.f32 ? C.J1_P_F32 : C.J1_P_F64, m.f32 ? C.J1_Q_F32 : C.J1_Q_F64);
  // w = a - 3 pi / 4
  const big = m.let(m.mul(scale, m.add(m.mul(m.add(P, Q), m.sin(a)), m.mul(m.sub(Q, P), m.cos(a)))));
  return m.sel(m.le(a, m.c(SPLIT)), small, m.sel(m.lt(x, m.c(0)), m.neg(big), big));
}

/** exp(a) R(8 / a) / sqrt(a) for a >= 8, inf beyond where it overflows. */
function iBig<V, B>(m: Arith<V, B>, a: V, cs: readonly number[]): V {
  const half = m.let(m.exp(m.mul(a, m.c(0.5))));
  const t = m.sub(m.div(m.c(16), a), m.c(1));
  return m.mul(m.mul(half, m.div(horner(m, t, cs), m.sqrt(a))), half);
}

/** i0(x) = i0(|x|): NaN at ±inf (SciPy's), finite up to 713.98 (SciPy's i0 overflows beyond 709.78). */
export function i0<V, B>(m: Arith<V, B>, x: V): V {
  const a = m.let(m.abs(x));
  const small = horner(m, m.mul(m.mul(a, a), m.c(0.25)), m.f32 ? C.I0_TAYLOR_F32 : C.I0_TAYLOR_F64);
  return m.sel(m.le(a, m.c(SPLIT)), small, iBig(m, a, m.f32 ? C.I0_BIG_F32 : C.I0_BIG_F64));
}

/** i1(x), odd: NaN at ±inf (SciPy's). */
export function i1<V, B>(m: Arith<V, B>, x: V): V {
  const a = m.let(m.abs(x));
  const small = m.mul(m.mul(x, m.c(0.5)), horner(m, m.mul(m.mul(a, a), m.c(0.25)), m.f32 ? C.I1_TAYLOR_F32 : C.I1_TAYLOR_F64));
  const big = m.let(iBig(m, a, m.f32 ? C.I1_BIG_F32 : C.I1_BIG_F64));
  // i1(-0) is +0 in SciPy (j1(-0) is -0)
  return m.sel(m.eq(a, m.c(0)), m.c(0), m.sel(m.le(a, m.c(SPLIT)), small, m.sel(m.lt(x, m.c(0)), m.neg(big), big)));
}

// ---------------------------------------------------------------- real order

/** Terms of the power series and of the large-argument expansions, float64 and float32. */
export const BESSEL_TERMS = { series: { f64: 60, f32: 30 }, asymptotic: { f64: 40, f32: 20 } } as const;
/**
 * Where jv and iv use which expansion, by dtype, measured against SciPy
 * (the errors are in docs/guide.md). The power series runs
 * below `max(split, v^2 / kappa)` (the large-argument expansion, exact to a few
 * ulps from there for small v, needs x of order v^2), but not beyond where
 * its own error passes about 1e-6 (1e-3 in float32), `series` = a + b |v|;
 * the large-argument expansion is trusted from `asymptotic` = max(c + d |v|,
 * v^2 / e, v^2 / f - g): the last for large orders, where v^2 / e fell short
 * (jv(-200, 1472.7) was 4e-4 of its envelope off, float32's jv(100, 752) 3e-3).
 * Where neither reaches (|v| above about 31 for jv in float64, 16 in
 * float32, for x in between) the value is NaN; jv from |v| = 8 on is Debye's
 * and Olver's expansions instead wherever those hold (special-bessel-jv.ts,
 * special-bessel-airy.ts), which leaves no NaN; iv is Debye's expansion from
 * |v| = 20 (10 in float32) on.
 */
export const BESSEL_REGIONS = {
  jv: { f64: { split: 13, kappa: 22, series: [24.5, 0.3], asymptotic: [10, 0.15, 28, 20, 25] }, f32: { split: 7, kappa: 11.5, series: [11, 0.45], asymptotic: [5, 0.2, 14, 10, 15] } },
  iv: { f64: { split: 30, kappa: 8.5, series: [75, 0.7], asymptotic: [11, 0.2, 23, Infinity, 0] }, f32: { split: 15, kappa: 7, series: [39.5, 0.7], asymptotic: [5, 0.3, 11, Infinity, 0] } },
} as const;
/**
 * The series of a negative non-integer order cancels (its first terms
 * alternate, 1 / Gamma(v + k + 1) changing sign) and has about n - |v| terms
 * past them: float32's below -10.5 from x = 10 was 1e-2 to 1 off
 * (iv(-15.5, 30)), float64's below -25 from x = 30 up to 100% off
 * (iv(-30.5, 48), jv(-35.5, 32)), so the series is NaN there (jv's and iv's
 * orders that negative are Debye's or Olver's expansions).
 */
const NEGATIVE_ORDER = { f64: { order: 27, x: 25 }, f32: { order: 10.5, x: 10 } } as const;

/** The series or the large-argument expansion at a = |x| >= 0 of order w, by BESSEL_REGIONS; NaN where neither is accurate. */
function byRegion<V, B>(m: Arith<V, B>, fn: 'jv' | 'iv', w: V, a: V, series: () => V, asymptotic: () => V): V {
  const r = BESSEL_REGIONS[fn][m.f32 ? 'f32' : 'f64'];
  const av = m.let(m.abs(w));
  const v2 = m.let(m.mul(av, av));
  const seriesEnd = m.let(m.add(m.c(r.series[0]), m.mul(m.c(r.series[1]), av)));
  const asymptoticStart = m.let(m.add(m.c(r.asymptotic[0]), m.mul(m.c(r.asymptotic[1]), av)));
  const quadratic = m.div(v2, m.c(r.asymptotic[2]));
  const steep = m.sub(m.div(v2, m.c(r.asymptotic[3])), m.c(r.asymptotic[4]));
  const larger = m.sel(m.lt(asymptoticStart, quadratic), quadratic, asymptoticStart);
  const trusted = m.let(m.sel(m.lt(larger, steep), steep, larger));
  // max(split, v^2 / kappa), at most where the series ends
  const wide = m.let(m.div(v2, m.c(r.kappa)));
  const want = m.let(m.sel(m.lt(wide, m.c(r.split)), m.c(r.split), wide));
  const switchAt = m.let(m.sel(m.lt(want, seriesEnd), want, seriesEnd));
  const negative = NEGATIVE_ORDER[m.f32 ? 'f32' : 'f64'];
  const cancels = m.and(m.and(m.lt(w, m.c(-negative.order)), m.lt(m.floor(w), w)), m.le(m.c(negative.x), a));
  const seriesOk = fn === 'iv' ? m.lt(a, seriesEnd) : m.and(m.lt(a, seriesEnd), m.lt(m.c(0), m.sel(cancels, m.c(0), m.c(1))));
  const ok = m.or(m.and(m.lt(a, switchAt), seriesOk), m.and(m.le(switchAt, a), m.le(trusted, a)));
  return m.sel(ok, m.sel(m.lt(a, switchAt), series(), asymptotic()), m.c(NaN));
}

/** Whether v is an integer, and whether it is an odd one. */
function integerOrder<V, B>(m: Arith<V, B>, v: V): { integer: B; odd: B } {
  const f = m.let(m.floor(v));
  return { integer: m.eq(f, v), odd: m.eq(m.sub(f, m.mul(m.c(2), m.floor(m.mul(f, m.c(0.5))))), m.c(1)) };
}

/**
 * (x / 2)^v / Gamma(v + 1) times sum_k (sign y)^k / (k! (v + 1)...(v + k)),
 * y = x^2 / 4, nested (smallest terms first): J_v with sign -1, I_v with +1.
 * v is not a negative integer (the callers reflect those), x > 0.
 */
function besselSeries<V, B>(m: Arith<V, B>, v: V, x: V, sign: 1 | -1): V {
  const n = m.f32 ? BESSEL_TERMS.series.f32 : BESSEL_TERMS.series.f64;
  const y = m.let(m.mul(m.mul(x, x), m.c(0.25 * sign)));
  let s = m.c(1);
  for (let k = n; k >= 1; k--) s = m.add(m.c(1), m.mul(m.div(y, m.mul(m.c(k), m.add(v, m.c(k)))), s));
  // the sign of Gamma(v + 1): negative where floor(v + 1) is a negative odd integer
  const z = m.let(m.add(v, m.c(1)));
  const negativeGamma = m.and(m.lt(z, m.c(0)), integerOrder(m, z).odd);
  const scale = m.exp(m.sub(m.mul(v, m.log(m.mul(x, m.c(0.5)))), gammaln(m, z)));
  return m.mul(m.sel(negativeGamma, m.neg(scale), scale), s);
}

/** The ratios r_k = (4 v^2 - (2k - 1)^2) / (8 k x) of the large-argument expansions, k = 1..n. */
function ratios<V, B>(m: Arith<V, B>, mu: V, x8: V, n: number): V[] {
  return Array.from({ length: n }, (_, i) => m.div(m.sub(mu, m.c((2 * i + 1) ** 2)), m.mul(m.c(i + 1), x8)));
}

/** 1 - r[i] r[i+1] (1 - r[i+2] r[i+3] (1 - ...)), i = from: Hankel's P (from 0) and Q / r[0] (from 1), nested. */
function alternatingPairs<V, B>(m: Arith<V, B>, r: readonly V[], from: number): V {
  let s = m.c(1);
  const last = from + 2 * Math.floor((r.length - 2 - from) / 2);
  for (let i = last; i >= from; i -= 2) s = m.sub(m.c(1), m.mul(m.mul(r[i]!, r[i + 1]!), s));
  return s;
}

/** J_v(x) for x >= the split by Hankel's expansion: sqrt(2 / (pi x)) (P cos w - Q sin w), w = x - (v / 2 + 1 / 4) pi. */
function jvHankel<V, B>(m: Arith<V, B>, v: V, x: V): V {
  const n = m.f32 ? BESSEL_TERMS.asymptotic.f32 : BESSEL_TERMS.asymptotic.f64;
  const mu = m.let(m.mul(m.mul(v, v), m.c(4)));
  // each ratio is read twice (once by P, once by Q): written out twice, not a kernel of its own each
  const r = ratios(m, mu, m.let(m.mul(x, m.c(8))), n);
  const P = m.let(alternatingPairs(m, r, 0));
  const Q = m.let(m.mul(r[0]!, alternatingPairs(m, r, 1)));
  // phi = (v / 2 + 1 / 4) pi reduced modulo 2 pi first, so that a large v keeps the phase's digits
  const h = m.let(m.add(m.mul(v, m.c(0.5)), m.c(0.25)));
  const phi = m.let(m.mul(m.sub(h, m.mul(m.c(2), m.floor(m.mul(h, m.c(0.5))))), m.c(Math.PI)));
  const cp = m.let(m.cos(phi));
  const sp = m.let(m.sin(phi));
  const cx = m.let(m.cos(x));
  const sx = m.let(m.sin(x));
  const cosW = m.add(m.mul(cx, cp), m.mul(sx, sp));
  const sinW = m.sub(m.mul(sx, cp), m.mul(cx, sp));
  return m.mul(m.sqrt(m.div(m.c(2 / Math.PI), x)), m.sub(m.mul(P, cosW), m.mul(Q, sinW)));
}

/** I_v(x) for x >= the split: e^x / sqrt(2 pi x) (1 - r1 (1 - r2 (1 - ...))), the exponential in halves. */
function ivAsymptotic<V, B>(m: Arith<V, B>, v: V, x: V): V {
  const n = m.f32 ? BESSEL_TERMS.asymptotic.f32 : BESSEL_TERMS.asymptotic.f64;
  const mu = m.let(m.mul(m.mul(v, v), m.c(4)));
  const r = ratios(m, mu, m.let(m.mul(x, m.c(8))), n);
  let s = m.c(1);
  for (let i = n - 1; i >= 0; i--) s = m.sub(m.c(1), m.mul(r[i]!, s));
  const half = m.let(m.exp(m.mul(x, m.c(0.5))));
  return m.mul(m.mul(half, m.div(s, m.sqrt(m.mul(x, m.c(2 * Math.PI))))), half);
}

/** From this |v| on, iv is Debye's expansion at every x (its 16 terms, 7 in float32, reach a few ulps there). */
const DEBYE_ORDER = { f64: 20, f32: 10 } as const;

/**
 * I_w(a) for |w| >= DEBYE_ORDER, a > 0, by Debye's uniform expansion in z = a / v, v = |w| (DLMF 10.41.3-4):
 * I_v = e^(v eta) sqrt(p / (2 pi v)) S+ and K_v = pi e^(-v eta) sqrt(p / (2 pi v)) S-, S+- = sum_k (+-1)^k U_k(p) / v^k,
 * p = 1 / sqrt(1 + z^2), v eta = v sqrt(1 + z^2) + v log(z / (1 + sqrt(1 + z^2))); a negative non-integer order
 * is I_v + (2 / pi) sin(v pi) K_v. Uniform in a: no gap between the series and the large-argument expansion, and no
 * cancelling series for a negative order. The exponentials in halves, so that they overflow only with the result.
 */
function ivDebye<V, B>(m: Arith<V, B>, w: V, a: V): V {
  const v = m.let(m.abs(w));
  const z = m.let(m.div(a, v));
  const root = m.let(m.sqrt(m.add(m.c(1), m.mul(z, z))));
  const p = m.let(m.div(m.c(1), root));
  const vEta = m.mul(v, m.add(root, m.log(m.div(z, m.add(m.c(1), root)))));
  const rows = m.f32 ? DEBYE_F32 : DEBYE_F64;
  const t = m.let(m.div(p, v));
  const q = m.let(m.mul(p, p));
  const t2 = m.let(m.mul(t, t));
  // the even and the odd k apart: S+ = even + odd, S- = even - odd
  const sum = (from: number): V => {
    let r = horner(m, q, rows[from + 2 * Math.floor((rows.length - 1 - from) / 2)]!);
    for (let k = from + 2 * Math.floor((rows.length - 1 - from) / 2) - 2; k >= from; k -= 2) r = m.add(horner(m, q, rows[k]!), m.mul(t2, r));
    return r;
  };
  const even = m.let(sum(0));
  const odd = m.let(m.mul(t, sum(1)));
  const scale = m.let(m.sqrt(m.div(p, m.mul(v, m.c(2 * Math.PI)))));
  const half = m.let(m.exp(m.mul(vEta, m.c(0.5))));
  const iv = m.mul(m.mul(half, m.mul(scale, m.add(even, odd))), half);
  // (2 / pi) sin(v pi) K_v: 2 sin(v pi) scale S- e^(-v eta), sin(v pi) with its digits next to an integer
  const sinPi = sinCosPi(m, v).sin;
  const k = m.div(m.div(m.mul(m.mul(m.c(2), sinPi), m.mul(scale, m.sub(even, odd))), half), half);
  return m.sel(m.lt(w, m.c(0)), m.add(iv, k), iv);
}

/**
 * The order and argument both jv and iv reduce to: a negative integer
 * order reflected (J_-n = (-1)^n J_n, I_-n = I_n), a = |x| (a negative x
 * allowed for integer orders only), and the parity of the integer order.
 */
function realOrder<V, B>(m: Arith<V, B>, v: V, x: V): { w: V; a: V; integer: B; odd: B; reflected: B } {
  const { integer, odd } = integerOrder(m, v);
  const reflected = m.and(integer, m.lt(v, m.c(0)));
  return { w: m.let(m.sel(reflected, m.neg(v), v)), a: m.let(m.abs(x)), integer, odd, reflected };
}

/** SciPy's jv and iv at v = ±inf: 0, NaN where x is not finite (0 |x|, whatever a compiler assumes of NaN). */
function infiniteOrder<V, B>(m: Arith<V, B>, x: V): V {
  return m.mul(m.abs(x), m.c(0));
}

/**
 * J_v(x) of real order v, as SciPy's jv: NaN for x < 0 unless v is an
 * integer ((-1)^v J_v(-x) then), NaN at x = ±inf, 0 at v = ±inf. From
 * |v| = 8 Debye's expansions away from x = |v| and Olver's next to it, else
 * its power series or Hankel's expansion, as BESSEL_REGIONS says; the
 * measured errors are in docs/guide.md.
 */
export function jv<V, B>(m: Arith<V, B>, v: V, x: V): V {
  const { w, a, integer, odd, reflected } = realOrder(m, v, x);
  // large orders: Debye's expansions away from x = |w| (special-bessel-jv.ts), Olver's next to it
  // (special-bessel-airy.ts); else the series or Hankel's
  // sin(v pi), cos(v pi) for a negative order's J_v, Y_v: computed once (a kernel each) for both expansions
  const sc = sinCosPi(m, m.abs(w));
  const pi = { sin: m.let(sc.sin), cos: m.let(sc.cos) };
  const debye = jvDebye(m, w, a, pi);
  const airy = jvAiry(m, w, a, pi);
  const small = byRegion(m, 'jv', w, a, () => besselSeries(m, w, a, -1), () => jvHankel(m, w, a));
  const value = m.let(m.sel(debye.covered, debye.value, m.sel(airy.inside, airy.value, small)));
  // at x = 0: 1 for v = 0, 0 for v > 0 and the negative integers, inf signed as Gamma(v + 1) for the other negative v
  const z = m.add(w, m.c(1));
  const atZero = m.sel(m.eq(w, m.c(0)), m.c(1), m.sel(m.gt(w, m.c(0)), m.c(0), m.sel(integerOrder(m, z).odd, m.c(-Infinity), m.c(Infinity))));
  const r = m.let(m.sel(m.eq(a, m.c(0)), atZero, value));
  // (-1)^n for J_-n, and (-1)^n again for a negative x
  const flips = m.sel(m.lt(x, m.c(0)), m.sel(reflected, m.c(1), m.sel(odd, m.c(-1), m.c(1))), m.sel(m.and(reflected, odd), m.c(-1), m.c(1)));
  const out = m.sel(m.or(integer, m.le(m.c(0), x)), m.mul(flips, r), m.c(NaN));
  return m.sel(m.eq(m.abs(v), m.c(Infinity)), infiniteOrder(m, x), out);
}

/**
 * I_v(x) of real order v, as SciPy's iv: NaN for x < 0 unless v is an
 * integer ((-1)^v I_v(-x) then), NaN at x = ±inf, 0 at v = ±inf. Its power
 * series (positive terms but for negative orders) or the large-argument
 * expansion, as BESSEL_REGIONS says (NaN where neither reaches).
 */
export function iv<V, B>(m: Arith<V, B>, v: V, x: V): V {
  const { w, a, integer, odd } = realOrder(m, v, x);
  const debye = m.le(m.c(m.f32 ? DEBYE_ORDER.f32 : DEBYE_ORDER.f64), m.abs(w));
  const value = m.sel(debye, ivDebye(m, w, a), byRegion(m, 'iv', w, a, () => besselSeries(m, w, a, 1), () => ivAsymptotic(m, w, a)));
  // at x = 0: 1 for v = 0, 0 for v > 0 and the negative integers, inf for the other negative v (SciPy's, whatever Gamma's sign)
  const atZero = m.sel(m.eq(w, m.c(0)), m.c(1), m.sel(m.gt(w, m.c(0)), m.c(0), m.c(Infinity)));
  const r = m.let(m.sel(m.eq(a, m.c(0)), atZero, value));
  const out = m.sel(m.lt(x, m.c(0)), m.sel(integer, m.sel(odd, m.neg(r), r), m.c(NaN)), r);
  return m.sel(m.eq(m.abs(v), m.c(Infinity)), infiniteOrder(m, x), out);
}
