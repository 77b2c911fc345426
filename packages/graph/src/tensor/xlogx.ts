/**
 * `T.xlogx`: Theano's `theano.tensor.xlogx` module, `xlogx(x)` and
 * `xlogy0(x, y)`, the terms of entropies and KL divergences with Theano's
 * convention 0 log 0 = 0. Theano has a scalar op for each; here they are
 * compositions, arranged so that `grad` gives Theano's gradients
 * everywhere, at x = 0 too (see each function), not the zero a plain
 * `switch` would route there.
 */
import { asTensor, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';

/**
 * Zero in value, but where `where` holds its derivative with respect to x
 * is -inf (the gradient times -inf): -sqrt(t) with t = x there and the
 * constant 0 elsewhere, so t is 0 wherever x is 0 and its derivative
 * reaches x only through `where`. Adding it to a value already right at
 * x = 0 supplies Theano's log(0) = -inf term of the gradient, which no
 * product with a zero can.
 */
function minusInfSlope(x: TensorVariable, where: TensorVariable): TensorVariable {
  return T.neg(T.sqrt(T.switch_(where, x, 0)));
}

/**
 * A boolean as Theano's int8 (log(bool) is float32): switch(x == 0, 1, x) of
 * a boolean would be int64 (the 1 is a weak integer) and the result float64.
 */
function theanoBool(v: TensorVariable): TensorVariable {
  return v.dtype === 'bool' ? T.cast(v, 'int8') : v;
}

/**
 * Theano's `xlogx(x)`: x log(x), with 0 log 0 = 0; NaN below 0; a float
 * (float64 for int32 and int64 input, as log). The gradient is Theano's
 * `1 + log(x)` everywhere: -inf at x = 0. Booleans give float32, as log.
 */
export function xlogx(x: TensorLike): TensorVariable {
  const v = theanoBool(asTensor(x, 'xlogx'));
  const zero = T.eq(v, 0);
  // 1 where x is 0, so neither the value nor the (unused) gradient of that branch is 0 * -inf
  const safe = T.switch_(zero, 1, v);
  return T.add(T.mul(safe, T.log(safe)), minusInfSlope(v, zero));
}

/**
 * Theano's `xlogy0(x, y)`: x log(y), and 0 where x is 0 whatever y is
 * (0 log 0 = 0, as in a cross-entropy with a target of 0), broadcasting
 * as any elementwise op. The gradients are Theano's: log(y) for x and
 * x / y for y, at x = 0 too (log(y) there, -inf where y is also 0; for y,
 * 0, or NaN where y is also 0).
 */
export function xlogy0(x: TensorLike, y: TensorLike): TensorVariable {
  const a = theanoBool(asTensor(x, 'xlogy0: x'));
  const b = theanoBool(asTensor(y, 'xlogy0: y'));
  const zero = T.eq(a, 0);
  // where x != 0: x log(y), with y made 1 where x is 0 so that branch's unused gradient stays finite
  const main = T.mul(a, T.log(T.switch_(zero, 1, b)));
  // where x == 0: y ** x - 1 is 0 for every y (y ** 0 is 1, NaN and inf included), and its
  // gradients at x = 0 are log(y) for x and x y ** (x - 1) = 0 for y (NaN at y = 0, as x / y);
  // elsewhere its inputs are the constants 0 and 1, so it adds nothing to them
  const atZero = T.sub(T.pow(T.switch_(zero, b, 1), T.switch_(zero, a, 0)), 1);
  // pow's gradient for the exponent is 0 where the base is 0 (Theano's convention for pow); xlogy0's is log(0) = -inf
  return T.add(T.switch_(zero, atZero, main), minusInfSlope(a, T.and(zero, T.eq(b, 0))));
}
