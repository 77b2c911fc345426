/**
 * Applies the selected graph rewrites phase by phase, each phase to a
 * fixpoint. The user's graph is never changed: replacements are spliced in
 * with `cloneReplace`, which copies every node downstream of a change.
 */
import { OpFromGraph, Scan, applyNode, cloneReplace, toposort, type Mode, type OptimizerOptions, type TensorVariable } from '@sym/graph';
import { PHASES, selectRewrites, type NodeRewrite, type Rewrite, type RewriteContext } from './registry.js';

/** Passes over the graph per phase before giving up on a fixpoint (a cycle of rewrites would otherwise spin). */
const MAX_PASSES = 64;

export interface GraphReport {
  readonly outputs: TensorVariable[];
  /** How often each rewrite fired (`name:rejected`: proposed a replacement of another type, skipped). */
  readonly applied: Map<string, number>;
  /** False when some phase still changed the graph after the pass limit (a cycle of rewrites). */
  readonly converged: boolean;
}

function sameType(a: TensorVariable, b: TensorVariable): boolean {
  return a.dtype === b.dtype && a.ndim === b.ndim && a.broadcastable.every((x, i) => x === b.broadcastable[i]);
}

function contextFor(outputs: readonly TensorVariable[]): RewriteContext {
  const counts = new Map<TensorVariable, number>();
  const bump = (v: TensorVariable): void => void counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const node of toposort(outputs)) for (const v of node.inputs) bump(v);
  for (const o of outputs) bump(o);
  return { clients: (v) => counts.get(v) ?? 0 };
}

/**
 * One pass: try the rewrites on every node in order; a node downstream of a
 * node replaced in this pass waits for the next pass (its inputs are stale).
 */
function nodePass(outputs: TensorVariable[], rewrites: readonly NodeRewrite[], applied: Map<string, number>, firstNewId: number): TensorVariable[] | null {
  const ctx = contextFor(outputs);
  const replace = new Map<TensorVariable, TensorVariable>();
  const stale = new Set<TensorVariable>();
  for (const node of toposort(outputs)) {
    if (node.inputs.some((v) => stale.has(v))) {
      node.outputs.forEach((o) => stale.add(o));
      continue;
    }
    const out = node.outputs[0]!;
    for (const r of rewrites) {
      const rep = r.rewrite(node, ctx);
      if (!rep || rep === out) continue;
      if (!sameType(rep, out)) {
        // e.g. x * ones(3) with a scalar x: the product broadcasts, x alone would not
        applied.set(`${r.name}:rejected`, (applied.get(`${r.name}:rejected`) ?? 0) + 1);
        continue;
      }
      // Fresh nodes carry the user's name on; existing variables keep theirs.
      if (rep.name === undefined && out.name !== undefined && rep.owner && rep.id >= firstNewId) rep.name = out.name;
      replace.set(out, rep);
      node.outputs.forEach((o) => stale.add(o));
      applied.set(r.name, (applied.get(r.name) ?? 0) + 1);
      break;
    }
  }
  if (replace.size === 0) return null;
  return cloneReplace(outputs, replace);
}

function runNodeRewrites(
  outputs: TensorVariable[],
  rewrites: readonly NodeRewrite[],
  applied: Map<string, number>,
  firstNewId: number,
): { outputs: TensorVariable[]; converged: boolean } {
  for (let i = 0; i < MAX_PASSES; i++) {
    const next = nodePass(outputs, rewrites, applied, firstNewId);
    if (!next) return { outputs, converged: true };
    outputs = next;
  }
  return { outputs, converged: false };
}

/** Ids of variables created from now on are at least this (ids increase). */
function nextId(outputs: readonly TensorVariable[]): number {
  let max = 0;
  for (const o of outputs) max = Math.max(max, o.id);
  for (const n of toposort(outputs)) for (const v of [...n.inputs, ...n.outputs]) max = Math.max(max, v.id);
  return max + 1;
}

/** Run the graph phases of the selected rewrites on `outputs` (a copy is rewritten). */
export function runGraphRewrites(outputs: readonly TensorVariable[], selected: readonly Rewrite[]): GraphReport {
  const applied = new Map<string, number>();
  const firstNewId = nextId(outputs);
  let outs = [...outputs];
  let converged = true;
  const merges = selected.filter((r) => r.kind === 'graph' && r.phase === 'merge');
  const merge = (): void => {
    for (const m of merges) {
      if (m.kind !== 'graph') continue;
      const next = m.run(outs);
      if (next.some((v, i) => v !== outs[i]) || next.length !== outs.length) applied.set(m.name, (applied.get(m.name) ?? 0) + 1);
      outs = next;
    }
  };
  for (const phase of PHASES) {
    if (phase === 'merge') {
      merge();
      continue;
    }
    const inPhase = selected.filter((r) => r.phase === phase);
    for (const g of inPhase) if (g.kind === 'graph') outs = g.run(outs);
    const local = inPhase.filter((r): r is NodeRewrite => r.kind === 'node');
    if (local.length === 0) continue;
    const before = outs;
    const r = runNodeRewrites(outs, local, applied, firstNewId);
    outs = r.outputs;
    converged &&= r.converged;
    // Rewrites build fresh nodes that may duplicate existing ones.
    if (outs !== before) merge();
  }
  const steps = rewriteSteps(outs, selected, applied);
  return { outputs: steps.outputs, applied, converged: converged && steps.converged };
}

/**
 * A scan's step is a graph of its own: rewritten with the same rewrites
 * (stabilised, specialised, merged), one scan at a time, so that a scan
 * fed by another sees its producer's new node. So is the inner graph of an
 * opFromGraph that stays a node (`inline: false`).
 */
function rewriteSteps(outputs: TensorVariable[], selected: readonly Rewrite[], applied: Map<string, number>): { outputs: TensorVariable[]; converged: boolean } {
  const done = new Set<Scan | OpFromGraph>();
  let converged = true;
  for (;;) {
    const node = toposort(outputs).find((n) => (n.op instanceof Scan || n.op instanceof OpFromGraph) && !done.has(n.op));
    if (!node) return { outputs, converged };
    const op = node.op as Scan | OpFromGraph;
    const inner = op instanceof Scan ? op.inner.outputs : op.outputs;
    const r = runGraphRewrites(inner, selected);
    for (const [name, n] of r.applied) applied.set(name, (applied.get(name) ?? 0) + n);
    converged &&= r.converged;
    if (r.outputs.every((o, i) => o === inner[i])) {
      done.add(op);
      continue;
    }
    const next = applyNode(op instanceof Scan ? op.withStep(r.outputs) : op.withOutputs(r.outputs), node.inputs);
    done.add(next.op as Scan | OpFromGraph);
    outputs = cloneReplace(outputs, new Map(node.outputs.map((o, i) => [o, next.outputs[i]!])));
  }
}

/** Rewrite a graph as `sym.function` would for `mode` and these options. */
export function optimizeGraph(outputs: readonly TensorVariable[], mode: Mode = 'FAST_RUN', options: OptimizerOptions = {}): GraphReport {
  return runGraphRewrites(outputs, selectRewrites(mode, options));
}
