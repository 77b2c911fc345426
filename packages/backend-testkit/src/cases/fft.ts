/**
 * `T.fft.rfft` and `T.fft.irfft` (graph's tensor/fft.ts): DFT matrices of
 * cosines and sines built in the graph from the axes' lengths (integer
 * products reduced mod n, then cos and sin), contracted with the input by
 * `tensordot` (a transpose, a matmul, a reshape) one axis at a time, the
 * complex axes through a (n, 2, n, 2) matrix. In the `composite` group, so
 * every backend runs the chain; `dot`'s tolerance applies (float32: rtol
 * 1e-5, atol 1e-5: each bin is a sum of n products, the matrix's entries a
 * cos or sin a few ulps off on GPUs). The reference is the same graph's
 * `perform`; graph's fft.test.ts checks the numbers against NumPy's.
 */
import * as sym from '@sym/graph';
import type { DType } from '@sym/graph';
import type { OpCase } from '../case.js';
import { compositeCase } from './conv.js';

const T = sym.T;

function floatCases(d: DType): OpCase[] {
  return [
    compositeCase(d, 'fft.rfft 1-d, odd and even lengths', 'dot', [[3, 7], [2, 8]], (odd, even) => [
      ['rfft(odd)', T.fft.rfft(odd!)],
      ["rfft(even, 'ortho')", T.fft.rfft(even!, 'ortho')],
      ['irfft(rfft(even))', T.fft.irfft(T.fft.rfft(even!))],
    ]),
    compositeCase(d, 'fft.rfft 2-d and 3-d', 'dot', [[2, 4, 5], [1, 3, 2, 4]], (img, vol) => [
      ['rfft(img)', T.fft.rfft(img!)],
      ["rfft(vol, 'ortho')", T.fft.rfft(vol!, 'ortho')],
      // the transposed image: a non-contiguous operand
      ['rfft(img.dimshuffle(0, 2, 1))', T.fft.rfft(img!.dimshuffle(0, 2, 1))],
    ]),
    compositeCase(d, 'fft.irfft 1-d and 2-d, even and odd outputs', 'dot', [[2, 5, 2], [2, 3, 4, 2]], (line, img) => [
      ['irfft(line)', T.fft.irfft(line!)],
      ["irfft(line, 'ortho', true)", T.fft.irfft(line!, 'ortho', true)],
      ['irfft(img)', T.fft.irfft(img!)],
      ["irfft(img, 'no_norm', true)", T.fft.irfft(img!, 'no_norm', true)],
    ]),
  ];
}

export function fftCases(dtypes: readonly DType[]): OpCase[] {
  return dtypes.filter((d) => d === 'float32' || d === 'float64').flatMap(floatCases);
}
