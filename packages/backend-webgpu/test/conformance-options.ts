/**
 * How WebGPU runs the conformance suite (shared by the vitest suite and
 * bench/device's run on real GPUs): the cases it leaves out by design, each
 * with its reason, and its one change to the default tolerances.
 */
import { flushingTolerance, type CaseInfo } from '@sym/backend-testkit';

/** The testkit's defaults, with float32 results allowed to be flushed from the subnormal range to zero (NVIDIA's drivers do). */
export const tolerance = flushingTolerance;

export function skip(c: CaseInfo): string | false {
  if (/\bint32\b.*\bwith float32\b/.test(c.name)) return 'int32 with float32 computes in float64, which WebGPU has not (refused with a clear error)';
  return false;
}
