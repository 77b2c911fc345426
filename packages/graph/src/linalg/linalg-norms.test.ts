/**
 * lstsq's rcond as NumPy reads it: LAPACK's gelsd takes an rcond <= 0 or
 * >= 1 to mean machine precision, so Theano-era `lstsq(a, b, -1)` cuts a
 * singular value at rounding level instead of inverting it.
 */
import { describe, expect, it } from 'vitest';
import { sym } from '../../test/helpers.js';

const T = sym.T;

// a 5 x 3 matrix of rank 2: its third singular value, 1.55e-16, is rounding noise (2.4 * 2^-53 = 2.7e-16)
const A = [
  [0.9414709848078965, 0.19515023864668118, 0.3705038015870423],
  [-0.8558017449679728, -0.34477986028528707, -0.5082066994541123],
  [0.7530036273838256, 0.48750871067608703, 0.6357378367762555],
  [-0.6351341370778375, -0.6204800709080802, -0.750544676972871],
  [0.5045524326998901, 0.7410325183021365, 0.8503293603568395],
];
const b = [0, 1, 2, 3, 4];
// numpy.linalg.lstsq(A, b, rcond=-1): the same for rcond 0, 1, 2 and None
const minimumNorm = [-1.775355720517673, 1.6977039753840186, 1.4167639205166078];

describe('lstsq(a, b, rcond) with rcond outside (0, 1)', () => {
  for (const rcond of [-1, 0, 1, 2, null]) {
    it(`rcond ${rcond}: the minimum-norm solution of a rank-2 matrix, rank 2, as numpy.linalg.lstsq`, async () => {
      const a = T.dmatrix('a');
      const y = T.dvector('b');
      const [x, residuals, rank] = T.nlinalg.lstsq(a, y, rcond);
      const [xv, rv, kv] = await sym.function([a, y], [x, residuals, rank])(A, b);
      Array.from(xv.data as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(minimumNorm[i]!, 10));
      expect(Number(kv.item())).toBe(2);
      expect(rv.item()).toBeCloseTo(25.702419498645774, 10);
    });
  }

  it('an rcond that is not a number is refused naming lstsq and rcond (it failed inside a product, naming mul)', () => {
    expect(() => T.nlinalg.lstsq(T.dmatrix('a'), T.dvector('b'), '1e-3' as unknown as number)).toThrow(/lstsq: rcond must be a number or null .*got string "1e-3"/);
  });

  it('rcond 1e-17 (inside (0, 1)) still keeps the rounding-level singular value, as NumPy (rank 3)', async () => {
    const a = T.dmatrix('a');
    const [, , rank] = T.nlinalg.lstsq(a, T.dvector('b'), 1e-17);
    expect(Number((await sym.function([a], rank)(A)).item())).toBe(3);
  });

  it('rcond NaN keeps every singular value, as numpy.linalg.lstsq (gelsd compares nothing with NaN; it gave x = 0, rank 0)', async () => {
    const a = T.dmatrix('a');
    const y = T.dvector('b');
    const [x, residuals, rank] = T.nlinalg.lstsq(a, y, NaN);
    const f = sym.function([a, y], [x, residuals, rank]);
    // numpy.linalg.lstsq([[1, 2], [3, 4], [5, 6]], [1, 2, 4], rcond=np.nan)
    const [xv, rv, kv] = await f([[1, 2], [3, 4], [5, 6]], [1, 2, 4]);
    expect(Array.from(xv.data as Float64Array).map((v) => +v.toFixed(12))).toEqual([0.666666666667, 0.083333333333]);
    expect(rv.item()).toBeCloseTo(0.16666666666666666, 12);
    expect(Number(kv.item())).toBe(2);
    // the rank-2 A's rounding-level third singular value is inverted too (rank 3)
    expect(Number((await f(A, b))[2].item())).toBe(3);
  });
});
