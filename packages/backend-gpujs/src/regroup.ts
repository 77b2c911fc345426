/**
 * Float sums and products the GLSL compiler may regroup into a value NumPy
 * does not compute. llvmpipe reassociates float arithmetic freely: besides
 * the differences `mayCancel` (@sym/graph) names, whose operands read a
 * common input ((x + 1) - x to 1: float32 gives 0 at 1e30, NaN at inf), it
 * regroups `(x - y) + y` to x (0 where x is below y's ulp), folds the
 * constants of `(x + 1e30) - 1e30` to x (0 for |x| below 1e30's ulp) and
 * of `x * 1e30 * 1e30` to x * inf (NaN at 0, inf at 1e-30; the optimizer
 * keeps such a chain as written because its constant overflows). Which
 * forms is `regroupOperand`'s to say (@sym/graph: lavapipe regroups the
 * same ones); how gpu.js holds them apart is this file's.
 */
import type { ApplyExpr } from '@sym/graph';
import { regroupOperand } from '@sym/graph';

/**
 * `e` rendered so that the compiler cannot regroup it, or undefined where
 * it renders as usual. A sum `regroupOperand` (@sym/graph) names is
 * `symSub` (NaN where the folded difference of one value would lose it)
 * of the second operand times a 1 the compiler cannot see (`symHideOne`):
 * symSub's own `a - b`, inlined, was regrouped. A product of a constant
 * and a product with a constant factor, the two out of range, adds a 0
 * the compiler cannot see to the inner product (`symHideZero`; the sign
 * of a zero is not kept, README). `o` are the operands' code.
 */
export function keepGroups(e: ApplyExpr, o: readonly string[]): string | undefined {
  const apart = regroupOperand(e);
  if (apart < 0) return undefined;
  if (e.op === 'mul') return apart === 1 ? `(symHideZero(${o[0]}) * ${o[1]})` : `(${o[0]} * symHideZero(${o[1]}))`;
  return `symSub(${o[0]}, symHideOne(${e.op === 'sub' ? o[1] : `(-${o[1]})`}))`;
}
