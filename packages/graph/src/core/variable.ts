/**
 * Symbolic variables: the nodes users hold. A variable has a type, an
 * optional name, and either no owner (an input, a constant, a shared
 * variable) or the Apply node that computes it.
 *
 * The fluent methods (`x.add(y)`, `x.sum()`, ...) are declared here and
 * installed by `fluent.ts`, so that this file depends on no op.
 */
import type { DType } from './dtype.js';
import type { NDArray, Shape } from './ndarray.js';
import type { TensorType } from './type.js';
import type { Apply } from './op.js';
import { float64Created } from './warn-float64.js';

/** Lengths known when a graph is built, one per dimension, null where known only at run time. */
export type StaticShape = readonly (number | null)[];

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');
let nextId = 0;

/**
 * A symbolic tensor (Theano's `TensorVariable`): a function input, a
 * constant, a shared variable, or the output of an Apply node. Its math is
 * in `T` and in fluent methods (`x.add(y)`, `x.sum()`).
 */
export class TensorVariable {
  /** Its dtype and broadcastable pattern. */
  readonly type: TensorType;
  /** The Apply node computing it, or null for an input, a constant or a shared variable. */
  readonly owner: Apply | null;
  /** Which output of its owner this variable is. */
  readonly index: number;
  /** The name printed and used in errors (`T.matrix('x')`); may be set later. */
  name: string | undefined;
  /** Dimensions known when the graph is built (null where only known at run time). */
  readonly staticShape: StaticShape;
  /** Unique, increasing: orders variables deterministically. */
  readonly id: number = nextId++;

  constructor(type: TensorType, options: { owner?: Apply | null; index?: number; name?: string; staticShape?: StaticShape } = {}) {
    this.type = type;
    this.owner = options.owner ?? null;
    this.index = options.index ?? 0;
    this.name = options.name;
    this.staticShape = Object.freeze(
      options.staticShape ? [...options.staticShape] : type.broadcastable.map((b) => (b ? 1 : null)),
    );
    // TensorConstant is below: a float64 constant shows in the variables it makes float64, as in Theano
    if (type.dtype === 'float64' && !(this instanceof TensorConstant)) float64Created(this);
  }

  /** The elements' dtype (`type.dtype`). */
  get dtype(): DType {
    return this.type.dtype;
  }
  /** Number of dimensions (`type.ndim`). */
  get ndim(): number {
    return this.type.ndim;
  }
  /** Which dimensions are known to be of length 1 and broadcast (`type.broadcastable`). */
  get broadcastable(): readonly boolean[] {
    return this.type.broadcastable;
  }

  /** Theano's str(variable): its name, or `Op.0` for an unnamed output, or `<TensorType(...)>`. */
  toString(): string {
    if (this.name !== undefined) return this.name;
    if (this.owner) return `${this.owner.op.toString()}.${this.index}`;
    return `<${this.type.toString()}>`;
  }

  /** How Node's `util.inspect` (and `console.log`) shows it: as `toString` does. */
  [inspectSymbol](): string {
    return this.toString();
  }
}

/** A constant of a graph (`T.constant`, or a number or array given where a tensor is expected). */
export class TensorConstant extends TensorVariable {
  /** Its value. */
  readonly value: NDArray;
  /**
   * A JavaScript number literal: like Python scalars under NumPy 2 (NEP 50)
   * it does not widen the dtype of the array it meets (x_float32 * 0.5 is float32).
   */
  readonly weak: boolean;
  /** The JavaScript number a weak constant was made from, before it was stored in its dtype (floatX for a float). */
  readonly literal: number | undefined;

  constructor(type: TensorType, value: NDArray, options: { name?: string; weak?: boolean; literal?: number } = {}) {
    super(type, { name: options.name, staticShape: value.shape as Shape });
    this.value = value;
    this.weak = options.weak ?? false;
    this.literal = options.literal;
  }

  /** Theano prints constants as `TensorConstant{2}`. */
  override toString(): string {
    if (this.name !== undefined) return this.name;
    const v = this.value;
    const body = v.ndim === 0 ? v.toString().replace(/\.0$/, '.0') : v.toString().replace(/\s+/g, ' ');
    return `TensorConstant{${body}}`;
  }
}
