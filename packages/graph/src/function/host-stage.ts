/**
 * Host stages: how `sym.function` runs a graph holding ops whose output
 * shapes depend on values (`Op.dataDependentShape`: nonzero, unique,
 * bincount's length). A program's buffers and kernels are fixed before it
 * runs, so no program can compute such an op; the function is cut at them.
 *
 * Each host op gets a level: 1 + the highest level among the host ops it
 * depends on. Stage k is a program computing the inputs of the level-k host
 * ops (from the function's inputs, shared variables and earlier host ops'
 * results); those values alone are read back, the ops' reference `perform`
 * runs on the host, and their results are inputs of later programs. The
 * last program computes the outputs and updates. Each program is an inner
 * `CompiledFunction` over the function's inputs plus the host results, so
 * it is cached per input shapes (and static values) as any function's,
 * and a host result that is an integer scalar may decide a later
 * program's lengths (bincount's `zeros(length)`). An input of a host op
 * that is a function input, a constant or an earlier host result costs no
 * program and no readback (`T.nonzero(x)` of an input `x` runs no kernel),
 * nor does a length of one or of a shared variable (`compress(c, x)`'s
 * x.shape[axis], x's size: the product of its lengths; `W[i:]`'s
 * W.shape[0]), computed on the host.
 *
 * A value an earlier program computes and a later one needs (`h` of
 * `h.get(h.gt(0))` with `h = tanh(dot(x, w))`) is handed over on the
 * device: the earlier program writes it into a private shared variable
 * (a carrier: an update, so its buffer changes hands without a copy or a
 * readback) that the later program reads as a shared input. Views, shapes,
 * allocations and integer scalars are computed again instead (free, and a
 * later program may need a length's value when it is made). Random
 * variables give the same numbers to every stage of a call: a draw is
 * filled from its generator's state, which moves (`commit`) only after the
 * whole call succeeded, as do the shared variables' updates (the last
 * program's); a failing stage (bincount of a negative value) changes
 * nothing.
 *
 * A scan that ends with until, or whose step holds a host op (a Print,
 * an asOp, nonzero, an inner loop with until: `Scan.dataDependentShape`),
 * is itself a host op here: the loop (`Scan.loop`) runs on the host, its
 * step a function of its own (compiled once, staged around a host op)
 * called once per step with its rows, states and non-sequences, as Theano
 * runs a Print or an as_op at every step, and stops after the step whose
 * condition holds. Each step costs a call: its arguments uploaded, its
 * outputs read back.
 */
import { NDArray } from '../core/ndarray.js';
import { isInt } from '../core/dtype.js';
import { constant, type Apply, type Op } from '../core/op.js';
import { cloneReplace } from '../core/clone.js';
import { graphLeaves, toposort } from '../kernel/schedule.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';
import { shared, TensorSharedVariable } from '../core/shared.js';
import { RandomVariable } from '../ops/random.js';
import { OpFromGraph } from '../ops/op-from-graph.js';
import { inlineOpFromGraphs } from '../control/op-from-graph.js';
import { ShapeI } from '../ops/shape.js';
import { Scan } from '../ops/scan.js';
import { AsOp } from '../core/as-op.js';
import { PrintOp } from '../printing/print-op.js';
import { now, type FunctionProfile } from './profile.js';
import type { CompiledFunction, FunctionOptions } from './function.js';

/**
 * Makes one stage's program: an inner function, recording into the outer
 * function's profile as one of its call's stages, checking `claims` (the
 * outer function's shape claims whose inputs the stage has) as its own.
 */
export type StageCompiler = (inputs: readonly TensorVariable[], outputs: readonly TensorVariable[], options: FunctionOptions, claims?: readonly TensorVariable[]) => CompiledFunction;

interface Level {
  /** The host ops of this level, and their inputs in the stages' graph (host results replaced by leaves). */
  readonly nodes: readonly { readonly node: Apply; readonly inputs: readonly TensorVariable[] }[];
  /** The program computing the inputs that are neither inputs, constants nor host results; undefined when there are none. */
  readonly program: CompiledFunction | undefined;
  /** What the program computes, in its outputs' order. */
  readonly computed: readonly TensorVariable[];
}

/** What a staged function is made of (see the file's comment). */
export class HostStages {
  readonly #inputs: readonly TensorVariable[];
  readonly #levels: Level[] = [];
  /** Per output: a host result (leaf), or the index among the final program's outputs. */
  readonly #outputs: (TensorVariable | number)[] = [];
  readonly #final: CompiledFunction | undefined;
  /** Each host op's outputs' leaves in the stages' graphs. */
  readonly #leaves = new Map<TensorVariable, TensorVariable>();
  readonly #noDefaultUpdates: boolean;
  #draws: Set<RandomVariable> | undefined;
  /** The private shared variables carrying values from the stage computing them to later ones, on the device. */
  readonly #carriers: TensorSharedVariable[] = [];
  readonly #compile: StageCompiler;
  /** Per scan whose step holds a host op: its step, a function of its own (staged around that op), called once per step. */
  readonly #steps = new Map<Scan, CompiledFunction>();

  /**
   * The stages of `graph` (outputs then update expressions) and its shape
   * claims (shape-claims.ts, rewritten with it), or undefined when no op in
   * them needs the host. Each claim is checked by a stage after the host
   * ops it reads, the first one made anyway (a claim the rewrites folded
   * out of the outputs is checked as in an unstaged function).
   */
  static of(
    graph: readonly TensorVariable[],
    claims: readonly TensorVariable[],
    inputs: readonly TensorVariable[],
    outputCount: number,
    updated: readonly TensorSharedVariable[],
    compile: StageCompiler,
    noDefaultUpdates: boolean,
  ): HostStages | undefined {
    // every function asks at its first call: one walk over the graph when no op needs the host
    if (!needsHost([...graph, ...claims])) return undefined;
    const expanded = inlineOpFromGraphs([...graph, ...claims], holdsHostOp);
    return new HostStages(toposort(expanded), expanded.slice(0, graph.length), expanded.slice(graph.length), inputs, outputCount, updated, compile, noDefaultUpdates);
  }

  private constructor(
    nodes: readonly Apply[],
    graph: readonly TensorVariable[],
    claims: readonly TensorVariable[],
    inputs: readonly TensorVariable[],
    outputCount: number,
    updated: readonly TensorSharedVariable[],
    compile: StageCompiler,
    noDefaultUpdates: boolean,
  ) {
    this.#inputs = inputs;
    this.#noDefaultUpdates = noDefaultUpdates;
    this.#compile = compile;
    // a variable's depth: the highest level of the host ops it is computed from (0: none)
    const depth = new Map<TensorVariable, number>();
    const hostNodes: { node: Apply; level: number }[] = [];
    for (const node of nodes) {
      const d = node.inputs.reduce((m, v) => Math.max(m, depth.get(v) ?? 0), 0);
      const host = node.op.dataDependentShape?.() === true;
      for (const o of node.outputs) depth.set(o, host ? d + 1 : d);
      if (!host) continue;
      hostNodes.push({ node, level: d + 1 });
      for (const o of node.outputs) this.#leaves.set(o, new TensorVariable(o.type, { name: o.name ?? `${node.op.toString()}.${o.index}` }));
    }
    // one copy for every stage, host results replaced by leaves: equal subgraphs stay equal across stages
    const hostInputs = hostNodes.flatMap(({ node }) => node.inputs);
    const cut = cloneReplace([...graph, ...claims, ...hostInputs], this.#leaves);
    const stageGraph = cut.slice(0, graph.length);
    let at = graph.length + claims.length;
    const leafLevel = new Map<TensorVariable, number>();
    for (const { node, level } of hostNodes) for (const o of node.outputs) leafLevel.set(this.#leaves.get(o)!, level);
    const leavesBefore = (k: number): TensorVariable[] => [...leafLevel].filter(([, l]) => l < k).map(([v]) => v);
    const options: FunctionOptions = { onUnusedInput: 'ignore', noDefaultUpdates: true };
    const maxLevel = Math.max(...hostNodes.map((h) => h.level));
    const given = new Set(inputs);
    const known = (v: TensorVariable): boolean => given.has(v) || v instanceof TensorConstant || leafLevel.has(v);
    const onHost = new Map<TensorVariable, boolean>();
    // a length the host knows without a program: a shape of a known value or of a shared variable (its value's shape is
    // on the host even when the value lives on a device: W[i:] of a shared W), integer arithmetic of such lengths (x's size)
    const lengthOnHost = (v: TensorVariable): boolean => {
      const node = v.owner;
      if (!node) return false;
      let yes = onHost.get(v);
      if (yes !== undefined) return yes;
      if (node.op.kind === 'Shape') yes = known(node.inputs[0]!) || node.inputs[0] instanceof TensorSharedVariable;
      else yes = node.op.kind === 'Elemwise' && v.ndim === 0 && isInt(v.dtype) && node.inputs.every((i) => i.ndim === 0 && (i instanceof TensorConstant || lengthOnHost(i)));
      onHost.set(v, yes);
      return yes;
    };
    const free = (v: TensorVariable): boolean => known(v) || lengthOnHost(v);
    const byLevel = new Map<number, { node: Apply; inputs: TensorVariable[] }[]>();
    for (const { node, level } of hostNodes) {
      const ins = cut.slice(at, at + node.inputs.length);
      at += node.inputs.length;
      let list = byLevel.get(level);
      if (!list) byLevel.set(level, (list = []));
      list.push({ node, inputs: ins });
    }
    // each stage's targets on the cut graph: the level's computed host inputs, then (last) the outputs and updates
    const lists = Array.from({ length: maxLevel }, (_, k) => byLevel.get(k + 1) ?? []);
    const computed = lists.map((list) => [...new Set(list.flatMap((h) => h.inputs).filter((v) => !free(v)))]);
    const outs = stageGraph.slice(0, outputCount);
    const programOutputs: TensorVariable[] = [];
    for (const o of outs) {
      if (leafLevel.has(o)) this.#outputs.push(o);
      else this.#outputs.push(programOutputs.push(o) - 1);
    }
    const updateExprs = stageGraph.slice(outputCount);
    const carried = carriedValues([...computed, [...programOutputs, ...updateExprs]], free);
    // a claim is checked by the first stage made anyway after the last host op it reads (stage k has the host results of
    // levels <= k), else by a stage of its own there: a program of no kernel, which uploads what the claim reads
    const made = (k: number): boolean => (k < maxLevel ? computed[k]!.length > 0 || carried[k]!.length > 0 : programOutputs.length > 0 || updateExprs.length > 0);
    const claimsAt = Array.from({ length: maxLevel + 1 }, (): TensorVariable[] => []);
    claims.forEach((c, i) => {
      const d = depth.get(c) ?? 0;
      let k = d;
      while (k <= maxLevel && !made(k)) k++;
      claimsAt[k > maxLevel ? d : k]!.push(cut[graph.length + i]!);
    });
    // a carried value is written by its stage into a private shared variable, which later stages read on the device
    const carrierOf = new Map<TensorVariable, TensorVariable>();
    const stageFunction = (k: number, targets: readonly TensorVariable[], updates: readonly [TensorSharedVariable, TensorVariable][], name: string): CompiledFunction => {
      const carries = carried[k]!;
      const cloned = cloneReplace([...targets, ...updates.map(([, e]) => e), ...carries, ...claimsAt[k]!], carrierOf);
      const own = updates.map(([s], i): [TensorSharedVariable, TensorVariable] => [s, cloned[targets.length + i]!]);
      const hand = carries.map((v, i): [TensorSharedVariable, TensorVariable] => {
        const carrier = carrierFor(v);
        this.#carriers.push(carrier);
        return [carrier, cloned[targets.length + updates.length + i]!];
      });
      // only what the stage reads: a function uploads each of its inputs at every call
      const reads = new Set(graphLeaves(cloned));
      const checks = cloned.slice(targets.length + updates.length + carries.length);
      const f = compile([...inputs, ...leavesBefore(k + 1)].filter((v) => reads.has(v)), cloned.slice(0, targets.length), { ...options, name, updates: [...own, ...hand] }, checks);
      hand.forEach(([carrier], i) => carrierOf.set(carries[i]!, carrier));
      return f;
    };
    for (let k = 0; k < maxLevel; k++) {
      const program = computed[k]!.length || carried[k]!.length || claimsAt[k]!.length ? stageFunction(k, computed[k]!, [], `stage ${k + 1}`) : undefined;
      this.#levels.push({ nodes: lists[k]!, program, computed: computed[k]! });
    }
    const updates = updated.map((s, i): [TensorSharedVariable, TensorVariable] => [s, updateExprs[i]!]);
    this.#final = programOutputs.length || updates.length || claimsAt[maxLevel]!.length ? stageFunction(maxLevel, programOutputs, updates, 'last stage') : undefined;
  }

  /** The stages' programs and the host loops' steps (for disposing them). */
  get programs(): CompiledFunction[] {
    return [...this.#levels.flatMap((l) => (l.program ? [l.program] : [])), ...(this.#final ? [this.#final] : []), ...this.#steps.values()];
  }

  /** Free the stages' programs and the carried values' device buffers. */
  dispose(): void {
    for (const f of this.programs) f.dispose();
    for (const c of this.#carriers) c.releaseDevice();
  }

  /** Run a call (inside the function's queued call): the outputs, the updates applied. */
  async run(values: readonly NDArray[], profile: FunctionProfile | undefined, convert: number): Promise<NDArray[]> {
    const calls = this.#calls(values, profile, convert);
    for (let c = calls.next(); ; c = calls.next((await c.value[0].runStage(c.value[1])) as NDArray[])) if (c.done) return c.value;
  }

  /** `run`, synchronously. */
  runSync(values: readonly NDArray[], profile: FunctionProfile | undefined, convert: number): NDArray[] {
    const calls = this.#calls(values, profile, convert);
    for (let c = calls.next(); ; c = calls.next(c.value[0].callSync(...c.value[1]) as NDArray[])) if (c.done) return c.value;
  }

  /**
   * A call as the stages it runs: yields each compiled stage with its
   * arguments and is resumed with the stage's outputs (awaited by `run`,
   * called by `runSync`); returns the call's outputs.
   */
  *#calls(values: readonly NDArray[], profile: FunctionProfile | undefined, convert: number): Generator<StageCall, NDArray[], NDArray[]> {
    const host = this.#start(values, profile);
    const stats = { host: 0, reads: 0, ops: 0 };
    for (const level of this.#levels) {
      const computed = level.program ? yield [level.program, this.#args(level.program, host)] : [];
      const t0 = profile ? now() : 0;
      for (const { node, ins } of this.#hostInputs(level, computed, host)) {
        let outs: NDArray[];
        if (node.op instanceof Scan) {
          // a scan whose step holds a host op: a step at a time, each step's function run before the next
          const step = this.#step(node.op);
          const loop = node.op.loop(ins, node);
          let next = loop.next();
          while (!next.done) next = loop.next(yield [step, stepArgs(node.op, step, next.value)]);
          outs = next.value;
        } else outs = node.op.perform(ins, node);
        this.#store(node, outs, host);
      }
      this.#count(computed, stats, profile, t0, level.nodes.length);
    }
    const last = this.#final ? yield [this.#final, this.#args(this.#final, host)] : [];
    return this.#finish(last, host, stats, profile, convert);
  }

  /**
   * The kernels a call of these values launches, where every host op reads
   * only what is known without running a kernel (inputs, constants,
   * lengths: a partial minibatch's window bounds), the host ops run here to
   * find the later programs' shapes; undefined where one reads a value a
   * program computes (or steps a scan), which only a call can find, or
   * where running one would do what a call does (a Print prints, an asOp
   * runs the user's function).
   */
  kernelCount(values: readonly NDArray[]): number | undefined {
    const host = new Map(this.#inputs.map((v, i) => [v, values[i]!]));
    let kernels = 0;
    for (const level of this.#levels) {
      if (level.computed.length) return undefined;
      if (level.program) kernels += level.program.kernelCount(...this.#args(level.program, host));
      for (const { node, ins } of this.#hostInputs(level, [], host)) {
        if (node.op instanceof Scan || node.op instanceof PrintOp || node.op instanceof AsOp) return undefined;
        this.#store(node, node.op.perform(ins, node), host);
      }
    }
    return kernels + (this.#final ? this.#final.kernelCount(...this.#args(this.#final, host)) : 0);
  }

  #start(values: readonly NDArray[], profile: FunctionProfile | undefined): Map<TensorVariable, NDArray> {
    profile?.beginStaged();
    return new Map(this.#inputs.map((v, i) => [v, values[i]!]));
  }

  #args(f: CompiledFunction, host: ReadonlyMap<TensorVariable, NDArray>): NDArray[] {
    return f.inputs.map((s) => host.get(s.variable)!);
  }

  /** The level's host ops, each with its inputs' values: read back, given, or computed here. */
  #hostInputs(level: Level, computed: readonly NDArray[], host: ReadonlyMap<TensorVariable, NDArray>): { node: Apply; ins: NDArray[] }[] {
    const got = new Map(level.computed.map((v, i) => [v, computed[i]!]));
    // an input neither computed nor given is a constant, or a length computed here from known values (x.shape[0] of an input x)
    const valueOf = (v: TensorVariable): NDArray => {
      const value = got.get(v) ?? host.get(v) ?? (v instanceof TensorConstant ? v.value : undefined);
      if (value) return value;
      const node = v.owner!;
      const [x] = node.inputs;
      // a shared variable's length from its shape now (inside the queued call), its value not read
      const out = node.op instanceof ShapeI && x instanceof TensorSharedVariable && !host.has(x) ? lengthOf(x.currentShape[node.op.axis]!) : node.op.perform(node.inputs.map(valueOf), node)[v.index]!;
      got.set(v, out);
      return out;
    };
    return level.nodes.map(({ node, inputs }) => ({ node, ins: inputs.map(valueOf) }));
  }

  #store(node: Apply, outs: readonly NDArray[], host: Map<TensorVariable, NDArray>): void {
    node.outputs.forEach((o, i) => host.set(this.#leaves.get(o)!, outs[i]!));
  }

  #count(computed: readonly NDArray[], stats: { host: number; reads: number; ops: number }, profile: FunctionProfile | undefined, t0: number, ops: number): void {
    stats.ops += ops;
    stats.reads += computed.length;
    if (profile) stats.host += now() - t0;
  }

  /** The step of a scan run on the host, compiled once: over its sequences' rows, states and non-sequences. */
  #step(scan: Scan): CompiledFunction {
    let f = this.#steps.get(scan);
    if (!f) {
      const { sequences, states, nonSequences, outputs } = scan.inner;
      f = this.#compile([...sequences, ...states, ...nonSequences], outputs, { onUnusedInput: 'ignore', noDefaultUpdates: true, name: `${scan} step` });
      this.#steps.set(scan, f);
    }
    return f;
  }

  #finish(last: readonly NDArray[], host: ReadonlyMap<TensorVariable, NDArray>, stats: { host: number; reads: number; ops: number }, profile: FunctionProfile | undefined, convert: number): NDArray[] {
    // the draws' generators move once, after every stage succeeded (each stage filled its draws from the same state)
    if (!this.#noDefaultUpdates) for (const d of this.#randomVariables()) d.commit();
    profile?.recordStaged({ convert, host: stats.host, reads: stats.reads, ops: stats.ops });
    return this.#outputs.map((o) => (typeof o === 'number' ? last[o]! : host.get(o)!.copy()));
  }

  #randomVariables(): Set<RandomVariable> {
    if (this.#draws) return this.#draws;
    const draws = new Set<RandomVariable>();
    for (const f of this.programs) for (const n of toposort(f.graphOutputs)) if (n.op instanceof RandomVariable) draws.add(n.op);
    // a loop with until draws its steps' rows itself (Scan's draws)
    for (const level of this.#levels) for (const { node } of level.nodes) if (node.op instanceof Scan) for (const d of node.op.draws) if (d) draws.add(d);
    return (this.#draws = draws);
  }
}

/**
 * Ops whose results a later stage computes again rather than receive: views
 * and shapes (free, and a shape may be a later program's static length),
 * allocations and ranges of known lengths.
 */
const RECOMPUTED = new Set<string>(['Shape', 'DimShuffle', 'Reshape', 'Subtensor', 'MatchLength', 'SpecifyShape', 'CheckIndex', 'Alloc', 'ARange', 'DFT']);

function carryable(v: TensorVariable): boolean {
  if (!v.owner || v.owner.op.dataDependentShape?.() || RECOMPUTED.has(v.owner.op.kind)) return false;
  // an integer scalar may decide a later program's lengths, which need its value when the program is made
  return !(v.ndim === 0 && (isInt(v.dtype) || v.dtype === 'bool'));
}

/**
 * For each stage (by its targets, on one graph), the values it computes
 * that later stages need: the first carryable ones met walking back from
 * a later stage's targets, not past what is given (`free`), a shared
 * variable, or a value an earlier stage carries.
 */
function carriedValues(targets: readonly (readonly TensorVariable[])[], free: (v: TensorVariable) => boolean): TensorVariable[][] {
  const carried = new Set<TensorVariable>();
  const stop = (v: TensorVariable): boolean => !v.owner || free(v) || carried.has(v);
  const walk = (from: readonly TensorVariable[], visit: (v: TensorVariable) => boolean): void => {
    const seen = new Set<TensorVariable>();
    const stack = [...from];
    while (stack.length) {
      const v = stack.pop()!;
      if (seen.has(v) || stop(v)) continue;
      seen.add(v);
      if (visit(v)) for (const i of v.owner!.inputs) stack.push(i);
    }
  };
  return targets.map((own, k) => {
    const computes = new Set<TensorVariable>();
    // a node's other outputs come with it (a scan's loop computes all of them): a later stage reads them rather than run the node again
    walk(own, (v) => {
      for (const o of v.owner!.outputs) computes.add(o);
      return true;
    });
    const carries = new Set<TensorVariable>();
    // the frontier of what this stage computes, as later stages reach it
    walk(targets.slice(k + 1).flat(), (v) => {
      if (!computes.has(v) || !carryable(v)) return true;
      carries.add(v);
      return false;
    });
    for (const v of carries) carried.add(v);
    return [...carries];
  });
}

/** Whether computing `graph` needs an op run on the host between programs (nonzero, a Print in a scan's step, ...): no one program computes it. */
export function needsHost(graph: readonly TensorVariable[]): boolean {
  return toposort(graph).some((n) => n.op.dataDependentShape?.() === true || holdsHostOp(n.op));
}

/** Whether op is an opFromGraph whose inner graph (or a nested one's) holds an op needing the host. */
function holdsHostOp(op: Op): boolean {
  return op instanceof OpFromGraph && op.nodes.some((n) => n.op.dataDependentShape?.() === true || holdsHostOp(n.op));
}

/** A private shared variable of v's type, empty until its stage writes it. */
function carrierFor(v: TensorVariable): TensorSharedVariable {
  const empty = NDArray.zeros(v.broadcastable.map((b) => (b ? 1 : 0)), v.dtype);
  return shared(empty, { name: `carried ${v.name ?? v.toString()}`, broadcastable: v.broadcastable, borrow: true });
}

/** An int64 scalar holding `n`. */
function lengthOf(n: number): NDArray {
  const a = NDArray.zeros([], 'int64');
  a.data[0] = n;
  return a;
}

/** A stage of a staged call: a compiled function and its arguments. */
type StageCall = readonly [CompiledFunction, NDArray[]];

/** A step's arguments: its values (sequences' rows, states, non-sequences, in the scan's order) in the order of the step function's inputs. */
function stepArgs(scan: Scan, step: CompiledFunction, values: readonly NDArray[]): NDArray[] {
  const { sequences, states, nonSequences } = scan.inner;
  const at = new Map([...sequences, ...states, ...nonSequences].map((p, i) => [p, values[i]!]));
  return step.inputs.map((s) => at.get(s.variable)!);
}
