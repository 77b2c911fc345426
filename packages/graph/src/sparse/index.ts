/**
 * `sym.sparse`: Theano's `theano.sparse` subset. Symbolic csr/csc matrices
 * carried by dense tensors, so every backend runs them with no code of its
 * own; SparseMatrix values in and out of `sym.function`.
 */
export { SparseMatrix, type SparseFormat, type SparseParts } from './matrix.js';
export { SparseVariable, csrMatrix, cscMatrix, matrix, csr, csc, fromParts, csmProperties, isSparse, type SparseComponents } from './variable.js';
export { SparseSharedVariable, shared } from './shared.js';
export { denseFromSparse, csrFromDense, cscFromDense, transpose, structuredDot, dot, spSum, mul, add, sub, rowScale, colScale, spOnesLike, spZerosLike } from './ops.js';
export { getItemList, getItemScalar } from './select.js';
export { getItem2d, getItem } from './slice.js';
export { hstack, vstack } from './stack.js';
export { remove0, ensureSortedIndices, sortIndices, clean } from './clean.js';
export { trueDot, fullGradientViews, type FullView } from './true-dot.js';
export { sparseBlockDot } from './block-dot.js';
export {
  structuredSigmoid,
  structuredExp,
  structuredLog,
  structuredPow,
  structuredMinimum,
  structuredMaximum,
  structuredAdd,
  abs,
  neg,
  sqr,
  sqrt,
  sin,
  tan,
  arcsin,
  arctan,
  sinh,
  arcsinh,
  tanh,
  arctanh,
  expm1,
  log1p,
  deg2rad,
  rad2deg,
  sgn,
  ceil,
  floor,
  trunc,
  rint,
} from './structured.js';
export type { SparseGivens } from './eval.js';
