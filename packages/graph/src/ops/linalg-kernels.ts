/**
 * The linear algebra ops' algorithms, twice: as kernels of the existing IR
 * (what every backend runs) and as plain loops over float64 arrays (the ops'
 * reference `perform`). Both take the same steps in the same order, so the
 * reference and a float64 backend agree to rounding.
 *
 * The kernel IR has no loops, but a program is made for concrete shapes, so
 * an elimination of n steps is unrolled into O(n) kernels: per step of
 * Gauss-Jordan or LU one elementwise kernel copying the pivot column, one
 * argmax reduction choosing the pivot row, and one elementwise kernel that
 * swaps and eliminates, reading rows through gathers at computed int32
 * indices; one kernel per column of a Cholesky factorisation and per step
 * of a triangular solve. The step number k is read from a one-element
 * int32 buffer rather than written into the kernel as a constant, so the n
 * kernels of one kind are the same kernel (one compile in a backend's
 * cache, however large n is), launched on other buffers.
 */
import type { DType } from '../core/dtype.js';
import { reduceDTypes } from './reduce.js';
import type { ScalarExpr } from '../kernel/kernel.js';
import type { ScalarOpName } from '../core/scalar.js';
import type { At, BufferView, LowerContext, TensorView } from '../kernel/lower.js';
import { NDArray } from '../core/ndarray.js';
import * as ix from '../kernel/index-expr.js';

// ---------------------------------------------------------------- float expressions in dtype d

const fop = (op: ScalarOpName, d: DType, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, computeDType: d, dtype: d });
const fconst = (value: number, d: DType): ScalarExpr => ({ kind: 'const', value, dtype: d });
const fcmp = (op: ScalarOpName, a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op, args: [a, b], computeDType: a.dtype, dtype: 'bool' });

/** One-element int32 buffers holding k, one per step number and program (a loaded value keeps the step kernels identical). */
const stepBuffers = new WeakMap<LowerContext, Map<number, TensorView>>();
export function stepIndex(ctx: LowerContext, k: number): TensorView {
  let m = stepBuffers.get(ctx);
  if (!m) stepBuffers.set(ctx, (m = new Map()));
  let v = m.get(k);
  if (!v) {
    const value = NDArray.zeros([1], 'int32');
    value.data[0] = k;
    m.set(k, (v = ctx.constant(value)));
  }
  return v;
}

/** A view as a matrix: a vector (n,) is read as (n, 1). */
export function asMatrix(v: TensorView): TensorView {
  if (v.kind === 'scalar' || v.shape.length === 2) return v;
  return { ...v, shape: [v.shape[0]!, 1], strides: [v.strides[0]!, 0] };
}

/** The transpose of a matrix view: other strides, no kernel. */
export function transposed(v: TensorView): TensorView {
  if (v.kind === 'scalar') return v;
  return { ...v, shape: [v.shape[1]!, v.shape[0]!], strides: [v.strides[1]!, v.strides[0]!] };
}

/** Read source `s` at (i, j) in dtype d. */
const read = (at: At, s: number, i: ScalarExpr, j: ScalarExpr, d: DType): ScalarExpr => ix.castTo(at(s, [i, j]), d);

/**
 * The row of column k (from row k down) with the largest magnitude, first
 * of equals (LAPACK's partial pivoting): a 0-d int32 buffer. Rows above k
 * count as -1, below every magnitude.
 */
function pivotRow(ctx: LowerContext, M: TensorView, kv: TensorView, n: number, d: DType): BufferView {
  const col = ctx.indexed([n], d, [M, kv], (at, index) => at(0, [index(0), at(1, [ix.int(0)])]));
  return ctx.reduce({
    inputs: [col, ctx.range(n), kv],
    shape: [n],
    axes: [0],
    reducer: 'argmax',
    acc: d,
    out: 'int32',
    build: ([c, i, k]) => ix.select(ix.ge(i!, k!), fop('abs', d, c!), fconst(-1, d), d),
  });
}

/**
 * One step of elimination on the n x w matrix M with pivot row p: rows k
 * and p are swapped, then row k is the pivot row (divided by the pivot in
 * Gauss-Jordan, as it is in LU) and every other row (Gauss-Jordan), or
 * every row below k (LU), loses its multiple of it. In LU a zero pivot
 * eliminates nothing (LAPACK's getrf leaves the column, so the
 * determinant is 0), and the row swapped down is negated, which keeps the
 * determinant of the matrix unchanged: it is then the product of the
 * final diagonal.
 */
function eliminate(ctx: LowerContext, M: TensorView, kv: TensorView, p: TensorView, n: number, w: number, d: DType, lu: boolean): BufferView {
  return ctx.indexed([n, w], d, [M, kv, p], (at, index) => {
    const i = index(0);
    const j = index(1);
    const k = at(1, [ix.int(0)]);
    const P = at(2, []);
    const src = ix.select(ix.eq(i, k), P, ix.select(ix.eq(i, P), k, i, 'int32'), 'int32');
    const aij = read(at, 0, src, j, d);
    const aik = read(at, 0, src, k, d);
    const pj = read(at, 0, P, j, d);
    const pk = read(at, 0, P, k, d);
    if (!lu) return ix.select(ix.eq(i, k), fop('truediv', d, pj, pk), fop('sub', d, aij, fop('mul', d, aik, fop('truediv', d, pj, pk))), d);
    const eliminated = ix.select(fcmp('eq', pk, fconst(0, d)), aij, fop('sub', d, aij, fop('mul', d, aik, fop('truediv', d, pj, pk))), d);
    const below = ix.select(ix.and(ix.eq(i, P), ix.lt(k, P)), fop('neg', d, eliminated), eliminated, d);
    return ix.select(ix.lt(i, k), aij, ix.select(ix.eq(i, k), pj, below, d), d);
  });
}

/** Gauss-Jordan with partial pivoting on the n x w matrix M (w >= n): [A | B] becomes [I | A^-1 B]. */
export function lowerGaussJordan(ctx: LowerContext, M: TensorView, n: number, w: number, d: DType): TensorView {
  let m = M;
  for (let k = 0; k < n; k++) {
    const kv = stepIndex(ctx, k);
    m = eliminate(ctx, m, kv, pivotRow(ctx, m, kv, n, d), n, w, d, false);
  }
  return m;
}

/** [A | B] (B of m columns) in dtype d, one kernel; with `mirror`, A is symmetric from its lower (or upper) triangle. */
export function lowerAugmented(ctx: LowerContext, A: TensorView, B: TensorView | 'identity', n: number, m: number, d: DType, mirror?: 'lower' | 'upper'): BufferView {
  const sources = B === 'identity' ? [A] : [A, B];
  return ctx.indexed([n, n + m], d, sources, (at, index) => {
    const i = index(0);
    const j = index(1);
    const ja = ix.min(j, ix.int(Math.max(n - 1, 0)));
    let a = read(at, 0, i, ja, d);
    if (mirror) {
      const inside = mirror === 'lower' ? ix.ge(i, ja) : ix.ge(ja, i);
      a = ix.select(inside, a, read(at, 0, ja, i, d), d);
    }
    const jb = ix.sub(j, ix.int(n));
    const b = B === 'identity' ? ix.select(ix.eq(i, jb), fconst(1, d), fconst(0, d), d) : read(at, 1, i, ix.clampIndex(jb, m), d);
    return ix.select(ix.lt(j, ix.int(n)), a, b, d);
  });
}

/** Columns from `from` of an n x w result: a view. */
export function columns(M: TensorView, from: number, count: number): TensorView {
  if (M.kind === 'scalar') return M;
  return { ...M, shape: [M.shape[0]!, count], offset: M.offset + (count > 0 && M.shape[0]! > 0 ? from * M.strides[1]! : 0) };
}

/** det(A) of an n x n matrix (n >= 1) by LU with partial pivoting: 3(n - 1) + 2 kernels. */
export function lowerDet(ctx: LowerContext, A: TensorView, n: number, d: DType): TensorView {
  let m: TensorView = ctx.indexed([n, n], d, [A], (at, index) => read(at, 0, index(0), index(1), d));
  for (let k = 0; k < n - 1; k++) {
    const kv = stepIndex(ctx, k);
    m = eliminate(ctx, m, kv, pivotRow(ctx, m, kv, n, d), n, n, d, true);
  }
  const diag = { ...(m as BufferView), shape: [n], strides: [n + 1] };
  const { acc } = reduceDTypes('prod', d);
  return ctx.reduce({ inputs: [diag], shape: [n], axes: [0], reducer: 'prod', acc, out: d, build: ([x]) => x! });
}

/**
 * The lower Cholesky factor of an n x n matrix (n >= 1) from its lower
 * triangle, right-looking: one kernel per column, then one reduction and
 * one kernel that zero the upper triangle, or make every element NaN when
 * a pivot was not positive (Theano's `on_error='nan'`).
 */
export function lowerCholesky(ctx: LowerContext, A: TensorView, n: number, d: DType): BufferView {
  let m: TensorView = A;
  for (let k = 0; k < n; k++) {
    const kv = stepIndex(ctx, k);
    m = ctx.indexed([n, n], d, [m, kv], (at, index) => {
      const i = index(0);
      const j = index(1);
      const K = at(1, [ix.int(0)]);
      const s = fop('sqrt', d, read(at, 0, K, K, d));
      const lik = fop('truediv', d, read(at, 0, i, K, d), s);
      const ljk = fop('truediv', d, read(at, 0, j, K, d), s);
      const aij = read(at, 0, i, j, d);
      const inColumn = ix.select(ix.eq(i, K), s, lik, d);
      const trailing = ix.select(ix.and(ix.lt(K, j), ix.ge(i, j)), fop('sub', d, aij, fop('mul', d, lik, ljk)), aij, d);
      return ix.select(ix.and(ix.eq(j, K), ix.ge(i, K)), inColumn, trailing, d);
    });
  }
  const diag = { ...(m as BufferView), shape: [n], strides: [n + 1] };
  const ok = ctx.reduce({ inputs: [diag], shape: [n], axes: [0], reducer: 'all', acc: 'bool', out: 'bool', build: ([x]) => fcmp('gt', x!, fconst(0, d)) });
  return ctx.indexed([n, n], d, [m, ok], (at, index) => {
    const i = index(0);
    const j = index(1);
    const lower = ix.select(ix.ge(i, j), at(0, [i, j]), fconst(0, d), d);
    return ix.select(at(1, []), lower, fconst(NaN, d), d);
  });
}

/**
 * Solve T X = B for a triangular n x n T (only its triangle read) and an
 * n x m B, by substitution: one kernel per row of X, each subtracting the
 * row just found from the rows still to go.
 */
export function lowerTriangularSolve(ctx: LowerContext, Tm: TensorView, B: TensorView, n: number, m: number, d: DType, lower: boolean): TensorView {
  let y: TensorView = B;
  for (let step = 0; step < n; step++) {
    const kv = stepIndex(ctx, lower ? step : n - 1 - step);
    y = ctx.indexed([n, m], d, [y, Tm, kv], (at, index) => {
      const i = index(0);
      const c = index(1);
      const k = at(2, [ix.int(0)]);
      const xk = fop('truediv', d, read(at, 0, k, c, d), read(at, 1, k, k, d));
      const yic = read(at, 0, i, c, d);
      const ahead = lower ? ix.lt(k, i) : ix.lt(i, k);
      const rest = ix.select(ahead, fop('sub', d, yic, fop('mul', d, read(at, 1, i, k, d), xk)), yic, d);
      return ix.select(ix.eq(i, k), xk, rest, d);
    });
  }
  return y;
}

// ---------------------------------------------------------------- references (float64, row-major n x w)

/** First index of the largest |column k| from row k down (NaN first, as NumPy's argmax). */
function pivotOf(M: Float64Array, n: number, w: number, k: number): number {
  let best = k;
  let bestV = -1;
  for (let i = k; i < n; i++) {
    const v = Math.abs(M[i * w + k]!);
    if (Number.isNaN(v)) return i;
    if (v > bestV) (bestV = v), (best = i);
  }
  return best;
}

function eliminateRef(M: Float64Array, n: number, w: number, k: number, lu: boolean): Float64Array {
  const p = pivotOf(M, n, w, k);
  const out = new Float64Array(n * w);
  const pk = M[p * w + k]!;
  for (let i = 0; i < n; i++) {
    const src = i === k ? p : i === p ? k : i;
    const aik = M[src * w + k]!;
    for (let j = 0; j < w; j++) {
      const aij = M[src * w + j]!;
      const pj = M[p * w + j]!;
      let v: number;
      if (!lu) v = i === k ? pj / pk : aij - aik * (pj / pk);
      else if (i < k) v = aij;
      else if (i === k) v = pj;
      else {
        v = pk === 0 ? aij : aij - aik * (pj / pk);
        if (i === p && k < p) v = -v;
      }
      out[i * w + j] = v;
    }
  }
  return out;
}

export function gaussJordanRef(M: Float64Array, n: number, w: number): Float64Array {
  let m = M;
  for (let k = 0; k < n; k++) m = eliminateRef(m, n, w, k, false);
  return m;
}

export function detRef(A: Float64Array, n: number): number {
  let m = A;
  for (let k = 0; k < n - 1; k++) m = eliminateRef(m, n, n, k, true);
  let prod = 1;
  for (let i = 0; i < n; i++) prod *= m[i * n + i]!;
  return prod;
}

/** Lower Cholesky factor from the lower triangle of A; all NaN unless every pivot is positive. */
export function choleskyRef(A: Float64Array, n: number): Float64Array {
  let m = A;
  for (let k = 0; k < n; k++) {
    const out = new Float64Array(n * n);
    const s = Math.sqrt(m[k * n + k]!);
    for (let i = 0; i < n; i++) {
      const lik = m[i * n + k]! / s;
      for (let j = 0; j < n; j++) {
        const aij = m[i * n + j]!;
        if (j === k && i >= k) out[i * n + j] = i === k ? s : lik;
        else out[i * n + j] = k < j && i >= j ? aij - lik * (m[j * n + k]! / s) : aij;
      }
    }
    m = out;
  }
  let ok = true;
  for (let i = 0; i < n; i++) if (!(m[i * n + i]! > 0)) ok = false;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) L[i * n + j] = !ok ? NaN : j <= i ? m[i * n + j]! : 0;
  return L;
}

/** X with T X = B, T n x n triangular (only its triangle read), B n x m. */
export function triangularSolveRef(Tm: Float64Array, B: Float64Array, n: number, m: number, lower: boolean): Float64Array {
  let y = B;
  for (let step = 0; step < n; step++) {
    const k = lower ? step : n - 1 - step;
    const out = new Float64Array(n * m);
    const tkk = Tm[k * n + k]!;
    for (let c = 0; c < m; c++) {
      const xk = y[k * m + c]! / tkk;
      for (let i = 0; i < n; i++) {
        const ahead = lower ? k < i : i < k;
        out[i * m + c] = i === k ? xk : ahead ? y[i * m + c]! - Tm[i * n + k]! * xk : y[i * m + c]!;
      }
    }
    y = out;
  }
  return y;
}
