/**
 * Theano's `T.nnet` activations beyond the ops sym has: logSoftmax,
 * hardSigmoid, ultraFastSigmoid, elu, selu and softsign, each a
 * composition of elementwise ops and reductions (so every backend runs
 * them and their gradients come from those ops'). `tensor.ts` adds them
 * to `T.nnet` and exports them from `T`.
 */
import { asTensor, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

/**
 * Theano's `logsoftmax`: log(softmax(x)) over the last axis, computed
 * stably as `(x - m) - log(sum(exp(x - m)))` with `m = max(x)`, so it stays
 * finite where softmax underflows to 0.
 */
export function logSoftmax(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'logSoftmax');
  if (v.ndim < 1) throw new TypeError(`logSoftmax: x must have at least one dimension (a vector, or a matrix of rows), got ${v} of type ${v.type}`);
  const z = T.sub(v, T.max(v, { axis: -1, keepdims: true }));
  return T.sub(z, T.log(T.sum(T.exp(z), { axis: -1, keepdims: true })));
}

/** Theano's `hard_sigmoid(x)`: `clip(0.2 x + 0.5, 0, 1)`, a piecewise-linear sigmoid. */
export function hardSigmoid(x: TensorLike): TensorVariable {
  return T.clip(T.add(T.mul(x, 0.2), 0.5), 0, 1);
}

/**
 * Theano's `ultra_fast_sigmoid(x)`: its piecewise approximation of the
 * sigmoid (not the exact one), `0.5 (1 + t(x / 2))` where t, an
 * approximation of tanh, is `1.5 h / (1 + |h|)` for |h| < 1.7, a line to
 * 0.99505475368673 at |h| = 3, and that constant beyond, odd in h. The
 * values are Theano's (between 0.0024726 and 0.9975274, within 0.028 of
 * the sigmoid); the gradient is the approximation's own derivative, where
 * Theano's uses y (1 - y) of its output.
 */
export function ultraFastSigmoid(x: TensorLike): TensorVariable {
  const h = T.mul(asTensor(x, 'ultraFastSigmoid'), 0.5);
  const a = T.abs(h);
  const line = T.add(T.mul(T.sgn(h), 0.935409070603099 - 0.0458812946797165 * 1.7), T.mul(h, 0.0458812946797165));
  // written through h rather than |h| where it can be, so the gradient at 0 is the curve's (abs has none there)
  const t = T.switch_(T.lt(a, 1.7), T.trueDiv(T.mul(h, 1.5), T.add(a, 1)), T.switch_(T.lt(a, 3), line, T.mul(T.sgn(h), 0.99505475368673)));
  return T.mul(T.add(t, 1), 0.5);
}

/**
 * Theano's `elu(x, alpha)`: x where x > 0, else `alpha (exp(x) - 1)`
 * (Clevert et al. 2015). The exponential is taken of min(x, 0), so a large
 * x gives no overflow, in the value or the gradient.
 */
export function elu(x: TensorLike, alpha: TensorLike = 1): TensorVariable {
  const v = asTensor(x, 'elu');
  return T.switch_(T.gt(v, 0), v, T.mul(alpha, T.expm1(T.minimum(v, 0))));
}

/** SELU's constants (Klambauer et al. 2017), as Theano's. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Theano's `selu(x)`: `scale * elu(x, alpha)` with the self-normalising constants alpha = 1.6733, scale = 1.0507. */
export function selu(x: TensorLike): TensorVariable {
  return T.mul(elu(x, SELU_ALPHA), SELU_SCALE);
}

/** Theano's `softsign(x)`: `x / (1 + |x|)`. */
export function softsign(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'softsign');
  return T.trueDiv(v, T.add(T.abs(v), 1));
}
