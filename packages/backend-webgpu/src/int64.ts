/**
 * int64 on WebGPU. WGSL has no 64-bit integers, so an int64 value is a
 * struct of two u32 words, two's complement, low word first (`I64`), and
 * every operation the kernel IR asks of int64 is a function here, computed
 * word by word. It wraps at 64 bits, as NumPy's int64 does; the host side
 * (a Float64Array) is exact to 2^53.
 *
 * A shader gets those of these functions it calls (prelude.ts's
 * `linkPrelude`), as it does the other helpers.
 */

/** The WGSL struct and functions of int64 values; they call `f_isfinite`, `f_to_i32` and `u64_to_f32` of scalar.ts's PRELUDE. */
export const I64_PRELUDE = /* wgsl */ `
struct I64 { lo: u32, hi: u32 }
fn i64_from_i32(x: i32) -> I64 { return I64(bitcast<u32>(x), select(0u, 0xffffffffu, x < 0)); }
fn i64_is_neg(a: I64) -> bool { return (a.hi & 0x80000000u) != 0u; }
fn i64_is_zero(a: I64) -> bool { return (a.lo | a.hi) == 0u; }
fn i64_eq(a: I64, b: I64) -> bool { return a.lo == b.lo && a.hi == b.hi; }
fn i64_lt(a: I64, b: I64) -> bool {
  let ah = bitcast<i32>(a.hi);
  let bh = bitcast<i32>(b.hi);
  return ah < bh || (ah == bh && a.lo < b.lo);
}
// unsigned order, for the magnitudes of division
fn u64_lt(a: I64, b: I64) -> bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo); }
fn i64_select(f: I64, t: I64, c: bool) -> I64 { if (c) { return t; } return f; }
fn i64_max(a: I64, b: I64) -> I64 { if (i64_lt(a, b)) { return b; } return a; }
fn i64_min(a: I64, b: I64) -> I64 { if (i64_lt(b, a)) { return b; } return a; }
fn i64_add(a: I64, b: I64) -> I64 {
  let lo = a.lo + b.lo;
  return I64(lo, a.hi + b.hi + select(0u, 1u, lo < a.lo));
}
fn i64_sub(a: I64, b: I64) -> I64 { return I64(a.lo - b.lo, a.hi - b.hi - select(0u, 1u, a.lo < b.lo)); }
fn i64_neg(a: I64) -> I64 { return i64_sub(I64(0u, 0u), a); }
fn i64_and(a: I64, b: I64) -> I64 { return I64(a.lo & b.lo, a.hi & b.hi); }
fn i64_or(a: I64, b: I64) -> I64 { return I64(a.lo | b.lo, a.hi | b.hi); }
fn i64_xor(a: I64, b: I64) -> I64 { return I64(a.lo ^ b.lo, a.hi ^ b.hi); }
fn i64_not(a: I64) -> I64 { return I64(~a.lo, ~a.hi); }
// |INT64_MIN| stays INT64_MIN, which read unsigned is 2^63: right for division
fn i64_abs(a: I64) -> I64 { if (i64_is_neg(a)) { return i64_neg(a); } return a; }
fn i64_sign(a: I64) -> I64 {
  if (i64_is_neg(a)) { return I64(0xffffffffu, 0xffffffffu); }
  return I64(select(1u, 0u, i64_is_zero(a)), 0u);
}
// the full 64-bit product of two u32, from four 16-bit products
fn u32_mul_wide(a: u32, b: u32) -> I64 {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return I64((p00 & 0xffffu) | (mid << 16u), a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u));
}
// the low 64 bits of the product: the cross terms only reach the high word (u32 products wrap)
fn i64_mul(a: I64, b: I64) -> I64 {
  let p = u32_mul_wide(a.lo, b.lo);
  return I64(p.lo, p.hi + a.lo * b.hi + a.hi * b.lo);
}
struct U64DivMod { q: I64, r: I64 }
// unsigned n / d and n % d (d nonzero): one u32 division when both fit a word, else shift and subtract
fn u64_divmod(n: I64, d: I64) -> U64DivMod {
  if (n.hi == 0u && d.hi == 0u) { return U64DivMod(I64(n.lo / d.lo, 0u), I64(n.lo % d.lo, 0u)); }
  var q = I64(0u, 0u);
  var r = I64(0u, 0u);
  for (var i: i32 = 63; i >= 0; i = i - 1) {
    let bit = select(n.lo >> u32(i), n.hi >> u32(i - 32), i >= 32) & 1u;
    r = I64((r.lo << 1u) | bit, (r.hi << 1u) | (r.lo >> 31u));
    if (!u64_lt(r, d)) {
      r = i64_sub(r, d);
      if (i >= 32) { q.hi = q.hi | (1u << u32(i - 32)); } else { q.lo = q.lo | (1u << u32(i)); }
    }
  }
  return U64DivMod(q, r);
}
// NumPy's floor division; a zero divisor gives 0, as for the other integers
fn i64_floordiv(a: I64, b: I64) -> I64 {
  if (i64_is_zero(b)) { return b; }
  let qr = u64_divmod(i64_abs(a), i64_abs(b));
  if (i64_is_neg(a) == i64_is_neg(b)) { return qr.q; }
  let q = i64_neg(qr.q);
  if (i64_is_zero(qr.r)) { return q; }
  return i64_sub(q, I64(1u, 0u));
}
// NumPy's floor remainder: the divisor's sign; a zero divisor gives 0
fn i64_mod(a: I64, b: I64) -> I64 {
  if (i64_is_zero(b)) { return b; }
  var r = u64_divmod(i64_abs(a), i64_abs(b)).r;
  if (i64_is_zero(r)) { return r; }
  if (i64_is_neg(a)) { r = i64_neg(r); }
  if (i64_is_neg(r) != i64_is_neg(b)) { r = i64_add(r, b); }
  return r;
}
fn i64_pow(a: I64, b: I64) -> I64 {
  if (i64_is_neg(b)) {
    if (a.lo == 1u && a.hi == 0u) { return a; }
    if (a.lo == 0xffffffffu && a.hi == 0xffffffffu) { return i64_select(I64(1u, 0u), a, (b.lo & 1u) != 0u); }
    return I64(0u, 0u);
  }
  var r = I64(1u, 0u);
  var base = a;
  var e = b;
  loop {
    if (i64_is_zero(e)) { break; }
    if ((e.lo & 1u) != 0u) { r = i64_mul(r, base); }
    base = i64_mul(base, base);
    e = I64((e.lo >> 1u) | (e.hi << 31u), e.hi >> 1u);
  }
  return r;
}
// the nearest f32, ties to even (u64_to_f32 of scalar.ts's PRELUDE on the magnitude)
fn i64_to_f32(a: I64) -> f32 {
  let m = i64_abs(a);
  let v = u64_to_f32(m.hi, m.lo);
  return select(v, -v, i64_is_neg(a));
}
// truncate, wrap modulo 2^64; NaN and infinities give 0, as the reference's cast does.
// From 2^31 on a float32 is a multiple of 256, so both words come out exact.
fn f_to_i64(x: f32) -> I64 {
  if (!f_isfinite(x)) { return I64(0u, 0u); }
  if (abs(x) < 2147483648.0) { return i64_from_i32(i32(x)); }
  let hi = floor(x / 4294967296.0);
  return I64(u32(x - hi * 4294967296.0), bitcast<u32>(f_to_i32(hi)));
}
`;

/**
 * The two's complement words (low, high; unsigned) of the integer `value` as
 * an int64. 2^63 is INT64_MAX's: the host keeps that double for it (the
 * nearest to 2^63 - 1), where wrapping would make it INT64_MIN.
 */
export function int64Words(value: number): [number, number] {
  if (value === 2 ** 63) return [0xffffffff, 0x7fffffff];
  const words = BigInt.asUintN(64, BigInt(value));
  return [Number(words & 0xffffffffn), Number(words >> 32n)];
}

/** A WGSL literal of the integer `value` as an int64. */
export function int64Literal(value: number): string {
  if (!Number.isInteger(value)) throw new RangeError(`webgpu: the int64 constant ${value} is not an integer`);
  const [lo, hi] = int64Words(value);
  return `I64(${lo}u, ${hi}u)`;
}

/** The int64 extremes, for max/min accumulators (the host's ±2^53 would cut wrapped values off). */
export const INT64_MIN_LITERAL = 'I64(0u, 0x80000000u)';
export const INT64_MAX_LITERAL = 'I64(0xffffffffu, 0x7fffffffu)';
