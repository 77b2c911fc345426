/**
 * Applies the selected graph rewrites phase by phase, each phase to a
 * fixpoint. The user's graph is never changed: a node whose inputs were
 * replaced is copied onto the replacements (as `cloneReplace` does).
 */
import { OpFromGraph, Scan, applyNode, carryErrorLabel, cloneReplace, toposort, type Apply, type Mode, type OptimizerOptions, type TensorVariable } from '@sym/graph';
import { PHASES, selectRewrites, type NodeRewrite, type Rewrite, type RewriteContext } from './registry.js';

/**
 * Sweeps over the graph per phase before the engine calls it a cycle. A
 * sweep settles every node, however long the chain a rewrite walks along,
 * so an ordinary graph needs one sweep that rewrites, and another only
 * where a rewrite asked how often a variable is used and a use elsewhere
 * went away since (it may fire then: `Sweep.settled`).
 */
const MAX_SWEEPS = 64;
/** Rewrites of rewrites at one node (a rewrite firing on what another built) before the engine calls it a cycle. */
const MAX_NESTED = 1000;

/** What the graph rewrites did ({@link optimizeGraph}, {@link runGraphRewrites}). */
export interface GraphReport {
  /** The rewritten outputs, in the order given. */
  readonly outputs: TensorVariable[];
  /** How often each rewrite fired (`name:rejected`: proposed a replacement of another type, skipped). */
  readonly applied: Map<string, number>;
  /**
   * Every phase reached its fixpoint. Always true: rewrites that keep
   * firing (a cycle) are an error naming them, not a silent stop.
   */
  readonly converged: boolean;
}

function sameType(a: TensorVariable, b: TensorVariable): boolean {
  return a.dtype === b.dtype && a.ndim === b.ndim && a.broadcastable.every((x, i) => x === b.broadcastable[i]);
}

function cycleError(names: readonly string[], where: string): Error {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return new Error(
    `graph rewrites did not reach a fixpoint: ${where}; still firing: ${top.map(([n, k]) => `${n} (${k}x)`).join(', ')} ` +
      '(a cycle of rewrites: exclude one with optimizer.excluding)',
  );
}

/**
 * One sweep in topological order that settles each node before any node
 * reading it: a node whose inputs were replaced is rebuilt on the new ones
 * and tried at once, and the nodes a rewrite builds are tried before the
 * sweep moves on. A chain a rewrite walks along (`((x + 1) + 1) + ...`
 * folding one link at a time) is done in this one sweep. Use counts
 * (`ctx.clients`) are kept as the graph changes.
 */
class Sweep {
  private readonly counts = new Map<TensorVariable, number>();
  /** Nodes of the current graph (use counts include their inputs). */
  private readonly live = new Set<Apply>();
  /** Replaced variable -> its replacement (followed to the end by `resolve`). */
  private readonly memo = new Map<TensorVariable, TensorVariable>();
  /** Each use count a rewrite asked for, as first answered (`settled`). */
  private readonly asked = new Map<TensorVariable, number>();
  /** Nodes every rewrite was tried on and none fired (`settled`). */
  private readonly tried = new Set<Apply>();
  /** A count was answered twice with different values, or a rewrite was rejected: only another sweep can tell. */
  private unsettled = false;
  private readonly ctx: RewriteContext = { clients: (v) => this.clients(v) };
  /** Names of the rewrites that fired, in order. */
  readonly fired: string[] = [];

  constructor(
    private readonly rewrites: readonly NodeRewrite[],
    private readonly applied: Map<string, number>,
    private readonly firstNewId: number,
  ) {}

  run(outputs: readonly TensorVariable[]): TensorVariable[] {
    const order = toposort(outputs);
    for (const node of order) {
      this.live.add(node);
      for (const v of node.inputs) this.bump(v, 1);
    }
    for (const o of outputs) this.bump(o, 1);
    for (const node of order) if (this.live.has(node)) this.visit(node, 0);
    return outputs.map((o) => this.resolve(o));
  }

  /** `ctx.clients`: the use count now, remembered as first answered. */
  private clients(v: TensorVariable): number {
    const n = this.counts.get(v) ?? 0;
    const had = this.asked.get(v);
    if (had === undefined) this.asked.set(v, n);
    else if (had !== n) this.unsettled = true;
    return n;
  }

  /**
   * Whether another sweep over `outputs` (what this one returned) would
   * find nothing, so that it need not be made: every node of them was
   * tried in this sweep as it is now, with nothing firing, and every use
   * count a rewrite asked for is what that sweep would count (a rewrite
   * reads its node, the nodes below it, which do not change, and the
   * counts). A rejection would be counted again: that sweep is made.
   */
  settled(outputs: readonly TensorVariable[]): boolean {
    if (this.unsettled) return false;
    const counts = new Map<TensorVariable, number>();
    const use = (v: TensorVariable): void => void counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const node of toposort(outputs)) {
      if (!this.tried.has(node)) return false;
      node.inputs.forEach(use);
    }
    outputs.forEach(use);
    for (const [v, n] of this.asked) if ((counts.get(v) ?? 0) !== n) return false;
    return true;
  }

  private bump(v: TensorVariable, by: number): number {
    const n = (this.counts.get(v) ?? 0) + by;
    this.counts.set(v, n);
    return n;
  }

  private resolve(v: TensorVariable): TensorVariable {
    let r = v;
    for (let next = this.memo.get(r); next; next = this.memo.get(r)) r = next;
    if (r !== v) this.memo.set(v, r);
    return r;
  }

  /** Rebuild `node` on its inputs' replacements (if any), then rewrite it until no rewrite applies. */
  private visit(node: Apply, depth: number): void {
    const ins = node.inputs.map((v) => this.resolve(v));
    let cur = node;
    if (ins.some((v, i) => v !== node.inputs[i])) {
      // the copy takes the node's place and its uses: the inputs' counts already moved to their replacements
      cur = applyNode(node.op, ins);
      this.live.delete(node);
      this.live.add(cur);
      node.outputs.forEach((o, i) => {
        const n = cur.outputs[i]!;
        n.name = o.name;
        carryErrorLabel(o, n);
        this.counts.set(n, this.counts.get(o) ?? 0);
        this.counts.delete(o);
        this.memo.set(o, n);
      });
    }
    const out = cur.outputs[0]!;
    for (const r of this.rewrites) {
      const rep = r.rewrite(cur, this.ctx);
      if (!rep || rep === out) continue;
      if (!sameType(rep, out)) {
        // e.g. x * ones(3) with a scalar x: the product broadcasts, x alone would not
        this.applied.set(`${r.name}:rejected`, (this.applied.get(`${r.name}:rejected`) ?? 0) + 1);
        this.unsettled = true;
        continue;
      }
      // Fresh nodes carry the user's name on; existing variables keep theirs.
      if (rep.name === undefined && out.name !== undefined && rep.owner && rep.id >= this.firstNewId) rep.name = out.name;
      if (rep.owner && rep.id >= this.firstNewId) carryErrorLabel(out, rep);
      this.applied.set(r.name, (this.applied.get(r.name) ?? 0) + 1);
      this.fired.push(r.name);
      if (depth >= MAX_NESTED) throw cycleError(this.fired.slice(-MAX_NESTED), `${MAX_NESTED} rewrites in a row at one node`);
      const fresh = this.adopt(rep);
      this.bump(rep, this.counts.get(out) ?? 0);
      this.counts.set(out, 0);
      this.memo.set(out, rep);
      this.release(cur);
      this.tried.delete(cur);
      for (const f of fresh) if (this.live.has(f)) this.visit(f, depth + 1);
      return;
    }
    this.tried.add(cur);
  }

  /** The nodes `rep` brings that are not in the graph yet, counted in, inputs before readers. */
  private adopt(rep: TensorVariable): Apply[] {
    const fresh: Apply[] = [];
    // post-order without recursion: a rewrite may build a chain deeper than the call stack
    const stack: [Apply, number][] = [];
    const enter = (v: TensorVariable): void => {
      const n = v.owner;
      if (!n || this.live.has(n)) return;
      this.live.add(n);
      stack.push([n, 0]);
    };
    enter(rep);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [n, i] = top;
      if (i < n.inputs.length) {
        top[1] = i + 1;
        enter(n.inputs[i]!);
        continue;
      }
      stack.pop();
      for (const v of n.inputs) this.bump(v, 1);
      fresh.push(n);
    }
    return fresh;
  }

  /** Drop `node` and whatever only it used, once none of its outputs is used. */
  private release(node: Apply): void {
    const stack = [node];
    while (stack.length) {
      const n = stack.pop()!;
      if (!this.live.has(n) || n.outputs.some((o) => (this.counts.get(o) ?? 0) > 0)) continue;
      this.live.delete(n);
      for (const v of n.inputs) if (this.bump(v, -1) === 0 && v.owner) stack.push(v.owner);
    }
  }
}

function runNodeRewrites(outputs: TensorVariable[], rewrites: readonly NodeRewrite[], applied: Map<string, number>, firstNewId: number): TensorVariable[] {
  for (let i = 0; i < MAX_SWEEPS; i++) {
    const sweep = new Sweep(rewrites, applied, firstNewId);
    const next = sweep.run(outputs);
    if (sweep.fired.length === 0) return outputs;
    if (sweep.settled(next)) return next;
    outputs = next;
    if (i === MAX_SWEEPS - 1) throw cycleError(sweep.fired, `${MAX_SWEEPS} sweeps over the graph each changed it`);
  }
  return outputs;
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
    outs = runNodeRewrites(outs, local, applied, firstNewId);
    // Rewrites build fresh nodes that may duplicate existing ones.
    if (outs !== before) merge();
  }
  return { outputs: rewriteSteps(outs, selected, applied), applied, converged: true };
}

/**
 * A scan's step is a graph of its own: rewritten with the same rewrites
 * (stabilised, specialised, merged), one scan at a time, so that a scan
 * fed by another sees its producer's new node. So is the inner graph of an
 * opFromGraph that stays a node (`inline: false`).
 */
function rewriteSteps(outputs: TensorVariable[], selected: readonly Rewrite[], applied: Map<string, number>): TensorVariable[] {
  const done = new Set<Scan | OpFromGraph>();
  for (;;) {
    const node = toposort(outputs).find((n) => (n.op instanceof Scan || n.op instanceof OpFromGraph) && !done.has(n.op));
    if (!node) return outputs;
    const op = node.op as Scan | OpFromGraph;
    const inner = op instanceof Scan ? op.inner.outputs : op.outputs;
    const r = runGraphRewrites(inner, selected);
    for (const [name, n] of r.applied) applied.set(name, (applied.get(name) ?? 0) + n);
    if (r.outputs.every((o, i) => o === inner[i])) {
      done.add(op);
      continue;
    }
    const next = applyNode(op instanceof Scan ? op.withStep(r.outputs) : op.withOutputs(r.outputs), node.inputs);
    done.add(next.op as Scan | OpFromGraph);
    outputs = cloneReplace(outputs, new Map(node.outputs.map((o, i) => [o, next.outputs[i]!])));
  }
}

/** Rewrite a graph as `sym.function` would for `mode` and these options (to which `sym.function` adds the `optimizer_*` flags' lists). */
export function optimizeGraph(outputs: readonly TensorVariable[], mode: Mode = 'FAST_RUN', options: OptimizerOptions = {}): GraphReport {
  return runGraphRewrites(outputs, selectRewrites(mode, options));
}
