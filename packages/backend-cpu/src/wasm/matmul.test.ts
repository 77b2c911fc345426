import { describe, expect, it } from 'vitest';
import type { MatmulKernel, TypedArray } from '@sym/graph';
import { f16round } from '@sym/graph';
import { CpuBackend } from '../backend.js';
import { runKernel, seeded } from '../test-kernels.js';
import { runMatmulWasm, wasmHandles, wasmSimdAvailable } from './matmul.js';
import { helperThread } from './vthreads.js';
import { arena } from './arena.js';
import { gemmInstances } from './gemm-instances.js';

const js = new CpuBackend({ wasm: false });

interface Case {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  dtype: 'float32' | 'float64';
}

function kernelFor(c: Case): MatmulKernel {
  const { batch, m, n, k } = c;
  return {
    kind: 'matmul',
    batch,
    m,
    n,
    k,
    inputs: [c.dtype, c.dtype],
    acc: 'float64',
    out: c.dtype,
    // A is (m, k), or stored transposed as (k, m); B is batched (batch, k, n), or (batch, n, k)
    a: { strides: [0, c.transA ? 1 : k, c.transA ? m : 1], offset: 0 },
    b: { strides: [k * n, c.transB ? 1 : n, c.transB ? k : 1], offset: 0 },
    outStrides: [n, batch * n, 1],
  };
}

const cases: Case[] = [];
for (const dtype of ['float32', 'float64'] as const)
  for (const [batch, m, n, k] of [
    [1, 1, 1, 1],
    [1, 5, 7, 3],
    [1, 4, 16, 9],
    [1, 13, 33, 17],
    [2, 6, 10, 300],
    [3, 9, 2, 5],
    [1, 0, 3, 4],
    [1, 3, 4, 0],
    // big enough to share with the helper thread (when it has booted)
    [1, 130, 70, 300],
    [2, 67, 33, 1000],
  ] as const)
    for (const transA of [false, true]) for (const transB of [false, true]) cases.push({ batch, m, n, k, transA, transB, dtype });

describe('WebAssembly SIMD matmul', () => {
  it('is available on this engine', () => {
    expect(wasmSimdAvailable()).toBe(true);
    expect(new CpuBackend().describe().device).toContain('WebAssembly');
  });

  it.each(cases)('matches the JavaScript kernel: $dtype batch $batch, $m x $k by $k x $n, transA $transA, transB $transB', (c) => {
    const kernel = kernelFor(c);
    expect(wasmHandles(kernel)).toBe(true);
    const Ctor = c.dtype === 'float32' ? Float32Array : Float64Array;
    const A = seeded(c.m * c.k, 1, Ctor);
    const B = seeded(c.batch * c.k * c.n, 2, Ctor);
    const want = runKernel(js, kernel, [A, B], c.batch * c.m * c.n, { dtype: c.dtype });
    const got = new Ctor(c.batch * c.m * c.n).fill(NaN);
    runMatmulWasm(kernel, A, B, got);
    const tol = c.dtype === 'float32' ? 1e-5 * Math.max(1, c.k) : 1e-12 * Math.max(1, c.k);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(tol);
  });

  // column ranges (many columns), row ranges within few columns, both with partial tiles and rows;
  // jobs of more rows than a row block (M_BLOCK, 256), with rows left over, over two blocks of K
  // and, with whole panels and one row range per job (n a multiple of the panel width), jobs that pack their own panels of B:
  // B row-major, transposed, and through a non-unit stride, on both threads
  it.each([
    [1, 70, 300, 130, 'float32', true],
    [1, 603, 70, 260, 'float32', true],
    [1, 1030, 10, 301, 'float32', true],
    [2, 67, 100, 517, 'float64', true],
    [1, 64, 512, 300, 'float32', true],
    [1, 64, 512, 300, 'float32', false],
    [3, 48, 256, 200, 'float64', false],
  ] as const)('shares the product with the booted helper thread: batch %i, %i x %i by ..., k %i, %s, transB %s', async (batch, m, n, k, dtype, transB) => {
    const h = helperThread();
    expect(h).not.toBeNull();
    for (let i = 0; i < 3000 && !h!.ready(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(h!.ready()).toBe(true);
    const before = h!.helpedJobs();
    const kernel = kernelFor({ batch, m, n, k, transA: false, transB, dtype });
    const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
    const A = seeded(m * k, 3, Ctor);
    const B = seeded(batch * k * n, 4, Ctor);
    const want = runKernel(js, kernel, [A, B], batch * m * n, { dtype });
    const tol = dtype === 'float32' ? 1e-5 * k : 1e-12 * k;
    // the threads claim jobs as they come: on a loaded machine the helper may miss a few products
    for (let i = 0; i < 200 && (i === 0 || h!.helpedJobs() === before); i++) {
      const got = new Ctor(batch * m * n).fill(NaN);
      runMatmulWasm(kernel, A, B, got);
      for (let q = 0; q < want.length; q++) expect(Math.abs(got[q]! - want[q]!)).toBeLessThanOrEqual(tol);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(h!.helpedJobs()).toBeGreaterThan(before);
  });

  // views the packing must read through: rows reversed (negative stride), every other column, broadcast rows, an offset
  it.each([
    ['float32', { strides: [0, -9, 2], offset: 8 * 9 }, { strides: [0, 6, 1], offset: 3 }],
    ['float64', { strides: [0, 0, 1], offset: 5 }, { strides: [0, -1, 10], offset: 4 }],
  ] as const)('reads %s operands through negative, zero and non-unit strides', (dtype, a, b) => {
    const [m, n, k] = [9, 6, 5];
    const kernel: MatmulKernel = { ...kernelFor({ batch: 1, m, n, k, transA: false, transB: false, dtype }), a, b };
    const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
    const A = seeded(9 * 9 + 5, 5, Ctor);
    const B = seeded(80, 6, Ctor);
    const want = runKernel(js, kernel, [A, B], m * n, { dtype });
    const got = new Ctor(m * n).fill(NaN);
    runMatmulWasm(kernel, A, B, got);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * k);
    // a spot check against the definition, so that the two kernels cannot share a misreading
    const at = (r: number, c: number) => Number(A[a.offset + r * a.strides[1] + c * a.strides[2]]);
    let dot = 0;
    for (let q = 0; q < k; q++) dot += at(m - 1, q) * Number(B[b.offset + q * b.strides[1] + (n - 1) * b.strides[2]]);
    expect(got[(m - 1) * n + n - 1]).toBeCloseTo(dot, 4);
  });

  // operands and output in the arena: packed where they are, C written into the output when its rows are whole panels
  it.each([
    [1, 12, 16, 9, 'float32'],
    [3, 5, 24, 7, 'float32'],
    [2, 6, 8, 300, 'float64'],
    [1, 9, 10, 5, 'float32'],
  ] as const)('reads and writes arena buffers in place: batch %i, %i x %i, k %i, %s', (batch, m, n, k, dtype) => {
    const owner = {};
    const kernel = kernelFor({ batch, m, n, k, transA: true, transB: false, dtype });
    const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
    const A = arena.array(dtype, m * k, owner);
    const B = arena.array(dtype, batch * k * n, owner);
    const got = arena.array(dtype, batch * m * n, owner);
    expect(arena.owns(A) && arena.owns(B) && arena.owns(got)).toBe(true);
    A.set(seeded(m * k, 7, Ctor));
    B.set(seeded(batch * k * n, 8, Ctor));
    got.fill(NaN);
    const want = runKernel(js, kernel, [A, B], batch * m * n, { dtype });
    runMatmulWasm(kernel, A, B, got);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * k);
    // the packing space is kept after the first product, not taken again
    const inUse = arena.inUse;
    runMatmulWasm(kernel, A, B, got);
    expect(arena.inUse).toBe(inUse);
    for (const a of [A, B, got]) arena.free(a, owner);
  });

  it('packs products of different shapes into one kept space instead of fresh memory each', () => {
    const owner = {};
    // scratch 2 MB, then 1.75 MB and 1.5 MB: sizes the arena's exact-size free lists would not reuse
    const shapes = [[512, 512, 512], [384, 512, 512], [256, 512, 512]] as const;
    const operands = shapes.map(([m, n, k]) => [arena.array('float32', m * k, owner), arena.array('float32', k * n, owner), arena.array('float32', m * n, owner)] as const);
    const product = (i: number) => {
      const [m, n, k] = shapes[i]!;
      const [A, B, C] = operands[i]!;
      runMatmulWasm(kernelFor({ batch: 1, m, n, k, transA: false, transB: false, dtype: 'float32' }), A, B, C);
    };
    product(0);
    const bytes = arena.memory.buffer.byteLength;
    product(1);
    product(2);
    expect(arena.memory.buffer.byteLength).toBe(bytes);
    for (const a of operands.flat()) arena.free(a, owner);
  });

  it('runs float16 products on the float32 gemm and rounds the result to half precision', () => {
    const [m, n, k] = [37, 45, 300];
    const base = kernelFor({ batch: 1, m, n, k, transA: true, transB: false, dtype: 'float32' });
    const kernel: MatmulKernel = { ...base, inputs: ['float16', 'float16'], out: 'float16' };
    expect(wasmHandles(kernel)).toBe(true);
    const half = (a: Float32Array) => a.map((v) => f16round(v));
    const A = half(seeded(m * k, 11, Float32Array));
    const B = half(seeded(k * n, 12, Float32Array));
    const want = runKernel(js, kernel, [A, B], m * n, { dtype: 'float16' });
    const got = new Float32Array(m * n).fill(NaN);
    runMatmulWasm(kernel, A, B, got);
    for (let i = 0; i < want.length; i++) {
      expect(f16round(got[i]!)).toBe(got[i]);
      // float32 sums against the reference's float64 ones: a half-precision ulp at most
      expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(Math.abs(want[i]!) * 2 ** -10 + 1e-6);
    }
  });

  it('leaves integer matmuls to the JavaScript kernels', () => {
    const k = kernelFor({ batch: 1, m: 2, n: 2, k: 2, transA: false, transB: false, dtype: 'float32' });
    expect(wasmHandles({ ...k, inputs: ['int32', 'int32'], out: 'int32' })).toBe(false);
    expect(wasmHandles({ ...k, inputs: ['float32', 'float64'], out: 'float64' })).toBe(false);
  });

  // the vector packs must lay operands out exactly as the element-by-element pack does (the gemm reads only that layout)
  it.each([
    ['float32', 'rows', 8, 3, 37],
    ['float32', 'rows', 4, 2, 9],
    ['float32', 'cols', 8, 3, 37],
    ['float32', 'cols', 4, 2, 6],
    ['float32', 'cols', 12, 2, 3],
    ['float64', 'rows', 8, 2, 19],
  ] as const)('packs %s operands contiguous along %s like the scalar pack: %i rows, group 2^%i, K %i', (dtype, along, rows, group, K) => {
    const es = dtype === 'float32' ? 4 : 8;
    const e = gemmInstances()[dtype === 'float32' ? 0 : 1]!.exports;
    const owner = {};
    const src = arena.array(dtype, rows * K, owner);
    const [scalar, vector] = [arena.array(dtype, rows * K, owner), arena.array(dtype, rows * K, owner)];
    src.set(seeded(rows * K, 3, dtype === 'float32' ? Float32Array : Float64Array));
    scalar.fill(NaN);
    vector.fill(NaN);
    // rows contiguous: element (r, q) at r + q * rows; K contiguous: at r * K + q
    const [rowStride, colStride] = along === 'rows' ? [es, rows * es] : [K * es, es];
    e.pack(src.byteOffset, rowStride, colStride, rows, K, scalar.byteOffset, group, along === 'rows' ? 0 : 1);
    if (along === 'rows') e.packRows(src.byteOffset, colStride, rows >> group, K, vector.byteOffset, (1 << group) * es);
    else e.packCols!(src.byteOffset, rowStride, rows >> group, K, vector.byteOffset, group);
    expect(Array.from(vector)).toEqual(Array.from(scalar));
    for (const a of [src, scalar, vector]) arena.free(a, owner);
  });
});
