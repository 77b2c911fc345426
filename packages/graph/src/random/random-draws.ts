/**
 * The host-side draws of the discrete random variables a `RandomStreams`
 * makes beyond uniform, normal and integers: permutations (Fisher-Yates)
 * and Poisson counts. Both are exact up to the double-precision arithmetic
 * they are computed in: a permutation is uniform over the n! orders, and a
 * Poisson count comes from inversion of the cumulative distribution for
 * small lam and from Hörmann's transformed rejection with squeeze (PTRS,
 * 1993), whose acceptance test compares with the exact probability, for
 * large lam (NumPy's split, at lam = 10).
 */
import { intRange, type DType, type TypedArray } from '../core/dtype.js';
import type { NDArray } from '../core/ndarray.js';
import type { RandomState } from './random-state.js';

/** Fill each row of `out` (consecutive runs of `n` values) with a uniformly random order of 0 .. n - 1. */
export function fillPermutations(r: RandomState, out: TypedArray, n: number): void {
  if (n === 0) return;
  for (let base = 0; base < out.length; base += n) {
    for (let i = 0; i < n; i++) out[base + i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = base + r.integer(0, i);
      const t = out[base + i]!;
      out[base + i] = out[j]!;
      out[j] = t;
    }
  }
}

const LOG_SQRT_2PI = 0.9189385332046728;
/** Below this, log k! comes from a table of sums of logarithms; from it on, from Stirling's series. */
const TABLE = 16;
const LOG_FACTORIALS = (() => {
  const t = new Float64Array(TABLE);
  for (let k = 2; k < TABLE; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
})();

/**
 * log k! - ((k + 1/2) log k - k + log sqrt(2 pi)) for k >= TABLE: the error
 * of Stirling's formula, by its series (the next term is below 1e-14 here).
 */
function stirlingError(k: number): number {
  const k2 = 1 / (k * k);
  return (1 / 12 - k2 * (1 / 360 - k2 * (1 / 1260 - k2 / 1680))) / k;
}

/**
 * k log(k / lam) + lam - k, without the cancellation of its terms (each of
 * order k, their sum of order (k - lam)^2 / lam) when k is near lam: the
 * series in v = (k - lam) / (k + lam) (Loader's saddle-point form).
 */
function bd0(k: number, lam: number): number {
  if (Math.abs(k - lam) >= 0.1 * (k + lam)) return k * Math.log(k / lam) + lam - k;
  const v = (k - lam) / (k + lam);
  const v2 = v * v;
  let s = (k - lam) * v;
  let term = 2 * k * v;
  for (let j = 1; ; j++) {
    term *= v2;
    const next = s + term / (2 * j + 1);
    if (next === s) return s;
    s = next;
  }
}

/** log P(X = k) for X ~ Poisson(lam), lam > 0, accurate for large k and lam. */
export function poissonLogPmf(k: number, lam: number): number {
  if (k < TABLE) return k * Math.log(lam) - lam - LOG_FACTORIALS[k]!;
  return -LOG_SQRT_2PI - 0.5 * Math.log(k) - stirlingError(k) - bd0(k, lam);
}

/** Inversion: the first k whose cumulative probability reaches a uniform (lam < 10, so e^-lam is far from underflow). */
function poissonInversion(r: RandomState, lam: number): number {
  const p0 = Math.exp(-lam);
  for (;;) {
    const u = r.random();
    let k = 0;
    let p = p0;
    let s = p0;
    while (u > s) {
      k++;
      p *= lam / k;
      const next = s + p;
      // the sum stopped growing below u (rounding): u lies in no cell; draw it again
      if (next === s) break;
      s = next;
    }
    if (u <= s) return k;
  }
}

/** PTRS: a candidate from a transformed uniform, accepted by a squeeze or by the exact probability. */
function poissonPtrs(r: RandomState, lam: number): number {
  const b = 0.931 + 2.53 * Math.sqrt(lam);
  const a = -0.059 + 0.02483 * b;
  const logAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = r.random() - 0.5;
    const v = r.random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + logAlpha - Math.log(a / (us * us) + b) <= poissonLogPmf(k, lam)) return k;
  }
}

/** One Poisson count of mean `lam` (finite, >= 0). */
export function poissonDraw(r: RandomState, lam: number): number {
  if (lam === 0) return 0;
  return lam < 10 ? poissonInversion(r, lam) : poissonPtrs(r, lam);
}

/**
 * The largest lam a dtype is given: 20 standard deviations and 20 more
 * below its largest value, so that no draw leaves it (the chance of a draw
 * past that is below e^-190).
 */
export function poissonLamLimit(dtype: DType): number {
  const max = intRange(dtype)[1];
  // lam + 20 sqrt(lam) + 20 <= max, solved for sqrt(lam)
  const root = -10 + Math.sqrt(100 + max - 20);
  return max < 20 ? 0 : root * root;
}

/**
 * Fill `out` with Poisson counts, lam broadcast over its shape (lam's
 * dimensions align with out's last ones, each of lam's lengths 1 or out's).
 */
export function fillPoisson(r: RandomState, out: NDArray, lam: NDArray): void {
  const data = out.data;
  const max = intRange(out.dtype)[1];
  const put = (i: number, l: number): void => {
    const k = poissonDraw(r, l);
    if (k > max) throw new RangeError(`random poisson: drew ${k} for lam ${l}, past the largest ${out.dtype} ${max}`);
    data[i] = k;
  };
  if (lam.size === 1) {
    const l = Number(lam.data[0]);
    for (let i = 0; i < data.length; i++) put(i, l);
    return;
  }
  const shape = out.shape;
  const m = shape.length;
  // lam's strides in out's index space: 0 along the dimensions it is broadcast over
  const strides = new Array<number>(m).fill(0);
  for (let d = lam.ndim - 1, s = 1; d >= 0; d--) {
    const od = m - lam.ndim + d;
    strides[od] = lam.shape[d] === 1 ? 0 : s;
    s *= lam.shape[d]!;
  }
  const index = new Array<number>(m).fill(0);
  let at = 0;
  for (let i = 0; i < data.length; i++) {
    put(i, Number(lam.data[at]));
    for (let d = m - 1; d >= 0; d--) {
      index[d]!++;
      at += strides[d]!;
      if (index[d]! < shape[d]!) break;
      at -= strides[d]! * shape[d]!;
      index[d] = 0;
    }
  }
}
