import { describe, expect, it } from 'vitest';
import { T, both, sym, webgpu } from './setup.js';

describe('smoke', () => {
  it('adds on the GPU', async () => {
    const x = T.vector('x');
    const { gpu, ref } = await both([x], [x.add(1), x.sum(), T.dot(x, x)], [[1, 2, 3]]);
    expect(gpu.map((a) => a.toString())).toEqual(ref.map((a) => a.toString()));
    expect(webgpu.describe().device).toMatch(/WebGPU/);
    expect(sym.registeredBackends()).toContain('webgpu');
  });
});
