/** A profiled function on WebGPU: each launch is waited for (the backend's finish), counted and timed, and the results are the unprofiled ones. */
import { describe, expect, it, vi } from 'vitest';
import { T, sym, webgpu } from './setup.js';

describe('profile: true on WebGPU', () => {
  it('waits for each launch, counts every call and kernel, and computes what an unprofiled call computes', async () => {
    const x = T.matrix('x');
    // big enough for a matmul kernel (a small product becomes elementwise)
    const w = sym.shared(sym.fromTyped(Float32Array.from({ length: 32 * 16 }, (_, i) => ((i % 7) - 3) / 8), [32, 16], 'float32'), { name: 'w' });
    const h = T.nnet.sigmoid(T.dot(x, w).add(1));
    const outputs = [h, h.sum(1), h.mul(h).mean()];
    const profiled = sym.function([x], outputs, { device: 'webgpu', profile: true, name: 'layer' });
    const plain = sym.function([x], outputs, { device: 'webgpu' });
    const xs = sym.fromTyped(Float32Array.from({ length: 24 * 32 }, (_, i) => ((i % 11) - 5) / 4), [24, 32], 'float32');
    const finish = vi.spyOn(webgpu, 'finish');
    try {
      for (let i = 0; i < 3; i++) await profiled(xs);
      const got = (await profiled(xs)) as sym.NDArray[];
      const want = (await plain(xs)) as sym.NDArray[];
      expect(got.map((a) => a.toArray())).toEqual(want.map((a) => a.toArray()));
      const p = profiled.profile!;
      const n = profiled.compiled.kernelCount(xs);
      expect(p.kernels().length).toBe(n);
      expect(finish).toHaveBeenCalledTimes(4 * n);
      expect(p.calls).toBe(4);
      for (const k of p.kernels()) {
        expect(k.calls).toBe(4);
        expect(k.time).toBeGreaterThanOrEqual(0);
      }
      expect(p.kernels().some((k) => k.kind === 'matmul' && k.nodes.includes('dot(x, w)'))).toBe(true);
      expect(p.timing).toBe('finish');
      expect(p.callTime).toBeGreaterThanOrEqual(p.kernelTime);
      expect(p.summary()).toContain('  Kernel times: each launch run alone and waited for (submit and wait included)');
      expect(p.summary()).toContain('  Function: layer  device=webgpu  mode=FAST_RUN');
    } finally {
      finish.mockRestore();
    }
  });
});
