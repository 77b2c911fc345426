/**
 * Ops written outside sym (`sym.CustomOp`), in the `composite` group: a
 * backend runs what a library's op lowers to, compared with the op's own
 * `perform`. Two ops, exported for other packages' tests (the gradient's,
 * the optimizer's):
 *
 * - `Softsign`, x / (1 + |x|): one elementwise kernel, which fusion merges
 *   with its neighbours;
 * - `CumMax`, the running maximum along the last axis (NumPy's
 *   `maximum.accumulate(x, axis=-1)`): an output of the input's shape
 *   computed by a reduction over a broadcast view (out[..., j] =
 *   max over k <= j of x[..., k]), with a gradient that routes each output
 *   gradient to the elements equal to the maximum, as Theano's max does.
 *
 * The cases apply them to strided views (a transpose), broadcast operands,
 * and inside bigger graphs, in every numeric dtype the backend holds.
 */
import * as sym from '@sym/graph';
import type { DType, NDArray, ScalarExpr, TensorVariable, TensorView } from '@sym/graph';
import { castScalar, fill, intRange, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

const T = sym.T;

const constant = (value: number, dtype: DType): ScalarExpr => ({ kind: 'const', value, dtype });
const applyExpr = (op: sym.ScalarOpName, args: readonly ScalarExpr[], computeDType: DType, dtype: DType): ScalarExpr => ({ kind: 'apply', op, args, computeDType, dtype });

/** x / (1 + |x|), for float tensors; its derivative is 1 / (1 + |x|)^2. */
export class Softsign extends sym.CustomOp {
  readonly name = 'Softsign';
  outputTypes(inputs: readonly TensorVariable[]): sym.TensorType[] {
    const [x] = inputs;
    if (inputs.length !== 1 || !isFloat(x!.dtype)) throw new TypeError(`Softsign: expected one float tensor, got ${inputs.map((v) => `${v} of type ${v.type}`).join(', ') || 'no input'}`);
    return [x!.type];
  }
  inferShape(shapes: readonly sym.StaticShape[]): sym.StaticShape[] {
    return [shapes[0]!];
  }
  perform([x]: readonly NDArray[]): NDArray[] {
    return [fill(x!.shape, x!.dtype, (i) => x!.data[i]! / (1 + Math.abs(x!.data[i]!)))];
  }
  lower(ctx: sym.LowerContext, [x]: readonly TensorView[]): TensorView[] {
    const d = x!.dtype;
    return [ctx.elementwise(x!.shape, d, [x!], ([v]) => applyExpr('truediv', [v!, applyExpr('add', [constant(1, d), applyExpr('abs', [v!], d, d)], d, d)], d, d))];
  }
  override grad([x]: readonly TensorVariable[], [g]: readonly TensorVariable[]): TensorVariable[] {
    return [g!.div(T.sqr(T.abs(x!).add(1)))];
  }
}

/** The lowest value of `dtype`: what a masked element of CumMax's reduction holds. */
function lowest(dtype: DType): number {
  if (isFloat(dtype)) return -Infinity;
  if (dtype === 'bool') return 0;
  return intRange(dtype)[0];
}

/** The running maximum along the last axis of a tensor of rank 1 or more, in its own dtype. */
export class CumMax extends sym.CustomOp {
  readonly name = 'CumMax';
  outputTypes(inputs: readonly TensorVariable[]): sym.TensorType[] {
    const [x] = inputs;
    if (inputs.length !== 1 || x!.ndim === 0) throw new TypeError(`CumMax: expected one tensor of rank 1 or more, got ${inputs.map((v) => `${v} of type ${v.type}`).join(', ') || 'no input'}`);
    return [x!.type];
  }
  inferShape(shapes: readonly sym.StaticShape[]): sym.StaticShape[] {
    return [shapes[0]!];
  }
  perform([x]: readonly NDArray[]): NDArray[] {
    const m = x!.shape[x!.ndim - 1]!;
    const out = fill(x!.shape, x!.dtype, (i) => x!.data[i]!);
    for (let i = 0; i < out.size; i++) {
      // Math.max keeps NaN, as NumPy's maximum does
      if (i % m !== 0) out.data[i] = castScalar(Math.max(out.data[i - 1]!, out.data[i]!), x!.dtype);
    }
    return [out];
  }
  lower(ctx: sym.LowerContext, [x]: readonly TensorView[]): TensorView[] {
    const v = x as sym.BufferView; // rank 1 or more: a buffer, never an inlined 0-d scalar
    const d = v.dtype;
    const r = v.shape.length;
    const m = v.shape[r - 1]!;
    if (v.shape.includes(0)) return [ctx.contiguous(v)];
    // x[..., k] read at [..., j, k]: a broadcast view, no copy
    const rows: TensorView = { ...v, shape: [...v.shape.slice(0, -1), 1, m], strides: [...v.strides.slice(0, -1), 0, v.strides[r - 1]!] };
    const k = ctx.range(m);
    const j: TensorView = { ...k, shape: [m, 1], strides: [1, 0] };
    return [
      ctx.reduce({
        inputs: [rows, j, k],
        shape: [...v.shape, m],
        axes: [r],
        reducer: 'max',
        acc: d,
        out: d,
        // out[..., j] = max over k of (k <= j ? x[..., k] : lowest)
        build: ([xv, jv, kv]) => applyExpr('switch', [applyExpr('le', [kv!, jv!], 'int32', 'bool'), xv!, constant(lowest(d), d)], d, d),
      }),
    ];
  }
  /** d out[..., j] / d x[..., k] = 1 where k <= j and x[..., k] is the maximum out[..., j] (every tied element, as Theano's max). */
  override grad([x]: readonly TensorVariable[], [g]: readonly TensorVariable[], [out]: readonly TensorVariable[]): TensorVariable[] {
    const r = x!.ndim;
    const lead = Array.from({ length: r - 1 }, (_, i) => i);
    const m = T.shapeI(x!, r - 1);
    const positions = T.arange(m);
    const upTo = T.le(positions.dimshuffle(['x', 0]), positions.dimshuffle([0, 'x'])); // [j, k]: k <= j
    const isMax = T.eq(x!.dimshuffle([...lead, 'x', r - 1]), out!.dimshuffle([...lead, r - 1, 'x'])); // [..., j, k]
    return [T.sum(g!.dimshuffle([...lead, r - 1, 'x']).mul(isMax.and(upTo)), { axis: r - 1 })];
  }
}

/** `softsign(x)`: the custom op applied to x. */
export const softsign = (x: sym.TensorLike): TensorVariable => new Softsign().apply(x);
/** `cummax(x)`: the running maximum along x's last axis. */
export const cummax = (x: sym.TensorLike): TensorVariable => new CumMax().apply(x);

function softsignCase(dtype: DType): OpCase {
  const a = T.tensor(dtype, [false, false], 'a');
  const b = T.tensor(dtype, [true, false], 'b');
  return {
    group: 'composite',
    name: `CustomOp ${dtype}: softsign of a, of a.T, and softsign(a + b) * 2 with a broadcasting row b`,
    op: 'composite',
    dtype,
    graph: {
      inputs: [a, b],
      outputs: [softsign(a), softsign(a.T), softsign(a.add(b)).mul(2)],
      labels: ['softsign(a)', 'softsign(a.T)', 'softsign(a + b) * 2'],
      values: (rng) => [randomArray(rng, dtype, [3, 5], 'small'), randomArray(rng, dtype, [1, 5], 'small')],
    },
  };
}

function cummaxCase(dtype: DType): OpCase {
  const v = T.tensor(dtype, [false], 'v');
  const a = T.tensor(dtype, [false, false], 'a');
  const c = T.tensor(dtype, [false, false, false], 'c');
  return {
    group: 'composite',
    name: `CustomOp ${dtype}: cummax of a vector (7), a matrix (4, 9), its transpose, a 3-d tensor (2, 3, 5), and in a graph`,
    op: 'max',
    dtype,
    graph: {
      inputs: [v, a, c],
      outputs: [cummax(v), cummax(a), cummax(a.T), cummax(c), cummax(cummax(a).sub(a))],
      labels: ['cummax(v)', 'cummax(a)', 'cummax(a.T)', 'cummax(c)', 'cummax(cummax(a) - a)'],
      values: (rng) => [randomArray(rng, dtype, [7], 'small'), randomArray(rng, dtype, [4, 9], 'small'), randomArray(rng, dtype, [2, 3, 5], 'small')],
    },
  };
}

export function customOpCases(dtypes: readonly DType[]): OpCase[] {
  return dtypes.flatMap((d) => [...(isFloat(d) ? [softsignCase(d)] : []), ...(d === 'bool' ? [] : [cummaxCase(d)])]);
}
