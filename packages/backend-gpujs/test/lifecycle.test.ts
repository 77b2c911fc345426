/**
 * A long-running process compiles functions by the hundred and drops them:
 * the gpu.js kernels of a collected executable are destroyed (GL program,
 * textures, framebuffers, their place in GPU.kernels), and a value a
 * destroyed kernel drew, still held by a shared variable, reads its exact
 * values and feeds later kernels. Real headless-gl, and gpu.js's cpu mode.
 * Counts, never times.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { DeviceBuffer, ElementwiseKernel } from '@sym/graph';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { gpujs } from '../src/index.js';
import { GpujsBackend, LATEST_KERNELS } from '../src/backend.js';
import { load } from './harness.js';

const T = sym.T;
sym.config.floatX = 'float32';

/** Collect, and let the finalizers run (they run as tasks after a collection). */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** x * (i + 2) + i over 8 elements: a kernel of its own for each i (the constants are part of its source). */
function affine(i: number): ElementwiseKernel {
  const c = (value: number) => ({ kind: 'const', value, dtype: 'float32' }) as const;
  const mul = { kind: 'apply', op: 'mul', args: [load(0, [1]), c(i + 2)], computeDType: 'float32', dtype: 'float32' } as const;
  return { kind: 'elementwise', shape: [8], inputs: ['float32'], out: 'float32', expr: { kind: 'apply', op: 'add', args: [mul, c(i)], computeDType: 'float32', dtype: 'float32' } };
}

describe.each([
  ['headlessgl', new GpujsBackend({ mode: 'headlessgl' })],
  ['cpu mode', new GpujsBackend({ mode: 'cpu' })],
] as const)('kernels of collected executables (%s)', (_, backend) => {
  it('are destroyed, and the values they drew outlive them', async () => {
    const x = backend.alloc('float32', 8);
    backend.write(x, Float32Array.from({ length: 8 }, (_, j) => j));
    // the variables each kernel last wrote: they outlive the executables
    const outs: DeviceBuffer[] = [];
    const n = LATEST_KERNELS + 24;
    const compileRunAndDrop = () => {
      for (let i = 0; i < n; i++) {
        // twice, both results held: the kernel draws the second into a texture of its own (gpu.js's immutable
        // kernels), and the first's GL texture stays listed as the kernel's, which its destroy() deletes
        const exe = backend.compile(affine(i));
        for (const out of [backend.alloc('float32', 8), backend.alloc('float32', 8)]) {
          backend.run([{ exe, inputs: [x], output: out }]);
          outs.push(out);
        }
      }
    };
    await collectGarbage();
    const before = backend.liveKernels();
    compileRunAndDrop();
    expect(backend.liveKernels()).toBe(before + n);
    const want = (i: number) => Array.from({ length: 8 }, (_, j) => j * (i + 2) + i);
    // read once before: a GL texture keeps the framebuffer it was read through, which was its kernel's
    expect(Array.from(backend.readSync(outs[0]!))).toEqual(want(0));
    await collectGarbage();
    // the latest LATEST_KERNELS stay cached; the rest are gone
    expect(backend.liveKernels()).toBeLessThanOrEqual(before + LATEST_KERNELS);
    for (let i = 0; i < 2 * n; i++) expect(Array.from(backend.readSync(outs[i]!)), `value ${i}`).toEqual(want(i >> 1));
    // a value drawn by a destroyed kernel feeds a new kernel, and is freed without error
    const next = backend.alloc('float32', 8);
    backend.run([{ exe: backend.compile(affine(1000)), inputs: [outs[0]!], output: next }]);
    expect(Array.from(backend.readSync(next))).toEqual(want(0).map((v) => v * 1002 + 1000));
    for (const b of [...outs, next, x]) backend.free(b);
  });
});

describe('functions dropped without dispose() on device=gpujs (headless-gl)', () => {
  it('give back their gpu.js kernels; a shared variable they last updated keeps its exact values', async () => {
    const x = T.vector('x');
    const kept: sym.TensorSharedVariable[] = [];
    const n = LATEST_KERNELS + 16;
    // in a function of its own: the functions it made (held until it counted their kernels) are gone when it returns
    const compileAndDrop = async (): Promise<number> => {
      const fns: sym.SymFunction[] = [];
      for (let i = 0; i < n; i++) {
        const s = sym.shared(new Float32Array([1, 2, 3, 4]).map((v) => v + i), { name: `s${i}` });
        const f = sym.function([x], x.mul(i + 2).add(s).sum(), { updates: [[s, s.mul(i + 2).add(x)]], device: 'gpujs' });
        await f(new Float32Array([1, 1, 1, 1]));
        kept.push(s);
        fns.push(f);
      }
      return gpujs.liveKernels();
    };
    await collectGarbage();
    const [before, textures] = [gpujs.liveKernels(), gpujs.liveTextures()];
    expect((await compileAndDrop()) - before).toBeGreaterThanOrEqual(n);
    await collectGarbage();
    // the latest LATEST_KERNELS graphs' kernels (at most 2 each: the update's and the output's) stay cached
    expect(gpujs.liveKernels() - before).toBeLessThanOrEqual(2 * LATEST_KERNELS);
    expect(gpujs.liveTextures() - textures).toBe(n);
    for (let i = 0; i < n; i++) {
      const want = [1, 2, 3, 4].map((v) => (v + i) * (i + 2) + 1);
      expect(Array.from((await kept[i]!.getValueAsync()).data as Float32Array), `s${i}`).toEqual(want);
    }
  });
});
