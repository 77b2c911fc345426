/**
 * Basic indexing, Theano's Subtensor and IncSubtensor: `x[1:3, i, ::-1]`
 * as `x.get('1:3', i, '::-1')`, and `set_subtensor`/`inc_subtensor` of such
 * a window. Integer indices are constants or symbolic scalars; slices have
 * constant bounds (NumPy's rules, resolved against the run-time shape), or
 * a symbolic start and a constant length (Theano's minibatch
 * `x[i * bs:(i + 1) * bs]`), so every result's shape is known from the
 * input shapes, as sym compiles per shape. A window of constant bounds is a
 * view (no kernel), negative steps as negative strides; the rest gathers.
 *
 * Symbolic indices are not checked inside kernels: a negative one counts
 * from the end, one out of range is clamped into range (as JAX does; a
 * window's start is clamped so that the whole window fits, as JAX's
 * dynamic_slice). So every integer index is checked outside them: NumPy's
 * IndexError, nothing written (CheckIndex, ops/check-index.ts, put by
 * x.get), and every window's start, whose call runs by a graph of its own
 * where NumPy's window is shorter, or raises where it cannot
 * (ops/window-check.ts): the kernels clamp only values that were checked
 * to need no clamping. The reference `perform` raises NumPy's IndexError
 * for every index, so DebugMode reports it.
 */
import { canCastSafely, castScalar } from '../core/dtype.js';
import { NDArray, contiguousStrides, shapeToString, sizeOf, type Shape } from '../core/ndarray.js';
import { Apply, Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { At, BufferView, LowerContext, TensorView } from '../kernel/lower.js';
import { forEachOffset, gather } from './shape.js';
import type { ScalarExpr } from '../kernel/kernel.js';
import * as ix from '../kernel/index-expr.js';
import { nameInError } from '../core/error-names.js';

/**
 * One entry of a basic index: a constant integer, a symbolic one (the op's
 * `input`-th symbolic index), a slice of constant bounds, or `length`
 * elements from a symbolic start (the `input`-th symbolic index).
 */
export type IndexEntry =
  | {
      /** A constant integer index. */
      readonly kind: 'int';
      /** The index (negative counts from the end). */
      readonly value: number;
    }
  | {
      /** A symbolic integer index. */
      readonly kind: 'var';
      /** Which symbolic index (0 for the op's second input). */
      readonly input: number;
    }
  | {
      /** A slice of constant bounds, Python's. */
      readonly kind: 'slice';
      /** First element, or null. */
      readonly start: number | null;
      /** Past the last element, or null. */
      readonly stop: number | null;
      /** Step (not 0), or null for 1. */
      readonly step: number | null;
    }
  | {
      /** `length` elements from a symbolic start. */
      readonly kind: 'window';
      /** Which symbolic index holds the start. */
      readonly input: number;
      /** The window's length. */
      readonly length: number;
    };

/** A slice resolved against a dimension's length: the elements start, start + step, ... (length of them). */
export interface ResolvedSlice {
  /** The first element. */
  readonly start: number;
  /** The distance between consecutive elements taken, negative to walk the dimension backwards (a slice's step, default 1). */
  readonly step: number;
  /** Number of elements. */
  readonly length: number;
}

/** Python's `slice(start, stop, step).indices(n)`, and the number of elements it selects. */
export function resolveSlice(e: { start: number | null; stop: number | null; step: number | null }, n: number): ResolvedSlice {
  const step = e.step ?? 1;
  const clampBound = (b: number, lo: number, hi: number) => (b < 0 ? Math.max(b + n, lo) : Math.min(b, hi));
  let start: number;
  let stop: number;
  if (step > 0) {
    start = e.start === null ? 0 : clampBound(e.start, 0, n);
    stop = e.stop === null ? n : clampBound(e.stop, 0, n);
  } else {
    start = e.start === null ? n - 1 : clampBound(e.start, -1, n - 1);
    stop = e.stop === null ? -1 : clampBound(e.stop, -1, n - 1);
  }
  const length = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  return { start, step, length };
}

/** A constant integer index into a dimension of length n, NumPy's way: negative counts from the end, out of range is an error. */
export function resolveInt(v: number, n: number, axis: number): number {
  const i = v < 0 ? v + n : v;
  if (i < 0 || i >= n) throw new RangeError(`index ${v} is out of bounds for axis ${axis} with size ${n}`);
  return i;
}

function entryText(e: IndexEntry): string {
  if (e.kind === 'int') return String(e.value);
  if (e.kind === 'var') return 'int';
  if (e.kind === 'window') return `int:int+${e.length}`;
  const b = (v: number | null) => (v === null ? '' : String(v));
  return `${b(e.start)}:${b(e.stop)}${e.step === null ? '' : `:${e.step}`}`;
}

/** Check an index list against the indexed variable (at graph build time). */
export function checkEntries(what: string, entries: readonly IndexEntry[], x: TensorVariable, vars: readonly TensorVariable[]): void {
  if (x.ndim === 0) throw new TypeError(`${what}: ${x} is 0-d and cannot be indexed`);
  if (entries.length > x.ndim) throw new RangeError(`${what}: too many indices (${entries.length}) for ${x} with ${x.ndim} dimensions`);
  entries.forEach((e, d) => {
    if (e.kind === 'slice') {
      for (const b of [e.start, e.stop, e.step]) {
        if (b !== null && !Number.isInteger(b)) throw new TypeError(`${what}: slice bounds must be integers, got ${entryText(e)} for axis ${d}`);
      }
      if (e.step === 0) throw new RangeError(`${what}: slice step cannot be zero (axis ${d})`);
    } else if (e.kind === 'int') {
      if (!Number.isInteger(e.value)) throw new TypeError(`${what}: index ${e.value} for axis ${d} is not an integer`);
      const n = x.staticShape[d];
      if (n !== null && n !== undefined && (e.value < -n || e.value >= n)) {
        throw new RangeError(`${what}: index ${e.value} is out of bounds for axis ${d} with size ${n}, indexing ${x} of shape ${shapeToString(x.staticShape)}`);
      }
    } else if (e.kind === 'window') {
      if (!Number.isInteger(e.length) || e.length < 0) throw new TypeError(`${what}: a window's length must be a non-negative integer, got ${e.length} for axis ${d}`);
      checkWindowFits(e.length, x.staticShape[d] ?? null, d);
    }
  });
  for (const v of vars) {
    if (v.ndim !== 0 || !(v.dtype.startsWith('int') || v.dtype.startsWith('uint'))) {
      throw new TypeError(`${what}: a symbolic index must be an integer scalar, got ${v} of type ${v.type}`);
    }
  }
}

/** A window of `length` elements along an axis of length n: it must fit (its start is clamped so that it does). */
function checkWindowFits(length: number, n: number | null, axis: number): void {
  if (n !== null && length > n) throw new RangeError(`a window of ${length} elements does not fit in axis ${axis} of length ${n}`);
}

/** The shape of x[entries] (null where not known yet). */
function windowShape(entries: readonly IndexEntry[], shape: StaticShape): StaticShape {
  const out: (number | null)[] = [];
  shape.forEach((n, d) => {
    const e = entries[d];
    if (!e) out.push(n);
    else if (e.kind === 'slice') out.push(n === null ? null : resolveSlice(e, n).length);
    else if (e.kind === 'window') {
      checkWindowFits(e.length, n, d);
      out.push(e.length);
    }
  });
  return out;
}

/** A window's first element for a start index, NumPy's way: negative counts from the end; IndexError unless the whole window fits. */
function resolveWindowStart(v: number, length: number, n: number, axis: number): number {
  const i = v < 0 ? v + n : v;
  // x[-length:0] is empty in NumPy: a negative start fits only when the stop is negative too
  if (i < 0 || i + length > n || (v < 0 && length > 0 && v + length >= 0)) throw new RangeError(`window [${v}, ${v} + ${length}) is out of bounds for axis ${axis} with size ${n}`);
  return i;
}

type Strided = Pick<BufferView, 'shape' | 'strides' | 'offset'>;

/**
 * x[entries] as a strided view of x (steps of any sign), symbolic indices
 * taking `varValues` (NumPy's IndexError when out of range): the lowering's
 * view where all bounds are constant, and the references' window.
 */
function windowView(entries: readonly IndexEntry[], x: Strided, varValues: readonly number[] = []): Strided {
  let offset = x.offset;
  const shape: number[] = [];
  const strides: number[] = [];
  x.shape.forEach((n, d) => {
    const e = entries[d];
    if (!e) {
      shape.push(n);
      strides.push(x.strides[d]!);
    } else if (e.kind === 'slice') {
      const s = resolveSlice(e, n);
      if (s.length > 0) offset += s.start * x.strides[d]!;
      shape.push(s.length);
      strides.push(x.strides[d]! * s.step);
    } else if (e.kind === 'window') {
      if (e.length > 0) offset += resolveWindowStart(varValues[e.input]!, e.length, n, d) * x.strides[d]!;
      shape.push(e.length);
      strides.push(x.strides[d]!);
    } else offset += resolveInt(e.kind === 'int' ? e.value : varValues[e.input]!, n, d) * x.strides[d]!;
  });
  return { shape, strides, offset };
}

/** The whole of a C-contiguous array, as a view. */
const whole = (a: NDArray): Strided => ({ shape: a.shape, strides: contiguousStrides(a.shape), offset: 0 });

/** How each dimension of x is addressed inside a kernel over the window (or over x, for IncSubtensor). */
interface DimIndex {
  /** x's index along this dimension, for window position `w` (the window's own dimension, if it has one). */
  readonly x: (w: ScalarExpr) => ScalarExpr;
  readonly slice?: ResolvedSlice;
  /** The window's dimension this one becomes, or -1 for an integer index. */
  readonly windowDim: number;
  /** Run-time integer index (already wrapped and clamped), for integer entries; a window's first element. */
  readonly fixed?: ScalarExpr;
  /** A window's length (its start is `fixed`). */
  readonly length?: number;
}

function dimIndices(entries: readonly IndexEntry[], shape: readonly number[], at: At, varSource: (input: number) => number): DimIndex[] {
  let w = 0;
  return shape.map((n, d) => {
    const e = entries[d];
    if (!e) return { x: (i) => i, windowDim: w++ };
    if (e.kind === 'int') {
      const fixed = ix.int(resolveInt(e.value, n, d));
      return { x: () => fixed, windowDim: -1, fixed };
    }
    if (e.kind === 'var') {
      // nothing to clamp into: NumPy's IndexError, for every value of the index
      if (n === 0) throw new RangeError(`index is out of bounds for axis ${d} with size 0`);
      const fixed = ix.wrapIndex(at(varSource(e.input), []), n);
      return { x: () => fixed, windowDim: -1, fixed };
    }
    if (e.kind === 'window') {
      // clamped so that the whole window lies in the axis, as JAX's dynamic_slice
      const start = e.length === 0 ? ix.int(0) : ix.clampIndex(ix.wrapIndex(at(varSource(e.input), []), n), n - e.length + 1);
      return { x: (i) => ix.add(start, i), windowDim: w++, fixed: start, length: e.length };
    }
    const s = resolveSlice(e, n);
    return { x: (i) => (s.start === 0 && s.step === 1 ? i : ix.add(ix.int(s.start), s.step === 1 ? i : ix.mul(i, ix.int(s.step)))), slice: s, windowDim: w++ };
  });
}

/**
 * `f()` (a shape inference or a lowering), with an index that does not fit
 * (NumPy's IndexError words, which name no variable) said of the op, the
 * indexed variable and its shape, as Theano adds the Apply node to its errors: in a
 * large graph, "index -1 is out of bounds for axis 0 with size 0" alone
 * does not say which of the `x[-1]`s it was (a scan of zero steps).
 */
function namingIndexErrors<R>(op: Op, node: Apply | undefined, shape: StaticShape, f: () => R): R {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof RangeError) || node === undefined) throw e;
    throw new RangeError(`${op}: ${e.message}, indexing ${nameInError(node.inputs[0]!)} of shape ${shapeToString(shape)}`);
  }
}

/**
 * Each window of a symbolic start checked to be NumPy's whole window
 * (ops/window-check.ts): by the call on the host where it finds the start
 * there, else by a flag kernel; the first symbolic index is node input
 * `first`.
 */
function checkWindows(ctx: LowerContext, entries: readonly IndexEntry[], node: Apply | undefined, first: number, inputs: readonly TensorView[], what: () => string): void {
  if (!node || !ctx.checkWindow) return;
  const shape = inputs[0]!.shape;
  entries.forEach((e, d) => {
    if (e.kind !== 'window' || e.length === 0) return;
    ctx.checkWindow!(node.inputs[first + e.input]!, e.length, shape[d]!, d, shape, what, inputs[first + e.input], node);
  });
}

/** `x[entries]`: inputs are x, then the symbolic integer indices in the order `var` entries name them. */
export class Subtensor extends Op {
  readonly kind = 'Subtensor' as const;
  constructor(
    /** The index, one entry per indexed dimension (the rest taken whole). */
    readonly entries: readonly IndexEntry[],
  ) {
    super();
  }
  key(): string {
    return `Subtensor{${this.entries.map(entryText).join(', ')}}`;
  }
  override toString(): string {
    return this.key();
  }
  override pp(args: readonly string[]): string {
    let v = 0;
    return `${args[0]}[${this.entries
      .map((e) => {
        if (e.kind === 'var') return args[1 + v++];
        if (e.kind === 'window') {
          const a = args[1 + v++];
          return `${a}:${a} + ${e.length}`;
        }
        return entryText(e);
      })
      .join(', ')}]`;
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const x = inputs[0]!;
    checkEntries(this.toString(), this.entries, x, inputs.slice(1));
    const bc: boolean[] = [];
    x.broadcastable.forEach((b, d) => {
      const e = this.entries[d];
      if (!e) bc.push(b);
      // a slice of a broadcastable dimension is broadcastable only if it keeps all of it
      else if (e.kind === 'slice') bc.push(b && e.start === null && e.stop === null && (e.step === null || e.step > 0));
      else if (e.kind === 'window') bc.push(b && e.length === 1);
    });
    return [new TensorType(x.dtype, bc)];
  }

  inferShape(shapes: readonly StaticShape[], node?: Apply): StaticShape[] {
    const s = shapes[0]!;
    return namingIndexErrors(this, node, s, () => {
      this.entries.forEach((e, d) => {
        const n = s[d];
        if (e.kind === 'int' && n !== null && n !== undefined) resolveInt(e.value, n, d);
      });
      return [windowShape(this.entries, s)];
    });
  }

  perform(inputs: readonly NDArray[]): NDArray[] {
    const x = inputs[0]!;
    return [gather(x, windowView(this.entries, whole(x), inputs.slice(1).map((v) => v.data[0]!)))];
  }

  lower(ctx: LowerContext, inputs: readonly TensorView[], node?: Apply): TensorView[] {
    checkWindows(ctx, this.entries, node, 1, inputs, () => nameInError(node!.outputs[0]!));
    return namingIndexErrors(this, node, inputs[0]!.shape, () => this.lowerWindow(ctx, inputs));
  }

  private lowerWindow(ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    const x = inputs[0]!;
    const shape = windowShape(this.entries, x.shape) as number[];
    // an empty x: nothing to read (a symbolic index into its empty axis is out of range whatever its value: its
    // CheckIndex raises NumPy's IndexError for the call, naming x and the index; an ifelse branch not taken raises nothing)
    if (sizeOf(x.shape) === 0) {
      this.entries.forEach((e, k) => e.kind === 'int' && resolveInt(e.value, x.shape[k]!, k));
      return [ctx.indexed(shape, x.dtype, [], () => ({ kind: 'const', value: 0, dtype: x.dtype }))];
    }
    const viewable = this.entries.every((e) => e.kind === 'int' || e.kind === 'slice');
    // a window of constant bounds is a strided view, steps of either sign (a negative one walks back from the
    // window's first element, x[::-1] from x's last): no kernel
    if (viewable && x.kind === 'buffer') return [{ ...x, ...windowView(this.entries, x) }];
    return [
      ctx.indexed(shape, x.dtype, inputs, (at, index) => {
        const dims = dimIndices(this.entries, x.shape, at, (k) => 1 + k);
        return at(
          0,
          dims.map((d) => (d.windowDim < 0 ? d.fixed! : d.x(index(d.windowDim)))),
        );
      }),
    ];
  }
}

/**
 * `set_subtensor(x[entries], y)` (`set`) or `inc_subtensor(x[entries], y)`:
 * x with the window replaced by, or incremented by, y broadcast to the
 * window's shape. Inputs are x, y, then the symbolic indices.
 */
export class IncSubtensor extends Op {
  readonly kind = 'IncSubtensor' as const;
  constructor(
    /** The window written, as {@link Subtensor.entries}. */
    readonly entries: readonly IndexEntry[],
    /** Write the values (setSubtensor) rather than add them (incSubtensor). */
    readonly set: boolean,
  ) {
    super();
  }
  key(): string {
    return `${this.set ? 'SetSubtensor' : 'IncSubtensor'}{${this.entries.map(entryText).join(', ')}}`;
  }
  override toString(): string {
    return this.key();
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [x, y] = inputs as [TensorVariable, TensorVariable];
    checkEntries(this.toString(), this.entries, x, inputs.slice(2));
    checkWritable(this.toString(), x, y, this.set);
    const window = windowShape(this.entries, x.staticShape);
    if (y.ndim > window.length) throw new TypeError(`${this.toString()}: ${y} has ${y.ndim} dimensions, more than the window of ${x} (${window.length})`);
    return [x.type];
  }

  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const [xs, ys] = shapes as [StaticShape, StaticShape];
    const window = windowShape(this.entries, xs);
    checkBroadcastTo(writing(this.set, node), node.inputs[1]!, ys, window);
    return [xs];
  }

  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const [x, y] = inputs as [NDArray, NDArray];
    const out = x.copy();
    const window = windowShape(this.entries, x.shape) as number[];
    const ys = broadcastIndex(y.shape, window);
    const dtype = node.outputs[0]!.dtype;
    forEachOffset(windowView(this.entries, whole(x), inputs.slice(2).map((v) => v.data[0]!)), (xi, w) => {
      const v = y.data[ys(w)]!;
      out.data[xi] = castScalar(this.set ? v : out.data[xi]! + v, dtype);
    });
    return [out];
  }

  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    checkWindows(ctx, this.entries, node, 2, inputs, () => `${this} into ${nameInError(node.inputs[0]!)}`);
    return namingIndexErrors(this, node, inputs[0]!.shape, () => this.lowerWrite(ctx, inputs, node));
  }

  private lowerWrite(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const [x, y] = inputs as [TensorView, TensorView];
    const d = node.outputs[0]!.dtype;
    const window = windowShape(this.entries, x.shape) as number[];
    if (sizeOf(window) === 0) return [ctx.contiguous(x)];
    // an empty x: nothing to write (a constant index is checked here; a symbolic one into its empty axis raises by its CheckIndex)
    if (sizeOf(x.shape) === 0) {
      this.entries.forEach((e, k) => e.kind === 'int' && resolveInt(e.value, x.shape[k]!, k));
      return [ctx.contiguous(x)];
    }
    // per sliced dimension of x, a constant map from x's index to the window's (-1 outside): no division in the kernel
    const maps: TensorView[] = [];
    const mapOf = new Map<number, number>();
    this.entries.forEach((e, k) => {
      if (e.kind !== 'slice') return;
      const s = resolveSlice(e, x.shape[k]!);
      if (s.start === 0 && s.step === 1 && s.length === x.shape[k]) return;
      const m = NDArray.zeros([x.shape[k]!], 'int32');
      m.data.fill(-1);
      for (let q = 0; q < s.length; q++) m.data[s.start + q * s.step] = q;
      mapOf.set(k, inputs.length + maps.length);
      maps.push(ctx.constant(m));
    });
    return [
      ctx.indexed(x.shape, d, [...inputs, ...maps], (at, index) => {
        const dims = dimIndices(this.entries, x.shape, at, (k) => 2 + k);
        const xIndex = x.shape.map((_, k) => index(k));
        let inside: ScalarExpr | undefined;
        const and = (c: ScalarExpr) => (inside = inside ? ix.and(inside, c) : c);
        // per window dimension, the window position of this element of x (clamped: read only where inside)
        const windowIndex: ScalarExpr[] = [];
        dims.forEach((dim, k) => {
          const i = xIndex[k]!;
          const map = mapOf.get(k);
          if (dim.windowDim < 0) and(ix.eq(i, dim.fixed!));
          else if (dim.length !== undefined) {
            const q = ix.sub(i, dim.fixed!);
            and(ix.and(ix.ge(q, ix.int(0)), ix.lt(q, ix.int(dim.length))));
            windowIndex.push(ix.clampIndex(q, dim.length));
          } else if (map !== undefined) {
            const q = at(map, [i]);
            and(ix.ge(q, ix.int(0)));
            windowIndex.push(ix.clampIndex(q, dim.slice!.length));
          } else windowIndex.push(i);
        });
        const yIndex = y.shape.map((n, k) => (n === 1 ? ix.int(0) : windowIndex[windowIndex.length - y.shape.length + k]!));
        const xv = at(0, xIndex);
        const yv = ix.castTo(at(1, yIndex), d);
        const value = this.set ? yv : { kind: 'apply' as const, op: 'add' as const, args: [xv, yv], computeDType: d, dtype: d };
        return inside ? ix.select(inside, value, xv, d) : value;
      }),
    ];
  }
}

/**
 * Whether y's shape broadcasts to the window's (aligned on the right, and,
 * as everywhere in Theano, a length-1 dimension broadcasts only when y's
 * type marks it broadcastable); throws naming both.
 */
/**
 * What writing y into a window of x allows, for every writer (the ops and
 * the windows made of several ops, indexing.ts): y's dtype must cast to
 * x's without losing data, and a bool tensor is set, never incremented.
 */
export function checkWritable(what: string, x: TensorVariable, y: TensorVariable, set: boolean): void {
  if (!canCastSafely(y.dtype, x.dtype)) {
    throw new TypeError(`${what}: cannot write ${y} (${y.dtype}) into ${x} (${x.dtype}) without losing data; cast it first (.astype('${x.dtype}'))`);
  }
  if (!set && x.dtype === 'bool') throw new TypeError(`${what}: cannot increment a bool tensor ${x}; use setSubtensor`);
}

/**
 * Who writes, for a writer op's errors: the call it stands for and the x
 * written into (`setSubtensor into x (AdvancedSetSubtensor1)`), as the
 * front door (indexing.ts) names them, the op last for a writer a
 * gradient made.
 */
export function writing(set: boolean, node: Apply): string {
  return `${set ? 'setSubtensor' : 'incSubtensor'} into ${nameInError(node.inputs[0]!)} (${node.op})`;
}

export function checkBroadcastTo(what: string, y: TensorVariable, shape: StaticShape, target: StaticShape): void {
  if (shape.length > target.length) throw new TypeError(`${what}: ${nameInError(y)} of shape ${fmt(shape)} has more dimensions than the window ${fmt(target)}`);
  shape.forEach((n, k) => {
    const t = target[target.length - shape.length + k];
    if (n === null || t === null || t === undefined || n === t || (n === 1 && y.broadcastable[k])) return;
    const hint = n === 1 ? ` Its dimension ${k} has length 1 but is not broadcastable: mark it so (dimshuffle with 'x', or shared(..., { broadcastable })).` : '';
    throw new RangeError(`${what}: ${nameInError(y)} of shape ${fmt(shape)} does not broadcast to the window's shape ${fmt(target)}.${hint}`);
  });
}

const fmt = (s: StaticShape) => `(${s.map((d) => (d === null ? '?' : d)).join(', ')}${s.length === 1 ? ',' : ''})`;

/** For the reference: y's flat index at window position `w` when y broadcasts to `window`. */
export function broadcastIndex(yShape: Shape, window: readonly number[]): (w: number) => number {
  const ws = contiguousStrides(window);
  const ys = contiguousStrides(yShape);
  const lead = window.length - yShape.length;
  return (w) => {
    let off = 0;
    let rest = w;
    for (let d = 0; d < window.length; d++) {
      const i = ws[d]! > 0 ? Math.floor(rest / ws[d]!) : 0;
      rest -= i * ws[d]!;
      const k = d - lead;
      if (k >= 0 && yShape[k] !== 1) off += i * ys[k]!;
    }
    return off;
  };
}


