/** Elemwise: one scalar op applied over broadcast operands. */
import type { DType } from '../core/dtype.js';
import { castScalar, isDType, isFloat, isInt, promote, unknownDTypeError } from '../core/dtype.js';
import { NDArray, array, contiguousStrides, sizeOf, type Shape } from '../core/ndarray.js';
import { Apply, Op, apply1, asTensor, constant, ppArgs, resultDType, type TensorLike } from '../core/op.js';
import { SCALAR_OPS, scalarOutDType, type ElemwiseOpName, type ScalarOpSpec } from '../core/scalar.js';
import { isComposite } from '../tensor/special.js';
import { lowerComposite } from '../tensor/special-lower.js';
import { TensorType } from '../core/type.js';
import { TensorConstant, type StaticShape, type TensorVariable } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import { broadcastShapes, broadcastStrides, padLeft } from './broadcast.js';
import { nameInError } from '../core/error-names.js';
import { config } from '../core/config.js';

/** The dtypes an elementwise node works in. */
export interface ElemwiseDTypes {
  /** The dtype the operands are converted to before the scalar op (the kernel IR's `computeDType`). */
  readonly compute: DType;
  /** The result's dtype. */
  readonly out: DType;
}

export class Elemwise extends Op {
  readonly kind = 'Elemwise' as const;
  /** The scalar op applied to each element (`SCALAR_OPS`, or a composite one). */
  readonly scalarOp: ElemwiseOpName;
  /** The target dtype of a cast. */
  readonly castTo: DType | undefined;

  constructor(scalarOp: ElemwiseOpName, castTo?: DType) {
    super();
    if (!(scalarOp in SCALAR_OPS)) throw new Error(`Elemwise: unknown scalar op ${scalarOp}`);
    if (scalarOp === 'cast' && (!castTo || !isDType(castTo))) throw unknownDTypeError('cast', castTo);
    this.scalarOp = scalarOp;
    this.castTo = castTo;
  }

  key(): string {
    return `Elemwise{${this.scalarOp}${this.castTo ? `,${this.castTo}` : ''}}`;
  }

  override toString(): string {
    if (this.scalarOp === 'cast') return `Elemwise{Cast{${this.castTo}}}`;
    return `Elemwise{${SCALAR_OPS[this.scalarOp].theanoName},no_inplace}`;
  }

  /** The compute and output dtypes for these inputs (NumPy's promotion, weak literals, the op's own rule). */
  dtypes(inputs: readonly TensorVariable[]): ElemwiseDTypes {
    const op = this.scalarOp;
    if (op === 'cast') return { compute: inputs[0]!.dtype, out: this.castTo! };
    if (op === 'second') return { compute: inputs[1]!.dtype, out: inputs[1]!.dtype };
    if (SCALAR_OPS[op].out === 'bool') return { compute: resultDType(inputs, { what: this.toString(), widenOnOverflow: true }), out: 'bool' };
    // an op whose result is a float (true division, arctan2, ...) computes in that float, so an integer
    // literal past the integer operand's range widens it (NumPy: int8 / 300 is float64) instead of raising
    const widenOnOverflow = SCALAR_OPS[op].out === 'float';
    const promoted = resultDType(op === 'switch' ? inputs.slice(1) : inputs, { what: this.toString(), widenOnOverflow });
    // scalarOutDType drops the condition of a switch itself: give it one
    const out = scalarOutDType(op, op === 'switch' ? [promoted, promoted] : [promoted]);
    return { compute: op === 'switch' ? out : out, out };
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const arity = SCALAR_OPS[this.scalarOp].arity;
    if (inputs.length !== arity) {
      throw new TypeError(`${this.toString()}: expected ${arity} inputs, got ${inputs.length}`);
    }
    const spec = SCALAR_OPS[this.scalarOp];
    const notInt = 'integers' in spec && spec.integers ? inputs.find((v) => !isInt(v.dtype)) : undefined;
    // NumPy's "ufunc 'bitwise_and' not supported for the input types"
    if (notInt) throw new TypeError(`${this.toString()}: a bitwise op takes integer tensors, got ${nameInError(notInt)} of type ${notInt.type}`);
    const nd = Math.max(...inputs.map((v) => v.ndim));
    const bcs = inputs.map((v) => padLeft(v.broadcastable, nd, true));
    const bc = Array.from({ length: nd }, (_, d) => bcs.every((b) => b[d]));
    return [new TensorType(this.dtypes(inputs).out, bc)];
  }

  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    return [
      broadcastShapes(
        () => this.#written(node),
        shapes,
        node.inputs.map((v) => v.broadcastable),
        (i) => nameInError(node.inputs[i]!),
      ),
    ];
  }

  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const { compute, out } = this.dtypes(node.inputs);
    const shape = this.inferShape(
      inputs.map((a) => a.shape),
      node,
    )[0] as Shape;
    const res = NDArray.zeros(shape, out);
    const nd = shape.length;
    const strides = inputs.map((a) => broadcastStrides(a.shape, contiguousStrides(a.shape), shape));
    const impl = SCALAR_OPS[this.scalarOp].impl;
    const idx = new Array<number>(nd).fill(0);
    const args = new Array<number>(inputs.length);
    const n = sizeOf(shape);
    // inputs each of one value (a fold of zeros, or of a fill: what gradients build) give one value, computed once
    if (n > 1 && inputs.every(uniform)) {
      inputs.forEach((a, i) => (args[i] = this.scalarOp === 'switch' && i === 0 ? a.data[0]! : castScalar(a.data[0]!, compute)));
      res.data.fill(castScalar(impl(args, out, compute), out) as never);
      return [res];
    }
    for (let flat = 0; flat < n; flat++) {
      for (let i = 0; i < inputs.length; i++) {
        let off = 0;
        const st = strides[i]!;
        for (let d = 0; d < nd; d++) off += idx[d]! * st[d]!;
        args[i] = this.scalarOp === 'switch' && i === 0 ? inputs[i]!.data[off]! : castScalar(inputs[i]!.data[off]!, compute);
      }
      res.data[flat] = castScalar(impl(args, out, compute), out);
      for (let d = nd - 1; d >= 0; d--) {
        if (++idx[d]! < shape[d]!) break;
        idx[d] = 0;
      }
    }
    return [res];
  }

  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const { compute, out } = this.dtypes(node.inputs);
    const shape = this.inferShape(
      inputs.map((v) => v.shape),
      node,
    )[0] as number[];
    const op = this.scalarOp;
    // A float literal is weak (x_f32 * 0.999 computes in float32), but its
    // constant is float64: the kernel gets it already converted, as the
    // kernel would convert it, so no float64 reaches a backend without it.
    const args = inputs.map((v, i): TensorView =>
      v.kind === 'scalar' && v.dtype !== compute && isFloat(v.dtype) && isFloat(compute) && !(op === 'switch' && i === 0)
        ? { kind: 'scalar', value: castScalar(v.value, compute), dtype: compute, shape: [] }
        : v,
    );
    // a composite becomes primitive ops, which every backend renders
    if (isComposite(op)) return [lowerComposite(ctx, op, shape, args, compute, out)];
    // an integer is already rounded: backends render round on floats only
    const scalarOp = op === 'round' && !isFloat(compute) ? 'identity' : op;
    return [ctx.elementwise(shape, out, args, (loads) => ({ kind: 'apply', op: scalarOp, args: loads, computeDType: compute, dtype: out }))];
  }

  /**
   * The node as the user wrote it, `(a + b)` or `clip(x, 0, 1)`, to begin
   * a shape error (rather than `Elemwise{add,no_inplace}`, which the user
   * never called); the op's name where the expression is too long to read.
   */
  #written(node: Apply): string {
    // a one-value constant by its value, as in an expression nameInError writes (`(a * 2)`)
    const s = this.pp(node.inputs.map((v) => (v instanceof TensorConstant && v.name === undefined && v.value.size === 1 ? String(v.value.data[0]) : nameInError(v))));
    return s.length <= 96 ? s : this.toString();
  }

  override pp(args: readonly string[]): string {
    const spec: ScalarOpSpec = SCALAR_OPS[this.scalarOp];
    if (spec.infix) return `(${args[0]} ${spec.infix[0]} ${args[1]})`;
    if (spec.prefix) return `${spec.prefix}${args[0]}`;
    if (this.scalarOp === 'cast') return `Cast{${this.castTo}}(${ppArgs(args)})`;
    return `${spec.theanoName}(${ppArgs(args)})`;
  }
}

const cache = new Map<string, Elemwise>();
function elemwiseOp(op: ElemwiseOpName, castTo?: DType): Elemwise {
  const key = `${op}:${castTo ?? ''}`;
  let e = cache.get(key);
  if (!e) cache.set(key, (e = new Elemwise(op, castTo)));
  return e;
}

/** Apply a scalar op elementwise. */
export function elemwise(op: ElemwiseOpName, ...args: TensorLike[]): TensorVariable {
  const vars = args.map((a, i) => asTensor(a, `${op} argument ${i}`));
  return apply1(elemwiseOp(op), op === 'cast' ? vars : exactLiterals(vars, op === 'switch' ? 1 : 0));
}

const FLOAT_WIDTH: Partial<Record<DType, number>> = { float16: 16, float32: 32, float64: 64 };

/**
 * NEP 50: a float literal computes in the dtype of the float operands it
 * meets (float64 beside integers only). It was stored in floatX when it was
 * made, so where that is narrower (0.1 beside a float64 tensor under
 * floatX=float32) it is made again from its own value: x_float64 + 1e-8
 * adds 1e-8, not float32's nearest value.
 */
function exactLiterals(vars: readonly TensorVariable[], from: number): TensorVariable[] {
  const strong = vars.slice(from).filter((v) => !(v instanceof TensorConstant && v.weak));
  if (strong.length === 0) return [...vars];
  const floats = strong.map((v) => v.dtype).filter(isFloat);
  const target: DType = floats.length > 0 ? floats.reduce<DType>((a, b) => promote(a, b), floats[0]!) : 'float64';
  return vars.map((v, i) => {
    if (i < from || !(v instanceof TensorConstant) || !v.weak || v.literal === undefined || !isFloat(v.dtype)) return v;
    if (FLOAT_WIDTH[v.dtype]! >= FLOAT_WIDTH[target]!) return v;
    return new TensorConstant(new TensorType(target, []), array(v.literal, { dtype: target }), { weak: true, literal: v.literal });
  });
}

/**
 * `T.cast(x, dtype)`; `'floatX'` is config.floatX when the cast is made (Theano's cast resolves that name too).
 * A JavaScript number or boolean becomes a strong constant of the dtype, as NumPy's `np.float32(0.5)` and
 * Theano's cast of a constant: left weak, `T.cast(0.5, 'float32') * int16` would be float64 and
 * `T.cast(3, 'int64') + int8` int8. Its value is the literal's, not floatX's rounding of it.
 */
export function cast(x: TensorLike, dtype: DType | 'floatX'): TensorVariable {
  const v = asTensor(x, 'cast');
  const to = dtype === 'floatX' ? config.floatX : dtype;
  if (v instanceof TensorConstant && v.weak) {
    if (!isDType(to)) throw unknownDTypeError('cast', to);
    return constant(v.literal ?? v.value.data[0]!, { dtype: to });
  }
  if (v.dtype === to) return v;
  return apply1(elemwiseOp('cast', to), [v]);
}

/** Whether every element of `a` is the same value (-0 and 0 differ; NaN is one value), and `a` has one. */
function uniform(a: NDArray): boolean {
  const d = a.data;
  if (d.length === 0) return false;
  const first = d[0]!;
  for (let i = 1; i < d.length; i++) if (!Object.is(d[i], first)) return false;
  return true;
}
