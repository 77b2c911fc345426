/**
 * The loops of IntersectionPattern (patterns.ts): the positions two sparse
 * matrices of one shape both store, row by row (major by major), and which
 * of their products are exactly 0. Written as gustavson.ts's are (each
 * loop a function of its own, see there): V8's code compiled during a first
 * call deoptimized on every later one (a different dtype's arithmetic, a
 * path not yet taken).
 *
 * A row whose indices are sorted in both operands (a canonical matrix's,
 * or the other format's read as this one's) is merged, so the positions
 * come out sorted; another row finds its positions with a marker per
 * column and sorts them. Repeated positions are summed first, each
 * operand's values in their stored order, as SciPy's elmul does. Where
 * an operand holds inf or NaN, every row is the union of both patterns
 * (unionRow): SciPy multiplies over the union, a missing value being 0,
 * and keeps inf * 0 (NaN); the zero test drops the other one-sided
 * positions.
 */
import { castScalar, type DType } from '../core/dtype.js';
import { fillRows, productIn, type Rows } from './gustavson.js';
import { float64Values, scratchFloat64, scratchInt32 } from './scratch.js';

/** The outputs of IntersectionPattern (see there). */
export interface Intersection {
  readonly xTake: Int32Array;
  readonly xSlot: Int32Array;
  readonly yTake: Int32Array;
  readonly ySlot: Int32Array;
  readonly indices: Int32Array;
  readonly indptr: Int32Array;
  readonly majorIds: Int32Array;
  /** Each position's product xs * ys in the dtype's arithmetic (each operand's repeated values summed first): the values of SciPy's elmul. */
  readonly values: Float64Array;
}

/** Scratch for the candidates of one operand: which of its values reach a position (take) and which (slot). */
interface Reaching {
  readonly take: Int32Array;
  readonly slot: Int32Array;
  n: number;
}

/**
 * x and y grouped by major (gustavson.ts's byRow), their values, the
 * lengths and the product's dtype: (1) each row's common positions and
 * the values reaching them, (2) each operand's values summed per position
 * and the products tested in the dtype's arithmetic, (3) a position whose
 * product is exactly 0 dropped with its values (rare), (4) the products,
 * the product's values (summed here, in the order that decided the zeros,
 * rather than by a device's scatter-add in its own order).
 */
export function intersection(x: Rows, xValues: ArrayLike<number>, y: Rows, yValues: ArrayLike<number>, nMajor: number, nMinor: number, dtype: DType): Intersection {
  const nx = x.start[nMajor]!;
  const ny = y.start[nMajor]!;
  const indptr = new Int32Array(nMajor + 1);
  // SciPy's elmul multiplies over both patterns' union, a side that does not store taking 0: 0 unless the other side's sum
  // is inf or NaN (inf * 0 is NaN, stored); so where a sum can be, the positions are the union, and the zero test drops the rest
  const union = !sumsFinite(xValues, dtype) || !sumsFinite(yValues, dtype);
  const met = scratchInt32('met', union ? nx + ny : Math.min(nx, ny));
  const xr: Reaching = { take: scratchInt32('xTake', nx), slot: scratchInt32('xSlot', nx), n: 0 };
  const yr: Reaching = { take: scratchInt32('yTake', ny), slot: scratchInt32('ySlot', ny), n: 0 };
  let nnz = patternRows(x, y, nMajor, nMinor, met, xr, yr, indptr, union);
  const xSums = scratchFloat64('xSums', nnz);
  const ySums = scratchFloat64('ySums', nnz);
  xSums.fill(0, 0, nnz);
  ySums.fill(0, 0, nnz);
  // float64 by loops of its own: castScalar's dispatch on the dtype was a third of the stage's time
  const exact = dtype === 'float64';
  if (exact) sumIntoExact(xSums, float64Values(xValues, 'x'), xr.take, xr.slot, xr.n);
  else sumInto(xSums, float64Values(xValues, 'x'), xr.take, xr.slot, xr.n, dtype);
  if (exact) sumIntoExact(ySums, float64Values(yValues, 'y'), yr.take, yr.slot, yr.n);
  else sumInto(ySums, float64Values(yValues, 'y'), yr.take, yr.slot, yr.n, dtype);
  if ((exact ? zeroProductsExact(xSums, ySums, nnz) : zeroProducts(xSums, ySums, nnz, dtype)) > 0) {
    const renumbered = scratchInt32('renumbered', nnz);
    nnz = dropZeros(xSums, ySums, dtype, met, indptr, nMajor, renumbered);
    xr.n = dropReaching(xr, renumbered);
    yr.n = dropReaching(yr, renumbered);
  }
  const majorIds = new Int32Array(nnz);
  fillRows(majorIds, indptr, nMajor);
  const values = new Float64Array(nnz);
  if (exact) productsExact(xSums, ySums, values);
  else if (dtype === 'float32') productsFloat32(xSums, ySums, values);
  else products(xSums, ySums, values, dtype);
  return { xTake: xr.take.slice(0, xr.n), xSlot: xr.slot.slice(0, xr.n), yTake: yr.take.slice(0, yr.n), ySlot: yr.slot.slice(0, yr.n), indices: met.slice(0, nnz), indptr, majorIds, values };
}

/** The largest finite value of each float dtype. */
const FLOAT_MAX: Partial<Record<DType, number>> = { float16: 65504, float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

/**
 * Whether every sum of these values is finite in `dtype`: their
 * magnitudes' total (NaN with a NaN, inf with an inf) is at most the
 * dtype's largest value, so no value is inf or NaN and no sum of repeated
 * ones overflows (float32's 3e38 + 3e38 is inf). Integer sums always are.
 */
function sumsFinite(values: ArrayLike<number>, dtype: DType): boolean {
  const max = FLOAT_MAX[dtype];
  if (max === undefined) return true;
  let total = 0;
  for (let k = 0; k < values.length; k++) total += Math.abs(values[k]!);
  return total <= max;
}

/** Pass 1: each row's common positions (met, indptr), or all positions either stores (`union`), and the values reaching them. Returns nnz. */
function patternRows(x: Rows, y: Rows, nMajor: number, nMinor: number, met: Int32Array, xr: Reaching, yr: Reaching, indptr: Int32Array, union: boolean): number {
  let nnz = 0;
  let marked = false;
  for (let i = 0; i < nMajor; i++) {
    if (union) {
      if (!marked) clearMarks(nMinor);
      marked = true;
      nnz = unionRow(x, y, i, nnz, nMinor, met, xr, yr);
    } else if (sortedRow(x, y, i)) nnz = mergeRow(x, y, i, nnz, met, xr, yr);
    else {
      // the marks hold row numbers: cleared once a call, by the first row that needs them
      if (!marked) clearMarks(nMinor);
      marked = true;
      nnz = markRow(x, y, i, nnz, nMinor, met, xr, yr);
    }
    indptr[i + 1] = nnz;
  }
  return nnz;
}

/** Whether row i's indices are non-decreasing in both operands. */
function sortedRow(x: Rows, y: Rows, i: number): boolean {
  return nonDecreasing(x.cols, x.start[i]!, x.start[i + 1]!) && nonDecreasing(y.cols, y.start[i]!, y.start[i + 1]!);
}

function nonDecreasing(a: Int32Array, from: number, to: number): boolean {
  for (let k = from + 1; k < to; k++) if (a[k]! < a[k - 1]!) return false;
  return true;
}

/** Row i of two sorted rows: each column both store, its values (a run in each) reaching it. Returns the new nnz. */
function mergeRow(x: Rows, y: Rows, i: number, nnz: number, met: Int32Array, xr: Reaching, yr: Reaching): number {
  const xEnd = x.start[i + 1]!;
  const yEnd = y.start[i + 1]!;
  let a = x.start[i]!;
  let b = y.start[i]!;
  while (a < xEnd && b < yEnd) {
    const cx = x.cols[a]!;
    const cy = y.cols[b]!;
    if (cx !== cy) {
      if (cx < cy) a++;
      else b++;
      continue;
    }
    met[nnz] = cx;
    a = takeRun(x, a, xEnd, cx, nnz, xr);
    b = takeRun(y, b, yEnd, cx, nnz, yr);
    nnz++;
  }
  return nnz;
}

/** The values of the run of column c starting at `from`, reaching position q. Returns where the run ends. */
function takeRun(m: Rows, from: number, end: number, c: number, q: number, r: Reaching): number {
  let k = from;
  for (; k < end && m.cols[k] === c; k++) {
    r.take[r.n] = m.order[k]!;
    r.slot[r.n++] = q;
  }
  return k;
}

/**
 * Row i where an operand's indices are not sorted: the columns y stores
 * marked (inY, one mark a column: the row that last stored it), x's
 * columns also in y met in x's order (inBoth) and sorted, then each
 * operand's values reaching one, in its stored order. Returns the new nnz.
 */
function markRow(x: Rows, y: Rows, i: number, nnz: number, nMinor: number, met: Int32Array, xr: Reaching, yr: Reaching): number {
  const inY = scratchInt32('inY', nMinor);
  const inBoth = scratchInt32('inBoth', nMinor);
  const slotOf = scratchInt32('slotOf', nMinor);
  for (let ll = y.start[i]!; ll < y.start[i + 1]!; ll++) inY[y.cols[ll]!] = i;
  const first = nnz;
  for (let kk = x.start[i]!; kk < x.start[i + 1]!; kk++) {
    const c = x.cols[kk]!;
    if (inY[c] !== i || inBoth[c] === i) continue;
    inBoth[c] = i;
    met[nnz++] = c;
  }
  met.subarray(first, nnz).sort();
  for (let q = first; q < nnz; q++) slotOf[met[q]!] = q;
  reach(x, i, inBoth, slotOf, xr);
  reach(y, i, inBoth, slotOf, yr);
  return nnz;
}

/** Row i of the union: every column either operand stores (marked in inBoth), sorted, each operand's values reaching theirs. Returns the new nnz. */
function unionRow(x: Rows, y: Rows, i: number, nnz: number, nMinor: number, met: Int32Array, xr: Reaching, yr: Reaching): number {
  const inAny = scratchInt32('inBoth', nMinor);
  const slotOf = scratchInt32('slotOf', nMinor);
  const first = nnz;
  for (const m of [x, y]) {
    for (let k = m.start[i]!; k < m.start[i + 1]!; k++) {
      const c = m.cols[k]!;
      if (inAny[c] === i) continue;
      inAny[c] = i;
      met[nnz++] = c;
    }
  }
  met.subarray(first, nnz).sort();
  for (let q = first; q < nnz; q++) slotOf[met[q]!] = q;
  reach(x, i, inAny, slotOf, xr);
  reach(y, i, inAny, slotOf, yr);
  return nnz;
}

function clearMarks(nMinor: number): void {
  scratchInt32('inY', nMinor, -1);
  scratchInt32('inBoth', nMinor, -1);
}

/** The values of row i of m whose column both store (inBoth), reaching its position (slotOf), in stored order. */
function reach(m: Rows, i: number, inBoth: Int32Array, slotOf: Int32Array, r: Reaching): void {
  for (let k = m.start[i]!; k < m.start[i + 1]!; k++) {
    if (inBoth[m.cols[k]!] !== i) continue;
    r.take[r.n] = m.order[k]!;
    r.slot[r.n++] = slotOf[m.cols[k]!]!;
  }
}

/** Each value added into its position's sum in the dtype's arithmetic. */
function sumInto(sums: Float64Array, values: Float64Array, take: Int32Array, slot: Int32Array, n: number, dtype: DType): void {
  for (let t = 0; t < n; t++) {
    const q = slot[t]!;
    sums[q] = castScalar(sums[q]! + castScalar(values[take[t]!]!, dtype), dtype);
  }
}

function sumIntoExact(sums: Float64Array, values: Float64Array, take: Int32Array, slot: Int32Array, n: number): void {
  for (let t = 0; t < n; t++) sums[slot[t]!]! += values[take[t]!]!;
}

function zeroProductsExact(xSums: Float64Array, ySums: Float64Array, nnz: number): number {
  let zeros = 0;
  for (let q = 0; q < nnz; q++) zeros += +(xSums[q]! * ySums[q]! === 0);
  return zeros;
}

function zeroProducts(xSums: Float64Array, ySums: Float64Array, nnz: number, dtype: DType): number {
  let zeros = 0;
  for (let q = 0; q < nnz; q++) zeros += +(productIn(xSums[q]!, ySums[q]!, dtype) === 0);
  return zeros;
}

function productsExact(xSums: Float64Array, ySums: Float64Array, values: Float64Array): void {
  for (let q = 0; q < values.length; q++) values[q] = xSums[q]! * ySums[q]!;
}

function productsFloat32(xSums: Float64Array, ySums: Float64Array, values: Float64Array): void {
  for (let q = 0; q < values.length; q++) values[q] = Math.fround(xSums[q]! * ySums[q]!);
}

function products(xSums: Float64Array, ySums: Float64Array, values: Float64Array, dtype: DType): void {
  for (let q = 0; q < values.length; q++) values[q] = productIn(xSums[q]!, ySums[q]!, dtype);
}

/** The positions whose product is not exactly 0 (NaN is kept), compacted in met, the sums and indptr; each old position's new number (-1: dropped) in renumbered. Returns the new nnz. */
function dropZeros(xSums: Float64Array, ySums: Float64Array, dtype: DType, met: Int32Array, indptr: Int32Array, nMajor: number, renumbered: Int32Array): number {
  let kept = 0;
  for (let i = 0, q = 0; i < nMajor; i++) {
    for (const end = indptr[i + 1]!; q < end; q++) {
      // written either way (kept <= q), counted only when kept (keep 1)
      const keep = +(productIn(xSums[q]!, ySums[q]!, dtype) !== 0);
      renumbered[q] = keep * (kept + 1) - 1;
      met[kept] = met[q]!;
      xSums[kept] = xSums[q]!;
      ySums[kept] = ySums[q]!;
      kept += keep;
    }
    indptr[i + 1] = kept;
  }
  return kept;
}

/** The values reaching a kept position, compacted and renumbered (a dropped position's values get no derivative). Returns how many. */
function dropReaching(r: Reaching, renumbered: Int32Array): number {
  let w = 0;
  for (let t = 0; t < r.n; t++) {
    const q = renumbered[r.slot[t]!]!;
    r.take[w] = r.take[t]!;
    r.slot[w] = q;
    // 1 unless q is -1
    w += (q >>> 31) ^ 1;
  }
  return w;
}
