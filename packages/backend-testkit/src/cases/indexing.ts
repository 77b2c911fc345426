/**
 * Indexing: windows of constant bounds (views, negative steps too), symbolic integer indices (negative ones count from the end),
 * set/inc of windows, rows picked and incremented by an index vector
 * (repeated rows accumulate), integer arrays among other indices, take's
 * modes ('wrap', 'clip', 'raise' with negative indices),
 * concatenation and stacking. Data movement
 * is exact; increments round once (rows picked twice accumulate in another
 * order on some backends).
 */
import * as sym from '@sym/graph';
import type { DType, NDArray, TensorVariable } from '@sym/graph';
import { array, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

const T = sym.T;

function windows(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const outs: [string, TensorVariable][] = [
    ["x.get('1:3')", x.get('1:3')],
    ["x.get(':', 2)", x.get(':', 2)],
    ["x.get(-1, '::2')", x.get(-1, '::2')],
    ["x.get('1:', '1:4').T", x.get('1:', '1:4').T],
    ["x.T.get(2, '1:')", x.T.get(2, '1:')],
    ["x.get('::-1') (negative strides)", x.get('::-1')],
    ["x.get(':', '4:0:-2') (negative strides)", x.get(':', '4:0:-2')],
    ["x.get('7:9') (empty)", x.get('7:9')],
    ["x.get('1:3').T.get('::2') (a view of a view)", x.get('1:3').T.get('::2')],
  ];
  return {
    group: 'indexing',
    name: `windows ${dtype}: x (4, 5)`,
    op: 'subtensor',
    dtype,
    graph: { inputs: [x], outputs: outs.map(([, o]) => o), labels: outs.map(([l]) => l), values: (rng) => [randomArray(rng, dtype, [4, 5], 'full')] },
  };
}

function symbolic(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const i = T.iscalar('i');
  const j = T.iscalar('j');
  const outs: [string, TensorVariable][] = [
    ['x.get(i)', x.get(i)],
    ["x.get(':', j)", x.get(':', j)],
    ["x.get(i, '1:')", x.get(i, '1:')],
    ['x.get(j, i) (i = 3 on axis 1)', x.get(j, i)],
  ];
  return {
    group: 'indexing',
    name: `symbolic indices ${dtype}: x (4, 5), i = 3, j = -2`,
    op: 'subtensor',
    dtype,
    graph: {
      inputs: [x, i, j],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [4, 5], 'full'), array(3, { dtype: 'int32' }), array(-2, { dtype: 'int32' })],
    },
  };
}

function writes(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const y = T.tensor(dtype, [false, false], 'y');
  const row = T.tensor(dtype, [false], 'row');
  const i = T.iscalar('i');
  const inc = dtype !== 'bool';
  const outs: [string, TensorVariable][] = [
    ["setSubtensor(x.get('1:3'), y)", T.setSubtensor(x.get('1:3'), y)],
    ["setSubtensor(x.get(':', '::2'), row.get(':3')) (broadcast)", T.setSubtensor(x.get('::2', '::2'), row.get(':3'))],
    ['setSubtensor(x.get(i), row)', T.setSubtensor(x.get(i), row)],
    ["setSubtensor(x.get('::-3', 1), 0)", T.setSubtensor(x.get('::-3', 1), 0)],
    ...(inc
      ? ([
          ["incSubtensor(x.get('1:3'), y)", T.incSubtensor(x.get('1:3'), y)],
          ["incSubtensor(x.get(':', '4:0:-2'), row.get(':4').dimshuffle(0, 'x'))", T.incSubtensor(x.get(':', '4:0:-2'), row.get(':4').dimshuffle(0, 'x'))],
          ['incSubtensor(x.get(i, -1), 1)', T.incSubtensor(x.get(i, -1), 1)],
        ] as [string, TensorVariable][])
      : []),
  ];
  return {
    group: 'indexing',
    name: `set/inc of windows ${dtype}: x (4, 5), y (2, 5), row (5,), i = -2`,
    op: 'inc_subtensor',
    dtype,
    graph: {
      inputs: [x, y, row, i],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [4, 5], 'small'), randomArray(rng, dtype, [2, 5], 'small'), randomArray(rng, dtype, [5], 'small'), array(-2, { dtype: 'int32' })],
    },
  };
}

function rows(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const w = T.tensor(dtype, [false, false], 'w');
  const idx = T.ivector('idx');
  const once = T.ivector('once');
  const inc = dtype !== 'bool';
  const outs: [string, TensorVariable][] = [
    ['x.get(idx)', x.get(idx)],
    ['x.T.get(once)', x.T.get(once)],
    ['setSubtensor(x.get(once), w.get(":2"))', T.setSubtensor(x.get(once), w.get(':2'))],
    ['setSubtensor(x.get(idx), w) (repeated rows: the last write wins)', T.setSubtensor(x.get(idx), w)],
    ...(inc ? ([['incSubtensor(x.get(idx), w) (repeated rows add up)', T.incSubtensor(x.get(idx), w)]] as [string, TensorVariable][]) : []),
  ];
  return {
    group: 'indexing',
    name: `rows by an index vector ${dtype}: x (4, 5), idx = [3, 0, 3, -1], once = [2, -4]`,
    op: 'advanced_inc_subtensor',
    dtype,
    graph: {
      inputs: [x, w, idx, once],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [4, 5], 'small'), randomArray(rng, dtype, [4, 5], 'small'), array([3, 0, 3, -1], { dtype: 'int32' }), array([2, -4], { dtype: 'int32' })],
    },
  };
}

function joins(dtype: DType, other: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const y = T.tensor(other, [false, false], 'y');
  const v = T.tensor(dtype, [false], 'v');
  const outs: [string, TensorVariable][] = [
    ['concatenate([x, y])', T.concatenate([x, y])],
    ['concatenate([x.get(":2"), y], 1)', T.concatenate([x.get(':2'), y], 1)],
    ['concatenate([x, x.get(":", ":1")], 1)', T.concatenate([x, x.get(':', ':1')], 1)],
    ['concatenate([v, v.get("::-1"), v.get(":0")])', T.concatenate([v, v.get('::-1'), v.get(':0')])],
    ['stack([v, v.get("::-1")], 1)', T.stack([v, v.get('::-1')], 1)],
    ['stack([x, x.T.T], 2)', T.stack([x, x.T.T], 2)],
  ];
  return {
    group: 'indexing',
    name: `concatenate/stack ${dtype} with ${other}: x (4, 3), y (2, 3), v (5,)`,
    op: 'join',
    dtype,
    graph: {
      inputs: [x, y, v],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [4, 3], 'full'), randomArray(rng, other, [2, 3], 'full'), randomArray(rng, dtype, [5], 'full')],
    },
  };
}

/** A float and an integer partner for joins of mixed dtypes (promotion), where the backend has both. */
function partner(d: DType, dtypes: readonly DType[]): DType {
  const want: DType = isFloat(d) ? 'int32' : d === 'bool' ? 'bool' : 'float32';
  return dtypes.includes(want) ? want : d;
}

/** Many indices, most rows named several times: the sort, the binary searches and the scan past their first steps. */
function manyRows(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const w = T.tensor(dtype, [false, false], 'w');
  const idx = T.ivector('idx');
  const inc = dtype !== 'bool';
  const outs: [string, TensorVariable][] = [
    ['setSubtensor(x.get(idx), w) (the last write wins)', T.setSubtensor(x.get(idx), w)],
    ...(inc
      ? ([
          ['incSubtensor(x.get(idx), w)', T.incSubtensor(x.get(idx), w)],
          // one row for every index: integer dtypes add each run's length times it, with no scan
          ['incSubtensor(x.get(idx), w[0])', T.incSubtensor(x.get(idx), w.get(0))],
        ] as [string, TensorVariable][])
      : []),
  ];
  return {
    group: 'indexing',
    name: `37 indices into 11 rows ${dtype}: x (11, 3), idx in [-11, 11)`,
    op: 'advanced_inc_subtensor',
    dtype,
    graph: {
      inputs: [x, w, idx],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [
        randomArray(rng, dtype, [11, 3], 'small'),
        randomArray(rng, dtype, [37, 3], 'small'),
        array(Array.from({ length: 37 }, () => Math.floor(rng.uniform(-11, 11))), { dtype: 'int32' }),
      ],
    },
  };
}

/**
 * Increments a scatter-add kernel takes where the backend runs them (and
 * the sort and scan where it does not): rows of y, one value per index
 * broadcast along its row, one value for all, and no indices at all.
 */
function scatterRows(dtype: DType): OpCase | undefined {
  if (dtype === 'bool') return undefined;
  const x = T.tensor(dtype, [false, false], 'x');
  const w = T.tensor(dtype, [false, false], 'w');
  const idx = T.ivector('idx');
  const none = T.ivector('none');
  const outs: [string, TensorVariable][] = [
    ['incSubtensor(x.get(idx), w)', T.incSubtensor(x.get(idx), w)],
    ['incSubtensor(x.get(idx), w[:, 0, None]) (a value per index along its row)', T.incSubtensor(x.get(idx), w.get(':', 0).dimshuffle(0, 'x'))],
    ['incSubtensor(x.get(idx), 2)', T.incSubtensor(x.get(idx), 2)],
    ['incSubtensor(x.get(none), w[:0]) (no indices)', T.incSubtensor(x.get(none), w.get(':0'))],
  ];
  return {
    group: 'indexing',
    name: `increments of repeated rows ${dtype}: x (6, 3), idx = [5, -1, 0, -6, 2, 5, 5], none = []`,
    op: 'advanced_inc_subtensor',
    dtype,
    graph: {
      inputs: [x, w, idx, none],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [6, 3], 'small'), randomArray(rng, dtype, [7, 3], 'small'), array([5, -1, 0, -6, 2, 5, 5], { dtype: 'int32' }), array([], { dtype: 'int32' })],
    },
  };
}

/**
 * Integer arrays among other indices (NumPy's advanced indexing): the axes
 * in place or first, index arrays broadcast, set and inc through them.
 */
function advancedIndices(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false, false], 'x');
  const idx = T.ivector('idx');
  const grid = T.imatrix('grid');
  const cols = T.ivector('cols');
  const window = x.get(grid, ':', cols);
  const outs: [string, TensorVariable][] = [
    ["x.get(':', idx)", x.get(':', idx)],
    ["x.get(grid, ':', cols) (broadcast (2, 1) with (3,), first)", window],
    ["x.get(0, idx, '1:3')", x.get(0, idx, '1:3')],
    ["setSubtensor(x.get(0, idx, '1:3'), x[2, :, :2]) (repeated: the last write wins)", T.setSubtensor(x.get(0, idx, '1:3'), x.get(2, ':', '0:2'))],
    ...(dtype === 'bool' ? [] : ([["incSubtensor(x.get(grid, ':', cols), x[1:3, :3, :4])", T.incSubtensor(window, x.get('1:3', '0:3', '0:4'))]] as [string, TensorVariable][])),
  ];
  return {
    group: 'indexing',
    name: `integer arrays among other indices ${dtype}: x (3, 4, 5), idx = [3, 0, 3, -1], grid = [[2], [0]], cols = [4, -5, 4]`,
    op: 'advanced_inc_subtensor',
    dtype,
    graph: {
      inputs: [x, idx, grid, cols],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [3, 4, 5], 'small'), array([3, 0, 3, -1], { dtype: 'int32' }), array([[2], [0]], { dtype: 'int32' }), array([4, -5, 4], { dtype: 'int32' })],
    },
  };
}

/** int64 indices (sym's default integer dtype), where the backend holds int64. */
function wideIndices(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const i = T.lscalar('i');
  const idx = T.lvector('idx');
  const outs: [string, TensorVariable][] = [
    ['x.get(i)', x.get(i)],
    ['x.get(idx)', x.get(idx)],
    ['setSubtensor(x.get(":", i), 7)', T.setSubtensor(x.get(':', i), 7)],
  ];
  return {
    group: 'indexing',
    name: `int64 indices ${dtype}: x (4, 5), i = -4, idx = [1, -1, 1]`,
    op: 'subtensor',
    dtype,
    graph: {
      inputs: [x, i, idx],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [4, 5], 'small'), array(-4, { dtype: 'int64' }), array([1, -1, 1], { dtype: 'int64' })],
    },
  };
}

/** Windows from a symbolic start (Theano's minibatch): read, set and incremented. */
function movingWindows(dtype: DType): OpCase {
  const at = 1;
  const x = T.tensor(dtype, [false, false], 'x');
  const i = T.iscalar('i');
  const rows = x.get(T.slice(i.mul(2), i.add(1).mul(2)));
  const cols = x.get(':', T.slice(i, i.add(3)));
  const outs: [string, TensorVariable][] = [
    ['x[2i:2i + 2]', rows],
    ['x[:, i:i + 3]', cols],
    ['set x[2i:2i + 2] to x[0]', T.setSubtensor(rows, x.get(0))],
    ...(dtype === 'bool' ? [] : ([['inc x[:, i:i + 3] by x[:, 0:3]', T.incSubtensor(cols, x.get(':', '0:3'))]] as [string, TensorVariable][])),
  ];
  return {
    group: 'indexing',
    name: `windows from a symbolic start ${dtype}: x (5, 4), i = ${at}`,
    op: 'subtensor',
    dtype,
    graph: {
      inputs: [x, i],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [5, 4], 'full'), array(at, { dtype: 'int32' })],
    },
  };
}

/**
 * The graph @sym/grad builds for y's gradient of a set at repeated rows
 * (the testkit does not depend on it, so it is built here): each row's last
 * writer, found by an int32 set-scatter of k = 0..K-1 into the rows (the
 * last write wins) read back at idx, masks the rows of g picked by idx.
 */
function lastWriteGradient(dtype: DType): OpCase {
  const g = T.tensor(dtype, [false, false], 'g');
  const idx = T.ivector('idx');
  const k = T.arange(T.shapeI(idx, 0), undefined, 1, { dtype: 'int32' });
  const writer = sym.apply1(new sym.AdvancedIncSubtensor1(true), [T.zeros([T.shapeI(g, 0)], 'int32'), k, idx]);
  const mask = T.eq(T.take(writer, idx, 0), k);
  return {
    group: 'indexing',
    name: `the gradient of a set at repeated rows ${dtype}: g (4, 3), idx = [3, 0, 3, -1, 1, 1]`,
    op: 'advanced_inc_subtensor',
    dtype,
    graph: {
      inputs: [g, idx],
      outputs: [writer, T.take(g, idx, 0).mul(T.dimshuffle(T.cast(mask, dtype), [0, 'x']))],
      labels: ["each row's last writer", 'take(g, idx) * (the last write to its row)'],
      values: (rng) => [randomArray(rng, dtype, [4, 3], 'small'), array([3, 0, 3, -1, 1, 1], { dtype: 'int32' })],
    },
  };
}

/**
 * `T.take` (Theano's and NumPy's) in its three modes, from a flattened x
 * (axis null) and along axis 1: 'wrap' takes an index modulo the length,
 * 'clip' clips it into [0, n - 1], 'raise' counts a negative one from the
 * end. x holds f(k) at flat position k (k itself, or k % 3 == 0 for bool),
 * so the expected values are NumPy 2.4's np.take of arange(12).reshape(3, 4)
 * (flat positions) mapped through f.
 */
function takeModes(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const out = T.ivector('out');
  const neg = T.ivector('neg');
  const negCols = T.ivector('negCols');
  const grid = T.imatrix('grid');
  const outs: [string, TensorVariable, number[][]][] = [
    ["take(x, out, null, 'wrap')", T.take(x, out, null, 'wrap'), [[1, 11, 5, 10, 0]]],
    ["take(x, out, 1, 'wrap')", T.take(x, out, 1, 'wrap'), [[1, 3, 1, 2, 0], [5, 7, 5, 6, 4], [9, 11, 9, 10, 8]]],
    ["take(x, out, null, 'clip')", T.take(x, out, null, 'clip'), [[11, 0, 5, 0, 0]]],
    ["take(x, out, 1, 'clip')", T.take(x, out, 1, 'clip'), [[3, 0, 3, 0, 0], [7, 4, 7, 4, 4], [11, 8, 11, 8, 8]]],
    ['take(x, neg) (raise)', T.take(x, neg), [[11, 0, 3, 11]]],
    ['take(x, negCols, 1) (raise)', T.take(x, negCols, 1), [[3, 0, 2], [7, 4, 6], [11, 8, 10]]],
    ["take(x, grid, 0, 'wrap')", T.take(x, grid, 0, 'wrap'), [[4, 5, 6, 7], [8, 9, 10, 11], [8, 9, 10, 11], [4, 5, 6, 7]]],
  ];
  const f = (k: number): number | boolean => (dtype === 'bool' ? k % 3 === 0 : k);
  const shapes = [[5], [3, 5], [5], [3, 5], [4], [3, 3], [2, 2, 4]];
  return {
    group: 'indexing',
    name: `take modes ${dtype}: x (3, 4), out = [13, -1, 5, -14, 0], neg = [-1, -12, 3, 11], negCols = [-1, -4, 2], grid = [[4, -1], [2, -5]]`,
    op: 'advanced_subtensor',
    dtype,
    graph: {
      inputs: [x, out, neg, negCols, grid],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: () => [
        array(Array.from({ length: 3 }, (_, i) => Array.from({ length: 4 }, (_, j) => f(4 * i + j))), { dtype }),
        array([13, -1, 5, -14, 0], { dtype: 'int32' }),
        array([-1, -12, 3, 11], { dtype: 'int32' }),
        array([-1, -4, 2], { dtype: 'int32' }),
        array([[4, -1], [2, -5]], { dtype: 'int32' }),
      ],
      calls: { count: 1, expected: (): NDArray[] => outs.map(([, , positions], i) => array(positions.flat().map(f), { dtype }).reshape(shapes[i]!)) },
    },
  };
}

export function indexingCases(dtypes: readonly DType[]): OpCase[] {
  return dtypes.flatMap((d) => [
    windows(d),
    movingWindows(d),
    symbolic(d),
    writes(d),
    rows(d),
    manyRows(d),
    ...(scatterRows(d) ? [scatterRows(d)!] : []),
    advancedIndices(d),
    takeModes(d),
    ...(isFloat(d) ? [lastWriteGradient(d)] : []),
    joins(d, d),
    ...(partner(d, dtypes) !== d ? [joins(d, partner(d, dtypes))] : []),
    ...(dtypes.includes('int64') ? [wideIndices(d)] : []),
  ]);
}
