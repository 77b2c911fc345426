// Long reductions and matmuls run in two passes (src/split.ts). Before, one
// thread folded the whole axis, and llvmpipe ended the loop after 65,535
// iterations: a sum over 2^20 ones returned 65,535.
import { describe, expect, it } from 'vitest';
import type { DType, MatmulKernel, ReduceKernel, Reducer, ScalarExpr } from '@sym/graph';
import { MAX_THREAD_LOOP, planKernel, splitOf } from '../src/split.js';
import { cpu, gpu, load, mismatches, runKernel, typed, values } from './harness.js';

function reduce(reducer: Reducer, shape: number[], reduceShape: number[], strides: number[], dtype: DType = 'float32', acc: DType = dtype, out: DType = dtype): ReduceKernel {
  const expr: ScalarExpr = load(0, strides, dtype);
  return { kind: 'reduce', shape, reduceShape, reducer, inputs: [dtype], acc, out, expr };
}

const exact = (got: ArrayLike<number>, want: ArrayLike<number>) => expect(Array.from(got)).toEqual(Array.from(want));

describe('split plans', () => {
  it('cut every axis up to 2^24 into parts and chunks no longer than MAX_THREAD_LOOP, none empty', () => {
    for (const count of [MAX_THREAD_LOOP + 1, 65536, 100003, 1 << 20, 1 << 24]) {
      const { parts, chunk } = splitOf(count);
      expect(parts).toBeLessThanOrEqual(MAX_THREAD_LOOP);
      expect(chunk).toBeLessThanOrEqual(MAX_THREAD_LOOP);
      expect(parts * chunk).toBeGreaterThanOrEqual(count);
      expect((parts - 1) * chunk).toBeLessThan(count);
    }
  });

  it('keep short loops in one pass and split long ones (argmax in three: values, indices, combine)', () => {
    expect(planKernel(reduce('sum', [], [MAX_THREAD_LOOP], [1]))).toHaveLength(1);
    expect(planKernel(reduce('sum', [], [MAX_THREAD_LOOP + 1], [1]))).toHaveLength(2);
    const arg = planKernel(reduce('argmax', [], [100000], [1], 'float32', 'float32', 'int64'));
    expect(arg.map((p) => p.args)).toEqual([[{ input: 0 }], [{ input: 0 }], [{ pass: 0 }, { pass: 1 }]]);
  });
});

describe('long reductions on headlessgl', () => {
  it('sum 2^20 ones exactly, and random values like the CPU', () => {
    const n = 1 << 20;
    const k = reduce('sum', [], [n], [1], 'float32', 'float64', 'float32');
    exact(runKernel(gpu, k, [new Float32Array(n).fill(1)]), [n]);
    const v = typed('float32', values(n, 11));
    expect(mismatches(runKernel(gpu, k, [v]), runKernel(cpu, k, [v]), 1e-4, 1e-2)).toEqual([]);
  });

  it('fold a multi-dimensional reduce shape (300 x 300) and strided axes of either side', () => {
    const ones = new Float32Array(90000).fill(1);
    exact(runKernel(gpu, reduce('sum', [], [300, 300], [300, 1]), [ones]), [90000]);
    const v = typed('float32', values(3 * 70000, 12));
    for (const k of [reduce('sum', [3], [70000], [70000, 1]), reduce('max', [3], [70000], [1, 3])]) {
      expect(mismatches(runKernel(gpu, k, [v]), runKernel(cpu, k, [v]), 1e-4, 1e-3)).toEqual([]);
    }
    // data laid out [300, 700, 3], the mean over its first two axes
    const w = typed('float32', values(300 * 700 * 3, 20));
    const mean = reduce('mean', [3], [300, 700], [1, 2100, 3]);
    expect(mismatches(runKernel(gpu, mean, [w]), runKernel(cpu, mean, [w]), 1e-4, 1e-5)).toEqual([]);
  });

  it('argmax/argmin: the first best wins across chunk borders, and the first NaN wins', () => {
    const n = 100000;
    const v = typed('float32', values(n, 13, -1, 1));
    v[99999] = 7;
    v[5000] = 7;
    v[70001] = -7;
    v[90000] = -7;
    for (const r of ['argmax', 'argmin'] as const) {
      const k = reduce(r, [], [n], [1], 'float32', 'float32', 'int64');
      exact(runKernel(gpu, k, [v]), runKernel(cpu, k, [v]));
    }
    v[80000] = NaN;
    v[81000] = NaN;
    exact(runKernel(gpu, reduce('argmax', [], [n], [1], 'float32', 'float32', 'int64'), [v]), [80000]);
    const max = runKernel(gpu, reduce('max', [], [n], [1]), [v]);
    expect(Number.isNaN(max[0])).toBe(true);
  });

  it('any, all and prod over 2^17 elements; integer sums exact like the CPU', () => {
    const n = 1 << 17;
    const zeros = new Float32Array(n);
    zeros[n - 3] = 2;
    exact(runKernel(gpu, reduce('any', [], [n], [1], 'float32', 'bool', 'bool'), [zeros]), [1]);
    exact(runKernel(gpu, reduce('all', [], [n], [1], 'float32', 'bool', 'bool'), [zeros]), [0]);
    const p = new Float32Array(n).fill(1);
    p[3] = 2;
    p[n - 1] = -2;
    p[70000] = 4;
    exact(runKernel(gpu, reduce('prod', [], [n], [1]), [p]), [-16]);
    const ints = typed('int32', values(n, 14, -100, 100).map(Math.round));
    const k = reduce('sum', [], [n], [1], 'int32', 'int64', 'int64');
    exact(runKernel(gpu, k, [ints]), runKernel(cpu, k, [ints]));
    const bytes = typed('int8', values(n, 15, -128, 127).map(Math.round));
    const wrap = reduce('sum', [], [n], [1], 'int8', 'int8', 'int8');
    exact(runKernel(gpu, wrap, [bytes]), runKernel(cpu, wrap, [bytes]));
  });
});

describe('long matmuls on headlessgl', () => {
  it('a dot product over 100,000 and a (2 x 70000) @ (70000 x 3) product match the CPU', () => {
    const kk = 100000;
    const dot: MatmulKernel = {
      kind: 'matmul', batch: 1, m: 1, n: 1, k: kk, inputs: ['float32', 'float32'], acc: 'float32', out: 'float32',
      a: { strides: [0, 0, 1], offset: 0 }, b: { strides: [0, 1, 0], offset: 0 }, outStrides: [0, 1, 1],
    };
    exact(runKernel(gpu, dot, [new Float32Array(kk).fill(1), new Float32Array(kk).fill(1)]), [kk]);
    const a = typed('float32', values(2 * 70000, 16));
    const b = typed('float32', values(70000 * 3, 17));
    const mm: MatmulKernel = {
      kind: 'matmul', batch: 1, m: 2, n: 3, k: 70000, inputs: ['float32', 'float32'], acc: 'float32', out: 'float32',
      a: { strides: [0, 70000, 1], offset: 0 }, b: { strides: [0, 3, 1], offset: 0 }, outStrides: [0, 1, 2],
    };
    expect(mismatches(runKernel(gpu, mm, [a, b]), runKernel(cpu, mm, [a, b]), 1e-3, 1e-2)).toEqual([]);
  });

  it('int16 products in pieces, wrapped like the CPU, over a split k', () => {
    const kk = 5000;
    const a = typed('int16', values(kk, 18, -300, 300).map(Math.round));
    const b = typed('int16', values(kk, 19, -300, 300).map(Math.round));
    const dot: MatmulKernel = {
      kind: 'matmul', batch: 1, m: 1, n: 1, k: kk, inputs: ['int16', 'int16'], acc: 'int16', out: 'int16',
      a: { strides: [0, 0, 1], offset: 0 }, b: { strides: [0, 1, 0], offset: 0 }, outStrides: [0, 1, 1],
    };
    exact(runKernel(gpu, dot, [a, b]), runKernel(cpu, dot, [a, b]));
  });
});
