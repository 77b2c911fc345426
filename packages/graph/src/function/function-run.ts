/**
 * One call of a compiled function on the device, once its plan is found:
 * the arguments and random draws uploaded and bound into the launches,
 * the kernels run (timed when profiled), the flags of the indices kernels
 * computed read (index-check-device.ts), the values checked in the
 * checking modes, the outputs read, then the updates committed.
 */
import type { Backend, DeviceBuffer, Launch } from '../core/backend.js';
import { checkProgramValues, type ValueCheck } from './debug.js';
import type { TypedArray } from '../core/dtype.js';
import type { FunctionGraph } from './function-graph.js';
import { fromTyped, type NDArray } from '../core/ndarray.js';
import { checkCallIndices, emptyUnlaunched, readCheckedShared, type Plan } from './plan.js';
import { now, runProfiled, runProfiledSync, type FunctionProfile, type KernelTiming } from './profile.js';
import type { TensorVariable } from '../core/variable.js';
import { flaggedIndexError, type IndexFlag } from '../kernel/index-check-device.js';
import { BranchIndexError } from '../ops/check-index.js';

/** A call's profile, and whether the call is one program of a staged function's call (counted by that function). */
export interface RunProfile {
  readonly profile: FunctionProfile | undefined;
  readonly stage: boolean;
}

/** The host times of the phases before the run: converting the arguments, finding the plan. */
interface Before {
  readonly convert: number;
  readonly plan: number;
}

/** Run the plan of a call with `values` (of the inputs' types), reading the outputs asynchronously. */
export async function runPlan(fg: FunctionGraph, backend: Backend, plan: Plan, values: readonly NDArray[], sharedBuffers: readonly DeviceBuffer[], recorded: RunProfile, before: Before): Promise<NDArray[]> {
  const profile = recorded.profile;
  const t1 = profile ? now() : 0;
  // only a call whose checks read a shared variable a device holds waits here: an await of nothing costs a call a turn of the microtask queue
  const reading = readCheckedShared(plan.program.indexChecks, values, fg.sharedInputs);
  if (reading) await reading;
  bind(fg, backend, plan, values, sharedBuffers);
  const t2 = profile ? now() : 0;
  const kernels: KernelTotal = { total: 0, timing: 'run' };
  // with updates written in place, the flags are read between the steps that compute them and the first such write (index-check-split.ts)
  const split = plan.program.flagsReadAfter ?? plan.launches.length;
  if (profile) await runStepsProfiled(backend, plan, profile, kernels, 0, split);
  else runSteps(backend, plan, 0, split);
  // computed indices the kernels checked: read before anything is committed, all at once (a scan's flag per step)
  const flags = plan.program.indexFlags;
  if (flags?.length) {
    const flagged = await Promise.all(flags.map((f) => backend.read(plan.buffers[plan.program.outputs[f.output]!.buffer]!)));
    for (let k = 0; k < flags.length; k++) {
      const [f, at] = [flags[k]!, flagged[k]![0]!];
      if (at < f.size) {
        if (f.branchOnly) throw branchFlagged(f);
        const host = new Map<number, ArrayLike<number>>();
        for (const id of plan.sharedSlots) host.set(id, await backend.read(plan.buffers[id]!));
        throw flaggedIndexError(f, at, inputValues(fg, plan, values, host));
      }
    }
  }
  if (profile) await runStepsProfiled(backend, plan, profile, kernels, split, plan.launches.length);
  else runSteps(backend, plan, split, plan.launches.length);
  const t3 = profile ? now() : 0;
  const check = checksOf(fg);
  if (check) {
    const host = new Map<number, ArrayLike<number>>();
    for (const id of checkedBuffers(plan)) host.set(id, emptyUnlaunched(plan, id) ?? (await backend.read(plan.buffers[id]!)));
    checkProgramValues(check, fg.graphOutputs, plan.program, host, inputValues(fg, plan, values, host));
  }
  const outs: NDArray[] = [];
  for (const o of plan.program.outputs.slice(0, fg.outputCount)) {
    const spec = plan.program.buffers[o.buffer]!;
    outs.push(fromTyped(await backend.read(plan.buffers[o.buffer]!), o.shape, spec.dtype));
  }
  commit(fg, backend, plan);
  profile?.record({ convert: before.convert, plan: before.plan, upload: t2 - t1, kernels: kernels.total, read: now() - t3 }, kernels.timing, plan.counters, recorded.stage);
  return outs;
}

/** Run the plan of a call with `values`, on a backend with synchronous reads. */
export function runPlanSync(fg: FunctionGraph, backend: Backend, plan: Plan, values: readonly NDArray[], sharedBuffers: readonly DeviceBuffer[], recorded: RunProfile, before: Before): NDArray[] {
  const profile = recorded.profile;
  const t2 = profile ? now() : 0;
  bind(fg, backend, plan, values, sharedBuffers);
  const t3 = profile ? now() : 0;
  const kernels: KernelTotal = { total: 0, timing: 'run' };
  // with updates written in place, the flags are read between the steps that compute them and the first such write (index-check-split.ts)
  const split = plan.program.flagsReadAfter ?? plan.launches.length;
  if (profile) runStepsProfiledSync(backend, plan, profile, kernels, 0, split);
  else runSteps(backend, plan, 0, split);
  const flags = plan.program.indexFlags;
  if (flags?.length) {
    for (const f of flags) {
      const at = backend.readSync!(plan.buffers[plan.program.outputs[f.output]!.buffer]!)[0]!;
      if (at < f.size) {
        if (f.branchOnly) throw branchFlagged(f);
        const host = new Map<number, ArrayLike<number>>();
        for (const id of plan.sharedSlots) host.set(id, backend.readSync!(plan.buffers[id]!));
        throw flaggedIndexError(f, at, inputValues(fg, plan, values, host));
      }
    }
  }
  if (profile) runStepsProfiledSync(backend, plan, profile, kernels, split, plan.launches.length);
  else runSteps(backend, plan, split, plan.launches.length);
  const t4 = profile ? now() : 0;
  const check = checksOf(fg);
  if (check) {
    const host = new Map<number, ArrayLike<number>>();
    for (const id of checkedBuffers(plan)) host.set(id, emptyUnlaunched(plan, id) ?? backend.readSync!(plan.buffers[id]!));
    checkProgramValues(check, fg.graphOutputs, plan.program, host, inputValues(fg, plan, values, host));
  }
  // a borrowed output (sym.Out) is the buffer's own storage where the backend can hand it out: the next call overwrites it
  const outs = plan.program.outputs.slice(0, fg.outputCount).map((o, i) => {
    const buffer = plan.buffers[o.buffer]!;
    const data = fg.borrowed[i] && backend.hostView ? backend.hostView(buffer) : backend.readSync!(buffer);
    return fromTyped(data, o.shape, plan.program.buffers[o.buffer]!.dtype);
  });
  commit(fg, backend, plan);
  if (profile) profile.record({ convert: before.convert, plan: before.plan, upload: t3 - t2, kernels: kernels.total, read: now() - t4 }, kernels.timing, plan.counters, recorded.stage);
  return outs;
}

/** A profiled call's kernel time, summed over the parts it runs in (two where index flags are read between them). */
interface KernelTotal {
  total: number;
  timing: KernelTiming;
}

/**
 * Launch the plan's steps `from` to `to` (all of them in one launch where
 * that is all). Module functions, not closures made per call: a closure per
 * call cost a call of one kernel about 0.5 µs on the CPU (docs/benchmarks.md).
 */
function runSteps(backend: Backend, plan: Plan, from: number, to: number): void {
  if (from >= to) return;
  const launches = plan.launches as readonly Launch[];
  backend.run(from === 0 && to === launches.length ? launches : launches.slice(from, to));
}

async function runStepsProfiled(backend: Backend, plan: Plan, profile: FunctionProfile, kernels: KernelTotal, from: number, to: number): Promise<void> {
  if (from >= to) return;
  const run = await runProfiled(backend, (plan.launches as readonly Launch[]).slice(from, to), (plan.counters ??= profile.program(plan.program)), from);
  kernels.total += run.wall;
  kernels.timing = run.timing;
}

function runStepsProfiledSync(backend: Backend, plan: Plan, profile: FunctionProfile, kernels: KernelTotal, from: number, to: number): void {
  if (from >= to) return;
  const run = runProfiledSync(backend, (plan.launches as readonly Launch[]).slice(from, to), (plan.counters ??= profile.program(plan.program)), from);
  kernels.total += run.total;
  kernels.timing = run.timing;
}

/** Upload the arguments and draws and bind this call's buffers into the plan's launches. */
function bind(fg: FunctionGraph, backend: Backend, plan: Plan, values: readonly NDArray[], sharedBuffers: readonly DeviceBuffer[]): void {
  const { program, buffers, launches } = plan;
  checkCallIndices(program.indexChecks, values, fg.sharedInputs);
  for (let i = 0; i < values.length; i++) backend.write(buffers[program.inputBuffers[i]!]!, values[i]!.data);
  for (const d of plan.draws) {
    d.draw!.fill(d.value);
    backend.write(buffers[d.buffer]!, d.value.data);
  }
  for (let i = 0; i < plan.sharedSlots.length; i++) buffers[plan.sharedSlots[i]!] = sharedBuffers[i];
  // shared slots and committed update buffers change between calls: refresh every binding, allocating nothing
  const steps = program.steps;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const l = launches[i]!;
    for (let j = 0; j < s.inputs.length; j++) l.inputs[j] = buffers[s.inputs[j]!]!;
    l.output = buffers[s.output]!;
  }
}

/** Hand the updates' new values to their shared variables, and move the random generators past this call's draws. */
function commit(fg: FunctionGraph, backend: Backend, plan: Plan): void {
  const { program, buffers } = plan;
  // Theano's default updates: random variables' generators move past this call's samples
  if (!fg.noDefaultUpdates) for (const d of plan.draws) d.draw!.commit();
  fg.updated.forEach((s, i) => {
    const out = program.outputs[fg.outputCount + i]!;
    const old = s.commit(backend, buffers[out.buffer]!, out.shape);
    const spec = program.buffers[out.buffer]!;
    buffers[out.buffer] = old && old.size === spec.size && old.dtype === spec.dtype ? old : backend.alloc(spec.dtype, spec.size);
    if (old && buffers[out.buffer] !== old) backend.free(old);
  });
}

/** A set flag of a read only an ifelse's branches need: the call runs lazily (function.ts), where the read's own check raises if its branch is taken. */
function branchFlagged(f: IndexFlag): BranchIndexError {
  return new BranchIndexError(`${f.describe(NaN, [], f.xShape).replace(/(index|label) NaN/, '$1 out of range')} (read under an ifelse branch)`);
}

function checksOf(fg: FunctionGraph): ValueCheck | undefined {
  return fg.mode === 'DebugMode' ? 'debug' : fg.mode === 'NanGuardMode' ? 'nanguard' : undefined;
}

function checkedBuffers(plan: Plan): Set<number> {
  const ids = new Set([...plan.program.nodeValues.values()].map((v) => v.buffer));
  for (const slot of plan.sharedSlots) ids.add(slot);
  return ids;
}

function inputValues(fg: FunctionGraph, plan: Plan, values: readonly NDArray[], host: ReadonlyMap<number, ArrayLike<number>>): Map<TensorVariable, NDArray> {
  const m = new Map<TensorVariable, NDArray>(fg.inputs.map((s, i) => [s.variable, values[i]!]));
  fg.sharedInputs.forEach((s, i) => {
    m.set(s, fromTyped(host.get(plan.sharedSlots[i]!) as TypedArray, s.currentShape, s.dtype));
  });
  return m;
}
