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
  'symPow',
  'symIntDiv',
  'symFmod',
  'symFloatMod',
  'symFloatDiv',
  'symIntMod',
  'symMulLow16',
  'symPowWrap',
  'symAtan',
  'symAsin',
  'symAcos',
] as const;

/**
 * The helper sources. Written in the subset of JavaScript gpu.js accepts:
 * numbers only, `let`/`const`, `if`, ternaries; NaN is made as 0/0 at run
 * time because GLSL has no literal for it.
 */
export const HELPER_SOURCES: readonly string[] = [
  `function symNaN(x) { return Math.sqrt(-1.0 - Math.abs(x)); }`,
  // NumPy truthiness: only zeros are false; NaN is true (tested explicitly: drivers may fold NaN compares)
  `function symTruthy(x) { return (x !== 0.0 || x !== x) ? 1.0 : 0.0; }`,
  // C-style wrap of an integer into a range of size m, offset h (h = m/2 for signed types)
  `function symInt(x, m, h) {
    if (x !== x || Math.abs(x) > 1.0e30) { return 0.0; }
    const t = Math.trunc(x);
    return t - m * Math.floor((t + h) / m);
  }`,
  `function symTrunc64(x) {
    if (x !== x || Math.abs(x) > 1.0e30) { return 0.0; }
    return Math.trunc(x);
  }`,
  `function symBool(x) { return (x !== 0.0 && x === x) ? 1.0 : 0.0; }`,
  `function symSign(x) {
    if (x !== x) { return x; }
    if (x > 0.0) { return 1.0; }
    if (x < 0.0) { return -1.0; }
    return 0.0;
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
  `function symTanh(x) {
    if (x > 10.0) { return 1.0; }
    if (x < -10.0) { return -1.0; }
    if (Math.abs(x) < 0.0005) { return x; }
    const e = Math.exp(2.0 * x);
    return (e - 1.0) / (e + 1.0);
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
  // log(0) is -Infinity and log of a negative number NaN, whatever the driver's log does there (SwiftShader's log(0) is -88)
  `function symLog(x) {
    if (x !== x) { return x; }
    if (x === 0.0) { return -Math.exp(1000.0 + Math.abs(x)); }
    if (x < 0.0) { return symNaN(x); }
    return Math.log(x);
  }`,
  // log(1 + x) without losing small x: the rounding of 1 + x is divided back out
  `function symLog1p(x) {
    const u = 1.0 + x;
    if (u === 1.0) { return x; }
    if (u === 0.0 || u < 0.0 || u !== u || u > 1.0e30) { return symLog(u); }
    return Math.log(u) * x / (u - 1.0);
  }`,
  `function symExpm1(x) {
    if (x !== x) { return x; }
    if (Math.abs(x) < 0.00001) { return x + 0.5 * x * x; }
    const u = Math.exp(x);
    if (u === 1.0) { return x; }
    const um = u - 1.0;
    if (um === -1.0) { return -1.0; }
    if (u > 1.0e30) { return u; }
    return um * x / Math.log(u);
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
    if (a !== a) { return a; }
    if (b !== b) { return b; }
    return a > b ? a : b;
  }`,
  `function symMin(a, b) {
    if (a !== a) { return a; }
    if (b !== b) { return b; }
    return a < b ? a : b;
  }`,
  `function symClip(x, lo, hi) {
    if (x !== x) { return x; }
    return symMin(symMax(x, lo), hi);
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
    if (a > 0.0) { return Math.pow(a, b); }
    if (bInt < 0.5) { return symNaN(a); }
    const m = Math.pow(-a, b);
    return bOdd > 0.5 ? -m : m;
  }`,
  // floor division of integers, exact: the float quotient is corrected by its remainder
  `function symIntDiv(a, b) {
    if (b === 0.0) { return 0.0; }
    let q = Math.floor(a / b);
    const r = a - q * b;
    if (b > 0.0) {
      if (r < 0.0) { q = q - 1.0; }
      if (r >= b) { q = q + 1.0; }
    } else {
      if (r > 0.0) { q = q - 1.0; }
      if (r <= b) { q = q + 1.0; }
    }
    return q;
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
  // a * b modulo 2^16 for |a|, |b| < 2^16, exact: b is split in bytes so no partial product exceeds 2^24
  `function symMulLow16(a, b) {
    const bh = Math.floor(b / 256.0);
    const bl = b - bh * 256.0;
    const hi = a * bh;
    const hiLow = hi - 256.0 * Math.floor(hi / 256.0);
    return hiLow * 256.0 + a * bl;
  }`,
  `function symIntMod(a, b) {
    if (b === 0.0) { return 0.0; }
    return a - b * symIntDiv(a, b);
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
  `function symAtan(x) {
    if (x !== x) { return x; }
    return Math.atan(x);
  }`,
  // the shader's asin/acos are ~2e-4 off on llvmpipe; these go through atan, which is not
  `function symAsin(x) {
    if (x !== x || Math.abs(x) > 1.0) { return symNaN(x); }
    return Math.atan(x / Math.sqrt((1.0 - x) * (1.0 + x)));
  }`,
  `function symAcos(x) {
    if (x !== x || Math.abs(x) > 1.0) { return symNaN(x); }
    return 2.0 * Math.atan(Math.sqrt((1.0 - x) / (1.0 + x)));
  }`,
];
