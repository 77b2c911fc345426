/**
 * T.clip's integer literal bounds past the range of an integer x: NumPy 2.4's
 * np.clip drops a Python int bound at or past x's dtype's limit on its own
 * side (np.clip(int16, 0, 2**31) is int16), where arithmetic raises (NEP 50's
 * OverflowError, as sym's other elementwise ops do).
 */
import { describe, expect, it } from 'vitest';
import { T, ev, sym } from './helpers.js';

const arr = (v: number[], dtype: sym.DType) => T.constant(sym.array(v, { dtype }));

describe('T.clip with integer literal bounds past x\'s dtype', () => {
  it('leaves out a bound past x\'s limit on its own side and keeps the dtype, as np.clip', () => {
    const h = arr([1, 2, -3, 32767], 'int16');
    // numpy 2.4: np.clip(np.array([1, 2, -3, 32767], np.int16), 0, 2**31) -> int16 [1 2 0 32767]
    expect(ev(T.clip(h, 0, 2 ** 31)).repr()).toBe('array([    1,     2,     0, 32767], dtype=int16)');
    // np.clip(..., -2**40, 5) -> int16 [1 2 -3 5]
    expect(ev(T.clip(h, -(2 ** 40), 5)).repr()).toBe('array([ 1,  2, -3,  5], dtype=int16)');
    // uint8 x with a negative lower bound: np.clip(np.array([0, 200], np.uint8), -5, 300) -> uint8 [0 200]
    expect(ev(arr([0, 200], 'uint8').clip(-5, 300)).repr()).toBe('array([  0, 200], dtype=uint8)');
    // the limit is x's own dtype's: np.clip(int16, np.int32(-1), 2**40) is int32 [1 2 -1 32767]
    const i = T.iscalar('i');
    const f = sym.function([i], T.clip(h, i, 2 ** 40));
    expect(f.sync(-1).repr()).toBe('array([    1,     2,    -1, 32767], dtype=int32)');
  });
  it('leaves float bounds and float x to promotion (np.clip(int16, 0, 2.5) is float64)', () => {
    const h = arr([1, 2, -3], 'int16');
    expect(ev(T.clip(h, 0, 2.5)).dtype).toBe('float64');
    expect(Array.from(ev(T.clip(arr([1e6], 'float32'), 0, 2 ** 31)).data)).toEqual([1e6]);
  });
  it('still refuses a literal past the other side, as np.clip and arithmetic (NEP 50\'s OverflowError)', () => {
    // np.clip(int16, 2**40, 2**41): OverflowError, Python integer 1099511627776 out of bounds for int16
    expect(() => T.clip(arr([1], 'int16'), 2 ** 40, 2 ** 41)).toThrow(/the literal 1099511627776 does not fit in int16/);
    expect(() => T.add(arr([1], 'int16'), 2 ** 31)).toThrow(/the literal 2147483648 does not fit in int16/);
  });
});
