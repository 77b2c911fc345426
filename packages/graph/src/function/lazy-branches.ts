/**
 * A call whose program refused a shape claim that only an ifelse's branch
 * reads. Theano's ifelse is lazy: `ifelse(c, specify_shape(x, (2, 2)).sum(),
 * 0)` with c false never evaluates the claim, and gives 0 for a 3x3 x. A
 * sym program runs both branches and checks every claim before any kernel
 * runs, when the program is made for the call's shapes (shape-claims.ts),
 * before any condition is known. A claim that holds costs nothing, so the
 * programs stay as they are; only a call whose program a branch's claim
 * refused is run lazily, here: the conditions the outputs read outside
 * the branches are computed (a function of their own, its values read
 * back; read from the call's arguments where they are inputs), each
 * ifelse is replaced by the branch it takes, and the graph so made (a
 * function of its own, its claims those of the branches taken) is called,
 * raising a taken branch's claim with its own message. An ifelse inside a
 * taken branch is decided the same way, a round later, and one in an
 * opFromGraph's body as one outside it (the body inlined). One in a scan's
 * step is not: the step's claims are checked once for every step
 * (shape-claims.ts), and its conditions differ from step to step. Nothing is
 * committed before the last function runs, so a call that raises changes no
 * shared variable. The functions are compiled once per combination of
 * conditions of the ifelses whose branches hold a claim of their own (the
 * others, and a node both branches of one read, are computed whichever way
 * they go), and keep their programs per shapes as any function; k such
 * ifelses make up to 2^k functions, of which the MAX_LAZY_FUNCTIONS used
 * last are kept (the least recently used freed, made again if met again),
 * as are the last MAX_REFUSED shapes whose program was refused. A random
 * variable draws whatever the branch (Theano's default update reads its
 * node outside the ifelse; sym's eager select computes both branches): the
 * last function computes every draw, so the generators advance as on the
 * eager route, and a claim a draw's size reads is checked whatever the
 * branch. The call is counted once in the profile, as a staged call.
 *
 * A claim also read outside the branches (by both branches, beside the
 * ifelse, by a gradient through the branch's nodes) is checked whatever
 * the condition, as Theano evaluates it either way; so is a claim the
 * rewrites made anew (its op is not the graph's), and the check that both
 * branches have one shape (BranchShapeCheck), which sym's eager select
 * needs.
 *
 * An integer index read only in a branch takes the same route: its check
 * (a CheckIndex's host check or device flag, marked `branchOnly` by
 * kernel/index-check-live.ts) runs whatever the branch, and where it fails
 * the call raises nothing yet (BranchIndexError, caught by function.ts)
 * but runs lazily here, every ifelse whose branches hold such a check
 * decided, so the read's own check raises only if its branch is taken.
 */
import { cloneReplace } from '../core/clone.js';
import type { NDArray } from '../core/ndarray.js';
import type { Apply, Op } from '../core/op.js';
import type { TensorSharedVariable } from '../core/shared.js';
import type { TensorVariable } from '../core/variable.js';
import { toposort } from '../kernel/schedule.js';
import { CheckIndex } from '../ops/check-index.js';
import { BranchShapeCheck, IfElseSelect } from '../ops/ifelse-select.js';
import { OpFromGraph } from '../ops/op-from-graph.js';
import { inlineOpFromGraphs } from '../control/op-from-graph.js';
import { RandomVariable } from '../ops/random.js';
import { Scan } from '../ops/scan.js';
import { MatchLength, ShapeClaimError, SpecifyShape } from '../ops/shape.js';
import type { CompiledFunction } from './function.js';
import type { FunctionOptions } from './function-options.js';
import type { FunctionProfile } from './profile.js';

/** Compiles one of the lazy call's functions (as a host stage is: the caller's mode, device and profile). */
export type CompileLazy = (inputs: readonly TensorVariable[], outputs: readonly TensorVariable[], options: FunctionOptions) => CompiledFunction;

/**
 * The nodes computed whichever way the ifelses go: those the outputs reach
 * other than through an ifelse's branches (its condition is read whichever
 * is taken), and those both branches of such an ifelse compute whichever
 * way the ifelses inside them go (a layer's input under `ifelse(keep,
 * f(h), h)`). `memo`: each branch's, as found.
 */
function reachedOutsideBranches(graph: readonly TensorVariable[], nodes: readonly Apply[], memo = new Map<TensorVariable, Set<Apply>>()): Set<Apply> {
  const branch = (v: TensorVariable): Set<Apply> => {
    let found = memo.get(v);
    if (!found) memo.set(v, (found = reachedOutsideBranches([v], toposort([v]), memo)));
    return found;
  };
  const reached = new Set<Apply>();
  for (const o of graph) if (o.owner) reached.add(o.owner);
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    if (!reached.has(node)) continue;
    if (node.op instanceof IfElseSelect) {
      // a node both compute comes before this one in `nodes`: the loop reaches its inputs in turn
      const then = branch(node.inputs[1]!);
      for (const n of branch(unchecked(node.inputs[2]!))) if (then.has(n)) reached.add(n);
    }
    const inputs = node.op instanceof IfElseSelect ? [node.inputs[0]!] : node.inputs;
    for (const v of inputs) if (v.owner) reached.add(v.owner);
  }
  return reached;
}

/** Add the shape checks' ops of a node, and of the graphs inside it (a scan's step, an opFromGraph's body), to `into`. */
function addCheckOps(node: Apply, into: Set<Op>): void {
  const op = node.op;
  // an index's check too: one only the branches read runs, and where it fails the call runs lazily (index-check-live.ts)
  if (op instanceof SpecifyShape || op instanceof CheckIndex || (op instanceof MatchLength && !(op instanceof BranchShapeCheck))) into.add(op);
  const inner = op instanceof Scan || op instanceof OpFromGraph ? op.nodes : [];
  for (const n of inner) addCheckOps(n, into);
}

/** Whether a branch of `select` reads a check of `checks` that the nodes computed whichever way the ifelses go (`reached`) do not. */
function branchHolds(select: Apply, reached: ReadonlySet<Apply>, checks: ReadonlySet<Op>): boolean {
  const ops = new Set<Op>();
  const seen = new Set<Apply>();
  const stack = [select.inputs[1]!.owner, select.inputs[2]!.owner];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (!node || seen.has(node) || reached.has(node)) continue;
    seen.add(node);
    addCheckOps(node, ops);
    for (const v of node.inputs) stack.push(v.owner);
  }
  for (const op of ops) if (checks.has(op)) return true;
  return false;
}

/** The ops of the shape checks in `graph` that only ifelse branches read: where one fails, the call runs lazily. */
export function branchOnlyChecks(graph: readonly TensorVariable[]): Set<Op> {
  const nodes = toposort(graph);
  const reached = reachedOutsideBranches(graph, nodes);
  const [inBranch, outside] = [new Set<Op>(), new Set<Op>()];
  for (const node of nodes) addCheckOps(node, reached.has(node) ? outside : inBranch);
  for (const op of outside) inBranch.delete(op);
  return inBranch;
}

/** The else branch as the user gave it, without the checks against the then branch (BranchShapeCheck) ifelse puts on it. */
function unchecked(branch: TensorVariable): TensorVariable {
  let v = branch;
  while (v.owner?.op instanceof BranchShapeCheck) v = v.owner.inputs[0]!;
  return v;
}

/**
 * A round of a lazy call: its graph, the ifelse selects the outputs read
 * outside any branch and their conditions, and the function computing
 * those; the last round has none, and its function computes the call.
 */
interface Round {
  readonly graph: readonly TensorVariable[];
  readonly selects: readonly Apply[];
  readonly conditions: readonly TensorVariable[];
  /** Where every condition is an explicit input: their slots among the inputs, read from the call's arguments (no function, no read back). */
  readonly conditionInputs: readonly number[] | undefined;
  /** The conditions' function (none where they are inputs), or the last round's function of the branches taken. */
  readonly fn: CompiledFunction | undefined;
}

/** The rounds a lazy call keeps (each with at most one function), the least recently used freed first: k ifelses holding a claim make up to 2^k. */
export const MAX_LAZY_FUNCTIONS = 16;
/** The refused shapes a function remembers (a call of one runs lazily without making its program again to be refused). */
export const MAX_REFUSED = 256;

export class LazyBranches {
  #branchOnly: Set<Op> | undefined;
  #inlined: readonly TensorVariable[] | undefined;
  /** The calls' plan keys (function-programs.ts) whose program a branch's claim refused: their calls run lazily at once (the last MAX_REFUSED, see `refuse`). */
  readonly refused = new Set<string>();
  /** The rounds met, by the conditions' values decided before them; the least recently used first (MAX_LAZY_FUNCTIONS kept). */
  readonly #rounds = new Map<string, Round>();

  constructor(
    /** The function's outputs then its updates' expressions (unrewritten: each function made here rewrites its own). */
    readonly graph: readonly TensorVariable[],
    readonly inputs: readonly TensorVariable[],
    readonly outputCount: number,
    readonly updated: readonly TensorSharedVariable[],
    readonly noDefaultUpdates: boolean,
    readonly compile: CompileLazy,
  ) {}

  /** Remember that the program of the call shapes `key` was refused; the oldest so remembered forgotten past MAX_REFUSED. */
  refuse(key: string): void {
    this.refused.add(key);
    if (this.refused.size > MAX_REFUSED) this.refused.delete(this.refused.values().next().value!);
  }

  /** Whether `error` is a shape claim that only ifelse branches read: the call then runs lazily. */
  takes(error: unknown): boolean {
    return error instanceof ShapeClaimError && this.#checks().has(error.op);
  }

  #checks(): Set<Op> {
    return (this.#branchOnly ??= branchOnlyChecks(this.#graph()));
  }

  /**
   * The graph, its opFromGraph nodes inlined, then the random variables'
   * draws (none with noDefaultUpdates): the last function computes them
   * whichever branch is taken, so that their generators advance.
   */
  #graph(): readonly TensorVariable[] {
    if (this.#inlined) return this.#inlined;
    const graph = inlineOpFromGraphs(this.graph, () => true);
    const draws = this.noDefaultUpdates ? [] : toposort(graph).flatMap((n) => (n.op instanceof RandomVariable ? [n.outputs[0]!] : []));
    return (this.#inlined = [...graph, ...draws]);
  }

  /** Run the call lazily; its outputs. Its functions record as stages of one call, counted in `profile` (none: a staged function's stage, counted by that function); `convert`: the arguments' time. */
  async run(values: readonly NDArray[], profile: FunctionProfile | undefined, convert: number): Promise<NDArray[]> {
    profile?.beginStaged();
    const rounds = this.#walk(values);
    let [next, reads] = [rounds.next(), 0];
    for (; !next.done; reads++) next = rounds.next((await next.value.runStage(values)) as NDArray[]);
    return this.#finish((await next.value.runStage(values)) as NDArray[], profile, convert, reads);
  }

  /** Run the call lazily, synchronously; its outputs. */
  runSync(values: readonly NDArray[], profile: FunctionProfile | undefined, convert: number): NDArray[] {
    profile?.beginStaged();
    const rounds = this.#walk(values);
    let [next, reads] = [rounds.next(), 0];
    for (; !next.done; reads++) next = rounds.next(next.value.callSync(...values) as NDArray[]);
    return this.#finish(next.value.callSync(...values) as NDArray[], profile, convert, reads);
  }

  /** The call's outputs (without the draws), counted in `profile` once: the rounds' conditions read back are its host reads. */
  #finish(outs: NDArray[], profile: FunctionProfile | undefined, convert: number, reads: number): NDArray[] {
    profile?.recordStaged({ convert, host: 0, reads, ops: 0 });
    return outs.slice(0, this.outputCount);
  }

  /** Free every function's programs. */
  dispose(): void {
    for (const r of this.#rounds.values()) r.fn?.dispose();
    this.#rounds.clear();
  }

  /** Yields each round's conditions function and takes their values (`args`' where they are inputs); returns the function of the branches taken. */
  *#walk(args: readonly NDArray[]): Generator<CompiledFunction, CompiledFunction, NDArray[]> {
    let key = '';
    for (;;) {
      const round = this.#round(key);
      if (!round.selects.length) return round.fn!;
      const values = round.conditionInputs ? round.conditionInputs.map((i) => args[i]!) : yield round.fn!;
      const taken = round.conditions.map((_, i) => Number(values[i]!.data[0]) !== 0); // C's truthiness, as the select's: NaN is true
      key += taken.map((t) => (t ? 'T' : 'F')).join('') + '/';
    }
  }

  #round(key: string): Round {
    const have = this.#rounds.get(key);
    if (have) {
      // most recently used last: the first is the one to free
      this.#rounds.delete(key);
      this.#rounds.set(key, have);
      return have;
    }
    let graph = this.#graph();
    if (key) {
      // the previous round's graph, with each select it decided replaced by the branch taken
      const cut = key.slice(0, -1).lastIndexOf('/') + 1;
      const prev = this.#round(key.slice(0, cut));
      const taken = key.slice(cut, -1);
      const thenTaken = (n: Apply): boolean => taken[prev.conditions.indexOf(n.inputs[0]!)] === 'T';
      graph = cloneReplace(prev.graph, new Map(prev.selects.map((n) => [n.outputs[0]!, thenTaken(n) ? n.inputs[1]! : unchecked(n.inputs[2]!)])));
    }
    const nodes = toposort(graph);
    const reached = reachedOutsideBranches(graph, nodes);
    // an ifelse whose branches hold no claim of their own is computed as eagerly: the functions are one per combination
    // of the ifelses that hold one, not of every ifelse (a model's stochastic depth: one per combination of its layers)
    const selects = nodes.filter((n) => n.op instanceof IfElseSelect && reached.has(n) && branchHolds(n, reached, this.#checks()));
    const options = { onUnusedInput: 'ignore', noDefaultUpdates: true } as const;
    const conditions = [...new Set(selects.map((n) => n.inputs[0]!))];
    // conditions given as arguments (a flag input: ifelse(training, ...)) are read from the call's: no function computes them
    const slots = conditions.map((c) => this.inputs.indexOf(c));
    const conditionInputs = slots.every((i) => i >= 0) ? slots : undefined;
    const n = this.outputCount;
    const updates = this.updated.map((s, i): [TensorSharedVariable, TensorVariable] => [s, graph[n + i]!]);
    const draws = graph.slice(n + updates.length);
    // the conditions' function commits nothing: the last one does, once every claim it checks holds
    const fn = selects.length
      ? conditionInputs
        ? undefined
        : this.compile(this.inputs, conditions, { ...options, name: 'ifelse conditions' })
      : this.compile(this.inputs, [...graph.slice(0, n), ...draws], { ...options, noDefaultUpdates: this.noDefaultUpdates, updates, name: 'branches taken' });
    const round: Round = { graph, selects, conditions, conditionInputs, fn };
    this.#rounds.set(key, round);
    // the rounds of this call were used last (a round's conditions are read before the next round is made), and are kept;
    // a function freed inside a queued call is freed after it (CompiledFunction.dispose)
    for (const [k, r] of this.#rounds) {
      if (this.#rounds.size <= MAX_LAZY_FUNCTIONS) break;
      this.#rounds.delete(k);
      r.fn?.dispose();
    }
    return round;
  }
}
