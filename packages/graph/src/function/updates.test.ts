/**
 * The type check of an update: a float update of an integer shared
 * variable names both ways out, since sym.shared(0) is int64 where the
 * Theano user's shared(0.) was float64.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

describe('the type of an update', () => {
  it("names the float dtype to make an integer shared variable that a float expression updates (the tutorial's b = shared(0.))", () => {
    const b = sym.shared(0, { name: 'b' });
    const gb = T.dscalar('gb');
    expect(() => sym.function([gb], b, { updates: [[b, b.sub(gb.mul(0.1))]] })).toThrow(
      "function: the update of shared variable b must have its type TensorType(int64, scalar), but the expression has type TensorType(float64, scalar); cast it with .astype('int64'), or, if b is to hold float64 values, make it of that dtype: sym.shared(value, { dtype: 'float64' })",
    );
    const fb = sym.shared(0, { name: 'b', dtype: 'float64' });
    expect(() => sym.function([gb], fb, { updates: [[fb, fb.sub(gb.mul(0.1))]] })).not.toThrow();
  });

  it('keeps the cast alone for a float update of another float dtype, or an integer one', () => {
    const s = sym.shared(sym.array([1, 2], { dtype: 'float64' }), { name: 's' });
    expect(() => sym.function([], s, { updates: [[s, s.astype('float32')]] })).toThrow(/but the expression has type TensorType\(float32, vector\); cast it with \.astype\('float64'\)$/);
    const n = sym.shared(0, { name: 'n', dtype: 'int32' });
    expect(() => sym.function([], n, { updates: [[n, n.add(T.constant(1, { dtype: 'int64' }))]] })).toThrow(/cast it with \.astype\('int32'\)$/);
  });
});
