/**
 * Which scalar ops cost far more than an add. One list for the optimizer's
 * cost model (`@sym/opt`: what it recomputes, what it keeps out of a large
 * gathering kernel) and for backends that decide by it (the CPU splits a
 * gathering kernel only for the costly work its SIMD path computes), so
 * that the two cannot disagree about what "costly" means. Here because a
 * backend must not depend on `@sym/opt`.
 */
import type { ScalarOpName } from '../core/scalar.js';
import type { ScalarExpr } from './kernel.js';

/** Scalar ops that cost far more than an add: a libm call (exp, tanh, ...), a division loop. */
export const COSTLY_SCALAR_OPS: ReadonlySet<ScalarOpName> = new Set<ScalarOpName>([
  'exp', 'log', 'log1p', 'expm1', 'sqrt', 'sin', 'cos', 'tan', 'tanh', 'arcsin', 'arccos', 'arctan',
  'sinh', 'cosh', 'sigmoid', 'softplus', 'pow', 'truediv', 'intdiv', 'mod',
]);

/**
 * Whether an expression applies an op of `costly` (by default
 * `COSTLY_SCALAR_OPS`) outside its gathers' indices, which are integer
 * arithmetic. Each shared subtree is visited once.
 */
export function appliesCostly(e: ScalarExpr, costly: ReadonlySet<string> = COSTLY_SCALAR_OPS, seen = new Set<ScalarExpr>()): boolean {
  if (e.kind !== 'apply' || seen.has(e)) return false;
  seen.add(e);
  return costly.has(e.op) || e.args.some((a) => appliesCostly(a, costly, seen));
}
