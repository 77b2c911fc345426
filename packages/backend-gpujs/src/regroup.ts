/**
 * Float sums and products the GLSL compiler may regroup into a value NumPy
 * does not compute. llvmpipe reassociates float arithmetic freely: besides
 * the differences `mayCancel` (@sym/graph) names, whose operands read a
 * common input ((x + 1) - x to 1: float32 gives 0 at 1e30, NaN at inf), it
 * regroups `(x - y) + y` to x (0 where x is below y's ulp), folds the
 * constants of `(x + 1e30) - 1e30` to x (0 for |x| below 1e30's ulp) and
 * of `x * 1e30 * 1e30` to x * inf (NaN at 0, inf at 1e-30; the optimizer
 * keeps such a chain as written because its constant overflows).
 */
import type { ApplyExpr, ScalarExpr } from '@sym/graph';
import { isFloat, mayCancel } from '@sym/graph';

const isApply = (e: ScalarExpr, ops: readonly string[]): e is ApplyExpr => e.kind === 'apply' && ops.includes(e.op) && isFloat(e.computeDType);

/** Whether `a` and `b` read a common input (mayCancel's test, asked of their difference). */
const readCommon = (a: ScalarExpr, b: ScalarExpr, like: ApplyExpr) => mayCancel({ ...like, op: 'sub', args: [a, b] });

/**
 * Whether `e` is a float `a + b` or `a - b` the compiler may regroup:
 * mayCancel's; one of a constant and a sum with a constant term; or
 * `(p - q) + b` whose q and b read a common input. Not every sum of
 * operands that read one input: a dot product's unrolled terms do, and the
 * compiler keeps them as written.
 */
export function mayRegroup(e: ApplyExpr): boolean {
  if (mayCancel(e)) return true;
  if ((e.op !== 'add' && e.op !== 'sub') || !isFloat(e.computeDType)) return false;
  const [a, b] = e.args as [ScalarExpr, ScalarExpr];
  return [[a, b], [b, a]].some(
    ([inner, other]) => isApply(inner!, ['add', 'sub']) && (other!.kind === 'const' ? inner.args.some((t) => t.kind === 'const') : e.op === 'add' && inner.op === 'sub' && readCommon(inner.args[1]!, other!, e)),
  );
}

/**
 * Whether `a` and `b` are constants whose float32 product overflows, or
 * underflows to a subnormal or 0 (neither being 0): the chains the
 * optimizer keeps as written (chain_constants). Other constant products
 * the compiler folds as the optimizer would, so they render as written
 * (a training step's x * 1.0005 * 0.1 stays one instruction shorter).
 */
function outOfRange(a: ScalarExpr, b: ScalarExpr): boolean {
  if (a.kind !== 'const' || b.kind !== 'const' || a.value === 0 || b.value === 0) return false;
  const p = Math.abs(Math.fround(Math.fround(a.value) * Math.fround(b.value)));
  return p === Infinity || p < 1.1754943508222875e-38;
}

/**
 * `e` rendered so that the compiler cannot regroup it, or undefined where
 * it renders as usual. A sum `mayRegroup` names is `symSub` (NaN where
 * the folded difference of one value would lose it) of the second operand
 * times a 1 the compiler cannot see (`symHideOne`): symSub's own `a - b`,
 * inlined, was regrouped. A product of a constant and a product with a
 * constant factor, the two out of range, adds a 0 the compiler cannot see
 * to the inner product (`symHideZero`; the sign of a zero is not kept,
 * README). `o` are the operands' code.
 */
export function keepGroups(e: ApplyExpr, o: readonly string[]): string | undefined {
  if (e.op === 'mul' && isFloat(e.computeDType)) {
    const inner = e.args.findIndex((a, i) => isApply(a, ['mul']) && a.args.some((t) => outOfRange(t, e.args[1 - i]!)));
    return inner < 0 ? undefined : inner === 0 ? `(symHideZero(${o[0]}) * ${o[1]})` : `(${o[0]} * symHideZero(${o[1]}))`;
  }
  if (!mayRegroup(e)) return undefined;
  return `symSub(${o[0]}, symHideOne(${e.op === 'sub' ? o[1] : `(-${o[1]})`}))`;
}
