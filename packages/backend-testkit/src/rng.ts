/**
 * Seeded random inputs. Every case draws from its own generator, seeded by
 * the suite seed and the case name, so a failing case reproduces alone and
 * does not change when other cases are added or skipped.
 */
import type { DType, NDArray } from '@sym/graph';
import { fill, intRange, isFloat, sizeOf } from '@sym/graph';

/** mulberry32: small, fast, and the same sequence on every JavaScript engine. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }
}

/** FNV-1a of a string: turns a case name into a seed. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The generator of one case. */
export function caseRng(seed: number, caseName: string): Rng {
  return new Rng((hashString(caseName) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}

/**
 * How values are drawn:
 * - `small`: floats in [-3, 3], integers in [-5, 5] (unsigned [0, 9]): results stay in range;
 * - `positive`: floats in [0.1, 3], integers in [1, 9] (divisors, logarithms);
 * - `full`: the whole range of integer dtypes (arithmetic must wrap), floats in [-100, 100];
 * - `unit`: floats in [-0.99, 0.99] (arcsin, arccos), integers in [-1, 1] (unsigned [0, 1]);
 * - `factor`: magnitudes in [0.5, 1.5] for floats, 1 or 2 for integers, either sign where the
 *   dtype has one (products of many stay exact and in range).
 */
export type ValueRange = 'small' | 'positive' | 'full' | 'unit' | 'factor';

/** One random value of `dtype` from `range` (see {@link ValueRange}); 0 or 1 for bool. */
export function randomScalar(rng: Rng, dtype: DType, range: ValueRange = 'small'): number {
  if (dtype === 'bool') return rng.int(0, 1);
  if (isFloat(dtype)) {
    switch (range) {
      case 'small':
        return rng.uniform(-3, 3);
      case 'positive':
        return rng.uniform(0.1, 3);
      case 'full':
        return rng.uniform(-100, 100);
      case 'unit':
        return rng.uniform(-0.99, 0.99);
      case 'factor':
        return rng.uniform(0.5, 1.5) * (rng.next() < 0.5 ? -1 : 1);
    }
  }
  const [lo, hi] = intRange(dtype);
  switch (range) {
    case 'small':
      return lo < 0 ? rng.int(-5, 5) : rng.int(0, 9);
    case 'positive':
      return rng.int(1, 9);
    case 'full':
      // int64 is exact only to 2^53 in its storage: draw from the int32 range there
      return dtype === 'int64' ? rng.int(-(2 ** 31), 2 ** 31 - 1) : rng.int(lo, hi);
    case 'unit':
      return lo < 0 ? rng.int(-1, 1) : rng.int(0, 1);
    case 'factor':
      return rng.int(1, 2) * (lo < 0 && rng.next() < 0.5 ? -1 : 1);
  }
}

/** A C-contiguous array of `shape` and `dtype` with values drawn from `range`. */
export function randomArray(rng: Rng, dtype: DType, shape: readonly number[], range: ValueRange = 'small'): NDArray {
  const n = sizeOf(shape);
  const values = Array.from({ length: n }, () => randomScalar(rng, dtype, range));
  return fill(shape, dtype, (i) => values[i]!);
}
