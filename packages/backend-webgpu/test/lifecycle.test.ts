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
import { webgpu } from './setup.js';

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
});
