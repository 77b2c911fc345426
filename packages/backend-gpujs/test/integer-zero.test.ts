/**
 * Integer zeros have no sign. gpujs computes integers as float32 values, so
 * -x of an integer 0, 0 * -3, -1 // 2 + ... and a cast of -0.5 made -0,
 * which the integer dtype cannot tell from 0 but a later conversion to a
 * float could: 1 / float(-x) was -inf for x = 0 (NumPy: inf) and arctan2 of
 * y and an int8 -x gave pi for 0 (the random-graph fuzzer's seed 689 with
 * float32/int32/bool). Storing into an integer dtype (symInt, symTrunc64)
 * now gives +0 for a zero.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import type { ElementwiseKernel, ScalarExpr } from '@sym/graph';
import '@sym/backend-cpu';
import { GpujsBackend } from '../src/index.js';
import { gpu, load, runKernel, typed } from './harness.js';

const T = sym.T;
const cpuMode = new GpujsBackend({ mode: 'cpu' });
const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);
const f32 = (v: number) => T.constant(sym.array(v, { dtype: 'float32' }));

describe('integer zeros on gpujs', () => {
  it('convert to a float +0, as in NumPy', async () => {
    const x = T.tensor('int8', [false], 'x');
    const i = T.tensor('int32', [false], 'i');
    const f = T.fvector('f');
    const outs = [
      T.trueDiv(f32(1), T.cast(T.neg(x), 'float32')),
      T.arctan2(f32(0), T.neg(x)),
      T.trueDiv(f32(1), T.cast(T.neg(i), 'float32')),
      T.trueDiv(f32(1), T.cast(T.mul(i, -3), 'float32')),
      T.trueDiv(f32(1), T.cast(T.intDiv(T.neg(x), 2), 'float32')),
      T.trueDiv(f32(1), T.cast(T.cast(f, 'int16'), 'float32')),
    ];
    // np.float32(1) / -np.int8([0, 1]).astype(np.float32), np.arctan2(np.float32(0), -np.int8([0, 1])), ...;
    // np.float32([-0.5, 2]).astype(np.int16): [0, 2]
    const pi = Math.fround(Math.PI);
    const want = [[Infinity, -1], [0, pi], [Infinity, -1], [Infinity, -1 / 3], [Infinity, -1], [Infinity, 0.5]].map((r) => r.map(Math.fround));
    for (const device of ['gpujs', 'cpu']) {
      const fn = sym.function([x, i, f], outs, { device });
      const got = (await fn(sym.array([0, 1], { dtype: 'int8' }), sym.array([0, 1], { dtype: 'int32' }), sym.array([-0.5, 2], { dtype: 'float32' }))) as sym.NDArray[];
      expect(got.map(data), device).toEqual(want);
    }
  });

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
