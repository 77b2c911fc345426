/**
 * Small graphs of several ops: elementwise chains, reductions of
 * elementwise expressions and elementwise work on reductions, the
 * tutorial's logistic regression cost, and the expressions the optimizer
 * stabilises. With an optimizer installed these become fused kernels, so
 * a backend meets the kernels it will really run.
 */
import * as sym from '@sym/graph';
import type { DType, TensorVariable } from '@sym/graph';
import { isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray, type ValueRange } from '../rng.js';

const T = sym.T;

interface Composite {
  readonly what: string;
  /** Input shapes and value ranges. */
  readonly inputs: readonly (readonly [shape: readonly number[], range: ValueRange])[];
  readonly build: (...xs: TensorVariable[]) => [label: string, out: TensorVariable][];
  /** Long loops (thousands of elements per output): left out of the quick suite. */
  readonly long?: boolean;
  /** The op whose tolerance applies (`dot`, `sum`: sums of many terms may add in another order); `composite` by default. */
  readonly op?: string;
}

const FLOAT: readonly Composite[] = [
  {
    what: 'elementwise chain exp(2x + y) - tanh(x) / (1 + y²)',
    inputs: [[[3, 4], 'small'], [[3, 4], 'small']],
    build: (x, y) => [['chain', T.exp(x!.mul(2).add(y!)).sub(T.tanh(x!).div(y!.mul(y!).add(1)))]],
  },
  {
    what: 'broadcast chain on a transposed operand',
    inputs: [[[4, 3], 'small'], [[4], 'small']],
    build: (x, v) => [
      ['x.T * v - v', x!.T.mul(v!).sub(v!)],
      ['(x.T * v).sum(0)', x!.T.mul(v!).sum(0)],
    ],
  },
  {
    what: 'reductions of elementwise expressions',
    inputs: [[[3, 5], 'small'], [[3, 5], 'small']],
    build: (x, y) => [
      ['sum((x - y)², axis 1)', x!.sub(y!).pow(2).sum(1)],
      ['max(|x|, axis 0)', x!.abs().max(0)],
      ['mean(x * y)', x!.mul(y!).mean()],
    ],
  },
  {
    what: 'elementwise work on reductions',
    inputs: [[[3, 5], 'positive']],
    build: (x) => [
      ['x / x.sum(1, keepdims)', x!.div(x!.sum({ axis: 1, keepdims: true }))],
      ['x - x.mean(0, keepdims)', x!.sub(x!.mean({ axis: 0, keepdims: true }))],
      ['var(x, axis 0)', T.var_(x!, 0)],
      ['std(x, axis 1)', T.std(x!, 1)],
    ],
  },
  {
    what: 'elementwise work after a reduction, each value read once (reduction epilogues)',
    op: 'sum',
    inputs: [[[3, 5], 'small'], [[3], 'small'], [[5], 'positive'], [[3, 1], 'small']],
    build: (x, v, w, c) => [
      ['tanh(sum(x, axis 1) * 2 + v)', T.tanh(x!.sum(1).mul(2).add(v!))],
      ['log(w) - max(x, axis 0)', T.log(w!).sub(x!.max(0))],
      ['0.9 c + 0.1 sum(x, axis 1, keepdims)', c!.mul(0.9).add(x!.sum({ axis: 1, keepdims: true }).mul(0.1))],
      ['mean(x, axis 0) * w', x!.mean(0).mul(w!)],
      ['min(x, axis 1) > v', x!.min(1).gt(v!)],
    ],
  },
  {
    what: 'epilogues of long reductions (workgroup trees, split passes)',
    op: 'sum',
    long: true,
    inputs: [[[3, 700], 'small'], [[2, 5000], 'small'], [[3], 'small']],
    build: (x, y, v) => [
      ['sum(x, axis 1) * v + 1', x!.sum(1).mul(v!).add(1)],
      ['exp(max(y, axis 1)) - 1', T.exp(y!.max(1)).sub(1)],
      ['sum(y) / 5000', y!.sum().div(5000)],
    ],
  },
  {
    what: 'elementwise work after a product (matmul epilogues: gemm, bias and activation)',
    op: 'dot',
    inputs: [[[4, 6], 'small'], [[6, 5], 'small'], [[4, 5], 'small'], [[5], 'small'], [[2, 3, 6], 'small']],
    build: (a, b, c, v, x) => [
      ['dot(a, b) * 0.5 + 2c (gemm)', T.dot(a!, b!).mul(0.5).add(c!.mul(2))],
      ['relu(dot(a, b) + v)', T.relu(T.dot(a!, b!).add(v!))],
      ['tanh(dot(b.T, a.T)) - c.T', T.tanh(T.dot(b!.T, a!.T)).sub(c!.T)],
      ['sigmoid(dot(x, b)) batched', T.sigmoid(T.dot(x!, b!))],
    ],
  },
  {
    what: 'epilogues of long products (split and packed matmuls)',
    op: 'dot',
    long: true,
    inputs: [[[2, 5000], 'small'], [[5000, 3], 'small'], [[3], 'small'], [[64, 96], 'small'], [[96, 80], 'small']],
    build: (a, b, v, c, d) => [
      ['dot(a, b) * v - 1', T.dot(a!, b!).mul(v!).sub(1)],
      ['exp(dot(c, d) / 10)', T.exp(T.dot(c!, d!).div(10))],
    ],
  },
  {
    what: 'logistic regression cost (the tutorial)',
    inputs: [[[6, 4], 'unit'], [[6], 'unit'], [[4], 'unit'], [[], 'unit']],
    build: (x, y, w, b) => {
      const p = T.dot(x!, w!).neg().sub(b!).exp().add(1).pow(-1);
      const target = y!.gt(0).astype(p.dtype);
      const xent = target.neg().mul(T.log(p)).sub(target.neg().add(1).mul(T.log(p.neg().add(1))));
      return [
        ['p_1', p],
        ['cost', xent.mean().add(w!.pow(2).sum().mul(0.01))],
        ['prediction p > 0.5', p.gt(0.5)],
      ];
    },
  },
  {
    what: 'expressions the optimizer stabilises',
    inputs: [[[3, 4], 'small']],
    build: (x) => [
      ['log(softmax(x))', T.log(T.softmax(x!))],
      ['log(sigmoid(x))', T.log(T.sigmoid(x!))],
      ['log(1 - sigmoid(x))', T.log(T.sigmoid(x!).neg().add(1))],
      ['leaky relu switch(x > 0, x, 0.01 x)', T.switch_(x!.gt(0), x!, x!.mul(0.01))],
    ],
  },
  {
    what: 'an intermediate used by several outputs',
    inputs: [[[2, 3], 'small']],
    build: (x) => {
      const e = T.exp(x!);
      return [
        ['exp(x)', e],
        ['exp(x) * 2', e.mul(2)],
        ['sum(exp(x))', e.sum()],
      ];
    },
  },
  {
    // fused, each is one kernel nesting over a hundred levels deep (Tint and ANGLE stop parsing near 128-200), and
    // the squaring's kernel holds one subexpression object twice a level (rendered once per path, it doubles a level)
    what: 'deep recurrences: x = 0.9 x + 0.1 (100 steps), x = tanh(x w + 0.1) (60 steps), y = y² / 2 + 1/4 (40 steps)',
    inputs: [[[3, 4], 'small'], [[3, 4], 'small']],
    build: (x, w) => {
      let affine = x!;
      for (let i = 0; i < 100; i++) affine = affine.mul(0.9).add(0.1);
      let tanh = x!;
      for (let i = 0; i < 60; i++) tanh = T.tanh(tanh.mul(w!).add(0.1));
      let square = x!;
      for (let i = 0; i < 40; i++) square = square.mul(square).mul(0.5).add(0.25);
      return [
        ['x = 0.9 x + 0.1, 100 times', affine],
        ['x = tanh(x w + 0.1), 60 times', tanh],
        ['y = y² / 2 + 1/4, 40 times', square],
      ];
    },
  },
];

const INT: readonly Composite[] = [
  {
    what: 'integer chain (3a + b) // 2 % 5, max - min, switch(a > b, a, b)',
    inputs: [[[3, 4], 'small'], [[3, 4], 'small']],
    build: (a, b) => [
      ['(3a + b) // 2 % 5', a!.mul(3).add(b!).intDiv(2).mod(5)],
      ['maximum(a, b) - minimum(a, b)', a!.maximum(b!).sub(a!.minimum(b!))],
      ['switch(a > b, a, b)', T.switch_(a!.gt(b!), a!, b!)],
    ],
  },
  {
    what: 'integer epilogues: max(a, axis 1) * 3 - b, min(a, axis 0) // 2, dot(a.T, a) % 7',
    inputs: [[[3, 6], 'small'], [[3], 'small']],
    build: (a, b) => [
      ['max(a, axis 1) * 3 - b', a!.max(1).mul(3).sub(b!)],
      ['min(a, axis 0) // 2', a!.min(0).intDiv(2)],
      ['dot(a, a.T) % 7', T.dot(a!, a!.T).mod(7)],
    ],
  },
];

function compositeCase(dtype: DType, c: Composite): OpCase {
  const vars = c.inputs.map(([shape], i) => T.tensor(dtype, shape.map(() => false), `x${i}`));
  const outs = c.build(...vars);
  return {
    group: 'composite',
    name: `composite ${dtype}: ${c.what}`,
    op: c.op ?? 'composite',
    dtype,
    graph: {
      inputs: vars,
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => c.inputs.map(([shape, range]) => randomArray(rng, dtype, shape, range)),
    },
  };
}

export function compositeCases(dtypes: readonly DType[], quick = false): OpCase[] {
  return dtypes.flatMap((d) => (isFloat(d) ? FLOAT : d === 'bool' ? [] : INT).filter((c) => !(quick && c.long)).map((c) => compositeCase(d, c)));
}
