/**
 * How sym's dtypes live on a WebGPU device. WGSL storage has only 32-bit
 * scalars (f16 aside), so every supported dtype occupies one 4-byte word:
 *
 * | sym dtype                 | WGSL value | storage word |
 * |---------------------------|------------|--------------|
 * | float32                   | f32        | f32          |
 * | int8, int16, int32, int64 | i32        | i32          |
 * | uint8, uint16, uint32     | u32        | u32          |
 * | bool                      | bool       | u32 (0 or 1) |
 *
 * Narrow integers are wrapped to their width after every operation, as
 * NumPy does. int64 is held as i32: writes outside the int32 range are
 * refused with an error, and arithmetic wraps at 32 bits (argmax indices,
 * shapes and integer sums are exact below 2^31). float64 has no WGSL type
 * and is refused (set floatX=float32).
 */
import type { DType, TypedArray } from '@sym/graph';
import { STORAGE } from '@sym/graph';

/** Dtypes this backend computes in; float64 is the one it refuses. */
export const WEBGPU_DTYPES: readonly DType[] = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'float32'];

export type WgslScalar = 'f32' | 'i32' | 'u32' | 'bool';

/** The advice every float64 refusal carries. */
export const FLOAT64_ADVICE = 'WebGPU has no float64: set floatX=float32 (SYM_FLAGS=device=webgpu,floatX=float32) or cast to float32';

/** The WGSL type values of dtype `d` have inside a kernel. */
export function valueType(d: DType): WgslScalar {
  switch (d) {
    case 'float32':
      return 'f32';
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return 'i32';
    case 'uint8':
    case 'uint16':
    case 'uint32':
      return 'u32';
    case 'bool':
      return 'bool';
    case 'float64':
      throw new TypeError(`webgpu: a kernel computes in float64. ${FLOAT64_ADVICE}.`);
    case 'float16':
      throw new TypeError('webgpu: a kernel computes in float16, which this backend does not hold yet; cast to float32');
  }
}

/** The WGSL element type of a storage buffer holding dtype `d`. */
export function storageType(d: DType): 'f32' | 'i32' | 'u32' {
  const v = valueType(d);
  return v === 'bool' ? 'u32' : v;
}

/** The dtype a kernel accumulates in on this device: float64 accumulators run in float32 (WGSL has no f64). */
export function deviceAcc(acc: DType): DType {
  return acc === 'float64' ? 'float32' : acc;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The 32-bit words to upload for host data of dtype `d`. */
export function toDevice(d: DType, data: TypedArray): Float32Array | Int32Array | Uint32Array {
  switch (storageType(d)) {
    case 'f32':
      return data instanceof Float32Array ? data : Float32Array.from(data);
    case 'u32':
      return data instanceof Uint32Array ? data : Uint32Array.from(data);
    case 'i32': {
      if (data instanceof Int32Array) return data;
      if (d === 'int64') {
        for (let i = 0; i < data.length; i++) {
          const v = data[i]!;
          if (v < INT32_MIN || v > INT32_MAX) {
            throw new RangeError(
              `webgpu: int64 value ${v} (element ${i}) is outside the int32 range [${INT32_MIN}, ${INT32_MAX}] that WebGPU stores int64 in; ` +
                'cast the data to float32, or run this graph on device=cpu',
            );
          }
        }
      }
      return Int32Array.from(data);
    }
  }
}

/** Host data of dtype `d` from the 32-bit words read back. */
export function fromDevice(d: DType, bytes: ArrayBuffer, size: number): TypedArray {
  const words = storageType(d);
  const view = words === 'f32' ? new Float32Array(bytes, 0, size) : words === 'i32' ? new Int32Array(bytes, 0, size) : new Uint32Array(bytes, 0, size);
  // `bytes` is the caller's own copy: where the host array has the device's layout, it is the result
  if (view.constructor === STORAGE[d]) return view;
  const out = new STORAGE[d](size);
  out.set(view);
  return out;
}
