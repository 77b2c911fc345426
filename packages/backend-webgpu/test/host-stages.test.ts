/**
 * Functions with data-dependent shapes (nonzero, boolean masks, bincount)
 * on WebGPU: host stages between programs, called asynchronously, with
 * the profile counting calls and readbacks, updates applied once after the
 * last stage, a value handed from one stage to the next on the device, and
 * every buffer freed on dispose; masks among other indices.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
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

  it('index by masks among other indices (get, setSubtensor, incSubtensor, gradient) as the CPU does', async () => {
    const x = T.tensor3('x');
    const m = T.vector('m', 'bool');
    const idx = T.lvector('idx');
    // x[idx, m, 1:3], x[:, m], x[0, :, x[0, 0] > 0] (the mask computed on the device), x[True, 1, m] = 5
    const window = x.get(idx, m, '1:3');
    const outputs = [window, x.get(':', m), x.get(0, ':', x.get(0, 0).gt(0)), T.setSubtensor(x.get(true, 1, m), 5), T.incSubtensor(window, 1), grad(T.sum(T.sqr(window)), [x])[0]!];
    const gpu = sym.function([x, m, idx], outputs, { device: 'webgpu' });
    const cpu = sym.function([x, m, idx], outputs, { device: 'cpu' });
    const xv = f32(Array.from({ length: 2 }, (_, i) => Array.from({ length: 3 }, (_, j) => Array.from({ length: 4 }, (_, k) => ((i * 12 + j * 4 + k) % 5) - 2))));
    const mv = sym.array([true, false, true], { dtype: 'bool' });
    const iv = sym.array([1, 0], { dtype: 'int64' });
    const got = (await gpu(xv, mv, iv)) as sym.NDArray[];
    const want = (await cpu(xv, mv, iv)) as sym.NDArray[];
    expect(got.map((a) => a.shape)).toEqual([[2, 2], [2, 2, 4], [1, 3], [2, 3, 4], [2, 3, 4], [2, 3, 4]]);
    got.forEach((a, i) => {
      expect([a.dtype, a.shape]).toEqual([want[i]!.dtype, want[i]!.shape]);
      expect(Array.from(a.data)).toEqual(Array.from(want[i]!.data));
    });
    gpu.compiled.dispose();
  });

  it('slice by bounds whose length depends on values (x[i:], x[:, i::s], x[argmax:]; set, inc, gradient) as the CPU does, profiled', async () => {
    const x = T.matrix('x');
    const [i, s] = [T.lscalar('i'), T.lscalar('s')];
    const tail = x.get(T.slice(i));
    const outputs = [tail, x.get(':', T.slice(i, null, s)), x.get(T.slice(T.argmax(T.sum(x, { axis: 1 })))), T.setSubtensor(tail, 7), T.incSubtensor(x.get(':', T.slice(null, i)), 1), grad(T.sum(T.sqr(tail)), [x])[0]!];
    const gpu = sym.function([x, i, s], outputs, { device: 'webgpu', profile: true });
    const cpu = sym.function([x, i, s], outputs, { device: 'cpu' });
    for (const [iv, sv] of [[1, 1], [-1, -2], [9, 1]]) {
      const got = (await gpu(f32(X), iv, sv)) as sym.NDArray[];
      const want = (await cpu(f32(X), iv, sv)) as sym.NDArray[];
      got.forEach((a, k) => {
        expect([k, a.dtype, a.shape]).toEqual([k, want[k]!.dtype, want[k]!.shape]);
        expect([k, Array.from(a.data)]).toEqual([k, Array.from(want[k]!.data)]);
      });
    }
    // NumPy: x[1:] is (2, 4), x[:, 1::1] (3, 3)
    expect(((await gpu(f32(X), 1, 1)) as sym.NDArray[]).slice(0, 2).map((a) => a.shape)).toEqual([[2, 4], [3, 3]]);
    // the argmax bound is read back once a call; i and s are inputs, known on the host
    expect([gpu.profile!.calls, gpu.profile!.hostReads]).toEqual([4, 4]);
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
