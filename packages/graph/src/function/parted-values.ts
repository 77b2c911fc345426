/**
 * What sparse and complex variables share in `sym.function`: each is
 * carried by dense parts (sparse/function.ts, complex/function.ts), so
 * whether an input is used and how the parts' function is wrapped are the
 * same for both, and for a function that has both kinds.
 */
import { asTensor } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { ComplexVariable } from '../complex/variable.js';
import { graphLeaves } from '../kernel/schedule.js';
import { SPARSE_PARTS, SparseVariable } from '../sparse/variable.js';
import { pairs, type InputSpec, type OutputSpec } from './function-args.js';
import { isPlainObject } from './function-call-args.js';
import { reportUnusedInput } from './function-graph.js';
import type { FunctionOptions } from './function-options.js';
import type { SymFunction } from './function.js';

/** The dense variables an input or output is carried by (a sparse output's first five: its per-value ids are expanded on the host). */
function partsOf(v: unknown, output: boolean): readonly TensorVariable[] {
  if (v instanceof SparseVariable) return (output ? SPARSE_PARTS.slice(0, 5) : SPARSE_PARTS).map((p) => v[p]);
  if (v instanceof ComplexVariable) return [v.re, v.im];
  if (v instanceof TensorVariable) return [v];
  return partsOf((v as InputSpec | OutputSpec).variable, output);
}

function label(v: unknown): string {
  return v instanceof TensorVariable || v instanceof SparseVariable || v instanceof ComplexVariable ? v.toString() : ((v as InputSpec).name ?? String((v as InputSpec).variable));
}

/**
 * Theano's on_unused_input over the user's inputs, before they become
 * their parts (the function of the parts is told 'ignore'): a sparse or
 * complex input is used when any of its parts is.
 */
export function checkUnusedInputs(inputs: readonly unknown[], outputs: readonly unknown[], options: FunctionOptions): void {
  const policy = options.onUnusedInput ?? 'raise';
  reportUnusedInput(policy, -1, '');
  if (policy === 'ignore') return;
  const read = [
    ...outputs.flatMap((o) => partsOf(o, true)),
    ...pairs(options.updates, 'updates', '[shared, expression]').map(([, e]) => asTensor(e, 'update')),
    ...pairs(options.givens, 'givens', '[variable, replacement]').map(([, e]) => asTensor(e, 'given')),
  ];
  const leaves = new Set(graphLeaves(read));
  inputs.forEach((v, i) => partsOf(v, false).some((p) => leaves.has(p)) || reportUnusedInput(policy, i, label(v)));
}

/** How a call gives a kind of parted variable (sparse, complex): what it expects, and the values of the parts it passes on. */
export interface PartedKind<V> {
  is(v: unknown): v is V;
  /** What a call must give for `v`, for the missing-argument error: 'a csr SparseMatrix of float64'. */
  expected(v: V): string;
  /** The values of `v`'s parts from a call's argument `a` (checked, naming `label`). */
  split(a: unknown, v: V, label: string): unknown[];
  /** The names of `v`'s parts, in `split`'s order (a keyword argument becomes theirs). */
  partNames(v: V): string[];
}

/**
 * A call's arguments for the function of the parts: each argument of a
 * parted input, positional or by keyword (a plain object last), becomes
 * the values of its parts; the others pass as they are.
 */
export function partedArgs<V extends { readonly name?: string | undefined }>(inputs: readonly unknown[], args: readonly unknown[], kind: PartedKind<V>): unknown[] {
  let last = args.length - 1;
  while (last >= 0 && args[last] === undefined) last--;
  const keywords = last >= 0 && isPlainObject(args[last]) ? (args[last] as Readonly<Record<string, unknown>>) : undefined;
  const given = keywords ? args.slice(0, last) : args;
  if (given.length > inputs.length) throw new TypeError(`function: expected at most ${inputs.length} ${keywords ? 'positional ' : ''}${inputs.length === 1 ? 'argument' : 'arguments'}${keywords ? ' before the keywords' : ''}, got ${given.length}`);
  inputs.forEach((v, i) => {
    if (kind.is(v) && given[i] === undefined && !(v.name !== undefined && keywords && v.name in keywords)) {
      throw new TypeError(`function: argument ${i} (${String(v)}): missing; expected ${kind.expected(v)}`);
    }
  });
  const positional = given.flatMap((a, i) => {
    const v = inputs[i];
    return kind.is(v) ? kind.split(a, v, `argument ${i} (${String(v)})`) : [a];
  });
  if (!keywords) return positional;
  const byName = new Map(inputs.filter((v): v is V => kind.is(v) && v.name !== undefined).map((v) => [v.name!, v]));
  const named: Record<string, unknown> = {};
  for (const [k, a] of Object.entries(keywords)) {
    const v = byName.get(k);
    if (!v) named[k] = a;
    else {
      const names = kind.partNames(v);
      kind.split(a, v, `argument ${k}`).forEach((value, j) => (named[names[j]!] = value));
    }
  }
  return [...positional, named];
}

/** How a call's arguments and results map onto those of the parts' function. */
export interface PartedSignature {
  args(args: readonly unknown[]): unknown[];
  result(values: unknown): unknown;
}

/**
 * The function of sparse or complex values over `parts`, the function of
 * their dense parts. `compiled` is the parts' function (its kernelCount and
 * debugprint take and show the parts).
 */
export function withPartedValues(parts: SymFunction<unknown>, signature: PartedSignature, what: 'sparse' | 'complex'): SymFunction<unknown> {
  const f = ((...args: unknown[]) => parts(...signature.args(args)).then((r) => signature.result(r))) as SymFunction<unknown>;
  Object.defineProperties(f, {
    sync: { value: (...args: unknown[]) => signature.result(parts.sync(...signature.args(args))) },
    compiled: { value: parts.compiled },
    profile: { value: parts.profile },
    debugprint: { value: (o?: { printType?: boolean }) => parts.debugprint(o) },
    copy: {
      value: () => {
        throw new TypeError(`function.copy: not provided for a function of ${what} variables; make the function again`);
      },
    },
    name: { value: parts.name },
  });
  return f;
}
