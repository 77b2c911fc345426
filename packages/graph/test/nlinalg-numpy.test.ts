/**
 * T.nlinalg's matrixPower and norm against numpy.linalg's results recorded
 * in fixtures/numpy-nlinalg.json (fixtures/numpy-nlinalg.py makes it), run
 * as compiled functions on the CPU backend in DebugMode (so the reference
 * `perform` of every node is checked against the kernels too); then their
 * errors (the gradients are in @sym/grad's linalg-grad tests).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

interface Arr {
  values: number[];
  shape: number[];
  dtype: sym.DType;
}
interface Case {
  fn: 'matrix_power' | 'norm' | 'qr';
  x: Arr;
  n?: number;
  ord?: number | string | null;
  axis?: number | number[] | null;
  keepdims?: boolean;
  result: Arr;
}
interface QRCase {
  fn: 'qr';
  x: Arr;
  mode: 'reduced' | 'complete' | 'r';
  deficient: boolean;
  result: { q?: Arr; r: Arr };
}
interface EighCase {
  fn: 'eigh';
  x: Arr;
  UPLO: 'L' | 'U';
  distinct: boolean;
  result: { w: Arr; v: Arr };
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/numpy-nlinalg.json', import.meta.url), 'utf8')) as { cases: (Case | QRCase | EighCase | { fn: 'svd' | 'pinv' })[] };
const powerAndNorm = fixture.cases.filter((c): c is Case => c.fn === 'matrix_power' || c.fn === 'norm');
const eighCases = fixture.cases.filter((c): c is EighCase => c.fn === 'eigh');
const qrCases = fixture.cases.filter((c): c is QRCase => c.fn === 'qr');

type NormOrder = Parameters<typeof T.nlinalg.norm>[1];
const ordOf = (o: Case['ord']): NormOrder => (o === 'inf' ? Infinity : o === '-inf' ? -Infinity : ((o ?? null) as NormOrder));
/** A matrix norm: two axes, or a matrix and no axis. */
const matrixNorm = (c: Case): boolean => (c.axis === null ? c.x.shape.length === 2 : Array.isArray(c.axis));
const needsSvd = (c: Case): boolean => matrixNorm(c) && (c.ord === 2 || c.ord === -2 || c.ord === 'nuc');

function close(got: sym.NDArray, want: Arr, rtol: number): void {
  expect(got.dtype).toBe(want.dtype);
  expect(got.shape).toEqual(want.shape);
  const scale = Math.max(1, ...want.values.map(Math.abs));
  got.data.forEach((g, i) => {
    if (!(Math.abs(Number(g) - want.values[i]!) <= rtol * scale)) expect(`${g} at ${i}`).toBe(`${want.values[i]} at ${i}`);
  });
}

describe('matrixPower and norm match numpy.linalg', () => {
  for (const c of powerAndNorm) {
    const what = c.fn === 'matrix_power' ? `matrix_power(${c.x.dtype} ${JSON.stringify(c.x.shape)}, ${c.n})` : `norm(${c.x.dtype} ${JSON.stringify(c.x.shape)}, ord=${JSON.stringify(c.ord)}, axis=${JSON.stringify(c.axis)}${c.keepdims ? ', keepdims' : ''})`;
    it(what, async () => {
      const x = T.tensor(c.x.dtype, c.x.shape.map(() => false), 'x');
      const build = () => (c.fn === 'matrix_power' ? T.nlinalg.matrixPower(x, c.n!) : T.nlinalg.norm(x, ordOf(c.ord), c.axis ?? null, c.keepdims));
      if (c.fn === 'norm' && needsSvd(c) && c.x.shape.length > 2) {
        expect(build).toThrow(/needs the singular values of each matrix, and svd takes a matrix/);
        return;
      }
      // a negative p of a vector with a zero goes through 1/0 = inf by design (NumPy warns): DebugMode would refuse it
      const negativeP = c.fn === 'norm' && typeof c.ord === 'number' && c.ord < 0;
      const f = sym.function([x], build(), negativeP ? {} : { mode: 'DebugMode' });
      const got = (await f(sym.array(c.x.values, { dtype: c.x.dtype, shape: c.x.shape }))) as sym.NDArray;
      close(got, c.result, c.result.dtype === 'float32' ? 2e-6 : c.result.dtype === 'float64' ? 1e-13 : 0);
    });
  }
});

describe('matrixPower and norm: arguments checked when the graph is built', () => {
  it('matrixPower takes a square matrix and an integer n', () => {
    expect(() => T.nlinalg.matrixPower(T.dvector('v'), 2)).toThrow(/matrixPower: M must be a matrix \(2 dimensions\), got v of type TensorType\(float64, vector\) \(1 dimensions\)/);
    expect(() => T.nlinalg.matrixPower(T.constant([[1, 2, 3], [4, 5, 6]]), 2)).toThrow(/matrixPower: M must be a square matrix, got .* of shape \(2, 3\)/);
    expect(() => T.nlinalg.matrixPower(T.dmatrix('m'), 1.5)).toThrow(/matrixPower: n must be an integer, got 1.5/);
  });
  it('matrixPower(M, 0) is the identity in M\'s dtype, M^-n of an integer M is float64 (NumPy)', async () => {
    const m = T.imatrix('m');
    const f = sym.function([m], [T.nlinalg.matrixPower(m, 0), T.nlinalg.matrixPower(m, -1)]);
    const [eye, inv] = (await f(sym.array([[2, 0], [0, 4]], { dtype: 'int32' }))) as sym.NDArray[];
    expect([eye!.dtype, eye!.toArray()]).toEqual(['int32', [[1, 0], [0, 1]]]);
    expect([inv!.dtype, inv!.toArray()]).toEqual(['float64', [[0.5, 0], [0, 0.25]]]);
  });
  it('norm refuses orders and axes NumPy refuses', () => {
    const v = T.dvector('v');
    const m = T.dmatrix('m');
    expect(() => T.nlinalg.norm(v, 'fro')).toThrow(/norm: ord "fro" is a matrix norm; a vector norm \(one axis\) takes a number or null/);
    expect(() => T.nlinalg.norm(m, 3)).toThrow(/norm: invalid norm order 3 for matrices/);
    expect(() => T.nlinalg.norm(m, NaN)).toThrow(/norm: ord must be a number, Infinity, -Infinity, 'fro', 'nuc' or null, got NaN/);
    expect(() => T.nlinalg.norm(T.dtensor3('x'), 1)).toThrow(/norm: x must be a vector or a matrix when ord is given without axis, got x of type .* \(3 dimensions\)/);
    expect(() => T.nlinalg.norm(m, null, 2)).toThrow(/norm: axis 2 is out of range \[-2, 2\) for m of type/);
    expect(() => T.nlinalg.norm(m, null, [1, -1])).toThrow(/norm: the two axes must differ, got \[1,-1\]/);
    expect(() => T.nlinalg.norm(T.dtensor3('x'), null, [0, 1, 2])).toThrow(/norm: axis must be one axis or a pair of axes, got \[0,1,2\]/);
  });
  it('extractDiag and allocDiag are Theano\'s ExtractDiag and AllocDiag', async () => {
    const m = T.dmatrix('m');
    const v = T.dvector('v');
    const f = sym.function([m, v], [T.nlinalg.extractDiag(m), T.nlinalg.extractDiag(m, 1), T.nlinalg.allocDiag(v), T.nlinalg.allocDiag(v, -1)]);
    const got = ((await f(sym.array([[1, 2], [3, 4]]), sym.array([5, 6]))) as sym.NDArray[]).map((a) => a.toArray());
    expect(got).toEqual([[1, 4], [2], [[5, 0], [0, 6]], [[0, 0, 0], [5, 0, 0], [0, 6, 0]]]);
    expect(() => T.nlinalg.allocDiag(m)).toThrow(/allocDiag: x must be a vector, got m of type .* \(2 dimensions\)/);
  });
});

/** a (r, k) times b (k, c), row-major, in float64. */
function matmul(a: ArrayLike<number>, b: ArrayLike<number>, r: number, k: number, c: number, transposeA = false): number[] {
  const out = new Array<number>(r * c).fill(0);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) for (let t = 0; t < k; t++) out[i * c + j]! += Number(transposeA ? a[t * r + i] : a[i * k + t]) * Number(b[t * c + j]);
  return out;
}

describe('qr matches numpy.linalg.qr (Householder with LAPACK\'s signs)', () => {
  for (const c of qrCases) {
    it(`qr(${c.x.dtype} ${JSON.stringify(c.x.shape)}, '${c.mode}')${c.deficient ? ', rank-deficient' : ''}`, async () => {
      const x = T.tensor(c.x.dtype, [false, false], 'x');
      const outs = c.mode === 'r' ? [T.nlinalg.qr(x, 'r')] : T.nlinalg.qr(x, c.mode);
      const f = sym.function([x], outs, { mode: 'DebugMode' });
      const got = (await f(sym.array(c.x.values, { dtype: c.x.dtype, shape: c.x.shape }))) as sym.NDArray[];
      const R = got[got.length - 1]!;
      const rtol = R.dtype === 'float32' ? 3e-6 : 1e-13;
      const [m, n] = c.x.shape as [number, number];
      if (!c.deficient) {
        close(R, c.result.r, rtol);
        if (c.result.q) close(got[0]!, c.result.q, rtol);
        return;
      }
      // rank-deficient: R's shape and upper triangle, Q orthonormal, Q R = A (R^T R = A^T A in mode 'r')
      R.data.forEach((v, i) => (i % n < Math.floor(i / n) ? expect(v).toBe(0) : undefined));
      if (c.mode === 'r') {
        const ata = matmul(c.x.values, c.x.values, n, m, n, true);
        matmul(R.data, R.data, n, R.shape[0]!, n, true).forEach((v, i) => expect(Math.abs(v - ata[i]!)).toBeLessThan(1e-13 * 64));
        return;
      }
      const Q = got[0]!;
      expect([Q.shape, R.shape]).toEqual([c.result.q!.shape, c.result.r.shape]);
      const q = Q.shape[1]!;
      const back = matmul(Q.data, R.data, m, q, n);
      back.forEach((v, i) => expect(Math.abs(v - c.x.values[i]!)).toBeLessThan(1e-13 * 8));
      matmul(Q.data, Q.data, q, m, q, true).forEach((v, i) => expect(Math.abs(v - (Math.floor(i / q) === i % q ? 1 : 0))).toBeLessThan(1e-14 * 8));
    });
  }

  it('mode \'raw\' and others are refused, A must be a matrix of float32 or float64', () => {
    const a = T.dmatrix('a');
    expect(() => T.nlinalg.qr(a, 'raw' as 'r')).toThrow(/qr: mode must be one of 'reduced', 'complete', 'r', got "raw"; 'raw' is LAPACK's packed reflectors, which sym does not produce/);
    expect(() => T.nlinalg.qr(T.dvector('v'))).toThrow(/QR\{reduced\}: A must be a matrix \(2 dimensions\), got v/);
    expect(() => T.nlinalg.qr(T.tensor('float16', [false, false], 'h'))).toThrow(/float16 is not supported/);
  });

  it('static shapes: Q (m, k) and R (k, n), or (m, m) and (m, n) complete', () => {
    const a = T.tensor('float64', [false, false], 'a');
    const known = T.reshape(a, [5, 3]);
    expect(T.nlinalg.qr(known).map((v) => v.staticShape)).toEqual([[5, 3], [3, 3]]);
    expect(T.nlinalg.qr(known, 'complete').map((v) => v.staticShape)).toEqual([[5, 5], [5, 3]]);
    expect(T.nlinalg.qr(known, 'r').staticShape).toEqual([3, 3]);
  });

  it('lowers to 7 kernels per column and 3 more, a handful distinct', () => {
    const x = T.dmatrix('x');
    for (const [m, n] of [[6, 4], [9, 9]] as const) {
      const [q, r] = T.nlinalg.qr(x);
      const p = sym.schedule({ inputs: [x], inputShapes: [[m, n]], outputs: [q, r] });
      const k = Math.min(m, n);
      // the QR op's own kernels; the others (18 unfused, before any rewrite) scale A by a power of two near max |A| (linalg.ts's scaledToUnit)
      expect(p.steps.filter((s) => s.label.startsWith('QR{')).length).toBe(7 * k + 3);
      expect(p.steps.filter((s) => !s.label.startsWith('QR{')).length).toBe(20);
      expect(new Set(p.steps.filter((s) => s.label.startsWith('QR{')).map((s) => sym.kernelKey(s.kernel))).size).toBeLessThanOrEqual(10);
    }
  });
});

describe("eigh matches numpy.linalg.eigh (eigenvectors up to sign)", () => {
  for (const c of eighCases) {
    const n = c.x.shape[0]!;
    it(`eigh(${c.x.dtype} (${n}, ${n}), '${c.UPLO}')${c.distinct ? '' : ', repeated eigenvalues'}`, async () => {
      const x = T.tensor(c.x.dtype, [false, false], 'x');
      const f = sym.function([x], T.nlinalg.eigh(x, c.UPLO), { mode: 'DebugMode' });
      const [w, v] = (await f(sym.array(c.x.values, { dtype: c.x.dtype, shape: c.x.shape }))) as [sym.NDArray, sym.NDArray];
      const f32 = w.dtype === 'float32';
      const scale = Math.max(1, ...c.result.w.values.map(Math.abs));
      const tol = (f32 ? 4e-7 : 5e-16) * scale * n * 4;
      close(w, c.result.w, tol / scale);
      // the symmetric matrix eigh reads; A V = V diag(w) and V^T V = I
      const A = (i: number, j: number): number => ((c.UPLO === 'L' ? i >= j : i <= j) ? c.x.values[i * n + j]! : c.x.values[j * n + i]!);
      const V = (i: number, j: number): number => Number(v.data[i * n + j]);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let av = 0;
          let vv = 0;
          for (let k = 0; k < n; k++) (av += A(i, k) * V(k, j)), (vv += V(k, i) * V(k, j));
          if (!(Math.abs(av - V(i, j) * Number(w.data[j])) <= tol)) expect(`A V - V w at (${i}, ${j}): ${av - V(i, j) * Number(w.data[j])}`).toBe('small');
          if (!(Math.abs(vv - (i === j ? 1 : 0)) <= (f32 ? 4e-7 : 5e-16) * n * 4)) expect(`V^T V at (${i}, ${j}): ${vv}`).toBe(i === j ? 1 : 0);
        }
      }
      if (!c.distinct) return;
      // distinct eigenvalues: each column is NumPy's, or its negation
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += V(i, j) * c.result.v.values[i * n + j]!;
        const sign = dot < 0 ? -1 : 1;
        for (let i = 0; i < n; i++) expect(Math.abs(sign * V(i, j) - c.result.v.values[i * n + j]!)).toBeLessThan(f32 ? 2e-5 : 1e-12);
      }
    });
  }

  it('float32 with repeated eigenvalues: the reference takes the kernels\' float32 steps, so DebugMode agrees', async () => {
    // Q diag(1, 1, 1, 2, 2, 2) Q^T, Q a Householder reflection: which basis of each eigenspace comes out hangs on every rounding
    const n = 6;
    const x = [0.3, -0.5, 0.2, 0.6, -0.1, 0.4];
    const xx = x.reduce((s, v) => s + v * v, 0);
    const Q = (i: number, j: number) => (i === j ? 1 : 0) - (2 * x[i]! * x[j]!) / xx;
    const A = sym.fill([n, n], 'float32', (e) => [0, 1, 2, 3, 4, 5].reduce((s, k) => s + Q(Math.floor(e / n), k) * (k < 3 ? 1 : 2) * Q(e % n, k), 0));
    const a = T.fmatrix('a');
    const [w] = (await sym.function([a], T.nlinalg.eigh(a), { mode: 'DebugMode' })(A)) as sym.NDArray[];
    Array.from(w!.data).forEach((v, i) => expect(Math.abs(v - (i < 3 ? 1 : 2))).toBeLessThan(2e-6));
  });

  it('refuses a non-square matrix, another UPLO, float16; the shapes are (n,) and (n, n)', () => {
    expect(() => T.nlinalg.eigh(T.constant([[1, 2, 3], [4, 5, 6]]))).toThrow(/Eigh\{L\}: A \(.*\) must be a square matrix, got shape \(2, 3\)/);
    expect(() => T.nlinalg.eigh(T.dmatrix('a'), 'X' as 'L')).toThrow(/eigh: UPLO must be 'L' or 'U', got "X"/);
    expect(() => T.nlinalg.eigh(T.dvector('v'))).toThrow(/Eigh\{L\}: A must be a matrix \(2 dimensions\), got v/);
    expect(() => T.nlinalg.eigh(T.tensor('float16', [false, false], 'h'))).toThrow(/float16 is not supported/);
    const [w, v] = T.nlinalg.eigh(T.reshape(T.dmatrix('a'), [7, 7]));
    expect([w.staticShape, v.staticShape]).toEqual([[7], [7, 7]]);
  });

  it('lowers to 3 kernels per round of rotations, n - 1 rounds (n even) per sweep, and 6 more; 9 distinct', () => {
    const x = T.dmatrix('x');
    for (const [n, sweeps] of [[8, 6], [9, 8], [32, 10]] as const) {
      const p = sym.schedule({ inputs: [x], inputShapes: [[n, n]], outputs: T.nlinalg.eigh(x) });
      const rounds = n + (n % 2) - 1;
      expect(p.steps.length).toBe(3 * rounds * sweeps + 6);
      expect(new Set(p.steps.map((s) => sym.kernelKey(s.kernel))).size).toBe(9);
    }
  });
});
