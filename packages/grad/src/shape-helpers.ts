/** Shape plumbing shared by the rules and the reverse pass. */
import { T, TensorConstant, type TensorVariable } from '@sym/graph';

export function range(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

/**
 * Undo broadcasting: reduce a gradient `g` (with `nb` leading batch
 * dimensions) to the shape of `x`. Leading dimensions `x` does not have are
 * summed away; dimensions broadcastable in `x` but not in `g` are summed
 * keeping a length-1 dimension, so the result has `x`'s broadcastable
 * pattern (after the batch dimensions).
 */
export function sumTo(g: TensorVariable, x: TensorVariable, nb: number): TensorVariable {
  const extra = g.ndim - nb - x.ndim;
  if (extra < 0) {
    throw new Error(
      `grad: internal error: the gradient of ${x.toString()} (type ${x.type}) has type ${g.type}, ` +
        `fewer dimensions than ${x.ndim} plus ${nb} batch dimension(s)`,
    );
  }
  let r = extra > 0 ? T.sum(g, { axis: range(extra, nb) }) : g;
  const axes = x.broadcastable.map((b, d) => (b && !r.broadcastable[nb + d] ? nb + d : -1)).filter((d) => d >= 0);
  if (axes.length > 0) r = T.sum(r, { axis: axes, keepdims: true });
  // A gradient more broadcastable than x (a user-given one) is spread to x's shape.
  if (x.broadcastable.some((b, d) => !b && r.broadcastable[nb + d])) r = T.second(x, r);
  return r;
}

/**
 * Insert broadcastable dimensions at `axes` of an input of `ndim`
 * dimensions, after `nb` batch dimensions: the inverse of reducing `axes`.
 */
export function expandReduced(t: TensorVariable, ndim: number, axes: readonly number[], nb: number): TensorVariable {
  let k = nb;
  return T.dimshuffle(t, [...range(nb), ...range(ndim).map((d) => (axes.includes(d) ? ('x' as const) : k++))]);
}

/** A 0-d constant's value, or undefined: lets rules fold `y - 1` into a literal that keeps x's dtype. */
export function scalarValue(v: TensorVariable): number | undefined {
  return v instanceof TensorConstant && v.ndim === 0 ? v.value.data[0] : undefined;
}

/**
 * `t` with the `nb` leading batch dimensions of `like` in front (zeros of a
 * batched gradient's shape): broadcast against `like` reduced to its batch
 * dimensions, a fill whose values nothing reads.
 */
export function batchedLike(t: TensorVariable, like: TensorVariable, nb: number): TensorVariable {
  if (nb === 0) return t;
  const batch = like.ndim > nb ? T.sum(like, { axis: range(like.ndim - nb, nb) }) : like;
  return T.second(T.dimshuffle(batch, [...range(nb), ...range(t.ndim).map(() => 'x' as const)]), T.dimshuffle(t, [...range(nb).map(() => 'x' as const), ...range(t.ndim)]));
}

/** Axis `a` moved to the front, and back. */
export const toFront = (t: TensorVariable, a: number) => (a === 0 ? t : T.dimshuffle(t, [a, ...range(a), ...range(t.ndim - a - 1, a + 1)]));
export const fromFront = (t: TensorVariable, a: number) => (a === 0 ? t : T.dimshuffle(t, [...range(a, 1), 0, ...range(t.ndim - a - 1, a + 1)]));
