/**
 * Host stages of sym.sparse whose output sizes depend on the values: the
 * stored values that are not zero (Theano's Remove0, SciPy's
 * eliminate_zeros) and the positions two matrices both store whose
 * product is not 0 (the matrix product of two sparse matrices is
 * product-pattern.ts). Both output integers only (positions, and which
 * stored values go where): the values themselves are gathered and summed
 * by ordinary ops around them, so that grad differentiates them as any
 * graph and every backend runs them. Their inputs are index vectors,
 * values and lengths, which for a function's sparse input (or a shared
 * one) are on the host already: no program, no readback.
 */
import { NDArray } from '../core/ndarray.js';
import { castScalar, isInt, type DType } from '../core/dtype.js';
import type { Apply } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import { HostOp } from '../ops/host.js';

const vector = (dtype: 'int32' | 'int64') => new TensorType(dtype, [false]);

function checkInts(caller: string, inputs: readonly TensorVariable[], ndims: readonly number[]): void {
  inputs.forEach((v, i) => {
    if (v.ndim !== ndims[i] || !isInt(v.dtype)) throw new TypeError(`${caller}: input ${i} must be an integer ${ndims[i] === 0 ? 'scalar' : 'vector'}, got ${v} of type ${v.type}`);
  });
}

/** Where each stored value of a matrix in compressed form starts, grouped by `major` (a stable counting sort): [start (n + 1), order]. */
function bucket(major: Int32Array, n: number): [Int32Array, Int32Array] {
  const start = new Int32Array(n + 1);
  for (let k = 0; k < major.length; k++) start[major[k]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const next = start.slice(0, n);
  const order = new Int32Array(major.length);
  for (let k = 0; k < major.length; k++) order[next[major[k]!]!++] = k;
  return [start, order];
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
 * is not exactly 0 (NaN is kept), sorted in each row (csr) or column
 * (csc). It reads the values too, to find those zeros in the same pass,
 * as SciPy's elmul does (each operand's repeated positions summed first,
 * in `dtype`, the product's, and SciPy's order): one host stage, where a
 * remove0 after the product needed a second reading the products back.
 * Inputs: x's major ids and indices, y's (read in the result's format),
 * the major and minor lengths, x's values and y's. Outputs (int32): the
 * stored values of x that reach a kept position and the position each
 * sums into, the same for y, and the product's indices, indptr and major
 * ids. A value with no partner, or whose position is dropped, is left
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
    return Array.from({ length: 7 }, () => vector('int32'));
  }
  inferShape(): StaticShape[] {
    return [[null], [null], [null], [null], [null], [null], [null]];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [xMajor, xMinor, yMajor, yMinor] = inputs.slice(0, 4).map(ints) as [Int32Array, Int32Array, Int32Array, Int32Array];
    const [nMajor, nMinor] = inputs.slice(4, 6).map((a) => Number(a.data[0])) as [number, number];
    const x = { major: xMajor, minor: xMinor, values: asNumbers(inputs[6]!.data) };
    const y = { major: yMajor, minor: yMinor, values: asNumbers(inputs[7]!.data) };
    return intersection(x, y, nMajor, nMinor, this.dtype);
  }
}

/** Values as numbers (int64 is held in a Float64Array already): the dtype's arithmetic is applied by castScalar. */
function asNumbers(data: ArrayLike<number>): Float64Array | Float32Array {
  return data instanceof Float64Array || data instanceof Float32Array ? data : Float64Array.from(data);
}

interface Operand {
  readonly major: Int32Array;
  readonly minor: Int32Array;
  readonly values: Float64Array | Float32Array;
}

function intersection(x: Operand, y: Operand, nMajor: number, nMinor: number, dtype: DType): NDArray[] {
  const [xStart, xOrder] = bucket(x.major, nMajor);
  const [yStart, yOrder] = bucket(y.major, nMajor);
  const add = dtype === 'float64' ? (a: number, b: number) => a + b : (a: number, b: number) => castScalar(a + castScalar(b, dtype), dtype);
  const mul = dtype === 'float64' ? (a: number, b: number) => a * b : (a: number, b: number) => castScalar(a * b, dtype);
  // the row (column) that last stored each minor index in y, in both, and kept it; the sums there
  const inY = new Int32Array(nMinor).fill(-1);
  const inBoth = new Int32Array(nMinor).fill(-1);
  const kept = new Int32Array(nMinor).fill(-1);
  const ySum = new Float64Array(nMinor);
  const xSum = new Float64Array(nMinor);
  const slotOf = new Int32Array(nMinor);
  const met = new Int32Array(Math.min(x.major.length, y.major.length));
  const indptr = new Int32Array(nMajor + 1);
  const xTake = new Int32Array(x.major.length);
  const xSlot = new Int32Array(x.major.length);
  const yTake = new Int32Array(y.major.length);
  const ySlot = new Int32Array(y.major.length);
  let nnz = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < nMajor; i++) {
    for (let ll = yStart[i]!; ll < yStart[i + 1]!; ll++) {
      const l = yOrder[ll]!;
      const c = y.minor[l]!;
      const v = castScalar(y.values[l]!, dtype);
      ySum[c] = inY[c] === i ? add(ySum[c]!, v) : v;
      inY[c] = i;
    }
    const first = nnz;
    for (let kk = xStart[i]!; kk < xStart[i + 1]!; kk++) {
      const k = xOrder[kk]!;
      const c = x.minor[k]!;
      if (inY[c] !== i) continue;
      const v = castScalar(x.values[k]!, dtype);
      if (inBoth[c] === i) xSum[c] = add(xSum[c]!, v);
      else {
        inBoth[c] = i;
        xSum[c] = v;
        met[nnz++] = c;
      }
    }
    // SciPy keeps a product that is not exactly 0
    let q = first;
    for (let p = first; p < nnz; p++) if (mul(xSum[met[p]!]!, ySum[met[p]!]!) !== 0) met[q++] = met[p]!;
    nnz = q;
    met.subarray(first, nnz).sort();
    for (let p = first; p < nnz; p++) {
      kept[met[p]!] = i;
      slotOf[met[p]!] = p;
    }
    for (let kk = xStart[i]!; kk < xStart[i + 1]!; kk++) {
      const k = xOrder[kk]!;
      if (kept[x.minor[k]!] !== i) continue;
      xTake[nx] = k;
      xSlot[nx++] = slotOf[x.minor[k]!]!;
    }
    for (let ll = yStart[i]!; ll < yStart[i + 1]!; ll++) {
      const l = yOrder[ll]!;
      if (kept[y.minor[l]!] !== i) continue;
      yTake[ny] = l;
      ySlot[ny++] = slotOf[y.minor[l]!]!;
    }
    indptr[i + 1] = nnz;
  }
  const majorIds = new Int32Array(nnz);
  for (let i = 0; i < nMajor; i++) majorIds.fill(i, indptr[i]!, indptr[i + 1]!);
  const cut = (a: Int32Array, n: number) => int32(a.slice(0, n));
  return [cut(xTake, nx), cut(xSlot, nx), cut(yTake, ny), cut(ySlot, ny), cut(met, nnz), int32(indptr), int32(majorIds)];
}
