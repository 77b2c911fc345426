/**
 * Small helpers of the tensor compositions (shape-extra.ts, math-extra.ts,
 * extra-arrays.ts): an axis made non-negative with an error naming it
 * (core/axis.ts's, re-exported), and a dimension's length as a number
 * where it is known. Not part of `T`.
 */
import type { Length } from '../ops/alloc.js';
import type { TensorVariable } from '../core/variable.js';
export { axisIn } from '../core/axis.js';
// a cycle (tensor.ts re-exports the files using this one): used only inside functions
import * as T from './tensor.js';

/** The integers from, from + 1, ..., from + n - 1. */
export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

/** The length of dimension d: 1 where broadcastable, the number when known at build time, else a symbolic scalar. */
export function lengthOf(v: TensorVariable, d: number): Length {
  if (v.broadcastable[d]) return 1;
  return v.staticShape[d] ?? T.shapeI(v, d);
}
