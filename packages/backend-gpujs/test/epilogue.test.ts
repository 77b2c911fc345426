// A reduce or matmul kernel with an epilogue (ReduceKernel.epilogue, MatmulKernel.epilogue) runs as
// one shader; a long one in passes (src/split.ts), a large float matmul packed (src/packed.ts), the
// last pass applying the epilogue. The CPU backend, the reference here, runs the epilogue as a
// second kernel (splitEpilogue).
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import type { DType, MatmulKernel, ReduceKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import '@sym/opt';
import { gpujs } from '../src/index.js';
import { MAX_THREAD_LOOP, planKernel } from '../src/split.js';
import { PACK_MIN_K } from '../src/packed.js';
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

/**
 * out[b, i, j] = tanh(dot * 0.5 + bias[j] * A[b, i, 0]) - B[b, 0, j] over A (batch x m x k) and
 * B (batch x k x n), both C-contiguous: bias (input 2, of length n) an extra input, A and B read
 * by the epilogue too.
 */
function dotTanh(batch: number, m: number, n: number, k: number): MatmulKernel {
  const f = 'float32';
  const bStride = batch > 1 ? 1 : 0;
  return {
    kind: 'matmul', batch, m, n, k, inputs: [f, f, f], acc: f, out: f,
    a: { strides: [bStride * m * k, k, 1], offset: 0 }, b: { strides: [bStride * k * n, n, 1], offset: 0 }, outStrides: [m * n, n, 1],
    epilogue: {
      value: f,
      expr: ap(
        'sub', f,
        ap('tanh', f, ap('add', f, ap('mul', f, reduced(f), c(0.5, f)), ap('mul', f, load(2, [0, 0, 1]), load(0, [m * k, k, 0])))),
        load(1, [k * n, 0, 1]),
      ),
    },
  };
}

function dotTanhInputs(k: MatmulKernel, seed: number) {
  const range = 1 / Math.sqrt(k.k); // dot products of order 1: tanh does not saturate and hide a wrong sum
  return [
    typed('float32', values(k.batch * k.m * k.k, seed, -range, range)),
    typed('float32', values(k.batch * k.k * k.n, seed + 1, -1, 1)),
    typed('float32', values(k.n, seed + 2, -1, 1)),
  ];
}

/** The epilogue of `dotTanh` in plain JavaScript (float64). */
function dotTanhReference(k: MatmulKernel, [a, b, bias]: ArrayLike<number>[]): number[] {
  const out: number[] = [];
  for (let bi = 0; bi < k.batch; bi++) {
    for (let i = 0; i < k.m; i++) {
      for (let j = 0; j < k.n; j++) {
        let dot = 0;
        for (let q = 0; q < k.k; q++) dot += a![(bi * k.m + i) * k.k + q]! * b![(bi * k.k + q) * k.n + j]!;
        out.push(Math.tanh(dot * 0.5 + bias![j]! * a![(bi * k.m + i) * k.k]!) - b![bi * k.k * k.n + j]!);
      }
    }
  }
  return out;
}

describe('matmul kernels with an epilogue', () => {
  it('apply it in one pass, in the combining pass of a split k, and in the product pass of a packed matmul', () => {
    const cases: [MatmulKernel, number, number][] = [
      [dotTanh(2, 5, 7, 9), 1, 1e-5],
      [dotTanh(1, 2, 3, MAX_THREAD_LOOP + 904), 2, 1e-4],
      [dotTanh(1, 41, 57, 70), 3, 1e-4],
      [dotTanh(3, 20, 30, PACK_MIN_K * 3 + 1), 3, 1e-4],
    ];
    for (const [k, passes, tol] of cases) {
      const plan = planKernel(k, { glsl: true });
      expect(plan).toHaveLength(passes);
      const last = plan[passes - 1]!;
      // the pass that applies the epilogue takes the kernel's three inputs; the others only A and B or their packings
      expect(last.args.filter((a) => 'input' in a)).toEqual([{ input: 0 }, { input: 1 }, { input: 2 }]);
      for (const p of plan.slice(0, -1)) expect(p.args.every((a) => !('input' in a) || a.input < 2)).toBe(true);
      const ins = dotTanhInputs(k, passes * 10);
      const got = runKernel(gpu, k, ins);
      expect(mismatches(got, runKernel(cpu, k, ins), tol, tol)).toEqual([]);
      expect(mismatches(got, dotTanhReference(k, ins), tol, tol)).toEqual([]);
    }
  });

  it('convert the dot product to the epilogue dtype and the result to the output dtype (integers, split k)', () => {
    // out[i, j] = int16(int32(dot(a, b)) * 3 - w[i]) over int16 operands: beyond 32767 it wraps
    for (const kk of [7, MAX_THREAD_LOOP + 10]) {
      const k: MatmulKernel = {
        kind: 'matmul', batch: 1, m: 2, n: 2, k: kk, inputs: ['int16', 'int16', 'int32'], acc: 'int32', out: 'int16',
        a: { strides: [0, kk, 1], offset: 0 }, b: { strides: [0, 2, 1], offset: 0 }, outStrides: [4, 2, 1],
        epilogue: { value: 'int32', expr: ap('sub', 'int32', ap('mul', 'int32', reduced('int32'), c(3, 'int32')), load(2, [0, 1, 0], 'int32')) },
      };
      const a = typed('int16', Array.from({ length: 2 * kk }, (_, i) => (i < kk ? 2 : (i % 3) - 1)));
      const b = typed('int16', Array.from({ length: kk * 2 }, (_, i) => (i % 2 === 0 ? 1 : 2)));
      const ins = [a, b, typed('int32', [5, -7])];
      const got = Array.from(runKernel(gpu, k, ins));
      expect(got).toEqual(Array.from(runKernel(cpu, k, ins)));
      const dot = (i: number, j: number) => Array.from({ length: kk }, (_, q) => a[i * kk + q]! * b[q * 2 + j]!).reduce((x, y) => x + y, 0);
      const wrap16 = (v: number) => ((((v + 32768) % 65536) + 65536) % 65536) - 32768;
      expect(got).toEqual([dot(0, 0) * 3 - 5, dot(0, 1) * 3 - 5, dot(1, 0) * 3 + 7, dot(1, 1) * 3 + 7].map(wrap16));
    }
  });

  it('refuse a float64 dot product or a float64 computation in the epilogue', () => {
    const k = dotTanh(1, 2, 3, 4);
    expect(() => gpu.compile({ ...k, epilogue: { ...k.epilogue!, value: 'float64' } })).toThrow(/float64 \(the dot product/);
    const f64 = { ...k, epilogue: { value: 'float32' as const, expr: ap('exp', 'float64', reduced('float32')) } };
    expect(() => gpu.compile(f64)).toThrow(/matmul kernel computes in float64 \(exp/);
  });

  it('run relu(dot(x, w) + v) through sym.function as one draw (two split, three packed), like the CPU', async () => {
    const x = T.matrix('x', 'float32');
    const w = T.matrix('w', 'float32');
    const v = T.vector('v', 'float32');
    const y = T.relu(T.dot(x, w).add(v));
    for (const [m, k, n, want] of [[6, 7, 50, 1], [2, 5000, 3, 2], [64, 96, 80, 3]] as const) {
      const args = [
        sym.array(values(m * k, 31, -1, 1), { shape: [m, k], dtype: 'float32' }),
        sym.array(values(k * n, 32, -1, 1), { shape: [k, n], dtype: 'float32' }),
        sym.array(values(n, 33, -1, 1), { dtype: 'float32' }),
      ];
      const expected = (await sym.function([x, w, v], [y], { device: 'cpu' })(...args)) as sym.NDArray[];
      const f = sym.function([x, w, v], [y], { device: 'gpujs' });
      await f(...args);
      let got: sym.NDArray[] = [];
      expect(await draws(gpujs, async () => (got = (await f(...args)) as sym.NDArray[]))).toBe(want);
      expect(mismatches(got[0]!.data as ArrayLike<number>, expected[0]!.data as ArrayLike<number>, 1e-4, 1e-4)).toEqual([]);
    }
  });
});
