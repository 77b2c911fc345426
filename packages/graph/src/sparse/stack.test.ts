/** sparse.hstack and vstack against SciPy 1.17's (`sp.hstack([A, B], format='csc')`, `sp.vstack([A, C, A], format='csr')`, `sp.hstack([A, A], format='csr')`). */
import { describe, expect, it } from 'vitest';
import { sym } from '../../test/helpers.js';

const { sparse } = sym;
const { SparseMatrix } = sparse;

const A = SparseMatrix.csr({ data: [1.5, -2, 3, 0.5, 4, -1], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] });
const B = SparseMatrix.fromDense([[1, 0, 2], [0, 3, 0], [0, 0, 0], [4, 0, 5]], 'csc', { dtype: 'float32' });
const C = SparseMatrix.fromDense([[0, 7, 0, 0, 8]]);

describe('sparse.hstack and vstack', () => {
  const X = sparse.csrMatrix('X');
  const Y = sparse.cscMatrix('Y', 'float32');
  const Z = sparse.csrMatrix('Z');
  const f = sym.function([X, Y, Z], [sparse.hstack([X, Y]), sparse.vstack([X, Z, X]), sparse.hstack([X, Y], 'csr', 'float32')]);

  it('stacks blocks of either format into Theano default formats, SciPy numbers', () => {
    const [h, v, h32] = f.sync(A, B, C) as sym.sparse.SparseMatrix[];
    const H = [[0, -2, 0, 1.5, 0, 1, 0, 2], [0, 0, 0, 0, 0, 0, 3, 0], [3.5, 0, 0, 0, 4, 0, 0, 0], [0, 0, -1, 0, 0, 4, 0, 5]];
    // blocks of mixed formats: SciPy goes through coo, which sums the duplicate (2, 0) and sorts (canonical)
    expect([h!.format, h!.dtype, h!.nnz, Array.from(h!.indptr.data), Array.from(h!.indices.data)]).toEqual(['csc', 'float64', 10, [0, 1, 2, 3, 4, 5, 7, 8, 10], [2, 0, 3, 0, 2, 0, 3, 1, 0, 3]]);
    expect(h!.toDense().toArray()).toEqual(H);
    expect([h32!.format, h32!.dtype, Array.from(h32!.indptr.data), Array.from(h32!.indices.data)]).toEqual(['csr', 'float32', [0, 4, 5, 7, 10], [1, 3, 5, 7, 6, 0, 4, 2, 5, 7]]);
    expect(h32!.toDense().toArray()).toEqual(H);
    const V = [...A.toDense().toArray() as number[][], [0, 7, 0, 0, 8], ...A.toDense().toArray() as number[][]];
    // every block in the result's format: SciPy concatenates them, the duplicate kept in each copy of A
    expect([v!.format, v!.nnz, Array.from(v!.indptr.data)]).toEqual(['csr', 14, [0, 2, 2, 5, 6, 8, 10, 10, 13, 14]]);
    expect(v!.toDense().toArray()).toEqual(V);
    // sp.hstack([A, A], format='csr'): each row's values of the first block, then the second's, as stored
    const hh = sym.function([X], sparse.hstack([X, X], 'csr')).sync(A) as sym.sparse.SparseMatrix;
    expect([hh.nnz, Array.from(hh.indptr.data), Array.from(hh.indices.data), Array.from(hh.data.data)]).toEqual([12, [0, 4, 4, 10, 12], [3, 1, 8, 6, 0, 0, 4, 5, 5, 9, 2, 7], [1.5, -2, 1.5, -2, 3, 0.5, 4, 3, 0.5, 4, -1, -1]]);
  });

  it('checks the blocks shapes when the function runs', () => {
    expect(() => f.sync(A, B, SparseMatrix.fromDense([[1, 2]]))).toThrow(/sparse\.vstack: block 1 has 2 columns, the blocks before it 5/);
    expect(() => f.sync(A, SparseMatrix.fromDense([[1]], 'csc', { dtype: 'float32' }), C)).toThrow(/sparse\.hstack: block 1 has 1 rows, the blocks before it 4/);
    expect(() => sparse.vstack([])).toThrow(/sparse\.vstack: expected a non-empty list of sparse variables/);
  });
});
