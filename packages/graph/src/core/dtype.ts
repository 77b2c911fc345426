/**
 * Data types and NumPy's promotion rules.
 *
 * Storage: every dtype maps to one JavaScript typed array. `int64` is stored
 * in a `Float64Array`: values are exact up to 2^53 and arithmetic stays in
 * plain numbers (BigInt arithmetic would cost every kernel a conversion).
 * `bool` is stored as `Uint8Array` holding 0 or 1. `float16` is stored in a
 * `Float32Array` whose values are rounded to half precision (Node 20 has no
 * `Float16Array`); every result stored into it is rounded again, so values
 * and arithmetic are NumPy's float16.
 */
export const DTYPES = [
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'float16',
  'float32',
  'float64',
] as const;

/** An element type: one of {@link DTYPES} (NumPy's names; no uint64, no complex: see `ComplexDType`). */
export type DType = (typeof DTYPES)[number];
/** The float dtypes. */
export type FloatDType = 'float16' | 'float32' | 'float64';
/** NumPy's dtype kind letters: bool, signed integer, unsigned integer, float. */
export type DTypeKind = 'b' | 'i' | 'u' | 'f';

/** The typed arrays values are stored in (see {@link STORAGE}). */
export type TypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint16Array
  | Uint32Array
  | Float32Array
  | Float64Array;

type TypedArrayCtor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  from(source: ArrayLike<number>): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

/** The typed array each dtype is stored in: bool in a Uint8Array (0/1), int64 in a Float64Array (integers exact to 2^53), float16 in a Float32Array (values rounded to half precision). */
export const STORAGE: { readonly [D in DType]: TypedArrayCtor } = {
  bool: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: Float64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  float16: Float32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** Each dtype's kind letter (NumPy's `dtype.kind`). */
export const KIND: { readonly [D in DType]: DTypeKind } = {
  bool: 'b',
  int8: 'i',
  int16: 'i',
  int32: 'i',
  int64: 'i',
  uint8: 'u',
  uint16: 'u',
  uint32: 'u',
  float16: 'f',
  float32: 'f',
  float64: 'f',
};

const BITS: { readonly [D in DType]: number } = {
  bool: 1,
  int8: 8,
  int16: 16,
  int32: 32,
  int64: 64,
  uint8: 8,
  uint16: 16,
  uint32: 32,
  float16: 16,
  float32: 32,
  float64: 64,
};

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

/** The error for a dtype that is none of {@link DTYPES}, naming the call and listing them (NumPy's spellings such as 'int' or 'float' are not dtypes here). */
export function unknownDTypeError(caller: string, dtype: unknown): TypeError {
  return new TypeError(`${caller}: unknown dtype ${String(dtype)}; the dtypes are ${DTYPES.join(', ')}`);
}

/**
 * Throw unless `dtype` is one of {@link DTYPES}, naming `caller`, the dtypes
 * and what came: plain JavaScript may pass undefined or a NumPy spelling
 * ('float', 'f8'), which would otherwise fail deep inside as
 * "STORAGE[dtype] is not a constructor".
 */
export function checkDType(dtype: unknown, caller: string): asserts dtype is DType {
  if (isDType(dtype)) return;
  const shown = typeof dtype === 'string' ? JSON.stringify(dtype) : dtype === null ? 'null' : typeof dtype === 'object' || typeof dtype === 'function' ? typeof dtype : String(dtype);
  throw new TypeError(`${caller}: dtype must be one of ${DTYPES.join(', ')}; got ${shown}`);
}

/** Whether d is float16, float32 or float64. */
export function isFloat(d: DType): d is FloatDType {
  return KIND[d] === 'f';
}
/** Whether d is a signed or unsigned integer dtype (not bool). */
export function isInt(d: DType): boolean {
  return KIND[d] === 'i' || KIND[d] === 'u';
}
export function isBool(d: DType): boolean {
  return d === 'bool';
}
export function bits(d: DType): number {
  return BITS[d];
}

/**
 * The most elements one array may hold (2^31 - 1): the backends index a
 * buffer with 32-bit integers (WebAssembly addresses, WGSL's u32/i32), and
 * a length past it (a data-dependent one, bincount's) is refused with an
 * error rather than tried (an int64 array of 2^31 elements is 16 GiB).
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** A zeroed typed array of `size` elements for `dtype` (its {@link STORAGE}); throws past 2^31 - 1 elements or on an unknown dtype. */
export function allocate(dtype: DType, size: number, caller = 'allocate'): TypedArray {
  checkDType(dtype, caller);
  if (size > MAX_ELEMENTS) throw new RangeError(`allocate: an array of ${size} ${dtype} elements is past the most one array may hold (${MAX_ELEMENTS})`);
  return new STORAGE[dtype](size);
}

/**
 * Integer range of a dtype (inclusive); floats return infinities. For int64
 * it is the part exact in its Float64Array storage, +-(2^53 - 1) (what the
 * testkit draws and random integers reach); the values int64 takes are
 * every integer literal, -2^63 <= x < 2^63 (`isIntLiteral`).
 */
export function intRange(d: DType): [number, number] {
  switch (d) {
    case 'bool':
      return [0, 1];
    case 'int8':
      return [-128, 127];
    case 'int16':
      return [-32768, 32767];
    case 'int32':
      return [-2147483648, 2147483647];
    case 'int64':
      return [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    case 'uint8':
      return [0, 255];
    case 'uint16':
      return [0, 65535];
    case 'uint32':
      return [0, 4294967295];
    default:
      return [-Infinity, Infinity];
  }
}

/** NumPy's `can_cast(from, to, 'safe')`. */
export function canCastSafely(from: DType, to: DType): boolean {
  if (from === to) return true;
  const kf = KIND[from];
  const kt = KIND[to];
  if (kf === 'b') return true;
  if (kt === 'b') return false;
  if (kf === 'f') return kt === 'f' && BITS[to] >= BITS[from];
  // an integer fits a float with more mantissa bits than it has bits (int64 to float64 counts as safe, as in NumPy)
  if (kt === 'f') return to === 'float64' || BITS[from] < BITS[to];
  if (kf === kt) return BITS[to] >= BITS[from];
  if (kf === 'u' && kt === 'i') return BITS[to] > BITS[from];
  return false; // signed to unsigned
}

/** NumPy's `result_type` of two array dtypes (no weak scalars). */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  const ka = KIND[a];
  const kb = KIND[b];
  if (ka === 'b') return b;
  if (kb === 'b') return a;
  if (ka === 'f' || kb === 'f') {
    if (ka === 'f' && kb === 'f') return BITS[a] >= BITS[b] ? a : b;
    const f = ka === 'f' ? a : b;
    const i = ka === 'f' ? b : a;
    // an integer needs a float with more mantissa than it has bits: float16 holds 8-bit integers, float32 16-bit ones
    if (f === 'float64') return 'float64';
    if (BITS[i] < BITS[f]) return f;
    return BITS[i] <= 16 ? 'float32' : 'float64';
  }
  if (ka === kb) return BITS[a] >= BITS[b] ? a : b;
  const s = ka === 'i' ? a : b;
  const u = ka === 'u' ? a : b;
  if (BITS[s] > BITS[u]) return s;
  const wider: Record<number, DType> = { 8: 'int16', 16: 'int32', 32: 'int64', 64: 'float64' };
  return wider[BITS[u]]!;
}

/** NumPy's type numbers: the larger is the more generic DType (float16, added last, is 23). */
const TYPE_NUM: { readonly [D in DType]: number } = {
  bool: 0,
  int8: 1,
  uint8: 2,
  int16: 3,
  uint16: 4,
  int32: 5,
  uint32: 6,
  int64: 7,
  float32: 11,
  float64: 12,
  float16: 23,
};

/**
 * NumPy's `result_type` of several array dtypes. Pairwise promotion is not
 * associative across signed and unsigned integers (int8, uint16 is int32,
 * which float32 widens to float64), so NumPy promotes each dtype with the
 * most generic one (the highest type number) and then the results:
 * `result_type(int8, uint16, float32)` is float32 in any order. Matches
 * NumPy 2.4 on every 3-, 4- and 5-tuple of dtypes.
 */
export function promoteAll(ds: readonly DType[]): DType {
  if (ds.length === 0) throw new Error('promoteAll: no dtypes');
  const main = ds.reduce((a, b) => (TYPE_NUM[b] > TYPE_NUM[a] ? b : a));
  return ds.map((d) => promote(main, d)).reduce(promote);
}

/** The float dtype an operation on `d` computes in (true division, exp, ...). */
export function floatOf(d: DType): FloatDType {
  if (isFloat(d)) return d;
  // Theano's upgrade_to_float: bool and 8/16-bit integers fit in float32,
  // wider integers need float64 (NumPy would pick float16 where we have none).
  return BITS[d] <= 16 ? 'float32' : 'float64';
}

/** Convert a JS number to what storing it into dtype `d` yields (wraps ints like C). */
export function castScalar(x: number, d: DType): number {
  switch (d) {
    case 'bool':
      // NumPy: NaN is truthy, only zeros are false
      return x !== 0 ? 1 : 0;
    case 'int8':
      return (Math.trunc(x) << 24) >> 24;
    case 'int16':
      return (Math.trunc(x) << 16) >> 16;
    case 'int32':
      return Math.trunc(x) | 0;
    case 'uint8':
      return Math.trunc(x) & 0xff;
    case 'uint16':
      return Math.trunc(x) & 0xffff;
    case 'uint32':
      return Math.trunc(x) >>> 0;
    case 'int64':
      return int64Of(x);
    case 'float16':
      return f16round(x);
    case 'float32':
      return Math.fround(x);
    case 'float64':
      return x;
  }
}

/** 2^63 and 2^64, as doubles (exact). */
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;

/**
 * Whether a JavaScript number is an integer literal: an integer int64 holds
 * (-2^63 <= x < 2^63), which NumPy keeps as int64 (`np.int64(1) + 2**60`
 * is int64). JavaScript cannot tell `1e20` from `10**20`; one past int64's
 * range is a float, as NumPy has no integer dtype for it either.
 */
export function isIntLiteral(x: number): boolean {
  return Number.isInteger(x) && x >= -TWO63 && x < TWO63;
}

/**
 * x stored into int64 (a Float64Array): truncated, and beyond int64's
 * range wrapped modulo 2^64 as NumPy's int64 arithmetic wraps
 * (np.int64(2**62) * 4 is 0; 5e18 + 5e18 is -8446744073709551616)
 * rather than holding a value no int64 holds. 2^63 itself is
 * kept: it is the double nearest INT64_MAX (2^63 - 1 is not a double),
 * so it stands for both. The wrap is exact: a double past 2^63 is a
 * multiple of 2^11, and so is its remainder, of magnitude at most 2^63.
 * NaN and infinities give 0 (NumPy's cast of them is undefined). + 0:
 * integers have no -0 (the storage would keep it, and 1 / float(-x) of 0
 * be -inf).
 */
function int64Of(x: number): number {
  if (!Number.isFinite(x)) return 0;
  const t = Math.trunc(x);
  if (t >= -TWO63 && t <= TWO63) return t + 0;
  return t - Math.round(t / TWO64) * TWO64 + 0;
}

/** The magnitude from which values round to float16's infinity (half an ulp above its largest, 65504). */
const F16_OVERFLOW = 65520;
/** A double's bits, for its exponent: the high word is word 1 on little-endian machines. */
const F64 = new Float64Array(1);
const F64_WORDS = new Uint32Array(F64.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** 2^k for k = 0 .. 63. */
const POW2 = Array.from({ length: 64 }, (_, k) => 2 ** k);

/**
 * `x` rounded to the nearest float16 (ties to even), as a number: what
 * NumPy's `np.float16(x)` holds. Subnormals below 2^-14 step by 2^-24;
 * magnitudes from 65520 round to infinity. The rounding itself is the
 * FPU's: adding 2^(k+52) to a magnitude below it leaves 2^k as the last
 * place, rounded to nearest even.
 */
export function f16round(x: number): number {
  if (x === 0 || x !== x) return x;
  const a = Math.abs(x);
  if (a >= F16_OVERFLOW) return x > 0 ? Infinity : -Infinity;
  F64[0] = a;
  const e = ((F64_WORDS[HIGH]! >>> 20) & 0x7ff) - 1023;
  // the last place of a half at this exponent: 10 fraction bits, and 2^-24 below the normal range
  const c = POW2[(e < -14 ? -14 : e) - 10 + 52]!;
  const r = a + c - c;
  return x < 0 ? -r : r;
}
