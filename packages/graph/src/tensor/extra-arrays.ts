/**
 * More of Theano's `theano.tensor.extra_ops`, as compositions of windows,
 * comparisons, switches and reductions: diff, bartlett, fillDiagonal,
 * fillDiagonalOffset and searchsorted. `tensor.ts` re-exports them as
 * part of `T`, and `T.extraOps` lists them with the others.
 */
import { castScalar, intRange, isInt } from '../core/dtype.js';
import { apply1, asTensor, constant, type TensorLike } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { MatchLength } from '../ops/shape.js';
import { axisIn, lengthOf, range } from './axes.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';


/**
 * NumPy's and Theano's `diff(x, n, axis)`: the n-th discrete difference
 * along axis (the last by default), `x[1:] - x[:-1]` applied n times, so
 * that axis is n shorter (empty once n reaches its length). Booleans
 * differ by `!=`, as NumPy's.
 */
export function diff(x: TensorLike, n = 1, axis = -1): TensorVariable {
  let v = asTensor(x, 'diff');
  if (v.ndim === 0) throw new TypeError(`diff: x must have at least one dimension, got ${v} of type ${v.type}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`diff: the order n must be a non-negative integer, got ${n}`);
  const a = axisIn('diff', axis, v.ndim, v);
  const lead = range(a).map(() => ':');
  for (let i = 0; i < n; i++) {
    const [hi, lo] = [T.get(v, ...lead, '1:'), T.get(v, ...lead, ':-1')];
    v = v.dtype === 'bool' ? T.neq(hi, lo) : T.sub(hi, lo);
  }
  return v;
}

/**
 * NumPy's and Theano's `bartlett(M)`: the triangular window of M points
 * (an integer or integer scalar), float64, peaking at 1 in the middle:
 * empty for M < 1, [1] for M = 1.
 */
export function bartlett(M: number | TensorVariable): TensorVariable {
  if (typeof M === 'number' ? !Number.isInteger(M) : !(M instanceof TensorVariable && M.ndim === 0 && isInt(M.dtype))) {
    throw new TypeError(`bartlett: M must be an integer or an integer scalar, got ${M instanceof TensorVariable ? `${M} of type ${M.type}` : String(M)}`);
  }
  if (typeof M === 'number') {
    if (M < 1) return constant([], { dtype: 'float64' });
    if (M === 1) return constant([1], { dtype: 'float64' });
  }
  // in int64: 1 - M of an unsigned M would wrap (and make the window empty)
  const m = typeof M === 'number' || M.dtype === 'int64' ? M : T.cast(M, 'int64');
  // n runs over 1 - M, 3 - M, ..., M - 1; the window is 1 - |n| / (M - 1)
  const n = T.cast(T.arange(T.sub(1, m), m, 2), 'float64');
  const w = T.sub(1, T.trueDiv(T.abs(n), T.cast(T.sub(m, 1), 'float64')));
  return typeof m === 'number' ? w : T.switch_(T.eq(m, 1), 1, w);
}

/** The mask of a's diagonal (every index equal), offset along the last axis of a matrix. */
function diagonalMask(a: TensorVariable, offset: number): TensorVariable {
  const idx = a.broadcastable.map((_, d) => T.dimshuffle(T.arange(lengthOf(a, d)), a.broadcastable.map((__, e) => (e === d ? 0 : ('x' as const)))));
  let mask = T.eq(offset === 0 ? idx[0]! : T.add(idx[0]!, offset), idx[1]!);
  for (let d = 2; d < idx.length; d++) mask = T.and(mask, T.eq(idx[0]!, idx[d]!));
  return mask;
}

/**
 * val as a scalar of a's dtype (NumPy's fill_diagonal writes it into a): a
 * fraction is truncated into an integer dtype, as NumPy's, but an integer
 * the dtype cannot hold is refused, as NumPy 2's OverflowError (300 into
 * uint8 is not 44).
 */
function scalarValue(what: string, a: TensorVariable, val: TensorLike): TensorVariable {
  if (typeof val === 'number' && isInt(a.dtype) && Number.isInteger(val) && castScalar(val, a.dtype) !== val) {
    const [lo, hi] = intRange(a.dtype);
    throw new RangeError(`${what}: val ${val} is out of range for a's dtype ${a.dtype} [${lo}, ${hi}] (${a} of type ${a.type}); NumPy raises OverflowError`);
  }
  const v = typeof val === 'number' || typeof val === 'boolean' ? constant(val, { dtype: a.dtype }) : asTensor(val, `${what}: val`);
  if (v.ndim !== 0) throw new TypeError(`${what}: val must be a scalar, got ${v} of type ${v.type}`);
  return v.dtype === a.dtype ? v : T.cast(v, a.dtype);
}

/**
 * NumPy's and Theano's `fill_diagonal(a, val)`: a copy of a with its main
 * diagonal set to the scalar val (cast to a's dtype): `a[i, i]` of a
 * matrix (any shape: min(rows, cols) entries), `a[i, i, ..., i]` of a
 * tensor whose dimensions all have one length (checked). The gradient is
 * Theano's: a's with the diagonal zeroed, val's the sum over the diagonal.
 */
export function fillDiagonal(a: TensorLike, val: TensorLike): TensorVariable {
  let x = asTensor(a, 'fillDiagonal: a');
  if (x.ndim < 2) throw new TypeError(`fillDiagonal: a must have at least two dimensions, got ${x} of type ${x.type}`);
  for (let d = 1; d < x.ndim && x.ndim > 2; d++) {
    x = apply1(new MatchLength(0, d, (s) => `fillDiagonal: a tensor of more than two dimensions needs them all of one length, got shape [${s.join(', ')}]`, `fillDiagonal:${d}`), [x, x]);
  }
  return T.switch_(diagonalMask(x, 0), scalarValue('fillDiagonal', x, val), x);
}

/**
 * Theano's `fill_diagonal_offset(a, val, offset)`: a copy of the matrix a
 * with diagonal `offset` (positive above the main one, negative below)
 * set to the scalar val, cast to a's dtype.
 */
export function fillDiagonalOffset(a: TensorLike, val: TensorLike, offset: number): TensorVariable {
  const x = asTensor(a, 'fillDiagonalOffset: a');
  if (x.ndim !== 2) throw new TypeError(`fillDiagonalOffset: a must be a matrix, got ${x} of type ${x.type}`);
  if (!Number.isInteger(offset)) throw new TypeError(`fillDiagonalOffset: offset must be an integer, got ${String(offset)}`);
  return T.switch_(diagonalMask(x, offset), scalarValue('fillDiagonalOffset', x, val), x);
}

/**
 * NumPy's and Theano's `searchsorted(x, v, side, sorter)`: for each
 * element of v, the index at which it would be inserted into the sorted
 * vector x to keep it sorted, before equal elements (`'left'`) or after
 * them (`'right'`); int64, of v's shape. `sorter`, integer indices that
 * sort x, is applied first. NaN sorts last, as NumPy's. Computed as a
 * count of the elements of x below v, so O(len(x) size(v)) work.
 */
export function searchsorted(x: TensorLike, v: TensorLike, side: 'left' | 'right' = 'left', sorter: TensorVariable | null = null): TensorVariable {
  let a = asTensor(x, 'searchsorted: x');
  const b = asTensor(v, 'searchsorted: v');
  if (a.ndim !== 1) throw new TypeError(`searchsorted: x must be a vector (sorted), got ${a} of type ${a.type}`);
  if (side !== 'left' && side !== 'right') throw new TypeError(`searchsorted: side must be 'left' or 'right', got ${JSON.stringify(side)}`);
  if (sorter !== null && sorter !== undefined) {
    if (!(sorter instanceof TensorVariable) || sorter.ndim !== 1 || !isInt(sorter.dtype)) {
      throw new TypeError(`searchsorted: sorter must be an integer vector, got ${sorter instanceof TensorVariable ? `${sorter} of type ${sorter.type}` : typeof sorter}`);
    }
    a = T.take(a, sorter, 0);
  }
  // x along a new last axis, against each element of v
  const xs = T.dimshuffle(a, [...range(b.ndim).map(() => 'x' as const), 0]);
  const vs = T.dimshuffle(b, [...range(b.ndim), 'x']);
  // NumPy's order puts NaN after every number: x < NaN unless x is NaN, x <= NaN always
  const before = side === 'left' ? T.switch_(T.isnan(vs), T.not(T.isnan(xs)), T.lt(xs, vs)) : T.switch_(T.isnan(vs), true, T.le(xs, vs));
  return T.sum(T.cast(before, 'int64'), -1);
}
