/**
 * The one check of an axis argument: every T.* function taking an axis
 * (reductions, sort, concatenate, take, ...) calls it, so that a
 * non-integer is called that, not an axis out of range, in the same words.
 */
import type { TensorVariable } from './variable.js';

/** `axis` of a tensor of `ndim` dimensions made non-negative, or an error naming `what`, the tensor and what came. */
export function axisIn(what: string, axis: number, ndim: number, v?: TensorVariable): number {
  // v named only for an error: a constant's name prints its value (a big array formatted at every call otherwise)
  const of = (): string => (v ? ` for ${v} of type ${v.type}` : '');
  // JavaScript callers pass anything: a string '1' would print as the axis 1 and be called out of range
  if (!Number.isInteger(axis)) throw new TypeError(`${what}: axis must be an integer in [-${ndim}, ${ndim}), got ${typeof axis === 'number' ? axis : (JSON.stringify(axis) ?? String(axis))}${of()}`);
  if (axis < -ndim || axis >= ndim) throw new RangeError(`${what}: axis ${axis} is out of range [-${ndim}, ${ndim})${of()}`);
  return axis < 0 ? axis + ndim : axis;
}
