/** What users see when something is wrong: clear errors, never a silent CPU fallback. */
import { describe, expect, it } from 'vitest';
import type { Kernel } from '@sym/graph';
import { WebGpuBackend } from '../src/index.js';
import { noAdapterMessage } from '../src/gpu.js';
import { T, sym, webgpu } from './setup.js';

describe('errors', () => {
  it('a float64 graph is refused with the floatX advice', async () => {
    const x = T.dvector('x');
    const f = sym.function([x], x.mul(2), { device: 'webgpu' });
    await expect(f([1, 2])).rejects.toThrow(/device=webgpu cannot hold float64.*floatX=float32/s);
  });
  it('a float literal in a float32 graph is weak: x_f32 * 0.999 runs with floatX=float64 (its constant was float64 in the kernel)', async () => {
    const floatX = sym.config.floatX;
    sym.config.floatX = 'float64';
    let got: sym.NDArray;
    try {
      const x = T.fvector('x');
      const f = sym.function([x], x.mul(0.999).add(T.clip(x, 0.25, 0.5)), { device: 'webgpu' });
      got = await f(sym.array([1, 2], { dtype: 'float32' }));
    } finally {
      sym.config.floatX = floatX;
    }
    expect(got.dtype).toBe('float32');
    expect(Array.from(got.data)).toEqual([Math.fround(Math.fround(0.999) + 0.5), Math.fround(Math.fround(2 * Math.fround(0.999)) + 0.5)]);
  });
  it('names the node that makes float64 in a float32 graph (the mean of a comparison, as NumPy computes it)', async () => {
    const p = T.ivector('p');
    const y = T.ivector('y');
    const errors = sym.function([p, y], T.mean(T.neq(p, y)), { device: 'webgpu' });
    await expect(errors(sym.array([1, 2], { dtype: 'int32' }), sym.array([1, 0], { dtype: 'int32' }))).rejects.toThrow(
      /cannot hold float64 data, which this graph needs: Mean\{.*\}\(Elemwise\{neq.*computes float64\..*T\.mean\(x, \{ dtype: 'float32' \}\).* To find each line that makes a float64 variable, set warn_float64=raise \(SYM_FLAGS=warn_float64=raise\): it throws there\.$/s,
    );
    // that flag stops where the mean is built, naming it
    expect(() => sym.config.changeFlags({ warn_float64: 'raise' }, () => T.mean(T.neq(p, y)))).toThrow(/^warn_float64=raise: a float64 variable was created: the output of Mean\{.*\}\(Elemwise\{neq,no_inplace\}\.0: bool\)/);
    const fixed = sym.function([p, y], T.mean(T.neq(p, y), { dtype: 'float32' }), { device: 'webgpu' });
    expect((await fixed(sym.array([1, 2], { dtype: 'int32' }), sym.array([1, 0], { dtype: 'int32' }))).item()).toBe(0.5);
  });

  it('a kernel computing in float64 inside float32 buffers is refused', () => {
    const k: Kernel = {
      kind: 'elementwise',
      shape: [2],
      inputs: ['float32'],
      out: 'float32',
      expr: {
        kind: 'apply',
        op: 'cast',
        computeDType: 'float64',
        dtype: 'float32',
        args: [{ kind: 'apply', op: 'cast', computeDType: 'float32', dtype: 'float64', args: [{ kind: 'load', input: 0, strides: [1], offset: 0, dtype: 'float32' }] }],
      },
    };
    expect(() => webgpu.compile(k)).toThrow(/float64.*floatX=float32/);
  });

  it('a lost device is reported on the next use', async () => {
    const b = new WebGpuBackend();
    await b.init();
    const device = b.device;
    device.destroy();
    const info = await device.lost;
    expect(info.reason).toBe('destroyed');
    expect(() => b.alloc('float32', 4)).toThrow(/WebGPU device was lost \(destroyed/);
    b.dispose();
    expect(() => b.alloc('float32', 4)).toThrow(/disposed/);
  });

  it('without an adapter the message says how to get one', () => {
    expect(noAdapterMessage('dawn (webgpu npm package)')).toMatch(/no WebGPU adapter.*scripts\/system-deps\.sh.*device=cpu/);
    expect(noAdapterMessage('navigator.gpu')).toMatch(/enable-unsafe-webgpu/);
  });

  it('describes the adapter actually in use and refuses sync calls', async () => {
    expect(webgpu.describe()).toMatchObject({ name: 'webgpu', sync: false });
    expect(webgpu.describe().dtypes).not.toContain('float64');
    const x = T.fvector('x');
    const f = sym.function([x], x.add(1), { device: 'webgpu' });
    await f([1]);
    expect(webgpu.describe().device).toMatch(/WebGPU .*via dawn/);
    expect(() => f.sync([1])).toThrow(/no synchronous calls/);
  });
});
