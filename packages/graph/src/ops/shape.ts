/** Ops that move data around without arithmetic: dimshuffle, reshape, and shape_i. */
import { NDArray, contiguousStrides, sizeOf, shapeToString, type Shape } from '../core/ndarray.js';
import { Apply, Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import { TensorConstant, type StaticShape, type TensorVariable } from '../core/variable.js';
import { isContiguous, type BufferView, type LowerContext, type TensorView } from '../kernel/lower.js';
import { nameInError } from '../core/error-names.js';

/** A dimshuffle's pattern: for each output dimension, the input dimension it is (a number) or a new broadcastable one ('x'). */
export type DimShufflePattern = readonly (number | 'x')[];

/**
 * Theano's DimShuffle: reorder dimensions, insert broadcastable ones ('x')
 * and drop broadcastable ones (those not named in the pattern).
 */
export class DimShuffle extends Op {
  readonly kind = 'DimShuffle' as const;
  constructor(
    /** The input's broadcastable pattern (its dropped dimensions must be broadcastable). */
    readonly inputBroadcastable: readonly boolean[],
    /** The output's dimensions. */
    readonly pattern: DimShufflePattern,
  ) {
    super();
    const seen = new Set<number>();
    for (const p of pattern) {
      if (p === 'x') continue;
      if (!Number.isInteger(p) || p < 0 || p >= inputBroadcastable.length) {
        throw new RangeError(`DimShuffle{${pattern.join(',')}}: ${p} is not a dimension of an input with ${inputBroadcastable.length} dimensions`);
      }
      if (seen.has(p)) throw new Error(`DimShuffle{${pattern.join(',')}}: dimension ${p} appears twice`);
      seen.add(p);
    }
    inputBroadcastable.forEach((b, d) => {
      if (!seen.has(d) && !b) {
        throw new Error(
          `DimShuffle{${pattern.join(',')}}: cannot drop dimension ${d}: it is not broadcastable (pattern ${JSON.stringify(inputBroadcastable)})`,
        );
      }
    });
  }

  key(): string {
    return `dimshuffle:${this.inputBroadcastable.map(Number).join('')}:${this.pattern.join(',')}`;
  }
  override toString(): string {
    return `DimShuffle{${this.pattern.join(',')}}`;
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const x = inputs[0]!;
    if (x.ndim !== this.inputBroadcastable.length) {
      throw new TypeError(`${this.toString()}: expected an input of ${this.inputBroadcastable.length} dimensions, got ${x.type}`);
    }
    return [new TensorType(x.dtype, this.pattern.map((p) => (p === 'x' ? true : x.broadcastable[p]!)))];
  }

  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const s = shapes[0]!;
    return [this.pattern.map((p) => (p === 'x' ? 1 : s[p]!))];
  }

  perform(inputs: readonly NDArray[]): NDArray[] {
    const x = inputs[0]!;
    const v = this.view({ kind: 'buffer', buffer: 0, dtype: x.dtype, shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 });
    return [gather(x, v)];
  }

  /** The output as a strided view of the input. */
  view(x: BufferView): BufferView {
    return {
      ...x,
      shape: this.pattern.map((p) => (p === 'x' ? 1 : x.shape[p]!)),
      strides: this.pattern.map((p) => (p === 'x' ? 0 : x.strides[p]!)),
    };
  }

  lower(ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    const x = inputs[0]!;
    if (x.kind === 'scalar') return [ctx.elementwise(this.inferShape([[]])[0] as number[], x.dtype, [x], (l) => l[0]!)];
    return [this.view(x)];
  }

  override pp(args: readonly string[]): string {
    const p = this.pattern;
    if (p.length === 2 && p[0] === 1 && p[1] === 0) return `${args[0]}.T`;
    return `DimShuffle{${p.join(',')}}(${args[0]})`;
  }
}

/** Call `f(offset, i)` for the element offsets a view addresses, i counting them in C order. */
export function forEachOffset(v: Pick<BufferView, 'shape' | 'strides' | 'offset'>, f: (offset: number, i: number) => void): void {
  const nd = v.shape.length;
  const n = sizeOf(v.shape);
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < n; i++) {
    let off = v.offset;
    for (let d = 0; d < nd; d++) off += idx[d]! * v.strides[d]!;
    f(off, i);
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < v.shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Copy the elements a view addresses into a new C-contiguous array. */
export function gather(x: NDArray, v: Pick<BufferView, 'shape' | 'strides' | 'offset'>): NDArray {
  const out = NDArray.zeros(v.shape, x.dtype);
  // elements in order (a dimshuffle adding or dropping broadcastable dimensions, a leading slice): one copy
  const n = out.size;
  let run = 1;
  let inOrder = true;
  for (let d = v.shape.length - 1; d >= 0 && inOrder; d--) {
    if (v.shape[d] === 1) continue;
    inOrder = v.strides[d] === run;
    run *= v.shape[d]!;
  }
  if (inOrder && n > 0) {
    out.data.set(x.data.subarray(v.offset, v.offset + n) as never);
    return out;
  }
  forEachOffset(v, (off, i) => {
    out.data[i] = x.data[off]!;
  });
  return out;
}

/**
 * What a 0 in a Reshape's shape means: `'length'`, a dimension of length 0
 * (NumPy's reshape); `'copy'`, the input's dimension at the same position
 * (Theano's internal use: flatten(x, 2) is Reshape{0,-1} copying the first
 * dimension, whatever its length).
 */
export type ReshapeZeros = 'length' | 'copy';

/** Options of the {@link Reshape} op. */
export interface ReshapeOptions {
  /** The meaning of 0 entries: `'length'` (the default, NumPy's and `T.reshape`'s) or `'copy'` (`T.flatten`'s). */
  readonly zeros?: ReshapeZeros;
}

/**
 * Reshape to a shape given when the graph is built. An entry of -1 is
 * inferred from the size; an entry of 0 is a length of 0, or copies the
 * input's dimension at the same position (`zeros: 'copy'`, so flatten(x, 2)
 * is Reshape{0,-1}).
 */
export class Reshape extends Op {
  readonly kind = 'Reshape' as const;
  /** {@link ReshapeOptions.zeros} ('length' by default). */
  readonly zeros: ReshapeZeros;
  constructor(
    /** The shape: lengths, one -1 inferred, 0 as `zeros` says. */
    readonly spec: readonly number[],
    options: ReshapeOptions = {},
  ) {
    super();
    this.zeros = options.zeros ?? 'length';
    if (spec.filter((d) => d === -1).length > 1) throw new Error(`Reshape{${spec.join(',')}}: at most one dimension can be -1`);
    for (const d of spec) if (!Number.isInteger(d) || d < -1) throw new RangeError(`Reshape{${spec.join(',')}}: invalid dimension ${d}`);
  }
  /** Whether 0 entries copy the input's dimensions (only then do the two meanings differ). */
  private get copiesZeros(): boolean {
    return this.zeros === 'copy' && this.spec.includes(0);
  }
  key(): string {
    return `reshape:${this.spec.join(',')}${this.copiesZeros ? ':copy' : ''}`;
  }
  override toString(): string {
    return `Reshape{${this.spec.length}}`;
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const x = inputs[0]!;
    const copy = this.copiesZeros;
    return [new TensorType(x.dtype, this.spec.map((d, i) => d === 1 || (copy && d === 0 && x.broadcastable[i] === true)))];
  }

  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const s = shapes[0]!;
    const copy = this.copiesZeros;
    const dims: (number | null)[] = this.spec.map((d, i) => {
      if (d !== 0 || !copy) return d;
      if (i >= s.length) throw new Error(`${this.toString()}: 0 at position ${i} copies a dimension the input ${shapeToString(s)} does not have`);
      return s[i]!;
    });
    const known = s.every((d) => d !== null);
    if (!known) return [dims.map((d) => (d === -1 ? null : d))];
    const total = sizeOf(s as number[]);
    const rest = dims.filter((d) => d !== -1).reduce<number>((a, b) => a * (b as number), 1);
    if (dims.includes(-1)) {
      // flatten's pattern (copies, then -1) collapses the trailing lengths, a product even when a copied one is 0 (Theano's flatten)
      if (copy && rest === 0 && this.spec.at(-1) === -1 && this.spec.slice(0, -1).every((d) => d === 0) && s.length >= this.spec.length) {
        return [dims.map((d, i) => (d === -1 ? sizeOf(s.slice(i) as number[]) : d))];
      }
      // with a 0 length among the others, -1 could be anything (NumPy refuses too)
      if (rest === 0 || total % rest !== 0) {
        throw new Error(`${this.toString()}: cannot reshape ${node.inputs[0] ? nameInError(node.inputs[0]) : 'input'} of shape ${shapeToString(s)} (size ${total}) into ${shapeToString(this.spec)}`);
      }
      return [dims.map((d) => (d === -1 ? total / rest : d))];
    }
    if (rest !== total) {
      throw new Error(`${this.toString()}: cannot reshape ${node.inputs[0] ? nameInError(node.inputs[0]) : 'input'} of shape ${shapeToString(s)} (size ${total}) into ${shapeToString(dims)} (size ${rest})`);
    }
    return [dims];
  }

  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const x = inputs[0]!;
    return [new NDArray(x.data.slice(), this.inferShape([x.shape], node)[0] as Shape, x.dtype)];
  }

  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const shape = this.inferShape([inputs[0]!.shape], node)[0] as number[];
    const x = ctx.contiguous(inputs[0]!);
    return [{ ...x, shape, strides: contiguousStrides(shape) }];
  }
}

/** A length known when the graph is built: a constant, or the static length of a tensor's dimension (`x.shape[1]`). */
function staticLength(v: TensorVariable): number | null {
  if (v instanceof TensorConstant) return Number(v.value.data[0]);
  const node = v.owner;
  if (node?.op instanceof ShapeI) return node.inputs[0]!.staticShape[node.op.axis] ?? null;
  return null;
}

/**
 * Reshape to lengths given by integer scalars (`x.reshape([x.shape[0], -1])`,
 * Theano's `reshape((n_steps, n_samples, dim))`): inputs are x, then one
 * scalar per dimension (-1 once, inferred). The lengths are static inputs:
 * a tensor's shape is known with the shapes; a function input makes a
 * program per value. The gradient is Reshape's (the same kind).
 */
export class ReshapeTo extends Op {
  readonly kind = 'Reshape' as const;
  key(): string {
    return 'reshape_to';
  }
  override toString(): string {
    return 'ReshapeTo';
  }
  override staticInputs(node: Apply): number[] {
    return node.inputs.slice(1).map((_, i) => i + 1);
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [x, ...dims] = inputs as [TensorVariable, ...TensorVariable[]];
    dims.forEach((d, i) => {
      if (d.ndim !== 0 || !(d.dtype.startsWith('int') || d.dtype.startsWith('uint'))) throw new TypeError(`reshape: length ${i} (${d}) must be an integer scalar, got ${d.type}`);
    });
    // only a constant 1 is broadcastable: a length read from a shape may change with the inputs
    return [new TensorType(x.dtype, dims.map((d) => d instanceof TensorConstant && Number(d.value.data[0]) === 1))];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const dims = node.inputs.slice(1).map(staticLength);
    if (dims.some((d) => d === null) || shapes[0]!.some((d) => d === null)) return [dims.map((d) => (d === -1 ? null : d))];
    return new Reshape(dims as number[]).inferShape([shapes[0]!], node);
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const [x, ...dims] = inputs as [NDArray, ...NDArray[]];
    return new Reshape(dims.map((d) => Number(d.data[0]))).perform([x], node);
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const [x, ...dims] = inputs as [TensorView, ...TensorView[]];
    const spec = dims.map((d, i) => {
      if (d.kind !== 'scalar') throw new Error(`reshape: length ${i} must be known when the program is made (a number, a shape, or an integer scalar input of the function)`);
      return d.value;
    });
    return new Reshape(spec).lower(ctx, [x], node);
  }
}

/** shape_i: the length of one dimension, an int64 scalar. Free once shapes are known. */
export class ShapeI extends Op {
  readonly kind = 'Shape' as const;
  constructor(
    /** The dimension whose length it gives. */
    readonly axis: number,
  ) {
    super();
  }
  key(): string {
    return `shape_i:${this.axis}`;
  }
  override toString(): string {
    return `Shape_i{${this.axis}}`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    if (this.axis >= inputs[0]!.ndim) throw new RangeError(`${this.toString()}: ${inputs[0]} has only ${inputs[0]!.ndim} dimensions`);
    return [new TensorType('int64', [])];
  }
  inferShape(): StaticShape[] {
    return [[]];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const a = NDArray.zeros([], 'int64');
    a.data[0] = inputs[0]!.shape[this.axis]!;
    return [a];
  }
  lower(_ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    return [{ kind: 'scalar', value: inputs[0]!.shape[this.axis]!, dtype: 'int64', shape: [] }];
  }
  override pp(args: readonly string[]): string {
    return `${args[0]}.shape[${this.axis}]`;
  }
}

export { isContiguous };

/**
 * Theano's SpecifyShape: x, whose shape is `shape` (a null length: any). An
 * identity that costs no kernel, checked wherever shapes are known (when
 * the graph is built, and by every program: shape-claims.ts), that gives x
 * the lengths it claims, which the rewrites may then use
 * (shape_i_constant). The lengths are the op's own numbers: a claimed
 * length of millions makes no array of that many elements.
 */
/**
 * A shape check that failed (SpecifyShape, MatchLength): a RangeError that
 * names the check's op, so that a function can tell a claim under an
 * ifelse's branch, checked only when that branch is taken (lazy-branches.ts).
 */
export class ShapeClaimError extends RangeError {
  constructor(
    message: string,
    readonly op: Op,
  ) {
    super(message);
  }
}

export class SpecifyShape extends Op {
  readonly kind = 'SpecifyShape' as const;
  constructor(
    /** The claimed lengths (null: any). */
    readonly shape: readonly (number | null)[],
    /** The error, given x's shape. */
    readonly describe: (xShape: readonly (number | null)[]) => string,
    /** Names the claim for merging equal nodes (specifyShape, conv2d's inputShape, ...): claims of other names give other errors. */
    readonly tag: string,
  ) {
    super();
  }
  key(): string {
    return `SpecifyShape:${this.shape.join(',')}:${this.tag}`;
  }
  override toString(): string {
    return `SpecifyShape{${shapeToString(this.shape)}}`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    if (inputs[0]!.ndim !== this.shape.length) throw new RangeError(`${this.toString()}: ${inputs[0]} has ${inputs[0]!.ndim} dimensions, the shape ${this.shape.length}`);
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const xs = shapes[0]!;
    if (this.shape.some((n, d) => n !== null && xs[d] !== null && xs[d] !== n)) throw new ShapeClaimError(this.describe(xs), this);
    return [xs.map((n, d) => this.shape[d] ?? n)];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    this.inferShape([inputs[0]!.shape]);
    return [inputs[0]!];
  }
  lower(_ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    this.inferShape([inputs[0]!.shape]);
    return [inputs[0]!];
  }
}

/**
 * x, checked when shapes are known to be as long as y along an axis (the
 * channels of conv2d's input and filters): an identity that costs no
 * kernel, so that a mismatch is reported by the function the user called,
 * with both shapes, rather than by an op deep inside it.
 */
export class MatchLength extends Op {
  readonly kind = 'MatchLength' as const;
  /** Whether a passed check means the two lengths are equal, so that rewrites may take one for the other (a subclass checking less says no). */
  readonly equalLengths: boolean = true;
  constructor(
    /** x's axis checked. */
    readonly axis: number,
    /** y's axis it must match. */
    readonly otherAxis: number,
    /** The error, given both shapes. */
    readonly describe: (xShape: readonly (number | null)[], yShape: readonly (number | null)[]) => string,
    /** Names the check for merging equal nodes. */
    readonly tag: string,
  ) {
    super();
  }
  key(): string {
    return `MatchLength:${this.axis}:${this.otherAxis}:${this.tag}`;
  }
  override toString(): string {
    return `MatchLength{${this.axis},${this.otherAxis}}`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const [xs, ys] = shapes as [StaticShape, StaticShape];
    const a = xs[this.axis];
    const b = ys[this.otherAxis];
    if (a !== null && a !== undefined && b !== null && b !== undefined && a !== b) throw new ShapeClaimError(this.describe(xs, ys), this);
    // a passed check of equal lengths makes y's known length x's (specifyShape's constant shapes)
    if (!this.equalLengths || a !== null || b === null || b === undefined) return [xs];
    return [xs.map((n, d) => (d === this.axis ? b : n))];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    this.inferShape(inputs.map((v) => v.shape));
    return [inputs[0]!];
  }
  lower(_ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    this.inferShape(inputs.map((v) => v.shape));
    return [inputs[0]!];
  }
}
