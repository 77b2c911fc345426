/**
 * The parts of `T.nlinalg` that are compositions of existing ops, so that
 * their gradients come from those ops' and every backend runs them:
 * NumPy's `matrix_power` and `linalg.norm` (2, -2 and 'nuc' of a matrix
 * through nlinalg's `svd`), and Theano's
 * `extract_diag` / `alloc_diag`.
 */
import { isFloat, type DType } from '../core/dtype.js';
import { asTensor, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import { lengthOf } from '../tensor/axes.js';
import { axisIn } from '../core/axis.js';
import { labelForErrors, nameInError } from '../core/error-names.js';
// a cycle (tensor.ts re-exports linalg.ts, which re-exports this file): used only inside functions
import * as T from '../tensor/tensor.js';
import { matrixInverse, solve, svd } from './linalg.js';
import { lstsqSolution } from './pinv.js';
import type { Length } from '../ops/alloc.js';

/**
 * NumPy's `linalg.matrix_power(M, n)` (Theano's `matrix_power`): M times
 * itself n times for an integer n, by repeated squaring in NumPy's order
 * (so the products round as NumPy's); n = 0 gives the identity in M's
 * dtype, a negative n the power of M's inverse (float64 for an integer M,
 * as NumPy). The gradient goes through the products and the inverse.
 */
export function matrixPower(m: TensorLike, n: number): TensorVariable {
  const a = asTensor(m, 'matrixPower: M');
  if (a.ndim !== 2) throw new TypeError(`matrixPower: M must be a matrix (2 dimensions), got ${a} of type ${a.type} (${a.ndim} dimensions)`);
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new TypeError(`matrixPower: n must be an integer, got ${String(n)}`);
  const [r, c] = a.staticShape as [number | null, number | null];
  if (r !== null && c !== null && r !== c) throw new RangeError(`matrixPower: M must be a square matrix, got ${a} of shape (${r}, ${c})`);
  // the identity in M's dtype (a non-square M of unknown shape is not caught here, as it is not for n = 1)
  if (n === 0) return T.eye(lengthOf(a, 0), null, 0, a.dtype);
  const base = n < 0 ? matrixInverse(a) : a;
  let k = Math.abs(n);
  if (k <= 3) return k === 1 ? base : k === 2 ? T.dot(base, base) : T.dot(T.dot(base, base), base);
  // NumPy's loop: z runs through base^(2^i); the result gathers the z of each set bit, lowest first
  let z: TensorVariable | undefined;
  let result: TensorVariable | undefined;
  while (k > 0) {
    z = z === undefined ? base : T.dot(z, z);
    const bit = k % 2;
    k = (k - bit) / 2;
    if (bit) result = result === undefined ? z : T.dot(result, z);
  }
  return result!;
}

/** NumPy's `ord` of `linalg.norm`: a number (Infinity and -Infinity for inf and -inf), 'fro', 'nuc', or null for the default. */
export type NormOrder = number | 'fro' | 'nuc' | null;

/**
 * NumPy's `linalg.norm(x, ord, axis, keepdims)`. With one axis (or a vector
 * and no axis) a vector norm: ord null or 2 the Euclidean, Infinity max|x|,
 * -Infinity min|x|, 0 the count of non-zeros, any other p (sum |x|^p)^(1/p).
 * With two axes (or a matrix and no axis) a matrix norm: null or 'fro'
 * Frobenius, 1 / -1 the largest / smallest column sum of |x|, Infinity /
 * -Infinity the largest / smallest row sum; 2, -2 and 'nuc' the largest,
 * smallest and summed singular values (svd: of a matrix only, not over two
 * axes of a larger tensor). With ord null and no axis, the
 * Euclidean norm of x flattened, any rank. Integers are taken in float64,
 * as NumPy.
 */
export function norm(x: TensorLike, ord: NormOrder = null, axis: number | readonly number[] | null = null, keepdims = false): TensorVariable {
  let v = asTensor(x, 'norm');
  if (!isFloat(v.dtype)) v = T.cast(v, 'float64' as DType);
  const ordText = typeof ord === 'number' ? String(ord) : JSON.stringify(ord);
  if (!(ord === null || ord === 'fro' || ord === 'nuc' || (typeof ord === 'number' && !Number.isNaN(ord)))) {
    throw new TypeError(`norm: ord must be a number, Infinity, -Infinity, 'fro', 'nuc' or null, got ${ordText}`);
  }
  let axes: number[];
  if (axis === null || axis === undefined) {
    if (ord === null) return reshapeKept(T.sqrt(T.sum(T.sqr(v))), v.ndim, range(v.ndim), keepdims);
    if (v.ndim !== 1 && v.ndim !== 2) throw new TypeError(`norm: x must be a vector or a matrix when ord is given without axis, got ${v} of type ${v.type} (${v.ndim} dimensions)`);
    axes = range(v.ndim);
  } else {
    const list = typeof axis === 'number' ? [axis] : [...axis];
    axes = list.map((a) => axisIn('norm', a, v.ndim, v));
    if (axes.length !== 1 && axes.length !== 2) throw new TypeError(`norm: axis must be one axis or a pair of axes, got ${JSON.stringify(axis)}`);
    if (axes.length === 2 && axes[0] === axes[1]) throw new RangeError(`norm: the two axes must differ, got ${JSON.stringify(axis)}`);
  }
  // an empty axis under ord -1, -2 or -inf has no smallest value (NumPy raises): the error names this call
  const call = (of: string) => () => `norm(${nameInError(v)}, ${ordText}), the smallest ${of}`;
  if (axes.length === 1) return vectorNorm(v, ord, axes[0]!, keepdims, ordText, call);
  return matrixNorm(v, ord, axes[0]!, axes[1]!, keepdims, ordText, call);
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** r, reduced over `axes` of an ndim-dimensional tensor, with those axes back as length 1 if keepdims. */
/**
 * The largest of the non-negative x along `axis`, 0 where that axis is
 * empty (as NumPy's norm: the max of nothing there is 0, not an error):
 * a row of zeros is appended first. For vectors of sums or singular values,
 * small next to what they were computed from.
 */
export function largestOrZero(x: TensorVariable, axis: number): TensorVariable {
  const zeros = T.zeros(range(x.ndim).map((d) => (d === axis ? 1 : lengthOf(x, d))), x.dtype);
  return T.max(T.concatenate([x, zeros], axis), { axis });
}

function reshapeKept(r: TensorVariable, ndim: number, axes: readonly number[], keepdims: boolean): TensorVariable {
  if (!keepdims) return r;
  let k = 0;
  return T.dimshuffle(r, range(ndim).map((d) => (axes.includes(d) ? 'x' : k++)));
}

function vectorNorm(v: TensorVariable, ord: NormOrder, axis: number, keepdims: boolean, ordText: string, call: (of: string) => () => string): TensorVariable {
  const o = { axis, keepdims };
  if (typeof ord === 'string') throw new TypeError(`norm: ord ${ordText} is a matrix norm; a vector norm (one axis) takes a number or null`);
  if (ord === null || ord === 2) return T.sqrt(T.sum(T.sqr(v), o));
  const abs = T.abs(v);
  if (ord === Infinity) return reshapeKept(largestOrZero(abs, axis), v.ndim, [axis], keepdims);
  if (ord === -Infinity) return labelForErrors(T.min(abs, o), call(`|x| along axis ${axis}`));
  if (ord === 0) return T.sum(T.cast(T.neq(v, 0), v.dtype), o);
  if (ord === 1) return T.sum(abs, o);
  return T.pow(T.sum(T.pow(abs, ord), o), 1 / ord);
}

function matrixNorm(v: TensorVariable, ord: NormOrder, rowAxis: number, colAxis: number, keepdims: boolean, ordText: string, call: (of: string) => () => string): TensorVariable {
  const both = [rowAxis, colAxis];
  if (ord === null || ord === 'fro') return reshapeKept(T.sqrt(T.sum(T.sqr(v), { axis: both })), v.ndim, both, keepdims);
  if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
    // column sums (ord ±1) or row sums (ord ±inf) of |x|, then their largest or smallest
    const [summed, other] = ord === 1 || ord === -1 ? [rowAxis, colAxis] : [colAxis, rowAxis];
    const sums = T.sum(T.abs(v), { axis: summed });
    const axis = other > summed ? other - 1 : other;
    return reshapeKept(ord > 0 ? largestOrZero(sums, axis) : labelForErrors(T.min(sums, { axis }), call(ord === -1 ? 'column sum of |x|' : 'row sum of |x|')), v.ndim, both, keepdims);
  }
  if (ord === 2 || ord === -2 || ord === 'nuc') {
    // the largest, smallest or summed singular values (svd works on one matrix: no batch axes)
    if (v.ndim !== 2) throw new TypeError(`norm: ord ${ordText} over two axes needs the singular values of each matrix, and svd takes a matrix; got ${v} of ${v.ndim} dimensions`);
    const s = svd(v, { computeUv: false });
    const r = ord === 2 ? largestOrZero(s, 0) : ord === -2 ? labelForErrors(T.min(s), call('singular value')) : T.sum(s);
    return reshapeKept(r, v.ndim, both, keepdims);
  }
  throw new RangeError(`norm: invalid norm order ${ordText} for matrices; expected null, 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity`);
}

/** Theano's `extract_diag(x)` (ExtractDiag): `T.diagonal(x, offset, axis1, axis2)`. */
export function extractDiag(x: TensorLike, offset = 0, axis1 = 0, axis2 = 1): TensorVariable {
  return T.diagonal(x, offset, axis1, axis2);
}

/** Theano's `alloc_diag(v, offset)` (AllocDiag): the square matrix with vector v on diagonal `offset`, zeros elsewhere. */
export function allocDiag(x: TensorLike, offset = 0): TensorVariable {
  const v = asTensor(x, 'allocDiag');
  if (v.ndim !== 1) throw new TypeError(`allocDiag: x must be a vector, got ${v} of type ${v.type} (${v.ndim} dimensions)`);
  return T.diag(v, offset);
}

const product = (xs: readonly Length[]): Length => xs.reduce<Length>((acc, x) => (typeof acc === 'number' && typeof x === 'number' ? acc * x : T.mul(acc, x)), 1);

/**
 * NumPy's `linalg.tensorinv(a, ind = 2)` (Theano's `tensorinv`): the
 * inverse of a read as a matrix of its first `ind` axes by its others,
 * shaped a.shape[ind:] + a.shape[:ind], so that tensordot(tensorinv(a), a, ind)
 * is the identity. The two products of lengths must be equal.
 */
export function tensorinv(x: TensorLike, ind = 2): TensorVariable {
  const a = asTensor(x, 'tensorinv');
  if (!Number.isInteger(ind) || ind <= 0 || ind >= a.ndim) throw new RangeError(`tensorinv: ind must be an integer from 1 to ${a.ndim - 1} (a has ${a.ndim} dimensions), got ${ind}`);
  const lengths = range(a.ndim).map((d) => lengthOf(a, d));
  const [rows, cols] = [product(lengths.slice(0, ind)), product(lengths.slice(ind))];
  if (typeof rows === 'number' && typeof cols === 'number' && rows !== cols) {
    throw new RangeError(`tensorinv: the product of a's first ${ind} lengths (${rows}) must equal that of the others (${cols}); a is ${a} of shape (${a.staticShape.join(', ')})`);
  }
  return T.reshape(matrixInverse(T.reshape(a, [rows, cols])), [...lengths.slice(ind), ...lengths.slice(0, ind)]);
}

/**
 * NumPy's `linalg.tensorsolve(a, b, axes)` (Theano's `tensorsolve`): x with
 * tensordot(a, x, x.ndim) = b, x of shape a.shape[b.ndim:] (after the axes
 * `axes` of a are moved to the end).
 */
export function tensorsolve(x: TensorLike, y: TensorLike, axes: readonly number[] | null = null): TensorVariable {
  let a = asTensor(x, 'tensorsolve: a');
  const b = asTensor(y, 'tensorsolve: b');
  if (axes !== null) {
    const moved = axes.map((k) => (k < 0 ? k + a.ndim : k));
    if (moved.some((k) => !Number.isInteger(k) || k < 0 || k >= a.ndim)) throw new RangeError(`tensorsolve: axes ${JSON.stringify(axes)} out of range for a of ${a.ndim} dimensions`);
    a = T.transpose(a, [...range(a.ndim).filter((d) => !moved.includes(d)), ...moved]);
  }
  if (b.ndim >= a.ndim) throw new TypeError(`tensorsolve: b must have fewer dimensions than a, got a of ${a.ndim} and b of ${b.ndim}`);
  const lengths = range(a.ndim).map((d) => lengthOf(a, d));
  const xShape = lengths.slice(b.ndim);
  const n = product(xShape);
  const rows = product(lengths.slice(0, b.ndim));
  if (typeof rows === 'number' && typeof n === 'number' && rows !== n) {
    throw new RangeError(`tensorsolve: prod(a.shape[b.ndim:]) (${n}) must equal prod(a.shape[:b.ndim]) (${rows}), as NumPy requires`);
  }
  return T.reshape(solve(T.reshape(a, [rows, n]), T.flatten(b)), xShape);
}

/**
 * NumPy's `linalg.lstsq(a, b, rcond)` (Theano's `lstsq`): [x, residuals,
 * rank, s], x minimising ||b - a x|| (the smallest such x when a is rank
 * deficient), through the SVD with singular values at or below rcond times
 * the largest cut (rcond's default, as NumPy's: eps of the dtype times
 * max(m, n); an rcond <= 0 or >= 1, such as Theano-era code's -1, means
 * machine precision, eps / 2, as LAPACK's gelsd reads it; NaN keeps every singular value, as gelsd). residuals are the squared norms of b - a x per column of b
 * ((1,) for a vector b), always: NumPy returns an empty array when rank < n
 * or m <= n, a shape no graph can know in advance. rank is int64. x's
 * gradient is pinv's own (linalg/pinv.ts), defined wherever a's rank is
 * locally constant, repeated singular values included.
 */
export function lstsq(x: TensorLike, y: TensorLike, rcond: number | null = null): [TensorVariable, TensorVariable, TensorVariable, TensorVariable] {
  const a = asTensor(x, 'lstsq: a');
  const b = asTensor(y, 'lstsq: b');
  if (a.ndim !== 2) throw new TypeError(`lstsq: a must be a matrix (2 dimensions), got ${a} of type ${a.type}`);
  if (b.ndim !== 1 && b.ndim !== 2) throw new TypeError(`lstsq: b must be a vector or a matrix, got ${b} of type ${b.type}`);
  if (rcond !== null && typeof rcond !== 'number') throw new TypeError(`lstsq: rcond must be a number or null (NumPy's default cut), got ${typeof rcond} ${JSON.stringify(rcond)}`);
  // the thin SVD's s: the same SVD as the solution's, one once merged
  const s = svd(a, { fullMatrices: false })[1];
  const eps = s.dtype === 'float32' ? 2 ** -23 : 2 ** -52;
  // the factor in s's dtype (NumPy's Python float times a float32 s is float32): the lengths are int64, and a float64 cut kept float32 off WebGPU
  // LAPACK's gelsd (NumPy's, so Theano's) reads an rcond <= 0 or >= 1 as machine precision (eps / 2): rcond=-1, the old
  // NumPy idiom, still cuts singular values at rounding level instead of inverting them
  // an rcond of NaN cuts nothing in gelsd (each comparison with it is false): every singular value is kept, a factor of -1 here
  const factor = rcond === null ? T.mul(T.cast(T.maximum(lengthOf(a, 0), lengthOf(a, 1)), s.dtype), eps) : Number.isNaN(rcond) ? -1 : rcond <= 0 || rcond >= 1 ? eps / 2 : rcond;
  const cut = T.mul(largestOrZero(s, 0), factor);
  const keep = T.gt(s, cut);
  // differentiable where a's rank is locally constant (pinv's gradient), repeated singular values included
  const solution = lstsqSolution(a, b, factor, s.dtype);
  const residual = T.sub(b, T.dot(a, solution));
  const residuals = b.ndim === 1 ? T.reshape(T.sum(T.sqr(residual)), [1]) : T.sum(T.sqr(residual), { axis: 0 });
  return [solution, residuals, T.sum(T.cast(keep, 'int64')), s];
}
