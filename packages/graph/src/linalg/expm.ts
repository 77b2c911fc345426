/**
 * Theano's `slinalg.expm(A)`, the matrix exponential, by scaling and
 * squaring with a degree-13 Padé approximant (Higham 2005; SciPy's
 * `linalg.expm` chooses among degrees 3 to 13 from the norm, then the
 * same scaling). A composition of matmuls, one solve and a scan that
 * squares: it runs on every backend and `grad` differentiates through it
 * (Theano's ExpmGrad goes through an eigendecomposition instead, which
 * needs A diagonalizable).
 */
import { apply1, asTensor, constant, type TensorLike } from '../core/op.js';
import { shapeToString } from '../core/ndarray.js';
import { MatchLength } from '../ops/shape.js';
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
 * (finite differences agree). Where e^A overflows, a diagonal A gives
 * SciPy's inf on the diagonal and 0 beside it (SciPy takes a diagonal A's
 * exp entry by entry), not the squarings' NaN (inf * 0); a triangular one
 * may still give NaN where SciPy's triangular squaring gives inf and 0.
 */
export function expm(a: TensorLike): TensorVariable {
  let x = asTensor(a, 'expm: A');
  if (x.ndim !== 2) throw new TypeError(`expm: A must be a square matrix, got ${nameInError(x)} of type ${x.type}`);
  const [rows, cols] = x.staticShape;
  if (typeof rows === 'number' && typeof cols === 'number' && rows !== cols) throw new RangeError(`expm: A must be square, got ${nameInError(x)} of shape (${rows}, ${cols})`);
  if (rows === null || cols === null) {
    // a side not known now: checked where the shapes are (an identity, no kernel), so a non-square A is this error, not a dot's deep inside
    const name = nameInError(x);
    x = apply1(new MatchLength(0, 1, (shape) => `expm: A must be square, got ${name} of shape ${shapeToString(shape)}`, 'expm square'), [x, x]);
  }
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
  // a diagonal A's e^A is diag(exp(diag(A))), as SciPy's expm takes it: where e^a overflows, the squarings' inf * 0
  // off the diagonal make NaN (and spread it), where SciPy gives inf on the diagonal and 0 beside it. Taken only where
  // the squarings gave NaN, so the gradient at a diagonal A still goes through them (exp of the diagonal alone has no
  // off-diagonal derivative); its argument is masked so the branch not taken adds no 0 * inf to the gradient. A mask
  // of its own (i - j == 0), not the eye above: sharing that would carry it between programs and unfuse it from the
  // Padé's kernels.
  const squared = (squares as TensorVariable).get(-1);
  const index = T.arange(T.shapeI(x, 0));
  const onDiagonal = T.eq(T.sub(T.dimshuffle(index, [0, 'x']), T.dimshuffle(index, ['x', 0])), 0);
  const diagonal = T.all(T.eq(T.switch(onDiagonal, 0, x), 0));
  const exact = T.switch(onDiagonal, T.exp(T.switch(T.and(diagonal, onDiagonal), x, 0)), 0);
  return T.switch(T.and(diagonal, T.isnan(squared)), exact, squared);
}
