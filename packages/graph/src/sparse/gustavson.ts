/**
 * The loops of ProductPattern (product-pattern.ts): the pattern of L @ R by
 * Gustavson's algorithm, as SciPy's csr_matmat, over each stored value's
 * row and column.
 *
 * Each loop over the values is a function of its own whose only code after
 * the loop is its return, and where only some inputs take a path (a sum
 * that cancels, a new column) the loop computes its choice arithmetically
 * rather than running code of its own (which also keeps the processor
 * from mispredicting a branch taken at random: 35% faster where many
 * terms meet a column already met, twice as fast where many sums cancel).
 * V8 compiles a long loop while the first call is still in it (on-stack
 * replacement), from what that call has run so far, and keeps that code:
 * any code the first call had not yet reached (the rest of a function
 * after its loop, a branch no value had taken) then deoptimized on every
 * later call (three times a call in the single-function version), and the
 * rest of that call ran in the interpreter.
 * Working arrays are scratch (scratch.ts), reused across calls; the outputs
 * are fresh.
 */
import { castScalar, type DType } from '../core/dtype.js';
import { float64Values, identityInt32, scratchFloat64, scratchInt32 } from './scratch.js';

/**
 * A matrix's stored values grouped by row (a stable counting sort): row i's
 * are those at order[start[i] .. start[i + 1]), their columns
 * cols[start[i] .. start[i + 1]). Scratch, valid until the next host stage.
 */
export interface Rows {
  readonly start: Int32Array;
  readonly order: Int32Array;
  readonly cols: Int32Array;
}

/** `which` names the scratch arrays: L's and R's are in use at once. */
export function byRow(rows: Int32Array, cols: Int32Array, n: number, which: 'l' | 'r'): Rows {
  const start = scratchInt32(`${which}Start`, n + 1, 0);
  const unsorted = countRows(rows, start);
  prefixSum(start, n);
  // a csr operand's values come grouped already: its order is the identity, its columns itself
  if (unsorted === 0) return { start, order: identityInt32(rows.length), cols };
  const next = scratchInt32('next', n);
  next.set(start.subarray(0, n));
  const order = scratchInt32(`${which}Order`, rows.length);
  groupRows(rows, next, order);
  const grouped = scratchInt32(`${which}Cols`, rows.length);
  gather(cols, order, grouped, rows.length);
  return { start, order, cols: grouped };
}

/** Each row's count into start[row + 1]; returns how many values come after a value of a later row (0: grouped already). */
function countRows(rows: Int32Array, start: Int32Array): number {
  let unsorted = 0;
  let previous = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    start[i + 1]!++;
    unsorted += +(i < previous);
    previous = i;
  }
  return unsorted;
}

function prefixSum(a: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) a[i + 1]! += a[i]!;
}

function groupRows(rows: Int32Array, next: Int32Array, order: Int32Array): void {
  for (let k = 0; k < rows.length; k++) order[next[rows[k]!]!++] = k;
}

function gather(from: Int32Array, at: Int32Array, to: Int32Array, n: number): void {
  for (let q = 0; q < n; q++) to[q] = from[at[q]!]!;
}

/** How many terms L @ R has: for each stored value of L, the values of R's row its column names. */
export function countTerms(lCols: Int32Array, nL: number, rStart: Int32Array): number {
  let terms = 0;
  for (let kk = 0; kk < nL; kk++) terms += rStart[lCols[kk]! + 1]! - rStart[lCols[kk]!]!;
  return terms;
}

/** The dense L @ R's positions: the outputs of ProductPattern{dense} (see there). */
export interface DensePositions {
  readonly pairL: Int32Array;
  readonly pairR: Int32Array;
  readonly slot: Int32Array;
  readonly flat: Int32Array;
  readonly values: Float64Array;
}

/**
 * The dense product's positions: Gustavson's pass (each term, and the
 * position it sums into), each position's sum in the dtype's arithmetic
 * and SciPy's order (the values of SciPy's product, which Theano's Dot
 * densifies), and each position's flat place in the dense L @ R,
 * row-major (rowStride nCols, colStride 1) or in its transpose (1, nRows).
 */
export function densePositions(l: Rows, lValues: ArrayLike<number>, r: Rows, rValues: ArrayLike<number>, nRows: number, nCols: number, dtype: DType, transposed: boolean): DensePositions {
  const terms = countTerms(l.cols, l.start[nRows]!, r.start);
  const pairL = new Int32Array(terms);
  const pairR = new Int32Array(terms);
  const slot = new Int32Array(terms);
  const indptr = scratchInt32('denseIndptr', nRows + 1, 0);
  const met = scratchInt32('met', terms);
  const nnz = meetTerms(l, r, nRows, scratchInt32('seen', nCols, -1), scratchInt32('posOf', nCols), met, pairL, pairR, slot, indptr);
  const values = sumPositions(lValues, rValues, pairL, pairR, slot, terms, nnz, dtype).slice(0, nnz);
  // a dense product has fewer than 2^31 elements (MAX_ELEMENTS)
  const flat = new Int32Array(nnz);
  if (transposed) flatPositions(met, indptr, nRows, 1, nRows, flat);
  else flatPositions(met, indptr, nRows, nCols, 1, flat);
  return { pairL, pairR, slot, flat, values };
}

function flatPositions(met: Int32Array, indptr: Int32Array, nRows: number, rowStride: number, colStride: number, flat: Int32Array): void {
  for (let i = 0, q = 0; i < nRows; i++) for (const end = indptr[i + 1]!, base = i * rowStride; q < end; q++) flat[q] = base + met[q]! * colStride;
}

/** The pattern of L @ R, its exact zeros dropped: the outputs of ProductPattern{sparse} (see there). */
export interface SparsePattern {
  readonly pairL: Int32Array;
  readonly pairR: Int32Array;
  readonly slot: Int32Array;
  readonly indices: Int32Array;
  readonly indptr: Int32Array;
  readonly majorIds: Int32Array;
  /** Each position's sum (its value in the product), in the dtype's arithmetic and SciPy's order, as float64 numbers. */
  readonly values: Float64Array;
}

/**
 * The sparse product's pattern, in passes over the terms and the
 * positions: (1) Gustavson's, row by row with a marker per column, writes
 * each term (pairL, pairR, and its column's position among the row's
 * columns in the order met, which is SciPy's order of summing) and each
 * row's columns; (2) the terms are summed per position in the product's
 * dtype (lData, rData: L's and R's values in their stored order), and (3)
 * a position whose sum is exactly 0 is dropped with its terms (NaN is
 * kept), as SciPy's `x @ y` drops it; (4) each row's columns are sorted by
 * one counting sort of all positions by column (O(nnz + nCols)), which
 * renumbers the terms' slots and places the sums, unless every row came
 * sorted. The sums are the product's values: summed here, in the order
 * that decided which are 0, so that no device sums them in another order
 * (a float32 scatter-add rounding once, or atomics in any order) and
 * stores a value that disagrees with the structure or with SciPy.
 */
export function sparsePattern(l: Rows, lValues: ArrayLike<number>, r: Rows, rValues: ArrayLike<number>, nRows: number, nCols: number, dtype: DType): SparsePattern {
  const terms = countTerms(l.cols, l.start[nRows]!, r.start);
  // the terms are written to scratch and copied out at the end, to their number once cancelled ones are dropped
  const pairL = scratchInt32('pairL', terms);
  const pairR = scratchInt32('pairR', terms);
  const slot = scratchInt32('slot', terms);
  const indptr = new Int32Array(nRows + 1);
  const met = scratchInt32('met', terms);
  let nnz = meetTerms(l, r, nRows, scratchInt32('seen', nCols, -1), scratchInt32('posOf', nCols), met, pairL, pairR, slot, indptr);
  const sums = sumPositions(lValues, rValues, pairL, pairR, slot, terms, nnz, dtype);
  let kept = terms;
  if (countZeros(sums, nnz) > 0) {
    const renumbered = scratchInt32('renumbered', nnz);
    nnz = dropZeros(sums, met, indptr, nRows, renumbered);
    kept = dropTerms(renumbered, pairL, pairR, slot, terms);
  }
  const majorIds = new Int32Array(nnz);
  fillRows(majorIds, indptr, nRows);
  const byCol = scratchInt32('byCol', nCols + 1, 0);
  const sorted = countColumns(met, indptr, nRows, byCol) === 0;
  const values = sorted ? sums.slice(0, nnz) : new Float64Array(nnz);
  const indices = sorted ? met.slice(0, nnz) : sortRows(met, nnz, indptr, nRows, byCol, nCols, slot.subarray(0, kept), sums, values);
  return { pairL: pairL.slice(0, kept), pairR: pairR.slice(0, kept), slot: slot.slice(0, kept), indices, indptr, majorIds, values };
}

/**
 * Pass 2: each position's sum of its terms (scratch, nnz long), each
 * product and each sum in the dtype's arithmetic, in the terms' order
 * (SciPy's), from 0 as SciPy's sums start (so never -0).
 */
export function sumPositions(lValues: ArrayLike<number>, rValues: ArrayLike<number>, pairL: Int32Array, pairR: Int32Array, slot: Int32Array, terms: number, nnz: number, dtype: DType): Float64Array {
  const sums = scratchFloat64('sums', nnz);
  sums.fill(0, 0, nnz);
  const lData = float64Values(lValues, 'l');
  const rData = float64Values(rValues, 'r');
  // float64 and float32 by loops of their own: castScalar's dispatch on the dtype (each product and sum) doubled the pass
  if (dtype === 'float64') sumTerms(sums, lData, rData, pairL, pairR, slot, terms);
  else if (dtype === 'float32') sumTermsFloat32(sums, lData, rData, pairL, pairR, slot, terms);
  else sumTermsIn(dtype, sums, lData, rData, pairL, pairR, slot, terms);
  return sums;
}

/**
 * Pass 1: each term of each row of L @ R, in SciPy's order, and each
 * row's columns in the order met (met, indptr). `seen` holds the row
 * that last reached each column (-1 at first), `posOf` the position that
 * column got in met. Returns the number of positions.
 */
export function meetTerms(l: Rows, r: Rows, nRows: number, seen: Int32Array, posOf: Int32Array, met: Int32Array, pairL: Int32Array, pairR: Int32Array, slot: Int32Array, indptr: Int32Array): number {
  const { start: lStart, order: lOrder, cols: lCols } = l;
  const { start: rStart, order: rOrder, cols: rCols } = r;
  let nnz = 0;
  let p = 0;
  for (let i = 0; i < nRows; i++) {
    for (let kk = lStart[i]!; kk < lStart[i + 1]!; kk++) {
      const k = lOrder[kk]!;
      const j = lCols[kk]!;
      for (let ll = rStart[j]!; ll < rStart[j + 1]!; ll++) {
        const c = rCols[ll]!;
        // a column new to the row (fresh 1) takes the next position (met[nnz], written either way, is kept only then):
        // chosen by arithmetic, as a branch would be mispredicted where half the terms are new
        const fresh = +(seen[c] !== i);
        const old = posOf[c]!;
        const q = old + fresh * (nnz - old);
        seen[c] = i;
        posOf[c] = q;
        met[nnz] = c;
        nnz += fresh;
        pairL[p] = k;
        pairR[p] = rOrder[ll]!;
        slot[p++] = q;
      }
    }
    indptr[i + 1] = nnz;
  }
  return nnz;
}

/** Pass 2 in float64: each term added into its position's sum, in order. */
function sumTerms(sums: Float64Array, lData: Float64Array, rData: Float64Array, pairL: Int32Array, pairR: Int32Array, slot: Int32Array, terms: number): void {
  for (let t = 0; t < terms; t++) sums[slot[t]!]! += lData[pairL[t]!]! * rData[pairR[t]!]!;
}

/** Pass 2 in float32: each product and each sum rounded to it, as castScalar does. */
function sumTermsFloat32(sums: Float64Array, lData: Float64Array, rData: Float64Array, pairL: Int32Array, pairR: Int32Array, slot: Int32Array, terms: number): void {
  for (let t = 0; t < terms; t++) {
    const q = slot[t]!;
    sums[q] = Math.fround(sums[q]! + Math.fround(lData[pairL[t]!]! * rData[pairR[t]!]!));
  }
}

/** Pass 2 in another dtype: its arithmetic (each product and each sum cast to it) decides which sums are exactly 0. */
function sumTermsIn(dtype: DType, sums: Float64Array, lData: Float64Array, rData: Float64Array, pairL: Int32Array, pairR: Int32Array, slot: Int32Array, terms: number): void {
  for (let t = 0; t < terms; t++) {
    const q = slot[t]!;
    sums[q] = castScalar(sums[q]! + productIn(lData[pairL[t]!]!, rData[pairR[t]!]!, dtype), dtype);
  }
}

/**
 * a * b in an integer dtype's arithmetic (or float16's): for int32 and
 * uint32 by Math.imul, as the graph's mul computes them, since their
 * double product past 2^53 loses the low bits before the wrap
 * (2147483647^2 wraps to 1 in SciPy's C product; rounded first, to 0).
 */
export function productIn(a: number, b: number, dtype: DType): number {
  return castScalar(dtype === 'int32' || dtype === 'uint32' ? Math.imul(a, b) : a * b, dtype);
}

function countZeros(sums: Float64Array, nnz: number): number {
  let zeros = 0;
  for (let q = 0; q < nnz; q++) zeros += +(sums[q] === 0);
  return zeros;
}

/** Pass 3 (where a sum is 0): the positions kept, compacted in met, sums and indptr; each old position's new number (-1: dropped) in renumbered. Returns the new nnz. */
function dropZeros(sums: Float64Array, met: Int32Array, indptr: Int32Array, nRows: number, renumbered: Int32Array): number {
  let kept = 0;
  for (let i = 0, q = 0; i < nRows; i++) {
    for (const end = indptr[i + 1]!; q < end; q++) {
      // written either way (kept <= q), counted only when kept (keep 1): no branch to mispredict where many cancel
      const keep = +(sums[q] !== 0);
      renumbered[q] = keep * (kept + 1) - 1;
      met[kept] = met[q]!;
      sums[kept] = sums[q]!;
      kept += keep;
    }
    indptr[i + 1] = kept;
  }
  return kept;
}

/** The terms of kept positions, compacted in place and renumbered (a dropped position's terms get no derivative, as in Theano: SciPy's result lacks the position). Returns how many. */
function dropTerms(renumbered: Int32Array, pairL: Int32Array, pairR: Int32Array, slot: Int32Array, terms: number): number {
  let w = 0;
  for (let t = 0; t < terms; t++) {
    const q = renumbered[slot[t]!]!;
    pairL[w] = pairL[t]!;
    pairR[w] = pairR[t]!;
    slot[w] = q;
    // 1 unless q is -1
    w += (q >>> 31) ^ 1;
  }
  return w;
}

export function fillRows(majorIds: Int32Array, indptr: Int32Array, nRows: number): void {
  for (let i = 0; i < nRows; i++) majorIds.fill(i, indptr[i]!, indptr[i + 1]!);
}

/** Each column's number of positions into byCol[c + 1]; returns how many positions come after a later column of their row (0: every row sorted). */
function countColumns(met: Int32Array, indptr: Int32Array, nRows: number, byCol: Int32Array): number {
  let unsorted = 0;
  for (let i = 0, q = 0; i < nRows; i++) {
    let previous = -1;
    for (const end = indptr[i + 1]!; q < end; q++) {
      const c = met[q]!;
      byCol[c + 1]!++;
      unsorted += +(c < previous);
      previous = c;
    }
  }
  return unsorted;
}

/**
 * Pass 4: the rows' columns met[0 .. nnz) sorted in each row, as a fresh
 * array, the terms' slots renumbered and the sums placed (into values) to
 * match: each position's row
 * grouped by column (a stable counting sort), then each column appended
 * to its rows in turn; then row by row, each column's new place, read by
 * the row's terms. Every pass reads its arrays in order and writes to one
 * place a row or a column, or within a row: carrying each position's old
 * number through the sort to renumber the terms at the end, which read it
 * at random, took half as long again.
 */
function sortRows(met: Int32Array, nnz: number, indptr: Int32Array, nRows: number, byCol: Int32Array, nCols: number, slot: Int32Array, sums: Float64Array, values: Float64Array): Int32Array {
  prefixSum(byCol, nCols);
  const rowOf = scratchInt32('rowOf', nnz);
  groupByColumn(met, indptr, nRows, byCol, rowOf);
  const next = scratchInt32('next', nRows);
  next.set(indptr.subarray(0, nRows));
  const indices = new Int32Array(nnz);
  // after grouping, byCol[c] is where column c's rows end
  appendColumns(byCol, nCols, rowOf, next, indices);
  renumberRows(met, indices, indptr, nRows, slot, scratchInt32('placeOf', nCols), sums, values);
  return indices;
}

function groupByColumn(met: Int32Array, indptr: Int32Array, nRows: number, byCol: Int32Array, rowOf: Int32Array): void {
  for (let i = 0, q = 0; i < nRows; i++) for (const end = indptr[i + 1]!; q < end; q++) rowOf[byCol[met[q]!]!++] = i;
}

function appendColumns(ends: Int32Array, nCols: number, rowOf: Int32Array, next: Int32Array, indices: Int32Array): void {
  for (let c = 0, t = 0; c < nCols; c++) for (const end = ends[c]!; t < end; t++) indices[next[rowOf[t]!]!++] = c;
}

/** Each term's slot (a position in met, its row's columns as met) renumbered to its column's place in the row sorted, and each sum put there: the terms come row by row, each row's slots within its positions. */
function renumberRows(met: Int32Array, indices: Int32Array, indptr: Int32Array, nRows: number, slot: Int32Array, placeOf: Int32Array, sums: Float64Array, values: Float64Array): void {
  for (let i = 0, t = 0; i < nRows; i++) {
    const end = indptr[i + 1]!;
    for (let q = indptr[i]!; q < end; q++) placeOf[indices[q]!] = q;
    for (let q = indptr[i]!; q < end; q++) values[placeOf[met[q]!]!] = sums[q]!;
    for (; t < slot.length && slot[t]! < end; t++) slot[t] = placeOf[met[slot[t]!]!]!;
  }
}
