/** sparse.hstack and vstack against SciPy 1.17's (`sp.hstack([A, B], format='csc')`, `sp.vstack([A, C, A], format='csr')`). */
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
    // SciPy sums the duplicate (2, 0) (indptr [0, 1, 2, 3, 4, 5, 7, 8, 10]); kept here, one more in column 0
    expect([h!.format, h!.dtype, h!.nnz, Array.from(h!.indptr.data)]).toEqual(['csc', 'float64', 11, [0, 2, 3, 4, 5, 6, 8, 9, 11]]);
    expect(h!.toDense().toArray()).toEqual(H);
    expect([h32!.format, h32!.dtype]).toEqual(['csr', 'float32']);
    expect(h32!.toDense().toArray()).toEqual(H);
    const V = [...A.toDense().toArray() as number[][], [0, 7, 0, 0, 8], ...A.toDense().toArray() as number[][]];
    expect([v!.format, v!.nnz, Array.from(v!.indptr.data)]).toEqual(['csr', 14, [0, 2, 2, 5, 6, 8, 10, 10, 13, 14]]);
    expect(v!.toDense().toArray()).toEqual(V);
  });

  it('checks the blocks shapes when the function runs', () => {
    expect(() => f.sync(A, B, SparseMatrix.fromDense([[1, 2]]))).toThrow(/sparse\.vstack: block 1 has 2 columns, the blocks before it 5/);
    expect(() => f.sync(A, SparseMatrix.fromDense([[1]], 'csc', { dtype: 'float32' }), C)).toThrow(/sparse\.hstack: block 1 has 1 rows, the blocks before it 4/);
    expect(() => sparse.vstack([])).toThrow(/sparse\.vstack: expected a non-empty list of sparse variables/);
  });
});
