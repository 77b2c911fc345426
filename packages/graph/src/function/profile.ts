/**
 * Profiles of compiled functions, Theano's `profile=True`: with
 * `sym.function(inputs, outputs, { profile: true })` (or `config.profile`)
 * a function records how many calls it had, where each call's time went
 * (converting arguments, making programs, uploads, kernels, readbacks), and
 * each kernel launch's time, kept per kernel of each program. `summary()`
 * prints tables in the spirit of Theano's ProfileStats: per op class, per
 * op, per kernel (sym's unit of work, Theano's Apply node).
 *
 * A kernel may compute several graph nodes (fusion): its op is named after
 * all of them (`Elemwise{mul,add,exp}`, `dot + Elemwise{add,sigmoid}`).
 */
import type { Backend, Launch } from '../core/backend.js';
import { config } from '../core/config.js';
import type { DType } from '../core/dtype.js';
import type { Kernel, Step } from '../kernel/kernel.js';
import type { Apply } from '../core/op.js';
import { Elemwise } from '../ops/elemwise.js';
import { SCALAR_OPS } from '../core/scalar.js';

/** The clock (ms). @sym/graph is built with no environment's types: reached through globalThis, in browsers and Node alike. */
export const now: () => number = (() => {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? () => perf.now() : () => Date.now();
})();

/** One kernel of one program (a program per distinct input shapes): what it computes, and its launches. */
export interface KernelProfile {
  /** The program it belongs to (0 for the first a function made) and its position there. */
  readonly program: number;
  /** Its position in the program's steps. */
  readonly index: number;
  /** The kernel IR's kind: `elementwise`, `reduce`, `matmul` or `sort`. */
  readonly kind: Kernel['kind'];
  /** Its op, named after every node it computes: `Elemwise{mul,add,exp}`, `dot + Elemwise{add}`, `DeepCopyOp` (a copy into an output's buffer). */
  readonly op: string;
  /** The classes (kinds) of those ops, in alphabetical order, as Theano's Class table groups them: `Elemwise`, `Dot+Elemwise`; a custom op's class is its `name` (`Softsign`). */
  readonly opClass: string;
  /** The nodes it computes, as debugprint names them, producers first. */
  readonly nodes: readonly string[];
  /** The shape and dtype of what it writes. */
  readonly shape: readonly number[];
  /** The dtype of what it writes. */
  readonly dtype: DType;
  /** Its launches counted (one per profiled call of its program). */
  readonly calls: number;
  /** Total time of its launches (ms). */
  readonly time: number;
}

/** Kernels aggregated by op or by op class. */
export interface OpProfile {
  /** The op name (`ops()`) or the op class (`classes()`). */
  readonly name: string;
  /** The kernel kinds among them (`elementwise`, `reduce+matmul`, ...). */
  readonly kind: string;
  /** How many kernels (of all programs) it covers, their launches, and their time (ms). */
  readonly kernels: number;
  /** Their launches. */
  readonly calls: number;
  /** Their time (ms). */
  readonly time: number;
}

/** Where the calls' time went (ms); `kernels` is the sum of the kernels' times, the rest is overhead. */
export interface ProfilePhases {
  /** Checking and converting arguments to the inputs' types. */
  convert: number;
  /** Finding the program for the arguments' shapes; making one (scheduling, compiling kernels) on a new shape. */
  plan: number;
  /** Writing arguments and random draws to the device, and binding buffers. */
  upload: number;
  /**
   * Running the kernels (see `timing`): the kernels' times, and with
   * `'device'` timing also the submit and the wait for them, which their
   * device times leave out (`FunctionProfile.kernelTime` is theirs alone).
   */
  kernels: number;
  /** Reading results back, checks (DebugMode), applying updates. */
  read: number;
}

/**
 * How kernel times were measured. `'device'`: by the device itself
 * (the backend's `runTimed`: WebGPU timestamp queries), the launches
 * submitted together as without profiling. `'finish'`: each launch run alone and
 * waited for (the backend's `finish`), so a time is the device's plus one
 * submit and one wait. `'run'`: the time `backend.run` took for the launch:
 * exact for a backend that runs synchronously (the CPU), only the time to
 * queue the work for one that does not (a third-party backend without
 * `finish`), whose kernels then finish during the readback.
 */
export type KernelTiming = 'device' | 'finish' | 'run';

/** The options of `FunctionProfile.summary()`. */
export interface SummaryOptions {
  /** Rows of the op class, op and kernel tables (the rest are summed in one line); default 20. */
  readonly rows?: number;
  /** List each kernel's nodes under it; default true. */
  readonly nodes?: boolean;
}

/** What a program's kernels are, and their counters: filled in place at each launch, allocating nothing. */
export interface ProgramProfile {
  /** Each launch's kernel as {@link KernelProfile} describes it, without its counters. */
  readonly kernels: readonly Omit<KernelProfile, 'calls' | 'time'>[];
  /** Completed calls per launch. */
  readonly calls: Float64Array;
  /** Milliseconds per launch, summed over completed calls. */
  readonly times: Float64Array;
  /**
   * The running call's time per launch, added to `calls` and `times` when
   * the call completes (`FunctionProfile.record`): a call that fails after
   * its launches (a NanGuardMode check, a read) is left out of the kernels
   * as it is out of `calls`.
   */
  readonly last: Float64Array;
}

/**
 * Run `launches`, each timed into `counters.last`: by the device where the
 * backend can (`runTimed`), else one at a time through the backend's
 * `finish` where it has one (a GPU's launches are queued, and only the
 * wait says when one is done). Returns the time the kernel phase took
 * (ms) and how the kernels were timed. Each list is a fresh array: a
 * backend may key what it learns about a launch list by the list
 * (WebGPU's expected waits). `first`: the position of `launches[0]` among
 * the program's steps (a call run in two parts, index-check-split.ts).
 */
export async function runProfiled(backend: Backend, launches: readonly Launch[], counters: ProgramProfile, first = 0): Promise<{ wall: number; timing: KernelTiming }> {
  const start = now();
  const device = backend.runTimed?.(launches);
  if (device) {
    const times = await device;
    for (let i = 0; i < launches.length; i++) counters.last[first + i] = times[i]!;
    return { wall: now() - start, timing: 'device' };
  }
  let total = 0;
  for (let i = 0; i < launches.length; i++) {
    const t0 = now();
    backend.run([launches[i]!]);
    await backend.finish?.();
    const dt = now() - t0;
    counters.last[first + i] = dt;
    total += dt;
  }
  return { wall: total, timing: backend.finish ? 'finish' : 'run' };
}

/** `runProfiled` for a synchronous call (no `runTimed`: it is asynchronous): a `finish` that returns a promise cannot be waited for, and the times are then enqueue times. */
export function runProfiledSync(backend: Backend, launches: readonly Launch[], counters: ProgramProfile, first = 0): { total: number; timing: KernelTiming } {
  let total = 0;
  let timing: KernelTiming = backend.finish ? 'finish' : 'run';
  for (let i = 0; i < launches.length; i++) {
    const t0 = now();
    backend.run([launches[i]!]);
    const done = backend.finish?.();
    if (done) {
      timing = 'run';
      // its failure, if any, surfaces in the reads that follow
      done.then(undefined, () => undefined);
    }
    const dt = now() - t0;
    counters.last[first + i] = dt;
    total += dt;
  }
  return { total, timing };
}

/** Profiles made because `config.profile` was on: printed when the process exits, as Theano prints them. */
const flagged: FunctionProfile[] = [];
let exitHook = false;

/**
 * A compiled function's profile (`f.profile`, made with `{ profile: true }`
 * or under `config.profile`): its calls, their time by phase, and each
 * kernel's launches and time, per program. See `summary()` for Theano's
 * tables and `kernels()`, `ops()`, `classes()` for the same numbers as data.
 */
export class FunctionProfile {
  /** The function's name (its `name` option), or undefined. */
  readonly name: string | undefined;
  /** The device the function runs on (`config.device` when it was made, or its `device` option). */
  readonly device: string;
  /** The function's mode (`FAST_RUN`, ...). */
  readonly mode: string;
  #calls = 0;
  #callTime = 0;
  #phases: ProfilePhases = emptyPhases();
  #timing: KernelTiming | undefined;
  #hostReads = 0;
  #hostOps = 0;
  /** The stages the current call made of host stages has run so far, counted when it finishes (`recordStaged`). */
  #stages: { phases: ProfilePhases; timing: KernelTiming; program: ProgramProfile | undefined; last: Float64Array | undefined }[] = [];
  /** Per program: made at the program's first profiled call, kept (with its counters) for as long as the profile. */
  readonly #programs: ProgramProfile[] = [];
  readonly #byProgram = new WeakMap<object, ProgramProfile>();

  /** `flag`: made because `config.profile` was on (printed at exit), not by the `profile` option. */
  constructor(name: string | undefined, device: string, mode: string, flag = false) {
    this.name = name;
    this.device = device;
    this.mode = mode;
    if (flag) printAtExit(this);
  }

  /** Completed calls. */
  get calls(): number {
    return this.#calls;
  }
  /** Total time of the calls (ms), from when each began to run (an asynchronous call's wait for earlier calls excluded). */
  get callTime(): number {
    return this.#callTime;
  }
  /** Total time of the kernels (ms): the sum of their times. */
  get kernelTime(): number {
    let total = 0;
    for (const p of this.#programs) for (const t of p.times) total += t;
    return total;
  }
  /**
   * Values read back from the device for ops computed on the host between
   * programs (nonzero, unique: see `host-stage.ts`), over all calls; an
   * input of the function or a constant needs no readback.
   */
  get hostReads(): number {
    return this.#hostReads;
  }
  /** Host ops (nonzero, unique, ...) computed, over all calls. */
  get hostOps(): number {
    return this.#hostOps;
  }
  /** The calls' time by phase (ms), summed over the calls. */
  get phases(): Readonly<ProfilePhases> {
    return { ...this.#phases };
  }
  /** How kernel times were measured (undefined before the first call); `'run'` if any call could not wait for the device. */
  get timing(): KernelTiming | undefined {
    return this.#timing;
  }

  /** The counters of `program`'s kernels, made at its first profiled call. */
  program(program: { readonly steps: readonly Step[] }): ProgramProfile {
    let p = this.#byProgram.get(program);
    if (p) return p;
    const index = this.#programs.length;
    const steps = program.steps;
    const n = steps.length;
    p = { kernels: steps.map((s, i) => describeKernel(s, index, i)), calls: new Float64Array(n), times: new Float64Array(n), last: new Float64Array(n) };
    this.#byProgram.set(program, p);
    this.#programs.push(p);
    return p;
  }

  /**
   * Count one finished call, its phases (ms) and the launches of `program`
   * it ran (their times in `program.last`). `stage`: one program of a call
   * made of several (host stages), kept until the call is counted by
   * `recordStaged` (a call failing in a later stage counts nothing).
   */
  record(phases: ProfilePhases, timing: KernelTiming, program?: ProgramProfile, stage = false): void {
    // a stage counts only once its call has finished (recordStaged): a failing later stage leaves the whole call out
    if (stage) this.#stages.push({ phases, timing, program, last: program?.last.slice() });
    else {
      this.#count(phases, timing, program, program?.last);
      this.#calls++;
    }
  }

  #count(phases: ProfilePhases, timing: KernelTiming, program: ProgramProfile | undefined, last: Float64Array | undefined): void {
    if (program && last) {
      for (let i = 0; i < last.length; i++) {
        program.times[i] += last[i]!;
        program.calls[i]++;
      }
    }
    const p = this.#phases;
    p.convert += phases.convert;
    p.plan += phases.plan;
    p.upload += phases.upload;
    p.kernels += phases.kernels;
    p.read += phases.read;
    this.#callTime += phases.convert + phases.plan + phases.upload + phases.kernels + phases.read;
    // one call that could not wait for the device makes the whole profile's kernel times enqueue times
    this.#timing = this.#timing === 'run' ? 'run' : timing;
  }

  /**
   * Count one finished call made of host stages (its programs recorded with
   * `record(..., stage = true)`): its host ops, the values they read back,
   * and the time converting arguments and computing the host ops (ms, in
   * the `convert` and `read` phases).
   */
  recordStaged(stage: { convert: number; host: number; reads: number; ops: number }): void {
    for (const r of this.#stages) this.#count(r.phases, r.timing, r.program, r.last);
    this.#stages = [];
    this.#calls++;
    this.#hostReads += stage.reads;
    this.#hostOps += stage.ops;
    this.#phases.convert += stage.convert;
    this.#phases.read += stage.host;
    this.#callTime += stage.convert + stage.host;
  }

  /** Every kernel of every program, in program order. */
  kernels(): KernelProfile[] {
    return this.#programs.flatMap((p) => p.kernels.map((k, i) => ({ ...k, calls: p.calls[i]!, time: p.times[i]! })));
  }

  /** Kernels aggregated by op (Theano's Ops table), most time first. */
  ops(): OpProfile[] {
    return aggregate(this.kernels(), (k) => k.op);
  }

  /** Kernels aggregated by op class (Theano's Class table), most time first. */
  classes(): OpProfile[] {
    return aggregate(this.kernels(), (k) => k.opClass);
  }

  /** Start a call made of host stages: forget the stages of a call that failed before `recordStaged`. */
  beginStaged(): void {
    this.#stages = [];
  }

  /** Forget every call and launch counted so far (the kernels' descriptions stay). */
  reset(): void {
    this.#stages = [];
    this.#calls = 0;
    this.#callTime = 0;
    this.#phases = emptyPhases();
    this.#timing = undefined;
    this.#hostReads = 0;
    this.#hostOps = 0;
    for (const p of this.#programs) {
      p.calls.fill(0);
      p.times.fill(0);
    }
  }

  /** The profile as plain data: what `summary()` prints, for a program to keep or compare. */
  toJSON(): {
    /** The function's name. */ name: string | undefined;
    /** Its device. */ device: string;
    /** Its mode. */ mode: string;
    /** {@link FunctionProfile.calls}. */ calls: number;
    /** {@link FunctionProfile.callTime}. */ callTime: number;
    /** {@link FunctionProfile.phases}. */ phases: ProfilePhases;
    /** {@link FunctionProfile.timing}. */ timing: KernelTiming | undefined;
    /** {@link FunctionProfile.kernels}: each kernel's counters. */ kernels: KernelProfile[];
  } {
    return { name: this.name, device: this.device, mode: this.mode, calls: this.calls, callTime: this.callTime, phases: this.phases, timing: this.timing, kernels: this.kernels() };
  }

  /** The tables, as text. */
  summary(options: SummaryOptions = {}): string {
    return summarize(this, options);
  }
}

/**
 * The profile of a function compiled with the `profile` option `option`
 * (undefined: `config.profile` decides): undefined when off, so that an
 * unprofiled function holds nothing and its calls read no clock.
 */
export function makeProfile(option: boolean | undefined, name: string | undefined, device: string, mode: string): FunctionProfile | undefined {
  if (option !== undefined && typeof option !== 'boolean') throw new TypeError(`function: profile must be true or false; got ${JSON.stringify(option)}`);
  return (option ?? config.profile) ? new FunctionProfile(name, device, mode, option === undefined) : undefined;
}

function emptyPhases(): ProfilePhases {
  return { convert: 0, plan: 0, upload: 0, kernels: 0, read: 0 };
}

const MAX_OP_NAME = 160;

/** The name of one node's op inside a kernel's op name: an Elemwise's scalar op (Theano's Composite lists those). */
function scalarName(node: Apply): string | undefined {
  const op = node.op;
  if (!(op instanceof Elemwise)) return undefined;
  return op.scalarOp === 'cast' ? `Cast{${op.castTo}}` : SCALAR_OPS[op.scalarOp].theanoName;
}

/** `Elemwise{mul,add,exp}` for a run of elementwise nodes, each other op by its name, joined by ` + `. */
export function kernelOpName(nodes: readonly Apply[]): string {
  const parts: string[] = [];
  let scalars: string[] = [];
  const flush = () => {
    if (scalars.length) parts.push(`Elemwise{${scalars.join(',')}}`);
    scalars = [];
  };
  for (const n of nodes) {
    const s = scalarName(n);
    if (s !== undefined) scalars.push(s);
    else {
      flush();
      // a node repeated in a row (an op lowered to several kernels, a scan's steps) is named once
      const name = n.op.toString();
      if (parts[parts.length - 1] !== name) parts.push(name);
    }
  }
  flush();
  const name = parts.join(' + ');
  return name.length > MAX_OP_NAME ? `${name.slice(0, MAX_OP_NAME - 3)}...` : name;
}

function describeKernel(step: Step, program: number, index: number): Omit<KernelProfile, 'calls' | 'time'> {
  const k = step.kernel;
  // a node lowered to several pieces fused into one kernel (an opFromGraph kept a node, a scan's step) is listed once
  const nodes = step.nodes && [...new Set(step.nodes)];
  // the scheduler's copy of a value into an output's own buffer: Theano's function does that with DeepCopyOp
  const op = nodes === undefined ? step.label : nodes.length === 0 ? 'DeepCopyOp' : kernelOpName(nodes);
  // sorted: a reduction with its producer fused in and one with an epilogue are the same class
  const classes = nodes === undefined ? [k.kind] : nodes.length === 0 ? ['DeepCopyOp'] : [...new Set(nodes.map(opClassOf))].sort();
  return {
    program,
    index,
    kind: k.kind,
    op,
    opClass: classes.join('+'),
    nodes: nodes === undefined ? [step.label] : nodes.length === 0 ? [step.label] : nodes.map(nodeName),
    shape: outputShape(k),
    dtype: k.out,
  };
}

/**
 * A node's op class: its kind, or for a custom op its `name`, as Theano's
 * Class table names each Op subclass (every custom op grouped as "Custom"
 * would hide which of them takes the time).
 */
function opClassOf(n: Apply): string {
  return n.op.kind === 'Custom' ? (n.op as Apply['op'] & { readonly name: string }).name : n.op.kind;
}

function nodeName(n: Apply): string {
  return `${n.op.toString()}(${n.inputs.map((v) => v.toString()).join(', ')})`;
}

function outputShape(k: Kernel): number[] {
  switch (k.kind) {
    case 'elementwise':
    case 'reduce':
      return [...k.shape];
    case 'matmul':
      return k.batch === 1 ? [k.m, k.n] : [k.batch, k.m, k.n];
    case 'sort':
      return k.shape.map((n, d) => (d === k.axis ? k.keep : n));
    case 'scatterAdd':
      return [...k.shape];
  }
}

function aggregate(kernels: readonly KernelProfile[], key: (k: KernelProfile) => string): OpProfile[] {
  const by = new Map<string, { kinds: Set<string>; kernels: number; calls: number; time: number }>();
  for (const k of kernels) {
    const name = key(k);
    let a = by.get(name);
    if (!a) by.set(name, (a = { kinds: new Set(), kernels: 0, calls: 0, time: 0 }));
    a.kinds.add(k.kind);
    a.kernels++;
    a.calls += k.calls;
    a.time += k.time;
  }
  return [...by].map(([name, a]) => ({ name, kind: [...a.kinds].join('+'), kernels: a.kernels, calls: a.calls, time: a.time })).sort((x, y) => y.time - x.time);
}

function printAtExit(p: FunctionProfile): void {
  flagged.push(p);
  if (exitHook) return;
  const proc = (globalThis as { process?: { once?(event: string, f: () => void): void; stderr?: { write(s: string): void } } }).process;
  if (!proc?.once || !proc.stderr) return;
  exitHook = true;
  const stderr = proc.stderr;
  proc.once('exit', () => {
    for (const f of flagged) if (f.calls > 0) stderr.write(`${f.summary()}\n`);
  });
}

// ---- the text ----

/** Seconds as Theano prints them: `1.234e-03s`. */
function seconds(ms: number): string {
  return `${(ms / 1000).toExponential(3)}s`;
}

function percent(part: number, whole: number): string {
  return `${(whole > 0 ? (100 * part) / whole : 0).toFixed(1)}%`;
}

/** Columns right-aligned but the last, which is left as it is. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padStart(widths[c]!))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

function opRows(list: readonly OpProfile[], total: number, rows: number, withKind: boolean): string[] {
  let cumulative = 0;
  const shown = list.slice(0, rows).map((o) => {
    cumulative += o.time;
    const perCall = o.calls ? seconds(o.time / o.calls) : '-';
    return [percent(o.time, total), percent(cumulative, total), seconds(o.time), perCall, ...(withKind ? [o.kind] : []), String(o.calls), String(o.kernels), o.name];
  });
  const header = ['<% time>', '<sum %>', '<time>', '<per call>', ...(withKind ? ['<kind>'] : []), '<#call>', '<#kernel>', withKind ? '<op>' : '<class>'];
  const out = table(header, shown);
  const rest = list.slice(rows);
  if (rest.length) out.push(`  ... (${rest.length} more, ${percent(rest.reduce((s, o) => s + o.time, 0), total)} of the kernel time)`);
  return out;
}

function summarize(p: FunctionProfile, options: SummaryOptions): string {
  const rows = options.rows ?? 20;
  const kernels = p.kernels();
  const total = p.kernelTime;
  const ph = p.phases;
  const calls = p.calls;
  const out: string[] = ['Function profiling', '=================='];
  out.push(`  Function: ${p.name ?? '(unnamed)'}  device=${p.device}  mode=${p.mode}`);
  out.push(`  Time in ${calls} call${calls === 1 ? '' : 's'}: ${seconds(p.callTime)}${calls ? ` (${seconds(p.callTime / calls)} per call)` : ''}`);
  out.push(`  Time in kernels: ${seconds(total)} (${percent(total, p.callTime)})`);
  const overhead = p.callTime - total;
  out.push(
    `  Overhead: ${seconds(overhead)} (${percent(overhead, p.callTime)}): arguments ${seconds(ph.convert)}, programs ${seconds(ph.plan)}, ` +
      // device-timed kernels leave out their submit and the wait for them (the first call's: compiling shaders too)
      `uploads ${seconds(ph.upload)}, ${p.timing === 'device' ? `submits and waits ${seconds(ph.kernels - total)}, ` : ''}readbacks ${seconds(ph.read)}`,
  );
  const programs = new Set(kernels.map((k) => k.program)).size;
  out.push(`  Programs: ${programs} (one per distinct input shapes), ${kernels.length} kernel${kernels.length === 1 ? '' : 's'} in all`);
  if (p.hostOps) out.push(`  Host ops (nonzero, unique, ...; readbacks included above): ${p.hostOps} computed, ${p.hostReads} value${p.hostReads === 1 ? '' : 's'} read back for them`);
  const timing = p.timing;
  if (timing) {
    out.push(
      timing === 'device'
        ? "  Kernel times: the device's timestamps, launches submitted together"
        : timing === 'finish'
          ? '  Kernel times: each launch run alone and waited for (submit and wait included)'
          : '  Kernel times: as backend.run returns (exact on a synchronous backend such as the CPU; only the queueing on an asynchronous one without finish())',
    );
  }
  out.push('', 'Class', '---', ...opRows(p.classes(), total, rows, false));
  out.push('', 'Ops', '---', ...opRows(p.ops(), total, rows, true));
  out.push('', 'Kernels', '---');
  const sorted = [...kernels].sort((a, b) => b.time - a.time || a.program - b.program || a.index - b.index);
  let cumulative = 0;
  const shown = sorted.slice(0, rows);
  const lines = table(
    ['<% time>', '<sum %>', '<time>', '<per call>', '<#call>', '<id>', '<kind>', '<output>', '<op>'],
    shown.map((k) => {
      cumulative += k.time;
      const id = programs > 1 ? `${k.program}:${k.index}` : String(k.index);
      return [percent(k.time, total), percent(cumulative, total), seconds(k.time), k.calls ? seconds(k.time / k.calls) : '-', String(k.calls), id, k.kind, `${k.dtype}[${k.shape.join(',')}]`, k.op];
    }),
  );
  out.push(lines[0]!);
  shown.forEach((k, i) => {
    out.push(lines[i + 1]!);
    if (options.nodes ?? true) for (const n of k.nodes) out.push(`      ${n.length > 120 ? `${n.slice(0, 117)}...` : n}`);
  });
  if (sorted.length > rows) out.push(`  ... (${sorted.length - rows} more, ${percent(total - cumulative, total)} of the kernel time)`);
  return out.join('\n');
}
