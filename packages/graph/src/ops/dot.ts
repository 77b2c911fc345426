/** Dot: numpy.dot for operands of rank >= 1 (0-d operands are an elementwise product). */
import type { DType } from '../core/dtype.js';
import { castScalar, isFloat, promote } from '../core/dtype.js';
import { NDArray, contiguousStrides, sizeOf, shapeToString, type Shape } from '../core/ndarray.js';
import { Apply, Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import { nameInError } from '../core/error-names.js';

/** Output and accumulator dtypes of a dot product: the operands' promotion (bool: int8), accumulated in float64 for floats. */
export function dotDTypes(
  a: DType,
  b: DType,
): {
  /** The result's dtype. */
  out: DType;
  /** The accumulator's dtype. */
  acc: DType;
} {
  const p = promote(a, b);
  const out = p === 'bool' ? 'int8' : p;
  return { out, acc: isFloat(out) ? 'float64' : out };
}

export class Dot extends Op {
  readonly kind = 'Dot' as const;
  key(): string {
    return 'dot';
  }
  override toString(): string {
    return 'dot';
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [a, b] = inputs as [TensorVariable, TensorVariable];
    if (a.ndim < 1 || b.ndim < 1) throw new TypeError(`dot: operands must have at least one dimension, got ${a.type} and ${b.type}`);
    const bc = [...a.broadcastable.slice(0, -1), ...b.broadcastable.slice(0, -2), ...(b.ndim >= 2 ? b.broadcastable.slice(-1) : [])];
    return [new TensorType(dotDTypes(a.dtype, b.dtype).out, bc)];
  }

  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const [sa, sb] = shapes as [StaticShape, StaticShape];
    const ka = sa[sa.length - 1];
    const kb = sb.length >= 2 ? sb[sb.length - 2] : sb[0];
    if (ka !== null && kb !== null && ka !== undefined && kb !== undefined && ka !== kb) {
      const [a, b] = (node.inputs as [TensorVariable, TensorVariable]).map(nameInError);
      throw new Error(
        `dot: shapes ${shapeToString(sa)} (${a}) and ${shapeToString(sb)} (${b}) are not aligned: ` +
          `${ka} (last dimension of ${a}) != ${kb} (${sb.length >= 2 ? 'second-to-last' : 'only'} dimension of ${b})`,
      );
    }
    return [[...sa.slice(0, -1), ...sb.slice(0, -2), ...(sb.length >= 2 ? sb.slice(-1) : [])]];
  }

  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const [a, b] = inputs as [NDArray, NDArray];
    const { out, acc } = dotDTypes(a.dtype, b.dtype);
    const shape = this.inferShape([a.shape, b.shape], node)[0] as Shape;
    const K = a.shape[a.ndim - 1]!;
    const M = sizeOf(a.shape.slice(0, -1));
    const N = b.ndim >= 2 ? b.shape[b.ndim - 1]! : 1;
    const B = b.ndim >= 2 ? sizeOf(b.shape.slice(0, -2)) : 1;
    const bs = contiguousStrides(b.shape);
    const bk = b.ndim >= 2 ? bs[b.ndim - 2]! : 1;
    const res = NDArray.zeros(shape, out);
    // 32-bit products need their exact low bits (a double product of two would round): wrap like NumPy
    const mul = acc === 'int32' || acc === 'uint32' ? Math.imul : (x: number, y: number) => x * y;
    // output index: (m, batch, n) in C order
    for (let m = 0; m < M; m++)
      for (let bb = 0; bb < B; bb++)
        for (let n = 0; n < N; n++) {
          let s = 0;
          for (let k = 0; k < K; k++) {
            s = castScalar(s + castScalar(mul(a.data[m * K + k]!, b.data[bb * K * N + k * bk + n]!), acc), acc);
          }
          res.data[(m * B + bb) * N + n] = castScalar(s, out);
        }
    return [res];
  }

  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const { out, acc } = dotDTypes(node.inputs[0]!.dtype, node.inputs[1]!.dtype);
    return [ctx.dot(inputs[0]!, inputs[1]!, out, acc)];
  }

  override pp(args: readonly string[]): string {
    return `(${args[0]} \\dot ${args[1]})`;
  }
}

export const DOT = new Dot();
