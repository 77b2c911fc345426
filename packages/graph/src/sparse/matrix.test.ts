/** SparseMatrix: validation naming the bad part, SciPy's print, dense round trips. */
import { describe, expect, it } from 'vitest';
import { sym } from '../../test/helpers.js';

const { SparseMatrix } = sym.sparse;

describe('SparseMatrix', () => {
  it('prints as SciPy 1.17 prints', () => {
    const m = SparseMatrix.fromDense([[1, 0, 2], [0, 0, 0], [0, 3, 0]]);
    // print(scipy.sparse.csr_matrix(...)), print(...tocsc()), print(csr_matrix((2, 3)))
    expect(String(m)).toBe("<Compressed Sparse Row sparse matrix of dtype 'float64'\n\twith 3 stored elements and shape (3, 3)>\n  Coords\tValues\n  (0, 0)\t1.0\n  (0, 2)\t2.0\n  (2, 1)\t3.0");
    expect(String(SparseMatrix.fromDense([[1, 0, 2], [0, 0, 0], [0, 3, 0]], 'csc'))).toBe(
      "<Compressed Sparse Column sparse matrix of dtype 'float64'\n\twith 3 stored elements and shape (3, 3)>\n  Coords\tValues\n  (0, 0)\t1.0\n  (2, 1)\t3.0\n  (0, 2)\t2.0",
    );
    expect(String(SparseMatrix.csr({ data: [], indices: [], indptr: [0, 0, 0], shape: [2, 3] }))).toBe("<Compressed Sparse Row sparse matrix of dtype 'float64'\n\twith 0 stored elements and shape (2, 3)>");
  });

  it('keeps unsorted indices and duplicates, which toDense adds up (SciPy toarray)', () => {
    const m = SparseMatrix.csr({ data: [1.5, -2, 3, 0.5, 4, -1], indices: [3, 1, 0, 0, 4, 2], indptr: [0, 2, 2, 5, 6], shape: [4, 5] });
    expect(m.nnz).toBe(6);
    expect(m.toDense().toArray()).toEqual([[0, -2, 0, 1.5, 0], [0, 0, 0, 0, 0], [3.5, 0, 0, 0, 4], [0, 0, -1, 0, 0]]);
    expect(Array.from(m.majorIds().data)).toEqual([0, 0, 2, 2, 2, 3]);
    expect(m.transpose().format).toBe('csc');
    expect(m.transpose().toDense().toArray()).toEqual(sym.T.transpose(m.toDense()).evalSync().toArray());
  });

  it('fromDense keeps NaN (a non-zero) and takes a dtype', () => {
    const m = SparseMatrix.fromDense([[0, NaN], [2, 0]], 'csc', { dtype: 'float32' });
    expect(m.dtype).toBe('float32');
    expect(Array.from(m.indptr.data)).toEqual([0, 1, 2]);
    expect(Array.from(m.indices.data)).toEqual([1, 0]);
    expect(Number.isNaN(m.data.data[1])).toBe(true);
  });

  it('names the part that is wrong', () => {
    const csr = (parts: Partial<sym.sparse.SparseParts>) => () => SparseMatrix.csr({ data: [1, 2], indices: [0, 1], indptr: [0, 1, 2], shape: [2, 2], ...parts });
    expect(csr({})).not.toThrow();
    expect(csr({ indptr: [0, 2] })).toThrow(/indptr must have 3 entries \(rows \+ 1\) for shape \(2, 2\), got 2/);
    expect(csr({ indptr: [1, 1, 2] })).toThrow(/indptr must start at 0, got 1/);
    expect(csr({ indptr: [0, 2, 1] })).toThrow(/indptr must not decrease, but indptr\[2\] = 1 < indptr\[1\] = 2/);
    expect(csr({ indptr: [0, 1, 1] })).toThrow(/indptr must end at nnz \(2, data's length\), got 1/);
    expect(csr({ indices: [0, 2] })).toThrow(/indices\[1\] = 2 is out of range for 2 columns/);
    expect(csr({ indices: [0] })).toThrow(/indices has 1 entries but data has 2/);
    expect(csr({ indices: [0, 0.5] })).toThrow(/indices must be int32 values/);
    expect(csr({ shape: [2, -1] as unknown as [number, number] })).toThrow(/shape must be two non-negative integers/);
    expect(() => SparseMatrix.csc({ data: [1], indices: [3], indptr: [0, 1, 1], shape: [3, 2] })).toThrow(/SparseMatrix \(csc\): indices\[0\] = 3 is out of range for 3 rows/);
    expect(() => new SparseMatrix('coo' as 'csr', { data: [], indices: [], indptr: [0], shape: [0, 0] })).toThrow(/format must be 'csr' or 'csc', got "coo"/);
  });
});
