/**
 * A profiled function on WebGPU: kernels timed by the device's timestamp
 * queries (lavapipe has them), or, where the device cannot, each launch
 * waited for (finish); counted either way, and the results are the
 * unprofiled ones.
 */
import { describe, expect, it, vi } from 'vitest';
import { T, sym, webgpu } from './setup.js';

describe('profile: true on WebGPU', () => {
  /** A layer, its row sums and its mean square, profiled and not, on 24 x 32 inputs (big enough for a matmul kernel: a small product becomes elementwise). */
  function layer() {
    const x = T.matrix('x');
    const w = sym.shared(sym.fromTyped(Float32Array.from({ length: 32 * 16 }, (_, i) => ((i % 7) - 3) / 8), [32, 16], 'float32'), { name: 'w' });
    const h = T.nnet.sigmoid(T.dot(x, w).add(1));
    const outputs = [h, h.sum(1), h.mul(h).mean()];
    return {
      profiled: sym.function([x], outputs, { device: 'webgpu', profile: true, name: 'layer' }),
      plain: sym.function([x], outputs, { device: 'webgpu' }),
      xs: sym.fromTyped(Float32Array.from({ length: 24 * 32 }, (_, i) => ((i % 11) - 5) / 4), [24, 32], 'float32'),
    };
  }

  it("times kernels with the device's timestamps, counts every call and kernel, and computes what an unprofiled call computes", async () => {
    const { profiled, plain, xs } = layer();
    const finish = vi.spyOn(webgpu, 'finish');
    const runTimed = vi.spyOn(webgpu, 'runTimed');
    try {
      for (let i = 0; i < 3; i++) await profiled(xs);
      const got = (await profiled(xs)) as sym.NDArray[];
      const want = (await plain(xs)) as sym.NDArray[];
      expect(got.map((a) => a.toArray())).toEqual(want.map((a) => a.toArray()));
      const p = profiled.profile!;
      const n = profiled.compiled.kernelCount(xs);
      expect(p.kernels().length).toBe(n);
      expect(runTimed).toHaveBeenCalledTimes(4);
      expect(finish).not.toHaveBeenCalled();
      expect(p.timing).toBe('device');
      expect(p.calls).toBe(4);
      for (const k of p.kernels()) {
        expect(k.calls).toBe(4);
        expect(k.time).toBeGreaterThanOrEqual(0);
      }
      // the device measured something: the kernels did work
      expect(p.kernelTime).toBeGreaterThan(0);
      expect(p.kernels().some((k) => k.kind === 'matmul' && k.nodes.includes('dot(x, w)'))).toBe(true);
      expect(p.callTime).toBeGreaterThanOrEqual(p.kernelTime);
      expect(p.phases.kernels).toBeGreaterThanOrEqual(p.kernelTime);
      expect(p.summary()).toContain("  Kernel times: the device's timestamps, launches submitted together");
      expect(p.summary()).toContain('  Function: layer  device=webgpu  mode=FAST_RUN');
    } finally {
      finish.mockRestore();
      runTimed.mockRestore();
    }
  });

  it('without timestamps, waits for each launch (finish) instead', async () => {
    const { profiled, plain, xs } = layer();
    const finish = vi.spyOn(webgpu, 'finish');
    const runTimed = vi.spyOn(webgpu, 'runTimed').mockReturnValue(undefined);
    try {
      await profiled(xs);
      const got = (await profiled(xs)) as sym.NDArray[];
      const want = (await plain(xs)) as sym.NDArray[];
      expect(got.map((a) => a.toArray())).toEqual(want.map((a) => a.toArray()));
      const p = profiled.profile!;
      const n = profiled.compiled.kernelCount(xs);
      expect(finish).toHaveBeenCalledTimes(2 * n);
      expect([p.calls, p.timing]).toEqual([2, 'finish']);
      for (const k of p.kernels()) expect(k.calls).toBe(2);
      expect(p.summary()).toContain('  Kernel times: each launch run alone and waited for (submit and wait included)');
    } finally {
      finish.mockRestore();
      runTimed.mockRestore();
    }
  });

  it('times a run of more launches than one query set holds, in chunks', async () => {
    // 1100 launches of a copy: past the 1024 a timed submit takes
    const buffers = [webgpu.alloc('float32', 4), webgpu.alloc('float32', 4)];
    webgpu.write(buffers[0]!, new Float32Array([1, 2, 3, 4]));
    const kernel: sym.ElementwiseKernel = { kind: 'elementwise', shape: [4], inputs: ['float32'], out: 'float32', expr: { kind: 'load', input: 0, strides: [1], offset: 0, dtype: 'float32' } };
    const exe = webgpu.compile(kernel);
    const launches = Array.from({ length: 1100 }, (_, i) => ({ exe, inputs: [buffers[i % 2]!], output: buffers[1 - (i % 2)]! }));
    const times = await webgpu.runTimed(launches)!;
    expect(times.length).toBe(1100);
    for (const t of times) expect(t).toBeGreaterThanOrEqual(0);
    // the first launch copied buffer 0 into 1, and the copies back and forth kept the values
    expect(Array.from(await webgpu.read(buffers[1]!))).toEqual([1, 2, 3, 4]);
    expect(Array.from(await webgpu.read(buffers[0]!))).toEqual([1, 2, 3, 4]);
    for (const b of buffers) webgpu.free(b);
  });
});
