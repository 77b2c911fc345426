/**
 * Tensors whose shape comes from integer scalars: Theano's `T.alloc(value,
 * *shape)` (and `T.zeros`, `T.ones` of a symbolic shape) and `T.arange`
 * with symbolic bounds. A shape must be known when a program is made, so
 * these scalars are static inputs: the length of another tensor
 * (`x.shape[0]`) is known with the shapes; a function input makes one
 * program per value.
 */
import { isInt, type DType } from '../core/dtype.js';
import { NDArray, contiguousStrides, fill, shapeToString, sizeOf } from '../core/ndarray.js';
import { broadcastStrides } from './broadcast.js';
import { ShapeI, gather } from './shape.js';
import { Apply, Op, asTensor, constant } from '../core/op.js';
import { TensorType } from '../core/type.js';
import { TensorConstant, TensorVariable, type StaticShape } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';

export function checkScalarInts(what: string, vars: readonly TensorVariable[]): void {
  vars.forEach((v, i) => {
    if (v.ndim !== 0 || !isInt(v.dtype)) throw new TypeError(`${what}: argument ${i} (${v}) must be an integer scalar, got ${v.type}`);
  });
}

/** A length: a number, or an integer scalar (`x.shape[0]`, a function input). */
export type Length = number | TensorVariable;

/** Lengths as integer scalars; `inferred` lets one number be -1 (reshape's). */
export function lengths(what: string, shape: readonly Length[], inferred = false): TensorVariable[] {
  if (!Array.isArray(shape)) {
    // Theano also takes a symbolic int vector (T.stack([...]), an lvector); here every length is known when a program is made
    const shown = shape instanceof TensorVariable ? `the variable ${shape} of type ${shape.type}` : shape === null ? 'null' : `${typeof shape} ${String(shape)}`;
    const vector = shape instanceof TensorVariable && shape.ndim === 1 ? ' (a symbolic shape vector is not supported: pass its lengths as an array, such as [x.shape[0], 1, n])' : '';
    throw new TypeError(`${what}: the shape must be an array of lengths (numbers, or integer scalars such as x.shape[0]), got ${shown}${vector}`);
  }
  return shape.map((n, d) => {
    if (typeof n === 'number') {
      if (!Number.isInteger(n) || n < (inferred ? -1 : 0)) throw new RangeError(`${what}: length ${d} must be a non-negative integer${inferred ? ' or -1' : ''}, got ${n}`);
      return constant(n, { dtype: 'int64' });
    }
    const v = asTensor(n, `${what}: length ${d}`);
    if (v.ndim !== 0 || !isInt(v.dtype)) throw new TypeError(`${what}: length ${d} (${v}) must be an integer scalar, got ${v.type}`);
    return v;
  });
}

/**
 * A length known when the graph is built: a constant, or the length of a
 * broadcastable dimension (`x.shape[0]` of a row is 1), so that
 * `T.zeros(x.shape)` and a mask of `x.shape` keep x's broadcastable
 * pattern, as Theano's constant folding of `Shape_i` gives them.
 */
export function known(v: TensorVariable): number | null {
  if (v instanceof TensorConstant) return Number(v.value.data[0]);
  const op = v.owner?.op;
  return op instanceof ShapeI && v.owner!.inputs[0]!.broadcastable[op.axis] ? 1 : null;
}

/** A lowering input that must be a value the schedule knows. */
export function valueOf(what: string, v: TensorView): number {
  if (v.kind !== 'scalar') throw new Error(`${what}: a length must be known when the program is made (a constant, a shape, or an integer scalar input of the function)`);
  return v.value;
}

/** `T.alloc(value, ...shape)`: value broadcast to shape. Inputs: value, then one integer scalar per dimension. */
export class Alloc extends Op {
  readonly kind = 'Alloc' as const;
  constructor(
    /**
     * Lengths checked in the words of the function that built the op
     * (conv2dGradWrtInputs names its inputShape, which the op's lengths
     * only carry): `describe` gives the error for a bad length, null for
     * a good one; `tag` keeps such nodes apart from plain ones when equal
     * nodes merge. A negative length it passes is the op's own error.
     */
    readonly badLength?: {
      /** The RangeError's message for `length` at `dimension`, or null where it is good. */
      readonly describe: (dimension: number, length: number) => string | null;
      /** Added to the op's key (`Alloc{tag}`), so that nodes checked in different words do not merge. */
      readonly tag: string;
    },
  ) {
    super();
  }
  key(): string {
    return this.badLength ? `Alloc{${this.badLength.tag}}` : 'Alloc';
  }
  override toString(): string {
    return 'Alloc';
  }
  override staticInputs(node: Apply): number[] {
    return Array.from({ length: node.inputs.length - 1 }, (_, i) => i + 1);
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [value, ...dims] = inputs as [TensorVariable, ...TensorVariable[]];
    checkScalarInts('alloc: shape', dims);
    if (value.ndim > dims.length) throw new TypeError(`alloc: the value ${value} has ${value.ndim} dimensions, more than the ${dims.length} of the shape`);
    return [new TensorType(value.dtype, dims.map((d) => known(d) === 1))];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    return [node.inputs.slice(1).map(known)];
  }
  private shapeOf(values: readonly number[], valueShape: readonly number[]): number[] {
    values.forEach((n, d) => {
      const bad = this.badLength?.describe(d, n);
      if (bad) throw new RangeError(bad);
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`alloc: length ${d} must be a non-negative integer, got ${n}`);
    });
    const padded = [...new Array<number>(values.length - valueShape.length).fill(1), ...valueShape];
    padded.forEach((m, d) => {
      if (m !== 1 && m !== values[d]) throw new RangeError(`alloc: a value of shape ${shapeToString(valueShape)} cannot fill shape ${shapeToString(values)}`);
    });
    return [...values];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [value, ...dims] = inputs as [NDArray, ...NDArray[]];
    const shape = this.shapeOf(
      dims.map((d) => Number(d.data[0])),
      value.shape,
    );
    // the value read through broadcast strides (0 along its broadcast dimensions)
    return [gather(value, { shape, strides: broadcastStrides(value.shape, contiguousStrides(value.shape), shape), offset: 0 })];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const [value, ...dims] = inputs as [TensorView, ...TensorView[]];
    const shape = this.shapeOf(
      dims.map((d) => valueOf('alloc', d)),
      value.shape,
    );
    return [ctx.elementwise(shape, node.outputs[0]!.dtype, [value], (l) => l[0]!)];
  }
}

/** `T.arange(start, stop, step)` with integer scalar bounds. Inputs: start, stop, step. */
export class ARange extends Op {
  readonly kind = 'ARange' as const;
  constructor(
    /** The result's dtype (`T.arange` with symbolic bounds passes its `dtype` option, default int64). */
    readonly dtype: DType,
  ) {
    super();
  }
  key(): string {
    return `ARange:${this.dtype}`;
  }
  override toString(): string {
    return 'ARange';
  }
  override staticInputs(): number[] {
    return [0, 1, 2];
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    checkScalarInts('arange', inputs);
    return [new TensorType(this.dtype, [false])];
  }
  inferShape(_shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const [a, b, s] = node.inputs.map(known);
    return [[a !== null && b !== null && s !== null && s !== 0 ? lengthOf(a, b, s) : null]];
  }
  private values(start: number, stop: number, step: number): NDArray {
    if (step === 0) throw new RangeError('arange: step cannot be zero');
    return fill([lengthOf(start, stop, step)], this.dtype, (i) => start + i * step);
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [a, b, s] = inputs.map((v) => Number(v.data[0]));
    return [this.values(a!, b!, s!)];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    const [a, b, s] = inputs.map((v) => valueOf('arange', v));
    const values = this.values(a!, b!, s!);
    // a constant of this program: programs are made per value of the bounds
    if (sizeOf(values.shape) === 0) return [ctx.indexed([0], this.dtype, [], () => ({ kind: 'const', value: 0, dtype: this.dtype }))];
    return [ctx.constant(values)];
  }
}

function lengthOf(start: number, stop: number, step: number): number {
  return Math.max(0, Math.ceil((stop - start) / step));
}
