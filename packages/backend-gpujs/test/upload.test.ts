// Uploads go straight into GL textures (no shader pass), laid out like the
// textures kernels compute, so a kernel is built once whichever it reads.
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { gpujs } from '../src/index.js';
import { gpu, mismatches, typed, values } from './harness.js';

const T = sym.T;

/** Count calls of a method of the GL context while `f` runs. */
async function counting<R>(method: string, f: () => Promise<R>): Promise<{ result: R; calls: number }> {
  const gl = (gpujs.gpu() as unknown as { context: Record<string, (...a: unknown[]) => unknown> }).context;
  const original = gl[method]!;
  let calls = 0;
  gl[method] = (...a: unknown[]) => {
    calls++;
    return original.apply(gl, a);
  };
  try {
    return { result: await f(), calls };
  } finally {
    gl[method] = original;
  }
}

describe('gpujs uploads', () => {
  it('round-trip every value, for sizes around texture-shape edges (1, primes, a non-square 2^20 + 3)', () => {
    for (const n of [1, 2, 7, 1000, 4099, (1 << 20) + 3]) {
      const v = typed('float32', values(n, n));
      v[0] = NaN;
      if (n > 2) {
        v[1] = Infinity;
        v[n - 1] = -3.5e38;
      }
      const b = gpu.alloc('float32', n);
      gpu.write(b, v);
      const back = gpu.readSync(b);
      gpu.free(b);
      expect(mismatches(back, v, 0, 0)).toEqual([]);
    }
  });

  it('a second upload into a buffer replaces the first, and an unwritten buffer reads as zeros', () => {
    const b = gpu.alloc('int16', 5);
    expect(Array.from(gpu.readSync(b))).toEqual([0, 0, 0, 0, 0]);
    gpu.write(b, typed('int16', [1, 2, 3, 4, 5]));
    gpu.write(b, typed('int16', [-7, 8, -9, 10, 32767]));
    expect(Array.from(gpu.readSync(b))).toEqual([-7, 8, -9, 10, 32767]);
    gpu.free(b);
  });

  it('builds no shader after the first call, while a shared variable goes from uploaded to computed', async () => {
    const w = sym.shared(sym.fromTyped(typed('float32', values(6, 31)) as Float32Array, [6], 'float32'), { name: 'w' });
    const x = T.matrix('x', 'float32');
    const cost = T.dot(x, w).sum();
    const step = sym.function([x], cost, { device: 'gpujs', updates: [[w, w.sub(x.sum(0).mul(0.01))]] });
    const xs = sym.fromTyped(typed('float32', values(30, 32)) as Float32Array, [5, 6], 'float32');
    await step(xs);
    const { calls } = await counting('compileShader', async () => {
      for (let i = 0; i < 3; i++) await step(xs);
    });
    expect(calls).toBe(0);
  });

  it('creates no GL texture in steady calls: outputs drawn in place, uploads into the same texture', async () => {
    const w = sym.shared(sym.fromTyped(typed('float32', values(6, 34)) as Float32Array, [6], 'float32'), { name: 'w' });
    const x = T.matrix('x', 'float32');
    // x.sum(0) folds 5000 rows: a split reduction with its partial pass
    const step = sym.function([x], T.dot(x, w).sum(), { device: 'gpujs', updates: [[w, w.sub(x.sum(0).mul(1e-4))]] });
    const xs = sym.fromTyped(typed('float32', values(30000, 35)) as Float32Array, [5000, 6], 'float32');
    for (let i = 0; i < 3; i++) await step(xs);
    const { result, calls } = await counting('createTexture', async () => {
      let last = 0;
      for (let i = 0; i < 5; i++) last = (await step(xs)).item();
      return last;
    });
    expect(calls).toBe(0);
    expect(Number.isFinite(result)).toBe(true);
  });

  it('frees the partial results of split reductions: GL textures stay flat over calls', async () => {
    const x = T.vector('x', 'float32');
    const f = sym.function([x], [x.sum(), x.argmax(), T.dot(x, x)], { device: 'gpujs' });
    const xs = sym.fromTyped(typed('float32', values(200000, 33)) as Float32Array, [200000], 'float32');
    await f(xs);
    const before = gpujs.glTextures();
    for (let i = 0; i < 5; i++) await f(xs);
    expect(gpujs.glTextures()).toBe(before);
    expect(before).toBeGreaterThan(0);
    const got = (await f(xs)) as sym.NDArray[];
    const want = (await sym.function([x], [x.sum(), x.argmax(), T.dot(x, x)], { device: 'cpu' })(xs)) as sym.NDArray[];
    expect(got[1]!.item()).toBe(want[1]!.item());
    expect(mismatches(got[0]!.data, want[0]!.data, 1e-4, 1e-2)).toEqual([]);
    expect(mismatches(got[2]!.data, want[2]!.data, 1e-4, 1e-2)).toEqual([]);
  });
});
