/** Theano's broadcasting: shapes are padded on the left, and only broadcastable dimensions broadcast. */
import { contiguousStrides, shapeToString } from '../core/ndarray.js';
import type { StaticShape } from '../core/variable.js';

export function padLeft<T>(xs: readonly T[], n: number, fill: T): T[] {
  return [...new Array<T>(n - xs.length).fill(fill), ...xs];
}

/**
 * The broadcast shape of several operands. `patterns` are their
 * broadcastable flags. A dimension that is not broadcastable in any operand
 * must agree across those operands; unknown (null) sizes are skipped.
 * `opName` begins the error (a function: called only for one), and `names` name the operands in the error, or name operand i when called
 * (made only for an error: a constant's name prints its value, and graph
 * rewriting infers shapes at every node it builds).
 */
export function broadcastShapes(
  opName: string | (() => string),
  shapes: readonly StaticShape[],
  patterns: readonly (readonly boolean[])[],
  names: readonly string[] | ((i: number) => string),
): StaticShape {
  const nameOf = (i: number) => (typeof names === 'function' ? names(i) : names[i]);
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const padded = shapes.map((s) => padLeft(s, nd, 1 as number | null));
  const bcs = patterns.map((p) => padLeft(p, nd, true));
  const out: (number | null)[] = [];
  for (let d = 0; d < nd; d++) {
    let size: number | null = 1;
    let from = -1;
    let allBroadcastable = true;
    for (let i = 0; i < padded.length; i++) {
      if (bcs[i]![d]) continue;
      allBroadcastable = false;
      const s = padded[i]![d]!;
      if (s === null) {
        if (from < 0) size = null;
        continue;
      }
      if (from >= 0 && size !== null && s !== size) {
        const hint =
          s === 1 || size === 1
            ? ' A dimension of length 1 broadcasts only when its type marks it broadcastable (dimshuffle with "x", or shared(..., { broadcastable })).'
            : '';
        throw new Error(
          `${typeof opName === 'function' ? opName() : opName}: shapes do not match at dimension ${d}: ${nameOf(from)} has shape ${shapeToString(shapes[from]!)} ` +
            `(broadcastable ${pattern(patterns[from]!)}) and ${nameOf(i)} has shape ${shapeToString(shapes[i]!)} ` +
            `(broadcastable ${pattern(patterns[i]!)}).${hint}`,
        );
      }
      if (from < 0 || size === null) {
        size = s;
        from = i;
      }
    }
    out.push(allBroadcastable ? 1 : size);
  }
  return out;
}

export function pattern(bc: readonly boolean[]): string {
  return `(${bc.map((b) => (b ? 'True' : 'False')).join(', ')}${bc.length === 1 ? ',' : ''})`;
}

/** Strides to read an array of `shape` as if broadcast to `outShape` (0 where broadcast). */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], outShape: readonly number[]): number[] {
  const nd = outShape.length;
  const off = nd - shape.length;
  const res = new Array<number>(nd).fill(0);
  for (let d = 0; d < shape.length; d++) {
    res[d + off] = shape[d] === 1 && outShape[d + off] !== 1 ? 0 : strides[d]!;
  }
  return res;
}

export { contiguousStrides };
