/**
 * T.nlinalg.eig / eigvals: NumPy's values (NumPy 2.4's, written in), the
 * properties every result must have on many random and structured
 * matrices (A v = w v, unit norm, the phase sym picks, conjugate pairs
 * adjacent), dtypes and errors; complex matrices too. Gradients: @sym/grad's eig-grad.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';
import { ComplexArray } from '../complex/array.js';
import { realEig } from './eig-host.js';
import { complexEig } from './eig-complex-host.js';

const A4 = [[2, -1, 0.5, 3], [1, 0, -2, 1], [0.5, 4, 1, -1], [-3, 1, 2, 0]];
/** numpy.linalg.eig(A4): its order; its vectors are sym's times -1 (first pair) and 1 (second). */
const W4 = { re: [-0.06488232287698656, -0.06488232287698656, 1.564882322876986, 1.564882322876986], im: [4.041171683606942, -4.041171683606942, 1.5401291581839012, -1.5401291581839012] };
const V4 = {
  re: [[0.13297144383067874, 0.13297144383067874, 0.6433052162355217, 0.6433052162355217], [0.38128022265351774, 0.38128022265351774, -0.06861593205108453, -0.06861593205108453], [0.02738445740704187, 0.02738445740704187, 0.5116674972061196, 0.5116674972061196], [-0.5723408831396412, -0.5723408831396412, -0.20145438400788732, -0.20145438400788732]],
  im: [[0.44789986698609524, -0.44789986698609524, 0, 0], [0.1161544335060939, -0.1161544335060939, 0.3078367165057741, -0.3078367165057741], [-0.5426913014311566, 0.5426913014311566, 0.02622420348742808, -0.02622420348742808], [0, 0, 0.4284992452993953, -0.4284992452993953]],
};

/** A seeded uniform in [-1, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** The largest |A v - w v| over all pairs, relative to ||A||_F, and checks of the normalization and order sym promises. */
function checkEig(a: number[], n: number): number {
  const { wr, wi, vr, vi } = realEig(a, n, true);
  // eigvals skips the transformations, not the iteration: the same values to the bit
  const values = realEig(a, n, false);
  expect([Array.from(values.wr), Array.from(values.wi)]).toEqual([Array.from(wr), Array.from(wi)]);
  let norm = 0;
  for (const x of a) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  let worst = 0;
  for (let j = 0; j < n; j++) {
    if (wi[j]! > 0) {
      // a pair: adjacent, conjugate, the positive imaginary part first, conjugate vectors
      expect(wr[j + 1]).toBe(wr[j]);
      expect(wi[j + 1]).toBe(-wi[j]!);
      expect(Array.from({ length: n }, (_, i) => vr[i * n + j + 1] === vr[i * n + j] && vi[i * n + j + 1] === -vi[i * n + j]!).every(Boolean)).toBe(true);
    }
    if (wi[j]! < 0) expect(wi[j - 1]).toBe(-wi[j]!);
    let sum = 0;
    let big = 0;
    for (let i = 0; i < n; i++) {
      const m = Math.hypot(vr[i * n + j]!, vi[i * n + j]!);
      sum += m * m;
      big = Math.max(big, m);
    }
    expect(Math.abs(sum - 1)).toBeLessThan(1e-13);
    // a largest component (up to rounding: sym's is the first of the computed moduli) real and positive; -0 in a conjugate's column, as NumPy's
    const turned = Array.from({ length: n }, (_, i) => i).filter((i) => vi[i * n + j] === 0 && vr[i * n + j]! >= big * (1 - 1e-12));
    expect(turned.length).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) {
      let re = 0;
      let im = 0;
      for (let l = 0; l < n; l++) {
        re += a[i * n + l]! * vr[l * n + j]!;
        im += a[i * n + l]! * vi[l * n + j]!;
      }
      re -= wr[j]! * vr[i * n + j]! - wi[j]! * vi[i * n + j]!;
      im -= wr[j]! * vi[i * n + j]! + wi[j]! * vr[i * n + j]!;
      worst = Math.max(worst, Math.hypot(re, im) / norm);
    }
  }
  return worst;
}

describe('T.nlinalg.eig: NumPy linalg.eig of a general real matrix, complex', () => {
  it("gives NumPy's eigenvalues in NumPy's order here, and its eigenvectors up to sign", async () => {
    const a = T.dmatrix('a');
    const [w, v] = T.nlinalg.eig(a);
    expect([w.dtype, v.dtype]).toEqual(['complex128', 'complex128']);
    const [ww, vv] = (await sym.function([a], [w, v])(A4)) as [ComplexArray, ComplexArray];
    W4.re.forEach((x, j) => expect(ww.re.data[j]).toBeCloseTo(x, 13));
    W4.im.forEach((x, j) => expect(ww.im.data[j]).toBeCloseTo(x, 13));
    const signs = [-1, -1, 1, 1];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        expect(vv.re.data[i * 4 + j]! * signs[j]!).toBeCloseTo(V4.re[i]![j]!, 13);
        expect(vv.im.data[i * 4 + j]! * signs[j]!).toBeCloseTo(V4.im[i]![j]!, 13);
      }
    }
    expect(vv.toString().split('\n')[0]).toBe('[[-0.13297144-0.44789987j -0.13297144+0.44789987j  0.64330522+0.j');
  });

  it('eigvals: the same eigenvalues; real ones have imaginary parts 0 (NumPy returns a real array there)', async () => {
    const a = T.dmatrix('a');
    const f = sym.function([a], T.nlinalg.eigvals(a));
    const w = (await f(A4)) as ComplexArray;
    expect(Array.from(w.im.data)).toEqual(W4.im.map((x) => expect.closeTo(x, 13)));
    expect(((await f([[1, 2], [3, 4]])) as ComplexArray).toString()).toBe('[-0.37228132+0.j  5.37228132+0.j]');
  });

  it('complex64 for float32, complex128 for float64 and integers, as NumPy; float16 is refused', async () => {
    expect(T.nlinalg.eig(T.fmatrix('a'))[0].dtype).toBe('complex64');
    expect(T.nlinalg.eigvals(T.imatrix('a')).dtype).toBe('complex128');
    const f = sym.function([], T.nlinalg.eigvals(T.constant([[0, 1], [-1, 0]], { dtype: 'float32' })));
    const w = (await f()) as ComplexArray;
    expect([w.dtype, w.toString()]).toEqual(['complex64', '[0.+1.j 0.-1.j]']);
    expect(() => T.nlinalg.eig(T.tensor('float16', [false, false], 'h'))).toThrow(/eig: float16 is not supported/);
  });

  it('A v = w v, unit vectors, the phase sym picks, on 200 random matrices of size 1 to 100 and structured ones', () => {
    const next = random(7);
    let worst = 0;
    for (let t = 0; t < 200; t++) {
      const n = t < 150 ? 1 + (t % 12) : 20 + 16 * (t % 6);
      worst = Math.max(worst, checkEig(Array.from({ length: n * n }, next), n));
    }
    const structured: [number[], number][] = [
      [[1, 1, 0, 1], 2], // a Jordan block (defective)
      [[2, 1, 0, 0, 0, 2, 1, 0, 0, 0, 2, 1, 0, 0, 0, 2], 4],
      [[0, 0, 0, 0, 0, 0, 0, 0, 0], 3],
      [[1, 0, 0, 0, 1, 0, 0, 0, 1], 3],
      [[0, 0, 1, 1, 0, 0, 0, 1, 0], 3], // a cyclic permutation: the cube roots of 1
      [[1, 2, 0, 0, -2, 1, 0, 0, 0, 0, 1, 2, 0, 0, -2, 1], 4], // a repeated pair
      [[1, 1e8, 0, 1e-8, 1, 1e8, 0, 1e-8, 1], 3], // badly scaled (balancing)
    ];
    for (const [a, n] of structured) worst = Math.max(worst, checkEig(a, n));
    expect(worst).toBeLessThan(1e-13);
  });

  it('eigenvalues of structured matrices: triangular, symmetric, a Jordan block, 1 x 1 and 0 x 0', async () => {
    const a = T.dmatrix('a');
    const f = sym.function([a], T.nlinalg.eigvals(a));
    const sorted = (w: ComplexArray) => Array.from(w.re.data).sort((x, y) => x - y);
    expect(sorted((await f([[3, 1, 2], [0, -1, 5], [0, 0, 2]])) as ComplexArray)).toEqual([-1, 2, 3]);
    const sym3 = (await f([[2, 1, 0], [1, 2, 1], [0, 1, 2]])) as ComplexArray;
    sorted(sym3).forEach((x, k) => expect(x).toBeCloseTo([2 - Math.SQRT2, 2, 2 + Math.SQRT2][k]!, 14));
    expect(Array.from(sym3.im.data)).toEqual([0, 0, 0]);
    expect(((await f([[1, 1], [0, 1]])) as ComplexArray).toString()).toBe('[1.+0.j 1.+0.j]');
    expect(((await f([[-2.5]])) as ComplexArray).toString()).toBe('[-2.5+0.j]');
    const empty = (await sym.function([a], T.nlinalg.eig(a)[1])(sym.NDArray.zeros([0, 0], 'float64'))) as ComplexArray;
    expect(empty.shape).toEqual([0, 0]);
  });

  it("a complex matrix: NumPy's eigenvalues and eigenvectors (here in NumPy's order and phase), complex64 kept", async () => {
    const z = T.zmatrix('z');
    const [w, v] = T.nlinalg.eig(z);
    const A = ComplexArray.from([[1, 2, 0], [0.5, -1, 3], [2, 1, 1]], [[0.5, -1, 2], [1, 0, -0.5], [0, 3, 1]]);
    const [ww, vv] = (await sym.function([z], [w, v])(A)) as [ComplexArray, ComplexArray];
    // numpy.linalg.eig(A)
    const wn = [[-3.524726333280184, -1.8370352973259907], [1.2427507283019463, 0.9450233510128071], [3.2819756049782365, 2.392011946313182]];
    wn.forEach(([re, im], j) => {
      expect(ww.re.data[j]).toBeCloseTo(re!, 13);
      expect(ww.im.data[j]).toBeCloseTo(im!, 13);
    });
    const vn = [
      [[-0.27393526309973737, 0.42553316711113887], [0.7617774469093933, 0], [0.2955650880448606, 0.03183245721850352]],
      [[0.6738153268199568, 0], [-0.1557687280593799, 0.4880862679559892], [0.4407899619913442, -0.26733499271898403]],
      [[-0.305704710522781, -0.44316873832157744], [-0.3964662559108793, -0.0041866091020123], [0.803656757871217, 0]],
    ];
    vn.forEach((row, i) =>
      row.forEach(([re, im], j) => {
        expect(vv.re.data[i * 3 + j]).toBeCloseTo(re!, 13);
        expect(vv.im.data[i * 3 + j]).toBeCloseTo(im!, 13);
      }),
    );
    expect(T.nlinalg.eigvals(T.cmatrix('c')).dtype).toBe('complex64');
    const nan = sym.function([z], T.nlinalg.eigvals(z));
    await expect(nan(ComplexArray.from([[1, 2], [0, 1]], [[0, Number.NaN], [0, 0]]))).rejects.toThrow(/eigvals: a \(z\) holds an imaginary part NaN at \(0, 1\)/);
  });

  it('complex matrices: A v = w v and unit vectors on random ones of size 1 to 60, a Jordan block, zeros', () => {
    const next = random(11);
    let worst = 0;
    const check = (re: number[], im: number[], n: number) => {
      const r = complexEig(re, im, n, true);
      let norm = 0;
      for (let e = 0; e < n * n; e++) norm += re[e]! ** 2 + im[e]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += r.vr[i * n + j]! ** 2 + r.vi[i * n + j]! ** 2;
        expect(Math.abs(sum - 1)).toBeLessThan(1e-13);
        for (let i = 0; i < n; i++) {
          let pr = -(r.wr[j]! * r.vr[i * n + j]! - r.wi[j]! * r.vi[i * n + j]!);
          let pi = -(r.wr[j]! * r.vi[i * n + j]! + r.wi[j]! * r.vr[i * n + j]!);
          for (let l = 0; l < n; l++) {
            pr += re[i * n + l]! * r.vr[l * n + j]! - im[i * n + l]! * r.vi[l * n + j]!;
            pi += re[i * n + l]! * r.vi[l * n + j]! + im[i * n + l]! * r.vr[l * n + j]!;
          }
          worst = Math.max(worst, Math.hypot(pr, pi) / norm);
        }
      }
    };
    for (let t = 0; t < 60; t++) {
      const n = t < 50 ? 1 + (t % 10) : 10 * (t - 49);
      check(Array.from({ length: n * n }, next), Array.from({ length: n * n }, next), n);
    }
    check([1, 1, 0, 1], [1, 0, 0, 1], 2);
    check([0, 0, 0, 0], [0, 0, 0, 0], 2);
    expect(worst).toBeLessThan(1e-13);
  });

  it('errors name the input: rank, a square shape known now or when called, NaN and inf', async () => {
    expect(() => T.nlinalg.eig(T.vector('x'))).toThrow(/eig: a must be a matrix \(2 dimensions\), got x/);
    expect(() => T.nlinalg.eigvals(T.zeros([2, 3]))).toThrow(/eigvals: a must be a square matrix, got .* of shape \(2, 3\)/);
    const a = T.dmatrix('a');
    const f = sym.function([a], T.nlinalg.eig(a)[0]);
    await expect(f([[1, 2, 3], [4, 5, 6]])).rejects.toThrow(/eig: a must be a square matrix, got a of shape \(2, 3\)/);
    await expect(f([[1, Number.NaN], [0, 1]])).rejects.toThrow(/eig: a \(a\) holds NaN at \(0, 1\).*LinAlgError/);
    await expect(f([[1, 0], [Infinity, 1]])).rejects.toThrow(/holds Infinity at \(1, 0\)/);
  });

  it("keeps the imaginary parts Theano's Eig drops: a rotation's eigenvalues are +-i", async () => {
    const w = (await sym.function([], T.nlinalg.eig(T.constant([[0, -1], [1, 0]], { dtype: 'float64' }))[0])()) as ComplexArray;
    expect(w.toString()).toBe('[0.+1.j 0.-1.j]');
  });
});
