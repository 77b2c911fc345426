/**
 * `T.fft.rfft` and `T.fft.irfft` (graph's tensor/fft.ts, fft-stages.ts):
 * along each axis a DFT in two stages, n = f1 f2 (a short length: one DFT
 * of n; a prime one Bluestein's convolution of two such transforms): a
 * matrix product (`tensordot`) with an f1 x f1 DFT table, a twiddle pass
 * (an elementwise product of views that also moves the next stage's axis
 * last), a product with an f2 x f2 table and a gather of the bins in
 * order; the tables and positions are program constants computed on the
 * host from the lengths. In the `composite`
 * group, so every backend runs the chain; `dot`'s tolerance applies
 * (float32: rtol 1e-5, atol 1e-5). The reference is the same graph's
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
    // two stages: 64 = 8 x 8, 96 = 8 x 12 (rfft's last stage computes only the bins it keeps), 2-d 16 x 24 (4 x 4, 4 x 6)
    compositeCase(d, 'fft factorised lengths', 'dot', [[2, 64], [1, 96], [2, 16, 24]], (sig, odd, img) => [
      ['rfft(sig)', T.fft.rfft(sig!)],
      ["irfft(rfft(sig, 'ortho'), 'ortho')", T.fft.irfft(T.fft.rfft(sig!, 'ortho'), 'ortho')],
      ['irfft(rfft(odd), null, true)', T.fft.irfft(T.fft.rfft(odd!.get(':', T.slice(0, 95))), null, true)],
      ['rfft(img)', T.fft.rfft(img!)],
      ['irfft(rfft(img))', T.fft.irfft(T.fft.rfft(img!))],
    ]),
    // a prime length by Bluestein's convolution: a gather of the signal times a chirp, two transforms of 2048 = 32 x 64
    // with a product between, read in their stages' own order, and the chirp again
    compositeCase(d, 'fft by Bluestein (a prime length)', 'fft', [[2, 1021]], (sig) => [
      ['rfft(sig)', T.fft.rfft(sig!)],
      ["irfft(rfft(sig, 'ortho'), 'ortho', true)", T.fft.irfft(T.fft.rfft(sig!, 'ortho'), 'ortho', true)],
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
