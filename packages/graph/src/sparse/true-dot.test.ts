/**
 * sparse.trueDot's values (its full gradient is tested in @sym/grad):
 * Theano's true_dot, sparse in x's format (y's when x is dense), the
 * product's non-zeros as SciPy's csr_matrix(x @ y) stores them. SciPy's
 * numbers, computed once.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const { sparse } = sym;
const { SparseMatrix } = sparse;

const A = SparseMatrix.csr({ data: [1.5, -2, 3, 0.5, 4, -1], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] });
const W = [[1, 0, 0], [3, 0, 1], [0, 0, 0], [4, 0, 2], [0, 0.5, -2]];
const parts = (m: sym.sparse.SparseMatrix) => [m.format, m.shape, Array.from(m.data.data), Array.from(m.indices.data), Array.from(m.indptr.data)];

describe('sparse.trueDot', () => {
  it("is sparse in the sparse operand's format, the product's non-zeros (its exact 0 at (0, 0) not stored)", () => {
    const X = sparse.csrMatrix('X', 'float64');
    const Xc = sparse.cscMatrix('Xc', 'float64');
    const w = T.dmatrix('w');
    const m = T.dmatrix('m');
    const f = sym.function([X, w, Xc, m], [sparse.trueDot(X, w), sparse.trueDot(X, sparse.csrFromDense(w)), sparse.trueDot(m, Xc), sparse.trueDot(Xc.T, m.T)]);
    const [xw, xs, mx, xtm] = f.sync(A, W, SparseMatrix.fromDense(A.toDense(), 'csc'), [[1, 0, -1, 2], [0.5, 1, 0, 0]]) as sym.sparse.SparseMatrix[];
    // scipy: csr_matrix(A @ W), sorted
    for (const p of [xw, xs]) expect(parts(p!)).toEqual(['csr', [4, 3], [1, 3.5, 2, -8], [2, 0, 1, 2], [0, 1, 1, 4, 4]]);
    // scipy: csc_matrix(M @ A) (Theano: transpose(TrueDot(A.T, M.T)), in A's format)
    expect(parts(mx!)).toEqual(['csc', [2, 5], [-3.5, -2, -1, -2, 1.5, 0.75, -4], [0, 0, 1, 0, 0, 1, 0], [0, 1, 3, 4, 6, 7]]);
    expect(parts(xtm!)).toEqual(['csr', [5, 2], [-3.5, -2, -1, -2, 1.5, 0.75, -4], [0, 0, 1, 0, 0, 1, 0], [0, 1, 3, 4, 6, 7]]);
  });

  it('refuses two dense operands, a non-matrix, and gradPreservesDense false, naming them', () => {
    const X = sparse.csrMatrix('X');
    const m = T.matrix('m');
    expect(() => sparse.trueDot(m, m)).toThrow('sparse.trueDot: one operand must be sparse (for two dense ones use T.dot)');
    expect(() => sparse.trueDot(X, T.vector('v'))).toThrow(/sparse\.trueDot: y must be a sparse matrix or a dense matrix, got v of type/);
    expect(() => sparse.trueDot(X, m, false)).toThrow(/sparse\.trueDot: gradPreservesDense must be true \(Theano's default\), got false/);
  });

  it('names a sparse operand in a product whose lengths do not align (its dense view, not the view\'s inner reshape)', () => {
    const [X, Y] = [sparse.csrMatrix('X', 'float64'), sparse.cscMatrix('Y', 'float64')];
    const m = T.dmatrix('m');
    const B = SparseMatrix.csr({ data: [1.5, -2], indices: [3, 1], indptr: [0, 2, 2], shape: [2, 5] });
    const f = sym.function([X, m], sparse.trueDot(X, m));
    expect(() => f.sync(B, [[1, 2], [3, 4]])).toThrow('dot: shapes (2, 5) (denseFromSparse(X)) and (2, 2) (m) are not aligned: 5 (last dimension of denseFromSparse(X)) != 2 (second-to-last dimension of m)');
    const g = sym.function([m, Y], sparse.trueDot(m, Y));
    expect(() => g.sync([[1, 2, 3]], SparseMatrix.csc({ data: [1.5, -2], indices: [3, 1], indptr: [0, 2, 2], shape: [5, 2] }))).toThrow('dot: shapes (1, 3) (m) and (5, 2) (denseFromSparse(Y)) are not aligned');
  });
});
