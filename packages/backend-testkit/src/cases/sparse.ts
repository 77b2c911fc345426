/**
 * sym.sparse (in the `composite` group): a sparse matrix is carried by
 * dense tensors and its ops are graphs of dense ops (graph's sparse/), so
 * a backend runs them with the kernels it has: scatter-adds into zeros by
 * per-value row ids (products, sums, conversion to dense), gathers of
 * dense rows and elements, a searchsorted expanding indptr, and the host
 * stage of NonZero (conversions from dense), a stable argsort (the sum of
 * two sparse matrices). The matrix has unsorted
 * indices, a duplicate and an empty row; its gradients' graphs (the
 * structured one with respect to data, the dense one's scatter) are
 * written as grad builds them. One case holds no stored values at all.
 */
import * as sym from '@sym/graph';
import type { DType, NDArray, TensorVariable } from '@sym/graph';
import { array, fill, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

const T = sym.T;
const { sparse } = sym;

// a 4x5 csr pattern: row 0 unsorted, row 1 empty, (2, 0) stored twice
const INDICES = [3, 1, 0, 0, 4, 2];
const INDPTR = [0, 2, 2, 5, 6];
const ROW_IDS = [0, 0, 2, 2, 2, 3];

/** The parts of a csr input, as sym.function flattens a sparse input (the row ids given, as the host expands them). */
function csrInput(dtype: DType): { parts: TensorVariable[]; x: sym.sparse.SparseVariable } {
  const x = sparse.csrMatrix('x', dtype);
  return { parts: [x.data, x.indices, x.indptr, x.nRows, x.nCols, x.majorIds], x };
}

const partValues = (data: NDArray, indices: number[], indptr: number[], shape: [number, number], rowIds: number[]): NDArray[] => [
  data,
  array(indices, { dtype: 'int32' }),
  array(indptr, { dtype: 'int32' }),
  array(shape[0], { dtype: 'int64' }),
  array(shape[1], { dtype: 'int64' }),
  array(rowIds, { dtype: 'int32' }),
];

function products(dtype: DType): OpCase {
  const { parts, x } = csrInput(dtype);
  const d = T.matrix('d', dtype);
  const l = T.matrix('l', dtype);
  const m = T.matrix('m', dtype);
  const g = T.matrix('g', dtype);
  const outs: [string, TensorVariable][] = [
    ['structuredDot(x, d)', sparse.structuredDot(x, d)],
    ['dot(l, x)', sparse.dot(l, x)],
    ['dot(x, d[:, 0]) (a vector)', sparse.dot(x, d.get(':', 0))],
    ['denseFromSparse(x)', sparse.denseFromSparse(x)],
    ['x.T.toDense() (csc)', x.T.toDense()],
    ['spSum(x, 0)', sparse.spSum(x, 0)],
    ['spSum(x, 1)', sparse.spSum(x, 1)],
    ['mul(x, m).data', sparse.mul(x, m).data],
    ['add(x, m)', sparse.add(x, m)],
    ['structuredSigmoid(x).data', sparse.structuredSigmoid(x).data],
    ['csmProperties(x)[2] (indptr)', sparse.csmProperties(x)[2]],
    ['vstack([x, hstack([x.T, x.T]).T]).toDense()', sparse.vstack([x, sparse.hstack([x.T, x.T]).T]).toDense()],
    // structuredDot's gradients as grad builds them, for an output gradient g
    ['d structuredDot / d data: sum(g[rows] * d[cols], 1)', T.sum(T.mul(T.take(g, x.rowIds, 0), T.take(d, x.colIds, 0)), 1)],
    ['d structuredDot / d d: structuredDot(x.T, g)', sparse.structuredDot(x.T, g)],
  ];
  return {
    group: 'composite',
    name: `sparse csr products ${dtype}: x (4, 5) with 6 stored (a duplicate, an empty row), d (5, 3), l (3, 4)`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [...parts, d, l, m, g],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [
        ...partValues(randomArray(rng, dtype, [6], 'small'), INDICES, INDPTR, [4, 5], ROW_IDS),
        randomArray(rng, dtype, [5, 3], 'small'),
        randomArray(rng, dtype, [3, 4], 'small'),
        randomArray(rng, dtype, [4, 5], 'small'),
        randomArray(rng, dtype, [4, 3], 'small'),
      ],
    },
  };
}

/** A csc matrix of symbolic parts (sparse.csc): its column ids expanded from indptr in the graph (a searchsorted). */
function symbolicParts(dtype: DType): OpCase {
  const data = T.vector('data', dtype);
  const indices = T.vector('indices', 'int32');
  const indptr = T.vector('indptr', 'int32');
  const y = sparse.csc(data, indices, indptr, [5, 4]);
  const d = T.matrix('d', dtype);
  const outs: [string, TensorVariable][] = [
    ['csc(...).toDense()', y.toDense()],
    ['structuredDot(csc(...), d)', sparse.structuredDot(y, d)],
    ['spSum(csc(...), 0)', sparse.spSum(y, 0)],
    ['add(csc(...), structuredExp(csc(...))).data (two sparse: a stable argsort by column)', sparse.add(y, sparse.structuredExp(y)).data],
    ['add(csc(...), csr of its transpose).toDense()', sparse.add(y, sparse.transpose(y).T).toDense()],
  ];
  return {
    group: 'composite',
    name: `sparse csc of symbolic parts ${dtype}: (5, 4) with 6 stored, d (4, 2)`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [data, indices, indptr, d],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [6], 'small'), array(INDICES, { dtype: 'int32' }), array(INDPTR, { dtype: 'int32' }), randomArray(rng, dtype, [4, 2], 'small')],
    },
  };
}

/** csrFromDense / cscFromDense: NonZero on the host between programs; the input computed, so that a program precedes it. */
function fromDense(dtype: DType): OpCase {
  const m = T.matrix('m', dtype);
  const shifted = T.mul(m, 2);
  const c = sparse.csrFromDense(shifted);
  const s = sparse.cscFromDense(shifted);
  const outs: [string, TensorVariable][] = [
    ['csrFromDense(m * 2).data', c.data],
    ['csrFromDense(m * 2).indices', c.indices],
    ['csrFromDense(m * 2).indptr', c.indptr],
    ['cscFromDense(m * 2).data', s.data],
    ['cscFromDense(m * 2).indices', s.indices],
    ['cscFromDense(m * 2).indptr', s.indptr],
    ['cscFromDense(m * 2).toDense()', s.toDense()],
    ['getItemList(csrFromDense(m * 2), [2, -1, 2]).toDense() (two host stages)', sparse.getItemList(c, T.constant([2, -1, 2], { dtype: 'int32' })).toDense()],
    ['getItemScalar(cscFromDense(m * 2), 1, -2)', sparse.getItemScalar(s, 1, -2)],
  ];
  return {
    group: 'composite',
    name: `sparse from dense ${dtype}: m (4, 5), a third zero`,
    op: 'nonzero',
    dtype,
    graph: {
      inputs: [m],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => {
        const r = randomArray(rng, dtype, [4, 5], 'small');
        return [fill(r.shape, dtype, (i) => (i % 3 === 1 ? 0 : r.data[i]!))];
      },
    },
  };
}

/** No stored values: zero-length data, indices and row ids. */
function empty(dtype: DType): OpCase {
  const { parts, x } = csrInput(dtype);
  const d = T.matrix('d', dtype);
  const outs: [string, TensorVariable][] = [
    ['denseFromSparse(x)', x.toDense()],
    ['structuredDot(x, d)', sparse.structuredDot(x, d)],
    ['spSum(x, 1)', sparse.spSum(x, 1)],
    ['csmProperties(x)[2] (indptr)', sparse.csmProperties(x)[2]],
  ];
  return {
    group: 'composite',
    name: `sparse with no stored values ${dtype}: x (3, 2), d (2, 4)`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [...parts, d],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [...partValues(fill([0], dtype, () => 0), [], [0, 0, 0, 0], [3, 2], []), randomArray(rng, dtype, [2, 4], 'small')],
    },
  };
}

/**
 * Products of two sparse matrices (a host stage finds which stored values
 * meet, where each product sums, the sums, in SciPy's order, and which
 * cancel to exactly 0; the dense product scatters the sums into zeros), the
 * cleanups and slices: x (4, 5) csr above times y (5, 3), given as csr
 * and as csc.
 */
function sparseProducts(dtype: DType): OpCase {
  const { parts, x } = csrInput(dtype);
  const data = T.vector('ydata', dtype);
  // y: 5x3 with row 2 empty, (4, 2) stored twice
  const y = sparse.csr(data, T.constant([0, 0, 2, 0, 2, 1, 2, 2], { dtype: 'int32' }), T.constant([0, 1, 3, 3, 5, 8], { dtype: 'int32' }), [5, 3]);
  const yc = sparse.cscFromDense(y.toDense());
  const xy = sparse.structuredDot(x, y);
  const xc = sparse.transpose(sparse.transpose(x));
  const outs: [string, TensorVariable][] = [
    ['structuredDot(x, y).data (csr: sorted, summed, zeros dropped)', xy.data],
    ['structuredDot(x, y).indices', xy.indices],
    ['structuredDot(x, y).indptr', xy.indptr],
    ['structuredDot(y.T, x.T).toDense() (csc)', sparse.structuredDot(y.T, x.T).toDense()],
    ['dot(x, csc y) (dense)', sparse.dot(xc, yc)],
    ['clean(x).data', sparse.clean(x).data],
    ['ensureSortedIndices(x).indices', sparse.ensureSortedIndices(x).indices],
    ['ensureSortedIndices(x).indptr (x\'s)', sparse.ensureSortedIndices(x).indptr],
    ['remove0(sub(x, x)).indptr', sparse.sub(x, x).indptr],
    ['mul(x, x[[2, 0, 2, 3]]).toDense() (elementwise, where both store)', sparse.mul(x, sparse.getItemList(x, T.constant([2, 0, 2, 3], { dtype: 'int32' }))).toDense()],
    ['x[1:, ::-2].data (getItem2d: a host stage, a gather)', x.get(T.slice(1), T.slice(null, null, -2)).data],
    ['x[1:, ::-2].indices', x.get(T.slice(1), T.slice(null, null, -2)).indices],
    ['x.T[::2].toDense() (csc)', x.T.get(T.slice(null, null, 2)).toDense()],
  ];
  return {
    group: 'composite',
    name: `sparse x sparse products, cleanups and slices ${dtype}: x (4, 5) with 6 stored, y (5, 3) with 8 (a duplicate, an empty row)`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [...parts, data],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => {
        // x's stored values with one 0 (a stored zero clean drops)
        const xd = randomArray(rng, dtype, [6], 'small');
        return [...partValues(fill([6], dtype, (i) => (i === 4 ? 0 : xd.data[i]!)), INDICES, INDPTR, [4, 5], ROW_IDS), randomArray(rng, dtype, [8], 'small')];
      },
    },
  };
}

/**
 * trueDot (the product through the operands' dense views, its non-zeros
 * found by NonZero on the host) and sparseBlockDot (a gather of weight
 * blocks by two broadcast index matrices, a product summed over two axes,
 * a gathered bias; a repeated block and a negative index), with the full
 * gradient's graph of trueDot as grad builds it (gz @ d.T, its non-zeros).
 */
function trueDotAndBlocks(dtype: DType): OpCase {
  const { parts, x } = csrInput(dtype);
  const d = T.matrix('d', dtype);
  const l = T.matrix('l', dtype);
  const w = T.tensor4('w', dtype);
  const h = T.tensor3('h', dtype);
  const b = T.matrix('b', dtype);
  const g = T.matrix('g', dtype);
  const xd = sparse.trueDot(x, d);
  const outs: [string, TensorVariable][] = [
    ['trueDot(x, d).data (the product\'s non-zeros, csr)', xd.data],
    ['trueDot(x, d).indptr (row 1 empty)', xd.indptr],
    ['trueDot(l, x).toDense() (dense times sparse: csr, x\'s format)', sparse.trueDot(l, x).toDense()],
    ['the full gradient of trueDot(x, d) for an output gradient g: csrFromDense(g @ d.T).data', sparse.csrFromDense(T.dot(g, T.transpose(d))).data],
    [
      'sparseBlockDot(w, h, [[0, 2], [1, 1]], b, [[3, 0], [-1, 2]])',
      sparse.sparseBlockDot(w, h, T.constant([[0, 2], [1, 1]], { dtype: 'int32' }), b, T.constant([[3, 0], [-1, 2]], { dtype: 'int32' })),
    ],
  ];
  return {
    group: 'composite',
    name: `sparse trueDot and sparseBlockDot ${dtype}: x (4, 5) with 6 stored, blocks (3, 4, 2, 3) picked by a batch of 2`,
    op: 'dot',
    dtype,
    graph: {
      // trueDot's dense view scatters by the row ids: x's indptr is not read
      inputs: [...parts.filter((v) => v !== x.indptr), d, l, w, h, b, g],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([label]) => label),
      values: (rng) => [
        ...partValues(randomArray(rng, dtype, [6], 'small'), INDICES, INDPTR, [4, 5], ROW_IDS).filter((_, i) => i !== 2),
        randomArray(rng, dtype, [5, 3], 'small'),
        randomArray(rng, dtype, [4, 4], 'small'),
        randomArray(rng, dtype, [3, 4, 2, 3], 'small'),
        randomArray(rng, dtype, [2, 2, 2], 'small'),
        randomArray(rng, dtype, [4, 3], 'small'),
        randomArray(rng, dtype, [4, 3], 'small'),
      ],
    },
  };
}

/** The cases for the float dtypes a backend holds. */
export function sparseCases(dtypes: readonly DType[]): OpCase[] {
  return dtypes.filter((d) => isFloat(d) && d !== 'float16').flatMap((d) => [products(d), symbolicParts(d), fromDense(d), empty(d), sparseProducts(d), trueDotAndBlocks(d)]);
}
