/**
 * NumPy's `linalg.eig(a)` and `linalg.eigvals(a)` (Theano's `nlinalg.eig`)
 * for a general real or complex square matrix: complex eigenvalues and
 * eigenvectors, as `sym.complex` variables made of the Eig op's real
 * parts. Theano's `Eig` casts its result to the input's real dtype,
 * dropping the imaginary parts; sym's keeps them.
 */
import { applyNode, asTensor, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import { Eig } from '../ops/linalg-eig.js';
import { broadcastParts, ComplexVariable, type ComplexLike } from '../complex/variable.js';

/** The Eig op's inputs: a real matrix, or a complex one's parts (broadcast to one shape). */
function eigInputs(a: ComplexLike | TensorLike, what: string): { inputs: TensorVariable[]; complex: boolean } {
  if (a instanceof ComplexVariable) return { inputs: broadcastParts(a), complex: true };
  return { inputs: [asTensor(a, `${what}: a`)], complex: false };
}

/**
 * NumPy's `linalg.eig(a)`: [w, v], the eigenvalues of the square matrix
 * a (real, or complex: a `sym.complex` variable) and its right
 * eigenvectors (the columns of v: a v[:, j] = w[j] v[:, j]), complex64
 * for a float32 or complex64 a and complex128 otherwise (an integer a
 * computes in float64), complex even where every eigenvalue is real
 * (NumPy then returns real arrays; a graph's types cannot depend on
 * values). For a real a, a conjugate pair is adjacent, the positive
 * imaginary part first, as LAPACK's; otherwise the order is the Schur
 * form's, which may differ from NumPy's (neither is sorted). Each
 * eigenvector has unit 2-norm and its largest-modulus component (the
 * first such) real and positive: NumPy's (LAPACK's geev) are the same
 * vectors times a unit factor (1 or -1 for a real a), except within a
 * repeated eigenvalue's eigenspace, where none is unique. Computed on the
 * host in float64 (Hessenberg reduction, Francis double-shift QR for a
 * real a, single-shift complex QR for a complex one, back-substitution),
 * whichever the backend. A NaN or infinite entry is an error naming a, as
 * NumPy's LinAlgError. Differentiable where the eigenvalues are distinct.
 */
export function eig(a: ComplexLike | TensorLike): [ComplexVariable, ComplexVariable] {
  const { inputs, complex } = eigInputs(a, 'eig');
  const [wr, wi, vr, vi] = applyNode(new Eig(true, complex), inputs).outputs;
  return [new ComplexVariable(wr!, wi!), new ComplexVariable(vr!, vi!)];
}

/** NumPy's `linalg.eigvals(a)`: eig's eigenvalues alone, in its order (the back-substitution for the vectors is skipped). */
export function eigvals(a: ComplexLike | TensorLike): ComplexVariable {
  const { inputs, complex } = eigInputs(a, 'eigvals');
  const [wr, wi] = applyNode(new Eig(false, complex), inputs).outputs;
  return new ComplexVariable(wr!, wi!);
}
