/**
 * Theano's `specify_shape`: a variable's shape given, checked by every
 * program and known to the rewrites. conv2d's shape hints are the same
 * check under their own names.
 */
import { apply1, asTensor, type TensorLike } from '../core/op.js';
import { shapeToString } from '../core/ndarray.js';
import { SpecifyShape } from '../ops/shape.js';
import { nameInError } from '../core/error-names.js';
import type { TensorVariable } from '../core/variable.js';

/**
 * Theano's `specify_shape(x, shape)`: x, of shape `shape` (a null length:
 * any), checked when the graph is built where the shapes are known, else
 * by every program (once per input shapes, in every mode, before any kernel
 * runs), wherever x stands in the graph. The rewrites know the shape
 * too: a shape computed from it is a constant (`(specifyShape(x, [2, 2])
 * ** 2).shape` compiles to the numbers 2 and 2).
 */
export function specifyShape(x: TensorLike, shape: readonly (number | null)[]): TensorVariable {
  return withShape('specifyShape', asTensor(x, 'specifyShape'), shape);
}

/** specifyShape for `what` (conv2d's inputShape too), its errors beginning with `what`. */
export function withShape(what: string, v: TensorVariable, shape: readonly (number | null)[]): TensorVariable {
  if (!Array.isArray(shape) || shape.length !== v.ndim) {
    throw new RangeError(`${what}: the shape must list ${v.ndim} lengths, one per dimension of ${v} (${v.type}); got ${JSON.stringify(shape)}`);
  }
  const bad = shape.findIndex((n) => n !== null && !(Number.isInteger(n) && n >= 0));
  if (bad >= 0) throw new RangeError(`${what}: length ${bad} must be a non-negative integer or null (any length), got ${String(shape[bad])}`);
  const describe = (xs: readonly (number | null)[]) => `${what}: ${nameInError(v)} has shape ${shapeToString(xs)}, but the shape specified is ${shapeToString(shape)}`;
  // no length claimed: nothing to check
  if (shape.every((n) => n === null)) return v;
  return apply1(new SpecifyShape([...shape], describe, what), [v]);
}
