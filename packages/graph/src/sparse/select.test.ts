/** sparse.getItemList and getItemScalar against SciPy 1.17 (`A[[2, -1, 0, 2, 1]]`, `A[2, 0]`), csr and csc, with NumPy's IndexError out of range. */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const { sparse } = sym;
const { SparseMatrix } = sparse;

// the 4x5 matrix of ops.test.ts: unsorted indices, a duplicate (2, 0), an empty row
const A = SparseMatrix.csr({ data: [1.5, -2, 3, 0.5, 4, -1], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] });
// scipy: A[[2, -1, 0, 2, 1]].toarray()
const PICKED = [[3.5, 0, 0, 0, 4], [0, 0, -1, 0, 0], [0, -2, 0, 1.5, 0], [3.5, 0, 0, 0, 4], [0, 0, 0, 0, 0]];

describe('sparse indexing', () => {
  const X = sparse.csrMatrix('X');
  const Y = sparse.cscMatrix('Y');
  const idx = T.ivector('idx');
  const i = T.iscalar('i');
  const j = T.iscalar('j');
  const f = sym.function([X, Y, idx, i, j], [sparse.getItemList(X, idx), sparse.getItemList(Y, idx), sparse.getItemScalar(X, i, j), sparse.getItemScalar(Y, i, j)]);

  it('picks rows (repeats and negative indices as NumPy) in the format of x, and single elements', () => {
    const [r, c, a, b] = f.sync(A, SparseMatrix.fromDense(A.toDense(), 'csc'), [2, -1, 0, 2, 1], 2, 0) as [sym.sparse.SparseMatrix, sym.sparse.SparseMatrix, sym.NDArray, sym.NDArray];
    expect([r.format, r.shape, r.nnz]).toEqual(['csr', [5, 5], 9]);
    // each picked row's stored values as x stores them, the duplicate kept
    expect(Array.from(r.indptr.data)).toEqual([0, 3, 4, 6, 9, 9]);
    expect(Array.from(r.indices.data)).toEqual([0, 0, 4, 2, 3, 1, 0, 0, 4]);
    expect(r.toDense().toArray()).toEqual(PICKED);
    expect([c.format, c.shape]).toEqual(['csc', [5, 5]]);
    expect(c.toDense().toArray()).toEqual(PICKED);
    expect([a.item(), b.item()]).toEqual([3.5, 3.5]);
    // A[1, 3] (an empty row) and A[-1, -3]; no rows picked: a (0, 5) matrix
    const [none, , zero] = f.sync(A, SparseMatrix.fromDense(A.toDense(), 'csc'), [], 1, 3) as [sym.sparse.SparseMatrix, unknown, sym.NDArray];
    expect([zero.item(), none.shape, none.nnz]).toEqual([0, [0, 5], 0]);
    expect((f.sync(A, SparseMatrix.fromDense(A.toDense(), 'csc'), [], -1, -3) as sym.NDArray[])[2]!.item()).toBe(-1);
  });

  it('raises NumPy IndexError for an index out of range, naming it', () => {
    const csc = SparseMatrix.fromDense(A.toDense(), 'csc');
    expect(() => f.sync(A, csc, [4], 0, 0)).toThrow(/index 4 \(idx\[0\]\) is out of bounds for axis 0 with size 4, indexing X's rows/);
    expect(() => f.sync(A, csc, [0], 0, 7)).toThrow(/index 7 \(j\) is out of bounds for axis 0 with size 5, indexing X's columns/);
    expect(() => sparse.getItemList(X, T.vector('v'))).toThrow(/sparse\.getItemList: idx must be an integer vector, got v of type/);
  });
});
