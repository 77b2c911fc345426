/**
 * mod and floor division of float32 at extreme magnitudes, bitwise as NumPy 2.4 (np.mod, np.floor_divide of
 * float32), on WebGPU and the CPU. WebGPU's f_fmod is a long division on the mantissas' bits (as musl's fmodf),
 * exact everywhere, subnormals included (lavapipe keeps them): a differential fuzzer (.audit/gpumod, 21,192
 * float32 and 3,670 int32 pairs) found no difference from NumPy. gpu.js's float32-only helpers had one float
 * quotient and a Dekker split that overflowed past |b| = 8e34 (test/mod-extreme.test.ts there); these cases
 * keep WebGPU to the same table. The CPU's floor division took a - fmod(a, b) in doubles until fe4482b.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './setup.js';

const I = Infinity;
const show = (v: ArrayLike<number>) => Array.from(v, (n) => (Object.is(n, -0) ? '-0' : String(n)));
const f32 = (v: number[]) => new Float32Array(v);

// [a, b, np.mod(a, b), np.floor_divide(a, b)] of float32 (NumPy 2.4, shortest float32 digits)
const FLOATS: [number, number, number, number][] = [
  // |b| past 8e34
  [6.427926e9, -3.6864375e37, -3.6864375e37, -1.0],
  [2.7895637e36, -9.054272e34, -1.7260509e34, -31.0],
  // |a / b| from 2^23 to 2^127 (NumPy rounds 35958992 - 2 back to a, and its quotient by 3 up)
  [35958992, 3, 2, 11986331],
  [-783088.06, 2.2353086e-6, 8.8738034e-8, -3.5032662e11],
  [-3.1890472e24, -6.0472736e12, -5.23237e12, 5.273529e11],
  [-0.015582788, -4.5267874e-34, -4.2557147e-34, 3.4423503e31],
  [-2.1404904e22, 6.5302435e-17, 1.3949428e-17, -3.277811e38],
  [8.830428e37, -3.5087817e-9, -2.5020146e-9, -I],
  // a = +-FLT_MAX, b near it
  [3.4028235e38, 3.4028235e38, 0, 1.0],
  [-3.4028235e38, 0.00011770338, 3.8256403e-6, -I],
  [-3.3261629e38, 2.5543099e38, 1.7824569e38, -2.0],
  // subnormal operands and results, which WebGPU keeps (gpu.js's shaders read and store them as zero)
  [-1.2539688e-33, -1.298687e-38, -8.589197e-39, 96556.0],
  [-6.66923e-40, -1.80463e-40, -1.25533e-40, 3.0],
  [8.797467e35, 5.40451e-40, 2.9332e-41, I],
  [-4.2744322e-31, 2.6244857e-38, 2.1572603e-38, -1.6286743e7],
  [7.649395e-39, -1.2643261e12, -1.2643261e12, -1.0],
];

describe('mod and floor division at extreme magnitudes on WebGPU', () => {
  it('float32: bitwise np.mod and np.floor_divide', async () => {
    const x = T.fvector('x');
    const y = T.fvector('y');
    const args = [sym.array(f32(FLOATS.map((c) => c[0])), { dtype: 'float32' }), sym.array(f32(FLOATS.map((c) => c[1])), { dtype: 'float32' })];
    const { gpu, ref } = await both([x, y], [T.mod(x, y), T.intDiv(x, y)], args);
    for (const [name, r] of [['webgpu', gpu], ['cpu', ref]] as const) {
      expect(show(r[0]!.data as Float32Array), `${name} mod`).toEqual(show(f32(FLOATS.map((c) => c[2]))));
      expect(show(r[1]!.data as Float32Array), `${name} floor_divide`).toEqual(show(f32(FLOATS.map((c) => c[3]))));
    }
  });
});
