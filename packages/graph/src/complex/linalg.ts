/**
 * Complex linear algebra by the real block form: A = Ar + i Ai acts on
 * x = xr + i xi as the real 2n x 2n matrix M = [[Ar, -Ai], [Ai, Ar]] acts
 * on [xr; xi]. M's singular values are A's, each twice, so a solve or
 * inverse with M is as well conditioned as A's own; it runs the real
 * Gauss-Jordan (partial pivoting) of `T.slinalg.solve` and
 * `T.nlinalg.matrixInverse` at twice the size, on every backend, and
 * `grad` differentiates through it. det has no such route (det M is
 * |det A|^2, without the phase): it is complex/det.ts's host op.
 */
import { apply1 } from '../core/op.js';
import { shapeToString } from '../core/ndarray.js';
import type { TensorVariable } from '../core/variable.js';
import { MatchLength } from '../ops/shape.js';
import * as T from '../tensor/tensor.js';
import { asComplex, broadcastParts, ComplexVariable, unify, type ComplexLike } from './variable.js';
import { matrixInverse as realInverse, solve as realSolve } from '../linalg/linalg.js';

/** a as a square complex matrix: a non-square one is refused naming it, now where its shape is known, else when the function runs (not by the real op on the block form, whose shape is twice a's). */
function squareMatrix(a: ComplexLike, caller: string): ComplexVariable {
  const z = asComplex(a, `${caller}: a`);
  if (z.ndim !== 2) throw new TypeError(`${caller}: a must be a square matrix, got ${String(z)} with ${z.ndim} dimensions`);
  const [re, im] = broadcastParts(z);
  const [rows, cols] = re.staticShape;
  if (typeof rows === 'number' && typeof cols === 'number' && rows !== cols) throw new RangeError(`${caller}: a must be a square matrix, got ${String(z)} of shape (${rows}, ${cols})`);
  if (rows !== null && cols !== null) return new ComplexVariable(re, im);
  const name = String(z);
  const checked = apply1(new MatchLength(0, 1, (shape) => `${caller}: a must be a square matrix, got ${name} of shape ${shapeToString(shape)}`, `${caller} square`), [re, re]);
  return new ComplexVariable(checked, im);
}

/** [[Ar, -Ai], [Ai, Ar]]. */
function blockForm(a: ComplexVariable): TensorVariable {
  const [re, im] = broadcastParts(a);
  return T.concatenate([T.concatenate([re, T.neg(im)], 1), T.concatenate([im, re], 1)], 0);
}

/** The top and bottom halves of the rows of x (2n rows): [xr; xi] as xr + i xi. */
function fromStacked(x: TensorVariable, n: TensorVariable): ComplexVariable {
  return unify(T.get(x, T.slice(null, n)), T.get(x, T.slice(n, null)));
}

/**
 * `numpy.linalg.solve(a, b)` for complex a and b (either may be real): x
 * with a x = b, b a vector or a matrix of right-hand sides. complex64
 * with complex64 or float32 operands, complex128 otherwise. A singular a
 * gives NaN or infinities, as the real solve.
 */
export function solve(a: ComplexLike, b: ComplexLike): ComplexVariable {
  const given = asComplex(a, 'complex.solve: a');
  const A = squareMatrix(given, 'complex.solve');
  const B = asComplex(b, 'complex.solve: b');
  if (B.ndim !== 1 && B.ndim !== 2) throw new TypeError(`complex.solve: b must be a vector or a matrix, got ${String(B)} with ${B.ndim} dimensions`);
  const [b0, bi] = broadcastParts(B);
  // b's rows checked against a's here, in their own shapes: the block form's solve would report both doubled
  const [aName, bName] = [String(given), String(B)];
  const br = apply1(new MatchLength(0, 0, (bShape, aShape) => `complex.solve: b (${bName}) must have ${aShape[0] ?? '?'} rows like a (${aName}) of shape ${shapeToString(aShape)}, got shape ${shapeToString(bShape)}`, 'complex.solve rows'), [b0, A.re]);
  const x = realSolve(blockForm(A), T.concatenate([br, bi], 0));
  return fromStacked(x, T.shapeI(A.re, 0));
}

/** `numpy.linalg.inv(a)` (Theano's `matrix_inverse`) of a complex matrix: the first n columns of M^-1. */
export function matrixInverse(a: ComplexLike): ComplexVariable {
  const A = squareMatrix(a, 'complex.matrixInverse');
  const n = T.shapeI(A.re, 0);
  return fromStacked(T.get(realInverse(blockForm(A)), T.slice(null, null), T.slice(null, n)), n);
}

/** The conjugate transpose, a^H (NumPy's `a.conj().T`). */
export function conjTranspose(a: ComplexLike): ComplexVariable {
  const A = asComplex(a, 'complex.conjTranspose: a');
  if (A.ndim !== 2) throw new TypeError(`complex.conjTranspose: a must be a matrix, got ${String(A)} with ${A.ndim} dimensions`);
  return new ComplexVariable(T.transpose(A.re), T.neg(T.transpose(A.im)));
}

