/**
 * How WebGPU runs the conformance suite (shared by the vitest suite and
 * bench/device's run on real GPUs): its one change to the default
 * tolerances, and the cases it skips. The cases that need float64 (its
 * values, or an op computing in it, as NumPy's int32-with-float32
 * comparisons do) are the testkit's unfit ones for a backend without it.
 */
import { flushingTolerance, type CaseInfo } from '@sym/backend-testkit';

/** The testkit's defaults, with float32 results allowed to be flushed from the subnormal range to zero (NVIDIA's drivers do). */
export const tolerance = flushingTolerance;

/**
 * The cases that check subnormal results themselves (scaled up into the
 * normal range after the op, so no output tolerance can take a flushed
 * one): WGSL lets an implementation flush subnormal results to zero, and
 * lavapipe does (exp(-88) is 0 there), as NVIDIA's driver does for the
 * results the tolerance above admits.
 */
export function skip(c: CaseInfo): string | false {
  return /subnormal results/.test(c.name) ? 'WGSL allows subnormal results to be flushed to zero, and the drivers do' : false;
}
