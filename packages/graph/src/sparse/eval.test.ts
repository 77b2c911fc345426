/** `x.eval()` of a sparse variable: a SparseMatrix, given the inputs (sparse or dense) in a Map or a list of pairs. */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const { sparse } = sym;
const { SparseMatrix } = sparse;

const A = SparseMatrix.csr({ data: [1.5, -2, 3, 0.5, 4, -1], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] });
const parts = (m: sym.sparse.SparseMatrix) => [m.format, m.shape, Array.from(m.data.data), Array.from(m.indices.data), Array.from(m.indptr.data)];

describe('sparse x.eval', () => {
  it('computes a sparse value from sparse and dense inputs, a shared variable, or nothing', async () => {
    const X = sparse.csrMatrix('X', 'float64');
    // scipy: (A @ A.T) sorted; eliminate_zeros + sorted_indices of A
    expect(parts(await sparse.structuredDot(X, X.T).eval(new Map([[X, A]])))).toEqual(['csr', [4, 4], [6.25, 28.25, 1], [0, 2, 3], [0, 1, 1, 2, 3]]);
    expect(parts(sparse.clean(X).evalSync([[X, A]]))).toEqual(['csr', [4, 5], [-2, 1.5, 3, 0.5, 4, -1], [1, 3, 0, 0, 4, 2], [0, 2, 2, 5, 6]]);
    const d = T.matrix('d');
    expect(parts(sparse.csrFromDense(d).evalSync(new Map([[d, [[0, 1], [2, 0]]]])))).toEqual(['csr', [2, 2], [1, 2], [1, 0], [0, 1, 2]]);
    const S = sparse.shared(A, { name: 'S' });
    expect(parts(S.get(T.slice(3)).evalSync())).toEqual(['csr', [1, 5], [-1], [2], [0, 1]]);
    expect(parts(sparse.csrFromDense(T.constant([[0, 5]])).evalSync())).toEqual(['csr', [1, 2], [5], [1], [0, 1]]);
  });

  it('names a missing input, and refuses values by name', () => {
    const X = sparse.csrMatrix('X');
    const y = T.vector('y');
    expect(() => sparse.rowScale(X, y).evalSync()).toThrow(/eval: SparseVariable\{csr,float64\} needs a value for (X \(a sparse input\), y \(TensorType\(float64, vector\)\)|y .*, X \(a sparse input\)); pass the inputs' values in a Map/);
    expect(() => X.evalSync({ X: A } as never)).toThrow(/eval of X: a sparse variable's eval takes its inputs' values in a Map or a list of \[variable, value\] pairs \(by name is not provided\), got object/);
  });
});
