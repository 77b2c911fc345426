/**
 * A window of a known length from a symbolic start (Theano's minibatch
 * `x[i * bs:(i + 1) * bs]`, ops/subtensor.ts) has that length in every
 * program, where NumPy returns fewer rows when the window runs past the
 * end (the last partial minibatch) and none for a start past the end. The
 * kernels would clamp the start so that the whole window fits (JAX's
 * dynamic_slice): other rows than NumPy's. Where the start is found on the
 * host from a call's values (an input `i`, integer arithmetic of inputs,
 * constants and input lengths) the call checks, before its first kernel
 * runs, that NumPy's window is the whole window; where it is not, the
 * check raises `PartialWindowError`, and the function runs the call by a
 * graph whose windows take their length from the values
 * (tensor/window-by-value.ts, function.ts). A start the kernels compute (a
 * scan's counter, an argmax) is still clamped.
 */
import { NDArray } from '../core/ndarray.js';
import { TensorConstant, type TensorVariable } from '../core/variable.js';
import { isInt } from '../core/dtype.js';
import type { IndexCheck } from './check-index.js';
import type { ValueAt } from './host-index.js';
import { sliceIndices } from './slice-window.js';
import type { Apply } from '../core/op.js';
import { askedBy } from '../kernel/index-check-live.js';

/** How deep the walk goes: a start computed by more nodes than this is left to the kernels. */
const MOST_NODES = 32;

/** An integer scalar's value from a call's values, or undefined when it is not integer arithmetic of inputs, constants and input lengths. */
export function hostScalar(v: TensorVariable, slotOf: ReadonlyMap<TensorVariable, number>): ((at: ValueAt) => number | null) | undefined {
  let nodes = 0;
  const ok = (u: TensorVariable): boolean => {
    if (++nodes > MOST_NODES || u.ndim !== 0 || !isInt(u.dtype)) return false;
    const node = u.owner;
    if (!node) return u instanceof TensorConstant || slotOf.has(u);
    if (node.op.kind === 'Shape') {
      const x = node.inputs[0]!;
      return !x.owner && (x instanceof TensorConstant || slotOf.has(x));
    }
    return (node.op.kind === 'Elemwise' || node.op.kind === 'CheckIndex') && node.inputs.every((w) => w.ndim === 0 && ok(w));
  };
  if (!ok(v)) return undefined;
  return (at) => {
    const value = (u: TensorVariable): NDArray | null => {
      const node = u.owner;
      if (!node) return u instanceof TensorConstant ? u.value : at(slotOf.get(u)!);
      if (node.op.kind === 'Shape') {
        const x = node.inputs[0]!;
        const xv = x instanceof TensorConstant ? x.value : at(slotOf.get(x)!);
        return xv && node.op.perform([xv], node)[0]!;
      }
      const ins = node.inputs.map(value);
      return ins.every((a) => a !== null) ? node.op.perform(ins as NDArray[], node)[0]! : null;
    };
    try {
      const a = value(v);
      return a === null ? null : Number(a.data[0]);
    } catch {
      return null;
    }
  };
}

/** The rows NumPy's `x[start:start + length]` picks along an axis of n: `slice.indices`. */
export function numpyWindow(start: number, length: number, n: number): { start: number; length: number } {
  return sliceIndices(n, start, start + length, 1);
}

/** Whether NumPy's `x[start:start + length]` is `length` rows (the kernels' window, the same rows). */
export function windowFits(start: number, length: number, n: number): boolean {
  return length === 0 || numpyWindow(start, length, n).length === length;
}

/**
 * A call's window NumPy would cut short: the function runs the call by a
 * graph whose windows take their length from the values instead; raised
 * to the user only where it cannot (a window the rewrites made).
 */
export class PartialWindowError extends RangeError {}

/** The error of a window NumPy would cut short. */
export function windowErrorText(window: string, start: number, length: number, n: number, axis: number): string {
  const got = numpyWindow(start, length, n).length;
  return (
    `${window}: the window of ${length} elements from ${start} does not fit axis ${axis} of size ${n}: NumPy (and Theano) would return ` +
    `${got} element${got === 1 ? '' : 's'}, and this window (made by a rewrite) cannot take its length from the values. ` +
    `Give the batch size as an input (T.slice(i.mul(bs), i.add(1).mul(bs)) of an input bs has its length found from the values, as NumPy's)`
  );
}

/**
 * The call's check of a window's start (`variable`, the symbolic start,
 * found on the host by `hostScalar`), or undefined when the start is not
 * found on the host (the kernels clamp it). The check is an IndexCheck of
 * one value: 0 where NumPy's window is the whole window, 1 where not.
 */
export function windowStartCheck(
  variable: TensorVariable,
  slotOf: ReadonlyMap<TensorVariable, number>,
  length: number,
  n: number,
  axis: number,
  xShape: readonly number[],
  window: () => string,
): IndexCheck | undefined {
  const start = hostScalar(variable, slotOf);
  if (!start || length === 0) return undefined;
  let last = 0;
  return {
    input: -1,
    evaluate: (at) => {
      const s = start(at);
      if (s === null) return null;
      last = s;
      // the function runs such a call by a graph of its own (function.ts, tensor/window-by-value.ts)
      if (!windowFits(s, length, n)) throw new PartialWindowError(windowErrorText(window(), s, length, n, axis));
      return NDArray.zeros([], 'int32');
    },
    shape: [],
    strides: [],
    offset: 0,
    // the value must lie in [0, 1): 0, the window fits
    n: 1,
    nonNegative: true,
    xShape: [...xShape],
    describe: () => windowErrorText(window(), last, length, n, axis),
  };
}

/** The builder of a program (kernel/schedule.ts) as `addWindowCheck` uses it. */
interface CheckingBuilder {
  readonly inputVariables: ReadonlyMap<TensorVariable, number>;
  readonly indexChecks: IndexCheck[];
  readonly checksAskedBy: Map<object, Apply[]>;
  readonly nodes: readonly Apply[];
}

/** `LowerContext.checkWindow` of a program's builder: the window's check, one of the program's `indexChecks`, asked by the node being lowered. */
export function addWindowCheck(b: CheckingBuilder, variable: TensorVariable, length: number, n: number, axis: number, xShape: readonly number[], window: () => string): void {
  const check = windowStartCheck(variable, b.inputVariables, length, n, axis, xShape, window);
  if (!check) return;
  b.indexChecks.push(check);
  askedBy(b.checksAskedBy, check, b.nodes);
}
