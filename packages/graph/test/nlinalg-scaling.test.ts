/**
 * svd and qr (and pinv, lstsq, norm 2 / -2 / 'nuc' through svd) at the
 * edges of the float range: their column norms square the entries, which
 * overflowed to NaN results beyond about 1e154 (float64) and 1e19
 * (float32), and underflowed below 1e-154 and 1e-19 to singular values of
 * 0 and a wrong R, where NumPy (LAPACK scales such a matrix) is exact. The
 * matrix [[3, 0], [4, 5]] times c: singular values c sqrt(45), c sqrt(5);
 * R = c [[-5, -4], [0, 3]] (LAPACK's signs); pinv = [[1/3, 0], [-4/15, 1/5]] / c.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

const near = (got: sym.NDArray, want: number[], rtol: number, scale: number): void => {
  const g = Array.from(got.data as Float64Array);
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => {
    if (!(Math.abs(v - want[i]! * scale) <= rtol * Math.abs(scale) * 7)) expect(`${v} at ${i}`).toBe(`${want[i]! * scale} at ${i}`);
  });
};

describe('svd and qr scale a matrix near the ends of the float range (LAPACK does)', () => {
  const cases: [sym.DType, number, number][] = [
    ['float64', 1e300, 1e-13],
    ['float64', 1e-300, 1e-13],
    ['float64', 1e170, 1e-13],
    ['float64', 1e-170, 1e-13],
    ['float32', 1e30, 1e-6],
    ['float32', 1e-30, 1e-6],
    ['float32', 1e20, 1e-6],
    ['float32', 1e-20, 1e-6],
  ];
  // (DebugMode in float64 only: in float32 pinv's product cancels to about 1e-8 of its terms, and the two float32 dots' roundings differ there)
  for (const [dtype, c, rtol] of cases) {
    it(`${dtype} [[3, 0], [4, 5]] * ${c}`, async () => {
      const x = T.matrix('x', dtype);
      const f = sym.function([x], [T.nlinalg.svd(x, { computeUv: false }), T.nlinalg.qr(x, 'r'), T.nlinalg.pinv(x), T.nlinalg.norm(x, 2), T.nlinalg.norm(x, -2), ...T.nlinalg.svd(x)], dtype === 'float64' ? { mode: 'DebugMode' } : {});
      const a = sym.array([3 * c, 0, 4 * c, 5 * c], { dtype, shape: [2, 2] });
      const [s, r, p, n2, nm2, u, s2, vh] = (await f(a)) as sym.NDArray[];
      near(s!, [Math.sqrt(45), Math.sqrt(5)], rtol, c);
      near(s2!, [Math.sqrt(45), Math.sqrt(5)], rtol, c);
      near(r!, [-5, -4, 0, 3], rtol, c);
      near(p!, [1 / 3, 0, -4 / 15, 1 / 5], rtol, 1 / c);
      near(n2!, [Math.sqrt(45)], rtol, c);
      near(nm2!, [Math.sqrt(5)], rtol, c);
      // U and Vh are those of the unscaled matrix: orthonormal, U diag(s) Vh = A
      const [U, S, V] = [u!.data, s2!.data, vh!.data] as Float64Array[];
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) near(sym.array([U[i * 2]! * S[0]! * V[j]! + U[i * 2 + 1]! * S[1]! * V[2 + j]!]), [[3, 0, 4, 5][i * 2 + j]!], rtol * 10, c);
    });
  }
  it('an empty, zero or non-finite matrix is not scaled', async () => {
    const x = T.dmatrix('x');
    const f = sym.function([x], [T.nlinalg.svd(x, { computeUv: false }), T.nlinalg.qr(x, 'r')]);
    const [s0, r0] = (await f(sym.array([0, 0, 0, 0], { shape: [2, 2] }))) as sym.NDArray[];
    expect([s0!.toArray(), r0!.toArray()]).toEqual([[0, 0], [[0, 0], [0, 0]]]);
    const [se, re] = (await f(sym.array([], { dtype: 'float64', shape: [3, 0] }))) as sym.NDArray[];
    expect([se!.shape, re!.shape]).toEqual([[0], [0, 0]]);
    const [sn] = (await f(sym.array([NaN, 1, 1, 1], { shape: [2, 2] }))) as sym.NDArray[];
    expect(Array.from(sn!.data as Float64Array).every(Number.isNaN)).toBe(true);
  });
});

describe('empty matrices (NumPy: the largest of nothing is 0 in norm, pinv is empty)', () => {
  it('pinv, lstsq and norm 1, Infinity, 2 and nuc of (0, 0), (0, 3) and (3, 0) matrices', async () => {
    const x = T.dmatrix('x');
    const b = T.dvector('b');
    const f = sym.function([x, b], [T.nlinalg.pinv(x), T.nlinalg.norm(x, 1), T.nlinalg.norm(x, Infinity), T.nlinalg.norm(x, 2), T.nlinalg.norm(x, 'nuc'), T.nlinalg.lstsq(x, b)[0]]);
    for (const [m, n] of [[0, 0], [0, 3], [3, 0]] as const) {
      const got = (await f(sym.array([], { dtype: 'float64', shape: [m, n] }), sym.array(new Array<number>(m).fill(1), { dtype: 'float64', shape: [m] }))) as sym.NDArray[];
      expect(got.map((g) => [g.shape, Array.from(g.data as Float64Array)])).toEqual([[[n, m], []], [[], [0]], [[], [0]], [[], [0]], [[], [0]], [[n], new Array<number>(n).fill(0)]]);
    }
  });
});

describe('norms over an empty axis (NumPy: the largest of nothing is 0, the smallest is an error)', () => {
  it('the vector norm Infinity along an empty axis is 0; -Infinity of a (2, 0) matrix over both axes is 0', async () => {
    const m = T.dmatrix('m');
    const f = sym.function([m], [T.nlinalg.norm(m, Infinity, 1), T.nlinalg.norm(m, Infinity, 0), T.nlinalg.norm(m, Infinity, 1, true), T.nlinalg.norm(m, -Infinity)]);
    const got = (await f(sym.array([], { dtype: 'float64', shape: [2, 0] }))) as sym.NDArray[];
    expect(got.map((g) => [g.shape, Array.from(g.data as Float64Array)])).toEqual([[[2], [0, 0]], [[0], []], [[2, 1], [0, 0]], [[], [0]]]);
  });
  it('a smallest value of nothing (ord -1, -Infinity) is an error naming the norm the user wrote', async () => {
    const m = T.dmatrix('m');
    const v = T.dvector('v');
    const empty = sym.array([], { dtype: 'float64', shape: [2, 0] });
    await expect(sym.function([m], T.nlinalg.norm(m, -1))(empty)).rejects.toThrow(/^norm\(m, -1\), the smallest column sum of \|x\| \(Min\{axis=\[0\]\}\): cannot reduce an empty axis 0 of shape \(0,\)/);
    await expect(sym.function([m], T.nlinalg.norm(m, -Infinity, 1))(empty)).rejects.toThrow(/^norm\(m, -Infinity\), the smallest \|x\| along axis 1 /);
    // svd's graph is rebuilt by the rewrites (FAST_RUN) and by the function's clone: the label goes with the copies
    for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
      await expect(sym.function([m], T.nlinalg.norm(m, -2), { mode })(empty)).rejects.toThrow(/^norm\(m, -2\), the smallest singular value /);
    }
    await expect(sym.function([v], T.max(v))(sym.array([], { dtype: 'float64' }))).rejects.toThrow(/^Max\{axis=\[0\]\}\(v\): cannot reduce an empty axis 0 of shape \(0,\)/);
  });
});

describe('lstsq of float32 computes in float32 (NumPy; WebGPU has no float64)', () => {
  it('no intermediate of lstsq(a, b) is float64 for float32 a and b, with rcond defaulted or given', () => {
    const a = T.fmatrix('a');
    const b = T.fvector('b');
    for (const rcond of [null, 1e-3]) {
      const outs = T.nlinalg.lstsq(a, b, rcond);
      const float64 = sym.toposort(outs).flatMap((node) => node.outputs).filter((v) => v.dtype === 'float64');
      expect(float64.map(String)).toEqual([]);
      expect(outs.map((o) => o.dtype)).toEqual(['float32', 'float32', 'int64', 'float32']);
    }
  });
});
