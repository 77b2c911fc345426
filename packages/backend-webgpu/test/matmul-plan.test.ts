/**
 * The tiled matmul's per-shape plan (matmul.ts's `planMatmul`): the tile a
 * product's shape gets from the device's, and the split of a long k into
 * partial products summed by a reduction (split-K). The rules on their
 * own, then products that choose each tile and the split path run on the
 * device against a product computed here: tiny outputs with a long k, a k
 * that is no multiple of the slice nor of the tile's depth, transposed
 * operands, batches, an epilogue, int32 sums that wrap, and an output
 * written through strides (which is not split).
 *
 * The float data lie on a 1/64 grid and every sum stays below 4096, so
 * float32 sums are exact in any order: the split must give the same bits.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { DType, MatmulKernel, ScalarExpr } from '@sym/graph';
import { DEFAULT_MATMUL_TILE, SOFTWARE_MATMUL_TILE, WebGpuBackend, type MatmulTile, type WebGpuExecutable } from '../src/index.js';
import { planMatmul } from '../src/matmul.js';
import { expectClose, gridData as data } from './compare.js';
import { T, both, sym } from './setup.js';

beforeEach(() => expect.hasAssertions());

interface Shape {
  readonly batch?: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** A stored (batch, k, m): Aᵀ as gradients read it. */
  readonly aT?: boolean;
  /** B stored (batch, n, k). */
  readonly bT?: boolean;
  readonly dtype?: 'float32' | 'int32';
  /** The output written transposed, (batch, n, m) in memory. */
  readonly outT?: boolean;
}

function kernelOf(s: Shape): MatmulKernel {
  const { m, n, k } = s;
  const batch = s.batch ?? 1;
  const d = s.dtype ?? 'float32';
  return {
    kind: 'matmul',
    batch,
    m,
    n,
    k,
    inputs: [d, d],
    acc: d,
    out: d,
    a: { strides: s.aT ? [m * k, 1, m] : [m * k, k, 1], offset: 0 },
    b: { strides: s.bT ? [k * n, 1, k] : [k * n, n, 1], offset: 0 },
    outStrides: s.outT ? [m * n, 1, m] : [m * n, n, 1],
  };
}

/** The product at the output's flat positions (its strides); int32 sums wrap as the device's do. */
function reference(kernel: MatmulKernel, a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const { batch, m, n, k } = kernel;
  const [ab, am, ak] = kernel.a.strides;
  const [bb, bk, bn] = kernel.b.strides;
  const [ob, om, on] = kernel.outStrides;
  const int = kernel.acc === 'int32';
  const out = new Array<number>(batch * m * n).fill(0);
  for (let z = 0; z < batch; z++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) {
          const x = a[z * ab + i * am + q * ak]!;
          const y = b[z * bb + q * bk + j * bn]!;
          s = int ? (s + Math.imul(x, y)) | 0 : s + x * y;
        }
        out[z * ob + i * om + j * on] = s;
      }
  return out;
}

/** Integers whose products and sums overflow int32, so that the result checks the wrapping. */
function bigInts(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s % 200003) * 9973 - 997300000;
  }
  return out;
}

async function run(gpu: WebGpuBackend, kernel: MatmulKernel, inputs: (Float32Array | Int32Array)[]): Promise<{ out: number[]; exe: WebGpuExecutable }> {
  const bufs = inputs.map((x, i) => {
    const b = gpu.alloc(kernel.inputs[i]!, x.length);
    gpu.write(b, x);
    return b;
  });
  const size = kernel.batch * kernel.m * kernel.n;
  const output = gpu.alloc(kernel.out, size);
  // poisoned, so an output the kernel never writes shows
  gpu.write(output, kernel.out === 'int32' ? new Int32Array(size).fill(-7) : new Float32Array(size).fill(Number.NaN));
  const exe = gpu.compile(kernel);
  gpu.run([{ exe, inputs: bufs, output }]);
  const out = [...(await gpu.read(output))];
  [...bufs, output].forEach((b) => gpu.free(b));
  return { out, exe };
}

const tileOf = (t: MatmulTile) => `${t.rows}x${t.cols}x${t.depth}:${t.perRow}x${t.perCol}`;

describe('planMatmul', () => {
  const plan = (s: Shape, base: MatmulTile) => planMatmul(kernelOf(s), base)!;

  it('keeps the device tile where the product fills it (W2, W3)', () => {
    for (const base of [SOFTWARE_MATMUL_TILE, DEFAULT_MATMUL_TILE]) {
      for (const s of [{ m: 1024, n: 1024, k: 1024 }, { m: 256, n: 1024, k: 784 }, { m: 1024, n: 784, k: 256, aT: true }]) {
        const p = plan(s, base);
        expect(p.tile, JSON.stringify(s)).toBe(base);
        expect(p.splits).toBe(1);
      }
    }
  });

  it('halves a side of the tile the product does not fill, with its outputs per invocation', () => {
    // W7's convolution: 36864 rows of 20 filters
    expect(tileOf(plan({ m: 36864, n: 20, k: 25 }, SOFTWARE_MATMUL_TILE).tile)).toBe('128x32x8:16x4');
    expect(tileOf(plan({ m: 36864, n: 20, k: 25 }, DEFAULT_MATMUL_TILE).tile)).toBe('64x32x16:4x2');
    // both sides, down to 16
    expect(tileOf(plan({ m: 10, n: 300, k: 200 }, SOFTWARE_MATMUL_TILE).tile)).toBe('16x128x8:2x16');
    expect(tileOf(plan({ m: 300, n: 10, k: 200 }, DEFAULT_MATMUL_TILE).tile)).toBe('64x16x16:4x1');
    // a side of exactly half the tile's takes the half
    expect(tileOf(plan({ m: 64, n: 2880, k: 10 }, SOFTWARE_MATMUL_TILE).tile)).toBe('64x128x8:8x16');
    // outputs per invocation that do not halve stop the halving
    expect(plan({ m: 300, n: 10, k: 200 }, { rows: 48, cols: 48, depth: 8, perRow: 3, perCol: 3 }).tile).toEqual({ rows: 48, cols: 48, depth: 8, perRow: 3, perCol: 3 });
  });

  it('splits a long k over few blocks into whole-depth slices, the last possibly shorter', () => {
    // W7's filters' gradient: 25x20 over 36864 images' pixels
    expect(plan({ m: 25, n: 20, k: 36864, aT: true }, SOFTWARE_MATMUL_TILE)).toMatchObject({ splits: 64, slice: 576 });
    for (const base of [SOFTWARE_MATMUL_TILE, DEFAULT_MATMUL_TILE]) {
      for (const s of [{ m: 25, n: 20, k: 3001 }, { batch: 3, m: 20, n: 12, k: 1500 }, { m: 40, n: 10, k: 1024 }]) {
        const p = plan(s, base);
        expect(p.splits, JSON.stringify(s)).toBeGreaterThan(1);
        expect(p.slice % base.depth).toBe(0);
        expect(p.slice).toBeGreaterThanOrEqual(256);
        // every slice holds some of k, and together they hold all of it
        expect((p.splits - 1) * p.slice).toBeLessThan(s.k);
        expect(p.splits * p.slice).toBeGreaterThanOrEqual(s.k);
      }
    }
  });

  it('does not split what already has enough blocks, a k shorter than the output, int64, bool or a strided output', () => {
    expect(plan({ m: 1024, n: 1024, k: 4096 }, SOFTWARE_MATMUL_TILE).splits).toBe(1);
    // W2's last layer: two blocks, but 2560 outputs over k = 1024
    expect(plan({ m: 256, n: 10, k: 1024 }, SOFTWARE_MATMUL_TILE).splits).toBe(1);
    expect(plan({ m: 256, n: 10, k: 1024 }, DEFAULT_MATMUL_TILE).splits).toBe(1);
    expect(plan({ m: 64, n: 64, k: 511 }, SOFTWARE_MATMUL_TILE).splits).toBe(1);
    expect(plan({ m: 25, n: 20, k: 4000, outT: true }, SOFTWARE_MATMUL_TILE).splits).toBe(1);
    const bool: MatmulKernel = { ...kernelOf({ m: 25, n: 20, k: 4000 }), inputs: ['bool', 'bool'], acc: 'bool', out: 'bool' };
    expect(planMatmul(bool, SOFTWARE_MATMUL_TILE)!.splits).toBe(1);
    const int64: MatmulKernel = { ...kernelOf({ m: 25, n: 20, k: 4000 }), inputs: ['int64', 'int64'], acc: 'int64', out: 'int64' };
    // int64 products run one invocation per output
    expect(planMatmul(int64, SOFTWARE_MATMUL_TILE)).toBeUndefined();
    expect(planMatmul(kernelOf({ m: 8, n: 10, k: 2880 }), SOFTWARE_MATMUL_TILE)).toBeUndefined();
    // float64 accumulates in float32 on the device: split alike
    const f64: MatmulKernel = { ...kernelOf({ m: 25, n: 20, k: 4000 }), acc: 'float64' };
    expect(planMatmul(f64, SOFTWARE_MATMUL_TILE)!.splits).toBeGreaterThan(1);
  });

  it('splits exactly at the rule boundaries: k = m x n, 63 blocks (not 64), and a product just past the tiled threshold', () => {
    for (const base of [SOFTWARE_MATMUL_TILE, DEFAULT_MATMUL_TILE]) {
      const t = tileOf(base);
      expect(plan({ m: 23, n: 23, k: 529 }, base).splits, t).toBe(2);
      expect(plan({ m: 23, n: 23, k: 528 }, base).splits, t).toBe(1);
      expect(plan({ batch: 63, m: 16, n: 16, k: 2048 }, base).splits, t).toBe(2);
      expect(plan({ batch: 64, m: 16, n: 16, k: 2048 }, base).splits, t).toBe(1);
      // k >= m x n over 64^3 multiply-adds implies k >= 512: 16 x 32 x 512 splits, 16 x 32 x 511 runs untiled
      expect(plan({ m: 16, n: 32, k: 512 }, base).splits, t).toBe(2);
      expect(planMatmul(kernelOf({ m: 16, n: 32, k: 511 }), base), t).toBeUndefined();
    }
  });
});

// each device tile on a backend of its own: lavapipe's and the one real GPUs get
const BASES: [string, MatmulTile][] = [
  ['lavapipe tile', SOFTWARE_MATMUL_TILE],
  ['default tile', DEFAULT_MATMUL_TILE],
];
const backends = new Map<MatmulTile, WebGpuBackend>();
afterAll(() => backends.forEach((b) => b.dispose()));
async function backendFor(tile: MatmulTile): Promise<WebGpuBackend> {
  let gpu = backends.get(tile);
  if (!gpu) {
    backends.set(tile, (gpu = new WebGpuBackend({ matmulTile: tile })));
    await gpu.init();
  }
  return gpu;
}

const CASES: [string, Shape, boolean][] = [
  // [what, shape, split]
  ['a filters gradient (Aᵀ B) of 25x20, k = 3001: no multiple of the slice or of the depth', { m: 25, n: 20, k: 3001, aT: true }, true],
  ['a batch of 3 of 20x12 by A Bᵀ, k = 1500', { batch: 3, m: 20, n: 12, k: 1500, bT: true }, true],
  ['int32 sums that wrap, split', { m: 20, n: 16, k: 2000, dtype: 'int32' }, true],
  ['narrow columns: 300x10, k = 200', { m: 300, n: 10, k: 200 }, false],
  ['narrow rows, transposed: 10x300 by Aᵀ Bᵀ, k = 200', { m: 10, n: 300, k: 200, aT: true, bT: true }, false],
  ['an output written transposed is not split', { m: 25, n: 20, k: 1500, outT: true }, false],
];

describe('planned matmuls on the device', () => {
  for (const [name, base] of BASES) {
    for (const [what, shape, split] of CASES) {
      it(`${name}: ${what}`, async () => {
        const gpu = await backendFor(base);
        const kernel = kernelOf(shape);
        const batch = shape.batch ?? 1;
        const int = shape.dtype === 'int32';
        const a = int ? bigInts(batch * shape.m * shape.k, 3) : data(batch * shape.m * shape.k, 3 + shape.m);
        const b = int ? bigInts(batch * shape.k * shape.n, 5) : data(batch * shape.k * shape.n, 7 + shape.n);
        const { out, exe } = await run(gpu, kernel, [a, b]);
        expect(exe.then !== undefined, 'split into partial products and their sum').toBe(split);
        if (split) {
          const p = planMatmul(kernel, base)!;
          expect(exe.scratch).toBe(p.splits * batch * shape.m * shape.n);
          expect(exe.then!.kernel).toMatchObject({ kind: 'reduce', reducer: 'sum', reduceShape: [p.splits] });
        }
        // exact: the float sums are exact in float32 (see the module comment), the int32 ones wrap alike
        expect(out).toEqual(reference(kernel, a, b));
      });
    }

    it(`${name}: a split product carries its epilogue (relu(0.5 A Bᵀ + v) - A[.., 0]) into the sum`, async () => {
      const gpu = await backendFor(base);
      const [batch, m, n, k] = [2, 12, 20, 1200];
      const reduced: ScalarExpr = { kind: 'reduced', dtype: 'float32' };
      const f = (op: 'mul' | 'add' | 'sub' | 'relu', args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, dtype: 'float32', computeDType: 'float32' });
      const num = (value: number): ScalarExpr => ({ kind: 'const', value, dtype: 'float32' });
      const ld = (input: number, strides: number[]): ScalarExpr => ({ kind: 'load', input, strides, offset: 0, dtype: 'float32' });
      const kernel: MatmulKernel = {
        ...kernelOf({ batch, m, n, k, bT: true }),
        inputs: ['float32', 'float32', 'float32'] as [DType, DType, DType],
        epilogue: { value: 'float32', expr: f('sub', [f('relu', [f('add', [f('mul', [reduced, num(0.5)]), ld(2, [0, 0, 1])])]), ld(0, [m * k, k, 0])]) },
      };
      const a = data(batch * m * k, 3);
      const b = data(batch * n * k, 5);
      const v = data(n, 7);
      const { out, exe } = await run(gpu, kernel, [a, b, v]);
      expect(exe.then?.kernel).toMatchObject({ kind: 'reduce', epilogue: { value: 'float32' } });
      const product = reference(kernelOf({ batch, m, n, k, bT: true }), a, b);
      const want = product.map((s, i) => {
        const [z, row, col] = [Math.floor(i / (m * n)), Math.floor(i / n) % m, i % n];
        return Math.fround(Math.max(0.5 * s + v[col]!, 0) - a[z * m * k + row * k]!);
      });
      expect(out).toEqual(want);
    });
  }

  it('a filters gradient through sym.function matches the CPU (dot of a transposed long matrix)', async () => {
    const x = T.fmatrix('x');
    const g = T.fmatrix('g');
    const out = T.dot(x.T, g);
    const args = [sym.fromTyped(data(4000 * 25, 11), [4000, 25], 'float32'), sym.fromTyped(data(4000 * 20, 13), [4000, 20], 'float32')];
    const { gpu, ref } = await both([x, g], out, args);
    expectClose(gpu[0]!, ref[0]!, { rtol: 0, atol: 0 }, 'xᵀ g');
  });
});
