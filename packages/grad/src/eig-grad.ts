/**
 * Gradients of the host-run complex linear algebra: `T.nlinalg.eig` /
 * `eigvals` (the Eig op) and `sym.complex.det` (ComplexDet). A real cost's
 * gradient with respect to a complex output is Theano's convention,
 * gz = dC/dRe + i dC/dIm, the cotangent PyTorch's complex autograd uses,
 * so the formulas are PyTorch's linalg_eig_backward and det's.
 */
import { ComplexVariable, Eig, T, complex as C, type TensorVariable } from '@sym/graph';
import { notDifferentiable, type GradContext, type InputGrad } from './types.js';

const zerosOr = (g: TensorVariable | undefined, like: TensorVariable): TensorVariable => g ?? T.zerosLike(like);

/**
 * The cotangent of the raw eigenvectors from that of the phase-fixed ones:
 * Eig turns each vector so that its largest-modulus component k is real
 * and positive, v' = v conj(v_k) / |v_k|, a function of v invariant to v's
 * phase. At v = v' its adjoint adds i Im(s) / v_k at row k, s = sum_j
 * conj(g_j) v_j, which makes the diagonal of V^H g real, the condition
 * the formula below needs (PyTorch refuses a cost that depends on the
 * phase; sym's phase is fixed, so the cost is a function of A and this is
 * its derivative). Where two components tie for largest the phase jumps
 * and only a cost blind to it has a derivative.
 */
function unphased(vr: TensorVariable, vi: TensorVariable, gr: TensorVariable, gi: TensorVariable): ComplexVariable {
  const imS = T.sum(T.sub(T.mul(gr, vi), T.mul(gi, vr)), 0);
  const k = T.argmax(T.add(T.sqr(vr), T.sqr(vi)), 0);
  const atK = T.eq(T.dimshuffle(T.arange(T.shapeI(vr, 0)), [0, 'x']), T.dimshuffle(k, ['x', 0]));
  const vk = T.sum(T.mul(vr, atK), 0);
  return new ComplexVariable(gr, T.add(gi, T.mul(atK, T.dimshuffle(T.trueDiv(imS, vk), ['x', 0]))));
}

/**
 * A = V diag(w) V^-1 (PyTorch's linalg_eig_backward): with E[i, j] =
 * conj(w_j) - conj(w_i) (1 on the diagonal),
 * gA = V^-H (diag(gw) + offdiag((V^H gV - V^H V diag(Re diag(V^H gV))) / E)) V^H;
 * the second term of the numerator keeps each eigenvector's unit norm.
 * A real A's gradient is gA's real part, a complex A's gA's two parts.
 * Through V, NaN or infinite where two eigenvalues are equal (E has a
 * zero); through w alone finite there but not a derivative, as PyTorch's
 * and eigh's. eigvals' is the first term alone, V from an eig of A.
 */
export function eigGrad({ node, x, gzs, nb }: GradContext): InputGrad[] {
  const op = node.op as Eig;
  if (nb > 0) return x.map(() => notDifferentiable(`${op.toString()}'s gradient in jacobian's batched pass is not provided; take grad of each entry of the output instead`));
  // a complex matrix is two inputs, its parts
  const a = op.complexInput ? new ComplexVariable(x[0]!, x[1]!) : x[0]!;
  const [wr, wi, vr, vi] = op.vectors ? (node.outputs as TensorVariable[]) : [node.outputs[0]!, node.outputs[1]!, ...eigVectors(a)];
  const [gwr, gwi, gvr, gvi] = gzs;
  const V = new ComplexVariable(vr!, vi!);
  const Vh = C.conjTranspose(V);
  const I = T.eye(T.shapeI(wr!, 0), null, 0, wr!.dtype);
  let M: ComplexVariable | undefined;
  if (gvr || gvi) {
    const gV = unphased(vr!, vi!, zerosOr(gvr, vr!), zerosOr(gvi, vi!));
    const VhgV = C.dot(Vh, gV);
    const VhV = C.dot(Vh, V);
    const projected = C.sub(VhgV, C.mul(VhV, T.dimshuffle(T.diagonal(VhgV.re), ['x', 0])));
    const row = (w: TensorVariable) => T.dimshuffle(w, ['x', 0]);
    const col = (w: TensorVariable) => T.dimshuffle(w, [0, 'x']);
    // conj(w_j) - conj(w_i), 1 on the diagonal (whose quotient is replaced)
    const E = new ComplexVariable(T.switch_(I, 1, T.sub(row(wr!), col(wr!))), T.switch_(I, 0, T.sub(col(wi!), row(wi!))));
    const off = C.div(projected, E);
    M = new ComplexVariable(T.switch_(I, 0, off.re), T.switch_(I, 0, off.im));
  }
  if (gwr || gwi) {
    const D = new ComplexVariable(T.mul(I, T.dimshuffle(zerosOr(gwr, wr!), ['x', 0])), T.mul(I, T.dimshuffle(zerosOr(gwi, wi!), ['x', 0])));
    M = M ? C.add(M, D) : D;
  }
  const gA = C.solve(Vh, C.dot(M!, Vh));
  // a real matrix's gradient is the real part (the imaginary one is along directions it cannot move)
  const parts = op.complexInput ? [gA.re, gA.im] : [gA.re];
  return parts.map((g, i) => (g.dtype === x[i]!.dtype ? g : T.cast(g, x[i]!.dtype)));
}

function eigVectors(a: TensorVariable | ComplexVariable): [TensorVariable, TensorVariable] {
  const v = T.nlinalg.eig(a)[1];
  return [v.re, v.im];
}

/** det(A) of a complex A (holomorphic): gA = gd conj(det(A) A^-T), as the parts of A. */
export function complexDetGrad({ node, x: [re, im], gzs, nb }: GradContext): InputGrad[] {
  if (nb > 0) {
    const why = notDifferentiable(`${node.op.toString()}'s gradient in jacobian's batched pass is not provided; take grad of each part of the output instead`);
    return [why, why];
  }
  const A = new ComplexVariable(re!, im!);
  const d = new ComplexVariable(node.outputs[0]!, node.outputs[1]!);
  const gd = new ComplexVariable(zerosOr(gzs[0], node.outputs[0]!), zerosOr(gzs[1], node.outputs[1]!));
  const cofactor = C.mul(C.matrixInverse(A).T, d);
  const gA = C.mul(gd, T.conj(cofactor) as ComplexVariable);
  return [gA.re, gA.im];
}

export const isEig = (op: unknown): op is Eig => op instanceof Eig;
export const isComplexDet = (op: unknown): boolean => op instanceof C.ComplexDet;
