/**
 * The lengths a graph claims (`T.specifyShape(x, [2, 2])`, conv2d's
 * `inputShape`, a MatchLength against a length known when the graph is
 * built), wherever they stand: on an input, a shared variable or an
 * intermediate. A claim is checked where it is lowered, but the rewrites
 * may use a claimed length and drop the check: FAST_RUN compiles a claimed
 * length to a constant (shape_i_constant), and a graph that reads only the
 * length (`specifyShape(x.mul(2), [2, 2]).shape`) then held no check and
 * returned the claimed length for a value of another, where FAST_COMPILE
 * raised. So a function rewrites its claims with its outputs and lowers
 * them, before the outputs, in every program it makes
 * (`ScheduleOptions.checks`): each is checked once per program, in every
 * mode, before any kernel runs, and the kernels only a claim needs are
 * dropped.
 */
import { MatchLength, SpecifyShape } from './ops/shape.js';
import { toposort } from './schedule.js';
import type { TensorVariable } from './variable.js';

/**
 * The claims of `graph`: the results of its checks that give a length the
 * checked value's type did not know (a check that gives none is known to
 * hold when the graph is built, or stays where the rewrites leave it).
 */
export function shapeClaims(graph: readonly TensorVariable[]): TensorVariable[] {
  const claims: TensorVariable[] = [];
  for (const node of toposort(graph)) {
    const op = node.op;
    // a check that is not of equal lengths (a scan's rows, a window's fit) gives no length
    if (!(op instanceof SpecifyShape) && !(op instanceof MatchLength && op.equalLengths)) continue;
    const before = node.inputs[0]!.staticShape;
    const after = node.outputs[0]!;
    if (after.staticShape.some((n, d) => n !== null && before[d] === null)) claims.push(after);
  }
  return claims;
}
