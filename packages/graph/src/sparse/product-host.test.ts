/**
 * The host stages of the sparse products (gustavson.ts, intersection.ts)
 * where they reuse working arrays across calls, take their own paths
 * (rows already sorted or not, merged or marked, sums that cancel) and
 * hand their results to the SparseMatrix without a copy. Small cases
 * against SciPy 1.17's numbers (computed once, written here); a larger
 * product against a dense product computed here in the same order of
 * summing (random positive values: nothing cancels).
 */
import { describe, expect, it } from 'vitest';
import { sym } from '../../test/helpers.js';

const { sparse } = sym;
const { SparseMatrix } = sparse;

const parts = (m: sym.sparse.SparseMatrix) => ({ data: Array.from(m.data.data), indices: Array.from(m.indices.data), indptr: Array.from(m.indptr.data) });

/** A csr matrix of `rows` x `cols` with about `perRow` random columns a row (unsorted, some repeated), values in (0, 1). */
function randomCsr(rows: number, cols: number, perRow: number, seed: number): sym.sparse.SparseMatrix {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const data: number[] = [];
  const indices: number[] = [];
  const indptr = [0];
  for (let i = 0; i < rows; i++) {
    // row 3 empty
    const n = i === 3 ? 0 : Math.floor(rnd() * 2 * perRow);
    for (let k = 0; k < n; k++) (indices.push(Math.floor(rnd() * cols)), data.push(rnd()));
    indptr.push(indices.length);
  }
  return SparseMatrix.csr({ data, indices, indptr, shape: [rows, cols] });
}

/** x @ y summed as SciPy's csr_matmat does (x's values in stored order, y's rows in stored order), csr with sorted indices. */
function referenceProduct(x: sym.sparse.SparseMatrix, y: sym.sparse.SparseMatrix) {
  const [n, m] = [x.shape[0], y.shape[1]];
  const dense = Array.from({ length: n }, () => new Float64Array(m));
  const stored = Array.from({ length: n }, () => new Uint8Array(m));
  const [xd, xi, xp, yd, yi, yp] = [x.data.data, x.indices.data, x.indptr.data, y.data.data, y.indices.data, y.indptr.data];
  for (let i = 0; i < n; i++) {
    for (let k = xp[i]!; k < xp[i + 1]!; k++) {
      const j = xi[k]!;
      for (let l = yp[j]!; l < yp[j + 1]!; l++) (dense[i]![yi[l]!]! += xd[k]! * yd[l]!), (stored[i]![yi[l]!] = 1);
    }
  }
  const out = { data: [] as number[], indices: [] as number[], indptr: [0] };
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < m; c++) if (stored[i]![c] && dense[i]![c] !== 0) (out.data.push(dense[i]![c]!), out.indices.push(c));
    out.indptr.push(out.indices.length);
  }
  return out;
}

/** x.multiply(y) as SciPy's elmul: each operand's repeated positions summed in stored order, kept where both store and the product is not 0. */
function referenceMul(x: sym.sparse.SparseMatrix, y: sym.sparse.SparseMatrix) {
  const sums = (m: sym.sparse.SparseMatrix, i: number) => {
    const row = new Map<number, number>();
    for (let k = m.indptr.data[i]!; k < m.indptr.data[i + 1]!; k++) row.set(m.indices.data[k]!, (row.get(m.indices.data[k]!) ?? 0) + m.data.data[k]!);
    return row;
  };
  const out = { data: [] as number[], indices: [] as number[], indptr: [0] };
  for (let i = 0; i < x.shape[0]; i++) {
    const [a, b] = [sums(x, i), sums(y, i)];
    for (const c of [...a.keys()].sort((p, q) => p - q)) if (b.has(c) && a.get(c)! * b.get(c)! !== 0) (out.data.push(a.get(c)! * b.get(c)!), out.indices.push(c));
    out.indptr.push(out.indices.length);
  }
  return out;
}

describe('sparse products: the host stages', () => {
  const X = sparse.csrMatrix('X');
  const Y = sparse.csrMatrix('Y');
  const product = sym.function([X, Y], sparse.structuredDot(X, Y));

  it('gives each call its own result when the working arrays are reused: a larger product between two small ones', () => {
    // the 4x5 matrix of the other sparse tests (unsorted indices, a repeated (2, 0), an empty row) times a 5x3 one; scipy: (A @ B).sorted_indices()
    const A = SparseMatrix.csr({ data: [1.5, -2, 3, 0.5, 4, -1], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] });
    const B = SparseMatrix.fromDense([[1, 0, 0], [3, 0, 1], [0, 0, 0], [4, 0, 2], [0, 0.5, -2]]);
    const small = { data: [1, 3.5, 2, -8], indices: [2, 0, 1, 2], indptr: [0, 1, 1, 4, 4] };
    expect(parts(product.sync(A, B) as sym.sparse.SparseMatrix)).toEqual(small);
    const [x, y] = [randomCsr(60, 50, 6, 1), randomCsr(50, 40, 6, 2)];
    const big = product.sync(x, y) as sym.sparse.SparseMatrix;
    const expected = referenceProduct(x, y);
    expect(expected.data.length).toBeGreaterThan(500);
    expect(parts(big)).toEqual(expected);
    expect(parts(product.sync(A, B) as sym.sparse.SparseMatrix)).toEqual(small);
    expect(parts(product.sync(x, y) as sym.sparse.SparseMatrix)).toEqual(expected);
  });

  it('drops every position where every sum cancels: an all-zero product stores nothing (scipy: nnz 0)', () => {
    const c = product.sync(SparseMatrix.fromDense([[1, 1]]), SparseMatrix.fromDense([[1, -1], [-1, 1]])) as sym.sparse.SparseMatrix;
    expect({ shape: c.shape, ...parts(c) }).toEqual({ shape: [1, 2], data: [], indices: [], indptr: [0, 0] });
  });

  it("sums an integer product in its dtype's wrapping arithmetic: int8's 16 * 16 is 0 and dropped, as SciPy's", () => {
    const [Xi, Yi] = [sparse.csrMatrix('Xi', 'int8'), sparse.csrMatrix('Yi', 'int8')];
    const x = SparseMatrix.fromDense(sym.array([[100, 100, 16]], { dtype: 'int8' }));
    const y = SparseMatrix.fromDense(sym.array([[2, 1, 0], [-2, 1, 0], [1, 100, 16]], { dtype: 'int8' }));
    // scipy: (x @ y) of int8, sorted: data [16, 8], indices [0, 1] (200 - 200 + 16; 100 + 100 + 1600 wraps to 8; 256 wraps to 0)
    const c = sym.function([Xi, Yi], sparse.structuredDot(Xi, Yi)).sync(x, y) as sym.sparse.SparseMatrix;
    expect({ dtype: c.dtype, ...parts(c) }).toEqual({ dtype: 'int8', data: [16, 8], indices: [0, 1], indptr: [0, 2] });
  });

  it("hands fresh arrays to each result, which the SparseMatrix takes without a copy: one result's arrays are not another's", () => {
    const A = SparseMatrix.fromDense([[1, 2], [0, 3]]);
    const f = sym.function([X, Y], [sparse.structuredDot(X, Y), sparse.structuredDot(X, Y), X]);
    const [p, q, same] = f.sync(A, A) as sym.sparse.SparseMatrix[];
    const r = (f.sync(A, A) as sym.sparse.SparseMatrix[])[0]!;
    for (const part of ['data', 'indices', 'indptr'] as const) {
      expect(new Set([p![part].data, q![part].data, r[part].data, same![part].data, A[part].data]).size).toBe(5);
    }
    // scipy: A @ A
    p!.data.data[0] = 100;
    expect(parts(q!)).toEqual({ data: [1, 8, 9], indices: [0, 1, 1], indptr: [0, 2, 3] });
    expect(parts(same!)).toEqual(parts(A));
  });

  it("mul merges the rows both store sorted (repeated positions summed) and marks the others, in one call: SciPy's x.multiply(y)", () => {
    // row 0 sorted in both, (0, 1) twice in x and (0, 4) twice in y summing to 0; row 1 unsorted in x; row 2 empty in x
    const x = SparseMatrix.csr({ data: [1, 2, 3, 4, 5, 6], indices: [1, 1, 4, 5, 0, 3], indptr: [0, 3, 6, 6], shape: [3, 6] });
    const y = SparseMatrix.csr({ data: [7, 0.5, 1, -1, 2, 3, 9], indices: [0, 1, 4, 4, 3, 5, 2], indptr: [0, 4, 6, 7], shape: [3, 6] });
    const f = sym.function([X, Y], sparse.mul(X, Y));
    // scipy: x.multiply(y).sorted_indices()
    const expected = { data: [1.5, 12, 12], indices: [1, 3, 5], indptr: [0, 1, 3, 3] };
    expect(parts(f.sync(x, y) as sym.sparse.SparseMatrix)).toEqual(expected);
    const [a, b] = [randomCsr(40, 30, 8, 3), randomCsr(40, 30, 8, 4)];
    const reference = referenceMul(a, b);
    expect(reference.data.length).toBeGreaterThan(30);
    expect(parts(f.sync(a, b) as sym.sparse.SparseMatrix)).toEqual(reference);
    expect(parts(f.sync(x, y) as sym.sparse.SparseMatrix)).toEqual(expected);
  });
});
