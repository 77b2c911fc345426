/**
 * Sorting: sort, argsort and topk (largest first, and with a negative k
 * the smallest first, with their indices) along each axis, flattened and
 * through a transpose, over lengths 1, 2, 5, 8 and 33 along the axis (not
 * powers of two: the padding of the bitonic network) and 1000 (ten rounds
 * of merges), several rows each. Values are drawn with many ties, so that
 * the stable order (ties in input order) is checked, and float cases hold
 * NaN, infinities and signed zeros; empty lines, and no lines, in float32
 * and int32. Data movement only: exact. Each case comes twice: the
 * values, and the (int64) indices. A backend with sort kernels
 * (`BackendInfo.kernels`) runs them through those, the others through the
 * network of elementwise kernels.
 */
import * as sym from '@sym/graph';
import type { DType, NDArray, TensorVariable } from '@sym/graph';
import { fill, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomScalar, type Rng } from '../rng.js';

const T = sym.T;

/** The lengths along the sorted axis, each in a matrix of `ROWS` rows. */
const LENGTHS = [1, 2, 5, 8, 33] as const;
/** The lengths of the other dtypes, and of the special values. */
const SHORT = [2, 5] as const;
const SPECIAL = [12] as const;
const ROWS = 3;
/** The long case, in float32 and float64: 55 passes of the network. */
const LONG: readonly [number, number] = [4, 1000];

/** Half-integers in [-3, 3] for floats (ties), small integers otherwise; NaN, infinities and -0 among them with `specials`. */
function tiedArray(rng: Rng, dtype: DType, shape: readonly number[], specials: boolean): NDArray {
  const specialValues = [NaN, Infinity, -Infinity, -0, 0];
  return fill(shape, dtype, () => {
    if (!isFloat(dtype)) return randomScalar(rng, dtype, 'small');
    if (specials && rng.next() < 0.25) return specialValues[rng.int(0, specialValues.length - 1)]!;
    return rng.int(-6, 6) / 2;
  });
}

type Part = 'values' | 'indices';
type Output = readonly [label: string, output: TensorVariable, part: Part];

/**
 * The values (x's dtype, from ops that return nothing else) and the int64
 * indices, topkAndArgtopk's values with them: its node holds int64 too.
 */
function outputsOf(x: TensorVariable, n: number, name: string): Output[] {
  const k = Math.ceil(n / 2);
  const small = -Math.min(2, n);
  const [values, indices] = T.topkAndArgtopk(x, k);
  return [
    [`sort(${name})`, T.sort(x), 'values'],
    [`topk(${name}, ${k})`, T.topk(x, k), 'values'],
    [`topk(${name}, ${small}) (the smallest)`, T.topk(x, small), 'values'],
    [`argsort(${name})`, T.argsort(x), 'indices'],
    [`topkAndArgtopk(${name}, ${k})[0]`, values, 'indices'],
    [`topkAndArgtopk(${name}, ${k})[1]`, indices, 'indices'],
    [`argtopk(${name}, ${small})`, T.argtopk(x, small), 'indices'],
    [`argsort(${name}, 0) (${ROWS} long)`, T.argsort(x, 0), 'indices'],
  ];
}

/**
 * A case's outputs as two cases, the values and the indices, so that a
 * backend holding x's dtype but not int64 (gpu.js's browser subset) still
 * runs the values.
 */
function valuesAndIndices(name: (part: Part) => string, dtype: DType, inputs: TensorVariable[], outs: readonly Output[], values: (rng: Rng) => NDArray[]): OpCase[] {
  return (['values', 'indices'] as const).map((part) => {
    const mine = outs.filter((o) => o[2] === part);
    return {
      group: 'sort',
      name: name(part),
      op: 'sort',
      dtype,
      graph: { inputs, outputs: mine.map((o) => o[1]), labels: mine.map((o) => o[0]), values },
    };
  });
}

/** Every length in one function, one input each; the lengths' names show in the labels. */
function lengthsCases(dtype: DType, lengths: readonly number[], specials: boolean): OpCase[] {
  const inputs = lengths.map((n) => T.tensor(dtype, [false, false], `x${n}`));
  const outs = inputs.flatMap((x, i) => outputsOf(x, lengths[i]!, x.name!));
  // a transposed view and the flattened array, on the longest input
  const xl = inputs[lengths.length - 1]!;
  outs.push([`sort(${xl.name}.T, 0) (a strided view)`, T.sort(xl.T, 0), 'values'], [`argsort(${xl.name}, null) (flattened)`, T.argsort(xl, null), 'indices']);
  const name = (part: Part) => `sort ${dtype} ${part}${specials ? ' with NaN, infinities and signed zeros' : ''}: (${ROWS}, n) for n in ${lengths.join(', ')}`;
  return valuesAndIndices(name, dtype, inputs, outs, (rng) => lengths.map((n) => tiedArray(rng, dtype, [ROWS, n], specials)));
}

/** Empty lines and no lines: (3, 0) sorted along either axis, (0, 4) along its rows. */
function emptyCases(dtype: DType): OpCase[] {
  const x = T.tensor(dtype, [false, false], 'x');
  const y = T.tensor(dtype, [false, false], 'y');
  const [values, indices] = T.topkAndArgtopk(y, 2);
  const outs: Output[] = [
    ['sort(x (3, 0))', T.sort(x), 'values'],
    ['sort(x (3, 0), 0)', T.sort(x, 0), 'values'],
    ['topk(y (0, 4), 2)', T.topk(y, 2), 'values'],
    ['argsort(x (3, 0))', T.argsort(x), 'indices'],
    ['argsort(x (3, 0), 0)', T.argsort(x, 0), 'indices'],
    ['argsort(y (0, 4))', T.argsort(y), 'indices'],
    ['topkAndArgtopk(y (0, 4), 2)[0]', values, 'indices'],
    ['topkAndArgtopk(y (0, 4), 2)[1]', indices, 'indices'],
  ];
  return valuesAndIndices((part) => `sort ${dtype} ${part}: empty lines (3, 0) and no lines (0, 4)`, dtype, [x, y], outs, (rng) => [tiedArray(rng, dtype, [3, 0], false), tiedArray(rng, dtype, [0, 4], false)]);
}

function longCases(dtype: DType): OpCase[] {
  const x = T.tensor(dtype, [false, false], 'x');
  // the smallest: the passes of sort and argsort (a GPU compiles them once), a shorter last one
  const [values, indices] = T.topkAndArgtopk(x, -10);
  const outs: Output[] = [
    ['sort(x)', T.sort(x), 'values'],
    ['topk(x, -10)', T.topk(x, -10), 'values'],
    ['argsort(x)', T.argsort(x), 'indices'],
    ['topkAndArgtopk(x, -10)[0]', values, 'indices'],
    ['topkAndArgtopk(x, -10)[1]', indices, 'indices'],
  ];
  return valuesAndIndices((part) => `sort ${dtype} ${part}: (${LONG.join(', ')}), with ties`, dtype, [x], outs, (rng) => [tiedArray(rng, dtype, LONG, true)]);
}

/**
 * The cases for a backend holding `dtypes`. Every pass is a kernel of its
 * own shape (a GPU compiles each once), so the lengths are spread: every
 * length for float32, float64 and int32, two (one padded) for the other
 * dtypes; floats once more with special values; the long axis in float32
 * and float64, but for the `quick` suite (an interpreter takes seconds).
 */
export function sortCases(dtypes: readonly DType[], quick: boolean): OpCase[] {
  const cases = dtypes.flatMap((d) => {
    const all = d === 'float32' || d === 'float64' || d === 'int32';
    const plain = [...lengthsCases(d, all ? LENGTHS : SHORT, false), ...(d === 'float32' || d === 'int32' ? emptyCases(d) : [])];
    return isFloat(d) ? [...plain, ...lengthsCases(d, SPECIAL, true)] : plain;
  });
  if (!quick) for (const d of ['float32', 'float64'] as const) if (dtypes.includes(d)) cases.push(...longCases(d));
  return cases;
}
