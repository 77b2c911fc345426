/**
 * A scan step that updates shared variables (Theano's Loop tutorial:
 * `scan(lambda: {k: k + 1}, n_steps=n)` and the updates passed to
 * `theano.function`): each becomes a state of the loop, the step reads the
 * value before its own update, and scan returns the value after the last
 * step as the update.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
const f64 = (v: number | number[]) => sym.array(v, { dtype: 'float64' });

describe('scan: a step that updates shared variables', () => {
  it("counts the steps (the tutorial's accumulator): no outputs, k + n after a call of n steps", () => {
    const k = sym.shared(0, { name: 'k' });
    const nSym = T.iscalar('n_sym');
    const [results, updates] = sym.scan(() => new Map([[k, k.add(1)]]), { nSteps: nSym });
    expect(results).toEqual([]);
    expect(updates.map(([s]) => s)).toEqual([k]);
    const accumulator = sym.function([nSym], [], { updates, allowInputDowncast: true });
    expect(k.getValue().toArray()).toBe(0);
    accumulator.sync(5);
    expect(k.getValue().toArray()).toBe(5);
    accumulator.sync(3);
    expect(k.getValue().toArray()).toBe(8);
  });

  it('gives the outputs the value before each step’s update, beside sequences, states, non-sequences and taps', () => {
    const x = T.dvector('x');
    const w = T.dscalar('w');
    const k = sym.shared(f64(2), { name: 'k' });
    const cnt = sym.shared(f64(0), { name: 'cnt' });
    // one output read as a variable, as a step returning it alone
    const [scaled, up1] = sym.scan(function walk(xt: V) { return [xt.mul(k), new Map([[k, k.add(1)]])] as const; }, { sequences: x });
    expect(String(scaled)).toBe('Scan{walk}.1');
    expect(sym.function([x], scaled, { updates: up1 }).sync([1, 1, 1]).toArray()).toEqual([2, 3, 4]);
    expect(k.getValue().toArray()).toBe(5);
    // a state, a non-sequence, and two shared variables updated
    const [[acc], up2] = sym.scan((xt: V, prev: V, ww: V) => [[prev.add(xt.mul(ww))], [[cnt, cnt.add(xt)], [k, k.mul(2)]]] as const, {
      sequences: x,
      outputsInfo: [T.constant(0, { dtype: 'float64' })],
      nonSequences: w,
    });
    expect(sym.function([x, w], acc!, { updates: up2 }).sync([1, 2, 3], 10).toArray()).toEqual([10, 30, 60]);
    expect([cnt.getValue().toArray(), k.getValue().toArray()]).toEqual([6, 40]);
    // taps [-2, -1]: the update reads the step's previous output
    const [[fib], up3] = sym.scan((a: V, b: V) => [[a.add(b)], [[cnt, cnt.add(b)]]] as const, { outputsInfo: [{ initial: x, taps: [-2, -1] }], nSteps: 4 });
    expect(sym.function([x], fib!, { updates: up3 }).sync([0, 1]).toArray()).toEqual([1, 2, 3, 5]);
    expect(cnt.getValue().toArray()).toBe(6 + 1 + 1 + 2 + 3);
  });

  it('moves a random walk held in a shared variable by the draws of each step', () => {
    const pos = sym.shared(f64([0, 0]), { name: 'pos' });
    const srng = new sym.RandomStreams(3);
    const [draws, updates] = sym.scan(() => {
      const d = srng.normal([2]);
      return [d, new Map([[pos, pos.add(d)]])] as const;
    }, { nSteps: 4 });
    const walk = sym.function([], draws, { updates });
    let expected = [0, 0];
    const seen = new Set<string>();
    for (let call = 0; call < 2; call++) {
      const steps = walk.sync().toArray() as number[][];
      expect(steps.length).toBe(4);
      steps.forEach((d) => seen.add(d.join()));
      expected = steps.reduce((p, d) => p.map((v, i) => v + d[i]!), expected);
      const now = pos.getValue().toArray() as number[];
      now.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 14));
    }
    // every step of both calls drew new numbers
    expect(seen.size).toBe(8);
  });

  it('refuses an update of another type, outputsInfo of another length, naming the variable', () => {
    const k = sym.shared(0, { name: 'k' });
    const x = T.dvector('x');
    expect(() => sym.scan((xt: V) => [[xt], new Map([[k, k.add(0.5)]])] as const, { sequences: x })).toThrow(
      'scan: the step updates k (of type TensorType(int64, scalar)) with Elemwise{add,no_inplace}.0 of type TensorType(float64, scalar); an update keeps its shared variable\'s type (Theano\'s rule): cast it (T.cast) to int64',
    );
  });

  it("takes updates in a loop ending with until, as Theano's (outputs, updates, until): each the value after the last step that ran (before: refused)", () => {
    const total = sym.shared(0, { dtype: 'float64', name: 'total' });
    const count = sym.shared(0, { name: 'count' });
    const h0 = T.dscalar('h0');
    const [outs, updates] = sym.scan(
      (h: V) => [[h.add(1)], new Map<sym.TensorSharedVariable, V>([[total, total.add(h)], [count, count.add(1)]]), sym.until(h.add(1).gt(3))] as never,
      { outputsInfo: h0, nSteps: 10 },
    ) as unknown as [V[], sym.ScanUpdates];
    const f = sym.function([h0], outs[0]!, { updates });
    // h: 0, 1, 2, 3 (its successor 4 > 3 ends the loop): total 0 + 0 + 1 + 2 + 3, four steps
    expect(f.sync(f64(0)).toArray()).toEqual([1, 2, 3, 4]);
    expect([total.getValue().toArray(), count.getValue().toArray()]).toEqual([6, 4]);
    // the condition holds at the first step: one step, the update from it
    expect(f.sync(f64(2.5)).toArray()).toEqual([3.5]);
    expect([total.getValue().toArray(), count.getValue().toArray()]).toEqual([8.5, 5]);
    // a condition reading a shared variable reads its value at the step's start, as Theano's
    const k = sym.shared(0, { name: 'k' });
    const [doubled, kUpdates] = sym.scan((p: V) => [[p.mul(2)], new Map([[k, k.add(1)]]), sym.until(k.ge(2))] as never, { outputsInfo: h0, nSteps: 10 }) as unknown as [V[], sym.ScanUpdates];
    const g = sym.function([h0], doubled[0]!, { updates: kUpdates });
    expect(g.sync(f64(1)).toArray()).toEqual([2, 4, 8]);
    expect(k.getValue().toArray()).toEqual(3);
  });
});
