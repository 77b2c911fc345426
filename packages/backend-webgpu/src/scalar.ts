/**
 * Scalar expressions of the kernel IR rendered to WGSL. Semantics follow
 * the reference implementation in `@sym/graph`'s `scalar.ts` (NumPy's):
 * NaN propagates through max/min/clip/sign/relu, integer division and modulo
 * floor (and give 0 for a zero divisor), narrow integers wrap. Where WGSL
 * leaves a case undefined (pow of a negative base, NaN tests under
 * fast-math), a helper in `PRELUDE` spells the answer out with bit tests.
 *
 * Generated code holds only numbers from the kernel: no user string reaches it.
 */
import type { DType, ScalarExpr, ScalarOpName } from '@sym/graph';
import { f16round, operandsOf, regroupOperand } from '@sym/graph';
import { FLOAT64_ADVICE, storageType, valueType, type WgslScalar } from './dtypes.js';
import { int64Literal } from './int64.js';
import { MATH_PRELUDE } from './math-prelude.js';

/** Helper functions a kernel may call; a shader carries those it calls (prelude.ts's `linkPrelude`). */
export const PRELUDE = /* wgsl */ `
var<private> F32_INF_BITS: u32 = 0x7f800000u;
var<private> F32_NAN_BITS: u32 = 0x7fc00000u;
fn f_inf() -> f32 { return bitcast<f32>(F32_INF_BITS); }
fn f_nan() -> f32 { return bitcast<f32>(F32_NAN_BITS); }
fn f_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn f_isfinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
fn f_truthy(x: f32) -> bool { return x != 0.0 || f_isnan(x); } // NumPy: NaN is true
// WGSL lets a compiler assume no NaN, and so fold x == x to true (T.isnan is x != x): the bits decide NaN
fn f_eq(a: f32, b: f32) -> bool { return a == b && !f_isnan(a) && !f_isnan(b); }
// float to int as C and JavaScript store it: truncate, wrap modulo 2^32, NaN and infinities give 0
// (WGSL's own conversion clamps, and leaves NaN undefined)
fn f_to_i32(x: f32) -> i32 {
  if (!f_isfinite(x)) { return 0; }
  if (abs(x) < 2147483648.0) { return i32(x); }
  // |x| >= 2^31 is a multiple of 256: the remainder below is exact
  return bitcast<i32>(u32(x - 4294967296.0 * floor(x / 4294967296.0)));
}
fn f_to_u32(x: f32) -> u32 { return bitcast<u32>(f_to_i32(x)); }
// the unsigned 64-bit magnitude (hi, lo) as the nearest f32, ties to even, as NumPy converts: WGSL lets a driver
// round an integer it converts either way (SwiftShader's u32 conversion truncates)
fn u64_to_f32(hi: u32, lo: u32) -> f32 {
  if (hi == 0u && lo < 16777216u) { return f32(lo); }
  let c = select(countLeadingZeros(hi), 32u + countLeadingZeros(lo), hi == 0u);
  // the top 32 bits (leading one at bit 31), and whether a bit below them is set: the value is t * 2^(32 - c)
  var t = hi;
  var sticky = lo != 0u;
  if (c >= 32u) { t = lo << (c - 32u); sticky = false; }
  else if (c > 0u) { t = (hi << c) | (lo >> (32u - c)); sticky = (lo << c) != 0u; }
  var m = t >> 8u;
  let rest = t & 0xffu;
  if (rest > 0x80u || (rest == 0x80u && (sticky || (m & 1u) == 1u))) { m = m + 1u; }
  return ldexp(f32(m), 40 - i32(c));
}
fn i32_to_f32(x: i32) -> f32 { let v = u64_to_f32(0u, bitcast<u32>(abs(x))); return select(v, -v, x < 0); }
fn f_asin(x: f32) -> f32 { if (x == 0.0) { return x; } if (abs(x) > 1.0) { return f_nan(); } return f_atan(x / sqrt((1.0 - x) * (1.0 + x))); }
// Taylor near 0, where (e^x - e^-x) / 2 cancels (and loses the sign of -0)
fn f_sinh(x: f32) -> f32 {
  if (f_isnan(x)) { return x; }
  if (abs(x) < 0.1) { let x2 = x * x; return x + x * x2 * (1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 / 5040.0)); }
  return sinh(x);
}
// a / b: GPUs divide as a * (1 / b), and past 2^126 that reciprocal is a denormal they flush to
// zero (Inf / 3e38 would be NaN): scale such divisors down first. A zero divisor is spelled out
// (+-inf, NaN for 0 / 0 and NaN / 0), as in f_floordiv: a shader compiler that assumes no
// infinities folds a / 0.0 of a literal zero (lavapipe gave 0 for T.var with ddof = N), and 0.0 / b
// of a dividend it proves zero (a sum over an empty axis): so is a zero dividend (0 / NaN is NaN)
fn f_div(a: f32, b: f32) -> f32 {
  if (a == 0.0) { return select(f_with_sign_of(a, b), f_nan(), b == 0.0 || f_isnan(b)); }
  if (b == 0.0) { return select(select(f_inf(), -f_inf(), f_signbit(a) != f_signbit(b)), f_nan(), f_isnan(a)); }
  if (abs(b) > 8.5070592e37) { return (a * 0.25) / (b * 0.25); }
  return a / b;
}
fn f_plus_zero(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) & select(0xffffffffu, 0x7fffffffu, x == 0.0)); }
fn f_signbit(x: f32) -> bool { return (bitcast<u32>(x) & 0x80000000u) != 0u; }
fn f_acos(x: f32) -> f32 { if (abs(x) > 1.0) { return f_nan(); } return 2.0 * f_atan(sqrt((1.0 - x) / (1.0 + x))); }
// NumPy: sign(-0.) is +0.
fn f_sign(x: f32) -> f32 { if (f_isnan(x)) { return x; } if (x == 0.0) { return 0.0; } return sign(x); }
fn i_sign(x: i32) -> i32 { return select(select(0, 1, x > 0), -1, x < 0); }
fn f_exp(x: f32) -> f32 { if (f_isnan(x)) { return x; } return exp(x); }
fn f_cosh(x: f32) -> f32 { if (f_isnan(x)) { return x; } return cosh(x); }
// sin, cos, tan: the builtins are fast approximations on GPUs (WGSL promises 2^-11 absolute
// inside [-pi, pi], nothing outside, and tan's poles amplify it), so: Cody-Waite reduction of |x|
// by pi/2 in three parts (n * part is exact while n < 2^16), then Cephes' minimax polynomials
// on [-pi/4, pi/4]; beyond 65536 (about 41700 quarter turns) the builtins
struct Quarter { s: f32, c: f32, q: u32 }
fn f_quarter(ax: f32) -> Quarter {
  let n = round(ax * 0.63661977236758134);
  let r = ((ax - n * 1.5703125) - n * 4.837512969970703125e-4) - n * 7.54978995489188216e-8;
  let z = r * r;
  let s = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
  let c = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
  return Quarter(s, c, u32(n) & 3u);
}
// the sign of x on y, by bits: drivers need not keep the sign of a float zero through arithmetic
fn f_with_sign_of(y: f32, x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(y) ^ (bitcast<u32>(x) & 0x80000000u)); }
// x rounded to the nearest float16 (ties to even), as f32: what storing into NumPy's float16 gives.
// By bits, not f16(x): WGSL leaves out-of-range conversions undefined, and NumPy overflows to infinity.
fn f_f16(x: f32) -> f32 {
  // zeros (of either sign) and NaN are kept as they are
  if (f_isnan(x) || x == 0.0) { return x; }
  let a = abs(x);
  if (a >= 65520.0) { return f_with_sign_of(f_inf(), x); }
  // below 2^-14 the step is 2^-24 (subnormal halves); round() goes to even
  if (a < 6.103515625e-5) { return f_with_sign_of(round(a * 16777216.0) * 5.9604644775390625e-8, x); }
  let u = bitcast<u32>(a);
  let rest = u & 0x1fffu;
  var r = u & 0xffffe000u;
  if (rest > 0x1000u || (rest == 0x1000u && (r & 0x2000u) != 0u)) { r = r + 0x2000u; }
  return f_with_sign_of(bitcast<f32>(r), x);
}
fn f_sin(x: f32) -> f32 {
  if (!f_isfinite(x)) { return f_nan(); }
  let ax = abs(x);
  if (ax > 65536.0) { return sin(x); }
  let t = f_quarter(ax);
  var v = t.s;
  if (t.q == 1u) { v = t.c; } else if (t.q == 2u) { v = -t.s; } else if (t.q == 3u) { v = -t.c; }
  return f_with_sign_of(v, x);
}
fn f_cos(x: f32) -> f32 {
  if (!f_isfinite(x)) { return f_nan(); }
  let ax = abs(x);
  if (ax > 65536.0) { return cos(x); }
  let t = f_quarter(ax);
  var v = t.c;
  if (t.q == 1u) { v = -t.s; } else if (t.q == 2u) { v = -t.c; } else if (t.q == 3u) { v = t.s; }
  return v;
}
fn f_tan(x: f32) -> f32 {
  if (!f_isfinite(x)) { return f_nan(); }
  let ax = abs(x);
  if (ax > 65536.0) { return tan(x); }
  let t = f_quarter(ax);
  var v = t.s / t.c;
  if ((t.q & 1u) == 1u) { v = -t.c / t.s; }
  return f_with_sign_of(v, x);
}
fn f_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn f_softplus(x: f32) -> f32 { if (f_isnan(x)) { return x; } if (x > 0.0) { return x + f_log1p(exp(-x)); } return f_log1p(exp(x)); }
fn f_relu(x: f32) -> f32 { if (f_isnan(x)) { return x; } return select(0.0, x, x > 0.0); }
fn f_max(a: f32, b: f32) -> f32 { if (f_isnan(a) || f_isnan(b)) { return f_nan(); } return max(a, b); }
fn f_min(a: f32, b: f32) -> f32 { if (f_isnan(a) || f_isnan(b)) { return f_nan(); } return min(a, b); }
fn f_clip(x: f32, lo: f32, hi: f32) -> f32 { if (f_isnan(x)) { return x; } return f_min(f_max(x, lo), hi); }
// C's fmod for finite a and nonzero b, exact: long division on the mantissas (as musl's fmodf;
// a float quotient, even with fma, is one off where a / b rounds to an integer)
fn f_fmod(a: f32, b: f32) -> f32 {
  if (!f_isfinite(b)) { return a; }
  let ux = bitcast<u32>(a);
  let uy = bitcast<u32>(b);
  let sx = ux & 0x80000000u;
  if ((ux << 1u) <= (uy << 1u)) {
    if ((ux << 1u) == (uy << 1u)) { return bitcast<f32>(sx); }
    return a;
  }
  var ex = i32((ux >> 23u) & 0xffu);
  var ey = i32((uy >> 23u) & 0xffu);
  var mx = ux & 0x7fffffu;
  var my = uy & 0x7fffffu;
  if (ex == 0) {
    var i = mx << 9u;
    loop { if ((i >> 31u) != 0u) { break; } ex = ex - 1; i = i << 1u; }
    mx = mx << u32(1 - ex);
  } else { mx = mx | 0x800000u; }
  if (ey == 0) {
    var i = my << 9u;
    loop { if ((i >> 31u) != 0u) { break; } ey = ey - 1; i = i << 1u; }
    my = my << u32(1 - ey);
  } else { my = my | 0x800000u; }
  loop {
    if (ex <= ey) { break; }
    if (mx >= my) {
      if (mx == my) { return bitcast<f32>(sx); }
      mx = mx - my;
    }
    mx = mx << 1u;
    ex = ex - 1;
  }
  if (mx >= my) {
    if (mx == my) { return bitcast<f32>(sx); }
    mx = mx - my;
  }
  loop { if ((mx >> 23u) != 0u) { break; } mx = mx << 1u; ex = ex - 1; }
  if (ex > 0) { mx = (mx - 0x800000u) | (u32(ex) << 23u); } else { mx = mx >> u32(1 - ex); }
  return bitcast<f32>(mx | sx);
}
// NumPy's floor remainder: the divisor's sign, and a zero remainder takes it too
fn f_mod(a: f32, b: f32) -> f32 {
  if (b == 0.0 || !f_isfinite(a) || f_isnan(b)) { return f_nan(); }
  let r = f_fmod(a, b);
  if (r == 0.0) { return f_with_sign_of(0.0, b); }
  if ((r < 0.0) != (b < 0.0)) { return r + b; }
  return r;
}
// NumPy's npy_divmod: floor((a - fmod(a, b)) / b), so that a == b * (a // b) + a % b
fn f_floordiv(a: f32, b: f32) -> f32 {
  let neg = f_signbit(a) != f_signbit(b);
  if (b == 0.0) {
    if (a == 0.0 || f_isnan(a)) { return f_nan(); }
    return select(f_inf(), -f_inf(), neg);
  }
  if (!f_isfinite(a) || f_isnan(b)) { return f_nan(); }
  let m = f_fmod(a, b);
  var div = (a - m) / b;
  if (m != 0.0 && ((b < 0.0) != (m < 0.0))) { div = div - 1.0; }
  if (div == 0.0) { return f_with_sign_of(f_with_sign_of(0.0, a), b); }
  let fl = floor(div);
  if (div - fl > 0.5) { return fl + 1.0; }
  return fl;
}
fn f_pow(a: f32, b: f32) -> f32 {
  // C99 and NumPy: 1 to any power (NaN included) and -1 to an infinite one are 1
  if (b == 0.0 || a == 1.0 || (a == -1.0 && !f_isfinite(b) && !f_isnan(b))) { return 1.0; }
  if (f_isnan(a) || f_isnan(b)) { return f_nan(); }
  let odd = abs(b) < 16777216.0 && trunc(b) == b && trunc(b * 0.5) != b * 0.5;
  if (a == 0.0) {
    let m = select(0.0, f_inf(), b < 0.0);
    return select(m, -m, odd && f_signbit(a));
  }
  if (a == -f_inf()) {
    let m = select(0.0, f_inf(), b > 0.0);
    return select(m, -m, odd);
  }
  let m = f_pow_abs(abs(a), b);
  if (a < 0.0) {
    if (trunc(b) != b) { return f_nan(); }
    if (odd) { return -m; }
  }
  return m;
}
fn i_floordiv(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) { return q - 1; }
  return q;
}
fn i_mod(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) { return r + b; }
  return r;
}
fn u_floordiv(a: u32, b: u32) -> u32 { if (b == 0u) { return 0u; } return a / b; }
fn u_mod(a: u32, b: u32) -> u32 { if (b == 0u) { return 0u; } return a % b; }
fn i_pow(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) != 0); }
    return 0;
  }
  var r = 1;
  var base = a;
  var e = b;
  loop {
    if (e == 0) { break; }
    if ((e & 1) != 0) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}
fn u_pow(a: u32, b: u32) -> u32 {
  var r = 1u;
  var base = a;
  var e = b;
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) != 0u) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}
${MATH_PRELUDE}`;

/** `code` (of WGSL type `t`) as a WGSL bool: nonzero (NaN included, as in NumPy). */
export function truthy(code: string, t: WgslScalar): string {
  switch (t) {
    case 'bool':
      return code;
    case 'f32':
      return `f_truthy(${code})`;
    case 'i32':
      return `(${code} != 0)`;
    case 'u32':
      return `(${code} != 0u)`;
    case 'I64':
      return `(!i64_is_zero(${code}))`;
  }
}

/** Wrap an i32/u32 value to the width of a narrow integer dtype (as storing into it would). */
export function wrap(code: string, d: DType): string {
  switch (d) {
    case 'float16':
      return `f_f16(${code})`;
    case 'int8':
      return `((${code} << 24u) >> 24u)`;
    case 'int16':
      return `((${code} << 16u) >> 16u)`;
    case 'uint8':
      return `(${code} & 255u)`;
    case 'uint16':
      return `(${code} & 65535u)`;
    default:
      return code;
  }
}

const ONE: Record<Exclude<WgslScalar, 'I64'>, [string, string]> = { f32: ['0.0', '1.0'], i32: ['0', '1'], u32: ['0u', '1u'], bool: ['false', 'true'] };

/** A value of WGSL type `f` (not bool) as an int64. */
function toInt64(code: string, f: 'f32' | 'i32' | 'u32'): string {
  return f === 'f32' ? `f_to_i64(${code})` : f === 'i32' ? `i64_from_i32(${code})` : `I64(${code}, 0u)`;
}

/** A value of dtype `from` (of WGSL type `f`, not bool) as an f32: 32- and 64-bit integers round to nearest in the prelude's functions, narrower ones convert exactly. */
function toF32(code: string, from: DType, f: WgslScalar): string {
  if (f === 'f32') return code;
  if (f === 'I64') return `i64_to_f32(${code})`;
  if (from === 'int32') return `i32_to_f32(${code})`;
  if (from === 'uint32') return `u64_to_f32(0u, ${code})`;
  return `f32(${code})`;
}

/** Convert a value of dtype `from` to dtype `to`, as storing it would (C-style: ints wrap). */
export function convert(code: string, from: DType, to: DType): string {
  if (from === to) return code;
  const f = valueType(from);
  const t = valueType(to);
  if (t === 'bool') return truthy(code, f);
  if (t === 'I64') return f === 'bool' ? `I64(select(0u, 1u, ${code}), 0u)` : f === 'I64' ? code : toInt64(code, f);
  if (f === 'bool') return `select(${ONE[t][0]}, ${ONE[t][1]}, ${code})`;
  if (t === 'f32') {
    const c = toF32(code, from, f);
    // narrowing to half precision rounds; widening from it is exact
    return to === 'float16' ? `f_f16(${c})` : c;
  }
  let c: string;
  if (f === 'f32') c = t === 'i32' ? `f_to_i32(${code})` : `f_to_u32(${code})`;
  // an int64 narrows to its low word
  else if (f === 'I64') c = t === 'i32' ? `bitcast<i32>((${code}).lo)` : `(${code}).lo`;
  else if (f === t) c = code;
  else c = `bitcast<${t}>(${code})`;
  return wrap(c, to);
}

/**
 * -0 as a value the shader compiler cannot see is constant (the entry
 * point's `nwg`, in scope wherever a kernel renders an expression, is
 * never 0): lavapipe compiles as if zeros had no sign, so a -0.0 literal,
 * or `bitcast<f32>(0x80000000u)`, came out +0 in arithmetic and through a
 * helper (x * -0 was +0 and x / -0 +inf for x = 1; f_max(-1, -0) +0), and
 * it folds x * 0.0 to +0 (inf and NaN times zero included), which a value
 * read at run time escapes.
 */
const NEGATIVE_ZERO = 'bitcast<f32>(select(0u, 0x80000000u, nwg.x != 0u))';
/** +0 as such a value: x * 0.0 of a literal came out +0 for a negative, infinite or NaN x. */
const POSITIVE_ZERO = 'bitcast<f32>(select(0x80000000u, 0u, nwg.x != 0u))';

/** A WGSL literal of `value` in dtype `d` (-0 as `NEGATIVE_ZERO`, for a kernel's entry point). */
export function literal(value: number, d: DType): string {
  switch (valueType(d)) {
    case 'bool':
      return value !== 0 && !Number.isNaN(value) ? 'true' : 'false';
    case 'u32':
      return `${value >>> 0}u`;
    case 'i32':
      if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
        throw new RangeError(`webgpu: the ${d} constant ${value} does not fit the int32 words WebGPU stores ${d} in`);
      }
      return value === -2147483648 ? 'bitcast<i32>(0x80000000u)' : `${value}i`;
    case 'I64':
      return int64Literal(value);
    case 'f32': {
      if (Number.isNaN(value)) return 'f_nan()';
      if (value === Infinity) return 'f_inf()';
      if (value === -Infinity) return '(-f_inf())';
      const v = d === 'float16' ? f16round(value) : Math.fround(value);
      if (Object.is(v, -0)) return NEGATIVE_ZERO;
      // an f32 literal in exponent form keeps every digit JavaScript prints
      return `(${v.toExponential()}f)`;
    }
  }
}

interface Rendered {
  readonly code: string;
  /** The WGSL type of `code`: comparisons and logic give bool, everything else the compute type. */
  readonly bool: boolean;
}

type Render = (a: readonly string[], t: WgslScalar) => string;
const same =
  (f: Render): ((a: readonly string[], t: WgslScalar) => Rendered) =>
  (a, t) => ({ code: f(a, t), bool: false });
const logic =
  (f: Render): ((a: readonly string[], t: WgslScalar) => Rendered) =>
  (a, t) => ({ code: f(a, t), bool: true });

/** Unary float math: the IR only builds these with a float compute dtype. */
const float = (f: string) => same((a, t) => {
  if (t !== 'f32') throw new Error(`webgpu: ${f} needs a float32 operand, got ${t}`);
  return `${f}(${a[0]})`;
});
const byType = (fns: Partial<Record<WgslScalar, Render>>, name: string) =>
  same((a, t) => {
    const f = fns[t];
    if (!f) throw new Error(`webgpu: ${name} is not defined on ${t} values`);
    return f(a, t);
  });
/** int64 orderings, from the prelude's one `i64_lt`. */
const I64_ORDER: Record<string, (x: string, y: string) => string> = {
  '<': (x, y) => `i64_lt(${x}, ${y})`,
  '<=': (x, y) => `(!i64_lt(${y}, ${x}))`,
  '>': (x, y) => `i64_lt(${y}, ${x})`,
  '>=': (x, y) => `(!i64_lt(${x}, ${y}))`,
};

/** For ordering comparisons bools compare as 0/1. */
const ordered = (op: string) =>
  logic((a, t) => {
    if (t === 'I64') return I64_ORDER[op]!(a[0]!, a[1]!);
    return t === 'bool' ? `(select(0u, 1u, ${a[0]}) ${op} select(0u, 1u, ${a[1]}))` : `(${a[0]} ${op} ${a[1]})`;
  });
/** `+`, `-` and `*`, or the prelude's int64 function for them. */
const arith = (op: string, fn: string) => same((a, t) => (t === 'I64' ? `${fn}(${a[0]}, ${a[1]})` : `(${a[0]} ${op} ${a[1]})`));

/** One rendering per scalar op; the mapped type makes a missing one a compile error. */
const OPS: { readonly [S in ScalarOpName]: (a: readonly string[], t: WgslScalar) => Rendered } = {
  // a space after the minus: the negation of a negative literal (-5i) must not read as the token --
  neg: byType({ f32: (a) => `(- ${a[0]})`, i32: (a) => `(- ${a[0]})`, u32: (a) => `(0u - ${a[0]})`, I64: (a) => `i64_neg(${a[0]})` }, 'neg'),
  abs: byType({ f32: (a) => `abs(${a[0]})`, i32: (a) => `abs(${a[0]})`, u32: (a) => a[0]!, bool: (a) => a[0]!, I64: (a) => `i64_abs(${a[0]})` }, 'abs'),
  sign: byType(
    { f32: (a) => `f_sign(${a[0]})`, i32: (a) => `i_sign(${a[0]})`, u32: (a) => `select(0u, 1u, ${a[0]} != 0u)`, I64: (a) => `i64_sign(${a[0]})` },
    'sign',
  ),
  exp: float('f_exp'),
  log: float('f_log'),
  log1p: float('f_log1p'),
  expm1: float('f_expm1'),
  sqrt: float('sqrt'),
  floor: float('floor'),
  ceil: float('ceil'),
  round: float('round'), // WGSL's round is half-to-even, as NumPy's
  sin: float('f_sin'),
  cos: float('f_cos'),
  tan: float('f_tan'),
  tanh: float('f_tanh'),
  // through the prelude's atan: some drivers' asin/acos are only good to ~1e-3, lavapipe's atan to 2e-5
  arcsin: float('f_asin'),
  arccos: float('f_acos'),
  arctan: float('f_atan'),
  sinh: float('f_sinh'),
  cosh: float('f_cosh'),
  sigmoid: float('f_sigmoid'),
  softplus: float('f_softplus'),
  relu: byType(
    { f32: (a) => `f_relu(${a[0]})`, i32: (a) => `max(${a[0]}, 0)`, u32: (a) => a[0]!, bool: (a) => a[0]!, I64: (a) => `i64_max(${a[0]}, I64(0u, 0u))` },
    'relu',
  ),
  not: logic((a, t) => `(!${truthy(a[0]!, t)})`),
  // WGSL's integer operators (a narrow dtype's result is wrapped into it after), int64 word by word
  invert: byType({ i32: (a) => `(~${a[0]})`, u32: (a) => `(~${a[0]})`, I64: (a) => `i64_not(${a[0]})` }, 'invert'),
  identity: same((a) => a[0]!),
  cast: same((a) => a[0]!),
  add: arith('+', 'i64_add'),
  sub: arith('-', 'i64_sub'),
  mul: arith('*', 'i64_mul'),
  truediv: float2('truediv', 'f_div'),
  intdiv: byType(call2({ f32: 'f_floordiv', i32: 'i_floordiv', u32: 'u_floordiv', I64: 'i64_floordiv' }), 'intdiv'),
  mod: byType(call2({ f32: 'f_mod', i32: 'i_mod', u32: 'u_mod', I64: 'i64_mod' }), 'mod'),
  pow: byType(call2({ f32: 'f_pow', i32: 'i_pow', u32: 'u_pow', I64: 'i64_pow' }), 'pow'),
  maximum: byType({ ...call2({ f32: 'f_max', i32: 'max', u32: 'max', I64: 'i64_max' }), bool: (a) => `(${a[0]} || ${a[1]})` }, 'maximum'),
  minimum: byType({ ...call2({ f32: 'f_min', i32: 'min', u32: 'min', I64: 'i64_min' }), bool: (a) => `(${a[0]} && ${a[1]})` }, 'minimum'),
  second: same((a) => a[1]!),
  eq: logic((a, t) => (t === 'I64' ? `i64_eq(${a[0]}, ${a[1]})` : t === 'f32' ? `f_eq(${a[0]}, ${a[1]})` : `(${a[0]} == ${a[1]})`)),
  // spelled out: some drivers compile f32 != as an ordered compare (false for NaN), and may fold x == x (the prelude's f_eq)
  neq: logic((a, t) => (t === 'I64' ? `(!i64_eq(${a[0]}, ${a[1]}))` : t === 'f32' ? `(!f_eq(${a[0]}, ${a[1]}))` : `(${a[0]} != ${a[1]})`)),
  lt: ordered('<'),
  le: ordered('<='),
  gt: ordered('>'),
  ge: ordered('>='),
  and: logic((a, t) => `(${truthy(a[0]!, t)} && ${truthy(a[1]!, t)})`),
  or: logic((a, t) => `(${truthy(a[0]!, t)} || ${truthy(a[1]!, t)})`),
  xor: logic((a, t) => `(${truthy(a[0]!, t)} != ${truthy(a[1]!, t)})`),
  bitand: byType(bitwise('&', 'i64_and'), 'bitand'),
  bitor: byType(bitwise('|', 'i64_or'), 'bitor'),
  bitxor: byType(bitwise('^', 'i64_xor'), 'bitxor'),
  // the condition arrives already as a WGSL bool (see renderExpr)
  switch: same((a, t) => `${t === 'I64' ? 'i64_select' : 'select'}(${a[2]}, ${a[1]}, ${a[0]})`),
  clip: byType(
    {
      f32: (a) => `f_clip(${a[0]}, ${a[1]}, ${a[2]})`,
      i32: (a) => `min(max(${a[0]}, ${a[1]}), ${a[2]})`,
      u32: (a) => `min(max(${a[0]}, ${a[1]}), ${a[2]})`,
      bool: (a) => `((${a[0]} || ${a[1]}) && ${a[2]})`,
      I64: (a) => `i64_min(i64_max(${a[0]}, ${a[1]}), ${a[2]})`,
    },
    'clip',
  ),
};

/** A binary op rendered as a call of one function per WGSL type. */
function call2(fns: Partial<Record<WgslScalar, string>>): Partial<Record<WgslScalar, Render>> {
  return Object.fromEntries(Object.entries(fns).map(([t, fn]) => [t, (a: readonly string[]) => `${fn}(${a[0]}, ${a[1]})`]));
}

/** A bitwise op of integers: WGSL's operator on i32 and u32, the int64 prelude's `i64` function (word by word). */
function bitwise(op: string, i64: string): Partial<Record<WgslScalar, Render>> {
  const infix: Render = (a) => `(${a[0]} ${op} ${a[1]})`;
  return { i32: infix, u32: infix, I64: (a) => `${i64}(${a[0]}, ${a[1]})` };
}

/** A float-only binary op rendered as a call of the prelude's `fn`. */
function float2(op: string, fn: string) {
  return same((a, t) => {
    if (t !== 'f32') throw new Error(`webgpu: ${op} needs float32 operands, got ${t}`);
    return `${fn}(${a[0]}, ${a[1]})`;
  });
}

/** Ops whose result is already a value of their dtype: no wrap to a narrow integer needed (not abs: int8's abs(-128) is -128). */
const EXACT = new Set<ScalarOpName>(['identity', 'second', 'switch', 'maximum', 'minimum', 'clip', 'relu', 'sign']);

/** Render a load's element index from the kernel's index variables. */
export type IndexFn = (strides: readonly number[], offset: number) => string;

/** WGSL of a constant of an expression, or undefined for its literal (render.ts reads integer constants from a uniform this way). */
export type ConstFn = (value: number, dtype: DType) => string | undefined;

/** WGSL reading element `i` (a u32 expression) of input `input`, of dtype `dtype`. */
function element(input: number, dtype: DType, i: string, packed: number): string {
  const at = `in${input}[${i}]`;
  if (dtype === 'bool') return `(${at} != 0u)`;
  if (dtype === 'float16') {
    // packed, a float16 input holds two halves a word, its offsets counted in halves (render.ts's pack)
    if (input !== packed) return `f32(${at})`;
    return `unpack2x16float(in${input}[(${i}) >> 1u])[(${i}) & 1]`;
  }
  if (dtype === 'int64' && input === packed) {
    // packed, an int64 input's offsets count its own elements, two words each (render.ts's pack)
    return `I64(in${input}[2 * (${i})], in${input}[2 * (${i}) + 1])`;
  }
  // the packed binding holds raw 32-bit words of several inputs
  return input === packed && storageType(dtype) !== 'u32' ? `bitcast<${storageType(dtype)}>(${at})` : at;
}

/**
 * WGSL for expression `e`, a value of WGSL type `valueType(e.dtype)`, in
 * one piece (kernels render through statements.ts's `renderStatements`,
 * which binds deep and shared subexpressions to `let`s).
 * `reduced` names the WGSL variable holding the reduced value, where `e` is
 * a reduction's or a matmul's epilogue (the only place a `reduced` leaf may
 * appear). `constant` writes the constants it answers for (else literals).
 */
export function renderExpr(e: ScalarExpr, index: IndexFn, packed = -1, reduced?: string, constant?: ConstFn): string {
  const args = operandsOf(e).map((a) => renderExpr(a, index, packed, reduced, constant));
  return renderNode(e, args, index, packed, reduced, constant);
}

/** WGSL for node `e` given its operands' WGSL (`args`, in `operandsOf`'s order); the other arguments as `renderExpr`'s. */
export function renderNode(e: ScalarExpr, args: readonly string[], index: IndexFn, packed = -1, reduced?: string, constant?: ConstFn): string {
  switch (e.kind) {
    case 'const':
      // a float zero of an expression (x * 0) is a value read at run time, never a literal (see NEGATIVE_ZERO)
      if (e.value === 0 && !Object.is(e.value, -0) && valueType(e.dtype) === 'f32') return POSITIVE_ZERO;
      return constant?.(e.value, e.dtype) ?? literal(e.value, e.dtype);
    case 'reduced':
      if (reduced === undefined) throw new Error('webgpu: a reduced value outside an epilogue');
      return reduced;
    case 'load':
      return element(e.input, e.dtype, index(e.strides, e.offset), packed);
    // the index is an i32 the kernel keeps in range
    case 'gather':
      return element(e.input, e.dtype, `u32(${args[0]})`, packed);
    case 'apply': {
      if (e.computeDType === 'float64' || e.dtype === 'float64') {
        throw new TypeError(`webgpu: this graph computes ${e.op} in float64. ${FLOAT64_ADVICE}.`);
      }
      const converted = e.args.map((a, i) => {
        const code = args[i]!;
        if (e.op === 'switch' && i === 0) return truthy(code, valueType(a.dtype));
        // an integer 0 computed in f32 (x * 0 of a float x) is +0 read at run time too, not f32(0)
        if (a.kind === 'const' && a.value === 0 && valueType(e.computeDType) === 'f32' && valueType(a.dtype) !== 'f32') return POSITIVE_ZERO;
        return convert(code, a.dtype, e.computeDType);
      });
      // a compiler may fold a - a to 0 and regroup sums and constant products (regroupOperand, @sym/graph): the
      // operand it names is times a 1 the compiler cannot see (as NEGATIVE_ZERO)
      const apart = regroupOperand(e);
      if (apart >= 0) converted[apart] = `(${converted[apart]} * bitcast<f32>(select(0u, 0x3f800000u, nwg.x != 0u)))`;
      const r = OPS[e.op](converted, valueType(e.computeDType));
      const from: DType = r.bool ? 'bool' : e.computeDType;
      if (from !== e.dtype) return convert(r.code, from, e.dtype);
      return EXACT.has(e.op) ? r.code : wrap(r.code, e.dtype);
    }
  }
}
