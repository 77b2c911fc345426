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
import { cloneReplace } from './clone.js';
import { OpFromGraph } from './ops/op-from-graph.js';
import { MatchLength, SpecifyShape } from './ops/shape.js';
import { toposort } from './schedule.js';
import type { TensorVariable } from './variable.js';

/**
 * The claims of `graph`: the results of its checks that give a length the
 * checked value's type did not know (a check that gives none is known to
 * hold when the graph is built, or stays where the rewrites leave it),
 * an opFromGraph's inner claims on its node's inputs among them.
 */
export function shapeClaims(graph: readonly TensorVariable[]): TensorVariable[] {
  const claims: TensorVariable[] = [];
  for (const node of toposort(graph)) {
    const op = node.op;
    if (op instanceof OpFromGraph) {
      // the inner graph's claims, on this node's inputs: inlined or lowered in place, the rewrites may fold them too
      const inner = shapeClaims(op.outputs);
      if (inner.length) claims.push(...cloneReplace(inner, new Map(op.inputs.map((v, i) => [v, node.inputs[i]!]))));
      continue;
    }
    // a check that is not of equal lengths (a scan's rows, a window's fit) gives no length
    if (!(op instanceof SpecifyShape) && !(op instanceof MatchLength && op.equalLengths)) continue;
    const before = node.inputs[0]!.staticShape;
    const after = node.outputs[0]!;
    if (after.staticShape.some((n, d) => n !== null && before[d] === null)) claims.push(after);
  }
  return claims;
}
