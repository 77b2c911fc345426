/**
 * Host stages of sym.sparse whose output sizes depend on the values: the
 * stored values that are not zero (Theano's Remove0, SciPy's
 * eliminate_zeros) and the positions two matrices both store whose
 * product is not 0 (the matrix product of two sparse matrices is
 * product-pattern.ts). StoredNonZeros outputs integers only (positions,
 * and which stored values go where): the values themselves are gathered
 * by ordinary ops around it, so that grad differentiates them as any
 * graph and every backend runs them. IntersectionPattern also outputs the
 * products, summed as SciPy sums them (product-values.ts gives them their
 * gradient). Their inputs are index vectors,
 * values and lengths, which for a function's sparse input (or a shared
 * one) are on the host already: no program, no readback.
 */
import { NDArray } from '../core/ndarray.js';
import { isInt, type DType } from '../core/dtype.js';
import type { Apply } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import { HostOp } from '../ops/host.js';
import { byRow } from './gustavson.js';
import { intersection } from './intersection.js';
import { valuesOf } from './product-pattern.js';

const vector = (dtype: DType) => new TensorType(dtype, [false]);

function checkInts(caller: string, inputs: readonly TensorVariable[], ndims: readonly number[]): void {
  inputs.forEach((v, i) => {
    if (v.ndim !== ndims[i] || !isInt(v.dtype)) throw new TypeError(`${caller}: input ${i} must be an integer ${ndims[i] === 0 ? 'scalar' : 'vector'}, got ${v} of type ${v.type}`);
  });
}

/** An index vector as an Int32Array (itself when it is one): the loops below see one array type. */
function ints(a: NDArray): Int32Array {
  return a.data instanceof Int32Array ? a.data : Int32Array.from(a.data as ArrayLike<number>);
}

const int32 = (a: Int32Array) => new NDArray(a, [a.length], 'int32');
const int64 = (a: Float64Array) => new NDArray(a, [a.length], 'int64');

/**
 * The stored values of a compressed matrix that are not zero (NaN is
 * not zero, as SciPy's eliminate_zeros keeps it), in their order: inputs
 * data, indices, major ids (non-decreasing, as stored) and the major
 * length; outputs the kept values' positions (int64) and the kept
 * indices, indptr and major ids.
 */
export class StoredNonZeros extends HostOp {
  key(): string {
    return 'StoredNonZeros';
  }
  override toString(): string {
    return 'StoredNonZeros';
  }
  override pp(args: readonly string[], node: Apply, output = 0): string {
    return `stored_nonzeros(${args.join(', ')})[${output}]`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    if (inputs[0]?.ndim !== 1) throw new TypeError(`StoredNonZeros: data must be a vector, got ${inputs[0]} of type ${inputs[0]?.type}`);
    checkInts('StoredNonZeros', inputs.slice(1), [1, 1, 0]);
    return [vector('int64'), vector('int32'), vector('int32'), vector('int32')];
  }
  inferShape(): StaticShape[] {
    return [[null], [null], [null], [null]];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const data = inputs[0]!.data;
    return data instanceof Float32Array || data instanceof Float64Array
      ? nonZeros(data, ints(inputs[1]!), ints(inputs[2]!), Number(inputs[3]!.data[0]))
      : nonZeros(Float64Array.from(data as ArrayLike<number>), ints(inputs[1]!), ints(inputs[2]!), Number(inputs[3]!.data[0]));
  }
}

function nonZeros(data: Float32Array | Float64Array, indices: Int32Array, majorIds: Int32Array, nMajor: number): NDArray[] {
  let n = 0;
  for (let k = 0; k < data.length; k++) if (data[k] !== 0) n++;
  const keep = new Float64Array(n);
  const kept = new Int32Array(n);
  const ids = new Int32Array(n);
  const indptr = new Int32Array(nMajor + 1);
  for (let k = 0, q = 0; k < data.length; k++) {
    if (data[k] === 0) continue;
    keep[q] = k;
    kept[q] = indices[k]!;
    ids[q++] = majorIds[k]!;
    indptr[majorIds[k]! + 1]!++;
  }
  for (let i = 0; i < nMajor; i++) indptr[i + 1]! += indptr[i]!;
  return [int64(keep), int32(kept), int32(indptr), int32(ids)];
}

/**
 * The pattern of the elementwise product of two sparse matrices of one
 * shape (SciPy's `x.multiply(y)`): the positions both store whose product
 * is not exactly 0 (NaN is kept), and those where one stores inf or NaN
 * and the other nothing (times its 0: NaN, as SciPy's), sorted in each row (csr) or column
 * (csc). It reads the values too, to find those zeros in the same pass,
 * as SciPy's elmul does (each operand's repeated positions summed first,
 * in `dtype`, the product's, and SciPy's order): one host stage, where a
 * remove0 after the product needed a second reading the products back.
 * Inputs: x's major ids and indices, y's (read in the result's format),
 * the major and minor lengths, x's values and y's. Outputs (int32): the
 * stored values of x that reach a kept position and the position each
 * sums into, the same for y, and the product's indices, indptr and major
 * ids; then (`dtype`) its values. A value with no partner, or whose position is dropped, is left
 * out, so it gets no derivative (Theano's gradient is the result's,
 * which lacks the position).
 */
export class IntersectionPattern extends HostOp {
  constructor(readonly dtype: DType) {
    super();
  }
  key(): string {
    return `IntersectionPattern:${this.dtype}`;
  }
  override toString(): string {
    return 'IntersectionPattern';
  }
  override pp(args: readonly string[], node: Apply, output = 0): string {
    return `intersection_pattern(${args.join(', ')})[${output}]`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    if (inputs.length !== 8) throw new TypeError(`IntersectionPattern: expected 8 inputs, got ${inputs.length}`);
    checkInts('IntersectionPattern', inputs.slice(0, 6), [1, 1, 1, 1, 0, 0]);
    inputs.slice(6).forEach((v, i) => {
      if (v.ndim !== 1) throw new TypeError(`IntersectionPattern: input ${6 + i} must be a vector of values, got ${v} of type ${v.type}`);
    });
    return [...Array.from({ length: 7 }, () => vector('int32')), vector(this.dtype)];
  }
  inferShape(): StaticShape[] {
    return Array.from({ length: 8 }, () => [null]);
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [xMajor, xMinor, yMajor, yMinor] = inputs.slice(0, 4).map(ints) as [Int32Array, Int32Array, Int32Array, Int32Array];
    const [nMajor, nMinor] = inputs.slice(4, 6).map((a) => Number(a.data[0])) as [number, number];
    const x = byRow(xMajor, xMinor, nMajor, 'l');
    const y = byRow(yMajor, yMinor, nMajor, 'r');
    const r = intersection(x, inputs[6]!.data, y, inputs[7]!.data, nMajor, nMinor, this.dtype);
    return [...[r.xTake, r.xSlot, r.yTake, r.ySlot, r.indices, r.indptr, r.majorIds].map(int32), valuesOf(r.values, this.dtype)];
  }
}
