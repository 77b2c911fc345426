/**
 * Small helpers of the tensor compositions (shape-extra.ts, math-extra.ts,
 * extra-arrays.ts): an axis made non-negative with an error naming it, and
 * a dimension's length as a number where it is known. Not part of `T`.
 */
import type { Length } from '../ops/alloc.js';
import type { TensorVariable } from '../core/variable.js';
// a cycle (tensor.ts re-exports the files using this one): used only inside functions
import * as T from './tensor.js';

/** The integers from, from + 1, ..., from + n - 1. */
export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

/** `axis` of a tensor of `ndim` dimensions made non-negative, or an error naming it. */
export function axisIn(what: string, axis: number, ndim: number, v?: TensorVariable): number {
  const of = v ? ` for ${v} of type ${v.type}` : '';
  // JavaScript callers pass anything: a string '1' would print as the axis 1 and be called out of range
  if (!Number.isInteger(axis)) throw new TypeError(`${what}: axis must be an integer in [-${ndim}, ${ndim}), got ${typeof axis === 'number' ? axis : (JSON.stringify(axis) ?? String(axis))}${of}`);
  if (axis < -ndim || axis >= ndim) throw new RangeError(`${what}: axis ${axis} is out of range [-${ndim}, ${ndim})${of}`);
  return axis < 0 ? axis + ndim : axis;
}

/** The length of dimension d: 1 where broadcastable, the number when known at build time, else a symbolic scalar. */
export function lengthOf(v: TensorVariable, d: number): Length {
  if (v.broadcastable[d]) return 1;
  return v.staticShape[d] ?? T.shapeI(v, d);
}
