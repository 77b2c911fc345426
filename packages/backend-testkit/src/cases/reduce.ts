/**
 * Every reduction over each axis, several axes, all axes and with keepdims,
 * on 1-D to 3-D inputs, contiguous and read through a transpose. One case
 * per (reducer, dtype, layout) computes all its axis choices as outputs of
 * one function.
 */
import * as sym from '@sym/graph';
import type { DType, Reducer, TensorVariable } from '@sym/graph';
import { array, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

export const REDUCERS: readonly Reducer[] = ['sum', 'prod', 'max', 'min', 'mean', 'any', 'all', 'argmax', 'argmin'];

interface AxisChoice {
  readonly axis: number | readonly number[] | null;
  readonly keepdims?: boolean;
}

interface ReduceLayout {
  readonly what: string;
  /** Shape of the input value. */
  readonly shape: readonly number[];
  /** Dimshuffle applied before reducing (a non-contiguous view), if any. */
  readonly perm?: readonly number[];
  readonly axes: readonly AxisChoice[];
  /** Part of the quick suite. */
  readonly quick?: boolean;
}

const LAYOUTS: readonly ReduceLayout[] = [
  { what: '(7,)', shape: [7], axes: [{ axis: 0 }, { axis: null }, { axis: 0, keepdims: true }] },
  { what: '(3, 4)', shape: [3, 4], axes: [{ axis: 0 }, { axis: 1 }, { axis: [0, 1] }, { axis: 1, keepdims: true }, { axis: -1 }] },
  { what: '(4, 3).T', shape: [4, 3], perm: [1, 0], axes: [{ axis: 0 }, { axis: 1 }, { axis: null }, { axis: 0, keepdims: true }], quick: true },
  {
    what: '(2, 3, 4)',
    shape: [2, 3, 4],
    axes: [{ axis: 0 }, { axis: 1 }, { axis: 2 }, { axis: [0, 2] }, { axis: [1, 2] }, { axis: null }, { axis: [0, 2], keepdims: true }],
  },
  {
    what: '(4, 2, 3) dimshuffled (1, 2, 0)',
    shape: [4, 2, 3],
    perm: [1, 2, 0],
    axes: [{ axis: 0 }, { axis: 2 }, { axis: [0, 1] }, { axis: null }, { axis: 1, keepdims: true }],
    quick: true,
  },
];

function axisLabel(reducer: Reducer, c: AxisChoice): string {
  const axis = c.axis === null ? 'all axes' : `axis ${JSON.stringify(c.axis)}`;
  return `${reducer} over ${axis}${c.keepdims ? ', keepdims' : ''}`;
}

function reduceOf(reducer: Reducer, x: TensorVariable, c: AxisChoice): TensorVariable {
  return sym.T[reducer](x, { axis: c.axis, keepdims: c.keepdims ?? false });
}

function layoutCase(reducer: Reducer, dtype: DType, layout: ReduceLayout): OpCase {
  const x = sym.T.tensor(dtype, layout.shape.map(() => false), 'x');
  const view = layout.perm ? sym.T.dimshuffle(x, layout.perm) : x;
  return {
    group: 'reduce',
    name: `${reducer} ${dtype}: ${layout.what}, ${layout.axes.length} axis choices`,
    op: reducer,
    dtype,
    graph: {
      inputs: [x],
      outputs: layout.axes.map((c) => reduceOf(reducer, view, c)),
      labels: layout.axes.map((c) => axisLabel(reducer, c)),
      // products of many values stay exact with factors near 1
      values: (rng) => [randomArray(rng, dtype, layout.shape, reducer === 'prod' ? 'factor' : 'small')],
    },
  };
}

/** Rows with NaN, ±Inf and -0: NaN propagates through max/min and wins argmax/argmin. */
function specialCase(reducer: Reducer, dtype: DType): OpCase {
  const x = sym.T.tensor(dtype, [false, false], 'x');
  const rows = [
    [1, NaN, -Infinity, 3],
    [Infinity, -Infinity, 2, 1],
    [-0, -0, -0, -0],
    [2, Infinity, 5, Infinity],
    [-1, -1, -3, -3],
  ];
  const choices: AxisChoice[] = [{ axis: 1 }, { axis: 0 }, { axis: null }];
  return {
    group: 'reduce',
    name: `${reducer} ${dtype}: special values (5, 4), axes 1, 0 and all`,
    op: reducer,
    dtype,
    graph: {
      inputs: [x],
      outputs: choices.map((c) => reduceOf(reducer, x, c)),
      labels: choices.map((c) => axisLabel(reducer, c)),
      values: () => [array(rows, { dtype })],
    },
  };
}

/**
 * Arrays with a zero-length dimension: reductions over it give their
 * identity, elementwise results and dot products are empty, and a dot
 * product over k = 0 is all zeros (zero-size buffers are easy to get wrong).
 */
function emptyCase(dtype: DType): OpCase {
  const x = sym.T.tensor(dtype, [false, false], 'x');
  const y = sym.T.tensor(dtype, [false, false], 'y');
  const z = sym.T.tensor(dtype, [false, false], 'z');
  const outs: [string, TensorVariable][] = [
    ['sum over the empty axis 0', x.sum(0)],
    ['sum over axis 1 (empty result)', x.sum(1)],
    ['prod over the empty axis 0', x.prod(0)],
    ['any over the empty axis 0', x.any(0)],
    ['all over the empty axis 0', x.all(0)],
    ['x + x (empty)', sym.T.add(x, x)],
    ['dot(x, y): (0, 3) · (3, 2)', sym.T.dot(x, y)],
    ['dot(x.T, z): (3, 0) · (0, 2), k = 0', sym.T.dot(x.T, z)],
  ];
  return {
    group: 'reduce',
    name: `empty arrays ${dtype}: x (0, 3), y (3, 2), z (0, 2)`,
    op: 'sum',
    dtype,
    graph: {
      inputs: [x, y, z],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [0, 3]), randomArray(rng, dtype, [3, 2]), randomArray(rng, dtype, [0, 2])],
    },
  };
}

export function reduceCases(dtypes: readonly DType[], quick = false): OpCase[] {
  const cases: OpCase[] = [];
  for (const reducer of REDUCERS) {
    for (const dtype of dtypes) {
      for (const layout of LAYOUTS) if (!quick || layout.quick) cases.push(layoutCase(reducer, dtype, layout));
      if (isFloat(dtype)) cases.push(specialCase(reducer, dtype));
    }
  }
  return [...cases, ...dtypes.map(emptyCase)];
}
