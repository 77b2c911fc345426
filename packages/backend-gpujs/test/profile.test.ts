/** A profiled function on gpu.js (headless WebGL): each launch is followed by the GL context's finish, counted and timed; results are the unprofiled ones, sync and async. */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { gpujs } from '../src/index.js';
import { values } from './harness.js';

const T = sym.T;

describe('profile: true on gpujs', () => {
  it('finishes each launch, counts every call and kernel, and computes what an unprofiled call computes', async () => {
    const x = T.matrix('x', 'float32');
    const w = T.matrix('w', 'float32');
    const h = T.tanh(T.dot(x, w).add(1));
    const outputs = [h, h.sum(1)];
    const profiled = sym.function([x, w], outputs, { device: 'gpujs', profile: true });
    const plain = sym.function([x, w], outputs, { device: 'gpujs' });
    const xs = sym.array(values(24 * 32, 3), { shape: [24, 32], dtype: 'float32' });
    const ws = sym.array(values(32 * 16, 4), { shape: [32, 16], dtype: 'float32' });
    const want = (await plain(xs, ws)) as sym.NDArray[];
    const gl = (gpujs.gpu() as unknown as { context: { finish(): void } }).context;
    const original = gl.finish;
    let finishes = 0;
    gl.finish = () => {
      finishes++;
      original.call(gl);
    };
    try {
      await profiled(xs, ws);
      const got = profiled.sync(xs, ws) as sym.NDArray[];
      expect(got.map((a) => a.toArray())).toEqual(want.map((a) => a.toArray()));
      const p = profiled.profile!;
      const n = profiled.compiled.kernelCount(xs, ws);
      expect(p.kernels().length).toBe(n);
      expect(finishes).toBe(2 * n);
      expect(p.calls).toBe(2);
      for (const k of p.kernels()) {
        expect(k.calls).toBe(2);
        expect(k.time).toBeGreaterThanOrEqual(0);
      }
      expect(p.kernels().some((k) => k.nodes.includes('dot(x, w)'))).toBe(true);
      // finish() blocks: the synchronous call waited too
      expect(p.timing).toBe('finish');
    } finally {
      gl.finish = original;
    }
  });
});
