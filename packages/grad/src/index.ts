/**
 * @sym/grad: symbolic differentiation for sym, as Theano's `T.grad`,
 * `theano.gradient.jacobian`/`hessian`, `Lop`/`Rop` and `verify_grad`.
 * Gradients are ordinary symbolic graphs: they print, compile on every
 * backend, and can be differentiated again.
 *
 * ```ts
 * import * as sym from '@sym/graph';
 * import { grad } from '@sym/grad';
 * const x = sym.T.dscalar('x');
 * const gy = grad(x.pow(2), x);
 * await gy.eval({ x: 4 }); // 8.0
 * ```
 * @packageDocumentation
 */
export { grad, Lop } from './grad.js';
export type { GradOptions, LopOptions } from './grad.js';
export { DisconnectedInputError, NullGradError } from './reverse.js';
export type { DisconnectedPolicy } from './reverse.js';
export { DISCONNECTED_POLICIES } from './reverse.js';
export { zeroGrad, disconnectedGrad, gradClip, gradScale, reshapeAs, GradientOp, GradOverride, ReshapeAs, EyeLike } from './ops.js';
export type { OverrideMode } from './ops.js';
export { ELEMWISE_GRADS, REDUCE_GRADS, OP_GRADS } from './rules.js';
export { ZERO, DISCONNECTED, notDifferentiable } from './types.js';
export type { GradContext, InputGrad, OpGrad, NotDifferentiable } from './types.js';
export type { ReduceGrad } from './rules.js';
export { jacobian, hessian, Rop, hessianVectorProduct } from './jacobian.js';
export type { JacobianOptions } from './jacobian.js';
export { verifyGrad, GradientError, seededRandom } from './verify.js';
export { considerConstant, undefinedGrad, UndefinedGrad, subgraphGrad } from './grad-helpers.js';
export type { SubgraphGradOptions, SubgraphGradResult, SubgraphGradDetails } from './grad-helpers.js';
export type { VerifyGradOptions, VerifyGradReport } from './verify.js';
