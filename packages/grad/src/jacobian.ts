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
import { T, TensorVariable, apply1, asTensor, checkOptionNames, cloneReplace, type DType, type TensorLike } from '@sym/graph';
import { checkScalarCost, checkWrt, gradientOf, REVERSE_OPTIONS, vectorJacobian } from './grad.js';
import { checkEvalPoint } from './eval-points.js';
import { EYE_LIKE } from './ops.js';
import { checkPolicy, rankName, reverse, type DisconnectedPolicy } from './reverse.js';
import { range } from './shape-helpers.js';

/** Options of {@link jacobian}, {@link hessian} and {@link Rop}; as {@link GradOptions} without known gradients. */
export interface JacobianOptions {
  /** Variables treated as constants: no gradient flows through them to what they are computed from. */
  readonly considerConstant?: readonly TensorVariable[];
  /** What to do when a `wrt` variable is not connected to the expressions: raise (default), warn, or ignore; the last two give zeros. */
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
  checkOptionNames(options, 'jacobian', REVERSE_OPTIONS);
  const out = jacobianOf(expression, checkWrt(wrt, 'jacobian'), options, 'jacobian');
  return Array.isArray(wrt) ? out : out[0]!;
}

/** `jacobian` for `caller` (hessian calls it under its own name). */
function jacobianOf(expression: TensorVariable, ws: readonly TensorVariable[], options: JacobianOptions, caller: string): TensorVariable[] {
  if (!(expression instanceof TensorVariable)) throw new TypeError(`${caller}: the expression must be a symbolic variable, got ${typeof expression}`);
  checkPolicy(options.disconnectedInputs, caller);
  if (expression.ndim === 0) return gradientOf(expression, ws, options, caller);
  const seed = apply1(EYE_LIKE, [expression]);
  // [n, 1, ..., 1]: gives zero gradients their batch dimension.
  const rows = T.sum(seed, { axis: range(expression.ndim, 1) });
  const zerosFor = (w: TensorVariable, dtype: DType) => T.second(T.dimshuffle(rows, [0, ...new Array<'x'>(w.ndim).fill('x')]), T.zerosLike(w, dtype));
  return reverse([{ variable: expression, grad: seed }], ws, 1, { ...options, caller, subject: 'the expression' }, zerosFor);
}

/**
 * The Hessian of a scalar `cost`: the Jacobian of its gradient, of shape
 * `[size(w), ...shape(w)]` for each `w` of rank 1 or more (`[n, n]` for a
 * vector, `[m * n, m, n]` for a matrix), and the 0-d second derivative for
 * a 0-d `w` (Theano accepts only vectors). A cost linear in `w` has a zero
 * Hessian rather than a disconnected one.
 */
export function hessian(cost: TensorVariable, wrt: TensorVariable, options?: JacobianOptions): TensorVariable;
export function hessian(cost: TensorVariable, wrt: readonly TensorVariable[], options?: JacobianOptions): TensorVariable[];
export function hessian(cost: TensorVariable, wrt: TensorVariable | readonly TensorVariable[], options: JacobianOptions = {}): TensorVariable | TensorVariable[] {
  checkOptionNames(options, 'hessian', REVERSE_OPTIONS);
  checkScalarCost(cost, 'hessian');
  const ws = checkWrt(wrt, 'hessian');
  checkPolicy(options.disconnectedInputs, 'hessian');
  const out = ws.map((w) => jacobianOf(gradientOf(cost, [w], options, 'hessian')[0]!, [w], { ...options, disconnectedInputs: 'ignore' }, 'hessian')[0]!);
  return Array.isArray(wrt) ? out : out[0]!;
}

function asList<V>(x: V | readonly V[]): V[] {
  return Array.isArray(x) ? [...(x as readonly V[])] : [x as V];
}

/**
 * The R-operator (Jacobian-vector product): `(df/dwrt) v`, summed over the
 * `wrt`s, for each `f`, with one eval point `v` per `wrt`, of its rank.
 * Built with the double-L-operator trick: `g = Lop(f, wrt, u)` is linear in
 * a placeholder `u`, and `Lop(g, u, v) = J v`. J is the Jacobian of what
 * the graph computes: gradClip and gradScale are identities there (their
 * gradient override does not apply), in a scan's step too, and a scan's
 * truncateGradient walks every step (Theano's R_op); zeroGrad and
 * disconnectedGrad make what is below them a constant (J v = 0 through
 * them); an opFromGraph gives its inner graph's J v, or its `rop`
 * override's (Theano's rop_overrides: pinv's and lstsq's, finite where
 * singular values repeat), never its `grad` override's.
 */
export function Rop(f: TensorVariable, wrt: TensorVariable | readonly TensorVariable[], evalPoints: TensorLike | readonly TensorLike[], options?: JacobianOptions): TensorVariable;
export function Rop(f: readonly TensorVariable[], wrt: TensorVariable | readonly TensorVariable[], evalPoints: TensorLike | readonly TensorLike[], options?: JacobianOptions): TensorVariable[];
export function Rop(
  f: TensorVariable | readonly TensorVariable[],
  wrt: TensorVariable | readonly TensorVariable[],
  evalPoints: TensorLike | readonly TensorLike[],
  options: JacobianOptions = {},
): TensorVariable | TensorVariable[] {
  checkOptionNames(options, 'Rop', REVERSE_OPTIONS);
  const fs = checkWrt(f, 'Rop', 'f');
  const ws = checkWrt(wrt, 'Rop');
  checkPolicy(options.disconnectedInputs, 'Rop');
  const vs = evalPointsFor(ws, asList<TensorLike>(evalPoints as TensorLike | readonly TensorLike[]), 'Rop');
  const us = fs.map((v, i) => T.tensor(v.dtype, v.broadcastable, `Rop_u${i}`));
  const gs = vectorJacobian(
    fs.map((v, i) => ({ variable: v, grad: us[i]! })),
    ws,
    { ...options, caller: 'Rop', subject: fs.length > 1 ? 'f (every expression)' : 'f', forwardIdentityOverrides: true },
  );
  const out = vectorJacobian(
    gs.map((g, i) => ({ variable: g, grad: vs[i]! })),
    us,
    { caller: 'Rop', disconnectedInputs: 'ignore' },
  );
  // J v no longer depends on u numerically; drop any structural reference to it.
  const replaced = cloneReplace(out, new Map(us.map((u, i) => [u, T.zerosLike(fs[i]!)])));
  return Array.isArray(f) ? replaced : replaced[0]!;
}

/** The eval points of Rop / hessianVectorProduct: one per `wrt`, each of its rank. */
function evalPointsFor(ws: readonly TensorVariable[], vs: readonly TensorLike[], caller: string): TensorVariable[] {
  if (vs.length !== ws.length) throw new TypeError(`${caller}: expected ${ws.length} eval point(s), one per wrt, got ${vs.length}`);
  return ws.map((w, i) => {
    const v = asTensor(vs[i]!, `${caller}: the eval point for ${w.toString()}`);
    if (v.ndim !== w.ndim) {
      throw new TypeError(`${caller}: the eval point for ${w.toString()} must be a ${rankName(w.ndim)} like ${w.toString()}, got ${v.toString()} (${rankName(v.ndim)})`);
    }
    return checkEvalPoint(v, w, caller, `the eval point for ${w.toString()} (${v.toString()})`, w.toString());
  });
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
  checkOptionNames(options, 'hessianVectorProduct', REVERSE_OPTIONS);
  checkScalarCost(cost, 'hessianVectorProduct');
  const ws = checkWrt(wrt, 'hessianVectorProduct');
  const vs = evalPointsFor(ws, Array.isArray(wrt) ? asList<TensorLike>(v as readonly TensorLike[]) : [v as TensorLike], 'hessianVectorProduct');
  const gs = gradientOf(cost, ws, options, 'hessianVectorProduct');
  const out = vectorJacobian(
    gs.map((g, i) => ({ variable: g, grad: vs[i]! })),
    ws,
    { ...options, caller: 'hessianVectorProduct', disconnectedInputs: 'ignore' },
  );
  return Array.isArray(wrt) ? out : out[0]!;
}
