/**
 * Integer indices the kernels compute (`x[i + 1]`, `x[argmax(s)]`, a scan
 * step's `x[t + 1]`), checked on the device: NumPy's IndexError, as an
 * index whose values are on the host is (ops/check-index.ts). A kernel
 * cannot raise, so the lowering adds one small reduce kernel per such
 * index, the first position whose value lies outside [-n, n) (or [0, n)
 * for class labels), or the index's size where none does, into a buffer
 * of one int32 that the program hands back as an extra output after its
 * outputs and updates (`Program.indexFlags`). The function reads it with
 * the outputs, before it commits the updates or moves the random
 * generators: a failed call leaves every shared variable as it was
 * (where the CPU writes updates in place, the flags are read before the
 * first such write: index-check-split.ts). On
 * failure the host finds the offending value again by running the graph
 * that computes the index with the ops' reference (`perform`) on the
 * call's values, whose CheckIndex raises the error the host checks would
 * (a random variable's reference draws the call's numbers again, moving
 * no generator); where it finds no bad value (a scan step's index computed
 * from the step's own draws) the message names the position alone.
 *
 * In a scan's step, a read only an ifelse's branches compute is checked
 * where its branch is taken: the flag's predicate ANDs the step's
 * conditions (`IndexGuard`). An index cast from a float the program
 * computed reads the float too: NaN, an infinity or a float past the
 * integer dtype is out of range (NumPy's INT_MIN), where the cast gives 0.
 * A window's start (ops/window-check.ts) has a flag of its own kind.
 *
 * No kernel and no readback where the index is provably in range: a
 * constant, an arange (a constant of the program), a view of an input or a
 * cheap computation from the inputs (checked on the host), and the
 * intervals `provenInRange` finds (an argmax along an axis as long as the
 * one indexed, a clip, an integer dtype narrower than the axis).
 */
import type { Apply } from '../core/op.js';
import { contiguousStrides, fill, type NDArray } from '../core/ndarray.js';
import { f16round, isFloat } from '../core/dtype.js';
import { TensorConstant, type TensorVariable } from '../core/variable.js';
import { castsFloatToIndex, numpyCastIndex, firstOutOfRange, type IndexErrorText } from '../ops/check-index.js';
import type { ScalarExpr } from './kernel.js';
import type { BufferView, LowerContext, LowerMark, TensorView } from './lower.js';
import { askedBy, liveIndexFlags, type Need } from './index-check-live.js';
import { evaluateLazily } from '../ops/ifelse-select.js';

/** A computed index checked on the device: its flag is program output `output`. */
export interface IndexFlag {
  /** The index's buffer view while the program is lowered: two reads of one view share a flag. */
  readonly source: {
    /** The buffer id. */
    readonly buffer: number;
    /** Element at the view's origin. */
    readonly offset: number;
    /** Elements per step of each dimension. */
    readonly strides: readonly number[];
  };
  /** The program output holding the flag: the first bad position, or `size`. */
  readonly output: number;
  /** The flag's buffer while the program is lowered (`output` names it after). */
  readonly buffer: number;
  /** The index's shape and size (positions are flat, C order). */
  readonly shape: readonly number[];
  /** Number of index positions. */
  readonly size: number;
  /** The length indexed: an index is in range in [-n, n), or [0, n) with `nonNegative`. */
  readonly n: number;
  /** The indexed array's shape, for the error. */
  readonly xShape: readonly number[];
  /** The error's text for a bad value at a position. */
  readonly describe: IndexErrorText;
  /** Negative indices are out of range (labels), not counted from the end. */
  readonly nonNegative?: boolean;
  /** The node whose lowering made the check: run again on the host on failure, for the error's value. */
  readonly node?: Apply;
  /** The index variable, named in the error. */
  readonly variable?: TensorVariable;
  /** The read is needed only inside an ifelse's branches: a set flag sends the call the lazy way (BranchIndexError). */
  readonly branchOnly?: boolean;
  /**
   * A window's start (ops/window-check.ts), not an index: the flag holds
   * the start where NumPy's window of `length` is not whole (NO_START
   * where it is: `size`); `inStep`, the window lies in a scan's step;
   * `error`, the call's error for a start.
   */
  readonly window?: {
    /** The window's length. */
    readonly length: number;
    /** Whether the window lies in a scan's step. */
    readonly inStep: boolean;
    /** The call's error for a start. */
    readonly error: (start: number) => RangeError;
  };
  /** Checked only where an ifelse's branch reading it is taken (`IndexGuard`): it covers no other check of its index. */
  readonly guarded?: boolean;
}

type Interval = readonly [number, number];

const INT_RANGE: Record<string, Interval> = {
  bool: [0, 1],
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};

const scalarOf = (node: Apply): string | undefined => (node.op.kind === 'Elemwise' ? (node.op as { scalarOp?: string }).scalarOp : undefined);

/**
 * Bounds of an integer variable's values from its graph, where they follow
 * from constants, dtypes and a few ops; the dtype's range otherwise (int64:
 * none). Shallow (`depth`): indices are short expressions.
 */
export function valueBounds(v: TensorVariable, depth = 12): Interval | undefined {
  const dtypeRange = INT_RANGE[v.dtype];
  const found = depth > 0 ? fromGraph(v, depth) : undefined;
  if (!found) return dtypeRange;
  if (!dtypeRange) return isFloat(v.dtype) ? roundedOut(found) : found;
  // a result past its dtype wraps: only bounds within it hold
  return found[0] >= dtypeRange[0] && found[1] <= dtypeRange[1] ? found : dtypeRange;
}

/**
 * A float result's bounds widened to hold it in float32 and float16 too:
 * a kernel rounds its operands to its dtype (clip(s, 0, 4.9999999999) of
 * a float32 s is 5), and a device without float64 computes float64 in
 * float32. Rounding to nearest is monotone, so the rounded ends bound the
 * rounded values.
 */
function roundedOut([lo, hi]: Interval): Interval {
  return [Math.min(lo, Math.fround(lo), f16round(lo)), Math.max(hi, Math.fround(hi), f16round(hi))];
}

function fromGraph(v: TensorVariable, depth: number): Interval | undefined {
  if (v instanceof TensorConstant) {
    const d = v.value.data;
    if (d.length === 0) return undefined;
    let [lo, hi] = [Infinity, -Infinity];
    for (let k = 0; k < d.length; k++) [lo, hi] = [Math.min(lo, Number(d[k])), Math.max(hi, Number(d[k]))];
    return [lo, hi];
  }
  const node = v.owner;
  if (!node) return undefined;
  const at = (k: number): Interval | undefined => valueBounds(node.inputs[k]!, depth - 1);
  const kind = node.op.kind;
  if (['CheckIndex', 'MatchLength', 'SpecifyShape', 'DimShuffle', 'Reshape', 'Subtensor', 'AdvancedSubtensor1'].includes(kind)) return at(0);
  if (kind === 'Reduce') {
    // argmax and argmin: a flat position within the axes reduced
    const { reducer, axes } = node.op as unknown as { reducer: string; axes: readonly number[] };
    if (reducer !== 'argmax' && reducer !== 'argmin') return undefined;
    const len = axes.reduce<number | null>((a, d) => (a === null ? null : (node.inputs[0]!.staticShape[d] ?? null) === null ? null : a * node.inputs[0]!.staticShape[d]!), 1);
    return len !== null && len > 0 ? [0, len - 1] : undefined;
  }
  const op = scalarOf(node);
  if (!op) return undefined;
  // float arithmetic rounds (in float32 on a device without float64): a bound computed here in float64 may be passed
  if (!INT_RANGE[v.dtype] && v.dtype !== 'int64' && ['add', 'sub', 'mul'].includes(op)) return undefined;
  const a = at(0);
  const b = node.inputs.length > 1 ? at(1) : undefined;
  switch (op) {
    case 'cast':
    case 'identity':
      return a;
    case 'neg':
      return a && [-a[1], -a[0]];
    case 'add':
      return a && b && [a[0] + b[0], a[1] + b[1]];
    case 'sub':
      return a && b && [a[0] - b[1], a[1] - b[0]];
    case 'mul': {
      if (!a || !b) return undefined;
      const p = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]];
      return [Math.min(...p), Math.max(...p)];
    }
    case 'maximum':
      return a && b && [Math.max(a[0], b[0]), Math.max(a[1], b[1])];
    case 'minimum':
      return a && b && [Math.min(a[0], b[0]), Math.min(a[1], b[1])];
    case 'clip': {
      // NumPy's clip is min(max(x, lo), hi): hi where lo > hi, so as low as hi's lowest (and lo where a kernel clamps the other way)
      const [lo, hi] = [b, at(2)];
      return lo && hi ? [Math.min(lo[0], hi[0]), Math.max(lo[1], hi[1])] : undefined;
    }
    case 'mod':
      // NumPy's mod by a positive divisor lies in [0, divisor); a float's can round up to the divisor (mod(-1e-20, 4.0) is 4.0), and need not be whole
      if (!b || b[0] <= 0) return undefined;
      return INT_RANGE[v.dtype] || v.dtype === 'int64' ? [0, b[1] - 1] : [0, b[1]];
    case 'switch': {
      const c = at(2);
      return b && c && [Math.min(b[0], c[0]), Math.max(b[1], c[1])];
    }
    default:
      return undefined;
  }
}

/** Whether every value of `v` lies in [-n, n) ([0, n) for labels) by its graph (see `valueBounds`). */
export function provenInRange(v: TensorVariable | undefined, n: number, nonNegative: boolean): boolean {
  if (!v) return false;
  const b = valueBounds(v);
  return b !== undefined && b[0] >= (nonNegative ? 0 : -n) && b[1] < n;
}

/**
 * The error of a flag that found a bad index at flat `position`: the host
 * runs the node that made the check with the ops' reference on the call's
 * values (`valuesOf`: the function's inputs and shared variables), whose
 * CheckIndex raises NumPy's IndexError with the value; where it cannot (a
 * value it lacks, a step's own draws), the message names the position alone.
 */
export function flaggedIndexError(flag: IndexFlag, position: number, valuesOf: ReadonlyMap<TensorVariable, NDArray>): Error {
  // a window's flag holds its start (ops/window-check.ts)
  if (flag.window) return flag.window.error(position);
  if (flag.node) {
    try {
      const cast = flag.variable?.owner;
      if (castsFloatToIndex(cast ?? null)) {
        // an index from a float, found before the reference's CheckIndex (its cast gives 0 for NaN, and keeps 2e300 as the index):
        // NumPy's value of the cast (INT_MIN for NaN, an infinity, a float past the dtype)
        const [source, value] = evaluateLazily([cast!.inputs[0]!, flag.variable!], valuesOf, (v) => `no value for ${v}`);
        const v = numpyCastIndex(source!, value!);
        const bad = firstOutOfRange(v.data, v.shape, contiguousStrides(v.shape), 0, flag.n, flag.nonNegative ? 0 : -flag.n);
        if (bad) return new RangeError(flag.describe(bad.value, bad.position, flag.xShape));
      }
      evaluateOnHost(flag.node, valuesOf);
    } catch (e) {
      if (e instanceof RangeError) return e;
    }
  }
  const at: number[] = [];
  for (let d = flag.shape.length - 1, r = position; d >= 0; r = Math.floor(r / flag.shape[d]!), d--) at[d] = r % flag.shape[d]!;
  const text = flag.describe(NaN, at, flag.xShape).replace(/(index|label) NaN/, '$1 out of range');
  const cast = castsFloatToIndex(flag.variable?.owner ?? null) ? `; it is cast from a float, where a NaN, an infinity or a float past ${flag.variable!.dtype} is that dtype's least value in NumPy` : '';
  return new RangeError(`${text} (computed by the kernels; its value could not be found again on the host${cast})`);
}

/**
 * Run `node` and the nodes it reads from with their reference `perform`, as
 * Theano's lazy run (an ifelse's branch not taken is not run); throws what
 * they throw. A random variable's reference draws this call's numbers
 * again, leaving its generator where it is (ops/random.ts).
 */
function evaluateOnHost(node: Apply, valuesOf: ReadonlyMap<TensorVariable, NDArray>): void {
  evaluateLazily(node.outputs, valuesOf, (v) => `no value for ${v}`);
}

/**
 * One reduce kernel over the index `idx`: the first flat position (C
 * order) whose value lies outside [-n, n) ([0, n) with `nonNegative`), or
 * the index's size where none does, as one int32.
 */
export function flagKernel(
  ctx: Pick<LowerContext, 'reduce' | 'range'>,
  idx: BufferView,
  n: number,
  nonNegative: boolean,
  guard?: IndexGuard,
  castFrom?: { readonly view: TensorView; readonly bound: number },
): BufferView {
  // a 0-d index is read as one element (a reduction over no axes is no fold)
  const view: BufferView = idx.shape.length === 0 ? { ...idx, shape: [1], strides: [0] } : idx;
  const size = view.shape.reduce((a, b) => a * b, 1);
  const positions: BufferView = { ...ctx.range(size), shape: view.shape, strides: contiguousStrides(view.shape) };
  const t = view.dtype;
  const cmp = (op: 'lt' | 'ge', a: ScalarExpr, bound: number): ScalarExpr => ({ kind: 'apply', op, args: [a, { kind: 'const', value: bound, dtype: t }], computeDType: t, dtype: 'bool' });
  const logic = (op: 'and' | 'or', args: ScalarExpr[]): ScalarExpr => args.reduce((a, b) => ({ kind: 'apply', op, args: [a, b], computeDType: 'bool', dtype: 'bool' }));
  // each condition of the guard read at every position (one value, broadcast)
  const conditions = (guard ?? []).flat().map((c) => c.condition);
  const broadcast = (c: TensorView): TensorView => (c.kind === 'scalar' ? c : { ...c, shape: view.shape, strides: view.shape.map(() => 0) });
  // the float the index was cast from, read beside it (its shape)
  const cast: TensorView[] = !castFrom ? [] : castFrom.view.kind === 'scalar' || idx.shape.length > 0 ? [castFrom.view] : [{ ...castFrom.view, shape: [1], strides: [0] }];
  return ctx.reduce({
    inputs: [view, positions, ...cast, ...conditions.map(broadcast)],
    shape: view.shape,
    axes: view.shape.map((_, d) => d),
    reducer: 'min',
    acc: 'int32',
    out: 'int32',
    build: ([v, k, ...loaded]) => {
      let bad: ScalarExpr = logic('or', [cmp('lt', v!, nonNegative ? 0 : -n), cmp('ge', v!, n)]);
      if (castFrom) bad = logic('or', [bad, castIsWild(loaded.shift()!, castFrom.bound)]);
      if (guard) bad = logic('and', [bad, guardTaken(guard, loaded)]);
      return { kind: 'apply', op: 'switch', args: [bad, k!, { kind: 'const', value: size, dtype: 'int32' }], computeDType: 'int32', dtype: 'int32' };
    },
  });
}

/** Where the float an index is cast from is one NumPy's cast makes the dtype's least value: NaN (unequal to itself), an infinity or a float past +-bound. */
export function castIsWild(f: ScalarExpr, bound: number): ScalarExpr {
  const fc = (op: 'lt' | 'ge' | 'neq', b: ScalarExpr | number): ScalarExpr => ({ kind: 'apply', op, args: [f, typeof b === 'number' ? { kind: 'const', value: b, dtype: f.dtype } : b], computeDType: f.dtype, dtype: 'bool' });
  const or = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op: 'or', args: [a, b], computeDType: 'bool', dtype: 'bool' });
  return or(fc('neq', f), or(fc('lt', -bound), fc('ge', bound)));
}

/**
 * Where a guarded read's branch is taken at this step: one conjunction of
 * the guard's conditions holds (`held`, the conditions' loaded values in
 * the guard's order; non-zero is taken, NaN too, as the select's).
 */
export function guardTaken(guard: IndexGuard, held: readonly ScalarExpr[]): ScalarExpr {
  const logic = (op: 'and' | 'or', args: ScalarExpr[]): ScalarExpr => args.reduce((a, b) => ({ kind: 'apply', op, args: [a, b], computeDType: 'bool', dtype: 'bool' }));
  let at = 0;
  return logic(
    'or',
    guard.map((all) =>
      logic(
        'and',
        all.map((c): ScalarExpr => {
          const value = held[at++]!;
          return { kind: 'apply', op: c.taken ? 'neq' : 'eq', args: [value, { kind: 'const', value: 0, dtype: value.dtype }], computeDType: value.dtype, dtype: 'bool' };
        }),
      ),
    ),
  );
}

/**
 * When a check of a read in a scan's step runs (ops/scan-checks.ts's
 * `branchGuards`): the read lies in branches of ifelses, and is computed
 * where one of these conjunctions holds, each a list of the ifelses'
 * scalar conditions, taken (non-zero) or not. Never empty, nor holding an
 * empty conjunction (that read is checked unguarded).
 */
export type IndexGuard = readonly (readonly {
  /** An ifelse's scalar condition. */
  readonly condition: TensorView;
  /** Whether the branch lies where it is non-zero (true) or zero. */
  readonly taken: boolean;
}[])[];

/** What the schedule's builder lends the device checks. */
export interface FlagContext extends Pick<LowerContext, 'reduce' | 'range'> {
  readonly indexFlags: IndexFlag[];
  /** A view of the outer graph already lowered (a float an index is cast from), if any. */
  readonly lowered?: (v: TensorVariable) => TensorView | undefined;
  readonly checksAskedBy: Map<object, Apply[]>;
  /** The node being lowered: its lowering asked for the check. */
  readonly nodes: readonly Apply[];
}

/**
 * A computed index's check (see the module comment): nothing for an empty
 * index or one its graph bounds, the flag of the same view read before (a
 * gather and the scatter of its gradient read one checked index), else a
 * flag kernel.
 */
export function checkOnDevice(ctx: FlagContext, idx: BufferView, n: number, xShape: readonly number[], describe: IndexErrorText, variable: TensorVariable | undefined, nonNegative: boolean, guard?: IndexGuard): void {
  const size = idx.shape.reduce((a, b) => a * b, 1);
  if (size === 0 || provenInRange(variable, n, nonNegative)) return;
  // a flag at least as strict: one that allows negatives does not cover labels (which refuse them), a guarded one (checking some steps) no other
  const strict = (f: IndexFlag): boolean => f.n === n && (f.nonNegative === true || !nonNegative) && !f.guarded;
  const same = (f: IndexFlag): boolean => !f.window && f.source.buffer === idx.buffer && f.source.offset === idx.offset && sameList(f.source.strides, idx.strides) && sameList(f.shape, idx.shape) && strict(f);
  // a scan's sequence checked whole (scan-checks.ts: its rows, one more axis than the step's variable) covers each step's row
  const flagged = ctx.indexFlags.find((f) => same(f) || (variable !== undefined && f.variable === variable && f.shape.length === variable.ndim + 1 && strict(f)));
  if (flagged) return askedBy(ctx.checksAskedBy, flagged, ctx.nodes);
  const unsigned = idx.dtype === 'bool' || idx.dtype.startsWith('uint');
  // an index cast from a float: NaN, an infinity or a float past int32/int64 is NumPy's INT_MIN there, out of range (the kernels' cast gives 0)
  const source = castsFloatToIndex(variable?.owner ?? null) ? ctx.lowered?.(variable!.owner!.inputs[0]!) : undefined;
  const castFrom = source && sameList(source.shape, idx.shape) ? { view: source, bound: variable!.dtype === 'int64' ? 2 ** 63 : 2 ** 31 } : undefined;
  const flag = flagKernel(ctx, idx, n, nonNegative || unsigned, guard, castFrom);
  const node = ctx.nodes[0];
  const made: IndexFlag = {
    output: -1,
    buffer: flag.buffer,
    source: { buffer: idx.buffer, offset: idx.offset, strides: [...idx.strides] },
    shape: [...idx.shape],
    size,
    n,
    xShape: [...xShape],
    describe,
    ...(nonNegative ? { nonNegative } : {}),
    ...(node ? { node } : {}),
    ...(variable ? { variable } : {}),
    ...(guard ? { guarded: true } : {}),
  };
  ctx.indexFlags.push(made);
  askedBy(ctx.checksAskedBy, made, ctx.nodes);
}

/**
 * A read some steps of a scan compute (an ifelse's branch in its step),
 * checked by a flag kernel where `guard` holds, whatever holds the index
 * (a value known now is checked only when out of range, from a constant).
 */
export function checkGuarded(ctx: FlagContext & Pick<LowerContext, 'constant'>, idx: TensorView, n: number, xShape: readonly number[], describe: IndexErrorText, variable: TensorVariable | undefined, nonNegative: boolean, guard: IndexGuard): void {
  let view: BufferView;
  if (idx.kind === 'scalar') {
    if (idx.value >= (nonNegative ? 0 : -n) && idx.value < n) return;
    view = { ...(ctx.constant(fill([1], idx.dtype, () => idx.value)) as BufferView), shape: [], strides: [] };
  } else view = idx;
  checkOnDevice(ctx, view, n, xShape, describe, variable, nonNegative, guard);
}

/** A scan step replayed (`LowerContext.replay`): each flag made in it again, over the step's own buffers, so that every step is checked; returns `where`. */
export function replayFlags(ctx: FlagContext, from: LowerMark, to: LowerMark, where: (buffer: number) => number): (buffer: number) => number {
  for (const f of ctx.indexFlags.slice()) {
    if (f.buffer < from.buffers || f.buffer >= to.buffers) continue;
    const copy: IndexFlag = { ...f, buffer: where(f.buffer), source: { ...f.source, buffer: where(f.source.buffer) } };
    ctx.indexFlags.push(copy);
    askedBy(ctx.checksAskedBy, copy, ctx.checksAskedBy.get(f) ?? ctx.nodes);
  }
  return where;
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The flags that run (`liveIndexFlags`), each made an output after
 * `outputs` (pushed there): read with them, and kept by the passes that
 * drop what no output reads.
 */
export function flagOutputs(flags: readonly IndexFlag[], asked: ReadonlyMap<object, readonly Apply[]>, need: ReadonlyMap<Apply, Need>, outputs: { buffer: number; shape: number[] }[]): IndexFlag[] {
  // a window's flag sends the call the by-value way, whose windows are NumPy's whichever branch is taken: never a branch's (BranchIndexError)
  return liveIndexFlags(flags, asked, need).map((f) => ({ ...f, ...(f.window ? { branchOnly: false } : {}), output: outputs.push({ buffer: f.buffer, shape: [] }) - 1 }));
}
