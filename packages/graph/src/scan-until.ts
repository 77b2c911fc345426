/**
 * Theano's `scan ... until`: a step that returns `sym.until(condition)`
 * beside its outputs ends the loop after the first step whose condition is
 * true; the outputs hold the steps that ran, that one included. The loop
 * still needs an upper bound (`nSteps`, or the sequences' length), as in
 * Theano's example, whose `n_steps=1024` is the most it may run.
 *
 * A program's lengths are fixed before it runs, so the loop runs its bound
 * unrolled, as any scan: an extra state, a "stopped" flag, becomes true
 * after the step whose condition holds, and from the next step on every
 * state keeps its value (a switch on the flag), while the step computes
 * from the initial values and the first step's integer rows, what the
 * first step computed, its result dropped (no index the loop never
 * reached is read):
 * no overflow, and no NaN that the zero gradient of the rows not taken
 * would turn into 0 * NaN. The number of steps that ran
 * is computed from the flags and read back (one integer: a host op, see
 * host-stage.ts); the outputs' first `count` rows are taken in the next
 * stage, whose program knows `count`. The gradient goes through the same
 * unrolled loop: the rows not taken get zeros, and the frozen steps pass
 * them on as zeros.
 *
 * Costs: every step of the bound is computed and compiled, whatever the
 * condition; a host-driven loop that stops on the device is not built.
 */
import { isInt } from './dtype.js';
import { NDArray } from './ndarray.js';
import { apply1, asTensor, constant, type Apply, type TensorLike } from './op.js';
import { HostOp } from './ops/host.js';
import { TensorType } from './type.js';
import { TensorConstant, TensorVariable, type StaticShape } from './variable.js';
import { cast, elemwise } from './ops/elemwise.js';
import { get } from './indexing.js';
import { arange, shapeI, sum } from './tensor.js';
import { stepArity, withArityOf, type TapsPlan } from './scan-taps.js';

type Step = (...args: TensorVariable[]) => TensorLike | readonly TensorLike[];

/** What a step returns last to end the loop (Theano's `theano.scan_module.until`). */
export class Until {
  /** @internal */
  constructor(readonly condition: TensorVariable) {}
  toString(): string {
    return `until(${this.condition})`;
  }
}

/**
 * Theano's `theano.scan_module.until(condition)`: returned by a scan's step
 * as the last element of its result (`[out, sym.until(cond)]`, or after
 * Theano's `(outputs, updates)`), it ends the loop after the first step
 * whose condition, a scalar (bool or integer, non-zero is true), holds;
 * that step is the last row of the outputs. The loop's `nSteps` (or its
 * sequences) bound the steps.
 *
 * ```ts
 * const maxValue = T.scalar('maxValue', 'float64');
 * const [powers] = sym.scan((previous, max) => [previous.mul(2), sym.until(previous.mul(2).gt(max))], {
 *   outputsInfo: T.onesLike(maxValue),
 *   nonSequences: maxValue,
 *   nSteps: 1024,
 * });
 * ```
 */
export function until(condition: TensorLike): Until {
  const c = asTensor(condition, 'until: condition');
  if (c.ndim !== 0 || !(isInt(c.dtype) || c.dtype === 'bool')) {
    throw new TypeError(`until: the condition must be a scalar, bool or integer (non-zero ends the loop), got ${c} of type ${c.type}`);
  }
  return new Until(c);
}

/** Thrown by a step of an ordinary scan that returns `until`: scan starts again as a loop that ends on its condition. */
export const UNTIL_SEEN = Symbol('scan: the step returned until');

/**
 * The step's result without its last element `until(...)`, and that
 * marker (undefined when there is none). `[out, until]` is one output, as
 * Theano's `return out, until(c)`.
 */
export function splitUntil(raw: unknown): { result: unknown; marker: Until | undefined } {
  if (!Array.isArray(raw)) return { result: raw, marker: undefined };
  const at = raw.findIndex((r) => r instanceof Until);
  if (at < 0) return { result: raw, marker: undefined };
  if (at !== raw.length - 1 || raw.filter((r) => r instanceof Until).length > 1) {
    throw new TypeError(`scan: the step returned until(...) at position ${at} of ${raw.length}; return it once, last (Theano's outputs, updates, until(condition))`);
  }
  const rest = raw.slice(0, -1);
  return { result: rest.length === 1 ? rest[0] : rest, marker: raw[at] as Until };
}

/** Runs the loop the Scan op runs (scan.ts's scanLoop): its outputs, and whether the step returned one. */
export type LoopRunner = (fn: Step, sequences: readonly TensorLike[], outputsInfo: readonly (TensorLike | null)[], lastOnly: ReadonlySet<number>) => [TensorVariable[], boolean];

/**
 * The loop of a step returning `until`: `plan(step)` reads the taps of the
 * step given (the user's, its `until` taken off), `loop` runs a step over
 * planned sequences and outputs. Returns the user's outputs, each its
 * first `count` rows.
 */
export function untilLoop(
  fn: Step,
  plan: (step: Step) => TapsPlan,
  nonSequences: readonly TensorLike[],
  loop: LoopRunner,
  { truncateGradient, goBackwards = false }: { truncateGradient?: number | undefined; goBackwards?: boolean | undefined },
): TensorVariable | TensorVariable[] {
  if (truncateGradient !== undefined && truncateGradient !== -1) {
    throw new TypeError(
      `scan: truncateGradient (${truncateGradient}) cannot be combined with until: the gradient of a loop that ends on a condition walks every step that ran`,
    );
  }
  let condition: TensorVariable | undefined;
  const stripped = withArityOf((...args: TensorVariable[]) => {
    const { result, marker } = splitUntil(fn(...args));
    if (!marker) throw new TypeError('scan: the step returned until(...) once but not when called again; return it at every call');
    condition = marker.condition;
    return result as TensorLike | readonly TensorLike[];
  }, fn);
  const planned = plan(stripped);
  const nSeq = planned.sequences.length;
  // each sequence's row at the first step (the last row, going backwards); zeros for a loop of no steps, which has none
  const firstRows = planned.sequences.map((s, i) => {
    const v = asTensor(s, `scan: sequence ${i}`);
    return isInt(v.dtype) || v.dtype === 'bool' ? cast(sum(get(v, goBackwards ? '-1:' : ':1'), 0), v.dtype) : undefined;
  });
  const nState = planned.outputsInfo.filter((o) => o !== null).length;
  // without outputsInfo every output is not fed back: one null each, counted from a call of the step
  const infos = planned.outputsInfo.length ? planned.outputsInfo : countOutputs(planned.fn, planned.sequences, nonSequences).map(() => null);
  let userSingle = false;
  const frozen: Step = (...args) => {
    const arity = stepArity(planned.fn);
    if (arity !== null && arity !== args.length - 1) {
      throw new TypeError(
        `scan: the step takes ${arity} argument(s), but scan passes ${args.length - 1}: ` +
          `${nSeq} sequence step(s), ${nState} previous output(s), ${args.length - 1 - nSeq - nState} non-sequence(s), in that order`,
      );
    }
    const states = args.slice(nSeq, nSeq + nState);
    const stopped = args[nSeq + nState]!;
    // a step past the end computes from the initial values, where the first step computed: its result is dropped, and
    // its derivatives, multiplied by the zero gradient of the rows not taken, are finite there (a step from the last
    // state may not be: sqrt of a state that went negative gave the gradient 0 * NaN)
    const starts = infos.filter((o): o is TensorLike => o !== null);
    // (a plain-number initial value is passed as itself at the first call, which finds the state's dtype: kept so)
    const inputs = states.map((h, k) => (h instanceof TensorConstant && h.weak ? h : elemwise('switch', stopped, asTensor(starts[k]!, `scan: outputsInfo[${k}]`), h)));
    condition = undefined;
    // a step past the end reads the first step's integer rows, as it does its states' initial values: it computes what
    // the first step computed, so it reads no index the loop never reached (Theano never runs that step: a word id past
    // the table there is no IndexError, in FAST_RUN nor in DebugMode's reference, and the gradient reads it neither).
    // Passed through a select, a sequence is no longer an index the call checks before it runs (CheckIndex): one out
    // of range in a step that runs is clamped by the kernels, and raised by DebugMode's reference
    const rows = args.slice(0, nSeq).map((s, i) => (isInt(s.dtype) || s.dtype === 'bool' ? elemwise('switch', stopped, firstRows[i]!, s) : s));
    const raw = planned.fn(...rows, ...inputs, ...args.slice(nSeq + nState + 1));
    const multiple = Array.isArray(raw) && raw.some((r) => r instanceof TensorVariable);
    userSingle = !multiple;
    const outs = (multiple ? raw : [raw]) as TensorLike[];
    if (outs.length !== infos.length) {
      throw new TypeError(`scan: the step returns ${outs.length} output(s), but outputsInfo has ${infos.length} entries (one per output; null for an output not fed back)`);
    }
    const c = condition as TensorVariable | undefined;
    if (!c) throw new TypeError('scan: the step returned until(...) once but not when called again; return it at every call');
    // after the step whose condition held, states keep their values (the rows past the end are not taken)
    let s = 0;
    const held = outs.map((o, i) => (infos[i] === null ? o : elemwise('switch', stopped, states[s++]!, o)));
    const stop = elemwise('or', stopped, c.dtype === 'bool' ? c : elemwise('neq', c, 0));
    return [...held, stop];
  };
  const [results] = loop(frozen, planned.sequences, [...infos, constant(false, { dtype: 'bool' })], planned.lastOnly);
  const stoppedRows = results[results.length - 1]!;
  // steps that ran: up to the first true flag, that step included; all of them when none is
  const n = shapeI(stoppedRows, 0);
  const stoppedCount = sum(cast(stoppedRows, 'int64'));
  const ran = elemwise('minimum', n, elemwise('add', elemwise('sub', n, stoppedCount), 1));
  const count = apply1(new StepsRun(), [ran]);
  const taken = (r: TensorVariable) => get(r, arange(count));
  const user = planned.finish(results.slice(0, -1), userSingle);
  return Array.isArray(user) ? user.map(taken) : taken(user);
}

/** The number of outputs the step returns, from a call over stand-ins of a sequence's row and the non-sequences. */
function countOutputs(fn: Step, sequences: readonly TensorLike[], nonSequences: readonly TensorLike[]): unknown[] {
  const rows = sequences.map((s, i) => {
    const v = asTensor(s, `scan: sequence ${i}`);
    return new TensorVariable(new TensorType(v.dtype, v.broadcastable.slice(1)));
  });
  const raw = fn(...rows, ...nonSequences.map((v, i) => asTensor(v, `scan: non-sequence ${i}`)));
  return Array.isArray(raw) && raw.some((r) => r instanceof TensorVariable) ? raw : [raw];
}

/**
 * The number of steps a loop ending on a condition ran, an int64 scalar,
 * read back after the loop's program: the program taking the outputs'
 * first rows is made for its value.
 */
export class StepsRun extends HostOp {
  key(): string {
    return 'StepsRun';
  }
  override toString(): string {
    return 'StepsRun';
  }
  override pp(args: readonly string[]): string {
    return `steps_run(${args[0]})`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const x = inputs[0]!;
    if (x.ndim !== 0 || !isInt(x.dtype)) throw new TypeError(`StepsRun: expected an integer scalar, got ${x} of type ${x.type}`);
    return [new TensorType('int64', [])];
  }
  inferShape(): StaticShape[] {
    return [[]];
  }
  override lower(): never {
    // reached only in a hand-made schedule (sym.function runs it between programs, and an outer scan holding it a step at a
    // time): HostOp's message would name this op, which the user never wrote
    throw new Error(
      'scan: a loop that ends with sym.until reads back the number of steps it ran between programs, which sym.function arranges; ' +
        'a hand-made schedule cannot hold it: call a function of the graph instead',
    );
  }
  perform(inputs: readonly NDArray[], _node: Apply): NDArray[] {
    const out = NDArray.zeros([], 'int64');
    out.data[0] = inputs[0]!.data[0]!;
    return [out];
  }
}
