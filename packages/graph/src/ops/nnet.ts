/** Softmax over the last axis (rows of a matrix, as Theano's T.nnet.softmax). */
import { NDArray } from '../core/ndarray.js';
import { castScalar, floatOf } from '../core/dtype.js';
import { Apply, Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { BufferView, LowerContext, TensorView } from '../kernel/lower.js';

export class Softmax extends Op {
  readonly kind = 'Softmax' as const;
  key(): string {
    return 'softmax';
  }
  override toString(): string {
    return 'Softmax';
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const x = inputs[0]!;
    if (x.ndim < 1) throw new TypeError(`Softmax: expected a vector or matrix, got ${x.toString()} of type ${x.type}`);
    return [new TensorType(floatOf(x.dtype), x.broadcastable)];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    return [shapes[0]!];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const x = inputs[0]!;
    const out = NDArray.zeros(x.shape, node.outputs[0]!.dtype);
    const n = x.shape[x.ndim - 1]!;
    for (let r = 0; r < x.size / Math.max(n, 1); r++) {
      let m = -Infinity;
      for (let j = 0; j < n; j++) m = Math.max(m, x.data[r * n + j]!);
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(x.data[r * n + j]! - m);
      for (let j = 0; j < n; j++) out.data[r * n + j] = castScalar(Math.exp(x.data[r * n + j]! - m) / s, out.dtype);
    }
    return [out];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const x = inputs[0]!;
    const d = node.outputs[0]!.dtype;
    const nd = x.shape.length;
    const last = nd - 1;
    const keep = (v: BufferView): BufferView => ({ ...v, shape: x.shape, strides: [...v.strides, 0] });
    const m = keep(ctx.reduce({ inputs: [x], shape: x.shape, axes: [last], reducer: 'max', acc: x.dtype, out: x.dtype, build: (l) => l[0]! }));
    const e = ctx.elementwise(x.shape, d, [x, m], ([a, b]) => ({
      kind: 'apply',
      op: 'exp',
      computeDType: d,
      dtype: d,
      args: [{ kind: 'apply', op: 'sub', computeDType: d, dtype: d, args: [a!, b!] }],
    }));
    const s = keep(ctx.reduce({ inputs: [e], shape: x.shape, axes: [last], reducer: 'sum', acc: d, out: d, build: (l) => l[0]! }));
    return [ctx.elementwise(x.shape, d, [e, s], (l) => ({ kind: 'apply', op: 'truediv', computeDType: d, dtype: d, args: l }))];
  }
}

export const SOFTMAX = new Softmax();
