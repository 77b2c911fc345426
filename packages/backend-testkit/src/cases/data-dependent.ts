/**
 * Results whose shapes depend on values (in the `indexing` group): nonzero,
 * flatnonzero, nonzeroValues, boolean masks, bincount, compress and unique.
 * Their functions run in host stages (a program, a readback, the host op's
 * `perform`, the next program), so a backend runs them with the kernels it
 * has; the expected values are the ops' `perform`, written out against
 * NumPy in @sym/graph's data-dependent.test.ts. Inputs are computed (so
 * that a program and a readback precede the host op) and given directly
 * (no program before it).
 */
import * as sym from '@sym/graph';
import type { DType, TensorVariable } from '@sym/graph';
import { array, fill, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

const T = sym.T;

function positions(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false, false], 'x');
  const big = T.gt(x, 0);
  const outs: [string, TensorVariable][] = [
    ...T.nonzero(x).map((v, d): [string, TensorVariable] => [`nonzero(x)[${d}] (an input: no program before it)`, v]),
    ['nonzero(x > 0, returnMatrix)', T.nonzero(big, true)],
    ['flatnonzero(x > 0)', T.flatnonzero(big)],
    ['nonzeroValues(x)', T.nonzeroValues(x)],
    ['x.get(x > 0)', x.get(big)],
    ['x.get(sum(x > 0, axis 2) > 1) (leading axes)', x.get(T.gt(T.sum(big, { axis: 2 }), 1))],
  ];
  return {
    group: 'indexing',
    name: `nonzero and boolean masks ${dtype}: x (3, 4, 2)`,
    op: 'nonzero',
    dtype,
    graph: {
      inputs: [x],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      // a third of the elements zero, so that nonzero has something to skip
      values: (rng) => {
        const r = randomArray(rng, dtype, [3, 4, 2], 'full');
        return [fill(r.shape, dtype, (i) => (i % 3 === 1 ? 0 : r.data[i]!))];
      },
    },
  };
}

function counts(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false], 'x');
  const w = T.vector('w', 'float32');
  const c = T.vector('c', 'bool');
  const m = T.tensor(dtype, [false, false], 'm');
  const outs: [string, TensorVariable][] = [
    ['bincount(x)', T.bincount(x)],
    ['bincount(x + 1, w, 9) (computed)', T.bincount(T.add(x, 1), w, 9)],
    ['compress(c, m, 1)', T.extraOps.compress(c, m, 1)],
    ['compress(c, m) (flattened)', T.extraOps.compress(c, m)],
    ['compress(x > 2, m.T, 0)', T.extraOps.compress(T.gt(x, 2).get('0:3'), m.T, 0)],
    ...(T.unique(x, true, true, true) as TensorVariable[]).map((v, i): [string, TensorVariable] => [`unique(x, all)[${i}]`, v]),
    ['unique(m * 2)', T.unique(T.mul(m, 2)) as TensorVariable],
    ...(T.unique(T.mul(m, 2), true, true, true, 1) as TensorVariable[]).map((v, i): [string, TensorVariable] => [`unique(m * 2, all, axis 1)[${i}]`, v]),
  ];
  return {
    group: 'indexing',
    name: `bincount, compress and unique ${dtype}: x (7,) in [0, 5), m (3, 4)`,
    op: 'bincount',
    dtype,
    graph: {
      inputs: [x, w, c, m],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [
        fill([7], dtype, () => Math.floor(rng.next() * 5)),
        randomArray(rng, 'float32', [7]),
        array([true, false, true], { dtype: 'bool' }),
        fill([3, 4], dtype, () => Math.floor(rng.next() * 4)),
      ],
    },
  };
}

/** The cases for a backend holding `dtypes` (int64 indices are needed). */
export function dataDependentCases(dtypes: readonly DType[]): OpCase[] {
  if (!dtypes.includes('int64') || !dtypes.includes('float32')) return [];
  const out: OpCase[] = [];
  // int16, not int32: gpu.js holds integers in float32 textures and runs no case named for a wide integer dtype
  for (const d of ['float32', 'int16'] as const) {
    if (!dtypes.includes(d)) continue;
    out.push(positions(d));
    if (!isFloat(d)) out.push(counts(d));
  }
  return out;
}
