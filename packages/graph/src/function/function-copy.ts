/**
 * `f.copy({ swap, deleteUpdates })`: Theano's `Function.copy`, a function
 * like `f` whose shared variables are exchanged for others of the same
 * type, or without its updates. Theano copies the compiled graph; sym
 * compiles the same inputs and outputs again with the swap as givens (the
 * optimizer runs again, the result is the same function).
 */
import { cloneReplace } from '../core/clone.js';
import { pairs, type Pairs } from './function-args.js';
import type { CompiledFunction, FunctionOptions } from './function.js';
import { asTensor, type TensorLike } from '../core/op.js';
import { TensorSharedVariable } from '../core/shared.js';
import { SharedRandomState } from '../ops/random.js';
import type { TensorVariable } from '../core/variable.js';
import { checkOptionNames } from '../core/options.js';

/** What `f.copy` takes (Theano's `copy(swap=..., delete_updates=..., name=...)`). */
export interface CopyOptions {
  /** Pairs (shared variable of `f`, shared variable of the same type to read and update instead), as Theano's `swap` dict. */
  readonly swap?: Pairs<TensorSharedVariable, TensorSharedVariable>;
  /** The copy applies no update: neither `f`'s, nor default ones (its random variables draw the same numbers at every call). */
  readonly deleteUpdates?: boolean;
  /** The copy's name; defaults to `f`'s. */
  readonly name?: string;
}

/** The options that compile the copy of `f` (made with `options`) that `copy` describes. */
export function copiedOptions(f: CompiledFunction, options: FunctionOptions, copy: CopyOptions): FunctionOptions {
  checkOptionNames(copy, 'copy', ['swap', 'deleteUpdates', 'name']);
  const fname = f.name ? `function ${f.name}` : 'function';
  const own = new Set<TensorVariable>([...f.sharedInputs, ...f.updated]);
  const swap = new Map<TensorVariable, TensorVariable>();
  for (const [old, by] of pairs(copy.swap, 'swap', '[shared variable, shared variable]')) {
    if (old instanceof SharedRandomState) {
      throw new TypeError(
        `${fname}.copy: swap replaces a random generator (a RandomStreams variable's rng); a copy swaps tensor shared variables only, ` +
          `and its random variables draw from the function's generators. For other draws, build the graph again from another RandomStreams`,
      );
    }
    if (!(old instanceof TensorSharedVariable) || !own.has(old)) {
      const names = [...own].map(String).join(', ') || 'none';
      throw new Error(`${fname}.copy: swap replaces ${String(old)}, which is not a shared variable of the function (its shared variables: ${names})`);
    }
    if (!(by instanceof TensorSharedVariable)) throw new TypeError(`${fname}.copy: swap replaces ${old} with ${String(by)}, which is not a shared variable; shared variables are swapped for shared variables`);
    if (!by.type.equals(old.type)) throw new TypeError(`${fname}.copy: swap replaces ${old} (${old.type}) with ${by} of another type, ${by.type}`);
    swap.set(old, by);
  }
  const swapped = (e: TensorLike, what: string): TensorVariable => {
    const t = asTensor(e, what);
    return swap.size ? cloneReplace([t], swap)[0]! : t;
  };
  // the givens' replacements read the swapped variables too (a dataset given by index): they read the new ones
  const givens: [TensorVariable, TensorVariable][] = pairs(options.givens, 'givens', '[variable, replacement]').map(([v, e]) => [v, swapped(e, `givens for ${v}`)]);
  givens.push(...swap);
  const deleteUpdates = copy.deleteUpdates ?? false;
  const updates = deleteUpdates
    ? undefined
    : pairs(options.updates, 'updates', '[shared variable, expression]').map(([s, e]): [TensorSharedVariable, TensorLike] => [(swap.get(s) as TensorSharedVariable | undefined) ?? s, e]);
  return {
    ...options,
    name: copy.name ?? options.name,
    // the optimizer_* flags of when f was made, not of now: the copy rewrites as f did
    optimizer: f.optimizerOptions,
    givens,
    updates,
    noDefaultUpdates: deleteUpdates || options.noDefaultUpdates,
    // the copy keeps f's inputs: one only the deleted updates read (the accumulator's inc) is no longer read, as Theano's copy allows
    onUnusedInput: deleteUpdates ? 'ignore' : options.onUnusedInput,
  };
}
