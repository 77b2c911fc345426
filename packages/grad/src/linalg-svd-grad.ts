/**
 * The gradient of svd, A = U diag(s) V^T (PyTensor's SVD.L_op; Townsend,
 * "Differentiating the Singular Value Decomposition", 2016). U is m x k,
 * V n x k, k = min(m, n); gU, gs and gVh the cotangents of the op's
 * outputs (V^T is the op's third output, so gV = gVh^T).
 *
 * - s alone (computeUv false, or U and Vh receive nothing):
 *   gA = U diag(gs) V^T, with U and V of the thin SVD (for computeUv false
 *   computed in the gradient's graph by the same op with computeUv true).
 * - U, V too: with F[i, j] = 1 / (s_j^2 - s_i^2) off the diagonal, 0 on it,
 *   gA = U [(F o (U^T gU - gU^T U)) S + diag(gs) + S (F o (V^T gV - gV^T V))] V^T
 *        + (I_m - U U^T) gU S^-1 V^T + U S^-1 gV^T (I_n - V V^T),
 *   the last two terms (a non-square A's) left out where U, resp. V, is
 *   square: they are zero there, but rounding's 1e-16 over a nearly
 *   singular A's smallest s would not be (decided when the function runs
 *   unless the shape is static).
 *
 * Where it is not defined, it says so with infinities and NaN, as
 * PyTensor's and JAX's, rather than a finite number: through U or V,
 * repeated singular values make F infinite, and a singular value of
 * exactly 0 (whose u_k, v_k may each flip sign) gives NaN. Through s
 * alone it is finite everywhere (at a zero singular value, whose column
 * of sym's U is 0, that value's share is 0: a subgradient of the nuclear
 * norm there).
 *
 * full_matrices=true: the last m - k columns of a full U (n - k rows of a
 * full V^T) are not unique, so no gradient flows through them: one is
 * given where U and V^T receive nothing, where the side that receives a
 * cotangent is statically square (full equals thin there), or where that
 * cotangent is zero past its first c columns (rows) by its graph: the
 * gradient of constant indexing (u[:, :2], u[:, 0] and their sums), zeros
 * elsewhere. Then the thin part of the cotangent is used, and c <= k is
 * checked: refused when the shapes are static, NaN when the function runs
 * otherwise (the cotangent reaches a column that is not unique). Any
 * other cotangent is refused naming the option.
 */
import { Alloc, DimShuffle, Elemwise, IncSubtensor, SVD, T, TensorConstant, applyNode, type TensorVariable } from '@sym/graph';
import { lmul, mT, range } from './linalg-grad.js';
import type { GradContext, InputGrad } from './types.js';

/** M scaled column by column (M S), or row by row (S M), by a vector s; M may carry batch axes in front. */
const byColumns = (m: TensorVariable, s: TensorVariable): TensorVariable => m.mul(T.dimshuffle(s, ['x', 0]));
const byRows = (m: TensorVariable, s: TensorVariable): TensorVariable => m.mul(T.dimshuffle(s, [0, 'x']));

/** U diag(gs) V^T for each gs of a batch (gs's last axis). */
function throughValues(U: TensorVariable, gs: TensorVariable, Vh: TensorVariable, nb: number): TensorVariable {
  return T.dot(U.mul(T.dimshuffle(gs, [...range(nb), 'x', nb])), Vh);
}

/** Whether a length is statically known to be at most another. */
const atMost = (a: number | null, b: number | null): boolean => a !== null && b !== null && a <= b;

/** Whether v is a constant whose every element is 0. */
const zeroConstant = (v: TensorVariable): boolean => v instanceof TensorConstant && Array.from(v.value.data, Number).every((x) => x === 0);

/** Whether v is zeros by its graph: a zero constant, broadcast (second, alloc), cast or moved (dimshuffle), as zerosLike and jacobian's batched zeros are. */
function isZero(v: TensorVariable): boolean {
  if (zeroConstant(v)) return true;
  const node = v.owner;
  if (!node) return false;
  const op = node.op;
  if (op instanceof Alloc || op instanceof DimShuffle || (op instanceof Elemwise && op.scalarOp === 'cast')) return isZero(node.inputs[0]!);
  return op instanceof Elemwise && op.scalarOp === 'second' && isZero(node.inputs[1]!);
}

/**
 * A c such that v is zero at every index c or more along `axis`, read from
 * the graph the reverse pass builds for constant basic indexing: zeros
 * (second(x, 0), alloc(0)), increments or sets of such at a constant
 * index or a slice of constant, non-negative bounds, and their sums.
 * Undefined where the graph shows no such bound.
 */
export function nonzeroBound(v: TensorVariable, axis: number): number | undefined {
  if (isZero(v)) return 0;
  const node = v.owner;
  if (!node) return undefined;
  const op = node.op;
  if (op instanceof Elemwise && op.scalarOp === 'add') {
    // every term of v's rank (one broadcast along the axis would spread over every column)
    const bounds = node.inputs.map((x) => (x.ndim === v.ndim && !x.broadcastable[axis] ? nonzeroBound(x, axis) : isZero(x) ? 0 : undefined));
    return bounds.every((b) => b !== undefined) ? Math.max(0, ...(bounds as number[])) : undefined;
  }
  if (op instanceof IncSubtensor) {
    const base = nonzeroBound(node.inputs[0]!, axis);
    const e = op.entries[axis];
    const written =
      e?.kind === 'int' && e.value >= 0
        ? e.value + 1
        : e?.kind === 'slice' && (e.step ?? 1) > 0 && (e.start ?? 0) >= 0 && e.stop !== null && e.stop >= 0
          ? e.stop
          : undefined;
    return base === undefined || written === undefined ? undefined : Math.max(base, written);
  }
  return undefined;
}

/**
 * The cotangent of a full U (V^T), `g`, as the thin one's: its first k
 * columns (rows; `axis`), where the rest are zero by its graph (see
 * nonzeroBound); `extra` says whether the full side has more than k. The
 * check that the bound is within k: a reason to refuse when the lengths
 * are static, else NaN (0 when it holds) for the gradient to add.
 */
function thinCotangent(g: TensorVariable, axis: number, k: TensorVariable, staticK: number | null, side: string, op: SVD): { g: TensorVariable; nanIfPast: TensorVariable | number } | { refused: string } {
  const refuse = (why: string) => ({
    refused: `${op.toString()} has no gradient through ${side}: ${why}; use svd(a, { fullMatrices: false }) (the thin SVD, differentiable), or only s`,
  });
  const c = nonzeroBound(g, axis);
  const added = side === 'U' ? 'columns' : 'rows';
  if (c === undefined) return refuse(`the ${added} full_matrices=true adds to the thin ${side} are not unique, and its cotangent is not zero there by its graph`);
  if (staticK !== null && c > staticK) return refuse(`the cotangent reaches ${side}'s ${added} ${staticK} to ${c - 1}, which full_matrices=true adds to the thin ${side} and are not unique`);
  const index = [...new Array<ReturnType<typeof T.slice>>(axis).fill(T.slice()), T.slice(null, k)];
  return { g: g.get(...index), nanIfPast: staticK !== null ? 0 : T.switch_(T.gt(c, k), NaN, 0) };
}

export function svdGrad({ node, x: [a], gzs, nb }: GradContext): InputGrad[] {
  const op = node.op as SVD;
  if (!op.computeUv) {
    const [U, , Vh] = applyNode(new SVD(false, true), [a!]).outputs as [TensorVariable, TensorVariable, TensorVariable];
    return [throughValues(U, gzs[0]!, Vh, nb)];
  }
  let [U, s, Vh] = node.outputs as [TensorVariable, TensorVariable, TensorVariable];
  let [gU, gs, gVh] = gzs;
  const [m, n] = a!.staticShape;
  const k = T.shapeI(s, 0);
  const nans: (TensorVariable | number)[] = [];
  if (op.fullMatrices) {
    // full U is m x m, of which the first k columns are thin U (V^T likewise, by rows)
    const staticK = m !== null && m !== undefined && n !== null && n !== undefined ? Math.min(m, n) : null;
    if (gU && !atMost(m ?? null, n ?? null)) {
      const thin = thinCotangent(gU, nb + 1, k, staticK, 'U', op);
      if ('refused' in thin) return [{ notDifferentiable: thin.refused }];
      gU = thin.g;
      nans.push(thin.nanIfPast);
    }
    if (gVh && !atMost(n ?? null, m ?? null)) {
      const thin = thinCotangent(gVh, nb, k, staticK, 'V^T', op);
      if ('refused' in thin) return [{ notDifferentiable: thin.refused }];
      gVh = thin.g;
      nans.push(thin.nanIfPast);
    }
    U = U.get(T.slice(), T.slice(null, k));
    Vh = Vh.get(T.slice(null, k), T.slice());
  }
  if (!gU && !gVh) return [throughValues(U, gs!, Vh, nb)];
  const like = (gU ?? gVh)!;
  const I = T.eye(k, null, 0, like.dtype);
  const s2 = T.sqr(s);
  // 1 / (s_j^2 - s_i^2) off the diagonal (infinite where two are equal); the diagonal's 0 / 0 never computed
  const diff = T.dimshuffle(s2, ['x', 0]).sub(T.dimshuffle(s2, [0, 'x']));
  const F = T.switch_(I, 0, T.trueDiv(1, T.switch_(I, 1, diff)));
  const inverse = T.trueDiv(1, s);
  const terms: TensorVariable[] = [];
  // a term of a non-square A only: where U (V) is square it is zero, but rounding's 1e-16 times the 1 / s of a nearly
  // singular A would be a finite wrong number, so a square one (known only when the function runs) takes 0 instead
  const ifWider = (length: TensorVariable, term: TensorVariable): TensorVariable => T.switch_(T.gt(length, k), term, 0);
  let inner: TensorVariable | undefined = gs ? T.dimshuffle(gs, [...range(nb + 1), 'x']).mul(I) : undefined;
  const add = (t: TensorVariable): void => void (inner = inner ? inner.add(t) : t);
  if (gU) {
    const UtgU = lmul(U.T, gU);
    add(byColumns(UtgU.sub(mT(UtgU)).mul(F), s));
    // (I - U U^T) gU S^-1 V^T: zero where U is square
    if (!atMost(m ?? null, n ?? null)) terms.push(ifWider(T.shapeI(U, 0), T.dot(byColumns(gU.sub(lmul(U, UtgU)), inverse), Vh)));
  }
  if (gVh) {
    // gV^T V = gVh Vh^T, so V^T gV - gV^T V is its transpose minus itself
    const gVtV = T.dot(gVh, Vh.T);
    add(byRows(mT(gVtV).sub(gVtV).mul(F), s));
    // U S^-1 gV^T (I - V V^T) = U S^-1 (gVh - gVh Vh^T Vh): zero where V is square
    if (!atMost(n ?? null, m ?? null)) terms.push(ifWider(T.shapeI(Vh, 1), lmul(byColumns(U, inverse), gVh.sub(T.dot(gVtV, Vh)))));
  }
  // at a singular value of exactly 0 the pair u_k, v_k has no derivative (each may flip sign on its own): NaN says so
  // where no 1 / s term does (a square A; sym's u_k there is 0, which would give a finite number)
  const undefinedAtZero = T.cast(nans.reduce<TensorVariable>((sum, x) => T.add(sum, x), T.switch_(T.any(T.eq(s, 0)), NaN, 0)), like.dtype);
  return [terms.reduce((sum, t) => sum.add(t), lmul(U, T.dot(inner!.add(undefinedAtZero), Vh)))];
}
