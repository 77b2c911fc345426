/**
 * NDArray: the value type of sym. A dense, C-contiguous array (data, shape,
 * dtype) that prints like NumPy and converts to nested JavaScript arrays.
 */
import { STORAGE, allocate, castScalar, checkDType, isDType, isIntLiteral, promoteAll, type DType, type TypedArray } from './dtype.js';
import { formatArray, reprArray } from '../printing/format.js';
import { checkOptionNames } from './options.js';

/** Concrete lengths, one per dimension. */
export type Shape = readonly number[];

/** Nested arrays of numbers or booleans, any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** What sym accepts wherever a value goes in: nested arrays may end in typed arrays or NDArrays (rows, as NumPy takes a list of arrays). */
export type ArrayLike = NDArray | NestedArray | TypedArray | Uint8ClampedArray | readonly (TypedArray | Uint8ClampedArray | NDArray | NestedArray)[];

/** Number of elements of an array of `shape` (1 for `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The C-order (row-major) strides of `shape`, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** A shape as NumPy prints it, `(2, 3)`, `(3,)`; null lengths as `?`. */
export function shapeToString(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** A value: a dense, C-contiguous array of one dtype (what functions take and return; NumPy's ndarray). */
export class NDArray {
  /** The elements in C order, in the typed array `STORAGE[dtype]` names. */
  readonly data: TypedArray;
  /** The length of each dimension, outermost first (`[]` for a 0-d array). */
  readonly shape: Shape;
  /** The elements' dtype. */
  readonly dtype: DType;

  constructor(data: TypedArray, shape: Shape, dtype: DType) {
    checkDType(dtype, 'NDArray');
    // a negative length would pass the size check in pairs ((-2, -2) holds 4 elements)
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new RangeError(`NDArray: shape ${shapeToString(shape)} must be non-negative integers`);
    if (data.length !== sizeOf(shape)) {
      throw new Error(`NDArray: data has ${data.length} elements but shape ${shapeToString(shape)} needs ${sizeOf(shape)}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
  }

  /** Zeros of `shape` and `dtype` (NumPy's `np.zeros`); throws unless shape is an array of non-negative integers. */
  static zeros(shape: Shape, dtype: DType): NDArray {
    // plain JavaScript may pass a number (NumPy's np.zeros(3)) or a length that no typed array takes
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      const shown = Array.isArray(shape) ? JSON.stringify(shape) : shape === null || shape === undefined ? String(shape) : `${typeof shape} ${String(shape)}`;
      throw new TypeError(`NDArray.zeros: the shape must be an array of non-negative integers, got ${shown}`);
    }
    return new NDArray(allocate(dtype, sizeOf(shape), 'NDArray.zeros'), shape, dtype);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The element at a multi-index (negative indices count from the end). */
  get(...index: number[]): number {
    if (index.length !== this.ndim) throw new Error(`NDArray.get: expected ${this.ndim} indices, got ${index.length}`);
    let off = 0;
    const strides = contiguousStrides(this.shape);
    index.forEach((i, k) => {
      const n = this.shape[k]!;
      const j = i < 0 ? i + n : i;
      if (j < 0 || j >= n) throw new RangeError(`NDArray.get: index ${i} out of range for axis ${k} of size ${n}`);
      off += j * strides[k]!;
    });
    return this.data[off]!;
  }

  /** The value of a one-element array as a number (booleans as 0/1). */
  item(): number {
    if (this.size !== 1) throw new Error(`NDArray.item: array of shape ${shapeToString(this.shape)} has ${this.size} elements, not 1`);
    return this.data[0]!;
  }

  /** Nested JavaScript arrays (numbers; booleans for bool arrays). */
  toArray(): NestedArray {
    const conv = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    if (this.ndim === 0) return conv(this.data[0]!);
    const strides = contiguousStrides(this.shape);
    const rec = (dim: number, off: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]!; i++) {
        out.push(dim === this.ndim - 1 ? conv(this.data[off + i]!) : rec(dim + 1, off + i * strides[dim]!));
      }
      return out;
    };
    return rec(0, 0);
  }

  /** A copy converted to another dtype (C-style wrap for integers, like NumPy's astype). */
  astype(dtype: DType): NDArray {
    const out = allocate(dtype, this.size, 'NDArray.astype');
    for (let i = 0; i < out.length; i++) out[i] = castScalar(this.data[i]!, dtype);
    return new NDArray(out, this.shape, dtype);
  }

  /** A copy with its own data. */
  copy(): NDArray {
    return new NDArray(this.data.slice(), this.shape, this.dtype);
  }

  /** The same data under another shape of as many elements, one length of which may be -1, inferred (NumPy's); shares `data`, no copy. */
  reshape(shape: Shape): NDArray {
    const known = shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
    const inferred = shape.filter((d) => d === -1).length === 1 && known > 0 ? shape.map((d) => (d === -1 ? this.size / known : d)) : shape;
    if (!inferred.every((d) => Number.isSafeInteger(d) && d >= 0) || sizeOf(inferred) !== this.size) {
      throw new Error(`NDArray.reshape: cannot reshape ${shapeToString(this.shape)} (size ${this.size}) to ${shapeToString(shape)}`);
    }
    return new NDArray(this.data, inferred, this.dtype);
  }

  /** NumPy's `str()`: what `print(array)` shows. */
  toString(): string {
    return formatArray(this.data, this.shape, this.dtype);
  }

  /** NumPy's `repr()`: `array([1., 2.])`. */
  repr(): string {
    return reprArray(this.data, this.shape, this.dtype);
  }

  /** How Node's `util.inspect` (and `console.log`) shows it: as `toString` does. */
  [inspectSymbol](): string {
    return this.toString();
  }
}

/**
 * Infer the NumPy dtype of plain JS data: bool, int64 for integers int64
 * holds (also past 2^53, as numpy.array([2**60])), float64 otherwise. An
 * empty list is float64 (numpy.array([])); JS cannot tell 1e20 from an
 * integer, and it is past int64's range: float64.
 */
function inferDType(flat: (number | boolean)[]): DType {
  if (flat.length === 0) return 'float64';
  if (flat.every((v) => typeof v === 'boolean')) return 'bool';
  if (flat.every((v) => typeof v === 'boolean' || isIntLiteral(v))) return 'int64';
  return 'float64';
}

const TYPED_DTYPE = new Map<unknown, DType>([
  [Float64Array, 'float64'],
  [Float32Array, 'float32'],
  [Int32Array, 'int32'],
  [Int16Array, 'int16'],
  [Int8Array, 'int8'],
  [Uint8Array, 'uint8'],
  [Uint16Array, 'uint16'],
  [Uint32Array, 'uint32'],
  // a canvas's pixels (ImageData.data)
  [Uint8ClampedArray, 'uint8'],
]);

/** The dtype a typed array's values have; BigInt arrays are refused (their elements are not numbers). */
export function typedArrayDType(a: TypedArray | Uint8ClampedArray): DType {
  const d = TYPED_DTYPE.get(a.constructor);
  if (d) return d;
  // the types exclude them, but JavaScript callers may pass them
  const ctor: unknown = a.constructor;
  if (ctor === BigInt64Array || ctor === BigUint64Array) {
    throw new TypeError(
      `${(ctor as { name: string }).name}(${a.length}) holds BigInts, which sym does not take (int64 values are JavaScript numbers, exact to 2^53); convert it first, e.g. Array.from(a, Number)`,
    );
  }
  return 'float64';
}

export function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** Flatten nested JS arrays, checking they are rectangular. */
/**
 * The values (in C order) and the shape of nested arrays, whose innermost
 * parts may be typed arrays or NDArrays of the remaining lengths (NumPy's
 * `np.array([row0, row1])`); `typed` lists those parts' dtypes, `plain`
 * says whether plain numbers or booleans appear too.
 */
export function flattenNested(value: NestedArray, what = 'value'): { flat: (number | boolean)[]; shape: number[]; typed: DType[]; plain: boolean } {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  if (isTypedArray(probe)) shape.push(probe.length);
  else if (probe instanceof NDArray) shape.push(...probe.shape);
  const flat: (number | boolean)[] = [];
  const typed = new Set<DType>();
  let plain = false;
  const rec = (v: unknown, dim: number, path: string): void => {
    if (isTypedArray(v) || v instanceof NDArray) {
      const own = v instanceof NDArray ? v.shape : [v.length];
      const want = shape.slice(dim);
      if (own.length !== want.length || own.some((n, d) => n !== want[d])) {
        throw new TypeError(`${what}: ragged nested array at ${path || 'the top'}: expected shape ${shapeToString(want)}, got ${describe(v)}`);
      }
      const data = v instanceof NDArray ? v.data : v;
      for (let i = 0; i < data.length; i++) flat.push(data[i]!);
      typed.add(v instanceof NDArray ? v.dtype : typedArrayDType(v));
      return;
    }
    if (dim === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new TypeError(`${what}: expected a number at ${path || 'the top'}, got ${describe(v)}`);
      }
      flat.push(v);
      plain = true;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new TypeError(`${what}: ragged nested array at ${path || 'the top'}: expected ${shape[dim]} elements, got ${describe(v)}`);
    }
    v.forEach((x, i) => rec(x, dim + 1, `${path}[${i}]`));
  };
  rec(value, 0, '');
  return { flat, shape, typed: [...typed], plain };
}

export function describe(v: unknown): string {
  if (v instanceof NDArray) return `NDArray(${v.dtype}, shape ${shapeToString(v.shape)})`;
  if (isTypedArray(v)) return `${v.constructor.name}(${v.length})`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const keys = Object.keys(v);
    return `a plain object${keys.length ? ` with keys ${keys.join(', ')}` : ''}`;
  }
  return `${typeof v} ${String(v)}`;
}

/**
 * `np.array(value, dtype)`: an NDArray from numbers, nested arrays, typed
 * arrays (1-D, or reshaped with `shape`) or another NDArray (copied).
 */
export function array(value: ArrayLike, options: { dtype?: DType; shape?: Shape } = {}): NDArray {
  checkOptionNames(options, 'array', ['dtype', 'shape']);
  const { dtype, shape } = options;
  if (dtype !== undefined && !isDType(dtype)) throw new TypeError(`array: unknown dtype ${String(dtype)}`);
  if (value instanceof NDArray) {
    const v = dtype && dtype !== value.dtype ? value.astype(dtype) : value.copy();
    return shape ? v.reshape(shape) : v;
  }
  if (isTypedArray(value)) {
    const own = typedArrayDType(value);
    const d = dtype ?? own;
    // a copy in the dtype's own storage (a Uint8ClampedArray's values go into a Uint8Array)
    const data = d === own && value instanceof STORAGE[d] ? value.slice() : castArray(value, d);
    return new NDArray(data, shape ?? [value.length], dtype ?? own);
  }
  const { flat, shape: s, typed, plain } = flattenNested(value as NestedArray);
  // rows that are typed arrays keep their dtype, promoted with plain numbers' beside them (NumPy's rule)
  const d = dtype ?? (typed.length ? promoteAll(plain ? [...typed, inferDType(flat)] : typed) : inferDType(flat));
  const data = allocate(d, flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = castScalar(Number(flat[i]), d);
  const nd = new NDArray(data, s, d);
  return shape ? nd.reshape(shape) : nd;
}

function castArray(a: TypedArray, d: DType): TypedArray {
  const out = allocate(d, a.length);
  for (let i = 0; i < a.length; i++) out[i] = castScalar(a[i]!, d);
  return out;
}

/**
 * An array over `data`, taken as it is when it is the dtype's storage
 * (backends hand results back this way), cast otherwise. float16's storage
 * is a Float32Array whose values are already half-precision ones: to round
 * float32 data, use `array(data, { dtype: 'float16' })`.
 */
export function fromTyped(data: TypedArray, shape: Shape, dtype: DType): NDArray {
  checkDType(dtype, 'fromTyped');
  if (!(data instanceof STORAGE[dtype])) data = castArray(data, dtype);
  return new NDArray(data, shape, dtype);
}

/** An array of `shape` filled from `f(flatIndex)`. */
export function fill(shape: Shape, dtype: DType, f: (i: number) => number): NDArray {
  const a = NDArray.zeros(shape, dtype);
  for (let i = 0; i < a.size; i++) a.data[i] = castScalar(f(i), dtype);
  return a;
}

/** Python's print of a list/tuple of arrays: `[array([18., 37.]), array(91.)]`. */
export function reprValue(v: unknown): string {
  if (v instanceof NDArray) return v.repr();
  if (Array.isArray(v)) return `[${v.map(reprValue).join(', ')}]`;
  return String(v);
}
