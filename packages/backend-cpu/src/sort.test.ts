// The CPU's sort kernel run directly, against a comparison sort of the same lines: every dtype, both directions,
// lines short (insertion) and long (radix, with bytes the whole line shares), strided and offset inputs, a middle axis.
import { describe, expect, it } from 'vitest';
import { DTYPES, allocate, castScalar, type DType, type SortKernel, type TypedArray } from '@sym/graph';
import { runSort } from './sort.js';
import { CpuBackend } from './backend.js';

/** NumPy's order: NaN last ascending and first descending, -0 equal to 0, ties in input order. */
function expected(values: readonly number[], descending: boolean, keep: number): number[] {
  const rank = (v: number) => (Number.isNaN(v) ? Infinity : v);
  const order = values.map((_, i) => i);
  order.sort((a, b) => {
    const [va, vb] = [values[a]!, values[b]!];
    const [na, nb] = [Number.isNaN(va), Number.isNaN(vb)];
    if (na !== nb) return (na ? 1 : -1) * (descending ? -1 : 1);
    if (!na && rank(va) !== rank(vb)) return (rank(va) < rank(vb) ? -1 : 1) * (descending ? -1 : 1);
    return a - b;
  });
  return order.slice(0, keep);
}

/** Values with ties, both zeros, infinities and NaNs of several payloads (floats), the dtype's extremes (integers). */
function lineValues(dtype: DType, n: number, seed: number): number[] {
  const floats = [NaN, -0, 0, Infinity, -Infinity, 1.5, -1.5, 2, 1e-40, -1e-40, 3.4e38, -7];
  const ints: Record<string, number[]> = {
    int64: [2 ** 53, -(2 ** 53), 0, -1, 1, 2 ** 40, -(2 ** 40), 5],
    uint32: [2 ** 32 - 1, 2 ** 31, 0, 1, 2 ** 31 - 1, 7],
    int32: [-(2 ** 31), 2 ** 31 - 1, 0, -1, 1, 9],
  };
  const pool = dtype.startsWith('float') ? floats : (ints[dtype] ?? [0, 1, -1, 3, -128, 127, 255, 100]);
  return Array.from({ length: n }, (_, i) => castScalar(pool[(i * 7 + seed * 3 + ((i * i) % 5)) % pool.length]!, dtype));
}

function kernel(dtype: DType, shape: number[], axis: number, keep: number, descending: boolean, strides: number[], offset: number): SortKernel {
  return { kind: 'sort', shape, axis, keep, descending, inputs: [dtype], strides, offset, out: 'int32' };
}

describe('the sort kernel', () => {
  it('gives NumPy stable order for every dtype and direction, short and long lines', () => {
    for (const dtype of DTYPES) {
      for (const n of [1, 2, 7, 24, 25, 300]) {
        for (const descending of [false, true]) {
          const rows = 3;
          const data = Array.from({ length: rows }, (_, r) => lineValues(dtype, n, r));
          const input = allocate(dtype, rows * n);
          input.set(data.flat());
          const keep = Math.max(1, n - 2);
          const out = new Int32Array(rows * keep);
          runSort(kernel(dtype, [rows, n], 1, keep, descending, [n, 1], 0), input, out);
          for (let r = 0; r < rows; r++) {
            expect(Array.from(out.subarray(r * keep, (r + 1) * keep)), `${dtype} n=${n} ${descending ? 'desc' : 'asc'} row ${r}`).toEqual(expected(data[r]!, descending, keep));
          }
        }
      }
    }
  });

  it('skips the bytes a long line shares: all equal (no pass moves), or only the top byte differs', () => {
    const same = new Int8Array(100).fill(-3);
    const out = new Int32Array(100);
    runSort(kernel('int8', [100], 0, 100, true, [1], 0), same, out);
    expect(Array.from(out)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const top = Int32Array.from({ length: 60 }, (_, i) => ((i * 7) % 5) * 2 ** 24 - 2 ** 25);
    runSort(kernel('int32', [60], 0, 60, false, [1], 0), top, out);
    expect(Array.from(out.subarray(0, 60))).toEqual(expected(Array.from(top), false, 60));
  });

  it('orders every NaN payload alike, and NaN by the sign bit not at all', () => {
    const bits = new Uint32Array([0x7fc00000, 0xffc00001, 0x7f800001, 0x3f800000, 0xff800000, 0x80000000, 0]);
    const input = new Float32Array(bits.buffer);
    const out = new Int32Array(7);
    runSort(kernel('float32', [7], 0, 7, false, [1], 0), input, out);
    // -inf, -0 and 0 (equal: input order), 1, then the three NaNs in input order
    expect(Array.from(out)).toEqual([4, 5, 6, 3, 0, 1, 2]);
    runSort(kernel('float32', [7], 0, 7, true, [1], 0), input, out);
    expect(Array.from(out)).toEqual([0, 1, 2, 3, 5, 6, 4]);
  });

  it('reads lines along a middle axis through strides and an offset, writing the output C-contiguous', () => {
    // x: a (2, 5, 3) view at offset 4 of a buffer with row padding (strides 20, 4, 1); sorted along axis 1, 3 kept
    const buffer = new Float64Array(4 + 2 * 20);
    const at = (a: number, i: number, b: number) => 4 + a * 20 + i * 4 + b;
    const line = (a: number, b: number) => Array.from({ length: 5 }, (_, i) => buffer[at(a, i, b)]!);
    for (let k = 0; k < buffer.length; k++) buffer[k] = ((k * 37) % 11) - 5;
    const out = new Int32Array(2 * 3 * 3);
    runSort(kernel('float64', [2, 5, 3], 1, 3, true, [20, 4, 1], 4), buffer, out);
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 3; b++) {
        const got = [0, 1, 2].map((p) => out[(a * 3 + p) * 3 + b]!);
        expect(got).toEqual(expected(line(a, b), true, 3));
      }
    }
  });

  it('is what the CPU backend declares and compiles (and, switched off, declares no sort kernels)', () => {
    const on = new CpuBackend({ wasm: false });
    const off = new CpuBackend({ wasm: false, sortKernels: false });
    expect(on.describe().kernels).toEqual(['sort']);
    expect(off.describe().kernels).toEqual([]);
    const k = kernel('int16', [4], 0, 4, false, [1], 0);
    const exe = on.compile(k);
    const input: TypedArray = new Int16Array([3, -2, 3, -5]);
    const out = new Int32Array(4);
    exe.fn([input], out, undefined as never);
    expect(Array.from(out)).toEqual([3, 1, 0, 2]);
    // the rendered source, which runs the same helper
    expect(exe.source).toContain('H.sort(');
  });
});
