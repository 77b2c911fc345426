/**
 * Integer indices the kernels compute (`x[i + 1]`, `x[argmax(s)]`, a scan
 * step's `x[t + 1]`, a scatter through `x[i + 1]`): in range, negatives in
 * [-n, 0) counting from the end, they read and write what NumPy does; out
 * of range, the call raises NumPy's IndexError with the reference's words
 * (the kernels would clamp; the function checks the index on the device).
 */
import * as sym from '@sym/graph';
import type { DType, TensorVariable } from '@sym/graph';
import { array } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray, type Rng } from '../rng.js';

const T = sym.T;

/** The graphs, over x (4,), s (2, 4), i (int32 vector) and n (the steps of a scan). */
function graphs(dtype: DType): { x: TensorVariable; s: TensorVariable; i: TensorVariable; n: TensorVariable; outs: [string, TensorVariable][] } {
  const x = T.tensor(dtype, [false], 'x');
  const s = T.tensor(dtype, [false, false], 's');
  const i = T.ivector('i');
  const n = T.iscalar('n');
  const [steps] = sym.scan((t: TensorVariable) => x.get(t.add(1)), { sequences: [T.arange(n)] }) as TensorVariable[];
  const outs: [string, TensorVariable][] = [
    ['x.get(i + 1)', x.get(i.add(1))],
    ['x.get(i - 2) (negatives count from the end)', x.get(i.sub(2))],
    ['x.get(argmax(s, 1) + i[0])', x.get(T.argmax(s, 1).add(i.get(0)))],
    ['incSubtensor(x.get(i + 1), 1)', T.incSubtensor(x.get(i.add(1)), T.constant(1, { dtype }))],
    ['scan: x.get(t + 1) for t in arange(n)', steps!],
  ];
  return { x, s, i, n, outs };
}

function inRange(dtype: DType): OpCase {
  const { x, s, i, n, outs } = graphs(dtype);
  return {
    group: 'indexing',
    name: `computed indices in range ${dtype}: x (4,), s (2, 4), i = [0, 2, -2], n = 3`,
    op: 'advanced_subtensor',
    dtype,
    graph: {
      inputs: [x, s, i, n],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [4], 'small'), randomArray(rng, dtype, [2, 4], 'small'), array([0, 2, -2], { dtype: 'int32' }), array(3, { dtype: 'int32' })],
    },
  };
}

/** One output past its axis per case: each must raise the reference's IndexError. */
function outOfRange(dtype: DType): OpCase[] {
  const { x, s, i, n, outs } = graphs(dtype);
  const bad: [number, number[], number][] = [
    [0, [0, 3], 3],
    [1, [0, -3], 3],
    [2, [4], 3],
    [3, [3, 0], 3],
    [4, [0], 4],
  ];
  return bad.map(([k, at, steps]) => {
    const out = outs[k]![1];
    // the inputs this output reads, in order (a function refuses one it does not need)
    const read = new Set(sym.toposort([out]).flatMap((node) => node.inputs));
    const inputs = [x, s, i, n].filter((v) => read.has(v));
    const all = (rng: Rng) => new Map([[x, randomArray(rng, dtype, [4], 'small')], [s, randomArray(rng, dtype, [2, 4], 'small')], [i, array(at, { dtype: 'int32' })], [n, array(steps, { dtype: 'int32' })]]);
    return {
      group: 'indexing' as const,
      name: `computed index out of range ${dtype}: ${outs[k]![0]}, i = ${JSON.stringify(at)}${inputs.includes(n) ? `, n = ${steps}` : ''}`,
      op: 'advanced_subtensor',
      dtype,
      graph: {
        inputs,
        outputs: [out],
        labels: [outs[k]![0]],
        raises: true as const,
        values: (rng: Rng) => {
          const v = all(rng);
          return inputs.map((u) => v.get(u)!);
        },
      },
    };
  });
}

/** The cases, for float32 (or the first dtype a backend holds): the index is what they test, not the values. */
export function computedIndexCases(dtypes: readonly DType[]): OpCase[] {
  const d = dtypes.includes('float32') ? 'float32' : dtypes.find((t) => t.startsWith('float'));
  return d ? [inRange(d), ...outOfRange(d)] : [];
}
