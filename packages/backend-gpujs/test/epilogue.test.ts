// A reduce kernel with an epilogue (ReduceKernel.epilogue) runs as one shader; a long one in passes
// (src/split.ts) whose last applies the epilogue. The CPU backend, the reference here, runs the
// epilogue as a second kernel (splitEpilogue).
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import type { DType, ReduceKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import '@sym/opt';
import { gpujs } from '../src/index.js';
import { MAX_THREAD_LOOP, planKernel } from '../src/split.js';
import { cpu, draws, gpu, load, mismatches, runKernel, typed, values } from './harness.js';

const T = sym.T;
const ap = (op: ScalarOpName, dtype: DType, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, computeDType: dtype, dtype });
const c = (value: number, dtype: DType): ScalarExpr => ({ kind: 'const', value, dtype });
const reduced = (dtype: DType): ScalarExpr => ({ kind: 'reduced', dtype });

/** out[i] = tanh(sum_j x[i, j] * 2 + v[i]): x is input 0, v (read by the epilogue only) input 1. */
function sumTanh(rows: number, len: number): ReduceKernel {
  const f = 'float32';
  return {
    kind: 'reduce', shape: [rows], reduceShape: [len], reducer: 'sum', inputs: [f, f], acc: f, out: f, expr: load(0, [len, 1]),
    epilogue: { value: f, expr: ap('tanh', f, ap('add', f, ap('mul', f, reduced(f), c(2, f)), load(1, [1]))) },
  };
}

describe('reduce kernels with an epilogue', () => {
  it('apply it after a one-pass and after a split reduction, the last pass taking its inputs', () => {
    for (const len of [1000, 5000]) {
      const k = sumTanh(3, len);
      const plan = planKernel(k);
      expect(plan).toHaveLength(len > MAX_THREAD_LOOP ? 2 : 1);
      if (len > MAX_THREAD_LOOP) expect(plan[1]!.args).toEqual([{ input: 0 }, { input: 1 }, { pass: 0 }]);
      // small values, so that tanh does not saturate and hide a wrong sum
      const ins = [typed('float32', values(3 * len, 21, -0.01, 0.01)), typed('float32', values(3, 22, -1, 1))];
      expect(mismatches(runKernel(gpu, k, ins), runKernel(cpu, k, ins), 1e-4, 1e-5)).toEqual([]);
    }
  });

  it('convert the reduced value to the epilogue dtype and the result to the output dtype (argmax, integer epilogue)', () => {
    // out[i] = int16(argmax_j x[i, j] * 7 + b[i]), computed in int32: beyond 32767 it wraps
    const k: ReduceKernel = {
      kind: 'reduce', shape: [2], reduceShape: [5000], reducer: 'argmax', inputs: ['float32', 'int32'], acc: 'float32', out: 'int16',
      expr: load(0, [5000, 1]), epilogue: { value: 'int32', expr: ap('add', 'int32', ap('mul', 'int32', reduced('int32'), c(7, 'int32')), load(1, [1], 'int32')) },
    };
    const x = typed('float32', values(2 * 5000, 23, -1, 1));
    x[4999] = 5; // row 0: 4999 * 7 + 3 = 34996 wraps to -30540
    x[5000 + 1234] = 5;
    const ins = [x, typed('int32', [3, -4])];
    const got = Array.from(runKernel(gpu, k, ins));
    expect(got).toEqual(Array.from(runKernel(cpu, k, ins)));
    expect(got).toEqual([34996 - 65536, 1234 * 7 - 4]);
  });

  it('refuse a float64 reduced value', () => {
    const k = sumTanh(3, 10);
    expect(() => gpu.compile({ ...k, epilogue: { ...k.epilogue!, value: 'float64' } })).toThrow(/float64 \(the reduced value/);
  });

  it('run tanh(sum(x, axis 1) * 2 + v) through sym.function as one draw (two for a split sum), like the CPU', async () => {
    const x = T.matrix('x', 'float32');
    const v = T.vector('v', 'float32');
    const y = T.tanh(x.sum(1).mul(2).add(v));
    for (const len of [1000, 5000]) {
      const args = [sym.array(values(4 * len, 24, -0.01, 0.01), { shape: [4, len], dtype: 'float32' }), sym.array(values(4, 25), { dtype: 'float32' })];
      const want = (await sym.function([x, v], [y], { device: 'cpu' })(...args)) as sym.NDArray[];
      const f = sym.function([x, v], [y], { device: 'gpujs' });
      await f(...args);
      let got: sym.NDArray[] = [];
      expect(await draws(gpujs, async () => (got = (await f(...args)) as sym.NDArray[]))).toBe(len > MAX_THREAD_LOOP ? 2 : 1);
      expect(mismatches(got[0]!.data as ArrayLike<number>, want[0]!.data as ArrayLike<number>, 1e-4, 1e-5)).toEqual([]);
    }
  });
});
