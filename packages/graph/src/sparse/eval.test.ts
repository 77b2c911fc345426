/** `x.eval()` of a sparse variable: a SparseMatrix, given the inputs (sparse or dense) in a Map, a list of pairs, or by name. */
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

  it('takes the inputs by name, a sparse input by its own name, as the dense x.eval does', async () => {
    const X = sparse.csrMatrix('X', 'float64');
    const Y = sparse.cscMatrix('Y', 'float64');
    const y = T.dvector('y');
    // scipy: A.multiply(A) (csr, sorted, the duplicate (2, 0) summed first: 3.5 ** 2), then rows scaled by y
    const m = sparse.rowScale(sparse.mul(X, Y), y);
    const Ac = SparseMatrix.fromDense(A.toDense(), 'csc');
    expect(parts(await m.eval({ X: A, Y: Ac, y: [1, 2, 3, -1] }))).toEqual(['csr', [4, 5], [4, 2.25, 36.75, 48, -1], [1, 3, 0, 4, 2], [0, 2, 2, 4, 5]]);
    expect(parts(m.evalSync({ y: [1, 1, 1, 1], Y: Ac, X: A }))).toEqual(['csr', [4, 5], [4, 2.25, 12.25, 16, 1], [1, 3, 0, 4, 2], [0, 2, 2, 4, 5]]);
    // a graph that reaches only some of X's parts (its pattern) still takes X by name
    expect(parts(sparse.spOnesLike(X).evalSync({ X: A }))).toEqual(['csr', [4, 5], [1, 1, 1, 1, 1, 1], [3, 1, 0, 0, 4, 2], [0, 2, 2, 5, 6]]);
  });

  it('names a missing input, an unknown or ambiguous name, and a plain object for a value', () => {
    const X = sparse.csrMatrix('X');
    const y = T.vector('y');
    expect(() => sparse.rowScale(X, y).evalSync()).toThrow(/eval: SparseVariable\{csr,float64\} needs a value for (X \(a sparse input\), y \(TensorType\(float64, vector\)\)|y .*, X \(a sparse input\)); pass the inputs' values by name/);
    expect(() => sparse.rowScale(X, y).evalSync({ X: A })).toThrow(/needs a value for y \(TensorType\(float64, vector\)\)/);
    expect(() => X.evalSync({ Z: A })).toThrow(/eval: X does not depend on a variable named "Z"; its inputs are \[X\]/);
    // a part's name is not an input's: X.data is X's
    expect(() => X.evalSync({ 'X.data': [1] })).toThrow(/does not depend on a variable named "X.data"/);
    const X2 = sparse.csrMatrix('X');
    expect(() => sparse.add(X, X2).evalSync({ X: A })).toThrow(/depends on 2 different variables named "X"; pass a Map/);
    expect(() => X.evalSync({ X: { data: [1] } })).toThrow(/eval: the value of X is a plain object; give a SparseMatrix for a sparse input/);
    expect(() => X.evalSync(5 as never)).toThrow(/eval of X: a sparse variable's eval takes its inputs' values in a Map, a list of \[variable, value\] pairs or an object by name, got number/);
  });
});
