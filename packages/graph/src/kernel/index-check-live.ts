/**
 * Which of a program's index checks (CheckIndex, ops/check-index.ts) run.
 * An index is NumPy's IndexError only where the call computes the read it
 * guards, and computes it outside an ifelse's branch: Theano's lazy ifelse
 * evaluates `x[ids]` in its guard `ifelse(max(ids) < n, x[ids].sum(), 0)`
 * only when taken, and its FAST_RUN rewrites `x[ids].shape[0]` to
 * `ids.shape[0]`, never evaluating `x[ids]`. The checks are made by the
 * lowering, before the program's passes, of every node the outputs reach
 * (a gather read only for its length, a gather merged with an ifelse's
 * unchecked twin, opt's merge), so here each is weighed by what the
 * outputs need of the node that asked for it: its value (the check runs),
 * its shape alone (the check runs only where the program keeps the kernels
 * a length alone needs, FAST_COMPILE, as Theano's FAST_COMPILE evaluates
 * `Shape(x[ids])`; opt's drop_dead drops them and the check, FAST_RUN), or
 * nothing outside an ifelse's branches (the check runs, marked
 * `branchOnly`: where it fails the call does not raise but runs lazily,
 * function/lazy-branches.ts, deciding the ifelses by their conditions,
 * so the read raises only if its branch is taken).
 */
import type { Apply } from '../core/op.js';
import type { IndexCheck } from '../ops/check-index.js';
import { IfElseSelect, readsShapeOnly } from '../ops/ifelse-select.js';
import type { TensorVariable } from '../core/variable.js';
import type { Program } from './schedule.js';

export type Need = 'value' | 'shape';

/**
 * What the outputs need of each node's results (`nodes`: the outputs'
 * nodes, in topological order): its value, or its shape alone (read by a
 * Shape, as a shape check's other operand, or filled: `zerosLike`); a node the outputs reach
 * only through an ifelse's branches is absent.
 */
export function outputNeeds(outputs: readonly TensorVariable[], nodes: readonly Apply[]): Map<Apply, Need> {
  const need = new Map<Apply, Need>();
  const raise = (node: Apply, n: Need): void => {
    if (need.get(node) !== 'value') need.set(node, n);
  };
  for (const o of outputs) if (o.owner) raise(o.owner, 'value');
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    const n = need.get(node);
    if (!n) continue;
    node.inputs.forEach((v, i) => {
      if (!v.owner) return;
      // a branch of an ifelse is computed for the branch taken alone (Theano's is lazy)
      if (node.op instanceof IfElseSelect && i !== 0) return;
      raise(v.owner, readsShapeOnly(node, i) || fillsShapeOf(node, i) ? 'shape' : n);
    });
  }
  return need;
}

/** `second(a, b)` (Theano's fill, `zerosLike(a)`) reads a for its shape alone: FAST_RUN's kernels load nothing of it (opt's drop_fill_loads). */
export const fillsShapeOf = (node: Apply, i: number): boolean => i === 0 && node.op.kind === 'Elemwise' && (node.op as { scalarOp?: string }).scalarOp === 'second';

/** Record that the lowering of `nodes` (the node being lowered) asked for `check`. */
export function askedBy<C extends object>(by: Map<C, Apply[]>, check: C, nodes: readonly Apply[]): void {
  const have = by.get(check);
  if (have) have.push(...nodes);
  else if (nodes.length) by.set(check, [...nodes]);
}

/**
 * The checks that run (see the module comment): `askedBy` gives the nodes
 * whose lowering made each (a CheckIndex, a scan checking its sequences);
 * a check that guards a read needed for its shape alone is marked
 * `shapesOnly`, one guarding a read only an ifelse's branches need
 * `branchOnly` (its failure sends the call the lazy way, where it raises
 * only if its branch is taken: BranchIndexError). A check no node is
 * recorded for stays as it is.
 */
export function liveIndexChecks<C extends IndexCheck>(checks: readonly C[], askedBy: ReadonlyMap<object, readonly Apply[]>, need: ReadonlyMap<Apply, Need>): C[] {
  const live: C[] = [];
  for (const c of checks) {
    const nodes = askedBy.get(c);
    if (!nodes) {
      live.push(c);
      continue;
    }
    const needs = nodes.map((n) => need.get(n));
    if (needs.includes('value')) live.push(c);
    else if (needs.includes('shape')) live.push({ ...c, shapesOnly: true });
    else live.push({ ...c, branchOnly: true });
  }
  return live;
}

/**
 * The device checks of computed indices (index-check-device.ts) that run:
 * those guarding a read whose value the outputs need outside an ifelse's
 * branches, and, marked `branchOnly`, those of a read only the branches
 * need (the eager select computes it whichever branch is taken, so its flag
 * costs a kernel and no error: a flag found set sends the call the lazy
 * way); a read needed for its length alone is not checked on the device
 * (FAST_RUN does not compute it; the other modes do not check it).
 */
export function liveIndexFlags<F extends object>(flags: readonly F[], askedBy: ReadonlyMap<object, readonly Apply[]>, need: ReadonlyMap<Apply, Need>): (F & { branchOnly?: true })[] {
  return flags.flatMap((f) => {
    const nodes = askedBy.get(f);
    if (!nodes || nodes.some((n) => need.get(n) === 'value')) return [f];
    return nodes.some((n) => need.has(n)) ? [] : [{ ...f, branchOnly: true as const }];
  });
}

/** `program` without the checks of reads needed for their shapes alone: where the reads' kernels are dropped (opt's drop_dead), or not compared (the checking modes). */
export function withoutShapeOnlyChecks(program: Program): Program {
  if (!program.indexChecks?.some((c) => c.shapesOnly)) return program;
  const { indexChecks, ...rest } = program;
  const live = indexChecks.filter((c) => !c.shapesOnly);
  return live.length ? { ...rest, indexChecks: live } : rest;
}
