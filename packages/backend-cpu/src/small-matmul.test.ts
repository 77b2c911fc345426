import { describe, expect, it } from 'vitest';
import type { MatmulKernel } from '@sym/graph';
import { CpuBackend } from './backend.js';
import { smallMatmulKernel } from './small-matmul.js';
import { vectorizable } from './wasm/vkernel.js';
import { runKernel, seeded } from './test-kernels.js';

const js = new CpuBackend({ wasm: false });
const simd = new CpuBackend();

interface Case {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

/** A is (m, k) or stored as (k, m); B is (batch, k, n) or (batch, n, k); the output is (m, batch, n), as Dot lowers it. */
function kernelFor(c: Case, offsets = [0, 0]): MatmulKernel {
  const { batch, m, n, k } = c;
  return {
    kind: 'matmul',
    batch,
    m,
    n,
    k,
    inputs: ['float32', 'float32'],
    acc: 'float64',
    out: 'float32',
    a: { strides: [0, c.transA ? 1 : k, c.transA ? m : 1], offset: offsets[0]! },
    b: { strides: [k * n, c.transB ? 1 : n, c.transB ? k : 1], offset: offsets[1]! },
    outStrides: [n, batch * n, 1],
  };
}

const cases: Case[] = [];
for (const [batch, m, n, k] of [
  [1, 4, 1000, 2],
  [1, 1, 1000, 4],
  [1, 4, 1000, 1],
  [1, 4, 2, 1000],
  [1, 1, 4, 1000],
  [1, 3, 5, 8],
  [1, 1, 1, 1],
  [1, 1, 1, 300],
  [2, 3, 7, 5],
  [3, 2, 9, 40],
  [1, 17, 13, 64],
] as const)
  for (const transA of [false, true]) for (const transB of [false, true]) cases.push({ batch, m, n, k, transA, transB });

describe('small matmuls as vector kernels', () => {
  it.each(cases)('batch $batch, $m x $k by $k x $n, transA $transA, transB $transB: same as the JavaScript matmul', (c) => {
    const kernel = kernelFor(c);
    const A = seeded(c.m * c.k + 3, 1);
    const B = seeded(c.batch * c.k * c.n + 3, 2);
    const size = c.batch * c.m * c.n;
    const want = runKernel(js, kernel, [A, B], size, { fill: NaN });
    const got = runKernel(simd, kernel, [A, B], size, { fill: NaN });
    for (let i = 0; i < size; i++) expect(Math.abs(got[i]! - want[i]!), `element ${i}`).toBeLessThanOrEqual(1e-5 * Math.max(1, c.k));
  });

  it('reads operands at their offsets', () => {
    const c = { batch: 1, m: 4, n: 6, k: 3, transA: false, transB: false };
    const kernel = kernelFor(c, [2, 5]);
    const A = seeded(20, 3);
    const B = seeded(30, 4);
    const want = runKernel(js, kernel, [A, B], 24, { fill: NaN });
    const got = runKernel(simd, kernel, [A, B], 24, { fill: NaN });
    for (let i = 0; i < 24; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
  });

  it('takes the tutorial MLP products (thin K, few outputs) and leaves big ones to the gemm', () => {
    const thinK = smallMatmulKernel(kernelFor({ batch: 1, m: 4, n: 1000, k: 2, transA: false, transB: false }));
    expect(thinK?.kind).toBe('elementwise');
    expect(vectorizable(thinK!)).toBe(true);
    const fewOut = smallMatmulKernel(kernelFor({ batch: 1, m: 4, n: 2, k: 1000, transA: false, transB: true }));
    expect(fewOut?.kind).toBe('reduce');
    expect(vectorizable(fewOut!)).toBe(true);
    expect(smallMatmulKernel(kernelFor({ batch: 1, m: 256, n: 1024, k: 784, transA: false, transB: false }))).toBeNull();
    expect(simd.compile(kernelFor({ batch: 1, m: 256, n: 256, k: 256, transA: false, transB: false })).source).toContain('gemm');
  });

  it('sums from +0 as numpy.dot (BLAS) does: a row of -0 products gives +0', async () => {
    // the unrolled sum began with its first product, so [-0, -0, -0] @ B was -0 under FAST_COMPILE
    // (the random-graph fuzzer's seed 9781: an arctan2 of it gave -pi for -0)
    const a = Float32Array.from([-0, -0, -0, 0, 0, 0]);
    const b = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const k = kernelFor({ batch: 1, m: 2, n: 2, k: 3, transA: false, transB: false });
    const kernel = smallMatmulKernel(k)!;
    expect(kernel.kind).toBe('elementwise');
    for (const backend of [js, simd]) {
      const out = Array.from(runKernel(backend, kernel, [a, b], 4, { fill: NaN }));
      expect(out.map((v) => Object.is(v, -0))).toEqual([false, false, false, false]);
      expect(out).toEqual([0, 0, 0, 0]);
    }
  });

  it('leaves float64 and integer products alone', () => {
    const k = kernelFor({ batch: 1, m: 2, n: 2, k: 2, transA: false, transB: false });
    expect(smallMatmulKernel({ ...k, inputs: ['float64', 'float64'], out: 'float64' })).toBeNull();
    expect(smallMatmulKernel({ ...k, inputs: ['int32', 'int32'], acc: 'int32', out: 'int32' })).toBeNull();
  });
});
