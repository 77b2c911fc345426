/**
 * The host stage of a product of two sparse matrices (ProductPattern):
 * which stored values meet, and where each product term sums, is known
 * only from both patterns, so it runs on the host between programs, as
 * T.nonzero does. It also sums the values there, in SciPy's order (the
 * sums decide which positions cancel to exactly 0, which SciPy's `x @ y`
 * drops), and gives the terms (which values meet where) from which
 * ProductValues builds the gradient with ordinary ops, so grad
 * differentiates the product as any graph and every backend runs it; a
 * compiled graph that does not differentiate it runs the stage without
 * terms (sparse/forward-only.ts). Its inputs are index vectors, values
 * and lengths, which for a function's sparse inputs (or shared ones) are
 * on the host already.
 */
import { isInt, type DType } from '../core/dtype.js';
import { NDArray } from '../core/ndarray.js';
import type { Apply } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import { HostOp } from '../ops/host.js';
import { byRow, densePositions, sparsePattern } from './gustavson.js';
import { sparseSums } from './gustavson-sums.js';

/** 'sparse': the product's csr pattern, its exact zeros dropped; 'dense': each position's flat place in the dense product. */
export type ProductLayout = 'sparse' | 'dense';

const vector = (dtype: DType) => new TensorType(dtype, [false]);
const int32 = (a: Int32Array) => new NDArray(a, [a.length], 'int32');
/** Sums (float64 numbers already in the dtype's arithmetic) as the dtype's array: the typed array's own conversion, exact for them. */
export function valuesOf(a: Float64Array, dtype: DType): NDArray {
  if (dtype === 'float64' || dtype === 'int64') return new NDArray(a, [a.length], dtype);
  const out = NDArray.zeros([a.length], dtype);
  out.data.set(a);
  return out;
}

/**
 * L @ R (L, R given as each stored value's row and column in any order),
 * by Gustavson's algorithm as SciPy's csr_matmat. Inputs: lRows, lCols,
 * rRows, rCols, L's rows, the inner lengths as the user's x and y give
 * them (x's columns, y's rows: L's columns and R's rows, or R's and L's
 * for a csc product; unequal is the caller's error), R's columns, and L's
 * and R's values (lData, rData). Outputs, for each product term L[k]
 * R[l]: pairL k, pairR l and slot, the position it sums into (int32);
 * then
 * - 'sparse': the product's indices (sorted in each row), indptr and row
 *   ids (int32), and its values (`dtype`). A position whose sum cancels to
 *   exactly 0 is left out, and its terms with it; a NaN sum is kept, as
 *   SciPy keeps it.
 * - 'dense': each position's flat place in the dense product, row-major,
 *   or in its transpose (`transposed`, a csc product computed as the csr
 *   pattern of y.T @ x.T) (int32), and its value (`dtype`).
 * The values are the sums of the terms, each product and sum in the
 * product's dtype, in SciPy's order: computed here, where the zero test
 * needs them anyway, so that every backend's product equals SciPy's (a
 * device's scatter-add sums in its own order: the CPU's float32 rounds a
 * float64 sum once, WebGPU's atomics add in any order; [1e8, 1, -1e8, -1]
 * times ones is -1 in SciPy's float32 and 0 summed exactly). The terms
 * are the values' gradient (sparse/product-values.ts). With `terms` false
 * (ProductPattern{sparse, forward}: the optimizer's sparse_forward_only,
 * where nothing differentiates the product; 'sparse' only) it writes none
 * and gives only the outputs after them, the same numbers
 * (gustavson-sums.ts).
 */
export class ProductPattern extends HostOp {
  /** caller: the user's function, for errors; lengths: how the x columns / y rows read in them. */
  constructor(
    readonly caller: string,
    readonly lengths: { readonly x: string; readonly y: string },
    readonly layout: ProductLayout,
    readonly dtype: DType,
    readonly transposed = false,
    readonly terms = true,
  ) {
    super();
    // the dense product keeps its terms (sparse/forward-only.ts says why)
    if (!terms && layout === 'dense') throw new TypeError('ProductPattern{dense}: the dense product is computed with its terms');
  }
  /** The same product giving no terms (no gradient can be built on it). */
  withoutTerms(): ProductPattern {
    return new ProductPattern(this.caller, this.lengths, this.layout, this.dtype, this.transposed, false);
  }
  key(): string {
    return `ProductPattern:${this.caller}:${this.lengths.x}:${this.lengths.y}:${this.layout}:${this.dtype}:${this.transposed}:${this.terms}`;
  }
  override toString(): string {
    return `ProductPattern{${this.layout}${this.terms ? '' : ', forward'}}`;
  }
  override pp(args: readonly string[], node: Apply, output = 0): string {
    return `product_pattern_${this.layout}${this.terms ? '' : '_forward'}(${args.join(', ')})[${output}]`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    if (inputs.length !== 10) throw new TypeError(`ProductPattern{${this.layout}}: expected 10 inputs, got ${inputs.length}`);
    inputs.forEach((v, i) => {
      const values = i >= 8;
      const ndim = i < 4 || values ? 1 : 0;
      if (v.ndim !== ndim || (!values && !isInt(v.dtype))) throw new TypeError(`ProductPattern: input ${i} must be ${values ? 'a' : 'an integer'} ${ndim ? 'vector' : 'scalar'}, got ${v} of type ${v.type}`);
    });
    const ints = Array.from({ length: this.outputCount() - 1 }, () => vector('int32'));
    return [...ints, vector(this.dtype)];
  }
  inferShape(): StaticShape[] {
    return Array.from({ length: this.outputCount() }, () => [null]);
  }
  /** The terms' three (unless `terms` is false), then the layout's: flat and values (dense); indices, indptr, row ids and values (sparse). */
  private outputCount(): number {
    return (this.terms ? 3 : 0) + (this.layout === 'dense' ? 2 : 4);
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [nRows, xInner, yInner, nCols] = inputs.slice(4, 8).map((a) => Number(a.data[0])) as [number, number, number, number];
    if (xInner !== yInner) throw new RangeError(`${this.caller}: ${this.lengths.x} has ${xInner} columns but ${this.lengths.y} has ${yInner} rows; a product needs them equal`);
    const [lRows, lCols, rRows, rCols] = inputs.slice(0, 4).map(ints) as [Int32Array, Int32Array, Int32Array, Int32Array];
    const [l, r] = [byRow(lRows, lCols, nRows, 'l'), byRow(rRows, rCols, yInner, 'r')];
    const [lData, rData] = [inputs[8]!.data, inputs[9]!.data];
    if (!this.terms) {
      const p = sparseSums(l, lData, r, rData, nRows, nCols, this.dtype);
      return [...[p.indices, p.indptr, p.majorIds].map(int32), valuesOf(p.values, this.dtype)];
    }
    if (this.layout === 'dense') {
      const d = densePositions(l, lData, r, rData, nRows, nCols, this.dtype, this.transposed);
      return [...[d.pairL, d.pairR, d.slot, d.flat].map(int32), valuesOf(d.values, this.dtype)];
    }
    const p = sparsePattern(l, lData, r, rData, nRows, nCols, this.dtype);
    return [...[p.pairL, p.pairR, p.slot, p.indices, p.indptr, p.majorIds].map(int32), valuesOf(p.values, this.dtype)];
  }
}

/** An index vector as an Int32Array (itself when it is one): the loops see one array type. */
function ints(a: NDArray): Int32Array {
  return a.data instanceof Int32Array ? a.data : Int32Array.from(a.data as ArrayLike<number>);
}
