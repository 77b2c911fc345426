/**
 * One process, two devices: a shared variable trained on WebGPU (Dawn on
 * software Vulkan) and read or updated by CPU functions, calls made without
 * awaiting each. The calls of every function share one queue, so results
 * must be those of the same calls awaited one by one on the CPU.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { webgpu } from '../src/index.js';

const T = sym.T;
const DEVICE = 'webgpu';
sym.config.floatX = 'float32';
afterAll(() => webgpu.dispose());

const f32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float32' });
const X = f32([[1, 2, 3], [0, 1, 0], [-1, 0.5, 2], [3, -1, 0]]);
const Y = f32([[1, 0], [0, 1], [1, 1], [-1, 2]]);
const X2 = f32([[1, 1, 1], [2, -1, 0.5]]);

/** A linear model's W trained by `train` (plain SGD on mean squared error), read by `predict`, shrunk by `decay`; each on the CPU and on DEVICE. */
function model() {
  const W = sym.shared(f32([[0.5, -1], [2, 0.25], [-0.75, 1.5]]), { name: 'W' });
  const x = T.matrix('x');
  const y = T.matrix('y');
  const cost = T.sqr(T.dot(x, W).sub(y)).mean();
  const fns = (device: string) => ({
    train: sym.function([x, y], cost, { device, updates: [[W, W.sub(grad(cost, W).mul(0.1))]] }),
    predict: sym.function([x], T.dot(x, W), { device }),
    decay: sym.function([], null, { device, updates: [[W, W.mul(0.5)]] }),
  });
  return { W, on: { cpu: fns('cpu'), gpu: fns(DEVICE) } };
}
type Side = 'cpu' | 'gpu';

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let k = 0; k < want.length; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[k]!)));
}

/** Train, predict and decay on the sides `side(i)` picks, a setValue after the fourth call; awaited one by one or all made first. */
async function runScript(side: (i: number) => Side, awaitEach: boolean): Promise<{ results: ArrayLike<number>[]; final: ArrayLike<number> }> {
  const m = model();
  const script = ['train', 'predict', 'train', 'decay', 'predict', 'train', 'train', 'predict', 'decay', 'predict'] as const;
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < script.length; i++) {
    const f = m.on[side(i)];
    const p = script[i] === 'train' ? f.train(X, Y) : script[i] === 'predict' ? f.predict(X2) : f.decay();
    calls.push(awaitEach ? Promise.resolve(await p) : p);
    if (i === 3) m.W.setValue(f32([[1, 0], [0, 1], [1, 1]]));
  }
  const results = (await Promise.all(calls)) as (sym.NDArray | sym.NDArray[])[];
  return { results: results.map((r) => (Array.isArray(r) ? [] : r.data)), final: (await m.W.getValueAsync()).data };
}

describe(`one shared variable, functions on the CPU and on ${DEVICE}`, () => {
  it('calls made without awaits, alternating devices, give what the same calls awaited one by one on the CPU give', async () => {
    const reference = await runScript(() => 'cpu', true);
    for (const side of [(i: number): Side => (i % 2 ? 'gpu' : 'cpu'), (i: number): Side => (i % 3 ? 'cpu' : 'gpu'), (): Side => 'gpu']) {
      const got = await runScript(side, false);
      got.results.forEach((r, i) => expectClose(r, reference.results[i]!));
      expectClose(got.final, reference.final);
    }
  });

  it(`Promise.all of 100 training calls, the first 50 on ${DEVICE}, equals 100 awaited calls on the CPU`, async () => {
    const ref = model();
    const refCosts: number[] = [];
    for (let i = 0; i < 100; i++) refCosts.push((await ref.on.cpu.train(X, Y)).item());
    const m = model();
    const costs = await Promise.all(Array.from({ length: 100 }, (_, i) => m.on[i < 50 ? 'gpu' : 'cpu'].train(X, Y)));
    expectClose(costs.map((c) => c.item()), refCosts);
    expectClose((await m.W.getValueAsync()).data, ref.W.getValue().data);
  });

  it('a call that fails between queued calls of the other device changes nothing, and the calls after it run', async () => {
    const ref = model();
    await ref.on.cpu.train(X, Y);
    await ref.on.cpu.train(X, Y);
    const expected = (await ref.on.cpu.predict(X2)).data;
    for (const bad of ['cpu', 'gpu'] as const) {
      const good = bad === 'cpu' ? 'gpu' : 'cpu';
      const m = model();
      const first = m.on[good].train(X, Y);
      const failed = m.on[bad].train(X2, Y); // 2 rows of x, 4 of y
      const second = m.on[good].train(X, Y);
      const after = m.on[bad].predict(X2);
      await expect(failed).rejects.toThrow('shapes do not match at dimension 0');
      await Promise.all([first, second]);
      expectClose((await after).data, expected);
    }
  });

  it(`an index out of range that a ${DEVICE} kernel computes fails its call, which updates nothing, between CPU calls`, async () => {
    const W = sym.shared(f32([[1, 2], [3, 4], [5, 6]]), { name: 'W' });
    const i = T.ivector('i');
    const pick = sym.function([i], W.get(i.add(1)).sum(), { device: DEVICE, updates: [[W, W.mul(2)]] });
    const inc = sym.function([], null, { updates: [[W, W.add(1)]] });
    const calls = [inc(), pick([0, 2]), inc(), pick([0, 1])];
    await expect(calls[1]).rejects.toThrow('index 3 ((i + 1)[1]) is out of bounds for axis 0 with size 3');
    expect(((await calls[3]) as sym.NDArray).item()).toBe(5 + 6 + 7 + 8);
    expect(Array.from((await W.getValueAsync()).data)).toEqual([6, 8, 10, 12, 14, 16]);
  });

  it('dispose with calls of both devices in flight lets them finish; a call after it compiles the function again', async () => {
    const ref = model();
    for (let k = 0; k < 4; k++) await ref.on.cpu.train(X, Y);
    const m = model();
    const calls = [m.on.gpu.train(X, Y), m.on.cpu.train(X, Y), m.on.gpu.train(X, Y)];
    m.on.gpu.train.compiled.dispose();
    await Promise.all([...calls, m.on.gpu.train(X, Y)]);
    expectClose((await m.W.getValueAsync()).data, ref.W.getValue().data);
  });

  it('f.sync on the CPU of a variable WebGPU updated last is refused with a message saying to await; await reads it back', async () => {
    const m = model();
    const total = sym.function([], m.W.sum(), { name: 'total' });
    await m.on.gpu.decay();
    expect(() => total.sync()).toThrow('function total: shared variable W: its value lives on device webgpu, which has no synchronous reads; use await f(...) instead of f.sync(...)');
    expect((await total()).item()).toBeCloseTo(1.25, 6);
    expect(total.sync().item()).toBeCloseTo(1.25, 6);
  });

  it('a float32 W serves a float64 CPU function and WebGPU training alike; a float64 one is refused on WebGPU by name, even cast in the graph', async () => {
    const m = model();
    const d = T.dmatrix('d');
    const wide = sym.function([d], T.dot(d, m.W), { device: 'cpu' });
    const [, r] = await Promise.all([m.on.gpu.train(X, Y), wide(X2.astype('float64'))]);
    const ref = model();
    await ref.on.cpu.train(X, Y);
    expect(r.dtype).toBe('float64');
    expectClose(r.data, (await ref.on.cpu.predict(X2)).data);
    const D = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }), { name: 'D' });
    const x = T.vector('x');
    await expect(sym.function([x], x.add(D.astype('float32')), { device: 'webgpu' })([1, 1, 1])).rejects.toThrow(
      "shared variable D: device=webgpu cannot hold its float64 value (it holds bool, int8, int16, int32, int64, uint8, uint16, uint32, float32",
    );
  });
});
