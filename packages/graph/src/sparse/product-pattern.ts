/**
 * The host stage of a product of two sparse matrices (ProductPattern):
 * which stored values meet, and where each product term sums, is known
 * only from both patterns, so it runs on the host between programs, as
 * T.nonzero does. It computes integers only (which values go where); the
 * values are gathered, multiplied and scatter-added by ordinary ops around
 * it, so grad differentiates them as any graph and every backend runs
 * them. For a sparse result it also reads the operands' values, to find
 * the positions whose sum cancels to exactly 0 (SciPy's `x @ y` drops
 * them) in the same stage: one host stage and one program, where a
 * remove0 after the product needed a second stage reading the sums back.
 * Its inputs are index vectors, values and lengths, which for a
 * function's sparse inputs (or shared ones) are on the host already.
 */
import { isInt, type DType } from '../core/dtype.js';
import { NDArray } from '../core/ndarray.js';
import type { Apply } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import { HostOp } from '../ops/host.js';
import { byRow, countTerms, flatPositions, sparsePattern, type Rows } from './gustavson.js';

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
    const r = byRow(rRows, rCols, yInner, 'r');
    if (this.layout === 'dense') return densePattern(lCols, lRows, r, nRows, nCols, this.transposed);
    const p = sparsePattern(byRow(lRows, lCols, nRows, 'l'), inputs[8]!.data, r, inputs[9]!.data, nRows, nCols, this.dtype);
    return [p.pairL, p.pairR, p.slot, p.indices, p.indptr, p.majorIds].map(int32);
  }
}

/** An index vector as an Int32Array (itself when it is one): the loops see one array type. */
function ints(a: NDArray): Int32Array {
  return a.data instanceof Int32Array ? a.data : Int32Array.from(a.data as ArrayLike<number>);
}

/** Each term's flat position in the dense L @ R (nRows x nCols), or in its transpose. */
function densePattern(lCols: Int32Array, lRows: Int32Array, r: Rows, nRows: number, nCols: number, transposed: boolean): NDArray[] {
  const terms = countTerms(lCols, lCols.length, r.start);
  const pairL = new Int32Array(terms);
  const pairR = new Int32Array(terms);
  // a dense product has fewer than 2^31 elements (MAX_ELEMENTS)
  const flat = new Int32Array(terms);
  if (transposed) flatPositions(lCols, lRows, r, 1, nRows, pairL, pairR, flat);
  else flatPositions(lCols, lRows, r, nCols, 1, pairL, pairR, flat);
  return [int32(pairL), int32(pairR), int32(flat)];
}
