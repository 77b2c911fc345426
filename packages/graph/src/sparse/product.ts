/**
 * Products of two sparse matrices, as Theano's: `structured_dot(x, y)`
 * sparse in x's format (Theano's StructuredDot of two sparse operands,
 * SciPy's `x @ y`), `dot(x, y)` dense (Theano's Dot, which densifies
 * SciPy's product). Which stored values meet, and where each product
 * sums, is known only from both patterns: a host stage works it out
 * (ProductPattern, Gustavson's algorithm over the row and column ids):
 * which stored values meet, where each product sums, and the sums
 * themselves, in the product's dtype and SciPy's order (a device's
 * scatter-add sums in an order of its own, which in float32 can store 0
 * where SciPy stores -1); the values carry the structured gradient (one
 * derivative a stored value) of those terms (product-values.ts). As
 * SciPy's, the sparse result drops the positions whose sum is exactly
 * zero; its indices are sorted in each row (column), where SciPy leaves
 * them in the order met. The dense result scatters each position's sum
 * to its flat place. The elementwise product of two sparse matrices
 * (mul_s_s) is here too: a host stage finds the positions both store and
 * their products.
 */
import { promote } from '../core/dtype.js';
import { applyNode } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import * as T from '../tensor/tensor.js';
import { IntersectionPattern } from './patterns.js';
import { ProductPattern } from './product-pattern.js';
import { ElementwiseValues, ProductValues } from './product-values.js';
import { sameLength } from './ops.js';
import { SparseVariable } from './variable.js';

const i64 = (v: TensorVariable) => (v.dtype === 'int64' ? v : T.cast(v, 'int64'));

/** The host stage's inputs for x @ y: L @ R is x @ y (csr x) or its transpose y.T @ x.T (csc x), whose rows are the product's columns. */
function operands(x: SparseVariable, y: SparseVariable): [SparseVariable, SparseVariable, TensorVariable[]] {
  const [l, r] = x.format === 'csr' ? [x, y] : [y.T, x.T];
  // the inner lengths as x and y give them: the host stage checks them equal (either is L's columns and R's rows then)
  return [l, r, [l.rowIds, l.colIds, r.rowIds, r.colIds, i64(l.nRows), i64(x.nCols), i64(y.nRows), i64(r.nCols)]];
}

/**
 * Theano's `structured_dot(x, y)` of two sparse matrices: sparse in x's
 * format, SciPy's `x @ y` (its exact zeros dropped, indices sorted). The
 * host stage finds the positions and their sums (in the product's dtype
 * and SciPy's order of summing), and leaves a cancelled position and its
 * terms out.
 */
export function sparseProduct(x: SparseVariable, y: SparseVariable, caller: string): SparseVariable {
  const dtype = promote(x.dtype, y.dtype);
  const [l, r, inputs] = operands(x, y);
  const node = applyNode(new ProductPattern(caller, { x: `x (${x})`, y: `y (${y})` }, 'sparse', dtype), [...inputs, l.data, r.data]);
  const [pairL, pairR, slot, indices, indptr, majorIds, values] = node.outputs as [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];
  const data = new ProductValues().apply(values, l.data, r.data, pairL, pairR, slot);
  return new SparseVariable(x.format, { data, indices, indptr, nRows: i64(x.nRows), nCols: i64(y.nCols), majorIds });
}

/** Theano's `dot(x, y)` of two sparse matrices: dense (its Dot densifies SciPy's product); each position's sum put at its flat place (each place once, so the scatter-add onto zeros is exact). */
export function denseProduct(x: SparseVariable, y: SparseVariable, caller: string): TensorVariable {
  const dtype = promote(x.dtype, y.dtype);
  const [l, r, inputs] = operands(x, y);
  const node = applyNode(new ProductPattern(caller, { x: `x (${x})`, y: `y (${y})` }, 'dense', dtype, x.format === 'csc'), [...inputs, l.data, r.data]);
  const [pairL, pairR, slot, flat, values] = node.outputs as [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];
  const [nRows, nCols] = [i64(x.nRows), i64(y.nCols)];
  const dense = T.incSubtensor(T.get(T.zeros([T.mul(nRows, nCols)], dtype), flat), new ProductValues().apply(values, l.data, r.data, pairL, pairR, slot));
  return T.reshape(dense, [nRows, nCols]);
}

/**
 * Theano's `mul(x, y)` of two sparse matrices (mul_s_s, SciPy's
 * `x.multiply(y)`): the elementwise product, sparse in x's format, stored
 * where both store (repeated positions summed first) and, as SciPy's,
 * where one stores inf or NaN and the other nothing (NaN), canonical, its
 * exact zeros dropped. One host stage finds the common positions, their
 * products (each operand's values reaching a position summed first, in
 * the dtype and stored order, as SciPy's) and which are exactly 0; the
 * values carry the structured gradient of both operands.
 */
export function elementwiseProduct(x: SparseVariable, y: SparseVariable, caller: string): SparseVariable {
  const nRows = sameLength(x.nRows, y.nRows, (a, b) => `${caller}: the operands' shapes differ: x has ${a} rows, y ${b}`);
  const nCols = sameLength(x.nCols, y.nCols, (a, b) => `${caller}: the operands' shapes differ: x has ${a} columns, y ${b}`);
  const csr = x.format === 'csr';
  const [nMajor, nMinor] = csr ? [nRows, nCols] : [nCols, nRows];
  const [yMajor, yMinor] = csr ? [y.rowIds, y.colIds] : [y.colIds, y.rowIds];
  const dtype = promote(x.dtype, y.dtype);
  const node = applyNode(new IntersectionPattern(dtype), [x.majorIds, x.indices, yMajor, yMinor, nMajor, nMinor, x.data, y.data]);
  const [xTake, xSlot, yTake, ySlot, indices, indptr, majorIds, values] = node.outputs as TensorVariable[] as [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];
  const data = new ElementwiseValues().apply(values, x.data, y.data, xTake, xSlot, yTake, ySlot);
  return new SparseVariable(x.format, { data, indices, indptr, nRows, nCols, majorIds });
}
