/**
 * Functions with data-dependent shapes on gpu.js (headless WebGL): what
 * the profile counts of their host stages, sync and async (the values,
 * updates applied once and a failing stage committing nothing are the
 * conformance suite's indexing cases 'host stages: ...').
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import * as sym from '@sym/graph';
import '../src/index.js';

const T = sym.T;
const f32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float32' });
const X = [[0, 1.5, 0, -2], [3, 0, 0, 0.5], [0, -1, 4, 0]];

describe('host stages on gpujs', () => {
  it('read back a computed mask and bincount\'s input once a call, nonzero of an input nothing; the dot runs in the first program', async () => {
    const x = T.matrix('x', 'float32');
    const w = T.matrix('w', 'float32');
    const h = T.tanh(T.dot(x, w));
    const outputs = [h.get(h.gt(0)).mul(2), T.nonzero(x, true), T.bincount(T.cast(x.gt(0), 'int32').flatten(), null, 3)];
    const gpu = sym.function([x, w], outputs, { device: 'gpujs', profile: true });
    const wv = f32([[1, 0.5], [-1, 2], [0, 1], [2, -1]]);
    gpu.sync(f32(X), wv);
    await gpu(f32(X), wv);
    const p = gpu.profile!;
    // per call: the mask h > 0 and bincount's x read back; nonzero of the input x reads nothing
    expect([p.calls, p.hostOps, p.hostReads]).toEqual([2, 6, 4]);
    expect(p.kernels().filter((k) => k.op.includes('dot')).map((k) => k.program)).toEqual([0]);
    gpu.compiled.dispose();
  });

  it('read back a slice bound the kernels compute (argmax) once a call; the input bounds i and s are known on the host', async () => {
    const x = T.matrix('x', 'float32');
    const [i, s] = [T.lscalar('i'), T.lscalar('s')];
    const tail = x.get(T.slice(i));
    const outputs = [tail, x.get(':', T.slice(i, null, s)), x.get(T.slice(T.argmax(T.sum(x, { axis: 1 })))), T.setSubtensor(tail, 7), T.incSubtensor(x.get(':', T.slice(null, i)), 1), grad(T.sum(T.sqr(tail)), [x])[0]!];
    const gpu = sym.function([x, i, s], outputs, { device: 'gpujs', profile: true });
    for (const [iv, sv] of [[1, 1], [-1, -2], [9, 1]]) {
      gpu.sync(f32(X), iv, sv);
      await gpu(f32(X), iv, sv);
    }
    expect([gpu.profile!.calls, gpu.profile!.hostReads]).toEqual([6, 6]);
    gpu.compiled.dispose();
  });
});
