/**
 * Gathers fused with the work around them (@sym/opt inlines a gathering
 * kernel into its elementwise readers, into its reductions on a backend
 * whose `BackendInfo.gathers.inReductions` says so, and elementwise
 * producers into a gathering kernel's affine loads): the reader's kernel then holds
 * the gather, its index re-expressed over the reader's iteration space. So
 * a backend meets gathers deep in arithmetic, beside loads and other
 * gathers, with indices that read at broadcast (stride 0) and transposed
 * strides. Indices are negative too (counted from the end); the values
 * are of every dtype. Out-of-range indices after fusion are the
 * computed-indices cases' (`x.get(i + 1)` fuses the same way).
 */
import * as sym from '@sym/graph';
import type { DType, TensorVariable } from '@sym/graph';
import { array } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

const T = sym.T;

function fusedGathers(dtype: DType): OpCase {
  const W = T.tensor(dtype, [false, false], 'W');
  const w = T.tensor(dtype, [false], 'w');
  const v = T.tensor(dtype, [false, false], 'v');
  const u = T.tensor(dtype, [false, false], 'u');
  const z = T.tensor(dtype, [false, false, false], 'z');
  const idx = T.ivector('idx');
  const rows = T.take(W, idx, 0);
  const outs: [string, TensorVariable][] = [
    ['take(W, idx) * v (one kernel)', rows.mul(v)],
    ['maximum(take(W, idx) - v, W[0]) (a row broadcast beside the gather)', T.maximum(rows.sub(v), W.get(0))],
    ['take(W, idx).T * u (the gather read transposed)', rows.T.mul(u)],
    ['take(W, idx)[None] + z (the gather read broadcast)', rows.dimshuffle('x', 0, 1).add(z)],
    ['take(w, idx)[:, None] * v (a gathered vector broadcast over the columns)', T.take(w, idx, 0).dimshuffle(0, 'x').mul(v)],
    ['take(W, idx + 1) * 2 (the index computed in the kernel)', T.take(W, idx.add(1), 0).mul(2)],
    ['take(W, idx) * take(W[::-1], idx) (two gathers of one buffer)', rows.mul(T.take(W.get('::-1'), idx, 0))],
    ['sum(take(W, idx) * v, 1) (the gather in the reduction, where the backend renders it there)', T.sum(rows.mul(v), { axis: 1 })],
    ['sum(W[idx], 0) (the reduction over the gathered rows)', T.sum(W.get(idx), { axis: 0 })],
    ['max(W[idx + 1] * v, 1) (a max at a computed index)', T.max(W.get(idx.add(1)).mul(v), { axis: 1 })],
  ];
  return {
    group: 'indexing',
    name: `gathers fused with elementwise work ${dtype}: W (5, 3), w (5,), v (4, 3), u (3, 4), z (2, 4, 3), idx = [3, -1, 0, -5]`,
    // a sum of three products: a sum's tolerance
    op: 'sum',
    dtype,
    graph: {
      inputs: [W, w, v, u, z, idx],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [
        randomArray(rng, dtype, [5, 3], 'small'),
        randomArray(rng, dtype, [5], 'small'),
        randomArray(rng, dtype, [4, 3], 'small'),
        randomArray(rng, dtype, [3, 4], 'small'),
        randomArray(rng, dtype, [2, 4, 3], 'small'),
        // negative indices count from the end; idx + 1 is [4, 0, 1, -4], in range too
        array([3, -1, 0, -5], { dtype: 'int32' }),
      ],
    },
  };
}

/** For each dtype but bool (products of bools promote). */
export function gatherFusionCases(dtypes: readonly DType[]): OpCase[] {
  return dtypes.filter((d) => d !== 'bool').map(fusedGathers);
}
