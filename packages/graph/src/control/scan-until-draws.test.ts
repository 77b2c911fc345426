/**
 * A scan ending with until draws its step's random numbers a step at a
 * time, for the steps that ran (Theano's random state is updated inside
 * the loop): the generator moves past those steps only, whatever the
 * bound, and the gradient reads the same numbers again.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: V, w: V[]) => V[] };
const f64 = (v: number | number[]) => sym.array(v, { dtype: 'float64' });
const stateOf = (srng: sym.RandomStreams) => JSON.stringify(srng.stateUpdates[0]![0].getValue().getState());

/** A loop over 0 .. bound - 1 drawing `normal([2])` per step, stopping at step `stop`: its steps' draws and a state they feed. */
function drawing(seed: number, bound: number, stop: number, options: sym.FunctionOptions = {}) {
  const srng = new sym.RandomStreams(seed);
  const w = T.scalar('w', 'float64');
  const [[hs, us]] = sym.scan(
    (i: V, h: V): [V[], sym.Until] => {
      const u = srng.normal([2], { dtype: 'float64' });
      return [[T.tanh(h.mul(w).add(u)), u], sym.until(i.ge(stop))];
    },
    { sequences: T.arange(bound), outputsInfo: [T.zeros([2], 'float64'), null] },
  );
  return { srng, w, hs: hs!, us: us!, f: sym.function([w], [hs!, us!], options) };
}

/** The same stream's first generator drawing `normal([2])` once per call, `k` calls: the rows and the state after them. */
function reference(seed: number, k: number) {
  const srng = new sym.RandomStreams(seed);
  const draw = sym.function([], srng.normal([2], { dtype: 'float64' }));
  const rows = Array.from({ length: k }, () => (draw.sync() as sym.NDArray).toArray() as number[]);
  return { rows, state: stateOf(srng) };
}

describe('scan until draws the random numbers of the steps that ran', () => {
  it('leaves the generator where the steps that ran leave it, and draws what they draw (before: the whole bound)', () => {
    const { srng, f } = drawing(5, 1000, 3);
    const [hs, us] = f.sync(f64(0.5)) as sym.NDArray[];
    expect(hs!.shape).toEqual([4, 2]);
    const ref = reference(5, 8);
    expect(us!.toArray()).toEqual(ref.rows.slice(0, 4));
    expect(stateOf(srng)).toEqual(reference(5, 4).state);
    // the next call goes on from there
    const [, next] = f.sync(f64(0.5)) as sym.NDArray[];
    expect(next!.toArray()).toEqual(ref.rows.slice(4, 8));
    expect(stateOf(srng)).toEqual(ref.state);
  });

  it('draws 4 steps\' numbers of a bound of 1e5 stopping after 4 steps', () => {
    const { srng, f } = drawing(11, 100000, 3);
    const [hs] = f.sync(f64(0.5)) as sym.NDArray[];
    expect(hs!.shape).toEqual([4, 2]);
    expect(stateOf(srng)).toEqual(reference(11, 4).state);
  });

  it('is reproducible by seed, sync, async and in DebugMode alike', async () => {
    const sync = drawing(3, 50, 5);
    const want = (sync.f.sync(f64(0.9)) as sym.NDArray[]).map((a) => a.toArray());
    const async = drawing(3, 50, 5);
    expect(((await async.f(f64(0.9))) as sym.NDArray[]).map((a) => a.toArray())).toEqual(want);
    const debug = drawing(3, 50, 5, { mode: 'DebugMode' });
    const got = (debug.f.sync(f64(0.9)) as sym.NDArray[]).map((a) => a.toArray());
    expect(got[1]).toEqual(want[1]);
    (got[0] as number[][]).flat().forEach((v, i) => expect(v).toBeCloseTo((want[0] as number[][]).flat()[i]!, 12));
    expect(stateOf(async.srng)).toEqual(stateOf(sync.srng));
    expect(stateOf(debug.srng)).toEqual(stateOf(sync.srng));
    expect(stateOf(sync.srng)).toEqual(reference(3, 6).state);
  });

  it('differentiates with the draws the loop made (finite differences, the draws fixed), the generator moved once', () => {
    const { srng, w, hs } = drawing(9, 200, 3);
    const cost = T.sum(hs.mul(hs));
    const [g] = grad(cost, [w]);
    const fixed = { noDefaultUpdates: true };
    const costAt = sym.function([w], cost, fixed);
    const gradAt = sym.function([w], g!, fixed);
    const eps = 1e-6;
    for (const at of [0.3, -0.8]) {
      const numeric = ((costAt.sync(f64(at + eps)) as sym.NDArray).data[0]! - (costAt.sync(f64(at - eps)) as sym.NDArray).data[0]!) / (2 * eps);
      expect((gradAt.sync(f64(at)) as sym.NDArray).data[0]).toBeCloseTo(numeric, 6);
    }
    expect(stateOf(srng)).toEqual(reference(9, 0).state);
    // with the generator moving: the loop and the gradient's rows move it as far as the 4 steps that ran
    sym.function([w], [cost, g!]).sync(f64(0.3));
    expect(stateOf(srng)).toEqual(reference(9, 4).state);
  });
});
