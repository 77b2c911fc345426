/**
 * Theano's sparse cleanups: `remove0` (explicit zeros dropped, SciPy's
 * eliminate_zeros), `ensure_sorted_indices` (each row's (csr) or column's
 * (csc) indices sorted, SciPy's sorted_indices: repeated positions kept)
 * and `clean` (both). The kept values are gathered from the stored ones,
 * so the gradient with respect to x is structured (x's pattern: a dropped
 * zero's derivative is 0, a moved value's follows it back).
 */
import { applyNode } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import * as T from '../tensor/tensor.js';
import { StoredNonZeros } from './patterns.js';
import { checkSparse, SparseVariable } from './variable.js';

/**
 * Theano's `remove0(x)`: x without its stored zeros (explicit zeros, and
 * repeated positions are not summed first: each stored value is kept or
 * dropped on its own, as SciPy's eliminate_zeros), the order kept. Which
 * values are zero is known only from them: a host stage between programs.
 */
export function remove0(x: SparseVariable): SparseVariable {
  const s = checkSparse(x, 'sparse.remove0');
  const nMajor = T.cast(s.format === 'csr' ? s.nRows : s.nCols, 'int64');
  const [keep, indices, indptr, majorIds] = applyNode(new StoredNonZeros(), [s.data, s.indices, s.majorIds, nMajor]).outputs as TensorVariable[];
  return new SparseVariable(s.format, { data: T.take(s.data, keep!, 0), indices: indices!, indptr: indptr!, nRows: s.nRows, nCols: s.nCols, majorIds: majorIds! });
}

/**
 * Theano's `ensure_sorted_indices(x)` (SciPy's `x.sorted_indices()`): each
 * row's (csr) or column's (csc) stored values in the order of their
 * column (row), stably: repeated positions are kept, in their order.
 */
export function ensureSortedIndices(x: SparseVariable): SparseVariable {
  const s = checkSparse(x, 'sparse.ensureSortedIndices');
  const nMinor = T.cast(s.format === 'csr' ? s.nCols : s.nRows, 'int64');
  // stored values come grouped by row (column) already: sorting by (row, column) moves them within their group only
  const key = T.add(T.mul(T.cast(s.majorIds, 'int64'), nMinor), T.cast(s.indices, 'int64'));
  const order = T.argsort(key, 0, 'stable');
  return new SparseVariable(s.format, { ...s, data: T.take(s.data, order, 0), indices: T.take(s.indices, order, 0) });
}

/** SciPy's name for {@link ensureSortedIndices} (`x.sorted_indices()`; Theano's `ensure_sorted_indices`). */
export const sortIndices = ensureSortedIndices;

/** Theano's `clean(x)`: `ensureSortedIndices(remove0(x))`. */
export function clean(x: SparseVariable): SparseVariable {
  return ensureSortedIndices(remove0(checkSparse(x, 'sparse.clean')));
}
