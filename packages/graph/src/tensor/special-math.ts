/**
 * The composite special functions written once, over an abstract
 * arithmetic (`Arith`): evaluated on JavaScript numbers they are the
 * reference implementations, built on kernel expressions they are the
 * kernels (special.ts). Only what every backend renders is used (the
 * primitive scalar ops), and no branch: a piecewise function computes its
 * pieces and selects one, so every piece must stay finite (or harmlessly
 * NaN) outside its range. `m.f32` picks the cheaper approximation of
 * float32 (and float16, which computes in float32); float64 aims at a few
 * ulps wherever the function is well conditioned.
 *
 * Sources of the methods (the coefficients are our own fits,
 * special-coefficients.ts): erfc as s exp(-z^2 + P(s)), s = 2 / (2 + z),
 * with z^2 split exactly as in W. J. Cody's CALERF; erfinv in
 * w = -log((1 - x)(1 + x)) as in M. Giles' "Approximating the erfinv
 * function", with one Halley step in float64's tail; Gamma on [1, 2] with
 * its zeros at 1 and 2 factored out, the recurrence below 13, Stirling's
 * series above, reflection below 0; psi and trigamma by recurrence,
 * asymptotic series and reflection.
 */
import {
  ERFC_TAIL_F32,
  ERFC_TAIL_F64,
  ERFINV_CENTRAL_F32,
  ERFINV_CENTRAL_F64,
  ERFINV_TAIL_F32,
  ERFINV_TAIL_F64,
  ERF_TAYLOR_F32,
  ERF_TAYLOR_F64,
  GAMMA_H_F32,
  GAMMA_H_F64,
} from './special-coefficients.js';

/** Arithmetic on values V (numbers or expressions) with conditions B. */
export interface Arith<V, B> {
  /** Whether this computes in float32 (the cheaper approximations). */
  readonly f32: boolean;
  /** The constant v. */
  c(v: number): V;
  /** a + b. */
  add(a: V, b: V): V;
  /** a - b. */
  sub(a: V, b: V): V;
  /** a * b. */
  mul(a: V, b: V): V;
  /** a / b. */
  div(a: V, b: V): V;
  /** -a. */
  neg(a: V): V;
  /** |a|. */
  abs(a: V): V;
  /** e ** a. */
  exp(a: V): V;
  /** The natural logarithm. */
  log(a: V): V;
  /** log(1 + a). */
  log1p(a: V): V;
  /** The square root. */
  sqrt(a: V): V;
  /** Rounded down. */
  floor(a: V): V;
  /** Rounded up. */
  ceil(a: V): V;
  /** The sine. */
  sin(a: V): V;
  /** The cosine. */
  cos(a: V): V;
  /** The tangent. */
  tan(a: V): V;
  /** The inverse tangent. */
  atan(a: V): V;
  /** a ** b. */
  pow(a: V, b: V): V;
  /** a < b. */
  lt(a: V, b: V): B;
  /** a <= b. */
  le(a: V, b: V): B;
  /** a > b. */
  gt(a: V, b: V): B;
  /** a == b. */
  eq(a: V, b: V): B;
  /** Both conditions. */
  and(a: B, b: B): B;
  /** Either condition. */
  or(a: B, b: B): B;
  /** cond ? a : b, elementwise. */
  sel(cond: B, a: V, b: V): V;
  /** A value used several times: an expression builder computes it once (numbers need nothing). */
  let(a: V): V;
}

/** Arithmetic on numbers: float64, or float32 rounding after every operation as the CPU backend's float32 kernels do. */
function numbers(f32: boolean): Arith<number, boolean> {
  const r = f32 ? Math.fround : (v: number) => v;
  return {
    f32,
    c: r,
    add: (a, b) => r(a + b),
    sub: (a, b) => r(a - b),
    mul: (a, b) => r(a * b),
    div: (a, b) => r(a / b),
    neg: (a) => -a,
    abs: Math.abs,
    exp: (a) => r(Math.exp(a)),
    log: (a) => r(Math.log(a)),
    log1p: (a) => r(Math.log1p(a)),
    sqrt: (a) => r(Math.sqrt(a)),
    floor: Math.floor,
    ceil: Math.ceil,
    sin: (a) => r(Math.sin(a)),
    cos: (a) => r(Math.cos(a)),
    tan: (a) => r(Math.tan(a)),
    atan: (a) => r(Math.atan(a)),
    // only ever of z >= 13: no base of 1 or -1, where C's pow and Math.pow differ
    pow: (a, b) => r(Math.pow(a, b)),
    lt: (a, b) => a < b,
    le: (a, b) => a <= b,
    gt: (a, b) => a > b,
    eq: (a, b) => a === b,
    and: (a, b) => a && b,
    or: (a, b) => a || b,
    sel: (c, a, b) => (c ? a : b),
    let: (a) => a,
  };
}

export const F64: Arith<number, boolean> = numbers(false);
/** float32 as the CPU backend computes it (each operation rounded): what the float32 approximations are measured with. */
export const F32: Arith<number, boolean> = numbers(true);

const PI = Math.PI;
const LN2 = Math.LN2;
const SQRT_PI = Math.sqrt(Math.PI);

/** cs[0] t^n + ... + cs[n], Horner's scheme. */
export function horner<V, B>(m: Arith<V, B>, t: V, cs: readonly number[]): V {
  let r = m.c(cs[0]!);
  for (let i = 1; i < cs.length; i++) r = m.add(m.mul(r, t), m.c(cs[i]!));
  return r;
}

/** x < 0, -0 included (1 / -0 is -inf): the sign bit of a non-NaN x. */
function signBit<V, B>(m: Arith<V, B>, x: V): B {
  return m.or(m.lt(x, m.c(0)), m.lt(m.div(m.c(1), x), m.c(0)));
}

// ---------------------------------------------------------------- elementary

export function trunc<V, B>(m: Arith<V, B>, x: V): V {
  return m.sel(m.lt(x, m.c(0)), m.ceil(x), m.floor(x));
}

/** log(2a) without overflow for a beyond `big`, else log1p of a rewritten sum; odd, exact below `tiny`. */
export function arcsinh<V, B>(m: Arith<V, B>, x: V): V {
  const a = m.let(m.abs(x));
  const a2 = m.mul(a, a);
  const mid = m.log1p(m.add(a, m.div(a2, m.add(m.c(1), m.sqrt(m.add(m.c(1), a2))))));
  const r = m.let(m.sel(m.gt(a, m.c(m.f32 ? 4096 : 2 ** 28)), m.add(m.log(a), m.c(LN2)), mid));
  return m.sel(m.lt(a, m.c(m.f32 ? 2 ** -12 : 2 ** -28)), x, m.sel(m.lt(x, m.c(0)), m.neg(r), r));
}

export function arccosh<V, B>(m: Arith<V, B>, x: V): V {
  const t = m.let(m.sub(x, m.c(1)));
  const mid = m.log1p(m.add(t, m.sqrt(m.mul(t, m.add(t, m.c(2))))));
  const r = m.sel(m.gt(x, m.c(m.f32 ? 4096 : 2 ** 28)), m.add(m.log(x), m.c(LN2)), mid);
  return m.sel(m.lt(x, m.c(1)), m.c(NaN), r);
}

export function arctanh<V, B>(m: Arith<V, B>, x: V): V {
  const a = m.let(m.abs(x));
  const q = m.let(m.div(m.add(a, a), m.sub(m.c(1), a)));
  // below 0.5, 2a + 2a a / (1 - a) keeps the digits 2a / (1 - a) rounds away
  const r = m.let(m.mul(m.c(0.5), m.log1p(m.sel(m.lt(a, m.c(0.5)), m.add(m.add(a, a), m.mul(q, a)), q))));
  const signed = m.sel(m.lt(x, m.c(0)), m.neg(r), r);
  return m.sel(m.lt(a, m.c(m.f32 ? 2 ** -12 : 2 ** -28)), x, m.sel(m.gt(a, m.c(1)), m.c(NaN), signed));
}

/** Math.atan2 from atan of a ratio at most 1, signed zeros and infinities included. */
export function arctan2<V, B>(m: Arith<V, B>, y: V, x: V): V {
  const ay = m.let(m.abs(y));
  const ax = m.let(m.abs(x));
  let base = m.sel(m.le(ay, ax), m.atan(m.div(ay, ax)), m.sub(m.c(PI / 2), m.atan(m.div(ax, ay))));
  // y = ±0: 0 whatever x is, but NaN when x is
  base = m.sel(m.eq(ay, m.c(0)), m.div(ay, m.add(ax, m.c(1))), base);
  base = m.let(m.sel(m.and(m.eq(ay, m.c(Infinity)), m.eq(ax, m.c(Infinity))), m.c(PI / 4), base));
  const r = m.let(m.sel(signBit(m, x), m.sub(m.c(PI), base), base));
  return m.sel(signBit(m, y), m.neg(r), r);
}

// ---------------------------------------------------------------- erf family

/** erfc(a) for a >= 0.5 (finite garbage below; 0 beyond where erfc underflows). */
function erfcTail<V, B>(m: Arith<V, B>, a: V): V {
  const s = m.let(m.div(m.c(2), m.add(m.c(2), a)));
  const u = m.let(m.sub(m.mul(m.c(2.5), s), m.c(1)));
  const g = horner(m, u, m.f32 ? ERFC_TAIL_F32 : ERFC_TAIL_F64);
  // a^2 = ah^2 + (a - ah)(a + ah) with ah (a to 4 bits after the point) squared exactly: exp(-a^2) keeps its digits
  const ah = m.let(m.div(m.floor(m.mul(a, m.c(16))), m.c(16)));
  const rest = m.sub(g, m.mul(m.sub(a, ah), m.add(a, ah)));
  const e = m.mul(m.mul(s, m.exp(rest)), m.exp(m.neg(m.mul(ah, ah))));
  return m.sel(m.gt(a, m.c(m.f32 ? 10.1 : 27.5)), m.c(0), e);
}

/** x erf(x) / x by its Taylor series, |x| < 0.5. */
function erfSmall<V, B>(m: Arith<V, B>, x: V): V {
  return m.mul(x, horner(m, m.let(m.mul(x, x)), m.f32 ? ERF_TAYLOR_F32 : ERF_TAYLOR_F64));
}

export function erf<V, B>(m: Arith<V, B>, x: V): V {
  const a = m.let(m.abs(x));
  const e = m.let(erfcTail(m, a));
  const big = m.sel(m.lt(x, m.c(0)), m.sub(e, m.c(1)), m.sub(m.c(1), e));
  return m.sel(m.lt(a, m.c(0.5)), erfSmall(m, x), big);
}

/** exp(v^2) without the rounding of v^2 (v >= 0, split as in erfcTail): 7e-14 relative at v = 26 otherwise. */
function expSquare<V, B>(m: Arith<V, B>, v: V): V {
  const vh = m.let(m.div(m.floor(m.mul(v, m.c(16))), m.c(16)));
  return m.mul(m.exp(m.mul(vh, vh)), m.exp(m.mul(m.sub(v, vh), m.add(v, vh))));
}

/**
 * The scaled erfc, exp(x^2) erfc(x), as SciPy's erfcx: erfcTail's s exp(P)
 * above 0.5 (no exponential left to cancel), 2 exp(x^2) - erfcx(-x) below
 * -0.5 (inf below -26.63, or -9.4 in float32), the Taylor series between.
 */
export function erfcx<V, B>(m: Arith<V, B>, x: V): V {
  const a = m.let(m.abs(x));
  const s = m.let(m.div(m.c(2), m.add(m.c(2), a)));
  const tail = m.let(m.mul(s, m.exp(horner(m, m.sub(m.mul(m.c(2.5), s), m.c(1)), m.f32 ? ERFC_TAIL_F32 : ERFC_TAIL_F64))));
  const e2 = m.let(expSquare(m, a));
  const negative = m.sel(m.eq(a, m.c(Infinity)), m.c(Infinity), m.sub(m.add(e2, e2), tail));
  const central = m.mul(m.exp(m.mul(x, x)), m.sub(m.c(1), erfSmall(m, x)));
  return m.sel(m.lt(a, m.c(0.5)), central, m.sel(m.lt(x, m.c(0)), negative, tail));
}

export function erfc<V, B>(m: Arith<V, B>, x: V): V {
  const a = m.let(m.abs(x));
  const e = m.let(erfcTail(m, a));
  const big = m.sel(m.lt(x, m.c(0)), m.sub(m.c(2), e), e);
  return m.sel(m.lt(a, m.c(0.5)), m.sub(m.c(1), erfSmall(m, x)), big);
}

/** One Halley step on erfc(v) = y, v >= 2 (float64's tail): from ~1e-8 to full precision. */
function halley<V, B>(m: Arith<V, B>, v: V, y: V): V {
  const s = m.let(m.div(m.c(2), m.add(m.c(2), v)));
  const u = m.let(m.sub(m.mul(m.c(2.5), s), m.c(1)));
  // erfc(v) exp(v^2), and y exp(v^2) with v^2 split as in erfcTail (y may be far below exp(-709))
  const scaled = m.mul(s, m.exp(horner(m, u, ERFC_TAIL_F64)));
  const vh = m.let(m.div(m.floor(m.mul(v, m.c(16))), m.c(16)));
  const yScaled = m.exp(m.add(m.add(m.log(y), m.mul(vh, vh)), m.mul(m.sub(v, vh), m.add(v, vh))));
  // f / f' for f(v) = erfc(v) - y
  const d = m.let(m.mul(m.c(-SQRT_PI / 2), m.sub(scaled, yScaled)));
  return m.sub(v, m.div(d, m.add(m.c(1), m.mul(v, d))));
}

/**
 * erfinv(x), given y = min(1 - x, 1 + x) (exact) and w = -log(y (2 - y)):
 * x P(w) in the centre, s Q(1 / s) with s = sqrt(w) in the tails.
 */
function inverseCore<V, B>(m: Arith<V, B>, x: V, y: V, w: V): V {
  const top = m.f32 ? 5 : 6.25;
  const central = m.mul(x, horner(m, m.let(m.sub(m.mul(w, m.c(2 / top)), m.c(1))), m.f32 ? ERFINV_CENTRAL_F32 : ERFINV_CENTRAL_F64));
  const [lo, hi] = m.f32 ? [2.2, 10.2] : [2.5, 27.3];
  const k1 = 2 / (1 / lo - 1 / hi);
  const s = m.let(m.sqrt(w));
  const t = m.let(m.add(m.mul(m.div(m.c(1), s), m.c(k1)), m.c(-1 - k1 / hi)));
  let v = m.mul(s, horner(m, t, m.f32 ? ERFINV_TAIL_F32 : ERFINV_TAIL_F64));
  if (!m.f32) v = halley(m, m.let(v), y);
  const tail = m.let(v);
  return m.sel(m.lt(w, m.c(top)), central, m.sel(m.lt(x, m.c(0)), m.neg(tail), tail));
}

export function erfinv<V, B>(m: Arith<V, B>, x: V): V {
  const a = m.let(m.abs(x));
  const y = m.let(m.sub(m.c(1), a));
  const w = m.let(m.neg(m.log(m.mul(y, m.add(m.c(1), a)))));
  // erfinv(-0) is +0 in SciPy (a selected constant: shader compilers fold x + 0 into x)
  const r = m.sel(m.eq(a, m.c(0)), m.c(0), inverseCore(m, x, y, w));
  return m.sel(m.gt(a, m.c(1)), m.c(NaN), m.sel(m.eq(a, m.c(1)), m.mul(x, m.c(Infinity)), r));
}

export function erfcinv<V, B>(m: Arith<V, B>, y: V): V {
  // the distance to the nearer end of [0, 2], exact (2 - y for y in [1, 2])
  const near = m.let(m.sel(m.gt(y, m.c(1)), m.sub(m.c(2), y), y));
  const w = m.let(m.neg(m.log(m.mul(near, m.sub(m.c(2), near)))));
  // erfinv's argument 1 - y, written so that y = 1 gives -0 as SciPy's erfcinv does
  const x = m.let(m.neg(m.sub(y, m.c(1))));
  const r = inverseCore(m, x, near, w);
  const outside = m.or(m.lt(y, m.c(0)), m.gt(y, m.c(2)));
  return m.sel(outside, m.c(NaN), m.sel(m.eq(y, m.c(0)), m.c(Infinity), m.sel(m.eq(y, m.c(2)), m.c(-Infinity), r)));
}

// ---------------------------------------------------------------- gamma family

/** Stirling's series beyond the leading terms, B_2k / (2k (2k - 1) z^(2k - 1)), highest power first. */
const STIRLING_F64 = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];
const STIRLING_F32 = [1 / 1260, -1 / 360, 1 / 12];
/** psi's asymptotic series, B_2k / (2k z^2k), highest power first. */
const PSI_SERIES_F64 = [-3617 / 8160, 1 / 12, -691 / 32760, 1 / 132, -1 / 240, 1 / 252, -1 / 120, 1 / 12];
const PSI_SERIES_F32 = [1 / 252, -1 / 120, 1 / 12];
/** trigamma's, B_2k / z^(2k + 1), highest power first. */
const TRIGAMMA_SERIES_F64 = [-3617 / 510, 7 / 6, -691 / 2730, 5 / 66, -1 / 30, 1 / 42, -1 / 30, 1 / 6];
const TRIGAMMA_SERIES_F32 = [-1 / 30, 1 / 42, -1 / 30, 1 / 6];

/**
 * psi's Taylor series about its positive zero x0 = 1.46163214496836234...,
 * c_k = polygamma(k, x0) / k! (mpmath), highest power first, and x0 split
 * into a float and its remainder in each precision: next to the zero the
 * recurrence's sum cancels (psi(1.46) kept 3 digits, psi(x0) none).
 */
const PSI_ROOT_F64 = [
  -0.0003454680251063077, 0.000504953265834602, -0.0007380709389960052, 0.0010788252019162967, -0.0015769367714301972,
  0.002305126326734928, -0.003369801655439328, 0.004926781395729853, -0.007204534386356869, 0.010538791616612175,
  -0.01542476590494896, 0.022597648232218104, -0.03316112647484736, 0.04880428816414311, -0.07219956125645471,
  0.10782405069126237, -0.16394270544240652, 0.258499760955651, -0.4427631689835921, 0.9676722454476212,
];
const PSI_ROOT_F32 = PSI_ROOT_F64.slice(-9);
const PSI_ROOT = { f64: [1.4616321449683622, 9.549995429965697e-17], f32: [1.4616321325302124, 1.243815006546356e-8] } as const;
/** Within this distance of x0 psi is its Taylor series (float64's 20 terms and float32's 9 reach a few ulps there). */
const PSI_ROOT_RADIUS = 0.25;

/** Where the recurrences hand over to the asymptotic series. */
const ASYMPTOTIC = 13;
const HALF_LOG_2PI = 0.5 * Math.log(2 * PI);

/** Stirling's correction S(z) = lgamma(z) - ((z - 0.5) log z - z + log(2 pi) / 2), z >= 13. */
export function stirlingCorrection<V, B>(m: Arith<V, B>, z: V): V {
  const r = m.let(m.div(m.c(1), z));
  return m.mul(r, horner(m, m.let(m.mul(r, r)), m.f32 ? STIRLING_F32 : STIRLING_F64));
}

/**
 * Gamma of z >= 0 below 13 through f = z shifted into [1, 2): Gamma(f) =
 * 1 + (f - 1)(f - 2) h(f), then times f (f + 1) ... up to z (at most 11
 * factors), or divided by z below 1. Returns Gamma(f) - 1, the product and
 * whether z < 1.
 */
function gammaParts<V, B>(m: Arith<V, B>, z: V): { g1: V; product: V; below1: B } {
  const below1 = m.lt(z, m.c(1));
  const y = m.let(m.sel(below1, m.add(z, m.c(1)), z));
  const n = m.let(m.sub(m.floor(y), m.c(1)));
  const f = m.let(m.sub(y, n));
  const h = horner(m, m.let(m.sub(m.add(f, f), m.c(3))), m.f32 ? GAMMA_H_F32 : GAMMA_H_F64);
  const g1 = m.mul(m.mul(m.sub(f, m.c(1)), m.sub(f, m.c(2))), h);
  let product = m.c(1);
  for (let k = 0; k < ASYMPTOTIC - 2; k++) product = m.mul(product, m.sel(m.lt(m.c(k), n), m.add(f, m.c(k)), m.c(1)));
  return { g1: m.let(g1), product: m.let(product), below1 };
}

/**
 * sin(pi v) and cos(pi v) to a few ulps of their own size, also next to their zeros: pi v reduced modulo 2 pi
 * and then rounded lost its relative digits there (sin(pi v) at v = 50 - 1e-12 was 1.6e-4 off, so was jv(-v, 15)
 * through it). r = v - 2 floor(v / 2) in [0, 2), then 1 - r on (1/2, 3/2] and r - 2 above, all exact, so that
 * pi times an argument of at most 1/2 rounds once: sin(pi v) is exactly 0 at the integers.
 */
export function sinCosPi<V, B>(m: Arith<V, B>, v: V): { sin: V; cos: V } {
  const r = m.sub(v, m.mul(m.c(2), m.floor(m.mul(v, m.c(0.5)))));
  const flip = m.and(m.lt(m.c(0.5), r), m.le(r, m.c(1.5)));
  const near = m.mul(m.sel(flip, m.sub(m.c(1), r), m.sel(m.lt(m.c(1.5), r), m.sub(r, m.c(2)), r)), m.c(PI));
  const cos = m.cos(near);
  return { sin: m.sin(near), cos: m.sel(flip, m.neg(cos), cos) };
}

/** The nearest integer's offset d = x - round(x) in [-0.5, 0.5] (exact), and that integer. */
function nearestInteger<V, B>(m: Arith<V, B>, x: V): { d: V; n: V } {
  const n = m.let(m.floor(m.add(x, m.c(0.5))));
  return { d: m.let(m.sub(x, n)), n };
}

function lgammaPositive<V, B>(m: Arith<V, B>, z: V): V {
  const { g1, product, below1 } = gammaParts(m, z);
  const small = m.sub(m.add(m.log1p(g1), m.log(product)), m.sel(below1, m.log(z), m.c(0)));
  // (z - 0.5)(log z - 1) - 0.5 does not overflow before lgamma does
  const big = m.add(m.add(m.mul(m.sub(z, m.c(0.5)), m.sub(m.log(z), m.c(1))), m.c(HALF_LOG_2PI - 0.5)), stirlingCorrection(m, z));
  return m.sel(m.lt(z, m.c(ASYMPTOTIC)), small, big);
}

/** log|Gamma(x)| as SciPy's gammaln: inf at 0 and at the negative integers, -inf at -inf. */
export function gammaln<V, B>(m: Arith<V, B>, x: V): V {
  const negative = m.lt(x, m.c(0));
  const main = m.let(lgammaPositive(m, m.let(m.sel(negative, m.sub(m.c(1), x), x))));
  // log(pi / |sin(pi x)|) - lgamma(1 - x)
  const { d } = nearestInteger(m, x);
  const reflected = m.sub(m.sub(m.c(Math.log(PI)), m.log(m.sin(m.mul(m.c(PI), m.abs(d))))), main);
  // a pole selected, not reflected: where lgamma(1 - x) overflows (x below -2.5e305, or -4e36 in float32) the reflection is inf - inf
  const pole = m.and(negative, m.eq(m.floor(x), x));
  return m.sel(m.eq(x, m.c(-Infinity)), m.c(-Infinity), m.sel(pole, m.c(Infinity), m.sel(negative, reflected, main)));
}

function gammaPositive<V, B>(m: Arith<V, B>, z: V): V {
  const { g1, product, below1 } = gammaParts(m, z);
  const small = m.div(m.mul(m.add(m.c(1), g1), product), m.sel(below1, z, m.c(1)));
  // sqrt(2 pi) z^(z - 0.5) e^-z e^S, the power as v * v so that it overflows only with the result
  const v = m.let(m.pow(z, m.sub(m.mul(z, m.c(0.5)), m.c(0.25))));
  const big = m.mul(m.mul(m.mul(m.c(Math.sqrt(2 * PI)), v), m.mul(v, m.exp(m.neg(z)))), m.exp(stirlingCorrection(m, z)));
  const overflow = m.gt(z, m.c(m.f32 ? 35.1 : 171.7));
  return m.sel(m.lt(z, m.c(ASYMPTOTIC)), small, m.sel(overflow, m.c(Infinity), big));
}

/** Gamma as SciPy's: +-inf at +-0, NaN at the negative integers and -inf. */
export function gamma<V, B>(m: Arith<V, B>, x: V): V {
  const negative = m.lt(x, m.c(0));
  const main = m.let(gammaPositive(m, m.let(m.sel(negative, m.sub(m.c(1), x), x))));
  // pi / (sin(pi x) Gamma(1 - x)), sin(pi x) = (-1)^n sin(pi d)
  const { d, n } = nearestInteger(m, x);
  const odd = m.eq(m.sub(n, m.mul(m.c(2), m.floor(m.mul(n, m.c(0.5))))), m.c(1));
  const sinPi = m.let(m.sin(m.mul(m.c(PI), d)));
  const reflected = m.div(m.c(PI), m.mul(m.sel(odd, m.neg(sinPi), sinPi), main));
  const pole = m.and(negative, m.eq(m.floor(x), x));
  return m.sel(pole, m.c(NaN), m.sel(negative, reflected, main));
}

/** The sum of g(z + k) for k = 12 down to 1, smallest terms first, and g(z) last. */
function shiftSum<V, B>(m: Arith<V, B>, z: V, g: (v: V) => V): V {
  let sum = g(m.add(z, m.c(ASYMPTOTIC - 1)));
  for (let k = ASYMPTOTIC - 2; k >= 1; k--) sum = m.add(sum, g(m.add(z, m.c(k))));
  // z itself, not z + 0: psi(-0) is +inf (1 / -0), as in SciPy
  return m.add(sum, g(z));
}

/**
 * Where psi and trigamma evaluate their asymptotic series: z = x, or 1 - x
 * for negative x (the reflection adds its own term), shifted up by
 * ASYMPTOTIC while small (shiftSum's recurrence takes the shift back).
 */
function seriesArgument<V, B>(m: Arith<V, B>, x: V): { negative: B; z: V; shifted: B; zs: V; r: V; r2: V } {
  const negative = m.lt(x, m.c(0));
  const z = m.let(m.sel(negative, m.sub(m.c(1), x), x));
  const shifted = m.lt(z, m.c(ASYMPTOTIC));
  const zs = m.let(m.sel(shifted, m.add(z, m.c(ASYMPTOTIC)), z));
  const r = m.let(m.div(m.c(1), zs));
  return { negative, z, shifted, zs, r, r2: m.let(m.mul(r, r)) };
}

/** psi (digamma) as SciPy's: -inf at 0, +inf at -0, NaN at the negative integers and -inf. */
export function psi<V, B>(m: Arith<V, B>, x: V): V {
  const { negative, z, shifted, zs, r, r2 } = seriesArgument(m, x);
  const asymptotic = m.sub(m.sub(m.log(zs), m.mul(m.c(0.5), r)), m.mul(r2, horner(m, r2, m.f32 ? PSI_SERIES_F32 : PSI_SERIES_F64)));
  const [rootHi, rootLo] = m.f32 ? PSI_ROOT.f32 : PSI_ROOT.f64;
  // z - x0, exact but for the remainder's rounding (z - rootHi is exact next to x0)
  const dz = m.let(m.sub(m.sub(z, m.c(rootHi)), m.c(rootLo)));
  const series = m.mul(dz, horner(m, dz, m.f32 ? PSI_ROOT_F32 : PSI_ROOT_F64));
  const recurrence = m.sub(asymptotic, m.sel(shifted, shiftSum(m, z, (v) => m.div(m.c(1), v)), m.c(0)));
  const main = m.let(m.sel(m.lt(m.abs(dz), m.c(PSI_ROOT_RADIUS)), series, recurrence));
  // psi(1 - x) - pi cot(pi x); beyond |d| = 0.25 as pi tan(pi (0.5 - |d|)), whose argument is exact:
  // pi d itself rounds off pi / 2 (float32's tan(pi * -0.5) is -2.3e7, not infinite, and psi(-0.5) was 37 ulps off)
  const { d } = nearestInteger(m, x);
  const ad = m.let(m.abs(d));
  const cotAbs = m.let(m.sel(m.gt(ad, m.c(0.25)), m.mul(m.c(PI), m.tan(m.mul(m.c(PI), m.sub(m.c(0.5), ad)))), m.div(m.c(PI), m.tan(m.mul(m.c(PI), ad)))));
  const reflected = m.sub(main, m.sel(m.lt(d, m.c(0)), m.neg(cotAbs), cotAbs));
  const pole = m.and(negative, m.eq(m.floor(x), x));
  return m.sel(pole, m.c(NaN), m.sel(negative, reflected, main));
}

/** trigamma (psi') as SciPy's polygamma(1, x): inf at 0, the negative integers and -inf. */
export function trigamma<V, B>(m: Arith<V, B>, x: V): V {
  const { negative, z, shifted, r, r2 } = seriesArgument(m, x);
  const asymptotic = m.add(r, m.mul(r2, m.add(m.c(0.5), m.mul(r, horner(m, r2, m.f32 ? TRIGAMMA_SERIES_F32 : TRIGAMMA_SERIES_F64)))));
  const main = m.let(m.add(asymptotic, m.sel(shifted, shiftSum(m, z, (v) => m.let(m.div(m.c(1), m.mul(v, v)))), m.c(0))));
  // pi^2 / sin^2(pi x) - trigamma(1 - x)
  const { d } = nearestInteger(m, x);
  const sinPi = m.let(m.sin(m.mul(m.c(PI), d)));
  const reflected = m.sub(m.div(m.c(PI * PI), m.mul(sinPi, sinPi)), main);
  return m.sel(m.eq(x, m.c(-Infinity)), m.c(Infinity), m.sel(negative, reflected, main));
}
