/**
 * Complex variables in `sym.function`, as sparse ones: a complex input is
 * its two real parts, a ComplexArray argument is split into their values,
 * and a complex output is read back as its parts and assembled into a
 * ComplexArray. The compiled function sees only real tensors.
 */
import { canCastSafely } from '../core/dtype.js';
import { describe as describeValue, NDArray } from '../core/ndarray.js';
import { asTensor } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { pairs, type InputSpec, type OutputSpec } from '../function/function-args.js';
import { checkUnusedInputs, partedArgs, type PartedKind } from '../function/parted-values.js';
import type { FunctionOptions } from '../function/function-options.js';
import { ComplexArray } from './array.js';
import { ComplexSharedVariable } from './shared.js';
import { broadcastParts, ComplexVariable, partDType } from './variable.js';

type Input = unknown;
type Output = unknown;
type Result = unknown;

export interface ComplexSignature {
  readonly inputs: Input[];
  readonly outputs: Output[] | Output | null;
  readonly options: FunctionOptions;
  args(args: readonly unknown[]): unknown[];
  result(values: unknown): Result;
}

/**
 * An update `[z, expr]` of a complex shared variable: refused with the way
 * to write it, `...complex.update(z, expr)` (the updates of its two parts,
 * which the options' types can name). Only a list or Map is read.
 */
function checkComplexUpdates(updates: FunctionOptions['updates']): void {
  if (!Array.isArray(updates) && !(updates instanceof Map)) return;
  [...(updates as Iterable<unknown>)].forEach((e, i) => {
    if (Array.isArray(e) && e[0] instanceof ComplexVariable) {
      throw new TypeError(`function: update ${i} targets the complex ${e[0]}, which is updated through its two parts: write ...complex.update(${e[0]}, expr) among the updates`);
    }
  });
}

/** null when no input, output or update is complex. */
export function complexSignature(inputs: readonly Input[], outputs: Output | readonly Output[] | null, options: FunctionOptions): ComplexSignature | null {
  checkComplexUpdates(options.updates);
  const outs = outputs === null ? [] : Array.isArray(outputs) ? (outputs as readonly Output[]) : [outputs];
  if (!inputs.some((i) => i instanceof ComplexVariable) && !outs.some((o) => o instanceof ComplexVariable)) return null;
  const flatInputs = inputs.flatMap((v, i) => {
    if (!(v instanceof ComplexVariable)) return [v];
    if (v instanceof ComplexSharedVariable) throw new TypeError(`function: input ${i} (${v}) is a shared variable; shared variables are read implicitly, not passed as inputs`);
    const computed = [v.re, v.im].find((p) => p.owner !== null);
    if (computed) throw new TypeError(`function: input ${i} (${v}) is computed (made by ${computed.owner!.op.toString()}); a complex input is made by T.cvector, T.zmatrix, T.ctensor ...`);
    return [v.re, v.im];
  });
  const flatOutputs = outs.flatMap((o) => (o instanceof ComplexVariable ? broadcastParts(o) : [o]));
  checkUnusedInputs(inputs, outs, options);
  const downcast = options.allowInputDowncast ?? false;
  const complexKind: PartedKind<ComplexVariable> = {
    is: (v): v is ComplexVariable => v instanceof ComplexVariable,
    expected: (v) => `a ComplexArray of ${v.dtype}`,
    split: (a, v, label) => partsOf(a, v, label, downcast),
    partNames: (v) => [v.re.name!, v.im.name!],
  };
  return {
    options: { ...options, onUnusedInput: 'ignore' },
    inputs: flatInputs,
    outputs: outputs === null ? null : !Array.isArray(outputs) && !(outputs instanceof ComplexVariable) ? outputs : flatOutputs,
    args: (args) => partedArgs(inputs, args, complexKind),
    result(values) {
      if (!Array.isArray(outputs) && !(outputs instanceof ComplexVariable)) return values;
      const flat = values as unknown[];
      let at = 0;
      const results = outs.map((o): Result => {
        if (!(o instanceof ComplexVariable)) return flat[at++];
        const [re, im] = flat.slice(at, (at += 2)) as [NDArray, NDArray];
        return new ComplexArray(re, im);
      });
      return outputs instanceof ComplexVariable ? results[0] : results;
    },
  };
}

/** A call's ComplexArray for the complex input v, as its parts' values (a complex64 value widened for a complex128 input; the other way only with allowInputDowncast). */
function partsOf(a: unknown, v: ComplexVariable, label: string, downcast: boolean): [NDArray, NDArray] {
  if (!(a instanceof ComplexArray)) {
    throw new TypeError(`function: ${label}: expected a ComplexArray of ${v.dtype} (ComplexArray.from(re, im, '${v.dtype}')), got ${describeValue(a)}`);
  }
  const want = partDType(v.dtype);
  if (!downcast && !canCastSafely(a.re.dtype, want)) {
    throw new TypeError(`function: ${label}: expected a ComplexArray of ${v.dtype}, got one of ${a.dtype}, which ${v.dtype} cannot hold without loss. Cast it first, or compile with { allowInputDowncast: true }.`);
  }
  return a.re.dtype === want ? [a.re, a.im] : [a.re.astype(want), a.im.astype(want)];
}
