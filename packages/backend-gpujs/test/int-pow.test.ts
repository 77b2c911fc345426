/**
 * Integer powers with negative exponents. NumPy refuses them; the
 * reference (powInt) truncates as C does, so only 1 and -1 survive. gpujs
 * rounded the float power of the wide integer dtypes, which made 2 ** -1
 * (0.5) 1 where the CPU and WebGPU give 0 (found by the misuse probe,
 * .audit/misuse/ipow.ts: int32 a ** b and a ** -1).
 */
import { describe, expect, it } from 'vitest';
import { SCALAR_OPS, type ElementwiseKernel } from '@sym/graph';
import { GpujsBackend } from '../src/index.js';
import { gpu, load, runKernel, typed } from './harness.js';

const cpuMode = new GpujsBackend({ mode: 'cpu' });
const BASES = [2, 2, 1, -1, -1, -2, 3, 0, 0, 5, -3, 10, -7];
const EXPONENTS = [-1, -2, -1, -1, -2, -1, -3, 2, 0, 0, 3, 4, 2];

describe('integer pow on gpujs', () => {
  it.each(['int32', 'int64'] as const)('%s a ** b as the reference computes it, negative exponents truncated', (dtype) => {
    const kernel: ElementwiseKernel = {
      kind: 'elementwise', shape: [BASES.length], inputs: [dtype, dtype], out: dtype,
      expr: { kind: 'apply', op: 'pow', dtype, computeDType: dtype, args: [load(0, [1], dtype), load(1, [1], dtype)] },
    };
    const want = BASES.map((a, i) => SCALAR_OPS.pow.impl([a, EXPONENTS[i]!], dtype, dtype));
    expect(want).toEqual([0, 0, 1, -1, 1, 0, 0, 0, 1, 1, -27, 10000, 49]);
    for (const backend of [gpu, cpuMode]) expect([...runKernel(backend, kernel, [typed(dtype, BASES), typed(dtype, EXPONENTS)])].map(Number)).toEqual(want);
  });
});
