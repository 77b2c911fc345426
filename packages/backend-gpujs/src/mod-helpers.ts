/**
 * The helpers of floor division and remainders (see helpers.ts, which lists
 * them among HELPER_SOURCES): integer floor division and mod, exact within
 * +-2^24, and float fmod, np.mod and np.floor_divide, exact for normal
 * float32 operands by a long division of constant trip count. Kept apart
 * from helpers.ts for the package's file-size limit; the same rules hold
 * (selects only, ternaries of names or literals, one return).
 */

/** Sources of the division helpers, in the subset of JavaScript gpu.js translates. */
export const MOD_HELPER_SOURCES: readonly string[] = [
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
  // |b| scaled into [2^-62, 2^64] (e = 1) and back (e = -1): the powers of 2 symFmodScaled works at
  `function symFmodScale(b, e) {
    const y = Math.abs(b);
    const up = (e > 0.0) ? 18446744073709551616.0 : 5.421010862427522e-20;
    const down = (e > 0.0) ? 5.421010862427522e-20 : 18446744073709551616.0;
    const big = (y > 1.152921504606847e18) ? down : 1.0;
    return (y < 9.094947017729282e-13) ? up : big;
  }`,
  // one step of symFmodScaled's long division: r F less the multiple of y nearest it, exactly (see there), a signed
  // remainder of at most y (1/2 + 2^-11); symFmodScaled adds y to a negative one once, after the last step. The
  // quotient is rounded from r times fiy = F / y (F a power of 2: the product is the rounded r F / y, as (r F) (1 / y)
  // was, without waiting for r F; a division costs more): its error is below 2^-11
  `function symFmodStep(r, f, fiy, yh, yl) {
    const t = r * f;
    const q = Math.floor(r * fiy + 0.5);
    return (t - q * yh) - q * yl;
  }`,
  // C's fmod(a, b) times s = symFmodScale(b, 1), exact, for finite |a| >= |b| > 0 (a JavaScript a % b). One float
  // quotient is not enough past |a / b| = 2^24, and Dekker's split of b overflowed past 8e34 (4097 * b) and
  // underflowed below 1e-34. Long division instead: y = |b| s; the top of |a| is cut to a chunk below 2^7 y by
  // 2^-D, D <= the exponent difference (so the chunk is still an integer multiple of ulp(y)); then each step
  // multiplies the signed remainder |r| <= y (1/2 + 2^-11) by F = 2^j (j <= 12) and subtracts q y, q the nearest
  // quotient (|q| <= 2049): q times y's 12-bit halves is exact, and so is each difference (fewer than 2^24 units
  // of 2^j ulp(y), then of ulp(y)), so no step rounds. 25 steps, a constant count (GLSL ES loops): the chunk,
  // two of (D mod 22) / 2 bits, then 22 of k = floor(D / 22) bits each, the same in every step so that no step
  // chooses (D <= 272, 2^128 over a subnormal b in gpu.js's cpu mode; shaders read it as 0). The callers scale
  // back by 1 / s after their sign adjustments: a remainder below 2^-126 is flushed to zero by the shader
  // (fmod(-4e-31, 2.6e-38) is -4.7e-39, whose np.mod, 2.2e-38, is not)
  `function symFmodScaled(a, b, s) {
    const x = Math.abs(a);
    const y0 = Math.abs(b);
    // abs keeps the compiler from reassociating 4097 * (b s) to (4097 * b) * s for a literal b (inf past 8e34)
    const y = Math.abs(y0 * s);
    const c = 4097.0 * y;
    const yh = c - (c - y);
    const yl = y - yh;
    // log2 may be one off at either end of a binade: 4 below the estimate is at most the exponent difference
    const d = Math.max(Math.floor(Math.log2(x)) - Math.floor(Math.log2(y0)) - 4.0, 0.0);
    const h = Math.floor(d / 64.0);
    // the chunk, x 2^-d: 2^-64 up to four times, then 2^-(d mod 64)
    let v = x;
    const v1 = v * 5.421010862427522e-20;
    v = (h > 0.5) ? v1 : v;
    const v2 = v * 5.421010862427522e-20;
    v = (h > 1.5) ? v2 : v;
    const v3 = v * 5.421010862427522e-20;
    v = (h > 2.5) ? v3 : v;
    const v4 = v * 5.421010862427522e-20;
    v = (h > 3.5) ? v4 : v;
    // 2^-(d mod 64) from exp2 cut to its top bit (Veltkamp's split by 2^23 + 1 keeps 1 bit): the power of 2 it is
    // within a quarter of, exactly. The steps' 2^j from exp2 rounded to the integer it is: exact while exp2 is
    // within 2^-13 of it (GLSL ES 3's highp bound, 3 + 2 |x| ulp, is 2^-18 at x = 12). k and the rest: a quotient
    // d / 22 rounded below an integer leaves a rest of 22, two steps of 11 bits
    const e = Math.pow(2.0, 64.0 * h - d);
    const ce = e * 8388609.0;
    v = v * (ce - (ce - e));
    const k = Math.floor(d / 22.0);
    const rest = d - 22.0 * k;
    const half = Math.floor(rest * 0.5);
    const f1 = Math.floor(Math.pow(2.0, half) + 0.5);
    const f1x2 = 2.0 * f1;
    const f2 = (rest - 2.0 * half > 0.5) ? f1x2 : f1;
    const f = Math.floor(Math.pow(2.0, k) + 0.5);
    const iy = 1.0 / y;
    const fiy = f * iy;
    let r = symFmodStep(symFmodStep(symFmodStep(v * s, 1.0, iy, yh, yl), f1, f1 * iy, yh, yl), f2, f2 * iy, yh, yl);
    for (let i = 0; i < 22; i++) {
      r = symFmodStep(r, f, fiy, yh, yl);
    }
    const up = r + y;
    r = (r < 0.0) ? up : r;
    // a zero has a's sign, as C's fmod (fmod(-4, 2) and fmod(-0, 2) are -0); 1 / a tells -0 from +0
    const ia = 1.0 / a;
    const neg = -r;
    return (a < 0.0 || ia < 0.0) ? neg : r;
  }`,
  // C's fmod: a itself where |a| < |b| (b infinite included); NaN for b = 0, an infinite a, or a NaN
  `function symFmod(a, b) {
    const m = symFmodScaled(a, b, symFmodScale(b, 1.0)) * symFmodScale(b, -1.0);
    const fin = (Math.abs(a) < Math.abs(b)) ? a : m;
    const nan = symNaN(a);
    return (b === 0.0 || a !== a || b !== b || Math.abs(a) > 3.4028235e38) ? nan : fin;
  }`,
  // NumPy's mod: fmod plus b where their signs differ, in symFmodScaled's scale where |a| >= |b|; a zero has b's
  // sign (np.mod(4, -2) and np.mod(0, -2) are -0)
  `function symFloatMod(a, b) {
    const s = symFmodScale(b, 1.0);
    const rs = symFmodScaled(a, b, s);
    const rb = rs + b * s;
    const ms = (rs !== 0.0 && ((rs < 0.0) !== (b < 0.0))) ? rb : rs;
    const big = ms * symFmodScale(b, -1.0);
    const ab = a + b;
    const small = (a !== 0.0 && ((a < 0.0) !== (b < 0.0))) ? ab : a;
    const m = (Math.abs(a) < Math.abs(b)) ? small : big;
    const pz = Math.abs(m);
    const nz = -pz;
    const z = (b < 0.0) ? nz : pz;
    const r = (m === 0.0) ? z : m;
    const nan = symNaN(a);
    return (b === 0.0 || a !== a || b !== b || Math.abs(a) > 3.4028235e38) ? nan : r;
  }`,
  // NumPy's floor division of floats: floor((a - fmod(a, b)) / b), so that a == b * (a // b) + a % b, the
  // difference and quotient taken in symFmodScaled's scale (where |a| s overflows, fmod is far below a's ulp);
  // a zero quotient has the sign of a / b (np.floor_divide(-0, 2) and (0, -2) are -0; 1 / q tells -0 from +0)
  `function symFloatDiv(a, b) {
    const s = symFmodScale(b, 1.0);
    const rs = symFmodScaled(a, b, s);
    const scaled = (a * s - rs) / (b * s);
    const plain = (a - rs * symFmodScale(b, -1.0)) / b;
    const dBig = (s > 1.5 && Math.abs(a) > 1.152921504606847e18) ? plain : scaled;
    const small = (Math.abs(a) < Math.abs(b)) ? 1.0 : 0.0;
    const d0 = (small > 0.5) ? 0.0 : dBig;
    const m = (small > 0.5) ? a : rs;
    const d1 = d0 - 1.0;
    const d = (m !== 0.0 && ((b < 0.0) !== (m < 0.0))) ? d1 : d0;
    const f = Math.floor(d);
    const f1 = f + 1.0;
    const rounded = (d - f > 0.5) ? f1 : f;
    const q = a / b;
    const iq = 1.0 / q;
    const pz = Math.abs(d);
    const nz = -pz;
    const z = (q < 0.0 || iq < 0.0) ? nz : pz;
    const r = (d === 0.0) ? z : rounded;
    const nan = symNaN(a);
    const fin = (a !== a || b !== b || Math.abs(a) > 3.4028235e38) ? nan : r;
    return (b === 0.0) ? q : fin;
  }`,
  // a mod b of integers |a|, |b| <= 2^24 (NumPy's: b's sign), exact: the truncated quotient's product t b is at most |a|,
  // so a - t b does not round, where a - b floor(a / b) did (15826547 % -6270873 gave -2986073: 3 * 6270873 > 2^24).
  // Where a / b rounds up to an integer, t is one too far from zero and r0 has the sign opposite to a's
  `function symIntMod(a, b) {
    const t = Math.trunc(a / b);
    const r0 = a - t * b;
    const nb = -b;
    const toward = ((a < 0.0) === (b < 0.0)) ? b : nb;
    const back = r0 + toward;
    const r1 = (r0 !== 0.0 && ((r0 < 0.0) !== (a < 0.0))) ? back : r0;
    const up = r1 + b;
    const m = (r1 !== 0.0 && ((r1 < 0.0) !== (b < 0.0))) ? up : r1;
    return (b === 0.0) ? 0.0 : m;
  }`,
];
