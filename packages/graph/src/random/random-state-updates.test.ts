/**
 * RandomStreams.stateUpdates, Theano's `state_updates`: the pairs
 * (generator, sample) of the variables a stream made, used by the
 * tutorial's copy_random_state to bring a second graph's generators to the
 * first's state.
 */
import { describe, expect, it } from 'vitest';
import { sym } from '../../test/helpers.js';

describe('RandomStreams.stateUpdates', () => {
  it('lists each variable made as (its generator, its sample), in order', () => {
    const srng = new sym.RandomStreams(1);
    const u = srng.uniform([2]);
    const n = srng.normal([3]);
    expect(srng.stateUpdates.map(([rng, sample]) => [rng, sample])).toEqual([[u.rng, u], [n.rng, n]]);
    expect(new sym.RandomStreams(1).stateUpdates).toEqual([]);
  });

  it("copies one graph's random state into another's: the two functions then draw the same numbers", async () => {
    const graph = (seed: number) => {
      const rng = new sym.RandomStreams(seed);
      return { rng, y: rng.uniform([1]) };
    };
    const g1 = graph(123);
    const f1 = sym.function([], g1.y);
    const g2 = graph(987);
    const f2 = sym.function([], g2.y);
    expect((await f1()).toArray()).not.toEqual((await f2()).toArray());
    g1.rng.stateUpdates.forEach(([rng], i) => g2.rng.stateUpdates[i]![0].setValue(rng.getValue()));
    const [a, b] = [(await f1()).toArray(), (await f2()).toArray()];
    expect(a).toEqual(b);
    expect((await f1()).toArray()).toEqual((await f2()).toArray());
    expect((await f1()).toArray()).not.toEqual(a);
  });

  it("is what a compiled function's generators list: the ones its call moves, none with noDefaultUpdates", async () => {
    const srng = new sym.RandomStreams(2);
    const u = srng.uniform([2]);
    const unused = srng.normal([2]);
    const n = srng.normal([2]);
    const f = sym.function([], u.add(n));
    expect(f.compiled.generators).toEqual([u.rng, n.rng]);
    expect(f.compiled.generators).not.toContain(unused.rng);
    // restoring the listed generators replays the call
    const saved = f.compiled.generators.map((r) => r.getValue());
    const first = (await f()).toArray();
    f.compiled.generators.forEach((r, i) => r.setValue(saved[i]!));
    expect((await f()).toArray()).toEqual(first);
    expect(sym.function([], u, { noDefaultUpdates: true }).compiled.generators).toEqual([]);
    // a call in flight: getValue refuses, getValueAsync waits for it (and calls queued after it do not move the state it gives)
    const before = u.rng.getValue().getState();
    const call = f();
    expect(() => u.rng.getValue()).toThrow(/await the call first/);
    const after = u.rng.getValueAsync();
    const later = f();
    await call;
    const state = (await after).getState();
    await later;
    expect(state).not.toEqual(before);
    expect(state).not.toEqual(u.rng.getValue().getState());
  });

  it('lists the generator a scan with until draws from in its step (the op draws its rows itself), so a call in flight holds it', async () => {
    const srng = new sym.RandomStreams(5);
    const [walk] = sym.scan(
      (h: sym.TensorVariable) => {
        const next = h.add(srng.uniform([2]));
        return [next, sym.until(sym.T.gt(sym.T.sum(next), 3))];
      },
      { outputsInfo: sym.T.zeros([2]), nSteps: 20 },
    ) as unknown as [sym.TensorVariable];
    const f = sym.function([], walk);
    const [rng] = srng.stateUpdates[0]!;
    expect(f.compiled.generators).toEqual([rng]);
    const call = f();
    expect(() => rng.getValue()).toThrow(/await the call first/);
    const state = (await rng.getValueAsync()).getState();
    await call;
    // restoring the generator replays the walk
    const first = (await f()).toArray();
    const restored = new sym.RandomState();
    restored.setState(state);
    rng.setValue(restored);
    expect((await f()).toArray()).toEqual(first);
  });
});
