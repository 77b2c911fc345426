/**
 * A window of a known length from a symbolic start (Theano's minibatch
 * `x[i * bs:(i + 1) * bs]`, ops/subtensor.ts) has that length in every
 * program, where NumPy returns fewer rows when the window runs past the
 * end (the last partial minibatch) and none for a start past the end. The
 * kernels clamp the start so that the whole window fits (JAX's
 * dynamic_slice), which gives NumPy's rows only where NumPy's window is
 * the whole window; so every call checks that it is, before it commits
 * anything:
 *
 * - a start found on the host from a call's values (an input `i`, integer
 *   arithmetic of inputs, constants and input lengths) is checked by the
 *   call before its first kernel runs, at no kernel's cost;
 * - a start known when the program is made (a folded scalar, a constant)
 *   is checked then;
 * - a start the kernels compute (an argmax, a scan's counter `t * bs` in
 *   its step) is checked by one small flag kernel, as a computed integer
 *   index is (kernel/index-check-device.ts): its flag holds the start
 *   where NumPy's window is not whole, read with the outputs before the
 *   updates are committed. No flag where the graph bounds the start so
 *   that the window always fits (a clip, an argmax, constants).
 *
 * Where the check fails the call raises `PartialWindowError`, and the
 * function runs the call by a graph whose windows take their length from
 * the values (tensor/window-by-value.ts, function.ts): NumPy's rows, a
 * computed start read back. A window it cannot so take raises, naming the
 * window, its start, its length and the axis: one a rewrite made, and one
 * inside a scan's step (or an opFromGraph's body), whose output must have
 * one shape at every step (Theano's scan fails there too).
 */
import { NDArray } from '../core/ndarray.js';
import { TensorConstant, type TensorVariable } from '../core/variable.js';
import { isInt } from '../core/dtype.js';
import { castsFloatToIndex, type IndexCheck } from './check-index.js';
import type { ValueAt } from './host-index.js';
import { sliceIndices } from './slice-window.js';
import type { Apply } from '../core/op.js';
import { askedBy } from '../kernel/index-check-live.js';
import { castIsWild, guardTaken, valueBounds, type FlagContext, type IndexFlag, type IndexGuard } from '../kernel/index-check-device.js';
import type { BufferView, LowerContext, TensorView } from '../kernel/lower.js';
import type { ScalarExpr } from '../kernel/kernel.js';
import type { DType } from '../core/dtype.js';

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
interface CheckingBuilder extends FlagContext, Pick<LowerContext, 'constant'> {
  readonly inputVariables: ReadonlyMap<TensorVariable, number>;
  readonly indexChecks: IndexCheck[];
  readonly constants: readonly { readonly buffer: number; readonly value: NDArray; readonly draw?: unknown }[];
  readonly stepValues?: readonly ReadonlyMap<TensorVariable, NDArray>[] | undefined;
}

/**
 * `LowerContext.checkWindow` of a program's builder (see the module
 * comment): the window's host check, one of the program's `indexChecks`;
 * a start known now checked now; else a flag kernel over the start's view
 * (`start`), unless the graph bounds it. `node` is the window's node: one
 * the builder is not lowering itself lies in a scan's step (or an
 * opFromGraph's body), where a failed check raises.
 */
export function addWindowCheck(
  b: CheckingBuilder,
  variable: TensorVariable,
  length: number,
  n: number,
  axis: number,
  xShape: readonly number[],
  window: () => string,
  start?: TensorView,
  node?: Apply,
  guard?: IndexGuard,
): void {
  // a window only an ifelse's branch computes in a scan's step (guard): checked by a flag that holds where the branch is taken
  const check = guard ? undefined : windowStartCheck(variable, b.inputVariables, length, n, axis, xShape, window);
  if (check) {
    b.indexChecks.push(check);
    askedBy(b.checksAskedBy, check, b.nodes);
    return;
  }
  if (!start || length === 0) return;
  const inStep = node !== undefined && !b.nodes.includes(node);
  const known = start.kind === 'scalar' ? start.value : constantScalar(b, start);
  if (known !== undefined && !(guard && !windowFits(known, length, n))) {
    if (!windowFits(known, length, n)) throw new RangeError(computedWindowText(window(), known, length, n, axis, inStep).replace('(computed on the device)', '(known when the program is made)'));
    return;
  }
  // a start known now in a branch not always taken: its flag reads it as a constant of the program
  const view: TensorView = known !== undefined && guard ? b.constant(int32Scalar(Math.max(-NO_START, Math.min(NO_START - 1, known)))) : start;
  if (view.kind !== 'buffer' || windowProven(variable, length, n)) return;
  if (inStep && !guard && b.stepValues && checkedAtEveryStep(b.stepValues, variable, length, n, axis, window)) return;
  const same = b.indexFlags.find(
    (f) => f.window && !f.guarded && !guard && f.n === n && f.window.length === length && f.source.buffer === view.buffer && f.source.offset === view.offset && f.window.inStep === inStep,
  );
  if (same) return askedBy(b.checksAskedBy, same, b.nodes);
  // a start cast from a float: NaN, an infinity or a float past the dtype is NumPy's least value there (an empty window), where the kernels' cast gives 0
  const source = castsFloatToIndex(variable.owner) ? b.lowered?.(variable.owner.inputs[0]!) : undefined;
  const castFrom = source && source.shape.length === 0 ? { view: source, bound: variable.dtype === 'int64' ? 2 ** 63 : 2 ** 31 } : undefined;
  const flag = windowFlagKernel(b, view, length, n, guard, castFrom);
  const made: IndexFlag = {
    output: -1,
    buffer: flag.buffer,
    source: { buffer: view.buffer, offset: view.offset, strides: [...view.strides] },
    shape: [],
    size: NO_START,
    ...(guard ? { guarded: true } : {}),
    n,
    xShape: [...xShape],
    describe: (value) => computedWindowText(window(), value, length, n, axis, inStep),
    // outside a step the function reruns the call by windows of lengths found from the values (function.ts)
    window: {
      length,
      inStep,
      error: (s) => {
        // a start the flag clamped: the message says so; one cast from a float the flag reports as -NO_START where the
        // float is NaN, an infinity or past the dtype (NumPy's cast gives the dtype's least value), so the message names the cast
        const least = variable.dtype === 'int64' ? '-9223372036854775808' : '-2147483648';
        const beyond =
          castFrom && s <= -NO_START
            ? ` from ${s} or beyond (the start is cast from a float: a NaN, an infinity or a float past ${variable.dtype} is ${variable.dtype}'s least value, ${least}, in NumPy's cast) `
            : s <= -NO_START || s >= NO_START - 1
              ? ` from ${s} or beyond `
              : ` from ${s} `;
        const text = computedWindowText(window(), s, length, n, axis, inStep).replace(` from ${s} `, beyond);
        return inStep ? new RangeError(text) : new PartialWindowError(text);
      },
    },
  };
  b.indexFlags.push(made);
  askedBy(b.checksAskedBy, made, b.nodes);
}

/**
 * Whether the start is integer arithmetic of the step's placeholders the
 * program knows at each step (`LowerContext.stepValues`: a scan's counter
 * from `T.arange(n)`) and constants: then checked now, at every step; a
 * step whose window NumPy would cut short raises.
 */
function checkedAtEveryStep(steps: readonly ReadonlyMap<TensorVariable, NDArray>[], variable: TensorVariable, length: number, n: number, axis: number, window: () => string): boolean {
  if (steps.length === 0) return false;
  const leaves = [...steps[0]!.keys()];
  const start = hostScalar(variable, new Map(leaves.map((v, k) => [v, k])));
  if (!start) return false;
  const found = steps.map((values) => start((k) => values.get(leaves[k]!) ?? null));
  if (found.some((s) => s === null)) return false;
  const bad = found.findIndex((s) => !windowFits(s!, length, n));
  if (bad >= 0) throw new RangeError(computedWindowText(window(), found[bad]!, length, n, axis, true).replace(' (computed on the device)', ` (at step ${bad} of the scan)`));
  return true;
}

function int32Scalar(value: number): NDArray {
  const a = NDArray.zeros([], 'int32');
  a.data[0] = value;
  return a;
}

/** The value of a one-element view of a constant of the program (not a draw), if it is one. */
function constantScalar(b: CheckingBuilder, v: TensorView): number | undefined {
  if (v.kind !== 'buffer') return undefined;
  const c = b.constants.find((k) => k.buffer === v.buffer && !k.draw);
  return c ? Number(c.value.data[v.offset]) : undefined;
}

/** Whether the graph bounds the start (valueBounds: constants, a clip, an argmax, a dtype) so that NumPy's window is always whole. */
export function windowProven(variable: TensorVariable, length: number, n: number): boolean {
  const b = valueBounds(variable);
  if (!b) return false;
  const [lo, hi] = b;
  return (lo >= 0 && hi <= n - length) || (lo >= -n && hi <= -length - 1);
}

/**
 * A window flag's value where every start fits: larger than any start it
 * reports (those are clamped into [-NO_START, NO_START - 1]); 2^24, the
 * integers a float32 holds exactly (gpu.js computes integers in float32).
 */
export const NO_START = 2 ** 24;

/**
 * One reduce kernel over the start (one element): the start where NumPy's
 * `x[start:start + length]` along an axis of n is not `length` elements
 * (clamped into [-NO_START, NO_START - 1]), else NO_START, as one int32.
 */
export function windowFlagKernel(
  ctx: Pick<FlagContext, 'reduce'>,
  start: BufferView,
  length: number,
  n: number,
  guard?: IndexGuard,
  castFrom?: { readonly view: TensorView; readonly bound: number },
): BufferView {
  const view: BufferView = { ...start, shape: [1], strides: [0] };
  const float: TensorView[] = castFrom ? [castFrom.view.kind === 'scalar' ? castFrom.view : { ...castFrom.view, shape: [1], strides: [0] }] : [];
  // each condition of the guard (a scan step's ifelse), read as one value
  const conditions = (guard ?? []).flat().map((c): TensorView => (c.condition.kind === 'scalar' ? c.condition : { ...c.condition, shape: [1], strides: [0] }));
  const wide = start.dtype === 'int64' || start.dtype === 'uint32';
  const t: DType = wide ? start.dtype : 'int32';
  const unsigned = start.dtype === 'bool' || start.dtype.startsWith('uint');
  const c = (value: number, dtype: DType = t): ScalarExpr => ({ kind: 'const', value, dtype });
  const ap = (op: 'lt' | 'le' | 'ge' | 'and' | 'or' | 'minimum' | 'maximum', a: ScalarExpr, b: ScalarExpr): ScalarExpr => {
    const logic = op === 'and' || op === 'or';
    const compare = op !== 'minimum' && op !== 'maximum';
    return { kind: 'apply', op, args: [a, b], computeDType: logic ? 'bool' : t, dtype: compare ? 'bool' : t };
  };
  return ctx.reduce({
    inputs: [view, ...float, ...conditions],
    shape: [1],
    axes: [0],
    reducer: 'min',
    acc: 'int32',
    out: 'int32',
    build: ([loaded, ...held]) => {
      const s: ScalarExpr = wide ? loaded! : { kind: 'apply', op: 'cast', args: [loaded!], computeDType: loaded!.dtype, dtype: 'int32' };
      // NumPy's window is whole from 0 <= s <= n - length, or from -n <= s <= -length - 1 (it ends before the end)
      let fits = ap('and', ap('ge', s, c(0)), ap('le', s, c(n - length)));
      if (!unsigned) fits = ap('or', fits, ap('and', ap('ge', s, c(-n)), ap('le', s, c(-length - 1))));
      let clamped = ap('maximum', ap('minimum', s, c(NO_START - 1)), c(unsigned ? 0 : -NO_START));
      if (castFrom) {
        // the float cast: NaN (unequal to itself), an infinity or past the dtype is NumPy's least value, reported clamped
        const wild = castIsWild(held.shift()!, castFrom.bound);
        fits = ap('and', fits, { kind: 'apply', op: 'eq', args: [wild, { kind: 'const', value: 0, dtype: 'bool' }], computeDType: 'bool', dtype: 'bool' });
        clamped = { kind: 'apply', op: 'switch', args: [wild, c(-NO_START), clamped], computeDType: t, dtype: t };
      }
      const reported: ScalarExpr = wide ? { kind: 'apply', op: 'cast', args: [clamped], computeDType: t, dtype: 'int32' } : clamped;
      const flagged: ScalarExpr = { kind: 'apply', op: 'switch', args: [fits, c(NO_START, 'int32'), reported], computeDType: 'int32', dtype: 'int32' };
      if (!guard) return flagged;
      return { kind: 'apply', op: 'switch', args: [guardTaken(guard, held), flagged, c(NO_START, 'int32')], computeDType: 'int32', dtype: 'int32' };
    },
  });
}

/** The error of a window whose start the kernels compute, where NumPy's window is not whole (`inStep`: in a scan's step). */
export function computedWindowText(window: string, start: number, length: number, n: number, axis: number, inStep: boolean): string {
  const got = numpyWindow(start, length, n).length;
  const where = inStep
    ? `This window lies in a scan's step, whose outputs must have one shape at every step (Theano's scan raises a shape mismatch there); give the step a window of a length found from the values (T.slice(start, stop) of its own bounds), or keep the start in range`
    : `The start is computed by the kernels, and the window cannot take its length from the values here`;
  return (
    `${window}: the window of ${length} element${length === 1 ? '' : 's'} from ${start} (computed on the device) does not fit axis ${axis} of size ${n}: ` +
    `NumPy (and Theano) would return ${got} element${got === 1 ? '' : 's'}, not ${length}. ${where}`
  );
}
