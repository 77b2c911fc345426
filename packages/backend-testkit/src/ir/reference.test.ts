import { describe, expect, it } from 'vitest';
import { STORAGE } from '@sym/graph';
import { irCases } from './cases.js';
import { runKernelReference } from './reference.js';

/** a (m x k) times b (k x n) read through the element positions given, in float64: exact when every sum is (the cases' values are multiples of powers of 2). */
function stridedProduct(m: number, n: number, k: number, aAt: (i: number, k: number) => number, bAt: (k: number, j: number) => number, a: (i: number) => number, b: (i: number) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let q = 0; q < k; q++) s += a(aAt(i, q)) * b(bAt(q, j));
    out.push(s);
  }
  return out;
}

/** Each case's output, worked out by hand from kernel.ts's rules (see the case names); the reference must give exactly these. */
const EXPECTED: readonly (readonly [string, readonly number[]])[] = [
  ["arguments convert to computeDType: float32 + float32 computed in int32 truncates each argument first", [2, -2, 0, 0]],
  ["arguments convert to computeDType: int32 compared in uint32 wraps negatives (integers past 2^24)", [1, 0, 1, 1]],
  ["an apply's result is stored into its dtype before the next op reads it: float32 sum kept as int32", [4, -4, 0]],
  ["an apply's result is stored into its dtype before the next op reads it: int32 difference kept as uint32 (integers past 2^24)", [2147483648, 8.5, 2147483648]],
  ["float32 sums round at every step: floor(x + 0.5) of the largest float32 below 0.5 is 1", [1, 1, 0]],
  ["float32 products round at every step: (1 + 2^-12)^2 is 1 + 2^-11", [1, 1]],
  ["float32 products overflow to infinity at every step: 1e20 * 1e20 equals 2e20 * 2e20", [1, 1]],
  ["a kernel stores its expression into its out dtype: int32 values into uint32 (integers past 2^24)", [4294967295, 4294967294, 5]],
  ["a kernel stores its expression into its out dtype: float32 values into int32 truncate", [2, -2, 3, 0]],
  ["a kernel stores its expression into its out dtype: int32 values into bool", [0, 1, 1]],
  ["a kernel stores its expression into its out dtype: int32 values into float32 round (integers past 2^24)", [16777216, 2147483648]],
  ["a constant of another dtype converts to computeDType: uint32 x + int32 -1 wraps to x - 1 (integers past 2^24)", [4, 4294967295, 4294967294]],
  ["a constant of another dtype converts to computeDType: float32 2.5 in int32 is 2", [6, -6, 0]],
  ["loads walk backwards: negative strides from the last element", [55.5, 34.5, 13.5, 62.5, 41.5, 20.5]],
  ["each value converts to acc: float32 values summed in int32 truncate one by one", [3, 2, -1]],
  ["an int32 sum wraps (integers past 2^24)", [-2147483643, -2147483648]],
  ["an int32 product wraps at every step (integers past 2^24)", [0, 2147479015, 3]],
  ["a uint32 sum wraps (integers past 2^24)", [4]],
  ["max of float32 values converted to int32", [1, 0]],
  ["mean of int32 values in float32", [1.5, 1.5]],
  ["all of float32 values converted to bool: -0 and 0 are false, 0.25 true", [0, 1, 0]],
  ["any of int32 values converted to bool", [1, 0, 1]],
  ["the reduced value converts to the epilogue value dtype: int32 sums as bool, added in int32", [0, 2, 2]],
  ["the reduced value converts to the epilogue value dtype: a float64 sum rounded to float32", [0]],
  ["an empty sum over int32 yields the identity", [0, 0]],
  ["an empty prod over int32 yields the identity", [1, 1]],
  ["an empty max over int32 yields the identity (integers past 2^24)", [-2147483648, -2147483648]],
  ["an empty min over int32 yields the identity (integers past 2^24)", [2147483647, 2147483647]],
  ["an empty any over int32 yields the identity", [0, 0]],
  ["an empty all over int32 yields the identity", [1, 1]],
  ["an empty argmax over int32 yields the identity", [0, 0]],
  ["an empty argmin over int32 yields the identity", [0, 0]],
  ["an empty max over float32 yields the identity (an infinity)", [-Infinity, -Infinity]],
  ["an empty min over float32 yields the identity (an infinity)", [Infinity, Infinity]],
  ["an empty mean is NaN (0 / 0)", [NaN, NaN]],
  ["reduction loads walk backwards: x[::-1, ::-1] summed along rows, negative strides from the last element", [100, -28, -28]],
  ["reduction loads walk backwards: argmax along a reversed axis finds the first extreme in the reversed order", [1, 0]],
  ["int32 products and sums wrap at every step: a 2x2 by 2x2 product (integers past 2^24)", [4633, 73487, 2147404539, 2147483646]],
  ["matmul operands walk backwards: a[::-1, ::-1] (2x3) by b[:, ::-1] (3x2), negative strides from their last elements", [50, -43, 16, 50]],
  ["matmul operands walk backwards: float32 5x9 by 9x6 (vectors of the packed operands), batches reversed too", [0, 6.75, 8, 12, 10.5, 9, 2, 10.5, 2.5, 8.25, 3, -2.25, -2.5, 7.75, -9.5, -2, -11, -20, 2.75, -1.5, -8.5, -15.5, -8.75, -2, 4.75, -14, -10.75, 3.5, -9.75, 12.75, 2.75, -3.25, 12.75, -4.25, 14.5, -5.25, 3.25, 7.5, 9, 7.75, 6.5, 2.5, 0.5, 15, 2, 16.5, -4.75, 7, 1, 6.25, -5, 5.75, -19.25, -11.25, -5, -9, -18.5, -11.5, -4.5, -0.25]],
  // too many numbers to write out: an independent strided product (stridedProduct, below; exact, every value a multiple of 2^-5)
  ["matmul operands walk backwards: float32 40x70 by 70x100 (tiled on a GPU), rows of a and columns of b reversed", stridedProduct(40, 100, 70, (i, k) => 39 * 70 - 70 * i + k, (k, j) => 99 + 100 * k - j, (i) => ((i * 7) % 17) / 8 - 1, (i) => ((i * 5) % 13) / 4 - 1.5)],
  ["matmul operands walk backwards: float32 8x4096 by 4096x8 (k split on a GPU), k reversed on both operands", stridedProduct(8, 8, 4096, (i, k) => 4095 + 4096 * i - k, (k, j) => 4095 * 8 - 8 * k + j, (i) => ((i * 3) % 11) / 4 - 1, (i) => ((i * 5) % 7) / 2 - 1.5)],
  ["a matmul epilogue sees the reduced value in its value dtype: int32 dots as bool", [1, 2]],
  ["scatterAdd float32: repeated, negative (counted from the end) and out-of-range (clamped) indices add up", [-2, 0.25, 2.5, -1.75, -0.5, 0.75, 1.5, 1.75, 2, 1.75, 0, -1.75]],
  ["scatterAdd int32: an integer sum wraps at 32 bits; int8 values convert to the accumulator first", [-2147483521, 2147483519, 105, 95]],
  ["scatterAdd uint32: one base value everywhere (stride 0), one row for every index (stride 0), uint16 operands", [131066, 131065, 131064, 131063, 65535, 65535, 65535, 65535, 262128, 262125, 262122, 262119]],
  ["scatterAdd float32: a value per index broadcast along its row, indices read with a stride and an offset", [-3, -4, -2, -3, -4, -5, -6, -7, -6, -7]],
  ["scatterAdd float32: values and indices read backwards (negative strides from their last elements)", [-0.5, 0, 4.5, 5, 6, 6]],
  ["scatterAdd int32 from int16: no indices leaves the base, converted", [-32768, 32767, 0, 1, -1, 7]],
  ["scatterAdd int64: negative values and wide sums", [1108101562364, -4294967297]],
];

describe('the ir group', () => {
  const cases = irCases();

  it('names each case once, and has an output worked out for each', () => {
    const names = cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(EXPECTED.map(([n]) => n));
  });

  it.each(EXPECTED.map(([n, e]) => ({ n, e })))('runKernelReference: $n', ({ n, e }) => {
    const c = cases.find((x) => x.name === n)!;
    const inputs = c.inputs.map((v, i) => {
      const a = new STORAGE[c.kernel.inputs[i]!](v.length);
      a.set(v);
      return a;
    });
    const out = runKernelReference(c.kernel, inputs);
    expect(out).toBeInstanceOf(STORAGE[c.kernel.out]);
    expect([...out]).toEqual(e);
  });
});
