/**
 * Scalar helper functions every kernel may call, as JavaScript sources that
 * gpu.js translates (to GLSL, or runs as they are in its cpu mode). They
 * exist where the shader built-ins differ from NumPy's semantics: GLSL's
 * `max` drops NaN, `pow` of a negative base is undefined, `tanh` overflows
 * to NaN, and float division of integers may be off by one ulp.
 *
 * All values are float32; integers are stored exactly while |v| <= 2^24.
 * NaN and infinity are made at run time from an argument (the square root
 * of a negative number, exp of a large one): inside functions the shader
 * compiler folds a constant 0/0 or 1/0 to the largest float.
 */

import { MOD_HELPER_SOURCES } from './mod-helpers.js';

/** The helpers' names, as generated code calls them. */
export const HELPER_NAMES = [
  'symNaN',
  'symTruthy',
  'symInt',
  'symTrunc64',
  'symBool',
  'symSign',
  'symRound',
  'symTanh',
  'symExp',
  'symSinh',
  'symCosh',
  'symLogPoly',
  'symLog',
  'symLog1p',
  'symExpm1',
  'symTrigN',
  'symTrigR',
  'symPolySin',
  'symPolyCos',
  'symQuarter',
  'symSin',
  'symCos',
  'symTan',
  'symSigmoid',
  'symSoftplus',
  'symRelu',
  'symMax',
  'symMin',
  'symClip',
  'symPowAbs',
  'symPow',
  'symIntDiv',
  'symFmodScale',
  'symFmodStep',
  'symFmodScaled',
  'symFmod',
  'symFloatMod',
  'symFloatDiv',
  'symDivZero',
  'symZeroDiv',
  'symMulZero',
  'symSub',
  'symHideOne',
  'symHideZero',
  'symIntMod',
  'symMulLow16',
  'symPowNegInt',
  'symPowWrap',
  'symPowRound',
  'symAtan',
  'symAsin',
  'symAcos',
  'symBitOp',
  'symBitwise',
] as const;

/**
 * The helper sources. Written in the subset of JavaScript gpu.js accepts:
 * numbers only, `let`/`const`, `if`, ternaries; NaN is made as 0/0 at run
 * time because GLSL has no literal for it.
 *
 * Every helper computes its candidates first and chooses by ternaries of
 * names or literals: no `if`, one `return`. Chromium's WebGL2 on SwiftShader
 * compiles a loop body in time exponential in its branches (an early return
 * or a ternary of computed arms is one), and a reduction's loop may hold
 * dozens of these calls: a gather's index arithmetic fused into it, or the
 * elementwise work (exp, log, tanh, ...) fused before it
 * (test/helper-branches.test.ts).
 */
export const HELPER_SOURCES: readonly string[] = [
  `function symNaN(x) { return Math.sqrt(-1.0 - Math.abs(x)); }`,
  // NumPy truthiness: only zeros are false; NaN is true (tested explicitly: drivers may fold NaN compares)
  `function symTruthy(x) { return (x !== 0.0 || x !== x) ? 1.0 : 0.0; }`,
  // C-style wrap of an integer into a range of size m, offset h (h = m/2 for signed types). An integer zero is
  // +0 (here and in symTrunc64): -x of 0, 0 * -3 and trunc(-0.5) made -0, and a float conversion of it kept the
  // sign (1 / float(-x) was -inf for x = 0)
  `function symInt(x, m, h) {
    const t = Math.trunc(x);
    const r = t - m * Math.floor((t + h) / m);
    const z = (r === 0.0) ? 0.0 : r;
    return (x !== x || Math.abs(x) > 1.0e30) ? 0.0 : z;
  }`,
  `function symTrunc64(x) {
    const t = Math.trunc(x);
    const z = (t === 0.0) ? 0.0 : t;
    return (x !== x || Math.abs(x) > 1.0e30) ? 0.0 : z;
  }`,
  // a value stored into a bool: NumPy's astype(bool), NaN True as in symTruthy (it gave NaN False, where NumPy and the CPU give True)
  `function symBool(x) { return (x !== 0.0 || x !== x) ? 1.0 : 0.0; }`,
  // |x| for a zero, not the literal 0.0: llvmpipe turned the branches' (x < 0 ? -1.0 : 0.0) into -(x < 0 ? 1 : 0),
  // which is -0 for x = 0 (np.sign(0) is +0), and arctan2(sign(0), -1) gave -pi
  `function symSign(x) {
    const a = Math.abs(x);
    const p = (x > 0.0) ? 1.0 : -1.0;
    const s = (x !== 0.0) ? p : a;
    return (x !== x) ? x : s;
  }`,
  // round half to even, as NumPy's round; a zero keeps x's sign (round(-0.5) is -0: f + 1 of f = -1 is +0)
  `function symRound(x) {
    const f = Math.floor(x);
    const d = x - f;
    const up = f + 1.0;
    const half = f * 0.5;
    const even = (half === Math.floor(half)) ? f : up;
    const below = (d < 0.5) ? f : even;
    const r = (d > 0.5) ? up : below;
    const nz = -Math.abs(r);
    const s = (r === 0.0 && x < 0.0) ? nz : r;
    return (x !== x || Math.abs(x) > 8388608.0) ? x : s;
  }`,
  // Cephes' tanhf: an odd polynomial below 0.625, where (e - 1) / (e + 1) with e = exp(2x) loses digits to
  // the rounding of e (8e-5 relative at 8.7e-4 on llvmpipe); 1 - 2 / (exp(2|x|) + 1) above, and +-1 past 10,
  // before exp overflows (the built-in tanh is sinh / cosh, NaN there)
  `function symTanh(x) {
    const a = Math.abs(x);
    const z = x * x;
    const p = (((-0.00570498872745 * z + 0.0206390887954) * z - 0.0537397155531) * z + 0.133314422036) * z - 0.333332819422;
    const small = x + x * z * p;
    const t = 1.0 - 2.0 / (Math.exp(2.0 * a) + 1.0);
    const nt = -t;
    const mid = (x < 0.0) ? nt : t;
    const big = (x > 0.0) ? 1.0 : -1.0;
    const v = (a < 0.625) ? small : mid;
    const r = (a > 10.0) ? big : v;
    return (x !== x || x === 0.0) ? x : r;
  }`,
  // NaN in, NaN out, whatever the driver's built-in does with it (SwiftShader's exp(NaN) is inf, its log(NaN) 89)
  `function symExp(x) {
    const e = Math.exp(x);
    return (x !== x) ? x : e;
  }`,
  `function symSinh(x) {
    const e = Math.exp(Math.abs(x));
    const s = 0.5 * (e - 1.0 / e);
    const ns = -s;
    const v = (x < 0.0) ? ns : s;
    return (x !== x || Math.abs(x) < 0.0005) ? x : v;
  }`,
  `function symCosh(x) {
    const e = Math.exp(Math.abs(x));
    const c = 0.5 * (e + 1.0 / e);
    return (x !== x) ? x : c;
  }`,
  // log(1 + f) for f in [sqrt(1/2) - 1, sqrt(2) - 1], Cephes' logf polynomial: the built-in log is only
  // accurate in absolute terms near 1 (3e-4 relative at log(0.9999) on llvmpipe), where log1p and expm1 need it
  `function symLogPoly(f) {
    const z = f * f;
    let p = 0.070376836292 * f - 0.11514610310;
    p = p * f + 0.11676998740;
    p = p * f - 0.12420140846;
    p = p * f + 0.14249322787;
    p = p * f - 0.16668057665;
    p = p * f + 0.20000714765;
    p = p * f - 0.24999993993;
    p = p * f + 0.33333331174;
    return (f * z * p - 0.5 * z) + f;
  }`,
  // log(0) is -Infinity and log of a negative number NaN, whatever the driver's log does there (SwiftShader's log(0) is -88);
  // near 1 the polynomial on x - 1 (exact there); subnormal x reads as zero in the shader (GLSL ES lets drivers flush it): -Infinity
  `function symLog(x) {
    const ninf = -Math.exp(1000.0 + Math.abs(x));
    const nan = symNaN(x);
    const poly = symLogPoly(x - 1.0);
    const l = Math.log(x);
    const near = (x > 0.70710678118654752 && x < 1.41421356237309505) ? poly : l;
    const pos = (x < 0.0) ? nan : near;
    const r = (x === 0.0) ? ninf : pos;
    return (x !== x) ? x : r;
  }`,
  // x itself into log's polynomial while 1 + x is near 1, so 1 + x is never rounded; beyond, log(1 + x),
  // whose rounding costs under 2e-7 relative there. Not Goldberg's log(u) * x / (u - 1) with u = 1 + x:
  // llvmpipe's compiler folds (1 + x) - 1 to x and 1 + x == 1 to x == 0, which gave log1p(1e-10) = 0
  `function symLog1p(x) {
    const poly = symLogPoly(x);
    const l = symLog(1.0 + x);
    const r = (x > -0.29289321881345248 && x < 0.41421356237309505) ? poly : l;
    return (x !== x || x === 0.0) ? x : r;
  }`,
  // Taylor below 0.01 (relative error under 2e-12); above, (u - 1) * x / log(u) with u = exp(x) (Kahan's:
  // the quotient is smooth in u, so exp's rounding cancels, given a log accurate near 1, as symLog is there)
  `function symExpm1(x) {
    const taylor = x * (1.0 + x * (0.5 + x * (0.16666666666666667 + x * (0.041666666666666667 + x * 0.0083333333333333333))));
    const u = Math.exp(x);
    const um = u - 1.0;
    const k = um * x / symLog(u);
    const m = (um === -1.0) ? -1.0 : k;
    const big = (u > 1.0e30) ? u : m;
    const r = (Math.abs(x) < 0.01) ? taylor : big;
    return (x !== x || x === 0.0) ? x : r;
  }`,
  // sin, cos, tan: drivers' built-ins are fast approximations (no accuracy is promised past
  // [-pi, pi], and tan's poles amplify it): Cody-Waite reduction of |x| by pi/2 in three parts
  // (exact while n < 2^16), then Cephes' polynomials on [-pi/4, pi/4]; zero, NaN and |x| > 65536
  // keep the built-ins
  `function symTrigN(ax) { return Math.floor(ax * 0.63661977236758134 + 0.5); }`,
  `function symTrigR(ax, n) { return ((ax - n * 1.5703125) - n * 0.0004837512969970703125) - n * 0.0000000754978995489188216; }`,
  `function symPolySin(r) {
    const z = r * r;
    return ((-0.00019515295891 * z + 0.0083321608736) * z - 0.16666654611) * z * r + r;
  }`,
  `function symPolyCos(r) {
    const z = r * r;
    return ((0.00002443315711809948 * z - 0.001388731625493765) * z + 0.04166664568298827) * z * z - 0.5 * z + 1.0;
  }`,
  // a, b, -a, -b for n = 0, 1, 2, 3 mod 4 quarter turns: sin(r + n pi/2) from (sin r, cos r), cos from (cos r, -sin r)
  `function symQuarter(a, b, n) {
    const q = n - 4.0 * Math.floor(n * 0.25);
    const na = -a;
    const nb = -b;
    const v1 = (q > 0.5) ? b : a;
    const v2 = (q > 1.5) ? na : v1;
    return (q > 2.5) ? nb : v2;
  }`,
  `function symSin(x) {
    const ax = Math.abs(x);
    const n = symTrigN(ax);
    const r = symTrigR(ax, n);
    const v = symQuarter(symPolySin(r), symPolyCos(r), n);
    const nv = -v;
    const w = (x < 0.0) ? nv : v;
    const b = Math.sin(x);
    return (x === 0.0 || x !== x || ax > 65536.0) ? b : w;
  }`,
  `function symCos(x) {
    const ax = Math.abs(x);
    const n = symTrigN(ax);
    const r = symTrigR(ax, n);
    const v = symQuarter(symPolyCos(r), -symPolySin(r), n);
    const b = Math.cos(x);
    return (x !== x || ax > 65536.0) ? b : v;
  }`,
  `function symTan(x) {
    const ax = Math.abs(x);
    const n = symTrigN(ax);
    const r = symTrigR(ax, n);
    const odd = n - 2.0 * Math.floor(n * 0.5);
    const s = symPolySin(r);
    const c = symPolyCos(r);
    const co = -c / s;
    const ta = s / c;
    const v = (odd > 0.5) ? co : ta;
    const nv = -v;
    const w = (x < 0.0) ? nv : v;
    const b = Math.tan(x);
    return (x === 0.0 || x !== x || ax > 65536.0) ? b : w;
  }`,
  `function symSigmoid(x) {
    const p = 1.0 / (1.0 + Math.exp(-x));
    const e = Math.exp(x);
    const n = e / (1.0 + e);
    return (x >= 0.0) ? p : n;
  }`,
  `function symSoftplus(x) {
    const l = symLog1p(Math.exp(-Math.abs(x)));
    const p = x + l;
    const r = (x > 0.0) ? p : l;
    return (x !== x) ? x : r;
  }`,
  `function symRelu(x) {
    const r = (x > 0.0) ? x : 0.0;
    return (x !== x) ? x : r;
  }`,
  `function symMax(a, b) {
    const m = (a > b) ? a : b;
    const n = (b !== b) ? b : m;
    return (a !== a) ? a : n;
  }`,
  `function symMin(a, b) {
    const m = (a < b) ? a : b;
    const n = (b !== b) ? b : m;
    return (a !== a) ? a : n;
  }`,
  `function symClip(x, lo, hi) {
    const c = symMin(symMax(x, lo), hi);
    return (x !== x) ? x : c;
  }`,
  // a^b for finite a > 0: an integer b with |b| <= 64 by repeated squaring (7 steps: GLSL ES loops need constant
  // bounds), exact where the powers are (pow(10, 2) is 100: the built-in exp2(b * log2(a)) gave 99.99999 on
  // llvmpipe, 7^8 5764802), within about |b| * 2^-24 relative elsewhere; a negative b is the reciprocal while a^|b|
  // is a normal float (past that the shader flushes it to zero, and 1 / 0 is not 1 / 1e-39); otherwise the built-in
  `function symPowAbs(a, b) {
    let n = Math.abs(b);
    let base = a;
    let r = 1.0;
    for (let i = 0; i < 7; i++) {
      const bit = n - 2.0 * Math.floor(n * 0.5);
      const rb = r * base;
      r = (bit > 0.5) ? rb : r;
      n = Math.floor(n * 0.5);
      const bb = base * base;
      base = (n > 0.5) ? bb : base;
    }
    const inv = 1.0 / r;
    const builtin = Math.pow(a, b);
    const neg = (r >= 1.17549435e-38 && r < 3.0e38) ? inv : builtin;
    const byInt = (b > 0.0) ? r : neg;
    return (Math.abs(b) <= 64.0 && Math.floor(b) === b) ? byInt : builtin;
  }`,
  // C99/NumPy pow, including negative bases with integral exponents and infinite bases;
  // 1 to any power (NaN included) and -1 to an infinite one are 1. An odd integer power keeps the sign of a zero
  // base (a itself: pow(-0, 3) is -0) and of -inf's reciprocal (1 / a: pow(-inf, -3) is -0)
  `function symPow(a, b) {
    const inf = Math.exp(Math.abs(a) + 1000.0);
    const bInt = (Math.floor(b) === b) ? 1.0 : 0.0;
    const odd = (Math.floor(b * 0.5) * 2.0 !== b) ? 1.0 : 0.0;
    const bOdd = (bInt > 0.5 && Math.abs(b) < 16777216.0) ? odd : 0.0;
    const recip = 1.0 / a;
    const zeroNeg = (bOdd > 0.5) ? recip : inf;
    const zeroPos = (bOdd > 0.5) ? a : 0.0;
    const zero = (b > 0.0) ? zeroPos : zeroNeg;
    const negInfPos = (bOdd > 0.5) ? a : inf;
    const negInfNeg = (bOdd > 0.5) ? recip : 0.0;
    const negInf = (b > 0.0) ? negInfPos : negInfNeg;
    const m = symPowAbs(Math.abs(a), b);
    const nm = -m;
    const negInt = (bOdd > 0.5) ? nm : m;
    const nan = symNaN(a);
    const neg = (bInt < 0.5) ? nan : negInt;
    const finite = (a > 0.0) ? m : neg;
    const r4 = (a < -3.0e38 && a === a * 2.0) ? negInf : finite;
    const r3 = (a === 0.0) ? zero : r4;
    const r2 = (a === -1.0 && Math.abs(b) > 3.0e38) ? 1.0 : r3;
    const sum = a + b;
    const r1 = (a !== a || b !== b) ? sum : r2;
    return (b === 0.0 || a === 1.0) ? 1.0 : r1;
  }`,
  ...MOD_HELPER_SOURCES,
  // a / 0 for a divisor the kernel holds as a literal zero of sign s (+-1): +-inf, NaN for 0 / 0 and NaN / 0.
  // The GLSL compiler folds a / 0.0 of a literal zero to 0 (headless-gl on llvmpipe: x / 0 and T.var with
  // ddof = N gave 0), so the infinity is made at run time from a, as symLog's
  `function symDivZero(a, s) {
    const nan = symNaN(a);
    const inf = Math.exp(1000.0 + Math.abs(a));
    const ninf = -inf;
    const v = ((a < 0.0) !== (s < 0.0)) ? ninf : inf;
    return (a !== a || a === 0.0) ? nan : v;
  }`,
  // 0 / b (true or floor) for a dividend the kernel holds as a literal zero: NaN for a zero or NaN b (IEEE, NumPy),
  // else 0. The GLSL compiler folds 0.0 / b of a literal zero to 0 (llvmpipe: 0 / 0 and 0 / NaN gave 0)
  `function symZeroDiv(b) {
    const nan = symNaN(b);
    return (b !== b || b === 0.0) ? nan : 0.0;
  }`,
  // a * 0 for a factor the kernel holds as a literal zero: NaN for an infinite or NaN a (IEEE, NumPy), else 0.
  // The GLSL compiler folds a * 0.0 of a literal zero to 0 (llvmpipe: inf * 0 and NaN * 0 gave 0)
  `function symMulZero(a) {
    const nan = symNaN(a);
    return (a !== a || Math.abs(a) > 3.4028234e38) ? nan : 0.0;
  }`,
  // a - b where the GLSL compiler may prove a and b one value and fold a - b to 0 (x * 2 - 2 * x, max(x, x) - x):
  // where they are equal (or a is NaN, which the folded difference loses) a - a's own value, NaN for an infinite
  // or NaN a (IEEE, NumPy), else the difference
  `function symSub(a, b) {
    const same = symMulZero(a);
    const d = a - b;
    return (a === b || a !== a) ? same : d;
  }`,
  // b times a 1 the GLSL compiler cannot see, and a plus a 0 it cannot see (thread z is 0: every kernel's output is
  // 1-D): they keep it from regrouping a sum or product the kernel holds apart (regroup.ts)
  `function symHideOne(b) {
    const one = 1.0 + this.thread.z;
    return b * one;
  }`,
  `function symHideZero(a) {
    const zero = 0.0 + this.thread.z;
    return a + zero;
  }`,
  // a * b modulo 2^16 for |a|, |b| < 2^16, exact: b is split in bytes so no partial product exceeds 2^24
  `function symMulLow16(a, b) {
    const bh = Math.floor(b / 256.0);
    const bl = b - bh * 256.0;
    const hi = a * bh;
    const hiLow = hi - 256.0 * Math.floor(hi / 256.0);
    return hiLow * 256.0 + a * bl;
  }`,
  // integer a ** b for b < 0, truncated as the reference's powInt does: 1 for a = 1, +-1 for a = -1 by b's parity, else 0
  `function symPowNegInt(a, b) {
    const evenSign = (Math.floor(b * 0.5) * 2.0 === b) ? 1.0 : -1.0;
    const minusOne = (a === -1.0) ? evenSign : 0.0;
    return (a === 1.0) ? 1.0 : minusOne;
  }`,
  // a ** b of 8/16-bit integers modulo 2^16, by squaring: exact where the float power is not
  `function symPowWrap(a, b) {
    let r = 1.0;
    let base = a - 65536.0 * Math.floor(a / 65536.0);
    let e = b;
    for (let i = 0; i < 16; i++) {
      const bit = e - 2.0 * Math.floor(e * 0.5);
      const m = symMulLow16(r, base);
      const rm = m - 65536.0 * Math.floor(m / 65536.0);
      r = (bit > 0.5) ? rm : r;
      base = symMulLow16(base, base);
      base = base - 65536.0 * Math.floor(base / 65536.0);
      e = Math.floor(e * 0.5);
    }
    const neg = symPowNegInt(a, b);
    return (b < 0.0) ? neg : r;
  }`,
  // a ** b of the wide integers (int32, uint32, int64): the float power rounded (exact within 2^24, where these
  // are computed); a negative exponent truncates (symPowNegInt: 2 ** -1 is 0, not 0.5 rounded up)
  `function symPowRound(a, b) {
    const rounded = Math.floor(symPow(a, b) + 0.5);
    const neg = symPowNegInt(a, b);
    return (b < 0.0) ? neg : rounded;
  }`,
  // atan written out: llvmpipe's is 2e-5 relative off (347 float32 ulp at 1.9e-9, measured). |x| reduced to
  // |u| <= tan(pi/8) (u = -1/|x| past tan(3pi/8), (|x| - 1)/(|x| + 1) past tan(pi/8)), then u + u^3 P(u^2)
  // with a degree-4 least-squares fit of our own; pi/2 and pi/4 in two parts: within about 2 float32 ulp.
  // The WebGPU prelude's f_atan is the same function.
  `function symAtan(x) {
    const a = Math.abs(x);
    const far = -1.0 / a;
    const mid = (a - 1.0) / (a + 1.0);
    const u1 = (a > 0.41421356237309505) ? mid : a;
    const u = (a > 2.4142135623730951) ? far : u1;
    const hi1 = (a > 0.41421356237309505) ? 0.7853981852531433 : 0.0;
    const hi = (a > 2.4142135623730951) ? 1.5707963705062866 : hi1;
    const lo1 = (a > 0.41421356237309505) ? -2.1855694143368964e-8 : 0.0;
    const lo = (a > 2.4142135623730951) ? -4.371138828673793e-8 : lo1;
    const z = u * u;
    let p = -0.0590326152741909;
    p = p * z + 0.10518351197242737;
    p = p * z - 0.14232149720191956;
    p = p * z + 0.19997777044773102;
    p = p * z - 0.33333301544189453;
    const r = hi + (lo + (u + u * z * p));
    const nr = -r;
    const v = (x < 0.0) ? nr : r;
    return (x !== x || x === 0.0) ? x : v;
  }`,
  // the shader's asin/acos are ~2e-4 off on llvmpipe; these go through symAtan
  `function symAsin(x) {
    const nan = symNaN(x);
    const v = symAtan(x / Math.sqrt((1.0 - x) * (1.0 + x)));
    return (x !== x || Math.abs(x) > 1.0) ? nan : v;
  }`,
  `function symAcos(x) {
    const nan = symNaN(x);
    const v = 2.0 * symAtan(Math.sqrt((1.0 - x) / (1.0 + x)));
    return (x !== x || Math.abs(x) > 1.0) ? nan : v;
  }`,
  // a & b, a | b, a ^ b (k = 0, 1, 2) of one bit each, 0 or 1
  `function symBitOp(x, y, k) {
    const p = x * y;
    const bor = x + y - p;
    const bxor = x + y - 2.0 * p;
    const r = (k < 1.5) ? bor : bxor;
    return (k < 0.5) ? p : r;
  }`,
  // a bitwise op of integers |a|, |b| <= 2^24 in two's complement, exact in float32 (WebGL 1's GLSL has no integer
  // operators): the low 24 bits one by one (floor halving is an arithmetic shift), then the word above them,
  // t = floor(a / 2^24) in {-1, 0, 1}: its bit 24 and its sign (every bit from 25 up). The result is the low bits'
  // sum plus a multiple of 2^24, one rounding of exact values: exact wherever it lies within +-2^24
  `function symBitwise(a, b, k) {
    const ta = Math.floor(a * 5.9604644775390625e-8);
    const tb = Math.floor(b * 5.9604644775390625e-8);
    let x = a - ta * 16777216.0;
    let y = b - tb * 16777216.0;
    let r = 0.0;
    let w = 1.0;
    for (let i = 0; i < 24; i++) {
      const hx = Math.floor(x * 0.5);
      const hy = Math.floor(y * 0.5);
      r = r + w * symBitOp(x - 2.0 * hx, y - 2.0 * hy, k);
      x = hx;
      y = hy;
      w = w * 2.0;
    }
    const ha = ta - 2.0 * Math.floor(ta * 0.5);
    const hb = tb - 2.0 * Math.floor(tb * 0.5);
    const sa = (ta < 0.0) ? 1.0 : 0.0;
    const sb = (tb < 0.0) ? 1.0 : 0.0;
    // one product of the word's value then one sum (r + E - 2E, which a shader compiler may reassociate, rounds at 2^25)
    const top = symBitOp(ha, hb, k) - 2.0 * symBitOp(sa, sb, k);
    return r + top * 16777216.0;
  }`,
];
