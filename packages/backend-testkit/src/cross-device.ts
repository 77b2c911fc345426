/**
 * `runCrossDevice`: one process, two devices. A shared variable trained on
 * the backend under test and read or updated by functions on another
 * device (the CPU by default), calls made without awaiting each. The calls
 * of every function share one queue, so the results must be those of the
 * same calls awaited one by one on the other device alone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

/** Options of {@link runCrossDevice}. */
export interface CrossDeviceOptions {
  /** The device under test, by the name it is registered under (`webgpu`, `gpujs`, a third party's). */
  readonly device: string;
  /** The device of the functions it shares variables with, registered by the caller: `cpu` by default. */
  readonly other?: string;
}

const T = sym.T;
const f32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float32' });
const X = f32([[1, 2, 3], [0, 1, 0], [-1, 0.5, 2], [3, -1, 0]]);
const Y = f32([[1, 0], [0, 1], [1, 1], [-1, 2]]);
const X2 = f32([[1, 1, 1], [2, -1, 0.5]]);
type Side = 'other' | 'device';

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let k = 0; k < want.length; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[k]!)));
}

/**
 * Registers a vitest `describe` block of cross-device checks for `device`:
 * calls interleaved across the two devices without awaits (a `setValue`
 * among them), `Promise.all` of 100 training calls, a failed call between
 * the other device's queued calls, an index out of range found by a
 * kernel, `dispose()` with calls in flight, synchronous reads of a value
 * the device wrote last (or the refusal that says to await, where the
 * device has no synchronous reads), and a float64 shared variable on a
 * device that cannot hold it.
 */
export function runCrossDevice(options: CrossDeviceOptions): void {
  const { device, other = 'cpu' } = options;
  let info: sym.BackendInfo;
  beforeAll(async () => {
    info = (await sym.resolveBackend(device)).describe();
    await sym.resolveBackend(other);
  });

  /** A linear model's W trained by `train` (plain SGD on mean squared error), read by `predict`, shrunk by `decay`; each on both devices. */
  function model() {
    const W = sym.shared(f32([[0.5, -1], [2, 0.25], [-0.75, 1.5]]), { name: 'W' });
    const x = T.fmatrix('x');
    const y = T.fmatrix('y');
    const cost = T.sqr(T.dot(x, W).sub(y)).mean();
    const fns = (on: string) => ({
      train: sym.function([x, y], cost, { device: on, updates: [[W, W.sub(grad(cost, W).mul(0.1))]] }),
      predict: sym.function([x], T.dot(x, W), { device: on }),
      decay: sym.function([], null, { device: on, updates: [[W, W.mul(0.5)]] }),
    });
    return { W, on: { other: fns(other), device: fns(device) } };
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

  describe(`one shared variable, functions on ${other} and on ${device}`, () => {
    it(`calls made without awaits, alternating devices, give what the same calls awaited one by one on ${other} give`, async () => {
      const reference = await runScript(() => 'other', true);
      for (const side of [(i: number): Side => (i % 2 ? 'device' : 'other'), (i: number): Side => (i % 3 ? 'other' : 'device'), (): Side => 'device']) {
        const got = await runScript(side, false);
        got.results.forEach((r, i) => expectClose(r, reference.results[i]!));
        expectClose(got.final, reference.final);
      }
    });

    it(`Promise.all of 100 training calls, the first 50 on ${device}, equals 100 awaited calls on ${other}`, async () => {
      const ref = model();
      const refCosts: number[] = [];
      for (let i = 0; i < 100; i++) refCosts.push((await ref.on.other.train(X, Y)).item());
      const m = model();
      const costs = await Promise.all(Array.from({ length: 100 }, (_, i) => m.on[i < 50 ? 'device' : 'other'].train(X, Y)));
      expectClose(costs.map((c) => c.item()), refCosts);
      expectClose((await m.W.getValueAsync()).data, (await ref.W.getValueAsync()).data);
    });

    it('a call that fails between queued calls of the other device changes nothing, and the calls after it run', async () => {
      const ref = model();
      await ref.on.other.train(X, Y);
      await ref.on.other.train(X, Y);
      const expected = (await ref.on.other.predict(X2)).data;
      for (const bad of ['other', 'device'] as const) {
        const good = bad === 'other' ? 'device' : 'other';
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

    it(`an index out of range that a ${device} kernel computes fails its call, which updates nothing, between calls on ${other}`, async () => {
      const W = sym.shared(f32([[1, 2], [3, 4], [5, 6]]), { name: 'W' });
      const i = T.ivector('i');
      const pick = sym.function([i], W.get(i.add(1)).sum(), { device, updates: [[W, W.mul(2)]] });
      const inc = sym.function([], null, { device: other, updates: [[W, W.add(1)]] });
      const calls = [inc(), pick([0, 2]), inc(), pick([0, 1])];
      await expect(calls[1]).rejects.toThrow('index 3 ((i + 1)[1]) is out of bounds for axis 0 with size 3');
      expect(((await calls[3]) as sym.NDArray).item()).toBe(5 + 6 + 7 + 8);
      expect(Array.from((await W.getValueAsync()).data)).toEqual([6, 8, 10, 12, 14, 16]);
    });

    it('dispose with calls of both devices in flight lets them finish; a call after it compiles the function again', async () => {
      const ref = model();
      for (let k = 0; k < 4; k++) await ref.on.other.train(X, Y);
      const m = model();
      const calls = [m.on.device.train(X, Y), m.on.other.train(X, Y), m.on.device.train(X, Y)];
      m.on.device.train.compiled.dispose();
      await Promise.all([...calls, m.on.device.train(X, Y)]);
      expectClose((await m.W.getValueAsync()).data, (await ref.W.getValueAsync()).data);
    });

    it(`a value ${device} wrote last is read synchronously where it has synchronous reads; else f.sync is refused with a message saying to await`, async () => {
      const m = model();
      const total = sym.function([], m.W.sum(), { name: 'total', device: other });
      await m.on.device.decay();
      if (info.sync) {
        expect(m.W.getValue().data[0]).toBeCloseTo(0.25, 6);
        expect(total.sync().item()).toBeCloseTo(1.25, 6);
      } else {
        expect(() => total.sync()).toThrow(`function total: shared variable W: its value lives on device ${device}, which has no synchronous reads; use await f(...) instead of f.sync(...)`);
        expect((await total()).item()).toBeCloseTo(1.25, 6);
      }
      expect(total.sync().item()).toBeCloseTo(1.25, 6);
    });

    it(`a float32 W serves a float64 function on ${other} and training on ${device} alike; a float64 one it cannot hold is refused by name, even cast in the graph`, async () => {
      const m = model();
      const d = T.dmatrix('d');
      const wide = sym.function([d], T.dot(d, m.W), { device: other });
      const [, r] = await Promise.all([m.on.device.train(X, Y), wide(X2.astype('float64'))]);
      const ref = model();
      await ref.on.other.train(X, Y);
      expect(r.dtype).toBe('float64');
      expectClose(r.data, (await ref.on.other.predict(X2)).data);
      const D = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }), { name: 'D' });
      const x = T.fvector('x');
      const f = sym.function([x], x.add(D.astype('float32')), { device });
      if (info.dtypes.includes('float64')) expect(Array.from((await f([1, 1, 1])).data)).toEqual([2, 3, 4]);
      else await expect(f([1, 1, 1])).rejects.toThrow(`shared variable D: device=${device} cannot hold its float64 value (it holds `);
    });
  });
}
