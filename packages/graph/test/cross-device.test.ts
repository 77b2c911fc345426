/**
 * One process, two devices: functions compiled for different backends over
 * the same shared variables, called without awaiting each. The queue is one
 * for every function whatever its device, so the results must be those of
 * the same calls made one after another on one device. The second device is
 * the CPU behind an asynchronous-only interface (reads take a turn of the
 * event loop, no synchronous reads), as a GPU's: its own buffers, so values
 * move between the devices as they would between the CPU and WebGPU. The
 * real GPU backends run the same scenarios in their own tests
 * (backend-webgpu's and backend-gpujs's cross-device tests).
 */
import { describe, expect, it } from 'vitest';
import { T, cpu, sym } from './helpers.js';

const gpuLike: sym.Backend = {
  describe: () => ({ ...cpu.describe(), name: 'async-cpu', sync: false }),
  alloc: (d, n) => cpu.alloc(d, n),
  write: (b, data) => cpu.write(b, data),
  read: async (b) => {
    await new Promise((r) => setImmediate(r));
    return cpu.read(b);
  },
  free: (b) => cpu.free(b),
  compile: (k) => cpu.compile(k),
  run: (l) => cpu.run(l),
};
sym.registerBackend(gpuLike);

const f32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float32' });

/** A linear model's W trained by `train`, read by `predict` and shrunk by `decay`, each compiled for both devices. */
function model() {
  const W = sym.shared(f32([[0.5, -1], [2, 0.25], [-0.75, 1.5]]), { name: 'W' });
  const x = T.matrix('x', 'float32');
  const y = T.matrix('y', 'float32');
  const err = T.dot(x, W).sub(y);
  // the gradient of mean((xW - y)^2) / 2, written out: graph's tests do not load @sym/grad
  const step = W.sub(T.dot(x.T, err).mul(0.1 / 4));
  const fns = (device: string) => ({
    train: sym.function([x, y], T.sqr(err).mean(), { device, updates: [[W, step]] }),
    predict: sym.function([x], T.dot(x, W), { device }),
    decay: sym.function([], null, { device, updates: [[W, W.mul(0.5)]] }),
  });
  return { W, on: { cpu: fns('cpu'), gpu: fns('async-cpu') } };
}
const X = f32([[1, 2, 3], [0, 1, 0], [-1, 0.5, 2], [3, -1, 0]]);
const Y = f32([[1, 0], [0, 1], [1, 1], [-1, 2]]);
const X2 = f32([[1, 1, 1], [2, -1, 0.5]]);
type Device = 'cpu' | 'gpu';

/**
 * A script of calls, each on the device `device(i)`, with a setValue after
 * the fourth: every call's result and W at the end, calls awaited one by one
 * or all made before any is awaited.
 */
async function runScript(device: (i: number) => Device, awaitEach: boolean): Promise<{ results: number[][]; final: number[] }> {
  const m = model();
  const script = ['train', 'predict', 'train', 'decay', 'predict', 'train', 'train', 'predict', 'decay', 'predict'] as const;
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < script.length; i++) {
    const f = m.on[device(i)];
    const k = script[i]!;
    const p = k === 'train' ? f.train(X, Y) : k === 'predict' ? f.predict(X2) : f.decay();
    calls.push(awaitEach ? Promise.resolve(await p) : p);
    if (i === 3) m.W.setValue(f32([[1, 0], [0, 1], [1, 1]]));
  }
  const results = (await Promise.all(calls)) as (sym.NDArray | sym.NDArray[])[];
  return { results: results.map((r) => (Array.isArray(r) ? [] : Array.from(r.data))), final: Array.from((await m.W.getValueAsync()).data) };
}

describe('shared variables read and updated by functions on two devices', () => {
  it('calls made without awaits, alternating devices, give what the same calls awaited one by one on the CPU give', async () => {
    const reference = await runScript(() => 'cpu', true);
    for (const device of [(i: number): Device => (i % 2 ? 'gpu' : 'cpu'), (i: number): Device => (i % 3 ? 'cpu' : 'gpu'), (): Device => 'gpu']) {
      const got = await runScript(device, false);
      expect(got.results.length).toBe(reference.results.length);
      got.results.forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(reference.results[i]![j]!, 5)));
      got.final.forEach((v, j) => expect(v).toBeCloseTo(reference.final[j]!, 5));
    }
  });

  it('Promise.all of 100 training calls on one device then the other equals 100 awaited calls on the CPU', async () => {
    const ref = model();
    const refCosts: number[] = [];
    for (let i = 0; i < 100; i++) refCosts.push((await ref.on.cpu.train(X, Y)).item());
    const m = model();
    const costs = await Promise.all(Array.from({ length: 100 }, (_, i) => m.on[i < 50 ? 'gpu' : 'cpu'].train(X, Y)));
    costs.forEach((c, i) => expect(c.item()).toBeCloseTo(refCosts[i]!, 5));
    Array.from((await m.W.getValueAsync()).data).forEach((v, j) => expect(v).toBeCloseTo((ref.W.getValue().data[j] as number), 5));
  });

  it('a call that fails between calls queued on the other device changes nothing, and the calls after it run', async () => {
    const ref = model();
    await ref.on.cpu.train(X, Y);
    await ref.on.cpu.train(X, Y);
    const expected = Array.from((await ref.on.cpu.predict(X2)).data);
    for (const bad of ['cpu', 'gpu'] as const) {
      const m = model();
      const first = m.on[bad === 'cpu' ? 'gpu' : 'cpu'].train(X, Y);
      const failed = m.on[bad].train(X2, Y); // 2 rows of x, 4 of y: refused when the call runs
      const second = m.on[bad === 'cpu' ? 'gpu' : 'cpu'].train(X, Y);
      const after = m.on[bad].predict(X2);
      await expect(failed).rejects.toThrow('shapes do not match at dimension 0');
      await Promise.all([first, second]);
      Array.from((await after).data).forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 5));
    }
  });

  it('f.sync on the CPU of a variable the asynchronous device last updated names the call and says to await it', async () => {
    const m = model();
    const read = sym.function([], m.W.sum(), { name: 'read' });
    await m.on.gpu.decay();
    expect(() => read.sync()).toThrow(
      'function read: shared variable W: its value lives on device async-cpu, which has no synchronous reads; use await f(...) instead of f.sync(...), or read it back first with await getValueAsync().',
    );
    expect((await read()).item()).toBeCloseTo(1.25, 6);
    expect(read.sync().item()).toBeCloseTo(1.25, 6); // read back by the asynchronous call
  });

  it('valueShape after a setValue and a call of another device queued behind it is the set value’s shape', async () => {
    const v = sym.shared(f32([1, 2, 3]), { name: 'v' });
    const grow = sym.function([], null, { device: 'async-cpu', updates: [[v, T.concatenate([v, v.get('-1:')])]] });
    const pending = grow();
    v.setValue(f32([10, 20]));
    expect(v.valueShape).toEqual([2]);
    const next = grow(); // starts from the set value
    expect(v.valueShape).toEqual([2]);
    expect(() => v.getValue()).toThrow('a call that updates it has not finished');
    await Promise.all([pending, next]);
    expect(v.valueShape).toEqual([3]);
    expect(Array.from((await v.getValueAsync()).data)).toEqual([10, 20, 20]);
  });

  it('a borrowed output of a shared variable is the function’s own copy: only its next call overwrites it, not the variable’s updates on either device', async () => {
    const m = model();
    const peek = sym.function([], sym.Out(m.W, { borrow: true }));
    const held = peek.sync();
    const before = Array.from(held.data);
    m.on.cpu.decay.sync();
    await m.on.gpu.decay();
    await m.on.cpu.predict(X2); // brings W's value back to the CPU's buffers
    m.W.setValue(f32([[0, 0], [0, 0], [0, 0]]));
    m.on.cpu.decay.sync();
    expect(Array.from(held.data)).toEqual(before);
    peek.sync();
    expect(Array.from(held.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('dispose with calls of both devices in flight lets them finish; a call after it compiles the function again', async () => {
    const ref = model();
    for (let i = 0; i < 4; i++) await ref.on.cpu.train(X, Y);
    const m = model();
    const calls = [m.on.gpu.train(X, Y), m.on.cpu.train(X, Y), m.on.gpu.train(X, Y)];
    m.on.gpu.train.compiled.dispose();
    m.on.cpu.train.compiled.dispose();
    const again = m.on.gpu.train(X, Y);
    await Promise.all([...calls, again]);
    Array.from((await m.W.getValueAsync()).data).forEach((v, j) => expect(v).toBeCloseTo(ref.W.getValue().data[j] as number, 5));
  });

  it('a shared variable of a dtype the other device cannot hold is refused by name when a call there uploads it, even cast in the graph', async () => {
    const no64: sym.Backend = { ...gpuLike, describe: () => ({ ...gpuLike.describe(), name: 'no-float64', dtypes: cpu.describe().dtypes.filter((d) => d !== 'float64') }) };
    sym.registerBackend(no64);
    const D = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }), { name: 'D' });
    const x = T.vector('x', 'float32');
    const onCpu = sym.function([x], x.add(D), { device: 'cpu' });
    const there = sym.function([x], x.add(D.astype('float32')), { device: 'no-float64' });
    const calls = [onCpu([1, 1, 1]), there([1, 1, 1]), onCpu([2, 2, 2])];
    await expect(calls[1]).rejects.toThrow(
      "shared variable D: device=no-float64 cannot hold its float64 value (it holds bool, int8, int16, int32, int64, uint8, uint16, uint32, float16, float32), which is uploaded as it is, whatever the graph casts it to; make the variable float32 (sym.shared(value, { dtype: 'float32' })), or read it only in functions on a device that holds float64 (the CPU).",
    );
    expect(Array.from((await calls[2]!).data)).toEqual([3, 4, 5]);
    // a float32 variable serves both: the CPU's float64 function casts it up, as NumPy would
    const W = sym.shared(sym.array([0.5, 0.25], { dtype: 'float32' }), { name: 'W' });
    const d = T.dvector('d');
    const wide = sym.function([d], d.mul(W), { device: 'cpu' });
    const narrow = sym.function([], null, { device: 'no-float64', updates: [[W, W.mul(2)]] });
    const [, r] = await Promise.all([narrow(), wide([1, 1])]);
    expect(r.dtype).toBe('float64');
    expect(Array.from(r.data)).toEqual([1, 0.5]);
  });
});
