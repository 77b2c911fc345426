import { describe, expect, it } from 'vitest';
import type { MatmulKernel } from '@sym/graph';
import { CpuBackend } from '../backend.js';
import { wantsContiguousCopies } from './transpose.js';
import { runKernel, seeded } from '../test-kernels.js';

const js = new CpuBackend({ wasm: false });
const simd = new CpuBackend();

function kernel(m: number, n: number, k: number, transA: boolean, transB: boolean, offsets: [number, number] = [0, 0]): MatmulKernel {
  return {
    kind: 'matmul',
    batch: 1,
    m,
    n,
    k,
    inputs: ['float32', 'float32'],
    acc: 'float64',
    out: 'float32',
    a: { strides: [0, transA ? 1 : k, transA ? m : 1], offset: offsets[0] },
    b: { strides: [0, transB ? 1 : n, transB ? k : 1], offset: offsets[1] },
    outStrides: [n, n, 1],
  };
}

function run(backend: CpuBackend, k: MatmulKernel, A: Float32Array, B: Float32Array): { out: Float32Array; source: string } {
  const out = runKernel(backend, k, [A, B], k.m * k.n) as Float32Array;
  return { out, source: (backend.compile(k) as unknown as { source: string }).source };
}

describe('transposed gemm operands copied row-contiguous first', () => {
  it.each([
    [70, 90, 130, true, false],
    [70, 90, 130, false, true],
    [70, 90, 130, true, true],
    [129, 65, 67, true, true],
    [9, 600, 700, false, true],
  ])('%i x %i x %i (transA %s, transB %s): same as the JavaScript matmul', (m, n, kk, ta, tb) => {
    const k = kernel(m, n, kk, ta, tb, [3, 5]);
    expect(wantsContiguousCopies(k)).toBe(true);
    const A = seeded(m * kk + 3, 1);
    const B = seeded(kk * n + 5, 2);
    const want = run(js, k, A, B).out;
    const got = run(simd, k, A, B);
    expect(got.source).toContain('copied');
    for (let i = 0; i < want.length; i++) expect(Math.abs(got.out[i]! - want[i]!), `element ${i}`).toBeLessThanOrEqual(1e-5 * kk);
  });

  it('is not used for row-contiguous, small, batched or float64 products', () => {
    expect(wantsContiguousCopies(kernel(70, 90, 130, false, false))).toBe(false);
    expect(wantsContiguousCopies(kernel(8, 8, 8, true, true))).toBe(false);
    expect(wantsContiguousCopies({ ...kernel(70, 90, 130, true, false), batch: 2 })).toBe(false);
    expect(wantsContiguousCopies({ ...kernel(70, 90, 130, true, false), inputs: ['float64', 'float64'], out: 'float64' })).toBe(false);
  });
});
