/**
 * Theano's scan taps, rewritten onto the one-step-back loop the Scan op
 * runs. An output with taps down to x[t-K] is carried as K states (slots
 * x[t-1], ..., x[t-K]); the step is wrapped so that it receives the slots
 * its taps ask for and returns the new value for slot t-1 and each older
 * slot shifted down by one. Only slot t-1's stack is the output; the other
 * slots keep their last value only, so they cost no stacking. A sequence
 * with taps becomes one window of it per tap (views with constant bounds),
 * passed as ordinary sequences, so the Scan op and its gradient see nothing
 * new.
 */
import { apply1, asTensor, constant, type TensorLike } from '../core/op.js';
import { NDArray } from '../core/ndarray.js';
import { get, slice } from '../tensor/indexing.js';
import { MatchLength } from '../ops/shape.js';
import { nameInError } from '../core/error-names.js';
import { TensorVariable, type StaticShape } from '../core/variable.js';

/** A sequence, or Theano's dict form: `taps` are the offsets of the elements the step receives (default [0]). */
export type ScanSequence =
  | TensorLike
  | {
      /** The tensor stepped along its first axis. */
      readonly input: TensorLike;
      /** Offsets of the elements each step receives (default [0]). */
      readonly taps?: readonly number[];
    };

/**
 * One entry of `outputsInfo`: the initial value of a recurrent output, or
 * null for an output that is not fed back (fn does not receive it), or
 * Theano's dict form `{ initial, taps }`: `taps` (negative, default [-1])
 * are the past values the step receives; with x[t-K] the oldest,
 * `initial` has a leading axis of K rows, `initial[K - j]` being x[-j].
 */
export type ScanOutputInfo =
  | TensorLike
  | null
  | {
      /** The initial value; with taps reaching K steps back, K rows (`initial[K - j]` is x[-j]). */
      readonly initial: TensorLike | null;
      /** The past steps the step receives, negative (default [-1]). */
      readonly taps?: readonly number[];
    };

type Step = (...args: TensorVariable[]) => TensorLike | readonly TensorLike[];

/** The loop the Scan op runs for a scan with taps, and how to read the user's outputs back from its results. */
export interface TapsPlan {
  readonly fn: Step;
  readonly sequences: TensorLike[];
  readonly outputsInfo: (TensorLike | null)[];
  /** Entries of `outputsInfo` (older slots) whose every-step values nobody reads. */
  readonly lastOnly: ReadonlySet<number>;
  readonly finish: (results: TensorVariable[], single: boolean) => TensorVariable | TensorVariable[];
}

const isDict = (o: unknown): o is Record<string, unknown> =>
  o !== null && typeof o === 'object' && !Array.isArray(o) && !(o instanceof TensorVariable) && !(o instanceof NDArray);

/** Checks `taps` (what, for error messages) and returns them in the order listed, the order the step receives them in (Theano's). */
function checkTaps(taps: unknown, what: string, negative: boolean): number[] {
  const shown = JSON.stringify(taps);
  if (!Array.isArray(taps) || !taps.every((t) => Number.isInteger(t))) throw new TypeError(`scan: ${what} has taps ${shown}; taps must be an array of integers`);
  if (taps.length === 0) {
    throw new TypeError(
      `scan: ${what} has taps []; give at least one tap (${negative ? '[-1], the previous step, or initial null for an output not fed back' : '[0], the step\'s own element'})`,
    );
  }
  const repeated = taps.find((t, i) => taps.indexOf(t) !== i);
  if (repeated !== undefined) throw new TypeError(`scan: ${what} has taps ${shown}; each tap must appear once, but ${repeated} is repeated`);
  const bad = taps.find((t) => t >= 0);
  if (negative && bad !== undefined) {
    throw new TypeError(`scan: ${what} has taps ${shown}; an output's taps must be negative (-1 is the previous step, -2 the one before), got ${bad}`);
  }
  return [...(taps as number[])];
}

const wrappedArity = new WeakMap<(...args: never[]) => unknown, number | null>();

/** `wrapper`, a function that passes its arguments on to `fn`, with `fn`'s {@link stepArity}. */
export function withArityOf<F extends (...args: never[]) => unknown>(wrapper: F, fn: (...args: never[]) => unknown): F {
  wrappedArity.set(wrapper, stepArity(fn));
  return wrapper;
}

/**
 * The number of arguments `fn` must be called with, to check a step
 * against what scan passes, or null when it takes any number: no
 * parameters (`(...args) =>`), or a rest parameter or a default value
 * after named ones (`(x, ...states) =>`), where JavaScript's `length`
 * counts only the parameters before it. Read from the function's source;
 * a bound or native function shows none, and keeps its `length`.
 */
export function stepArity(fn: (...args: never[]) => unknown): number | null {
  if (wrappedArity.has(fn)) return wrappedArity.get(fn)!;
  if (fn.length === 0) return null;
  const src = Function.prototype.toString.call(fn);
  // a lone unparenthesised arrow parameter (`x => ...`) is exactly one
  if (/^\s*(?:async\s+)?[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$\u200c\u200d]*\s*=>/u.test(src)) return fn.length;
  const open = src.indexOf('(');
  if (open < 0) return fn.length;
  let depth = 0;
  for (let i = open + 1; i < src.length; i++) {
    const c = src[i]!;
    if (c === '"' || c === "'" || c === '`') {
      // a string in a default value: skip to its end
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return fn.length;
      depth--;
    } else if (depth === 0 && (c === '=' || src.startsWith('...', i))) return null;
  }
  return fn.length;
}

/** x, checked when its rows are known (at once when its type says) to be at least `span`, the rows its taps read apart. */
class AtLeastRows extends MatchLength {
  override readonly equalLengths = false;
  override inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const [xs, ys] = shapes as [StaticShape, StaticShape];
    const [n, span] = [xs[0], ys[0]];
    if (n !== null && n !== undefined && span !== null && span !== undefined && n < span) throw new RangeError(this.describe(xs, ys));
    return [xs];
  }
}

/**
 * A sequence with taps `span` rows apart runs len - span steps, as Theano's;
 * a shorter one is an error (Theano's "Scan was asked to run for negative
 * number of step"), not the empty windows that Python's slicing would give.
 */
function atLeastRows(input: TensorVariable, span: number, what: string, taps: readonly number[]): TensorVariable {
  const tooShort = (shape: readonly (number | null)[]) =>
    `scan: ${what} (${nameInError(input)}) has taps ${JSON.stringify(taps)}, so it needs at least ${span} ${span === 1 ? 'row' : 'rows'} (each step reads rows ${span} apart; ` +
    `the loop runs len - ${span} steps); got ${nameInError(input)} of shape (${shape.map((d) => d ?? '?').join(', ')})`;
  const rows = input.staticShape[0];
  if (rows !== null && rows !== undefined && rows < span) throw new RangeError(tooShort(input.staticShape));
  return rows !== null && rows !== undefined ? input : apply1(new AtLeastRows(0, 0, tooShort, `scan taps ${what} ${span}`), [input, constant(NDArray.zeros([span], 'int8'))]);
}

/**
 * Reads the dict forms of `sequences` and `outputsInfo`. Returns the plain
 * entries and, when some taps are more than one window of a sequence or
 * the previous step of an output, the wrapped step.
 */
export function planTaps(fn: Step, sequences: readonly ScanSequence[], infos: readonly ScanOutputInfo[], nNonSequences: number): TapsPlan {
  const seqTaps: number[][] = [];
  const windows: TensorLike[] = [];
  sequences.forEach((s, i) => {
    if (!isDict(s)) {
      seqTaps.push([0]);
      const input = asTensor(s, `scan: sequence ${i}`);
      if (input.ndim === 0) throw new TypeError(`scan: sequence ${i} (${input}) is a scalar; a sequence is iterated along its first axis`);
      windows.push(input);
      return;
    }
    if (!('input' in s)) throw new TypeError(`scan: sequence ${i} is an object without "input"; give a variable or { input, taps }`);
    const taps = s.taps === undefined ? [0] : checkTaps(s.taps, `sequence ${i}`, false);
    const input = asTensor(s.input as TensorLike, `scan: sequence ${i}`);
    if (input.ndim === 0) throw new TypeError(`scan: sequence ${i} (${input}) is a scalar; a sequence is iterated along its first axis`);
    // Theano's proxies: the step's t counts from the first row that every tap and 0 can read (a lone tap [2] reads s[t + 2])
    const m = Math.min(...taps, 0);
    const M = Math.max(...taps, 0);
    seqTaps.push(taps);
    // at step t tap τ reads input[t + τ - m]; the windows all have len - (M - m) rows
    const checked = M - m === 0 ? input : atLeastRows(input, M - m, `sequence ${i}`, taps);
    for (const tau of taps) windows.push(m === M ? input : get(checked, `${tau - m}:${tau === M ? '' : tau - M}`));
  });

  // for each output: its taps in the order listed when it is fed back, K = the oldest step it reads
  const outTaps: (number[] | null)[] = [];
  const outInfos: (TensorLike | null)[] = [];
  const lastOnly = new Set<number>();
  infos.forEach((o, i) => {
    if (!isDict(o) || !('initial' in o)) {
      outTaps.push(o === null ? null : [-1]);
      outInfos.push(o as TensorLike | null);
      return;
    }
    const what = `outputsInfo[${i}]`;
    if (o.initial === null || o.initial === undefined) {
      if (o.taps !== undefined) throw new TypeError(`scan: ${what} has taps ${JSON.stringify(o.taps)} but no initial value; taps read past values, which start from initial`);
      outTaps.push(null);
      outInfos.push(null);
      return;
    }
    const taps = o.taps === undefined ? [-1] : checkTaps(o.taps, what, true);
    const K = -Math.min(...taps);
    outTaps.push(taps);
    if (K === 1) {
      outInfos.push(o.initial as TensorLike);
      return;
    }
    const given = asTensor(o.initial as TensorLike, `scan: ${what}`);
    let initial = given;
    const tooShort = (shape: readonly (number | null)[]) =>
      `scan: ${what} has taps ${JSON.stringify(o.taps)}, so its initial value needs a leading axis of ${K} rows (initial[0] is x[-${K}], ..., initial[${K - 1}] is x[-1]); ` +
      `got ${given} of shape (${shape.map((d) => d ?? '?').join(', ')})`;
    const rows = initial.ndim === 0 ? 0 : initial.staticShape[0];
    if (rows !== null && rows !== undefined && rows < K) throw new TypeError(tooShort(initial.staticShape));
    if (rows === null) {
      // rows known only when the program is made are checked then (a missing row was an index error naming neither scan nor
      // the taps): the first K rows, fewer only when there are fewer, so the shape in the message is the initial value's
      initial = apply1(new MatchLength(0, 0, tooShort, `scan taps ${what} ${K}`), [get(given, slice(0, K)), constant(NDArray.zeros([K], 'int8'))]);
    }
    // slot j holds x[t-j]; it starts at x[-j] = initial[K - j]
    for (let j = 1; j <= K; j++) {
      if (j > 1) lastOnly.add(outInfos.length);
      outInfos.push(get(initial, K - j));
    }
  });

  const multiWindow = seqTaps.some((t) => t.length > 1 || t[0] !== 0);
  const multiSlot = outTaps.some((t) => t !== null && (t.length > 1 || t[0] !== -1));
  const oldest = (taps: readonly number[]): number => -Math.min(...taps);
  const identity = { fn, sequences: windows, outputsInfo: outInfos, lastOnly, finish: (r: TensorVariable[], single: boolean) => (single && r.length === 1 ? r[0]! : r) };
  if (!multiWindow && !multiSlot) return identity;

  const nWindows = windows.length;
  const nArgs = nWindows + outTaps.reduce((a, t) => a + (t?.length ?? 0), 0) + nNonSequences;
  let userSingle = false;
  const wrapped: Step = (...args) => {
    const userArgs = args.slice(0, nWindows);
    const slots: TensorVariable[][] = [];
    let p = nWindows;
    outTaps.forEach((taps, i) => {
      if (taps === null) return;
      const K = oldest(taps);
      slots[i] = args.slice(p, p + K);
      p += K;
      userArgs.push(...taps.map((tau) => slots[i]![-tau - 1]!));
    });
    userArgs.push(...args.slice(p));
    const arity = stepArity(fn);
    if (arity !== null && arity !== nArgs) {
      throw new TypeError(
        `scan: the step takes ${arity} argument(s), but scan passes ${nArgs}: ` +
          `${nWindows} sequence step(s) (one per tap), ${nArgs - nWindows - nNonSequences} previous output(s) (one per tap), ${nNonSequences} non-sequence(s), in that order`,
      );
    }
    const raw = fn(...userArgs);
    // the one-step loop reads sequences' windows as plain sequences; its own checks see the step's result as it is
    if (!multiSlot || isDict(raw)) return raw;
    const multiple = Array.isArray(raw) && raw.some((r) => r instanceof TensorVariable);
    userSingle = !multiple;
    const outs = (multiple ? raw : [raw]) as TensorLike[];
    if (outs.length !== outTaps.length) {
      throw new TypeError(`scan: the step returns ${outs.length} output(s), but outputsInfo has ${outTaps.length} entries (one per output; null for an output not fed back)`);
    }
    // the new value goes to slot t-1, and each older slot takes the one before it
    return outs.flatMap((o, i) => (slots[i] ? [o, ...slots[i].slice(0, slots[i].length - 1)] : [o]));
  };
  if (!multiSlot) return { ...identity, fn: wrapped };
  return {
    fn: wrapped,
    sequences: windows,
    outputsInfo: outInfos,
    lastOnly,
    finish: (results) => {
      let p = 0;
      const mine = outTaps.map((t) => {
        const r = results[p]!;
        p += t === null ? 1 : oldest(t);
        return r;
      });
      return userSingle && mine.length === 1 ? mine[0]! : mine;
    },
  };
}
