/**
 * Linear algebra (T.nlinalg, T.slinalg): inverse, det, Cholesky and the
 * solves lower to long programs of gathers, argmax reductions and
 * elementwise kernels, one step after another, so these cases check that a
 * backend runs such programs right at sizes 0, 1, 2, 5, 33 and 100. eig,
 * eigvals and complex det run on the host between programs; complex solve
 * and inverse are the real ones on the block form [[Re, -Im], [Im, Re]].
 *
 * Matrices are well conditioned: I + R / (2 sqrt n), R uniform in
 * [-1, 1), so the eigenvalues lie within about 0.3 of 1 and det stays in
 * float32's range at n = 100; its rows are shuffled so that partial
 * pivoting has to swap them. Symmetric positive definite ones are
 * I + R R^T / (2 n); triangular ones keep one triangle of the first kind.
 */
import * as sym from '@sym/graph';
import type { DType, NDArray, TensorVariable } from '@sym/graph';
import { fill, isFloat } from '@sym/graph';
import { operand, type OpCase } from '../case.js';
import type { Rng } from '../rng.js';

const T = sym.T;
const C = sym.complex;
type Kind = 'general' | 'spd' | 'lower' | 'upper';

/** An n x n matrix of `kind` in dtype d (see the header); integer dtypes get a diagonally dominant integer matrix. */
export function wellConditioned(rng: Rng, n: number, kind: Kind, d: DType): NDArray {
  if (!isFloat(d)) return fill([n, n], d, (e) => (Math.floor(e / n) === e % n ? 4 * n : rng.int(-2, 2)));
  const scale = 0.5 / Math.sqrt(Math.max(n, 1));
  const r = Array.from({ length: n * n }, () => rng.uniform(-1, 1));
  const at = (i: number, j: number): number => (i === j ? 1 : 0) + scale * r[i * n + j]!;
  if (kind === 'spd') {
    return fill([n, n], d, (e) => {
      const i = Math.floor(e / n);
      const j = e % n;
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += (r[i * n + k]! * r[j * n + k]!) / (2 * n);
      return s;
    });
  }
  if (kind !== 'general') return fill([n, n], d, (e) => ((kind === 'lower' ? e % n <= Math.floor(e / n) : e % n >= Math.floor(e / n)) ? at(Math.floor(e / n), e % n) : 0));
  // a random permutation of the rows: partial pivoting must undo it
  const rows = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return fill([n, n], d, (e) => at(rows[Math.floor(e / n)]!, e % n));
}

function rhs(rng: Rng, shape: readonly number[], d: DType): NDArray {
  return fill([...shape], d, () => (isFloat(d) ? rng.uniform(-1, 1) : rng.int(-3, 3)));
}

interface LinalgCase {
  readonly op: string;
  readonly label: string;
  readonly kind: Kind;
  readonly sizes: readonly number[];
  /** Columns of b, or 'vector'; none: no b. */
  readonly b?: number | 'vector';
  /** Read A through its transpose (a non-contiguous view). */
  readonly transposed?: boolean;
  readonly build: (a: TensorVariable, b: TensorVariable | undefined) => TensorVariable;
}

const SIZES = [0, 1, 2, 5, 33, 100] as const;

const CASES: readonly LinalgCase[] = [
  { op: 'matrix_inverse', label: 'matrixInverse', kind: 'general', sizes: SIZES, build: (a) => T.nlinalg.matrixInverse(a) },
  { op: 'matrix_inverse', label: 'matrixInverse of A.T', kind: 'general', sizes: [5], transposed: true, build: (a) => T.nlinalg.matrixInverse(a) },
  { op: 'det', label: 'det', kind: 'general', sizes: SIZES, build: (a) => T.nlinalg.det(a) },
  { op: 'cholesky', label: 'cholesky', kind: 'spd', sizes: SIZES, build: (a) => T.slinalg.cholesky(a) },
  { op: 'cholesky', label: 'cholesky upper', kind: 'spd', sizes: [5, 33], build: (a) => T.slinalg.cholesky(a, { lower: false }) },
  { op: 'solve', label: 'solve gen, vector b', kind: 'general', sizes: SIZES, b: 'vector', build: (a, b) => T.slinalg.solve(a, b!) },
  { op: 'solve', label: 'solve gen, 3 columns', kind: 'general', sizes: [0, 2, 33], b: 3, build: (a, b) => T.slinalg.solve(a, b!) },
  { op: 'solve', label: 'solve sym (upper triangle)', kind: 'spd', sizes: [5, 33], b: 2, build: (a, b) => T.slinalg.solve(a, b!, { assumeA: 'sym' }) },
  { op: 'solve', label: 'solve pos (lower triangle)', kind: 'spd', sizes: [1, 5, 33, 100], b: 'vector', build: (a, b) => T.slinalg.solve(a, b!, { assumeA: 'pos', lower: true }) },
  { op: 'solve', label: 'solveLowerTriangular', kind: 'lower', sizes: [1, 5, 33, 100], b: 2, build: (a, b) => T.slinalg.solveLowerTriangular(a, b!) },
  { op: 'solve', label: 'solveUpperTriangular', kind: 'upper', sizes: [5, 33], b: 'vector', build: (a, b) => T.slinalg.solveUpperTriangular(a, b!) },
  { op: 'qr', label: 'qr R', kind: 'general', sizes: [0, 1, 5, 33], build: (a) => T.nlinalg.qr(a, 'r') },
  { op: 'qr', label: 'qr Q', kind: 'general', sizes: [1, 5, 33], build: (a) => T.nlinalg.qr(a)[0] },
  // eigh reads one triangle of the general matrix; an eigenvector's sign is not unique, |V| is. Sizes to 12: Jacobi's
  // sweeps make n = 33 some 1000 to 3000 launches, seconds of compiling on a slow backend for no other path
  { op: 'eigh', label: 'eigh w', kind: 'general', sizes: [0, 1, 2, 5, 12], build: (a) => T.nlinalg.eigh(a)[0] },
  { op: 'eigh', label: 'eigh |V|', kind: 'general', sizes: [1, 5, 12], build: (a) => T.abs(T.nlinalg.eigh(a)[1]) },
  { op: 'svd', label: 'svd s', kind: 'general', sizes: [0, 1, 2, 5, 12], build: (a) => T.nlinalg.svd(a, { computeUv: false }) },
  { op: 'svd', label: 'pinv', kind: 'general', sizes: [5], build: (a) => T.nlinalg.pinv(a) },
  { op: 'eigh', label: "eigh UPLO 'U' |V|", kind: 'general', sizes: [6], transposed: true, build: (a) => T.abs(T.nlinalg.eigh(a, 'U')[1]) },
  // eig runs on the host in float64 between programs (its input read back, its parts uploaded): these check that cut on
  // each backend, and kernels on each side of it (a transposed view before, products and |w| after). Complex results
  // are their parts, joined; the well-conditioned matrices have complex pairs near 1
  { op: 'eig', label: 'eig w (real parts, then imaginary)', kind: 'general', sizes: [0, 1, 2, 5, 33], build: (a) => joined(T.nlinalg.eig(a)[0]) },
  { op: 'eig', label: 'eig V (real parts, then imaginary)', kind: 'general', sizes: [1, 5, 12], build: (a) => joined(T.nlinalg.eig(a)[1]) },
  { op: 'eig', label: 'eig A V - V diag(w)', kind: 'general', sizes: [5, 12], build: (a) => { const [w, v] = T.nlinalg.eig(a); return joined(C.sub(C.dot(a, v), C.mul(v, w))); } },
  { op: 'eig', label: '|eigvals(A.T)|', kind: 'general', sizes: [6], transposed: true, build: (a) => C.abs(T.nlinalg.eigvals(a)) },
  { op: 'eig', label: 'eig(A + 0.5i A^T): w, then V flattened', kind: 'general', sizes: [1, 5, 12], build: (a) => { const [w, v] = T.nlinalg.eig(complexOf(a)); return T.concatenate([joined(w), T.flatten(joined(v))]); } },
  // complex linear algebra of Z = A + 0.5i A^T: solve and inverse on the real block form (2n x 2n), det on the host
  { op: 'matrix_inverse', label: 'complex.matrixInverse(A + 0.5i A^T)', kind: 'general', sizes: [1, 5, 33], build: (a) => joined(C.matrixInverse(complexOf(a))) },
  { op: 'solve', label: 'complex.solve(A + 0.5i A^T, b - ib)', kind: 'general', sizes: [5, 33], b: 2, build: (a, b) => joined(C.solve(complexOf(a), C.complex(b!, T.neg(b!)))) },
  { op: 'det', label: 'complex.det(A + 0.5i A^T)', kind: 'general', sizes: [0, 1, 5, 33], build: (a) => { const d = C.det(complexOf(a)); return T.stack([d.re, d.im]); } },
];

/** A complex result's parts as one real tensor: the real parts, then the imaginary ones, along the first axis. */
function joined(z: sym.ComplexVariable): TensorVariable {
  return T.concatenate([z.re, z.im]);
}

/** A + 0.5i A^T: as well conditioned as A (near (1 + 0.5i) I). */
function complexOf(a: TensorVariable): sym.ComplexVariable {
  return C.complex(a, T.mul(T.transpose(a), 0.5));
}

function linalgCase(dtype: DType, c: LinalgCase, n: number): OpCase {
  const a = operand(dtype, { shape: [n, n], transposed: c.transposed }, 'A');
  const b = c.b === undefined ? undefined : T.tensor(dtype, c.b === 'vector' ? [false] : [false, false], 'b');
  const out = c.build(a.expr, b);
  const bShape = c.b === 'vector' ? [n] : [n, c.b ?? 0];
  return {
    group: 'nlinalg',
    name: `${c.label} ${dtype}: (${n}, ${n})${c.transposed ? '.T' : ''}${b ? ` with b ${c.b === 'vector' ? `(${n},)` : `(${n}, ${c.b})`}` : ''} -> ${out.dtype}`,
    op: c.op,
    dtype,
    graph: {
      inputs: b ? [a.input, b] : [a.input],
      outputs: [out],
      values: (rng) => {
        const m = wellConditioned(rng, n, c.kind, dtype);
        // the transposed operand holds A^T, so that the graph's A is the matrix drawn
        const av = c.transposed ? fill([n, n], dtype, (e) => m.data[(e % n) * n + Math.floor(e / n)]!) : m;
        return b ? [av, rhs(rng, bShape, dtype)] : [av];
      },
    },
  };
}

/** trace and matrixDot are compositions of existing ops: one case each, to see them on every backend; QR of a tall matrix and of a wide one. */
function compositions(dtype: DType): OpCase[] {
  const a = T.tensor(dtype, [false, false], 'A');
  const b = T.tensor(dtype, [false, false], 'B');
  return [
    {
      group: 'nlinalg',
      name: `trace and matrixDot ${dtype}: (5, 5), (5, 5)`,
      op: 'dot',
      dtype,
      graph: {
        inputs: [a, b],
        outputs: [T.nlinalg.trace(a), T.nlinalg.matrixDot(a, b, a)],
        labels: ['trace(A)', 'matrixDot(A, B, A)'],
        values: (rng) => [wellConditioned(rng, 5, 'general', dtype), wellConditioned(rng, 5, 'general', dtype)],
      },
    },
    {
      group: 'nlinalg',
      name: `qr complete and reduced ${dtype}: (7, 4) and its transpose`,
      op: 'qr',
      dtype,
      graph: {
        inputs: [a],
        outputs: [...T.nlinalg.qr(a, 'complete'), ...T.nlinalg.qr(a.T)],
        labels: ['Q complete', 'R complete', 'Q of A.T', 'R of A.T'],
        values: (rng) => [rhs(rng, [7, 4], dtype)],
      },
    },
    {
      group: 'nlinalg',
      // a pair of singular vectors' sign is not unique: |U| and |Vh| are
      name: `svd full and reduced ${dtype}: (7, 4) and its transpose`,
      op: 'svd',
      dtype,
      graph: {
        inputs: [a],
        outputs: [...T.nlinalg.svd(a).map((o, i) => (i === 1 ? o : T.abs(o))), ...T.nlinalg.svd(a.T, { fullMatrices: false }).map((o, i) => (i === 1 ? o : T.abs(o)))],
        labels: ['|U| full', 's', '|Vh| full', '|U| of A.T', 's of A.T', '|Vh| of A.T'],
        values: (rng) => [rhs(rng, [7, 4], dtype)],
      },
    },
  ];
}

/**
 * svd's gradient (@sym/grad's linalg-svd-grad.ts) written out with the ops
 * grad builds it from (the testkit does not depend on grad), for the thin
 * SVD of A: U diag(gs) V^T through s alone, and with F[i, j] =
 * 1 / (s_j^2 - s_i^2) off the diagonal, U [(F o (U^T gU - gU^T U)) S +
 * diag(gs) + S (F o (V^T gV - gV^T V))] V^T plus, where U (V) is not
 * square when the function runs (a switch on the lengths),
 * (I - U U^T) gU S^-1 V^T (U S^-1 gV^T (I - V V^T)); NaN is added to the
 * bracket where a singular value is exactly 0 (a switch on any(s == 0)).
 */
function svdGradient(a: TensorVariable, gU: TensorVariable, gs: TensorVariable, gVh: TensorVariable, tall: boolean): [TensorVariable, TensorVariable] {
  const [U, s, Vh] = T.nlinalg.svd(a, { fullMatrices: false });
  const byColumns = (m: TensorVariable, v: TensorVariable): TensorVariable => m.mul(T.dimshuffle(v, ['x', 0]));
  const byRows = (m: TensorVariable, v: TensorVariable): TensorVariable => m.mul(T.dimshuffle(v, [0, 'x']));
  const I = T.eye(T.shapeI(s, 0), null, 0, gU.dtype);
  const s2 = T.sqr(s);
  const diff = T.dimshuffle(s2, ['x', 0]).sub(T.dimshuffle(s2, [0, 'x']));
  const F = T.switch_(I, 0, T.trueDiv(1, T.switch_(I, 1, diff)));
  const inverse = T.trueDiv(1, s);
  const UtgU = T.dot(U.T, gU);
  const gVtV = T.dot(gVh, Vh.T);
  const undefinedAtZero = T.cast(T.switch_(T.any(T.eq(s, 0)), NaN, 0), gU.dtype);
  const inner = T.dimshuffle(gs, [0, 'x']).mul(I).add(byColumns(UtgU.sub(UtgU.T).mul(F), s)).add(byRows(gVtV.T.sub(gVtV).mul(F), s));
  const main = T.dot(U, T.dot(inner.add(undefinedAtZero), Vh));
  const k = T.shapeI(s, 0);
  const extra = tall
    ? T.switch_(T.gt(T.shapeI(U, 0), k), T.dot(byColumns(gU.sub(T.dot(U, UtgU)), inverse), Vh), 0)
    : T.switch_(T.gt(T.shapeI(Vh, 1), k), T.dot(byColumns(U, inverse), gVh.sub(T.dot(gVtV, Vh))), 0);
  return [T.dot(byColumns(U, gs), Vh), main.add(extra)];
}

/** svd's gradients of a tall A (5, 3) and of the wide A^T, singular values near 3, 2 and 1 (well apart: F stays small). */
function svdGradients(dtype: DType): OpCase {
  const a = T.tensor(dtype, [false, false], 'A');
  const g1 = T.tensor(dtype, [false, false], 'G1');
  const gs = T.tensor(dtype, [false], 'gs');
  const g2 = T.tensor(dtype, [false, false], 'G2');
  return {
    group: 'nlinalg',
    name: `svd gradients ${dtype}: A (5, 3) with gU (5, 3), gs (3,), gVh (3, 3), and A.T with gU G2, gVh G1.T`,
    op: 'svd',
    dtype,
    graph: {
      inputs: [a, g1, gs, g2],
      outputs: [...svdGradient(a, g1, gs, g2, true), ...svdGradient(a.T, g2, gs, g1.T, false)],
      labels: ['U diag(gs) Vh', 'through U, s and Vh', 'U diag(gs) Vh of A.T', 'through U, s and Vh of A.T'],
      values: (rng) => [fill([5, 3], dtype, (e) => (Math.floor(e / 3) === e % 3 ? 3 - (e % 3) : 0) + 0.3 * rng.uniform(-1, 1)), rhs(rng, [5, 3], dtype), rhs(rng, [3], dtype), rhs(rng, [3, 3], dtype)],
    },
  };
}

export function nlinalgCases(dtypes: readonly DType[], quick: boolean): OpCase[] {
  const floats = dtypes.filter((d) => d === 'float32' || d === 'float64');
  const out = floats.flatMap((d) => [...CASES.flatMap((c) => c.sizes.filter((n) => !quick || n <= 33).map((n) => linalgCase(d, c, n))), ...compositions(d), svdGradients(d)]);
  // an integer matrix computes in float64 (NumPy's rule)
  if (dtypes.includes('int32')) out.push(linalgCase('int32', { op: 'det', label: 'det', kind: 'general', sizes: [4], build: (a) => T.nlinalg.det(a) }, 4));
  if (dtypes.includes('int32')) out.push(linalgCase('int32', { op: 'matrix_inverse', label: 'matrixInverse', kind: 'general', sizes: [4], build: (a) => T.nlinalg.matrixInverse(a) }, 4));
  return out;
}
