/**
 * Scan, Theano's loop: one step of the loop is an inner graph over
 * placeholders (a step of each sequence, the previous value of each
 * recurrent state, the non-sequences), and the op applies it n times.
 *
 * Lowering unrolls the loop. The number of steps is known when a program
 * is scheduled (from the sequences' lengths, or from an n_steps whose value
 * the schedule is given), so every backend runs a scan with the kernels it
 * already has: the kernel IR has no loops and the backend interface no new
 * method. A program is made once per input shape (and n_steps value) and
 * reused; its kernels are shared between steps by the backends' kernel
 * caches. A loop ending with until, whose number of steps is known only
 * once it has run, and one whose step holds a host op run on the host
 * instead, a step at a time (`loop`, host-stage.ts).
 */
import { NDArray, fill, sizeOf } from '../core/ndarray.js';
import { Apply, Op } from '../core/op.js';
import type { RandomVariable } from './random.js';
import { TensorType } from '../core/type.js';
import { TensorConstant, type StaticShape, type TensorVariable } from '../core/variable.js';
import type { BufferView, LowerContext, LowerMark, TensorView } from '../kernel/lower.js';
import { foldStatic, staticLeaves, toposort } from '../kernel/schedule.js';
import { evaluateLazily } from './ifelse-select.js';
import { stackSteps } from './scan-stack.js';
import { rowAt, type RowRecording } from './scan-rows.js';
import { branchGuards, branchOnlyIndexChecks, checkGuardedIndex, checkGuardedWindow, deferWindowChecks, type WindowCheckArgs, checkLastIndexed, knownStepValues, checkSequenceIndex, checkShapes, checkStateShape, type ScanLastIndexed } from './scan-checks.js';

export type { ScanLastIndexed } from './scan-checks.js';

/** Keep every step's value of a state (its output gains a leading axis of steps), or only the last. */
export type ScanKeep = 'all' | 'last';

/** The inner graph of a scan, over placeholders of its own. */
export interface ScanInner {
  /** One step of each sequence: the sequence without its first axis. */
  readonly sequences: readonly TensorVariable[];
  /** The previous value of each recurrent state. */
  readonly states: readonly TensorVariable[];
  /** The same value at every step. */
  readonly nonSequences: readonly TensorVariable[];
  /** What one step computes: each state's new value (in the order of `states`), then the other outputs. */
  readonly outputs: readonly TensorVariable[];
}
/** Options of a {@link Scan} op (what `sym.scan` and the optimizer give it). */
export interface ScanOpOptions {
  /** One entry per state; 'all' when omitted. */
  readonly keep?: readonly ScanKeep[];
  /** States kept 'last' for their stack's `[-1]` (opt's scan_keep_last): no steps is then NumPy's index error, as the stack's. */
  readonly lastIndexed?: readonly ScanLastIndexed[];
  /** Visit time indices from the last to the first (results are still stored at their time index). */
  readonly reverse?: boolean;
  /**
   * For each non-state output, the sequence (by position) whose length its
   * steps axis takes, padded with zeros past the last step; null keeps n.
   * A gradient with respect to a sequence longer than the loop needs it.
   */
  readonly padTo?: readonly (number | null)[];
  /** Whether the node's last input is n_steps. */
  readonly hasNSteps?: boolean;
  /**
   * Theano's truncate_gradient: the gradient walks back only this many of
   * the loop's last steps; -1 (the default) walks them all. The loop itself
   * runs every step.
   */
  readonly truncateGradient?: number;
  /**
   * Run only the steps at the time indices `[0, length)` (`at: 'start'`) or
   * `[n - length, n)` (`at: 'end'`), in the loop's direction; the other
   * time indices' rows of the outputs are zeros. A truncated gradient's
   * loop; its own gradient runs the same window.
   */
  readonly window?: ScanWindow;
  /** Theano's `name`: the loop's name in debugprint and errors. */ readonly name?: string;
  /**
   * The step's last output is a condition (a scalar, bool or integer): the
   * loop ends after the first step where it is non-zero (Theano's
   * `until`), and each output holds the steps that ran. That number is
   * known only once the loop has run, so such a scan runs on the host, a
   * step at a time (host-stage.ts), as Theano's does. Visits the time
   * indices forwards, without a window.
   */
  readonly until?: boolean;
  /**
   * A loop with until: per sequence, the random variable whose rows the loop draws itself, a row per step that ran (null:
   * an ordinary sequence; its input a sample of no rows, of the row's shape), so its generator moves past those steps
   * only, as Theano's; the gradient draws the same rows again (a variable drawing `byRows`).
   */
  readonly draws?: readonly (RandomVariable | null)[];
}

/** The time indices a scan runs: the first or last `length` of its n (all n when n is smaller). */
export interface ScanWindow {
  /** Which end of the time indices. */ readonly at: 'start' | 'end';
  /** How many time indices. */ readonly length: number;
}

let nextScan = 0;

/**
 * Inputs: the sequences, the states' initial values, the non-sequences,
 * then n_steps when `hasNSteps`. Outputs: one per inner output, states
 * first. Step t (a time index; t runs n-1 ... 0 when `reverse`) reads
 * `sequence[t]`; a state kept 'all' stores its value after step t at
 * `[t]`, as does every other output.
 */
export class Scan extends Op {
  readonly kind = 'Scan' as const;
  /** Unique per Scan op, increasing. */ readonly id = nextScan++;
  /** {@link ScanOpOptions.keep}, one per state. */ readonly keep: readonly ScanKeep[];
  /** {@link ScanOpOptions.lastIndexed}. */ readonly lastIndexed: readonly ScanLastIndexed[];
  /** {@link ScanOpOptions.reverse}. */ readonly reverse: boolean;
  /** {@link ScanOpOptions.padTo}, one per non-state output. */ readonly padTo: readonly (number | null)[];
  /** {@link ScanOpOptions.hasNSteps}. */ readonly hasNSteps: boolean;
  /** {@link ScanOpOptions.truncateGradient} (-1: all steps). */ readonly truncateGradient: number;
  /** {@link ScanOpOptions.window}. */ readonly window: ScanWindow | undefined;
  /** {@link ScanOpOptions.name}. */ readonly name: string | undefined;
  /** See {@link ScanOpOptions.until}. */
  readonly until: boolean;
  /** See {@link ScanOpOptions.draws}; one per sequence. */
  readonly draws: readonly (RandomVariable | null)[];
  /** Inner nodes in an order where each comes after its inputs' owners. */
  readonly nodes: readonly Apply[];

  constructor(
    /** The step's graph: its sequences, states, non-sequences and outputs. */ readonly inner: ScanInner,
    options: ScanOpOptions = {},
  ) {
    super();
    const k = inner.states.length;
    if (inner.outputs.length < k) throw new TypeError(`Scan: ${k} states but only ${inner.outputs.length} step outputs`);
    this.keep = options.keep ?? inner.states.map(() => 'all');
    this.lastIndexed = options.lastIndexed ?? [];
    this.reverse = options.reverse ?? false;
    this.padTo = options.padTo ?? inner.outputs.slice(k).map(() => null);
    this.hasNSteps = options.hasNSteps ?? false;
    this.truncateGradient = options.truncateGradient ?? -1;
    this.window = options.window;
    this.name = options.name;
    this.until = options.until ?? false;
    this.draws = options.draws ?? inner.sequences.map(() => null);
    if (this.draws.length !== inner.sequences.length || (!this.until && this.draws.some((d) => d))) throw new TypeError(`Scan: draws needs one entry per sequence (${inner.sequences.length}) and until; got ${this.draws.length}`);
    const tg = this.truncateGradient;
    if (!Number.isSafeInteger(tg) || (tg < 1 && tg !== -1)) throw new RangeError(`Scan: truncateGradient must be an integer >= 1 or -1, got ${tg}`);
    const w = this.window;
    if (w && !(Number.isSafeInteger(w.length) && w.length >= 0 && (w.at === 'start' || w.at === 'end'))) {
      throw new RangeError(`Scan: window must be { at: 'start' | 'end', length: a non-negative integer }, got ${JSON.stringify(w)}`);
    }
    if (this.until) {
      const c = inner.outputs[inner.outputs.length - 1];
      if (!c || inner.outputs.length - 1 < k || c.ndim !== 0 || !(c.dtype === 'bool' || c.dtype.startsWith('int') || c.dtype.startsWith('uint'))) {
        throw new TypeError(`Scan: a loop with until needs the step's last output to be its condition, a bool or integer scalar, after the ${k} states; got ${c ? `${c} of type ${c.type}` : 'none'}`);
      }
      if (this.reverse || this.window) throw new TypeError('Scan: a loop with until visits its steps forwards, without a window');
    }
    inner.states.forEach((s, i) => {
      const o = inner.outputs[i]!;
      if (o.dtype !== s.dtype || o.ndim !== s.ndim) {
        throw new TypeError(
          `scan: step output ${i} (${o}) is ${o.type}, but the state it updates is ${s.type}; ` +
            `a state must keep its type from step to step (cast the initial value or the step's result)`,
        );
      }
    });
    this.nodes = toposort(inner.outputs);
  }

  /** The same loop with a rewritten step (the same placeholders, outputs of the same types). */
  withStep(outputs: readonly TensorVariable[]): Scan {
    return new Scan({ ...this.inner, outputs }, this.options);
  }

  /** The options this op was made with, to make a twin that differs in some (`{ ...op.options, keep }`). */
  get options(): ScanOpOptions {
    return {
      keep: this.keep,
      ...(this.lastIndexed.length ? { lastIndexed: this.lastIndexed } : {}),
      reverse: this.reverse,
      padTo: this.padTo,
      hasNSteps: this.hasNSteps,
      truncateGradient: this.truncateGradient,
      ...(this.window ? { window: this.window } : {}),
      name: this.name,
      ...(this.until ? { until: true } : {}),
      ...(this.draws.some((d) => d) ? { draws: this.draws } : {}),
    };
  }

  /** A loop drawing its rows itself gives new numbers at every call: never folded into a constant. */
  override varies(): boolean {
    return this.draws.some((d) => d);
  }

  /** The sequences' lengths that bound the loop: a sequence the loop draws itself has none. */
  #lengths<L>(lengths: readonly L[]): L[] {
    return lengths.filter((_, i) => !this.draws[i]);
  }

  /** What a step computes for the node's outputs: the step's outputs but a loop's condition. */
  get results(): readonly TensorVariable[] {
    const { outputs } = this.inner;
    return this.until ? outputs.slice(0, -1) : outputs;
  }

  /** The time indices the loop visits, in the order it visits them. */
  visits(n: number): number[] {
    const w = this.window;
    const [lo, hi] = !w ? [0, n] : w.at === 'start' ? [0, Math.min(w.length, n)] : [Math.max(n - w.length, 0), n];
    const ts = Array.from({ length: hi - lo }, (_, i) => lo + i);
    return this.reverse ? ts.reverse() : ts;
  }
  /** Number of sequences. */
  get nSequences(): number {
    return this.inner.sequences.length;
  }
  /** Number of states (recurrent outputs). */
  get nStates(): number {
    return this.inner.states.length;
  }

  key(): string {
    return `Scan#${this.id}`;
  }
  override toString(): string {
    return this.name ? `Scan{${this.name}}` : 'Scan';
  }

  /**
   * n_steps, and the non-sequences that lengths inside the step come from
   * (an `arange(k)`, a `zeros([k])`, an inner scan's n_steps): lowering
   * needs their values, not buffers.
   */
  override staticInputs(): number[] {
    const base = this.nSequences + this.nStates;
    const n = base + this.inner.nonSequences.length;
    return [...this.staticNonSequences.map((m) => base + m), ...(this.hasNSteps ? [n] : [])];
  }

  #staticNonSequences: number[] | undefined;
  private get staticNonSequences(): number[] {
    if (this.#staticNonSequences) return this.#staticNonSequences;
    const found = new Set<number>();
    for (const v of staticLeaves(this.nodes)) {
      const m = this.inner.nonSequences.indexOf(v);
      if (m >= 0) found.add(m);
    }
    return (this.#staticNonSequences = [...found].sort((a, b) => a - b));
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const { sequences, states, nonSequences } = this.inner;
    const want = sequences.length + states.length + nonSequences.length + (this.hasNSteps ? 1 : 0);
    if (inputs.length !== want) throw new TypeError(`${this}: expected ${want} inputs, got ${inputs.length}`);
    const check = (outer: TensorVariable, innerV: TensorVariable, what: string, drop: number): void => {
      if (outer.dtype !== innerV.dtype || outer.ndim - drop !== innerV.ndim) {
        throw new TypeError(`${this}: ${what} ${outer} is ${outer.type}, which does not fit its placeholder ${innerV.type}`);
      }
    };
    sequences.forEach((p, i) => check(inputs[i]!, p, 'sequence', 1));
    states.forEach((p, i) => check(inputs[sequences.length + i]!, p, 'initial value', 0));
    nonSequences.forEach((p, i) => check(inputs[sequences.length + states.length + i]!, p, 'non-sequence', 0));
    if (this.hasNSteps) {
      const n = inputs[inputs.length - 1]!;
      if (n.ndim !== 0 || !['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32'].includes(n.dtype)) {
        throw new TypeError(`${this}: n_steps must be an integer scalar, got ${n} of type ${n.type}`);
      }
    }
    return this.results.map((o, i) => {
      const kept = i < states.length ? this.keep[i] === 'all' : true;
      return new TensorType(o.dtype, kept ? [false, ...o.broadcastable] : o.broadcastable);
    });
  }

  /** The number of steps, from n_steps (when known) and the sequences' lengths (the shortest, as Theano). */
  private steps(seqLengths: readonly (number | null)[], nSteps: number | null | undefined): number | null {
    if (nSteps !== undefined && nSteps !== null) {
      if (!Number.isInteger(nSteps) || nSteps < 0) throw new RangeError(`${this}: n_steps must be a non-negative integer, got ${nSteps}`);
      seqLengths.forEach((len, i) => {
        if (len !== null && len < nSteps) {
          throw new RangeError(`${this}: sequence ${i} has ${len} steps, fewer than n_steps = ${nSteps}`);
        }
      });
      return nSteps;
    }
    if (this.hasNSteps) return null;
    if (seqLengths.some((l) => l === null)) return null;
    return Math.min(...(seqLengths as number[]));
  }

  private nStepsOf(node: Apply, value?: number): number | null | undefined {
    if (!this.hasNSteps) return undefined;
    if (value !== undefined) return value;
    const v = node.inputs[node.inputs.length - 1];
    return v instanceof TensorConstant ? Number(v.value.data[0]) : null;
  }

  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    return this.shapesFor(shapes, node);
  }

  /** `ran`: the steps a loop with until ran (unknown before it runs). */
  private shapesFor(shapes: readonly StaticShape[], node: Apply, nSteps?: number, ran?: number): StaticShape[] {
    const ns = this.nSequences;
    const seqLengths = this.#lengths(shapes.slice(0, ns).map((s) => s[0] ?? null));
    const bound = this.steps(seqLengths, this.nStepsOf(node, nSteps));
    const n = this.until ? (ran ?? null) : bound;
    return this.results.map((o, i) => {
      if (i < this.nStates) {
        const init = shapes[ns + i]!;
        return this.keep[i] === 'all' ? [n, ...init] : init;
      }
      const pad = this.padTo[i - this.nStates];
      const length = pad === null || pad === undefined ? n : (shapes[pad]![0] ?? null);
      return [length, ...o.staticShape];
    });
  }

  /** The step's output shapes for the node's input shapes: what a loop of no steps stacks none of. */
  private stepShapes(inputShapes: readonly (readonly number[])[]): StaticShape[] {
    const { sequences, states, nonSequences } = this.inner;
    const [ns, nk] = [sequences.length, states.length];
    const shapes = new Map<TensorVariable, StaticShape>();
    sequences.forEach((p, i) => shapes.set(p, inputShapes[i]!.slice(1)));
    states.forEach((p, i) => shapes.set(p, inputShapes[ns + i]!));
    nonSequences.forEach((p, i) => shapes.set(p, inputShapes[ns + nk + i]!));
    const shapeOf = (v: TensorVariable): StaticShape => shapes.get(v) ?? v.staticShape;
    for (const nd of this.nodes) nd.op.inferShape(nd.inputs.map(shapeOf), nd).forEach((sh, i) => shapes.set(nd.outputs[i]!, sh));
    return this.results.map(shapeOf);
  }

  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const { sequences, states, nonSequences, outputs } = this.inner;
    const placeholders = [...sequences, ...states, ...nonSequences];
    const loop = this.loop(inputs, node);
    let next = loop.next();
    while (!next.done) {
      const values = new Map(placeholders.map((p, i) => [p, next.value[i]!]));
      next = loop.next(evaluateLazily(outputs, values, (v) => `Scan: no value for ${v} in the step`));
    }
    return next.value;
  }

  /**
   * The loop over the node's input values: yields each step's values of
   * the step's sequences, states and non-sequences (in that order), takes
   * back its outputs, and returns the node's outputs. `perform` computes a
   * step with the ops' references; a loop whose step holds an op run on the
   * host runs each step as a function of its own (host-stage.ts).
   */
  *loop(inputs: readonly NDArray[], node: Apply): Generator<NDArray[], NDArray[], NDArray[]> {
    const { sequences } = this.inner;
    const outputs = this.results;
    const ns = sequences.length;
    const nk = this.nStates;
    const seqs = inputs.slice(0, ns);
    const n = this.steps(
      this.#lengths(seqs.map((s) => s.shape[0]!)),
      this.hasNSteps ? Number(inputs[inputs.length - 1]!.data[0]) : undefined,
    )!;
    checkLastIndexed(this, n, inputs);
    const fixed = inputs.slice(ns + nk, ns + nk + this.inner.nonSequences.length);
    let carried = inputs.slice(ns, ns + nk);
    // (a loop with until fills its rows in order: no array of its bound's length)
    const perStep: (NDArray | undefined)[][] = outputs.map(() => new Array<NDArray | undefined>(this.until ? 0 : n));
    // a loop with until visits 0, 1, ... up to the step whose condition holds, that step included (its bound may be 1e5)
    const visits = this.until ? [] : this.visits(n);
    // the rows the loop draws itself, from a copy of each generator: it moves (commit) only when the whole call succeeds
    const generators = this.draws.map((d) => d && d.rng.current.copy());
    const drawRow = (d: RandomVariable, i: number): NDArray => {
      const row = NDArray.zeros(seqs[i]!.shape.slice(1), d.dtype);
      d.drawInto(generators[i]!, row);
      return row;
    };
    for (let s = 0; this.until ? s < n : s < visits.length; s++) {
      const t = this.until ? visits.push(s) - 1 : visits[s]!;
      const outs = yield [...seqs.map((x, i) => (this.draws[i] ? drawRow(this.draws[i]!, i) : rowOf(x, t))), ...carried, ...fixed];
      outputs.forEach((_, i) => {
        if (i < nk) checkStateShape(this, i, carried[i]!.shape, outs[i]!.shape);
        perStep[i]![t] = outs[i]!;
      });
      carried = outs.slice(0, nk);
      if (this.until && Number(outs[outputs.length]!.data[0]) !== 0) break;
    }
    this.draws.forEach((d, i) => d?.drewUpTo(generators[i]!.getState()));
    const ran = visits.length;
    const shapes = this.shapesFor(
      inputs.map((v) => v.shape),
      node,
      n,
      ran,
    );
    // with no step to take them from, the rows' shapes come from the step's shapes
    const none = visits.length > 0 ? [] : this.stepShapes(inputs.map((v) => v.shape));
    return outputs.map((o, i) => {
      if (i < nk && this.keep[i] === 'last') return carried[i]!;
      const step = visits.length > 0 ? perStep[i]![visits[0]!]!.shape : none[i]!;
      const shape = shapes[i]!.map((d, k) => d ?? (k === 0 ? (this.until ? ran : n) : (step[k - 1] ?? 0)));
      const out = NDArray.zeros(shape, o.dtype);
      const row = sizeOf(shape.slice(1));
      // time indices outside the window keep their zeros
      for (const t of visits) out.data.set(perStep[i]![t]!.data, t * row);
      return out;
    });
  }

  /**
   * Whether the loop runs on the host, a step at a time (host-stage.ts): a
   * loop with until, whose number of rows is known only once it has run,
   * and one whose step holds an op run on the host (Print, asOp, nonzero,
   * an inner loop with until), which no program computes.
   */
  override dataDependentShape(): boolean {
    return (this.#hostStep ??= this.until || this.nodes.some((nd) => nd.op.dataDependentShape?.() === true));
  }
  #hostStep: boolean | undefined;

  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    if (this.until) {
      // sym.function runs it on the host (dataDependentShape): reached only in a hand-made schedule
      throw new Error(
        `${this}: a loop that ends with sym.until runs on the host, a step at a time, between programs, which sym.function arranges; ` +
          'a hand-made schedule cannot hold it: call a function of the graph instead',
      );
    }
    const { sequences, states, nonSequences, outputs } = this.inner;
    const ns = sequences.length;
    const nk = states.length;
    const seqs = inputs.slice(0, ns);
    let nSteps: number | undefined;
    if (this.hasNSteps) {
      const v = inputs[inputs.length - 1]!;
      if (v.kind !== 'scalar') throw new Error(`${this}: n_steps must be known when the program is made (a constant, or an integer scalar input of the function)`);
      nSteps = v.value;
    }
    const n = this.steps(
      seqs.map((s) => s.shape[0]!),
      nSteps,
    )!;
    checkLastIndexed(this, n, inputs);
    const visits = this.visits(n);
    const invariant = new Map<TensorVariable, TensorView>();
    // the step's views, for a flag of an index cast from a float (kernel/index-check-device.ts)
    let stepViews: Map<TensorVariable, TensorView> | undefined;
    const outerLowered = ctx.lowered;
    ctx.lowered = (v) => stepViews?.get(v) ?? invariant.get(v) ?? outerLowered?.(v);
    nonSequences.forEach((p, i) => invariant.set(p, inputs[ns + nk + i]!));
    const viewIn = (views: Map<TensorVariable, TensorView>) => (v: TensorVariable): TensorView => {
      const have = views.get(v) ?? invariant.get(v);
      if (have) return have;
      if (v instanceof TensorConstant) {
        const c = ctx.constant(v.value);
        invariant.set(v, c);
        return c;
      }
      throw new Error(`${this}: the step reads ${v}, which is none of its placeholders`);
    };
    const unchecked = branchOnlyIndexChecks(outputs, this.nodes);
    // each checked where its branch is taken, by a flag per step (replayed with the step)
    const guards = unchecked.size ? branchGuards(outputs, this.nodes, unchecked) : undefined;
    // windows only an ifelse's branches compute: checked where the branch is taken, once the step's conditions are lowered
    const windowNodes = new Set(this.nodes.filter((nd) => (nd.op as { entries?: readonly { kind: string }[] }).entries?.some((e) => e.kind === 'window')));
    const windowGuards = windowNodes.size ? branchGuards(outputs, this.nodes, windowNodes) : undefined;
    const putOff: { guard: Parameters<typeof checkGuardedWindow>[1]; args: WindowCheckArgs }[] = [];
    const lowerNode = (nd: Apply, ins: TensorView[]): TensorView[] => deferWindowChecks(ctx, windowGuards?.get(nd), putOff, () => nd.op.lower(ctx, ins, nd));
    // nodes that read no sequence and no state compute the same at every step: lower them once
    const varying = new Set<TensorVariable>([...sequences, ...states]);
    const perStepNodes: Apply[] = [];
    for (const nd of this.nodes) {
      if (nd.inputs.some((v) => varying.has(v))) {
        nd.outputs.forEach((o) => varying.add(o));
        perStepNodes.push(nd);
      } else if (visits.length > 0) {
        const ins = nd.inputs.map(viewIn(invariant));
        checkShapes(nd, ins);
        const outs = unchecked.has(nd) ? [ins[0]!] : (foldStatic(nd, ins) ?? lowerNode(nd, ins));
        nd.outputs.forEach((o, i) => invariant.set(o, outs[i]!));
      }
    }
    let carried = inputs.slice(ns, ns + nk);
    const perStep: (TensorView | undefined)[][] = outputs.map(() => new Array<TensorView | undefined>(n));
    // a step lowered once is replayed for the next ones, over their own buffers (see StepRecording)
    const loop = perStepNodes.some((nd) => nd.op.varies?.()) ? undefined : ctx.mark?.();
    let recording: StepRecording | undefined;
    const rowRecordings: RowRecording[] = sequences.map(() => ({}));
    // a window's start from the counter of T.arange(n) is checked for every step when the program is made (ops/window-check.ts)
    const outerStepValues = ctx.stepValues;
    ctx.stepValues = knownStepValues(ctx, sequences, seqs, visits);
    for (const t of visits) {
      const placeholders = [...sequences.map((_, i) => rowAt(ctx, seqs[i]!, t, rowRecordings[i]!)), ...carried];
      let outs: TensorView[];
      if (recording && replays(recording, placeholders, loop!)) outs = replayStep(ctx, recording, placeholders);
      else {
        const from = ctx.mark?.();
        const views = (stepViews = new Map<TensorVariable, TensorView>());
        [...sequences, ...states].forEach((p, i) => views.set(p, placeholders[i]!));
        for (const nd of perStepNodes) {
          const ins = nd.inputs.map(viewIn(views));
          checkShapes(nd, ins);
          if (t === visits[0] && !unchecked.has(nd)) checkSequenceIndex(ctx, nd, ins, sequences, seqs, visits);
          const lowered = unchecked.has(nd) ? [ins[0]!] : (foldStatic(nd, ins) ?? lowerNode(nd, ins));
          nd.outputs.forEach((o, i) => views.set(o, lowered[i]!));
        }
        if (guards) for (const [nd, guard] of guards) checkGuardedIndex(ctx, nd, guard, viewIn(views));
        for (const { guard, args } of putOff.splice(0)) checkGuardedWindow(ctx, guard, args, viewIn(views));
        outs = outputs.map(viewIn(views));
        if (loop && from && fresh(placeholders, loop)) recording = { from, to: ctx.mark!(), placeholders, outputs: outs };
      }
      outs.forEach((o, i) => {
        if (i < nk) checkStateShape(this, i, carried[i]!.shape, o.shape);
        perStep[i]![t] = o;
      });
      carried = outs.slice(0, nk);
    }
    [ctx.stepValues, ctx.lowered] = [outerStepValues, outerLowered];
    const none = visits.length > 0 ? [] : this.stepShapes(inputs.map((v) => v.shape));
    return outputs.map((o, i) => {
      if (i < nk && this.keep[i] === 'last') return carried[i]!;
      const pad = i < nk ? null : (this.padTo[i - nk] ?? null);
      const length = pad === null ? n : seqs[pad]!.shape[0]!;
      const rowShape = visits.length > 0 ? perStep[i]![visits[0]!]!.shape : none[i]!.map((d) => d ?? 0);
      return stackSteps(ctx, perStep[i]!, length, rowShape, o.dtype);
    });
  }
}

/**
 * One step's lowering, kept to be replayed for the next steps: the kernels
 * lowered between `from` and `to` read the step's placeholders (its rows
 * of the sequences, its states) and the loop's invariants. A later step
 * whose placeholders are laid out alike (dtype, shape, strides, offset)
 * would lower to the same kernels, over other buffers: replayed, it costs
 * no lowering, and its kernels are the same objects (a function finds their
 * compiled code by object, without a key). A long loop's program is made
 * in a third of the time (rnnslu's 200-step training step: 43 -> 16 ms).
 */
interface StepRecording {
  readonly from: LowerMark;
  readonly to: LowerMark;
  readonly placeholders: readonly TensorView[];
  readonly outputs: readonly TensorView[];
}

/**
 * Whether every placeholder is a buffer the loop made (a row, a state a
 * step computed), each its own: such a buffer plays no other part in the
 * step (an initial state may also be read as a non-sequence), so a replay
 * can put another step's in its place.
 */
function fresh(placeholders: readonly TensorView[], loop: LowerMark): boolean {
  const seen = new Set<number>();
  for (const v of placeholders) {
    if (v.kind !== 'buffer' || v.buffer < loop.buffers || seen.has(v.buffer)) return false;
    seen.add(v.buffer);
  }
  return true;
}

function sameLayout(a: TensorView, b: TensorView): boolean {
  if (a.kind !== 'buffer' || b.kind !== 'buffer') return false;
  const same = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.dtype === b.dtype && a.offset === b.offset && same(a.shape, b.shape) && same(a.strides, b.strides);
}

/** Whether a step with these placeholders lowers to the recorded kernels. */
function replays(r: StepRecording, placeholders: readonly TensorView[], loop: LowerMark): boolean {
  return fresh(placeholders, loop) && placeholders.every((v, i) => sameLayout(v, r.placeholders[i]!));
}

/** The recorded step again, over `placeholders`' buffers: its outputs' views. */
function replayStep(ctx: LowerContext, r: StepRecording, placeholders: readonly TensorView[]): TensorView[] {
  const substitute = new Map<number, number>();
  r.placeholders.forEach((v, i) => substitute.set((v as BufferView).buffer, (placeholders[i] as BufferView).buffer));
  const where = ctx.replay!(r.from, r.to, substitute);
  return r.outputs.map((v) => (v.kind === 'buffer' ? { ...v, buffer: where(v.buffer) } : v));
}

function rowOf(x: NDArray, t: number): NDArray {
  const row = sizeOf(x.shape.slice(1));
  return new NDArray(x.data.slice(t * row, (t + 1) * row), x.shape.slice(1), x.dtype);
}
