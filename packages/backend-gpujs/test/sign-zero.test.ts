/**
 * Signed zeros on gpujs. sign(0) is +0, as np.sign gives: llvmpipe compiled symSign's
 * `x < 0 ? -1.0 : 0.0` as a negated 0/1, so the sign of 0 was -0, and
 * arctan2(sign(0), -1) was -pi (NumPy: pi). Found by the random-graph
 * fuzzer, seed 1273 with float32/int32/bool (arctan2 of the sign of an
 * empty dot product). round, pow, mod and floor division give NumPy's -0
 * where it does: the float textures and the shaders keep a zero's sign
 * (round(-0) was already -0), but the helpers made a +0 (round(-0.5) as
 * floor(-0.5) + 1, pow(-0, 3) as a literal 0, fmod's a - q b).
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';

const T = sym.T;
const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);

describe('sign of zero on gpujs', () => {
  it('is +0, as np.sign', async () => {
    const x = T.fvector('x');
    const e = T.fvector('e');
    const outs = [T.trueDiv(1, T.sgn(x)), T.arctan2(T.sgn(T.dot(e, e)), x), T.arctan2(T.sgn(T.sum(e)), -1)];
    // np.float32(1) / np.sign(np.float32([0, -0, 2, -3])); np.arctan2(np.sign(0), x); np.arctan2(np.sign(0), -1)
    const pi = Math.fround(Math.PI);
    const want = [[Infinity, Infinity, 1, -1], [0, pi, 0, pi], [pi]];
    for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
      for (const device of ['gpujs', 'cpu']) {
        const f = sym.function([x, e], outs, { device, mode });
        const got = (await f(sym.array([0, -0, 2, -3], { dtype: 'float32' }), sym.array(new Float32Array(0), { dtype: 'float32' }))) as sym.NDArray[];
        expect(got.map(data), `${device} ${mode}`).toEqual(want);
      }
    }
  });

  // np.round, np.power, np.mod, np.floor_divide of float32 (NumPy 2.4), as printed
  const Z = -0;
  const I = Infinity;
  const cases: [string, (a: sym.TensorVariable, b: sym.TensorVariable) => sym.TensorVariable, number[], number[], number[]][] = [
    ['round', (a) => T.round(a), [-0.5, -0.4, -0, 0.4, 0.5, -1e-10, -2.5, -1.5], [0, 0, 0, 0, 0, 0, 0, 0], [Z, Z, Z, 0, 0, Z, -2, -2]],
    ['pow', (a, b) => T.pow(a, b), [Z, Z, 0, Z, Z, -I, -I, -2, Z], [3, 2, 3, -3, 0.5, -3, -2, 3, 1], [Z, 0, 0, -I, 0, Z, 0, -8, Z]],
    ['mod', (a, b) => T.mod(a, b), [0, Z, 4, -4, Z, 0, Z, 0, 3, -7], [-2, 2, -2, 2, -2, 2, I, -I, -I, 2], [Z, 0, Z, 0, Z, 0, 0, Z, -I, 1]],
    ['floor_divide', (a, b) => T.intDiv(a, b), [0, Z, 4, -4, Z, 0, Z, 0, 3, -7], [-2, 2, -2, 2, -2, 2, I, -I, -I, 2], [Z, Z, -2, -2, 0, 0, Z, Z, -1, -4]],
  ];
  it.each(cases)('%s keeps the sign of a zero as NumPy (Object.is)', async (_name, op, a, b, want) => {
    const x = T.fvector('x');
    const y = T.fvector('y');
    const f = sym.function([x, y], [op(x, y)], { device: 'gpujs', onUnusedInput: 'ignore' });
    const [got] = (await f(sym.array(a, { dtype: 'float32' }), sym.array(b, { dtype: 'float32' }))) as sym.NDArray[];
    const show = (v: number[]) => v.map((n) => (Object.is(n, -0) ? '-0' : String(n)));
    expect(show(data(got!))).toEqual(show(want));
  });
});
