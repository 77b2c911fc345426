// A small matmul runs inside the elementwise kernel after it (src/fuse.ts);
// its own output is computed only if something reads it later, from the
// operands as they were at the launch.
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import type { Backend, DeviceBuffer, ElementwiseKernel, MatmulKernel, TypedArray } from '@sym/graph';
import '@sym/backend-cpu';
import '@sym/opt';
import { canFuse } from '../src/fuse.js';
import { gpujs } from '../src/index.js';
import { cpu, draws, gpu, load, mismatches, typed, values } from './harness.js';

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

// A reduction and the elementwise kernel after it are fused by @sym/opt (reduce_epilogue_fusion) into
// one reduce kernel with an epilogue, which gpujs runs as one shader (test/epilogue.test.ts).
describe('reduction + elementwise fusion, now in the IR', () => {
  it('runs a gradient sum and its momentum update in one draw, like the CPU; with the sum an output too, both', async () => {
    const d = T.matrix('d', 'float32');
    const v = T.vector('v', 'float32');
    const g = d.sum(1);
    const update = v.mul(0.9).add(g.mul(0.1));
    const args = [sym.array(values(4 * 1000, 11), { shape: [4, 1000], dtype: 'float32' }), sym.array(values(4, 12), { dtype: 'float32' })];
    for (const outs of [[update], [g, update]]) {
      const want = (await sym.function([d, v], outs, { device: 'cpu' })(...args)) as sym.NDArray[];
      const f = sym.function([d, v], outs, { device: 'gpujs' });
      await f(...args);
      let got: sym.NDArray[] = [];
      const n = await draws(gpujs, async () => (got = (await f(...args)) as sym.NDArray[]));
      // the sum read by the update and returned is no epilogue: computed once, read twice
      expect(n).toBe(outs.length);
      got.forEach((x, i) => expect(mismatches(x.data as ArrayLike<number>, want[i]!.data as ArrayLike<number>, 1e-5, 1e-6)).toEqual([]));
    }
  });
});
