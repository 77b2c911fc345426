/** Turning user values into arrays of a given type, with errors that say what was expected and what came. */
import type { DType } from './dtype.js';
import { KIND, canCastSafely, castScalar, intRange, isFloat, isIntLiteral } from './dtype.js';
import { NDArray, array, describe, flattenNested, isTypedArray, shapeToString, typedArrayDType, type NestedArray } from './ndarray.js';
import type { TensorType } from './type.js';

/** Options of {@link convertValue}: how strictly a value's dtype must fit the target type. */
export interface ConvertOptions {
  /** Accept values whose dtype cannot be cast to the target without loss (they are cast like NumPy's astype). */
  allowDowncast?: boolean;
  /** How to avoid a refused downcast, ending the error; by default a function's (cast first, or compile with allowInputDowncast). */
  downcastHint?: string;
}

const FUNCTION_DOWNCAST_HINT = 'Cast the value first, or compile with { allowInputDowncast: true }.';

/**
 * Convert `value` to an array of `type`. Plain JS numbers go into any float
 * dtype and into integer dtypes when they are integers in range; arrays with
 * a dtype (NDArray, typed arrays) must cast safely unless `allowDowncast`.
 */
export function convertValue(value: unknown, type: TensorType, what: string, opts: ConvertOptions = {}): NDArray {
  const target = type.dtype;
  let arr: NDArray;
  if (value instanceof NDArray || isTypedArray(value)) {
    let src: DType;
    try {
      src = value instanceof NDArray ? value.dtype : typedArrayDType(value);
    } catch (e) {
      throw new TypeError(`${what}: ${(e as Error).message}`);
    }
    if (src !== target && !canCastSafely(src, target) && !opts.allowDowncast) {
      throw new TypeError(
        `${what}: expected ${type.toString()}, got ${describe(value)}: casting ${src} to ${target} may lose data. ` +
          (opts.downcastHint ?? FUNCTION_DOWNCAST_HINT),
      );
    }
    arr = value instanceof NDArray ? (src === target ? value : value.astype(target)) : array(value, { dtype: target });
  } else if (typeof value === 'number' || typeof value === 'boolean' || Array.isArray(value)) {
    let flat: (number | boolean)[];
    let shape: number[];
    let typed: DType[];
    try {
      ({ flat, shape, typed } = flattenNested(value as NestedArray, what));
    } catch (e) {
      throw new TypeError(`${(e as Error).message} (expected ${type.toString()})`);
    }
    // rows that are typed arrays cast as one typed array does
    const lossy = typed.find((src) => src !== target && !canCastSafely(src, target));
    if (lossy && !opts.allowDowncast) {
      throw new TypeError(
        `${what}: expected ${type.toString()}, got rows of ${lossy}: casting ${lossy} to ${target} may lose data. ` +
          (opts.downcastHint ?? FUNCTION_DOWNCAST_HINT),
      );
    }
    if (!isFloat(target) && !opts.allowDowncast) {
      const [lo, hi] = intRange(target);
      // int64 takes every integer literal (-2^63 <= n < 2^63), past 2^53 as the double the CPU stores and
      // sym.array infers int64: intRange's int64 is only the part exact in that storage
      const fits = target === 'int64' ? isIntLiteral : (n: number) => Number.isInteger(n) && n >= lo && n <= hi;
      const range = target === 'int64' ? '[-2^63, 2^63)' : `[${lo}, ${hi}]`;
      flat.forEach((v, i) => {
        const n = Number(v);
        if (target === 'bool' ? typeof v !== 'boolean' && n !== 0 && n !== 1 : !fits(n)) {
          throw new TypeError(
            `${what}: expected ${type.toString()}, but element ${i} is ${String(v)}, which is not ${target === 'bool' ? 'a boolean' : `an integer in the ${target} range ${range}`}.`,
          );
        }
      });
    }
    arr = array(value as NestedArray, { dtype: target });
    void shape;
  } else {
    throw new TypeError(`${what}: expected ${type.toString()} (a number, nested arrays, a typed array or an NDArray), got ${describe(value)}`);
  }
  checkShape(arr, type, what);
  return arr;
}

/** Whether `arr` already is a value of `type` (dtype, rank, broadcastable dimensions of length 1): no conversion needed. */
export function fitsType(arr: NDArray, type: TensorType): boolean {
  if (arr.dtype !== type.dtype || arr.ndim !== type.ndim) return false;
  const bc = type.broadcastable;
  for (let d = 0; d < bc.length; d++) if (bc[d] && arr.shape[d] !== 1) return false;
  return true;
}

export function checkShape(arr: NDArray, type: TensorType, what: string): void {
  if (arr.ndim !== type.ndim) {
    throw new TypeError(
      `${what}: wrong number of dimensions: expected ${type.ndim} (${type.toString()}), got ${arr.ndim} with shape ${shapeToString(arr.shape)}`,
    );
  }
  type.broadcastable.forEach((b, d) => {
    if (b && arr.shape[d] !== 1) {
      throw new TypeError(
        `${what}: dimension ${d} is broadcastable in ${type.toString()} and must have length 1, got shape ${shapeToString(arr.shape)}`,
      );
    }
  });
}

/** The dtype plain data would get (NumPy's defaults: int64, float64, bool). */
export function naturalDType(value: unknown): DType {
  if (value instanceof NDArray) return value.dtype;
  if (isTypedArray(value)) return typedArrayDType(value);
  return array(value as NestedArray).dtype;
}

export { KIND, castScalar };
