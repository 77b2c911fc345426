/**
 * Theano's `default_update`: a shared variable's own update, applied by
 * every function that reads it and does not update it otherwise, unless
 * the function is made with `noDefaultUpdates`.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

const value = (s: sym.TensorSharedVariable): number => s.getValue().item();

describe('shared variables: defaultUpdate', () => {
  it('is applied by a function that reads the variable, as Theano applies default_update', () => {
    const count = sym.shared(0, { name: 'count' });
    count.defaultUpdate = count.add(1);
    const f = sym.function([], count.mul(10));
    expect((f.sync() as sym.NDArray).item()).toBe(0);
    expect((f.sync() as sym.NDArray).item()).toBe(10);
    expect(value(count)).toBe(2);
  });

  it('gives way to an explicit update, is skipped with noDefaultUpdates, and is not applied by a function that does not read it', () => {
    const s = sym.shared(1, { name: 's' });
    s.defaultUpdate = s.add(1);
    sym.function([], s, { updates: [[s, s.mul(3)]] }).sync();
    expect(value(s)).toBe(3);
    sym.function([], s, { noDefaultUpdates: true }).sync();
    expect(value(s)).toBe(3);
    const x = T.dscalar('x');
    sym.function([x], x.add(1)).sync(0);
    expect(value(s)).toBe(3);
  });

  it('follows the default updates its expression reads (a running mean reading a running count)', () => {
    const n = sym.shared(0, { name: 'n' });
    const mean = sym.shared(sym.array(0, { dtype: 'float64' }), { name: 'mean' });
    const x = T.dscalar('x');
    n.defaultUpdate = n.add(1);
    // mean reads n, so n is updated by its own default update too (both from the values before the call)
    mean.defaultUpdate = mean.add(x.sub(mean).div(n.add(1).astype('float64')));
    const f = sym.function([x], mean);
    for (const v of [2, 4, 9]) f.sync(v);
    expect(value(n)).toBe(3);
    expect(value(mean)).toBe(5);
  });

  it('is that of the graph after givens, as in Theano: not applied to a variable givens replace, applied to one a replacement reads', () => {
    const s = sym.shared(sym.array(5, { dtype: 'float64' }), { name: 's' });
    s.defaultUpdate = s.add(1);
    const c = T.dscalar('c');
    expect((sym.function([c], s.mul(2), { givens: [[s, c]] }).sync(100) as sym.NDArray).item()).toBe(200);
    expect(value(s)).toBe(5);
    const y = T.dscalar('y');
    expect((sym.function([], y.mul(2), { givens: [[y, s]] }).sync() as sym.NDArray).item()).toBe(10);
    expect(value(s)).toBe(6);
    // the updates a replacement carries are applied too
    const x = T.dscalar('x');
    const carried = sym.withUpdates(x.mul(3), [[s, s.add(x)]]);
    expect((sym.function([x], y.add(1), { givens: [[y, carried]] }).sync(4) as sym.NDArray).item()).toBe(13);
    expect(value(s)).toBe(10);
  });

  it('refuses an expression of another type, naming the variable and both types', () => {
    const s = sym.shared(sym.array([1, 2], { dtype: 'float64' }), { name: 'v' });
    s.defaultUpdate = s.sum();
    expect(() => sym.function([], s)).toThrow(/default update of shared variable v must have its type TensorType\(float64, vector\), but the expression has type TensorType\(float64, scalar\)/);
  });
});

describe('withUpdates: updates carried by a graph', () => {
  it('are applied by functions that compute the graph, not by those that only read the variables', () => {
    const running = sym.shared(sym.array(0, { dtype: 'float64' }), { name: 'running' });
    const x = T.dvector('x');
    const train = sym.withUpdates(x.mul(2), [[running, running.mul(0.5).add(T.mean(x).mul(0.5))]]);
    const infer = x.sub(running);
    const fTrain = sym.function([x], train);
    const fInfer = sym.function([x], infer);
    expect((fTrain.sync([2, 4]) as sym.NDArray).toArray()).toEqual([4, 8]);
    expect(value(running)).toBe(1.5);
    fInfer.sync([10]);
    expect(value(running)).toBe(1.5);
    // one function of both: the carried update, read before it (all of a call's values are from before it)
    const [t, i] = sym.function([x], [train, infer]).sync([6, 6]) as sym.NDArray[];
    expect(t!.toArray()).toEqual([12, 12]);
    expect(i!.toArray()).toEqual([4.5, 4.5]);
    expect(value(running)).toBe(3.75);
  });

  it('give way to explicit updates, are skipped with noDefaultUpdates, and pass the gradient through', async () => {
    const s = sym.shared(sym.array(1, { dtype: 'float64' }), { name: 's' });
    const x = T.dscalar('x');
    const y = sym.withUpdates(x.mul(x), [[s, s.add(1)]]);
    sym.function([x], y, { updates: [[s, s.mul(10)]] }).sync(1);
    expect(value(s)).toBe(10);
    sym.function([x], y, { noDefaultUpdates: true }).sync(1);
    expect(value(s)).toBe(10);
    const { grad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: sym.TensorVariable, w: sym.TensorVariable) => sym.TensorVariable };
    // the gradient graph does not compute y itself: a function of it alone carries nothing
    expect((sym.function([x], grad(y, x)).sync(3) as sym.NDArray).item()).toBe(6);
    expect(value(s)).toBe(10);
    sym.function([x], [y, grad(y, x)]).sync(3);
    expect(value(s)).toBe(11);
  });

  it('refuses two carriers of one variable in one function, and a carried update of another type', () => {
    const s = sym.shared(sym.array(0, { dtype: 'float64' }), { name: 's' });
    const x = T.dscalar('x');
    const a = sym.withUpdates(x, [[s, s.add(1)]]);
    const b = sym.withUpdates(x.mul(2), [[s, s.add(2)]]);
    expect(() => sym.function([x], [a, b])).toThrow(/shared variable s is updated by two withUpdates in the graph/);
    expect(() => sym.function([x], sym.withUpdates(x, [[s, T.dvector('v')]]))).toThrow(/carried update of shared variable s must have its type/);
    expect(() => sym.withUpdates(x, [[x as never, x]])).toThrow(/withUpdates: update 0 targets x, which is not a shared variable/);
  });
});

describe('withUpdates in a scan step', () => {
  it('is refused: a function would not see updates inside the loop', () => {
    const s = sym.shared(sym.array(0, { dtype: 'float64' }), { name: 's' });
    expect(() => sym.scan((h: sym.TensorVariable) => sym.withUpdates(h.add(1), [[s, s.add(1)]]), { outputsInfo: T.zeros([2]), nSteps: 3 })).toThrow(
      /scan: the step computes WithUpdates\{s\}, whose updates a function would not see inside the loop/,
    );
  });
});
