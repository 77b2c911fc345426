/**
 * Integer zeros have no sign. gpujs computes integers as float32 values, so
 * -x of an integer 0, 0 * -3, -1 // 2 + ... and a cast of -0.5 made -0,
 * which the integer dtype cannot tell from 0 but a later conversion to a
 * float could: 1 / float(-x) was -inf for x = 0 (NumPy: inf) and arctan2 of
 * y and an int8 -x gave pi for 0 (the random-graph fuzzer's seed 689 with
 * float32/int32/bool). Storing into an integer dtype (symInt, symTrunc64)
 * now gives +0 for a zero. The values through the graph are the testkit's
 * ieee group ("integer zeros ... convert to +0.0"), which every backend runs;
 * here the kernel, on headless-gl and in gpu.js's cpu mode.
 */
import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ScalarExpr } from '@sym/graph';
import { GpujsBackend } from '../src/index.js';
import { gpu, load, runKernel, typed } from './harness.js';

const cpuMode = new GpujsBackend({ mode: 'cpu' });

describe('integer zeros on gpujs', () => {
  it('in a kernel on headlessgl and in cpu mode (JavaScript keeps -0 too)', () => {
    // 1 / float32(-x) for an int8 x
    const neg: ScalarExpr = { kind: 'apply', op: 'neg', dtype: 'int8', computeDType: 'int8', args: [load(0, [1], 'int8')] };
    const asFloat: ScalarExpr = { kind: 'apply', op: 'cast', dtype: 'float32', computeDType: 'float32', args: [neg] };
    const kernel: ElementwiseKernel = {
      kind: 'elementwise', shape: [3], inputs: ['int8'], out: 'float32',
      expr: { kind: 'apply', op: 'truediv', dtype: 'float32', computeDType: 'float32', args: [{ kind: 'const', value: 1, dtype: 'float32' }, asFloat] },
    };
    for (const backend of [gpu, cpuMode]) expect([...runKernel(backend, kernel, [typed('int8', [0, 1, -2])])]).toEqual([Infinity, -1, 0.5]);
  });
});
