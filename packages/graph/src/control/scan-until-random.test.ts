/**
 * Random draws in the step of a scan ending with until, or returning
 * updates: scan traces such a step twice (the first trace finds the until
 * or the updates), and the first trace's variables are forgotten, as
 * Theano traces the step once: the stream lists one generator, and the step
 * draws what the same step without until or updates draws.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const zero = () => sym.constant(0, { dtype: 'float64' });

/** Running sums of a uniform draw per step, until one exceeds `stop` (Infinity: no until), at most 8 steps. */
function walk(seed: number, stop: number): { f: sym.SymFunction<sym.NDArray>; srng: sym.RandomStreams } {
  const srng = new sym.RandomStreams(seed);
  const step = (h: V) => {
    const next = h.add(srng.uniform([], { dtype: 'float64' }));
    return Number.isFinite(stop) ? ([next, sym.until(next.gt(stop))] as const) : next;
  };
  const [sums] = sym.scan(step as (h: V) => V, { outputsInfo: zero(), nSteps: 8 });
  return { f: sym.function([], sums as V), srng };
}

describe('scan until with random draws in the step', () => {
  it('makes one generator per draw, and draws what the same step without until draws (before: a second, unused one, and the next seed)', () => {
    const until = walk(7, 2);
    const plain = walk(7, Infinity);
    expect(until.srng.stateUpdates).toHaveLength(1);
    expect(plain.srng.stateUpdates).toHaveLength(1);
    const a = (until.f.sync() as sym.NDArray).toArray() as number[];
    const b = (plain.f.sync() as sym.NDArray).toArray() as number[];
    expect(a.length).toBeGreaterThan(1);
    expect(a.length).toBeLessThan(8);
    expect(a).toEqual(b.slice(0, a.length));
    expect(a[a.length - 1]).toBeGreaterThan(2);
    expect(a[a.length - 2]).toBeLessThanOrEqual(2);
  });

  it('keeps the variables of a stream made by the trace that is kept, nested in another scan', () => {
    const srng = new sym.RandomStreams(3);
    const x = T.dvector('x');
    const [ends] = sym.scan(
      (xt: V) =>
        sym.scan((h: V): [V, sym.Until] => {
          const next = h.add(srng.uniform([], { dtype: 'float64' }));
          return [next, sym.until(next.gt(xt))];
        }, { outputsInfo: zero(), nSteps: 50 })[0].get(-1),
      { sequences: x },
    );
    expect(srng.stateUpdates).toHaveLength(1);
    const out = (sym.function([x], ends).sync(sym.array([1, 2], { dtype: 'float64' })) as sym.NDArray).toArray() as number[];
    expect(out[0]).toBeGreaterThan(1);
    expect(out[1]).toBeGreaterThan(2);
  });

  it('makes one generator for a step that returns updates of shared variables (traced twice too)', () => {
    const srng = new sym.RandomStreams(7);
    const count = sym.shared(0, { dtype: 'float64' });
    const [sums, updates] = sym.scan((h: V): [V[], Map<sym.TensorSharedVariable, V>] => [[h.add(srng.uniform([], { dtype: 'float64' }))], new Map([[count, count.add(1)]])], {
      outputsInfo: zero(),
      nSteps: 3,
    });
    expect(srng.stateUpdates).toHaveLength(1);
    const [a] = sym.function([], sums, { updates }).sync() as sym.NDArray[];
    expect(a!.toArray()).toEqual(((walk(7, Infinity).f.sync() as sym.NDArray).toArray() as number[]).slice(0, 3));
    expect(count.getValue().toArray()).toEqual(3);
  });
});
