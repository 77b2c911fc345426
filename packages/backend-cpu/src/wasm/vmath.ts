/**
 * float32x4 approximations of exp, log, sin, cos, tanh and sigmoid for the
 * generated WebAssembly kernels: Cephes' single-precision polynomials with
 * their range reductions, accurate to a few ulp (well inside the float32
 * tolerances of the conformance suite). Special values follow IEEE/NumPy:
 * NaN propagates, exp overflows to inf and gives subnormal results down to
 * 2^-149, log(0) = -inf, log(x<0) = NaN, log of a subnormal is finite.
 * sin/cos lanes with |x| >= 8192 (where the Cody-Waite reduction loses
 * accuracy) are recomputed by the imported JavaScript Math functions, in a
 * second pass over the row when the kernel asks for one (`slowLanes`).
 */
import { Code, V128 } from './encoder.js';

export interface Emit {
  readonly c: Code;
  /** A fresh v128 local. */
  v128(): number;
  /** Index of an imported JS function (f64 -> f64) by name. */
  importIndex(name: 'sin' | 'cos'): number;
  /**
   * Where lanes that need JavaScript (sin/cos of big arguments) go: a v128
   * local that they are or-ed into, for a second, slow pass over the row;
   * undefined: they call JavaScript in place. A call inside the loop costs
   * every vector (live values spill around it), even when it never runs.
   */
  slowLanes: number | undefined;
}

function f32Bytes(x: number): number[] {
  const b = new Uint8Array(new Float32Array([x]).buffer);
  return [...b];
}
function i32Bytes(x: number): number[] {
  const b = new Uint8Array(new Int32Array([x]).buffer);
  return [...b];
}
/** Push a float32x4 constant. */
export function fconst(c: Code, x: number): Code {
  const b = f32Bytes(x);
  return c.v128Const([...b, ...b, ...b, ...b]);
}
/** Push an int32x4 constant. */
export function iconst(c: Code, x: number): Code {
  const b = i32Bytes(x);
  return c.v128Const([...b, ...b, ...b, ...b]);
}

/** Horner: push p(x) for coefficients from the highest degree down, x in local `x`. */
function horner(c: Code, x: number, coeffs: readonly number[]): void {
  fconst(c, coeffs[0]!);
  for (const k of coeffs.slice(1)) {
    c.get(x).f32x4Mul();
    fconst(c, k).f32x4Add();
  }
}

/**
 * 1.5 * 2^23: adding it to a float of magnitude below 2^22 rounds it to the
 * nearest integer, which then sits in the low mantissa bits of the sum (two's
 * complement). Cheaper than floor + truncating conversion, which engines
 * expand to several instructions per lane for NaN and overflow handling.
 */
const ROUNDER = 12582912;

/**
 * exp(x) with x in local `x`; leaves the result on the stack. The scale 2^k
 * is applied as two factors 2^(k >> 1) and 2^(k - (k >> 1)), each a normal
 * float for every k in [-150, 128]: results down to the subnormal range are
 * rounded once (by the second product), and overflow and underflow come out
 * of the same products, so x clamped to [-104, 89] needs no select after
 * (exp(-104) < 2^-150 rounds to 0, exp(89) > FLT_MAX overflows to inf).
 */
export function emitExp(e: Emit, x: number): void {
  const { c } = e;
  const xc = e.v128();
  const kf = e.v128();
  const fx = e.v128();
  const r = e.v128();
  const half = e.v128();
  // clamp; NaN passes through, as x is the first operand of both pseudo-min/max
  c.get(x);
  fconst(c, 89).f32x4Pmin();
  fconst(c, -104).f32x4Pmax().set(xc);
  // fx = nearest(x * log2(e)), also held as integer bits in kf
  c.get(xc);
  fconst(c, 1.44269504088896341).f32x4Mul();
  fconst(c, ROUNDER).f32x4Add().tee(kf);
  fconst(c, ROUNDER).f32x4Sub().set(fx);
  // r = x - fx * ln2 (in two parts)
  c.get(xc).get(fx);
  fconst(c, 0.693359375).f32x4Mul().f32x4Sub().get(fx);
  fconst(c, -2.12194440e-4).f32x4Mul().f32x4Sub().set(r);
  // y = poly(r) * r^2 + r + 1
  horner(c, r, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]);
  c.get(r).get(r).f32x4Mul().f32x4Mul().get(r).f32x4Add();
  fconst(c, 1).f32x4Add();
  // * 2^(k >> 1) * 2^(k - (k >> 1)), built in the exponent bits. kf's bits are ROUNDER's (an even number C whose
  // C/2 << 23 vanishes mod 2^32) plus k, so (kf >> 1) << 23 is (k >> 1) << 23 and (kf - (kf >> 1)) << 23 the rest
  c.get(kf).i32(1).i32x4ShrS().tee(half).i32(23).i32x4Shl();
  iconst(c, 127 << 23).i32x4Add().f32x4Mul();
  c.get(kf).get(half).i32x4Sub().i32(23).i32x4Shl();
  iconst(c, 127 << 23).i32x4Add().f32x4Mul();
}

/** log(x) with x in local `x`. */
export function emitLog(e: Emit, x: number): void {
  const { c } = e;
  const m = e.v128();
  const ex = e.v128();
  const z = e.v128();
  const small = e.v128();
  const xs = e.v128();
  const sub = e.v128();
  // a subnormal x (no implicit leading one: its bits are not exponent and mantissa) is scaled by 2^23 into the
  // normal range first, and 23 taken off its exponent; negative x and zeros take the mask too, harmlessly, as
  // they get their special values below
  c.get(x);
  fconst(c, 2 ** -126).f32x4Lt().set(sub);
  c.get(x);
  fconst(c, 2 ** 23).f32x4Mul().get(x).get(sub).v128Bitselect().set(xs);
  // exponent and mantissa in [0.5, 1)
  c.get(xs).i32(23).i32x4ShrS();
  iconst(c, 0xff).v128And();
  iconst(c, 126).i32x4Sub().get(sub);
  iconst(c, 23).v128And().i32x4Sub().f32x4ConvertI32x4S().set(ex);
  c.get(xs);
  iconst(c, 0x807fffff | 0).v128And();
  iconst(c, 0x3f000000).v128Or().set(m);
  // if m < sqrt(1/2): e -= 1, m = 2m - 1; else m = m - 1
  c.get(m);
  fconst(c, 0.707106781186547524).f32x4Lt().set(small);
  c.get(ex);
  fconst(c, 1).get(small).v128And().f32x4Sub().set(ex);
  c.get(m).get(m).get(small).v128And().f32x4Add();
  fconst(c, 1).f32x4Sub().set(m);
  c.get(m).get(m).f32x4Mul().set(z);
  horner(c, m, [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1]);
  c.get(m).f32x4Mul().get(z).f32x4Mul();
  c.get(ex);
  fconst(c, -2.12194440e-4).f32x4Mul().f32x4Add();
  c.get(z);
  fconst(c, -0.5).f32x4Mul().f32x4Add();
  c.get(m).f32x4Add().get(ex);
  fconst(c, 0.693359375).f32x4Mul().f32x4Add();
  // special values: x == 0 -> -inf, x < 0 or NaN -> NaN, x == inf -> inf
  const y = e.v128();
  c.set(y);
  fconst(c, -Infinity).get(y).get(x);
  fconst(c, 0).f32x4Eq().v128Bitselect().set(y);
  c.get(y);
  fconst(c, NaN).get(x);
  fconst(c, 0).f32x4Ge().v128Bitselect().set(y); // x >= 0 keeps y; x < 0 and NaN take NaN
  c.get(x).get(y).get(x);
  fconst(c, Infinity).f32x4Eq().v128Bitselect();
}

/**
 * sin(x) (cos when `cos`), with x in local `x`: x = n * pi/2 + r with
 * |r| <= pi/4 (Cody-Waite in three parts), then the sine or cosine
 * polynomial of r and the sign by the quadrant n mod 4. Lanes with
 * |x| >= 8192 (where the reduction loses accuracy) or inf/NaN are
 * recomputed by the imported JavaScript functions.
 */
export function emitSinCos(e: Emit, x: number, cos: boolean): void {
  const { c } = e;
  const q = e.v128();
  const n = e.v128();
  const r = e.v128();
  const z = e.v128();
  const s = e.v128();
  const y = e.v128();
  // n = nearest(x * 2/pi), its integer in the low bits of q (plus one quadrant for cos)
  c.get(x);
  fconst(c, 0.636619772367581343).f32x4Mul();
  fconst(c, ROUNDER).f32x4Add().tee(q);
  fconst(c, ROUNDER).f32x4Sub().set(n);
  if (cos) {
    c.get(q);
    iconst(c, 1).i32x4Add().set(q);
  }
  // r = x - n * pi/2; each part's product with n is exact for |x| < 8192
  c.get(x).get(n);
  fconst(c, 1.5703125).f32x4Mul().f32x4Sub().get(n);
  fconst(c, 4.837512969970703125e-4).f32x4Mul().f32x4Sub().get(n);
  fconst(c, 7.54978995489188216e-8).f32x4Mul().f32x4Sub().set(r);
  c.get(r).get(r).f32x4Mul().set(z);
  // sin polynomial
  horner(c, z, [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1]);
  c.get(z).f32x4Mul().get(r).f32x4Mul().get(r).f32x4Add().set(s);
  // cos polynomial
  horner(c, z, [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2]);
  c.get(z).f32x4Mul().get(z).f32x4Mul().get(z);
  fconst(c, -0.5).f32x4Mul().f32x4Add();
  fconst(c, 1).f32x4Add();
  // odd quadrants take the cosine polynomial: bit 0 of q spread over the lane as a mask
  c.get(s).get(q).i32(31).i32x4Shl().i32(31).i32x4ShrS().v128Bitselect();
  // quadrants 2 and 3 are negated: bit 1 of q moved to the sign bit
  c.get(q).i32(30).i32x4Shl();
  iconst(c, 0x80000000 | 0).v128And().v128Xor().set(y);
  if (!cos) {
    // sin(-0) is -0, which the sum r + r^3 p(r^2) turns into +0
    c.get(x).get(y).get(x);
    fconst(c, 0).f32x4Eq().v128Bitselect().set(y);
  }
  // big arguments (|x| >= 8192, or inf/NaN which the reduction garbles): JavaScript per lane
  c.get(x).f32x4Abs();
  fconst(c, 8192).f32x4Ge().get(x).get(x).f32x4Ne().v128Or();
  if (e.slowLanes !== undefined) {
    c.get(e.slowLanes).v128Or().set(e.slowLanes).get(y);
    return;
  }
  c.v128AnyTrue().if_();
  {
    const fn = e.importIndex(cos ? 'cos' : 'sin');
    for (let lane = 0; lane < 4; lane++) {
      c.get(y).get(x).f32x4ExtractLane(lane).f64PromoteF32().call(fn).f32DemoteF64().f32x4ReplaceLane(lane).set(y);
    }
    // lanes that were fine keep the polynomial (recomputed lanes are exact anyway)
  }
  c.end();
  c.get(y);
}

/** tanh(x): odd polynomial below |x| < 0.625, else 1 - 2 / (exp(2|x|) + 1) with the sign of x. */
export function emitTanh(e: Emit, x: number): void {
  const { c } = e;
  const z = e.v128();
  const p = e.v128();
  const t = e.v128();
  const ax2 = e.v128();
  c.get(x).get(x).f32x4Mul().set(z);
  horner(c, z, [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1]);
  c.get(z).f32x4Mul().get(x).f32x4Mul().get(x).f32x4Add().set(p);
  // tanh keeps the sign of x, -0 included
  c.get(p);
  iconst(c, 0x7fffffff).v128And().get(x);
  iconst(c, 0x80000000 | 0).v128And().v128Or().set(p);
  c.get(x).f32x4Abs();
  fconst(c, 2).f32x4Mul().set(ax2);
  emitExp(e, ax2);
  c.set(t);
  fconst(c, 1);
  fconst(c, 2).get(t);
  fconst(c, 1).f32x4Add().f32x4Div().f32x4Sub();
  // copy the sign of x
  c.get(x);
  iconst(c, 0x80000000 | 0).v128And().v128Or().set(t);
  c.get(p).get(t).get(x).f32x4Abs();
  fconst(c, 0.625).f32x4Lt().v128Bitselect();
}

/**
 * sigmoid(x): 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with
 * e = exp(-|x|), so that sigmoid of a large negative x is its (subnormal)
 * exp(x) rather than 1 / inf.
 */
export function emitSigmoid(e: Emit, x: number): void {
  const { c } = e;
  const nx = e.v128();
  const ex = e.v128();
  c.get(x);
  iconst(c, 0x80000000 | 0).v128Or().set(nx);
  emitExp(e, nx);
  c.tee(ex);
  fconst(c, 1).get(x);
  fconst(c, 0).f32x4Lt().v128Bitselect();
  fconst(c, 1).get(ex).f32x4Add().f32x4Div();
}

export { V128 };
