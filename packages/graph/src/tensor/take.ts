/**
 * Theano's and NumPy's `take(a, indices, axis = None, mode = 'raise')`:
 * elements of `a` along an axis (of `a` flattened when axis is null),
 * shaped as `a.shape[:axis] + indices.shape + a.shape[axis + 1:]`. One
 * gather (AdvancedSubtensor1) of the rows of `a` with that axis moved
 * first, so it differentiates and fuses as `x.get(idx)` does.
 */
import { isInt } from '../core/dtype.js';
import { apply1, asTensor, type TensorLike } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { labelForErrors, nameInError } from '../core/error-names.js';
import { AdvancedSubtensor1 } from '../ops/advanced.js';
import { checkedIndex, checkedMappedIndex, indexName } from '../ops/check-index.js';
import { checkMode, type IndexMode } from './choose-ravel.js';
import { axisIn, lengthOf, range } from './axes.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';

/**
 * `take(a, indices, axis, mode)`. `axis` null (the default, as Theano's)
 * takes from `a` flattened; an integer (negative counts from the end)
 * takes along that axis: `T.take(W, ids, 0)` is the rows `W[ids]`.
 * `indices` is an integer tensor (or numbers) of any rank; a scalar drops
 * the axis. `mode` says what an index outside [0, n) does: 'raise' (the
 * default) allows NumPy's negative indices [-n, 0) and refuses others
 * with NumPy's IndexError before the call writes anything; 'wrap' takes
 * it modulo n (-1 is n - 1, n is 0); 'clip' clips it into [0, n - 1] (a
 * negative index is 0, as NumPy's).
 */
export function take(a: TensorLike, indices: TensorLike, axis: number | null = null, mode: IndexMode = 'raise'): TensorVariable {
  const v = asTensor(a, 'take');
  const given = asTensor(indices, 'take: indices');
  if (!isInt(given.dtype)) {
    throw new TypeError(`take(${nameInError(v)}, indices): indices must be an integer tensor, got ${nameInError(given)} of type ${given.type}`);
  }
  checkMode('take', mode);
  const what = () => `take(${nameInError(v)}, ${indexName(given)}${axis === null || axis === undefined ? '' : `, ${axis}`})`;
  if (axis === null || axis === undefined) {
    // Theano's and NumPy's default: a flattened (a vector as it is; a 0-d a is one element)
    const flat = v.ndim === 1 ? v : labelForErrors(T.flatten(v), () => `${nameInError(v)}.flatten()`);
    return gatherRows(flat, inRange(given, flat, 0, mode, what));
  }
  if (v.ndim === 0) throw new TypeError(`${what()}: a must have an axis to take along, got the 0-d ${nameInError(v)} of type ${v.type} (axis null takes from it flattened)`);
  const ax = axisIn('take', axis, v.ndim, v);
  // checked along axis `ax` of a (its error names that axis and a's shape), read as rows of a with the axis moved first
  const idx = inRange(given, v, ax, mode, what);
  if (ax === 0) return gatherRows(v, idx);
  const others = range(v.ndim).filter((d) => d !== ax);
  const picked = gatherRows(T.dimshuffle(v, [ax, ...others]), idx);
  // picked: indices' axes, then a's before ax, then a's after it; wanted: a's before ax, indices' axes, a's after
  const m = idx.ndim;
  return T.dimshuffle(picked, [...range(ax, m), ...range(m), ...range(v.ndim - 1 - ax, m + ax)]);
}

/** idx as `mode` maps it into axis `ax` of x: checked (raise), taken modulo its length (wrap) or clipped (clip). */
function inRange(idx: TensorVariable, x: TensorVariable, ax: number, mode: IndexMode, what: () => string): TensorVariable {
  if (mode === 'raise') return checkedIndex(idx, x, ax, what);
  // in int64 at least: a narrow index (int8) modulo a longer axis would not fit its own dtype
  const n = T.shapeI(x, ax);
  const mapped = mode === 'wrap' ? T.mod(idx, n) : T.clip(idx, 0, T.sub(n, 1));
  // still checked: an empty axis has no index to map into (NumPy refuses it)
  return checkedMappedIndex(mapped, idx, x, ax, what, mode);
}

/** The rows x[idx] for an index of any rank already in range: one gather, shaped as idx's axes then x's others. */
function gatherRows(x: TensorVariable, idx: TensorVariable): TensorVariable {
  if (idx.ndim === 1) return apply1(new AdvancedSubtensor1(), [x, idx]);
  const picked = apply1(new AdvancedSubtensor1(), [x, T.flatten(idx)]);
  const lengths = [...range(idx.ndim).map((d) => lengthOf(idx, d)), ...range(x.ndim - 1, 1).map((d) => lengthOf(x, d))];
  return T.reshape(picked, lengths);
}
