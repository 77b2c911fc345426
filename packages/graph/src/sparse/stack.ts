/**
 * Theano's sparse `hstack` and `vstack`: blocks of sparse matrices side by
 * side or one above the other, sparse, as SciPy's (which Theano's call):
 * when every block is in the result's format, their stored values are
 * concatenated at their offsets, in order (repeated positions and zeros
 * kept); otherwise SciPy goes through coo, whose conversion sums repeated
 * positions and sorts the indices (canonical, zeros kept), and so does
 * this. Theano's defaults: csc for hstack, csr for vstack; the dtype the
 * blocks' promotion.
 */
import { promoteAll, type DType } from '../core/dtype.js';
import { constant } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import * as T from '../tensor/tensor.js';
import { checkFormat, type SparseFormat } from './matrix.js';
import { fromCoordinates, sameLength, summedCoordinates } from './ops.js';
import { checkSparse, type SparseVariable } from './variable.js';

function stack(caller: string, blocks: readonly SparseVariable[], along: 'rows' | 'columns', format: SparseFormat, dtype: DType | undefined): SparseVariable {
  checkFormat(format, caller);
  if (!Array.isArray(blocks) || blocks.length === 0) throw new TypeError(`${caller}: expected a non-empty list of sparse variables`);
  const bs = blocks.map((b, i) => checkSparse(b, caller, `block ${i}`));
  const dt = dtype ?? promoteAll(bs.map((b) => b.dtype));
  // the other length: every block's, checked equal to the first's when the function runs
  const other = (b: SparseVariable) => (along === 'rows' ? b.nCols : b.nRows);
  const otherWhat = along === 'rows' ? 'columns' : 'rows';
  const shared = bs.slice(1).reduce((n, b, i) => sameLength(n, other(b), (x, y) => `${caller}: block ${i + 1} has ${y} ${otherWhat}, the blocks before it ${x}`), other(bs[0]!));
  const rows: TensorVariable[] = [];
  const cols: TensorVariable[] = [];
  let offset: TensorVariable = constant(0, { dtype: 'int64' });
  for (const b of bs) {
    const [r, c] = [T.cast(b.rowIds, 'int64'), T.cast(b.colIds, 'int64')];
    rows.push(along === 'rows' ? T.add(r, offset) : r);
    cols.push(along === 'columns' ? T.add(c, offset) : c);
    offset = T.add(offset, along === 'rows' ? b.nRows : b.nCols);
  }
  const data = T.concatenate(bs.map((b) => (b.dtype === dt ? b.data : T.cast(b.data, dt))));
  const [nRows, nCols] = along === 'rows' ? [offset, shared] : [shared, offset];
  const build = bs.every((b) => b.format === format) ? fromCoordinates : summedCoordinates;
  return build(format, data, T.concatenate(rows), T.concatenate(cols), nRows, nCols);
}

/** Theano's `sparse.hstack(blocks, format, dtype)`: the blocks side by side (one number of rows), csc by default. */
export function hstack(blocks: readonly SparseVariable[], format: SparseFormat = 'csc', dtype?: DType): SparseVariable {
  return stack('sparse.hstack', blocks, 'columns', format, dtype);
}

/** Theano's `sparse.vstack(blocks, format, dtype)`: the blocks one above the other (one number of columns), csr by default. */
export function vstack(blocks: readonly SparseVariable[], format: SparseFormat = 'csr', dtype?: DType): SparseVariable {
  return stack('sparse.vstack', blocks, 'rows', format, dtype);
}
