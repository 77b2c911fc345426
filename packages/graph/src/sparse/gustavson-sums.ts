/**
 * The loops of ProductPattern without its terms (`terms` false, the
 * optimizer's `sparse_forward_only`: a compiled graph in which nothing
 * differentiates the product). As SciPy's csr_matmat, row by row: each
 * term is added into its column's sum as Gustavson's pass meets it (a
 * dense accumulator, one sum per column, as SciPy's), and the row's
 * columns are then taken in order with their sums, which are reset to 0
 * for the next row; no term is written. The three arrays as long as the
 * terms (pairL, pairR, slot), their second pass for the sums, their
 * renumbering after the sort and their copies out were the gradient's;
 * the zero test and the sort are folded into the taking. The sums are
 * the same numbers, to the bit, as gustavson.ts's: each position's terms
 * added from 0 in the same order (L's rows in turn, each stored value of
 * the row in L's order, then R's row in its order), each product and sum
 * in the dtype's arithmetic; a sum of exactly 0 is dropped (NaN kept).
 *
 * A row's columns are sorted by a bit set of all columns where the row
 * has at least a quarter as many columns as the set has 32-bit words
 * (its columns read back in order, 32 at a time), else by a sort of the
 * row: the set costs a pass over nCols / 32 words a row, which a very
 * sparse product of many columns cannot pay. Every loop over the rows
 * calls a function a row, each with one loop (gustavson.ts says why).
 */
import { castScalar, type DType } from '../core/dtype.js';
import { countTerms, fillRows, productIn, type Rows } from './gustavson.js';
import { float64Values, scratchFloat64, scratchInt32 } from './scratch.js';

/** The sparse L @ R without its terms: the outputs of ProductPattern{sparse, forward}. */
export interface SparseSums {
  readonly indices: Int32Array;
  readonly indptr: Int32Array;
  readonly majorIds: Int32Array;
  readonly values: Float64Array;
}

/** The working arrays of a product: the row that last met each column (-1 at first), the row's columns in the order met, each column's sum (0 between rows), the bit set (0 between rows). */
interface Accumulator {
  readonly seen: Int32Array;
  readonly met: Int32Array;
  readonly sums: Float64Array;
  readonly bits: Int32Array;
  readonly words: number;
}

function accumulator(nCols: number): Accumulator {
  const words = (nCols + 31) >>> 5;
  const sums = scratchFloat64('columnSums', nCols);
  sums.fill(0, 0, nCols);
  // met is written at the row's next place for every term, kept only for a new column: nCols + 1
  return { seen: scratchInt32('seen', nCols, -1), met: scratchInt32('met', nCols + 1), sums, bits: scratchInt32('bits', words, 0), words };
}

/** Row i's terms summed into acc.sums by column (float64: 0, float32: 1, else the dtype's own arithmetic); returns how many columns the row meets, listed in acc.met. */
function meetRow(kind: number, dtype: DType, i: number, l: Rows, lData: Float64Array, r: Rows, rData: Float64Array, acc: Accumulator): number {
  // float64 and float32 by loops of their own, as gustavson.ts's sums: castScalar's dispatch on the dtype per term is slow
  if (kind === 0) return meetRowFloat64(i, l, lData, r, rData, acc.seen, acc.met, acc.sums);
  if (kind === 1) return meetRowFloat32(i, l, lData, r, rData, acc.seen, acc.met, acc.sums);
  return meetRowIn(dtype, i, l, lData, r, rData, acc.seen, acc.met, acc.sums);
}

/*
 * The three loops below differ only in the sum's line. A column new to
 * the row (fresh 1) is listed at met[k] (written for every term, kept
 * only then: chosen by arithmetic, as in gustavson.ts's meetTerms); its
 * sum is 0 (reset when the last row was taken), so each sum starts from
 * 0, as SciPy's (never -0).
 */

function meetRowFloat64(i: number, l: Rows, lData: Float64Array, r: Rows, rData: Float64Array, seen: Int32Array, met: Int32Array, sums: Float64Array): number {
  const { start: lStart, order: lOrder, cols: lCols } = l;
  const { start: rStart, order: rOrder, cols: rCols } = r;
  let k = 0;
  for (let kk = lStart[i]!; kk < lStart[i + 1]!; kk++) {
    const a = lData[lOrder[kk]!]!;
    const j = lCols[kk]!;
    for (let ll = rStart[j]!; ll < rStart[j + 1]!; ll++) {
      const c = rCols[ll]!;
      const fresh = +(seen[c] !== i);
      seen[c] = i;
      met[k] = c;
      k += fresh;
      sums[c]! += a * rData[rOrder[ll]!]!;
    }
  }
  return k;
}

/** Each product and each sum rounded to float32, as castScalar does (the product of two float32 values is exact in float64, so rounded once). */
function meetRowFloat32(i: number, l: Rows, lData: Float64Array, r: Rows, rData: Float64Array, seen: Int32Array, met: Int32Array, sums: Float64Array): number {
  const { start: lStart, order: lOrder, cols: lCols } = l;
  const { start: rStart, order: rOrder, cols: rCols } = r;
  let k = 0;
  for (let kk = lStart[i]!; kk < lStart[i + 1]!; kk++) {
    const a = lData[lOrder[kk]!]!;
    const j = lCols[kk]!;
    for (let ll = rStart[j]!; ll < rStart[j + 1]!; ll++) {
      const c = rCols[ll]!;
      const fresh = +(seen[c] !== i);
      seen[c] = i;
      met[k] = c;
      k += fresh;
      sums[c] = Math.fround(sums[c]! + Math.fround(a * rData[rOrder[ll]!]!));
    }
  }
  return k;
}

/** Another dtype's arithmetic (each product and each sum cast to it: integers wrap, float16 rounds). */
function meetRowIn(dtype: DType, i: number, l: Rows, lData: Float64Array, r: Rows, rData: Float64Array, seen: Int32Array, met: Int32Array, sums: Float64Array): number {
  const { start: lStart, order: lOrder, cols: lCols } = l;
  const { start: rStart, order: rOrder, cols: rCols } = r;
  let k = 0;
  for (let kk = lStart[i]!; kk < lStart[i + 1]!; kk++) {
    const a = lData[lOrder[kk]!]!;
    const j = lCols[kk]!;
    for (let ll = rStart[j]!; ll < rStart[j + 1]!; ll++) {
      const c = rCols[ll]!;
      const fresh = +(seen[c] !== i);
      seen[c] = i;
      met[k] = c;
      k += fresh;
      sums[c] = castScalar(sums[c]! + productIn(a, rData[rOrder[ll]!]!, dtype), dtype);
    }
  }
  return k;
}

/** The row's k columns in order, by the bit set, with their sums, from indices[o] / values[o] on, a sum of 0 left out; resets the sums and the set. Returns the next o. */
function takeByBits(k: number, acc: Accumulator, indices: Int32Array, values: Float64Array, o: number): number {
  const { met, sums, bits, words } = acc;
  // 1 << c shifts by c mod 32: column c's bit in word c >> 5
  for (let t = 0; t < k; t++) bits[met[t]! >> 5]! |= 1 << met[t]!;
  return takeWords(bits, words, sums, indices, values, o);
}

function takeWords(bits: Int32Array, words: number, sums: Float64Array, indices: Int32Array, values: Float64Array, o: number): number {
  for (let w = 0; w < words; w++) {
    for (let word = bits[w]!; word !== 0; ) {
      // the lowest bit set, then cleared
      const low = word & -word;
      word ^= low;
      const c = (w << 5) + 31 - Math.clz32(low);
      const v = sums[c]!;
      sums[c] = 0;
      // written either way, kept (o moves on) unless the sum is exactly 0
      indices[o] = c;
      values[o] = v;
      o += +(v !== 0);
    }
    bits[w] = 0;
  }
  return o;
}

/** As takeByBits, the row's columns sorted in place. */
function takeSorted(k: number, acc: Accumulator, indices: Int32Array, values: Float64Array, o: number): number {
  if (k > 1) acc.met.subarray(0, k).sort();
  return takeListed(k, acc.met, acc.sums, indices, values, o);
}

function takeListed(k: number, met: Int32Array, sums: Float64Array, indices: Int32Array, values: Float64Array, o: number): number {
  for (let t = 0; t < k; t++) {
    const c = met[t]!;
    const v = sums[c]!;
    sums[c] = 0;
    indices[o] = c;
    values[o] = v;
    o += +(v !== 0);
  }
  return o;
}

/** The sparse product's indices (sorted in each row), indptr, row ids and values, its exact zeros dropped (NaN kept), as gustavson.ts's sparsePattern's. */
export function sparseSums(l: Rows, lValues: ArrayLike<number>, r: Rows, rValues: ArrayLike<number>, nRows: number, nCols: number, dtype: DType): SparseSums {
  // the product has no more positions than terms: the terms' number bounds the scratch the rows are taken into
  const bound = countTerms(l.cols, l.start[nRows]!, r.start);
  const indices = scratchInt32('takenIndices', bound);
  const values = scratchFloat64('takenValues', bound);
  const indptr = new Int32Array(nRows + 1);
  const kind = dtype === 'float64' ? 0 : dtype === 'float32' ? 1 : 2;
  const nnz = sparseRows(kind, dtype, l, float64Values(lValues, 'l'), r, float64Values(rValues, 'r'), nRows, accumulator(nCols), indices, values, indptr);
  const majorIds = new Int32Array(nnz);
  fillRows(majorIds, indptr, nRows);
  return { indices: indices.slice(0, nnz), indptr, majorIds, values: values.slice(0, nnz) };
}

function sparseRows(kind: number, dtype: DType, l: Rows, lData: Float64Array, r: Rows, rData: Float64Array, nRows: number, acc: Accumulator, indices: Int32Array, values: Float64Array, indptr: Int32Array): number {
  let o = 0;
  for (let i = 0; i < nRows; i++) {
    const k = meetRow(kind, dtype, i, l, lData, r, rData, acc);
    o = acc.words <= 4 * k ? takeByBits(k, acc, indices, values, o) : takeSorted(k, acc, indices, values, o);
    indptr[i + 1] = o;
  }
  return o;
}
