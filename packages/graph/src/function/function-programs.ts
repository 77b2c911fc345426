/**
 * The programs of a compiled function: one per set of input shapes (and
 * values of its static inputs), scheduled for a backend, its kernels
 * compiled and its buffers allocated once (a `Plan`), kept while recently
 * used and freed when evicted or disposed.
 */
import { generationOf, type Backend, type BackendInfo } from '../core/backend.js';
import type { DType } from '../core/dtype.js';
import { MAX_ELEMENTS } from '../core/dtype.js';
import { compileCached } from './exe-cache.js';
import type { FunctionGraph } from './function-graph.js';
import { getOptimizer } from './function-options.js';
import type { NDArray } from '../core/ndarray.js';
import { NO_STATICS, evictPlans, planBytes, sameShapes, type Plan } from './plan.js';
import { schedule, toposort, type Program } from '../kernel/schedule.js';
import { withoutShapeOnlyChecks } from '../kernel/index-check-live.js';
import { flagsBeforeInPlace } from '../kernel/index-check-split.js';

/** The plans of a function and the backend (and its generation) they were allocated on: what its collection must free. */
interface Owned {
  readonly plans: Map<string, Plan>;
  backend: Backend | undefined;
  generation: number;
}

/**
 * Functions collected without `dispose()` give their plans' device buffers
 * back: a server that compiles a function per request and drops it would
 * otherwise hold every one (gpu.js textures are never collected, and the
 * backends' live-buffer counts would only grow). A backend disposed since
 * refuses the free: its buffers went with it.
 */
const undisposed = new FinalizationRegistry<Owned>((owned) => {
  if (!owned.backend || owned.generation !== generationOf(owned.backend)) return;
  for (const p of owned.plans.values()) {
    try {
      freePlanBuffers(owned.backend, p);
    } catch {
      return;
    }
  }
  owned.plans.clear();
});

/** Free the buffers a plan allocated; the shared slots hold the shared variables' buffers, bound for a call: theirs to free, not the plan's. */
function freePlanBuffers(backend: Backend, p: Plan): void {
  const bound = new Set(p.sharedSlots);
  p.buffers.forEach((b, id) => {
    if (b && !bound.has(id)) backend.free(b);
  });
}

export class FunctionPrograms {
  readonly #owned: Owned = { plans: new Map<string, Plan>(), backend: undefined, generation: 0 };
  readonly #plans = this.#owned.plans;
  /** The plan of the previous call: calls with the same shapes skip the key lookup. */
  #lastPlan: Plan | undefined;

  /** `owner`: the function whose collection frees the plans (it must be the only way to reach this object). */
  constructor(
    readonly fg: FunctionGraph,
    owner: object,
  ) {
    undisposed.register(owner, this.#owned, this);
  }

  /**
   * The program of a call with these inputs and shared variables' shapes; `info`: what the backend says of itself,
   * its optional kernels (which decide some lowerings) and how it takes fused gathers (which decides the fusion).
   */
  makeProgram(values: readonly NDArray[], sharedShapes: readonly (readonly number[])[], backend?: Backend, info: BackendInfo | undefined = backend?.describe()): Program {
    const fg = this.fg;
    const keepAll = fg.mode === 'DebugMode' || fg.mode === 'NanGuardMode';
    let program = schedule({
      inputs: [...fg.inputs.map((s) => s.variable), ...fg.sharedInputs],
      inputShapes: [...values.map((v) => v.shape), ...sharedShapes],
      outputs: fg.graphOutputs,
      keepAll,
      staticValues: new Map(fg.staticInputs.map((i) => [fg.inputs[i]!.variable, values[i]!])),
      kernels: info?.kernels,
      checks: fg.claimChecks,
    });
    if (info?.gathers) program = { ...program, gathers: info.gathers };
    const optimizer = getOptimizer();
    // the checking modes keep every kernel, but rewrite as FAST_RUN does (Theano's too), where a read needed for its shape alone is not made: its index is not checked
    if (keepAll) return withoutShapeOnlyChecks(program);
    if (!optimizer?.optimizeProgram) return program;
    // the checking modes look at values after the run, and a failed check must leave the shared variables as they were
    // so must a computed index found out of range after the kernels ran (index-check-device.ts): its flag is read
    // before the first update written in place (index-check-split.ts), or no update goes in place
    if (!backend?.overwrites) return optimizer.optimizeProgram(program, fg.mode, fg.optimizerOptions);
    const inPlace = optimizer.optimizeProgram({ ...program, inPlace: { candidates: this.#updateSlots(), overwrites: backend.overwrites.bind(backend) } }, fg.mode, fg.optimizerOptions);
    return flagsBeforeInPlace(inPlace) ?? optimizer.optimizeProgram(program, fg.mode, fg.optimizerOptions);
  }

  /** Each update whose shared variable the graph reads: its input slot (explicit inputs, then shared ones) and its output index. */
  #updateSlots(): { input: number; output: number }[] {
    const fg = this.fg;
    return fg.updated.flatMap((s, k) => {
      const j = fg.sharedInputs.indexOf(s);
      return j < 0 ? [] : [{ input: fg.inputs.length + j, output: fg.outputCount + k }];
    });
  }

  /** The shapes (inputs', then shared variables') and static inputs' values of a call: what its plan is kept by. */
  #callShapes(values: readonly NDArray[]): { shapes: (readonly number[])[]; statics: readonly number[] } {
    const shapes: (readonly number[])[] = [];
    for (const v of values) shapes.push(v.shape);
    for (const s of this.fg.sharedInputs) shapes.push(s.currentShape);
    const slots = this.fg.staticInputs;
    return { shapes, statics: slots.length === 0 ? NO_STATICS : slots.map((i) => Number(values[i]!.data[0])) };
  }

  /** The key the plan of a call with these argument values is kept by (a lazy call's refused shapes are too: lazy-branches.ts). */
  key(values: readonly NDArray[]): string {
    const { shapes, statics } = this.#callShapes(values);
    return JSON.stringify([shapes.slice(0, values.length), shapes.slice(values.length), statics]);
  }

  /** The plan of a call with these argument values, found or made (and allocated on `backend`). */
  plan(backend: Backend, values: readonly NDArray[]): Plan {
    const fg = this.fg;
    this.#forgetReplaced(backend);
    const { shapes, statics } = this.#callShapes(values);
    const last = this.#lastPlan;
    if (last && sameShapes(last.shapes, shapes) && statics.every((v, i) => v === last.statics[i])) return last;
    const sharedShapes = shapes.slice(values.length);
    const key = JSON.stringify([shapes.slice(0, values.length), sharedShapes, statics]);
    let plan = this.#plans.get(key);
    if (plan) {
      // most recently used last: the first is the one to evict
      this.#plans.delete(key);
      this.#plans.set(key, plan);
      return (this.#lastPlan = plan);
    }
    const program = this.makeProgram(values, sharedShapes, backend);
    const info = backend.describe();
    for (const b of program.buffers) if (!info.dtypes.includes(b.dtype)) throw new TypeError(this.#unsupported(info, b.dtype));
    // a length from a value (zeros(n) of an input n) past what one array may hold is refused before anything is allocated
    program.buffers.forEach((b, id) => {
      if (b.size <= MAX_ELEMENTS) return;
      const by = program.steps.find((s) => s.output === id)?.label;
      throw new RangeError(`${fg.name ? `function ${fg.name}` : 'function'}: ${by ? `${by} would need` : 'a buffer of'} ${b.size} ${b.dtype} elements; the most one array may hold is ${MAX_ELEMENTS}`);
    });
    const nInputs = fg.inputs.length;
    const sharedSlots = program.inputBuffers.slice(nInputs);
    const bound = new Set(sharedSlots);
    // buffers no launch touches (an update's, written in place instead) are not allocated
    const used = new Set([...program.inputBuffers, ...program.constants.map((c) => c.buffer), ...program.outputs.map((o) => o.buffer)]);
    for (const s of program.steps) for (const b of [...s.inputs, s.output]) used.add(b);
    const buffers = program.buffers.map((spec, id) => (bound.has(id) || !used.has(id) ? undefined : backend.alloc(spec.dtype, spec.size)));
    for (const c of program.constants) if (!c.draw) backend.write(buffers[c.buffer]!, c.value.data);
    this.#owned.backend = backend;
    this.#owned.generation = generationOf(backend);
    const exes = program.steps.map((s) => compileCached(backend, s.kernel));
    // placeholders until the first launch binds the shared variables' buffers
    const launches = program.steps.map((s, i) => ({ exe: exes[i]!, inputs: s.inputs.map((b) => buffers[b]!), output: buffers[s.output]! }));
    const draws = program.constants.filter((c) => c.draw);
    plan = { program, exes, buffers, sharedSlots, launches, shapes, statics, draws, bytes: planBytes(program, buffers) };
    this.#plans.set(key, plan);
    // a text's sentences have many lengths: the least recently used programs go, not all of them
    for (const old of evictPlans(this.#plans, plan)) this.#freePlan(backend, old);
    return (this.#lastPlan = plan);
  }

  #freePlan(backend: Backend, p: Plan): void {
    freePlanBuffers(backend, p);
    if (this.#lastPlan === p) this.#lastPlan = undefined;
  }

  /** Which variable needs a dtype the device lacks (the mean of a comparison is float64, as NumPy's), and how to avoid it. */
  #unsupported(info: BackendInfo, dtype: DType): string {
    const inputs = this.fg.inputs.map((s) => s.variable).filter((v) => v.dtype === dtype);
    const made = toposort(this.fg.graphOutputs).filter((n) => n.outputs.some((o) => o.dtype === dtype));
    const where = inputs.length
      ? `the input ${inputs[0]} is ${dtype}`
      : made.length
        ? `${made[0]!.op.toString()}(${made[0]!.inputs.map((v) => v.toString()).join(', ')}) computes ${dtype}`
        : `an intermediate value is ${dtype}`;
    return (
      `device=${info.name} cannot hold ${dtype} data, which this graph needs: ${where}. It supports ${info.dtypes.join(', ')}. ` +
      `Cast where the value is made (x.astype('float32'), or T.mean(x, { dtype: 'float32' }) for the mean of a comparison), ` +
      `or set floatX=float32 (SYM_FLAGS=floatX=float32) if floatX is ${dtype}.` +
      // the node named is the rewritten graph's: the flag stops at the line of the user's code that made it
      `${dtype === 'float64' ? ' To find each line that makes a float64 variable, set warn_float64=raise (SYM_FLAGS=warn_float64=raise): it throws there.' : ''}`
    );
  }

  /**
   * Forget the plans made for a device `backend` has replaced since
   * (`Backend.generation`): their kernels and buffers went with it, and
   * the next call plans again for the new one.
   */
  #forgetReplaced(backend: Backend): void {
    if (this.#owned.backend !== backend || this.#owned.generation === generationOf(backend)) return;
    this.#plans.clear();
    this.#lastPlan = undefined;
  }

  /** Free every cached plan's device buffers. */
  release(backend: Backend): void {
    this.#forgetReplaced(backend);
    for (const p of this.#plans.values()) this.#freePlan(backend, p);
    this.#plans.clear();
    this.#lastPlan = undefined;
  }
}
