/**
 * Theano's `theano.sparse` ops as graphs of dense ops over a sparse
 * variable's components (variable.ts): a product scatters each stored
 * value's contribution into its row (`out[row[k]] += data[k] * y[col[k]]`,
 * an AdvancedIncSubtensor1), a conversion to dense scatters the values
 * into zeros, conversions from dense find the non-zeros on the host
 * (NonZero, as T.nonzero), and the structured ops map data alone. Repeated
 * (row, column) pairs add up everywhere, as SciPy's arithmetic treats them.
 *
 * Gradients come from the dense graph. With respect to a dense input they
 * are the dense gradient; with respect to a sparse variable (`grad(cost,
 * S)`) they are structured, as Theano's structured_dot, mul, add and
 * dense_from_sparse (sparse_grad) give: a sparse variable of S's pattern
 * holding the derivative with respect to each stored value.
 */
import { promote } from '../core/dtype.js';
import { apply1, asTensor, constant, type TensorLike } from '../core/op.js';
import { MatchLength } from '../ops/shape.js';
import { TensorVariable } from '../core/variable.js';
import { nameInError } from '../core/error-names.js';
import * as T from '../tensor/tensor.js';
import { checkSparse, isSparse, SparseVariable } from './variable.js';
import { denseProduct, elementwiseProduct, sparseProduct } from './product.js';
import { remove0 } from './clean.js';

/** indptr of stored values sorted by their major index: where each of the nMajor rows (columns) starts, and nnz last. */
const indptrOf = (sortedMajor: TensorVariable, nMajor: TensorVariable) => T.searchsorted(sortedMajor, T.arange(T.add(nMajor, constant(1, { dtype: 'int64' }))), 'left');
const i32 = (v: TensorVariable) => (v.dtype === 'int32' ? v : T.cast(v, 'int32'));
const i64 = (v: TensorVariable) => (v.dtype === 'int64' ? v : T.cast(v, 'int64'));

/** Theano's `dense_from_sparse(x)` (`x.toarray()`): a dense matrix, repeated positions added up. */
export function denseFromSparse(x: SparseVariable): TensorVariable {
  const s = checkSparse(x, 'sparse.denseFromSparse');
  const zeros = T.zeros([s.nRows, s.nCols], s.dtype);
  return T.incSubtensor(T.get(zeros, s.rowIds, s.colIds), s.data);
}

function fromDense(format: 'csr' | 'csc', x: TensorLike, caller: string): SparseVariable {
  const d = asTensor(x, `${caller}: x`);
  if (d.ndim !== 2) throw new TypeError(`${caller}: x must be a matrix, got ${nameInError(d)} of type ${d.type}`);
  const [nRows, nCols] = T.shape(d).map(i64) as [TensorVariable, TensorVariable];
  // the non-zeros in C order of x (csr) or of x.T (csc): sorted by row (column), as the format stores them
  const m = format === 'csr' ? d : T.transpose(d);
  const [major, minor] = T.nonzero(m) as [TensorVariable, TensorVariable];
  const nMajor = format === 'csr' ? nRows : nCols;
  const indptr = indptrOf(major, nMajor);
  return new SparseVariable(format, { data: T.get(m, major, minor), indices: i32(minor), indptr: i32(indptr), nRows, nCols, majorIds: i32(major) });
}

/** Theano's `csr_from_dense(x)`: the non-zero elements (NaN included) of a dense matrix, row by row. Their count is known only from the values, so it runs on the host between programs, as T.nonzero. */
export function csrFromDense(x: TensorLike): SparseVariable {
  return fromDense('csr', x, 'sparse.csrFromDense');
}

/** Theano's `csc_from_dense(x)`: column by column. */
export function cscFromDense(x: TensorLike): SparseVariable {
  return fromDense('csc', x, 'sparse.cscFromDense');
}

/** Theano's `sparse.transpose(x)` (`x.T`): csr becomes csc of the transposed shape and the reverse, the same arrays (no kernel). */
export function transpose(x: SparseVariable): SparseVariable {
  const s = checkSparse(x, 'sparse.transpose');
  return new SparseVariable(s.format === 'csr' ? 'csc' : 'csr', { ...s, nRows: s.nCols, nCols: s.nRows });
}

/**
 * Theano's `structured_dot(x, y)`: sparse x times dense y (a matrix, or a
 * vector), dense; `out[row[k]] += data[k] * y[col[k]]`. Of two sparse
 * matrices, sparse in x's format (product.ts). Its gradient with respect
 * to a sparse operand is structured (its pattern).
 */
export function structuredDot(x: SparseVariable, y: SparseVariable): SparseVariable;
export function structuredDot(x: SparseVariable, y: TensorLike): TensorVariable;
export function structuredDot(x: SparseVariable, y: SparseVariable | TensorLike): TensorVariable | SparseVariable {
  const s = checkSparse(x, 'sparse.structuredDot');
  if (isSparse(y)) return sparseProduct(s, y, 'sparse.structuredDot');
  const d = asTensor(y, 'sparse.structuredDot: y');
  if (d.ndim !== 1 && d.ndim !== 2) throw new TypeError(`sparse.structuredDot: y must be a vector or a matrix, got ${nameInError(d)} of type ${d.type}`);
  // y's rows against x's columns, checked when the function runs: the gather alone would read a longer y silently
  const rowsOfY = T.take(withLength(d, 0, s.nCols, 'sparse.structuredDot', `y (${nameInError(d)})`, 'columns'), s.colIds, 0);
  const terms = T.mul(d.ndim === 2 ? T.dimshuffle(s.data, [0, 'x']) : s.data, rowsOfY);
  const lengths = d.ndim === 2 ? [s.nRows, T.shape(d)[1]!] : [s.nRows];
  return T.incSubtensor(T.get(T.zeros(lengths, promote(s.dtype, d.dtype)), s.rowIds), terms);
}

/**
 * Theano's `sparse.dot(x, y)`: sparse times dense, dense times sparse (a
 * vector or a matrix) or sparse times sparse, dense (Theano's Dot
 * densifies the product of two sparse operands; structuredDot keeps it
 * sparse). Unlike Theano's TrueDot, whose gradient with respect to the
 * sparse operand is dense, the gradient here is structured, as
 * structured_dot's.
 */
export function dot(x: SparseVariable | TensorLike, y: SparseVariable | TensorLike): TensorVariable {
  if (isSparse(x) && isSparse(y)) return denseProduct(x, y, 'sparse.dot');
  if (isSparse(x)) return structuredDot(x, y as TensorLike);
  if (isSparse(y)) {
    const d = asTensor(x, 'sparse.dot: x');
    // x y = (y.T x.T).T
    if (d.ndim === 1) return structuredDot(transpose(y), d);
    if (d.ndim !== 2) throw new TypeError(`sparse.dot: x must be a vector or a matrix, got ${nameInError(d)} of type ${d.type}`);
    return T.transpose(structuredDot(transpose(y), T.transpose(d)));
  }
  return T.dot(x as TensorLike, y as TensorLike);
}

/** Theano's `sp_sum(x, axis)`: the sum of the stored values (axis null), or of each column (axis 0) or row (axis 1), dense; integers sum in int64 as NumPy's. */
export function spSum(x: SparseVariable, axis: number | null = null): TensorVariable {
  const s = checkSparse(x, 'sparse.spSum');
  if (axis === null || axis === undefined) return T.sum(s.data);
  if (axis !== 0 && axis !== 1 && axis !== -1 && axis !== -2) throw new RangeError(`sparse.spSum: axis must be null, 0 or 1 (or -1, -2), got ${typeof axis === 'string' ? JSON.stringify(axis) : String(axis)}`);
  const along = axis === 0 || axis === -2;
  const acc = T.sum(s.data).dtype;
  const data = s.data.dtype === acc ? s.data : T.cast(s.data, acc);
  return T.incSubtensor(T.get(T.zeros([along ? s.nCols : s.nRows], data.dtype), along ? s.colIds : s.rowIds), data);
}

/** y (a scalar, a vector read as a row, or a matrix, with NumPy's broadcasting) at each stored position of x. */
function atStored(s: SparseVariable, y: TensorVariable, caller: string): TensorVariable {
  if (y.ndim === 0) return y;
  if (y.ndim > 2) throw new TypeError(`${caller}: y must be a scalar, a vector or a matrix, got ${nameInError(y)} of type ${y.type}`);
  let m = y.ndim === 1 ? T.dimshuffle(y, ['x', 0]) : y;
  const zero = T.zerosLike(s.rowIds);
  // a length must be x's or a broadcastable 1: the gather alone would read a larger y silently
  if (!m.broadcastable[0]) m = withLength(m, 0, s.nRows, caller, `${nameInError(y)} (the dense operand)`, 'rows');
  if (!m.broadcastable[1]) m = withLength(m, 1, s.nCols, caller, `${nameInError(y)} (the dense operand)`, 'columns');
  return T.get(m, m.broadcastable[0] ? zero : s.rowIds, m.broadcastable[1] ? zero : s.colIds);
}

/** @internal y, checked when the function runs to be `length` long along `axis` (a length of the sparse operand). */
export function withLength(y: TensorVariable, axis: number, length: TensorVariable, caller: string, what: string, of: string): TensorVariable {
  const ruler = T.zeros([length], 'int8');
  const describe = (ys: readonly (number | null)[], rs: readonly (number | null)[]) =>
    `${caller}: ${what} has ${ys[axis] ?? '?'} ${axis === 0 ? 'rows' : 'columns'} (shape (${ys.join(', ')})) but the sparse operand has ${rs[0] ?? '?'} ${of}`;
  return apply1(new MatchLength(axis, 0, describe, `${caller}:${axis}:${of}`), [y, ruler]);
}

/**
 * Theano's `sparse.mul(x, y)` of a sparse and a dense operand (either
 * order): sparse, of x's pattern (the product is zero elsewhere); y a
 * scalar, a row vector, or a matrix of x's shape. Structured gradient for
 * x. Of two sparse operands (Theano's mul_s_s, SciPy's `x.multiply(y)`):
 * sparse in x's format, where both store (or one stores inf or NaN: product.ts).
 */
export function mul(x: SparseVariable | TensorLike, y: SparseVariable | TensorLike): SparseVariable {
  if (isSparse(x) && isSparse(y)) return elementwiseProduct(x, y, 'sparse.mul');
  const [s, d] = isSparse(x) ? [x, y as TensorLike] : isSparse(y) ? [y, x as TensorLike] : [null, null];
  if (!s) throw new TypeError('sparse.mul: one operand must be sparse (for two dense ones use T.mul)');
  return s.withData(T.mul(s.data, atStored(s, asTensor(d!, 'sparse.mul: dense operand'), 'sparse.mul')));
}

/**
 * Theano's `sparse.add(x, y)`: of a sparse and a dense operand (either
 * order), dense, with NumPy's broadcasting; of two sparse ones (Theano's
 * add_s_s), sparse, in x's format and canonical as SciPy's: sorted by row
 * and column, the values stored at one position summed into one (so a
 * loop `S = S - lr * gS` keeps S's nnz), found on the host between
 * programs; a position whose sum is exactly 0 is dropped, as SciPy's
 * (a second host stage, remove0). Structured gradient for a sparse operand.
 */
export function add(x: SparseVariable, y: SparseVariable): SparseVariable;
export function add(x: SparseVariable | TensorLike, y: SparseVariable | TensorLike): TensorVariable;
export function add(x: SparseVariable | TensorLike, y: SparseVariable | TensorLike): TensorVariable | SparseVariable {
  if (isSparse(x) && isSparse(y)) return addSparse(x, y, 'sparse.add');
  if (isSparse(x)) return T.add(denseFromSparse(x), y as TensorLike);
  if (isSparse(y)) return T.add(x as TensorLike, denseFromSparse(y));
  throw new TypeError('sparse.add: one operand must be sparse (for two dense ones use T.add)');
}

/** Theano's `sparse.sub(x, y)`: of a sparse and a dense operand (either order) dense, of two sparse ones sparse (as {@link add}). */
export function sub(x: SparseVariable, y: SparseVariable): SparseVariable;
export function sub(x: SparseVariable | TensorLike, y: SparseVariable | TensorLike): TensorVariable;
export function sub(x: SparseVariable | TensorLike, y: SparseVariable | TensorLike): TensorVariable | SparseVariable {
  if (isSparse(x) && isSparse(y)) return addSparse(x, y.withData(T.neg(y.data)), 'sparse.sub');
  if (isSparse(x)) return T.sub(denseFromSparse(x), y as TensorLike);
  if (isSparse(y)) return T.sub(x as TensorLike, denseFromSparse(y));
  throw new TypeError('sparse.sub: one operand must be sparse (for two dense ones use T.sub)');
}

/** Theano's `row_scale(x, s)`: row i of x times s[i], sparse (x's pattern). */
export function rowScale(x: SparseVariable, scale: TensorLike): SparseVariable {
  const s = checkSparse(x, 'sparse.rowScale');
  const v = asTensor(scale, 'sparse.rowScale: s');
  if (v.ndim !== 1) throw new TypeError(`sparse.rowScale: s must be a vector (one factor a row), got ${nameInError(v)} of type ${v.type}`);
  return s.withData(T.mul(s.data, T.take(withLength(v, 0, s.nRows, 'sparse.rowScale', `s (${nameInError(v)})`, 'rows'), s.rowIds, 0)));
}

/** Theano's `col_scale(x, s)`: column j of x times s[j], sparse. */
export function colScale(x: SparseVariable, scale: TensorLike): SparseVariable {
  const s = checkSparse(x, 'sparse.colScale');
  const v = asTensor(scale, 'sparse.colScale: s');
  if (v.ndim !== 1) throw new TypeError(`sparse.colScale: s must be a vector (one factor a column), got ${nameInError(v)} of type ${v.type}`);
  return s.withData(T.mul(s.data, T.take(withLength(v, 0, s.nCols, 'sparse.colScale', `s (${nameInError(v)})`, 'columns'), s.colIds, 0)));
}

/** Theano's `sp_ones_like(x)`: x's pattern holding ones. */
export function spOnesLike(x: SparseVariable): SparseVariable {
  const s = checkSparse(x, 'sparse.spOnesLike');
  return s.withData(T.onesLike(s.data));
}

/** Theano's `sp_zeros_like(x)`: x's shape, no stored values. */
export function spZerosLike(x: SparseVariable): SparseVariable {
  const s = checkSparse(x, 'sparse.spZerosLike');
  const none = T.zeros([0], 'int32');
  const nMajor = s.format === 'csr' ? s.nRows : s.nCols;
  return new SparseVariable(s.format, { data: T.zeros([0], s.dtype), indices: none, indptr: T.zeros([T.add(nMajor, constant(1, { dtype: 'int64' }))], 'int32'), nRows: s.nRows, nCols: s.nCols, majorIds: none });
}

/** x + y of two sparse matrices of one shape: their stored values together, sorted by x's major axis (stable: each row's values x's first). */
function addSparse(x: SparseVariable, y: SparseVariable, caller: string): SparseVariable {
  // the lengths, checked equal when the function runs
  const nRows = sameLength(x.nRows, y.nRows, (a, b) => `${caller}: the operands' shapes differ: x has ${a} rows, y ${b}`);
  const nCols = sameLength(x.nCols, y.nCols, (a, b) => `${caller}: the operands' shapes differ: x has ${a} columns, y ${b}`);
  // SciPy's csr_binop_csr stores a sum only when it is not zero
  return remove0(summedCoordinates(x.format, T.concatenate([x.data, y.data]), T.concatenate([x.rowIds, y.rowIds]), T.concatenate([x.colIds, y.colIds]), nRows, nCols));
}

/**
 * @internal The canonical sparse matrix (SciPy's sum_duplicates: sorted by major
 * then minor, one stored value a position, the sum of those given there)
 * of values at coordinates: so that a sum of two sparse matrices in a loop
 * (`S - lr * gS`) keeps the union of their patterns, not both sets of
 * stored values (nnz doubled every step). The distinct positions are found
 * on the host (T.unique, a host stage); the values are summed by a
 * scatter-add, whose gradient is a gather (structured). A sum that cancels
 * stays stored as an explicit 0, as SciPy's sum_duplicates keeps it.
 */
export function summedCoordinates(format: 'csr' | 'csc', data: TensorVariable, rows: TensorVariable, cols: TensorVariable, nRows: TensorVariable, nCols: TensorVariable): SparseVariable {
  const [major, minor, nMajor, nMinor] = format === 'csr' ? [rows, cols, nRows, nCols] : [cols, rows, nCols, nRows];
  const key = T.add(T.mul(T.cast(major, 'int64'), nMinor), T.cast(minor, 'int64'));
  const [positions, inverse] = T.unique(key, false, true) as [TensorVariable, TensorVariable];
  const summed = T.incSubtensor(T.get(T.zeros([T.shapeI(positions, 0)], data.dtype), inverse), data);
  const majorIds = i32(T.floorDiv(positions, nMinor));
  const indptr = indptrOf(majorIds, nMajor);
  return new SparseVariable(format, { data: summed, indices: i32(T.mod(positions, nMinor)), indptr: i32(indptr), nRows, nCols, majorIds });
}

/** @internal The length a, checked when the function runs to equal b (`describe` given both): a MatchLength of two rulers, no kernel. */
export function sameLength(a: TensorVariable, b: TensorVariable, describe: (a: number | string, b: number | string) => string): TensorVariable {
  const ruler = (n: TensorVariable) => T.zeros([n], 'int8');
  const checked = apply1(new MatchLength(0, 0, (as, bs) => describe(as[0] ?? '?', bs[0] ?? '?'), `sparse:${describe('a', 'b')}`), [ruler(a), ruler(b)]);
  return T.cast(T.shape(checked)[0]!, 'int64');
}

/** @internal A sparse matrix of values at (row, column) coordinates in any order: stably sorted by the format's major axis (repeated positions kept). */
export function fromCoordinates(format: 'csr' | 'csc', data: TensorVariable, rows: TensorVariable, cols: TensorVariable, nRows: TensorVariable, nCols: TensorVariable): SparseVariable {
  const [major, minor, nMajor] = format === 'csr' ? [rows, cols, nRows] : [cols, rows, nCols];
  const order = T.argsort(major, 0, 'stable');
  const majorIds = i32(T.take(major, order, 0));
  const indptr = indptrOf(majorIds, nMajor);
  return new SparseVariable(format, { data: T.take(data, order, 0), indices: i32(T.take(minor, order, 0)), indptr: i32(indptr), nRows, nCols, majorIds });
}
