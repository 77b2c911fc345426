// The CPU's sort kernel run directly, against a comparison sort of the same lines: every dtype, both directions,
// lines short (insertion) and long (radix, with bytes the whole line shares), strided and offset inputs, a middle axis.
import { describe, expect, it } from 'vitest';
import { DTYPES, allocate, castScalar, type DType, type SortKernel, type TypedArray } from '@sym/graph';
import { runSort } from './sort.js';
import { CpuBackend } from './backend.js';
import { compileSortKernel } from './wasm/vsort.js';
import { arena } from './wasm/arena.js';
import { helperThread } from './wasm/vthreads.js';

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
    expect(on.describe().kernels).toEqual(['sort', 'scatterAdd']);
    expect(off.describe().kernels).toEqual(['scatterAdd']);
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

const wasmSort = compileSortKernel;

/** Random values of `dtype` drawn from `distinct` values (ties everywhere), with NaN and both zeros for floats. */
function tiedValues(dtype: DType, n: number, distinct: number, seed: number): number[] {
  let s = seed + 1;
  const next = () => ((s = (s * 16807) % 2147483647), s / 2147483647);
  const floats = [NaN, -0, 0, Infinity, -Infinity];
  return Array.from({ length: n }, () => {
    const u = next();
    if (dtype.startsWith('float') && u < 0.05) return castScalar(floats[Math.floor(u * 100)]!, dtype);
    const v = Math.floor(next() * distinct) - (dtype.startsWith('uint') || dtype === 'bool' ? 0 : Math.floor(distinct / 2));
    return castScalar(dtype.startsWith('float') ? v / 4 : v, dtype);
  });
}

/** Both runners on the same kernel and input: the same output, each line the reference order. */
function checkBoth(k: SortKernel, input: TypedArray, lines: (number[] | undefined)[], label: string): void {
  const keep = k.keep;
  const js = new Int32Array(lines.length * keep);
  const wasm = new Int32Array(lines.length * keep).fill(-7);
  runSort(k, input, js);
  wasmSort(k)(input, wasm);
  expect(Array.from(wasm), label).toEqual(Array.from(js));
  lines.forEach((line, r) => {
    if (line) expect(Array.from(wasm.subarray(r * keep, (r + 1) * keep)), `${label} row ${r}`).toEqual(expected(line, k.descending, keep));
  });
}

describe('the sort kernel in WebAssembly (vsort.ts)', () => {
  it('gives the JavaScript sort\'s order for every dtype and direction: lines of 1 to 24 (insertion), 25 to 257 (radix)', () => {
    for (const dtype of DTYPES) {
      for (const n of [1, 2, 7, 24, 25, 255, 256, 257]) {
        for (const descending of [false, true]) {
          const rows = 3;
          const data = Array.from({ length: rows }, (_, r) => (r === 0 ? lineValues(dtype, n, r) : tiedValues(dtype, n, r === 1 ? 5 : 300, n + r)));
          const input = allocate(dtype, rows * n);
          input.set(data.flat());
          checkBoth(kernel(dtype, [rows, n], 1, Math.max(1, n - 2), descending, [n, 1], 0), input, data, `${dtype} n=${n} ${descending ? 'desc' : 'asc'}`);
        }
      }
    }
  });

  it('keeps ties in input order (stability) in random lines of few distinct values, both directions', () => {
    for (const dtype of ['float32', 'float64', 'int64', 'int32', 'uint8', 'int16'] as DType[]) {
      for (const descending of [false, true]) {
        const n = 2000;
        const data = [tiedValues(dtype, n, 3, 11), tiedValues(dtype, n, 40, 12)];
        const input = allocate(dtype, 2 * n);
        input.set(data.flat());
        checkBoth(kernel(dtype, [2, n], 1, n, descending, [n, 1], 0), input, data, `${dtype} ${descending ? 'desc' : 'asc'}`);
      }
    }
  });

  it('sorts lines of 65536 and more (float32, float64, int16, bool)', () => {
    for (const [dtype, n] of [['float32', 70_001], ['float64', 65_537], ['int16', 65_536], ['bool', 66_000]] as [DType, number][]) {
      const data = tiedValues(dtype, n, dtype === 'bool' ? 2 : 50_000, 5);
      const input = allocate(dtype, n);
      input.set(data);
      checkBoth(kernel(dtype, [n], 0, n, false, [1], 0), input, [data], `${dtype} n=${n}`);
      checkBoth(kernel(dtype, [n], 0, 10, true, [1], 0), input, [data], `${dtype} n=${n} desc, 10 kept`);
    }
  });

  it('reads a middle axis through strides and an offset, and a reversed (negative-stride) line', () => {
    for (const dtype of ['float64', 'float32', 'int8', 'uint32'] as DType[]) {
      // a (2, 40, 3) view at offset 5 of a padded buffer (strides 130, 3, 1), sorted along axis 1, 7 kept
      const input = allocate(dtype, 5 + 2 * 130);
      input.set(tiedValues(dtype, input.length, 9, 3));
      const k = kernel(dtype, [2, 40, 3], 1, 7, true, [130, 3, 1], 5);
      const lines: number[][] = [];
      for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) lines.push(Array.from({ length: 40 }, (_, i) => input[5 + a * 130 + i * 3 + b]!));
      const js = new Int32Array(2 * 7 * 3);
      const wasm = new Int32Array(2 * 7 * 3);
      runSort(k, input, js);
      wasmSort(k)(input, wasm);
      expect(Array.from(wasm), dtype).toEqual(Array.from(js));
      for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) expect([0, 1, 2, 3, 4, 5, 6].map((p) => wasm[(a * 7 + p) * 3 + b]!)).toEqual(expected(lines[a * 3 + b]!, true, 7));
      // the line read backwards from the buffer's end
      const rev = kernel(dtype, [60], 0, 60, false, [-2], input.length - 1);
      checkBoth(rev, input, [Array.from({ length: 60 }, (_, i) => input[input.length - 1 - 2 * i]!)], `${dtype} reversed`);
    }
  });

  it('reads inputs and writes outputs in the WebAssembly memory in place, and others through copies', () => {
    const owner = {};
    const n = 300;
    const data = tiedValues('float32', 2 * n, 30, 9);
    const inArena = arena.array('float32', 2 * n, owner);
    inArena.set(data);
    const outArena = arena.array('int32', 2 * n, owner);
    const k = kernel('float32', [2, n], 1, n, false, [n, 1], 0);
    wasmSort(k)(inArena, outArena);
    const want = new Int32Array(2 * n);
    runSort(k, Float32Array.from(data), want);
    expect(Array.from(outArena)).toEqual(Array.from(want));
    arena.free(inArena, owner);
    arena.free(outArena, owner);
  });

  it('runs lines of length 1, empty lines and no lines, and is what the backend compiles unless wasm is off', () => {
    const cpu = new CpuBackend();
    const one = cpu.compile(kernel('float64', [3, 1], 1, 1, true, [1, 1], 0));
    expect(one.source).toContain('WebAssembly');
    const out = new Int32Array(3).fill(9);
    one.fn([new Float64Array([NaN, 2, -0])], out, undefined as never);
    expect(Array.from(out)).toEqual([0, 0, 0]);
    // empty lines (keep 0) and no lines (a zero-length other axis): nothing to write, nothing read
    const sentinel = new Int32Array(2).fill(5);
    wasmSort(kernel('float32', [4, 0], 1, 0, false, [0, 1], 0))(new Float32Array(0), sentinel.subarray(0, 0));
    wasmSort(kernel('int32', [0, 30], 1, 30, false, [30, 1], 0))(new Int32Array(0), sentinel.subarray(0, 0));
    expect(Array.from(sentinel)).toEqual([5, 5]);
    expect(new CpuBackend({ wasm: false }).compile(kernel('int64', [2, 30], 1, 30, false, [30, 1], 0)).source).not.toContain('WebAssembly');
  });

  it('shares the lines of a big sort with the helper thread, with the same order', async () => {
    const h = helperThread();
    expect(h).not.toBeNull();
    for (let i = 0; i < 3000 && !h!.ready(); i++) await new Promise((r) => setTimeout(r, 10));
    const rows = 256;
    const n = 1000;
    const data = tiedValues('float32', rows * n, 500, 21);
    const input = Float32Array.from(data);
    const k = kernel('float32', [rows, n], 1, n, false, [n, 1], 0);
    const run = wasmSort(k);
    const want = new Int32Array(rows * n);
    runSort(k, input, want);
    const before = h!.helpedJobs();
    // the helper instantiates the module when it next looks for work: give it a few launches
    for (let t = 0; t < 50 && h!.helpedJobs() === before; t++) {
      const got = new Int32Array(rows * n);
      run(input, got);
      expect(Array.from(got)).toEqual(Array.from(want));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(h!.helpedJobs()).toBeGreaterThan(before);
  });
});
