/**
 * How WebGPU runs the conformance suite (shared by the vitest suite and
 * bench/device's run on real GPUs): its one change to the default
 * tolerances. It leaves out no case of its own: the cases that need float64
 * (its values, or an op computing in it, as NumPy's int32-with-float32
 * comparisons do) are the testkit's unfit ones for a backend without it.
 */
import { flushingTolerance } from '@sym/backend-testkit';

/** The testkit's defaults, with float32 results allowed to be flushed from the subnormal range to zero (NVIDIA's drivers do). */
export const tolerance = flushingTolerance;
