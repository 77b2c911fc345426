// Mode selection: explicit, from SYM_GPUJS_MODE, never a silent fallback; the kernel class that ran is reported.
import { afterEach, describe, expect, it } from 'vitest';
import type { ElementwiseKernel } from '@sym/graph';
import { GpujsBackend, resolveMode } from '../src/index.js';
import { load, runKernel, typed } from './harness.js';

const old = process.env.SYM_GPUJS_MODE;
afterEach(() => {
  if (old === undefined) delete process.env.SYM_GPUJS_MODE;
  else process.env.SYM_GPUJS_MODE = old;
});

const twice: ElementwiseKernel = {
  kind: 'elementwise', shape: [3], inputs: ['float32'], out: 'float32',
  expr: { kind: 'apply', op: 'mul', computeDType: 'float32', dtype: 'float32', args: [load(0, [1]), { kind: 'const', value: 2, dtype: 'float32' }] },
};

describe('gpujs modes', () => {
  it('defaults to headlessgl in Node and reads SYM_GPUJS_MODE', () => {
    delete process.env.SYM_GPUJS_MODE;
    expect(resolveMode()).toBe('headlessgl');
    process.env.SYM_GPUJS_MODE = 'cpu';
    expect(resolveMode()).toBe('cpu');
    expect(new GpujsBackend().mode).toBe('cpu');
    expect(resolveMode('webgl2')).toBe('webgl2');
  });

  it('rejects an unknown mode, naming the choices', () => {
    process.env.SYM_GPUJS_MODE = 'gpu';
    expect(() => resolveMode()).toThrow('gpujs: SYM_GPUJS_MODE must be one of headlessgl, webgl2, webgl, webgpu, cpu; got "gpu"');
    expect(() => new GpujsBackend({ mode: 'auto' as never })).toThrow(/option mode must be one of/);
  });

  it('runs headlessgl kernels on HeadlessGLKernel and says so', () => {
    const b = new GpujsBackend({ mode: 'headlessgl' });
    expect(runKernel(b, twice, [typed('float32', [1, 2, 3])])).toEqual(typed('float32', [2, 4, 6]));
    expect(b.kernelClasses()).toEqual(['HeadlessGLKernel']);
  });

  it('runs gpu.js cpu mode only when asked, and reports CPUKernel', () => {
    const b = new GpujsBackend({ mode: 'cpu' });
    expect(b.describe().device).toBe('gpu.js cpu (CPUKernel)');
    expect(runKernel(b, twice, [typed('float32', [1, 2, 3])])).toEqual(typed('float32', [2, 4, 6]));
    expect(b.kernelClasses()).toEqual(['CPUKernel']);
  });

  it('refuses a GPU mode that cannot start here instead of falling back to the CPU', () => {
    const b = new GpujsBackend({ mode: 'webgl2' });
    expect(() => b.alloc('float32', 3) && runKernel(b, twice, [typed('float32', [1, 2, 3])])).toThrow(/mode webgl2 is not available here.*never falls back/);
    expect(b.kernelClasses()).toEqual([]);
  });
});
