/**
 * trueDot's record of the dense views it computes through (true-dot.ts):
 * each view's data vector and the row and column ids it scatters by, keyed
 * by the view (a collected view takes its record with it). Kept apart from
 * true-dot.ts, importing nothing, so that cloneReplace (core/clone.ts)
 * carries a view's record to its copy, as it carries error labels and
 * window marks: grad of a sym.clone of the graph keeps the full gradient.
 */
import type { TensorVariable } from '../core/variable.js';

export interface ViewSource {
  readonly data: TensorVariable;
  readonly rowIds: TensorVariable;
  readonly colIds: TensorVariable;
}

const SOURCES = new WeakMap<TensorVariable, ViewSource>();

/** Record `view` as the dense matrix of `source.data` scattered at (rowIds, colIds). */
export function recordFullView(view: TensorVariable, source: ViewSource): void {
  SOURCES.set(view, source);
}

/** What `v` is the dense view of, if trueDot made it (or a copy of one it made). */
export function fullViewSource(v: TensorVariable): ViewSource | undefined {
  return SOURCES.get(v);
}

/** A clone's `copy` of a recorded view is recorded too, of the copied (or replaced) data and ids. */
export function carryFullView(original: TensorVariable, copy: TensorVariable, copied: (v: TensorVariable) => TensorVariable): void {
  const s = SOURCES.get(original);
  if (s) SOURCES.set(copy, { data: copied(s.data), rowIds: copied(s.rowIds), colIds: copied(s.colIds) });
}
