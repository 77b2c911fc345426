/**
 * Floor division of float32 rounds as NumPy's npy_divmodf: the difference a - fmod(a, b) and its quotient by b
 * are float32 values. The CPU took them in doubles, so past a quotient of about 2^23 it was one or two off
 * NumPy (35958992 // 3 gave 11986330: NumPy rounds a - mod = 35958990 back to a, and its quotient to 11986331).
 * Found by a differential fuzzer against NumPy 2.4 (.audit/gpumod: 35 of 200 float32 pairs with quotients in
 * [2^23, 2^24) differed). float64 keeps doubles; float16 agrees with NumPy (which computes half in float32).
 */
import { describe, expect, it } from 'vitest';
import { sym, T } from './helpers.js';

// [a, b, np.floor_divide(np.float32(a), np.float32(b))] (NumPy 2.4); the exact floor differs from each
const CASES: [number, number, number][] = [
  [35958992.0, 3.0, 11986331.0],
  [-18749590.0, -3.0, 6249862.0],
  [4682411.5, 0.10000000149011612, 46824116.0],
  [-0.00116108322981745, -5.151594081875821e-11, 22538330.0],
  [8.685099704617955e28, 4.564944565269793e21, 19025642.0],
  [-35491258368.0, -1113.4549560546875, 31874894.0],
  [9.434761886950582e-5, -2.7495386609871497e-12, -34313980.0],
  [75280416.0, 5.932083606719971, 12690384.0],
  [2.036287307739258, -1.6783243950158067e-7, -12132858.0],
];

describe('float32 floor division on the CPU', () => {
  it('rounds a - fmod(a, b) and the quotient to float32, as NumPy', async () => {
    const x = T.fvector('x');
    const y = T.fvector('y');
    const f = sym.function([x, y], [T.intDiv(x, y)], { device: 'cpu' });
    const [q] = (await f(sym.array(CASES.map((c) => c[0]), { dtype: 'float32' }), sym.array(CASES.map((c) => c[1]), { dtype: 'float32' }))) as sym.NDArray[];
    expect(Array.from(q!.data as Float32Array)).toEqual(CASES.map((c) => c[2]));
  });

  it('keeps doubles for float64 (np.floor_divide of float64 is the exact floor here)', async () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const f = sym.function([x, y], [T.intDiv(x, y)], { device: 'cpu' });
    const [q] = (await f(sym.array([35958992, -18749590], { dtype: 'float64' }), sym.array([3, -3], { dtype: 'float64' }))) as sym.NDArray[];
    expect(Array.from(q!.data as Float64Array)).toEqual([11986330, 6249863]);
  });
});
