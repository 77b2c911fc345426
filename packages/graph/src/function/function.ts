/**
 * `sym.function(inputs, outputs, { updates, givens, mode })`: compile a
 * graph into a callable. The graph is copied (givens substituted), handed
 * to the registered optimizer, and scheduled into kernels for the backend
 * that `config.device` names, once per distinct set of input shapes.
 *
 * The pieces: function-graph.ts checks and prepares the graph,
 * function-call-args.ts a call's arguments, function-programs.ts finds or
 * makes the program of a call's shapes, function-run.ts runs it;
 * `CompiledFunction` orders the calls (queue.ts) and hands a graph with
 * ops that run on the host to host-stage.ts.
 */
import type { Backend, DeviceBuffer } from '../core/backend.js';
import { getBackend, resolveBackend, resolveBackendSync } from '../core/backend.js';
import { config, MODES, unknownModeMessage, type Mode } from '../core/config.js';
import { describe, type NDArray } from '../core/ndarray.js';
import { debugprint } from '../printing/printing.js';
import { toposort, type Program } from '../kernel/schedule.js';
import type { TensorSharedVariable } from '../core/shared.js';
import type { SharedRandomState } from '../ops/random.js';
import { TensorVariable } from '../core/variable.js';
import { enqueue, queueBusy } from '../core/queue.js';
import type { FunctionOutput, InputSpec } from './function-args.js';
import { checkCallIndices, type Plan } from './plan.js';
import { convertArgs } from './function-call-args.js';
import { FunctionGraph } from './function-graph.js';
import { FUNCTION_OPTIONS, getOptimizer, type FunctionOptions, type OptimizerOptions } from './function-options.js';
import { FunctionPrograms } from './function-programs.js';
import { runPlan, runPlanSync } from './function-run.js';
import { checkOptionNames } from '../core/options.js';
import { HostStages } from './host-stage.js';
import { LazyBranches } from './lazy-branches.js';
import { makeProfile, now, type FunctionProfile } from './profile.js';
import { copiedOptions, type CopyOptions } from './function-copy.js';
import { PartialWindowError } from '../ops/window-check.js';
import { BranchIndexError } from '../ops/check-index.js';
import { windowsByValue } from '../tensor/window-by-value.js';
import { complexSignature } from '../complex/function.js';
import { withPartedValues } from './parted-values.js';
import type { ComplexArray } from '../complex/array.js';
import type { ComplexVariable } from '../complex/variable.js';
import { checkedSparseUpdates, sparseSignature } from '../sparse/function.js';
import type { SparseMatrix } from '../sparse/matrix.js';
import type { SparseVariable } from '../sparse/variable.js';

export { In, InputSpec, Out, OutputSpec, type FunctionOutput, type Pairs } from './function-args.js';
export { setOptimizer, getOptimizer, type FunctionOptions, type Optimizer, type OptimizerOptions } from './function-options.js';

/** What `sym.function` compiles, behind the callable {@link SymFunction} (its `compiled`): the graph, its programs and their plans. */
export class CompiledFunction {
  /** The `name` option (used in errors and profiles). */
  readonly name: string | undefined;
  /** The compilation mode (the `mode` option, else `config.mode`). */
  readonly mode: Mode;
  /** The device it runs on (the `device` option, else `config.device`). */
  readonly device: string;
  /** The explicit inputs, in call order, each with its name, default and options. */
  readonly inputs: readonly InputSpec[];
  /** Number of outputs a call returns. */
  readonly outputCount: number;
  /** The shared variables a call updates: the `updates` option's, then default updates (a `withUpdates` graph's, as a batch normalisation's running averages). */
  readonly updated: readonly TensorSharedVariable[];
  /**
   * The random generators a call moves (its random variables' own, as a
   * dropout's masks'), in the graph's order; none with `noDefaultUpdates`.
   * With {@link updated}, all the state a call changes: what a checkpoint
   * saves to resume training exactly.
   */
  readonly generators: readonly SharedRandomState[];
  /** Shared variables the graph reads: implicit inputs. */
  readonly sharedInputs: readonly TensorSharedVariable[];
  /** The calls' profile, with `profile: true` or `config.profile`; undefined (and nothing recorded) otherwise. */
  readonly profile: FunctionProfile | undefined;
  /** The rewrites it selects: its `optimizer` option with the `optimizer_*` flags of when it was created (its copies keep them). */
  get optimizerOptions(): OptimizerOptions {
    return this.#fg.optimizerOptions;
  }
  readonly #fg: FunctionGraph;
  readonly #programs: FunctionPrograms;
  #backend: Backend | undefined;
  /** A program of a staged function's call (host-stage.ts): its calls are counted by that function. */
  readonly #stage: boolean;
  /** The host stages when an op of the graph has data-dependent shapes (nonzero, unique), null when none; made for the graph `#stagesOf`. */
  #stages: HostStages | null = null;
  #stagesOf: readonly TensorVariable[] | undefined;
  /** The calls whose program a claim under an ifelse's branch refused (lazy-branches.ts); made at the first. */
  #lazy: LazyBranches | undefined;
  /** The function of calls whose minibatch window NumPy cuts short (`#partialWindows`); null where there is none. */
  #partial: CompiledFunction | null | undefined;

  /** `stageOf`: this is one program of a staged function's calls, recording into its profile, checking `claims` (that function's shape claims it can see). */
  constructor(
    inputs: readonly (TensorVariable | InputSpec)[],
    outputs: FunctionOutput | readonly FunctionOutput[] | null,
    options: FunctionOptions = {},
    stageOf?: { readonly profile: FunctionProfile | undefined; readonly claims?: readonly TensorVariable[] },
  ) {
    checkOptionNames(options, 'function', FUNCTION_OPTIONS);
    this.name = options.name;
    this.mode = options.mode ?? config.mode;
    if (!MODES.includes(this.mode)) throw new Error(unknownModeMessage(this.mode));
    this.device = options.device ?? config.device;
    this.#stage = stageOf !== undefined;
    this.profile = stageOf ? stageOf.profile : makeProfile(options.profile, this.name, this.device, this.mode);
    const fg = (this.#fg = new FunctionGraph(this.name, this.mode, inputs, outputs, options, stageOf?.claims));
    this.#programs = new FunctionPrograms(fg, this);
    this.inputs = fg.inputs;
    this.outputCount = fg.outputCount;
    this.updated = fg.updated;
    this.generators = fg.rngs;
    this.sharedInputs = fg.sharedInputs;
  }

  /**
   * Outputs then update expressions, after rewriting. The optimizer comes
   * with the backend, which may be loaded by name only at the first call:
   * rewriting waits until an optimizer is installed, then happens once.
   */
  get graphOutputs(): readonly TensorVariable[] {
    return this.#fg.graphOutputs;
  }

  /**
   * Explicit inputs whose values an op needs when the program is made (a
   * scan's n_steps, an alloc's shape, and the inputs they are computed
   * from; a tensor's length, `x.shape[0]`, is known with the shapes):
   * programs are made per value of these, as per input shape.
   */
  get staticInputs(): readonly number[] {
    return this.#fg.staticInputs;
  }

  /**
   * The optimized graph, as Theano's debugprint of a compiled function
   * shows it. The optimizer comes with the backend: until one is imported
   * or a first call loads one, the graph is not rewritten, and the text ends
   * with a line that says so.
   */
  debugprint(options: { printType?: boolean } = {}): string {
    const text = debugprint(this.graphOutputs, options);
    return getOptimizer() ? text : `${text}\n(not rewritten yet: the optimizer is installed when a backend is imported, or by the first call)`;
  }

  /**
   * Number of kernels a call with these arguments launches: those of the
   * program of their shapes, or, where a minibatch window's start found on
   * the host makes NumPy's window shorter (the last partial batch), those
   * of the programs such a call runs (`#partialWindows`). A function with
   * ops on the host between programs (nonzero, unique) is counted where
   * those ops read only inputs and lengths, and refused where they read a
   * value a program computes.
   */
  kernelCount(...args: unknown[]): number {
    const values = this.#convertArgs(args);
    const what = `${this.name ? `function ${this.name}` : 'function'}: kernelCount`;
    const stages = this.#hostStages();
    if (stages) {
      const kernels = stages.kernelCount(values);
      if (kernels === undefined) throw new Error(`${what}: an op of the graph (nonzero, unique, ...) runs on the host between programs, whose kernels depend on its results; call the function instead`);
      return kernels;
    }
    const sharedShapes = this.sharedInputs.map((s) => s.valueShape);
    let program: Program;
    // the backend's optional kernels decide some lowerings (a sort is one kernel or a network), its gathers' declaration the fusion: the one a call would use, if registered
    try {
      program = this.#programs.makeProgram(values, sharedShapes, undefined, (this.#backend ?? getBackend(this.device))?.describe());
    } catch (e) {
      if (!this.#lazyBranches().takes(e)) throw e;
      throw new Error(
        `${what}: a shape claim under an ifelse branch refused the program of these shapes (${(e as Error).message}); ` +
          'a call of them runs lazily, its kernels those of the branches its conditions take: call the function instead',
      );
    }
    // a window NumPy cuts short, its start checked on the host before any kernel: the call runs the function of its own
    try {
      checkCallIndices(program.indexChecks, values, this.sharedInputs);
    } catch (e) {
      const partial = e instanceof PartialWindowError ? this.#partialFunction() : null;
      if (partial) return partial.kernelCount(...values);
    }
    return program.steps.length;
  }

  /** `copy`: the caller's NDArrays come back copied (an asynchronous call reads them later). */
  #convertArgs(args: readonly unknown[], copy = false): NDArray[] {
    return convertArgs(args, this.inputs, this.name, this.#fg.allowDowncast, copy);
  }

  /** The host stages (host-stage.ts), made once the graph is rewritten; null when no op needs the host. */
  #hostStages(): HostStages | null {
    const graph = this.graphOutputs;
    // until an optimizer is installed the graph is the unrewritten one, and may change: stages are made per graph
    if (this.#stagesOf === graph) return this.#stages;
    const compile = (inputs: readonly TensorVariable[], outputs: readonly TensorVariable[], options: FunctionOptions, claims?: readonly TensorVariable[]): CompiledFunction =>
      new CompiledFunction(inputs, outputs, { ...options, mode: this.mode, device: this.device, optimizer: this.#fg.optimizerOptions, name: this.name ? `${this.name} ${options.name}` : options.name }, { profile: this.profile, claims });
    this.#stagesOf = graph;
    return (this.#stages = HostStages.of(graph, this.#fg.claimChecks, this.inputs.map((s) => s.variable), this.outputCount, this.updated, compile, this.#fg.noDefaultUpdates) ?? null);
  }

  /** The plan of a call; undefined where a shape claim only an ifelse's branch reads refused it: the call then runs lazily (lazy-branches.ts). */
  #planOrLazy(backend: Backend, values: readonly NDArray[]): Plan | undefined {
    // the shapes whose program was refused are remembered: a call of those shapes does not make it again to be refused
    if (this.#lazy?.refused.has(this.#programs.key(values))) return undefined;
    try {
      return this.#programs.plan(backend, values);
    } catch (e) {
      const lazy = this.#lazyBranches();
      if (!lazy.takes(e)) throw e;
      lazy.refuse(this.#programs.key(values));
      return undefined;
    }
  }

  #lazyBranches(): LazyBranches {
    const compile = (inputs: readonly TensorVariable[], outputs: readonly TensorVariable[], options: FunctionOptions): CompiledFunction =>
      new CompiledFunction(inputs, outputs, { ...options, mode: this.mode, device: this.device, optimizer: this.#fg.optimizerOptions, name: this.name ? `${this.name} ${options.name}` : options.name }, { profile: this.profile });
    return (this.#lazy ??= new LazyBranches(this.#fg.graph, this.inputs.map((s) => s.variable), this.outputCount, this.updated, this.#fg.noDefaultUpdates, compile));
  }

  /** @internal One stage of a staged function's call, run inside that call (already queued); arguments of the inputs' types. */
  runStage(values: readonly NDArray[]): Promise<NDArray[]> {
    return this.#run(values, 0) as Promise<NDArray[]>;
  }

  #result(arrays: NDArray[]): NDArray | NDArray[] {
    return this.#fg.single ? arrays[0]! : arrays;
  }

  /**
   * Call asynchronously (every backend). The arguments are taken when the
   * call is made (an NDArray is copied, so refilling it for the next call is
   * safe); the call runs after every call made before it has finished.
   * Values come in the inputs' order; a last plain object gives values by
   * input name (Theano's keyword arguments): `call(1, { b: 2 })`.
   */
  call(...args: unknown[]): Promise<NDArray | NDArray[]> {
    let values: NDArray[];
    const t0 = this.profile ? now() : 0;
    try {
      values = this.#convertArgs(args, true);
    } catch (e) {
      return Promise.reject(e);
    }
    const convert = this.profile ? now() - t0 : 0;
    for (const s of this.updated) s.queueWriter();
    for (const r of this.#fg.rngs) r.queueWriter();
    return enqueue(async () => {
      try {
        return await this.#run(values, convert);
      } finally {
        for (const s of this.updated) s.writerDone();
        for (const r of this.#fg.rngs) r.writerDone();
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
    const plan = this.#planOrLazy(backend, values);
    // a stage's lazy call is one stage of its function's call, which that function counts (host-stage.ts)
    if (!plan) return this.#result(await this.#lazy!.run(values, this.#stage ? undefined : profile, convert));
    const planned = profile ? now() - t0 : 0;
    try {
      return this.#result(await runPlan(this.#fg, backend, plan, values, sharedBuffers, { profile, stage: this.#stage }, { convert, plan: planned }));
    } catch (e) {
      // an index out of range in a read only an ifelse's branches need: raised lazily, if its branch is taken
      if (e instanceof BranchIndexError) return this.#result(await this.#lazyBranches().run(values, this.#stage ? undefined : profile, convert));
      return this.#result(((await this.#partialWindows(e).runStage(values)) as NDArray[]).slice(0, this.outputCount));
    }
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
    const caller = this.name ? `function ${this.name}` : 'function';
    const sharedBuffers = this.sharedInputs.map((s) => s.deviceBufferSync(backend, caller));
    const plan = this.#planOrLazy(backend, values);
    if (!plan) return this.#result(this.#lazy!.runSync(values, this.#stage ? undefined : profile, t1 - t0));
    const planned = profile ? now() - t1 : 0;
    try {
      return this.#result(runPlanSync(this.#fg, backend, plan, values, sharedBuffers, { profile, stage: this.#stage }, { convert: t1 - t0, plan: planned }));
    } catch (e) {
      if (e instanceof BranchIndexError) return this.#result(this.#lazyBranches().runSync(values, this.#stage ? undefined : profile, t1 - t0));
      return this.#result((this.#partialWindows(e).callSync(...values) as NDArray[]).slice(0, this.outputCount));
    }
  }

  /**
   * The function of a call whose minibatch window NumPy would cut short
   * (`e`, a PartialWindowError: ops/window-check.ts): the graph with those
   * windows' lengths found from the values (tensor/window-by-value.ts),
   * made at the first such call; `e` rethrown if it is another error or
   * no window can be so taken.
   */
  #partialWindows(e: unknown): CompiledFunction {
    if (!(e instanceof PartialWindowError)) throw e;
    const partial = this.#partialFunction();
    if (!partial) throw e;
    return partial;
  }

  /** The function of calls whose minibatch window NumPy cuts short, made once; null where no window can take its length from the values. */
  #partialFunction(): CompiledFunction | null {
    if (this.#partial === undefined) {
      const inputs = this.inputs.map((s) => s.variable);
      const graph = windowsByValue(this.#fg.graph, inputs);
      const n = this.outputCount;
      const updates = graph ? this.updated.map((s, i): [TensorSharedVariable, TensorVariable] => [s, graph[n + i]!]) : [];
      const options = { onUnusedInput: 'ignore', noDefaultUpdates: this.#fg.noDefaultUpdates, updates, mode: this.mode, device: this.device, optimizer: this.#fg.optimizerOptions, name: this.name ? `${this.name} partial windows` : 'partial windows' } as const;
      this.#partial = graph ? new CompiledFunction(inputs, [...graph.slice(0, n), ...graph.slice(n + updates.length)], options, { profile: this.profile }) : null;
    }
    return this.#partial;
  }

  /** Free the device buffers of every cached plan, after the calls made before it (which use them). */
  dispose(): void {
    const release = () => {
      if (this.#backend) this.#programs.release(this.#backend);
      this.#stages?.dispose();
      this.#lazy?.dispose();
      this.#partial?.dispose();
    };
    if (queueBusy()) void enqueue(release);
    else release();
  }
}

/**
 * A compiled function: call it (returns a promise) or `.sync(...)` it on
 * synchronous backends. Arguments come in the inputs' order, and a last
 * plain object gives values by input name, as Theano's keyword arguments:
 * `f(1, { b: 2 })` is Theano's `f(1, b=2)`, `f({ x: 1, b: 2 })` its
 * `f(x=1, b=2)`. An input's name is its variable's, or the one
 * `sym.In(v, { name })` gives it; an input left out takes its default.
 * The arguments are typed `unknown` (their shapes and the inputs' names
 * are checked when the function is called).
 */
export type SymFunction<R = NDArray | NDArray[]> = ((...args: unknown[]) => Promise<R>) & {
  /** Synchronous call, on backends that have one (the CPU). */
  sync(...args: unknown[]): R;
  /** The compiled function object (graph, plans, debugprint). */
  readonly compiled: CompiledFunction;
  /** The calls' profile (`profile: true` or `config.profile`), else undefined. */
  readonly profile: FunctionProfile | undefined;
  /** {@link CompiledFunction.debugprint}: the optimized graph as Theano's debugprint shows it. */
  debugprint(options?: { printType?: boolean }): string;
  /** Theano's `f.copy(swap=..., delete_updates=...)`: the same function reading other shared variables of the same types, or without updates. */
  copy(options?: CopyOptions): SymFunction<R>;
};

/**
 * `sym.function(inputs, output, options)`, Theano's `theano.function`:
 * compiles the graph from `inputs` to one output; a call gives an NDArray.
 * Throws when an output depends on a variable that is not an input, a
 * shared variable or a constant, and (by default) on an unused input.
 *
 * @example
 * ```ts
 * const x = T.dvector('x');
 * const y = T.dscalar('y');
 * const f = sym.function([x, y], x.mul(y).add(1));
 * await f([1, 2, 3], 2); // NDArray [3, 5, 7]
 * ```
 */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec)[], outputs: FunctionOutput, options?: FunctionOptions): SymFunction<NDArray>;
/** A list of outputs: a call gives one NDArray per output, in order. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec)[], outputs: readonly FunctionOutput[], options?: FunctionOptions): SymFunction<NDArray[]>;
/** outputs null: Theano's `outputs=None`, a function of updates only; its call gives []. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec)[], outputs: null, options?: FunctionOptions): SymFunction<NDArray[]>;
/** With sparse inputs or outputs (`sym.sparse`): SparseMatrix arguments for the sparse inputs, and SparseMatrix results for the sparse outputs. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec | SparseVariable)[], outputs: FunctionOutput, options?: FunctionOptions): SymFunction<NDArray>;
/** A sparse output: a call gives a SparseMatrix. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec | SparseVariable)[], outputs: SparseVariable, options?: FunctionOptions): SymFunction<SparseMatrix>;
/** A list of dense and sparse outputs: NDArrays and SparseMatrices, in order. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec | SparseVariable)[], outputs: readonly (FunctionOutput | SparseVariable)[], options?: FunctionOptions): SymFunction<(NDArray | SparseMatrix)[]>;
/** With complex inputs or outputs (T.cvector, T.zmatrix ...): ComplexArray arguments and results for them. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec | ComplexVariable)[], outputs: ComplexVariable, options?: FunctionOptions): SymFunction<ComplexArray>;
/** Complex inputs, a real output: a call gives an NDArray. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec | ComplexVariable)[], outputs: FunctionOutput, options?: FunctionOptions): SymFunction<NDArray>;
/** A list of real and complex outputs: NDArrays and ComplexArrays, in order. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec | ComplexVariable)[], outputs: readonly (FunctionOutput | ComplexVariable)[], options?: FunctionOptions): SymFunction<(NDArray | ComplexArray)[]>;
/** With sparse and complex variables both. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec | SparseVariable | ComplexVariable)[], outputs: FunctionOutput | SparseVariable | ComplexVariable, options?: FunctionOptions): SymFunction<NDArray | SparseMatrix | ComplexArray>;
/** A list of outputs of every kind, each result of its kind, in order. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec | SparseVariable | ComplexVariable)[], outputs: readonly (FunctionOutput | SparseVariable | ComplexVariable)[], options?: FunctionOptions): SymFunction<(NDArray | SparseMatrix | ComplexArray)[]>;
// last, as `ReturnType<typeof sym.function>` reads the last overload: SymFunction, as before the sparse ones came
/** One output or a list: an NDArray or a list of them. */
export function compileFunction(inputs: readonly (TensorVariable | InputSpec)[], outputs: FunctionOutput | readonly FunctionOutput[], options?: FunctionOptions): SymFunction;
export function compileFunction(
  inputs: readonly (TensorVariable | InputSpec | SparseVariable | ComplexVariable)[],
  outputs: FunctionOutput | SparseVariable | ComplexVariable | readonly (FunctionOutput | SparseVariable | ComplexVariable)[] | null,
  options: FunctionOptions = {},
): SymFunction<unknown> {
  checkInputsList(inputs);
  // complex variables (T.cvector ...) become their real parts first; the function of the parts may still be sparse
  const complex = complexSignature(inputs, outputs, options);
  if (complex) return withPartedValues(compileFunction(complex.inputs as TensorVariable[], complex.outputs as TensorVariable, complex.options), complex, 'complex');
  const sparse = sparseSignature(inputs as readonly (TensorVariable | InputSpec | SparseVariable)[], outputs as FunctionOutput | SparseVariable | null, options);
  if (sparse) return withPartedValues(compileFunction(sparse.inputs, sparse.outputs as TensorVariable, sparse.options), sparse, 'sparse');
  // updates of a sparse shared variable's parts checked to keep the parts consistent (the dense function of a sparse one comes here too)
  return denseFunction(inputs as readonly (TensorVariable | InputSpec)[], outputs as FunctionOutput | readonly FunctionOutput[] | null, checkedSparseUpdates(options));
}

/** Theano's "Input variables ... should be contained in a list, even when there is a single input": refused here, not as a TypeError of the code that reads the list. */
function checkInputsList(inputs: unknown): void {
  if (Array.isArray(inputs)) return;
  const got = inputs instanceof TensorVariable ? `the variable ${String(inputs)}` : describe(inputs);
  throw new TypeError(`function: the inputs must be a list, even for a single input (sym.function([x], ...)); got ${got}`);
}

function denseFunction(inputs: readonly (TensorVariable | InputSpec)[], outputs: FunctionOutput | readonly FunctionOutput[] | null, options: FunctionOptions): SymFunction {
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
