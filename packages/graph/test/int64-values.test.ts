/**
 * int64 values past 2^53 at the entry points: every JavaScript number that is
 * an integer in [-2^63, 2^63) is an int64 value (what `isIntLiteral` calls an
 * integer literal, and what sym.array infers int64), exact as the double the
 * CPU stores; the inputs took only +-(2^53 - 1) before.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

describe('int64 values past 2^53', () => {
  it('are taken by int64 function inputs, shared values and opFromGraph arguments as sym.array takes them', () => {
    const l = T.lvector('l');
    const f = sym.function([l], l.add(4096));
    // 2^60 + 4096 is a double (int64 2^60 + 4096 in NumPy); -2^63 is INT64_MIN
    expect(Array.from(f.sync([2 ** 60, -(2 ** 62)]).data)).toEqual([2 ** 60 + 4096, -(2 ** 62) + 4096]);
    expect(Array.from(sym.function([l], l.mul(1)).sync([-(2 ** 63)]).data)).toEqual([-(2 ** 63)]);
    const s = sym.shared([1, 2]);
    s.setValue([2 ** 60, 3]);
    expect(Array.from(s.getValue().data)).toEqual([2 ** 60, 3]);
    expect(sym.array([2 ** 60]).dtype).toBe('int64');
    const twice = sym.opFromGraph([l], l.mul(2));
    expect(Array.from(sym.function([], twice([2 ** 60])).sync().data)).toEqual([2 ** 61]);
  });
  it('end at 2^63 (past INT64_MAX), and the error says the range truly', () => {
    const l = T.lvector('l');
    const f = sym.function([l], l.add(1));
    const range = 'which is not an integer in the int64 range [-2^63, 2^63)';
    expect(() => f.sync([2 ** 63])).toThrow(`function: argument 0 (l): expected TensorType(int64, vector), but element 0 is 9223372036854776000, ${range}.`);
    expect(() => f.sync([1, 2 ** 64])).toThrow(`element 1 is 18446744073709552000, ${range}`);
    expect(() => f.sync([1.5])).toThrow(`element 0 is 1.5, ${range}`);
    expect(() => sym.shared([1]).setValue([-(2 ** 64)])).toThrow(range);
  });
  it('reduce to themselves in max and min (the identities are int64 extremes, not +-2^53)', () => {
    const l = T.lvector('l');
    // numpy: np.max([-2**60, -2**61]) == -2**60
    expect(Array.from(sym.function([l], [T.max(l), T.min(l.neg())]).sync([-(2 ** 60), -(2 ** 61)]).flatMap((a) => Array.from(a.data)))).toEqual([
      -(2 ** 60),
      2 ** 60,
    ]);
    const m = T.lmatrix('m');
    expect(Array.from(sym.function([m], T.max(m, 1)).sync([[-(2 ** 62), -(2 ** 61)]]).data)).toEqual([-(2 ** 61)]);
  });
});
