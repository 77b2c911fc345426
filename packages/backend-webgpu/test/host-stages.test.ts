/**
 * Functions with data-dependent shapes (nonzero, boolean masks, bincount)
 * on WebGPU: host stages between programs, called asynchronously, with
 * the profile counting calls and readbacks, updates applied once after the
 * last stage, a value handed from one stage to the next on the device, and
 * every buffer freed on dispose.
 */
import { describe, expect, it } from 'vitest';
import { T, sym, webgpu } from './setup.js';

const f32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float32' });
const X = [[0, 1.5, 0, -2], [3, 0, 0, 0.5], [0, -1, 4, 0]];

describe('host stages on WebGPU', () => {
  it('compute masks and nonzero as the CPU does, profiled: calls, device-timed kernels, readbacks', async () => {
    const x = T.matrix('x');
    const w = T.matrix('w');
    const h = T.tanh(T.dot(x, w));
    const outputs = [h.get(h.gt(0)).mul(2), ...T.nonzero(x), T.sum(h)];
    const gpu = sym.function([x, w], outputs, { device: 'webgpu', profile: true });
    const cpu = sym.function([x, w], outputs, { device: 'cpu' });
    const wv = f32([[1, 0.5], [-1, 2], [0, 1], [2, -1]]);
    for (let call = 0; call < 2; call++) {
      const got = (await gpu(f32(X), wv)) as sym.NDArray[];
      const want = (await cpu(f32(X), wv)) as sym.NDArray[];
      expect(got.map((a) => a.shape)).toEqual(want.map((a) => a.shape));
      got.forEach((a, i) => {
        expect(a.dtype).toBe(want[i]!.dtype);
        Array.from(a.data).forEach((e, j) => expect(e).toBeCloseTo(want[i]!.data[j]!, 5));
      });
    }
    const p = gpu.profile!;
    // the mask is read back once a call; x (an input) is not; h stays on the device for the last stage
    expect([p.calls, p.hostOps, p.hostReads]).toEqual([2, 4, 2]);
    expect(p.timing).toBe('device');
    expect(p.kernels().filter((k) => k.op.includes('dot')).map((k) => k.program)).toEqual([0]);
    gpu.compiled.dispose();
  });

  it('apply updates once, after the last stage; a failing stage changes nothing; dispose frees every buffer', async () => {
    const before = webgpu.liveBuffers();
    const s = sym.shared(sym.array([0], { dtype: 'int32' }), { name: 's' });
    const v = T.vector('v', 'int32');
    const f = sym.function([v], T.bincount(v.add(1), null, 2), { device: 'webgpu', updates: [[s, s.add(T.sum(v)).astype('int32')]] });
    expect(((await f(sym.array([2, 0], { dtype: 'int32' }))) as sym.NDArray).toArray()).toEqual([0, 1, 0, 1]);
    expect((await s.getValueAsync()).toArray()).toEqual([2]);
    await expect(f(sym.array([-3], { dtype: 'int32' }))).rejects.toThrow(/bincount: x \(.*\) must have no negative elements, got -2/);
    expect((await s.getValueAsync()).toArray()).toEqual([2]);
    f.compiled.dispose();
    await s.getValueAsync();
    s.setValue(sym.array([0], { dtype: 'int32' }));
    expect(webgpu.liveBuffers()).toBeLessThanOrEqual(before + 1);
  });
});
