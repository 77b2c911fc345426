/**
 * What the layers' `outputShape` share: an input shape taken apart and
 * checked, so that a wrong rank or a length that is not one names the
 * layer, the layout it expects and what came.
 */
import { shapeToString, type StaticShape } from '@sym/graph';

/**
 * `shape` checked to be a list of lengths (integers >= 0, or null where
 * unknown) whose count `ranks` accepts; `layout` says what it should be,
 * e.g. `(batch, steps, features)`.
 */
export function checkInputShape(what: string, shape: StaticShape, layout: string, ranks: (n: number) => boolean): StaticShape {
  if (!Array.isArray(shape) || shape.some((n) => n !== null && !(Number.isInteger(n) && n >= 0))) {
    throw new TypeError(`${what}: expected an input shape ${layout} of lengths (integers >= 0, or null where unknown), got ${JSON.stringify(shape)}`);
  }
  if (!ranks(shape.length)) throw new TypeError(`${what}: expected an input shape ${layout}, got ${shapeToString(shape)} (${shape.length}-d)`);
  return shape;
}

/** A known length of `shape` at `axis` other than `expected` is an error naming both. */
export function checkLength(what: string, shape: StaticShape, axis: number, expected: number, name: string): void {
  const n = shape[axis];
  if (n !== null && n !== undefined && n !== expected) {
    throw new RangeError(`${what}: the input shape ${shapeToString(shape)} has ${n} ${name} (axis ${axis}), expected ${expected}`);
  }
}
