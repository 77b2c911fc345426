/**
 * Theano's `slinalg.expm(A)`, the matrix exponential, by scaling and
 * squaring with a degree-13 Padé approximant (Higham 2005; SciPy's
 * `linalg.expm` chooses among degrees 3 to 13 from the norm, then the
 * same scaling). A composition of matmuls, one solve and a scan that
 * squares: it runs on every backend and `grad` differentiates through it
 * (Theano's ExpmGrad goes through an eigendecomposition instead, which
 * needs A diagonalizable).
 */
import { asTensor, constant, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import { isFloat } from '../core/dtype.js';
import { nameInError } from '../core/error-names.js';
import { scan } from '../control/scan.js';
import { until } from '../control/scan-until.js';
import { solve } from './linalg.js';
// a cycle (tensor.ts re-exports linalg-more.ts, which imports this file): used only inside functions
import * as T from '../tensor/tensor.js';

/** The degree-13 Padé coefficients b0..b13 of exp (Higham 2005, table 2.3; SciPy's). */
const PADE13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600, 670442572800, 33522128640, 1323241920, 40840800,
  960960, 16380, 182, 1,
];

/**
 * The largest 1-norm at which the degree-13 approximant is accurate to
 * float64's unit roundoff (Higham 2005, table 2.3): A is scaled by 2^-s
 * to below it.
 */
const THETA13 = 5.371920351148152;

/** The most squarings: a float64 1-norm is below 2^1024, so s = ceil(log2(norm / theta13)) stays under it. */
const MAX_SQUARINGS = 1100;

/**
 * Theano's `slinalg.expm(A)` (SciPy's `linalg.expm`): e^A of a square
 * matrix, in its float dtype (float64 for an integer matrix). A is scaled
 * by 2^-s with s >= 1 the least bringing its 1-norm to at most theta13 =
 * 5.37, its degree-13 Padé approximant r(X) = q(X)^-1 p(X) taken (one
 * solve), then squared s times (a scan that stops after s steps: the
 * squarings run on the host, a step at a time). Exact for a nilpotent A of
 * index 2; a float64 A of 1-norm 1e6 takes 19 squarings. Differentiable
 * (finite differences agree).
 */
export function expm(a: TensorLike): TensorVariable {
  let x = asTensor(a, 'expm: A');
  if (x.ndim !== 2) throw new TypeError(`expm: A must be a square matrix, got ${nameInError(x)} of type ${x.type}`);
  const [rows, cols] = x.staticShape;
  if (typeof rows === 'number' && typeof cols === 'number' && rows !== cols) throw new RangeError(`expm: A must be square, got ${nameInError(x)} of shape (${rows}, ${cols})`);
  if (!isFloat(x.dtype)) x = T.cast(x, 'float64');
  const dtype = x.dtype;
  const norm = T.max(T.sum(T.abs(x), 0));
  // s = max(1, ceil(log2(norm / theta13))), in A's dtype then int32 (a device without float64 or int64 runs it):
  // at least one squaring, so the loop below runs at least once
  const exponent = T.ceil(T.log2(T.trueDiv(norm, constant(THETA13, { dtype }))));
  const sFloat = T.maximum(T.switch(T.gt(norm, THETA13), exponent, 1), 1);
  const s = T.cast(sFloat, 'int32');
  const scaled = T.mul(x, T.pow(constant(2, { dtype }), T.neg(sFloat)));
  const eye = T.eye(T.shapeI(x, 0), null, 0, dtype);
  const b = PADE13.map((v) => constant(v, { dtype }));
  const x2 = T.dot(scaled, scaled);
  const x4 = T.dot(x2, x2);
  const x6 = T.dot(x4, x2);
  const poly = (terms: readonly [number, TensorVariable][]) => terms.reduce<TensorVariable | null>((acc, [k, m]) => (acc === null ? T.mul(b[k]!, m) : T.add(acc, T.mul(b[k]!, m))), null)!;
  // U = X (X6 (b13 X6 + b11 X4 + b9 X2) + b7 X6 + b5 X4 + b3 X2 + b1 I), V = X6 (b12 X6 + b10 X4 + b8 X2) + b6 X6 + b4 X4 + b2 X2 + b0 I
  const u = T.dot(scaled, T.add(T.dot(x6, poly([[13, x6], [11, x4], [9, x2]])), poly([[7, x6], [5, x4], [3, x2], [1, eye]])));
  const v = T.add(T.dot(x6, poly([[12, x6], [10, x4], [8, x2]])), poly([[6, x6], [4, x4], [2, x2], [0, eye]]));
  const r = solve(T.sub(v, u), T.add(v, u));
  // r squared s times: step k squares and stops once k + 1 squarings are done
  const [squares] = scan((k: TensorVariable, m: TensorVariable, steps: TensorVariable) => [T.dot(m, m), until(T.ge(T.add(k, 1), steps))] as const, {
    sequences: [T.cast(T.arange(MAX_SQUARINGS), 'int32')],
    outputsInfo: [r],
    nonSequences: [s],
  });
  return (squares as TensorVariable).get(-1);
}
