/**
 * The rest of Theano's `theano.tensor.basic` that code ported from Theano
 * reaches for: `ceil_intdiv`, `divmod`, `tensor_copy`,
 * `inverse_permutation`, `permute_row_elements`, and the build-time
 * queries `get_scalar_constant_value` and `get_vector_length`. All are
 * compositions of existing ops; `tensor.ts` re-exports them as part of `T`.
 */
import { f16round, isInt, type DType } from '../core/dtype.js';
import { asTensor, type TensorLike } from '../core/op.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';
import { Elemwise } from '../ops/elemwise.js';
import { DimShuffle, ShapeI, SpecifyShape } from '../ops/shape.js';
import { TakeAlongAxis } from '../ops/sort.js';
import { Alloc } from '../ops/alloc.js';
import { apply1 } from '../core/op.js';
import { nameInError } from '../core/error-names.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';

/**
 * Theano's `ceil_intdiv(a, b)`: ceil(a / b) without a float division, in
 * the dtype of `a // b` (exact for int64 beyond 2^53): the floor quotient
 * plus one where the remainder is not zero.
 */
export function ceilIntdiv(a: TensorLike, b: TensorLike): TensorVariable {
  const x = asTensor(a, 'ceilIntdiv: a');
  const y = asTensor(b, 'ceilIntdiv: b');
  const q = T.intDiv(x, y);
  return T.add(q, T.cast(T.neq(T.mod(x, y), 0), q.dtype));
}

/** Theano's `divmod(x, y)` (Python's): `[x // y, x % y]`, the floor quotient and the remainder with the divisor's sign. */
export function divmod(x: TensorLike, y: TensorLike): [TensorVariable, TensorVariable] {
  const a = asTensor(x, 'divmod: x');
  const b = asTensor(y, 'divmod: y');
  return [T.intDiv(a, b), T.mod(a, b)];
}

/** Theano's `tensor_copy(x)`: a new variable of x's value (as `x.copy()`). */
export function tensorCopy(x: TensorLike): TensorVariable {
  return T.identity(asTensor(x, 'tensorCopy'));
}

/**
 * Theano's `inverse_permutation(perm)`: `inv[perm[i]] = i` along the last
 * axis (each row of a matrix its own permutation), in perm's dtype. An
 * argsort, since the inverse of a permutation is its sorting order; a
 * vector that is not a permutation gives that order, not an error.
 */
export function inversePermutation(perm: TensorLike): TensorVariable {
  const p = asTensor(perm, 'inversePermutation');
  if (!isInt(p.dtype) || p.ndim < 1) throw new TypeError(`inversePermutation: perm must be an integer tensor of one dimension or more (a permutation per row), got ${nameInError(p)} of type ${p.type}`);
  return T.cast(T.argsort(p, -1), p.dtype);
}

/**
 * Theano's `permute_row_elements(x, y, inverse = false)`: the last axis of
 * x permuted by y, `out[..., i] = x[..., y[..., i]]` (with inverse,
 * `out[..., y[..., i]] = x[..., i]`). y is one permutation for every row
 * (a vector), or one per row (x's leading dimensions); a vector x is
 * permuted by each of y's rows. y must hold permutations: the gradient
 * sends x's back through the inverse one.
 */
export function permuteRowElements(x: TensorLike, y: TensorLike, inverse = false): TensorVariable {
  let v = asTensor(x, 'permuteRowElements: x');
  let p = asTensor(y, 'permuteRowElements: y');
  if (v.ndim < 1) throw new TypeError(`permuteRowElements: x must have a dimension to permute, got ${nameInError(v)} of type ${v.type}`);
  if (!isInt(p.dtype) || p.ndim < 1) throw new TypeError(`permuteRowElements: y must be an integer tensor of permutations (the last axis), got ${nameInError(p)} of type ${p.type}`);
  if (p.ndim > v.ndim) {
    if (v.ndim !== 1) throw new TypeError(`permuteRowElements: y (${nameInError(p)}, ${p.ndim} dimensions) has more dimensions than x (${nameInError(v)}, ${v.ndim}); only a vector x is permuted by each of y's rows`);
    // each row of y permutes the same x: x repeated along y's leading dimensions
    v = apply1(new Alloc(), [v, ...T.shape(p).slice(0, -1), T.shapeI(v, 0)]);
  }
  // leading dimensions broadcast (a row of permutations for every row of x, or one row of x for every permutation), by type as elementwise ops do
  const lead = p.ndim - 1;
  const offset = v.ndim - p.ndim;
  const widen = (t: TensorVariable, other: TensorVariable, shift: number, otherShift: number): TensorVariable => {
    const grow = Array.from({ length: lead }, (_, d) => t.broadcastable[d + shift]! && !other.broadcastable[d + otherShift]!);
    if (!grow.some(Boolean)) return t;
    const lengths = t.broadcastable.map((_, d) => (d >= shift && d < shift + lead && grow[d - shift] ? T.shapeI(other, d - shift + otherShift) : T.shapeI(t, d)));
    return apply1(new Alloc(), [t, ...lengths]);
  };
  [v, p] = [widen(v, p, offset, 0), widen(p, v, 0, offset)];
  const inv = inversePermutation(p);
  const [idx, back] = inverse ? [inv, p] : [p, inv];
  return apply1(new TakeAlongAxis(idx.ndim - 1), [v, idx, back]);
}

/** Theano's `NotScalarConstantError`: the variable's value is not known while the graph is built. */
export class NotScalarConstantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotScalarConstantError';
  }
}

/** The single value of a constant whose elements are all equal, or undefined. */
function uniqueValue(c: TensorConstant): number | undefined {
  const d = c.value.data;
  if (d.length === 0) return undefined;
  const first = Number(d[0]);
  for (let i = 1; i < d.length; i++) if (!Object.is(Number(d[i]), first)) return undefined;
  return first;
}

/** A number as a cast to `dtype` gives it (NumPy's astype): towards zero for an integer, 0 or 1 for bool, rounded to float32. */
function castNumber(value: number, dtype: DType): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (isInt(dtype)) return Math.trunc(value);
  if (dtype === 'float32') return Math.fround(value);
  if (dtype === 'float16') return f16round(value);
  return value;
}

const PASS_THROUGH = new Set(['identity', 'cast']);

/**
 * Theano's `get_scalar_constant_value(v)`: the number v is known to hold
 * while the graph is built. Follows constants (of any shape, if all their
 * elements are equal, as Theano's), a number, dimshuffles, casts,
 * identities, shape claims, and a dimension's length known to the type
 * (`x.shape[0]` of a `T.specifyShape`d x); anything else raises
 * NotScalarConstantError.
 */
export function getScalarConstantValue(v: TensorLike): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  // an array or NDArray is a constant: known if all its elements are equal, as Theano's of a NumPy array
  let x: TensorVariable = asTensor(v, 'getScalarConstantValue');
  for (;;) {
    if (x instanceof TensorConstant) {
      const u = uniqueValue(x);
      if (u === undefined) throw new NotScalarConstantError(`getScalarConstantValue: the constant ${nameInError(x)} of shape (${x.value.shape.join(', ')}) does not hold one value in every element`);
      // a cast the Theano way: the number in the dtype asked for (an int64 past 2^53 is already a JavaScript number here)
      return u;
    }
    const node = x.owner;
    if (node === null || node === undefined) throw new NotScalarConstantError(`getScalarConstantValue: ${nameInError(x)} is an input, not known while the graph is built`);
    const op = node.op;
    if (op instanceof ShapeI) {
      const n = node.inputs[0]!.staticShape[op.axis];
      if (typeof n === 'number') return n;
      throw new NotScalarConstantError(`getScalarConstantValue: the length of dimension ${op.axis} of ${nameInError(node.inputs[0]!)} is known only when it runs (T.specifyShape can claim it)`);
    }
    if (op instanceof DimShuffle || op instanceof SpecifyShape || (op instanceof Elemwise && PASS_THROUGH.has(op.scalarOp))) {
      const inner = node.inputs[0]!;
      if (op instanceof Elemwise && op.scalarOp === 'cast') return castNumber(getScalarConstantValue(inner), x.dtype);
      x = inner;
      continue;
    }
    throw new NotScalarConstantError(`getScalarConstantValue: ${nameInError(x)} is computed by ${String(op)}, not a constant`);
  }
}

/**
 * Theano's `get_vector_length(v)`: the length of a vector known while the
 * graph is built (from its type or a shape claim), or of a list of
 * lengths (`T.shape(x)`); otherwise an error, as Theano's ValueError.
 */
export function getVectorLength(v: TensorLike | readonly TensorLike[]): number {
  if (Array.isArray(v)) return v.length;
  const x = asTensor(v as TensorLike, 'getVectorLength');
  if (x.ndim !== 1) throw new TypeError(`getVectorLength: expected a vector, got ${nameInError(x)} of type ${x.type}`);
  const n = x.staticShape[0];
  if (typeof n === 'number') return n;
  throw new RangeError(`getVectorLength: the length of ${nameInError(x)} is known only when it runs; T.specifyShape(v, [n]) claims it`);
}

/** Theano's `power(x, y)`: `x ** y`, as `T.pow`. */
export function power(x: TensorLike, y: TensorLike): TensorVariable {
  return T.pow(x, y);
}
