/**
 * Theano's sparse indexing: `get_item_list` (rows picked by an integer
 * vector, sparse) and `get_item_scalar` (one element, dense). The rows'
 * stored values are found by a mask of (picked row, stored value) pairs,
 * whose non-zeros (T.nonzero, on the host between programs: the count is
 * known only from the values) come in the order a csr matrix stores
 * them; O(picked rows x stored values) work.
 */
import { constant, asTensor, type TensorLike } from '../core/op.js';
import { labelForErrors, nameInError } from '../core/error-names.js';
import { isInt } from '../core/dtype.js';
import type { TensorVariable } from '../core/variable.js';
import * as T from '../tensor/tensor.js';
import { checkSparse, SparseVariable } from './variable.js';

const i32 = (v: TensorVariable) => (v.dtype === 'int32' ? v : T.cast(v, 'int32'));

/** An integer index (vector or scalar) into `length` rows or columns, negative ones counting from the end; one out of range is NumPy's IndexError when the function runs. */
function wrapped(index: TensorVariable, length: TensorVariable, what: () => string): TensorVariable {
  const n = T.cast(length, 'int64');
  // a gather from 0..n-1 checks the index and wraps a negative one, as x[i] does
  const positions = labelForErrors(T.arange(n), what);
  return index.ndim === 0 ? T.get(positions, index) : T.take(positions, index, 0);
}

/**
 * Theano's `get_item_list(x, idx)` (`x[idx]` of a sparse matrix): the rows
 * idx (an integer vector; repeats and negative indices as NumPy's), sparse
 * in x's format. Differentiable in x's values (structured).
 */
export function getItemList(x: SparseVariable, idx: TensorLike): SparseVariable {
  const caller = 'sparse.getItemList';
  const s = checkSparse(x, caller);
  const i = asTensor(idx, `${caller}: idx`);
  if (i.ndim !== 1 || !isInt(i.dtype)) throw new TypeError(`${caller}: idx must be an integer vector, got ${nameInError(i)} of type ${i.type}`);
  const rows = wrapped(i, s.nRows, () => `${s}'s rows`);
  // picked row p holds stored value k where k's row is rows[p]: the pairs in C order are csr's order
  const [picked, stored] = T.nonzero(T.eq(T.dimshuffle(rows, [0, 'x']), T.dimshuffle(T.cast(s.rowIds, 'int64'), ['x', 0]))) as [TensorVariable, TensorVariable];
  const nRows = T.cast(T.shape(i)[0]!, 'int64');
  const cols = T.take(s.colIds, stored, 0);
  const one = constant(1, { dtype: 'int64' });
  if (s.format === 'csr') {
    const indptr = T.searchsorted(picked, T.arange(T.add(nRows, one)), 'left');
    return new SparseVariable('csr', { data: T.take(s.data, stored, 0), indices: i32(cols), indptr: i32(indptr), nRows, nCols: s.nCols, majorIds: i32(picked) });
  }
  // csc: the same values sorted by column (stably: rows in picked order within a column)
  const order = T.argsort(cols, 0, 'stable');
  const majorIds = T.take(cols, order, 0);
  const indptr = T.searchsorted(majorIds, T.arange(T.add(T.cast(s.nCols, 'int64'), one)), 'left');
  return new SparseVariable('csc', { data: T.take(T.take(s.data, stored, 0), order, 0), indices: i32(T.take(picked, order, 0)), indptr: i32(indptr), nRows, nCols: s.nCols, majorIds: i32(majorIds) });
}

/** Theano's `get_item_scalar` (`x[i, j]` of a sparse matrix, integer scalars i and j): the element, a dense scalar of x's dtype (repeated positions added up; 0 where nothing is stored). */
export function getItemScalar(x: SparseVariable, i: TensorLike, j: TensorLike): TensorVariable {
  const caller = 'sparse.getItemScalar';
  const s = checkSparse(x, caller);
  const [r, c] = [asTensor(i, `${caller}: i`), asTensor(j, `${caller}: j`)];
  for (const [v, w] of [[r, 'i'], [c, 'j']] as const) {
    if (v.ndim !== 0 || !isInt(v.dtype)) throw new TypeError(`${caller}: ${w} must be an integer scalar, got ${nameInError(v)} of type ${v.type}`);
  }
  const row = wrapped(r, s.nRows, () => `${s}'s rows`);
  const col = wrapped(c, s.nCols, () => `${s}'s columns`);
  const here = T.and(T.eq(T.cast(s.rowIds, 'int64'), row), T.eq(T.cast(s.colIds, 'int64'), col));
  // in x's dtype, as Theano's GetItemScalar and SciPy's A[i, j] (an int8 matrix gives int8, not NumPy's int64 sum)
  return T.sum(T.switch(here, s.data, T.zerosLike(s.data)), { dtype: s.dtype });
}
