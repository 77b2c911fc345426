/**
 * `T.nlinalg` and `T.slinalg`: Theano's `theano.tensor.nlinalg` and
 * `theano.tensor.slinalg` on 2-D matrices (the ops are in ops/linalg.ts,
 * the decompositions in ops/linalg-qr.ts, linalg-eigh.ts and
 * linalg-svd.ts; the compositions in linalg-norms.ts), and `T.tril` /
 * `T.triu`.
 */
import { apply1, applyNode, asTensor, type TensorLike } from '../core/op.js';
import { checkOptionNames } from '../core/options.js';
import type { TensorVariable } from '../core/variable.js';
import { QR, QR_MODES, type QRMode } from '../ops/linalg-qr.js';
import { Eigh } from '../ops/linalg-eigh.js';
import { SVD } from '../ops/linalg-svd.js';
import { pinvCut } from './pinv.js';
import { allocDiag, extractDiag, lstsq, matrixPower, norm, tensorinv, tensorsolve } from './linalg-norms.js';
import { Cholesky, Det, MatrixInverse, SOLVE_STRUCTURES, Solve, type SolveStructure } from '../ops/linalg.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

const MATRIX_INVERSE = new MatrixInverse();
const DET = new Det();

/** Theano's `matrix_inverse(A)` (numpy.linalg.inv); a singular A gives NaN or infinities where NumPy raises. */
export function matrixInverse(a: TensorLike): TensorVariable {
  return apply1(MATRIX_INVERSE, [asTensor(a, 'matrixInverse')]);
}

/** Theano's `det(A)` (numpy.linalg.det): 1 for a 0 x 0 matrix. */
export function det(a: TensorLike): TensorVariable {
  return apply1(DET, [asTensor(a, 'det')]);
}

/** Theano's `trace(X)`: the sum of a matrix's diagonal. */
export function trace(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'trace');
  if (v.ndim !== 2) throw new TypeError(`trace: x must be a matrix (2 dimensions), got ${v} of type ${v.type}`);
  return T.sum(T.diagonal(v));
}

/** Theano's `matrix_dot(*args)`: dot(dot(a, b), c) ... from the left. */
export function matrixDot(...ms: TensorLike[]): TensorVariable {
  if (ms.length === 0) throw new TypeError('matrixDot: expected at least one matrix, got none');
  const vs = ms.map((m, i) => asTensor(m, `matrixDot: argument ${i}`));
  return vs.slice(1).reduce((acc, m) => T.dot(acc, m), vs[0]!);
}

/** Options of `T.slinalg.cholesky`. */
export interface CholeskyOptions {
  /** The lower factor L (A = L L^T, A's lower triangle read), or the upper one U (A = U^T U, its upper triangle read). Default true. */
  readonly lower?: boolean;
  /** Theano's `on_error`: only `'nan'`, since kernels cannot raise; a matrix that is not positive definite gives a factor of NaN. */
  readonly onError?: 'nan';
}

/** Theano's `cholesky(A)` (Cholesky(lower, on_error='nan')). */
export function cholesky(a: TensorLike, options: CholeskyOptions = {}): TensorVariable {
  checkOptionNames(options, 'cholesky', ['lower', 'onError']);
  if (options.onError !== undefined && options.onError !== 'nan') {
    throw new TypeError(
      `cholesky: onError must be 'nan', got ${JSON.stringify(options.onError)}; compiled kernels cannot raise, so a matrix that is not positive definite gives a factor of NaN (Theano's on_error='nan')`,
    );
  }
  return apply1(new Cholesky(options.lower ?? true), [asTensor(a, 'cholesky')]);
}

/** Theano's `A_structure` names, and the structures they are. */
const THEANO_STRUCTURES: { readonly [k: string]: SolveStructure } = {
  general: 'gen',
  symmetric: 'sym',
  lower_triangular: 'lower_triangular',
  upper_triangular: 'upper_triangular',
};

/** Options of `T.slinalg.solve`. */
export interface SolveOptions {
  /** SciPy's `assume_a` (default `'gen'`), with Theano's triangular structures. */
  readonly assumeA?: SolveStructure;
  /** Theano's `A_structure`: `'general'`, `'symmetric'`, `'lower_triangular'` or `'upper_triangular'` (another spelling of `assumeA`). */
  readonly aStructure?: 'general' | 'symmetric' | 'lower_triangular' | 'upper_triangular';
  /** For `sym` and `pos`: read A's lower triangle (default false: the upper one, as SciPy). */
  readonly lower?: boolean;
}

/**
 * `solve(A, b)` (Theano's `Solve`, scipy.linalg.solve): x with A x = b, b
 * a vector or a matrix. A singular A gives NaN or infinities where SciPy
 * raises; so does one that is not positive definite with `assumeA: 'pos'`.
 */
export function solve(a: TensorLike, b: TensorLike, options: SolveOptions = {}): TensorVariable {
  checkOptionNames(options, 'solve', ['assumeA', 'aStructure', 'lower']);
  let structure: SolveStructure = options.assumeA ?? 'gen';
  if (options.assumeA !== undefined && !SOLVE_STRUCTURES.includes(options.assumeA)) {
    throw new TypeError(`solve: assumeA must be one of ${SOLVE_STRUCTURES.join(', ')}, got ${JSON.stringify(options.assumeA)}`);
  }
  if (options.aStructure !== undefined) {
    const s = THEANO_STRUCTURES[options.aStructure];
    if (s === undefined || !Object.hasOwn(THEANO_STRUCTURES, options.aStructure)) {
      throw new TypeError(`solve: aStructure must be one of ${Object.keys(THEANO_STRUCTURES).join(', ')}, got ${JSON.stringify(options.aStructure)}`);
    }
    if (options.assumeA !== undefined && options.assumeA !== s) {
      throw new TypeError(`solve: assumeA ${JSON.stringify(options.assumeA)} and aStructure ${JSON.stringify(options.aStructure)} disagree; give one of them`);
    }
    structure = s;
  }
  const lower = options.lower ?? false;
  if ((structure === 'lower_triangular' && options.lower === false) || (structure === 'upper_triangular' && options.lower === true)) {
    throw new TypeError(`solve: lower ${options.lower} contradicts the structure ${structure}`);
  }
  return apply1(new Solve(structure, lower), [asTensor(a, 'solve: A'), asTensor(b, 'solve: b')]);
}

/** Theano's `solve_lower_triangular(A, b)`: only A's lower triangle is read. */
export function solveLowerTriangular(a: TensorLike, b: TensorLike): TensorVariable {
  return solve(a, b, { assumeA: 'lower_triangular' });
}

/** Theano's `solve_upper_triangular(A, b)`: only A's upper triangle is read. */
export function solveUpperTriangular(a: TensorLike, b: TensorLike): TensorVariable {
  return solve(a, b, { assumeA: 'upper_triangular' });
}

/** Theano's `solve_symmetric(A, b)`: A symmetric, its upper triangle read (its lower one with `lower`). */
export function solveSymmetric(a: TensorLike, b: TensorLike, options: { readonly lower?: boolean } = {}): TensorVariable {
  checkOptionNames(options, 'solveSymmetric', ['lower']);
  return solve(a, b, { assumeA: 'sym', lower: options.lower ?? false });
}

/** scipy.linalg.solve_triangular(A, b, lower): A's lower triangle with `lower`, else its upper one (SciPy's default). */
export function solveTriangular(a: TensorLike, b: TensorLike, options: { readonly lower?: boolean } = {}): TensorVariable {
  checkOptionNames(options, 'solveTriangular', ['lower']);
  return solve(a, b, { assumeA: options.lower ? 'lower_triangular' : 'upper_triangular' });
}

/** Elements on and below diagonal k (`numpy.tril`), over the last two axes; zeros elsewhere. */
export function tril(x: TensorLike, k = 0): TensorVariable {
  return triangle('tril', x, k, true);
}

/** Elements on and above diagonal k (`numpy.triu`), over the last two axes; zeros elsewhere. */
export function triu(x: TensorLike, k = 0): TensorVariable {
  return triangle('triu', x, k, false);
}

function triangle(what: string, x: TensorLike, k: number, lower: boolean): TensorVariable {
  const v = asTensor(x, what);
  if (v.ndim < 2) throw new TypeError(`${what}: x must have at least 2 dimensions, got ${v} of type ${v.type}`);
  if (!Number.isInteger(k)) throw new TypeError(`${what}: k must be an integer, got ${k}`);
  const rows = T.dimshuffle(T.arange(T.shapeI(v, v.ndim - 2)), [0, 'x']).add(k);
  const cols = T.dimshuffle(T.arange(T.shapeI(v, v.ndim - 1)), ['x', 0]);
  const keep = lower ? cols.le(rows) : cols.ge(rows);
  return T.switch_(keep, v, 0);
}

/**
 * [a / c, c]: svd's and qr's column norms square the entries, which
 * overflows to Infinity (NaN results) beyond about 1e154 in float64 and
 * 1e19 in float32, and underflows to 0 (singular values of 0, a wrong R)
 * below 1e-154 and 1e-19. So, as LAPACK's dgesvd and dgeqrf callers do
 * (dlascl), where max |a| lies outside 2^+-(emax / 2 - mantissa bits)
 * (1e+-138 in float64, 1e+-12 in float32) c is a power of two near it,
 * else 1 (so in range the results are exactly those without scaling; a
 * matrix whose entries span more than that range keeps its small ones).
 * Dividing by a power of two is exact; the exponent is clamped to the
 * dtype's normal range so that c is finite and nonzero. c is 1 for an
 * empty matrix and one not finite; integer and float16 ones are not scaled.
 */
function scaledToUnit(a: TensorVariable): [TensorVariable, TensorVariable | null] {
  const [emax, bits] = a.dtype === 'float64' ? [1022, 52] : a.dtype === 'float32' ? [126, 23] : [0, 0];
  // anything but a float matrix goes to the op as given, which names it in its error
  if (emax === 0 || a.ndim !== 2) return [a, null];
  // a 0 appended: the max of an empty matrix is 0, not an error
  const big = T.max(T.concatenate([T.flatten(T.abs(a)), T.zeros([1], a.dtype)]));
  const safe = 2 ** (emax / 2 - bits);
  const scale = T.and(T.and(T.gt(big, 0), T.lt(big, Infinity)), T.or(T.gt(big, safe), T.lt(big, 1 / safe)));
  // the logarithm of 1 where there is no scaling (never of 0 or Infinity)
  // log(x) / ln 2, not T.log2, whose exactness at powers of two costs 11 more nodes: a power of two a bit off
  // scales as well
  const exponent = T.clip(T.floor(T.trueDiv(T.log(T.switch_(scale, big, 1)), Math.LN2)), -emax, emax);
  const c = T.switch_(scale, T.exp2(exponent), 1);
  return [T.trueDiv(a, c), c];
}

/**
 * NumPy's `linalg.qr(A, mode)` (Theano's `nlinalg.qr`) of a matrix of any
 * shape, by Householder reflections with LAPACK's signs (so Q and R are
 * NumPy's): `'reduced'` (default) gives [Q (m, k), R (k, n)], `'complete'`
 * [Q (m, m), R (m, n)], `'r'` R (k, n) alone, k = min(m, n).
 * Differentiable in modes 'reduced' and 'r' for m >= n (PyTensor's
 * gradient; Theano's QR had none). A matrix whose largest entry is beyond
 * 1e+-138 (float64; 1e+-12 in float32) is scaled by a power of two first,
 * as LAPACK does, so that squares neither overflow nor underflow.
 */
export function qr(a: TensorLike, mode: 'r'): TensorVariable;
export function qr(a: TensorLike, mode?: 'reduced' | 'complete'): [TensorVariable, TensorVariable];
export function qr(a: TensorLike, mode: QRMode = 'reduced'): TensorVariable | [TensorVariable, TensorVariable] {
  if (!QR_MODES.includes(mode)) {
    const why = (mode as string) === 'raw' ? "; 'raw' is LAPACK's packed reflectors, which sym does not produce" : '';
    throw new TypeError(`qr: mode must be one of ${QR_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}${why}`);
  }
  const [scaled, c] = scaledToUnit(asTensor(a, 'qr'));
  const outs = applyNode(new QR(mode), [scaled]).outputs;
  // R scales with a, Q does not
  const r = c === null ? outs[outs.length - 1]! : T.mul(outs[outs.length - 1]!, c);
  return mode === 'r' ? r : [outs[0]!, r];
}

/**
 * NumPy's `linalg.eigh(a, UPLO)` (Theano's `nlinalg.eigh`): [w, v], the
 * eigenvalues of a symmetric matrix in ascending order and its unit
 * eigenvectors (the columns of v), from the triangle UPLO names ('L', the
 * default: the lower one). By Jacobi rotations, a fixed number of sweeps;
 * an eigenvector's sign is not LAPACK's (neither is unique). Differentiable
 * (Theano's EighGrad) where the eigenvalues are distinct.
 */
export function eigh(a: TensorLike, UPLO: 'L' | 'U' = 'L'): [TensorVariable, TensorVariable] {
  if (UPLO !== 'L' && UPLO !== 'U') throw new TypeError(`eigh: UPLO must be 'L' or 'U', got ${JSON.stringify(UPLO)}`);
  const [w, v] = applyNode(new Eigh(UPLO), [asTensor(a, 'eigh')]).outputs;
  return [w!, v!];
}

/** NumPy's `linalg.eigvalsh(a, UPLO)`: eigh's eigenvalues alone, ascending. */
export function eigvalsh(a: TensorLike, UPLO: 'L' | 'U' = 'L'): TensorVariable {
  return eigh(a, UPLO)[0];
}

/** Options of `T.nlinalg.svd`. */
export interface SVDOptions {
  /** U (m, m) and V^H (n, n) rather than (m, k) and (k, n), k = min(m, n). Default true (NumPy's). */
  readonly fullMatrices?: boolean;
  /** Return [U, s, V^H]; false: the singular values alone. Default true. */
  readonly computeUv?: boolean;
}

/**
 * NumPy's `linalg.svd(a, full_matrices, compute_uv)` (Theano's
 * `nlinalg.svd`): [U, s, Vh] with a = U diag(s) Vh and s descending, or s
 * alone with `computeUv: false`. By one-sided Jacobi; a pair of singular
 * vectors' sign is not LAPACK's (neither is unique), and a zero singular
 * value's column of U is 0 rather than a unit vector. Differentiable
 * (PyTensor's gradient; Theano's SVD had none): through s always, through U
 * and Vh of the thin SVD (`fullMatrices: false`), or of a full one only on
 * a side that is statically square; through U or Vh it is infinite or NaN
 * where singular values repeat or one is exactly 0. Scaled as qr is near
 * the ends of the float range.
 */
export function svd(a: TensorLike, options: SVDOptions & { readonly computeUv: false }): TensorVariable;
export function svd(a: TensorLike, options?: SVDOptions): [TensorVariable, TensorVariable, TensorVariable];
export function svd(a: TensorLike, options: SVDOptions = {}): TensorVariable | [TensorVariable, TensorVariable, TensorVariable] {
  checkOptionNames(options, 'svd', ['fullMatrices', 'computeUv']);
  const [scaled, c] = scaledToUnit(asTensor(a, 'svd'));
  const outs = applyNode(new SVD(options.fullMatrices ?? true, options.computeUv ?? true), [scaled]).outputs;
  // s scales with a, U and Vh do not
  const s = (i: number): TensorVariable => (c === null ? outs[i]! : T.mul(outs[i]!, c));
  return outs.length === 1 ? s(0) : [outs[0]!, s(1), outs[2]!];
}

/**
 * NumPy's `linalg.pinv(a, rcond = 1e-15)` (Theano's `pinv`): the
 * Moore-Penrose pseudo-inverse through the reduced SVD, singular values at
 * or below rcond times the largest treated as zero. Its gradient is the
 * pseudo-inverse's own (Golub-Pereyra), defined wherever a's rank is
 * locally constant: repeated singular values (an orthogonal matrix, say)
 * included, where svd's gradient through U and V^T is not.
 */
export function pinv(a: TensorLike, rcond = 1e-15): TensorVariable {
  if (typeof rcond !== 'number' || Number.isNaN(rcond)) throw new TypeError(`pinv: rcond must be a number, got ${String(rcond)}`);
  return pinvCut(a, rcond);
}

/** `T.nlinalg`: Theano's `theano.tensor.nlinalg` (matrixInverse, det, trace, matrixDot, matrixPower, norm, extractDiag, allocDiag, qr, eigh, eigvalsh, svd, pinv, lstsq, tensorinv, tensorsolve). */
export const nlinalg = {
  /** Theano's `matrix_inverse(A)` (numpy.linalg.inv); a singular A gives NaN or infinities. */ matrixInverse,
  /** Theano's `det(A)` (numpy.linalg.det). */ det,
  /** Theano's `trace(X)`: the sum of a matrix's diagonal. */ trace,
  /** Theano's `matrix_dot(*args)`: the products from the left. */ matrixDot,
  /** NumPy's `linalg.matrix_power(M, n)`: M to an integer power (negative: of its inverse). */ matrixPower,
  /** NumPy's `linalg.norm(x, ord, axis, keepdims)`: vector and matrix norms. */ norm,
  /** Theano's `extract_diag(x)`: the diagonal, as `T.diagonal`. */ extractDiag,
  /** Theano's `alloc_diag(v, offset)`: a square matrix with v on a diagonal. */ allocDiag,
  /** NumPy's `linalg.qr(A, mode)`: [Q, R] (or R alone in mode 'r'). */ qr,
  /** NumPy's `linalg.eigh(a, UPLO)`: [ascending eigenvalues, unit eigenvectors] of a symmetric matrix. */ eigh,
  /** NumPy's `linalg.eigvalsh(a, UPLO)`: a symmetric matrix's eigenvalues, ascending. */ eigvalsh,
  /** NumPy's `linalg.svd`, as `svd(a, { fullMatrices, computeUv })`: [U, s, Vh] with s descending, or s alone. */ svd,
  /** NumPy's `linalg.pinv(a, rcond)`: the Moore-Penrose pseudo-inverse. */ pinv,
  /** NumPy's `linalg.lstsq(a, b, rcond)`: [x, residuals, rank, singular values]. */ lstsq,
  /** NumPy's `linalg.tensorinv(a, ind)`: the inverse of a read as a matrix of its first `ind` axes by its others. */ tensorinv,
  /** NumPy's `linalg.tensorsolve(a, b, axes)`: x with tensordot(a, x, x.ndim) = b. */ tensorsolve,
} as const;

/** `T.slinalg`: Theano's `theano.tensor.slinalg` (cholesky, solve and its triangular and symmetric forms). */
export const slinalg = {
  /** Theano's `cholesky(A)`: the lower (or upper) Cholesky factor; NaN when A is not positive definite. */ cholesky,
  /** `solve(A, b, options)` (scipy.linalg.solve): x with A x = b. */ solve,
  /** Theano's `solve_lower_triangular(A, b)`. */ solveLowerTriangular,
  /** Theano's `solve_upper_triangular(A, b)`. */ solveUpperTriangular,
  /** Theano's `solve_symmetric(A, b)`. */ solveSymmetric,
  /** scipy.linalg.solve_triangular(A, b, { lower }). */ solveTriangular,
} as const;
