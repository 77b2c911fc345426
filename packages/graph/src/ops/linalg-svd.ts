/**
 * `svd(A, fullMatrices, computeUv)` (numpy.linalg.svd, Theano's
 * `nlinalg.SVD`) by one-sided Jacobi (Hestenes): the columns of B (A, or
 * A^T when A is wide, so that B is tall, M x K) are rotated in pairs until
 * they are orthogonal; then B V = U diag(s) with s the columns' norms.
 * Rotations of disjoint column pairs commute, so they run in rounds of the
 * round-robin tournament eigh uses (linalg-jacobi.ts); its sweep count
 * applies, one-sided Jacobi being Jacobi on B^T B without forming it (so
 * small singular values keep their relative accuracy). Per round: one
 * gather of the partner columns, one reduction of the columns' squared
 * norms and their products with their partners, one kernel of rotations,
 * one update of B and one of V (5 kernels); then the norms, their order
 * (descending), and gathers. With fullMatrices and M > K, U is completed
 * to M x M by the complete QR of its K columns (linalg-qr.ts).
 *
 * Singular vectors are unique only up to sign (a pair u_i, v_i together):
 * they are those Jacobi leaves, not necessarily LAPACK's. A zero singular
 * value's column of U is 0 where NumPy gives a unit vector completing the
 * basis; A = U diag(s) V^H holds either way.
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
import { checkMatrix, float64Of, linalgDType, result } from './linalg.js';
import { jacobiSweeps, roundPartners, rotationEntry, rotationOf, roundingOf, type Round } from './linalg-jacobi.js';
import { lowerOrder, partners } from './linalg-eigh.js';
import { accumulateRef, householderRef, lowerAccumulate, lowerHouseholder } from './linalg-qr.js';

const fop = (op: ScalarOpName, d: DType, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, computeDType: d, dtype: d });
const fconst = (value: number, d: DType): ScalarExpr => ({ kind: 'const', value, dtype: d });
const fcmp = (op: ScalarOpName, a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op, args: [a, b], computeDType: a.dtype, dtype: 'bool' });

/** One-sided Jacobi on B (M x K, row-major float64): [s unsorted, U (M x K) unnormalised columns, V (K x K)]. */
function hestenesRef(B: Float64Array, M: number, K: number, r: Round): { u: Float64Array; v: Float64Array } {
  const N = K + (K % 2);
  let u: Float64Array = B;
  let v: Float64Array = new Float64Array(K * K);
  for (let i = 0; i < K; i++) v[i * K + i] = 1;
  const c = new Float64Array(K);
  const sg = new Float64Array(K);
  const alpha = new Float64Array(K);
  const gamma = new Float64Array(K);
  for (let sweep = 0; sweep < jacobiSweeps(K); sweep++) {
    for (let round = 0; round < N - 1; round++) {
      const partner = roundPartners(N, round);
      for (let j = 0; j < K; j++) {
        const pj = Math.min(partner[j]!, K - 1);
        let a = 0;
        let g = 0;
        // products in the dtype, sums in float64 (the kernels' reduction), then rounded
        for (let i = 0; i < M; i++) (a += r(u[i * K + j]! * u[i * K + j]!)), (g += r(u[i * K + j]! * u[i * K + pj]!));
        alpha[j] = r(a);
        gamma[j] = r(g);
      }
      for (let j = 0; j < K; j++) {
        const q = partner[j]!;
        if (q >= K) {
          c[j] = 1;
          sg[j] = 0;
          continue;
        }
        const [lo, hi] = j < q ? [j, q] : [q, j];
        [c[j], sg[j]] = rotationOf(alpha[lo]!, alpha[hi]!, gamma[lo]!, j === lo, r);
      }
      const rotate = (x: Float64Array, rows: number): Float64Array => {
        const out = new Float64Array(rows * K);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < K; j++) out[i * K + j] = r(r(c[j]! * x[i * K + j]!) + r(sg[j]! * x[i * K + Math.min(partner[j]!, K - 1)]!));
        }
        return out;
      };
      u = rotate(u, M);
      v = rotate(v, K);
    }
  }
  return { u, v };
}

/** The rotations of a round from the (2, K) stats: row 0 the squared column norms, row 1 each column's product with its partner. */
function rotations(ctx: LowerContext, stats: BufferView, P: TensorView, K: number, d: DType): BufferView {
  const clamp = (e: ScalarExpr): ScalarExpr => ix.min(e, ix.int(K - 1));
  return ctx.indexed([2, K], d, [stats, P], (at, index) => {
    const j = index(1);
    const q = at(1, [j]);
    const lo = ix.min(j, clamp(q));
    const hi = ix.max(j, clamp(q));
    const app = at(0, [ix.int(0), lo]);
    const aqq = at(0, [ix.int(0), hi]);
    const apq = at(0, [ix.int(1), lo]);
    return rotationEntry(d, app, aqq, apq, ix.eq(j, lo), ix.ge(q, ix.int(K)), index(0));
  });
}

function lowerHestenes(ctx: LowerContext, B: TensorView, M: number, K: number, d: DType): { u: BufferView; v: BufferView } {
  const { acc } = reduceDTypes('sum', d);
  const clamp = (e: ScalarExpr): ScalarExpr => ix.min(e, ix.int(K - 1));
  let u: BufferView = ctx.indexed([M, K], d, [B], (at, index) => ix.castTo(at(0, [index(0), index(1)]), d));
  let v: BufferView = ctx.indexed([K, K], d, [], (_at, index) => ix.select(ix.eq(index(0), index(1)), fconst(1, d), fconst(0, d), d));
  const N = K + (K % 2);
  const which = ctx.range(2);
  for (let sweep = 0; sweep < jacobiSweeps(K); sweep++) {
    for (let r = 0; r < N - 1; r++) {
      const P = partners(ctx, N, r);
      const up = ctx.indexed([M, K], d, [u, P], (at, index) => at(0, [index(0), clamp(at(1, [index(1)]))]));
      const stats = ctx.reduce({
        inputs: [{ ...which, shape: [2, M, K], strides: [which.strides[0]!, 0, 0] }, { ...u, shape: [2, M, K], strides: [0, K, 1] }, { ...up, shape: [2, M, K], strides: [0, K, 1] }],
        shape: [2, M, K],
        axes: [1],
        reducer: 'sum',
        acc,
        out: d,
        build: ([w, x, y]) => fop('mul', d, x!, ix.select(ix.eq(w!, ix.int(0)), x!, y!, d)),
      });
      const rot = rotations(ctx, stats, P, K, d);
      const rotate = (x: BufferView, rows: number): BufferView =>
        ctx.indexed([rows, K], d, [x, P, rot], (at, index) => {
          const [i, j] = [index(0), index(1)];
          const pj = clamp(at(1, [j]));
          return fop('add', d, fop('mul', d, at(2, [ix.int(0), j]), at(0, [i, j])), fop('mul', d, at(2, [ix.int(1), j]), at(0, [i, pj])));
        });
      u = rotate(u, M);
      v = rotate(v, K);
    }
  }
  return { u, v };
}

export class SVD extends Op {
  readonly kind = 'SVD' as const;
  constructor(
    /** NumPy's `full_matrices`: true (the default) U (m, m) and Vh (n, n); false U (m, k) and Vh (k, n), k = min(m, n). */
    readonly fullMatrices = true,
    /** NumPy's `compute_uv`: true (the default) three outputs [U, s, Vh]; false the singular values s alone. */
    readonly computeUv = true,
  ) {
    super();
  }
  key(): string {
    return `SVD{full_matrices=${this.fullMatrices}, compute_uv=${this.computeUv}}`;
  }
  override toString(): string {
    return this.key();
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    checkMatrix(this.key(), inputs[0]!, 'A');
    const d = linalgDType(this.key(), inputs);
    const s = new TensorType(d, [false]);
    if (!this.computeUv) return [s];
    return [new TensorType(d, [false, false]), s, new TensorType(d, [false, false])];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const [m, n] = shapes[0]! as [number | null, number | null];
    const k = m !== null && n !== null ? Math.min(m, n) : null;
    if (!this.computeUv) return [[k]];
    return this.fullMatrices ? [[m, m], [k], [n, n]] : [[m, k], [k], [k, n]];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const a = inputs[0]!;
    const [m, n] = a.shape as [number, number];
    const d = node.outputs[0]!.dtype;
    const wide = m < n;
    const [M, K] = wide ? [n, m] : [m, n];
    const A = float64Of(a);
    const B = new Float64Array(M * K);
    for (let i = 0; i < M; i++) for (let j = 0; j < K; j++) B[i * K + j] = wide ? A[j * n + i]! : A[i * K + j]!;
    const r = roundingOf(d);
    const { u, v } = hestenesRef(B, M, K, r);
    const norms = Array.from({ length: K }, (_, j) => {
      let s = 0;
      for (let i = 0; i < M; i++) s += r(u[i * K + j]! * u[i * K + j]!);
      return r(Math.sqrt(r(s)));
    });
    const order = Array.from(norms.keys()).sort((x, y) => norms[y]! - norms[x]! || x - y);
    const s = order.map((j) => norms[j]!);
    if (!this.computeUv) return [result([K], d, s)];
    const U = new Float64Array(M * K);
    const V = new Float64Array(K * K);
    order.forEach((j, c) => {
      for (let i = 0; i < M; i++) U[i * K + c] = norms[j] === 0 ? 0 : r(u[i * K + j]! / norms[j]!);
      for (let i = 0; i < K; i++) V[i * K + c] = v[i * K + j]!;
    });
    const full = this.fullMatrices && M > K ? completeRef(U, M, K) : U;
    const cols = this.fullMatrices ? M : K;
    // tall: A = U S V^T; wide: A^T = U S V^T, so A = V S U^T
    const transpose = (x: Float64Array, r: number, c: number): Float64Array => {
      const t = new Float64Array(r * c);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = x[i * c + j]!;
      return t;
    };
    if (!wide) return [result([M, cols], d, full), result([K], d, s), result([K, K], d, transpose(V, K, K))];
    return [result([K, K], d, V), result([K], d, s), result([cols, M], d, transpose(full, M, cols))];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const a = inputs[0]!;
    const [m, n] = a.shape as [number, number];
    const d = node.outputs[0]!.dtype;
    const wide = m < n;
    const [M, K] = wide ? [n, m] : [m, n];
    const zeros = (shape: number[]): TensorView => ctx.indexed(shape, d, [], () => fconst(0, d));
    if (K === 0) {
      if (!this.computeUv) return [zeros([0])];
      const eye = (k: number): TensorView => ctx.indexed([k, k], d, [], (_at, index) => ix.select(ix.eq(index(0), index(1)), fconst(1, d), fconst(0, d), d));
      return this.fullMatrices ? [eye(m), zeros([0]), eye(n)] : [zeros([m, 0]), zeros([0]), zeros([0, n])];
    }
    const src: BufferView = a.kind === 'scalar' ? ctx.contiguous(a) : a;
    const B: TensorView = wide ? { ...src, shape: [M, K], strides: [src.strides[1]!, src.strides[0]!] } : src;
    const { u, v } = lowerHestenes(ctx, B, M, K, d);
    const { acc } = reduceDTypes('sum', d);
    const sq = ctx.reduce({ inputs: [u], shape: [M, K], axes: [0], reducer: 'sum', acc, out: d, build: ([x]) => fop('mul', d, x!, x!) });
    const norms = ctx.elementwise([K], d, [sq], ([x]) => fop('sqrt', d, x!));
    const order = lowerOrder(ctx, norms, K, true);
    const s = ctx.indexed([K], d, [norms, order], (at, index) => at(0, [ix.clampIndex(at(1, [index(0)]), K)]));
    if (!this.computeUv) return [s];
    const U = ctx.indexed([M, K], d, [u, norms, order], (at, index) => {
      const j = ix.clampIndex(at(2, [index(1)]), K);
      const nj = at(1, [j]);
      return ix.select(fcmp('eq', nj, fconst(0, d)), fconst(0, d), fop('truediv', d, at(0, [index(0), j]), nj), d);
    });
    const V = ctx.indexed([K, K], d, [v, order], (at, index) => at(0, [index(0), ix.clampIndex(at(1, [index(1)]), K)]));
    let full: BufferView = U;
    if (this.fullMatrices && M > K) {
      const Q = lowerAccumulate(ctx, lowerHouseholder(ctx, U, M, K, d).us, M, M, d);
      full = ctx.indexed([M, M], d, [U, Q], (at, index) => {
        const [i, j] = [index(0), index(1)];
        return ix.select(ix.lt(j, ix.int(K)), at(0, [i, ix.min(j, ix.int(K - 1))]), at(1, [i, j]), d);
      });
    }
    const t = (x: BufferView): BufferView => ({ ...x, shape: [x.shape[1]!, x.shape[0]!], strides: [x.strides[1]!, x.strides[0]!] });
    return wide ? [V, s, t(full)] : [full, s, t(V)];
  }
}

/** U (M x K, orthonormal columns) completed to M x M: its columns, then the last M - K of the complete QR's Q. */
function completeRef(U: Float64Array, M: number, K: number): Float64Array {
  const Q = accumulateRef(householderRef(U, M, K).us, M, M);
  const out = new Float64Array(M * M);
  for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) out[i * M + j] = j < K ? U[i * K + j]! : Q[i * M + j]!;
  return out;
}
