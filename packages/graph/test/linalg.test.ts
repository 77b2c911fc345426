/**
 * T.nlinalg and T.slinalg against NumPy/SciPy values (pasted below with the
 * Python that made them), identities on random matrices, the NaN/inf
 * answers where NumPy raises LinAlgError, errors, and how many kernels the
 * unrolled lowerings launch. `both` runs the CPU backend and the reference
 * `perform`, which must agree exactly.
 */
import { describe, expect, it } from 'vitest';
import { T, both, reference, sym } from './helpers.js';

type M = number[][];

/** |actual - expected| <= rtol * (max |expected| + tiny), elementwise over nested arrays. */
function expectClose(actual: sym.NDArray, expected: number | M | number[], rtol = 1e-12): void {
  const flat = [expected].flat(2) as number[];
  expect(actual.size).toBe(flat.length);
  const scale = Math.max(...flat.map(Math.abs), 1e-300);
  flat.forEach((e, i) => {
    const a = actual.data[i]!;
    if (Math.abs(a - e) > rtol * scale) throw new Error(`element ${i}: ${a} vs ${e} (rtol ${rtol} of ${scale})`);
  });
}

const mat = (m: M, dtype: sym.DType = 'float64') => T.constant(m, { dtype });

// n = 5; A[i][j] = ((7 i + 3 j) % 11) - 5 + 10 [i == j]; S = A A^T + 5 I; b = [1..5]
const A5: M = [[5, -2, 1, 4, -4], [2, 15, -3, 0, 3], [-2, 1, 14, -4, -1], [5, -3, 0, 13, -5], [1, 4, -4, -1, 12]];
const B5 = [1, 2, 3, 4, 5];
const S5: M = A5.map((r, i) => A5.map((q, j) => r.reduce((s, x, k) => s + x * q[k]!, 0) + (i === j ? 5 : 0)));
// python3 -c "import numpy as np, scipy.linalg as sl; n=5; A=np.array([[((i*7+j*3)%11)-5+(10 if i==j else 0) for j in range(n)] for i in range(n)],float); S=A@A.T+5*np.eye(n); b=np.arange(1,n+1.)
//   print(np.linalg.inv(A).tolist(), np.linalg.det(A), np.linalg.cholesky(S).tolist(), np.linalg.solve(A,b).tolist(), sl.solve(S,np.stack([b,-b],1),assume_a='pos').tolist(),
//         sl.solve_triangular(A,b,lower=True).tolist(), sl.solve_triangular(A,b).tolist())"
const NP = {
  inv: [
    [0.2638664310156808, 0.005377354943030113, -0.0022562328432294216, -0.07772722144925355, 0.05403677659534464],
    [-0.030158312337833264, 0.06999962396119278, 0.010839318617681342, 0.010914526379122323, -0.022101680893468197],
    [0.005264543300868651, -0.004738088970781785, 0.0754145827849434, 0.02303237694130034, 0.01882074230060542],
    [-0.11608317978415371, 0.00447486180573835, 0.012108449591997894, 0.11713608844432744, 0.010002632271650432],
    [-0.019854849020418907, -0.024987778738765842, 0.022722144925356295, 0.020277892678524423, 0.09330462903771669],
  ],
  det: 106372.00000000006,
  chol: [
    [8.18535277187245, 0, 0, 0, 0],
    [-4.275930552470683, 15.287786560207064, 0, 0, 0],
    [-1.2216944435630523, -2.5657004329921556, 14.660308454282639, 0, 0],
    [12.583452768699438, 0.2489549506898786, -3.000490882169072, 8.098875990929711, 0],
    [-7.207997217022008, 5.179239268273738, -3.923354948188113, -0.2913855541836963, 9.420331052076419],
  ],
  solve: [0.22712743955176182, 0.07550859248674464, 0.4082653329823638, 0.4477494077388786, 0.5459707441807995],
  solvePos: [0.0015146564439269762, -0.005690220909008622, 0.04534819271696613, 0.05053831600469226, 0.06868820906562798],
  lower: [0.2, 0.10666666666666667, 0.23523809523809525, 0.25538461538461543, 0.46413919413919413],
  upper: [0.13364468864468862, 0.12554945054945055, 0.37774725274725274, 0.467948717948718, 0.4166666666666667],
};

/** A well-conditioned random n x n matrix: uniform in [-1, 1) plus n on the diagonal. */
function randomMatrix(n: number, seed: number, spd = false): M {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const r: M = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => u() + (i === j ? n : 0)));
  if (!spd) return r;
  return r.map((x, i) => r.map((y, j) => x.reduce((acc, v, k) => acc + v * y[k]!, 0) + (i === j ? n : 0)));
}

describe('T.nlinalg and T.slinalg against NumPy and SciPy', () => {
  it('matrixInverse, det, cholesky', () => {
    expectClose(both(T.nlinalg.matrixInverse(mat(A5))), NP.inv);
    expectClose(both(T.nlinalg.det(mat(A5))), NP.det);
    expectClose(both(T.slinalg.cholesky(mat(S5))), NP.chol);
    // the upper factor is the transpose of the lower one
    expectClose(both(T.slinalg.cholesky(mat(S5), { lower: false })), NP.chol[0]!.map((_, i) => NP.chol.map((r) => r[i]!)));
  });
  it('solve: general, positive definite with two right-hand sides, triangular', () => {
    expectClose(both(T.slinalg.solve(mat(A5), T.constant(B5, { dtype: 'float64' }))), NP.solve);
    const pos = both(T.slinalg.solve(mat(S5), T.constant(B5.map((b) => [b, -b]), { dtype: 'float64' }), { assumeA: 'pos' }));
    expect(pos.shape).toEqual([5, 2]);
    expectClose(pos, NP.solvePos.map((x) => [x, -x]));
    expectClose(both(T.slinalg.solveLowerTriangular(mat(A5), T.constant(B5, { dtype: 'float64' }))), NP.lower);
    expectClose(both(T.slinalg.solveUpperTriangular(mat(A5), T.constant(B5, { dtype: 'float64' }))), NP.upper);
    expectClose(both(T.slinalg.solveTriangular(mat(A5), T.constant(B5, { dtype: 'float64' }), { lower: true })), NP.lower);
    expectClose(both(T.slinalg.solve(mat(A5), T.constant(B5, { dtype: 'float64' }), { aStructure: 'upper_triangular' })), NP.upper);
  });
  it('sym and pos read one triangle (the upper one unless lower), as SciPy', () => {
    const upperOnly = S5.map((r, i) => r.map((x, j) => (j >= i ? x : 1e3)));
    const lowerOnly = S5.map((r, i) => r.map((x, j) => (j <= i ? x : -7)));
    const b = T.constant(B5, { dtype: 'float64' });
    const want = both(T.slinalg.solve(mat(S5), b));
    expectClose(both(T.slinalg.solve(mat(upperOnly), b, { assumeA: 'sym' })), [...want.data], 1e-12);
    expectClose(both(T.slinalg.solveSymmetric(mat(lowerOnly), b, { lower: true })), [...want.data], 1e-12);
    expectClose(both(T.slinalg.solve(mat(lowerOnly), b, { assumeA: 'pos', lower: true })), [...want.data], 1e-12);
    // the factor ignores the other triangle
    expectClose(both(T.slinalg.cholesky(mat(lowerOnly))), NP.chol);
  });
  it('trace and matrixDot', () => {
    expect(both(T.nlinalg.trace(mat(A5))).data[0]).toBe(5 + 15 + 14 + 13 + 12);
    const p = both(T.nlinalg.matrixDot(mat(A5), mat(S5), mat(A5)));
    const q = both(T.dot(T.dot(mat(A5), mat(S5)), mat(A5)));
    expect([...p.data]).toEqual([...q.data]);
    expect(() => T.nlinalg.trace(T.dvector('v'))).toThrow(/trace: x must be a matrix/);
    expect(() => T.nlinalg.matrixDot()).toThrow(/at least one matrix/);
  });
  it('tril and triu (numpy.tril, numpy.triu)', () => {
    const x = T.constant([[1, 2, 3], [4, 5, 6]]);
    expect(both(T.tril(x)).toArray()).toEqual([[1, 0, 0], [4, 5, 0]]);
    expect(both(T.triu(x, 1)).toArray()).toEqual([[0, 2, 3], [0, 0, 6]]);
    expect(both(T.tril(x, -1)).toArray()).toEqual([[0, 0, 0], [4, 0, 0]]);
  });
});

describe('identities on random well-conditioned matrices', () => {
  for (const n of [1, 2, 7, 20]) {
    it(`n = ${n}: A inv(A) = I, det(A B) = det A det B, L L^T = A, A solve(A, B) = B`, () => {
      const a = mat(randomMatrix(n, 11 * n));
      const b = mat(randomMatrix(n, 13 * n));
      const s = mat(randomMatrix(n, 17 * n, true));
      const eye = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
      expectClose(both(T.dot(a, T.nlinalg.matrixInverse(a))), eye, 1e-13);
      const dab = both(T.nlinalg.det(T.dot(a, b))).data[0]!;
      const da = both(T.nlinalg.det(a)).data[0]!;
      const db = both(T.nlinalg.det(b)).data[0]!;
      expect(Math.abs(dab - da * db)).toBeLessThan(1e-12 * Math.abs(dab));
      const L = T.slinalg.cholesky(s);
      expectClose(both(T.dot(L, L.T)), randomMatrix(n, 17 * n, true), 1e-13);
      expectClose(both(T.dot(a, T.slinalg.solve(a, b))), randomMatrix(n, 13 * n), 1e-13);
      expectClose(both(T.dot(s, T.slinalg.solve(s, b, { assumeA: 'pos' }))), randomMatrix(n, 13 * n), 1e-13);
    });
  }
});

describe('where NumPy raises LinAlgError: NaN or infinities, never finite values', () => {
  const singular = mat([[1, 2, 3], [2, 4, 6], [1, 0, 1]]);
  const allNonFinite = (a: sym.NDArray) => [...a.data].every((x) => !Number.isFinite(x));
  it('a singular matrix: inverse and solve are not finite, det is 0 (NumPy too)', () => {
    expect(allNonFinite(both(T.nlinalg.matrixInverse(singular)))).toBe(true);
    expect([...both(T.slinalg.solve(singular, T.constant([1, 2, 3], { dtype: 'float64' }))).data].some((x) => !Number.isFinite(x))).toBe(true);
    expect(both(T.nlinalg.det(singular)).data[0]).toBe(0);
    expect(both(T.nlinalg.det(mat([[0, 0], [0, 0]]))).data[0]).toBe(0);
  });
  it('not positive definite: the whole factor is NaN (Theano on_error="nan"), and so is a pos solve', () => {
    for (const m of [[[1, 2], [2, 1]], [[0, 0], [0, 1]], [[-1]], [[4, 2, 0], [2, 1, 0], [0, 0, 1]]]) {
      expect([...both(T.slinalg.cholesky(mat(m))).data].every(Number.isNaN)).toBe(true);
      expect([...both(T.slinalg.solve(mat(m), T.constant(m.map(() => 1), { dtype: 'float64' }), { assumeA: 'pos' })).data].every(Number.isNaN)).toBe(true);
    }
  });
  it('a zero on a triangle\'s diagonal: the triangular solve is not finite', () => {
    const x = both(T.slinalg.solveLowerTriangular(mat([[1, 0], [1, 0]]), T.constant([1, 1], { dtype: 'float64' })));
    expect(Number.isFinite(x.data[1]!)).toBe(false);
  });
  it('onError other than nan is refused with the reason', () => {
    expect(() => T.slinalg.cholesky(T.dmatrix('a'), { onError: 'raise' as 'nan' })).toThrow(/kernels cannot raise/);
  });
});

describe('sizes, dtypes and errors', () => {
  it('0 x 0: det is 1, the inverse and the factor are 0 x 0, a solve is empty', () => {
    const e = T.constant(sym.NDArray.zeros([0, 0], 'float64'));
    expect(both(T.nlinalg.det(e)).data[0]).toBe(1);
    expect(both(T.nlinalg.matrixInverse(e)).shape).toEqual([0, 0]);
    expect(both(T.slinalg.cholesky(e)).shape).toEqual([0, 0]);
    expect(both(T.slinalg.solve(e, T.constant(sym.NDArray.zeros([0, 3], 'float64')))).shape).toEqual([0, 3]);
    expect(both(T.slinalg.solve(e, T.constant(sym.NDArray.zeros([0], 'float64')))).shape).toEqual([0]);
  });
  it('integers give float64 (NumPy; Theano would keep int64 and truncate), float32 stays, float16 is refused', () => {
    const i = T.constant([[2, 1], [1, 3]]);
    expect(i.dtype).toBe('int64');
    const inv = both(T.nlinalg.matrixInverse(i));
    expect(inv.dtype).toBe('float64');
    expectClose(inv, [[0.6, -0.2], [-0.2, 0.4]], 1e-15);
    expect(T.nlinalg.det(T.imatrix('a')).dtype).toBe('float64');
    expect(T.slinalg.solve(T.fmatrix('a'), T.fvector('b')).dtype).toBe('float32');
    expect(T.slinalg.solve(T.fmatrix('a'), T.dvector('b')).dtype).toBe('float64');
    expect(T.slinalg.cholesky(T.fmatrix('a')).dtype).toBe('float32');
    expect(() => T.nlinalg.matrixInverse(T.matrix('h', 'float16'))).toThrow(/float16 is not supported/);
  });
  it('a non-square static shape is refused when the graph is built, naming the input and its shape', () => {
    const a = T.tensor('float64', [false, false], 'a');
    const wide = T.constant(sym.NDArray.zeros([2, 3], 'float64'), { name: 'wide' });
    expect(() => T.nlinalg.matrixInverse(wide)).toThrow(/MatrixInverse: wide must be a square matrix, got shape \(2, 3\)/);
    expect(() => T.nlinalg.det(T.dvector('v'))).toThrow(/Det: the input must be a matrix \(2 dimensions\), got v/);
    expect(() => T.slinalg.solve(a, T.constant(sym.NDArray.zeros([3, 3, 3], 'float64')))).toThrow(/b must be a vector or a matrix/);
    expect(() => T.slinalg.solve(T.constant(sym.NDArray.zeros([3, 3], 'float64')), T.constant([1, 2], { dtype: 'float64' }))).toThrow(/must have 3 rows/);
    void a;
  });
  it('a non-square value is refused when the function is called, naming the input and its shape', () => {
    const a = T.dmatrix('a');
    expect(() => T.nlinalg.matrixInverse(a).evalSync({ a: sym.NDArray.zeros([2, 3], 'float64') })).toThrow(/MatrixInverse: a must be a square matrix, got shape \(2, 3\)/);
    expect(() => T.slinalg.cholesky(a).evalSync({ a: sym.NDArray.zeros([3, 1], 'float64') })).toThrow(/a must be a square matrix, got shape \(3, 1\)/);
  });
  it('options are checked', () => {
    const a = T.dmatrix('a');
    const b = T.dvector('b');
    expect(() => T.slinalg.solve(a, b, { assume_a: 'pos' } as object)).toThrow(/did you mean assumeA/);
    expect(() => T.slinalg.solve(a, b, { assumeA: 'diagonal' as 'gen' })).toThrow(/assumeA must be one of/);
    expect(() => T.slinalg.solve(a, b, { assumeA: 'pos', aStructure: 'general' })).toThrow(/disagree/);
    expect(() => T.slinalg.solve(a, b, { assumeA: 'lower_triangular', lower: false })).toThrow(/contradicts/);
    expect(T.slinalg.solve(a, b, { aStructure: 'symmetric' }).owner!.op.toString()).toBe('Solve{sym, lower=false}');
  });
  it('a float32 inverse agrees with the float64 reference to float32 rounding', () => {
    const m = randomMatrix(12, 5);
    const r = both(T.nlinalg.matrixInverse(mat(m, 'float32')));
    expectClose(r, [...reference(T.nlinalg.matrixInverse(mat(m))).data], 1e-5);
  });
});

describe('DebugMode: every op\'s kernels against its reference perform', () => {
  it('inverse, det, cholesky and the solves, float64 and float32', async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const a = T.tensor(dtype, [false, false], 'a');
      const s = T.tensor(dtype, [false, false], 's');
      const b = T.tensor(dtype, [false], 'b');
      const outs = [
        T.nlinalg.matrixInverse(a),
        T.nlinalg.det(a),
        T.slinalg.cholesky(s, { lower: false }),
        T.slinalg.solve(a, b),
        T.slinalg.solve(s, b, { assumeA: 'pos' }),
        T.slinalg.solve(s, b, { assumeA: 'sym', lower: true }),
        T.slinalg.solveLowerTriangular(a, b),
      ];
      const f = sym.function([a, s, b], outs, { mode: 'DebugMode' });
      const n = 8;
      const values = [sym.array(randomMatrix(n, 3), { dtype }), sym.array(randomMatrix(n, 4, true), { dtype }), sym.array(randomMatrix(1, 5)[0]!.concat(Array(n - 1).fill(0.5)), { dtype })];
      const got = (await f(...values)) as sym.NDArray[];
      expect(got.map((g) => g.dtype)).toEqual(outs.map(() => dtype));
    }
  });
});

describe('lowering: unrolled, O(n) kernels, few distinct ones', () => {
  const program = (out: (x: sym.TensorVariable) => sym.TensorVariable, n: number) => {
    const x = T.dmatrix('x');
    return sym.schedule({ inputs: [x], inputShapes: [[n, n]], outputs: [out(x)] });
  };
  const distinct = (p: sym.Program) => new Set(p.steps.map((s) => sym.kernelKey(s.kernel))).size;
  it('inverse: 1 + 3n kernels (pivot column, argmax, elimination per step) and a copy of the result\'s columns, 5 of them distinct', () => {
    for (const n of [4, 9]) {
      const p = program(T.nlinalg.matrixInverse, n);
      expect(p.steps.length).toBe(2 + 3 * n);
      expect(distinct(p)).toBe(5);
    }
  });
  it('det: 3(n - 1) + 2 kernels; cholesky: n + 2; a triangular solve: n', () => {
    expect(program(T.nlinalg.det, 6).steps.length).toBe(3 * 5 + 2);
    expect(program((x) => T.slinalg.cholesky(x), 6).steps.length).toBe(6 + 2);
    const x = T.dmatrix('x');
    const b = T.dmatrix('b');
    expect(sym.schedule({ inputs: [x, b], inputShapes: [[6, 6], [6, 2]], outputs: [T.slinalg.solveLowerTriangular(x, b)] }).steps.length).toBe(6);
  });
});
