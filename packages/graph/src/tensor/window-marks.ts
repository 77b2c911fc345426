/**
 * What `T.setSubtensor`/`T.incSubtensor` must know about a window that its
 * own op does not say: a window made of several ops (mixed-index.ts, an
 * Ellipsis, `x[None]`) carries the function that writes into it, and a
 * window taken from x flattened (`x.get(rows, cols)`, a mask of several
 * dimensions) carries x, whose shape a write gives back. Kept beside the
 * graph, keyed by the window variable, so a copy of the graph made by
 * `cloneReplace` carries them to the window's copy (clone.ts).
 */
import type { TensorVariable } from '../core/variable.js';

/** Writes y (broadcast to the window) into the window's tensor: set, or inc. */
export type WindowWrite = (y: TensorVariable, set: boolean) => TensorVariable;

export interface WindowWriter {
  readonly x: TensorVariable;
  readonly write: WindowWrite;
}

const RESHAPED_WINDOWS = new WeakMap<TensorVariable, TensorVariable>();
const WINDOW_WRITERS = new WeakMap<TensorVariable, WindowWriter>();

/** Mark `window`, rows of x reshaped, as a window of x: `setSubtensor(window, y)` gives x's shape back (data-dependent.ts's masks). */
export function markReshapedWindow(window: TensorVariable, x: TensorVariable): TensorVariable {
  RESHAPED_WINDOWS.set(window, x);
  return window;
}

/** The tensor whose flattened rows `window` picks, if it is such a window. */
export function reshapedWindowOf(window: TensorVariable): TensorVariable | undefined {
  return RESHAPED_WINDOWS.get(window);
}

/** Mark `window`, made of several ops from x, as written into by `write` (y broadcast to the window; set, or inc). */
export function markWindowWriter(window: TensorVariable, x: TensorVariable, write: WindowWrite): void {
  WINDOW_WRITERS.set(window, { x, write });
}

export function windowWriterOf(window: TensorVariable): WindowWriter | undefined {
  return WINDOW_WRITERS.get(window);
}

/**
 * Give `copy`, a copy of `original` in a graph with some variables replaced,
 * the marks of `original`: `copied` maps an original variable to its copy
 * (itself where nothing it reads was replaced) and `reclone` copies a new
 * graph over the original one the same way, so that a write into the copy
 * is the original write with the same variables replaced.
 */
export function carryWindowMarks(
  original: TensorVariable,
  copy: TensorVariable,
  copied: (v: TensorVariable) => TensorVariable,
  reclone: (v: TensorVariable) => TensorVariable,
): void {
  const x = RESHAPED_WINDOWS.get(original);
  if (x) RESHAPED_WINDOWS.set(copy, copied(x));
  const writer = WINDOW_WRITERS.get(original);
  if (writer) WINDOW_WRITERS.set(copy, { x: copied(writer.x), write: (y, set) => reclone(writer.write(y, set)) });
}
