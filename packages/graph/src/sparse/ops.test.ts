/**
 * sym.sparse's ops against SciPy 1.17's numbers (computed once, written
 * here): a 4x5 csr matrix with unsorted indices, a duplicate (2, 0) and an
 * empty row, its transpose as csc, an empty (nnz 0) matrix, float32 and
 * float64.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const { sparse } = sym;
const { SparseMatrix } = sparse;

// scipy.sparse.csr_matrix((data, indices, indptr), shape=(4, 5))
const PARTS = { data: [1.5, -2, 3, 0.5, 4, -1], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] as [number, number] };
const DENSE = [[0, -2, 0, 1.5, 0], [0, 0, 0, 0, 0], [3.5, 0, 0, 0, 4], [0, 0, -1, 0, 0]];
// D = arange(15).reshape(5, 3) / 4 - 1, M = arange(20).reshape(4, 5) / 3 - 2, L = arange(12).reshape(3, 4) / 5 + 0.5
const D = Array.from({ length: 5 }, (_, i) => Array.from({ length: 3 }, (_, j) => (3 * i + j) / 4 - 1));
const M = Array.from({ length: 4 }, (_, i) => Array.from({ length: 5 }, (_, j) => (5 * i + j) / 3 - 2));
const L = Array.from({ length: 3 }, (_, i) => Array.from({ length: 4 }, (_, j) => (4 * i + j) / 5 + 0.5));
const AD = [[2.375, 2.25, 2.125], [0, 0, 0], [4.5, 6.375, 8.25], [-0.5, -0.75, -1]];
const LA = [[3.15, -1.0, -1.1, 0.75, 3.6], [5.95, -2.6, -1.9, 1.9500000000000002, 6.8], [8.75, -4.2, -2.7, 3.1500000000000004, 10.0]];
const MUL = [[0, 3.3333333333333335, 0, -1.5, 0], [0, 0, 0, 0, 0], [4.666666666666667, 0, 0, 0, 10.666666666666668], [0, 0, -3.666666666666667, 0, 0]];
const ADD = [
  [-2.0, -3.666666666666667, -1.3333333333333335, 0.5, -0.6666666666666667],
  [-0.33333333333333326, 0.0, 0.3333333333333335, 0.6666666666666665, 1.0],
  [4.833333333333334, 1.6666666666666665, 2.0, 2.333333333333333, 6.666666666666667],
  [3.0, 3.333333333333333, 2.666666666666667, 4.0, 4.333333333333333],
];
const V = [1, -1, 2, 0.5, 3];
const AV = [2.75, 0, 15.5, -2];

const tr = (m: number[][]) => m[0]!.map((_, j) => m.map((r) => r[j]!));

function close(got: sym.NDArray | sym.sparse.SparseMatrix, want: number[] | number[][] | number, dtype: sym.DType): void {
  const a = got instanceof sym.NDArray ? got : got.toDense();
  expect(a.dtype).toBe(dtype);
  const flat = (Array.isArray(want) ? want.flat() : [want]) as number[];
  const tol = dtype === 'float32' ? 1e-5 : 1e-12;
  expect(a.size).toBe(flat.length);
  Array.from(a.data).forEach((x, i) => expect(Math.abs(Number(x) - flat[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(flat[i]!))));
}

describe.each(['float64', 'float32'] as const)('sparse ops (%s)', (dtype) => {
  const A = SparseMatrix.csr(PARTS, { dtype });
  const At = A.transpose(); // csc, 5x4
  const dense = (x: number[][] | number[]) => sym.array(x, { dtype });

  it('converts to dense, csr and csc', () => {
    const X = sparse.csrMatrix('X', dtype);
    const Y = sparse.cscMatrix('Y', dtype);
    const [a, b] = sym.function([X, Y], [sparse.denseFromSparse(X), Y.toDense()]).sync(A, At) as sym.NDArray[];
    close(a!, DENSE, dtype);
    close(b!, tr(DENSE), dtype);
    const Dx = T.matrix('Dx', dtype);
    const [c, s] = sym.function([Dx], [sparse.csrFromDense(Dx), sparse.cscFromDense(Dx)]).sync(dense(DENSE)) as sym.sparse.SparseMatrix[];
    // scipy: csr_matrix(A.toarray()) and its tocsc(): duplicates summed, indices sorted
    expect([c!.format, Array.from(c!.indptr.data), Array.from(c!.indices.data)]).toEqual(['csr', [0, 2, 2, 4, 5], [1, 3, 0, 4, 2]]);
    close(c!.data, [-2, 1.5, 3.5, 4, -1], dtype);
    expect([s!.format, Array.from(s!.indptr.data), Array.from(s!.indices.data)]).toEqual(['csc', [0, 1, 2, 3, 4, 5], [2, 0, 3, 0, 2]]);
    close(s!.data, [3.5, -2, -1, 1.5, 4], dtype);
  });

  it('multiplies by dense matrices and vectors (structuredDot, dot)', () => {
    const X = sparse.csrMatrix('X', dtype);
    const Y = sparse.cscMatrix('Y', dtype);
    const d = T.matrix('d', dtype);
    const l = T.matrix('l', dtype);
    const v = T.vector('v', dtype);
    const f = sym.function([X, Y, d, l, v], [sparse.structuredDot(X, d), sparse.dot(l, X), sparse.dot(X, v), sparse.dot(Y, T.transpose(l)), sparse.dot(T.transpose(d), Y), X.dot(d)]);
    const [xd, lx, xv, yl, dy, xd2] = f.sync(A, At, dense(D), dense(L), dense(V)) as sym.NDArray[];
    close(xd!, AD, dtype);
    close(lx!, LA, dtype);
    close(xv!, AV, dtype);
    close(yl!, tr(LA), dtype);
    close(dy!, tr(AD), dtype);
    close(xd2!, AD, dtype);
  });

  it('sums, transposes, multiplies and adds elementwise', () => {
    const X = sparse.csrMatrix('X', dtype);
    const Y = sparse.cscMatrix('Y', dtype);
    const m = T.matrix('m', dtype);
    const f = sym.function([X, Y, m], [sparse.spSum(X), sparse.spSum(X, 0), sparse.spSum(X, 1), sparse.spSum(Y, 0), Y.sum(-1), sparse.add(X, m), sparse.sub(m, X), X.T.toDense()]);
    const [all, s0, s1, y0, y1, add, sub, xt] = f.sync(A, At, dense(M)) as sym.NDArray[];
    close(all!, 6, dtype);
    close(s0!, [3.5, -2, -1, 1.5, 4], dtype);
    close(s1!, [-0.5, 0, 7.5, -1], dtype);
    close(y0!, [-0.5, 0, 7.5, -1], dtype);
    close(y1!, [3.5, -2, -1, 1.5, 4], dtype);
    close(add!, ADD, dtype);
    close(sub!, M.map((r, i) => r.map((x, j) => x - DENSE[i]![j]!)), dtype);
    close(xt!, tr(DENSE), dtype);
    const g = sym.function([X, m], [sparse.mul(X, m), sparse.mul(m, X), sparse.mul(X, T.constant(2, { dtype }))]);
    const [p, q, twice] = g.sync(A, dense(M)) as sym.sparse.SparseMatrix[];
    // the pattern kept (6 stored values, the duplicate too), the values SciPy's A.multiply(M)
    expect([p!.format, p!.nnz, q!.nnz]).toEqual(['csr', 6, 6]);
    close(p!, MUL, dtype);
    close(q!, MUL, dtype);
    close(twice!, DENSE.map((r) => r.map((x) => 2 * x)), dtype);
  });

  it('adds and subtracts two sparse matrices, sparse in the format of the first', () => {
    const X = sparse.csrMatrix('X', dtype);
    const Y = sparse.cscMatrix('Y', dtype);
    // B: scipy.sparse.csc_matrix of [[1, 0, 0, 0, 2], [0, 3, 0, 0, 0], [0, 0, 0, 0, 0], [4, 0, 0, 0, 5]]
    const Bd = [[1, 0, 0, 0, 2], [0, 3, 0, 0, 0], [0, 0, 0, 0, 0], [4, 0, 0, 0, 5]];
    const B = SparseMatrix.fromDense(Bd, 'csc', { dtype });
    const [s, d] = sym.function([X, Y], [sparse.add(X, Y), sparse.sub(Y, X)]).sync(A, B) as sym.sparse.SparseMatrix[];
    // SciPy's (A + B).sorted_indices() and (B - A).sorted_indices(): canonical, the duplicate (2, 0) and the positions both hold summed (6 + 5 stored values, 10 positions)
    expect([s!.format, s!.nnz, Array.from(s!.indptr.data), Array.from(s!.indices.data)]).toEqual(['csr', 10, [0, 4, 5, 7, 10], [0, 1, 3, 4, 1, 0, 4, 0, 2, 4]]);
    close(s!, DENSE.map((r, i) => r.map((x, j) => x + Bd[i]![j]!)), dtype);
    expect(Array.from(s!.data.data)).toEqual([1, -2, 1.5, 2, 3, 3.5, 4, 4, -1, 5]);
    expect([d!.format, d!.nnz, Array.from(d!.indptr.data), Array.from(d!.indices.data)]).toEqual(['csc', 10, [0, 3, 5, 6, 7, 10], [0, 2, 3, 0, 1, 3, 0, 0, 2, 3]]);
    close(d!, DENSE.map((r, i) => r.map((x, j) => Bd[i]![j]! - x)), dtype);
    // repeated sums keep the positions' count (they doubled the stored values each time): A's 5 positions, its duplicate (2, 0) summed
    const thrice = sym.function([X], sparse.add(sparse.add(X, X), X)).sync(A) as sym.sparse.SparseMatrix;
    expect([thrice.nnz, Array.from(thrice.indices.data)]).toEqual([5, [1, 3, 0, 4, 2]]);
    close(thrice, DENSE.map((r) => r.map((x) => 3 * x)), dtype);
    // SciPy's A - A stores nothing, and A + C drops the positions that cancel (0, 3) and (2, 0) (A's duplicate summed: 3.5)
    const C = SparseMatrix.csr({ data: [-1.5, -3.5, 2], indices: [3, 0, 1], indptr: [0, 1, 1, 3, 3], shape: [4, 5] }, { dtype });
    const Z = sparse.csrMatrix('Z', dtype);
    const [none, some] = sym.function([X, Z], [sparse.sub(X, X), sparse.add(X, Z)]).sync(A, C) as sym.sparse.SparseMatrix[];
    expect([none!.nnz, Array.from(none!.indptr.data)]).toEqual([0, [0, 0, 0, 0, 0]]);
    expect([some!.nnz, Array.from(some!.indptr.data), Array.from(some!.indices.data), Array.from(some!.data.data)]).toEqual([4, [0, 1, 1, 3, 4], [1, 1, 4, 2], [-2, 2, 4, -1]]);
    expect(() => sym.function([X, Y], sparse.add(X, Y)).sync(A, SparseMatrix.fromDense([[1]], 'csc', { dtype }))).toThrow(/sparse\.add: the operands' shapes differ: x has (4 rows|5 columns), y 1/);
  });

  it('maps the stored values, pattern kept (structured ops)', () => {
    const X = sparse.csrMatrix('X', dtype);
    const y = T.vector('y', dtype);
    const f = sym.function([X, y], [sparse.sqr(X), sparse.neg(X), sparse.structuredExp(X), sparse.structuredPow(X, T.constant(3, { dtype })), sparse.structuredAdd(X, y), sparse.rowScale(X, T.constant([1, 2, 3, 4], { dtype })), sparse.colScale(X, y)]);
    const [sq, ng, ex, pw, ad, rs, cs] = f.sync(A, dense(V)) as sym.sparse.SparseMatrix[];
    for (const r of [sq, ng, ex, pw, ad, rs, cs]) expect(Array.from(r!.indices.data)).toEqual(PARTS.indices);
    close(sq!.data, PARTS.data.map((x) => x * x), dtype);
    close(ng!.data, PARTS.data.map((x) => -x), dtype);
    close(ex!.data, PARTS.data.map(Math.exp), dtype);
    close(pw!.data, PARTS.data.map((x) => x ** 3), dtype);
    close(ad!.data, PARTS.data.map((x, k) => x + V[PARTS.indices[k]!]!), dtype);
    close(rs!.data, PARTS.data.map((x, k) => x * [1, 1, 3, 3, 3, 4][k]!), dtype);
    close(cs!.data, PARTS.data.map((x, k) => x * V[PARTS.indices[k]!]!), dtype);
  });

  it('handles a matrix with no stored values', () => {
    const E = SparseMatrix.csr({ data: [], indices: [], indptr: [0, 0, 0, 0], shape: [3, 2] }, { dtype });
    const X = sparse.csrMatrix('X', dtype);
    const d = T.matrix('d', dtype);
    const f = sym.function([X, d], [X.toDense(), sparse.structuredDot(X, d), sparse.spSum(X, 1), sparse.spSum(X)]);
    const [z, p, s1, s] = f.sync(E, dense([[1, 2, 3, 4], [5, 6, 7, 8]])) as sym.NDArray[];
    close(z!, [[0, 0], [0, 0], [0, 0]], dtype);
    close(p!, [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], dtype);
    close(s1!, [0, 0, 0], dtype);
    close(s!, 0, dtype);
    const c = sym.function([d], sparse.csrFromDense(d)).sync(dense([[0, 0], [0, 0]]));
    expect([c.nnz, Array.from(c.indptr.data), c.shape]).toEqual([0, [0, 0, 0], [2, 2]]);
  });
});

describe('sparse errors', () => {
  const A = SparseMatrix.csr(PARTS);

  it('checks the dense operand against the sparse shape when the function runs', () => {
    const X = sparse.csrMatrix('X');
    const d = T.matrix('d');
    expect(() => sym.function([X, d], sparse.structuredDot(X, d)).sync(A, [[1], [2], [3]])).toThrow(/sparse\.structuredDot: y \(d\) has 3 rows \(shape \(3, 1\)\) but the sparse operand has 5 columns/);
    expect(() => sym.function([X, d], sparse.mul(X, d)).sync(A, M.slice(0, 3))).toThrow(/sparse\.mul: d \(the dense operand\) has 3 rows .* but the sparse operand has 4 rows/);
    expect(() => T.dot(X as never, d)).toThrow(/dot: got the sparse variable X, which dense ops do not take; use sym\.sparse's ops/);
    expect(() => sparse.structuredDot(d as unknown as sym.sparse.SparseVariable, d)).toThrow(/sparse\.structuredDot: x must be a sparse variable .* got the dense d of type/);
  });

  it('names the input and what it expects for a bad argument', () => {
    const X = sparse.csrMatrix('X', 'float32');
    const f = sym.function([X], sparse.spSum(X));
    expect(() => f.sync(DENSE)).toThrow(/function: argument 0 \(X\): expected a csr SparseMatrix of float32 .* got a dense value: an array of length 4/);
    expect(() => f.sync(A.transpose())).toThrow(/argument 0 \(X\): expected a csr SparseMatrix of float32, got a csc one/);
    expect(() => f.sync(A)).toThrow(/argument 0 \(X\): expected a csr SparseMatrix of float32, got one of float64, which float32 cannot hold without loss/);
    expect(f.sync(SparseMatrix.csr(PARTS, { dtype: 'float32' })).item()).toBe(6);
    // by name, as Theano's keyword arguments
    expect(f.sync({ X: SparseMatrix.csr(PARTS, { dtype: 'float32' }) }).item()).toBe(6);
    expect(() => f.sync()).toThrow(/function: argument 0 \(X\): missing; expected a csr SparseMatrix of float32/);
    expect(() => f.sync(A, A)).toThrow(/function: expected at most 1 argument, got 2/);
    // a string axis shown quoted ("got 0" read as the number)
    expect(() => sparse.spSum(X, '0' as never)).toThrow('sparse.spSum: axis must be null, 0 or 1 (or -1, -2), got "0"');
    expect(() => sparse.spSum(X, 2)).toThrow('sparse.spSum: axis must be null, 0 or 1 (or -1, -2), got 2');
    const y = T.vector('y');
    const g = sym.function([y, X], T.add(T.sum(y), sparse.spSum(X)));
    expect(g.sync([1], { X: SparseMatrix.csr(PARTS, { dtype: 'float32' }) }).item()).toBe(7);
    expect(() => g.sync([1])).toThrow(/function: argument 1 \(X\): missing/);
  });

  it('checks unused inputs as the user listed them', () => {
    const X = sparse.csrMatrix('X');
    const y = T.vector('y');
    expect(() => sym.function([X, y], T.sum(y))).toThrow(/function: input 0 \(X\) is not needed/);
    expect(() => sym.function([X, y], sparse.spSum(X))).toThrow(/function: input 1 \(y\) is not needed/);
    expect(sym.function([X, y], T.sum(y), { onUnusedInput: 'ignore' }).sync(A, [1, 2]).item()).toBe(3);
    // the policy checked as a dense function's (a sparse function's dense one is told 'ignore')
    expect(() => sym.function([X, y], T.sum(y), { onUnusedInput: 'skip' as never })).toThrow("function: onUnusedInput must be 'raise', 'warn' or 'ignore'; got \"skip\"");
    expect(() => sym.function([sparse.csrFromDense(T.matrix('m'))], T.constant(1))).toThrow(/function: input 0 .* is computed .* a sparse input is made by sparse\.csrMatrix or sparse\.cscMatrix/);
  });
});

describe('sparse.shared', () => {
  it('is read by functions, set by setValue, and its values trained by an update of its data', () => {
    const S = sparse.shared(SparseMatrix.csr(PARTS), { name: 'S' });
    const d = T.matrix('d');
    const f = sym.function([d], sparse.structuredDot(S, d));
    close(f.sync(D) as sym.NDArray, AD, 'float64');
    const step = sym.function([], [], { updates: [[S.data, S.data.mul(2)]] });
    step.sync();
    expect(Array.from(S.getValue().data.data)).toEqual(PARTS.data.map((x) => 2 * x));
    S.setValue(SparseMatrix.fromDense([[1, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 2]]));
    close(f.sync(D) as sym.NDArray, [D[0]!, [0, 0, 0], [0, 0, 0], D[4]!.map((x) => 2 * x)], 'float64');
    expect(String(S.getValue())).toContain('with 2 stored elements and shape (4, 5)');
    expect(() => S.setValue(SparseMatrix.fromDense([[1]]))).toThrow(/S\.setValue: expected shape \(4, 5\), got \(1, 1\)/);
    expect(() => S.setValue(SparseMatrix.fromDense([[1]], 'csc'))).toThrow(/S\.setValue: expected a csr matrix of float64, got a csc matrix of float64/);
  });
});
