/**
 * Theano 1.0's `choose` and `extra_ops.ravel_multi_index`/`unravel_index`
 * (graph's tensor/choose-ravel.ts), in the `indexing` group: compositions
 * of a computed index's check, integer arithmetic and a gather, so every
 * backend runs the chain, the device flag of an index the kernels compute
 * (a + 1) included; and one call whose computed entry is out of range,
 * which must raise the reference's ValueError word for word.
 */
import * as sym from '@sym/graph';
import type { DType } from '@sym/graph';
import { array, fill } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

const T = sym.T;

function graphs(dtype: DType) {
  const a = T.tensor('int32', [false, false], 'a');
  const c0 = T.tensor(dtype, [false, false], 'c0');
  const c1 = T.tensor(dtype, [false], 'c1');
  const flat = T.tensor('int32', [false], 'flat');
  const choices = [c0, c1, T.mul(c1, 2)];
  const outs: [string, sym.TensorVariable][] = [
    ['choose(a, [c0, c1, 2 c1])', T.choose(a, choices)],
    ['choose(a + 1, [c0, c1, 2 c1])', T.choose(T.add(a, 1), choices)],
    ["choose(a * 3 - 2, [c0, c1, 2 c1], 'wrap')", T.choose(T.sub(T.mul(a, 3), 2), choices, 'wrap')],
    ["choose(a * 3 - 2, [c0, c1, 2 c1], 'clip')", T.choose(T.sub(T.mul(a, 3), 2), choices, 'clip')],
    ['ravelMultiIndex([a, a + 1], [2, 3]) * 1.0', T.cast(T.extraOps.ravelMultiIndex([a, T.add(a, 1)], [2, 3]), dtype)],
    ["ravelMultiIndex([a * 5, a - 4], [3, 4], ['wrap', 'clip'], 'F') * 1.0", T.cast(T.extraOps.ravelMultiIndex([T.mul(a, 5), T.sub(a, 4)], [3, 4], ['wrap', 'clip'], 'F'), dtype)],
    ...T.extraOps.unravelIndex(T.add(flat, 1), [3, 4]).map((v, k): [string, sym.TensorVariable] => [`unravelIndex(flat + 1, [3, 4])[${k}] * 1.0`, T.cast(v, dtype)]),
  ];
  return { a, c0, c1, flat, outs };
}

/** a in {0, 1}, so a + 1 is a choice and a coordinate; flat + 1 below 12. */
function inRange(dtype: DType): OpCase {
  const { a, c0, c1, flat, outs } = graphs(dtype);
  return {
    group: 'indexing',
    name: `choose, ravelMultiIndex, unravelIndex ${dtype}: (3, 4) choices, computed entries`,
    op: 'advanced_subtensor',
    dtype,
    graph: {
      inputs: [a, c0, c1, flat],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [fill([3, 4], 'int32', () => rng.int(0, 1)), randomArray(rng, dtype, [3, 4], 'small'), randomArray(rng, dtype, [4], 'small'), fill([5], 'int32', () => rng.int(0, 10))],
    },
  };
}

/** choose(a + 1) with an a of 2: the kernels compute entry 3, NumPy's ValueError. */
function outOfRange(dtype: DType): OpCase {
  const { a, c0, c1, outs } = graphs(dtype);
  return {
    group: 'indexing',
    name: `choose entry out of range ${dtype}: choose(a + 1, [c0, c1, 2 c1]), a[1, 2] = 2`,
    op: 'advanced_subtensor',
    dtype,
    graph: {
      inputs: [a, c0, c1],
      outputs: [outs[1]![1]],
      labels: [outs[1]![0]],
      raises: true as const,
      values: (rng) => [array([[0, 1, 0, 1], [1, 0, 2, 0], [0, 0, 0, 0]], { dtype: 'int32' }), randomArray(rng, dtype, [3, 4], 'small'), randomArray(rng, dtype, [4], 'small')],
    },
  };
}

/** The cases, for float32 (or the first float dtype a backend holds). */
export function theanoIndexCases(dtypes: readonly DType[]): OpCase[] {
  const d = dtypes.includes('float32') ? 'float32' : dtypes.find((t) => t.startsWith('float'));
  return d && dtypes.includes('int32') ? [inRange(d), outOfRange(d)] : [];
}
