/**
 * The prelude's log, log1p, expm1, tanh, atan and integer powers, written out
 * rather than left to WGSL's builtins: WGSL promises the builtin log only an
 * absolute 2^-21 on [0.5, 2], atan 4096 ulp, tanh only what sinh / cosh gives, and pow only
 * exp2(b * log2(a)), which lose the relative accuracy NumPy's float32
 * functions keep near 0 (and integer powers' exactness). Part of `PRELUDE`
 * (scalar.ts), whose helpers (f_isnan, f_inf, f_with_sign_of, ...) they use.
 */
export const MATH_PRELUDE = /* wgsl */ `
// atan written out: lavapipe's builtin is 2e-5 relative off (347 float32 ulp at 1.9e-9, measured), WGSL
// promises only 4096 ulp, and asin, acos and arctan2 go through it. |x| is reduced to |u| <= tan(pi/8)
// (u = -1/|x| past tan(3pi/8), (|x| - 1)/(|x| + 1) past tan(pi/8)), then atan(u) = u + u^3 P(u^2), P a
// degree-4 least-squares fit of our own (numpy, relative error, 0.6 ulp on the interval); pi/2 and pi/4
// in two parts. Within 2.1 float32 ulp everywhere (simulated in numpy over 3e6 points). -0 stays -0.
fn f_atan(x: f32) -> f32 {
  if (f_isnan(x) || x == 0.0) { return x; }
  let a = abs(x);
  var u = a;
  var hi = 0.0;
  var lo = 0.0;
  if (a > 2.4142135623730951) { u = -1.0 / a; hi = 1.5707963705062866; lo = -4.371138828673793e-8; }
  else if (a > 0.41421356237309505) { u = (a - 1.0) / (a + 1.0); hi = 0.7853981852531433; lo = -2.1855694143368964e-8; }
  let z = u * u;
  var p = -0.0590326152741909;
  p = p * z + 0.10518351197242737;
  p = p * z - 0.14232149720191956;
  p = p * z + 0.19997777044773102;
  p = p * z - 0.33333301544189453;
  let r = hi + (lo + (u + u * z * p));
  return select(r, -r, x < 0.0);
}
// log by bits and Cephes' logf polynomial, not the builtin: WGSL promises the builtin only 2^-21 absolute
// on [0.5, 2] (5% relative at log(1 + 1e-6) on lavapipe, where log1p and expm1 need it), and leaves
// subnormal inputs to the driver (lavapipe read their exponent bits as they are: log(1e-40) was -88).
// Every test is on the bits, as a driver that flushes subnormals compares them equal to zero.
// log(0) is -Inf, log of a negative number NaN, NaN stays NaN, log(inf) is inf.
fn f_log(x: f32) -> f32 {
  var u = bitcast<u32>(x);
  if ((u & 0x7fffffffu) == 0u) { return -f_inf(); }
  if (u >= 0x7f800000u) { return select(f_nan(), x, u == 0x7f800000u || f_isnan(x)); }
  // x = m * 2^e with m in [0.5, 1); a subnormal is first shifted up to its leading one
  var e = i32(u >> 23u) - 126;
  if (u < 0x00800000u) {
    let shift = countLeadingZeros(u) - 8u;
    u = u << shift;
    e = -125 - i32(shift);
  }
  var m = bitcast<f32>((u & 0x007fffffu) | 0x3f000000u);
  // m in [sqrt(1/2), sqrt(2)) after this, and m - 1 exact
  if (m < 0.70710678118654752) { e = e - 1; m = m + m; }
  return f_log1p_reduced(m - 1.0, f32(e));
}
// log(1 + f) + e * ln2 for f in [sqrt(1/2) - 1, sqrt(2) - 1]: Cephes' polynomial, ln2 in two parts (e * 0.693359375 is exact)
fn f_log1p_reduced(f: f32, e: f32) -> f32 {
  let z = f * f;
  var p = 7.0376836292e-2;
  p = p * f - 1.1514610310e-1;
  p = p * f + 1.1676998740e-1;
  p = p * f - 1.2420140846e-1;
  p = p * f + 1.4249322787e-1;
  p = p * f - 1.6668057665e-1;
  p = p * f + 2.0000714765e-1;
  p = p * f - 2.4999993993e-1;
  p = p * f + 3.3333331174e-1;
  return ((f * z * p + e * -2.12194440e-4) - 0.5 * z + f) + e * 0.693359375;
}
// x itself into log's polynomial while 1 + x would land in its reduced range (no rounding of 1 + x at all);
// beyond, log(1 + x), whose rounding costs under 2e-7 relative there. Not Goldberg's log(u) * x / (u - 1):
// shader compilers may fold (1 + x) - 1 into x (lavapipe's did), which undoes it
fn f_log1p(x: f32) -> f32 {
  // zeros (and subnormals a driver flushes, which compare equal to zero) are their own log1p, sign kept
  if (f_isnan(x) || x == 0.0) { return x; }
  if (x > -0.29289321881345248 && x < 0.41421356237309505) { return f_log1p_reduced(x, 0.0); }
  return f_log(1.0 + x);
}
// Taylor below 1e-2 (relative error under 2e-12); above, (u - 1) * x / log(u) with u = exp(x) (Kahan's trick:
// the quotient is smooth in u, so the error of exp's rounding cancels; it needs log accurate near 1, as f_log is)
fn f_expm1(x: f32) -> f32 {
  if (f_isnan(x)) { return x; }
  if (x == 0.0) { return x; }
  if (abs(x) < 1e-2) { return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0))))); }
  let u = exp(x);
  let um = u - 1.0;
  if (um == -1.0) { return -1.0; }
  // past 1e30, exp(x) - 1 is exp(x) in float32, and um * x would overflow from x = 84.3 on
  if (!f_isfinite(u) || u > 1e30) { return u; }
  return um * x / f_log(u);
}
// Cephes' tanhf: an odd polynomial below 0.625 (the builtin's sinh / cosh gave tanh(1e-10) = 3e-8 on lavapipe),
// 1 - 2 / (exp(2|x|) + 1) above (exp overflows to inf past |x| = 44: 1); -0 and NaN stay as they are
fn f_tanh(x: f32) -> f32 {
  if (f_isnan(x) || x == 0.0) { return x; }
  let a = abs(x);
  if (a < 0.625) {
    let z = x * x;
    let p = (((-5.70498872745e-3 * z + 2.06390887954e-2) * z - 5.37397155531e-2) * z + 1.33314422036e-1) * z - 3.33332819422e-1;
    return x + x * z * p;
  }
  return f_with_sign_of(1.0 - 2.0 / (exp(2.0 * a) + 1.0), x);
}
// |a|^b for finite nonzero a: an integer b with |b| <= 64 by repeated squaring, exact where the powers
// are (pow(10, 2) is 100: the builtin's exp2(b * log2(a)) gave 99.99999 on lavapipe), within about
// |b| * 2^-24 relative elsewhere; a negative b is the reciprocal while a^|b| is a normal float (past that
// it may be flushed to zero, and 1 / 0 is not 1 / 1e-39), otherwise the builtin
fn f_pow_abs(a: f32, b: f32) -> f32 {
  if (abs(b) <= 64.0 && trunc(b) == b) {
    var n = u32(abs(b));
    var base = a;
    var r = 1.0;
    loop {
      if ((n & 1u) != 0u) { r = r * base; }
      n = n >> 1u;
      if (n == 0u) { break; }
      base = base * base;
    }
    if (b > 0.0) { return r; }
    if (r >= 1.17549435e-38 && f_isfinite(r)) { return 1.0 / r; }
  }
  return pow(a, b);
}
`;
