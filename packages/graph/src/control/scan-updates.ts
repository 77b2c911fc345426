/**
 * Shared variables a scan step updates: Theano's `(outputs, updates)` with
 * updates, or updates alone (the Loop tutorial's `lambda: {k: k + 1}`, a
 * Map or a list of pairs here). Theano runs the update at the end of each
 * step, so the next step reads the new value. sym's loop keeps no shared
 * state, so each such variable becomes a state of the loop: its initial
 * value is the shared variable, the step reads the state wherever it read
 * the variable (its outputs read the value before the step's update, as in
 * Theano), and scan returns (variable, value after the last step) as an
 * update for `sym.function`, as Theano's scan returns it.
 */
import { asTensor, type TensorLike } from '../core/op.js';
import { cloneReplace } from '../core/clone.js';
import { splitUntil, until } from './scan-until.js';
import { TensorVariable } from '../core/variable.js';
import type { TensorSharedVariable } from '../core/shared.js';

type Step = (...args: TensorVariable[]) => unknown;
type Pairs = [TensorSharedVariable, TensorLike][];
type ScanOptionsSeen = { readonly outputsInfo?: unknown; readonly nonSequences?: unknown; readonly name?: string };
type ScanResult = [TensorVariable | TensorVariable[], [TensorSharedVariable, TensorVariable][]];

const isShared = (v: unknown): v is TensorSharedVariable => v instanceof TensorVariable && 'getValue' in v;

/** Thrown by the first trace of a step that updates shared variables: which ones, and the outputs it returns beside them. */
export class StepUpdatesSeen {
  constructor(
    readonly shared: readonly TensorSharedVariable[],
    readonly outputCount: number,
    readonly single: boolean,
  ) {}
}

/** The (shared variable, new value) pairs of a Map or a non-empty list of pairs, or null when `u` is neither. */
function pairsOf(u: unknown): Pairs | null {
  if (u instanceof Map) {
    const entries = [...u.entries()] as [unknown, TensorLike][];
    const bad = entries.find(([k]) => !isShared(k));
    if (bad) throw new TypeError(`scan: the step returned updates whose key ${String(bad[0])} is not a shared variable; an update's key is the shared variable it sets`);
    return entries as Pairs;
  }
  if (Array.isArray(u) && u.length > 0 && u.every((p) => Array.isArray(p) && p.length === 2 && isShared(p[0]))) return u.map((p) => [p[0], p[1]] as [TensorSharedVariable, TensorLike]);
  return null;
}

/**
 * A step's result split into outputs and updates, when it has updates of
 * shared variables: updates alone (a Map or a list of pairs) or Theano's
 * pair `(outputs, updates)` in either order; null otherwise.
 */
export function splitStepUpdates(raw: unknown): { outputs: TensorLike[]; single: boolean; pairs: Pairs } | null {
  const alone = pairsOf(raw);
  if (alone) return { outputs: [], single: false, pairs: alone };
  if (!Array.isArray(raw) || raw.length !== 2) return null;
  const [a, b] = raw as unknown[];
  const [outputs, pairs] = pairsOf(b) ? [a, pairsOf(b)!] : pairsOf(a) ? [b, pairsOf(a)!] : [undefined, null];
  if (!pairs || pairs.length === 0) return null;
  const single = !Array.isArray(outputs);
  return { outputs: single ? [outputs as TensorLike] : [...(outputs as TensorLike[])], single, pairs };
}

/**
 * scan of a step that updates `seen.shared`: the same loop with one more
 * state per shared variable (after the user's outputs), whose last value
 * is the variable's update. `scan` is passed in (scan.ts imports this file).
 */
export function scanWithStepUpdates(
  scan: (fn: Step, options: ScanOptionsSeen) => ScanResult,
  fn: Step,
  options: ScanOptionsSeen,
  seen: StepUpdatesSeen,
): ScanResult {
  const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? [...(v as unknown[])] : [v]);
  const nonSequenceCount = list(options.nonSequences).length;
  const m = seen.shared.length;
  const given = list(options.outputsInfo);
  if (given.length && given.length !== seen.outputCount) {
    throw new TypeError(
      `scan: the step returns ${seen.outputCount} output(s) beside its updates of ${seen.shared.map(String).join(', ')}, but outputsInfo has ${given.length} entries (one per output; null for an output not fed back)`,
    );
  }
  // Theano's outputs_info left out: every output is computed, not fed back
  const infos = given.length ? given : new Array<null>(seen.outputCount).fill(null);
  const step = (...args: TensorVariable[]): TensorVariable[] => {
    // scan passes the shared variables' states after the user's states, before the non-sequences
    const cut = args.length - nonSequenceCount;
    const previous = args.slice(cut - m, cut);
    // a loop ending with until (Theano's outputs, updates, until(condition)): the updates' last values are those of the last step that ran
    const { result, marker } = splitUntil(fn(...args.slice(0, cut - m), ...args.slice(cut)));
    const split = splitStepUpdates(result);
    const byShared = new Map(split?.pairs ?? []);
    if (!split || byShared.size !== m || seen.shared.some((s) => !byShared.has(s))) {
      throw new TypeError(`scan: the step updated ${seen.shared.map(String).join(', ')} when first traced, but not the same shared variables when traced again`);
    }
    const news = seen.shared.map((s) => {
      const u = asTensor(byShared.get(s)!, `scan: the update of ${s}`);
      if (u.dtype !== s.dtype || u.ndim !== s.ndim) {
        throw new TypeError(`scan: the step updates ${s} (of type ${s.type}) with ${u} of type ${u.type}; an update keeps its shared variable's type (Theano's rule): cast it (T.cast) to ${s.dtype}`);
      }
      return u;
    });
    const outs = split.outputs.map((o, i) => asTensor(o, `scan: step output ${i}`));
    const stepped = cloneReplace([...outs, ...news, ...(marker ? [marker.condition] : [])], new Map(seen.shared.map((s, i) => [s as TensorVariable, previous[i]!])));
    return marker ? ([stepped.slice(0, -1), until(stepped[stepped.length - 1]!)] as never) : stepped;
  };
  const [results] = scan(step, { ...options, name: options.name ?? (fn.name || undefined), outputsInfo: [...infos, ...seen.shared] });
  const all = Array.isArray(results) ? results : [results];
  const outputs = all.slice(0, all.length - m);
  const updates = seen.shared.map((s, i) => [s, all[all.length - m + i]!.get(-1)] as [TensorSharedVariable, TensorVariable]);
  return [seen.single ? outputs[0]! : outputs, updates];
}
