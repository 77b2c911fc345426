/**
 * How sym's dtypes live on a WebGPU device. WGSL storage has only 32-bit
 * scalars besides f16, so every supported dtype but float16 and int64
 * occupies one 4-byte word:
 *
 * | sym dtype             | WGSL value | storage                  |
 * |-----------------------|------------|--------------------------|
 * | float32               | f32        | f32                      |
 * | float16               | f32        | f16 (2 bytes)            |
 * | int8, int16, int32    | i32        | i32                      |
 * | int64                 | I64        | I64 (two words, 8 bytes) |
 * | uint8, uint16, uint32 | u32        | u32                      |
 * | bool                  | bool       | u32 (0 or 1)             |
 *
 * float16 needs the adapter's `shader-f16` feature (for its storage). It
 * computes as NumPy's float16 ufuncs do: in f32, each op's result rounded
 * to half precision (`f_f16`, by bits: WGSL leaves out-of-range f16
 * conversions undefined, NumPy gives infinity).
 *
 * Narrow integers are wrapped to their width after every operation, as
 * NumPy does. WGSL has no 64-bit integers: int64 is a struct of two u32
 * words (`I64`, two's complement, low word first), and its arithmetic is
 * emulated word by word in the shader (`I64_PRELUDE` in int64.ts), wrapping
 * at 64 bits as NumPy's does. Host int64 data (a Float64Array) is exact to
 * 2^53; values read back past that are rounded once, as a Float64Array
 * holds them. float64 has no WGSL type and is refused (set floatX=float32).
 */
import type { DType, TypedArray } from '@sym/graph';
import { STORAGE, f16round } from '@sym/graph';

/** Dtypes this backend computes in; float64 is the one it refuses. */
export const WEBGPU_DTYPES: readonly DType[] = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'float32'];

/** A value's WGSL type inside a kernel; `I64` is the prelude's two-word struct. */
export type WgslScalar = 'f32' | 'i32' | 'u32' | 'bool' | 'I64';

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
      return 'i32';
    case 'int64':
      return 'I64';
    case 'uint8':
    case 'uint16':
    case 'uint32':
      return 'u32';
    case 'bool':
      return 'bool';
    case 'float64':
      throw new TypeError(`webgpu: a kernel computes in float64. ${FLOAT64_ADVICE}.`);
    case 'float16':
      return 'f32';
  }
}

/** The WGSL element type of a storage buffer holding dtype `d`. */
export function storageType(d: DType): 'f32' | 'f16' | 'i32' | 'u32' | 'I64' {
  if (d === 'float16') return 'f16';
  const v = valueType(d);
  return v === 'bool' ? 'u32' : v;
}

/** Elements of dtype `d` a 4-byte storage word holds: two halves for float16, half an int64, one of everything else. */
export function perWord(d: DType): 0.5 | 1 | 2 {
  return d === 'float16' ? 2 : d === 'int64' ? 0.5 : 1;
}

/** Bytes a buffer of `size` elements of dtype `d` takes (whole 4-byte words; at least one word, and one element: a shader binds an int64 array's 8). */
export function bufferBytes(d: DType, size: number): number {
  return Math.max(perWord(d) < 1 ? 8 : 4, Math.ceil(size / perWord(d)) * 4);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float16 bit pattern nearest the float32 with bits `u` (ties to even; from 65520 on, infinity). */
function halfOfFloatBits(u: number): number {
  const sign = (u >>> 16) & 0x8000;
  const a = u & 0x7fffffff;
  if (a >= 0x7f800000) return sign | (a > 0x7f800000 ? 0x7e00 : 0x7c00);
  if (a >= 0x477ff000) return sign | 0x7c00; // 65520
  let h: number;
  let rest: number;
  let half: number;
  if (a >= 0x38800000) {
    // normal: rebias the exponent (127 to 15), keep 10 of the 23 fraction bits
    const r = a - 0x38000000;
    h = r >>> 13;
    rest = r & 0x1fff;
    half = 0x1000;
  } else {
    // below 2^-14: a whole number of 2^-24 steps, the implicit bit included
    const shift = 126 - (a >>> 23);
    if (shift > 24) return sign;
    const m = (a & 0x7fffff) | 0x800000;
    h = m >>> shift;
    rest = m & ((1 << shift) - 1);
    half = 1 << (shift - 1);
  }
  if (rest > half || (rest === half && (h & 1) === 1)) h++;
  return sign | h;
}

/** The float16 bit pattern of `x` (rounded to half precision, ties to even). */
export function halfBits(x: number): number {
  // f16round gives a half-precision value, which float32 holds exactly
  f32[0] = f16round(x);
  return halfOfFloatBits(u32[0]!);
}

let halves: Float32Array | undefined;

/** The value of float16 bit pattern `h`. */
export function halfValue(h: number): number {
  if (!halves) {
    halves = new Float32Array(0x10000);
    for (let b = 0; b < 0x10000; b++) {
      const sign = b & 0x8000 ? -1 : 1;
      const e = (b >> 10) & 0x1f;
      const f = b & 0x3ff;
      halves[b] = e === 0x1f ? (f ? NaN : sign * Infinity) : sign * (e === 0 ? f * 2 ** -24 : (1 + f / 1024) * 2 ** (e - 15));
    }
  }
  return halves[h & 0xffff]!;
}

/** The dtype a kernel accumulates in on this device: float64 accumulators run in float32 (WGSL has no f64). */
export function deviceAcc(acc: DType): DType {
  return acc === 'float64' ? 'float32' : acc;
}

const TWO_32 = 4294967296;
const TWO_63 = 2 ** 63;

/** The 32-bit words to upload for host data of dtype `d` (float16: two halves a word). */
export function toDevice(d: DType, data: TypedArray): Float32Array | Int32Array | Uint32Array | Uint16Array {
  switch (storageType(d)) {
    case 'f16': {
      // whole words: writeBuffer copies multiples of 4 bytes. Host float16 data is a Float32Array: convert its bits
      const bits = data instanceof Float32Array ? new Uint32Array(data.buffer, data.byteOffset, data.length) : undefined;
      const out = new Uint16Array(data.length + (data.length % 2));
      for (let i = 0; i < data.length; i++) out[i] = bits ? halfOfFloatBits(bits[i]!) : halfBits(data[i]!);
      return out;
    }
    case 'f32':
      return data instanceof Float32Array ? data : Float32Array.from(data);
    case 'u32':
      return data instanceof Uint32Array ? data : Uint32Array.from(data);
    case 'i32':
      return data instanceof Int32Array ? data : Int32Array.from(data);
    case 'I64': {
      // two's complement words, low first; `>>> 0` takes an integer modulo 2^32 exactly (past 2^53 too: a
      // double there is an integer). 2^63 stands for INT64_MAX on the host (castScalar keeps it), not INT64_MIN
      const out = new Uint32Array(2 * data.length);
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        out[2 * i] = v === TWO_63 ? 0xffffffff : v >>> 0;
        out[2 * i + 1] = v === TWO_63 ? 0x7fffffff : Math.floor(v / TWO_32) >>> 0;
      }
      return out;
    }
  }
}

/** Host data of dtype `d` from the 32-bit words read back. */
export function fromDevice(d: DType, bytes: ArrayBuffer, size: number): TypedArray {
  const words = storageType(d);
  if (words === 'f16') {
    const bits = new Uint16Array(bytes, 0, size);
    const out = new STORAGE[d](size);
    for (let i = 0; i < size; i++) out[i] = halfValue(bits[i]!);
    return out;
  }
  if (words === 'I64') {
    const w = new Uint32Array(bytes, 0, 2 * size);
    const out = new STORAGE[d](size);
    // the high word signed; exact to 2^53, rounded (once) beyond, as the host's Float64Array holds it
    for (let i = 0; i < size; i++) out[i] = (w[2 * i + 1]! | 0) * TWO_32 + w[2 * i]!;
    return out;
  }
  const view = words === 'f32' ? new Float32Array(bytes, 0, size) : words === 'i32' ? new Int32Array(bytes, 0, size) : new Uint32Array(bytes, 0, size);
  // `bytes` is the caller's own copy: where the host array has the device's layout, it is the result
  if (view.constructor === STORAGE[d]) return view;
  const out = new STORAGE[d](size);
  out.set(view);
  return out;
}
