/**
 * The rest of Theano's `theano.scan_module` at sym's top level: `map`,
 * `reduce`, `foldl` and `foldr` (scans with one shape of arguments each),
 * and `clone` (the graph copied with replacements, Theano's
 * `theano.clone`).
 */
import { asTensor, type TensorLike } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { cloneReplace } from '../core/clone.js';
import { checkOptionNames } from '../core/options.js';
import { scan, type ScanOutputInfo, type ScanSequence, type ScanUpdates } from './scan.js';

/** Options of `sym.map` (Theano's `theano.map`). */
export interface MapOptions {
  /** Walk the sequences from their end (Theano's go_backwards). */
  readonly goBackwards?: boolean;
  /** The gradient walks back through the last k steps only (Theano's truncate_gradient; -1: all). */
  readonly truncateGradient?: number;
  /** Names the scan in debugprint. */
  readonly name?: string;
}

/** Options of `sym.reduce` (Theano's `theano.reduce`). */
export interface FoldOptions {
  /** Walk the sequences from their end (Theano's go_backwards); foldr's. */
  readonly goBackwards?: boolean;
  /** Names the scan in debugprint. */
  readonly name?: string;
}


/**
 * Theano's `theano.map(fn, sequences, non_sequences)`: `fn` applied to each
 * element of the sequences (with the non-sequences after them), the
 * results stacked on a leading axis; `[outputs, updates]` as scan's.
 *
 * ```ts
 * const v = T.dvector('v');
 * const [squares] = sym.map((x) => x.mul(x), v);
 * ```
 */
export function map(fn: (...args: TensorVariable[]) => readonly TensorLike[], sequences: ScanSequence | readonly ScanSequence[], nonSequences?: TensorLike | readonly TensorLike[], options?: MapOptions): [TensorVariable[], ScanUpdates];
export function map(fn: (...args: TensorVariable[]) => TensorLike, sequences: ScanSequence | readonly ScanSequence[], nonSequences?: TensorLike | readonly TensorLike[], options?: MapOptions): [TensorVariable, ScanUpdates];
export function map(fn: (...args: TensorVariable[]) => unknown, sequences: ScanSequence | readonly ScanSequence[], nonSequences?: TensorLike | readonly TensorLike[], options?: MapOptions): [TensorVariable | TensorVariable[], ScanUpdates];
export function map(fn: (...args: TensorVariable[]) => unknown, sequences: ScanSequence | readonly ScanSequence[], nonSequences: TensorLike | readonly TensorLike[] = [], options: MapOptions = {}): [TensorVariable | TensorVariable[], ScanUpdates] {
  checkStep('map', fn);
  checkOptionNames(options, 'map', ['goBackwards', 'truncateGradient', 'name']);
  return scan(fn as (...args: TensorVariable[]) => TensorLike, { sequences, nonSequences, goBackwards: options.goBackwards, truncateGradient: options.truncateGradient, name: options.name ?? 'map' });
}

/**
 * Theano's `theano.reduce(fn, sequences, outputs_info, non_sequences)`, as
 * Python's reduce: `fn(x_t, acc, ...nonSequences)` carried along the
 * sequences from `outputsInfo`, and only the last accumulated value (of
 * each output) returned; `[result, updates]`. An empty sequence is an
 * error when it runs (there is no last step; Theano's [-1] raises too).
 *
 * ```ts
 * const v = T.dvector('v');
 * const [total] = sym.reduce((x, acc) => acc.add(x), v, T.constant(0, { dtype: 'float64' }));
 * ```
 */
export function reduce(fn: (...args: TensorVariable[]) => readonly TensorLike[], sequences: ScanSequence | readonly ScanSequence[], outputsInfo: ScanOutputInfo | readonly ScanOutputInfo[], nonSequences?: TensorLike | readonly TensorLike[], options?: FoldOptions): [TensorVariable[], ScanUpdates];
export function reduce(fn: (...args: TensorVariable[]) => TensorLike, sequences: ScanSequence | readonly ScanSequence[], outputsInfo: ScanOutputInfo | readonly ScanOutputInfo[], nonSequences?: TensorLike | readonly TensorLike[], options?: FoldOptions): [TensorVariable, ScanUpdates];
export function reduce(fn: (...args: TensorVariable[]) => unknown, sequences: ScanSequence | readonly ScanSequence[], outputsInfo: ScanOutputInfo | readonly ScanOutputInfo[], nonSequences?: TensorLike | readonly TensorLike[], options?: FoldOptions): [TensorVariable | TensorVariable[], ScanUpdates];
export function reduce(fn: (...args: TensorVariable[]) => unknown, sequences: ScanSequence | readonly ScanSequence[], outputsInfo: ScanOutputInfo | readonly ScanOutputInfo[], nonSequences: TensorLike | readonly TensorLike[] = [], options: FoldOptions = {}): [TensorVariable | TensorVariable[], ScanUpdates] {
  return reduced('reduce', fn, sequences, outputsInfo, nonSequences, options, options.goBackwards ?? false);
}

/** Theano's `theano.foldl(fn, sequences, outputs_info, non_sequences)`: `reduce` from the first element on. */
export function foldl(fn: (...args: TensorVariable[]) => readonly TensorLike[], sequences: ScanSequence | readonly ScanSequence[], outputsInfo: ScanOutputInfo | readonly ScanOutputInfo[], nonSequences?: TensorLike | readonly TensorLike[], options?: { readonly name?: string }): [TensorVariable[], ScanUpdates];
export function foldl(fn: (...args: TensorVariable[]) => TensorLike, sequences: ScanSequence | readonly ScanSequence[], outputsInfo: ScanOutputInfo | readonly ScanOutputInfo[], nonSequences?: TensorLike | readonly TensorLike[], options?: { readonly name?: string }): [TensorVariable, ScanUpdates];
export function foldl(fn: (...args: TensorVariable[]) => unknown, sequences: ScanSequence | readonly ScanSequence[], outputsInfo: ScanOutputInfo | readonly ScanOutputInfo[], nonSequences: TensorLike | readonly TensorLike[] = [], options: { readonly name?: string } = {}): [TensorVariable | TensorVariable[], ScanUpdates] {
  checkOptionNames(options, 'foldl', ['name']);
  return reduced('foldl', fn, sequences, outputsInfo, nonSequences, options, false);
}

/** Theano's `theano.foldr(fn, sequences, outputs_info, non_sequences)`: `reduce` from the last element back. */
export function foldr(fn: (...args: TensorVariable[]) => readonly TensorLike[], sequences: ScanSequence | readonly ScanSequence[], outputsInfo: ScanOutputInfo | readonly ScanOutputInfo[], nonSequences?: TensorLike | readonly TensorLike[], options?: { readonly name?: string }): [TensorVariable[], ScanUpdates];
export function foldr(fn: (...args: TensorVariable[]) => TensorLike, sequences: ScanSequence | readonly ScanSequence[], outputsInfo: ScanOutputInfo | readonly ScanOutputInfo[], nonSequences?: TensorLike | readonly TensorLike[], options?: { readonly name?: string }): [TensorVariable, ScanUpdates];
export function foldr(fn: (...args: TensorVariable[]) => unknown, sequences: ScanSequence | readonly ScanSequence[], outputsInfo: ScanOutputInfo | readonly ScanOutputInfo[], nonSequences: TensorLike | readonly TensorLike[] = [], options: { readonly name?: string } = {}): [TensorVariable | TensorVariable[], ScanUpdates] {
  checkOptionNames(options, 'foldr', ['name']);
  return reduced('foldr', fn, sequences, outputsInfo, nonSequences, options, true);
}

function checkStep(what: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new TypeError(`${what}: fn must be the step function, got ${fn === null ? 'null' : typeof fn}`);
}

function reduced(what: string, fn: (...args: TensorVariable[]) => unknown, sequences: ScanSequence | readonly ScanSequence[], outputsInfo: ScanOutputInfo | readonly ScanOutputInfo[], nonSequences: TensorLike | readonly TensorLike[], options: FoldOptions, goBackwards: boolean): [TensorVariable | TensorVariable[], ScanUpdates] {
  checkStep(what, fn);
  if (what === 'reduce') checkOptionNames(options, 'reduce', ['goBackwards', 'name']);
  const [outs, updates] = scan(fn as (...args: TensorVariable[]) => TensorLike, { sequences, outputsInfo, nonSequences, goBackwards, name: options.name ?? what });
  const last = (o: TensorVariable) => o.get(-1);
  return [Array.isArray(outs) ? outs.map(last) : last(outs as TensorVariable), updates];
}

/**
 * Theano's `theano.clone(output, replace)`: a copy of the graph computing
 * `output` (a variable or a list), with the variables of `replace` (a Map
 * or (variable, replacement) pairs; a replacement may be a number or an
 * array) swapped in. Inputs and shared variables are the originals
 * (Theano's share_inputs=True); the copy's nodes are new, so rewriting one
 * graph leaves the other alone.
 */
export function clone(output: TensorVariable, replace?: ReadonlyMap<TensorVariable, TensorLike> | readonly (readonly [TensorVariable, TensorLike])[]): TensorVariable;
export function clone(output: readonly TensorVariable[], replace?: ReadonlyMap<TensorVariable, TensorLike> | readonly (readonly [TensorVariable, TensorLike])[]): TensorVariable[];
export function clone(
  output: TensorVariable | readonly TensorVariable[],
  replace: ReadonlyMap<TensorVariable, TensorLike> | readonly (readonly [TensorVariable, TensorLike])[] = [],
): TensorVariable | TensorVariable[] {
  const outs = Array.isArray(output) ? (output as readonly unknown[]) : [output];
  outs.forEach((o, i) => {
    if (!(o instanceof TensorVariable)) throw new TypeError(`clone: output${Array.isArray(output) ? `[${i}]` : ''} must be a symbolic variable, got ${o === null ? 'null' : typeof o}`);
  });
  const pairs = replace instanceof Map ? [...(replace as ReadonlyMap<TensorVariable, TensorLike>)] : replace;
  if (!Array.isArray(pairs)) throw new TypeError(`clone: replace must be a Map or a list of (variable, replacement) pairs, got ${typeof replace}`);
  const map = new Map<TensorVariable, TensorVariable>();
  (pairs as readonly (readonly [unknown, TensorLike])[]).forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`clone: replace[${i}] must be a (variable, replacement) pair`);
    const [v, r] = pair;
    if (!(v instanceof TensorVariable)) throw new TypeError(`clone: replace[${i}][0] must be a symbolic variable, got ${v === null ? 'null' : typeof v}`);
    const w = asTensor(r, `clone: the replacement of ${v.toString()}`);
    // Theano's strict: the replacement takes the variable's place, so it must be of its kind
    if (w.ndim !== v.ndim) throw new TypeError(`clone: the replacement of ${v.toString()} (type ${v.type}) has type ${w.type}; it must have the same number of dimensions`);
    map.set(v, w);
  });
  const copies = cloneReplace(outs as TensorVariable[], map, { all: true });
  return Array.isArray(output) ? copies : copies[0]!;
}
