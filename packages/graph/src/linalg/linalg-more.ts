/**
 * `T.slinalg` and `T.nlinalg` as Theano 1.0 has them: linalg.ts's
 * functions, with slinalg's `kron` and generalized `eigvalsh(a, b)`, and
 * nlinalg's `diag`. Compositions of existing ops, so `grad`
 * differentiates them through cholesky, solve and eigh.
 */
import { asTensor, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import { nameInError } from '../core/error-names.js';
import { diag } from '../tensor/extra.js';
import { cholesky, eigvalsh as standardEigvalsh, nlinalg as baseNlinalg, slinalg as baseSlinalg, solveTriangular, tril, triu } from './linalg.js';
import { expm } from './expm.js';
import { eig, eigvals } from './eig.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

/**
 * Theano's `slinalg.kron(a, b)`, the Kronecker product: for two matrices
 * the blocks `a[i, j] * b` (SciPy's and NumPy's); for tensors of one rank,
 * NumPy's `kron` (`out[i * b.shape[0] + k, ...] = a[i, ...] * b[k, ...]`;
 * two vectors give a vector). Ranks must agree: SciPy's (Theano's) and
 * NumPy's kron differ when they do not, so neither is guessed.
 */
export function kron(a: TensorLike, b: TensorLike): TensorVariable {
  const x = asTensor(a, 'kron: a');
  const y = asTensor(b, 'kron: b');
  if (x.ndim < 1 || x.ndim !== y.ndim) {
    throw new TypeError(
      `kron: a and b must have the same number of dimensions, 1 or more, got ${nameInError(x)} of type ${x.type} and ${nameInError(y)} of type ${y.type}` +
        (x.ndim !== y.ndim && x.ndim > 0 && y.ndim > 0 ? ` (SciPy's kron, Theano's, and NumPy's differ for unequal ranks: add the axes meant with T.shapePadleft)` : ''),
    );
  }
  const n = x.ndim;
  const axes = Array.from({ length: n }, (_, d) => d);
  // (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...) = (a0, b0, a1, b1, ...), then each pair merged
  const blocks = T.mul(T.dimshuffle(x, axes.flatMap((d) => [d, 'x' as const])), T.dimshuffle(y, axes.flatMap((d) => ['x' as const, d])));
  const lengths = axes.map((d) => {
    const p = x.staticShape[d];
    const q = y.staticShape[d];
    return typeof p === 'number' && typeof q === 'number' ? p * q : T.mul(T.shapeI(x, d), T.shapeI(y, d));
  });
  return T.reshape(blocks, lengths);
}

/** The symmetric matrix whose lower (or upper) triangle is m's. */
function symmetricFrom(m: TensorVariable, lower: boolean): TensorVariable {
  return lower ? T.add(tril(m), T.transpose(tril(m, -1))) : T.add(triu(m), T.transpose(triu(m, 1)));
}

/**
 * Theano's `slinalg.eigvalsh(a, b, lower = true)` (SciPy's
 * `linalg.eigvalsh(a, b)`): the eigenvalues w of `a v = w b v`, ascending,
 * for symmetric a and symmetric positive definite b, each read from its
 * lower triangle (upper with `lower: false`); with b null, a's own
 * eigenvalues. Computed as those of L^-1 a L^-T with b = L L^T; a b that
 * is not positive definite gives NaN (cholesky's). Differentiable in a and
 * b (Theano's EigvalshGrad, onto the triangle read) where the eigenvalues
 * are distinct.
 */
export function eigvalsh(a: TensorLike, b: TensorLike | null = null, options: { readonly lower?: boolean } = {}): TensorVariable {
  const lower = options.lower ?? true;
  if (typeof lower !== 'boolean') throw new TypeError(`eigvalsh: lower must be a boolean, got ${String(lower)}`);
  const x = asTensor(a, 'eigvalsh: a');
  if (x.ndim !== 2) throw new TypeError(`eigvalsh: a must be a matrix, got ${nameInError(x)} of type ${x.type}`);
  if (b === null || b === undefined) return standardEigvalsh(x, lower ? 'L' : 'U');
  const y = asTensor(b, 'eigvalsh: b');
  if (y.ndim !== 2) throw new TypeError(`eigvalsh: b must be a matrix (symmetric positive definite), got ${nameInError(y)} of type ${y.type}`);
  const l = cholesky(symmetricFrom(y, lower));
  // L^-1 A, then L^-1 (L^-1 A)^T = L^-1 A L^-T (A symmetric)
  const half = solveTriangular(l, symmetricFrom(x, lower), { lower: true });
  return standardEigvalsh(solveTriangular(l, T.transpose(half), { lower: true }), 'L');
}

/**
 * SciPy's `linalg.cho_solve((c, lower), b)` (Theano's `slinalg.cho_solve`):
 * x solving A x = b from A's Cholesky factor c, lower (A = c c^T) or upper
 * (A = c^T c, SciPy's default), of which only that triangle is read. Two
 * triangular solves, so differentiable in c and b through solve's gradient.
 */
export function choSolve(cAndLower: readonly [TensorLike, boolean], b: TensorLike): TensorVariable {
  if (!Array.isArray(cAndLower) || cAndLower.length !== 2) throw new TypeError(`choSolve: cAndLower must be [c, lower] (SciPy's (c, lower) tuple), got ${String(cAndLower)}`);
  const [cl, lower] = cAndLower;
  if (typeof lower !== 'boolean') throw new TypeError(`choSolve: lower must be a boolean (whether c is the lower Cholesky factor), got ${String(lower)}`);
  const c = asTensor(cl, 'choSolve: c');
  if (c.ndim !== 2) throw new TypeError(`choSolve: c must be a matrix (a Cholesky factor), got ${nameInError(c)} of type ${c.type}`);
  const y = asTensor(b, 'choSolve: b');
  if (y.ndim !== 1 && y.ndim !== 2) throw new TypeError(`choSolve: b must be a vector or a matrix, got ${nameInError(y)} of type ${y.type}`);
  // lower: L (L^T x) = b; upper: U^T (U x) = b. c^T's opposite triangle is c's own
  const half = solveTriangular(lower ? c : T.transpose(c), y, { lower: true });
  return solveTriangular(lower ? T.transpose(c) : c, half, { lower: false });
}

/** `T.nlinalg`: Theano's `theano.tensor.nlinalg` (linalg.ts's, `diag`: a vector's diagonal matrix, a matrix's diagonal, as `T.diag`, and eig.ts's complex `eig` and `eigvals`). */
export const nlinalg = {
  ...baseNlinalg,
  /** Theano's `diag(x)`: the diagonal of a matrix, or the square matrix with a vector on its diagonal. */ diag,
  /** NumPy's `linalg.eig(a)`: [eigenvalues, eigenvectors] of a general square matrix, as complex tensors. */ eig,
  /** NumPy's `linalg.eigvals(a)`: eig's (complex) eigenvalues alone. */ eigvals,
} as const;

/** `T.slinalg`: Theano's `theano.tensor.slinalg` (cholesky, solve and its triangular and symmetric forms, choSolve, kron, eigvalsh, expm.ts's expm). */
export const slinalg = {
  ...baseSlinalg,
  /** Theano's `cho_solve((c, lower), b)`: x with A x = b from A's Cholesky factor c. */ choSolve,
  /** Theano's `kron(a, b)`: the Kronecker product. */ kron,
  /** SciPy's `linalg.eigvalsh(a, b)`: eigenvalues of a symmetric (generalized) eigenproblem, ascending. */ eigvalsh,
  /** SciPy's `linalg.expm(A)`: the matrix exponential. */ expm,
} as const;
