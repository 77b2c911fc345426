/**
 * Backends come and go within one process: each init() makes a device,
 * dispose() destroys it, and the garbage collector may run at any point in
 * between. Dawn segfaults when it collects an instance that has made a
 * device, which once killed a test worker one run in four.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { WebGpuBackend } from '../src/index.js';
import { findGpu } from '../src/gpu.js';
import { T, sym, webgpu } from './setup.js';

/** The collector, forced: the crash needs a collection between dispose() and the next use. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('lifecycle', () => {
  it('one Dawn instance per set of flags, kept for the process', async () => {
    const [a, b] = [await findGpu(), await findGpu()];
    expect(a.gpu).toBe(b.gpu);
    expect((await findGpu(['enable-dawn-features=allow_unsafe_apis'])).gpu).not.toBe(a.gpu);
  });

  it('backends made, destroyed, disposed and collected leave the shared backend working', async () => {
    await webgpu.init();
    const x = webgpu.alloc('float32', 4);
    for (let i = 0; i < 4; i++) {
      const b = new WebGpuBackend();
      await b.init();
      b.alloc('float32', 16);
      if (i % 2 === 0) {
        const device = b.device;
        device.destroy();
        await device.lost;
      }
      b.dispose();
      collectGarbage();
      await new Promise((r) => setTimeout(r, 20));
      collectGarbage();
    }
    webgpu.write(x, new Float32Array([1, 2, 3, 4]));
    expect(Array.from((await webgpu.read(x)) as Float32Array)).toEqual([1, 2, 3, 4]);
    webgpu.free(x);
  });

  it('functions and shared variables dropped without dispose() give back their buffers and pipelines', async () => {
    await webgpu.init();
    collectGarbage();
    await new Promise((r) => setTimeout(r, 20));
    const before = webgpu.stats();
    // in a function of its own: its frame, and the last function it made, are gone when it returns
    // 40 graphs of different ops (a constant alone would share one parametric pipeline), each with a shared variable
    const ops = [(v: sym.TensorVariable) => v.add(1), (v: sym.TensorVariable) => v.mul(2), T.exp, T.tanh];
    const compileAndDrop = async () => {
      const x = T.vector('x');
      for (let i = 0; i < 40; i++) {
        const s = sym.shared(new Float32Array(16).fill(1), { name: 's' });
        let e = x;
        for (let j = 0, k = i + 21; j < 3; j++, k = Math.floor(k / 4)) e = ops[k % 4]!(e);
        const f = sym.function([x], e.sum().mul(0).add(s.sum()), { updates: [[s, s.mul(2)]], device: 'webgpu' });
        expect(Number((await f([0])).data[0])).toBe(16);
      }
      // (the collector may take some of them while the loop runs)
      expect(webgpu.stats().pipelines).toBeGreaterThanOrEqual(before.pipelines + 40);
    };
    await compileAndDrop();
    for (let i = 0; i < 3; i++) {
      collectGarbage();
      await new Promise((r) => setTimeout(r, 20));
    }
    const after = webgpu.stats();
    expect(after.live).toBe(before.live);
    // the collected functions' pipelines are no longer cached (Dawn frees them with their objects), but for the latest 32
    expect(after.cachedPipelines).toBeLessThanOrEqual(before.cachedPipelines + 32);
  });

  it('a function collected after dispose() and init() again frees nothing into the new device', async () => {
    await webgpu.init();
    const compileRun = async () => {
      const x = T.vector('x');
      const f = sym.function([x], T.exp(x).mul(3), { device: 'webgpu' });
      await f([0, 0, 0, 0, 0]);
    };
    await compileRun();
    webgpu.dispose();
    await webgpu.init();
    const live = webgpu.stats().live;
    for (let i = 0; i < 3; i++) {
      collectGarbage();
      await new Promise((r) => setTimeout(r, 20));
    }
    // the old device's buffers went with it: none is counted off, none pooled for the new device
    expect(webgpu.stats()).toMatchObject({ live, pooled: 0 });
    const x = T.vector('x');
    expect(Array.from((await sym.function([x], x.mul(2), { device: 'webgpu' })([1, 2, 3, 4, 5])).data)).toEqual([2, 4, 6, 8, 10]);
  });
});

