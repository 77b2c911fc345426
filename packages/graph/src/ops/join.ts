/**
 * Theano's Join (`T.concatenate`) and the op its gradient uses, JoinSplit:
 * the parts of a joined gradient that belong to the pieces. Where each piece
 * starts is known only from the run-time shapes, so JoinSplit takes the
 * pieces as inputs for their shapes alone.
 */
import { castScalar, promoteAll, type DType } from '../core/dtype.js';
import { NDArray, shapeToString, sizeOf } from '../core/ndarray.js';
import { Apply, Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { BufferView, LowerContext, TensorView } from '../kernel/lower.js';
import type { ScalarExpr } from '../kernel/kernel.js';
import * as ix from '../kernel/index-expr.js';
import { nameInError } from '../core/error-names.js';

function checkAxis(what: string, axis: number, ndim: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= ndim) throw new RangeError(`${what}: axis ${axis} is out of range for tensors of ${ndim} dimensions`);
}

/** Shapes of the pieces must agree except along `axis`; `mismatch(p, d, m)` is the error for piece p's length along d, where the pieces before have m (made only then). */
function joinedShape(axis: number, shapes: readonly StaticShape[], mismatch: (p: number, d: number, m: number) => string): StaticShape {
  const out: (number | null)[] = [...shapes[0]!];
  let total: number | null = 0;
  shapes.forEach((s, p) => {
    s.forEach((n, d) => {
      if (d === axis) return;
      const m = out[d];
      if (n !== null && m !== null && m !== undefined && n !== m) throw new RangeError(mismatch(p, d, m));
      if (m === null) out[d] = n;
    });
    total = total === null || s[axis] === null ? null : total + s[axis]!;
  });
  out[axis] = total;
  return out;
}

/**
 * The tensors a join stacks (`T.stack` joins them each with a length-1 axis
 * inserted where they are joined), or undefined when a piece is anything
 * else: a join of those is NumPy's stack, whose error names them.
 */
function stackedPieces(node: Apply, axis: number): TensorVariable[] | undefined {
  const pieces: TensorVariable[] = [];
  for (const v of node.inputs) {
    const op = v.owner?.op as { kind?: string; pattern?: readonly (number | 'x')[]; inputBroadcastable?: readonly boolean[] } | undefined;
    const pattern = op?.kind === 'DimShuffle' ? op.pattern : undefined;
    // every axis kept in order (none dropped), one inserted at the joined axis
    if (!pattern || op!.inputBroadcastable!.length !== pattern.length - 1 || !pattern.every((e, d) => e === (d === axis ? 'x' : d < axis ? d : d - 1))) return undefined;
    pieces.push(v.owner!.inputs[0]!);
  }
  return pieces;
}

/** Where each piece starts along the axis. */
function starts(axis: number, shapes: readonly (readonly number[])[]): number[] {
  const at: number[] = [];
  let c = 0;
  for (const s of shapes) {
    at.push(c);
    c += s[axis]!;
  }
  return at;
}

/**
 * Theano's Join: its inputs (one at least, all of one rank) concatenated
 * along `axis`, their dtypes promoted as NumPy's `concatenate`; the other
 * lengths must agree (`T.concatenate`, `T.join`).
 */
export class Join extends Op {
  readonly kind = 'Join' as const;
  constructor(
    /** The axis joined along, in [0, ndim) (`T.concatenate` normalises a negative one); applying the op to inputs of fewer dimensions is a RangeError. */
    readonly axis: number,
  ) {
    super();
  }
  key(): string {
    return `Join{axis=${this.axis}}`;
  }
  override toString(): string {
    return this.key();
  }
  override pp(args: readonly string[]): string {
    return `join(${this.axis}, ${args.join(', ')})`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    if (inputs.length === 0) throw new TypeError('Join: nothing to join');
    const nd = inputs[0]!.ndim;
    for (const v of inputs) if (v.ndim !== nd) throw new TypeError(`Join: all tensors must have ${nd} dimensions like ${nameInError(inputs[0]!)}, got ${nameInError(v)} of type ${v.type}`);
    checkAxis('Join', this.axis, nd);
    const dtype = promoteAll(inputs.map((v) => v.dtype));
    const bc = inputs[0]!.broadcastable.map((_, d) => (d === this.axis ? inputs.length === 1 && inputs[0]!.broadcastable[d]! : inputs.every((v) => v.broadcastable[d])));
    return [new TensorType(dtype, bc)];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    return [joinedShape(this.axis, shapes, (p, d, m) => this.mismatch(node, shapes, p, d, m))];
  }
  /** The error for piece p's length along d: a stack's names the tensors the user stacked and their shapes, as NumPy's stack refuses them. */
  private mismatch(node: Apply, shapes: readonly StaticShape[], p: number, d: number, m: number): string {
    const stacked = stackedPieces(node, this.axis);
    if (!stacked) return `${this}: ${nameInError(node.inputs[p]!)} has length ${shapes[p]![d]} along axis ${d}, but ${nameInError(node.inputs[0]!)} has ${m}; only axis ${this.axis} may differ`;
    // the piece whose length p was held to (the first known one)
    const q = shapes.findIndex((s) => s[d] === m);
    const shapeOf = (i: number) => shapeToString(shapes[i]!.filter((_, k) => k !== this.axis));
    return `stack: ${nameInError(stacked[q]!)} has shape ${shapeOf(q)} and ${nameInError(stacked[p]!)} has shape ${shapeOf(p)}; all inputs must have the same shape`;
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const shape = this.inferShape(
      inputs.map((a) => a.shape),
      node,
    )[0] as number[];
    const d = node.outputs[0]!.dtype;
    const out = NDArray.zeros(shape, d);
    const outer = sizeOf(shape.slice(0, this.axis));
    const inner = sizeOf(shape.slice(this.axis + 1));
    let at = 0;
    for (const a of inputs) {
      const len = a.shape[this.axis]! * inner;
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < len; i++) out.data[o * shape[this.axis]! * inner + at + i] = castScalar(a.data[o * len + i]!, d);
      }
      at += len;
    }
    return [out];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const shape = this.inferShape(
      inputs.map((v) => v.shape),
      node,
    )[0] as number[];
    const d = node.outputs[0]!.dtype;
    // one piece of any length and the others empty: the join is that piece, a view (a cumsum's passes past the length)
    const full = inputs.filter((v) => v.shape[this.axis] !== 0);
    if (full.length === 1 && full[0]!.dtype === d && sizeOf(shape) > 0) return [full[0]!];
    if (full.length <= JOIN_FAN_IN || sizeOf(shape) === 0) return [joinViews(ctx, inputs, inputs.map((v) => v.shape[this.axis]!), this.axis, shape, d)];
    return [joinTree(ctx, full, this.axis, d)];
  }
}

/**
 * Most pieces one join kernel reads. A kernel reading 300 pieces nests 300
 * clamped reads in one expression: lavapipe took 24-34 s to compile its
 * WGSL (48 KB, its inputs past the binding limit packed into one buffer).
 * A join of more pieces is a tree of joins of at most this many, whose
 * kernels are small and mostly alike (one shader for many of them): the
 * whole call 0.9-1.6 s. It copies the data once more per level above the
 * first (log16 of the pieces); on the CPU a join of 20 pieces of 1e5 takes
 * as long either way.
 */
export const JOIN_FAN_IN = 16;

/** Non-empty `views` joined along `axis` by joins of at most JOIN_FAN_IN pieces: consecutive groups of that many (the last shorter), then their join. */
function joinTree(ctx: LowerContext, views: readonly TensorView[], axis: number, d: DType): BufferView {
  let level: readonly TensorView[] = views;
  while (level.length > JOIN_FAN_IN) {
    const groups = Math.ceil(level.length / JOIN_FAN_IN);
    const next: TensorView[] = [];
    for (let g = 0; g < groups; g++) {
      const part = level.slice(g * JOIN_FAN_IN, (g + 1) * JOIN_FAN_IN);
      next.push(part.length === 1 ? part[0]! : joinViews(ctx, part, part.map((v) => v.shape[axis]!), axis, joinedLength(part, axis), d));
    }
    level = next;
  }
  return joinViews(ctx, level, level.map((v) => v.shape[axis]!), axis, joinedLength(level, axis), d);
}

/** The shape of `views` (equal but along `axis`) laid end to end along `axis`. */
function joinedLength(views: readonly TensorView[], axis: number): number[] {
  const shape = [...views[0]!.shape];
  shape[axis] = views.reduce((a, v) => a + v.shape[axis]!, 0);
  return shape;
}

/**
 * Views laid end to end along `axis` into one buffer of `shape` (view p
 * spans `lengths[p]` positions there): every view is read at a clamped
 * position and a switch keeps the one the element falls in. Join lowers to
 * it, and so does a scan stacking its steps.
 */
export function joinViews(ctx: LowerContext, views: readonly TensorView[], lengths: readonly number[], axis: number, shape: readonly number[], d: DType): BufferView {
  const at: number[] = [];
  let c = 0;
  for (const n of lengths) (at.push(c), (c += n));
  const pieces = lengths.map((length, p) => ({ p, start: at[p]!, length })).filter((q) => q.length > 0);
  if (sizeOf(shape) === 0 || pieces.length === 0) return ctx.indexed(shape, d, [], () => ({ kind: 'const', value: 0, dtype: d }));
  return ctx.indexed(shape, d, views, (at, index) => {
    const i = index(axis);
    const value = (q: (typeof pieces)[number]): ScalarExpr =>
      ix.castTo(
        at(
          q.p,
          shape.map((_, k) => (k === axis ? ix.clampIndex(ix.sub(i, ix.int(q.start)), q.length) : index(k))),
        ),
        d,
      );
    // pieces lo..hi-1 by halves: the switches nest log2(n) deep, not n (a chain of 1000 overflowed V8's parser and JSON's stack)
    const select = (lo: number, hi: number): ScalarExpr => {
      if (hi - lo === 1) return value(pieces[lo]!);
      const mid = (lo + hi) >> 1;
      return ix.select(ix.lt(i, ix.int(pieces[mid]!.start)), select(lo, mid), select(mid, hi), d);
    };
    return select(0, pieces.length);
  });
}

/**
 * The parts of `g` (a tensor shaped like the join of `pieces` along
 * `axis`, after `nb` leading batch dimensions of its own) that the pieces
 * fill: one output per piece, each a view of `g`. Inputs: g, then the
 * pieces (for their shapes). One node for all the pieces (Theano's Split):
 * a node per piece, each reading every piece's shape, made a join's
 * gradient quadratic in its pieces (3000 pieces: 9 million edges).
 */
export class JoinSplit extends Op {
  readonly kind = 'JoinSplit' as const;
  constructor(
    /** The axis the pieces were joined along, counted in the pieces' dimensions (g's is `nb + axis`). */
    readonly axis: number,
    /** How many leading batch dimensions g has that the pieces do not (a batched jacobian's); default 0. */
    readonly nb = 0,
  ) {
    super();
  }
  key(): string {
    return `JoinSplit{axis=${this.axis}${this.nb ? `, batch=${this.nb}` : ''}}`;
  }
  override toString(): string {
    return this.key();
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [g, ...pieces] = inputs as [TensorVariable, ...TensorVariable[]];
    if (pieces.length === 0) throw new TypeError(`${this.toString()}: no pieces to split ${g} into`);
    return pieces.map((p, i) => {
      if (g.ndim !== this.nb + p.ndim) throw new TypeError(`${this.toString()}: piece ${i} (${p}) has ${p.ndim} dimensions, expected ${g.ndim - this.nb} like ${g} less ${this.nb} batch dimensions`);
      checkAxis(this.toString(), this.axis, p.ndim);
      return new TensorType(g.dtype, [...g.broadcastable.slice(0, this.nb), ...p.broadcastable]);
    });
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    return shapes.slice(1).map((p) => [...shapes[0]!.slice(0, this.nb), ...p]);
  }
  /** Where each piece starts along g's axis, and each piece's shape with g's batch dimensions. */
  #windows(g: readonly number[], pieces: readonly (readonly number[])[]): { offset: number; shape: number[] }[] {
    const from = starts(this.axis, pieces);
    const total = pieces.reduce((a, s) => a + s[this.axis]!, 0);
    const gAxis = g[this.nb + this.axis];
    if (total !== gAxis) throw new RangeError(`${this.toString()}: the pieces add up to ${total} along axis ${this.axis}, the tensor has ${gAxis}`);
    return pieces.map((p, i) => ({ offset: from[i]!, shape: [...g.slice(0, this.nb), ...p] }));
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [g, ...pieces] = inputs as [NDArray, ...NDArray[]];
    const a = this.nb + this.axis;
    return this.#windows(
      g.shape,
      pieces.map((p) => p.shape),
    ).map(({ offset, shape }) => {
      const out = NDArray.zeros(shape, g.dtype);
      const outer = sizeOf(shape.slice(0, a));
      const inner = sizeOf(shape.slice(a + 1));
      const len = shape[a]! * inner;
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < len; i++) out.data[o * len + i] = g.data[o * g.shape[a]! * inner + offset * inner + i]!;
      }
      return out;
    });
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    const [g, ...pieces] = inputs as [TensorView, ...TensorView[]];
    const a = this.nb + this.axis;
    const v = g.kind === 'buffer' ? g : ctx.contiguous(g);
    // windows of g: views, no kernel
    return this.#windows(
      g.shape,
      pieces.map((p) => p.shape),
    ).map(({ offset, shape }) => ({ ...v, shape, strides: [...v.strides], offset: v.offset + (shape[a]! > 0 ? offset * v.strides[a]! : 0) }));
  }
}
