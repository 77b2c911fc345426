/**
 * The host stage of a product of two sparse matrices (ProductPattern):
 * which stored values meet, and where each product term sums, is known
 * only from both patterns, so it runs on the host between programs, as
 * T.nonzero does. It computes integers only (which values go where); the
 * values are gathered, multiplied and scatter-added by ordinary ops around
 * it, so grad differentiates them as any graph and every backend runs
 * them. For a sparse result it also reads the operands' values, to find
 * the positions whose sum cancels to exactly 0 (SciPy's `x @ y` drops
 * them) in the same pass: one host stage and one program, where a
 * remove0 after the product needed a second stage reading the sums back.
 * Its inputs are index vectors, values and lengths, which for a
 * function's sparse inputs (or shared ones) are on the host already.
 */
import { castScalar, isInt, type DType } from '../core/dtype.js';
import { NDArray } from '../core/ndarray.js';
import type { Apply } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import { HostOp } from '../ops/host.js';

/** 'sparse': the product's csr pattern, its exact zeros dropped; 'dense': each term's flat position in the dense product. */
export type ProductLayout = 'sparse' | 'dense';

const vector = (dtype: 'int32') => new TensorType(dtype, [false]);
const int32 = (a: Int32Array) => new NDArray(a, [a.length], 'int32');

/**
 * L @ R (L, R given as each stored value's row and column in any order),
 * by Gustavson's algorithm as SciPy's csr_matmat. Inputs: lRows, lCols,
 * rRows, rCols, L's rows, the inner lengths as the user's x and y give
 * them (x's columns, y's rows: L's columns and R's rows, or R's and L's
 * for a csc product; unequal is the caller's error), R's columns, and for
 * 'sparse' L's and R's values (lData, rData). Outputs (int32), for each
 * product term L[k] R[l]: pairL k, pairR l and where it sums; then
 * - 'sparse' (`dtype`: the product's, whose arithmetic the zero test
 *   follows): slot, the position in the product's data, and the
 *   product's indices (sorted in each row), indptr and row ids. A
 *   position whose sum cancels to exactly 0 is left out, and its terms
 *   with it; a NaN sum is kept, as SciPy keeps it.
 * - 'dense': the term's flat position in the dense product, row-major, or
 *   of its transpose (`transposed`, a csc product computed as the csr
 *   pattern of y.T @ x.T).
 */
export class ProductPattern extends HostOp {
  /** caller: the user's function, for errors; lengths: how the x columns / y rows read in them. */
  constructor(
    readonly caller: string,
    readonly lengths: { readonly x: string; readonly y: string },
    readonly layout: ProductLayout,
    readonly dtype: DType,
    readonly transposed = false,
  ) {
    super();
  }
  key(): string {
    return `ProductPattern:${this.caller}:${this.lengths.x}:${this.lengths.y}:${this.layout}:${this.dtype}:${this.transposed}`;
  }
  override toString(): string {
    return `ProductPattern{${this.layout}}`;
  }
  override pp(args: readonly string[], node: Apply, output = 0): string {
    return `product_pattern_${this.layout}(${args.join(', ')})[${output}]`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    if (inputs.length !== (this.layout === 'dense' ? 8 : 10)) throw new TypeError(`ProductPattern{${this.layout}}: expected ${this.layout === 'dense' ? 8 : 10} inputs, got ${inputs.length}`);
    inputs.forEach((v, i) => {
      const values = i >= 8;
      const ndim = i < 4 || values ? 1 : 0;
      if (v.ndim !== ndim || (!values && !isInt(v.dtype))) throw new TypeError(`ProductPattern: input ${i} must be ${values ? 'a' : 'an integer'} ${ndim ? 'vector' : 'scalar'}, got ${v} of type ${v.type}`);
    });
    return Array.from({ length: this.layout === 'dense' ? 3 : 6 }, () => vector('int32'));
  }
  inferShape(): StaticShape[] {
    return this.layout === 'dense' ? [[null], [null], [null]] : [[null], [null], [null], [null], [null], [null]];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [nRows, xInner, yInner, nCols] = inputs.slice(4, 8).map((a) => Number(a.data[0])) as [number, number, number, number];
    if (xInner !== yInner) throw new RangeError(`${this.caller}: ${this.lengths.x} has ${xInner} columns but ${this.lengths.y} has ${yInner} rows; a product needs them equal`);
    const [lRows, lCols, rRows, rCols] = inputs.slice(0, 4).map(ints) as [Int32Array, Int32Array, Int32Array, Int32Array];
    const r = byRow(rRows, rCols, yInner);
    if (this.layout === 'dense') return flatPositions(lCols, lRows, r, nRows, nCols, this.transposed);
    return sparsePattern(byRow(lRows, lCols, nRows), inputs[8]!.data, r, inputs[9]!.data, nRows, nCols, this.dtype);
  }
}

/** An index vector as an Int32Array (itself when it is one): the loops below see one array type. */
function ints(a: NDArray): Int32Array {
  return a.data instanceof Int32Array ? a.data : Int32Array.from(a.data as ArrayLike<number>);
}

/** A matrix's stored values grouped by row (a stable counting sort): row i's are order[start[i] .. start[i + 1]), their columns cols[...] in that order. */
interface Rows {
  readonly start: Int32Array;
  readonly order: Int32Array;
  readonly cols: Int32Array;
}

function byRow(rows: Int32Array, cols: Int32Array, n: number): Rows {
  const start = new Int32Array(n + 1);
  let sorted = true;
  for (let k = 0; k < rows.length; k++) {
    start[rows[k]! + 1]!++;
    if (k > 0 && rows[k]! < rows[k - 1]!) sorted = false;
  }
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  // a csr operand's values come grouped already: its order is the identity, its columns itself
  if (sorted) return { start, order: identity(rows.length), cols };
  const next = start.slice(0, n);
  const order = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) order[next[rows[k]!]!++] = k;
  const grouped = new Int32Array(rows.length);
  for (let q = 0; q < order.length; q++) grouped[q] = cols[order[q]!]!;
  return { start, order, cols: grouped };
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let k = 0; k < n; k++) a[k] = k;
  return a;
}

function countTerms(lCols: Int32Array, r: Rows): number {
  let terms = 0;
  for (let k = 0; k < lCols.length; k++) terms += r.start[lCols[k]! + 1]! - r.start[lCols[k]!]!;
  return terms;
}

/** Each term's flat position in the dense L @ R (nRows x nCols), or in its transpose. */
function flatPositions(lCols: Int32Array, lRows: Int32Array, r: Rows, nRows: number, nCols: number, transposed: boolean): NDArray[] {
  const terms = countTerms(lCols, r);
  const pairL = new Int32Array(terms);
  const pairR = new Int32Array(terms);
  // a dense product has fewer than 2^31 elements (MAX_ELEMENTS)
  const flat = new Int32Array(terms);
  const [rowStride, colStride] = transposed ? [1, nRows] : [nCols, 1];
  let p = 0;
  for (let k = 0; k < lCols.length; k++) {
    const j = lCols[k]!;
    const base = lRows[k]! * rowStride;
    for (let ll = r.start[j]!; ll < r.start[j + 1]!; ll++) {
      pairL[p] = k;
      pairR[p] = r.order[ll]!;
      flat[p++] = base + r.cols[ll]! * colStride;
    }
  }
  return [int32(pairL), int32(pairR), int32(flat)];
}

/** Values as numbers of the product's dtype: its arithmetic decides which sums are exactly 0. */
function asNumbers(data: ArrayLike<number>): Float64Array | Float32Array {
  return data instanceof Float64Array || data instanceof Float32Array ? data : Float64Array.from(data);
}

function sparsePattern(l: Rows, lValues: ArrayLike<number>, r: Rows, rValues: ArrayLike<number>, nRows: number, nCols: number, dtype: DType): NDArray[] {
  const lData = asNumbers(lValues);
  const rData = asNumbers(rValues);
  const exact = dtype === 'float64';
  const terms = countTerms(l.cols, r);
  // 1. each row's positions in the order met whose sum is not exactly 0 (NaN is kept), at most one a term; indptr counts them
  const met = new Int32Array(terms);
  const indptr = new Int32Array(nRows + 1);
  const byCol = new Int32Array(nCols + 1);
  // the row that last reached each column, and its sum there
  const seen = new Int32Array(nCols).fill(-1);
  const sum = new Float64Array(nCols);
  let nnz = 0;
  for (let i = 0; i < nRows; i++) {
    const first = nnz;
    for (let kk = l.start[i]!; kk < l.start[i + 1]!; kk++) {
      const j = l.cols[kk]!;
      const v = lData[l.order[kk]!]!;
      for (let ll = r.start[j]!; ll < r.start[j + 1]!; ll++) {
        const c = r.cols[ll]!;
        const term = v * rData[r.order[ll]!]!;
        if (seen[c] !== i) {
          seen[c] = i;
          met[nnz++] = c;
          sum[c] = exact ? term : castScalar(term, dtype);
        } else sum[c] = exact ? sum[c]! + term : castScalar(sum[c]! + castScalar(term, dtype), dtype);
      }
    }
    let kept = first;
    for (let q = first; q < nnz; q++) {
      const c = met[q]!;
      if (sum[c] === 0) continue;
      met[kept++] = c;
      byCol[c + 1]!++;
    }
    nnz = kept;
    indptr[i + 1] = nnz;
  }
  // 2. each row's columns sorted: a stable counting sort of the rows by column, then each row's columns read back in that order
  for (let c = 0; c < nCols; c++) byCol[c + 1]! += byCol[c]!;
  const rowOf = new Int32Array(nnz);
  for (let i = 0; i < nRows; i++) for (let q = indptr[i]!; q < indptr[i + 1]!; q++) rowOf[byCol[met[q]!]!++] = i;
  const indices = met.subarray(0, nnz);
  const next = indptr.slice(0, nRows);
  for (let c = 0, t = 0; c < nCols; c++) for (const end = byCol[c]!; t < end; t++) indices[next[rowOf[t]!]!++] = c;
  const majorIds = rowOf;
  for (let i = 0; i < nRows; i++) majorIds.fill(i, indptr[i]!, indptr[i + 1]!);
  // 3. each term of a kept position and where it sums: a cancelled position's terms are left out, so they get no derivative, as in Theano (the gradient of SciPy's result, which lacks the position)
  const pairL = new Int32Array(terms);
  const pairR = new Int32Array(terms);
  const slot = new Int32Array(terms);
  const keptIn = seen.fill(-1);
  const slotOf = new Int32Array(nCols);
  let p = 0;
  for (let i = 0; i < nRows; i++) {
    for (let q = indptr[i]!; q < indptr[i + 1]!; q++) {
      keptIn[indices[q]!] = i;
      slotOf[indices[q]!] = q;
    }
    for (let kk = l.start[i]!; kk < l.start[i + 1]!; kk++) {
      const k = l.order[kk]!;
      const j = l.cols[kk]!;
      for (let ll = r.start[j]!; ll < r.start[j + 1]!; ll++) {
        const c = r.cols[ll]!;
        if (keptIn[c] !== i) continue;
        pairL[p] = k;
        pairR[p] = r.order[ll]!;
        slot[p++] = slotOf[c]!;
      }
    }
  }
  const trimmed = (a: Int32Array) => int32(p === terms ? a : a.slice(0, p));
  return [trimmed(pairL), trimmed(pairR), trimmed(slot), int32(indices.slice()), int32(indptr), int32(majorIds)];
}
