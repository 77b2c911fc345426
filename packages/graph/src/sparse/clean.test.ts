/**
 * sparse.remove0, ensureSortedIndices (sortIndices) and clean against
 * SciPy 1.17's eliminate_zeros() and sorted_indices() (computed once,
 * written here): Z, a 3x3 matrix with explicit zeros, unsorted indices
 * and an empty row, read as csr and (the same arrays) as csc. Their
 * gradients: @sym/grad's sparse-grad.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { sym } from '../../test/helpers.js';

const { sparse } = sym;
const { SparseMatrix } = sparse;

const Z = { data: [0, 2, 0, -1, 3], indices: [2, 0, 1, 1, 0], indptr: [0, 3, 3, 5], shape: [3, 3] as [number, number] };
const parts = (m: sym.sparse.SparseMatrix) => [m.format, m.dtype, Array.from(m.data.data), Array.from(m.indices.data), Array.from(m.indptr.data)];

describe.each(['float64', 'float32'] as const)('sparse cleanups (%s)', (dtype) => {
  it.each(['csr', 'csc'] as const)('removes explicit zeros, sorts indices, and both (%s)', (format) => {
    const X = sparse.matrix(format, 'X', dtype);
    const f = sym.function([X], [sparse.remove0(X), sparse.ensureSortedIndices(X), sparse.clean(X), sparse.sortIndices(X)]);
    const [r0, sorted, cleaned, sorted2] = f.sync(new SparseMatrix(format, Z, { dtype })) as sym.sparse.SparseMatrix[];
    // scipy: Z.copy().eliminate_zeros() keeps the order; Z.sorted_indices() keeps the zeros
    expect(parts(r0!)).toEqual([format, dtype, [2, -1, 3], [0, 1, 0], [0, 1, 1, 3]]);
    expect(parts(sorted!)).toEqual([format, dtype, [2, 0, 0, 3, -1], [0, 1, 2, 0, 1], [0, 3, 3, 5]]);
    expect(parts(sorted2!)).toEqual(parts(sorted!));
    expect(parts(cleaned!)).toEqual([format, dtype, [2, 3, -1], [0, 0, 1], [0, 1, 1, 3]]);
  });

  it('keeps repeated positions (sorted stably) and NaN, as SciPy', () => {
    const X = sparse.csrMatrix('X', dtype);
    // A's row 0 unsorted [3, 1], its (2, 0) stored twice (3 then 0.5), a NaN among them
    const A = SparseMatrix.csr({ data: [1.5, -2, 3, 0.5, Number.NaN, 0], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] }, { dtype });
    const [c] = sym.function([X], [sparse.clean(X)]).sync(A) as sym.sparse.SparseMatrix[];
    expect(parts(c!)).toEqual(['csr', dtype, [-2, 1.5, 3, 0.5, Number.NaN], [1, 3, 0, 0, 4], [0, 2, 2, 5, 5]]);
  });
});
