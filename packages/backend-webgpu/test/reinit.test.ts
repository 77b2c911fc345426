/**
 * `webgpu.dispose()` then `await webgpu.init()` (what an app does after
 * `device.lost`): a new device, on which functions and shared variables
 * made before must work again. Their compiled kernels, plans and device
 * copies belonged to the old device (Dawn: "[BindGroupLayout] is
 * associated with [Device], and cannot be used with [Device]").
 */
import { describe, expect, it } from 'vitest';
import { sym, webgpu } from './setup.js';

const f32 = (v: number[]) => sym.array(v, { dtype: 'float32' });
const values = (a: sym.NDArray | sym.NDArray[]) => Array.from((a as sym.NDArray).data as Float32Array);

async function reinit(): Promise<void> {
  webgpu.dispose();
  await webgpu.init();
}

describe('dispose() then init()', () => {
  it('a new function on a new shared variable runs on the new device', async () => {
    const W = sym.shared(f32([1, 2, 3]), { name: 'W' });
    const before = sym.function([], W.mul(2), { device: 'webgpu' });
    expect(values(await before())).toEqual([2, 4, 6]);
    await reinit();
    const V = sym.shared(f32([1, 2, 3]), { name: 'V' });
    // the same graph: its kernel was compiled (and cached) for the old device
    expect(values(await sym.function([], V.mul(2), { device: 'webgpu' })())).toEqual([2, 4, 6]);
  });

  it('a function called before runs again, with updates, and its shared variable set from the host before re-uploads', async () => {
    const x = sym.T.vector('x');
    const S = sym.shared(f32([10, 20]), { name: 'S' });
    const f = sym.function([x], x.add(S), { device: 'webgpu', updates: [[S, S.add(1)]] });
    expect(values(await f(f32([1, 1])))).toEqual([11, 21]);
    // the host value is current again, and the old device still had a valid copy
    await S.getValueAsync();
    S.setValue(f32([100, 200]));
    await reinit();
    expect(values(await f(f32([1, 1])))).toEqual([101, 201]);
    expect(values(await f(f32([1, 1])))).toEqual([102, 202]);
    expect(values(await S.getValueAsync())).toEqual([102, 202]);
  });

  it('a shared variable read back before re-init (host and old device both current) is uploaded again', async () => {
    const S = sym.shared(f32([1, 2]), { name: 'S' });
    const f = sym.function([], S.sum(), { device: 'webgpu' });
    expect(values(await f())).toEqual([3]);
    await reinit();
    expect(values(await f())).toEqual([3]);
    expect(values(await sym.function([], S.mul(3), { device: 'webgpu' })())).toEqual([3, 6]);
  });

  it('a value that lived only on the old device is an error naming the variable until setValue; the failed call changes nothing', async () => {
    const W = sym.shared(f32([1, 2, 3]), { name: 'W' });
    const U = sym.shared(f32([0]), { name: 'U' });
    const inc = sym.function([], W.sum(), { device: 'webgpu', updates: [[W, W.add(1)]] });
    await inc();
    await reinit();
    const read = sym.function([], W.sum(), { device: 'webgpu', updates: [[U, U.add(1)]] });
    const lost = /^device=webgpu: the backend was disposed since shared variable W was last updated on it/;
    await expect(read()).rejects.toThrow(lost);
    await expect(W.getValueAsync()).rejects.toThrow(lost);
    expect(values(await U.getValueAsync())).toEqual([0]);
    W.setValue(f32([5, 5, 5]));
    expect(values(await inc())).toEqual([15]);
    expect(values(await read())).toEqual([18]);
    expect(values(await U.getValueAsync())).toEqual([1]);
  });

  it('after the device is lost, dispose() and init() bring the functions back', async () => {
    const S = sym.shared(f32([1, 2]), { name: 'S' });
    const f = sym.function([], S.mul(2), { device: 'webgpu' });
    expect(values(await f())).toEqual([2, 4]);
    const device = webgpu.device;
    device.destroy();
    await device.lost;
    await expect(f()).rejects.toThrow(/device=webgpu: the WebGPU device was lost .*Call webgpu.dispose\(\), then await webgpu.init\(\)/);
    await reinit();
    expect(values(await f())).toEqual([2, 4]);
  });

  it('an update that writes a variable whose value was lost replaces it', async () => {
    const W = sym.shared(f32([1, 2]), { name: 'W' });
    const x = sym.T.vector('x');
    const set = sym.function([x], x.sum(), { device: 'webgpu', updates: [[W, x.mul(2)]] });
    await set(f32([1, 1]));
    await reinit();
    await set(f32([3, 4]));
    expect(values(await W.getValueAsync())).toEqual([6, 8]);
  });
});
