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
  'symFmod',
  'symFloatMod',
  'symFloatDiv',
  'symDivZero',
  'symZeroDiv',
  'symMulZero',
  'symIntMod',
  'symMulLow16',
  'symPowWrap',
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
 * The helpers index arithmetic calls (symTruthy, symBool, symInt,
 * symTrunc64, symMax, symMin, symClip, symIntDiv, symIntMod) compute their
 * candidates first and choose by ternaries of names or literals: no `if`,
 * one `return`. Chromium's WebGL2 on SwiftShader compiles a loop body in
 * time exponential in its branches (an early return or a ternary of computed
 * arms is one), and a gather fused into a reduction puts dozens of these
 * calls in the reduce loop (test/helper-branches.test.ts).
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
  `function symBool(x) { return (x !== 0.0 && x === x) ? 1.0 : 0.0; }`,
  // |x| for a zero, not the literal 0.0: llvmpipe turned the branches' (x < 0 ? -1.0 : 0.0) into -(x < 0 ? 1 : 0),
  // which is -0 for x = 0 (np.sign(0) is +0), and arctan2(sign(0), -1) gave -pi
  `function symSign(x) {
    if (x !== x) { return x; }
    if (x > 0.0) { return 1.0; }
    if (x < 0.0) { return -1.0; }
    return Math.abs(x);
  }`,
  // round half to even, as NumPy's round
  `function symRound(x) {
    if (x !== x || Math.abs(x) > 8388608.0) { return x; }
    const f = Math.floor(x);
    const d = x - f;
    if (d > 0.5) { return f + 1.0; }
    if (d < 0.5) { return f; }
    const half = f * 0.5;
    return (half === Math.floor(half)) ? f : f + 1.0;
  }`,
  // Cephes' tanhf: an odd polynomial below 0.625, where (e - 1) / (e + 1) with e = exp(2x) loses digits to
  // the rounding of e (8e-5 relative at 8.7e-4 on llvmpipe); 1 - 2 / (exp(2|x|) + 1) above, and +-1 past 10,
  // before exp overflows (the built-in tanh is sinh / cosh, NaN there)
  `function symTanh(x) {
    if (x !== x || x === 0.0) { return x; }
    const a = Math.abs(x);
    if (a > 10.0) { return x > 0.0 ? 1.0 : -1.0; }
    if (a < 0.625) {
      const z = x * x;
      const p = (((-0.00570498872745 * z + 0.0206390887954) * z - 0.0537397155531) * z + 0.133314422036) * z - 0.333332819422;
      return x + x * z * p;
    }
    const t = 1.0 - 2.0 / (Math.exp(2.0 * a) + 1.0);
    return x < 0.0 ? -t : t;
  }`,
  // NaN in, NaN out, whatever the driver's built-in does with it (SwiftShader's exp(NaN) is inf, its log(NaN) 89)
  `function symExp(x) {
    if (x !== x) { return x; }
    return Math.exp(x);
  }`,
  `function symSinh(x) {
    if (x !== x) { return x; }
    if (Math.abs(x) < 0.0005) { return x; }
    const e = Math.exp(Math.abs(x));
    const s = 0.5 * (e - 1.0 / e);
    return x < 0.0 ? -s : s;
  }`,
  `function symCosh(x) {
    if (x !== x) { return x; }
    const e = Math.exp(Math.abs(x));
    return 0.5 * (e + 1.0 / e);
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
    if (x !== x) { return x; }
    if (x === 0.0) { return -Math.exp(1000.0 + Math.abs(x)); }
    if (x < 0.0) { return symNaN(x); }
    if (x > 0.70710678118654752 && x < 1.41421356237309505) { return symLogPoly(x - 1.0); }
    return Math.log(x);
  }`,
  // x itself into log's polynomial while 1 + x is near 1, so 1 + x is never rounded; beyond, log(1 + x),
  // whose rounding costs under 2e-7 relative there. Not Goldberg's log(u) * x / (u - 1) with u = 1 + x:
  // llvmpipe's compiler folds (1 + x) - 1 to x and 1 + x == 1 to x == 0, which gave log1p(1e-10) = 0
  `function symLog1p(x) {
    if (x !== x || x === 0.0) { return x; }
    if (x > -0.29289321881345248 && x < 0.41421356237309505) { return symLogPoly(x); }
    return symLog(1.0 + x);
  }`,
  // Taylor below 0.01 (relative error under 2e-12); above, (u - 1) * x / log(u) with u = exp(x) (Kahan's:
  // the quotient is smooth in u, so exp's rounding cancels, given a log accurate near 1, as symLog is there)
  `function symExpm1(x) {
    if (x !== x || x === 0.0) { return x; }
    if (Math.abs(x) < 0.01) { return x * (1.0 + x * (0.5 + x * (0.16666666666666667 + x * (0.041666666666666667 + x * 0.0083333333333333333)))); }
    const u = Math.exp(x);
    if (u > 1.0e30) { return u; }
    const um = u - 1.0;
    if (um === -1.0) { return -1.0; }
    return um * x / symLog(u);
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
  `function symSin(x) {
    if (x === 0.0 || x !== x || Math.abs(x) > 65536.0) { return Math.sin(x); }
    const ax = Math.abs(x);
    const n = symTrigN(ax);
    const r = symTrigR(ax, n);
    const q = n - 4.0 * Math.floor(n * 0.25);
    let v = symPolySin(r);
    if (q > 2.5) { v = -symPolyCos(r); } else if (q > 1.5) { v = -symPolySin(r); } else if (q > 0.5) { v = symPolyCos(r); }
    return x < 0.0 ? -v : v;
  }`,
  `function symCos(x) {
    if (x !== x || Math.abs(x) > 65536.0) { return Math.cos(x); }
    const ax = Math.abs(x);
    const n = symTrigN(ax);
    const r = symTrigR(ax, n);
    const q = n - 4.0 * Math.floor(n * 0.25);
    let v = symPolyCos(r);
    if (q > 2.5) { v = symPolySin(r); } else if (q > 1.5) { v = -symPolyCos(r); } else if (q > 0.5) { v = -symPolySin(r); }
    return v;
  }`,
  `function symTan(x) {
    if (x === 0.0 || x !== x || Math.abs(x) > 65536.0) { return Math.tan(x); }
    const ax = Math.abs(x);
    const n = symTrigN(ax);
    const r = symTrigR(ax, n);
    const odd = n - 2.0 * Math.floor(n * 0.5);
    const v = odd > 0.5 ? -symPolyCos(r) / symPolySin(r) : symPolySin(r) / symPolyCos(r);
    return x < 0.0 ? -v : v;
  }`,
  `function symSigmoid(x) {
    if (x >= 0.0) { return 1.0 / (1.0 + Math.exp(-x)); }
    const e = Math.exp(x);
    return e / (1.0 + e);
  }`,
  `function symSoftplus(x) {
    if (x !== x) { return x; }
    if (x > 0.0) { return x + symLog1p(Math.exp(-x)); }
    return symLog1p(Math.exp(x));
  }`,
  `function symRelu(x) {
    if (x !== x) { return x; }
    return x > 0.0 ? x : 0.0;
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
    if (Math.abs(b) <= 64.0 && Math.floor(b) === b) {
      let n = Math.abs(b);
      let base = a;
      let r = 1.0;
      for (let i = 0; i < 7; i++) {
        const bit = n - 2.0 * Math.floor(n * 0.5);
        if (bit > 0.5) { r = r * base; }
        n = Math.floor(n * 0.5);
        if (n > 0.5) { base = base * base; }
      }
      if (b > 0.0) { return r; }
      if (r >= 1.17549435e-38 && r < 3.0e38) { return 1.0 / r; }
    }
    return Math.pow(a, b);
  }`,
  // C99/NumPy pow, including negative bases with integral exponents and infinite bases;
  // 1 to any power (NaN included) and -1 to an infinite one are 1
  `function symPow(a, b) {
    if (b === 0.0 || a === 1.0) { return 1.0; }
    if (a !== a || b !== b) { return a + b; }
    if (a === -1.0 && Math.abs(b) > 3.0e38) { return 1.0; }
    const inf = Math.exp(Math.abs(a) + 1000.0);
    let bInt = 0.0;
    if (Math.floor(b) === b) { bInt = 1.0; }
    let bOdd = 0.0;
    if (bInt > 0.5 && Math.abs(b) < 16777216.0) {
      if (Math.floor(b * 0.5) * 2.0 !== b) { bOdd = 1.0; }
    }
    if (a === 0.0) {
      if (b > 0.0) { return 0.0; }
      return bOdd > 0.5 ? 1.0 / a : inf;
    }
    if (a < -3.0e38 && a === a * 2.0) {
      if (b > 0.0) { return bOdd > 0.5 ? a : inf; }
      return 0.0;
    }
    if (a > 0.0) { return symPowAbs(a, b); }
    if (bInt < 0.5) { return symNaN(a); }
    const m = symPowAbs(-a, b);
    return bOdd > 0.5 ? -m : m;
  }`,
  // floor division of integers, exact: the float quotient is corrected by its remainder
  `function symIntDiv(a, b) {
    const q = Math.floor(a / b);
    const r = a - q * b;
    const lowP = (r < 0.0) ? 1.0 : 0.0;
    const highP = (r >= b) ? 1.0 : 0.0;
    const lowN = (r > 0.0) ? 1.0 : 0.0;
    const highN = (r <= b) ? 1.0 : 0.0;
    const low = (b > 0.0) ? lowP : lowN;
    const high = (b > 0.0) ? highP : highN;
    const c = q - low + high;
    return (b === 0.0) ? 0.0 : c;
  }`,
  // JS's a % b (truncated, exact): the product q * b is formed exactly (Dekker's split), so a - q * b loses nothing
  `function symFmod(a, b) {
    if (b === 0.0 || a !== a || b !== b || Math.abs(a) > 3.0e38) { return symNaN(a); }
    if (Math.abs(b) > 3.0e38) { return a; }
    const q = Math.trunc(a / b);
    const cq = 4097.0 * q;
    const qh = cq - (cq - q);
    const ql = q - qh;
    const cb = 4097.0 * b;
    const bh = cb - (cb - b);
    const bl = b - bh;
    const p = q * b;
    const e = ((qh * bh - p) + qh * bl + ql * bh) + ql * bl;
    let r = (a - p) - e;
    if (Math.abs(r) >= Math.abs(b)) { r = r - b * Math.trunc(r / b); }
    if (r !== 0.0 && ((r < 0.0) !== (a < 0.0))) {
      if ((a < 0.0) === (b < 0.0)) { r = r + b; } else { r = r - b; }
    }
    return r;
  }`,
  `function symFloatMod(a, b) {
    const r = symFmod(a, b);
    if (r !== 0.0 && ((r < 0.0) !== (b < 0.0))) { return r + b; }
    return r;
  }`,
  // NumPy's floor division of floats: floor((a - fmod(a, b)) / b), so that a == b * (a // b) + a % b
  `function symFloatDiv(a, b) {
    if (b === 0.0) { return a / b; }
    const m = symFmod(a, b);
    let d = (a - m) / b;
    if (m !== 0.0 && ((b < 0.0) !== (m < 0.0))) { d = d - 1.0; }
    if (d === 0.0) { return 0.0; }
    const f = Math.floor(d);
    return (d - f > 0.5) ? f + 1.0 : f;
  }`,
  // a / 0 for a divisor the kernel holds as a literal zero of sign s (+-1): +-inf, NaN for 0 / 0 and NaN / 0.
  // The GLSL compiler folds a / 0.0 of a literal zero to 0 (headless-gl on llvmpipe: x / 0 and T.var with
  // ddof = N gave 0), so the infinity is made at run time from a, as symLog's
  `function symDivZero(a, s) {
    if (a !== a || a === 0.0) { return symNaN(a); }
    const inf = Math.exp(1000.0 + Math.abs(a));
    return ((a < 0.0) !== (s < 0.0)) ? -inf : inf;
  }`,
  // 0 / b (true or floor) for a dividend the kernel holds as a literal zero: NaN for a zero or NaN b (IEEE, NumPy),
  // else 0. The GLSL compiler folds 0.0 / b of a literal zero to 0 (llvmpipe: 0 / 0 and 0 / NaN gave 0)
  `function symZeroDiv(b) {
    if (b !== b || b === 0.0) { return symNaN(b); }
    return 0.0;
  }`,
  // a * 0 for a factor the kernel holds as a literal zero: NaN for an infinite or NaN a (IEEE, NumPy), else 0.
  // The GLSL compiler folds a * 0.0 of a literal zero to 0 (llvmpipe: inf * 0 and NaN * 0 gave 0)
  `function symMulZero(a) {
    if (a !== a || Math.abs(a) > 3.4028234e38) { return symNaN(a); }
    return 0.0;
  }`,
  // a * b modulo 2^16 for |a|, |b| < 2^16, exact: b is split in bytes so no partial product exceeds 2^24
  `function symMulLow16(a, b) {
    const bh = Math.floor(b / 256.0);
    const bl = b - bh * 256.0;
    const hi = a * bh;
    const hiLow = hi - 256.0 * Math.floor(hi / 256.0);
    return hiLow * 256.0 + a * bl;
  }`,
  `function symIntMod(a, b) {
    const m = a - b * symIntDiv(a, b);
    return (b === 0.0) ? 0.0 : m;
  }`,
  // a ** b of 8/16-bit integers modulo 2^16, by squaring: exact where the float power is not
  `function symPowWrap(a, b) {
    if (b < 0.0) {
      if (a === 1.0) { return 1.0; }
      if (a === -1.0) { return (Math.floor(b * 0.5) * 2.0 === b) ? 1.0 : -1.0; }
      return 0.0;
    }
    let r = 1.0;
    let base = a - 65536.0 * Math.floor(a / 65536.0);
    let e = b;
    for (let i = 0; i < 16; i++) {
      const bit = e - 2.0 * Math.floor(e * 0.5);
      if (bit > 0.5) {
        r = symMulLow16(r, base);
        r = r - 65536.0 * Math.floor(r / 65536.0);
      }
      base = symMulLow16(base, base);
      base = base - 65536.0 * Math.floor(base / 65536.0);
      e = Math.floor(e * 0.5);
    }
    return r;
  }`,
  // atan written out: llvmpipe's is 2e-5 relative off (347 float32 ulp at 1.9e-9, measured). |x| reduced to
  // |u| <= tan(pi/8) (u = -1/|x| past tan(3pi/8), (|x| - 1)/(|x| + 1) past tan(pi/8)), then u + u^3 P(u^2)
  // with a degree-4 least-squares fit of our own; pi/2 and pi/4 in two parts: within about 2 float32 ulp.
  // The WebGPU prelude's f_atan is the same function.
  `function symAtan(x) {
    if (x !== x || x === 0.0) { return x; }
    const a = Math.abs(x);
    let u = a;
    let hi = 0.0;
    let lo = 0.0;
    if (a > 2.4142135623730951) { u = -1.0 / a; hi = 1.5707963705062866; lo = -4.371138828673793e-8; }
    else if (a > 0.41421356237309505) { u = (a - 1.0) / (a + 1.0); hi = 0.7853981852531433; lo = -2.1855694143368964e-8; }
    const z = u * u;
    let p = -0.0590326152741909;
    p = p * z + 0.10518351197242737;
    p = p * z - 0.14232149720191956;
    p = p * z + 0.19997777044773102;
    p = p * z - 0.33333301544189453;
    const r = hi + (lo + (u + u * z * p));
    return x < 0.0 ? -r : r;
  }`,
  // the shader's asin/acos are ~2e-4 off on llvmpipe; these go through symAtan
  `function symAsin(x) {
    if (x !== x || Math.abs(x) > 1.0) { return symNaN(x); }
    return symAtan(x / Math.sqrt((1.0 - x) * (1.0 + x)));
  }`,
  `function symAcos(x) {
    if (x !== x || Math.abs(x) > 1.0) { return symNaN(x); }
    return 2.0 * symAtan(Math.sqrt((1.0 - x) / (1.0 + x)));
  }`,
  // a & b, a | b, a ^ b (k = 0, 1, 2) of one bit each, 0 or 1
  `function symBitOp(x, y, k) {
    const p = x * y;
    if (k < 0.5) { return p; }
    if (k < 1.5) { return x + y - p; }
    return x + y - 2.0 * p;
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
