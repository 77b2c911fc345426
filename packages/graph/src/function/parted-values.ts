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
