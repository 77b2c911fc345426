/**
 * mod and floor division of float32 at extreme magnitudes on gpujs, bitwise as NumPy 2.4 (np.mod,
 * np.floor_divide of float32). symFmod took one float quotient and formed q * b exactly with Dekker's split:
 * the split's 4097 * b overflowed past |b| = 8e34 (NaN), its low half underflowed below |b| = 1e-34 (a few
 * ulps off), and past |a / b| = 2^24 one quotient left a remainder bigger than |b| (0 or garbage); a = +-FLT_MAX
 * and |b| >= 3e38 were taken for infinities. It is now a long division of constant trip count (helpers.ts).
 * Integer mod formed b * floor(a / b), which rounds past 2^24 (15826547 % -6270873 gave -2986073).
 * Found by a differential fuzzer against NumPy (.audit/gpumod: of 7,332 pairs, 2,875 float32 mod and 2,070
 * floor-division results differed, all but the subnormal ones now match; subnormal operands and results read
 * and store as zero on llvmpipe, as docs/guide.md says).
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';

const T = sym.T;
const I = Infinity;
const show = (v: ArrayLike<number>) => Array.from(v, (n) => (Object.is(n, -0) ? '-0' : String(n)));
const f32 = (v: number[]) => new Float32Array(v);

// [a, b, np.mod(a, b), np.floor_divide(a, b)] of float32 (NumPy 2.4, shortest float32 digits)
const FLOATS: [number, number, number, number][] = [
  // |b| past 8e34
  [6.427926e9, -3.6864375e37, -3.6864375e37, -1.0],
  [2.7895637e36, -9.054272e34, -1.7260509e34, -31.0],
  [4.5793954e36, -5.1804767e36, -6.0108125e35, -1.0],
  // |a / b| from 2^24 to 2^127
  [-783088.06, 2.2353086e-6, 8.8738034e-8, -3.5032662e11],
  [2.640912e6, -4.7101752e-5, -1.9407387e-5, -5.606823e10],
  [-3.1890472e24, -6.0472736e12, -5.23237e12, 5.273529e11],
  [-7.311897e26, -4.851617e8, -1.2787882e8, 1.5071051e18],
  [-0.015582788, -4.5267874e-34, -4.2557147e-34, 3.4423503e31],
  [9.920314e17, 6.0055073e-21, 2.3052619e-21, 1.6518694e38],
  [-2.1404904e22, 6.5302435e-17, 1.3949428e-17, -3.277811e38],
  [8.830428e37, -3.5087817e-9, -2.5020146e-9, -I],
  [-4.1265028e23, 760337.3, 628796.6, -5.4272e17],
  // a = +-FLT_MAX, b near it
  [3.4028235e38, 3.4028235e38, 0, 1.0],
  [-3.4028235e38, 0.00011770338, 3.8256403e-6, -I],
  [3.4028235e38, -9.513495e14, -8.994451e14, -3.5768384e23],
  [-2.4370999e26, 2.8757938e38, 2.8757938e38, -1.0],
  [-3.3261629e38, 2.5543099e38, 1.7824569e38, -2.0],
  // small |b|: the split's low half was below FLT_MIN
  [-8.74061e-35, -2.2929874e-35, -1.8616476e-35, 3.0],
  // fmod is subnormal (-4.7e-39, flushed), the mod and quotient are not
  [-4.2744322e-31, 2.6244857e-38, 2.1572603e-38, -1.6286743e7],
];

// [a, b, np.mod, np.floor_divide] of int32, |a|, |b| <= 2^24 (what gpujs holds exactly)
const INTS: [number, number, number, number][] = [
  [15826547, -6270873, -2986072, -3],
  [-15136262, 6572247, 4580479, -3],
  [13645633, -5799751, -3753620, -3],
  [16777216, -16777215, -16777214, -2],
  [-16777216, 16777215, 16777214, -2],
];

describe('mod and floor division at extreme magnitudes on gpujs', () => {
  it('float32: bitwise np.mod and np.floor_divide', async () => {
    const x = T.fvector('x');
    const y = T.fvector('y');
    const f = sym.function([x, y], [T.mod(x, y), T.intDiv(x, y)], { device: 'gpujs' });
    const [m, q] = (await f(sym.array(f32(FLOATS.map((c) => c[0])), { dtype: 'float32' }), sym.array(f32(FLOATS.map((c) => c[1])), { dtype: 'float32' }))) as sym.NDArray[];
    expect(show(m!.data as Float32Array)).toEqual(show(f32(FLOATS.map((c) => c[2]))));
    expect(show(q!.data as Float32Array)).toEqual(show(f32(FLOATS.map((c) => c[3]))));
  });

  it('float32 with a literal divisor past 8e34 (the compiler folds 4097 * b s to (4097 * b) * s = inf unless kept apart)', async () => {
    const x = T.fvector('x');
    const c = T.constant(sym.array(f32([7.5e37]), { dtype: 'float32' })).reshape([]);
    const f = sym.function([x], [T.mod(x, c), T.intDiv(x, c)], { device: 'gpujs' });
    const [m, q] = (await f(sym.array(f32([2.5091892e38, -3.3e38, 1e37]), { dtype: 'float32' }))) as sym.NDArray[];
    // np.mod / np.floor_divide of float32 [2.5091892e38, -3.3e38, 1e37] by 7.5e37
    expect(show(m!.data as Float32Array)).toEqual(show(f32([2.5918922e37, 4.5000004e37, 1e37])));
    expect(show(q!.data as Float32Array)).toEqual(['3', '-5', '0']);
  });

  it('int32 within 2^24: np.mod and np.floor_divide exactly', async () => {
    const x = T.ivector('x');
    const y = T.ivector('y');
    const f = sym.function([x, y], [T.mod(x, y), T.intDiv(x, y)], { device: 'gpujs' });
    const [m, q] = (await f(sym.array(INTS.map((c) => c[0]), { dtype: 'int32' }), sym.array(INTS.map((c) => c[1]), { dtype: 'int32' }))) as sym.NDArray[];
    expect(Array.from(m!.data as Int32Array)).toEqual(INTS.map((c) => c[2]));
    expect(Array.from(q!.data as Int32Array)).toEqual(INTS.map((c) => c[3]));
  });
});
