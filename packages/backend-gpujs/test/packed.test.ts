// Large float matmuls run on operands packed four to a texel (src/packed.ts):
// every operand layout, batch, output order and the zero padding of a k that
// is not a multiple of four, against the CPU backend.
import { describe, expect, it } from 'vitest';
import type { DType, MatmulKernel } from '@sym/graph';
import { MAX_THREAD_LOOP, planKernel } from '../src/split.js';
import { PACK_MIN_K } from '../src/packed.js';
import { cpu, gpu, mismatches, runKernel, typed, values } from './harness.js';

interface Shape {
  batch?: number;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  /** Batch strides of A and B: 0 broadcasts one matrix over the batch. */
  batchA?: number;
  batchB?: number;
  offsetA?: number;
  offsetB?: number;
  /** Write C transposed (column-major) instead of C-contiguous. */
  outT?: boolean;
  dtype?: DType;
}

/** A matmul kernel over A (m x k, or k x m stored) and B (k x n, or n x k stored), with the sizes of its inputs. */
function matmul(s: Shape): { kernel: MatmulKernel; sizes: [number, number] } {
  const { batch = 1, m, n, k, dtype = 'float32' } = s;
  const aStrides: [number, number] = s.transA ? [1, m] : [k, 1];
  const bStrides: [number, number] = s.transB ? [1, k] : [n, 1];
  const batchA = s.batchA ?? m * k;
  const batchB = s.batchB ?? k * n;
  const offsetA = s.offsetA ?? 0;
  const offsetB = s.offsetB ?? 0;
  const kernel: MatmulKernel = {
    kind: 'matmul', batch, m, n, k, inputs: [dtype, dtype], acc: dtype === 'float32' ? 'float64' : dtype, out: dtype,
    a: { strides: [batch > 1 ? batchA : 0, aStrides[0], aStrides[1]], offset: offsetA },
    b: { strides: [batch > 1 ? batchB : 0, bStrides[0], bStrides[1]], offset: offsetB },
    outStrides: s.outT ? [m * n, 1, m] : [m * n, n, 1],
  };
  const sizes: [number, number] = [offsetA + (batch > 1 ? batchA * (batch - 1) : 0) + m * k, offsetB + (batch > 1 ? batchB * (batch - 1) : 0) + k * n];
  return { kernel, sizes };
}

function check(s: Shape, seed: number): void {
  const { kernel, sizes } = matmul(s);
  expect(planKernel(kernel, { glsl: true }), 'runs packed').toHaveLength(3);
  const a = typed('float32', values(sizes[0], seed));
  const b = typed('float32', values(sizes[1], seed + 1));
  expect(mismatches(runKernel(gpu, kernel, [a, b]), runKernel(cpu, kernel, [a, b]), 1e-4, 1e-4)).toEqual([]);
}

describe('packed matmul plans', () => {
  it('pack only large float products, and only where GLSL is allowed', () => {
    expect(planKernel(matmul({ m: 64, n: 64, k: 64 }).kernel, { glsl: true })).toHaveLength(3);
    expect(planKernel(matmul({ m: 64, n: 64, k: 64 }).kernel)).toHaveLength(1);
    expect(planKernel(matmul({ m: 512, n: 512, k: PACK_MIN_K - 1 }).kernel, { glsl: true })).toHaveLength(1);
    expect(planKernel(matmul({ m: 4, n: 4, k: 64 }).kernel, { glsl: true })).toHaveLength(1);
    expect(planKernel(matmul({ m: 64, n: 64, k: 64, dtype: 'int32' }).kernel, { glsl: true })).toHaveLength(1);
    // a k loop beyond MAX_THREAD_LOOP texels takes the two-pass split instead
    expect(planKernel(matmul({ m: 2, n: 2, k: 4 * MAX_THREAD_LOOP + 4 }).kernel, { glsl: true })).toHaveLength(2);
  });
});

describe('packed matmuls on headlessgl match the CPU', () => {
  it('A B, Aᵀ B, A Bᵀ and Aᵀ Bᵀ, with k a multiple of four and not', () => {
    let seed = 1;
    for (const k of [64, 70, 33]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) check({ m: 41, n: 57, k, transA, transB }, (seed += 2));
      }
    }
  });

  it('batches (one operand broadcast), offsets, and a transposed output', () => {
    check({ batch: 3, m: 20, n: 30, k: 45, batchB: 0, offsetA: 5, offsetB: 7 }, 31);
    check({ batch: 2, m: 30, n: 30, k: 45, transA: true, batchA: 0, outT: true }, 33);
    check({ m: 50, n: 60, k: 99, transB: true, outT: true }, 35);
  });

  it('texture rows that end inside a packed row (sizes that are not squares)', () => {
    check({ m: 97, n: 13, k: 129 }, 37);
    check({ m: 1, n: 300, k: 1000, transB: true }, 39);
  });

  it('a k loop of MAX_THREAD_LOOP texels in one pass', () => {
    const k = 4 * MAX_THREAD_LOOP;
    const { kernel } = matmul({ m: 2, n: 3, k });
    expect(planKernel(kernel, { glsl: true })).toHaveLength(3);
    const ones = new Float32Array(k * 3).fill(1);
    expect(Array.from(runKernel(gpu, kernel, [new Float32Array(2 * k).fill(1), ones]))).toEqual(new Array(6).fill(k));
  });

  it('NaN and infinity propagate as on the CPU; the zero padding adds nothing to them', () => {
    const { kernel, sizes } = matmul({ m: 30, n: 30, k: 78 });
    const a = typed('float32', values(sizes[0], 41));
    const b = typed('float32', values(sizes[1], 42));
    a[77] = Infinity; // row 0, the last k
    a[78 + 5] = NaN; // row 1
    b[77 * 30 + 3] = -Infinity; // the last k, column 3
    expect(mismatches(runKernel(gpu, kernel, [a, b]), runKernel(cpu, kernel, [a, b]), 1e-4, 1e-4)).toEqual([]);
  });
});
