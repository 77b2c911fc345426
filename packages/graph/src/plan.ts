/**
 * What a compiled function keeps per input shapes and static values (a
 * `Plan`: its program, compiled kernels, buffers and launches), and the
 * helpers `function.ts` finds and reads them with.
 */
import type { DeviceBuffer, Executable } from './backend.js';
import { allocate, type TypedArray } from './dtype.js';
import type { ProgramProfile } from './profile.js';
import type { Program } from './schedule.js';

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
  /** The profile's counters of this plan's kernels, found at its first profiled call. */
  counters?: ProgramProfile;
}

/** The static values of a function without static inputs (most): no array per call. */
export const NO_STATICS: readonly number[] = [];

/** Programs a function keeps (one per input shapes and static values), the least recently used evicted first. */
export const MAX_PLANS = 16;

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
