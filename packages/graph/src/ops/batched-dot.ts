/**
 * BatchedDot (Theano's op of that name): (B, M, K) x (B, K, N) -> (B, M, N),
 * one matrix product per entry of the batch axis. It lowers to a single
 * matmul kernel whose operands carry their own batch strides, so batched
 * products (attention's q kᵀ and weights v) run on the backends' gemm
 * rather than as a broadcast product summed over K. `T.batchedDot` builds
 * it for its 3-D by 3-D form and reshapes the other ranks around it.
 */
import { castScalar } from '../core/dtype.js';
import { NDArray, shapeToString } from '../core/ndarray.js';
import { Apply, Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import { dotDTypes } from './dot.js';

const known = (d: number | null | undefined): d is number => d !== null && d !== undefined;

export class BatchedDot extends Op {
  readonly kind = 'BatchedDot' as const;
  key(): string {
    return 'batched_dot';
  }
  override toString(): string {
    return 'BatchedDot';
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [a, b] = inputs as [TensorVariable, TensorVariable];
    if (inputs.length !== 2) throw new TypeError(`BatchedDot: takes two operands, got ${inputs.length}`);
    for (const [which, v, form] of [['a', a, '(batch, M, K)'], ['b', b, '(batch, K, N)']] as const) {
      if (v.ndim !== 3) throw new TypeError(`BatchedDot: operand ${which} must be 3-d ${form}, got ${v} of type ${v.type}`);
    }
    // the batch lengths are equal, so one known to be 1 makes both 1
    const bc = [a.broadcastable[0]! || b.broadcastable[0]!, a.broadcastable[1]!, b.broadcastable[2]!];
    return [new TensorType(dotDTypes(a.dtype, b.dtype).out, bc)];
  }

  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const [sa, sb] = shapes as [StaticShape, StaticShape];
    const [a, b] = node.inputs as [TensorVariable, TensorVariable];
    const mismatch = (what: string, x: number, y: number) =>
      new Error(`BatchedDot: shapes ${shapeToString(sa)} (${a.toString()}) and ${shapeToString(sb)} (${b.toString()}) do not match: ${what} ${x} != ${y}`);
    if (known(sa[0]) && known(sb[0]) && sa[0] !== sb[0]) throw mismatch('batch (dimension 0 of both)', sa[0], sb[0]);
    if (known(sa[2]) && known(sb[1]) && sa[2] !== sb[1]) throw mismatch('K (last dimension of a, dimension 1 of b)', sa[2], sb[1]);
    return [[sa[0] ?? sb[0] ?? null, sa[1] ?? null, sb[2] ?? null]];
  }

  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const [a, b] = inputs as [NDArray, NDArray];
    this.inferShape([a.shape, b.shape], node);
    const { out, acc } = dotDTypes(a.dtype, b.dtype);
    const [B, M, K] = a.shape as [number, number, number];
    const N = b.shape[2]!;
    const res = NDArray.zeros([B, M, N], out);
    // 32-bit products need their exact low bits (a double product of two would round): wrap like NumPy
    const mul = acc === 'int32' || acc === 'uint32' ? Math.imul : (x: number, y: number) => x * y;
    for (let bb = 0; bb < B; bb++)
      for (let m = 0; m < M; m++)
        for (let n = 0; n < N; n++) {
          let s = 0;
          for (let k = 0; k < K; k++) {
            s = castScalar(s + castScalar(mul(a.data[(bb * M + m) * K + k]!, b.data[(bb * K + k) * N + n]!), acc), acc);
          }
          res.data[(bb * M + m) * N + n] = castScalar(s, out);
        }
    return [res];
  }

  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const { out, acc } = dotDTypes(node.inputs[0]!.dtype, node.inputs[1]!.dtype);
    return [ctx.batchedMatmul(inputs[0]!, inputs[1]!, out, acc)];
  }

  override pp(args: readonly string[]): string {
    return `batched_dot(${args[0]}, ${args[1]})`;
  }
}

export const BATCHED_DOT = new BatchedDot();
