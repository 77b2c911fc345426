/**
 * Theano's functions whose results' shapes depend on values: `nonzero`,
 * `flatnonzero`, `nonzeroValues`, `x.get(mask)` for a boolean mask,
 * `unique`, `bincount` and `compress`. Only what needs the values runs on
 * the host (`ops/host.ts`: the positions of the non-zero elements, the
 * distinct values, bincount's length), between programs (`host-stage.ts`);
 * the rest are ordinary ops: a mask's elements are gathered by the
 * positions (`AdvancedSubtensor1`, so they differentiate as `x.get(idx)`
 * does), and bincount's sums are an `incSubtensor` into zeros of the
 * length found (so its weights get a gather for gradient).
 */
import { isFloat, isInt, MAX_ELEMENTS, type DType } from '../core/dtype.js';
import { apply1, applyNode, asTensor, constant, type TensorLike } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { NDArray } from '../core/ndarray.js';
import { AdvancedIncSubtensor1, AdvancedSubtensor1 } from '../ops/advanced.js';
import { BincountLength, NonZero, Unique, type UniqueOutputs } from '../ops/host.js';
import { MatchLength, ShapeI } from '../ops/shape.js';
import { axisIn } from './axes.js';
import { markReshapedWindow } from './window-marks.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';

/** x as a vector (C order), itself when it is one. */
function flat(v: TensorVariable): TensorVariable {
  return v.ndim === 1 ? v : T.flatten(v);
}

/**
 * Theano's `nonzero(x, return_matrix)`: the positions of x's non-zero
 * elements (NaN counts, as in NumPy), one int64 vector per dimension, in C
 * order, as `numpy.nonzero`; with `returnMatrix`, the (ndim, n) matrix of
 * those rows. The count n is known only from the values: the function runs
 * it on the host between programs (see the guide's "Data-dependent shapes").
 */
export function nonzero(x: TensorLike, returnMatrix: true): TensorVariable;
export function nonzero(x: TensorLike, returnMatrix?: false): TensorVariable[];
export function nonzero(x: TensorLike, returnMatrix?: boolean): TensorVariable | TensorVariable[];
export function nonzero(x: TensorLike, returnMatrix = false): TensorVariable | TensorVariable[] {
  const v = asTensor(x, 'nonzero: x');
  const m = apply1(new NonZero(), [v]);
  if (returnMatrix) return m;
  return v.broadcastable.map((_, d) => T.get(m, d));
}

/** `numpy.flatnonzero(x)`: the positions of the non-zero elements of x flattened, an int64 vector. */
export function flatnonzero(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'flatnonzero: x');
  if (v.ndim === 0) throw new TypeError(`flatnonzero: x must have at least one dimension, got ${v} of type ${v.type}`);
  return T.get(apply1(new NonZero(), [flat(v)]), 0);
}

/** Theano's `nonzero_values(x)`: the non-zero elements of x flattened, in C order (`x.flatten()[flatnonzero(x)]`, with its gradient). */
export function nonzeroValues(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'nonzeroValues: x');
  if (v.ndim === 0) throw new TypeError(`nonzeroValues: x must have at least one dimension, got ${v} of type ${v.type}`);
  return apply1(new AdvancedSubtensor1(), [flat(v), flatnonzero(v)]);
}

/**
 * `x[mask]` for a boolean mask of x's shape or of its leading dimensions
 * (NumPy's boolean indexing): the elements (or sub-arrays) where mask is
 * true, in C order, along one new first axis. It is `x[nonzero(mask)]`,
 * a gather by the positions, so it differentiates with respect to x.
 */
export function booleanMask(x: TensorLike, mask: TensorLike): TensorVariable {
  const v = asTensor(x, 'get: x');
  const given = asTensor(mask, 'get: mask');
  let m = given;
  if (m.dtype !== 'bool') throw new TypeError(`get: a mask must be a boolean tensor, got ${m} of type ${m.type}`);
  if (m.ndim === 0) return scalarMask(v, m);
  if (m.ndim > v.ndim) {
    throw new TypeError(`get: the boolean mask ${m} has ${m.ndim} dimensions; it must have between 0 and ${v.ndim} (those of ${v}, or its leading ones)`);
  }
  for (let d = 0; d < m.ndim; d++) {
    const describe = (ms: readonly (number | null)[], xs: readonly (number | null)[]): string =>
      `get: the boolean mask ${given} does not match ${v} along axis ${d}: its length is ${ms[d]} but the axis's is ${xs[d]} (NumPy's IndexError; a mask has x's shape or its leading dimensions')`;
    m = apply1(new MatchLength(d, d, describe, `boolean mask ${d}`), [m, v]);
  }
  const rest = v.broadcastable.slice(m.ndim).map((_, d) => apply1(new ShapeI(m.ndim + d), [v]));
  if (m.ndim === 1) return apply1(new AdvancedSubtensor1(), [v, flatnonzero(m)]);
  // the leading length as a product, not -1: x of shape (2, 3, 0) has no -1 to infer, and its (6, 0) rows are NumPy's
  const lead = m.broadcastable.map((_, d) => apply1(new ShapeI(d), [v])).reduce((p, q) => T.mul(p, q));
  const rows = m.ndim === v.ndim ? flat(v) : T.reshape(v, [lead, ...rest]);
  // T.setSubtensor(x.get(mask), y) writes into x's rows reshaped: x's shape comes back
  return markReshapedWindow(apply1(new AdvancedSubtensor1(), [rows, flatnonzero(m)]), v);
}

/**
 * `x[mask]` for a 0-d boolean mask (NumPy's `x[True]`, `x[np.array(False)]`):
 * x with a new first axis (`x[None]`) of length 1 where the mask is true, 0
 * where it is false. The rows of `x[None]` picked by the positions of the
 * mask as a one-element vector: a gather, so it differentiates, and
 * setSubtensor/incSubtensor write into it with x's shape back. A constant
 * mask (a JS boolean) needs no host stage: its positions are a constant.
 */
export function scalarMask(x: TensorVariable, mask: TensorVariable | boolean): TensorVariable {
  const lifted = T.get(x, null);
  const rows = typeof mask === 'boolean' ? constant(NDArray.zeros([mask ? 1 : 0], 'int64'), { dtype: 'int64' }) : flatnonzero(T.reshape(mask, [1]));
  return markReshapedWindow(apply1(new AdvancedSubtensor1(), [lifted, rows]), x);
}

/** What `unique` returns with `returnIndex`, `returnInverse` or `returnCounts`: the values, then those asked for, in that order. */
export type UniqueResult = TensorVariable | TensorVariable[];

/**
 * Theano's `unique(x, return_index, return_inverse, return_counts, axis)`
 * (NumPy's `unique`): the sorted distinct values of x flattened (NaNs
 * last, as one), or with `axis` its distinct slices along that axis
 * (sorted lexicographically), alone, or with the int64 index of each one's
 * first occurrence, the inverse (x's shape for axis null, as NumPy 2 gives
 * it; a vector with an axis) and the counts, in that order. Computed on
 * the host between programs; the outputs have no gradient (Theano's
 * Unique has none).
 */
export function unique(x: TensorLike, returnIndex = false, returnInverse = false, returnCounts = false, axis: number | null = null): UniqueResult {
  const v = asTensor(x, 'unique: x');
  const outputs: UniqueOutputs = { returnIndex, returnInverse, returnCounts };
  for (const [name, flag] of Object.entries(outputs)) if (typeof flag !== 'boolean') throw new TypeError(`unique: ${name} must be true or false, got ${String(flag)}`);
  const a = axis === null || axis === undefined ? null : axisIn('unique', axis, v.ndim, v);
  const node = applyNode(new Unique(outputs, a), [v]);
  return node.outputs.length === 1 ? node.outputs[0]! : [...node.outputs];
}

/**
 * `numpy.bincount(x, weights, minlength)` (Theano's `bincount`): how many
 * times each value 0, 1, ..., max(x) occurs in the non-negative integer
 * vector x (int64), or the sum of the weights at its occurrences, at least
 * `minlength` long. A negative element is an error naming x, as NumPy's
 * ValueError. Only the length is computed on the host; the sums are an
 * increment into zeros, so the weights have a gradient (a gather). With
 * weights, the result has their dtype when it is a float one (Theano's
 * rule: float32 weights stay float32 on a GPU), float64 otherwise (NumPy
 * gives float64 always).
 */
export function bincount(x: TensorLike, weights: TensorLike | null = null, minlength = 0): TensorVariable {
  const v = asTensor(x, 'bincount: x');
  if (v.ndim !== 1 || !isInt(v.dtype)) throw new TypeError(`bincount: x must be a vector of non-negative integers, got ${v} of type ${v.type}`);
  if (minlength === null || minlength === undefined) minlength = 0;
  if (!Number.isInteger(minlength) || minlength < 0) throw new RangeError(`bincount: minlength must be a non-negative integer, got ${String(minlength)}`);
  if (minlength > MAX_ELEMENTS) throw new RangeError(`bincount: minlength must be a non-negative integer of at most ${MAX_ELEMENTS} (the most elements an array may hold), got ${minlength}`);
  const length = apply1(new BincountLength(minlength), [v]);
  if (weights === null || weights === undefined) {
    return apply1(new AdvancedIncSubtensor1(false), [T.zeros([length], 'int64'), constant(1, { dtype: 'int64' }), v]);
  }
  const weightsIn = asTensor(weights, 'bincount: weights');
  let w = weightsIn;
  if (w.ndim !== 1) throw new TypeError(`bincount: weights must be a vector (one weight per element of x), got ${w} of type ${w.type}`);
  const describe = (ws: readonly (number | null)[], xs: readonly (number | null)[]): string =>
    `bincount: weights ${weightsIn} has ${ws[0]} elements but x ${v} has ${xs[0]}; they must be of the same length`;
  w = apply1(new MatchLength(0, 0, describe, 'bincount weights'), [w, v]);
  const dtype: DType = isFloat(w.dtype) ? w.dtype : 'float64';
  return apply1(new AdvancedIncSubtensor1(false), [T.zeros([length], dtype), w.dtype === dtype ? w : T.cast(w, dtype), v]);
}

/**
 * Theano's `extra_ops.compress(condition, x, axis)` (NumPy's `compress`):
 * the slices of x along `axis` (of x flattened when null) where the
 * boolean vector `condition` is true. A condition shorter than the axis
 * selects among the first slices only; one with a true entry past the
 * axis is an error, as NumPy's IndexError. A gather, with its gradient.
 */
export function compress(condition: TensorLike, x: TensorLike, axis: number | null = null): TensorVariable {
  const c = asTensor(condition, 'compress: condition');
  let v = asTensor(x, 'compress: x');
  if (c.ndim !== 1) throw new TypeError(`compress: condition must be a vector (one entry per slice along the axis), got ${c} of type ${c.type}`);
  // the axis' length from x's own shape (x flattened: the product of its lengths), which the host knows for an input x without a program
  const lengths = v.broadcastable.map((_, d) => apply1(new ShapeI(d), [v]));
  let length: TensorVariable | undefined;
  if (axis === null) {
    length = lengths.length ? lengths.reduce((p, n) => T.mul(p, n)) : T.constant(1, { dtype: 'int64' });
    v = flat(v);
    axis = 0;
  }
  const a = axisIn('compress', axis, v.ndim, v);
  length ??= lengths[a]!;
  const idx = apply1(new NonZero(true), [c, length]);
  const picked = T.get(idx, 0);
  if (a === 0) return apply1(new AdvancedSubtensor1(), [v, picked]);
  const front = [a, ...v.broadcastable.map((_, d) => d).filter((d) => d !== a)];
  // x's axis d is the gather's axis 0 for d = a, else its place among the others, moved one along when before a
  const back = v.broadcastable.map((_, d) => (d === a ? 0 : d < a ? d + 1 : d));
  return T.dimshuffle(apply1(new AdvancedSubtensor1(), [T.dimshuffle(v, front), picked]), back);
}
