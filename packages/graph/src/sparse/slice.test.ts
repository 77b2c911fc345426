/**
 * sparse.getItem2d (`x.get(T.slice(...), T.slice(...))`) against SciPy
 * 1.17's slicing of A, the 4x5 csr matrix of the other sparse tests
 * (unsorted indices, a duplicate (2, 0), an empty row), and of the same
 * arrays read as a 5x4 csc matrix (A.T): parts as SciPy stores them.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const { sparse } = sym;
const { SparseMatrix } = sparse;

const PARTS = { data: [1.5, -2, 3, 0.5, 4, -1], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6] };
const parts = (m: sym.sparse.SparseMatrix) => [m.format, m.shape, Array.from(m.data.data), Array.from(m.indices.data), Array.from(m.indptr.data)];
const s = T.slice;

describe.each(['float64', 'float32'] as const)('sparse slicing (%s)', (dtype) => {
  const A = SparseMatrix.csr({ ...PARTS, shape: [4, 5] }, { dtype });
  const C = SparseMatrix.csc({ ...PARTS, shape: [5, 4] }, { dtype });

  it('slices rows and columns of csr, as SciPy (steps, negative and clamped bounds)', () => {
    const X = sparse.csrMatrix('X', dtype);
    const outs = [X.get(s(1, 3)), X.get(s(1, 3), s(0, 2)), X.get(s(null, null, -1)), X.get(s(-3), s(1, null, 2)), X.get(s(), s(null, null, -2)), sparse.getItem2d(X, s(2, 10)), X.get(s(3, 1))];
    const got = (sym.function([X], outs).sync(A) as sym.sparse.SparseMatrix[]).map(parts);
    expect(got).toEqual([
      ['csr', [2, 5], [3, 0.5, 4], [0, 0, 4], [0, 0, 3]],
      ['csr', [2, 2], [3, 0.5], [0, 0], [0, 0, 2]],
      ['csr', [4, 5], [-1, 3, 0.5, 4, 1.5, -2], [2, 0, 0, 4, 3, 1], [0, 1, 4, 4, 6]],
      ['csr', [3, 2], [], [], [0, 0, 0, 0]],
      ['csr', [4, 3], [3, 0.5, 4, -1], [2, 2, 0, 1], [0, 0, 0, 3, 4]],
      ['csr', [2, 5], [3, 0.5, 4, -1], [0, 0, 4, 2], [0, 3, 4]],
      ['csr', [0, 5], [], [], [0]],
    ]);
  });

  it('slices csc, and takes symbolic bounds', () => {
    const Y = sparse.cscMatrix('Y', dtype);
    const i = T.scalar('i', 'int32');
    const f = sym.function([Y, i], [Y.get(s(1, 4), s(2)), Y.get(s(), s(null, null, -1)), Y.get(s(i, T.add(i, 3)), s(2))]);
    const [a, b, c] = (f.sync(C, 1) as sym.sparse.SparseMatrix[]).map(parts);
    expect(a).toEqual(['csc', [3, 2], [-1], [1], [0, 0, 1]]);
    expect(b).toEqual(['csc', [5, 4], [-1, 3, 0.5, 4, 1.5, -2], [2, 0, 0, 4, 3, 1], [0, 1, 4, 4, 6]]);
    expect(c).toEqual(a);
    // another window from the same function: the shape comes from the bounds' values
    expect(parts((f.sync(C, 0) as sym.sparse.SparseMatrix[])[2]!)[1]).toEqual([3, 2]);
  });

  it('picks by x.get as Theano indexes: slices, two integers (a dense scalar), an integer list', () => {
    const X = sparse.csrMatrix('X', dtype);
    const [e, rows] = sym.function([X], [X.get(2, 0), X.get(T.constant([2, 0], { dtype: 'int32' }))]).sync(A) as [sym.NDArray, sym.sparse.SparseMatrix];
    expect(e.item()).toBe(3.5);
    expect(rows.toDense().toArray()).toEqual([[3.5, 0, 0, 0, 4], [0, -2, 0, 1.5, 0]]);
  });
});

describe('sparse slicing errors', () => {
  const X = sparse.csrMatrix('X');
  it('names what was wrong', () => {
    expect(() => X.get(s(0, 2), 1 as never)).toThrow(/sparse\.getItem2d: the column index must be a slice \(T\.slice\(start, stop, step\)\), got 1/);
    expect(() => X.get(s(0.5, 2))).toThrow(/sparse\.getItem2d: the row slice's start must be an integer scalar, got 0\.5/);
    expect(() => X.get(s(0, T.scalar('f')))).toThrow(/sparse\.getItem2d: the row slice's stop must be an integer scalar, got f of type/);
    const f = sym.function([X], X.get(s(null, null, 0)));
    expect(() => f.sync(SparseMatrix.csr({ ...PARTS, shape: [4, 5] }))).toThrow("sparse.getItem2d: the row slice's step must not be zero (Python's ValueError: slice step cannot be zero)");
  });
});
