/**
 * Scans that end on a condition (`sym.until`): the loop runs on the host,
 * its step one program called once per step until the condition holds, and
 * the gradient's programs are made for the count that ran. And CTC
 * (`T.nnet.ctc`: a scan walking time backwards, a batched dot, labels
 * checked on the device) with its gradient, an impossible alignment giving
 * +inf and a zero gradient; a label or length out of range raises before
 * the call returns. These were the gpu.js and WebGPU packages' own
 * scan-until and ctc tests.
 */
import * as sym from '@sym/graph';
import type { NDArray, NestedArray, TensorVariable } from '@sym/graph';
import { array } from '@sym/graph';
import { grad } from '@sym/grad';
import type { OpCase } from '../case.js';

const T = sym.T;
type V = TensorVariable;
const f32 = (v: NestedArray): NDArray => array(v, { dtype: 'float32' });
const i32 = (v: NestedArray): NDArray => array(v, { dtype: 'int32' });

function untilCase(): OpCase {
  const maxValue = T.scalar('maxValue', 'float32');
  // Theano's doc example: powers of 2 until one passes maxValue
  const [powers] = sym.scan((previous: V, max: V): [V, sym.Until] => [previous.mul(2), sym.until(previous.mul(2).gt(max))], {
    outputsInfo: T.onesLike(maxValue),
    nonSequences: maxValue,
    nSteps: 64,
  });
  const a = T.scalar('a', 'float32');
  // sqrt(a) by Newton from 1 until |x^2 - a| < 1e-4
  const [xs] = sym.scan(
    (x: V, b: V): [V, sym.Until] => {
      const next = x.add(b.div(x)).mul(0.5);
      return [next, sym.until(T.lt(T.abs(next.mul(next).sub(b)), 1e-4))];
    },
    { outputsInfo: T.onesLike(a), nonSequences: a, nSteps: 20 },
  );
  const [g] = grad(T.sum(xs), [a]);
  const calls = [[45, 2], [1000, 9]].flatMap(([m, av]) => [0, 1].map(() => ({ values: [f32(m!), f32(av!)] })));
  return {
    group: 'scan',
    name: "scan until float32: Theano's powers of 2 up to maxValue and a Newton iteration with its gradient, (45, 2) and (1000, 9)",
    op: 'composite',
    dtype: 'float32',
    graph: {
      inputs: [maxValue, a],
      outputs: [powers!, xs!, g!],
      labels: ['powers of 2 until > maxValue', 'Newton steps for sqrt(a)', 'd sum(steps) / da'],
      values: () => calls[0]!.values,
      next: calls.slice(1),
    },
  };
}

/** scale * sin(0.37 (t + 1)(k + 1) + 1.7 b + 0.3 k^2), as in graph's nnet/ctc.test.ts (whose NumPy costs `CTC_COSTS` are). */
export function ctcActivations(steps: number, batch: number, alphabet: number, scale: number): NDArray {
  return f32(Array.from({ length: steps }, (_, t) => Array.from({ length: batch }, (_, b) => Array.from({ length: alphabet }, (_, k) => scale * Math.sin(0.37 * (t + 1) * (k + 1) + 1.7 * b + 0.3 * k * k)))));
}

/** The labels of the ctc case (-1 pads); the fourth, 12 labels with 11 repeats, cannot align in its 20 steps. */
export const CTC_LABELS = [
  [1, 2, 2, 3, 5, 5, 5, 4, 1, -1, -1, -1],
  [5, 4, 3, 2, 1, 2, 3, 4, 5, 1, 2, 3],
  [2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1],
  [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
];

/** NumPy's float64 costs of the ctc case's float32 activations (ctcActivations(30, 4, 6, 2)). */
export const CTC_COSTS = [33.80322650510411, 25.96127138348105, 16.10576835870344, Infinity];

function ctc(): { acts: V; labels: V; lens: V; cost: V } {
  const acts = T.ftensor3('acts');
  const labels = T.imatrix('labels');
  const lens = T.ivector('lens');
  return { acts, labels, lens, cost: T.nnet.ctc(acts, labels, lens) };
}

function ctcCase(): OpCase {
  const { acts, labels, lens, cost } = ctc();
  return {
    group: 'scan',
    name: 'ctc float32: 30 steps, 4 examples of 6 classes, and its gradient; the fourth cannot align (+inf, gradient 0)',
    // a sum over alignments: its log-sum-exps may add in another order (CPU and reference differ by 2.6e-6 in the gradient)
    op: 'sum',
    dtype: 'float32',
    graph: {
      inputs: [acts, labels, lens],
      outputs: [cost, grad(T.sum(cost), acts)],
      labels: ['ctc cost', 'its gradient by acts'],
      values: () => [ctcActivations(30, 4, 6, 2), i32(CTC_LABELS), i32([30, 25, 7, 20])],
    },
  };
}

function ctcRefusal(): OpCase {
  const { acts, labels, lens, cost } = ctc();
  const A = ctcActivations(3, 2, 4, 1);
  const good = i32([[1, 2], [3, -1]]);
  return {
    group: 'scan',
    name: 'ctc float32: a label or an input length out of range raises before the call returns',
    op: 'ctc',
    dtype: 'float32',
    graph: {
      inputs: [acts, labels, lens],
      outputs: [cost],
      labels: ['ctc cost'],
      values: () => [A, good, i32([3, 2])],
      // labels computed on the device would be packed and checked by a flag kernel, read before anything is returned
      next: [
        { values: [A, i32([[1, 7], [3, -1]]), i32([3, 2])], raises: 'ctc: label 7 (labels[0, 1]) is outside [1, 4)' },
        { values: [A, good, i32([3, 9])], raises: 'ctc: input length 9 (lens[1]) is outside [0, 3]' },
      ],
    },
  };
}

/** The cases, for a backend holding float32 and int32 (and int64 for the count of steps an until loop ran, read back). */
export function scanUntilCases(dtypes: readonly string[]): OpCase[] {
  if (!dtypes.includes('float32') || !dtypes.includes('int32')) return [];
  return [...(dtypes.includes('int64') ? [untilCase()] : []), ctcCase(), ctcRefusal()];
}
