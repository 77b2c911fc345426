/** How this backend runs the shared conformance suite: its tolerances and the cases it leaves out, with reasons. */
import type { CaseInfo, ConformanceOptions } from '@sym/backend-testkit';
import { flushingTolerance } from '@sym/backend-testkit';
import { gpujs } from '../src/index.js';

/**
 * 32- and 64-bit integers live in float32 textures, exact within ±2^24;
 * the suite draws them from their whole range, which this backend refuses
 * on upload (a clear RangeError, tested in test/dtypes.test.ts).
 */
export function skipWideIntegers(c: CaseInfo): string | false {
  const wide = /\b(u?int32|int64)\b/.exec(`${c.dtype ?? ''} ${c.name}`);
  return wide ? `${wide[1]} values beyond ±2^24 are refused by gpujs (float32 storage)` : false;
}

/** The suite's tolerances, with room for flushed denormals in float32 (GPUs flush them to zero). */
export const tolerance = flushingTolerance;

export function options(groups: ConformanceOptions['groups']): ConformanceOptions {
  // WebGL shaders do not keep the sign of zero (llvmpipe turns 0 / -1 into +0): -0 is not required
  return { backend: gpujs, groups, skip: skipWideIntegers, tolerance, signedZeros: false, name: `conformance: gpujs (${gpujs.mode}) ${groups!.join(', ')}` };
}
