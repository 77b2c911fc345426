/**
 * Theano's `T.cast(x, 'floatX')` and `x.astype('floatX')` cast to
 * config.floatX at the time of the call (Theano's cast resolves the name
 * itself); a VAE divides by `T.cast(x.shape[0], 'floatX')`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

describe("cast to 'floatX'", () => {
  const floatX = sym.config.floatX;
  afterEach(() => {
    sym.config.floatX = floatX;
  });

  it('casts to config.floatX as it is when the cast is made', async () => {
    const x = T.lmatrix('x');
    sym.config.floatX = 'float32';
    const rows = T.cast(x.shape[0]!, 'floatX');
    const halves = x.astype('floatX').div(2);
    expect([rows.dtype, halves.dtype]).toEqual(['float32', 'float32']);
    const [n, h] = await sym.function([x], [rows, halves])([[1, 2], [3, 5], [7, 9]]);
    expect([n!.dtype, n!.item()]).toEqual(['float32', 3]);
    expect(h!.toArray()).toEqual([[0.5, 1], [1.5, 2.5], [3.5, 4.5]]);
    sym.config.floatX = 'float64';
    expect(T.cast(x, 'floatX').dtype).toBe('float64');
    expect(rows.dtype).toBe('float32'); // made before: floatX is read once
  });

  it('still names an unknown dtype', () => {
    expect(() => T.cast(T.vector('v'), 'floatx' as sym.DType)).toThrow(/^cast: unknown dtype floatx/);
  });
});
