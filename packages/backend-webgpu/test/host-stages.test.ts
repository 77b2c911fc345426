/**
 * Functions with data-dependent shapes (nonzero, boolean masks, bincount)
 * on WebGPU: what the profile counts of their host stages (calls,
 * device-timed kernels, readbacks), a value handed from one stage to the
 * next on the device, and every buffer freed on dispose. The values,
 * updates applied once after the last stage and a failing stage committing
 * nothing are the conformance suite's indexing cases 'host stages: ...'.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import { T, sym, webgpu } from './setup.js';

const f32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float32' });
const X = [[0, 1.5, 0, -2], [3, 0, 0, 0.5], [0, -1, 4, 0]];

describe('host stages on WebGPU', () => {
  it('read back a computed mask once a call, an input never; h stays on the device for the last stage; device-timed', async () => {
    const x = T.matrix('x');
    const w = T.matrix('w');
    const h = T.tanh(T.dot(x, w));
    const outputs = [h.get(h.gt(0)).mul(2), ...T.nonzero(x), T.sum(h)];
    const gpu = sym.function([x, w], outputs, { device: 'webgpu', profile: true });
    const wv = f32([[1, 0.5], [-1, 2], [0, 1], [2, -1]]);
    for (let call = 0; call < 2; call++) await gpu(f32(X), wv);
    const p = gpu.profile!;
    // the mask is read back once a call; x (an input) is not; h stays on the device for the last stage
    expect([p.calls, p.hostOps, p.hostReads]).toEqual([2, 4, 2]);
    expect(p.timing).toBe('device');
    expect(p.kernels().filter((k) => k.op.includes('dot')).map((k) => k.program)).toEqual([0]);
    gpu.compiled.dispose();
  });

  it('read back a slice bound the kernels compute (argmax) once a call; i and s are inputs, known on the host', async () => {
    const x = T.matrix('x');
    const [i, s] = [T.lscalar('i'), T.lscalar('s')];
    const tail = x.get(T.slice(i));
    const outputs = [tail, x.get(':', T.slice(i, null, s)), x.get(T.slice(T.argmax(T.sum(x, { axis: 1 })))), T.setSubtensor(tail, 7), T.incSubtensor(x.get(':', T.slice(null, i)), 1), grad(T.sum(T.sqr(tail)), [x])[0]!];
    const gpu = sym.function([x, i, s], outputs, { device: 'webgpu', profile: true });
    for (const [iv, sv] of [[1, 1], [-1, -2], [9, 1], [1, 1]]) await gpu(f32(X), iv, sv);
    expect([gpu.profile!.calls, gpu.profile!.hostReads]).toEqual([4, 4]);
    gpu.compiled.dispose();
  });

  it('free every buffer on dispose, a failed stage\'s too', async () => {
    const before = webgpu.liveBuffers();
    const s = sym.shared(sym.array([0], { dtype: 'int32' }), { name: 's' });
    const v = T.vector('v', 'int32');
    const f = sym.function([v], T.bincount(v.add(1), null, 2), { device: 'webgpu', updates: [[s, s.add(T.sum(v)).astype('int32')]] });
    await f(sym.array([2, 0], { dtype: 'int32' }));
    await expect(f(sym.array([-3], { dtype: 'int32' }))).rejects.toThrow(/must have no negative elements/);
    f.compiled.dispose();
    await s.getValueAsync();
    s.setValue(sym.array([0], { dtype: 'int32' }));
    expect(webgpu.liveBuffers()).toBeLessThanOrEqual(before + 1);
  });
});
