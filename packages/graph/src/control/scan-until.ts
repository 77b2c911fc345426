/**
 * Theano's `scan ... until`: a step that returns `sym.until(condition)`
 * beside its outputs ends the loop after the first step whose condition is
 * true; the outputs hold the steps that ran, that one included. The loop
 * still needs an upper bound (`nSteps`, or the sequences' length), as in
 * Theano's example, whose `n_steps=1024` is the most it may run.
 *
 * The condition becomes the step's last output and the Scan op is made
 * with `until` (ops/scan.ts): the number of rows it gives is known only
 * once it has run, so it runs on the host, as Theano's scan does, a step
 * at a time, the step one function compiled once (host-stage.ts), the
 * condition read back after each step. No step past the stop runs (a
 * Print there prints nothing, an index read there is never read), and a
 * bound of 1e5 costs nothing until it is reached. The gradient is the
 * reversed loop over the steps that ran (grad's scan-grad.ts).
 */
import { isInt } from '../core/dtype.js';
import { asTensor, type TensorLike } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { withArityOf, type TapsPlan } from './scan-taps.js';

type Step = (...args: TensorVariable[]) => TensorLike | readonly TensorLike[];

/** What a step returns last to end the loop (Theano's `theano.scan_module.until`). */
export class Until {
  /** @internal */
  constructor(
    /** The loop ends after the first step where it is non-zero. */
    readonly condition: TensorVariable,
  ) {}
  /** `until(condition)`. */
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
 * planned sequences and outputs, its last output the condition (a Scan op
 * made with `until`). Returns the user's outputs, each the steps that ran.
 */
export function untilLoop(
  fn: Step,
  plan: (step: Step) => TapsPlan,
  loop: LoopRunner,
  { truncateGradient }: { truncateGradient?: number | undefined },
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
  let userSingle = false;
  // the user's outputs, then the condition: an output not fed back, the op's last
  const withCondition = withArityOf((...args: TensorVariable[]) => {
    condition = undefined;
    const raw = planned.fn(...args);
    const c = condition as TensorVariable | undefined;
    if (!c) throw new TypeError('scan: the step returned until(...) once but not when called again; return it at every call');
    const multiple = Array.isArray(raw) && raw.some((r) => r instanceof TensorVariable);
    userSingle = !multiple;
    return [...((multiple ? raw : [raw]) as TensorLike[]), c];
  }, planned.fn);
  // without outputsInfo every output is not fed back: scan counts them from a call of the step
  const infos = planned.outputsInfo.length ? [...planned.outputsInfo, null] : [];
  const [results] = loop(withCondition, planned.sequences, infos, planned.lastOnly);
  return planned.finish(results, userSingle);
}
