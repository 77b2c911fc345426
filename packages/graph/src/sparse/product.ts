/**
 * Products of two sparse matrices, as Theano's: `structured_dot(x, y)`
 * sparse in x's format (Theano's StructuredDot of two sparse operands,
 * SciPy's `x @ y`), `dot(x, y)` dense (Theano's Dot, which densifies
 * SciPy's product). Which stored values meet, and where each product
 * sums, is known only from both patterns: a host stage works it out
 * (ProductPattern, Gustavson's algorithm over the row and column ids),
 * then the values are gathered, multiplied and scatter-added into the
 * product's positions by ordinary ops, so grad gives each operand the
 * structured gradient (one derivative a stored value) and every backend
 * runs them. As SciPy's, the sparse result drops the positions whose sum
 * is exactly zero (found by the same host stage, from the values); its
 * indices are sorted in each row (column), where SciPy leaves them in the
 * order met. The dense result skips the pattern: each term is
 * scatter-added at its flat position. The
 * elementwise product of two sparse matrices (mul_s_s) is here too: a
 * host stage finds the positions both store.
 */
import { promote, type DType } from '../core/dtype.js';
import { applyNode } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import * as T from '../tensor/tensor.js';
import { IntersectionPattern } from './patterns.js';
import { ProductPattern } from './product-pattern.js';
import { sameLength } from './ops.js';
import { SparseVariable } from './variable.js';

const i64 = (v: TensorVariable) => (v.dtype === 'int64' ? v : T.cast(v, 'int64'));

/** The host stage's inputs for x @ y: L @ R is x @ y (csr x) or its transpose y.T @ x.T (csc x), whose rows are the product's columns. */
function operands(x: SparseVariable, y: SparseVariable): [SparseVariable, SparseVariable, TensorVariable[]] {
  const [l, r] = x.format === 'csr' ? [x, y] : [y.T, x.T];
  // the inner lengths as x and y give them: the host stage checks them equal (either is L's columns and R's rows then)
  return [l, r, [l.rowIds, l.colIds, r.rowIds, r.colIds, i64(l.nRows), i64(x.nCols), i64(y.nRows), i64(r.nCols)]];
}

/** Each product term L[pairL] R[pairR], in the product's dtype. */
function terms(l: SparseVariable, r: SparseVariable, pairL: TensorVariable, pairR: TensorVariable, dtype: DType): TensorVariable {
  const cast = (d: TensorVariable) => (d.dtype === dtype ? d : T.cast(d, dtype));
  return T.mul(T.take(cast(l.data), pairL, 0), T.take(cast(r.data), pairR, 0));
}

/**
 * Theano's `structured_dot(x, y)` of two sparse matrices: sparse in x's
 * format, SciPy's `x @ y` (its exact zeros dropped, indices sorted). The
 * host stage finds the positions and which of them cancel (from the
 * values, in the product's dtype and SciPy's order of summing), and
 * leaves a cancelled position's terms out.
 */
export function sparseProduct(x: SparseVariable, y: SparseVariable, caller: string): SparseVariable {
  const dtype = promote(x.dtype, y.dtype);
  const [l, r, inputs] = operands(x, y);
  const node = applyNode(new ProductPattern(caller, { x: `x (${x})`, y: `y (${y})` }, 'sparse', dtype), [...inputs, l.data, r.data]);
  const [pairL, pairR, slot, indices, indptr, majorIds] = node.outputs as [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];
  const data = T.incSubtensor(T.get(T.zeros([T.shapeI(indices, 0)], dtype), slot), terms(l, r, pairL, pairR, dtype));
  return new SparseVariable(x.format, { data, indices, indptr, nRows: i64(x.nRows), nCols: i64(y.nCols), majorIds });
}

/** Theano's `dot(x, y)` of two sparse matrices: dense (its Dot densifies SciPy's product); each term scatter-added into its flat position. */
export function denseProduct(x: SparseVariable, y: SparseVariable, caller: string): TensorVariable {
  const dtype = promote(x.dtype, y.dtype);
  const [l, r, inputs] = operands(x, y);
  const node = applyNode(new ProductPattern(caller, { x: `x (${x})`, y: `y (${y})` }, 'dense', dtype, x.format === 'csc'), inputs);
  const [pairL, pairR, flat] = node.outputs as [TensorVariable, TensorVariable, TensorVariable];
  const [nRows, nCols] = [i64(x.nRows), i64(y.nCols)];
  const dense = T.incSubtensor(T.get(T.zeros([T.mul(nRows, nCols)], dtype), flat), terms(l, r, pairL, pairR, dtype));
  return T.reshape(dense, [nRows, nCols]);
}

/**
 * Theano's `mul(x, y)` of two sparse matrices (mul_s_s, SciPy's
 * `x.multiply(y)`): the elementwise product, sparse in x's format, stored
 * where both store (repeated positions summed first), canonical, its
 * exact zeros dropped. One host stage finds the common positions and,
 * from the values, which products are exactly 0; each operand's values
 * reaching a kept position are summed into it by a scatter-add, so both
 * get the structured gradient.
 */
export function elementwiseProduct(x: SparseVariable, y: SparseVariable, caller: string): SparseVariable {
  const nRows = sameLength(x.nRows, y.nRows, (a, b) => `${caller}: the operands' shapes differ: x has ${a} rows, y ${b}`);
  const nCols = sameLength(x.nCols, y.nCols, (a, b) => `${caller}: the operands' shapes differ: x has ${a} columns, y ${b}`);
  const csr = x.format === 'csr';
  const [nMajor, nMinor] = csr ? [nRows, nCols] : [nCols, nRows];
  const [yMajor, yMinor] = csr ? [y.rowIds, y.colIds] : [y.colIds, y.rowIds];
  const dtype = promote(x.dtype, y.dtype);
  const node = applyNode(new IntersectionPattern(dtype), [x.majorIds, x.indices, yMajor, yMinor, nMajor, nMinor, x.data, y.data]);
  const [xTake, xSlot, yTake, ySlot, indices, indptr, majorIds] = node.outputs as TensorVariable[] as [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];
  const zeros = T.zeros([T.shapeI(indices, 0)], dtype);
  const summed = (d: TensorVariable, take: TensorVariable, slot: TensorVariable) => T.incSubtensor(T.get(zeros, slot), T.take(d.dtype === dtype ? d : T.cast(d, dtype), take, 0));
  const data = T.mul(summed(x.data, xTake, xSlot), summed(y.data, yTake, ySlot));
  return new SparseVariable(x.format, { data, indices, indptr, nRows, nCols, majorIds });
}
