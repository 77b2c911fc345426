/**
 * Loops: `sym.scan` unrolls into the kernels a backend already runs (views
 * of each step, the step's own kernels, and stacking kernels gathering the
 * steps), so these cases check that a backend runs long programs of them
 * right. The Scan op is also built directly with the options its gradient
 * uses: walking time backwards, keeping only the last state, and padding a
 * per-step output to a longer sequence.
 */
import * as sym from '@sym/graph';
import type { DType, TensorVariable } from '@sym/graph';
import { TensorType, TensorVariable as Var, applyNode, array, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

const T = sym.T;
type V = TensorVariable;

function rnn(dtype: DType, steps: number): OpCase {
  const X = T.tensor(dtype, [false, false], 'X');
  const h0 = T.tensor(dtype, [false], 'h0');
  const W = T.tensor(dtype, [false, false], 'W');
  const U = T.tensor(dtype, [false, false], 'U');
  // W and U are read by closure: they become non-sequences of their own
  const [hs] = sym.scan((x: V, h: V) => T.tanh(T.dot(h, W).add(T.dot(x, U))), { sequences: X, outputsInfo: h0 });
  return {
    group: 'scan',
    name: `rnn ${dtype}: ${steps} steps, h = tanh(h W + x U)`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [X, h0, W, U],
      outputs: [hs, hs.get(-1)],
      labels: ['every state', 'the last state'],
      values: (rng) => [randomArray(rng, dtype, [steps, 3]), randomArray(rng, dtype, [4]), randomArray(rng, dtype, [4, 4]), randomArray(rng, dtype, [3, 4])],
    },
  };
}

function power(dtype: DType): OpCase {
  const A = T.tensor(dtype, [false], 'A');
  const k = T.iscalar('k');
  const [p] = sym.scan((prior: V, a: V) => prior.mul(a), { outputsInfo: T.onesLike(A), nonSequences: A, nSteps: k.add(1) });
  return {
    group: 'scan',
    name: `A ** (k + 1) ${dtype}: n_steps from an input`,
    op: 'mul',
    dtype,
    graph: {
      inputs: [A, k],
      outputs: [p, p.get(-1)],
      labels: ['every power', 'the last power'],
      values: (rng) => [randomArray(rng, dtype, [5], 'factor'), array(3, { dtype: 'int32' })],
    },
  };
}

function mixed(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false], 'x');
  const a0 = T.tensor(dtype, [], 'a0');
  const b0 = T.tensor(dtype, [], 'b0');
  const [[a, b, ab]] = sym.scan((xt: V, a: V, b: V) => [a.add(b.mul(xt)), b.mul(0.5).add(xt), a.mul(b)], {
    sequences: x,
    outputsInfo: [a0, b0, null],
    goBackwards: true,
    nSteps: 6,
  });
  return {
    group: 'scan',
    name: `two states and an output not fed back ${dtype}: backwards, 6 of 9 steps`,
    op: 'composite',
    dtype,
    graph: {
      inputs: [x, a0, b0],
      outputs: [a!, b!, ab!],
      labels: ['a', 'b', 'a * b'],
      values: (rng) => [randomArray(rng, dtype, [9], 'factor'), randomArray(rng, dtype, []), randomArray(rng, dtype, [])],
    },
  };
}

/** The options the gradient's scans use: reverse time, keep the last state only, pad a per-step output. */
function gradientShaped(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const c0 = T.tensor(dtype, [false], 'c0');
  const xt = new Var(new TensorType(dtype, [false]), { name: 'x[t]' });
  const c = new Var(new TensorType(dtype, [false]), { name: 'c' });
  const total = new Var(new TensorType(dtype, [false]), { name: 'total' });
  const op = new sym.Scan(
    { sequences: [xt], states: [c, total], nonSequences: [], outputs: [c.mul(0.5).add(xt), total.add(c), xt.mul(c)] },
    { keep: ['last', 'all'], reverse: true, padTo: [0], hasNSteps: true },
  );
  const [last, all, perStep] = applyNode(op, [x, c0, c0, T.constant(5, { dtype: 'int64' })]).outputs;
  return {
    group: 'scan',
    name: `reverse scan ${dtype}: 5 of 7 steps, last and all states, padded output`,
    op: 'composite',
    dtype,
    graph: {
      inputs: [x, c0],
      outputs: [last!, all!, perStep!],
      labels: ['last state', 'every state', 'per-step output padded to 7'],
      values: (rng) => [randomArray(rng, dtype, [7, 3], 'factor'), randomArray(rng, dtype, [3])],
    },
  };
}

function counting(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false], 'x');
  const [sums] = sym.scan((xt: V, acc: V) => acc.add(xt), { sequences: x, outputsInfo: T.constant(0, { dtype }) });
  return {
    group: 'scan',
    name: `cumulative sum ${dtype}: 20 steps (two stacking levels)`,
    op: 'sum',
    dtype,
    graph: { inputs: [x], outputs: [sums], labels: ['cumulative sums'], values: (rng) => [randomArray(rng, dtype, [20])] },
  };
}

function noSteps(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const h0 = T.tensor(dtype, [false], 'h0');
  const [hs] = sym.scan((xt: V, h: V) => h.add(xt), { sequences: x, outputsInfo: h0 });
  return {
    group: 'scan',
    name: `no steps ${dtype}: an empty sequence`,
    op: 'add',
    dtype,
    graph: { inputs: [x, h0], outputs: [hs], labels: ['states (0, 3)'], values: (rng) => [randomArray(rng, dtype, [0, 3]), randomArray(rng, dtype, [3])] },
  };
}

/**
 * A loop that ends on a condition (`sym.until`): running sums of squares
 * until one exceeds a threshold, at most 10 of the 12 elements, with a
 * state of two dimensions' worth of rows and an output not fed back. The
 * loop runs its bound in a program; the count is read back, and a second
 * program takes the rows that ran.
 */
function until(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false], 'x');
  const limit = T.tensor(dtype, [], 'limit');
  const v0 = T.tensor(dtype, [false], 'v0');
  const [[sums, scaled, doubled]] = sym.scan(
    (xt: V, total: V, v: V, lim: V): [V, V, V, sym.Until] => {
      const next = total.add(xt.mul(xt));
      return [next, v.mul(xt), xt.mul(2), sym.until(next.gt(lim))];
    },
    { sequences: x, outputsInfo: [T.constant(0, { dtype }), v0, null], nonSequences: limit, nSteps: 10 },
  );
  return {
    group: 'scan',
    name: `until ${dtype}: sums of squares until one exceeds a limit, at most 10 steps`,
    op: 'composite',
    dtype,
    graph: {
      inputs: [x, limit, v0],
      outputs: [sums!, scaled!, doubled!],
      labels: ['sums (the steps that ran)', 'a vector state', 'an output not fed back'],
      values: (rng) => [randomArray(rng, dtype, [12]), array(1, { dtype }), randomArray(rng, dtype, [3])],
    },
  };
}

/**
 * Theano's CTC loss (`T.nnet.ctc`): a log-softmax, a batched dot gathering
 * each label's log-probabilities, and a scan walking time backwards whose
 * step reads its state through windows. Rows: repeated labels, padding
 * inside the row, the empty sequence, and one no alignment fits (+inf).
 */
function ctc(dtype: DType): OpCase {
  const acts = T.tensor(dtype, [false, false, false], 'acts');
  const labels = T.imatrix('labels');
  const lens = T.ivector('lens');
  return {
    group: 'scan',
    name: `ctc ${dtype}: 7 steps, 4 examples, 5 symbols`,
    op: 'composite',
    dtype,
    graph: {
      inputs: [acts, labels, lens],
      outputs: [T.nnet.ctc(acts, labels, lens)],
      labels: ['costs'],
      values: (rng) => [
        randomArray(rng, dtype, [7, 4, 5]),
        array([[1, 2, 2, -1], [3, -1, 1, -1], [-1, -1, -1, -1], [4, 4, 4, 4]], { dtype: 'int32' }),
        array([7, 4, 2, 6], { dtype: 'int32' }),
      ],
    },
  };
}

export function scanCases(dtypes: readonly DType[]): OpCase[] {
  const floats = dtypes.filter((d) => isFloat(d) && d !== 'float16');
  const ints = dtypes.filter((d) => d === 'int32');
  return [
    ...floats.flatMap((d) => [rnn(d, 5), rnn(d, 12), power(d), mixed(d), gradientShaped(d), noSteps(d), ctc(d)]),
    ...[...floats, ...ints].map((d) => counting(d)),
    // the count of steps that ran is an int64 read back
    ...(dtypes.includes('int64') ? floats.map((d) => until(d)) : []),
  ];
}
