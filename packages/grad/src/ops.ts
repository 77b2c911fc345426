/**
 * The ops @sym/grad defines, all of kind `Gradient`: each carries its own
 * gradient rule (`gradRule`), so the rule table stays exhaustive without
 * @sym/graph knowing about them.
 *
 * - `GradOverride`: identity in the forward pass (it lowers to the input's
 *   view, so it costs no kernel) with an altered gradient: zeroGrad,
 *   disconnectedGrad, gradClip, gradScale (Theano's ViewOp family).
 * - `ReshapeAs`: reshape to another variable's run-time shape, used by the
 *   gradient of Reshape when the input's shape is not known at build time.
 * - `EyeLike`: the identity matrix over the elements of a variable, the seed
 *   of the batched reverse pass that computes Jacobians.
 */
import {
  NDArray,
  Op,
  TensorType,
  apply1,
  asTensor,
  contiguousStrides,
  shapeToString,
  sizeOf,
  type Apply,
  type LowerContext,
  type Shape,
  type StaticShape,
  type TensorLike,
  type TensorVariable,
  type TensorView,
} from '@sym/graph';
import type { GradContext, InputGrad } from './types.js';
import { DISCONNECTED, ZERO } from './types.js';

/**
 * An op that says how it is differentiated: @sym/grad's own, and yours
 * when its rule needs the reverse pass's context (`GradContext`: the batch
 * dimensions of jacobian's pass). An op of your own otherwise subclasses
 * `sym.CustomOp`, whose `grad` is a function of variables (the guide's
 * "Writing your own op").
 */
export abstract class GradientOp extends Op {
  /** The op kind of every gradient op: `'Gradient'`. */
  readonly kind = 'Gradient' as const;
  /** Gradients of the inputs, given the output gradient (with `c.nb` leading batch dimensions). */
  abstract gradRule(c: GradContext): InputGrad[];
  /** Inputs through which no gradient flows at all (only their shape or nothing is used). */
  abstract disconnectedInputs(): readonly number[];
}

/** How a {@link GradOverride} alters the gradient: zero it, disconnect it, clip it to [lo, hi], or scale it by a factor. */
export type OverrideMode =
  | {
      /** {@link zeroGrad}: the gradient is zero. */
      readonly kind: 'zero';
    }
  | {
      /** {@link disconnectedGrad}: no gradient flows. */
      readonly kind: 'disconnected';
    }
  | {
      /** {@link gradClip}: the gradient clipped to [lo, hi]. */
      readonly kind: 'clip';
      /** Lower bound. */
      readonly lo: number;
      /** Upper bound. */
      readonly hi: number;
    }
  | {
      /** {@link gradScale}: the gradient times `factor`. */
      readonly kind: 'scale';
      /** The factor. */
      readonly factor: number;
    };

/** Identity forward, altered gradient. */
export class GradOverride extends GradientOp {
  constructor(
    /** How the gradient is altered. */
    readonly mode: OverrideMode,
  ) {
    super();
  }
  key(): string {
    // toString's numbers, not JSON's: JSON writes Infinity and -Infinity both as null
    return `grad_override:${this.toString()}`;
  }
  override toString(): string {
    const m = this.mode;
    if (m.kind === 'zero') return 'ZeroGrad';
    if (m.kind === 'disconnected') return 'DisconnectedGrad';
    if (m.kind === 'clip') return `GradClip{${m.lo}, ${m.hi}}`;
    return `GradScale{${m.factor}}`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    return [shapes[0]!];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const x = inputs[0]!;
    return [new NDArray(x.data.slice(), x.shape, x.dtype)];
  }
  lower(_ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    return [inputs[0]!];
  }
  disconnectedInputs(): readonly number[] {
    return this.mode.kind === 'disconnected' ? [0] : [];
  }
  gradRule(c: GradContext): InputGrad[] {
    const m = this.mode;
    switch (m.kind) {
      case 'zero':
        return [ZERO];
      case 'disconnected':
        return [DISCONNECTED];
      case 'clip':
        return [c.gz.clip(m.lo, m.hi)];
      case 'scale':
        return [c.gz.mul(m.factor)];
    }
  }
}

/** `ReshapeAs{nb}(g, like)`: g reshaped to `[...g.shape[:nb], ...like.shape]`. */
export class ReshapeAs extends GradientOp {
  constructor(
    /** Leading dimensions of `g` kept (the batch dimensions of jacobian's pass). */
    readonly nb: number,
  ) {
    super();
  }
  key(): string {
    return `reshape_as:${this.nb}`;
  }
  override toString(): string {
    return `ReshapeAs{${this.nb}}`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [g, like] = inputs as [TensorVariable, TensorVariable];
    if (g.ndim < this.nb) throw new TypeError(`${this.toString()}: ${g.toString()} has fewer than ${this.nb} dimensions (type ${g.type})`);
    return [new TensorType(g.dtype, [...g.broadcastable.slice(0, this.nb), ...like.broadcastable])];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const [sg, sl] = shapes as [StaticShape, StaticShape];
    const out = [...sg.slice(0, this.nb), ...sl];
    const known = (s: StaticShape) => s.every((d) => d !== null);
    if (known(sg) && known(out) && sizeOf(sg as number[]) !== sizeOf(out as number[])) {
      throw new Error(`${this.toString()}: cannot reshape shape ${shapeToString(sg)} into ${shapeToString(out)}`);
    }
    return [out];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [g, like] = inputs as [NDArray, NDArray];
    const shape = this.inferShape([g.shape, like.shape])[0] as Shape;
    return [new NDArray(g.data.slice(), shape, g.dtype)];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    const [g, like] = inputs as [TensorView, TensorView];
    const shape = this.inferShape([g.shape, like.shape])[0] as number[];
    const x = ctx.contiguous(g);
    return [{ ...x, shape, strides: contiguousStrides(shape) }];
  }
  disconnectedInputs(): readonly number[] {
    return [1];
  }
  gradRule(c: GradContext): InputGrad[] {
    return [reshapeAs(c.gz, c.x[0]!, c.nb), DISCONNECTED];
  }
}

/** `[...batch dims of g, ...shape of like]` from `g` (see ReshapeAs). */
export function reshapeAs(g: TensorLike, like: TensorLike, nb = 0): TensorVariable {
  return apply1(new ReshapeAs(nb), [asTensor(g, 'reshapeAs'), asTensor(like, 'reshapeAs')]);
}

/**
 * `EyeLike(e)`: shape `[size(e), ...shape(e)]`, row i is 1 at element i of
 * e (in C order) and 0 elsewhere. The array is built when the graph is
 * scheduled, from the concrete shape, and uploaded as a constant.
 */
export class EyeLike extends GradientOp {
  key(): string {
    return 'eye_like';
  }
  override toString(): string {
    return 'EyeLike';
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const e = inputs[0]!;
    return [new TensorType(e.dtype, [e.ndim === 0 || e.broadcastable.every(Boolean), ...e.broadcastable])];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const s = shapes[0]!;
    const n = s.every((d) => d !== null) ? sizeOf(s as number[]) : null;
    return [[n, ...s]];
  }
  private eye(shape: readonly number[], node: Apply): NDArray {
    const n = sizeOf(shape);
    const out = NDArray.zeros([n, ...shape], node.outputs[0]!.dtype);
    for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
    return out;
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    return [this.eye(inputs[0]!.shape, node)];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    return [ctx.constant(this.eye(inputs[0]!.shape, node))];
  }
  disconnectedInputs(): readonly number[] {
    return [0];
  }
  gradRule(): InputGrad[] {
    return [DISCONNECTED];
  }
}

export const EYE_LIKE = new EyeLike();

function override(mode: OverrideMode, x: TensorLike, what: string): TensorVariable {
  return apply1(new GradOverride(mode), [asTensor(x, what)]);
}

/** `x` in the forward pass; its gradient is zero (Theano's `zero_grad`, `consider_constant`). */
export function zeroGrad(x: TensorLike): TensorVariable {
  return override({ kind: 'zero' }, x, 'zeroGrad');
}

/** `x` in the forward pass; no gradient flows through it: grad w.r.t. what is below raises as disconnected (Theano's `disconnected_grad`). */
export function disconnectedGrad(x: TensorLike): TensorVariable {
  return override({ kind: 'disconnected' }, x, 'disconnectedGrad');
}

function finite(v: number, name: string, what: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${what}: ${name} must be a number, got ${String(v)}`);
  return v;
}

/** `x` in the forward pass; the gradient flowing back through it is clipped elementwise to [lo, hi] (Theano's `grad_clip`). */
export function gradClip(x: TensorLike, lo: number, hi: number): TensorVariable {
  finite(lo, 'lo', 'gradClip');
  finite(hi, 'hi', 'gradClip');
  if (lo > hi) throw new RangeError(`gradClip: lo (${lo}) must not exceed hi (${hi})`);
  return override({ kind: 'clip', lo, hi }, x, 'gradClip');
}

/** `x` in the forward pass; the gradient flowing back through it is multiplied by `factor` (Theano's `grad_scale`). */
export function gradScale(x: TensorLike, factor: number): TensorVariable {
  return override({ kind: 'scale', factor: finite(factor, 'factor', 'gradScale') }, x, 'gradScale');
}
