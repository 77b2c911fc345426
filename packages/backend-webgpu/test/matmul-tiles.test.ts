/**
 * The tiled matmul under several `matmulTile` shapes, each on its own
 * backend instance, against a float64 product computed here: sizes that do
 * and do not divide the tile (bound checks kept or left out), transposed
 * operands on either side, batches, and a tile the device cannot run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { MatmulKernel } from '@sym/graph';
import { DEFAULT_MATMUL_TILE, SOFTWARE_MATMUL_TILE, WebGpuBackend, type MatmulTile } from '../src/index.js';
import { isSoftwareAdapter, isSwiftShader } from '../src/gpu.js';
import { bankPad, defaultMatmulTile, renderMatmul } from '../src/matmul.js';
import { gridData as data } from './compare.js';

interface Case {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly aT: boolean;
  readonly bT: boolean;
}

/** The kernel for `c`: A is stored (batch, k, m) when transposed, else (batch, m, k); B likewise. */
function kernelOf(c: Case): MatmulKernel {
  const { batch, m, n, k } = c;
  return {
    kind: 'matmul',
    batch,
    m,
    n,
    k,
    inputs: ['float32', 'float32'],
    acc: 'float32',
    out: 'float32',
    a: { strides: c.aT ? [m * k, 1, m] : [m * k, k, 1], offset: 0 },
    b: { strides: c.bT ? [k * n, 1, k] : [k * n, n, 1], offset: 0 },
    outStrides: [m * n, n, 1],
  };
}

function reference(kernel: MatmulKernel, a: Float32Array, b: Float32Array): Float64Array {
  const { batch, m, n, k } = kernel;
  const [ab, am, ak] = kernel.a.strides;
  const [bb, bk, bn] = kernel.b.strides;
  const out = new Float64Array(batch * m * n);
  for (let z = 0; z < batch; z++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a[z * ab + i * am + q * ak]! * b[z * bb + q * bk + j * bn]!;
        out[(z * m + i) * n + j] = s;
      }
  return out;
}

// shader compiles are slow on the software driver: the default tile meets every case, the others two each
const TILES: [MatmulTile, number][] = [
  [DEFAULT_MATMUL_TILE, 4],
  [SOFTWARE_MATMUL_TILE, 4],
  [{ rows: 128, cols: 64, depth: 8, perRow: 8, perCol: 4 }, 2],
  [{ rows: 16, cols: 32, depth: 8, perRow: 2, perCol: 8 }, 2],
];

const CASES: Case[] = [
  { batch: 1, m: 70, n: 50, k: 80, aT: false, bT: false },
  { batch: 1, m: 128, n: 128, k: 64, aT: true, bT: true },
  { batch: 3, m: 65, n: 64, k: 72, aT: false, bT: true },
  { batch: 1, m: 64, n: 96, k: 130, aT: true, bT: false },
];

const backends: WebGpuBackend[] = [];
afterAll(() => backends.forEach((b) => b.dispose()));

describe('tiled matmul shapes', () => {
  for (const [tile, cases] of TILES) {
    it(`tile ${tile.rows}x${tile.cols}x${tile.depth}, ${tile.perRow}x${tile.perCol} per invocation`, async () => {
      const gpu = new WebGpuBackend({ matmulTile: tile });
      backends.push(gpu);
      await gpu.init();
      for (const c of CASES.slice(0, cases)) {
        const kernel = kernelOf(c);
        const a = data(c.batch * c.m * c.k, 3 + c.m);
        const b = data(c.batch * c.k * c.n, 7 + c.n);
        const [ba, bb, bo] = [gpu.alloc('float32', a.length), gpu.alloc('float32', b.length), gpu.alloc('float32', c.batch * c.m * c.n)];
        gpu.write(ba, a);
        gpu.write(bb, b);
        // poisoned, so an output the kernel never writes shows
        gpu.write(bo, new Float32Array(c.batch * c.m * c.n).fill(Number.NaN));
        gpu.run([{ exe: gpu.compile(kernel), inputs: [ba, bb], output: bo }]);
        const got = (await gpu.read(bo)) as Float32Array;
        const want = reference(kernel, a, b);
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
        expect(worst, `${JSON.stringify(c)}`).toBeLessThan(1e-5);
        [ba, bb, bo].forEach((x) => gpu.free(x));
      }
    });
  }

  it('a tile staged along k is padded so that a warp stores into 32 different banks', () => {
    // stage()'s fastK order: invocation e stores k = e % depth of row floor(e / depth), at tile[k][row]
    const worstConflict = (outer: number, depth: number, pad: number) => {
      const perBank = new Map<number, number>();
      for (let e = 0; e < 32; e++) {
        const bank = ((e % depth) * (outer + pad) + Math.floor(e / depth)) % 32;
        perBank.set(bank, (perBank.get(bank) ?? 0) + 1);
      }
      return Math.max(...perBank.values());
    };
    for (const outer of [32, 64, 128, 256])
      for (const depth of [4, 8, 16, 32, 64]) {
        expect(worstConflict(outer, depth, bankPad(outer, depth)), `outer ${outer} depth ${depth}`).toBe(1);
        // unpadded, the 16-way (or worse) conflict the padding removes
        expect(worstConflict(outer, depth, 0)).toBeGreaterThanOrEqual(Math.min(depth, 32));
      }
    // a depth that does not divide 32 still stays within a 2-way conflict
    expect(worstConflict(64, 12, bankPad(64, 12))).toBeLessThanOrEqual(2);
    // only the operand staged along k is padded: A of A B (k stride 1), not A of Aᵀ B
    const limits = { maxWorkgroupsPerDimension: 65535, matmulTile: DEFAULT_MATMUL_TILE };
    const ab = renderMatmul(kernelOf({ batch: 1, m: 256, n: 256, k: 256, aT: false, bT: false }), limits).code;
    expect(ab).toContain('var<workgroup> ta: array<array<f32, 66>, 16>;');
    expect(ab).toContain('var<workgroup> tb: array<array<f32, 128>, 16>;');
    const atbt = renderMatmul(kernelOf({ batch: 1, m: 256, n: 256, k: 256, aT: true, bT: true }), limits).code;
    expect(atbt).toContain('var<workgroup> ta: array<array<f32, 64>, 16>;');
    expect(atbt).toContain('var<workgroup> tb: array<array<f32, 130>, 16>;');
  });

  it('software adapters get their own default tile', () => {
    const adapter = (info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }, legacy?: boolean) =>
      ({ info, isFallbackAdapter: legacy }) as unknown as GPUAdapter;
    expect(isSoftwareAdapter(adapter({ vendor: 'mesa', architecture: 'software', isFallbackAdapter: true }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'google', architecture: 'swiftshader' }, true))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'google', architecture: 'swiftshader' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'nvidia', architecture: 'hopper', isFallbackAdapter: false }))).toBe(false);
    // SwiftShader is software, but keeps the default tile
    expect(isSwiftShader(adapter({ vendor: 'google', architecture: 'swiftshader' }))).toBe(true);
    expect(isSwiftShader(adapter({ vendor: 'mesa', architecture: 'software', isFallbackAdapter: true }))).toBe(false);
    expect(defaultMatmulTile(true)).toBe(SOFTWARE_MATMUL_TILE);
    expect(defaultMatmulTile(false)).toBe(DEFAULT_MATMUL_TILE);
  });

  it('a tile over the device limits is refused when the backend initialises, naming the limit', async () => {
    const gpu = new WebGpuBackend({ matmulTile: { rows: 256, cols: 256, depth: 16, perRow: 4, perCol: 4 } });
    backends.push(gpu);
    await expect(gpu.init()).rejects.toThrow(/needs a 64x64 workgroup, over this device's limit of \d+ invocations/);
    const odd = new WebGpuBackend({ matmulTile: { rows: 30, cols: 32, depth: 8, perRow: 4, perCol: 4 } });
    backends.push(odd);
    await expect(odd.init()).rejects.toThrow(/perRow must divide rows/);
  });
});
