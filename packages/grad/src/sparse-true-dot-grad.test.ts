/**
 * sparse.trueDot's full gradient (Theano's TrueDot: "regular, not
 * structured"): with respect to a sparse operand, the sparse matrix of
 * gz @ y.T, non-zero where x stores nothing too; gz is structured on the
 * product's pattern, as Theano's dense_from_sparse gives it. Reference
 * numbers computed once with NumPy/SciPy (Theano's formulas: gx =
 * csr_matrix(gz @ y.T), gy = x.T @ gz), and finite differences at every
 * position of x's dense matrix, stored or not.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from './index.js';

const { T, sparse } = sym;
const { SparseMatrix } = sparse;

// the 4x5 csr matrix of the other sparse tests (unsorted indices, a duplicate (2, 0), an empty row)
const A = SparseMatrix.csr({ data: [1.5, -2, 3, 0.5, 4, -1], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] });
// A @ W cancels to an exact 0 at (0, 0): the product does not store it
const W = [[1, 0, 0], [3, 0, 1], [0, 0, 0], [4, 0, 2], [0, 0.5, -2]];
const C = Array.from({ length: 4 }, (_, i) => Array.from({ length: 3 }, (_, j) => (3 * i + j - 5) / 4));
const parts = (m: sym.sparse.SparseMatrix) => [m.format, Array.from(m.data.data), Array.from(m.indices.data), Array.from(m.indptr.data)];

describe('sparse.trueDot gradients', () => {
  it("gives a sparse x the full gradient (gz @ W.T, where x stores nothing too) and W x.T @ gz, SciPy numbers", () => {
    const X = sparse.csrMatrix('X', 'float64');
    const w = T.dmatrix('w');
    const c = T.dmatrix('c');
    const [gX, gw] = grad(T.sum(T.mul(sparse.trueDot(X, w).toDense(), c)), [X, w]) as [sym.sparse.SparseVariable, sym.TensorVariable];
    const [g, gW] = sym.function([X, w, c], [gX, gw]).sync(A, W, C) as [sym.sparse.SparseMatrix, sym.NDArray];
    // scipy: csr_matrix((C * (A @ W != 0)) @ W.T), sorted; A.T @ (C * mask)
    expect(parts(g)).toEqual(['csr', [-0.75, -1.5, 1.5, 0.25, 1.5, 2.5, -1.25], [1, 3, 4, 0, 1, 3, 4], [0, 3, 3, 7, 7]]);
    expect(gW.toArray()).toEqual([[0.875, 1.75, 2.625], [0, 0, 1.5], [0, 0, 0], [0, 0, -1.125], [1, 2, 3]]);
  });

  it('gives the full gradient through a sym.clone of the graph, with or without a replacement (the record of the view is carried)', () => {
    const X = sparse.csrMatrix('X', 'float64');
    const w = T.dmatrix('w');
    const c = T.dmatrix('c');
    const cost = T.sum(T.mul(sparse.trueDot(X, w).toDense(), c));
    // the same SciPy numbers as above: before, the clone's copy of the dense view was unrecorded and grad gave the structured gradient
    const full = ['csr', [-0.75, -1.5, 1.5, 0.25, 1.5, 2.5, -1.25], [1, 3, 4, 0, 1, 3, 4], [0, 3, 3, 7, 7]];
    const g = sym.function([X, w, c], grad(sym.clone(cost), X)).sync(A, W, C) as sym.sparse.SparseMatrix;
    expect(parts(g)).toEqual(full);
    // c replaced by 2 c: twice the gradient; w replaced by w + 0 changes nothing
    const c2 = sym.clone(cost, [[c, T.mul(c, 2)], [w, T.add(w, 0)]]);
    const g2 = sym.function([X, w, c], grad(c2, X)).sync(A, W, C) as sym.sparse.SparseMatrix;
    expect(parts(g2)).toEqual(['csr', (full[1] as number[]).map((v) => 2 * v), full[2], full[3]]);
  });

  it("sums x's structured gradient from its other uses with the full one, as Theano sums them", () => {
    const X = sparse.csrMatrix('X', 'float64');
    const w = T.dmatrix('w');
    const c = T.dmatrix('c');
    const cost = T.add(T.sum(T.mul(sparse.trueDot(X, w).toDense(), c)), T.sum(sparse.structuredDot(X, T.ones([5, 2], 'float64'))));
    const g = sym.function([X, w, c], grad(cost, X)).sync(A, W, C) as sym.sparse.SparseMatrix;
    // scipy: the structured 2 at each stored value ((2, 0) twice: 4), plus the full gradient above
    expect(parts(g)).toEqual(['csr', [1.25, 0.5, 1.5, 4.25, 1.5, 2.5, 0.75, 2], [1, 3, 4, 0, 1, 3, 4, 2], [0, 3, 3, 7, 8]]);
  });

  it.each([
    ['trueDot(x, W)', (x: sym.sparse.SparseVariable, w: sym.TensorVariable) => sparse.trueDot(x, w).toDense(), 'csr'],
    ['trueDot(W.T, x.T)', (x: sym.sparse.SparseVariable, w: sym.TensorVariable) => T.transpose(sparse.trueDot(T.transpose(w), x.T).toDense()), 'csr'],
    ['trueDot(x, sparse W) (csc x)', (x: sym.sparse.SparseVariable, w: sym.TensorVariable) => sparse.trueDot(x, sparse.csrFromDense(w)).toDense(), 'csc'],
  ] as const)('matches finite differences at every position of x, stored or not: %s', (_, product, format) => {
    const X = sparse.matrix(format, 'X', 'float64');
    const w = T.dmatrix('w');
    // sqr: the derivative at a cancelled position of the product is 0 either way, so finite differences see Theano's gradient
    const cost = T.sum(T.sqr(product(X, w)));
    const f = sym.function([X, w], cost);
    const gf = sym.function([X, w], grad(cost, X));
    const x = SparseMatrix.fromDense(A.toDense(), format);
    const dense = (gf.sync(x, W) as sym.sparse.SparseMatrix).toDense().toArray() as number[][];
    const a = A.toDense().toArray() as number[][];
    const eps = 1e-6;
    let unstoredReached = 0;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 5; j++) {
        const at = (h: number) => SparseMatrix.fromDense(a.map((row, r) => row.map((v, k) => (r === i && k === j ? v + h : v))), format);
        const fd = ((f.sync(at(eps), W) as sym.NDArray).item() - (f.sync(at(-eps), W) as sym.NDArray).item()) / (2 * eps);
        expect(Math.abs(dense[i]![j]! - fd)).toBeLessThan(1e-5);
        if (a[i]![j] === 0 && fd !== 0) unstoredReached++;
      }
    }
    // the gradient reaches positions x does not store (a structured one would be 0 there)
    expect(unstoredReached).toBeGreaterThan(0);
  });
});
