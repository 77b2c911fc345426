/**
 * The scatter-add kernel (src/scatter.ts): increments by repeated indices
 * (an embedding's gradient, a weighted bincount) run as one scatter-add
 * kernel, whose adds are atomic (int32 and uint32 `atomicAdd`, float32 by
 * compare-exchange, int64 two words with a carry). Checked against sums in
 * JavaScript, and against this backend with the kernel off (the sort and
 * segmented scan every backend without it runs), whose indexing cases run
 * the conformance suite once more here.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { BackendInfo, NDArray, TensorVariable } from '@sym/graph';
import { runConformance } from '@sym/backend-testkit';
import { WebGpuBackend, planScatter, type WebGpuExecutable } from '../src/index.js';
import { skip, tolerance } from './conformance-options.js';
import { T, sym, webgpu } from './setup.js';

/** This backend without scatter-add kernels, under a name of its own. */
class ScanGpu extends WebGpuBackend {
  override describe(): BackendInfo {
    return { ...super.describe(), name: 'webgpu-scan' };
  }
}
const scan = new ScanGpu({ scatterKernels: false });
sym.registerBackend(scan);
afterAll(() => scan.dispose());

runConformance({ backend: scan, name: 'conformance: webgpu without scatter-add kernels', groups: ['indexing'], quick: true, tolerance, skip });

/** A function's results on WebGPU, with what compile made of each kernel. */
async function compiled(inputs: TensorVariable[], outputs: TensorVariable[], args: unknown[]): Promise<{ results: NDArray[]; exes: WebGpuExecutable[] }> {
  const spy = vi.spyOn(webgpu, 'compile');
  try {
    const results = (await sym.function(inputs, outputs, { device: 'webgpu' })(...args)) as NDArray[];
    return { results, exes: spy.mock.results.map((r) => r.value as WebGpuExecutable) };
  } finally {
    spy.mockRestore();
  }
}

/** Row j of the result sums the rows of `values` whose index names j (counted from the end when negative). */
function scatterReference(rows: number, row: number, ids: readonly number[], value: (k: number, r: number) => number): number[] {
  const out = new Array<number>(rows * row).fill(0);
  ids.forEach((i, k) => {
    const j = i < 0 ? i + rows : i;
    for (let r = 0; r < row; r++) out[j * row + r]! += value(k, r);
  });
  return out;
}

describe('the WebGPU scatter-add kernel', () => {
  it('is declared, and turned off by scatterKernels: false', async () => {
    await sym.resolveBackend('webgpu');
    expect(webgpu.describe().kernels).toEqual(['sort', 'scatterAdd']);
    expect(new WebGpuBackend({ scatterKernels: false }).describe().kernels).toEqual(['sort']);
  });

  it("runs an embedding's gradient as one scatter-add: 3000 indices into 40 rows of 8, many repeated, some negative", async () => {
    const [V, D, K] = [40, 8, 3000];
    const W = T.fmatrix('W');
    const ids = T.ivector('ids');
    const g = T.fmatrix('g');
    const gradient = T.incSubtensor(T.zerosLike(W).get(ids), g);
    const idv = Array.from({ length: K }, (_, k) => ((k * 7) % (2 * V)) - V);
    const gv = Array.from({ length: K * D }, (_, i) => ((i % 13) - 6) / 4);
    const args = [sym.NDArray.zeros([V, D], 'float32'), sym.array(idv, { dtype: 'int32' }), sym.fromTyped(Float32Array.from(gv), [K, D], 'float32')];
    const { results, exes } = await compiled([W, ids, g], [gradient], args);
    expect(exes.filter((e) => e.kernel.kind === 'scatterAdd')).toHaveLength(1);
    expect(exes.some((e) => e.kernel.kind === 'sort')).toBe(false);
    const want = scatterReference(V, D, idv, (k, r) => gv[k * D + r]!);
    // quarters summed in float32: exact in any order
    expect(Array.from(results[0]!.data)).toEqual(want);
    const off = (await sym.function([W, ids, g], gradient, { device: 'webgpu-scan' })(...args)) as NDArray;
    expect(Array.from(off.data)).toEqual(want);
  });

  it('adds float32 values that round, under heavy contention, within a float sum tolerance (a weighted bincount into 3 bins)', async () => {
    const v = T.ivector('v');
    const w = T.fvector('w');
    const K = 20000;
    const vv = Array.from({ length: K }, (_, k) => k % 3);
    const wv = Float32Array.from({ length: K }, (_, k) => Math.fround(Math.sin(k) * 0.1));
    const got = (await sym.function([v, w], T.bincount(v, w), { device: 'webgpu' })(sym.array(vv, { dtype: 'int32' }), sym.fromTyped(wv, [K], 'float32'))) as NDArray;
    const want = scatterReference(3, 1, vv, (k) => wv[k]!);
    Array.from(got.data).forEach((x, j) => expect(x).toBeCloseTo(want[j]!, 3));
  });

  it('adds integers exactly: int32 wraps, int64 carries between its words, uint8 and int16 through the conversion pass', async () => {
    const ids = T.ivector('ids');
    const idv = [0, 1, 0, -1, 0];
    for (const [dtype, rows, values] of [
      ['int32', [2147483600, -5], [100, 7, 1, -9, -2]],
      ['int64', [4294967290, -4294967296], [10, 1, 4294967295, -3, 4294967297]],
      ['uint8', [250, 3], [10, 1, 200, 4, 5]],
      ['int16', [-32768, 9], [-1, 32767, -1, 2, 1]],
    ] as const) {
      const x = T.tensor(dtype, [false], 'x');
      const y = T.tensor(dtype, [false], 'y');
      const out = T.incSubtensor(x.get(ids), y);
      const args = [sym.array([...rows], { dtype }), sym.array(idv, { dtype: 'int32' }), sym.array([...values], { dtype })];
      const { results, exes } = await compiled([x, ids, y], [out], args);
      expect(exes.filter((e) => e.kernel.kind === 'scatterAdd'), dtype).toHaveLength(1);
      const cpu = (await sym.function([x, ids, y], out, { device: 'cpu' })(...args)) as NDArray;
      expect(Array.from(results[0]!.data, Number), dtype).toEqual(Array.from(cpu.data, Number));
    }
  });

  it("sums a float32 row's increments before adding them to its base: 1000 increments of 1e-8 to 1 count, -0 stays -0", async () => {
    const x = T.fmatrix('x');
    const y = T.fmatrix('y');
    const ids = T.ivector('ids');
    const out = T.incSubtensor(x.get(ids), y);
    const K = 1000;
    // row 0 takes the small increments; row 1 (-0 everywhere) takes none; row 2 (-0) takes -0 once
    const idv = Int32Array.from({ length: K }, (_, k) => (k === K - 1 ? 2 : 0));
    const yv = Float32Array.from({ length: 2 * K }, (_, i) => (i >= 2 * (K - 1) ? -0 : 1e-8));
    const args = [sym.fromTyped(Float32Array.from([1, 1, -0, -0, -0, -0]), [3, 2], 'float32'), sym.fromTyped(yv, [K, 2], 'float32'), sym.array(idv, { dtype: 'int32' })];
    const { results, exes } = await compiled([x, y, ids], [out], args);
    expect(exes.filter((e) => e.kernel.kind === 'scatterAdd')).toHaveLength(1);
    const got = Array.from(results[0]!.data);
    const scan = Array.from(((await sym.function([x, y, ids], out, { device: 'webgpu-scan' })(...args)) as NDArray).data);
    // added one by one into the base, each rounded away: 1
    for (const r of [0, 1]) {
      expect(got[r]).toBeCloseTo(1 + 999e-8, 6);
      expect(Math.abs(got[r]! - scan[r]!)).toBeLessThanOrEqual(2 ** -23);
    }
    expect(got.slice(2).map((v) => Object.is(v, -0))).toEqual([true, true, true, true]);
  });

  it('plans a conversion pass only for values not of the accumulator, and no adds for no indices', () => {
    const limits = { maxWorkgroupsPerDimension: 65535 };
    const k = { kind: 'scatterAdd', shape: [4, 3], count: 5, inputs: ['int8', 'int8', 'int32'], base: { offset: 0, stride: 1 }, values: { offset: 2, strides: [3, 1] }, indices: { offset: 0, stride: 1 }, out: 'int32' } as const;
    const plan = planScatter(k, limits);
    // the values' words read: offset 2 to the last row's last element, 2 + 4 * 3 + 2
    expect(plan.convert?.shape).toEqual([17]);
    expect(plan.add.dispatch).toEqual([1, 1, 1]);
    expect(planScatter({ ...k, inputs: ['int32', 'int32', 'int32'] }, limits).convert).toBeUndefined();
    expect(planScatter({ ...k, count: 0 }, limits).add.dispatch).toEqual([0, 0, 0]);
  });
});
