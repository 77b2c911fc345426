/**
 * `sym.scan`, Theano's `theano.scan`: a loop written as the function of one
 * step. `fn` receives, in Theano's order, a step of each sequence, the
 * previous value of each recurrent output, then the non-sequences, and
 * returns the step's outputs.
 *
 * ```ts
 * // A ** k, Theano's first scan example
 * const [powers] = sym.scan((prior, A) => prior.mul(A), { outputsInfo: T.onesLike(A), nonSequences: A, nSteps: k });
 * const final = powers.get(-1);
 * ```
 *
 * Variables `fn` reads without receiving them (closures over outer
 * variables, shared variables) become non-sequences of their own, as in
 * Theano.
 */
import { isInt } from '../core/dtype.js';
import { apply1, applyNode, asTensor, constant, type TensorLike } from '../core/op.js';
import { NDArray } from '../core/ndarray.js';
import { cloneReplace } from '../core/clone.js';
import { graphLeaves, toposort } from '../kernel/schedule.js';
import { get } from '../tensor/indexing.js';
import { cast, elemwise } from '../ops/elemwise.js';
import { alloc, shapeI } from '../tensor/tensor.js';
import { ShapeI } from '../ops/shape.js';
import { Scan } from '../ops/scan.js';
import { RandomVariable, randomVariableCount } from '../ops/random.js';
import { undoRandomsOf } from '../random/random.js';
import { WithUpdates } from '../ops/with-updates.js';
import { TensorType } from '../core/type.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';
import type { TensorSharedVariable } from '../core/shared.js';
import { checkOptionNames } from '../core/options.js';
import { nameInError } from '../core/error-names.js';
import { planTaps, stepArity, withArityOf, type ScanOutputInfo, type ScanSequence } from './scan-taps.js';
import { UNTIL_SEEN, splitUntil, untilLoop, type LoopRunner, type Until } from './scan-until.js';
import { StepUpdatesSeen, scanWithStepUpdates, splitStepUpdates } from './scan-updates.js';

export type { ScanOutputInfo, ScanSequence } from './scan-taps.js';

/** Options of `sym.scan(fn, options)` (Theano's `theano.scan` keywords). */
export interface ScanOptions {
  /** What the step iterates over; `{ input, taps }` passes it several elements of a sequence per step (Theano's taps). */
  readonly sequences?: ScanSequence | readonly ScanSequence[];
  /** The recurrent outputs' initial values (null: an output not fed back), one per output of the step (Theano's `outputs_info`). */
  readonly outputsInfo?: ScanOutputInfo | readonly ScanOutputInfo[];
  /** Values passed to every step after the sequences and states (Theano's `non_sequences`). */
  readonly nonSequences?: TensorLike | readonly TensorLike[];
  /** The number of steps: a number or an integer scalar (a function input, or computed from inputs and constants). Default: the shortest sequence's length. */
  readonly nSteps?: TensorLike;
  /** Walk the sequences from their end (outputs are still in the order they are computed), as Theano's go_backwards. */
  readonly goBackwards?: boolean;
  /**
   * Theano's truncate_gradient: the gradient walks back through only the
   * last k steps of the loop (backpropagation through time truncated to k
   * steps); sequence elements and states older than that get no gradient,
   * the non-sequences only what those k steps give them, and the initial
   * state none unless k covers the whole loop. -1 (the default) walks every
   * step. The loop itself still runs every step.
   */
  readonly truncateGradient?: number;
  /** Names the op in debugprint. */
  readonly name?: string;
  /**
   * Theano's strict: every shared variable the step reads must be passed
   * (in `sequences` or `nonSequences`); one it reads by closure is an error
   * naming it, rather than a non-sequence of its own.
   */
  readonly strict?: boolean;
}

/**
 * Theano's second result: updates to apply in `sym.function`: one per
 * shared variable the step updates (its value after the last step). A
 * function moves the generators of the random variables a step makes by
 * itself, so those need none.
 */
export type ScanUpdates = [TensorSharedVariable, TensorVariable][];

/** Updates a Theano step returns beside its outputs or alone: a Map or a list of (shared variable, new value) pairs (`{}` for none). */
export type StepUpdates = Readonly<Record<string, never>> | ReadonlyMap<TensorSharedVariable, TensorLike> | readonly (readonly [TensorSharedVariable, TensorLike])[];

const SCAN_OPTIONS = ['sequences', 'outputsInfo', 'nonSequences', 'nSteps', 'goBackwards', 'truncateGradient', 'name', 'strict'] as const satisfies readonly (keyof ScanOptions)[];

type Step = (...args: TensorVariable[]) => TensorLike | readonly TensorLike[];

/** How many scan steps are being traced now: a loop with until made inside another loop's step is nested. */
let tracingSteps = 0;

/**
 * Theano's `theano.scan`: the loop `fn` describes, run as long as the
 * shortest sequence or `nSteps` steps. `fn` receives a step of each
 * sequence, the previous value of each output with an initial value in
 * `outputsInfo`, then the non-sequences, and returns its outputs; each
 * comes back with a leading axis of steps. Returns `[outputs, updates]`
 * (the updates: one per shared variable the step updates). Theano's taps pass several steps:
 * `{ input: s, taps: [-1, 0, 1] }` as a sequence, `{ initial, taps: [-2, -1] }`
 * as an output (see {@link ScanSequence} and {@link ScanOutputInfo}).
 *
 * ```ts
 * const k = T.iscalar('k');
 * const A = T.vector('A');
 * const [powers] = sym.scan((prior, a) => prior.mul(a), { outputsInfo: T.onesLike(A), nonSequences: A, nSteps: k });
 * const power = sym.function([A, k], powers.get(-1)); // A ** k
 * ```
 *
 * A step that returns {@link until}`(condition)` last (`[out, sym.until(c)]`,
 * Theano's `theano.scan_module.until`) ends the loop after the first step
 * whose condition holds, that step included; `nSteps` or the sequences
 * bound it.
 */
export function scan(fn: (...args: TensorVariable[]) => readonly [TensorLike, Until], options?: ScanOptions): [TensorVariable, ScanUpdates];
/** {@inheritDoc scan:(0)} */
export function scan(
  fn: (...args: TensorVariable[]) => readonly [...TensorLike[], Until] | readonly [readonly TensorLike[], Until] | readonly [readonly TensorLike[], StepUpdates, Until],
  options?: ScanOptions,
): [TensorVariable[], ScanUpdates];
/** {@inheritDoc scan:(0)} */
export function scan(fn: (...args: TensorVariable[]) => readonly TensorLike[], options?: ScanOptions): [TensorVariable[], ScanUpdates];
/**
 * `scan` of a step that returns Theano's `(outputs, updates)` pair (hmc.py's
 * `return [new_pos, new_vel], {}`): each shared variable updated becomes a
 * state of the loop, and scan returns its value after the last step as an update.
 */
export function scan(fn: (...args: TensorVariable[]) => readonly [readonly TensorLike[], StepUpdates], options?: ScanOptions): [TensorVariable[], ScanUpdates];
/** {@inheritDoc scan:(3)} */
export function scan(fn: (...args: TensorVariable[]) => readonly [TensorLike, StepUpdates], options?: ScanOptions): [TensorVariable, ScanUpdates];
/** `scan` of a step that returns only updates of shared variables (Theano's `lambda: {k: k + 1}`): no outputs, the updates for `sym.function`. */
export function scan(fn: (...args: TensorVariable[]) => StepUpdates, options?: ScanOptions): [TensorVariable[], ScanUpdates];
/** {@inheritDoc scan:(0)} */
export function scan(fn: (...args: TensorVariable[]) => TensorLike, options?: ScanOptions): [TensorVariable, ScanUpdates];
export function scan(fn: (...args: TensorVariable[]) => unknown, options: ScanOptions = {}): [TensorVariable | TensorVariable[], ScanUpdates] {
  if (typeof fn !== 'function') throw new TypeError(`scan: the first argument must be the step function, got ${fn === null ? 'null' : typeof fn}`);
  checkOptionNames(options, 'scan', SCAN_OPTIONS);
  checkTruncateGradient(options.truncateGradient);
  const list = <V>(v: V | readonly V[] | undefined): V[] => (v === undefined ? [] : Array.isArray(v) ? [...(v as V[])] : [v as V]);
  const nonSequences = list(options.nonSequences);
  const name = options.name ?? (fn.name || undefined);
  const planOf = (step: Step) => planTaps(outputsOf(step), list<ScanSequence>(options.sequences), list<ScanOutputInfo>(options.outputsInfo), nonSequences.length);
  try {
    // a step returning until or updates is traced again below: the random variables of this trace are forgotten (random.ts)
    return undoRandomsOf(() => {
      const plan = planOf(withoutUntil(fn as Step));
      const [results, single] = scanLoop(plan.fn, plan.sequences, plan.outputsInfo, nonSequences, options, name, plan.lastOnly);
      return [plan.finish(results, single), []] as [TensorVariable | TensorVariable[], ScanUpdates];
    }, (e) => e === UNTIL_SEEN || e instanceof StepUpdatesSeen);
  } catch (e) {
    // the step updates shared variables: the loop again, with a state for each (scan-updates.ts)
    if (e instanceof StepUpdatesSeen) return scanWithStepUpdates(scan as never, fn as Step, options, e);
    if (e !== UNTIL_SEEN) throw e;
  }
  // the step returned until(condition): a loop that ends on it (scan-until.ts)
  const loop: LoopRunner = (step, sequences, infos, lastOnly) => scanLoop(step, sequences, infos, nonSequences, options, name, lastOnly, true);
  try {
    return undoRandomsOf(() => [untilLoop(fn as Step, planOf, loop, options), []] as [TensorVariable | TensorVariable[], ScanUpdates], (e) => e instanceof StepUpdatesSeen);
  } catch (e) {
    // the step also updates shared variables: a state for each, its update the value after the last step that ran (scan-updates.ts)
    if (e instanceof StepUpdatesSeen) return scanWithStepUpdates(scan as never, fn as Step, options, e);
    throw e;
  }
}

/** `fn`, stopping scan's plain loop as soon as the step returns until(...). */
function withoutUntil(fn: Step): Step {
  return withArityOf((...args: TensorVariable[]) => {
    const raw = fn(...args);
    if (splitUntil(raw).marker) throw UNTIL_SEEN;
    return raw;
  }, fn);
}

function checkTruncateGradient(k: unknown): void {
  if (k === undefined || k === -1 || (typeof k === 'number' && Number.isSafeInteger(k) && k >= 1)) return;
  const shown = typeof k === 'number' ? String(k) : k === null ? 'null' : k instanceof TensorVariable ? `the variable ${k}` : `${typeof k} ${JSON.stringify(k) ?? String(k)}`;
  throw new RangeError(`scan: truncateGradient must be an integer >= 1 (the number of steps the gradient walks back) or -1 (every step), got ${shown}`);
}

const isUpdates = (u: unknown): boolean =>
  u instanceof Map || (u !== null && typeof u === 'object' && !Array.isArray(u) && !(u instanceof TensorVariable) && !(u instanceof NDArray) && !ArrayBuffer.isView(u));
/** A list of (shared variable, new value) pairs, as Theano's updates may be given: empty, or pairs whose first is shared. */
const isUpdateList = (u: unknown): boolean => Array.isArray(u) && u.every((p) => Array.isArray(p) && p.length === 2 && p[0] instanceof TensorVariable && 'getValue' in p[0]);
const hasVariable = (o: unknown): boolean => o instanceof TensorVariable || (Array.isArray(o) && o.some((v) => v instanceof TensorVariable));

/**
 * A Theano step may return `(outputs, updates)`, in either order (hmc.py's
 * leapfrog returns `[new_pos, new_vel], {}`): `fn` with such a pair read as
 * its outputs when the updates are empty, and refused, naming them, when
 * not. The step keeps its arity, which scan checks.
 */
function outputsOf(fn: Step): Step {
  const step: Step = (...args) => {
    const raw = fn(...args);
    const updated = splitStepUpdates(raw);
    if (updated) throw new StepUpdatesSeen(updated.pairs.map(([s]) => s), updated.outputs.length, updated.single);
    if (!Array.isArray(raw) || raw.length !== 2) return raw;
    const [a, b] = raw as unknown[];
    let pair: [unknown, unknown] | undefined;
    if (isUpdates(b) && !isUpdates(a)) pair = [a, b];
    else if (isUpdates(a) && !isUpdates(b)) pair = [b, a];
    else if (hasVariable(a) && !(b instanceof TensorVariable) && isUpdateList(b)) pair = [a, b];
    if (!pair) return raw;
    const [outputs, updates] = pair;
    const keys: unknown[] = updates instanceof Map ? [...updates.keys()] : Array.isArray(updates) ? updates.map((p) => (p as unknown[])[0]) : Object.keys(updates as object);
    if (keys.length) {
      throw new TypeError(
        `scan: the step returned updates of ${keys.map(String).join(', ')} beside its outputs (Theano's (outputs, updates)) as a plain object, whose keys are strings, not shared variables; ` +
          'return them as a Map (new Map([[k, k.add(1)]])) or a list of [shared variable, new value] pairs',
      );
    }
    return outputs as TensorLike | readonly TensorLike[];
  };
  return withArityOf(step, fn);
}

/** The loop the Scan op runs: sequences read one element a step, states one step back. Returns the outputs and whether the step returned one (not an array). */
function scanLoop(
  fn: Step,
  seqs: readonly TensorLike[],
  infos: readonly (TensorLike | null)[],
  nonSequences: readonly TensorLike[],
  options: ScanOptions,
  name: string | undefined,
  lastOnly: ReadonlySet<number>,
  until = false,
): [TensorVariable[], boolean] {
  let sequences = seqs.map((s, i) => asTensor(s, `scan: sequence ${i}`));
  sequences.forEach((s, i) => {
    if (s.ndim === 0) throw new TypeError(`scan: sequence ${i} (${s}) is a scalar; a sequence is iterated along its first axis`);
  });
  if (options.goBackwards) sequences = sequences.map((s) => get(s, '::-1'));
  let inits = infos.map((o, i) => (o === null ? null : asTensor(o, `scan: outputsInfo[${i}]`)));
  const explicit = nonSequences.map((v, i) => asTensor(v, `scan: non-sequence ${i}`));
  let nSteps: TensorVariable | undefined;
  if (options.nSteps !== undefined && options.nSteps !== null) {
    if (typeof options.nSteps === 'number' && !(Number.isSafeInteger(options.nSteps) && options.nSteps >= 0)) {
      // an int64 constant would truncate 2.5 to 2 steps, and NaN or Infinity to none
      throw new RangeError(`scan: nSteps must be a non-negative integer (a number) or an integer scalar, got ${options.nSteps}`);
    }
    nSteps = typeof options.nSteps === 'number' ? constant(options.nSteps, { dtype: 'int64' }) : asTensor(options.nSteps, 'scan: nSteps');
    if (nSteps.ndim !== 0 || !isInt(nSteps.dtype)) throw new TypeError(`scan: nSteps must be an integer scalar, got ${nSteps} of type ${nSteps.type}`);
  }
  if (!sequences.length && !nSteps) throw new TypeError('scan: give sequences to iterate over, or nSteps (a loop that ends with until(...) needs one too: the most steps it may run, as Theano\'s n_steps)');

  const seqHolders = sequences.map(
    (s) => new TensorVariable(new TensorType(s.dtype, s.broadcastable.slice(1)), { name: s.name && `${s.name}[t]`, staticShape: s.staticShape.slice(1) }),
  );
  const nonHolders = explicit.map((v) => placeholderOf(v, v.type));
  // A state takes its initial value's type. A plain-number initial value is
  // first passed as itself, a literal that adapts as literals do (0 beside a
  // float32 step is float32), and the state takes the type the step gives it.
  const literal = (v: TensorVariable | null) => v instanceof TensorConstant && v.weak;
  const randomBefore = randomVariableCount();
  const stepWith = (types: (TensorType | null)[], literals: boolean) => {
    const holders = inits.map((v, i) => (v === null ? null : literals && literal(v) ? v : placeholderOf(v, types[i]!, '[t-1]')));
    // non-sequences are passed as themselves, as Theano does: `grad(y.get(i), x)` inside the step sees y's graph
    const args = [...seqHolders, ...(holders.filter((h) => h !== null) as TensorVariable[]), ...explicit];
    const arity = stepArity(fn);
    if (arity !== null && arity !== args.length) {
      throw new TypeError(
        `scan: the step takes ${arity} argument(s), but scan passes ${args.length}: ` +
          `${seqHolders.length} sequence step(s), ${holders.filter((h) => h !== null).length} previous output(s), ${explicit.length} non-sequence(s), in that order`,
      );
    }
    let raw: unknown;
    tracingSteps++;
    try {
      raw = fn(...args);
    } finally {
      tracingSteps--;
    }
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !(raw instanceof TensorVariable) && !(raw instanceof NDArray)) {
      throw new TypeError(
        'scan: the step returned an object; it must return its outputs (a variable or an array of them), ' +
          'and updates of shared variables as a Map (new Map([[k, k.add(1)]])) or a list of [shared variable, new value] pairs: a plain object\'s keys are strings',
      );
    }
    const multiple = Array.isArray(raw) && raw.some((r) => r instanceof TensorVariable);
    const outs = (multiple ? raw : [raw]) as TensorLike[];
    if (outs.length !== inits.length && inits.length > 0) {
      throw new TypeError(`scan: the step returns ${outs.length} output(s), but outputsInfo has ${inits.length} entries (one per output; null for an output not fed back)`);
    }
    return { holders, outs: outs.map((o, i) => asTensor(o, `scan: step output ${i}`)), single: !multiple };
  };
  let types = inits.map((v) => v?.type ?? null);
  let step = stepWith(types, true);
  if (inits.length === 0) inits = step.outs.map(() => null);
  const adjusted = inits.map((v, i) => {
    if (v === null) return null;
    const o = step.outs[i]!;
    const t = types[i]!;
    if (o.ndim !== t.ndim) {
      throw new TypeError(`scan: step output ${i} (${nameInError(o)}) has ${o.ndim} dimensions, but its initial value ${nameInError(v)} has ${t.ndim}; a state keeps its shape`);
    }
    if (literal(v)) return new TensorType(o.dtype, []);
    if (o.dtype !== t.dtype) {
      throw new TypeError(
        `scan: step output ${i} (${nameInError(o)}) is ${o.dtype}, but its initial value ${nameInError(v)} is ${t.dtype}; cast one of them so that the state keeps one dtype`,
      );
    }
    return new TensorType(t.dtype, t.broadcastable.map((b, d) => b && o.broadcastable[d]!));
  });
  if (inits.some(literal) || adjusted.some((t, i) => t !== null && !t.equals(types[i]!))) {
    types = adjusted;
    step = stepWith(types, false);
  }
  inits = inits.map((v, i) => {
    if (v === null || v.dtype === types[i]!.dtype) return v;
    // a plain number becomes a constant of the state's dtype; the other cases were refused above
    return v instanceof TensorConstant ? constant(v.literal ?? v.value.data[0]!, { dtype: types[i]!.dtype }) : cast(v, types[i]!.dtype);
  });

  // random variables the step made draw every step's numbers before the loop, and are read as sequences
  const carrier = toposort(step.outs).find((n) => n.op instanceof WithUpdates);
  if (carrier) {
    throw new TypeError(
      `scan: the step computes ${carrier.op.toString()}, whose updates a function would not see inside the loop; ` +
        `sym's scan steps cannot update shared variables: carry the value as a state instead`,
    );
  }
  // a loop with until draws its rows itself, a step at a time (not nested in another step: that loop's step is
  // compiled without moving generators, and its own hoisting draws this loop's numbers for each of its steps)
  const inLoop = until && tracingSteps === 0;
  const hoisted = hoistStepRandoms(step.outs, randomBefore, { sequences, seqHolders, holders: step.holders, inits, nSteps }, inLoop);
  step = { ...step, outs: hoisted.outs };
  const draws = [...sequences.map(() => null), ...hoisted.draws];
  sequences = [...sequences, ...hoisted.sequences];
  seqHolders.push(...hoisted.holders);

  // states first (the outputs fed back), then the others, each in the user's order
  const stateIdx = inits.flatMap((v, i) => (v === null ? [] : [i]));
  const otherIdx = inits.flatMap((v, i) => (v === null ? [i] : []));
  const stateHolders = stateIdx.map((i) => step.holders[i]!);
  let innerOuts = [...stateIdx, ...otherIdx].map((i) => step.outs[i]!);

  // then each non-sequence is replaced by its placeholder, and other outer variables the step reads become non-sequences of their own
  const nonMap = new Map<TensorVariable, TensorVariable>();
  explicit.forEach((v, i) => nonMap.has(v) || nonMap.set(v, nonHolders[i]!));
  if (nonMap.size) innerOuts = cloneReplace(innerOuts, nonMap);
  const own = new Set<TensorVariable>([...seqHolders, ...stateHolders, ...nonHolders]);
  const captured = graphLeaves(innerOuts).filter((v) => !own.has(v) && !(v instanceof TensorConstant));
  const sharedCaptured = options.strict ? captured.filter((v) => 'getValue' in v) : [];
  if (sharedCaptured.length) {
    throw new TypeError(
      `scan: strict is set, but the step reads the shared variable(s) ${sharedCaptured.map(String).join(', ')} without receiving them; ` +
        'pass them in nonSequences (and take them as the step\'s last arguments), or leave strict out to let scan pass them itself',
    );
  }
  const capturedHolders = captured.map((v) => placeholderOf(v, v.type));
  if (captured.length) innerOuts = cloneReplace(innerOuts, new Map(captured.map((v, i) => [v, capturedHolders[i]!])));

  const op = new Scan(
    { sequences: seqHolders, states: stateHolders, nonSequences: [...nonHolders, ...capturedHolders], outputs: innerOuts },
    {
      hasNSteps: nSteps !== undefined,
      truncateGradient: options.truncateGradient ?? -1,
      name,
      ...(lastOnly.size ? { keep: stateIdx.map((i) => (lastOnly.has(i) ? 'last' : 'all')) } : {}),
      // the step's last output is until's condition (scan-until.ts)
      ...(until ? { until } : {}),
      ...(draws.some((d) => d) ? { draws } : {}),
    },
  );
  const node = applyNode(op, [...sequences, ...stateIdx.map((i) => inits[i]!), ...explicit, ...captured, ...(nSteps ? [nSteps] : [])]);
  // back in the user's order
  const results = (until ? inits.slice(0, -1) : inits).map((_, i) => node.outputs[stateIdx.includes(i) ? stateIdx.indexOf(i) : stateIdx.length + otherIdx.indexOf(i)]!);
  return [results, step.single];
}

interface StepVariables {
  readonly sequences: readonly TensorVariable[];
  readonly seqHolders: readonly TensorVariable[];
  readonly holders: readonly (TensorVariable | null)[];
  readonly inits: readonly (TensorVariable | null)[];
  readonly nSteps: TensorVariable | undefined;
}

/**
 * A random variable the step made draws new numbers at each step (Theano's
 * scan threads its generator through the loop). Steps are unrolled here,
 * and a variable has one sample per call, so each such variable becomes
 * one sample of every step's numbers, drawn before the loop (a leading
 * axis of steps), that the step reads as a sequence. Its size may read the
 * shapes of the step's variables, which do not change from step to step,
 * but not their values, which do. The gradient reads the same sequence, so
 * a mask is the same forwards and backwards. (Variables made outside the
 * step have one sample, the same at every step, as in Theano.) With
 * `inLoop`, a loop ending with until draws each step's row itself (Scan's
 * draws), for the steps that ran only: the sequence is a sample of no
 * rows, giving the row's shape.
 */
function hoistStepRandoms(
  outs: readonly TensorVariable[],
  before: number,
  step: StepVariables,
  inLoop: boolean,
): { outs: TensorVariable[]; sequences: TensorVariable[]; holders: TensorVariable[]; draws: (RandomVariable | null)[] } {
  const made = toposort(outs).filter((n) => n.op instanceof RandomVariable && n.op.serial >= before);
  if (!made.length) return { outs: [...outs], sequences: [], holders: [], draws: [] };
  // Outside the loop, the sizes read stand-ins of the step's variables of the same shapes: zeros shaped as a
  // sequence's row (so that a loop of no steps needs no row), a state's initial value, and zeros shaped as a row of
  // an earlier variable's sample (its own op, left in the outer graph, would draw from the same generator again).
  const rowOf = (v: TensorVariable) => alloc(constant(0, { dtype: v.dtype }), ...v.broadcastable.slice(1).map((_, d) => shapeI(v, d + 1)));
  const outer = new Map<TensorVariable, TensorVariable>();
  const described = new Map<TensorVariable, string>();
  step.seqHolders.forEach((h, i) => {
    outer.set(h, rowOf(step.sequences[i]!));
    described.set(h, `the step of sequence ${i}`);
  });
  step.holders.forEach((h, i) => {
    if (!h) return;
    outer.set(h, step.inits[i]!);
    described.set(h, `the previous value of output ${i}`);
  });
  const steps = step.nSteps ?? step.sequences.map((s) => shapeI(s, 0)).reduce((a, b) => elemwise('minimum', a, b));
  const replace = new Map<TensorVariable, TensorVariable>();
  const draws: (RandomVariable | null)[] = [];
  const sequences = made.map((node) => {
    const op = node.op as RandomVariable;
    const read = valueRead(node.inputs, described);
    if (read) {
      throw new TypeError(
        `scan: the size of ${op.toString()} made in the step reads the value of ${read} (${described.get(read)}), not only its shape; ` +
          `the step's samples are drawn before the loop, so their size cannot change from step to step. Compute the size outside the step (a non-sequence)`,
      );
    }
    const drawn = new RandomVariable(op.distribution, op.dtype, op.rng, op.range, op.lam);
    const size = cloneReplace(node.inputs, outer);
    // a loop with until draws each step's row itself (Scan's draws): its sequence is a sample of no rows, of the row's shape
    const sample = inLoop ? alloc(constant(0, { dtype: op.dtype }), constant(0, { dtype: 'int64' }), ...size) : apply1(drawn, [steps, ...size]);
    draws.push(inLoop ? drawn : null);
    const row = node.outputs[0]!;
    replace.set(row, new TensorVariable(new TensorType(sample.dtype, sample.broadcastable.slice(1)), { staticShape: sample.staticShape.slice(1) }));
    outer.set(row, rowOf(sample));
    described.set(row, 'a random variable the step made');
    return sample;
  });
  return { outs: cloneReplace(outs, replace), sequences, holders: [...replace.values()], draws };
}

/** The first of `vars` whose value, not only its shape, `lengths` are computed from. */
function valueRead(lengths: readonly TensorVariable[], vars: ReadonlyMap<TensorVariable, unknown>): TensorVariable | undefined {
  const seen = new Set<TensorVariable>();
  const stack = [...lengths];
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    if (vars.has(v)) return v;
    // a shape is known before the loop whatever computes the value it is the shape of
    if (v.owner && !(v.owner.op instanceof ShapeI)) stack.push(...v.owner.inputs);
  }
  return undefined;
}

/** `suffix`: a state's holder is its previous value, named h0[t-1] after its initial value h0, as Theano's. */
function placeholderOf(v: TensorVariable, type: TensorType, suffix = ''): TensorVariable {
  return new TensorVariable(type, { name: v.name && `${v.name}${suffix}`, staticShape: type.broadcastable.every((b, d) => b === v.broadcastable[d]) ? v.staticShape : undefined });
}
