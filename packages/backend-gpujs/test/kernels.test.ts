import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, MatmulKernel, ReduceKernel } from '@sym/graph';
import { cpu, gpu, load, mismatches, runKernel, typed, values } from './harness.js';

describe('gpujs kernels against the CPU backend', () => {
  it('runs a transposing elementwise add on HeadlessGLKernel', () => {
    const k: ElementwiseKernel = {
      kind: 'elementwise',
      shape: [4, 3],
      inputs: ['float32', 'float32'],
      out: 'float32',
      expr: { kind: 'apply', op: 'add', args: [load(0, [1, 4]), load(1, [0, 1])], computeDType: 'float32', dtype: 'float32' },
    };
    const a = typed('float32', values(12, 3));
    const b = typed('float32', values(3, 4));
    const want = runKernel(cpu, k, [a, b]);
    const got = runKernel(gpu, k, [a, b]);
    expect(mismatches(got, want, 1e-6, 0)).toEqual([]);
    expect(gpu.kernelClasses()).toEqual(['HeadlessGLKernel']);
  });

  it('reduces and multiplies matrices', () => {
    const r: ReduceKernel = {
      kind: 'reduce', shape: [3], reduceShape: [4], reducer: 'sum', inputs: ['float32'], acc: 'float64', out: 'float32',
      expr: load(0, [1, 3]),
    };
    const a = typed('float32', values(12, 5));
    expect(mismatches(runKernel(gpu, r, [a]), runKernel(cpu, r, [a]), 1e-5, 1e-6)).toEqual([]);
    const m: MatmulKernel = {
      kind: 'matmul', batch: 1, m: 3, n: 5, k: 4, inputs: ['float32', 'float32'], acc: 'float64', out: 'float32',
      a: { strides: [0, 4, 1], offset: 0 }, b: { strides: [0, 5, 1], offset: 0 }, outStrides: [0, 5, 1],
    };
    const b = typed('float32', values(20, 6));
    expect(mismatches(runKernel(gpu, m, [a, b]), runKernel(cpu, m, [a, b]), 1e-5, 1e-6)).toEqual([]);
  });
});

describe('expressions of literals only', () => {
  it('fold to one literal (a size from shapes, int64 2 * 2 cast to float32: gpu.js typed the product an integer)', () => {
    const two = { kind: 'const', value: 2, dtype: 'int64' } as const;
    const size = { kind: 'apply', op: 'mul', args: [two, two], computeDType: 'int64', dtype: 'int64' } as const;
    const k: ElementwiseKernel = {
      kind: 'elementwise',
      shape: [2, 2],
      inputs: ['float32'],
      out: 'float32',
      expr: {
        kind: 'apply',
        op: 'truediv',
        args: [load(0, [2, 1]), { kind: 'apply', op: 'cast', args: [size], computeDType: 'int64', dtype: 'float32' }],
        computeDType: 'float32',
        dtype: 'float32',
      },
    };
    const a = typed('float32', [1, 2, 3, 4]);
    expect(Array.from(runKernel(gpu, k, [a]))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(Array.from(runKernel(gpu, k, [a]))).toEqual(Array.from(runKernel(cpu, k, [a])));
  });
});
