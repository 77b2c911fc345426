/**
 * `eigh(A, UPLO)` (numpy.linalg.eigh, Theano's `nlinalg.Eigh`): the
 * eigenvalues of a symmetric matrix, ascending, and its eigenvectors, by
 * parallel cyclic Jacobi (see linalg-jacobi.ts for why) with a fixed number
 * of sweeps, unrolled: per round of n/2 disjoint rotations one kernel
 * computing the rotations, one applying them to A (J^T A J) and one to V
 * (V J); then a rank count, its inverse permutation and two gathers sort
 * the eigenpairs. Only the triangle UPLO names is read ('L': the lower).
 *
 * Eigenvectors are unique only up to sign (and, for a repeated eigenvalue,
 * up to a rotation within its eigenspace): they are V's columns as Jacobi
 * leaves them, which need not be LAPACK's signs. A V diag(w) V^T and V^T V
 * = I hold whichever.
 */
import type { DType } from '../core/dtype.js';
import { NDArray, shapeToString } from '../core/ndarray.js';
import { Apply, Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { BufferView, LowerContext, TensorView } from '../kernel/lower.js';
import type { ScalarExpr } from '../kernel/kernel.js';
import type { ScalarOpName } from '../core/scalar.js';
import * as ix from '../kernel/index-expr.js';
import { checkMatrix, float64Of, linalgDType, result } from './linalg.js';
import { ascendingOrder, jacobiRef, jacobiSweeps, rotationEntry, roundPartners, roundingOf } from './linalg-jacobi.js';
import { nameInError } from '../core/error-names.js';

const fop = (op: ScalarOpName, d: DType, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, computeDType: d, dtype: d });
const fconst = (value: number, d: DType): ScalarExpr => ({ kind: 'const', value, dtype: d });
const fcmp = (op: ScalarOpName, a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op, args: [a, b], computeDType: a.dtype, dtype: 'bool' });

/** One int32 buffer of partners per round and program (the same data for every sweep). */
const partnerBuffers = new WeakMap<LowerContext, Map<string, TensorView>>();
export function partners(ctx: LowerContext, N: number, r: number): TensorView {
  let m = partnerBuffers.get(ctx);
  if (!m) partnerBuffers.set(ctx, (m = new Map()));
  const key = `${N}:${r}`;
  let v = m.get(key);
  if (!v) {
    const value = NDArray.zeros([N], 'int32');
    value.data.set(roundPartners(N, r));
    m.set(key, (v = ctx.constant(value)));
  }
  return v;
}

/** A read as symmetric from the triangle UPLO names. */
function symmetricRef(a: Float64Array, n: number, lower: boolean): Float64Array {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = (lower ? i >= j : i <= j) ? a[i * n + j]! : a[j * n + i]!;
  return s;
}

function lowerJacobi(ctx: LowerContext, A: TensorView, n: number, d: DType, lower: boolean): { a: BufferView; v: BufferView } {
  let a: BufferView = ctx.indexed([n, n], d, [A], (at, index) => {
    const [i, j] = [index(0), index(1)];
    const inside = lower ? ix.ge(i, j) : ix.ge(j, i);
    return ix.select(inside, ix.castTo(at(0, [i, j]), d), ix.castTo(at(0, [j, i]), d), d);
  });
  let v: BufferView = ctx.indexed([n, n], d, [], (_at, index) => ix.select(ix.eq(index(0), index(1)), fconst(1, d), fconst(0, d), d));
  const N = n + (n % 2);
  const clamp = (e: ScalarExpr): ScalarExpr => ix.min(e, ix.int(n - 1));
  for (let sweep = 0; sweep < jacobiSweeps(n); sweep++) {
    for (let r = 0; r < N - 1; r++) {
      const P = partners(ctx, N, r);
      // row 0: c of each index's rotation, row 1: sigma (see rotationOf)
      const rot = ctx.indexed([2, n], d, [a, P], (at, index) => {
        const i = index(1);
        const q = at(1, [i]);
        const lo = ix.min(i, clamp(q));
        const hi = ix.max(i, clamp(q));
        const app = at(0, [lo, lo]);
        const aqq = at(0, [hi, hi]);
        const apq = at(0, [lo, hi]);
        return rotationEntry(d, app, aqq, apq, ix.eq(i, lo), ix.ge(q, ix.int(n)), index(0));
      });
      const next = ctx.indexed([n, n], d, [a, P, rot], (at, index) => {
        const [i, j] = [index(0), index(1)];
        const [qi, qj] = [at(1, [i]), at(1, [j])];
        const [pi, pj] = [clamp(qi), clamp(qj)];
        const [ci, si, cj, sj] = [at(2, [ix.int(0), i]), at(2, [ix.int(1), i]), at(2, [ix.int(0), j]), at(2, [ix.int(1), j])];
        const rowI = fop('add', d, fop('mul', d, cj, at(0, [i, j])), fop('mul', d, sj, at(0, [i, pj])));
        const rowP = fop('add', d, fop('mul', d, cj, at(0, [pi, j])), fop('mul', d, sj, at(0, [pi, pj])));
        return ix.select(ix.eq(j, qi), fconst(0, d), fop('add', d, fop('mul', d, ci, rowI), fop('mul', d, si, rowP)), d);
      });
      v = ctx.indexed([n, n], d, [v, P, rot], (at, index) => {
        const [i, j] = [index(0), index(1)];
        const pj = clamp(at(1, [j]));
        return fop('add', d, fop('mul', d, at(2, [ix.int(0), j]), at(0, [i, j])), fop('mul', d, at(2, [ix.int(1), j]), at(0, [i, pj])));
      });
      a = next;
    }
  }
  return { a, v };
}

/**
 * The order that sorts the n values of `values` ascending (descending with
 * `descending`), ties by index: each value's rank counted (one reduction),
 * then the ranks inverted into the order (another); an int32 (n,) buffer.
 */
export function lowerOrder(ctx: LowerContext, values: BufferView, n: number, descending: boolean): BufferView {
  const idx = ctx.range(n);
  const rowOf = (x: BufferView): BufferView => ({ ...x, shape: [n, n], strides: [x.strides[0]!, 0] });
  const colOf = (x: BufferView): BufferView => ({ ...x, shape: [n, n], strides: [0, x.strides[0]!] });
  const rank = ctx.reduce({
    inputs: [rowOf(values), colOf(values), rowOf(idx), colOf(idx)],
    shape: [n, n],
    axes: [1],
    reducer: 'sum',
    acc: 'int32',
    out: 'int32',
    build: ([wi, wj, i, j]) => ix.select(ix.or(fcmp(descending ? 'gt' : 'lt', wj!, wi!), ix.and(fcmp('eq', wj!, wi!), ix.lt(j!, i!))), ix.int(1), ix.int(0), 'int32'),
  });
  return ctx.reduce({
    inputs: [rowOf(idx), colOf(rank), colOf(idx)],
    shape: [n, n],
    axes: [1],
    reducer: 'sum',
    acc: 'int32',
    out: 'int32',
    build: ([r, rk, i]) => ix.select(ix.eq(rk!, r!), i!, ix.int(0), 'int32'),
  });
}

/** The eigenpairs sorted by eigenvalue (ties by index): w and V's columns gathered in lowerOrder's order. */
function lowerSortPairs(ctx: LowerContext, a: BufferView, v: BufferView, n: number, d: DType): [TensorView, TensorView] {
  const order = lowerOrder(ctx, { ...a, shape: [n], strides: [n + 1] }, n, false);
  const w = ctx.indexed([n], d, [a, order], (at, index) => {
    const k = ix.clampIndex(at(1, [index(0)]), n);
    return at(0, [k, k]);
  });
  const V = ctx.indexed([n, n], d, [v, order], (at, index) => at(0, [index(0), ix.clampIndex(at(1, [index(1)]), n)]));
  return [w, V];
}

export class Eigh extends Op {
  readonly kind = 'Eigh' as const;
  constructor(
    /** NumPy's `UPLO`: the triangle read, `'L'` (the default) the lower one, `'U'` the upper; anything else is a TypeError. */
    readonly UPLO: 'L' | 'U' = 'L',
  ) {
    super();
    if (UPLO !== 'L' && UPLO !== 'U') throw new TypeError(`Eigh: UPLO must be 'L' or 'U', got ${JSON.stringify(UPLO)}`);
  }
  key(): string {
    return `Eigh{${this.UPLO}}`;
  }
  override toString(): string {
    return this.key();
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    checkMatrix(this.key(), inputs[0]!, 'A');
    const d = linalgDType(this.key(), inputs);
    return [new TensorType(d, [false]), new TensorType(d, [false, false])];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const [r, c] = shapes[0]! as [number | null, number | null];
    if (r !== null && c !== null && r !== c) {
      throw new RangeError(`${this}: A (${node.inputs[0] ? nameInError(node.inputs[0]) : 'A'}) must be a square matrix, got shape ${shapeToString(shapes[0]!)}`);
    }
    const n = r ?? c;
    return [[n], [n, n]];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const a = inputs[0]!;
    const n = this.inferShape([a.shape], node)[0]![0]!;
    const d = node.outputs[0]!.dtype;
    const [w, v] = jacobiRef(symmetricRef(float64Of(a), n, this.UPLO === 'L'), n, jacobiSweeps(n), undefined, roundingOf(d));
    const order = ascendingOrder(w);
    const V = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) V[i * n + j] = v[i * n + order[j]!]!;
    return [result([n], d, order.map((k) => w[k]!)), result([n, n], d, V)];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const a = inputs[0]!;
    const n = this.inferShape([a.shape], node)[0]![0]!;
    const d = node.outputs[0]!.dtype;
    if (n === 0) return [ctx.indexed([0], d, [], () => fconst(0, d)), ctx.indexed([0, 0], d, [], () => fconst(0, d))];
    const src: TensorView = a.kind === 'scalar' ? ctx.contiguous(a) : a;
    const { a: diagonalised, v } = lowerJacobi(ctx, src, n, d, this.UPLO === 'L');
    return lowerSortPairs(ctx, diagonalised, v, n, d);
  }
}
