/**
 * The graph a compiled function computes, checked and prepared when the
 * function is made: its inputs (with their defaults), its outputs and
 * update expressions after givens, the shared variables it reads, and the
 * rewritten graph the optimizer makes of it.
 */
import { config, type Mode } from '../core/config.js';
import { convertValue } from '../core/convert.js';
import { cloneReplace } from '../core/clone.js';
import { labelForErrors, nameInError } from '../core/error-names.js';
import { isInt } from '../core/dtype.js';
import { InputSpec, OutputSpec, givenPairs, type FunctionOutput } from './function-args.js';
import { getOptimizer, withOptimizerFlags, type FunctionOptions, type OptimizerOptions } from './function-options.js';
import { RandomVariable, type SharedRandomState } from '../ops/random.js';
import { Scan } from '../ops/scan.js';
import type { Apply } from '../core/op.js';
import { graphLeaves, staticLeaves, toposort } from '../kernel/schedule.js';
import { TensorSharedVariable } from '../core/shared.js';
import { shapeClaims } from './shape-claims.js';
import { functionUpdates } from './updates.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';

export class FunctionGraph {
  readonly inputs: readonly InputSpec[];
  /** Outputs after givens, then update expressions, before rewriting. */
  readonly graph: readonly TensorVariable[];
  #rewritten: readonly TensorVariable[] | undefined;
  #claims: readonly TensorVariable[] | undefined;
  #claimsUnrewritten: readonly TensorVariable[] | undefined;
  readonly outputCount: number;
  /** A single output (not a list): a call gives it alone. */
  readonly single: boolean;
  /** Per output: given as `Out(v, { borrow: true })`, so a synchronous call may return its buffer's storage uncopied (function-run.ts). */
  readonly borrowed: readonly boolean[];
  readonly updated: readonly TensorSharedVariable[];
  /** Shared variables the graph reads: implicit inputs. */
  readonly sharedInputs: readonly TensorSharedVariable[];
  /** The generators a call moves (its random variables'): later changes to them wait for the call. */
  readonly rngs: readonly SharedRandomState[];
  readonly allowDowncast: boolean;
  readonly optimizerOptions: OptimizerOptions;
  readonly noDefaultUpdates: boolean;
  #statics: number[] | undefined;
  readonly #stageClaims: readonly TensorVariable[];

  constructor(
    readonly name: string | undefined,
    readonly mode: Mode,
    inputs: readonly (TensorVariable | InputSpec)[],
    outputs: FunctionOutput | readonly FunctionOutput[] | null,
    options: FunctionOptions,
    /** A host stage's (host-stage.ts): the claims of the staged function it checks, on its graph. */
    stageClaims: readonly TensorVariable[] = [],
  ) {
    this.#stageClaims = stageClaims;
    this.allowDowncast = options.allowInputDowncast ?? false;
    this.optimizerOptions = withOptimizerFlags(options.optimizer);
    this.noDefaultUpdates = options.noDefaultUpdates ?? false;
    if (!Array.isArray(inputs)) throw new TypeError('function: inputs must be a list of variables');
    const specs = inputs.map((v, i) => {
      const spec = v instanceof InputSpec ? v : v instanceof TensorVariable ? new InputSpec(v, undefined, false, v.name) : null;
      if (!spec) throw new TypeError(`function: input ${i} is not a symbolic variable`);
      if (spec.variable instanceof TensorSharedVariable) {
        throw new TypeError(`function: input ${i} (${spec.variable}) is a shared variable; shared variables are implicit inputs and cannot be listed`);
      }
      if (spec.variable instanceof TensorConstant) throw new TypeError(`function: input ${i} (${spec.variable}) is a constant`);
      if (!spec.hasDefault) return spec;
      // checked and copied now, as Theano filters a default when the function is made: later changes to it do not leak in
      const label = `${name ? `function ${name}` : 'function'}: the default value of input ${i} (${spec.name ?? spec.variable.toString()})`;
      const value = convertValue(spec.value, spec.variable.type, label, { allowDowncast: this.allowDowncast });
      return new InputSpec(spec.variable, value === spec.value ? value.copy() : value, true, spec.name);
    });
    const seen = new Set<TensorVariable>();
    for (const s of specs) {
      if (seen.has(s.variable)) throw new Error(`function: input ${s.variable} is listed twice`);
      seen.add(s.variable);
    }
    const given = outputs === null ? [] : outputs; // null: Theano's outputs=None, a function of updates only whose call gives []
    this.single = !Array.isArray(given);
    const listed = (this.single ? [given] : given) as FunctionOutput[];
    this.borrowed = listed.map((o) => o instanceof OutputSpec && o.borrow);
    const outs = listed.map((o) => (o instanceof OutputSpec ? o.variable : o));
    outs.forEach((o, i) => {
      if (!(o instanceof TensorVariable)) throw new TypeError(`function: ${outputs === undefined ? "outputs is undefined; give a variable, a list of them, or null (Theano's outputs=None: a function of updates only)" : `output ${i} is not a symbolic variable or a sym.Out of one`}`);
    });
    // Inputs with owners cut the graph: replace them with fresh leaves.
    const replace = new Map<TensorVariable, TensorVariable>();
    this.inputs = specs.map((spec) => {
      if (!spec.variable.owner) return spec;
      const leaf = labelForErrors(new TensorVariable(spec.variable.type, { name: spec.variable.name }), nameInError(spec.variable));
      replace.set(spec.variable, leaf);
      return new InputSpec(leaf, spec.value, spec.hasDefault, spec.name);
    });
    for (const [v, r] of givenPairs(options.givens, seen)) replace.set(v, r);
    // default and carried updates are those of the graph after givens, as Theano collects them
    const { updates, graph: all } = functionUpdates(options.updates, outs, this.noDefaultUpdates, (g) => (replace.size ? cloneReplace(g, replace) : g));
    this.graph = all;
    // a scan with until draws its steps' numbers itself (its op's draws), not through a RandomVariable of this graph
    const moved = (n: Apply) => (n.op instanceof RandomVariable ? [n.op.rng] : n.op instanceof Scan ? n.op.draws.flatMap((d) => (d ? [d.rng] : [])) : []);
    this.rngs = this.noDefaultUpdates ? [] : [...new Set(toposort(all).flatMap(moved))];
    // rewrite now when an optimizer is installed (bad optimizer options fail here), else at the first call
    if (getOptimizer()) void this.graphOutputs;
    this.outputCount = outs.length;
    this.updated = updates.map(([s]) => s);
    this.sharedInputs = this.#sharedInputs(updates.map(([s]) => s));
    this.#checkUnused(options.onUnusedInput ?? config.on_unused_input);
  }

  /** The shared variables the graph reads; any other leaf that is not an input or a constant is a missing input. */
  #sharedInputs(updated: readonly TensorSharedVariable[]): TensorSharedVariable[] {
    // a stage's claims may read a shared variable its outputs do not
    const all = [...this.graph, ...this.#stageClaims];
    const explicit = new Set(this.inputs.map((s) => s.variable));
    const sharedInputs: TensorSharedVariable[] = [];
    for (const leaf of graphLeaves(all)) {
      if (explicit.has(leaf) || leaf instanceof TensorConstant) continue;
      if (leaf instanceof TensorSharedVariable) sharedInputs.push(leaf);
      else {
        const reader = all.findIndex((g) => graphLeaves([g]).includes(leaf)); // all: the outputs, then each update's expression
        const needer = reader < this.outputCount ? 'the outputs' : `the update of ${updated[reader - this.outputCount]!}`;
        throw new Error(
          `function: missing input: ${leaf} (${leaf.type}) is needed to compute ${needer} but is not among the inputs ` +
            `[${this.inputs.map((s) => nameInError(s.variable)).join(', ')}]; list it as an input or give it a value with givens.`,
        );
      }
    }
    return sharedInputs;
  }

  /** Theano's on_unused_input: an input nothing depends on is most often a mistake in the inputs list. */
  #checkUnused(policy: 'raise' | 'warn' | 'ignore'): void {
    if (policy === 'ignore') return;
    reportUnusedInput(policy, -1, '');
    const leaves = new Set(graphLeaves(this.graph));
    this.inputs.forEach((spec, i) => leaves.has(spec.variable) || reportUnusedInput(policy, i, spec.name ?? spec.variable.toString()));
  }

  /**
   * Outputs then update expressions, after rewriting. The optimizer comes
   * with the backend, which may be loaded by name only at the first call:
   * rewriting waits until an optimizer is installed, then happens once.
   */
  get graphOutputs(): readonly TensorVariable[] {
    if (this.#rewritten) return this.#rewritten;
    const optimizer = getOptimizer();
    if (!optimizer) return this.graph;
    // the claims are rewritten with the outputs: what they check is the rewritten nodes the outputs share
    const all = optimizer.rewriteGraph([...this.graph, ...this.#claimsBefore()], this.mode, this.optimizerOptions);
    this.#claims = all.slice(this.graph.length);
    return (this.#rewritten = all.slice(0, this.graph.length));
  }

  /**
   * The graph's shape claims (shape-claims.ts), rewritten with it: every
   * program lowers them before the outputs, for their checks alone. A claim
   * on a value computed after an op run on the host (nonzero) makes the
   * function staged (host-stage.ts), the claim checked in the first stage
   * that has its inputs: in a program made before that op ran, it refused
   * every call.
   */
  get claimChecks(): readonly TensorVariable[] {
    return this.graphOutputs === this.graph ? this.#claimsBefore() : this.#claims!;
  }

  #claimsBefore(): readonly TensorVariable[] {
    return (this.#claimsUnrewritten ??= [...shapeClaims(this.graph), ...this.#stageClaims]);
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
    for (const v of staticLeaves(toposort([...this.graphOutputs, ...this.claimChecks]))) {
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
}

/**
 * Theano's on_unused_input for input `i` (shown as `label`), which nothing
 * depends on: an error or a warning by `policy`, which is checked first
 * (`i` -1: only the check). Sparse functions report their own inputs here.
 */
export function reportUnusedInput(policy: 'raise' | 'warn' | 'ignore', i: number, label: string): void {
  if (policy !== 'raise' && policy !== 'warn' && policy !== 'ignore') throw new TypeError(`function: onUnusedInput must be 'raise', 'warn' or 'ignore'; got ${JSON.stringify(policy)}`);
  if (i < 0 || policy === 'ignore') return;
  const msg = `function: input ${i} (${label}) is not needed to compute the outputs or updates. Remove it, or pass onUnusedInput: 'warn' (or 'ignore') to accept it.`;
  if (policy === 'raise') throw new Error(msg);
  // @sym/graph is built without any environment's types (no DOM, no Node): console is reached through globalThis
  (globalThis as { console?: { warn(message: string): void } }).console?.warn(msg);
}
