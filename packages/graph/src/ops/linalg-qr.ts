/**
 * QR (`numpy.linalg.qr`, Theano's `nlinalg.qr`) by Householder
 * reflections, as LAPACK's geqrf + orgqr: for each of the k = min(m, n)
 * columns a reflection H = I - u u^T zeroes the column below the diagonal,
 * R = H_k ... H_1 A, and Q = H_1 ... H_k is accumulated backwards from the
 * identity's first columns. The reflection is LAPACK's (dlarfg): the new
 * diagonal element is beta = -sign(x0) ||x||, and a column already zero
 * below the diagonal is left alone (H = I, its diagonal keeps its sign), so
 * Q and R are NumPy's, signs included, up to rounding.
 *
 * Unrolled as the other decompositions (see linalg-kernels.ts): per column
 * one gather of the column, one sum of squares, one kernel making u, one
 * dot u^T R and one update R - u w^T (5 kernels), then 2 per column for Q
 * (a dot and an update), and one kernel keeping R's upper triangle.
 */
import type { DType } from '../core/dtype.js';
import type { NDArray } from '../core/ndarray.js';
import { Apply, Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { BufferView, LowerContext, TensorView } from '../kernel/lower.js';
import type { ScalarExpr } from '../kernel/kernel.js';
import type { ScalarOpName } from '../core/scalar.js';
import * as ix from '../kernel/index-expr.js';
import { reduceDTypes } from './reduce.js';
import { stepIndex } from './linalg-kernels.js';
import { checkMatrix, float64Of, linalgDType, result } from './linalg.js';

const fop = (op: ScalarOpName, d: DType, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, computeDType: d, dtype: d });
const fconst = (value: number, d: DType): ScalarExpr => ({ kind: 'const', value, dtype: d });
const fcmp = (op: ScalarOpName, a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op, args: [a, b], computeDType: a.dtype, dtype: 'bool' });

/** NumPy's modes: 'reduced' Q (m, k) and R (k, n); 'complete' Q (m, m) and R (m, n); 'r' R (k, n) alone. */
export type QRMode = 'reduced' | 'complete' | 'r';
/** Every {@link QRMode}; `new QR` refuses any other with a TypeError. */
export const QR_MODES: readonly QRMode[] = ['reduced', 'complete', 'r'];

/** The Householder vectors u_j (scaled so that H_j = I - u_j u_j^T) and R before its lower part is cleared, in float64. */
export function householderRef(A: Float64Array, m: number, n: number): { R: Float64Array; us: Float64Array[] } {
  let R = A;
  const us: Float64Array[] = [];
  for (let j = 0; j < Math.min(m, n); j++) {
    const x0 = R[j * n + j]!;
    let s = 0;
    for (let i = j + 1; i < m; i++) s += R[i * n + j]! * R[i * n + j]!;
    const norm = Math.sqrt(x0 * x0 + s);
    const beta = x0 >= 0 ? -norm : norm;
    const v0 = x0 - beta;
    const scale = Math.sqrt(2 / (v0 * v0 + s));
    const u = new Float64Array(m);
    if (s !== 0) for (let i = j; i < m; i++) u[i] = (i === j ? v0 : R[i * n + j]!) * scale;
    const w = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      let acc = 0;
      for (let i = 0; i < m; i++) acc += u[i]! * R[i * n + c]!;
      w[c] = acc;
    }
    const next = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let c = 0; c < n; c++) next[i * n + c] = R[i * n + c]! - u[i]! * w[c]!;
    R = next;
    us.push(u);
  }
  return { R, us };
}

/** H_1 ... H_k applied to the identity's first q columns (m x q), last reflection first. */
export function accumulateRef(us: readonly Float64Array[], m: number, q: number): Float64Array {
  let Y = new Float64Array(m * q);
  for (let i = 0; i < Math.min(m, q); i++) Y[i * q + i] = 1;
  for (let j = us.length - 1; j >= 0; j--) {
    const u = us[j]!;
    const t = new Float64Array(q);
    for (let c = 0; c < q; c++) {
      let acc = 0;
      for (let i = 0; i < m; i++) acc += u[i]! * Y[i * q + c]!;
      t[c] = acc;
    }
    const next = new Float64Array(m * q);
    for (let i = 0; i < m; i++) for (let c = 0; c < q; c++) next[i * q + c] = Y[i * q + c]! - u[i]! * t[c]!;
    Y = next;
  }
  return Y;
}

function upperRows(R: Float64Array, rows: number, n: number): Float64Array {
  const out = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) for (let c = i; c < n; c++) out[i * n + c] = R[i * n + c]!;
  return out;
}

/** x as a row (broadcast down m rows) or a column (across n columns) of an (m, n) view: strides, no kernel. */
const asRow = (x: BufferView, m: number, n: number): BufferView => ({ ...x, shape: [m, n], strides: [0, x.strides[0]!] });
const asColumn = (x: BufferView, m: number, n: number): BufferView => ({ ...x, shape: [m, n], strides: [x.strides[0]!, 0] });

export function lowerHouseholder(ctx: LowerContext, A: TensorView, m: number, n: number, d: DType): { R: TensorView; us: BufferView[] } {
  const { acc } = reduceDTypes('sum', d);
  let R: BufferView = ctx.indexed([m, n], d, [A], (at, index) => ix.castTo(at(0, [index(0), index(1)]), d));
  const us: BufferView[] = [];
  for (let j = 0; j < Math.min(m, n); j++) {
    const jv = stepIndex(ctx, j);
    const col = ctx.indexed([m], d, [R, jv], (at, index) => at(0, [index(0), at(1, [ix.int(0)])]));
    const s = ctx.reduce({
      inputs: [col, ctx.range(m), jv],
      shape: [m],
      axes: [0],
      reducer: 'sum',
      acc,
      out: d,
      build: ([c, i, k]) => ix.select(ix.lt(k!, i!), fop('mul', d, c!, c!), fconst(0, d), d),
    });
    const u = ctx.indexed([m], d, [col, s, jv], (at, index) => {
      const i = index(0);
      const k = at(2, [ix.int(0)]);
      const x0 = at(0, [k]);
      const sv = at(1, []);
      const norm = fop('sqrt', d, fop('add', d, fop('mul', d, x0, x0), sv));
      const beta = ix.select(fcmp('ge', x0, fconst(0, d)), fop('neg', d, norm), norm, d);
      const v0 = fop('sub', d, x0, beta);
      const scale = fop('sqrt', d, fop('truediv', d, fconst(2, d), fop('add', d, fop('mul', d, v0, v0), sv)));
      const v = ix.select(ix.lt(i, k), fconst(0, d), ix.select(ix.eq(i, k), v0, at(0, [i]), d), d);
      return ix.select(fcmp('eq', sv, fconst(0, d)), fconst(0, d), fop('mul', d, v, scale), d);
    });
    const w = ctx.dot(u, R, d, acc);
    R = ctx.elementwise([m, n], d, [R, asColumn(u, m, n), asRow(w, m, n)], ([r, ui, wc]) => fop('sub', d, r!, fop('mul', d, ui!, wc!)));
    us.push(u);
  }
  return { R, us };
}

export function lowerAccumulate(ctx: LowerContext, us: readonly BufferView[], m: number, q: number, d: DType): TensorView {
  const { acc } = reduceDTypes('sum', d);
  let Y: BufferView = ctx.indexed([m, q], d, [], (_at, index) => ix.select(ix.eq(index(0), index(1)), fconst(1, d), fconst(0, d), d));
  for (let j = us.length - 1; j >= 0; j--) {
    const u = us[j]!;
    const t = ctx.dot(u, Y, d, acc);
    Y = ctx.elementwise([m, q], d, [Y, asColumn(u, m, q), asRow(t, m, q)], ([y, ui, tc]) => fop('sub', d, y!, fop('mul', d, ui!, tc!)));
  }
  return Y;
}

/** `qr(A, mode)`: numpy.linalg.qr of a matrix (any shape) by Householder reflections. */
export class QR extends Op {
  readonly kind = 'QR' as const;
  constructor(
    /** NumPy's `mode` (default `'reduced'`): which factors, of which shapes; one output (R) in mode `'r'`, else two (Q, R). */
    readonly mode: QRMode = 'reduced',
  ) {
    super();
    if (!QR_MODES.includes(mode)) throw new TypeError(`QR: mode must be one of ${QR_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  key(): string {
    return `QR{${this.mode}}`;
  }
  override toString(): string {
    return this.key();
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    checkMatrix(this.key(), inputs[0]!, 'A');
    const d = linalgDType(this.key(), inputs);
    const matrix = new TensorType(d, [false, false]);
    return this.mode === 'r' ? [matrix] : [matrix, matrix];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const [m, n] = shapes[0]! as [number | null, number | null];
    const k = m !== null && n !== null ? Math.min(m, n) : null;
    if (this.mode === 'r') return [[k, n]];
    return this.mode === 'complete' ? [[m, m], [m, n]] : [[m, k], [k, n]];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const a = inputs[0]!;
    const [m, n] = a.shape as [number, number];
    const k = Math.min(m, n);
    const d = node.outputs[0]!.dtype;
    const { R, us } = householderRef(float64Of(a), m, n);
    const rows = this.mode === 'complete' ? m : k;
    const r = result([rows, n], d, upperRows(R, rows, n));
    if (this.mode === 'r') return [r];
    return [result([m, rows], d, accumulateRef(us, m, rows)), r];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const a = inputs[0]!;
    const [m, n] = a.shape as [number, number];
    const k = Math.min(m, n);
    const d = node.outputs[0]!.dtype;
    const rows = this.mode === 'complete' ? m : k;
    const src: TensorView = a.kind === 'scalar' ? ctx.contiguous(a) : a;
    const { R, us } = m * n === 0 ? { R: src, us: [] } : lowerHouseholder(ctx, src, m, n, d);
    const r =
      rows * n === 0
        ? ctx.indexed([rows, n], d, [], () => fconst(0, d))
        : ctx.indexed([rows, n], d, [R], (at, index) => ix.select(ix.ge(index(1), index(0)), ix.castTo(at(0, [index(0), index(1)]), d), fconst(0, d), d));
    if (this.mode === 'r') return [r];
    return [lowerAccumulate(ctx, us, m, rows, d), r];
  }
}
