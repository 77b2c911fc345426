/**
 * Indexing by an integer vector along the first axis, Theano's
 * AdvancedSubtensor1 (`x[idx]`, an embedding lookup) and
 * AdvancedIncSubtensor1 (`inc_subtensor(x[idx], y)`, its gradient: repeated
 * indices accumulate; `set_subtensor`: the last write wins). Indices are
 * read inside kernels: negative ones count from the end, out-of-range ones
 * are clamped (a kernel cannot raise). An index whose values are on the
 * host (a function input, a constant) is checked before the call instead:
 * NumPy's IndexError, nothing written (CheckIndex, ops/check-index.ts, put
 * by x.get); the reference `perform` raises for every index (DebugMode).
 */
import { castScalar, isInt } from '../core/dtype.js';
import { NDArray, sizeOf } from '../core/ndarray.js';
import { Apply, Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { At, BufferView, LowerContext, TensorView } from '../kernel/lower.js';
import type { ScalarExpr, ScatterAccumulator } from '../kernel/kernel.js';
import type { DType } from '../core/dtype.js';
import { broadcastStrides } from './broadcast.js';
import * as ix from '../kernel/index-expr.js';
import { broadcastIndex, checkBroadcastTo, checkWritable, resolveInt, writing } from './subtensor.js';

function checkIndexVector(what: string, idx: TensorVariable): void {
  if (idx.ndim !== 1 || !isInt(idx.dtype)) throw new TypeError(`${what}: the index must be an integer vector, got ${idx} of type ${idx.type}`);
}

/** `x[idx]` for an integer vector idx: rows of x (along axis 0) in the order idx lists them. */
export class AdvancedSubtensor1 extends Op {
  readonly kind = 'AdvancedSubtensor1' as const;
  key(): string {
    return 'AdvancedSubtensor1';
  }
  override toString(): string {
    return 'AdvancedSubtensor1';
  }
  override pp(args: readonly string[]): string {
    return `${args[0]}[${args[1]}]`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [x, idx] = inputs as [TensorVariable, TensorVariable];
    if (x.ndim === 0) throw new TypeError(`AdvancedSubtensor1: ${x} is 0-d and cannot be indexed`);
    checkIndexVector('AdvancedSubtensor1', idx);
    return [new TensorType(x.dtype, [idx.broadcastable[0]!, ...x.broadcastable.slice(1)])];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const [xs, is] = shapes as [StaticShape, StaticShape];
    return [[is[0]!, ...xs.slice(1)]];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [x, idx] = inputs as [NDArray, NDArray];
    const row = sizeOf(x.shape.slice(1));
    const out = NDArray.zeros([idx.size, ...x.shape.slice(1)], x.dtype);
    for (let k = 0; k < idx.size; k++) {
      const j = resolveInt(idx.data[k]!, x.shape[0]!, 0);
      out.data.set(x.data.subarray(j * row, (j + 1) * row), k * row);
    }
    return [out];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    const [x, idx] = inputs as [TensorView, TensorView];
    const shape = [idx.shape[0]!, ...x.shape.slice(1)];
    const n = x.shape[0]!;
    // an empty result, or rows of an empty axis: no row to read (every index of an empty axis is out of range, and the
    // index's CheckIndex raises NumPy's IndexError for the call, naming x and the index, on the host or by its flag)
    if (sizeOf(shape) === 0 || n === 0) return [ctx.indexed(shape, x.dtype, [], () => ({ kind: 'const', value: 0, dtype: x.dtype }))];
    return [
      ctx.indexed(shape, x.dtype, [x, idx], (at, index) => {
        const row = ix.wrapIndex(at(1, [index(0)]), n);
        return at(0, [row, ...x.shape.slice(1).map((_, d) => index(d + 1))]);
      }),
    ];
  }
}

/**
 * x with the rows idx lists incremented by (`set`: replaced by) the rows of
 * y, broadcast to (len(idx), ...x.shape[1:]). Inputs: x, y, idx.
 */
export class AdvancedIncSubtensor1 extends Op {
  readonly kind = 'AdvancedIncSubtensor1' as const;
  constructor(
    /** true: Theano's `set_subtensor`, the rows of y written over the indexed rows; false: `inc_subtensor`, added to them (repeated indices add up). */
    readonly set: boolean,
  ) {
    super();
  }
  key(): string {
    return this.set ? 'AdvancedSetSubtensor1' : 'AdvancedIncSubtensor1';
  }
  override toString(): string {
    return this.key();
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [x, y, idx] = inputs as [TensorVariable, TensorVariable, TensorVariable];
    checkIndexVector(this.toString(), idx);
    if (x.ndim === 0) throw new TypeError(`${this.toString()}: ${x} is 0-d and cannot be indexed`);
    checkWritable(this.toString(), x, y, this.set);
    if (y.ndim > x.ndim) throw new TypeError(`${this.toString()}: ${y} has more dimensions than ${x}`);
    return [x.type];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const [xs, ys, is] = shapes as [StaticShape, StaticShape, StaticShape];
    checkBroadcastTo(writing(this.set, node), node.inputs[1]!, ys, [is[0]!, ...xs.slice(1)]);
    return [xs];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const [x, y, idx] = inputs as [NDArray, NDArray, NDArray];
    const out = x.copy();
    const window = [idx.size, ...x.shape.slice(1)];
    const row = sizeOf(x.shape.slice(1));
    const ys = broadcastIndex(y.shape, window);
    const d = node.outputs[0]!.dtype;
    // inc: the increments of a row are summed first, then added once, as the kernels do
    // (numpy.add.at adds them one at a time: in float16, 1000 additions of 1 to 2048 all round away)
    const sums = new Map<number, Float64Array>();
    for (let k = 0; k < idx.size; k++) {
      const j = resolveInt(idx.data[k]!, x.shape[0]!, 0);
      let sum = sums.get(j);
      if (!sum) sums.set(j, (sum = new Float64Array(row)));
      for (let r = 0; r < row; r++) {
        const v = y.data[ys(k * row + r)]!;
        if (this.set) out.data[j * row + r] = castScalar(v, d);
        else sum[r]! += v;
      }
    }
    if (!this.set) {
      for (const [j, sum] of sums) for (let r = 0; r < row; r++) out.data[j * row + r] = castScalar(out.data[j * row + r]! + castScalar(sum[r]!, d), d);
    }
    return [out];
  }

  /**
   * Rows j of x that no index names are copied; a named row takes (set) or
   * adds (inc) the y rows of the indices naming it. Inc is one scatter-add
   * kernel where the backend runs them (K rows added, in an accumulator
   * of 32 or 64 bits, then converted back to x's dtype where that is
   * narrower): an embedding's gradient, a weighted bincount, `x.get(rows,
   * cols)` incremented. Otherwise, and for set, the indices are sorted
   * (stably: one sort kernel, or by counting, K^2 integer comparisons),
   * each row finds its run of indices by binary search (n log K), and inc
   * sums each run with a segmented scan (K rows, log K passes): never n K
   * rows (an embedding table's gradient would be quadratic in its size),
   * nor K^2 rows. Without a scatter-add, integer inc by one y row for
   * every index (bincount's counts) takes a run's length times that row
   * instead of the scan; with one, counts scatter too (an integer sum
   * wraps alike in any order, and K adds beat the sort and n log K
   * searches: bincount of 10^6 values, 7-19 ms against 44-57 on the CPU).
   */
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const [x, y, idx] = inputs as [TensorView, TensorView, TensorView];
    const d = node.outputs[0]!.dtype;
    const n = x.shape[0]!;
    const K = idx.shape[0]!;
    const rest = x.shape.slice(1);
    if (K === 0 || sizeOf(x.shape) === 0) return [ctx.contiguous(x)];
    if (!this.set && ctx.scatterAdd && x.kind === 'buffer' && idx.kind === 'buffer') return [scatterAddRows(ctx, x, y, idx, d)];
    // the indices, wrapped and clamped into [0, n), once
    const rows = ctx.indexed([K], 'int32', [idx], (at, index) => ix.wrapIndex(at(0, [index(0)]), n));
    const { order, sorted } = sortStably(ctx, rows, K);
    // run of row j: sorted positions [lo[j], lo[j + 1])
    const lo = lowerBounds(ctx, sorted, K, n + 1);
    const acc = d === 'float16' ? 'float32' : d;
    const yRows = (source: number, at: At, k: ScalarExpr, inner: readonly ScalarExpr[]) =>
      at(
        source,
        y.shape.map((m, e) => {
          const dim = rest.length + 1 - y.shape.length + e;
          if (m === 1) return ix.int(0);
          return dim === 0 ? k : inner[dim - 1]!;
        }),
      );
    // inc of one y row for every index (bincount's counts) in integers: a run adds its length times that row,
    // exactly the sequential sum perform takes (wrapping as it does), with no scan over the K sorted values
    const yRowsBroadcast = y.shape.length <= rest.length || y.shape[0] === 1;
    if (!this.set && isInt(d) && yRowsBroadcast) {
      return [
        ctx.indexed(x.shape, d, [x, lo, y], (at, index) => {
          const xIndex = x.shape.map((_, k) => index(k));
          const count = ix.castTo(ix.sub(at(1, [ix.add(xIndex[0]!, ix.int(1))]), at(1, [xIndex[0]!])), d);
          const times: ScalarExpr = { kind: 'apply', op: 'mul', args: [count, ix.castTo(yRows(2, at, ix.int(0), xIndex.slice(1)), d)], computeDType: d, dtype: d };
          return { kind: 'apply', op: 'add', args: [at(0, xIndex), times], computeDType: d, dtype: d };
        }),
      ];
    }
    // inc: the y rows in sorted order, then each run summed into its last position
    let sums: BufferView | undefined;
    if (!this.set) {
      sums = ctx.indexed([K, ...rest], acc, [y, order], (at, index) =>
        ix.castTo(yRows(0, at, ix.clampIndex(at(1, [index(0)]), K), rest.map((_, r) => index(r + 1))), acc),
      );
      const head = ctx.indexed([K], 'int32', [lo, sorted], (at, index) => at(0, [at(1, [index(0)])]));
      for (let s = 1; s < K; s *= 2) {
        const t = sums;
        sums = ctx.indexed([K, ...rest], acc, [t, head], (at, index) => {
          const inner = rest.map((_, r) => index(r + 1));
          const from = ix.sub(index(0), ix.int(s));
          const same = ix.ge(from, at(1, [index(0)]));
          const add: ScalarExpr = { kind: 'apply', op: 'add', args: [at(0, [index(0), ...inner]), at(0, [ix.clampIndex(from, K), ...inner])], computeDType: acc, dtype: acc };
          return ix.select(same, add, at(0, [index(0), ...inner]), acc);
        });
      }
    }
    const sources = sums ? [x, lo, sums] : [x, lo, y, order];
    return [
      ctx.indexed(x.shape, d, sources, (at, index) => {
        const xIndex = x.shape.map((_, k) => index(k));
        const inner = xIndex.slice(1);
        const start = at(1, [xIndex[0]!]);
        const end = at(1, [ix.add(xIndex[0]!, ix.int(1))]);
        const last = ix.clampIndex(ix.sub(end, ix.int(1)), K);
        const xv = at(0, xIndex);
        // set: the last write of the run wins (the sort is stable: its last position has the largest k)
        const written: ScalarExpr = sums
          ? { kind: 'apply', op: 'add', args: [xv, ix.castTo(at(2, [last, ...inner]), d)], computeDType: d, dtype: d }
          : ix.castTo(yRows(2, at, ix.clampIndex(at(3, [last]), K), inner), d);
        return ix.select(ix.lt(start, end), written, xv, d);
      }),
    ];
  }
}

/** The accumulator of a scatter-add into dtype d: float16 sums in float32, a narrower integer in its 32-bit kind. */
export function scatterAccumulator(d: DType): ScatterAccumulator {
  switch (d) {
    case 'float64':
    case 'int64':
    case 'uint32':
    case 'int32':
    case 'float32':
      return d;
    case 'float16':
      return 'float32';
    case 'uint8':
    case 'uint16':
      return 'uint32';
    default:
      return 'int32';
  }
}

/** x (a buffer: it has rank >= 1) with y's rows added at the rows idx names, by one scatter-add kernel, in dtype d. */
function scatterAddRows(ctx: LowerContext, x: BufferView, y: TensorView, idx: BufferView, d: DType): BufferView {
  const n = x.shape[0]!;
  const K = idx.shape[0]!;
  const rest = x.shape.slice(1);
  // an int32 index goes in as it is (the kernel wraps and clamps it); another is wrapped in its own dtype first
  const rows = idx.dtype === 'int32' ? idx : ctx.indexed([K], 'int32', [idx], (at, index) => ix.wrapIndex(at(0, [index(0)]), n));
  const values: TensorView = y.kind === 'scalar' ? y : { ...y, shape: [K, ...rest], strides: broadcastStrides(y.shape, y.strides, [K, ...rest]) };
  const acc = scatterAccumulator(d);
  const sums = ctx.scatterAdd!(x, values, rows, acc);
  return acc === d ? sums : ctx.elementwise(x.shape, d, [sums], (l) => ix.castTo(l[0]!, d));
}

/**
 * The stable sort of K row indices: order[p] is the k at sorted position
 * p, sorted[p] its row. One sort kernel where the backend runs them; else
 * by counting, of elementwise kernels.
 */
function sortStably(ctx: LowerContext, rows: BufferView, K: number): { order: BufferView; sorted: BufferView } {
  const order = ctx.sort ? ctx.sort(rows, 0, K, false) : countingOrder(ctx, rows, K);
  const sorted = ctx.indexed([K], 'int32', [rows, order], (at, index) => at(0, [ix.clampIndex(at(1, [index(0)]), K)]));
  return { order, sorted };
}

/** The stable sorting order of K row indices by counting: K^2 comparisons in two reductions. */
function countingOrder(ctx: LowerContext, rows: BufferView, K: number): BufferView {
  const ks = ctx.range(K);
  const along = (v: BufferView, axis: number): TensorView => ({ ...v, shape: [K, K], strides: [axis === 0 ? 1 : 0, axis === 1 ? 1 : 0] });
  // rank[k]: how many indices come before k (a smaller row, or the same row at a smaller k)
  const rank = ctx.reduce({
    inputs: [along(rows, 0), along(rows, 1), along(ks, 0), along(ks, 1)],
    shape: [K, K],
    axes: [1],
    reducer: 'sum',
    acc: 'int32',
    out: 'int32',
    build: (l) => ix.select(ix.or(ix.lt(l[1]!, l[0]!), ix.and(ix.eq(l[1]!, l[0]!), ix.lt(l[3]!, l[2]!))), ix.int(1), ix.int(0), 'int32'),
  });
  // order[p]: the k whose rank is p
  const order = ctx.reduce({
    inputs: [along(ks, 0), along(rank, 1), along(ks, 1)],
    shape: [K, K],
    axes: [1],
    reducer: 'max',
    acc: 'int32',
    out: 'int32',
    build: (l) => ix.select(ix.eq(l[1]!, l[0]!), l[2]!, ix.int(0), 'int32'),
  });
  return order;
}

/**
 * lo[v] for v in [0, count): how many of the K sorted values are below v,
 * by binary search, one kernel per step (each step reads the last's
 * positions: one expression for all steps would repeat the earlier ones).
 */
function lowerBounds(ctx: LowerContext, sorted: BufferView, K: number, count: number): BufferView {
  let pos: BufferView | undefined;
  for (let step = 2 ** Math.floor(Math.log2(K)); step >= 1; step /= 2) {
    const prev = pos;
    pos = ctx.indexed([count], 'int32', prev ? [sorted, prev] : [sorted], (at, index) => {
      const p = prev ? at(1, [index(0)]) : ix.int(0);
      const next = ix.add(p, ix.int(step));
      const below = ix.and(ix.lt(next, ix.int(K + 1)), ix.lt(at(0, [ix.clampIndex(ix.sub(next, ix.int(1)), K)]), index(0)));
      return ix.select(below, next, p, 'int32');
    });
  }
  return pos!;
}

