/**
 * `unique` of a tensor's elements (axis null, or a vector's axis 0) for the
 * host op `Unique` (host.ts): a stable LSD radix argsort of order-preserving
 * unsigned keys, then one scan of the runs of equal keys. A comparator sort
 * of 1e6 elements took ~0.5 s on the CPU; this takes a few tens of ms.
 *
 * The keys make the order the slice path's (and NumPy's): ascending, -0 and
 * 0 one value, NaNs last as one value. The sort is stable, so each run leads
 * with its element's first position in x: the index NumPy returns, and the
 * value kept for the zero run (NumPy's unique of [0., -0.] is [0.], of
 * [-0., 0.] is [-0.]).
 */
import { NDArray } from '../core/ndarray.js';

/** Bits sorted per pass: 3 passes for a 32-bit key, each over a 2048-entry histogram that stays in cache. */
const DIGIT_BITS = 11;
const RADIX = 1 << DIGIT_BITS;
const DIGIT_MASK = RADIX - 1;

/** The flags of `Unique` that ask for more than the values. */
export interface UniqueElementOutputs {
  returnIndex: boolean;
  returnInverse: boolean;
  returnCounts: boolean;
}

/** Values, then index, inverse (x's shape) and counts as asked: NumPy's `unique` of x's elements. */
export function uniqueElements(x: NDArray, asked: UniqueElementOutputs): NDArray[] {
  const data = x.data;
  const n = x.size;
  const words = sortKeys(data, n);
  const order = radixOrder(words, n);
  const runStarts = new Uint32Array(n + 1);
  const low = words[0]!.key;
  const high = words[1]?.key ?? low;
  let m = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const j = order[k - 1]!;
    if (k === 0 || low[i] !== low[j] || high[i] !== high[j]) runStarts[m++] = k;
  }
  runStarts[m] = n;
  const values = NDArray.zeros([m], x.dtype);
  for (let r = 0; r < m; r++) values.data[r] = data[order[runStarts[r]!]!]!;
  const out = [values];
  if (asked.returnIndex) {
    const index = NDArray.zeros([m], 'int64');
    for (let r = 0; r < m; r++) index.data[r] = order[runStarts[r]!]!;
    out.push(index);
  }
  if (asked.returnInverse) {
    const inverse = NDArray.zeros(x.shape, 'int64');
    for (let r = 0; r < m; r++) for (let k = runStarts[r]!; k < runStarts[r + 1]!; k++) inverse.data[order[k]!] = r;
    out.push(inverse);
  }
  if (asked.returnCounts) {
    const counts = NDArray.zeros([m], 'int64');
    for (let r = 0; r < m; r++) counts.data[r] = runStarts[r + 1]! - runStarts[r]!;
    out.push(counts);
  }
  return out;
}

/** An unsigned 32-bit key word and how many of its low bits vary. */
interface KeyWord {
  key: Uint32Array;
  bits: number;
}

/** Key words, least significant first, whose unsigned order is the elements' order with -0 == 0 and NaNs last. */
function sortKeys(data: NDArray['data'], n: number): KeyWord[] {
  if (data instanceof Float32Array) {
    const bits = new Uint32Array(new Float32Array(data.subarray(0, n)).buffer);
    const key = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const v = data[i]!;
      const b = bits[i]!;
      // negative floats' bits run backwards: flip them all; nonnegative ones: set the sign bit above them
      key[i] = v !== v ? 0xffffffff : v === 0 ? 0x80000000 : b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    }
    return [{ key, bits: 32 }];
  }
  // integers (int64 as float64 numbers) whose range fits 32 bits: offsets from the minimum, few bits when the range is small
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let i = 0; i < n && integral; i++) {
    const v = data[i]!;
    if (!Number.isInteger(v)) integral = false;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (integral && (n === 0 || max - min <= 0xffffffff)) {
    const key = new Uint32Array(n);
    for (let i = 0; i < n; i++) key[i] = data[i]! - min;
    return [{ key, bits: n === 0 ? 0 : Math.ceil(Math.log2(max - min + 1)) }];
  }
  const bits = new Uint32Array(Float64Array.from(data.subarray(0, n)).buffer);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    const l = bits[2 * i]!;
    const h = bits[2 * i + 1]!;
    if (v !== v) {
      lo[i] = 0xffffffff;
      hi[i] = 0xffffffff;
    } else if (v === 0) {
      lo[i] = 0;
      hi[i] = 0x80000000;
    } else if (h & 0x80000000) {
      lo[i] = ~l >>> 0;
      hi[i] = ~h >>> 0;
    } else {
      lo[i] = l;
      hi[i] = (h | 0x80000000) >>> 0;
    }
  }
  return [
    { key: lo, bits: 32 },
    { key: hi, bits: 32 },
  ];
}

/** The positions 0..n-1 sorted stably by the key words (least significant first). */
function radixOrder(words: readonly KeyWord[], n: number): Uint32Array {
  const digits: { key: Uint32Array; shift: number }[] = [];
  for (const { key, bits } of words) for (let shift = 0; shift < bits; shift += DIGIT_BITS) digits.push({ key, shift });
  // every digit's histogram in one sweep: the counts do not depend on the order
  const counts = new Uint32Array(digits.length * RADIX);
  digits.forEach(({ key, shift }, d) => {
    const base = d * RADIX;
    for (let i = 0; i < n; i++) counts[base + ((key[i]! >>> shift) & DIGIT_MASK)]++;
  });
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let spare = new Uint32Array(n);
  digits.forEach(({ key, shift }, d) => {
    const start = counts.subarray(d * RADIX, (d + 1) * RADIX);
    // a digit every element shares leaves the order as it is
    if (n === 0 || start[(key[0]! >>> shift) & DIGIT_MASK] === n) return;
    let sum = 0;
    for (let b = 0; b < RADIX; b++) {
      const c = start[b]!;
      start[b] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      spare[start[(key[i]! >>> shift) & DIGIT_MASK]!++] = i;
    }
    [order, spare] = [spare, order];
  });
  return order;
}
