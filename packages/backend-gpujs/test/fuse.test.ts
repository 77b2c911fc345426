// A small matmul or a one-pass reduction runs inside the elementwise kernel after it (src/fuse.ts);
// its own output is computed only if something reads it later, from the
// operands as they were at the launch.
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import type { Backend, DeviceBuffer, ElementwiseKernel, MatmulKernel, ReduceKernel, ScalarExpr, TypedArray } from '@sym/graph';
import '@sym/backend-cpu';
import '@sym/opt';
import { canFuse, canFuseReduce } from '../src/fuse.js';
import { cpu, gpu, load, mismatches, typed, values } from './harness.js';

const T = sym.T;

/** z = A B (m x k @ k x n), then out = sigmoid(z + bias[m]) over (m, n). */
function layer(m: number, n: number, k: number): { mm: MatmulKernel; ew: ElementwiseKernel } {
  const mm: MatmulKernel = {
    kind: 'matmul', batch: 1, m, n, k, inputs: ['float32', 'float32'], acc: 'float32', out: 'float32',
    a: { strides: [0, k, 1], offset: 0 }, b: { strides: [0, n, 1], offset: 0 }, outStrides: [m * n, n, 1],
  };
  const ew: ElementwiseKernel = {
    kind: 'elementwise', shape: [m, n], inputs: ['float32', 'float32'], out: 'float32',
    expr: {
      kind: 'apply', op: 'sigmoid', computeDType: 'float32', dtype: 'float32',
      args: [{ kind: 'apply', op: 'add', args: [load(0, [n, 1]), load(1, [1, 0])], computeDType: 'float32', dtype: 'float32' }],
    },
  };
  return { mm, ew };
}

function upload(backend: Backend, data: TypedArray): DeviceBuffer {
  const b = backend.alloc('float32', data.length);
  backend.write(b, data);
  return b;
}

/** Run the layer on `backend` as two launches; returns its buffers (z, out, and the operands). */
function runLayer(backend: Backend, m: number, n: number, k: number, a: TypedArray, b: TypedArray, bias: TypedArray) {
  const { mm, ew } = layer(m, n, k);
  const [A, B, bias_] = [a, b, bias].map((d) => upload(backend, d)) as [DeviceBuffer, DeviceBuffer, DeviceBuffer];
  const z = backend.alloc('float32', m * n);
  const out = backend.alloc('float32', m * n);
  backend.run([
    { exe: backend.compile(mm), inputs: [A, B], output: z },
    { exe: backend.compile(ew), inputs: [z, bias_], output: out },
  ]);
  return { A, B, z, out };
}

describe('matmul + elementwise fusion', () => {
  it('fuses only an elementwise kernel reading the product at its own index, once', () => {
    const { mm, ew } = layer(4, 5, 3);
    expect(canFuse(mm, ew, new Set([0]))).toBe(true);
    // the product read transposed, or broadcast over another axis: no
    const transposed = { ...ew, expr: load(0, [1, 4]) };
    expect(canFuse(mm, transposed, new Set([0]))).toBe(false);
    const broadcast: ElementwiseKernel = { ...ew, shape: [2, 4, 5], expr: load(0, [0, 5, 1]) };
    expect(canFuse(mm, broadcast, new Set([0]))).toBe(false);
    // a product written column-major: its flat index is not the thread's
    expect(canFuse({ ...mm, outStrides: [20, 1, 4] }, ew, new Set([0]))).toBe(false);
  });

  it('gives the CPU result, and the product itself when read afterwards', () => {
    const [m, n, k] = [6, 50, 7];
    const a = typed('float32', values(m * k, 1));
    const b = typed('float32', values(k * n, 2));
    const bias = typed('float32', values(m, 3));
    const g = runLayer(gpu, m, n, k, a, b, bias);
    const c = runLayer(cpu, m, n, k, a, b, bias);
    expect(mismatches(gpu.readSync(g.out), cpu.readSync!(c.out), 1e-5, 1e-6)).toEqual([]);
    // z was never drawn; rewriting its operands first must not change it
    gpu.write(g.A, new Float32Array(m * k).fill(100));
    gpu.write(g.B, new Float32Array(k * n).fill(100));
    expect(mismatches(gpu.readSync(g.z), cpu.readSync!(c.z), 1e-5, 1e-6)).toEqual([]);
    for (const x of Object.values(g)) gpu.free(x);
    for (const x of Object.values(c)) cpu.free(x);
  });

  it('keeps memory flat over repeated fused calls whose products are never read', () => {
    const [m, n, k] = [4, 1000, 2];
    const { mm, ew } = layer(m, n, k);
    const [A, B, bias] = [values(m * k, 4), values(k * n, 5), values(m, 6)].map((v) => upload(gpu, typed('float32', v))) as DeviceBuffer[];
    const z = gpu.alloc('float32', m * n);
    const out = gpu.alloc('float32', m * n);
    const launches = [
      { exe: gpu.compile(mm), inputs: [A!, B!], output: z },
      { exe: gpu.compile(ew), inputs: [z, bias!], output: out },
    ];
    gpu.run(launches);
    gpu.readSync(out);
    const textures = gpu.glTextures();
    for (let i = 0; i < 200; i++) gpu.run(launches);
    gpu.readSync(out);
    expect(gpu.glTextures()).toBe(textures);
    for (const x of [A, B, bias, z, out]) gpu.free(x!);
  });

  it('a network whose pre-activations are also outputs and feed a later kernel matches the CPU', async () => {
    const x = T.matrix('x', 'float32');
    const w = T.matrix('w', 'float32');
    const bias = T.vector('b', 'float32');
    const z = T.dot(x, w).add(bias);
    const h = T.tanh(T.dot(x, w)).add(bias);
    const outs = [z, h, h.sum().add(T.dot(x, w).sum())];
    const args = [sym.array(values(8 * 5, 7), { shape: [8, 5], dtype: 'float32' }), sym.array(values(5 * 30, 8), { shape: [5, 30], dtype: 'float32' }), sym.array(values(30, 9), { dtype: 'float32' })];
    const want = (await sym.function([x, w, bias], outs, { device: 'cpu' })(...args)) as sym.NDArray[];
    const f = sym.function([x, w, bias], outs, { device: 'gpujs' });
    for (let call = 0; call < 3; call++) {
      const got = (await f(...args)) as sym.NDArray[];
      got.forEach((g, i) => expect(mismatches(g.data as ArrayLike<number>, want[i]!.data as ArrayLike<number>, 1e-5, 1e-5)).toEqual([]));
    }
  });
});

/** g = sum over the batch of d (rows x batch), then v' = 0.9 v + 0.1 g: a bias gradient and its momentum update. */
function gradientUpdate(rows: number, batch: number): { rd: ReduceKernel; ew: ElementwiseKernel } {
  const rd: ReduceKernel = { kind: 'reduce', shape: [rows], reduceShape: [batch], reducer: 'sum', inputs: ['float32'], acc: 'float64', out: 'float32', expr: load(0, [batch, 1]) };
  const ap = (op: 'add' | 'mul', a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op, args: [a, b], computeDType: 'float32', dtype: 'float32' });
  const c = (value: number): ScalarExpr => ({ kind: 'const', value, dtype: 'float32' });
  // the update's shape (rows, 1), as the tutorial's bias column has it
  const ew: ElementwiseKernel = { kind: 'elementwise', shape: [rows, 1], inputs: ['float32', 'float32'], out: 'float32', expr: ap('add', ap('mul', c(0.9), load(0, [1, 0])), ap('mul', c(0.1), load(1, [1, 0]))) };
  return { rd, ew };
}

/** GL draws while `f` runs. */
function draws(f: () => void): number {
  const gl = (gpu.gpu() as unknown as { context: { drawArrays: (...a: unknown[]) => void } }).context;
  const original = gl.drawArrays;
  let n = 0;
  gl.drawArrays = function (this: unknown, ...a: unknown[]) {
    n++;
    return original.apply(this, a);
  };
  try {
    f();
  } finally {
    gl.drawArrays = original;
  }
  return n;
}

describe('reduction + elementwise fusion', () => {
  it('fuses only an elementwise kernel reading each reduced value once, at its own index', () => {
    const { rd, ew } = gradientUpdate(4, 1000);
    expect(canFuseReduce(rd, ew, new Set([1]))).toBe(true);
    expect(canFuseReduce(rd, { ...ew, shape: [2, 4], expr: load(1, [0, 1]) }, new Set([1]))).toBe(false);
    expect(canFuseReduce(rd, { ...ew, expr: load(1, [1, 0], 'float32', 1) }, new Set([1]))).toBe(false);
  });

  it('runs the sum and its update in one draw, gives the CPU result, and the sum itself when read afterwards', () => {
    const [rows, batch] = [4, 1000];
    const { rd, ew } = gradientUpdate(rows, batch);
    const run = (backend: Backend, d: TypedArray, v: TypedArray) => {
      const [D, V] = [d, v].map((x) => upload(backend, x)) as [DeviceBuffer, DeviceBuffer];
      const g = backend.alloc('float32', rows);
      const out = backend.alloc('float32', rows);
      const launches = [
        { exe: backend.compile(rd), inputs: [D], output: g },
        { exe: backend.compile(ew), inputs: [V, g], output: out },
      ];
      return { D, V, g, out, launches };
    };
    const d = typed('float32', values(rows * batch, 11));
    const v = typed('float32', values(rows, 12));
    const G = run(gpu, d, v);
    const C = run(cpu, d, v);
    gpu.run(G.launches);
    expect(draws(() => gpu.run(G.launches))).toBe(1);
    cpu.run(C.launches);
    expect(mismatches(gpu.readSync(G.out), cpu.readSync!(C.out), 1e-5, 1e-6)).toEqual([]);
    // g was never drawn; overwriting its operand first must not change it
    gpu.write(G.D, new Float32Array(rows * batch).fill(100));
    expect(mismatches(gpu.readSync(G.g), cpu.readSync!(C.g), 1e-5, 1e-5)).toEqual([]);
    for (const x of [G.D, G.V, G.g, G.out]) gpu.free(x);
    for (const x of [C.D, C.V, C.g, C.out]) cpu.free(x);
  });
});
