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

  it('refuses an expression of another type, naming the variable and both types', () => {
    const s = sym.shared(sym.array([1, 2], { dtype: 'float64' }), { name: 'v' });
    s.defaultUpdate = s.sum();
    expect(() => sym.function([], s)).toThrow(/default update of shared variable v must have its type TensorType\(float64, vector\), but the expression has type TensorType\(float64, scalar\)/);
  });
});
