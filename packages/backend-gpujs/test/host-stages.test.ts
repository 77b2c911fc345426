/**
 * Functions with data-dependent shapes on gpu.js (headless WebGL): host
 * stages between programs, sync and async, profiled, with a value handed
 * from one stage to the next in a texture and updates applied once;
 * masks among other indices.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';
import { grad } from '@sym/grad';

const T = sym.T;
const f32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float32' });
const X = [[0, 1.5, 0, -2], [3, 0, 0, 0.5], [0, -1, 4, 0]];

describe('host stages on gpujs', () => {
  it('compute masks, nonzero and bincount as the CPU does, sync and async, profiled', async () => {
    const x = T.matrix('x', 'float32');
    const w = T.matrix('w', 'float32');
    const h = T.tanh(T.dot(x, w));
    const outputs = [h.get(h.gt(0)).mul(2), T.nonzero(x, true), T.bincount(T.cast(x.gt(0), 'int32').flatten(), null, 3)];
    const gpu = sym.function([x, w], outputs, { device: 'gpujs', profile: true });
    const cpu = sym.function([x, w], outputs, { device: 'cpu' });
    const wv = f32([[1, 0.5], [-1, 2], [0, 1], [2, -1]]);
    const want = cpu.sync(f32(X), wv) as sym.NDArray[];
    for (const got of [gpu.sync(f32(X), wv) as sym.NDArray[], (await gpu(f32(X), wv)) as sym.NDArray[]]) {
      got.forEach((a, i) => {
        expect([a.dtype, a.shape]).toEqual([want[i]!.dtype, want[i]!.shape]);
        Array.from(a.data).forEach((e, j) => expect(e).toBeCloseTo(want[i]!.data[j]!, 5));
      });
    }
    const p = gpu.profile!;
    // per call: the mask h > 0 and bincount's x read back; nonzero of the input x reads nothing
    expect([p.calls, p.hostOps, p.hostReads]).toEqual([2, 6, 4]);
    expect(p.kernels().filter((k) => k.op.includes('dot')).map((k) => k.program)).toEqual([0]);
    gpu.compiled.dispose();
  });

  it('index by masks among other indices (get, setSubtensor, incSubtensor, gradient) as the CPU does, sync and async', async () => {
    const x = T.tensor3('x', 'float32');
    const m = T.vector('m', 'bool');
    const idx = T.lvector('idx');
    // x[idx, m, 1:3], x[:, m], x[0, :, x[0, 0] > 0] (the mask computed by a program), x[True, 1, m] = 5
    const window = x.get(idx, m, '1:3');
    const outputs = [window, x.get(':', m), x.get(0, ':', x.get(0, 0).gt(0)), T.setSubtensor(x.get(true, 1, m), 5), T.incSubtensor(window, 1), grad(T.sum(T.sqr(window)), [x])[0]!];
    const gpu = sym.function([x, m, idx], outputs, { device: 'gpujs' });
    const cpu = sym.function([x, m, idx], outputs, { device: 'cpu' });
    const xv = f32(Array.from({ length: 2 }, (_, i) => Array.from({ length: 3 }, (_, j) => Array.from({ length: 4 }, (_, k) => ((i * 12 + j * 4 + k) % 5) - 2))));
    const mv = sym.array([true, false, true], { dtype: 'bool' });
    const iv = sym.array([1, 0], { dtype: 'int64' });
    const want = cpu.sync(xv, mv, iv) as sym.NDArray[];
    expect(want.map((a) => a.shape)).toEqual([[2, 2], [2, 2, 4], [1, 3], [2, 3, 4], [2, 3, 4], [2, 3, 4]]);
    for (const got of [gpu.sync(xv, mv, iv) as sym.NDArray[], (await gpu(xv, mv, iv)) as sym.NDArray[]]) {
      got.forEach((a, i) => {
        expect([a.dtype, a.shape]).toEqual([want[i]!.dtype, want[i]!.shape]);
        expect(Array.from(a.data)).toEqual(Array.from(want[i]!.data));
      });
    }
    gpu.compiled.dispose();
  });

  it('slice by bounds whose length depends on values (x[i:], x[:, i::s], x[argmax:]; set, inc, gradient) as the CPU does, sync and async', async () => {
    const x = T.matrix('x', 'float32');
    const [i, s] = [T.lscalar('i'), T.lscalar('s')];
    const tail = x.get(T.slice(i));
    const outputs = [tail, x.get(':', T.slice(i, null, s)), x.get(T.slice(T.argmax(T.sum(x, { axis: 1 })))), T.setSubtensor(tail, 7), T.incSubtensor(x.get(':', T.slice(null, i)), 1), grad(T.sum(T.sqr(tail)), [x])[0]!];
    const gpu = sym.function([x, i, s], outputs, { device: 'gpujs', profile: true });
    const cpu = sym.function([x, i, s], outputs, { device: 'cpu' });
    for (const [iv, sv] of [[1, 1], [-1, -2], [9, 1]]) {
      const want = cpu.sync(f32(X), iv, sv) as sym.NDArray[];
      for (const got of [gpu.sync(f32(X), iv, sv) as sym.NDArray[], (await gpu(f32(X), iv, sv)) as sym.NDArray[]]) {
        got.forEach((a, k) => {
          expect([k, a.dtype, a.shape]).toEqual([k, want[k]!.dtype, want[k]!.shape]);
          expect([k, Array.from(a.data)]).toEqual([k, Array.from(want[k]!.data)]);
        });
      }
    }
    // NumPy: x[1:] is (2, 4), x[:, 1::1] (3, 3); the argmax bound is read back once a call
    expect((gpu.sync(f32(X), 1, 1) as sym.NDArray[]).slice(0, 2).map((a) => a.shape)).toEqual([[2, 4], [3, 3]]);
    expect([gpu.profile!.calls, gpu.profile!.hostReads]).toEqual([7, 7]);
    gpu.compiled.dispose();
  });

  it('apply updates once, after the last stage; a failing stage changes nothing', () => {
    const s = sym.shared(sym.array([0], { dtype: 'int32' }), { name: 's' });
    const v = T.vector('v', 'int32');
    const f = sym.function([v], T.bincount(v.add(1), null, 2), { device: 'gpujs', updates: [[s, s.add(T.sum(v)).astype('int32')]] });
    expect((f.sync(sym.array([2, 0], { dtype: 'int32' })) as sym.NDArray).toArray()).toEqual([0, 1, 0, 1]);
    expect(s.getValue().toArray()).toEqual([2]);
    expect(() => f.sync(sym.array([-3], { dtype: 'int32' }))).toThrow(/bincount: x \(.*\) must have no negative elements, got -2/);
    expect(s.getValue().toArray()).toEqual([2]);
  });
});
