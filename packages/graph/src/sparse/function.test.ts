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

  // a concatenate into S.data alone succeeded, and S's later calls failed with confusing messages
  it('refuses an update that changes the length of one part without the others, before the call commits', () => {
    const S = sparse.shared(value(), { name: 'S' });
    const calls = sym.shared(0, { name: 'calls' });
    const f = sym.function([], null, { updates: [[S.data, T.concatenate([S.data, S.data])], [calls, T.add(calls, 1)]] });
    expect(() => f.sync()).toThrow(
      'function: the update of S.data changes its length from 3 to 6 without S.indices, S.indptr, S.majorIds: a sparse shared variable\'s parts must change together (update data, indices, indptr and majorIds at once for a new pattern)',
    );
    expect([calls.getValue().item(), S.getValue().nnz]).toEqual([0, 3]);
    const g = sym.function([], null, { updates: [[S.indices, T.get(S.indices, T.slice(1, null))]] });
    expect(() => g.sync()).toThrow(/the update of S\.indices changes its length from 3 to 2 without S\.data, S\.indptr, S\.majorIds/);
  });

  it('takes a new pattern when every part is updated, and refuses parts that disagree on its nnz', () => {
    const S = sparse.shared(value(), { name: 'S' });
    const [d, i, p, m] = [T.vector('d'), T.ivector('i'), T.ivector('p'), T.ivector('m')];
    const f = sym.function([d, i, p, m], null, { updates: [[S.data, d], [S.indices, i], [S.indptr, p], [S.majorIds, m]] });
    f.sync([5, 6], [1, 0], [0, 1, 2], [0, 1]);
    expect(S.getValue().toDense().toArray()).toEqual([[0, 5, 0], [6, 0, 0]]);
    expect(() => f.sync([5, 6], [1], [0, 1, 2], [0, 1])).toThrow("function: the update of S.indices gives 1 entries but the update of S.data 2: a sparse shared variable's parts must change together, one entry a stored value");
    expect(S.getValue().nnz).toBe(2);
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
