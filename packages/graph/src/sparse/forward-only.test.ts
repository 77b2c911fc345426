/**
 * A sparse x sparse product with a sparse result (structuredDot) that
 * nothing differentiates runs the host stage that writes no terms
 * (ProductPattern{sparse, forward}, the optimizer's
 * sparse_forward_only): its outputs are the stage's with terms, array by
 * array and bit for bit, on random operands (unsorted, repeated
 * positions, empty rows, sums that cancel, each dtype's arithmetic); a
 * compiled function picks it, and gives the same results as with the
 * rewrite excluded. (With a gradient in the function the stage keeps its
 * terms: @sym/grad's sparse-grad tests.)
 */
import { describe, expect, it } from 'vitest';
import { sym } from '../../test/helpers.js';
import { ProductPattern } from './product-pattern.js';

const { sparse } = sym;
const { SparseMatrix } = sparse;

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** Each stored value's row and column (rows in any order, columns repeated) and its value: small integers, so that many sums cancel, or in (-1, 1). */
function randomEntries(rows: number, cols: number, n: number, rnd: () => number, integers: boolean) {
  const r = Array.from({ length: n }, () => Math.floor(rnd() * rows));
  // grouped by row half the time (a csr operand), else in any order (a csc operand read by row)
  if (rnd() < 0.5) r.sort((a, b) => a - b);
  const c = Array.from({ length: n }, () => Math.floor(rnd() * cols));
  const v = Array.from({ length: n }, () => (integers ? Math.floor(rnd() * 7) - 3 : rnd() * 2 - 1));
  return { r, c, v };
}

const DTYPES = ['float64', 'float32', 'float16', 'int32', 'int8', 'uint8', 'int64'] as const;

describe('ProductPattern without terms', () => {
  it('gives the outputs of the stage with terms, bit for bit, in every dtype', () => {
    const layout = 'sparse';
    const rnd = lcg(7);
    let cancelled = 0;
    for (let trial = 0; trial < 140; trial++) {
      const dtype = DTYPES[trial % DTYPES.length]!;
      // a product of many columns (up to 400) now and then: its sparse rows are sorted by a sort, its fuller ones by a bit set
      const [n, k, m] = [1 + Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 12), trial % 4 === 1 ? 40 + Math.floor(rnd() * 360) : 1 + Math.floor(rnd() * 12)];
      const integers = trial % 3 !== 0;
      const l = randomEntries(n, k, Math.floor(rnd() * 3 * n), rnd, integers);
      const r = randomEntries(k, m, Math.floor(rnd() * 3 * k), rnd, integers);
      const ints = (a: number[]) => new sym.NDArray(Int32Array.from(a), [a.length], 'int32');
      const length = (x: number) => new sym.NDArray(new Float64Array([x]), [], 'int64');
      const values = (a: number[]) => {
        const x = sym.NDArray.zeros([a.length], dtype);
        // int64 is held as float64 numbers
        x.data.set(a as never);
        return x;
      };
      const inputs = [ints(l.r), ints(l.c), ints(r.r), ints(r.c), length(n), length(k), length(k), length(m), values(l.v), values(r.v)];
      const transposed = trial % 2 === 0;
      const withTerms = new ProductPattern('test', { x: 'x', y: 'y' }, layout, dtype, transposed);
      const all = withTerms.perform(inputs);
      const forward = withTerms.withoutTerms().perform(inputs);
      expect(forward.length).toBe(all.length - 3);
      forward.forEach((a, i) => {
        const b = all[i + 3]!;
        expect([a.dtype, a.shape]).toEqual([b.dtype, b.shape]);
        expect(Array.from(a.data as ArrayLike<number>)).toEqual(Array.from(b.data as ArrayLike<number>));
      });
      if (forward[0]!.data.length < countPositions(l, r)) cancelled++;
    }
    // the cases include products whose sums cancel (positions dropped)
    expect(cancelled).toBeGreaterThan(10);
  });

  it('is named in debugprint and keyed apart from the stage with terms', () => {
    const op = new ProductPattern('test', { x: 'x', y: 'y' }, 'sparse', 'float64');
    expect(op.withoutTerms().toString()).toBe('ProductPattern{sparse, forward}');
    expect(op.withoutTerms().key()).not.toBe(op.key());
    expect(op.withoutTerms().withoutTerms().key()).toBe(op.withoutTerms().key());
    // the dense product keeps its terms
    expect(() => new ProductPattern('test', { x: 'x', y: 'y' }, 'dense', 'float64').withoutTerms()).toThrow('the dense product is computed with its terms');
  });
});

/** How many distinct positions L @ R meets (before any cancels). */
function countPositions(l: { r: number[]; c: number[] }, r: { r: number[]; c: number[] }): number {
  const met = new Set<string>();
  l.r.forEach((i, a) => r.r.forEach((j, b) => j === l.c[a] && met.add(`${i},${r.c[b]}`)));
  return met.size;
}

describe('sparse products in a compiled function with no gradient', () => {
  const X = sparse.csrMatrix('X');
  const Xc = sparse.cscMatrix('Xc');
  const Y = sparse.csrMatrix('Y');
  const outputs = [sparse.structuredDot(X, Y), sparse.structuredDot(Xc, Y), sparse.dot(X, Y), sparse.dot(Xc, Y)];
  const parts = (m: sym.sparse.SparseMatrix | sym.NDArray) => (m instanceof SparseMatrix ? [m.format, m.dtype, m.shape, ...[m.data, m.indices, m.indptr].map((a) => Array.from(a.data))] : [m.dtype, m.toArray()]);

  it("run the stage without terms: one host stage each, SciPy's numbers, the same as the stage with terms", () => {
    const f = sym.function([X, Xc, Y], outputs, { profile: true });
    const old = sym.function([X, Xc, Y], outputs, { optimizer: { excluding: ['sparse_forward_only'] } });
    const printed = f.debugprint();
    expect(printed).toContain('ProductPattern{sparse, forward}');
    // the dense product keeps its stage with terms (forward-only.ts says why)
    expect(printed).toContain('ProductPattern{dense}');
    expect(printed.match(/ProductValues/g)).toHaveLength(2);
    expect(old.debugprint()).not.toContain('forward');
    // the 4x5 matrix of the other sparse tests (unsorted indices, a repeated (2, 0), an empty row) times a 5x3 one
    const A = SparseMatrix.csr({ data: [1.5, -2, 3, 0.5, 4, -1], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] });
    const B = SparseMatrix.fromDense([[1, 0, 0], [3, 0, 1], [0, 0, 0], [4, 0, 2], [0, 0.5, -2]]);
    const got = f.sync(A, SparseMatrix.fromDense(A.toDense(), 'csc'), B) as (sym.sparse.SparseMatrix | sym.NDArray)[];
    // scipy: (A @ B).sorted_indices(), its csc, (A @ B).toarray()
    expect(got.map(parts)).toEqual([
      ['csr', 'float64', [4, 3], [1, 3.5, 2, -8], [2, 0, 1, 2], [0, 1, 1, 4, 4]],
      ['csc', 'float64', [4, 3], [3.5, 2, 1, -8], [2, 2, 0, 2], [0, 1, 2, 4]],
      ['float64', [[0, 0, 1], [0, 0, 0], [3.5, 2, -8], [0, 0, 0]]],
      ['float64', [[0, 0, 1], [0, 0, 0], [3.5, 2, -8], [0, 0, 0]]],
    ]);
    // one host stage a product
    expect(f.profile!.hostOps).toBe(4);
    const rnd = lcg(3);
    for (let trial = 0; trial < 20; trial++) {
      const dense = (r: number, c: number) => Array.from({ length: r }, () => Array.from({ length: c }, () => (rnd() < 0.3 ? Math.floor(rnd() * 5) - 2 : 0)));
      const [x, y] = [SparseMatrix.fromDense(dense(9, 8)), SparseMatrix.fromDense(dense(8, 7))];
      const args = [x, SparseMatrix.fromDense(x.toDense(), 'csc'), y];
      expect((f.sync(...args) as (sym.sparse.SparseMatrix | sym.NDArray)[]).map(parts)).toEqual((old.sync(...args) as (sym.sparse.SparseMatrix | sym.NDArray)[]).map(parts));
    }
  });
});
