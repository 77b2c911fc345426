/**
 * Indexing by an integer vector along the first axis, Theano's
 * AdvancedSubtensor1 (`x[idx]`, an embedding lookup) and
 * AdvancedIncSubtensor1 (`inc_subtensor(x[idx], y)`, its gradient: repeated
 * indices accumulate; `set_subtensor`: the last write wins). Indices are
 * read inside kernels: negative ones count from the end, out-of-range ones
 * are clamped (the reference `perform` raises NumPy's IndexError).
 */
import { canCastSafely, castScalar, isInt } from '../dtype.js';
import { NDArray, sizeOf } from '../ndarray.js';
import { Apply, Op } from '../op.js';
import { TensorType } from '../type.js';
import type { StaticShape, TensorVariable } from '../variable.js';
import type { BufferView, LowerContext, TensorView } from '../lower.js';
import type { ScalarExpr } from '../kernel.js';
import * as ix from '../index-expr.js';
import { broadcastIndex, checkBroadcastTo, resolveInt } from './subtensor.js';

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
    if (sizeOf(shape) === 0) return [ctx.indexed(shape, x.dtype, [], () => ({ kind: 'const', value: 0, dtype: x.dtype }))];
    if (n === 0) throw new RangeError(`AdvancedSubtensor1: cannot index an empty axis 0 (shape ${JSON.stringify(x.shape)})`);
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
  constructor(readonly set: boolean) {
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
    if (!canCastSafely(y.dtype, x.dtype)) {
      throw new TypeError(`${this.toString()}: cannot write ${y} (${y.dtype}) into ${x} (${x.dtype}) without losing data; cast it first (.astype('${x.dtype}'))`);
    }
    if (!this.set && x.dtype === 'bool') throw new TypeError(`${this.toString()}: cannot increment a bool tensor ${x}; use setSubtensor`);
    if (y.ndim > x.ndim) throw new TypeError(`${this.toString()}: ${y} has more dimensions than ${x}`);
    return [x.type];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const [xs, ys, is] = shapes as [StaticShape, StaticShape, StaticShape];
    checkBroadcastTo(this.toString(), node.inputs[1]!, ys, [is[0]!, ...xs.slice(1)]);
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
   * adds (inc) the y row of the last k naming it. For inc, that row first
   * becomes the sum of the y rows of every k naming the same row: the work
   * is n K integer comparisons and K^2 row additions, never n K rows (an
   * embedding table's gradient would be quadratic in its size).
   */
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const [x, y, idx] = inputs as [TensorView, TensorView, TensorView];
    const d = node.outputs[0]!.dtype;
    const n = x.shape[0]!;
    const K = idx.shape[0]!;
    const rest = x.shape.slice(1);
    if (K === 0 || sizeOf(x.shape) === 0) return [ctx.contiguous(x)];
    // the indices, wrapped and clamped into [0, n), once
    const rows = ctx.indexed([K], 'int32', [idx], (at, index) => ix.wrapIndex(at(0, [index(0)]), n));
    const positions = ctx.constant(range(n)) as BufferView;
    const ks = ctx.constant(range(K)) as BufferView;
    const matches = (l: ScalarExpr[]) => ix.eq(l[0]!, l[1]!);
    const along = (v: BufferView, shape: readonly number[], axis: number): TensorView => ({ ...v, shape, strides: shape.map((_, e) => (e === axis ? 1 : 0)) });
    // over (row j, k): the last k whose index names row j, or -1
    const last = ctx.reduce({
      inputs: [along(positions, [n, K], 0), along(rows, [n, K], 1), along(ks, [n, K], 1)],
      shape: [n, K],
      axes: [1],
      reducer: 'max',
      acc: 'int32',
      out: 'int32',
      build: (l) => ix.select(matches(l), l[2]!, ix.int(-1), 'int32'),
    });
    let value: TensorView = y;
    if (!this.set) {
      // over (k, ...rest, k'): the y rows of every k' naming the row k names, summed
      const space = [K, ...rest, K];
      const acc = d === 'float16' ? 'float32' : d;
      value = ctx.reduce({
        inputs: [along(rows, space, 0), along(rows, space, space.length - 1), yOver(y, space, K, rest.length)],
        shape: space,
        axes: [space.length - 1],
        reducer: 'sum',
        acc,
        out: acc,
        build: (l) => ix.select(matches(l), ix.castTo(l[2]!, acc), { kind: 'const', value: 0, dtype: acc }, acc),
      });
    }
    const valueRows = value.shape.length === x.shape.length ? value.shape[0]! : 1;
    return [
      ctx.indexed(x.shape, d, [x, value, last], (at, index) => {
        const xIndex = x.shape.map((_, k) => index(k));
        const k = at(2, [xIndex[0]!]);
        const vIndex = value.shape.map((m, e) => {
          const dim = x.shape.length - value.shape.length + e;
          if (m === 1) return ix.int(0);
          return dim === 0 ? ix.clampIndex(k, valueRows) : xIndex[dim]!;
        });
        const xv = at(0, xIndex);
        const v = ix.castTo(at(1, vIndex), d);
        const written: ScalarExpr = this.set ? v : { kind: 'apply', op: 'add', args: [xv, v], computeDType: d, dtype: d };
        return ix.select(ix.ge(k, ix.int(0)), written, xv, d);
      }),
    ];
  }
}

/** y as a view over (row j, ...rest, k): y broadcasts to (K, ...rest), and row j does not move it. */
function yOver(y: TensorView, space: readonly number[], K: number, restDims: number): TensorView {
  if (y.kind === 'scalar') return y;
  const full = [K, ...space.slice(1, 1 + restDims)];
  const lead = full.length - y.shape.length;
  const strideOf = (dim: number) => {
    const e = dim - lead;
    return e < 0 || y.shape[e] === 1 ? 0 : y.strides[e]!;
  };
  return { ...y, shape: [...space], strides: [0, ...Array.from({ length: restDims }, (_, r) => strideOf(r + 1)), strideOf(0)] };
}

function range(n: number): NDArray {
  const a = NDArray.zeros([n], 'int32');
  for (let i = 0; i < n; i++) a.data[i] = i;
  return a;
}
