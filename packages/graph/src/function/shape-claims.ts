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
 * dropped. A claim only an ifelse's branches read is checked only when its
 * branch is taken: a call whose program it refused runs lazily
 * (lazy-branches.ts).
 */
import { cloneReplace } from '../core/clone.js';
import { applyNode, type Apply } from '../core/op.js';
import { OpFromGraph } from '../ops/op-from-graph.js';
import { PrintOp } from '../printing/print-op.js';
import { Scan } from '../ops/scan.js';
import { MatchLength, SpecifyShape } from '../ops/shape.js';
import { toposort } from '../kernel/schedule.js';
import type { TensorVariable } from '../core/variable.js';

/**
 * The claims of `graph`: the results of its checks that give a length the
 * checked value's type did not know (a check that gives none is known to
 * hold when the graph is built, or stays where the rewrites leave it),
 * an opFromGraph's inner claims on its node's inputs among them, and a
 * scan step's (`stepClaims`).
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
    if (op instanceof Scan) {
      claims.push(...stepClaims(op, node));
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

/**
 * The claims of a scan's step, on the scan node's inputs: the outputs of a
 * scan of one step (the first time index; none for a loop of no steps)
 * computing the step's claims alone, its states read as non-sequences
 * holding their initial values. A step's shapes are the same at every step
 * (a state keeps its shape), so the first step's claims are every step's:
 * checked once per program, as the function's own, and the kernels of this
 * loop are dropped with the other kernels only the claims need. The step
 * is rewritten apart from the function's graph (opt's engine, a host loop's
 * step function), where a claimed length folds into a constant and its
 * check goes, so the step's claims are found before that. A claim on a
 * Print's result is checked on the value printed (a Print is its input),
 * printing nothing; one on another host op's result (nonzero, an asOp)
 * makes this loop of one step run on the host, that op once more a call,
 * its claim checked by the step's function after it: the host loop's own
 * step saw nothing of a claim the rewrite folded. A loop of no steps
 * (n = 0, a window of none) checks what its step's shapes are known to be,
 * as the loop itself.
 */
function stepClaims(op: Scan, node: Apply): TensorVariable[] {
  const inner = withoutPrints(shapeClaims(op.inner.outputs));
  if (!inner.length) return [];
  const { sequences, states, nonSequences } = op.inner;
  const claims = new Scan(
    { sequences, states: [], nonSequences: [...states, ...nonSequences], outputs: inner },
    { hasNSteps: op.hasNSteps, window: { at: 'start', length: Math.min(op.window?.length ?? 1, 1) }, name: `${op.name ?? 'scan'}'s step claims` },
  );
  return [...applyNode(claims, node.inputs).outputs];
}

/** `claims` with each Print's result read as its input, the value it prints: checking a claim prints nothing. */
function withoutPrints(claims: TensorVariable[]): TensorVariable[] {
  const printed = new Map<TensorVariable, TensorVariable>();
  for (const n of toposort(claims)) if (n.op instanceof PrintOp) printed.set(n.outputs[0]!, n.inputs[0]!);
  return printed.size ? cloneReplace(claims, printed) : claims;
}
