/**
 * Theano's structured elementwise ops on a sparse matrix: the function of
 * each stored value, the pattern kept (the zeros not stored stay zeros,
 * which is the function's value at 0 for sqr, sqrt, neg, sin, tanh, ...;
 * for exp, log, sigmoid and pow, which Theano names structured_*, it is
 * not: only the stored values are mapped).
 */
import { asTensor, type TensorLike } from '../core/op.js';
import { nameInError } from '../core/error-names.js';
import type { TensorVariable } from '../core/variable.js';
import * as T from '../tensor/tensor.js';
import { withLength } from './ops.js';
import { checkSparse, type SparseVariable } from './variable.js';

const unary = (name: string, f: (x: TensorVariable) => TensorVariable) => (x: SparseVariable): SparseVariable => {
  const s = checkSparse(x, `sparse.${name}`);
  return s.withData(f(s.data));
};

/** Theano's `structured_sigmoid`: the sigmoid of each stored value (the zeros not stored stay zeros, though sigmoid(0) is 0.5). */
export const structuredSigmoid = unary('structuredSigmoid', T.sigmoid);
/** Theano's `structured_exp`: exp of each stored value (the zeros not stored stay zeros, though exp(0) is 1). */
export const structuredExp = unary('structuredExp', T.exp);
/** Theano's `structured_log`: log of each stored value (the zeros not stored stay zeros). */
export const structuredLog = unary('structuredLog', T.log);
// the elementwise functions zero at zero (Theano's sparse versions of them)
/** Theano's `sparse.abs`: |x| of each stored value, the sparsity pattern kept (zero at zero). */
export const abs = unary('abs', T.abs);
/** Theano's `sparse.neg`: -x of each stored value, the sparsity pattern kept (zero at zero). */
export const neg = unary('neg', T.neg);
/** Theano's `sparse.sqr`: x * x of each stored value, the sparsity pattern kept (zero at zero). */
export const sqr = unary('sqr', T.sqr);
/** Theano's `sparse.sqrt`: the square root of each stored value, the sparsity pattern kept (zero at zero). */
export const sqrt = unary('sqrt', T.sqrt);
/** Theano's `sparse.sin`: the sine of each stored value, the sparsity pattern kept (zero at zero). */
export const sin = unary('sin', T.sin);
/** Theano's `sparse.tan`: the tangent of each stored value, the sparsity pattern kept (zero at zero). */
export const tan = unary('tan', T.tan);
/** Theano's `sparse.arcsin`: the inverse sine of each stored value, the sparsity pattern kept (zero at zero). */
export const arcsin = unary('arcsin', T.arcsin);
/** Theano's `sparse.arctan`: the inverse tangent of each stored value, the sparsity pattern kept (zero at zero). */
export const arctan = unary('arctan', T.arctan);
/** Theano's `sparse.sinh`: the hyperbolic sine of each stored value, the sparsity pattern kept (zero at zero). */
export const sinh = unary('sinh', T.sinh);
/** Theano's `sparse.arcsinh`: the inverse hyperbolic sine of each stored value, the sparsity pattern kept (zero at zero). */
export const arcsinh = unary('arcsinh', T.arcsinh);
/** Theano's `sparse.tanh`: the hyperbolic tangent of each stored value, the sparsity pattern kept (zero at zero). */
export const tanh = unary('tanh', T.tanh);
/** Theano's `sparse.arctanh`: the inverse hyperbolic tangent of each stored value, the sparsity pattern kept (zero at zero). */
export const arctanh = unary('arctanh', T.arctanh);
/** Theano's `sparse.expm1`: exp(x) - 1 of each stored value, the sparsity pattern kept (zero at zero). */
export const expm1 = unary('expm1', T.expm1);
/** Theano's `sparse.log1p`: log(1 + x) of each stored value, the sparsity pattern kept (zero at zero). */
export const log1p = unary('log1p', T.log1p);
/** Theano's `sparse.deg2rad`: degrees to radians of each stored value, the sparsity pattern kept (zero at zero). */
export const deg2rad = unary('deg2rad', T.deg2rad);
/** Theano's `sparse.rad2deg`: radians to degrees of each stored value, the sparsity pattern kept (zero at zero). */
export const rad2deg = unary('rad2deg', T.rad2deg);
/** Theano's `sparse.sgn`: the sign of each stored value, the sparsity pattern kept (zero at zero). */
export const sgn = unary('sgn', T.sgn);
/** Theano's `sparse.ceil`: rounded up of each stored value, the sparsity pattern kept (zero at zero). */
export const ceil = unary('ceil', T.ceil);
/** Theano's `sparse.floor`: rounded down of each stored value, the sparsity pattern kept (zero at zero). */
export const floor = unary('floor', T.floor);
/** Theano's `sparse.trunc`: rounded towards zero of each stored value, the sparsity pattern kept (zero at zero). */
export const trunc = unary('trunc', T.trunc);
/** Theano's `sparse.rint`: NumPy's rint, halves to even. */
export const rint = unary('rint', T.roundHalfToEven);

function scalarArg(caller: string, y: TensorLike): TensorVariable {
  const v = asTensor(y, `${caller}: y`);
  if (v.ndim !== 0) throw new TypeError(`${caller}: y must be a scalar, got ${nameInError(v)} of type ${v.type}`);
  return v;
}

/** Theano's `structured_pow(x, y)`: each stored value to the power y (a scalar). */
export function structuredPow(x: SparseVariable, y: TensorLike): SparseVariable {
  const s = checkSparse(x, 'sparse.structuredPow');
  return s.withData(T.pow(s.data, scalarArg('sparse.structuredPow', y)));
}

/** Theano's `structured_minimum(x, y)`: each stored value's minimum with y (a scalar). */
export function structuredMinimum(x: SparseVariable, y: TensorLike): SparseVariable {
  const s = checkSparse(x, 'sparse.structuredMinimum');
  return s.withData(T.minimum(s.data, scalarArg('sparse.structuredMinimum', y)));
}

/** Theano's `structured_maximum(x, y)`. */
export function structuredMaximum(x: SparseVariable, y: TensorLike): SparseVariable {
  const s = checkSparse(x, 'sparse.structuredMaximum');
  return s.withData(T.maximum(s.data, scalarArg('sparse.structuredMaximum', y)));
}

/** Theano's `structured_add(x, y)`: y[j] (a vector, one value a column) added to each stored value of column j. */
export function structuredAdd(x: SparseVariable, y: TensorLike): SparseVariable {
  const s = checkSparse(x, 'sparse.structuredAdd');
  const v = asTensor(y, 'sparse.structuredAdd: y');
  if (v.ndim !== 1) throw new TypeError(`sparse.structuredAdd: y must be a vector (one value a column), got ${nameInError(v)} of type ${v.type}`);
  return s.withData(T.add(s.data, T.take(withLength(v, 0, s.nCols, 'sparse.structuredAdd', `y (${nameInError(v)})`, 'columns'), s.colIds, 0)));
}
