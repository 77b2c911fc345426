/**
 * The options of `sym.function`, and the optimizer slot every compiled
 * function rewrites its graph with (@sym/opt fills it when imported).
 */
import { config, type Mode } from '../core/config.js';
import { rewriteList } from '../core/config-flags.js';
import type { TensorLike } from '../core/op.js';
import type { Program } from '../kernel/schedule.js';
import type { TensorSharedVariable } from '../core/shared.js';
import type { TensorVariable } from '../core/variable.js';
import type { Pairs } from './function-args.js';

/** Options of `sym.function` (Theano's `theano.function` keywords). */
export interface FunctionOptions {
  /** Pairs (shared variable, new value expression); all updates see the values from before the call. */
  updates?: Pairs<TensorSharedVariable, TensorLike>;
  /** Pairs (variable, replacement expression) substituted before compiling. */
  givens?: Pairs<TensorVariable, TensorLike>;
  /** The compilation mode: FAST_RUN, FAST_COMPILE, DebugMode or NanGuardMode (default `config.mode`). */
  mode?: Mode;
  /** A name for errors, profiles and debugprint. */
  name?: string;
  /** Accept inputs whose dtype would be downcast with loss (float64 data into a float32 input). */
  allowInputDowncast?: boolean;
  /** Compile for this device instead of `config.device`. */
  device?: string;
  /** Rewrites to add to or remove from the mode's set, by name or tag (e.g. `{ excluding: ['fusion'] }`). */
  optimizer?: OptimizerOptions;
  /** What an input the outputs do not depend on is: an error (Theano's default), a warning, or nothing; defaults to `config.on_unused_input`. */
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

export const FUNCTION_OPTIONS = ['updates', 'givens', 'mode', 'name', 'allowInputDowncast', 'device', 'optimizer', 'onUnusedInput', 'noDefaultUpdates', 'profile'] as const satisfies readonly (keyof FunctionOptions)[];

/** Include or exclude optimizer rewrites by name or tag. */
export interface OptimizerOptions {
  /** Rewrites (names or tags) to run besides the mode's. */
  readonly including?: readonly string[];
  /** Rewrites (names or tags) not to run. */
  readonly excluding?: readonly string[];
  /** Tags a rewrite must all have to run (Theano's `Mode.requiring`). */
  readonly requiring?: readonly string[];
}

/**
 * A function's optimizer options with the `optimizer_excluding`,
 * `optimizer_including` and `optimizer_requiring` flags added, as they are
 * when the function is created (a later change of the flags leaves it as it
 * is). A list that is not an array is passed on as it is, for the optimizer
 * to refuse. Options it made come back as they are: a function's inner
 * functions (staged parts) keep the flags of the function.
 */
export function withOptimizerFlags(options: OptimizerOptions | undefined): OptimizerOptions {
  // not an object: the optimizer's own check says what was expected
  if (options !== undefined && (typeof options !== 'object' || options === null || withFlags.has(options))) return options;
  const flags = {
    excluding: rewriteList(config.optimizer_excluding),
    including: rewriteList(config.optimizer_including),
    requiring: rewriteList(config.optimizer_requiring),
  };
  const own = (options ?? {}) as Record<keyof typeof flags, unknown>;
  const merged = (k: keyof typeof flags): unknown => (own[k] === undefined ? flags[k] : Array.isArray(own[k]) ? [...flags[k], ...(own[k] as string[])] : own[k]);
  const out = { ...options, excluding: merged('excluding'), including: merged('including'), requiring: merged('requiring') } as OptimizerOptions;
  withFlags.add(out);
  return out;
}
const withFlags = new WeakSet<OptimizerOptions>();

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
/** The optimizer installed, or undefined before a backend (or @sym/opt) is imported. */
export function getOptimizer(): Optimizer | undefined {
  return optimizer;
}
