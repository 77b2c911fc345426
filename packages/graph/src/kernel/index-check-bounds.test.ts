/**
 * The bounds that let a computed index skip its device check
 * (`valueBounds`) hold for every value the kernels can compute: a float
 * mod can round up to its divisor and is not whole, and NumPy's clip gives
 * hi where lo > hi. (Before: `x[int32(f % 4.5)]` and `x[clip(k, 0, h - 200)]`
 * were taken as in range, and the kernels clamped an index NumPy refuses.)
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';
import { provenInRange, valueBounds } from './index-check-device.js';

describe('valueBounds proves only what every value satisfies', () => {
  it('a float mod lies in [0, divisor], not [0, divisor - 1]: int32(f % 4.5) = 4 and int32(-1e-20 % 4.0) = 4 raise on a length-4 axis', () => {
    const x = T.dvector('x');
    const f = T.dvector('f');
    for (const divisor of [4.5, 4]) {
      const idx = T.cast(T.mod(f, divisor), 'int32');
      expect(provenInRange(idx, 4, false)).toBe(false);
      const g = sym.function([x, f], x.get(idx));
      expect(() => g.sync([1, 2, 3, 4], [divisor === 4 ? -1e-20 : 4.2])).toThrow(/index 4 .* out of bounds for axis 0 with size 4/);
      expect(g.sync([1, 2, 3, 4], [3.9]).toArray()).toEqual([4]);
    }
    // an integer mod stays proven: no device check
    expect(valueBounds(T.mod(T.lvector('i'), 4))).toEqual([0, 3]);
  });

  it("float arithmetic is not bounded (it rounds; in float32 on a device without float64)", () => {
    const f = T.constant([2.4999999], { dtype: 'float32' });
    expect(valueBounds(T.cast(f.add(f), 'int32'))).toEqual([-(2 ** 31), 2 ** 31 - 1]);
  });

  it("clip(k, lo, hi) with hi below lo gives hi (NumPy): x[clip(k, 0, h - 200)] with h = 0 is index -200", () => {
    const x = T.dvector('x');
    const k = T.lvector('k');
    const h = T.tensor('uint8', [], 'h');
    const idx = T.clip(k, 0, T.cast(h, 'int64').sub(200));
    expect(provenInRange(idx, 100, false)).toBe(false);
    const g = sym.function([x, k, h], x.get(idx));
    const X = Array.from({ length: 100 }, (_, i) => i);
    expect(() => g.sync(X, [3], 0)).toThrow(/index -200 .* out of bounds for axis 0 with size 100/);
    expect(g.sync(X, [3], 250).toArray()).toEqual([3]);
    // constant bounds stay proven
    expect(provenInRange(T.clip(k, 0, 99), 100, false)).toBe(true);
  });
});

describe('a float bound holds after the kernel rounds to its dtype', () => {
  it('int32(clip(s, 0, 4.9999999999)) of a float32 s is 5 (the bound rounds to 5.0 in float32, as NumPy): raises on a length-5 axis', () => {
    const x = T.dvector('x');
    const s = T.fvector('s');
    const idx = T.cast(T.clip(s, 0, 4.9999999999), 'int32');
    expect(provenInRange(idx, 5, false)).toBe(false);
    const f = sym.function([x, s], x.get(idx));
    // (before: taken as in range, and the kernels clamped 5 to 4: [5])
    expect(() => f.sync([1, 2, 3, 4, 5], sym.array([9], { dtype: 'float32' }))).toThrow(/index 5 .* out of bounds for axis 0 with size 5/);
    expect(f.sync([1, 2, 3, 4, 5], sym.array([3.5], { dtype: 'float32' })).toArray()).toEqual([4]);
    // whole bounds stay proven
    expect(provenInRange(T.cast(T.clip(s, 0, 4), 'int32'), 5, false)).toBe(true);
  });
});

describe('a flag covers another read of its index only where it is as strict', () => {
  it("a scan step's row read as x's index (negatives wrap) and as labels (negatives refused): the labels' -1 raises whichever is lowered first", () => {
    const x = T.dvector('x');
    const P = T.dmatrix('P');
    const i = T.lmatrix('i');
    for (const labelsLast of [false, true]) {
      const [out] = sym.scan(
        (r: sym.TensorVariable) => {
          const [a, b] = [T.sum(x.get(r)), T.sum(T.categoricalCrossentropy(P, r))];
          return labelsLast ? a.add(b) : b.add(a);
        },
        { sequences: [i.add(1)] },
      ) as sym.TensorVariable[];
      const f = sym.function([x, P, i], out!);
      const Pv = [[0.5, 0.5], [0.25, 0.75]];
      expect(f.sync([1, 2], Pv, [[0, -1]]).data[0]).toBeCloseTo(5.079441541679836, 12);
      // (before: with the labels lowered last, the row's flag that lets -1 wrap covered them, and -1 was class 1)
      expect(() => f.sync([1, 2], Pv, [[0, -2]])).toThrow(/categoricalCrossentropy: label -1 .* is not one of the 2 classes of P/);
    }
  });
});
