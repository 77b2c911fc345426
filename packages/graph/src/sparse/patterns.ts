/**
 * Host stages of sym.sparse whose output sizes depend on the values: the
 * stored values that are not zero (Theano's Remove0, SciPy's
 * eliminate_zeros) and the positions two matrices both store (the product
 * of two sparse matrices is product-pattern.ts). Both compute
 * integers only (positions, and which stored values go where): the values
 * themselves are gathered and summed by ordinary ops around them, so that
 * grad differentiates them as any graph and every backend runs them.
 * Their inputs are index vectors and lengths, which for a function's
 * sparse input (or a shared one) are on the host already: no program, no
 * readback.
 */
import { NDArray } from '../core/ndarray.js';
import { isInt } from '../core/dtype.js';
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
 * shape (SciPy's `x.multiply(y)`): the positions both store, sorted in
 * each row (csr) or column (csc). Inputs: x's major ids and indices, y's
 * (read in the result's format), the major and minor lengths. Outputs:
 * for each stored value of x, and of y, the position it sums into (one
 * past the last, the product's length, where the other stores nothing
 * there), and the product's indices, indptr and major ids.
 */
export class IntersectionPattern extends HostOp {
  key(): string {
    return 'IntersectionPattern';
  }
  override toString(): string {
    return 'IntersectionPattern';
  }
  override pp(args: readonly string[], node: Apply, output = 0): string {
    return `intersection_pattern(${args.join(', ')})[${output}]`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    checkInts('IntersectionPattern', inputs, [1, 1, 1, 1, 0, 0]);
    return [vector('int64'), vector('int64'), vector('int32'), vector('int32'), vector('int32')];
  }
  inferShape(): StaticShape[] {
    return [[null], [null], [null], [null], [null]];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [xMajor, xMinor, yMajor, yMinor] = inputs.slice(0, 4).map(ints) as [Int32Array, Int32Array, Int32Array, Int32Array];
    const [nMajor, nMinor] = inputs.slice(4).map((a) => Number(a.data[0])) as [number, number];
    return intersection(xMajor, xMinor, yMajor, yMinor, nMajor, nMinor);
  }
}

function intersection(xMajor: Int32Array, xMinor: Int32Array, yMajor: Int32Array, yMinor: Int32Array, nMajor: number, nMinor: number): NDArray[] {
  const [xStart, xOrder] = bucket(xMajor, nMajor);
  const [yStart, yOrder] = bucket(yMajor, nMajor);
  // the row (column) that last stored each minor index in y, and in both
  const inY = new Int32Array(nMinor).fill(-1);
  const inBoth = new Int32Array(nMinor).fill(-1);
  const slotOf = new Int32Array(nMinor);
  const indices = new Int32Array(Math.min(xMajor.length, yMajor.length));
  const indptr = new Int32Array(nMajor + 1);
  const xSlot = new Float64Array(xMajor.length).fill(-1);
  const ySlot = new Float64Array(yMajor.length).fill(-1);
  let nnz = 0;
  for (let i = 0; i < nMajor; i++) {
    for (let ll = yStart[i]!; ll < yStart[i + 1]!; ll++) inY[yMinor[yOrder[ll]!]!] = i;
    const first = nnz;
    for (let kk = xStart[i]!; kk < xStart[i + 1]!; kk++) {
      const c = xMinor[xOrder[kk]!]!;
      if (inY[c] === i && inBoth[c] !== i) {
        inBoth[c] = i;
        indices[nnz++] = c;
      }
    }
    indices.subarray(first, nnz).sort();
    for (let q = first; q < nnz; q++) slotOf[indices[q]!] = q;
    for (let kk = xStart[i]!; kk < xStart[i + 1]!; kk++) {
      const k = xOrder[kk]!;
      if (inBoth[xMinor[k]!] === i) xSlot[k] = slotOf[xMinor[k]!]!;
    }
    for (let ll = yStart[i]!; ll < yStart[i + 1]!; ll++) {
      const l = yOrder[ll]!;
      if (inBoth[yMinor[l]!] === i) ySlot[l] = slotOf[yMinor[l]!]!;
    }
    indptr[i + 1] = nnz;
  }
  // a value with no partner sums into the extra position past the product's, which is cut off
  for (let k = 0; k < xSlot.length; k++) if (xSlot[k] === -1) xSlot[k] = nnz;
  for (let l = 0; l < ySlot.length; l++) if (ySlot[l] === -1) ySlot[l] = nnz;
  const majorIds = new Int32Array(nnz);
  for (let i = 0; i < nMajor; i++) majorIds.fill(i, indptr[i]!, indptr[i + 1]!);
  return [int64(xSlot), int64(ySlot), int32(indices.slice(0, nnz)), int32(indptr), int32(majorIds)];
}
