/**
 * Functions with data-dependent shapes on gpu.js (headless WebGL): host
 * stages between programs, sync and async, profiled, with a value handed
 * from one stage to the next in a texture and updates applied once.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';

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
