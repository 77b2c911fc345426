/**
 * Products of two sparse matrices against SciPy 1.17's numbers (computed
 * once, written here): A, the 4x5 csr matrix of the other sparse tests
 * (unsorted indices, a duplicate (2, 0), an empty row), times a 5x3 B
 * whose product with A cancels to an exact 0 at (0, 0): SciPy's `A @ B`
 * drops it (4 stored values), in A's format; sorted here (SciPy leaves
 * each row's indices in the order met; `(A @ B).sorted_indices()` is the
 * reference). The elementwise product (mul of two sparse matrices)
 * against SciPy's `A.multiply(B)`.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const { sparse } = sym;
const { SparseMatrix } = sparse;

const PARTS = { data: [1.5, -2, 3, 0.5, 4, -1], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] as [number, number] };
const BD = [[1, 0, 0], [3, 0, 1], [0, 0, 0], [4, 0, 2], [0, 0.5, -2]];
// scipy: (A @ B).toarray(), and the csr and csc results sorted
const AB = [[0, 0, 1], [0, 0, 0], [3.5, 2, -8], [0, 0, 0]];
const CSR = { data: [1, 3.5, 2, -8], indices: [2, 0, 1, 2], indptr: [0, 1, 1, 4, 4] };
const CSC = { data: [3.5, 2, 1, -8], indices: [2, 2, 0, 2], indptr: [0, 1, 2, 4] };

const parts = (m: sym.sparse.SparseMatrix) => ({ format: m.format, dtype: m.dtype, shape: m.shape, data: Array.from(m.data.data), indices: Array.from(m.indices.data), indptr: Array.from(m.indptr.data) });

describe.each(['float64', 'float32'] as const)('sparse x sparse products (%s)', (dtype) => {
  const A = SparseMatrix.csr(PARTS, { dtype });
  const Ac = SparseMatrix.fromDense(A.toDense(), 'csc');
  const B = SparseMatrix.fromDense(BD, 'csr', { dtype });
  const Bc = SparseMatrix.fromDense(BD, 'csc', { dtype });

  it("structuredDot is sparse in x's format, SciPy's A @ B: summed, sorted, its exact zero dropped", () => {
    const X = sparse.csrMatrix('X', dtype);
    const Xc = sparse.cscMatrix('Xc', dtype);
    const Y = sparse.csrMatrix('Y', dtype);
    const Yc = sparse.cscMatrix('Yc', dtype);
    const f = sym.function([X, Xc, Y, Yc], [sparse.structuredDot(X, Y), sparse.structuredDot(X, Yc), sparse.structuredDot(Xc, Y), sparse.structuredDot(Xc, Yc)]);
    const [rr, rc, cr, cc] = f.sync(A, Ac, B, Bc) as sym.sparse.SparseMatrix[];
    for (const c of [rr, rc]) expect(parts(c!)).toEqual({ format: 'csr', dtype, shape: [4, 3], ...CSR });
    for (const c of [cr, cc]) expect(parts(c!)).toEqual({ format: 'csc', dtype, shape: [4, 3], ...CSC });
  });

  it('dot of two sparse matrices is dense (Theano: Dot densifies the product), for either format of x', () => {
    const X = sparse.csrMatrix('X', dtype);
    const Xc = sparse.cscMatrix('Xc', dtype);
    const Yc = sparse.cscMatrix('Yc', dtype);
    const Y = sparse.csrMatrix('Y', dtype);
    const [d, dc] = sym.function([X, Yc, Xc, Y], [sparse.dot(X, Yc), sparse.dot(Xc, Y)]).sync(A, Bc, Ac, B) as sym.NDArray[];
    expect([d!.dtype, d!.toArray()]).toEqual([dtype, AB]);
    expect([dc!.dtype, dc!.toArray()]).toEqual([dtype, AB]);
  });

  it("drops a sum that cancels in the product's own arithmetic, as SciPy's (float32: 2^24 + 1 - 2^24 is 0)", () => {
    const X = sparse.csrMatrix('X', dtype);
    const Y = sparse.csrMatrix('Y', dtype);
    const x = SparseMatrix.fromDense([[1, 1, 1]], 'csr', { dtype });
    const y = SparseMatrix.fromDense([[2 ** 24], [1], [-(2 ** 24)]], 'csr', { dtype });
    const c = sym.function([X, Y], sparse.structuredDot(X, Y)).sync(x, y) as sym.sparse.SparseMatrix;
    // scipy: float32 (x @ y).nnz 0, float64 1 holding 1.0
    expect(parts(c)).toEqual({ format: 'csr', dtype, shape: [1, 1], ...(dtype === 'float32' ? { data: [], indices: [], indptr: [0, 0] } : { data: [1], indices: [0], indptr: [0, 1] }) });
  });

  it('matches SciPy on a product with repeated positions in both operands and an empty result', () => {
    // B with (1, 2) stored twice (0.25 and 0.75): scipy sums it as B's 1
    const Bdup = SparseMatrix.csr({ data: [1, 3, 0.25, 0.75, 4, 2, 0.5, -2], indices: [0, 0, 2, 2, 0, 2, 1, 2], indptr: [0, 1, 4, 4, 6, 8], shape: [5, 3] }, { dtype });
    const X = sparse.csrMatrix('X', dtype);
    const Y = sparse.csrMatrix('Y', dtype);
    const f = sym.function([X, Y], sparse.structuredDot(X, Y));
    const c = f.sync(A, Bdup) as sym.sparse.SparseMatrix;
    expect(parts(c)).toEqual({ format: 'csr', dtype, shape: [4, 3], ...CSR });
    const E = SparseMatrix.csr({ data: [], indices: [], indptr: [0, 0, 0, 0, 0, 0], shape: [5, 3] }, { dtype });
    expect(parts(f.sync(A, E) as sym.sparse.SparseMatrix)).toEqual({ format: 'csr', dtype, shape: [4, 3], data: [], indices: [], indptr: [0, 0, 0, 0, 0] });
  });
});

describe.each(['float64', 'float32'] as const)('elementwise product of two sparse matrices (%s)', (dtype) => {
  // B: (2, 4) stored twice, 1 and -1: its sum 0 makes that product 0, which SciPy's A.multiply(B) drops
  const B = { data: [2, 5, -1, 1, -1, 0.5], indices: [3, 0, 0, 4, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] as [number, number] };

  it("is stored where both store, in x's format, SciPy's x.multiply(y)", () => {
    const X = sparse.csrMatrix('X', dtype);
    const Y = sparse.csrMatrix('Y', dtype);
    const Yc = sparse.cscMatrix('Yc', dtype);
    const Xc = sparse.cscMatrix('Xc', dtype);
    const f = sym.function([X, Y, Yc, Xc], [sparse.mul(X, Y), sparse.mul(X, Yc), sparse.mul(Xc, Y)]);
    const A = SparseMatrix.csr(PARTS, { dtype });
    const b = SparseMatrix.csr(B, { dtype });
    const [rr, rc, cr] = f.sync(A, b, SparseMatrix.fromDense(b.toDense(), 'csc'), SparseMatrix.fromDense(A.toDense(), 'csc')) as sym.sparse.SparseMatrix[];
    for (const c of [rr, rc]) expect(parts(c!)).toEqual({ format: 'csr', dtype, shape: [4, 5], data: [3, -3.5, -0.5], indices: [3, 0, 2], indptr: [0, 1, 1, 2, 3] });
    expect(parts(cr!)).toEqual({ format: 'csc', dtype, shape: [4, 5], data: [-3.5, -0.5, 3], indices: [2, 3, 0], indptr: [0, 1, 1, 2, 3, 3] });
    expect(() => f.sync(A, SparseMatrix.csr({ data: [], indices: [], indptr: [0, 0], shape: [1, 5] }, { dtype }), SparseMatrix.fromDense(b.toDense(), 'csc'), SparseMatrix.fromDense(A.toDense(), 'csc'))).toThrow(/sparse\.mul: the operands' shapes differ: x has 4 rows, y 1/);
  });

  it("drops a product that is exactly 0 in its own arithmetic (float32: 1e-30 * 1e-30 underflows, 2^24 + 1 - 2^24 is 0), in one host stage", () => {
    const X = sparse.csrMatrix('X', dtype);
    const Y = sparse.csrMatrix('Y', dtype);
    const Yc = sparse.cscMatrix('Yc', dtype);
    const f = sym.function([X, Y], sparse.mul(X, Y), { profile: true });
    const x = SparseMatrix.csr({ data: [1e-30, 2 ** 24, 1, -(2 ** 24), 3], indices: [0, 1, 1, 1, 2], indptr: [0, 5], shape: [1, 3] }, { dtype });
    const y = SparseMatrix.csr({ data: [1e-30, 5, 2], indices: [0, 1, 2], indptr: [0, 3], shape: [1, 3] }, { dtype });
    // scipy: x.multiply(y), float32 data [6.] indices [2]; float64 [6, 5, 1e-60] at [2, 1, 0] (sorted here)
    const expected = dtype === 'float32' ? { data: [6], indices: [2], indptr: [0, 1] } : { data: [1e-30 * 1e-30, 5, 6], indices: [0, 1, 2], indptr: [0, 3] };
    f.sync(x, y);
    f.profile!.reset();
    expect(parts(f.sync(x, y) as sym.sparse.SparseMatrix)).toEqual({ format: 'csr', dtype, shape: [1, 3], ...expected });
    // the common positions and the zero test in one host stage, then one program: the zeros are not read back
    expect(f.profile!.hostOps).toBe(1);
    const c = sym.function([Yc, X], sparse.mul(Yc, X)).sync(SparseMatrix.fromDense(y.toDense(), 'csc'), x) as sym.sparse.SparseMatrix;
    // scipy: yc.multiply(x), csc
    expect(parts(c)).toEqual({ format: 'csc', dtype, shape: [1, 3], ...(dtype === 'float32' ? { data: [6], indices: [0], indptr: [0, 0, 0, 1] } : { data: [1e-30 * 1e-30, 5, 6], indices: [0, 0, 0], indptr: [0, 1, 2, 3] }) });
  });
});

describe.each(['float32', 'float64'] as const)("sparse x sparse products sum in SciPy's order (%s)", (dtype) => {
  // row 0 of x times ones: float32 sums 1e8 + 1 to 1e8, then 0, then -1 (SciPy stores -1); an exact sum is 0 (dropped);
  // summing the float64 terms and rounding once, as the CPU's float32 scatter-add does, stored an explicit 0
  const x = SparseMatrix.csr({ data: [1e8, 1, -1e8, -1, 1e8], indices: [0, 1, 2, 3, 1], indptr: [0, 4, 5], shape: [2, 4] }, { dtype });
  const y = SparseMatrix.fromDense([[1, 2], [1, 0], [1, 2], [1, 0]], 'csr', { dtype });
  const f32 = dtype === 'float32';

  it('structuredDot and dot: the values and the structure of SciPy x @ y, for either format of x', () => {
    const X = sparse.csrMatrix('X', dtype);
    const Xc = sparse.cscMatrix('Xc', dtype);
    const Y = sparse.csrMatrix('Y', dtype);
    const f = sym.function([X, Xc, Y], [sparse.structuredDot(X, Y), sparse.structuredDot(Xc, Y), sparse.dot(X, Y), sparse.dot(Xc, Y)]);
    const [s, sc, d, dc] = f.sync(x, SparseMatrix.fromDense(x.toDense(), 'csc'), y) as [sym.sparse.SparseMatrix, sym.sparse.SparseMatrix, sym.NDArray, sym.NDArray];
    // scipy 1.17: (x @ y) with indices sorted, x.tocsc() @ y, (x @ y).toarray()
    expect(parts(s)).toEqual({ format: 'csr', dtype, shape: [2, 2], ...(f32 ? { data: [-1, 1e8], indices: [0, 0], indptr: [0, 1, 2] } : { data: [1e8], indices: [0], indptr: [0, 0, 1] }) });
    expect(parts(sc)).toEqual({ format: 'csc', dtype, shape: [2, 2], ...(f32 ? { data: [-1, 1e8], indices: [0, 1], indptr: [0, 2, 2] } : { data: [1e8], indices: [1], indptr: [0, 1, 1] }) });
    for (const dense of [d, dc]) expect(dense.toArray()).toEqual([[f32 ? -1 : 0, 0], [1e8, 0]]);
  });

  it("mul: each operand's repeated values summed in stored order, as SciPy's x.multiply(y)", () => {
    const X = sparse.csrMatrix('X', dtype);
    const Y = sparse.csrMatrix('Y', dtype);
    const xd = SparseMatrix.csr({ data: [1e8, 1, -1e8, -1, 3], indices: [0, 0, 0, 0, 2], indptr: [0, 4, 5], shape: [2, 3] }, { dtype });
    const yd = SparseMatrix.fromDense([[1, 0, 0], [0, 0, 2]], 'csr', { dtype });
    const m = sym.function([X, Y], sparse.mul(X, Y)).sync(xd, yd) as sym.sparse.SparseMatrix;
    // scipy 1.17: xd.multiply(yd)
    expect(parts(m)).toEqual({ format: 'csr', dtype, shape: [2, 3], ...(f32 ? { data: [-1, 6], indices: [0, 2], indptr: [0, 1, 2] } : { data: [6], indices: [2], indptr: [0, 0, 1] }) });
  });
});

describe('sparse x sparse products of int32', () => {
  it('wrap each product as C does (Math.imul: the double product past 2^53 loses the low bits)', () => {
    const X = sparse.csrMatrix('X', 'int32');
    const Y = sparse.csrMatrix('Y', 'int32');
    const x = SparseMatrix.csr({ data: [2147483647, 3], indices: [0, 1], indptr: [0, 2], shape: [1, 2] }, { dtype: 'int32' });
    const y = SparseMatrix.csr({ data: [2147483647, -1], indices: [0, 0], indptr: [0, 1, 2], shape: [2, 1] }, { dtype: 'int32' });
    const f = sym.function([X, Y], [sparse.structuredDot(X, Y), sparse.mul(X, Y.T)]);
    const [s, m] = f.sync(x, y) as sym.sparse.SparseMatrix[];
    // scipy 1.17, int32: (x @ y).data [-2] (1 + -3); x.multiply(y.T).data [1, -3]
    expect(Array.from(s!.data.data)).toEqual([-2]);
    expect(Array.from(m!.data.data)).toEqual([1, -3]);
  });
});

describe.each(['float32', 'float64'] as const)('elementwise product of two sparse matrices with inf and NaN (%s)', (dtype) => {
  it("stores where only one operand's value is inf or NaN (times the other's 0: NaN), as SciPy's x.multiply(y)", () => {
    const X = sparse.csrMatrix('X', dtype);
    const Y = sparse.csrMatrix('Y', dtype);
    const x = SparseMatrix.csr({ data: [Infinity, 2, NaN, 1, -Infinity, 5], indices: [0, 1, 2, 0, 1, 2], indptr: [0, 3, 5, 6], shape: [3, 3] }, { dtype });
    const y = SparseMatrix.csr({ data: [3, 4, Infinity], indices: [0, 2, 0], indptr: [0, 1, 2, 3], shape: [3, 3] }, { dtype });
    const m = sym.function([X, Y], sparse.mul(X, Y)).sync(x, y) as sym.sparse.SparseMatrix;
    // scipy 1.17: x.multiply(y) (sorted): a finite value where the other stores nothing is 0, dropped
    expect(parts(m)).toEqual({ format: 'csr', dtype, shape: [3, 3], data: [Infinity, NaN, NaN, NaN], indices: [0, 2, 1, 0], indptr: [0, 2, 3, 4] });
    // a repeated position whose finite values sum to inf (float32: 3e38 + 3e38), where y stores nothing; scipy: float32 [2, nan] at [0, 1], float64 [2] at [0]
    const x2 = SparseMatrix.csr({ data: [3e38, 3e38, 1], indices: [1, 1, 0], indptr: [0, 3], shape: [1, 2] }, { dtype });
    const y2 = SparseMatrix.csr({ data: [2], indices: [0], indptr: [0, 1], shape: [1, 2] }, { dtype });
    const m2 = sym.function([X, Y], sparse.mul(X, Y)).sync(x2, y2) as sym.sparse.SparseMatrix;
    expect(parts(m2)).toEqual({ format: 'csr', dtype, shape: [1, 2], ...(dtype === 'float32' ? { data: [2, NaN], indices: [0, 1], indptr: [0, 2] } : { data: [2], indices: [0], indptr: [0, 1] }) });
  });
});

describe('sparse x sparse products: types and errors', () => {
  const A = SparseMatrix.csr(PARTS);

  it('promotes the dtypes as Theano (float32 x float64 is float64)', () => {
    const X = sparse.csrMatrix('X', 'float32');
    const Y = sparse.csrMatrix('Y', 'float64');
    const c = sym.function([X, Y], sparse.structuredDot(X, Y)).sync(SparseMatrix.csr(PARTS, { dtype: 'float32' }), SparseMatrix.fromDense(BD)) as sym.sparse.SparseMatrix;
    expect([c.dtype, c.toDense().toArray()]).toEqual(['float64', AB]);
  });

  it('checks the inner lengths when the function runs, and commits nothing when they differ', () => {
    const X = sparse.csrMatrix('X');
    const Y = sparse.cscMatrix('Y');
    const w = sym.shared(sym.array([1, 2]), { name: 'w' });
    const f = sym.function([X, Y], T.sum(sparse.dot(X, Y)), { updates: [[w, T.mul(w, 2)]] });
    expect(() => f.sync(A, SparseMatrix.fromDense([[1], [2], [3], [4]], 'csc'))).toThrow('sparse.dot: x (X) has 5 columns but y (Y) has 4 rows; a product needs them equal');
    expect(Array.from(w.getValue().data)).toEqual([1, 2]);
    const g = sym.function([Y, X], sparse.structuredDot(Y, X));
    expect(() => g.sync(SparseMatrix.fromDense([[1, 2]], 'csc'), A)).toThrow('sparse.structuredDot: x (Y) has 2 columns but y (X) has 4 rows; a product needs them equal');
    expect(f.sync(A, SparseMatrix.fromDense(BD, 'csc')).item()).toBe(-1.5);
    expect(Array.from(w.getValue().data)).toEqual([2, 4]);
  });

  it('refuses a dense operand where a sparse one is needed, naming it', () => {
    const X = sparse.csrMatrix('X');
    const m = T.matrix('m');
    expect(() => sparse.structuredDot(m as never, X)).toThrow(/sparse\.structuredDot: x must be a sparse variable .* got the dense m of type/);
    expect(() => sparse.remove0(m as never)).toThrow(/sparse\.remove0: x must be a sparse variable .* got the dense m/);
  });
});
