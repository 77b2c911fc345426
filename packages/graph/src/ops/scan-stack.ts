/**
 * The stacking of a scan's steps (ops/scan.ts): each step's row of an
 * output, computed in a buffer of its own, gathered into the output with
 * a leading axis of steps.
 */
import { contiguousStrides, fill, sizeOf } from '../core/ndarray.js';
import type { BufferView, LowerContext, TensorView } from '../kernel/lower.js';
import type { ScalarExpr } from '../kernel/kernel.js';
import * as ix from '../kernel/index-expr.js';

/**
 * At most this many steps' (or pieces') buffers are read by one stacking
 * kernel (a backend may evaluate every branch of its switch).
 */
const FAN_IN = 8;

/**
 * `length` rows of shape `rowShape`, row t from `rows[t]` (zeros past the
 * steps, and at the time indices the loop did not visit), stacked by a
 * tree of kernels: a kernel of the first level stacks FAN_IN consecutive
 * rows, one of level L FAN_IN pieces of the level below, each piece
 * FAN_IN^(L-1) rows, the last piece of a level padded with zero rows to
 * that length, so that every piece is read whole, in place: each kernel is
 * a switch over its row (or piece) of plain loads, one piece per branch,
 * no computed address. The top kernel's buffer may hold padding rows past
 * `length` (at most as many again, for a length just past a power of
 * FAN_IN); the result is a view of its first `length` rows. Each
 * element is read O(log n) times and no kernel reads more than FAN_IN
 * steps' buffers (and the positions it switches on).
 *
 * Loads rather than gathers: a SIMD path (the CPU's WebAssembly) runs the
 * kernels, where gathers at clamped positions ran as JavaScript, which a
 * first call runs cold (W6's 50 steps: about 20 ms of its first call).
 */
export function stackSteps(ctx: LowerContext, rows: readonly (TensorView | undefined)[], length: number, rowShape: readonly number[], dtype: TensorView['dtype']): BufferView {
  const shape = [length, ...rowShape];
  const zero: ScalarExpr = { kind: 'const', value: 0, dtype };
  if (sizeOf(shape) === 0) return ctx.indexed(shape, dtype, [], () => zero);
  // positions 0..m-1 along a kernel's first axis, as float32 (exact for these counts): a switch on them stays on the SIMD path
  const positions = new Map<number, TensorView>();
  const positionView = (m: number, rank: number): TensorView => {
    let c = positions.get(m);
    if (!c) positions.set(m, (c = ctx.constant(fill([m], 'float32', (i) => i))));
    if (c.kind === 'scalar') return c;
    return { ...c, shape: [m, ...new Array<number>(rank - 1).fill(1)], strides: [1, ...new Array<number>(rank - 1).fill(0)] };
  };
  /** A kernel of `kernelShape` whose row r (along the first axis) is `parts[r]` (a view with a leading axis of 1), or zeros where undefined. */
  const stack = (kernelShape: readonly number[], parts: readonly (TensorView | undefined)[]): BufferView => {
    const m = kernelShape[0]!;
    const present = parts.map((v) => v !== undefined);
    const inputs: TensorView[] = [positionView(m, kernelShape.length), ...parts.filter((v): v is TensorView => v !== undefined)];
    return ctx.elementwise(kernelShape, dtype, inputs, (loads) => {
      const [position, ...values] = loads;
      const branch: ScalarExpr[] = [];
      let k = 0;
      for (let r = 0; r < m; r++) branch.push(present[r] ? ix.castTo(values[k++]!, dtype) : zero);
      // rows lo..hi-1 by halves; a run of zero rows is one constant
      const select = (lo: number, hi: number): ScalarExpr => {
        if (hi - lo === 1 || branch.slice(lo, hi).every((b) => b === zero)) return branch[lo]!;
        const mid = (lo + hi) >> 1;
        const before: ScalarExpr = { kind: 'apply', op: 'lt', args: [position!, { kind: 'const', value: mid, dtype: 'float32' }], computeDType: 'float32', dtype: 'bool' };
        return ix.select(before, select(lo, mid), select(mid, hi), dtype);
      };
      return select(0, m);
    });
  };
  // a step's row gains the steps axis as a view
  const withAxis = (v: TensorView): TensorView => (v.kind === 'buffer' ? { ...v, shape: [1, ...v.shape], strides: [0, ...v.strides] } : v);
  const rowSize = sizeOf(rowShape);
  const firstGroups = Math.ceil(length / FAN_IN);
  let pieces: (BufferView | undefined)[] = [];
  for (let g = 0; g < firstGroups; g++) {
    const count = firstGroups === 1 ? length : FAN_IN;
    const parts = Array.from({ length: count }, (_, r) => {
      const v = rows[g * FAN_IN + r];
      return v === undefined ? undefined : withAxis(v);
    });
    pieces.push(firstGroups === 1 || parts.some((p) => p) ? stack([count, ...rowShape], parts) : undefined);
  }
  // every piece holds `rows` rows, contiguous: read as one flat row of `rows * rowSize` elements
  for (let rowsPerPiece = FAN_IN; pieces.length > 1; rowsPerPiece *= FAN_IN) {
    const groups = Math.ceil(pieces.length / FAN_IN);
    const next: (BufferView | undefined)[] = [];
    for (let g = 0; g < groups; g++) {
      const count = groups === 1 ? pieces.length : FAN_IN;
      const parts = Array.from({ length: count }, (_, r): TensorView | undefined => {
        const p = pieces[g * FAN_IN + r];
        return p && { ...p, shape: [1, rowsPerPiece * rowSize], strides: [0, 1] };
      });
      next.push(groups === 1 || parts.some((p) => p) ? stack([count, rowsPerPiece * rowSize], parts) : undefined);
    }
    pieces = next;
  }
  return { ...pieces[0]!, shape, strides: contiguousStrides(shape) };
}
