/**
 * `sym.function(inputs, outputs, { updates, givens, mode })`: compile a
 * graph into a callable. The graph is copied (givens substituted), handed
 * to the registered optimizer, and scheduled into kernels for the backend
 * that `config.device` names, once per distinct set of input shapes.
 */
import type { Backend, BackendInfo, DeviceBuffer, Launch } from './backend.js';
import { getBackend, resolveBackend, resolveBackendSync } from './backend.js';
import { config, MODES, unknownModeMessage, type Mode } from './config.js';
import { convertValue, fitsType } from './convert.js';
import { NDArray, fromTyped } from './ndarray.js';
import type { TensorLike } from './op.js';
import { cloneReplace } from './clone.js';
import { debugprint } from './printing.js';
import { graphLeaves, schedule, staticLeaves, toposort, type Program } from './schedule.js';
import { TensorSharedVariable } from './shared.js';
import { TensorConstant, TensorVariable } from './variable.js';
import { compileCached } from './exe-cache.js';
import { isInt, MAX_ELEMENTS, type DType, type TypedArray } from './dtype.js';
import { checkProgramValues, type ValueCheck } from './debug.js';
import { enqueue, queueBusy } from './queue.js';
import { InputSpec, givenPairs, keywordArgsError, type Pairs } from './function-args.js';
import { functionUpdates } from './updates.js';
import { checkOptionNames } from './options.js';
import { RandomVariable, type SharedRandomState } from './ops/random.js';
import { HostStages } from './host-stage.js';
import { NO_STATICS, checkCallIndices, emptyUnlaunched, evictPlans, planBytes, sameShapes, type Plan } from './plan.js';
import { makeProfile, now, runProfiled, runProfiledSync, type FunctionProfile, type KernelTiming } from './profile.js';
import { copiedOptions, type CopyOptions } from './function-copy.js';
import { checkShapeClaims } from './shape-claims.js';

export { In, InputSpec, type Pairs } from './function-args.js';

export interface FunctionOptions {
  /** Pairs (shared variable, new value expression); all updates see the values from before the call. */
  updates?: Pairs<TensorSharedVariable, TensorLike>;
  /** Pairs (variable, replacement expression) substituted before compiling. */
  givens?: Pairs<TensorVariable, TensorLike>;
  mode?: Mode;
  name?: string;
  /** Accept inputs whose dtype would be downcast with loss (float64 data into a float32 input). */
  allowInputDowncast?: boolean;
  /** Compile for this device instead of `config.device`. */
  device?: string;
  /** Rewrites to add to or remove from the mode's set, by name or tag (e.g. `{ excluding: ['fusion'] }`). */
  optimizer?: OptimizerOptions;
  /** What an input the outputs do not depend on is: an error (Theano's default), a warning, or nothing. */
  onUnusedInput?: 'raise' | 'warn' | 'ignore';
  /**
   * Theano's `no_default_updates`: calls leave random variables' generators
   * where they are (each call draws the same numbers), and apply no shared
   * variable's `defaultUpdate`.
   */
  noDefaultUpdates?: boolean;
  /** Record a profile of the calls in `f.profile` (Theano's `profile=True`; see `FunctionProfile`); defaults to `config.profile`. */
  profile?: boolean;
}

const FUNCTION_OPTIONS = ['updates', 'givens', 'mode', 'name', 'allowInputDowncast', 'device', 'optimizer', 'onUnusedInput', 'noDefaultUpdates', 'profile'] as const satisfies readonly (keyof FunctionOptions)[];

/** Include or exclude optimizer rewrites by name or tag. */
export interface OptimizerOptions {
  readonly including?: readonly string[];
  readonly excluding?: readonly string[];
}

/** What the optimizer package (@sym/opt) plugs in. */
export interface Optimizer {
  /** Rewrite the graph of `outputs` (copies, never the user's nodes); returns new outputs. */
  rewriteGraph(outputs: readonly TensorVariable[], mode: Mode, options?: OptimizerOptions): TensorVariable[];
  /** Transform a scheduled program (fusion, buffer reuse). */
  optimizeProgram?(program: Program, mode: Mode, options?: OptimizerOptions): Program;
}

let optimizer: Optimizer | undefined;
/** Install the optimizer used by every function compiled afterwards (@sym/opt does this on import). */
export function setOptimizer(o: Optimizer | undefined): void {
  optimizer = o;
}
export function getOptimizer(): Optimizer | undefined {
  return optimizer;
}

export class CompiledFunction {
  readonly name: string | undefined;
  readonly mode: Mode;
  readonly device: string;
  readonly inputs: readonly InputSpec[];
  /** Outputs after givens, then update expressions, before rewriting. */
  readonly #graph: readonly TensorVariable[];
  #rewritten: readonly TensorVariable[] | undefined;
  readonly outputCount: number;
  readonly updated: readonly TensorSharedVariable[];
  /** Shared variables the graph reads: implicit inputs. */
  readonly sharedInputs: readonly TensorSharedVariable[];
  readonly #single: boolean;
  readonly #allowDowncast: boolean;
  readonly #optimizerOptions: OptimizerOptions | undefined;
  readonly #noDefaultUpdates: boolean;
  /** The generators a call moves (its random variables'): later changes to them wait for the call. */
  readonly #rngs: readonly SharedRandomState[];
  readonly #plans = new Map<string, Plan>();
  /** The plan of the previous call: calls with the same shapes skip the key lookup. */
  #lastPlan: Plan | undefined;
  #backend: Backend | undefined;
  #statics: number[] | undefined;
  /** The calls' profile, with `profile: true` or `config.profile`; undefined (and nothing recorded) otherwise. */
  readonly profile: FunctionProfile | undefined;
  /** A program of a staged function's call (host-stage.ts): its calls are counted by that function. */
  readonly #stage: boolean;
  /** The host stages when an op of the graph has data-dependent shapes (nonzero, unique), null when none; made for the graph `#stagesOf`. */
  #stages: HostStages | null = null;
  #stagesOf: readonly TensorVariable[] | undefined;

  /** `stageOf`: this is one program of a staged function's calls, recording into its profile. */
  constructor(
    inputs: readonly (TensorVariable | InputSpec)[],
    outputs: TensorVariable | readonly TensorVariable[] | null,
    options: FunctionOptions = {},
    stageOf?: { readonly profile: FunctionProfile | undefined },
  ) {
    checkOptionNames(options, 'function', FUNCTION_OPTIONS);
    this.name = options.name;
    this.mode = options.mode ?? config.mode;
    if (!MODES.includes(this.mode)) throw new Error(unknownModeMessage(this.mode));
    this.device = options.device ?? config.device;
    this.#allowDowncast = options.allowInputDowncast ?? false;
    this.#optimizerOptions = options.optimizer;
    this.#noDefaultUpdates = options.noDefaultUpdates ?? false;
    this.#stage = stageOf !== undefined;
    this.profile = stageOf ? stageOf.profile : makeProfile(options.profile, this.name, this.device, this.mode);
    if (!Array.isArray(inputs)) throw new TypeError('function: inputs must be a list of variables');
    this.inputs = inputs.map((v, i) => {
      const spec = v instanceof InputSpec ? v : v instanceof TensorVariable ? new InputSpec(v, undefined, false, v.name) : null;
      if (!spec) throw new TypeError(`function: input ${i} is not a symbolic variable`);
      if (spec.variable instanceof TensorSharedVariable) {
        throw new TypeError(`function: input ${i} (${spec.variable}) is a shared variable; shared variables are implicit inputs and cannot be listed`);
      }
      if (spec.variable instanceof TensorConstant) throw new TypeError(`function: input ${i} (${spec.variable}) is a constant`);
      if (!spec.hasDefault) return spec;
      // checked and copied now, as Theano filters a default when the function is made: later changes to it do not leak in
      const label = `${options.name ? `function ${options.name}` : 'function'}: the default value of input ${i} (${spec.name ?? spec.variable.toString()})`;
      const value = convertValue(spec.value, spec.variable.type, label, { allowDowncast: this.#allowDowncast });
      return new InputSpec(spec.variable, value === spec.value ? value.copy() : value, true, spec.name);
    });
    const seen = new Set<TensorVariable>();
    for (const s of this.inputs) {
      if (seen.has(s.variable)) throw new Error(`function: input ${s.variable} is listed twice`);
      seen.add(s.variable);
    }
    const given = outputs === null ? [] : outputs; // null: Theano's outputs=None, a function of updates only whose call gives []
    this.#single = !Array.isArray(given);
    const outs = (this.#single ? [given] : given) as TensorVariable[];
    outs.forEach((o, i) => {
      if (!(o instanceof TensorVariable)) throw new TypeError(`function: ${outputs === undefined ? "outputs is undefined; give a variable, a list of them, or null (Theano's outputs=None: a function of updates only)" : `output ${i} is not a symbolic variable`}`);
    });
    // Inputs with owners cut the graph: replace them with fresh leaves.
    const replace = new Map<TensorVariable, TensorVariable>();
    this.inputs = this.inputs.map((spec) => {
      if (!spec.variable.owner) return spec;
      const leaf = new TensorVariable(spec.variable.type, { name: spec.variable.name });
      replace.set(spec.variable, leaf);
      return new InputSpec(leaf, spec.value, spec.hasDefault, spec.name);
    });
    for (const [v, r] of givenPairs(options.givens, seen)) replace.set(v, r);
    // default and carried updates are those of the graph after givens, as Theano collects them
    const { updates, graph: all } = functionUpdates(options.updates, outs, this.#noDefaultUpdates, (g) => (replace.size ? cloneReplace(g, replace) : g));
    this.#graph = all;
    this.#rngs = this.#noDefaultUpdates ? [] : [...new Set(toposort(all).flatMap((n) => (n.op instanceof RandomVariable ? [n.op.rng] : [])))];
    // rewrite now when an optimizer is installed (bad optimizer options fail here), else at the first call
    if (optimizer) void this.graphOutputs;
    this.outputCount = outs.length;
    this.updated = updates.map(([s]) => s);
    const explicit = new Set(this.inputs.map((s) => s.variable));
    const sharedInputs: TensorSharedVariable[] = [];
    for (const leaf of graphLeaves(all)) {
      if (explicit.has(leaf) || leaf instanceof TensorConstant) continue;
      if (leaf instanceof TensorSharedVariable) sharedInputs.push(leaf);
      else {
        const reader = all.findIndex((g) => graphLeaves([g]).includes(leaf)); // all: the outputs, then each update's expression
        const needer = reader < outs.length ? 'the outputs' : `the update of ${updates[reader - outs.length]![0]}`;
        throw new Error(
          `function: missing input: ${leaf} (${leaf.type}) is needed to compute ${needer} but is not among the inputs ` +
            `[${this.inputs.map((s) => s.variable.toString()).join(', ')}]; list it as an input or give it a value with givens.`,
        );
      }
    }
    this.sharedInputs = sharedInputs;
    this.#checkUnused(all, options.onUnusedInput ?? 'raise');
  }

  /** Theano's on_unused_input: an input nothing depends on is most often a mistake in the inputs list. */
  #checkUnused(graph: readonly TensorVariable[], policy: 'raise' | 'warn' | 'ignore'): void {
    if (policy === 'ignore') return;
    if (policy !== 'raise' && policy !== 'warn') throw new TypeError(`function: onUnusedInput must be 'raise', 'warn' or 'ignore'; got ${JSON.stringify(policy)}`);
    const leaves = new Set(graphLeaves(graph));
    this.inputs.forEach((spec, i) => {
      if (leaves.has(spec.variable)) return;
      const msg =
        `function: input ${i} (${spec.name ?? spec.variable.toString()}) is not needed to compute the outputs or updates. ` +
        `Remove it, or pass onUnusedInput: 'warn' (or 'ignore') to accept it.`;
      if (policy === 'raise') throw new Error(msg);
      // @sym/graph is built without any environment's types (no DOM, no Node): console is reached through globalThis
      (globalThis as { console?: { warn(message: string): void } }).console?.warn(msg);
    });
  }

  /**
   * Outputs then update expressions, after rewriting. The optimizer comes
   * with the backend, which may be loaded by name only at the first call:
   * rewriting waits until an optimizer is installed, then happens once.
   */
  get graphOutputs(): readonly TensorVariable[] {
    if (this.#rewritten) return this.#rewritten;
    return optimizer ? (this.#rewritten = optimizer.rewriteGraph(this.#graph, this.mode, this.#optimizerOptions)) : this.#graph;
  }

  /**
   * The optimized graph, as Theano's debugprint of a compiled function
   * shows it. The optimizer comes with the backend: until one is imported
   * or a first call loads one, the graph is not rewritten, and the text ends
   * with a line that says so.
   */
  debugprint(options: { printType?: boolean } = {}): string {
    const text = debugprint(this.graphOutputs, options);
    return optimizer ? text : `${text}\n(not rewritten yet: the optimizer is installed when a backend is imported, or by the first call)`;
  }

  /** Number of kernels a call with these input shapes launches. */
  kernelCount(...args: unknown[]): number {
    const values = this.#convertArgs(args);
    if (this.#hostStages()) {
      throw new Error(`${this.name ? `function ${this.name}` : 'function'}: kernelCount: an op of the graph (nonzero, unique, ...) runs on the host between programs, whose kernels depend on its results; call the function instead`);
    }
    const sharedShapes = this.sharedInputs.map((s) => s.valueShape);
    // the backend's optional kernels decide some lowerings (a sort is one kernel or a network): the one a call would use, if registered
    return this.#makeProgram(values, sharedShapes, undefined, (this.#backend ?? getBackend(this.device))?.describe().kernels).steps.length;
  }

  #convertArgs(args: readonly unknown[]): NDArray[] {
    const fname = this.name ? `function ${this.name}` : 'function';
    if (args.length > this.inputs.length) {
      throw new TypeError(`${fname}: expected at most ${this.inputs.length} arguments, got ${args.length}`);
    }
    return this.inputs.map((spec, i) => {
      let v = args[i];
      // the common case (an NDArray of the input's type) needs no conversion and no label
      if (v instanceof NDArray && fitsType(v, spec.variable.type)) return v;
      const label = `${fname}: argument ${i} (${spec.name ?? spec.variable.toString()})`;
      const keywords = keywordArgsError(v, label, this.name, this.inputs);
      if (keywords) throw keywords;
      if (v === undefined) {
        if (!spec.hasDefault) throw new TypeError(`${label}: missing, and it has no default value`);
        v = spec.value;
      }
      return convertValue(v, spec.variable.type, label, { allowDowncast: this.#allowDowncast });
    });
  }

  #makeProgram(values: readonly NDArray[], sharedShapes: readonly (readonly number[])[], backend?: Backend, kernels = backend?.describe().kernels): Program {
    const keepAll = this.mode === 'DebugMode' || this.mode === 'NanGuardMode';
    checkShapeClaims(this.#graph, [...this.inputs.map((s) => s.variable), ...this.sharedInputs], [...values.map((v) => v.shape), ...sharedShapes]);
    let program = schedule({
      inputs: [...this.inputs.map((s) => s.variable), ...this.sharedInputs],
      inputShapes: [...values.map((v) => v.shape), ...sharedShapes],
      outputs: this.graphOutputs,
      keepAll,
      staticValues: new Map(this.staticInputs.map((i) => [this.inputs[i]!.variable, values[i]!])),
      kernels,
    });
    if (!optimizer?.optimizeProgram || keepAll) return program;
    // the checking modes look at values after the run, and a failed check must leave the shared variables as they were
    if (backend?.overwrites) program = { ...program, inPlace: { candidates: this.#updateSlots(), overwrites: backend.overwrites.bind(backend) } };
    return optimizer.optimizeProgram(program, this.mode, this.#optimizerOptions);
  }

  /** Each update whose shared variable the graph reads: its input slot (explicit inputs, then shared ones) and its output index. */
  #updateSlots(): { input: number; output: number }[] {
    return this.updated.flatMap((s, k) => {
      const j = this.sharedInputs.indexOf(s);
      return j < 0 ? [] : [{ input: this.inputs.length + j, output: this.outputCount + k }];
    });
  }

  /**
   * Explicit inputs whose values an op needs when the program is made (a
   * scan's n_steps, an alloc's shape, and the inputs they are computed
   * from; a tensor's length, `x.shape[0]`, is known with the shapes):
   * programs are made per value of these, as per input shape.
   */
  get staticInputs(): readonly number[] {
    if (this.#statics) return this.#statics;
    const index = new Map(this.inputs.map((s, i) => [s.variable, i]));
    const slots = new Set<number>();
    const what = "a length (a scan's n_steps, an alloc's shape, an arange's bounds, a random draw's size)";
    for (const v of staticLeaves(toposort(this.graphOutputs))) {
      const i = index.get(v);
      if (i !== undefined) {
        if (v.ndim !== 0 || !isInt(v.dtype)) throw new TypeError(`function: ${v} (${v.type}) decides ${what}, so it must be an integer scalar`);
        slots.add(i);
      } else if (v instanceof TensorSharedVariable) {
        throw new TypeError(`function: ${what} depends on the shared variable ${v}, whose value lives on the device; pass it as an input of the function (an integer scalar) instead`);
      }
    }
    return (this.#statics = [...slots].sort((a, b) => a - b));
  }

  #plan(backend: Backend, values: readonly NDArray[]): Plan {
    const shapes: (readonly number[])[] = [];
    for (const v of values) shapes.push(v.shape);
    for (const s of this.sharedInputs) shapes.push(s.currentShape);
    const slots = this.staticInputs;
    const statics = slots.length === 0 ? NO_STATICS : slots.map((i) => Number(values[i]!.data[0]));
    const last = this.#lastPlan;
    if (last && sameShapes(last.shapes, shapes) && statics.every((v, i) => v === last.statics[i])) return last;
    const sharedShapes = shapes.slice(values.length);
    const key = JSON.stringify([shapes.slice(0, values.length), sharedShapes, statics]);
    let plan = this.#plans.get(key);
    if (plan) {
      // most recently used last: the first is the one to evict
      this.#plans.delete(key);
      this.#plans.set(key, plan);
      return (this.#lastPlan = plan);
    }
    const program = this.#makeProgram(values, sharedShapes, backend);
    const info = backend.describe();
    for (const b of program.buffers) if (!info.dtypes.includes(b.dtype)) throw new TypeError(this.#unsupported(info, b.dtype));
    // a length from a value (zeros(n) of an input n) past what one array may hold is refused before anything is allocated
    program.buffers.forEach((b, id) => {
      if (b.size <= MAX_ELEMENTS) return;
      const by = program.steps.find((s) => s.output === id)?.label;
      throw new RangeError(`${this.name ? `function ${this.name}` : 'function'}: ${by ? `${by} would need` : 'a buffer of'} ${b.size} ${b.dtype} elements; the most one array may hold is ${MAX_ELEMENTS}`);
    });
    const nInputs = this.inputs.length;
    const sharedSlots = program.inputBuffers.slice(nInputs);
    const bound = new Set(sharedSlots);
    // buffers no launch touches (an update's, written in place instead) are not allocated
    const used = new Set([...program.inputBuffers, ...program.constants.map((c) => c.buffer), ...program.outputs.map((o) => o.buffer)]);
    for (const s of program.steps) for (const b of [...s.inputs, s.output]) used.add(b);
    const buffers = program.buffers.map((spec, id) => (bound.has(id) || !used.has(id) ? undefined : backend.alloc(spec.dtype, spec.size)));
    for (const c of program.constants) if (!c.draw) backend.write(buffers[c.buffer]!, c.value.data);
    const exes = program.steps.map((s) => compileCached(backend, s.kernel));
    // placeholders until the first launch binds the shared variables' buffers
    const launches = program.steps.map((s, i) => ({ exe: exes[i]!, inputs: s.inputs.map((b) => buffers[b]!), output: buffers[s.output]! }));
    const draws = program.constants.filter((c) => c.draw);
    plan = { program, exes, buffers, sharedSlots, launches, shapes, statics, draws, bytes: planBytes(program, buffers) };
    this.#plans.set(key, plan);
    // a text's sentences have many lengths: the least recently used programs go, not all of them
    for (const old of evictPlans(this.#plans, plan)) this.#freePlan(backend, old);
    return (this.#lastPlan = plan);
  }

  #freePlan(backend: Backend, p: Plan): void {
    // shared slots hold the shared variables' buffers, bound for a call: theirs to free, not the plan's
    const bound = new Set(p.sharedSlots);
    p.buffers.forEach((b, id) => {
      if (b && !bound.has(id)) backend.free(b);
    });
    if (this.#lastPlan === p) this.#lastPlan = undefined;
  }

  /** Which variable needs a dtype the device lacks (the mean of a comparison is float64, as NumPy's), and how to avoid it. */
  #unsupported(info: BackendInfo, dtype: DType): string {
    const inputs = this.inputs.map((s) => s.variable).filter((v) => v.dtype === dtype);
    const made = toposort(this.graphOutputs).filter((n) => n.outputs.some((o) => o.dtype === dtype));
    const where = inputs.length
      ? `the input ${inputs[0]} is ${dtype}`
      : made.length
        ? `${made[0]!.op.toString()}(${made[0]!.inputs.map((v) => v.toString()).join(', ')}) computes ${dtype}`
        : `an intermediate value is ${dtype}`;
    return (
      `device=${info.name} cannot hold ${dtype} data, which this graph needs: ${where}. It supports ${info.dtypes.join(', ')}. ` +
      `Cast where the value is made (x.astype('float32'), or T.mean(x, { dtype: 'float32' }) for the mean of a comparison), ` +
      `or set floatX=float32 (SYM_FLAGS=floatX=float32) if floatX is ${dtype}.`
    );
  }

  /** The host stages (host-stage.ts), made once the graph is rewritten; null when no op needs the host. */
  #hostStages(): HostStages | null {
    const graph = this.graphOutputs;
    // until an optimizer is installed the graph is the unrewritten one, and may change: stages are made per graph
    if (this.#stagesOf === graph) return this.#stages;
    const compile = (inputs: readonly TensorVariable[], outputs: readonly TensorVariable[], options: FunctionOptions): CompiledFunction =>
      new CompiledFunction(inputs, outputs, { ...options, mode: this.mode, device: this.device, optimizer: this.#optimizerOptions, name: `${this.name ?? 'function'} ${options.name}` }, this);
    this.#stagesOf = graph;
    return (this.#stages = HostStages.of(graph, this.inputs.map((s) => s.variable), this.outputCount, this.updated, compile, this.#noDefaultUpdates) ?? null);
  }

  /** @internal One stage of a staged function's call, run inside that call (already queued); arguments of the inputs' types. */
  runStage(values: readonly NDArray[]): Promise<NDArray[]> {
    return this.#run(values, 0) as Promise<NDArray[]>;
  }

  #releasePlans(backend: Backend): void {
    for (const p of this.#plans.values()) this.#freePlan(backend, p);
    this.#plans.clear();
    this.#lastPlan = undefined;
  }

  /** Upload the arguments and draws and bind this call's buffers into the plan's launches. */
  #bind(backend: Backend, plan: Plan, values: readonly NDArray[], sharedBuffers: readonly DeviceBuffer[]): void {
    const { program, buffers, launches } = plan;
    checkCallIndices(program.indexChecks, values, this.sharedInputs);
    for (let i = 0; i < values.length; i++) backend.write(buffers[program.inputBuffers[i]!]!, values[i]!.data);
    for (const d of plan.draws) {
      d.draw!.fill(d.value);
      backend.write(buffers[d.buffer]!, d.value.data);
    }
    for (let i = 0; i < plan.sharedSlots.length; i++) buffers[plan.sharedSlots[i]!] = sharedBuffers[i];
    // shared slots and committed update buffers change between calls: refresh every binding, allocating nothing
    const steps = program.steps;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      const l = launches[i]!;
      for (let j = 0; j < s.inputs.length; j++) l.inputs[j] = buffers[s.inputs[j]!]!;
      l.output = buffers[s.output]!;
    }
  }

  #commit(backend: Backend, plan: Plan): void {
    const { program, buffers } = plan;
    // Theano's default updates: random variables' generators move past this call's samples
    if (!this.#noDefaultUpdates) for (const d of plan.draws) d.draw!.commit();
    this.updated.forEach((s, i) => {
      const out = program.outputs[this.outputCount + i]!;
      const old = s.commit(backend, buffers[out.buffer]!, out.shape);
      const spec = program.buffers[out.buffer]!;
      buffers[out.buffer] = old && old.size === spec.size && old.dtype === spec.dtype ? old : backend.alloc(spec.dtype, spec.size);
      if (old && buffers[out.buffer] !== old) backend.free(old);
    });
  }

  #result(arrays: NDArray[]): NDArray | NDArray[] {
    return this.#single ? arrays[0]! : arrays;
  }

  #checks(): ValueCheck | undefined {
    return this.mode === 'DebugMode' ? 'debug' : this.mode === 'NanGuardMode' ? 'nanguard' : undefined;
  }

  #checkedBuffers(plan: Plan): Set<number> {
    const ids = new Set([...plan.program.nodeValues.values()].map((v) => v.buffer));
    for (const slot of plan.sharedSlots) ids.add(slot);
    return ids;
  }

  #inputValues(plan: Plan, values: readonly NDArray[], host: ReadonlyMap<number, ArrayLike<number>>): Map<TensorVariable, NDArray> {
    const m = new Map<TensorVariable, NDArray>(this.inputs.map((s, i) => [s.variable, values[i]!]));
    this.sharedInputs.forEach((s, i) => {
      m.set(s, fromTyped(host.get(plan.sharedSlots[i]!) as TypedArray, s.currentShape, s.dtype));
    });
    return m;
  }

  /**
   * Call asynchronously (every backend). The arguments are taken when the
   * call is made (an NDArray is copied, so refilling it for the next call is
   * safe); the call runs after every call made before it has finished.
   */
  call(...args: unknown[]): Promise<NDArray | NDArray[]> {
    let values: NDArray[];
    const t0 = this.profile ? now() : 0;
    try {
      values = this.#convertArgs(args).map((v, i) => (v === args[i] ? v.copy() : v));
    } catch (e) {
      return Promise.reject(e);
    }
    const convert = this.profile ? now() - t0 : 0;
    for (const s of this.updated) s.queueWriter();
    for (const r of this.#rngs) r.queueWriter();
    return enqueue(async () => {
      try {
        return await this.#run(values, convert);
      } finally {
        for (const s of this.updated) s.writerDone();
        for (const r of this.#rngs) r.writerDone();
      }
    });
  }

  async #run(values: readonly NDArray[], convert: number): Promise<NDArray | NDArray[]> {
    const profile = this.profile;
    const t0 = profile ? now() : 0;
    const backend = (this.#backend ??= await resolveBackend(this.device));
    const stages = this.#hostStages();
    if (stages) return this.#result(await stages.run(values, profile, convert));
    const sharedBuffers: DeviceBuffer[] = [];
    for (const s of this.sharedInputs) sharedBuffers.push(await s.deviceBuffer(backend));
    const plan = this.#plan(backend, values);
    const t1 = profile ? now() : 0;
    this.#bind(backend, plan, values, sharedBuffers);
    const t2 = profile ? now() : 0;
    let kernels = 0;
    let timing: KernelTiming = 'run';
    if (profile) ({ wall: kernels, timing } = await runProfiled(backend, plan.launches, (plan.counters ??= profile.program(plan.program))));
    else backend.run(plan.launches as readonly Launch[]);
    const t3 = profile ? now() : 0;
    const check = this.#checks();
    if (check) {
      const host = new Map<number, ArrayLike<number>>();
      for (const id of this.#checkedBuffers(plan)) host.set(id, emptyUnlaunched(plan, id) ?? (await backend.read(plan.buffers[id]!)));
      checkProgramValues(check, this.graphOutputs, plan.program, host, this.#inputValues(plan, values, host));
    }
    const outs: NDArray[] = [];
    for (const o of plan.program.outputs.slice(0, this.outputCount)) {
      const spec = plan.program.buffers[o.buffer]!;
      outs.push(fromTyped(await backend.read(plan.buffers[o.buffer]!), o.shape, spec.dtype));
    }
    this.#commit(backend, plan);
    profile?.record({ convert, plan: t1 - t0, upload: t2 - t1, kernels, read: now() - t3 }, timing, plan.counters, this.#stage);
    return this.#result(outs);
  }

  /** Call synchronously (backends with synchronous reads, such as the CPU). */
  callSync(...args: unknown[]): NDArray | NDArray[] {
    if (queueBusy()) {
      // it would read shared values before the queued calls update them, and share their buffers
      throw new Error(
        `${this.name ? `function ${this.name}` : 'function'}: an asynchronous call (of this or another function) or getValueAsync has not finished; await it before calling synchronously.`,
      );
    }
    const profile = this.profile;
    const t0 = profile ? now() : 0;
    const values = this.#convertArgs(args);
    const t1 = profile ? now() : 0;
    const backend = (this.#backend ??= resolveBackendSync(this.device));
    if (!backend.readSync) throw new Error(`device=${backend.describe().name} has no synchronous calls; use await f(...)`);
    const stages = this.#hostStages();
    if (stages) return this.#result(stages.runSync(values, profile, t1 - t0));
    const sharedBuffers = this.sharedInputs.map((s) => s.deviceBufferSync(backend));
    const plan = this.#plan(backend, values);
    const t2 = profile ? now() : 0;
    this.#bind(backend, plan, values, sharedBuffers);
    const t3 = profile ? now() : 0;
    const kernels = profile ? runProfiledSync(backend, plan.launches, (plan.counters ??= profile.program(plan.program))) : undefined;
    if (!profile) backend.run(plan.launches as readonly Launch[]);
    const t4 = profile ? now() : 0;
    const check = this.#checks();
    if (check) {
      const host = new Map<number, ArrayLike<number>>();
      for (const id of this.#checkedBuffers(plan)) host.set(id, emptyUnlaunched(plan, id) ?? backend.readSync(plan.buffers[id]!));
      checkProgramValues(check, this.graphOutputs, plan.program, host, this.#inputValues(plan, values, host));
    }
    const outs = plan.program.outputs
      .slice(0, this.outputCount)
      .map((o) => fromTyped(backend.readSync!(plan.buffers[o.buffer]!), o.shape, plan.program.buffers[o.buffer]!.dtype));
    this.#commit(backend, plan);
    if (profile) profile.record({ convert: t1 - t0, plan: t2 - t1, upload: t3 - t2, kernels: kernels!.total, read: now() - t4 }, kernels!.timing, plan.counters, this.#stage);
    return this.#result(outs);
  }

  /** Free the device buffers of every cached plan, after the calls made before it (which use them). */
  dispose(): void {
    const release = () => {
      if (this.#backend) this.#releasePlans(this.#backend);
      this.#stages?.dispose();
    };
    if (queueBusy()) void enqueue(release);
    else release();
  }
}

/** A compiled function: call it (returns a promise) or `.sync(...)` it on synchronous backends. */
export type SymFunction<R = NDArray | NDArray[]> = ((...args: unknown[]) => Promise<R>) & {
  /** Synchronous call, on backends that have one (the CPU). */
  sync(...args: unknown[]): R;
  /** The compiled function object (graph, plans, debugprint). */
  readonly compiled: CompiledFunction;
  /** The calls' profile (`profile: true` or `config.profile`), else undefined. */
  readonly profile: FunctionProfile | undefined;
  debugprint(options?: { printType?: boolean }): string;
  /** Theano's `f.copy(swap=..., delete_updates=...)`: the same function reading other shared variables of the same types, or without updates. */
  copy(options?: CopyOptions): SymFunction<R>;
};

export function compileFunction(inputs: readonly (TensorVariable | InputSpec)[], outputs: TensorVariable, options?: FunctionOptions): SymFunction<NDArray>;
export function compileFunction(inputs: readonly (TensorVariable | InputSpec)[], outputs: readonly TensorVariable[], options?: FunctionOptions): SymFunction<NDArray[]>;
/** outputs null: Theano's `outputs=None`, a function of updates only; its call gives []. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec)[], outputs: null, options?: FunctionOptions): SymFunction<NDArray[]>;
export function compileFunction(inputs: readonly (TensorVariable | InputSpec)[], outputs: TensorVariable | readonly TensorVariable[], options?: FunctionOptions): SymFunction;
export function compileFunction(
  inputs: readonly (TensorVariable | InputSpec)[],
  outputs: TensorVariable | readonly TensorVariable[] | null,
  options: FunctionOptions = {},
): SymFunction {
  const fn = new CompiledFunction(inputs, outputs, options);
  const f = ((...args: unknown[]) => fn.call(...args)) as SymFunction;
  Object.defineProperties(f, {
    sync: { value: (...args: unknown[]) => fn.callSync(...args) },
    compiled: { value: fn },
    profile: { value: fn.profile },
    debugprint: { value: (o?: { printType?: boolean }) => fn.debugprint(o) },
    copy: { value: (o: CopyOptions = {}) => compileFunction(inputs, outputs as TensorVariable, copiedOptions(fn, options, o)) },
    name: { value: options.name ?? 'symFunction' },
  });
  return f;
}

export { toposort };
