/**
 * The radix path of `unique` over elements against NumPy 2.4's values
 * (written out) and against a comparator sort on random data.
 */
import { describe, expect, it } from 'vitest';
import { NDArray } from '../core/ndarray.js';
import type { DType } from '../core/dtype.js';
import { uniqueElements } from './unique-elements.js';

const all = { returnIndex: true, returnInverse: true, returnCounts: true };
const arr = (dtype: DType, values: number[], shape = [values.length]): NDArray => {
  const a = NDArray.zeros(shape, dtype);
  a.data.set(values);
  return a;
};
const signed = (a: NDArray): (number | string)[] => Array.from(a.data, (v) => (Object.is(v, -0) ? '-0' : v));

describe('uniqueElements', () => {
  it('keeps the first zero\'s sign and counts NaNs as one, as NumPy\'s unique of [0., -0.] is [0.] and of [-0., 0.] is [-0.]', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      expect(signed(uniqueElements(arr(dtype, [0, -0]), all)[0]!)).toEqual([0]);
      const [values, index, inverse, counts] = uniqueElements(arr(dtype, [NaN, -0, 2, 0, -Infinity, NaN, Infinity, -2]), all);
      expect(signed(values!)).toEqual([-Infinity, -2, '-0', 2, Infinity, NaN]);
      expect([index, inverse, counts].map((a) => Array.from(a!.data))).toEqual([
        [4, 7, 1, 2, 6, 0],
        [5, 2, 3, 2, 0, 5, 4, 1],
        [1, 1, 2, 1, 1, 2],
      ]);
    }
  });
  it('sorts integers by offset keys, int64 beyond 32 bits of range by their float64 keys, and gives the inverse x\'s shape', () => {
    expect(Array.from(uniqueElements(arr('int8', [3, -128, 127, 3]), all)[3]!.data)).toEqual([1, 2, 1]);
    const big = uniqueElements(arr('int64', [2 ** 52, -(2 ** 40), 7, 2 ** 52, -(2 ** 40)], [5]), all);
    expect(big.map((a) => Array.from(a.data))).toEqual([[-(2 ** 40), 7, 2 ** 52], [1, 2, 0], [2, 0, 1, 2, 0], [2, 1, 2]]);
    const [values, inverse] = uniqueElements(arr('uint8', [5, 5, 0, 9], [2, 2]), { returnIndex: false, returnInverse: true, returnCounts: false });
    expect([values!.toArray(), inverse!.toArray()]).toEqual([[0, 5, 9], [[1, 1], [0, 2]]]);
    expect(uniqueElements(arr('float32', []), all).map((a) => a.size)).toEqual([0, 0, 0, 0]);
  });
  it('agrees with a stable comparator sort on random float32 values with repeats', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const x = arr('float32', Array.from({ length: 5000 }, () => (rnd() < 0.05 ? NaN : Math.round((rnd() - 0.5) * 200) / 8)));
    const order = Array.from({ length: x.size }, (_, i) => i).sort((p, q) => {
      const [u, v] = [x.data[p]!, x.data[q]!];
      return u !== u || v !== v ? +(u !== u) - +(v !== v) || p - q : u - v || p - q;
    });
    const firsts = order.filter((i, k) => k === 0 || !(x.data[i] === x.data[order[k - 1]!] || (x.data[i] !== x.data[i] && x.data[order[k - 1]!] !== x.data[order[k - 1]!])));
    const [values, index] = uniqueElements(x, all);
    expect(Array.from(index!.data)).toEqual(firsts);
    expect(signed(values!)).toEqual(signed(arr('float32', firsts.map((i) => x.data[i]!))));
  });
});
