/**
 * The values of a product of two sparse matrices as its host stage sums
 * them (ProductPattern, IntersectionPattern: in the product's dtype and
 * SciPy's order, the order that decided which sums are 0), given the
 * gradient of the sums of products they are. Forward, each op is its
 * first input (a view: no kernel); its gradient is the structured one of
 * the terms (one derivative a stored value), written from the terms' index
 * arrays as the gather, product and scatter-add the values were computed
 * by before would give it. Both are CustomOps: the kind whose gradient is
 * the op's own method, so @sym/grad needs no rule for them.
 */
import { CustomOp } from '../core/custom-op.js';
import { isFloat } from '../core/dtype.js';
import type { NDArray } from '../core/ndarray.js';
import type { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import * as T from '../tensor/tensor.js';

/** v in `dtype`. */
const as = (v: TensorVariable, dtype: string) => (v.dtype === dtype ? v : T.cast(v, dtype as TensorVariable['dtype']));

/** Increments summed into a zero vector as long as `like`, at `at`, returned in like's dtype (0 for an integer like, which gets no gradient). */
function scattered(like: TensorVariable, at: TensorVariable, increments: TensorVariable): TensorVariable | 0 {
  if (!isFloat(like.dtype)) return 0;
  return as(T.incSubtensor(T.get(T.zerosLike(like, increments.dtype), at), increments), like.dtype);
}

abstract class HostValues extends CustomOp {
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    return [shapes[0]!];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    return [inputs[0]!];
  }
  lower(_ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    return [inputs[0]!];
  }
}

/**
 * Inputs: the values (ProductPattern's), L's and R's data, and each
 * term's pairL, pairR and slot. A term L[k] R[l] summed into position q
 * gives L[k] the derivative g[q] R[l], and R[l] g[q] L[k].
 */
export class ProductValues extends HostValues {
  readonly name = 'sparse.ProductValues';
  override grad(inputs: readonly TensorVariable[], [gz]: readonly TensorVariable[]): readonly (TensorVariable | 0 | null)[] {
    const [values, lData, rData, pairL, pairR, slot] = inputs as [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    const g = T.take(gz!, slot, 0);
    const term = (d: TensorVariable, pair: TensorVariable) => T.take(as(d, values.dtype), pair, 0);
    return [null, scattered(lData, pairL, T.mul(g, term(rData, pairR))), scattered(rData, pairR, T.mul(g, term(lData, pairL))), null, null, null];
  }
}

/**
 * Inputs: the values (IntersectionPattern's), x's and y's data, and
 * xTake, xSlot, yTake, ySlot (which of each operand's values sum into
 * which position). The value at q is xs[q] ys[q], each the sum of its
 * operand's values reaching q: x's value gets g[q] ys[q], y's g[q] xs[q]
 * (the sums formed again by ordinary ops, so that the gradient is itself
 * differentiable).
 */
export class ElementwiseValues extends HostValues {
  readonly name = 'sparse.ElementwiseValues';
  override grad(inputs: readonly TensorVariable[], [gz]: readonly TensorVariable[]): readonly (TensorVariable | 0 | null)[] {
    const [values, xData, yData, xTake, xSlot, yTake, ySlot] = inputs as [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    const summed = (d: TensorVariable, take: TensorVariable, slot: TensorVariable) => T.incSubtensor(T.get(T.zerosLike(values), slot), T.take(as(d, values.dtype), take, 0));
    const gx = T.mul(gz!, summed(yData, yTake, ySlot));
    const gy = T.mul(gz!, summed(xData, xTake, xSlot));
    return [null, scattered(xData, xTake, T.take(gx, xSlot, 0)), scattered(yData, yTake, T.take(gy, ySlot, 0)), null, null, null, null];
  }
}
