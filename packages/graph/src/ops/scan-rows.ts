/**
 * A scan's sequence rows as its lowering gives them to each step
 * (ops/scan.ts): copied by a kernel replayed for every row.
 */
import { contiguousStrides, fill, sizeOf } from '../core/ndarray.js';
import type { BufferView, LowerContext, LowerMark, TensorView } from '../kernel/lower.js';
import * as ix from '../kernel/index-expr.js';

/** The first row copy of a sequence, replayed for its other rows (the same kernel object, another step buffer). */
export interface RowRecording {
  recorded?: { readonly from: LowerMark; readonly to: LowerMark; readonly step: number; readonly row: BufferView };
}

/**
 * `x[t]`, copied by a kernel that reads t from a one-element buffer. A view
 * would cost no kernel, but its offset would make every step's kernels
 * differ from the last step's (kernels are keyed by their loads' offsets),
 * and each new kernel is compiled: a shader compile per step on a GPU. With
 * the copy, every step after the first runs the first step's kernels. The
 * copy of the first row is replayed for the others (`rows`).
 */
export function rowAt(ctx: LowerContext, x: TensorView, t: number, rows: RowRecording): TensorView {
  if (x.kind === 'scalar') throw new Error('Scan: a sequence must have at least one dimension');
  const rowShape = x.shape.slice(1);
  if (sizeOf(rowShape) === 0) return { ...x, shape: rowShape, strides: x.strides.slice(1) };
  const step = ctx.constant(fill([1], 'int32', () => t)) as BufferView;
  const r = rows.recorded;
  if (r && ctx.replay) {
    const where = ctx.replay(r.from, r.to, new Map([[r.step, step.buffer]]));
    return { ...r.row, buffer: where(r.row.buffer) };
  }
  const from = ctx.mark?.();
  // a row laid out contiguously is copied as one flat run (one loop, not one per dimension: a SIMD kernel's rows are whole rows)
  const rowStrides = x.strides.slice(1);
  const flat = rowShape.every((n, d) => n === 1 || rowStrides[d] === sizeOf(rowShape.slice(d + 1)));
  const row: BufferView = flat
    ? {
        ...ctx.indexed([sizeOf(rowShape)], x.dtype, [{ ...x, shape: [x.shape[0]!, sizeOf(rowShape)], strides: [x.strides[0]!, 1] }, step], (read, index) => read(0, [read(1, [ix.int(0)]), index(0)])),
        shape: [...rowShape],
        strides: contiguousStrides(rowShape),
      }
    : ctx.indexed(rowShape, x.dtype, [x, step], (read, index) => read(0, [read(1, [ix.int(0)]), ...rowShape.map((_, d) => index(d))]));
  if (from) rows.recorded = { from, to: ctx.mark!(), step: step.buffer, row };
  return row;
}
