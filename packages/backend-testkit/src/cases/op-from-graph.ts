/**
 * `sym.opFromGraph` composites, in the `composite` group: each graph is
 * built once with `inline: true` (the optimizer inlines it, so its kernels
 * fuse with their neighbours) and once with `inline: false` (the node's
 * `lower` lowers the inner graph's nodes in place). The op is applied to
 * two different inputs in one graph, nested in another, and given a
 * broadcasting input, so a backend runs every way the inner graph reaches
 * its kernels.
 */
import * as sym from '@sym/graph';
import type { DType, TensorVariable } from '@sym/graph';
import { isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

const T = sym.T;

/** log(sum(exp(x), axis 1)), written the stable way; and a second output, softmax. */
function logSumExp(dtype: DType, inline: boolean): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const m = x.max({ axis: 1, keepdims: true });
  const shifted = T.exp(x.sub(m));
  const total = shifted.sum({ axis: 1, keepdims: true });
  const lse = sym.opFromGraph([x], [T.log(total).add(m).flatten(), shifted.div(total)], { name: 'lse', inline });
  const a = T.tensor(dtype, [false, false], 'a');
  const b = T.tensor(dtype, [false, false], 'b');
  const [la, pa] = lse(a) as [TensorVariable, TensorVariable];
  // the same op on another input: b.T, a transposed view
  const [lb] = lse(b.T) as [TensorVariable, TensorVariable];
  return {
    group: 'composite',
    name: `opFromGraph ${dtype}: log-sum-exp and softmax of rows, applied to a and b.T (inline: ${inline})`,
    op: 'composite',
    dtype,
    graph: {
      inputs: [a, b],
      outputs: [la, pa, lb.mul(2).sub(la.sum())],
      labels: ['lse(a)', 'softmax(a)', '2 lse(b.T) - sum(lse(a))'],
      values: (rng) => [randomArray(rng, dtype, [3, 5], 'small'), randomArray(rng, dtype, [5, 4], 'small')],
    },
  };
}

/** An opFromGraph inside another, with a broadcasting row input: tanh(x W + r) * 2, then summed against x. */
function nested(dtype: DType, inline: boolean): OpCase {
  const [h, r] = [T.tensor(dtype, [false, false], 'h'), T.tensor(dtype, [true, false], 'r')];
  const act = sym.opFromGraph([h, r], T.tanh(h.add(r)).mul(2), { name: 'act', inline });
  const [x, W, rr] = [T.tensor(dtype, [false, false], 'x'), T.tensor(dtype, [false, false], 'W'), T.tensor(dtype, [true, false], 'rr')];
  const layer = sym.opFromGraph([x, W, rr], act(T.dot(x, W), rr).mul(x.sum({ axis: 1, keepdims: true })), { name: 'layer', inline });
  const [a, w, bias] = [T.tensor(dtype, [false, false], 'a'), T.tensor(dtype, [false, false], 'w'), T.tensor(dtype, [true, false], 'bias')];
  return {
    group: 'composite',
    name: `opFromGraph ${dtype}: nested, tanh(a w + bias) * 2 * rowsum(a) with a broadcasting bias (inline: ${inline})`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [a, w, bias],
      outputs: [layer(a, w, bias)],
      labels: ['layer(a, w, bias)'],
      values: (rng) => [randomArray(rng, dtype, [4, 3], 'small'), randomArray(rng, dtype, [3, 5], 'small'), randomArray(rng, dtype, [1, 5], 'small')],
    },
  };
}

/** Integer arithmetic in an opFromGraph: (x * 3) // 2 + y % 5, with y broadcast from a vector. */
function integer(dtype: DType, inline: boolean): OpCase {
  const [x, y] = [T.tensor(dtype, [false, false], 'x'), T.tensor(dtype, [false], 'y')];
  const f = sym.opFromGraph([x, y], x.mul(3).intDiv(2).add(y.mod(5)), { name: 'intmix', inline });
  const [a, b] = [T.tensor(dtype, [false, false], 'a'), T.tensor(dtype, [false], 'b')];
  return {
    group: 'composite',
    name: `opFromGraph ${dtype}: (a * 3) // 2 + b % 5 (inline: ${inline})`,
    op: 'composite',
    dtype,
    graph: {
      inputs: [a, b],
      outputs: [f(a, b)],
      labels: ['intmix(a, b)'],
      values: (rng) => [randomArray(rng, dtype, [2, 3], 'small'), randomArray(rng, dtype, [3], 'positive')],
    },
  };
}

export function opFromGraphCases(dtypes: readonly DType[]): OpCase[] {
  return dtypes.flatMap((d) =>
    [true, false].flatMap((inline) => (isFloat(d) ? [logSumExp(d, inline), nested(d, inline)] : d === 'bool' ? [] : [integer(d, inline)])),
  );
}
