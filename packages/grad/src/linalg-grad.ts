/**
 * Gradients of the linear algebra ops, Theano's formulas:
 *
 * - inverse, Z = A^-1: gA = -Z^T gZ Z^T;
 * - det: gA = gz det(A) A^-T;
 * - solve, x = A^-1 b: gb = A^-T gx (a solve with A^T), gA = -gb x^T,
 *   kept to the triangle a triangular solve reads; for `sym` and `pos`,
 *   which read one triangle and mirror it, the two halves of gA are folded
 *   onto that triangle;
 * - cholesky, A = L L^T: Murray (2016), as Theano's Cholesky.L_op:
 *   S = L^-T Phi(L^T gL) L^-1 (Phi: the lower triangle with its diagonal
 *   halved), gA = tril(S + S^T) - diag(S), A's lower triangle being what it
 *   reads (the upper one for the upper factor).
 *
 * In a batched pass (jacobian, nb > 0) gradients carry leading batch axes
 * and every matrix product acts on their last two; the solves there go
 * through the inverse, since Solve takes one matrix of right-hand sides.
 * svd's gradient is in linalg-svd-grad.ts.
 */
import { Cholesky, Eigh, QR, Solve, T, apply1, type SolveStructure, type TensorVariable } from '@sym/graph';
import type { GradContext, InputGrad } from './types.js';

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The last two axes swapped (batch axes stay in front). */
export const mT = (x: TensorVariable): TensorVariable => T.dimshuffle(x, [...range(x.ndim - 2), x.ndim - 1, x.ndim - 2]);

/** M g for each matrix g of a batch (g's last two axes). */
export const lmul = (m: TensorVariable, g: TensorVariable): TensorVariable => (g.ndim === 2 ? T.dot(m, g) : mT(T.dot(mT(g), m.T)));

/** The identity the size of square matrix `a`, in dtype of `like`. */
const eyeOf = (a: TensorVariable, like: TensorVariable): TensorVariable => T.eye(a.staticShape[0] ?? T.shapeI(a, 0), null, 0, like.dtype);

export function matrixInverseGrad({ z, gz }: GradContext): InputGrad[] {
  return [lmul(z.T, T.dot(gz, z.T)).neg()];
}

export function detGrad({ x: [a], z, gz, nb }: GradContext): InputGrad[] {
  const g = T.dimshuffle(gz, [...range(nb), 'x', 'x']);
  return [g.mul(z).mul(T.nlinalg.matrixInverse(a!).T)];
}

/** The structure the transposed system is solved with: A^T's triangle is the other one; a symmetric A is its own transpose. */
const TRANSPOSED: { readonly [S in SolveStructure]: SolveStructure } = {
  gen: 'gen',
  sym: 'sym',
  pos: 'pos',
  lower_triangular: 'upper_triangular',
  upper_triangular: 'lower_triangular',
};

/** The matrix a Solve actually uses: its triangle, or one triangle mirrored. */
function effective(a: TensorVariable, op: Solve): TensorVariable {
  switch (op.structure) {
    case 'gen':
      return a;
    case 'lower_triangular':
      return T.tril(a);
    case 'upper_triangular':
      return T.triu(a);
    default:
      return op.isLower ? T.tril(a).add(mT(T.tril(a, -1))) : T.triu(a).add(mT(T.triu(a, 1)));
  }
}

export function solveGrad({ node, x: [a, b], z, gz, nb }: GradContext): InputGrad[] {
  const op = node.op as Solve;
  let gb: TensorVariable;
  if (nb === 0) {
    const symmetric = op.structure === 'sym' || op.structure === 'pos';
    gb = apply1(new Solve(TRANSPOSED[op.structure], op.isLower), [symmetric ? a! : a!.T, gz]);
  } else {
    // A^-T g for each g: (g A^-1) for vectors, A^-T g for matrices
    const inv = T.nlinalg.matrixInverse(effective(a!, op));
    gb = b!.ndim === 1 ? T.dot(gz, inv) : lmul(inv.T, gz);
  }
  const g = b!.ndim === 1 ? T.dimshuffle(gb, [...range(nb), nb, 'x']).mul(T.dimshuffle(z, ['x', 0])).neg() : T.dot(gb, z.T).neg();
  let gA: TensorVariable;
  switch (op.structure) {
    case 'gen':
      gA = g;
      break;
    case 'lower_triangular':
      gA = T.tril(g);
      break;
    case 'upper_triangular':
      gA = T.triu(g);
      break;
    default:
      // A[i, j] of the triangle read stands for both A[i, j] and A[j, i]
      gA = op.isLower ? T.tril(g).add(mT(T.triu(g, 1))) : T.triu(g).add(mT(T.tril(g, -1)));
  }
  return [gA, gb];
}

export function choleskyGrad({ node, z, gz, nb }: GradContext): InputGrad[] {
  const lower = (node.op as Cholesky).isLower;
  // the upper factor is the transpose of the lower one (of A^T)
  const L = lower ? z : z.T;
  const gL = lower ? gz : mT(gz);
  const I = eyeOf(L, gz);
  const product = lmul(L.T, gL);
  const phi = T.tril(product).sub(product.mul(I).mul(0.5));
  let s: TensorVariable;
  if (nb === 0) {
    // L^-T Phi L^-1 by two triangular solves with L^T, as Theano
    const inner = T.slinalg.solveUpperTriangular(L.T, phi.T);
    s = T.slinalg.solveUpperTriangular(L.T, inner.T);
  } else {
    const inv = T.slinalg.solveLowerTriangular(L, I);
    s = lmul(inv.T, T.dot(phi, inv));
  }
  const sym = s.add(mT(s));
  return [lower ? T.tril(sym).sub(s.mul(I)) : T.triu(sym).sub(s.mul(I))];
}

/**
 * eigh, A = V diag(w) V^T: Theano's EighGrad. With F[n, m] = 1 / (w_n - w_m)
 * off the diagonal (0 on it), G = V (diag(gw) + (gV^T V) o F) V^T, and A's
 * gradient is G's lower triangle plus its strict upper one folded onto it
 * (the triangle eigh reads; the upper one for UPLO 'U'). Defined where the
 * eigenvalues are distinct, as Theano's.
 */
export function eighGrad({ node, gzs, nb }: GradContext): InputGrad[] {
  const [w, v] = node.outputs as [TensorVariable, TensorVariable];
  const [gw, gv] = gzs;
  const I = eyeOf(v, gw ?? gv!);
  let M: TensorVariable | undefined = gw ? T.dimshuffle(gw, [...range(nb + 1), 'x']).mul(I) : undefined;
  if (gv) {
    const diff = T.dimshuffle(w, [0, 'x']).sub(T.dimshuffle(w, ['x', 0]));
    // 1 / (w_n - w_m) off the diagonal; the diagonal's 0 / 0 never computed
    const F = T.switch_(I, 0, T.trueDiv(1, T.switch_(I, 1, diff)));
    const term = T.dot(mT(gv), v).mul(F);
    M = M ? M.add(term) : term;
  }
  const g = lmul(v, T.dot(M!, v.T));
  const lower = (node.op as Eigh).UPLO === 'L';
  return [lower ? T.tril(g).add(mT(T.triu(g, 1))) : T.triu(g).add(mT(T.tril(g, -1)))];
}

/**
 * qr, A = Q R (m >= n; modes 'reduced' and 'r'): with M = R gR^T - gQ^T Q
 * and copyltu(M) its lower triangle mirrored onto the upper one,
 * gA = (gQ + Q copyltu(M)) R^-T (Liao et al. 2019, PyTensor's QR gradient).
 * Mode 'complete' has none: a complete Q's last m - n columns are not
 * unique. A wide A (m < n) fails where R^-T is formed (R is not square).
 */
export function qrGrad({ node, x: [a], gzs, nb }: GradContext): InputGrad[] {
  const op = node.op as QR;
  if (op.mode === 'complete') {
    return [{ notDifferentiable: `${op.toString()} has no gradient: the last m - n columns of a complete Q are not unique (mode 'reduced' and 'r' have one)` }];
  }
  const [Q, R] = op.mode === 'r' ? [T.nlinalg.qr(a!)[0], node.outputs[0]!] : [node.outputs[0]!, node.outputs[1]!];
  const [gQ, gR] = op.mode === 'r' ? [undefined, gzs[0]] : [gzs[0], gzs[1]];
  const terms: TensorVariable[] = [];
  if (gR) terms.push(lmul(R, mT(gR)));
  if (gQ) terms.push(T.dot(mT(gQ), Q).neg());
  const M = terms.length === 2 ? terms[0]!.add(terms[1]!) : terms[0]!;
  const B = lmul(Q, T.tril(M).add(mT(T.tril(M, -1))));
  const left = gQ ? gQ.add(B) : B;
  if (nb === 0) return [T.slinalg.solveUpperTriangular(R, left.T).T];
  return [T.dot(left, T.nlinalg.matrixInverse(R).T)];
}
