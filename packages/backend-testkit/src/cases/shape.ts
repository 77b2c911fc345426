/**
 * Data movement (dimshuffle, transpose, reshape, flatten: views and the
 * copies they force), softmax, and casts between every pair of dtypes.
 */
import * as sym from '@sym/graph';
import type { DType, NDArray, TensorVariable } from '@sym/graph';
import { array, fill, intRange, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray, type Rng } from '../rng.js';
import { specialValues } from './special.js';

function shapeCase(dtype: DType): OpCase {
  const x = sym.T.tensor(dtype, [false, false, false], 'x');
  const v = sym.T.tensor(dtype, [false], 'v');
  const outs: [string, TensorVariable][] = [
    ['x.dimshuffle(2, 0, 1)', x.dimshuffle(2, 0, 1)],
    ["x.dimshuffle(1, 'x', 0, 2)", x.dimshuffle(1, 'x', 0, 2)],
    ['x.T', x.T],
    ['x.transpose([0, 2, 1])', x.transpose([0, 2, 1])],
    ['x.reshape([6, 4])', x.reshape([6, 4])],
    ['x.reshape([4, -1])', x.reshape([4, -1])],
    ['x.flatten()', x.flatten()],
    ['x.flatten(2)', x.flatten(2)],
    ['x.T.reshape([4, 6]) (copy of a view)', x.T.reshape([4, 6])],
    ['x.dimshuffle(2, 0, 1).flatten()', x.dimshuffle(2, 0, 1).flatten()],
    ["v.dimshuffle('x', 0, 'x')", v.dimshuffle('x', 0, 'x')],
    ['second(x.dimshuffle(1, 2, 0).reshape([3, 8]), v.reshape([3, 1]))', sym.T.second(x.dimshuffle(1, 2, 0).reshape([3, 8]), v.reshape([3, 1]))],
  ];
  return {
    group: 'shape',
    name: `dimshuffle/transpose/reshape/flatten ${dtype}: x (2, 3, 4), v (3,)`,
    op: 'dimshuffle',
    dtype,
    graph: {
      inputs: [x, v],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [2, 3, 4], 'full'), randomArray(rng, dtype, [3], 'full')],
    },
  };
}

interface SoftmaxLayout {
  readonly what: string;
  readonly shape: readonly number[];
  readonly transposed?: boolean;
  readonly values?: (dtype: DType) => NDArray;
}

const SOFTMAX: readonly SoftmaxLayout[] = [
  { what: 'vector (5,)', shape: [5] },
  { what: 'matrix (3, 5)', shape: [3, 5] },
  { what: 'transposed matrix (5, 3).T', shape: [5, 3], transposed: true },
  { what: 'rows of one element (4, 1)', shape: [4, 1] },
  {
    what: 'large and infinite logits (3, 3)',
    shape: [3, 3],
    values: (d) =>
      array(
        [
          [1000, 1000, -1000],
          [-Infinity, 0, 1],
          [80, 81, 82],
        ],
        { dtype: d },
      ),
  },
];

function softmaxCase(dtype: DType, layout: SoftmaxLayout): OpCase {
  const x = sym.T.tensor(dtype, layout.shape.map(() => false), 'x');
  const out = sym.T.softmax(layout.transposed ? x.T : x);
  return {
    group: 'softmax',
    name: `softmax ${dtype}: ${layout.what} -> ${out.dtype}`,
    op: 'softmax',
    dtype,
    graph: {
      inputs: [x],
      outputs: [out],
      values: (rng) => [layout.values ? layout.values(dtype) : randomArray(rng, dtype, layout.shape, 'small')],
    },
  };
}

/**
 * Values to cast from `from` to `to`: NumPy defines float-to-integer casts
 * only for values the integer dtype can hold (after truncation toward
 * zero), so those stay in range; integer narrowing wraps and is covered in
 * full.
 */
function castValues(rng: Rng, from: DType, to: DType): NDArray {
  if (isFloat(from) && !isFloat(to)) {
    const [lo, hi] = intRange(to);
    const a = Math.max(lo, -1000);
    const b = Math.min(hi, 1000);
    const fixed = [0, -0, 0.5, -0.5, 0.99, -0.99, 2.5, -2.5, 7.9, -7.9, lo, hi].filter((v) => v > lo - 1 && v < hi + 1 && Math.abs(v) <= 1000);
    const random = Array.from({ length: 12 }, () => rng.uniform(a, b));
    const values = [...fixed, ...random];
    return fill([values.length], from, (i) => values[i]!);
  }
  const specials = specialValues(from, true);
  const random = randomArray(rng, from, [12], 'full');
  const values = [...specials, ...random.data];
  return fill([values.length], from, (i) => values[i]!);
}

function castCase(from: DType, to: DType): OpCase {
  const x = sym.T.tensor(from, [false], 'x');
  return {
    group: 'cast',
    name: `cast ${from} -> ${to}`,
    op: 'cast',
    dtype: to,
    graph: { inputs: [x], outputs: [sym.T.cast(x, to)], values: (rng) => [castValues(rng, from, to)] },
  };
}

/** Shapes given by lengths: alloc/zeros of symbolic lengths, arange of symbolic bounds (their values known when the program is made). */
function allocCase(dtype: DType): OpCase {
  const v = sym.T.tensor(dtype, [false], 'v');
  const x = sym.T.tensor(dtype, [false, false], 'x');
  const n = sym.T.iscalar('n');
  const outs: [string, TensorVariable][] = [
    ['alloc(v, x.shape[0], 3)', sym.T.alloc(v, x.shape[0]!, 3)],
    ['zeros([n, x.shape[1]]) + x[0]', sym.T.zeros([n, x.shape[1]!], dtype).add(x.get(0))],
    ['arange(1, n + 3, 2)', sym.T.arange(1, n.add(3), 2)],
  ];
  return {
    group: 'shape',
    name: `alloc, zeros, arange of symbolic lengths ${dtype}: n = 4, x (2, 3)`,
    op: 'alloc',
    dtype,
    graph: {
      inputs: [v, x, n],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [3], 'full'), randomArray(rng, dtype, [2, 3], 'full'), array(4, { dtype: 'int32' })],
    },
  };
}

export function shapeCases(dtypes: readonly DType[]): OpCase[] {
  return [...dtypes.map(shapeCase), ...dtypes.filter((d) => d !== 'bool').map(allocCase)];
}

export function softmaxCases(dtypes: readonly DType[]): OpCase[] {
  return dtypes.filter((d) => d !== 'bool').flatMap((d) => SOFTMAX.filter((l) => !l.values || isFloat(d)).map((l) => softmaxCase(d, l)));
}

/** Integers past 2^24 at and around float32's rounding ties (NumPy rounds them to nearest, ties to even). */
const ROUNDING: Partial<Record<DType, number[]>> = {
  int32: [16777217, 16777219, 16777218, 33554434, 33554438, 2147483647, -16777217, -2147483648, -2147483583, 1073741889],
  uint32: [16777217, 16777219, 33554438, 2147483649, 3409082546, 4294967295, 4294967168, 4294967167],
  int64: [16777217, 4294967297, 2 ** 40 + 2 ** 16, 2 ** 40 + 2 ** 16 + 1, 2 ** 53 - 1, -(2 ** 53) + 1, -(2 ** 40) - 3 * 2 ** 16],
};

function roundingCase(from: DType): OpCase {
  const x = sym.T.tensor(from, [false], 'x');
  const values = ROUNDING[from]!;
  return {
    group: 'cast',
    name: `cast ${from} -> float32: rounding ties to even past 2^24`,
    op: 'cast',
    dtype: 'float32',
    graph: { inputs: [x], outputs: [sym.T.cast(x, 'float32')], values: () => [array(values, { dtype: from })] },
  };
}

export function castCases(dtypes: readonly DType[]): OpCase[] {
  const rounding = dtypes.includes('float32') ? dtypes.filter((d) => ROUNDING[d]).map(roundingCase) : [];
  return [...dtypes.flatMap((from) => dtypes.filter((to) => to !== from).map((to) => castCase(from, to))), ...rounding];
}
