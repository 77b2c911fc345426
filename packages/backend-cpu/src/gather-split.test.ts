/**
 * A large gathering kernel with costly work runs as its gathers in
 * JavaScript, then the rest on the SIMD path: the same values as the
 * JavaScript kernel (within the SIMD approximations' ulps), for
 * elementwise and reduce kernels, float16 gathers, a gather at a gathered
 * index, and a gather read twice; in chunks of rows where the kernel is
 * larger than a chunk (GATHER_CHUNK gathered values), inputs read through
 * views advanced a chunk at a time, and whole where an input cannot be.
 */
import { describe, expect, it } from 'vitest';
import type { DType, ElementwiseKernel, GatherExpr, Kernel, LoadExpr, ReduceKernel, ScalarExpr } from '@sym/graph';
import { CpuBackend } from './backend.js';
import { GATHER_CHUNK, splitGathers } from './gather-split.js';
import { runKernel, seeded } from './test-kernels.js';

const simd = new CpuBackend();
const js = new CpuBackend({ wasm: false });

const load = (input: number, dtype: DType, strides: number[], offset = 0): LoadExpr => ({ kind: 'load', input, dtype, strides, offset });
const apply = (op: string, args: ScalarExpr[], dtype: DType = 'float32'): ScalarExpr => ({ kind: 'apply', op, args, computeDType: dtype, dtype }) as ScalarExpr;
const gather = (input: number, index: ScalarExpr, size: number, dtype: DType = 'float32'): GatherExpr => ({ kind: 'gather', input, index, size, dtype });

// rows of a (V, D) table at ids[i] (int32, in range): the index ids[i] * D + j over a (N, D) iteration
const V = 50;
const D = 64;
const N = 40;
const iota = Int32Array.from({ length: D }, (_, j) => j);
const ids = Int32Array.from({ length: N }, (_, i) => (i * 17 + 3) % V);
const rowIndex = (idsInput: number, iotaInput: number): ScalarExpr =>
  apply('add', [apply('mul', [load(idsInput, 'int32', [1, 0]), { kind: 'const', value: D, dtype: 'int32' }], 'int32'), load(iotaInput, 'int32', [0, 1])], 'int32');

function same(k: Kernel, inputs: Parameters<typeof runKernel>[2], size: number, ulps = 4e-6): void {
  const want = runKernel(js, k, inputs, size);
  const got = runKernel(simd, k, inputs, size);
  expect(got.length).toBe(want.length);
  // the worst element, one expect (one per element made the chunked kernels' tests take seconds)
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!));
    if (!(e <= worst)) [worst, at] = [Number.isNaN(e) ? Infinity : e, i];
  }
  expect(worst, `element ${at}: ${got[at]} where ${want[at]}`).toBeLessThanOrEqual(ulps);
}

describe('gathering kernels split for the SIMD path', () => {
  const table = seeded(V * D, 1);
  const g = seeded(D, 2);

  it('tanh(E[ids] * g): the gather into a scratch array, the rest on the SIMD path', () => {
    const k: ElementwiseKernel = {
      kind: 'elementwise',
      shape: [N, D],
      inputs: ['float32', 'int32', 'int32', 'float32'],
      out: 'float32',
      expr: apply('tanh', [apply('mul', [gather(0, rowIndex(1, 2), V * D), load(3, 'float32', [0, 1])])]),
    };
    const split = splitGathers(k)!;
    expect(split.gathers).toHaveLength(1);
    expect(split.rest.inputs).toEqual(['float32', 'int32', 'int32', 'float32', 'float32']);
    expect(split.rest.expr).toEqual(apply('tanh', [apply('mul', [load(4, 'float32', [D, 1]), load(3, 'float32', [0, 1])])]));
    expect(simd.compile(k).source).toContain('(WebAssembly SIMD kernel)');
    same(k, [table, ids, iota, g], N * D);
  });

  it('exp of a gather read twice and of a gather at a gathered index, summed along the rows', () => {
    // perm[ids[i]] picks the row: a gather inside the other's index stays in its pass
    const perm = Int32Array.from({ length: V }, (_, v) => (v * 7) % V);
    const picked = gather(4, load(1, 'int32', [1, 0]), V, 'int32');
    const index = apply('add', [apply('mul', [picked, { kind: 'const', value: D, dtype: 'int32' }], 'int32'), load(2, 'int32', [0, 1])], 'int32');
    const x = gather(0, index, V * D);
    const k: ReduceKernel = {
      kind: 'reduce',
      shape: [N],
      reduceShape: [D],
      reducer: 'sum',
      inputs: ['float32', 'int32', 'int32', 'float32', 'int32'],
      acc: 'float32',
      out: 'float32',
      expr: apply('add', [apply('exp', [x]), apply('mul', [x, load(3, 'float32', [0, 1])])]),
    };
    const split = splitGathers(k)!;
    // one pass for x (read twice), its index's own gather inside it
    expect(split.gathers).toHaveLength(1);
    expect(split.gathers[0]!.expr).toBe(x);
    same(k, [table, ids, iota, g, perm], N, 1e-5);
  });

  it('keeps float16 values half precision through the scratch array', () => {
    const half = Float32Array.from(table, (v) => Math.fround(v * 4));
    const k: ElementwiseKernel = {
      kind: 'elementwise',
      shape: [N, D],
      inputs: ['float16', 'int32', 'int32'],
      out: 'float16',
      expr: apply('exp', [gather(0, rowIndex(1, 2), V * D, 'float16')], 'float16'),
    };
    expect(splitGathers(k)).not.toBeNull();
    same(k, [half, ids, iota], N * D, 1e-3);
  });

  it('lets no update go in place where its SIMD rows would run into the next row (rows of 63 lanes), where they do not (64)', () => {
    for (const n of [63, 64]) {
      const index = apply('add', [apply('mul', [load(1, 'int32', [1, 0]), { kind: 'const', value: D, dtype: 'int32' }], 'int32'), load(2, 'int32', [0, 1])], 'int32');
      // x[i, j] + tanh(E[ids[i], j] * g[j]): g broadcast over the rows keeps them apart
      const k: ElementwiseKernel = {
        kind: 'elementwise',
        shape: [N, n],
        inputs: ['float32', 'int32', 'int32', 'float32', 'float32'],
        out: 'float32',
        expr: apply('add', [load(4, 'float32', [n, 1]), apply('tanh', [apply('mul', [gather(0, index, V * D), load(3, 'float32', [0, 1])])])]),
      };
      expect(splitGathers(k)).not.toBeNull();
      expect(simd.overwrites(k)).toBe(n === 64);
    }
  });

  it('runs a kernel larger than a chunk in chunks of rows (the last one shorter), reading per-row inputs through advanced views', () => {
    // 9000 rows of 64: chunks of 1024 rows (65,536 gathered values, 256 KB), the last of 808
    const rows = 9000;
    const many = Int32Array.from({ length: rows }, (_, i) => (i * 31 + 7) % V);
    const x = seeded(rows * D, 3);
    const k: ElementwiseKernel = {
      kind: 'elementwise',
      shape: [rows, D],
      inputs: ['float32', 'int32', 'int32', 'float32', 'float32'],
      out: 'float32',
      // x[i, j] + tanh(E[ids[i], j] * g[j]): x advances a row at a time, g and the gathered E are read whole
      expr: apply('add', [load(4, 'float32', [D, 1]), apply('tanh', [apply('mul', [gather(0, rowIndex(1, 2), V * D), load(3, 'float32', [0, 1])])])]),
    };
    const chunks = splitGathers(k)!.chunks!;
    expect(GATHER_CHUNK).toBe(65536);
    expect([chunks.rows, chunks.total, chunks.outStep]).toEqual([1024, rows, D]);
    expect(chunks.inputSteps).toEqual([0, 1, 0, 0, D]);
    expect(simd.compile(k).source).toMatch(/^\/\/ in chunks of 1024 of 9000 rows/);
    same(k, [table, many, iota, g, x], rows * D);
  });

  it('sums the rows of a kernel larger than a chunk a chunk at a time; a full reduction and an input read at two strides run whole', () => {
    const rows = 9000;
    const many = Int32Array.from({ length: rows }, (_, i) => (i * 13 + 5) % V);
    const x = gather(0, rowIndex(1, 2), V * D);
    const sum = (shape: number[], reduceShape: number[], expr: ScalarExpr): ReduceKernel => ({ kind: 'reduce', shape, reduceShape, reducer: 'sum', inputs: ['float32', 'int32', 'int32', 'float32'], acc: 'float32', out: 'float32', expr });
    const rowSums = sum([rows], [D], apply('exp', [apply('mul', [x, load(3, 'float32', [0, 1])])]));
    expect(splitGathers(rowSums)!.chunks!.rows).toBe(1024);
    same(rowSums, [table, many, iota, g], rows, 1e-5);
    // all of it into one value: no output rows to chunk
    expect(splitGathers(sum([], [rows, D], apply('exp', [x])))!.chunks).toBeNull();
    // g read along the rows and across them: no one view of it serves a chunk
    const twice: ElementwiseKernel = {
      kind: 'elementwise',
      shape: [rows, D],
      inputs: ['float32', 'int32', 'int32', 'float32'],
      out: 'float32',
      expr: apply('add', [apply('mul', [apply('exp', [x]), load(3, 'float32', [0, 1])]), load(3, 'float32', [D, 1])]),
    };
    expect(splitGathers(twice)!.chunks).toBeNull();
    expect(simd.compile(twice).source).not.toContain('in chunks');
    same(twice, [table, many, iota, seeded(rows * D, 4)], rows * D);
  });

  it('leaves small, cheap and gather-only kernels to JavaScript', () => {
    const x = gather(0, rowIndex(1, 2), V * D);
    const ew = (shape: number[], expr: ScalarExpr): ElementwiseKernel => ({ kind: 'elementwise', shape, inputs: ['float32', 'int32', 'int32', 'float32'], out: 'float32', expr });
    expect(splitGathers(ew([N, D], apply('mul', [x, load(3, 'float32', [0, 1])])))).toBeNull();
    expect(splitGathers(ew([N, D], x))).toBeNull();
    expect(splitGathers(ew([2, D], apply('tanh', [x])))).toBeNull();
  });

  it('splits for the costly ops the SIMD path computes, not for those it leaves to JavaScript (log1p, pow)', () => {
    const x = gather(0, rowIndex(1, 2), V * D);
    const ew = (expr: ScalarExpr): ElementwiseKernel => ({ kind: 'elementwise', shape: [N, D], inputs: ['float32', 'int32', 'int32', 'float32'], out: 'float32', expr });
    for (const op of ['exp', 'log', 'tanh', 'sigmoid', 'sin', 'cos', 'sqrt']) expect(splitGathers(ew(apply(op, [x]))), op).not.toBeNull();
    expect(splitGathers(ew(apply('truediv', [x, load(3, 'float32', [0, 1])])))).not.toBeNull();
    // costly, but the rest would run in JavaScript anyway: a second pass gains nothing
    expect(splitGathers(ew(apply('log1p', [x])))).toBeNull();
    expect(splitGathers(ew(apply('pow', [x, load(3, 'float32', [0, 1])])))).toBeNull();
  });
});
