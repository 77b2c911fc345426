/**
 * Sorting along an axis: Theano's SortOp and ArgSortOp (`T.sort`,
 * `T.argsort`) and TopKOp (`T.topk`, `T.argtopk`, `T.topkAndArgtopk`), as
 * one op, `Sort`; and `TakeAlongAxis`, the gather their gradients use.
 *
 * Order: NumPy's. NaN sorts after +inf, -0 and 0 are equal, and equal
 * values keep their input order: sym's sort is the stable one (NumPy's
 * `kind='stable'`), whatever `kind` is asked for. NumPy's default
 * quicksort (introsort) may put ties in another order; argsort results of
 * inputs with ties can then differ from NumPy's default, never from
 * `np.argsort(x, kind='stable')`. topk with k > 0 gives the k largest,
 * largest first (NaN counts as the largest, as in `np.partition`); with
 * k < 0 the |k| smallest, smallest first; ties in input order in both.
 * Theano 1.0's TopKOp leaves the order unspecified (its `sorted=True`, the
 * documented default, raises NotImplementedError there); sym gives the
 * sorted order for `sorted` true and false alike, one of the orders
 * Theano allows.
 */
import { intRange, isFloat, isInt, type DType } from '../core/dtype.js';
import { NDArray, contiguousStrides, shapeToString, sizeOf } from '../core/ndarray.js';
import { Apply, Op, apply1, applyNode, asTensor, constant, type TensorLike } from '../core/op.js';
import { checkOptionNames } from '../core/options.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { BufferView, LowerContext, TensorView } from '../kernel/lower.js';
import type { ScalarExpr } from '../kernel/kernel.js';
import type { ScalarOpName } from '../core/scalar.js';
import * as ix from '../kernel/index-expr.js';
import { Reshape } from './shape.js';
import { known, valueOf } from './alloc.js';
import { nameInError } from '../core/error-names.js';
import { axisIn } from '../core/axis.js';

/** What a Sort node returns: the sorted values, the indices that sort, or both (values first). */
export type SortReturns = 'values' | 'indices' | 'both';

/** NumPy's sort kinds. sym sorts stably whichever is named; the name is accepted so that ported calls run. */
export const SORT_KINDS = ['quicksort', 'mergesort', 'heapsort', 'stable'] as const;
/** One of {@link SORT_KINDS}. */
export type SortKind = (typeof SORT_KINDS)[number];

function checkAxis(what: string, axis: number, x: TensorVariable): number {
  if (x.ndim === 0) throw new TypeError(`${what}: cannot sort the 0-d ${x} of type ${x.type}; pass axis null to sort it flattened`);
  return axisIn(what, axis, x.ndim, x);
}

/** |k| elements of an axis of length n: k must be a non-zero integer with |k| <= n. */
function checkK(what: string, k: number, n: number, x: string): number {
  if (!Number.isInteger(k) || k === 0 || Math.abs(k) > n) {
    throw new RangeError(`${what}: k must be a non-zero integer with |k| <= ${n}, the length of the sorted axis of ${x}; got k = ${k}`);
  }
  return Math.abs(k);
}

/** a before b: -1, after: 1, equal: 0; ascending with NaN last, or descending with NaN first. */
function compareValues(a: number, b: number, descending: boolean): number {
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  if (na || nb) return na === nb ? 0 : na === descending ? -1 : 1;
  if (a === b) return 0;
  return a < b === descending ? 1 : -1;
}

/**
 * Sorts x along `axis`; with `topk`, a second input k (an integer scalar,
 * whose value programs are made for) keeps the |k| first of the order
 * (descending for k > 0, ascending for k < 0).
 */
export class Sort extends Op {
  readonly kind = 'Sort' as const;
  constructor(
    /** The axis sorted along. */
    readonly axis: number,
    /** What the node returns. */
    readonly returns: SortReturns,
    /** Whether a second input k keeps the |k| first of the order. */
    readonly topk = false,
    /** The indices' dtype. */
    readonly idxDType: DType = 'int64',
  ) {
    super();
    if (!isInt(idxDType)) throw new TypeError(`Sort: the index dtype must be an integer dtype, got ${idxDType}`);
  }
  key(): string {
    return `Sort{axis=${this.axis}, returns=${this.returns}, topk=${this.topk}, idx=${this.idxDType}}`;
  }
  /** Theano's names: `SortOp{quicksort}` there; sym's sort is the stable one, and says so. */
  override toString(): string {
    if (this.topk) return `TopKOp{axis=${this.axis}, sorted=True${this.returns === 'both' ? '' : `, returns=${this.returns}`}}`;
    return `${this.returns === 'indices' ? 'ArgSortOp' : 'SortOp'}{stable, axis=${this.axis}}`;
  }
  override staticInputs(): number[] {
    return this.topk ? [1] : [];
  }
  override pp(args: readonly string[]): string {
    const name = this.topk ? (this.returns === 'indices' ? 'argtopk' : this.returns === 'both' ? 'topkAndArgtopk' : 'topk') : this.returns === 'indices' ? 'argsort' : 'sort';
    return `${name}(${args.join(', ')}, axis=${this.axis})`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const x = inputs[0]!;
    const what = this.toString();
    if (inputs.length !== (this.topk ? 2 : 1)) throw new TypeError(`${what}: expected ${this.topk ? 'x and k' : 'one input'}, got ${inputs.length} inputs`);
    checkAxis(what, this.axis, x);
    if (this.axis < 0) throw new RangeError(`${what}: the op's axis must be non-negative (T.sort normalises it), got ${this.axis}`);
    if (this.topk) {
      const k = inputs[1]!;
      if (k.ndim !== 0 || !isInt(k.dtype)) throw new TypeError(`${what}: k must be an integer scalar, got ${k} of type ${k.type}`);
    }
    const values = x.type;
    const indices = new TensorType(this.idxDType, x.broadcastable);
    return this.returns === 'values' ? [values] : this.returns === 'indices' ? [indices] : [values, indices];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const xs = shapes[0]!;
    const n = xs[this.axis] ?? null;
    let m = n;
    if (this.topk) {
      const k = known(node.inputs[1]!);
      m = k === null ? null : n === null ? Math.abs(k) : checkK(this.toString(), k, n, describeShape(node.inputs[0]!, xs));
    }
    const shape = xs.map((s, d) => (d === this.axis ? m : s));
    return this.returns === 'both' ? [shape, shape] : [shape];
  }
  /** The length kept and the direction, from the input values (k's value, for topk). */
  private plan(n: number, k: number | undefined, x: string): { m: number; descending: boolean } {
    // T.topk refuses this when the type gives the length; an axis known only now would wrap its indices silently
    if (n - 1 > intRange(this.idxDType)[1]) throw new RangeError(`${this.toString()}: idxDType ${this.idxDType} cannot hold the indices 0..${n - 1} of ${x}`);
    if (!this.topk) return { m: n, descending: false };
    return { m: checkK(this.toString(), k!, n, x), descending: k! > 0 };
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const x = inputs[0]!;
    const n = x.shape[this.axis]!;
    const { m, descending } = this.plan(n, this.topk ? Number(inputs[1]!.data[0]) : undefined, describeShape(node.inputs[0]!, x.shape));
    const shape = x.shape.map((s, d) => (d === this.axis ? m : s));
    const values = NDArray.zeros(shape, x.dtype);
    const indices = NDArray.zeros(shape, this.idxDType);
    const outer = sizeOf(x.shape.slice(0, this.axis));
    const inner = sizeOf(x.shape.slice(this.axis + 1));
    const order = Array.from({ length: n }, (_, i) => i);
    for (let o = 0; o < outer; o++) {
      for (let r = 0; r < inner; r++) {
        const at = (i: number) => x.data[(o * n + i) * inner + r]!;
        order.sort((a, b) => compareValues(at(a), at(b), descending) || a - b);
        for (let p = 0; p < m; p++) {
          values.data[(o * m + p) * inner + r] = at(order[p]!);
          indices.data[(o * m + p) * inner + r] = order[p]!;
        }
        for (let i = 0; i < n; i++) order[i] = i;
      }
    }
    return this.returns === 'values' ? [values] : this.returns === 'indices' ? [indices] : [values, indices];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const x = inputs[0]!;
    const axis = this.axis;
    const n = x.shape[axis]!;
    const k = this.topk ? valueOf(`${this.toString()}: k`, inputs[1]!) : undefined;
    const { m, descending } = this.plan(n, k, describeShape(node.inputs[0]!, x.shape));
    const shape = x.shape.map((s, d) => (d === axis ? m : s));
    const wantValues = this.returns !== 'indices';
    const wantIndices = this.returns !== 'values';
    const outs: TensorView[] = [];
    if (sizeOf(shape) === 0 || n === 1) {
      // nothing to order: no passes (an empty kernel writes nothing; along a length-1 axis the values are x)
      if (wantValues) outs.push(sizeOf(shape) === 0 ? ctx.indexed(shape, x.dtype, [], () => ({ kind: 'const', value: 0, dtype: x.dtype })) : x);
      if (wantIndices) outs.push(ctx.indexed(shape, this.idxDType, [], () => ({ kind: 'const', value: 0, dtype: this.idxDType })));
      return outs;
    }
    // one sort kernel where the backend runs them, else the network
    const { order, slot } = ctx.sort
      ? { order: ctx.sort(x.kind === 'buffer' ? x : ctx.contiguous(x), axis, m, descending), slot: false }
      : bitonicOrder(ctx, x, axis, m, descending, wantIndices ? this.idxDType : 'int32');
    const N = 2 ** Math.ceil(Math.log2(n));
    // a slot q holds position q, or q - N (see bitonicOrder)
    const position = (q: ScalarExpr) => (slot ? ix.select(ix.ge(q, ix.int(N)), ix.sub(q, ix.int(N)), q, 'int32') : q);
    const all = (index: (d: number) => ScalarExpr) => shape.map((_, d) => index(d));
    if (wantValues) {
      outs.push(
        ctx.indexed(shape, x.dtype, [x, order], (at, index) => {
          const source = ix.clampIndex(position(ix.toInt32(at(1, all(index)))), n);
          return at(
            0,
            all(index).map((e, d) => (d === axis ? source : e)),
          );
        }),
      );
    }
    if (wantIndices) {
      const idx = this.idxDType;
      if (slot) outs.push(ctx.indexed(shape, idx, [order], (at, index) => ix.castTo(position(at(0, all(index))), idx)));
      else outs.push(order.dtype === idx ? order : ctx.elementwise(shape, idx, [order], ([q]) => ix.castTo(q!, idx)));
    }
    return outs;
  }
}

function describeShape(x: TensorVariable, shape: StaticShape): string {
  return `${x} of shape ${shapeToString(shape)}`;
}

const cmp = (op: ScalarOpName, a: ScalarExpr, b: ScalarExpr, d: DType): ScalarExpr => ({ kind: 'apply', op, args: [a, b], computeDType: d, dtype: 'bool' });
const not = (a: ScalarExpr): ScalarExpr => ({ kind: 'apply', op: 'not', args: [a], computeDType: 'bool', dtype: 'bool' });

/** `v`'s buffer read as C-contiguous `shape` (a pass's output, whose layout is that of every other pass). */
const asShape = (v: BufferView, shape: readonly number[]): BufferView => ({ ...v, shape: [...shape], strides: contiguousStrides(shape) });

/**
 * The order of x's elements along `axis`, the first m of each line, for a
 * backend that runs no sort kernel (`LowerContext.sort`): a
 * bitonic sorting network over the axis padded to N = 2^ceil(log2 n), one
 * elementwise kernel per compare-exchange pass, log2(N)(log2(N) + 1)/2
 * passes.
 *
 * Why bitonic: which pairs each pass compares depends on the shape alone,
 * never on the data, so every pass is one elementwise kernel (element i
 * reads itself and its partner i xor j) that the kernel IR already
 * expresses and that a GPU runs with no divergence, no atomics and no
 * scatter, on every backend unchanged. A merge or radix sort would need
 * data-dependent writes the IR does not have.
 *
 * The passes carry slots only (int32), not values, and compare (key,
 * slot) pairs: equal keys keep their input order (a stable sort, argsort's
 * order included) and a pass is one kernel (carrying values too would be
 * two per pass). Without `slot`, the slot is the position and the key x's
 * value. With it (floats, or a padded axis), a key buffer of 2N slots is
 * made first: slot p + N for the elements that sort after every ordinary
 * value, slot p for the others, the key of p in both halves. NaN (last
 * ascending, first descending) takes the key of +inf and the padding the
 * key of the end of the order (+inf, -inf, or for integers the line's
 * maximum or minimum, from a reduction), so every comparison is one
 * comparison of keys and one of slots, the NaN and padding rules falling
 * out of the slot order.
 *
 * A pass iterates over the axis split as (N/2k, 2, k/2j, 2, j): the two
 * length-2 dimensions are bit k of i (the block's direction) and bit j
 * (which of the pair i is), and the partner i xor j is the same
 * multi-index with bit j flipped, so no pass divides (the IR has no
 * bitwise ops; its integer division is a floor division every backend
 * emulates). The buffer is the same C-contiguous (.., N, ..) array
 * whatever the split. The first pass starts from the initial slots
 * without reading a buffer; the last writes only the m slots kept (topk,
 * or n of a padded axis), in `outDType` when there is no `slot`.
 */
function bitonicOrder(ctx: LowerContext, x: TensorView, axis: number, m: number, descending: boolean, outDType: DType): { order: BufferView; slot: boolean } {
  const n = x.shape[axis]!;
  const N = 2 ** Math.ceil(Math.log2(n));
  const d: DType = x.dtype === 'bool' ? 'int32' : x.dtype;
  const float = isFloat(d);
  const slot = float || N > n;
  const before = x.shape.slice(0, axis);
  const after = x.shape.slice(axis + 1);
  const padded = [...before, N, ...after];
  // where x's element p goes first: after every ordinary value (slot p + N), or not
  const isLate = (value: ScalarExpr, p: ScalarExpr): ScalarExpr => {
    const pad = ix.ge(p, ix.int(n));
    if (!float) return pad;
    const nan = not(cmp('eq', value, value, d));
    return ix.or(pad, descending ? not(nan) : nan);
  };
  let keys: TensorView = x;
  if (slot) {
    const inf = (sign: number): ScalarExpr => ({ kind: 'const', value: sign * Infinity, dtype: d });
    let end: TensorView | undefined;
    if (!float) {
      end = ctx.reduce({ inputs: [x], shape: x.shape, axes: [axis], reducer: descending ? 'min' : 'max', acc: d, out: d, build: ([v]) => ix.castTo(v!, d) });
    }
    const k2 = ctx.indexed([...before, 2, N, ...after], d, end ? [x, end] : [x], (at, index) => {
      const outer = before.map((_, e) => index(e));
      const inner = after.map((_, e) => index(axis + 2 + e));
      const p = index(axis + 1);
      const value = ix.castTo(at(0, [...outer, ix.clampIndex(p, n), ...inner]), d);
      const padKey = end ? at(1, [...outer, ...inner]) : inf(descending ? -1 : 1);
      const key = float ? ix.select(cmp('eq', value, value, d), value, inf(1), d) : value;
      return ix.select(ix.ge(p, ix.int(n)), padKey, key, d);
    });
    keys = asShape(k2, [...before, 2 * N, ...after]);
  }
  let prev: BufferView | undefined;
  for (let k = 2; k <= N; k *= 2) {
    for (let j = k / 2; j >= 1; j /= 2) {
      const last = k === N && j === 1;
      const out = last && !slot ? outDType : 'int32';
      const from = prev;
      // the last pass of a padded or cut axis walks the m positions kept, and finds bit 1 by a remainder
      const linear = last && m < N;
      const split = linear ? [m] : k === N ? [N / (2 * j), 2, j] : [N / (2 * k), 2, k / (2 * j), 2, j];
      const shape = [...before, ...split, ...after];
      const sources = [keys, ...(from ? [linear ? asShape(from, padded) : asShape(from, shape)] : []), ...(from || !slot ? [] : [x])];
      const pass = ctx.indexed(shape, out, sources, (at, index) => {
        const own = shape.map((_, e) => index(e));
        const outer = own.slice(0, axis);
        const inner = own.slice(axis + split.length);
        const read = (source: number, along: readonly ScalarExpr[]) => at(source, [...outer, ...along, ...inner]);
        const i = linear ? own[axis]! : undefined;
        const bitJ = i ? ({ kind: 'apply', op: 'mod', args: [i, ix.int(2)], computeDType: 'int32', dtype: 'int32' } as ScalarExpr) : own[axis + split.length - 2]!;
        const bitK = k === N ? ix.int(0) : own[axis + 1]!;
        const flipped = i ? [ix.sub(ix.add(i, ix.int(1)), ix.mul(bitJ, ix.int(2)))] : own.slice(axis, axis + split.length).map((e, q) => (q === split.length - 2 ? ix.sub(ix.int(1), e) : e));
        const mine = i ? [i] : own.slice(axis, axis + split.length);
        // before the first pass, element p sits at its initial slot
        const initial = (along: readonly ScalarExpr[]) => {
          const p = contiguousStrides(split).reduce<ScalarExpr>((sum, st, q) => ix.add(sum, ix.mul(along[q]!, ix.int(st))), ix.int(0));
          if (!slot) return p;
          return ix.select(isLate(ix.castTo(read(1, [ix.clampIndex(p, n)]), d), p), ix.add(p, ix.int(N)), p, 'int32');
        };
        const a = from ? read(1, mine) : initial(mine);
        const b = from ? read(1, flipped) : initial(flipped);
        const ka = ix.castTo(read(0, [a]), d);
        const kb = ix.castTo(read(0, [b]), d);
        const aFirst = ix.or(cmp(descending ? 'gt' : 'lt', ka, kb, d), ix.and(cmp('eq', ka, kb, d), ix.lt(a, b)));
        // the lower of the pair keeps the first of the two in an ascending block (bit k clear), the second in a descending one
        const keepFirst = ix.eq(bitJ, bitK);
        return ix.castTo(ix.select(ix.eq(aFirst, keepFirst), a, b, 'int32'), out);
      });
      prev = asShape(pass, linear ? [...before, m, ...after] : padded);
    }
  }
  return { order: prev!, slot };
}

/**
 * out[..b, ..i] = x[..b, ..i with axis at idx[..i]], or 0 where idx[..i] is
 * outside [0, x's length along the axis): x may have extra leading
 * dimensions (a batched gradient's), idx has the rest. `inv` is the
 * partial inverse of idx (inv[j] = the i with idx[i] = j, out of range
 * where there is none): unused here, it is what the gradient gathers with,
 * so that gradients of gradients stay gathers (the IR has no scatter).
 * Sort's gradient is TakeAlongAxis(gz, rank, order) with rank the inverse
 * of the sorting order.
 */
export class TakeAlongAxis extends Op {
  readonly kind = 'TakeAlongAxis' as const;
  constructor(
    /** The axis the indices pick along. */
    readonly axis: number,
  ) {
    super();
  }
  key(): string {
    return `TakeAlongAxis{axis=${this.axis}}`;
  }
  override toString(): string {
    return this.key();
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [x, idx, inv] = inputs as [TensorVariable, TensorVariable, TensorVariable];
    const what = this.toString();
    if (inputs.length !== 3) throw new TypeError(`${what}: expected x, idx and inv, got ${inputs.length} inputs`);
    for (const v of [idx, inv]) if (!isInt(v.dtype) || v.ndim !== idx.ndim) throw new TypeError(`${what}: idx and inv must be integer tensors of one rank, got ${idx} of type ${idx.type} and ${inv} of type ${inv.type}`);
    if (this.axis < 0 || this.axis >= idx.ndim) throw new RangeError(`${what}: axis ${this.axis} is out of range for ${idx} of type ${idx.type}`);
    if (x.ndim < idx.ndim) throw new TypeError(`${what}: x (${x} of type ${x.type}) must have at least the ${idx.ndim} dimensions of idx`);
    return [new TensorType(x.dtype, [...x.broadcastable.slice(0, x.ndim - idx.ndim), ...idx.broadcastable])];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const [xs, is] = shapes as [StaticShape, StaticShape];
    const batch = xs.length - is.length;
    is.forEach((s, d) => {
      const t = xs[batch + d];
      if (d !== this.axis && s !== null && t !== null && t !== undefined && s !== t) {
        throw new RangeError(`${this.toString()}: ${nameInError(node.inputs[0]!)} of shape ${shapeToString(xs)} and the indices ${nameInError(node.inputs[1]!)} of shape ${shapeToString(is)} differ along axis ${d}`);
      }
    });
    return [[...xs.slice(0, batch), ...is]];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const [x, idx] = inputs as [NDArray, NDArray];
    const shape = this.inferShape([x.shape, idx.shape], node)[0] as number[];
    const out = NDArray.zeros(shape, x.dtype);
    const batch = x.ndim - idx.ndim;
    const len = x.shape[batch + this.axis]!;
    const inner = sizeOf(idx.shape.slice(this.axis + 1));
    const m = idx.shape[this.axis]!;
    const lines = sizeOf(idx.shape.slice(0, this.axis));
    for (let b = 0; b < sizeOf(x.shape.slice(0, batch)); b++) {
      for (let o = 0; o < lines; o++) {
        for (let i = 0; i < m; i++) {
          for (let r = 0; r < inner; r++) {
            const q = idx.data[(o * m + i) * inner + r]!;
            if (q >= 0 && q < len) out.data[((b * lines + o) * m + i) * inner + r] = x.data[((b * lines + o) * len + q) * inner + r]!;
          }
        }
      }
    }
    return [out];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const [x, idx] = inputs as [TensorView, TensorView];
    const shape = this.inferShape([x.shape, idx.shape], node)[0] as number[];
    const batch = x.shape.length - idx.shape.length;
    const axis = batch + this.axis;
    const len = x.shape[axis]!;
    const d = x.dtype;
    const zero: ScalarExpr = { kind: 'const', value: 0, dtype: d };
    if (sizeOf(shape) === 0 || len === 0) return [ctx.indexed(shape, d, [], () => zero)];
    return [
      ctx.indexed(shape, d, [x, idx], (at, index) => {
        const all = shape.map((_, e) => index(e));
        const q = ix.toInt32(at(1, all.slice(batch)));
        const inRange = ix.and(ix.ge(q, ix.int(0)), ix.lt(q, ix.int(len)));
        const value = at(
          0,
          all.map((e, k) => (k === axis ? ix.clampIndex(q, len) : e)),
        );
        return ix.select(inRange, value, zero, d);
      }),
    ];
  }
}

// ---------------------------------------------------------------- T functions

/** x and the axis sorted along: axis null sorts the flattened x (axis 0 of it). */
function alongAxis(what: string, x: TensorLike, axis: number | null): { v: TensorVariable; axis: number } {
  const v = asTensor(x, what);
  if (axis === null) return { v: v.ndim === 1 ? v : apply1(new Reshape([-1], { zeros: 'copy' }), [v]), axis: 0 };
  return { v, axis: checkAxis(what, axis, v) };
}

function checkKind(what: string, kind: string): void {
  if (!(SORT_KINDS as readonly string[]).includes(kind)) throw new TypeError(`${what}: kind must be one of ${SORT_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
}

/**
 * Theano's `T.sort(a, axis=-1, kind='quicksort')`: a copy of x sorted
 * along `axis` (null: flattened), NaN last. Stable whatever `kind` says
 * (NumPy's `kind='stable'`).
 */
export function sort(x: TensorLike, axis: number | null = -1, kind: SortKind = 'quicksort'): TensorVariable {
  checkKind('sort', kind);
  const s = alongAxis('sort', x, axis);
  return apply1(new Sort(s.axis, 'values'), [s.v]);
}

/**
 * Theano's `T.argsort(a, axis=-1, kind='quicksort')`: the int64 indices
 * that sort x along `axis` (null: into the flattened x). Ties keep their
 * input order (NumPy's `np.argsort(x, kind='stable')`; its default
 * quicksort may order them otherwise).
 */
export function argsort(x: TensorLike, axis: number | null = -1, kind: SortKind = 'quicksort'): TensorVariable {
  checkKind('argsort', kind);
  const s = alongAxis('argsort', x, axis);
  return apply1(new Sort(s.axis, 'indices'), [s.v]);
}

/** Options of `T.topk` and `T.argtopk` (Theano's). */
export interface TopKOptions {
  /** Theano's `sorted` (default true): sym returns the sorted order either way. */
  readonly sorted?: boolean;
  /** The dtype of the indices (Theano's `idx_dtype`), int64 by default. */
  readonly idxDType?: DType;
}

function topkNode(what: string, x: TensorLike, k: number | TensorVariable, axis: number | null, options: TopKOptions, returns: SortReturns): TensorVariable[] {
  checkOptionNames(options, what, ['sorted', 'idxDType']);
  const s = alongAxis(what, x, axis);
  if (s.v.ndim === 0) throw new TypeError(`${what}: cannot take the top k of the 0-d ${s.v}`);
  let kv: TensorVariable;
  if (typeof k === 'number') {
    const n = s.v.staticShape[s.axis];
    if (n !== null && n !== undefined) checkK(what, k, n, describeShape(s.v, s.v.staticShape));
    else if (!Number.isInteger(k) || k === 0) throw new RangeError(`${what}: k must be a non-zero integer, got ${k}`);
    kv = constant(k, { dtype: 'int64' });
  } else kv = asTensor(k, `${what}: k`);
  const idxDType = options.idxDType ?? 'int64';
  if (!isInt(idxDType)) throw new TypeError(`${what}: idxDType must be an integer dtype, got ${JSON.stringify(idxDType)}`);
  const hi = intRange(idxDType)[1];
  const n = s.v.staticShape[s.axis];
  if (n !== null && n !== undefined && n - 1 > hi) throw new RangeError(`${what}: idxDType ${idxDType} cannot hold the indices 0..${n - 1} of ${s.v}`);
  return [...applyNode(new Sort(s.axis, returns, true, idxDType), [s.v, kv]).outputs];
}

/**
 * Theano 1.0's `T.topk(x, kth, axis=-1, sorted=True, idx_dtype='int64')`:
 * the k largest elements along `axis` (null: of the flattened x), largest
 * first; a negative k gives the |k| smallest, smallest first. k is a
 * non-zero integer or an integer scalar with |k| <= the axis length.
 */
export function topk(x: TensorLike, k: number | TensorVariable, axis: number | null = -1, options: TopKOptions = {}): TensorVariable {
  return topkNode('topk', x, k, axis, options, 'values')[0]!;
}

/** Theano's `T.argtopk`: the indices of {@link topk}'s elements, in its order (int64 unless `idxDType` says otherwise). */
export function argtopk(x: TensorLike, k: number | TensorVariable, axis: number | null = -1, options: TopKOptions = {}): TensorVariable {
  return topkNode('argtopk', x, k, axis, options, 'indices')[0]!;
}

/** Theano's `T.topk_and_argtopk`: `[values, indices]` from one op. */
export function topkAndArgtopk(x: TensorLike, k: number | TensorVariable, axis: number | null = -1, options: TopKOptions = {}): [TensorVariable, TensorVariable] {
  const [v, i] = topkNode('topkAndArgtopk', x, k, axis, options, 'both');
  return [v!, i!];
}
