/**
 * firstOutOfRange, the host's scan of an index for NumPy's IndexError:
 * the first value outside [lo, n) and its position, through each of its
 * paths (a contiguous vector or matrix in one flat loop, a strided vector,
 * a strided matrix), on the arrays indices come in.
 */
import { describe, expect, it } from 'vitest';
import { firstOutOfRange } from './check-index.js';

describe('firstOutOfRange', () => {
  it('finds the first value outside [-n, n) of a contiguous vector, from an offset, in any array type', () => {
    for (const make of [(a: number[]) => Int32Array.from(a), (a: number[]) => Float64Array.from(a), (a: number[]) => a]) {
      const data = make([9, 0, 2, -3, 3, 4]);
      expect(firstOutOfRange(data, [5], [1], 1, 3)).toEqual({ value: 3, position: [3] });
      expect(firstOutOfRange(data, [3], [1], 1, 3)).toBeUndefined();
      // labels: [0, n)
      expect(firstOutOfRange(data, [3], [1], 1, 3, 0)).toEqual({ value: -3, position: [2] });
      expect(firstOutOfRange(data, [0], [1], 0, 3)).toBeUndefined();
    }
  });

  it('gives a contiguous matrix\'s position in each axis, and reads strided views along their strides', () => {
    const data = Int32Array.from([0, 1, 2, 1, 0, 7, 2, 1]);
    expect(firstOutOfRange(data, [2, 4], [4, 1], 0, 3)).toEqual({ value: 7, position: [1, 1] });
    expect(firstOutOfRange(data, [2, 3], [4, 1], 0, 3)).toEqual({ value: 7, position: [1, 1] });
    // every other value (0, 2, 0, 2): in range; the columns of the (2, 4) matrix read down (0, 0 | 1, 7)
    expect(firstOutOfRange(data, [4], [2], 0, 3)).toBeUndefined();
    expect(firstOutOfRange(data, [4, 2], [1, 4], 0, 3)).toEqual({ value: 7, position: [1, 1] });
    // a scalar
    expect(firstOutOfRange(data, [], [], 5, 3)).toEqual({ value: 7, position: [] });
  });
});
