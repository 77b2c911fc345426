/**
 * Jacobians, Hessians and the R-operator.
 *
 * Theano builds a Jacobian with `scan`, one gradient per output element.
 * sym runs one *batched* reverse pass instead: the seed is the identity
 * matrix over the expression's elements (`EyeLike`, built when the graph is
 * scheduled, so sizes need not be known at build time), and every gradient
 * carries one leading batch dimension, row i being the gradient of element
 * i. Elementwise rules batch for free (broadcasting pads on the left); the
 * others shift their axes by the batch rank. The graph is built once,
 * whatever the size of the expression.
 */
import { T, TensorVariable, apply1, cloneReplace, type DType, type TensorLike } from '@sym/graph';
import { Lop, checkScalarCost, checkWrt, grad } from './grad.js';
import { EYE_LIKE } from './ops.js';
import { reverse, type DisconnectedPolicy } from './reverse.js';
import { range } from './shape-helpers.js';

export interface JacobianOptions {
  readonly considerConstant?: readonly TensorVariable[];
  readonly disconnectedInputs?: DisconnectedPolicy;
}

/**
 * The Jacobian of `expression` with respect to `wrt`: for an expression of
 * n elements (taken in C order, as Theano flattens it) and `w` of shape s,
 * an array of shape `[n, ...s]`. A 0-d expression gives its gradient.
 *
 * ```ts
 * const x = T.dvector('x');
 * const J = jacobian(x.pow(2), x); // diag(2 x)
 * ```
 */
export function jacobian(expression: TensorVariable, wrt: TensorVariable, options?: JacobianOptions): TensorVariable;
export function jacobian(expression: TensorVariable, wrt: readonly TensorVariable[], options?: JacobianOptions): TensorVariable[];
export function jacobian(expression: TensorVariable, wrt: TensorVariable | readonly TensorVariable[], options: JacobianOptions = {}): TensorVariable | TensorVariable[] {
  if (!(expression instanceof TensorVariable)) throw new TypeError(`jacobian: the expression must be a symbolic variable, got ${typeof expression}`);
  const ws = checkWrt(wrt, 'jacobian');
  if (expression.ndim === 0) {
    const g = grad(expression, ws, options);
    return Array.isArray(wrt) ? g : g[0]!;
  }
  const seed = apply1(EYE_LIKE, [expression]);
  // [n, 1, ..., 1]: gives zero gradients their batch dimension.
  const rows = T.sum(seed, { axis: range(expression.ndim, 1) });
  const zerosFor = (w: TensorVariable, dtype: DType) => T.second(T.dimshuffle(rows, [0, ...new Array<'x'>(w.ndim).fill('x')]), T.zerosLike(w, dtype));
  const out = reverse([{ variable: expression, grad: seed }], ws, 1, { ...options, caller: 'jacobian' }, zerosFor);
  return Array.isArray(wrt) ? out : out[0]!;
}

/**
 * The Hessian of a scalar `cost`: the Jacobian of its gradient, of shape
 * `[size(w), ...shape(w)]` for each `w` (`[n, n]` for a vector). A cost
 * linear in `w` has a zero Hessian rather than a disconnected one.
 */
export function hessian(cost: TensorVariable, wrt: TensorVariable, options?: JacobianOptions): TensorVariable;
export function hessian(cost: TensorVariable, wrt: readonly TensorVariable[], options?: JacobianOptions): TensorVariable[];
export function hessian(cost: TensorVariable, wrt: TensorVariable | readonly TensorVariable[], options: JacobianOptions = {}): TensorVariable | TensorVariable[] {
  checkScalarCost(cost, 'hessian');
  const ws = checkWrt(wrt, 'hessian');
  const out = ws.map((w) => jacobian(grad(cost, w, options), w, { ...options, disconnectedInputs: 'ignore' }));
  return Array.isArray(wrt) ? out : out[0]!;
}

function asList<V>(x: V | readonly V[]): V[] {
  return Array.isArray(x) ? [...(x as readonly V[])] : [x as V];
}

/**
 * The R-operator (Jacobian-vector product): `(df/dwrt) v`, summed over the
 * `wrt`s, for each `f`. Built with the double-L-operator trick: `g = Lop(f,
 * wrt, u)` is linear in a placeholder `u`, and `Lop(g, u, v) = J v`.
 */
export function Rop(f: TensorVariable, wrt: TensorVariable | readonly TensorVariable[], evalPoints: TensorLike | readonly TensorLike[], options?: JacobianOptions): TensorVariable;
export function Rop(f: readonly TensorVariable[], wrt: TensorVariable | readonly TensorVariable[], evalPoints: TensorLike | readonly TensorLike[], options?: JacobianOptions): TensorVariable[];
export function Rop(
  f: TensorVariable | readonly TensorVariable[],
  wrt: TensorVariable | readonly TensorVariable[],
  evalPoints: TensorLike | readonly TensorLike[],
  options: JacobianOptions = {},
): TensorVariable | TensorVariable[] {
  const fs = checkWrt(f, 'Rop (f)');
  const ws = checkWrt(wrt, 'Rop');
  const vs = asList<TensorLike>(evalPoints as TensorLike | readonly TensorLike[]);
  if (vs.length !== ws.length) throw new TypeError(`Rop: expected ${ws.length} eval point(s), one per wrt, got ${vs.length}`);
  const us = fs.map((v, i) => T.tensor(v.dtype, v.broadcastable, `Rop_u${i}`));
  const gs = Lop(fs, ws, us, options) as TensorVariable[];
  const out = Lop(gs, us, vs, { disconnectedInputs: 'ignore' }) as TensorVariable[];
  // J v no longer depends on u numerically; drop any structural reference to it.
  const replaced = cloneReplace(out, new Map(us.map((u, i) => [u, T.zerosLike(fs[i]!)])));
  return Array.isArray(f) ? replaced : replaced[0]!;
}

/** `H v` for the Hessian H of a scalar cost (as Lop of the gradient: exact, no Hessian is formed). */
export function hessianVectorProduct(cost: TensorVariable, wrt: TensorVariable, v: TensorLike, options?: JacobianOptions): TensorVariable;
export function hessianVectorProduct(cost: TensorVariable, wrt: readonly TensorVariable[], v: readonly TensorLike[], options?: JacobianOptions): TensorVariable[];
export function hessianVectorProduct(
  cost: TensorVariable,
  wrt: TensorVariable | readonly TensorVariable[],
  v: TensorLike | readonly TensorLike[],
  options: JacobianOptions = {},
): TensorVariable | TensorVariable[] {
  checkScalarCost(cost, 'hessianVectorProduct');
  const ws = checkWrt(wrt, 'hessianVectorProduct');
  const vs = Array.isArray(wrt) ? asList<TensorLike>(v as readonly TensorLike[]) : [v as TensorLike];
  if (vs.length !== ws.length) throw new TypeError(`hessianVectorProduct: expected ${ws.length} vector(s), one per wrt, got ${vs.length}`);
  const gs = grad(cost, ws, options);
  const out = Lop(gs, ws, vs, { ...options, disconnectedInputs: 'ignore' }) as TensorVariable[];
  return Array.isArray(wrt) ? out : out[0]!;
}
