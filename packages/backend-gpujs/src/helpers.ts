/**
 * Scalar helper functions every kernel may call, as JavaScript sources that
 * gpu.js translates (to GLSL, or runs as they are in its cpu mode). They
 * exist where the shader built-ins differ from NumPy's semantics: GLSL's
 * `max` drops NaN, `pow` of a negative base is undefined, `tanh` overflows
 * to NaN, and float division of integers may be off by one ulp.
 *
 * All values are float32; integers are stored exactly while |v| <= 2^24.
 */

/** The helpers' names, as generated code calls them. */
export const HELPER_NAMES = [
  'symTruthy',
  'symInt',
  'symTrunc64',
  'symBool',
  'symSign',
  'symRound',
  'symTanh',
  'symSinh',
  'symCosh',
  'symLog1p',
  'symExpm1',
  'symSigmoid',
  'symSoftplus',
  'symRelu',
  'symMax',
  'symMin',
  'symClip',
  'symPow',
  'symIntDiv',
  'symFloatMod',
  'symIntMod',
] as const;

/**
 * The helper sources. Written in the subset of JavaScript gpu.js accepts:
 * numbers only, `let`/`const`, `if`, ternaries; NaN is made as 0/0 at run
 * time because GLSL has no literal for it.
 */
export const HELPER_SOURCES: readonly string[] = [
  // NumPy truthiness: nonzero and not NaN
  `function symTruthy(x) { return (x !== 0.0 && x === x) ? 1.0 : 0.0; }`,
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
  `function symSinh(x) {
    if (Math.abs(x) < 0.0005) { return x; }
    const e = Math.exp(Math.abs(x));
    const s = 0.5 * (e - 1.0 / e);
    return x < 0.0 ? -s : s;
  }`,
  `function symCosh(x) {
    const e = Math.exp(Math.abs(x));
    return 0.5 * (e + 1.0 / e);
  }`,
  // log(1 + x) without losing small x: the rounding of 1 + x is divided back out
  `function symLog1p(x) {
    const u = 1.0 + x;
    if (u === 1.0) { return x; }
    if (u === 0.0 || u < 0.0 || u !== u || u > 1.0e30) { return Math.log(u); }
    return Math.log(u) * x / (u - 1.0);
  }`,
  `function symExpm1(x) {
    if (Math.abs(x) < 0.00001) { return x + 0.5 * x * x; }
    const u = Math.exp(x);
    if (u === 1.0) { return x; }
    const um = u - 1.0;
    if (um === -1.0) { return -1.0; }
    if (u > 1.0e30) { return u; }
    return um * x / Math.log(u);
  }`,
  `function symSigmoid(x) {
    if (x >= 0.0) { return 1.0 / (1.0 + Math.exp(-x)); }
    const e = Math.exp(x);
    return e / (1.0 + e);
  }`,
  `function symSoftplus(x) {
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
    return Math.min(Math.max(x, lo), hi);
  }`,
  // JS Math.pow semantics, including negative bases with integral exponents
  `function symPow(a, b) {
    if (b === 0.0) { return 1.0; }
    if (a !== a || b !== b) { return a + b; }
    if (a === 0.0) {
      if (b > 0.0) { return 0.0; }
      return 1.0 / a;
    }
    if (a > 0.0) { return Math.pow(a, b); }
    if (Math.floor(b) !== b) { return 0.0 / 0.0; }
    const m = Math.pow(-a, b);
    const halfb = b * 0.5;
    return (Math.floor(halfb) === halfb) ? m : -m;
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
  `function symFloatMod(a, b) {
    if (b === 0.0 || a !== a || b !== b || Math.abs(a) > 3.0e38) { return 0.0 / 0.0; }
    if (Math.abs(b) > 3.0e38) { return (a === 0.0 || (a < 0.0) === (b < 0.0)) ? a : b; }
    const r = a - b * Math.floor(a / b);
    return (r !== 0.0 && ((r < 0.0) !== (b < 0.0))) ? r + b : r;
  }`,
  `function symIntMod(a, b) {
    if (b === 0.0) { return 0.0; }
    return a - b * symIntDiv(a, b);
  }`,
];
