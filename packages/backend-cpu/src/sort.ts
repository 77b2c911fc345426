/**
 * The CPU's sort kernel (`SortKernel`): the stable sorting permutation of
 * each line, by LSD radix sort of keys whose unsigned order is NumPy's
 * order of the values.
 *
 * Keys: a float's bits with the sign bit flipped for positives and every
 * bit flipped for negatives order as the floats do (-inf first, +inf
 * last); every NaN takes the largest key (NaN last, and NaNs equal among
 * themselves), -0 the key of 0. Signed integers flip their sign bit,
 * unsigned ones are their own keys, and int64 (stored as float64 numbers)
 * orders as float64. Descending flips every bit of the key: NaN first,
 * and equal values still equal. Radix sorting is stable, so equal keys
 * keep their input order in both directions, as the kernel requires.
 *
 * Why radix: a comparison sort in JavaScript calls a comparator per
 * comparison (n log n calls); radix passes are n array moves each, 4 for
 * 32-bit keys and 8 for 64-bit ones, fewer when a byte is the same in the
 * whole line (small integers, a line of nearby floats). Short lines sort
 * by insertion, where the 256-bucket histograms would cost more than the
 * line.
 *
 * With WebAssembly the backend runs the same sort generated as
 * WebAssembly (wasm/vsort.ts); this one serves `wasm: false` and engines
 * without it, and is the reference the WebAssembly one is tested against.
 */
import type { SortKernel, TypedArray } from '@sym/graph';

/** Lines up to this long sort by insertion. */
export const INSERTION_MAX = 24;

/**
 * Scratch kept between launches (the CPU runs one kernel at a time), grown
 * to the longest line seen. Keys are held as int32 bit patterns of the
 * unsigned keys: an Int32Array element is always a small integer to the
 * engine, where a Uint32Array element of 2^31 or more is a heap number.
 */
interface Scratch {
  keys: Int32Array;
  high: Int32Array;
  order: Int32Array;
  order2: Int32Array;
  readonly counts: Int32Array;
}

const scratch: Scratch = { keys: new Int32Array(0), high: new Int32Array(0), order: new Int32Array(0), order2: new Int32Array(0), counts: new Int32Array(8 * 256) };

function reserve(s: Scratch, n: number, wide: boolean): void {
  if (s.keys.length < n) {
    const size = Math.max(n, 2 * s.keys.length);
    s.keys = new Int32Array(size);
    s.order = new Int32Array(size);
    s.order2 = new Int32Array(size);
  }
  if (wide && s.high.length < s.keys.length) s.high = new Int32Array(s.keys.length);
}

type KeyKind = 'f32' | 'f64' | 'signed' | 'unsigned';

function keyKind(d: SortKernel['inputs'][0]): KeyKind {
  switch (d) {
    case 'float16':
    case 'float32':
      return 'f32';
    case 'float64':
    case 'int64':
      return 'f64';
    case 'int8':
    case 'int16':
    case 'int32':
      return 'signed';
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'bool':
      return 'unsigned';
  }
}

/** Keys of float32 bits (`u`) of the line at `base` stepping `step`, into keys[0..n). */
function loadF32(u: Int32Array, keys: Int32Array, base: number, step: number, n: number, flip: number): void {
  for (let i = 0, e = base; i < n; i++, e += step) {
    const b = u[e]!;
    let key: number;
    // NaN (any payload): the largest key; -0: the key of 0
    if ((b & 0x7fffffff) > 0x7f800000) key = -1;
    else if (b === -0x80000000) key = -0x80000000;
    else key = b < 0 ? ~b : b ^ -0x80000000;
    keys[i] = key ^ flip;
  }
}

/** 64-bit keys of float64 bits (`u`, two words an element, low first): low words into keys, high words into high. */
function loadF64(u: Int32Array, keys: Int32Array, high: Int32Array, base: number, step: number, n: number, flip: number): void {
  for (let i = 0, e = 2 * base; i < n; i++, e += 2 * step) {
    let lo = u[e]!;
    let hi = u[e + 1]!;
    const mag = hi & 0x7fffffff;
    if (mag > 0x7ff00000 || (mag === 0x7ff00000 && lo !== 0)) hi = lo = -1;
    else if (mag === 0 && lo === 0) hi = -0x80000000;
    else if (hi < 0) ((hi = ~hi), (lo = ~lo));
    else hi ^= -0x80000000;
    keys[i] = lo ^ flip;
    high[i] = hi ^ flip;
  }
}

/** Keys of integers: the sign bit flipped for signed ones, then every bit for descending (both in `mask`). */
function loadInt(input: TypedArray, keys: Int32Array, base: number, step: number, n: number, mask: number): void {
  for (let i = 0, e = base; i < n; i++, e += step) keys[i] = input[e]! ^ mask;
}

/**
 * Stable insertion sort of positions 0..n-1 into `order` by their keys
 * (with `high`, 64-bit keys: high words first). Keys compare unsigned:
 * as int32 with the sign bit flipped.
 */
function insertionSort(keys: Int32Array, high: Int32Array | undefined, order: Int32Array, n: number): void {
  const S = -0x80000000;
  for (let i = 0; i < n; i++) {
    const k = keys[i]! ^ S;
    const h = high ? high[i]! ^ S : 0;
    let j = i - 1;
    // strictly greater moves: an equal key stays before, in input order
    for (; j >= 0; j--) {
      const o = order[j]!;
      const ho = high ? high[o]! ^ S : 0;
      if (ho < h || (ho === h && (keys[o]! ^ S) <= k)) break;
      order[j + 1] = o;
    }
    order[j + 1] = i;
  }
}

/**
 * LSD radix sort of positions 0..n-1 by their keys, a byte a pass, low
 * bytes first (with `high`, the 4 bytes of `keys` then the 4 of `high`).
 * The passes move positions only, reading each one's key where it was
 * loaded (the line fits in the cache). The sorted order ends in
 * `s.order`.
 */
function radixSort(s: Scratch, keys: Int32Array, high: Int32Array | undefined, n: number): void {
  const counts = s.counts;
  let order = s.order;
  let order2 = s.order2;
  const words = high ? 2 : 1;
  counts.fill(0, 0, words * 1024);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    counts[k & 255]!++;
    counts[256 + ((k >>> 8) & 255)]!++;
    counts[512 + ((k >>> 16) & 255)]!++;
    counts[768 + (k >>> 24)]!++;
  }
  if (high) {
    for (let i = 0; i < n; i++) {
      const h = high[i]!;
      counts[1024 + (h & 255)]!++;
      counts[1280 + ((h >>> 8) & 255)]!++;
      counts[1536 + ((h >>> 16) & 255)]!++;
      counts[1792 + (h >>> 24)]!++;
    }
  }
  // the positions in input order until a pass moves them
  let moved = false;
  for (let pass = 0; pass < 4 * words; pass++) {
    const c = pass * 256;
    const shift = (pass & 3) * 8;
    const digits = pass < 4 ? keys : high!;
    // a byte the whole line shares moves nothing
    if (counts[c + ((digits[0]! >>> shift) & 255)] === n) continue;
    let sum = 0;
    for (let b = c; b < c + 256; b++) {
      const t = counts[b]!;
      counts[b] = sum;
      sum += t;
    }
    if (moved) {
      for (let i = 0; i < n; i++) {
        const o = order[i]!;
        order2[counts[c + ((digits[o]! >>> shift) & 255)]!++] = o;
      }
    } else {
      for (let i = 0; i < n; i++) order2[counts[c + ((digits[i]! >>> shift) & 255)]!++] = i;
      moved = true;
    }
    const t = order;
    order = order2;
    order2 = t;
  }
  if (!moved) for (let i = 0; i < n; i++) order[i] = i;
  s.order = order;
  s.order2 = order2;
}

/** Run a sort kernel: `input` is its input buffer, `out` its int32 output. */
export function runSort(k: SortKernel, input: TypedArray, out: TypedArray): void {
  const { shape, axis, keep, strides } = k;
  const n = shape[axis]!;
  const kind = keyKind(k.inputs[0]);
  const wide = kind === 'f64';
  const flip = k.descending ? -1 : 0;
  // the floats' bits, two words a float64
  const bits = kind === 'f32' || wide ? new Int32Array(input.buffer, input.byteOffset, (wide ? 2 : 1) * input.length) : undefined;
  const mask = (kind === 'signed' ? -0x80000000 : 0) ^ flip;
  const s = scratch;
  reserve(s, n, wide);
  const step = strides[axis]!;
  const { after, base, first } = linesOf(k);
  for (let line = 0; line < base.length; line++) {
    const { keys } = s;
    const high = wide ? s.high : undefined;
    if (kind === 'f32') loadF32(bits!, keys, base[line]!, step, n, flip);
    else if (wide) loadF64(bits!, keys, high!, base[line]!, step, n, flip);
    else loadInt(input, keys, base[line]!, step, n, mask);
    if (n <= INSERTION_MAX) insertionSort(keys, high, s.order, n);
    else radixSort(s, keys, high, n);
    const o = first[line]!;
    const order = s.order;
    if (after === 1) for (let p = 0; p < keep; p++) out[o + p] = order[p]!;
    else for (let p = 0; p < keep; p++) out[o + p * after] = order[p]!;
  }
}

/** `sortLines(k)`, made once per kernel object: a compiled program runs the same kernel at every call. */
const LINES = new WeakMap<SortKernel, ReturnType<typeof sortLines>>();
function linesOf(k: SortKernel): ReturnType<typeof sortLines> {
  let lines = LINES.get(k);
  if (!lines) LINES.set(k, (lines = sortLines(k)));
  return lines;
}

/**
 * The lines of sort kernel `k`, one per position of its other dimensions,
 * in output order: each line's first element (`base`, in elements from the
 * input's start) and first output position (`first`); line i's kept
 * positions are out[first[i] + p * after], p < keep.
 */
export function sortLines(k: SortKernel): { base: Int32Array; first: Int32Array; after: number } {
  const { shape, axis, keep, strides } = k;
  const after = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const lines = shape.reduce((a, b, d) => (d === axis ? a : a * b), 1);
  const base = new Int32Array(lines);
  const first = new Int32Array(lines);
  // the other dimensions, innermost first, walked as an odometer: the line's first element moves by their strides
  const dims = shape.map((_, d) => d).filter((d) => d !== axis).reverse();
  const at = dims.map(() => 0);
  let b = k.offset;
  for (let line = 0; line < lines; line++) {
    base[line] = b;
    // line = o * after + r: its p-th kept position is out[(o * keep + p) * after + r]
    const r = line % after;
    first[line] = (line - r) * keep + r;
    for (let q = 0; q < dims.length; q++) {
      const d = dims[q]!;
      b += strides[d]!;
      if (++at[q]! < shape[d]!) break;
      b -= at[q]! * strides[d]!;
      at[q] = 0;
    }
  }
  return { base, first, after };
}
