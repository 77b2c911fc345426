/**
 * NDArray shapes as NumPy takes them: reshape infers one length given as
 * -1, and no array has a negative length (reshape([-2, -2]) of 4 elements
 * passed the size check and made an array of shape (-2, -2); found by the
 * misuse probe).
 */
import { describe, expect, it } from 'vitest';
import { sym } from '../../test/helpers.js';

describe('NDArray shapes', () => {
  it('reshape infers one -1, as NumPy does', () => {
    const a = sym.array([1, 2, 3, 4, 5, 6]);
    expect(a.reshape([2, -1]).shape).toEqual([2, 3]);
    expect(a.reshape([-1]).shape).toEqual([6]);
    expect(sym.array([1, 2, 3, 4], { shape: [-1, 2] }).toArray()).toEqual([[1, 2], [3, 4]]);
    // was: cannot reshape (6,) to (2, -1)
    expect(() => a.reshape([4, -1])).toThrow('NDArray.reshape: cannot reshape (6,) (size 6) to (4, -1)');
    expect(() => a.reshape([-1, -1])).toThrow('NDArray.reshape: cannot reshape (6,) (size 6) to (-1, -1)');
  });

  it('refuses negative and fractional lengths', () => {
    // was: an NDArray of shape (-2, -2), printed as [[4]]
    expect(() => sym.array([1, 2, 3, 4]).reshape([-2, -2])).toThrow('NDArray.reshape: cannot reshape (4,) (size 4) to (-2, -2)');
    expect(() => sym.array([1, 2]).reshape([0.5, 4])).toThrow('NDArray.reshape: cannot reshape (2,) (size 2) to (0.5, 4)');
    expect(() => new sym.NDArray(new Float64Array(4), [-2, -2], 'float64')).toThrow('NDArray: shape (-2, -2) must be non-negative integers');
  });
});
