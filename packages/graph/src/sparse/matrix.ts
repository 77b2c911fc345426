/**
 * SparseMatrix: the host value of a sparse variable, SciPy's csr_matrix /
 * csc_matrix: `data` (the stored values; plain numbers are float64 unless a dtype is given), `indices` (each value's column
 * in csr, row in csc, int32), `indptr` (int32, where each row's (csr) or
 * column's (csc) values start in data, one more than the rows/columns) and
 * the shape. Duplicates and unsorted indices are allowed, as in SciPy:
 * every op and toDense adds duplicates up, as SciPy's arithmetic does.
 */
import { DTYPES, isDType, type DType } from '../core/dtype.js';
import { NDArray, array, fromTyped, type ArrayLike } from '../core/ndarray.js';
import { formatScalar } from '../printing/format.js';

export type SparseFormat = 'csr' | 'csc';

/** Components of a sparse matrix as SciPy's `csr_matrix((data, indices, indptr), shape)` takes them. */
export interface SparseParts {
  /** The stored values. */
  readonly data: NDArray | ArrayLike;
  /** Each value's column (csr) or row (csc). */
  readonly indices: NDArray | ArrayLike;
  /** Where each row's (csr) or column's (csc) values start in data; rows (columns) + 1 entries. */
  readonly indptr: NDArray | ArrayLike;
  /** [rows, columns]. */
  readonly shape: readonly [number, number];
}

const FULL_NAME: Record<SparseFormat, string> = { csr: 'Compressed Sparse Row', csc: 'Compressed Sparse Column' };

export function checkFormat(format: unknown, caller: string): SparseFormat {
  if (format !== 'csr' && format !== 'csc') throw new TypeError(`${caller}: format must be 'csr' or 'csc', got ${JSON.stringify(format)}`);
  return format;
}

export class SparseMatrix {
  /** `'csr'` or `'csc'`. */
  readonly format: SparseFormat;
  /** The stored values. */
  readonly data: NDArray;
  /** Each value's column (csr) or row (csc), int32. */
  readonly indices: NDArray;
  /** Where each row's (csr) or column's (csc) values start in data, int32. */
  readonly indptr: NDArray;
  /** [rows, columns]. */
  readonly shape: readonly [number, number];

  /** Checked: the lengths agree, indptr starts at 0, never decreases and ends at nnz, and every index is in range. */
  constructor(format: SparseFormat, parts: SparseParts, options: { dtype?: DType } = {}) {
    const caller = `SparseMatrix (${format})`;
    this.format = checkFormat(format, 'SparseMatrix');
    if (parts === null || typeof parts !== 'object') throw new TypeError(`${caller}: expected { data, indices, indptr, shape }, got ${String(parts)}`);
    const { dtype } = options;
    if (dtype !== undefined && !isDType(dtype)) throw new TypeError(`${caller}: unknown dtype ${JSON.stringify(dtype)} (one of ${DTYPES.join(', ')})`);
    const shape = parts.shape;
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new TypeError(`${caller}: shape must be two non-negative integers [rows, columns], got ${JSON.stringify(shape)}`);
    }
    this.shape = [shape[0], shape[1]];
    this.data = vectorOf(parts.data, dtype ?? (parts.data instanceof NDArray ? parts.data.dtype : 'float64'), 'data', caller);
    this.indices = vectorOf(parts.indices, 'int32', 'indices', caller);
    this.indptr = vectorOf(parts.indptr, 'int32', 'indptr', caller);
    const [major, minor] = format === 'csr' ? shape : [shape[1], shape[0]];
    const [majorName, minorName] = format === 'csr' ? ['rows', 'columns'] : ['columns', 'rows'];
    const nnz = this.data.size;
    if (this.indices.size !== nnz) throw new RangeError(`${caller}: indices has ${this.indices.size} entries but data has ${nnz}; they must be as long`);
    if (this.indptr.size !== major + 1) throw new RangeError(`${caller}: indptr must have ${major + 1} entries (${majorName} + 1) for shape (${shape[0]}, ${shape[1]}), got ${this.indptr.size}`);
    const p = this.indptr.data;
    if (p[0] !== 0) throw new RangeError(`${caller}: indptr must start at 0, got ${p[0]}`);
    for (let i = 0; i < major; i++) if (p[i + 1]! < p[i]!) throw new RangeError(`${caller}: indptr must not decrease, but indptr[${i + 1}] = ${p[i + 1]} < indptr[${i}] = ${p[i]}`);
    if (p[major] !== nnz) throw new RangeError(`${caller}: indptr must end at nnz (${nnz}, data's length), got ${p[major]}`);
    const ix = this.indices.data;
    for (let k = 0; k < nnz; k++) {
      if (ix[k]! < 0 || ix[k]! >= minor) throw new RangeError(`${caller}: indices[${k}] = ${ix[k]} is out of range for ${minor} ${minorName}`);
    }
  }

  /** SciPy's `csr_matrix((data, indices, indptr), shape)`. */
  static csr(parts: SparseParts, options?: { dtype?: DType }): SparseMatrix {
    return new SparseMatrix('csr', parts, options);
  }

  /** SciPy's `csc_matrix((data, indices, indptr), shape)`. */
  static csc(parts: SparseParts, options?: { dtype?: DType }): SparseMatrix {
    return new SparseMatrix('csc', parts, options);
  }

  /** SciPy's `csr_matrix(dense)` / `csc_matrix(dense)`: the non-zero elements (NaN included) of a matrix, in row (csr) or column (csc) order; of the NDArray's dtype, plain numbers float64 unless `dtype`. */
  static fromDense(dense: NDArray | ArrayLike, format: SparseFormat = 'csr', options: { dtype?: DType } = {}): SparseMatrix {
    checkFormat(format, 'SparseMatrix.fromDense');
    const d = dense instanceof NDArray ? dense : array(dense, { dtype: options.dtype ?? 'float64' });
    if (d.ndim !== 2) throw new TypeError(`SparseMatrix.fromDense: expected a matrix, got an array of shape (${d.shape.join(', ')})`);
    const [r, c] = d.shape as [number, number];
    const [major, minor] = format === 'csr' ? [r, c] : [c, r];
    const at = format === 'csr' ? (i: number, j: number) => d.get(i, j) : (i: number, j: number) => d.get(j, i);
    const values: number[] = [];
    const indices: number[] = [];
    const indptr = [0];
    for (let i = 0; i < major; i++) {
      for (let j = 0; j < minor; j++) {
        const v = at(i, j);
        if (v !== 0) (values.push(v), indices.push(j));
      }
      indptr.push(values.length);
    }
    const dtype = options.dtype ?? d.dtype;
    return new SparseMatrix(format, { data: fromTyped(Float64Array.from(values), [values.length], dtype), indices, indptr, shape: [r, c] });
  }

  /** The stored values' dtype. */
  get dtype(): DType {
    return this.data.dtype;
  }

  /** The number of stored values (duplicates counted each). */
  get nnz(): number {
    return this.data.size;
  }

  /** Each stored value's row (csr) or column (csc): indptr expanded, the id the ops scatter by. */
  majorIds(): NDArray {
    const p = this.indptr.data;
    const ids = new Int32Array(this.nnz);
    for (let i = 0; i + 1 < p.length; i++) ids.fill(i, p[i]!, p[i + 1]!);
    return fromTyped(ids, [ids.length], 'int32');
  }

  /** Each stored value's (row, column). */
  coords(): [row: number, col: number][] {
    const ids = this.majorIds().data;
    const ix = this.indices.data;
    return Array.from(ids, (m, k) => (this.format === 'csr' ? [m, ix[k]!] : [ix[k]!, m]));
  }

  /** SciPy's `toarray()`: a dense NDArray, duplicates added up. */
  toDense(): NDArray {
    const [r, c] = this.shape;
    const out = fromTyped(new Float64Array(r * c), [r, c], this.dtype);
    const coords = this.coords();
    const d = this.data.data;
    coords.forEach(([i, j], k) => (out.data[i * c + j] = Number(out.data[i * c + j]) + Number(d[k])));
    return out;
  }

  /** SciPy's `transpose()`: the same arrays read as the other format. */
  transpose(): SparseMatrix {
    return new SparseMatrix(this.format === 'csr' ? 'csc' : 'csr', { data: this.data, indices: this.indices, indptr: this.indptr, shape: [this.shape[1], this.shape[0]] });
  }

  /** SciPy's print: a header, then each stored value's coordinates and value. */
  toString(): string {
    const head = `<${FULL_NAME[this.format]} sparse matrix of dtype '${this.dtype}'\n\twith ${this.nnz} stored elements and shape (${this.shape[0]}, ${this.shape[1]})>`;
    if (this.nnz === 0) return head;
    const d = this.data.data;
    const lines = this.coords().map(([i, j], k) => `  (${i}, ${j})\t${formatScalar(Number(d[k]), this.dtype)}`);
    return [head, '  Coords\tValues', ...lines].join('\n');
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Whether the constructor takes its parts' arrays as they are (`adoptParts`). */
let adopting = false;

/**
 * A SparseMatrix over the given arrays themselves, checked as any: for
 * parts nothing else holds (a function's results, fresh arrays each call),
 * which the constructor would copy once more (two arrays as long as the
 * matrix, most of a sparse product's garbage after its host stage's).
 */
export function adoptParts(format: SparseFormat, parts: { readonly data: NDArray; readonly indices: NDArray; readonly indptr: NDArray; readonly shape: readonly [number, number] }): SparseMatrix {
  adopting = true;
  try {
    return new SparseMatrix(format, parts);
  } finally {
    adopting = false;
  }
}

function vectorOf(v: NDArray | ArrayLike, dtype: DType, what: string, caller: string): NDArray {
  if (adopting && v instanceof NDArray && v.dtype === dtype && v.ndim === 1) return v;
  let a: NDArray;
  try {
    // plain numbers read as float64 first, so that a fraction among indices is refused rather than truncated
    a = v instanceof NDArray ? v : array(v, { dtype: what === 'data' ? dtype : 'float64' });
  } catch (e) {
    throw new TypeError(`${caller}: ${what} is not a vector of numbers: ${(e as Error).message}`);
  }
  if (a.ndim !== 1) throw new TypeError(`${caller}: ${what} must be a vector, got an array of shape (${a.shape.join(', ')})`);
  if (a.dtype !== dtype) {
    const f = fromTyped(a.data, a.shape, dtype);
    if (what !== 'data' && Array.from(a.data).some((x, i) => Number(x) !== Number(f.data[i]))) throw new RangeError(`${caller}: ${what} must be int32 values, got ${a.dtype} values that int32 cannot hold`);
    return f;
  }
  return fromTyped(a.data.slice(), a.shape, dtype);
}
