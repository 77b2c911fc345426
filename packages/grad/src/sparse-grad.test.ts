/**
 * Gradients through sym.sparse: with respect to dense inputs, the dense
 * gradient; with respect to a sparse variable, structured (its pattern,
 * one derivative a stored value, duplicates each their own), as Theano's
 * structured_dot. Checked against SciPy's numbers and finite differences
 * on the data vector (a matrix of symbolic data, constant pattern).
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, verifyGrad } from './index.js';

const { T, sparse } = sym;

// the 4x5 csr matrix of graph's sparse tests: unsorted indices, a duplicate (2, 0), an empty row
const DATA = [1.5, -2, 3, 0.5, 4, -1];
const INDICES = [3, 1, 0, 0, 4, 2];
const INDPTR = [0, 2, 2, 5, 6];
const D = Array.from({ length: 5 }, (_, i) => Array.from({ length: 3 }, (_, j) => (3 * i + j) / 4 - 1));
const L = Array.from({ length: 3 }, (_, i) => Array.from({ length: 4 }, (_, j) => (4 * i + j) / 5 + 0.5));
const M = Array.from({ length: 4 }, (_, i) => Array.from({ length: 5 }, (_, j) => (5 * i + j) / 3 - 2));

const A = (data: sym.TensorVariable) => sparse.csr(data, INDICES, INDPTR, [4, 5]);
// the same matrix's transpose stored as csc: the same arrays
const At = (data: sym.TensorVariable) => sparse.csc(data, INDICES, INDPTR, [5, 4]);

describe('grad through sparse ops', () => {
  it('gives the structured gradient of structuredDot with respect to the sparse operand, SciPy numbers', () => {
    const X = sparse.csrMatrix('X');
    const d = T.matrix('d');
    const [gX, gd] = grad(T.sum(T.sqr(sparse.structuredDot(X, d))), [X, d]) as [sym.sparse.SparseVariable, sym.TensorVariable];
    expect(gX).toBeInstanceOf(sparse.SparseVariable);
    const [g, gD] = sym.function([X, d], [gX, gd]).sync(sparse.SparseMatrix.csr({ data: DATA, indices: INDICES, indptr: INDPTR, shape: [4, 5] }), D) as [sym.sparse.SparseMatrix, sym.NDArray];
    // G = 2 A @ D; each stored (r, c): G[r] @ D[c] (scipy); gD = A.T @ G
    expect(Array.from(g.indices.data)).toEqual(INDICES);
    const want = [20.125, -0.125, -26.8125, -26.8125, 87.9375, -3.625];
    Array.from(g.data.data).forEach((x, k) => expect(x).toBeCloseTo(want[k]!, 12));
    const wantD = [[31.5, 44.625, 57.75], [-9.5, -9.0, -8.5], [1.0, 1.5, 2.0], [7.125, 6.75, 6.375], [36.0, 51.0, 66.0]];
    Array.from(gD.data).forEach((x, i) => expect(x).toBeCloseTo(wantD.flat()[i]!, 12));
  });

  it.each([
    ['structuredDot(csr, D)', (x: sym.TensorVariable, d: sym.TensorVariable) => T.sum(T.sqr(sparse.structuredDot(A(x), d))), D],
    ['dot(csc, L.T)', (x: sym.TensorVariable, l: sym.TensorVariable) => T.sum(T.sin(sparse.dot(At(x), T.transpose(l)))), L],
    ['dot(L, csr)', (x: sym.TensorVariable, l: sym.TensorVariable) => T.sum(T.sqr(sparse.dot(l, A(x)))), L],
    ['mul(csr, M)', (x: sym.TensorVariable, m: sym.TensorVariable) => T.sum(T.sqr(sparse.mul(A(x), m).toDense())), M],
    ['add(csr, M)', (x: sym.TensorVariable, m: sym.TensorVariable) => T.sum(T.sqr(sparse.add(A(x), m))), M],
    ['getItemList(csc, [2, 0, 2]) and getItemScalar', (x: sym.TensorVariable, m: sym.TensorVariable) => T.add(T.sum(T.sqr(sparse.dot(sparse.getItemList(At(x), T.constant([2, 0, 2], { dtype: 'int32' })), m))), sparse.getItemScalar(At(x), 0, 2)), M],
    ['hstack and vstack', (x: sym.TensorVariable, m: sym.TensorVariable) => T.sum(T.sin(sparse.vstack([sparse.hstack([A(x), At(x).T], 'csr'), sparse.hstack([sparse.sqr(A(x)), A(x)])]).toDense())), M],
    // no position of the sum cancels to exactly 0 (x + x ** 2 would at x = -1: see the test of a dropped zero)
    ['add and sub of two sparse', (x: sym.TensorVariable, m: sym.TensorVariable) => T.sum(T.sin(sparse.dot(sparse.sub(sparse.add(A(x), sparse.mul(sparse.sqr(A(x)), 2)), At(x).T), T.transpose(m)))), M],
    ['spSum(csc, 0) and structured ops', (x: sym.TensorVariable, m: sym.TensorVariable) => T.sum(T.mul(sparse.spSum(sparse.structuredSigmoid(At(x)), 0), T.sum(m, 1))), M],
  ] as const)('matches finite differences on the data and the dense operand: %s', async (_, f, dense) => {
    const report = await verifyGrad(f, [DATA, dense]);
    expect(report.maxAbsErr).toBeLessThan(1e-6);
  });

  it('gives both operands of a sparse x sparse product the structured gradient, SciPy numbers', () => {
    // B: 5x3, A @ B cancels to an exact 0 at (0, 0), which the product drops (SciPy's A @ B)
    const B = sparse.SparseMatrix.fromDense([[1, 0, 0], [3, 0, 1], [0, 0, 0], [4, 0, 2], [0, 0.5, -2]]);
    const X = sparse.csrMatrix('X');
    const Y = sparse.cscMatrix('Y');
    const C = sparse.structuredDot(X, Y);
    const [gX, gY] = grad(T.sum(T.sqr(C.toDense())), [X, Y]) as sym.sparse.SparseVariable[];
    const A = sparse.SparseMatrix.csr({ data: DATA, indices: INDICES, indptr: INDPTR, shape: [4, 5] });
    const [ga, gb] = sym.function([X, Y], [gX!, gY!]).sync(A, sparse.SparseMatrix.fromDense(B.toDense(), 'csc')) as sym.sparse.SparseMatrix[];
    // G = 2 (A @ B); gA at A's stored (r, c): G[r] @ B[c]; gB at B's stored (r, c): A[:, r] @ G[:, c] (scipy, B's csc order)
    expect([ga!.format, Array.from(ga!.indices.data), Array.from(ga!.data.data)]).toEqual(['csr', INDICES, [4, 2, 7, 7, 34, 0]]);
    expect([gb!.format, Array.from(gb!.indices.data), Array.from(gb!.data.data)]).toEqual(['csc', [0, 1, 3, 4, 1, 3, 4], [24.5, 0, 0, 16, -4, 3, -64]]);
  });

  it('keeps the product terms where the function also differentiates the product, and drops them where nothing does (sparse_forward_only)', () => {
    const B = sparse.SparseMatrix.fromDense([[1, 0, 0], [3, 0, 1], [0, 0, 0], [4, 0, 2], [0, 0.5, -2]]);
    const A = sparse.SparseMatrix.csr({ data: DATA, indices: INDICES, indptr: INDPTR, shape: [4, 5] });
    const X = sparse.csrMatrix('X');
    const Y = sparse.csrMatrix('Y');
    const C = sparse.structuredDot(X, Y);
    const D = sparse.dot(X, Y);
    const cost = T.add(T.sum(T.sqr(C.toDense())), T.sum(T.sin(D)));
    const [gX, gY] = grad(cost, [X, Y]) as sym.sparse.SparseVariable[];
    const outputs = [C, D, gX!, gY!];
    const f = sym.function([X, Y], outputs);
    const printed = f.debugprint();
    // the terms the gradient reads come from the one stage of each product, which gives the forward values too
    expect(printed).toContain('ProductPattern{sparse}');
    expect(printed).toContain('ProductPattern{dense}');
    expect(printed).not.toContain('forward');
    const parts = (m: sym.sparse.SparseMatrix | sym.NDArray) => (m instanceof sparse.SparseMatrix ? [m.format, ...[m.data, m.indices, m.indptr].map((a) => Array.from(a.data))] : m.toArray());
    const got = (f.sync(A, B) as (sym.sparse.SparseMatrix | sym.NDArray)[]).map(parts);
    const old = (sym.function([X, Y], outputs, { optimizer: { excluding: ['sparse_forward_only'] } }).sync(A, B) as (sym.sparse.SparseMatrix | sym.NDArray)[]).map(parts);
    expect(got).toEqual(old);
    // scipy: (A @ B).sorted_indices()
    expect(got[0]).toEqual(['csr', [1, 3.5, 2, -8], [2, 0, 1, 2], [0, 1, 1, 4, 4]]);
    // the gradient alone, its cost's products not outputs: still the stages with terms
    expect(sym.function([X, Y], [gX!, gY!]).debugprint()).not.toContain('forward');
    // the forward values alone: the stages without them
    const forward = sym.function([X, Y], [C, D]);
    expect(forward.debugprint()).toContain('ProductPattern{sparse, forward}');
    expect((forward.sync(A, B) as (sym.sparse.SparseMatrix | sym.NDArray)[]).map(parts)).toEqual(got.slice(0, 2));
  });

  it.each([
    // B of the test above with 5 for its 4, so that no product position cancels to exactly 0
    ['structuredDot(csr, csr)', (x: sym.TensorVariable, y: sym.TensorVariable) => T.sum(T.sin(sparse.structuredDot(A(x), sparse.csr(y, [0, 0, 2, 0, 2, 1, 2], [0, 1, 3, 3, 5, 7], [5, 3])).toDense())), [1, 3, 1, 5, 2, 0.5, -2]],
    ['dot(csc, csc) (dense)', (x: sym.TensorVariable, y: sym.TensorVariable) => T.sum(T.sqr(sparse.dot(At(x), sparse.csc(y, [0, 1, 3, 2, 0, 1, 3], [0, 3, 4, 7], [4, 3])))), [1, 3, 4, 0.25, 0.5, 1, 2]],
    ['structuredDot(csc, csr) twice', (x: sym.TensorVariable, y: sym.TensorVariable) => {
      const B = sparse.csr(y, [0, 0, 2, 0, 2, 1, 2], [0, 1, 3, 3, 5, 7], [5, 3]);
      return T.sum(T.sin(sparse.structuredDot(sparse.structuredDot(At(x).T, B), B.T).toDense()));
    }, [1, 3, 1, 5, 2, 0.5, -2]],
    ['mul(csr, csc) (elementwise, where both store)', (x: sym.TensorVariable, y: sym.TensorVariable) => T.sum(T.sin(sparse.mul(A(x), sparse.csc(y, [0, 2, 1, 0, 2, 2], [0, 2, 2, 3, 4, 6], [4, 5])).toDense())), [1, 3, 1, 5, 2, 0.5]],
    // (0, 2) stored twice in both; (3, 0) and (4, 1) stored in one only
    ['mul(csc, csr) (repeated positions in both)', (x: sym.TensorVariable, y: sym.TensorVariable) => T.sum(T.sqr(sparse.mul(At(x), sparse.csr(y, [2, 2, 0, 0, 2, 1], [0, 2, 3, 3, 4, 6], [5, 4])).data)), [1, 3, 1, 5, 2, 0.5]],
    // away from zeros: a stored 0 is dropped, and its derivative with it (the next test)
    ['clean and remove0', (x: sym.TensorVariable, y: sym.TensorVariable) => T.add(T.sum(T.sin(sparse.clean(A(x)).toDense())), T.sum(T.sqr(sparse.remove0(A(y)).data))), [0.5, 1, -3, 2, 3, -1]],
  ] as const)('matches finite differences on both sparse operands: %s', async (_, f, other) => {
    const report = await verifyGrad(f, [DATA, other]);
    expect(report.maxAbsErr).toBeLessThan(1e-6);
  });

  it('gives slices (getItem2d) the structured gradient: a value outside the window 0', async () => {
    const s = T.slice;
    const f = (x: sym.TensorVariable) => T.add(T.sum(T.sin(A(x).get(s(-3, null), s(null, null, -2)).toDense())), T.sum(T.sqr(At(x).get(s(1, 4)).data)));
    expect((await verifyGrad(f, [DATA])).maxAbsErr).toBeLessThan(1e-6);
    const x = T.vector('x');
    // A[1:3] holds (2, 0) twice and (2, 4): DATA[2:5]
    const g = sym.function([x], grad(T.sum(A(x).get(s(1, 3)).data), x)).sync(DATA) as sym.NDArray;
    expect(Array.from(g.data)).toEqual([0, 0, 1, 1, 1, 0]);
  });

  it('gives a stored value dropped as 0 (remove0, a sum or product that cancels) no derivative, as Theano (its gradient is the result\'s)', () => {
    const X = sparse.csrMatrix('X');
    // Z: zeros stored at (0, 2) and (0, 1); row 0 unsorted
    const Z = sparse.SparseMatrix.csr({ data: [0, 2, 0, -1, 3], indices: [2, 0, 1, 1, 0], indptr: [0, 3, 3, 5], shape: [3, 3] });
    const g = sym.function([X], grad(T.sum(T.sqr(sparse.clean(X).toDense())), X)).sync(Z) as sym.sparse.SparseMatrix;
    expect([Array.from(g.indices.data), Array.from(g.data.data)]).toEqual([[2, 0, 1, 1, 0], [0, 4, 0, -2, 6]]);
    // x + x ** 2 cancels at x = -1 (A's last value): the position is dropped, and the derivative there is 0, not 1 + 2x
    const x = T.vector('x');
    const gx = sym.function([x], grad(T.sum(T.sin(sparse.add(A(x), sparse.sqr(A(x))).toDense())), x)).sync(DATA) as sym.NDArray;
    expect(gx.data[5]).toBe(0);
  });

  it('gives a dense input the gradient through csrFromDense (zero where it was zero)', async () => {
    const d = T.matrix('d');
    const g = sym.function([d], grad(T.sum(T.sqr(sparse.csrFromDense(d).toDense())), d)).sync([[0, 2], [3, 0]]) as sym.NDArray;
    expect(g.toArray()).toEqual([[0, 4], [6, 0]]);
    expect((await verifyGrad((x) => T.sum(T.exp(sparse.spSum(sparse.cscFromDense(x), 1))), [[[1, 2], [3, 4]]])).maxAbsErr).toBeLessThan(1e-6);
  });
});
