/**
 * What a compiled function keeps per input shapes and static values (a
 * `Plan`: its program, compiled kernels, buffers and launches), and the
 * helpers `function.ts` finds and reads them with.
 */
import type { DeviceBuffer, Executable } from '../core/backend.js';
import { STORAGE, allocate, type TypedArray } from '../core/dtype.js';
import type { ProgramProfile } from './profile.js';
import type { Program } from '../kernel/schedule.js';
import type { NDArray } from '../core/ndarray.js';
import { BranchIndexError, runIndexCheck, type IndexCheck } from '../ops/check-index.js';

export interface Plan {
  program: Program;
  exes: Executable[];
  buffers: (DeviceBuffer | undefined)[];
  /** Buffer ids bound per call to shared variables' device buffers. */
  sharedSlots: number[];
  /** The launches, built once; their buffers are re-read from `buffers` in place at each call. */
  launches: { exe: Executable; inputs: DeviceBuffer[]; output: DeviceBuffer }[];
  /** Input shapes, then shared variables' shapes, this plan was made for. */
  shapes: (readonly number[])[];
  /** Values drawn anew at each call (random variables' samples). */
  draws: Program['constants'];
  /** The values of the static inputs (see `staticInputs`) this plan was made for. */
  statics: readonly number[];
  /** Bytes of the buffers the plan allocated (see `evictPlans`). */
  bytes: number;
  /** The profile's counters of this plan's kernels, found at its first profiled call. */
  counters?: ProgramProfile;
}

/** The static values of a function without static inputs (most): no array per call. */
export const NO_STATICS: readonly number[] = [];

/**
 * Programs a function keeps (one per input shapes and static values): at
 * least MAX_PLANS, and more (up to MOST_PLANS) while all of them together
 * allocated at most PLAN_BYTES, the least recently used evicted first. A recurrent net's
 * sentences have dozens of lengths, each an unrolled program of its own;
 * with a count alone, shuffled sentences of 43 lengths made a program at
 * most calls (130-160 ms each, against 12 ms for a call that finds one).
 */
export const MAX_PLANS = 16;
export const PLAN_BYTES = 64 * 2 ** 20;
/**
 * And never more than this many: a plan's program and kernels take heap
 * the bytes above do not count (~11 kB for a one-kernel function), and a
 * function called with a new length at every call kept every plan.
 */
export const MOST_PLANS = 256;

/** Bytes of the buffers a plan allocated. */
export function planBytes(program: Program, buffers: readonly (DeviceBuffer | undefined)[]): number {
  let bytes = 0;
  buffers.forEach((b, id) => {
    if (b) bytes += program.buffers[id]!.size * STORAGE[program.buffers[id]!.dtype].BYTES_PER_ELEMENT;
  });
  return bytes;
}

/** Take the least recently used plans (the map's first) out of `plans` while it holds too many, never `keep`; returns them to free. */
export function evictPlans(plans: Map<string, Plan>, keep: Plan): Plan[] {
  let bytes = 0;
  for (const p of plans.values()) bytes += p.bytes;
  const evicted: Plan[] = [];
  for (const [key, p] of plans) {
    if (plans.size <= MAX_PLANS || (bytes <= PLAN_BYTES && plans.size <= MOST_PLANS) || p === keep) break;
    plans.delete(key);
    bytes -= p.bytes;
    evicted.push(p);
  }
  return evicted;
}

export function sameShapes(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return false;
    for (let d = 0; d < x.length; d++) if (x[d] !== y[d]) return false;
  }
  return true;
}

/**
 * The value of an empty buffer that no launch touches (the kernel of an
 * empty result is dropped, so its buffer is never allocated), for DebugMode
 * to read as the node's value; undefined for every other buffer.
 */
export function emptyUnlaunched(plan: Plan, id: number): TypedArray | undefined {
  const spec = plan.program.buffers[id]!;
  return plan.buffers[id] === undefined && spec.size === 0 ? allocate(spec.dtype, 0) : undefined;
}

/** What the index checks ask of a shared variable (core/shared.ts). */
export interface HostValues {
  readonly hostValueIfCurrent: NDArray | null;
  hostValueRead(): NDArray | null;
  hostValueReadAsync(): Promise<NDArray>;
}

/**
 * A call's indices (`Program.indexChecks`) checked before any kernel runs,
 * so that an index out of range fails the call with nothing written: the
 * explicit inputs' values, then shared variables', read back where a
 * previous call left the newest value on a device (on one without
 * synchronous reads, `readCheckedShared` reads them before).
 */
export function checkCallIndices(checks: readonly IndexCheck[] | undefined, values: readonly NDArray[], shared: readonly HostValues[]): void {
  if (!checks) return;
  // a shared index a previous call updated on the device is read back: its newest values are checked as an input's
  const at = (slot: number): NDArray | null => (slot < values.length ? values[slot]! : shared[slot - values.length]!.hostValueRead());
  for (const c of checks) {
    const data = c.evaluate ? c.evaluate(at)?.data : at(c.input)?.data;
    if (!data) continue;
    try {
      runIndexCheck(c, data);
    } catch (e) {
      // a read only an ifelse's branches need: the call runs lazily, raising only for the branch taken
      throw c.branchOnly && e instanceof RangeError ? new BranchIndexError(e.message) : e;
    }
  }
}

/**
 * Before an asynchronous call's `checkCallIndices`: the shared variables its
 * checks read, brought to the host where a device holds their newest value;
 * undefined (nothing to wait for) where none is to be read.
 */
export function readCheckedShared(checks: readonly IndexCheck[] | undefined, values: readonly NDArray[], shared: readonly HostValues[]): Promise<void> | undefined {
  if (!checks || shared.every((s) => s.hostValueIfCurrent)) return undefined;
  const wanted = new Set<HostValues>();
  const at = (slot: number): NDArray | null => {
    if (slot < values.length) return values[slot]!;
    const s = shared[slot - values.length]!;
    if (!s.hostValueIfCurrent) wanted.add(s);
    return s.hostValueIfCurrent;
  };
  for (const c of checks) {
    if (!c.evaluate) at(c.input);
    else if (c.reads) for (const slot of c.reads) at(slot);
    else c.evaluate(at);
  }
  if (wanted.size === 0) return undefined;
  return (async () => {
    for (const s of wanted) await s.hostValueReadAsync();
  })();
}
