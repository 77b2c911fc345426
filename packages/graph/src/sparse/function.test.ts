/**
 * sym.function's handling of SparseMatrix arguments (sparse/function.ts):
 * the options that apply to dense inputs apply to sparse ones too.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const { sparse } = sym;
const { SparseMatrix } = sparse;

describe('sparse function arguments', () => {
  // Theano's SparseType.filter casts the data when allow_input_downcast is set and the formats agree
  it('casts a float64 SparseMatrix into a float32 input with allowInputDowncast, and refuses it without', () => {
    const X = sparse.csrMatrix('X', 'float32');
    const A = SparseMatrix.csr({ data: [1.1, -2, 3], indices: [2, 0, 1], indptr: [0, 1, 1, 3], shape: [3, 3] });
    const f = sym.function([X], X.toDense(), { allowInputDowncast: true });
    const got = f.sync(A) as sym.NDArray;
    expect(got.dtype).toBe('float32');
    expect(Array.from(got.data)).toEqual([0, 0, Math.fround(1.1), 0, 0, 0, -2, 3, 0]);
    // by name as well
    expect(Array.from((f.sync({ X: A }) as sym.NDArray).data)).toEqual(Array.from(got.data));
    expect(() => sym.function([X], X.toDense()).sync(A)).toThrow(/argument 0 \(X\): expected a csr SparseMatrix of float32, got one of float64, which float32 cannot hold without loss/);
  });

  it('says a dense value came where a SparseMatrix was expected', () => {
    const X = sparse.cscMatrix('X');
    const f = sym.function([X], X.toDense());
    expect(() => f.sync([[1, 2]])).toThrow(/argument 0 \(X\): expected a csc SparseMatrix of float64 \(SparseMatrix\.csc\(\.\.\.\) or SparseMatrix\.fromDense\(x, 'csc'\)\), got a dense value: /);
    expect(() => f.sync(T.matrix('m'))).toThrow(/argument 0 \(X\): expected a csc SparseMatrix/);
  });
});

describe('sparse shared variables in updates', () => {
  const value = () => SparseMatrix.fromDense([[1, 0, 2], [0, 0, 3]]);

  it('says an update of the whole variable is made through its parts (it said S is not a shared variable)', () => {
    const S = sparse.shared(value(), { name: 'S' });
    const X = sparse.csrMatrix('X');
    const message = 'function: update 0 targets the sparse shared variable S, which is updated through its parts, shared variables of their own: [S.data, newData] for new values in its pattern (or S.data, S.indices, S.indptr and S.majorIds together for a new pattern of its shape)';
    // a dense function, and one of sparse inputs
    expect(() => sym.function([], null, { updates: [[S as never, sparse.mul(S, 2) as never]] })).toThrow(message);
    expect(() => sym.function([X], X.toDense(), { updates: [[S as never, sparse.mul(S, 2) as never]] })).toThrow(message);
    expect(() => sym.function([], null, { updates: new Map([[S as never, T.ones([2, 3]) as never]]) })).toThrow(/update 0 targets the sparse shared variable S/);
  });

  it('updates its data, as the guide shows', () => {
    const S = sparse.shared(value(), { name: 'S' });
    sym.function([], null, { updates: [[S.data, T.mul(S.data, 3)]] }).sync();
    expect(S.getValue().toDense().toArray()).toEqual([[3, 0, 6], [0, 0, 9]]);
  });
});

describe('getItemScalar dtype', () => {
  // Theano's GetItemScalar gives a scalar of x's dtype, as SciPy's A[i, j] (numpy.int8 for an int8 matrix; duplicates wrap as int8 arithmetic)
  it("is x's dtype, integers included", () => {
    const X = sparse.csrMatrix('X', 'int8');
    const [i, j] = [T.scalar('i', 'int32'), T.scalar('j', 'int32')];
    const f = sym.function([X, i, j], sparse.getItemScalar(X, i, j));
    const A = SparseMatrix.csr({ data: sym.array([100, 100, 7], { dtype: 'int8' }), indices: [1, 1, 0], indptr: [0, 2, 3], shape: [2, 2] });
    const dup = f.sync(A, 0, 1) as sym.NDArray;
    expect([dup.dtype, dup.item()]).toEqual(['int8', -56]);
    expect((f.sync(A, -1, 0) as sym.NDArray).item()).toBe(7);
    const F = sparse.cscMatrix('F', 'float32');
    expect(sym.function([F, i, j], sparse.getItemScalar(F, i, j)).sync(SparseMatrix.fromDense([[0, 2.5]], 'csc', { dtype: 'float32' }), 0, 1).dtype).toBe('float32');
  });
});
