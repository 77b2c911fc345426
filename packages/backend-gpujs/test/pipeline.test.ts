// Results stay on the GPU between kernels, textures are owned and freed by the backend, big and high-rank tensors work.
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import type { ElementwiseKernel, ReduceKernel } from '@sym/graph';
import { contiguousStrides } from '@sym/graph';
import '@sym/backend-cpu';
import { gpujs } from '../src/index.js';
import { cpu, gpu, load, mismatches, runKernel, typed, values } from './harness.js';

const T = sym.T;

/** Count calls of a method of the GL context while `f` runs. */
function counting<R>(method: string, f: () => Promise<R>): Promise<{ result: R; calls: number }> {
  const gl = (gpujs.gpu() as unknown as { context: Record<string, (...a: unknown[]) => unknown> }).context;
  const original = gl[method]!;
  let calls = 0;
  gl[method] = (...a: unknown[]) => {
    calls++;
    return original.apply(gl, a);
  };
  return f()
    .then((result) => ({ result, calls }))
    .finally(() => {
      gl[method] = original;
    });
}

describe('gpujs pipelines', () => {
  it('keeps intermediates on the GPU: one read-back per output, none between kernels', async () => {
    const x = T.matrix('x', 'float32');
    const y = T.exp(x).sum(1).mul(T.tanh(x).max(1)).add(T.dot(x, x.T).sum(0));
    const f = sym.function([x], [y], { device: 'gpujs' });
    const v = typed('float32', values(16, 9)) as Float32Array;
    const xs = sym.fromTyped(v, [4, 4], 'float32');
    await f(xs);
    expect(f.compiled.kernelCount(xs)).toBeGreaterThan(2);
    const { result, calls } = await counting('readPixels', () => f(xs));
    expect(calls).toBe(1);
    const want = (await sym.function([x], [y], { device: 'cpu' })(xs)) as sym.NDArray[];
    expect(mismatches((result as sym.NDArray[])[0]!.data, want[0]!.data, 1e-5, 1e-5)).toEqual([]);
  });

  it('flattens rank 5 with index arithmetic (a permuted transpose and a reduction)', () => {
    const shape = [2, 3, 4, 5, 6];
    const perm = [4, 2, 0, 3, 1];
    const src = contiguousStrides(shape);
    const k: ElementwiseKernel = {
      kind: 'elementwise', shape: perm.map((p) => shape[p]!), inputs: ['float32'], out: 'float32',
      expr: { kind: 'apply', op: 'sin', computeDType: 'float32', dtype: 'float32', args: [load(0, perm.map((p) => src[p]!))] },
    };
    const a = typed('float32', values(720, 11));
    expect(mismatches(runKernel(gpu, k, [a]), runKernel(cpu, k, [a]), 1e-5, 1e-6)).toEqual([]);
    const r: ReduceKernel = {
      kind: 'reduce', shape: [2, 4, 6], reduceShape: [3, 5], reducer: 'max', inputs: ['float32'], acc: 'float32', out: 'float32',
      expr: load(0, [src[0]!, src[2]!, src[4]!, src[1]!, src[3]!]),
    };
    expect(runKernel(gpu, r, [a])).toEqual(runKernel(cpu, r, [a]));
  });

  it('tiles a vector longer than the largest texture side into a 2-D texture', () => {
    const gl = (gpujs.gpu() as unknown as { context: { getParameter(p: number): number; MAX_TEXTURE_SIZE: number } }).context;
    const side = gl.getParameter(gl.MAX_TEXTURE_SIZE);
    const n = side * 2 + 77;
    const k: ElementwiseKernel = {
      kind: 'elementwise', shape: [n], inputs: ['float32'], out: 'float32',
      expr: { kind: 'apply', op: 'add', computeDType: 'float32', dtype: 'float32', args: [load(0, [1]), load(0, [-1], 'float32', n - 1)] },
    };
    const a = typed('float32', values(n, 13));
    const got = runKernel(gpu, k, [a]);
    expect(got.length).toBe(n);
    expect(mismatches(got, runKernel(cpu, k, [a]), 0, 0)).toEqual([]);
    const s: ReduceKernel = { kind: 'reduce', shape: [], reduceShape: [n], reducer: 'argmax', inputs: ['float32'], acc: 'float32', out: 'int64', expr: load(0, [1]) };
    expect(runKernel(gpu, s, [a])).toEqual(runKernel(cpu, s, [a]));
  });

  it('holds GPU memory flat over 10,000 training steps: buffers, their textures and GL textures', async () => {
    const w = sym.shared(sym.fromTyped(new Float32Array(4), [4], 'float32'), { name: 'w' });
    const x = T.matrix('x', 'float32');
    const y = T.vector('y', 'float32');
    const err = T.dot(x, w).sub(y);
    const gw = T.dot(x.T, err).mul(2 / 8);
    const train = sym.function([x, y], err.mul(err).mean(), { device: 'gpujs', updates: [[w, w.sub(gw.mul(0.1))]] });
    const xs = sym.fromTyped(typed('float32', values(32, 21)) as Float32Array, [8, 4], 'float32');
    const ys = sym.fromTyped(typed('float32', values(8, 22)) as Float32Array, [8], 'float32');
    for (let i = 0; i < 10; i++) await train(xs, ys);
    const before = [gpujs.liveBuffers(), gpujs.liveTextures(), gpujs.glTextures()];
    let first = NaN;
    let last = NaN;
    for (let i = 0; i < 10_000; i++) {
      last = (await train(xs, ys)).item();
      if (i === 0) first = last;
    }
    expect([gpujs.liveBuffers(), gpujs.liveTextures(), gpujs.glTextures()]).toEqual(before);
    expect(before[2]).toBeGreaterThan(0);
    expect(last).toBeLessThan(first);
  }, 600_000);
});
