/**
 * The tables of `T.fft`'s factorised transforms (fft-stages.ts): how a
 * length n splits into the lengths of its stages, and the DFT matrices
 * and twiddle factors of each stage. Both are functions of lengths only,
 * which are known when a program is made, so they are computed here on
 * the host, in float64, and enter the program as constants (as `arange`'s
 * values do): no kernel builds them, a program reuses them at every call,
 * and every backend runs the transform with no code of its own.
 *
 * Accuracy: each entry is cos and sin of 2 pi ((j k) mod n) / n, the
 * product reduced mod n in integers so the angle stays below 2 pi, in
 * float64, then cast: a float32 table is correctly rounded, where cos of a
 * float32 angle is off by the angle's own rounding (n = 4096: 4e-7).
 */
import type { DType } from '../core/dtype.js';
import { NDArray, fill } from '../core/ndarray.js';
import { Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import { checkScalarInts, valueOf } from '../ops/alloc.js';

/**
 * What a stage costs beyond its multiply-adds, in multiply-adds per
 * element: its kernels (a matrix product, a twiddle pass) read and write
 * the whole signal. A length splits only where the split saves more:
 * 12 stays one DFT of 12 (12 + 32 < (3 + 32) + (4 + 32)), 64 becomes
 * 8 x 8 ((8 + 32) + (8 + 32) < 64 + 32).
 */
const STAGE_COST = 32;

/** The longest stage a table may hold: its complex table has 4 f^2 entries, at most MAX_TABLE_ENTRIES. */
const MAX_STAGE = 4096;

/** How a length is transformed: in one or two stages of these lengths (their product), or by Bluestein's convolution of length m. */
export type DftPlan = { readonly kind: 'stages'; readonly factors: readonly number[] } | { readonly kind: 'bluestein'; readonly m: number; readonly factors: readonly number[] };

/** The one or two stage lengths of n whose cost is least (one stage: n itself), with that cost per element. */
function bestStages(n: number): { factors: number[]; cost: number } {
  let best = { factors: [n], cost: n + STAGE_COST };
  for (let a = 2; a * a <= n; a++) {
    const cost = a + n / a + 2 * STAGE_COST;
    if (n % a === 0 && cost < best.cost) best = { factors: [a, n / a], cost };
  }
  return best;
}

/**
 * How a transform of length n runs (n known when a program is made): in
 * the stages `bestStages` finds, a stage of length 1 never run; or, where
 * those are dearer (a prime, or a length whose factors are far from its
 * square root: 8191, 2 x 65537) or a stage would pass MAX_STAGE, by
 * Bluestein's algorithm: the transform as a convolution with a chirp, done
 * with two transforms of a 5-smooth length m >= 2n - 1, themselves in
 * stages. Its cost per element of n: the two transforms of m, m / n
 * times, and its four elementwise passes (the chirps, the product, the
 * padding). 4093 is one stage of 4093 (4125 per element) no more, but two
 * transforms of 8192 = 64 x 128 (2 x 256 x 2 + 4 x 32); 13 stays one DFT
 * of 13, 509 one of 509.
 */
export function dftPlan(n: number): DftPlan {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`dftPlan: a length must be a positive integer, got ${n}`);
  const direct = bestStages(n);
  if (n <= 2) return { kind: 'stages', factors: direct.factors };
  // the convolution's length: of the 5-smooth lengths from 2n - 1 to the next power of two, the cheapest (65537: 147456 = 384 x 384,
  // where the power of two 262144 would be 4 n)
  let conv = { m: 0, factors: [] as number[], cost: Infinity };
  for (const m of smoothFrom(2 * n - 1)) {
    const stages = bestStages(m);
    const cost = (2 * stages.cost * m) / n + 4 * STAGE_COST;
    if (cost < conv.cost) conv = { m, factors: stages.factors, cost };
  }
  if (conv.cost < direct.cost || Math.max(...direct.factors) > MAX_STAGE) return { kind: 'bluestein', m: conv.m, factors: conv.factors };
  return { kind: 'stages', factors: direct.factors };
}

/** The lengths 2^a 3^b 5^c from `least` up to the first power of two at least `least`, in no order. */
function smoothFrom(least: number): number[] {
  let top = 1;
  while (top < least) top *= 2;
  const out: number[] = [];
  for (let a = 1; a <= top; a *= 2) for (let b = a; b <= top; b *= 3) for (let c = b; c <= top; c *= 5) if (c >= least) out.push(c);
  return out;
}

/**
 * The stage lengths of a transform of length n, for the tests: its stages,
 * or Bluestein's transform's, m first.
 */
export function dftFactors(n: number): number[] {
  const plan = dftPlan(n);
  return plan.kind === 'stages' ? [...plan.factors] : [plan.m, ...plan.factors];
}

/**
 * The forms of a table, entries w = cos(a) + i sign sin(a), a = 2 pi ((j k) mod n) / n,
 * j < rows, k < cols, times the table's scale:
 * - 'c2c' (rows, 2, cols, 2): a complex DFT; contracting a (j, (re, im)) pair of axes with its first two gives (k, (re, im)).
 * - 'r2c' (rows, cols, 2): the same from a real input (its imaginary part 0).
 * - 'c2r' (rows, 2, cols): the real part of the result only.
 * - 'twiddle' (rows, cols, 2, 2): one complex factor per (j, k) as two pairs, (c, c) and (-s, s): the product is
 *   (re, im) times the first plus (im, re) times the second.
 */
export type DftTableForm = 'c2c' | 'r2c' | 'c2r' | 'twiddle';

/** The sine and cosine of 2 pi r / n, exact at the quarter turns (NumPy's FFT gives exact zeros there, where sin(pi) is 1e-16). */
function turn(r: number, n: number): [number, number] {
  if (r === 0) return [1, 0];
  if (2 * r === n) return [-1, 0];
  if (4 * r === n) return [0, 1];
  if (4 * r === 3 * n) return [0, -1];
  const a = (2 * Math.PI * r) / n;
  return [Math.cos(a), Math.sin(a)];
}

/** (j k) mod n without losing digits: j, k < 2^26 keep the product exact in a double; beyond, reduce through BigInt. */
function productMod(j: number, k: number, n: number): number {
  const p = j * k;
  return Number.isSafeInteger(p) ? p % n : Number((BigInt(j) * BigInt(k)) % BigInt(n));
}

/** The most entries a table may have: 2^26, 256 MiB in float32 (the CPU backend could not pack 8191's 1 GiB table for its matrix product). */
export const MAX_TABLE_ENTRIES = 2 ** 26;

/** How a transform is scaled by the count N: not, 1 / N, or 1 / sqrt(N). */
export type DftScale = 'none' | 'inverse' | 'ortho';

/** The factor `scale` says for a count N. */
export const scaleFactor = (scale: DftScale, count: number): number => (scale === 'none' ? 1 : scale === 'inverse' ? 1 / count : 1 / Math.sqrt(count));

const layout = (form: DftTableForm, rows: number, cols: number): number[] =>
  form === 'c2c' ? [rows, 2, cols, 2] : form === 'r2c' ? [rows, cols, 2] : form === 'c2r' ? [rows, 2, cols] : [rows, cols, 2, 2];

/** Entry (j, k) of a table as `form` lays it out, for the complex factor c + i s. */
function put(d: NDArray['data'], form: DftTableForm, cols: number, j: number, k: number, c: number, s: number): void {
  // plain stores: a destructuring assignment into a typed array's elements cost 0.8 us each (seconds for Bluestein's tables)
  if (form === 'c2c') {
    const at = (j * 2 * cols + k) * 2;
    // (re + i im)(c + i s): re c - im s, re s + im c
    d[at] = c;
    d[at + 1] = s;
    d[at + 2 * cols] = -s;
    d[at + 2 * cols + 1] = c;
  } else if (form === 'r2c') {
    const at = (j * cols + k) * 2;
    d[at] = c;
    d[at + 1] = s;
  } else if (form === 'c2r') {
    d[j * 2 * cols + k] = c;
    d[(j * 2 + 1) * cols + k] = -s;
  } else {
    const at = (j * cols + k) * 4;
    d[at] = c;
    d[at + 1] = c;
    d[at + 2] = -s;
    d[at + 3] = s;
  }
}

/**
 * A stage's DFT matrix or twiddle factors: entry (j, k) is w_n^(sign j k) times `scale`, laid out as `form` says.
 * `subject` (the transform, its input and axis) names it in the error for a table past MAX_TABLE_ENTRIES.
 */
export function dftTable(form: DftTableForm, sign: 1 | -1, dtype: DType, n: number, rows: number, cols: number, scale = 1, subject = 'T.fft'): NDArray {
  const shape = layout(form, rows, cols);
  const entries = shape.reduce((a, b) => a * b, 1);
  if (entries > MAX_TABLE_ENTRIES) {
    throw new RangeError(`${subject}: a stage of length ${n} needs a ${rows} x ${cols} DFT table of ${entries} entries, past the ${MAX_TABLE_ENTRIES} a table may hold`);
  }
  const out = NDArray.zeros(shape, dtype);
  for (let j = 0; j < rows; j++) {
    for (let k = 0; k < cols; k++) {
      const [c, s] = turn(productMod(j, k, n), n);
      put(out.data, form, cols, j, k, c * scale, sign * s * scale);
    }
  }
  return out;
}

/**
 * Bluestein's chirp c_j = exp(i pi sign j^2 / n) for j < rows, times `scale`, as a (rows, 2, 2) twiddle table
 * (or, for a real input, (rows, 2): c_j itself), zero from row `upTo` on: j^2 mod 2n in integers keeps the angle exact.
 */
export function chirpTable(sign: 1 | -1, dtype: DType, n: number, rows: number, real: boolean, scale = 1, upTo = rows): NDArray {
  const out = NDArray.zeros(real ? [rows, 2] : [rows, 2, 2], dtype);
  for (let j = 0; j < Math.min(rows, upTo); j++) {
    const [c, s] = turn(productMod(j, j, 2 * n), 2 * n);
    if (real) {
      out.data[2 * j] = c * scale;
      out.data[2 * j + 1] = sign * s * scale;
    } else put(out.data, 'twiddle', 1, j, 0, c * scale, sign * s * scale);
  }
  return out;
}

/**
 * Bluestein's kernel in the frequency domain, as an (m, 2, 2) twiddle table: the DFT (sign -1) of length m of
 * b_t = conj(c_t) at t and m - t (t < n), zero between, divided by m (the inverse transform's scale, folded in here).
 * Computed in float64 by an FFT on the host (m is 5-smooth).
 */
export function bluesteinKernel(sign: 1 | -1, dtype: DType, n: number, m: number): NDArray {
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    const [c, s] = turn(productMod(t, t, 2 * n), 2 * n);
    re[t] = re[(m - t) % m] = c;
    im[t] = im[(m - t) % m] = -sign * s;
  }
  fftInPlace(re, im);
  const out = NDArray.zeros([m, 2, 2], dtype);
  for (let k = 0; k < m; k++) put(out.data, 'twiddle', 1, k, 0, re[k]! / m, im[k]! / m);
  return out;
}

/**
 * The forward DFT (sign -1) of (re, im), whose length m is 5-smooth: Cooley-Tukey's recursion, decimation in time
 * by the least prime factor, in float64; cos and sin of 2 pi t / m for t < m, read at t (m / n) by a length n.
 */
function fftInPlace(re: Float64Array, im: Float64Array): void {
  const m = re.length;
  const cos = new Float64Array(m);
  const sin = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    const [c, s] = turn(t, m);
    cos[t] = c;
    sin[t] = s;
  }
  fftOf(re, im, 0, 1, m, cos, sin, m, re.slice(), im.slice());
}

/**
 * Writes into (re, im)[at .. at + n) the DFT of the n entries of (xr, xi) from `start` by `stride`: the p
 * subsequences (stride p times longer) transformed in place of their outputs' blocks, then combined,
 * X[k] = sum_r w_n^(r k) S_r[k mod q].
 */
function fftOf(re: Float64Array, im: Float64Array, start: number, stride: number, n: number, cos: Float64Array, sin: Float64Array, m: number, xr: Float64Array, xi: Float64Array, at = 0): void {
  if (n === 1) {
    re[at] = xr[start]!;
    im[at] = xi[start]!;
    return;
  }
  const p = n % 2 === 0 ? 2 : n % 3 === 0 ? 3 : n % 5 === 0 ? 5 : n;
  const q = n / p;
  // S_r into (re, im)[at + r q ..)
  for (let r = 0; r < p; r++) fftOf(re, im, start + r * stride, stride * p, q, cos, sin, m, xr, xi, at + r * q);
  const sr = new Float64Array(n);
  const si = new Float64Array(n);
  // w_n^(r k) is cos/sin at (r k mod n) (m / n): stepped by r m / n (< m) a k, no remainder taken in the loop
  for (let r = 0; r < p; r++) {
    const base = at + r * q;
    const dt = (r * m) / n;
    for (let k = 0, t = 0, kq = 0; k < n; k++) {
      const c = cos[t]!;
      const s = sin[t]!;
      const yr = re[base + kq]!;
      const yi = im[base + kq]!;
      // times exp(-i a): (yr + i yi)(c - i s)
      sr[k] += yr * c + yi * s;
      si[k] += yi * c - yr * s;
      t += dt;
      if (t >= m) t -= m;
      if (++kq === q) kq = 0;
    }
  }
  re.set(sr, at);
  im.set(si, at);
}

/**
 * Positions (int64) and signs a transform gathers by, from three integer scalars:
 * - 'bins' (p, cols, keep): the last stage's output, laid out (done < p, k_last < cols), read in bin order
 *   k = done + p k_last, the first `keep` bins: position (k mod p) cols + floor(k / p).
 * - 'mirror' (n, h, _): irfft's whole spectrum from its h bins, bin k at k < h, else its conjugate's n - k.
 * - 'conj' (n, h, _): the (real, imaginary) signs of those, (1, -1) for the conjugates (in `dtype`, a float).
 */
export class DftIndex extends Op {
  readonly kind = 'DFT' as const;
  constructor(
    readonly form: 'bins' | 'mirror' | 'conj',
    readonly dtype: DType = 'int64',
  ) {
    super();
  }
  key(): string {
    return `DftIndex:${this.form}:${this.dtype}`;
  }
  override toString(): string {
    return `DftIndex{${this.form}}`;
  }
  override staticInputs(): number[] {
    return [0, 1, 2];
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    checkScalarInts('DftIndex', inputs);
    return [new TensorType(this.dtype, this.form === 'conj' ? [false, false] : [false])];
  }
  inferShape(): StaticShape[] {
    return [this.form === 'conj' ? [null, 2] : [null]];
  }
  values(a: number, b: number, c: number): NDArray {
    if (this.form === 'bins') return fill([c], this.dtype, (k) => (k % a) * b + Math.floor(k / a));
    if (this.form === 'mirror') return fill([a], this.dtype, (k) => (k < b ? k : a - k));
    return fill([a, 2], this.dtype, (i) => (i % 2 === 1 && i >> 1 >= b ? -1 : 1));
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [a, b, c] = inputs.map((v) => Number(v.data[0]));
    return [this.values(a!, b!, c!)];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    const [a, b, c] = inputs.map((v) => valueOf('DftIndex', v));
    return [ctx.constant(this.values(a!, b!, c!))];
  }
}
