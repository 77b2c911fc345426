/** Reductions over axes: sum, prod, max, min, mean, any, all, argmax, argmin. */
import type { DType } from '../core/dtype.js';
import { KIND, castScalar, intRange, isFloat } from '../core/dtype.js';
import { NDArray, contiguousStrides, sizeOf, shapeToString, type Shape } from '../core/ndarray.js';
import { Apply, Op } from '../core/op.js';
import { nameInError } from '../core/error-names.js';
import { axisIn } from '../core/axis.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { Reducer } from '../kernel/kernel.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';

/** Output and accumulator dtypes of a reduction (NumPy's: integer sums widen to int64, float32 accumulates in float64). */
export function reduceDTypes(
  reducer: Reducer,
  input: DType,
): {
  /** The result's dtype. */
  out: DType;
  /** The accumulator's dtype. */
  acc: DType;
} {
  switch (reducer) {
    case 'sum':
    case 'prod':
      if (isFloat(input)) return { out: input, acc: 'float64' };
      return { out: 'int64', acc: 'int64' };
    case 'mean':
      return { out: input === 'float32' || input === 'float16' ? input : 'float64', acc: 'float64' };
    case 'max':
    case 'min':
      return { out: input, acc: input };
    case 'any':
    case 'all':
      return { out: 'bool', acc: 'bool' };
    case 'argmax':
    case 'argmin':
      return { out: 'int64', acc: input };
  }
}

const NAMES: { readonly [R in Reducer]: string } = {
  sum: 'Sum',
  prod: 'Prod',
  max: 'Max',
  min: 'Min',
  mean: 'Mean',
  any: 'Any',
  all: 'All',
  argmax: 'Argmax',
  argmin: 'Argmin',
};

/** Normalise an axis argument (number, list, or null for all) against ndim, each axis checked by axisIn (`v` named in its errors); negative axes count from the end. */
export function normaliseAxes(axis: number | readonly number[] | null | undefined, ndim: number, what: string, v?: TensorVariable): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = Array.isArray(axis) ? [...(axis as readonly number[])] : [axis as number];
  const out = list.map((a) => axisIn(what, a, ndim, v));
  if (new Set(out).size !== out.length) throw new Error(`${what}: repeated axis in ${JSON.stringify(list)}`);
  return out.sort((a, b) => a - b);
}

/** Initial accumulator value of a reduction. */
export function reduceIdentity(reducer: Reducer, acc: DType): number {
  switch (reducer) {
    case 'sum':
    case 'mean':
    case 'any':
      return 0;
    case 'prod':
    case 'all':
      return 1;
    // int64's own extremes (2^63 stands for INT64_MAX): its values reach past intRange's +-2^53
    case 'max':
    case 'argmax':
      return isFloat(acc) ? -Infinity : acc === 'int64' ? -(2 ** 63) : intRange(acc)[0];
    case 'min':
    case 'argmin':
      return isFloat(acc) ? Infinity : acc === 'int64' ? 2 ** 63 : intRange(acc)[1];
  }
}

export class Reduce extends Op {
  readonly kind = 'Reduce' as const;
  constructor(
    /** What the reduction computes over the axes: `sum`, `prod`, `max`, `min`, `mean`, `any`, `all`, `argmax` or `argmin`. */
    readonly reducer: Reducer,
    /** Sorted, non-negative axes. */
    readonly axes: readonly number[],
  ) {
    super();
  }

  key(): string {
    return `${this.reducer}:${this.axes.join(',')}`;
  }

  override toString(): string {
    return `${NAMES[this.reducer]}{axis=[${this.axes.join(', ')}]}`;
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const x = inputs[0]!;
    for (const a of this.axes) {
      if (a >= x.ndim) throw new RangeError(`${this.toString()}: axis ${a} is out of range for ${x.toString()} of type ${x.type.toString()}`);
    }
    const bc = x.broadcastable.filter((_, d) => !this.axes.includes(d));
    return [new TensorType(reduceDTypes(this.reducer, x.dtype).out, bc)];
  }

  inferShape(shapes: readonly StaticShape[], node?: Apply): StaticShape[] {
    const s = shapes[0]!;
    if (this.reducer !== 'sum' && this.reducer !== 'prod' && this.reducer !== 'any' && this.reducer !== 'all' && this.reducer !== 'mean') {
      for (const a of this.axes) {
        if (s[a] === 0) {
          // the expression the user wrote (or the call that labelled it, as norm), not only the op
          const expression = node ? nameInError(node.outputs[0]!) : this.toString();
          const what = expression.includes(this.toString()) ? expression : `${expression} (${this.toString()})`;
          throw new Error(`${what}: cannot reduce an empty axis ${a} of shape ${shapeToString(s)} (the reduction has no identity)`);
        }
      }
    }
    return [s.filter((_, d) => !this.axes.includes(d))];
  }

  perform(inputs: readonly NDArray[]): NDArray[] {
    const x = inputs[0]!;
    const { out, acc } = reduceDTypes(this.reducer, x.dtype);
    const outShape = this.inferShape([x.shape])[0] as Shape;
    const redShape = this.axes.map((a) => x.shape[a]!);
    const keep = x.shape.map((_, d) => d).filter((d) => !this.axes.includes(d));
    const xs = contiguousStrides(x.shape);
    const res = NDArray.zeros(outShape, out);
    const nOut = sizeOf(outShape);
    const nRed = sizeOf(redShape);
    const keepStrides = keep.map((d) => xs[d]!);
    const redStrides = this.axes.map((d) => xs[d]!);
    const offsets = (shape: readonly number[], strides: readonly number[], flat: number): number => {
      let off = 0;
      for (let d = shape.length - 1; d >= 0; d--) {
        off += (flat % shape[d]!) * strides[d]!;
        flat = Math.floor(flat / shape[d]!);
      }
      return off;
    };
    const r = this.reducer;
    for (let o = 0; o < nOut; o++) {
      const base = offsets(outShape, keepStrides, o);
      let a = reduceIdentity(r, acc);
      let best = 0;
      for (let j = 0; j < nRed; j++) {
        const v = castScalar(x.data[base + offsets(redShape, redStrides, j)]!, acc === 'bool' ? x.dtype : acc);
        switch (r) {
          case 'sum':
          case 'mean':
            a += v;
            break;
          case 'prod':
            a *= v;
            break;
          case 'max':
            a = Number.isNaN(a) || Number.isNaN(v) ? NaN : Math.max(a, v);
            break;
          case 'min':
            a = Number.isNaN(a) || Number.isNaN(v) ? NaN : Math.min(a, v);
            break;
          case 'any':
            a = a !== 0 || v !== 0 ? 1 : 0; // NaN is truthy, as in NumPy
            break;
          case 'all':
            a = a !== 0 && v !== 0 ? 1 : 0;
            break;
          case 'argmax':
            if (j === 0 || (!Number.isNaN(a) && (v > a || Number.isNaN(v)))) {
              a = v;
              best = j;
            }
            break;
          case 'argmin':
            if (j === 0 || (!Number.isNaN(a) && (v < a || Number.isNaN(v)))) {
              a = v;
              best = j;
            }
            break;
        }
        if (KIND[acc] !== 'f' && (r === 'sum' || r === 'prod')) a = castScalar(a, acc);
      }
      if (r === 'mean') a = a / nRed;
      res.data[o] = castScalar(r === 'argmax' || r === 'argmin' ? best : a, out);
    }
    return [res];
  }

  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const x = inputs[0]!;
    const { out, acc } = reduceDTypes(this.reducer, node.inputs[0]!.dtype);
    return [ctx.reduce({ inputs: [x], shape: x.shape, axes: this.axes, reducer: this.reducer, acc, out, build: (l) => l[0]! })];
  }
}
