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
  // the ir group's hand-built kernels say in their names which need them; the others keep their integers small
  if (c.group === 'ir') return /integers past 2\^24/.test(c.name) ? 'integers beyond ±2^24 are refused by gpujs (float32 storage)' : false;
  const wide = /\b(u?int32|int64)\b/.exec(`${c.dtype ?? ''} ${c.name}`);
  return wide ? `${wide[1]} values beyond ±2^24 are refused by gpujs (float32 storage)` : false;
}

/**
 * The accuracy cases that need float32 subnormals inside a shader. GLSL ES
 * lets an implementation flush them, and llvmpipe's shaders do: every float
 * operation reads a subnormal operand as zero (1e-40 * 2^126 is 0, and
 * 1e-40 == 0 holds) and flushes a subnormal result to zero (exp(-88) is 0),
 * though the textures hold subnormals exactly (a kernel that only copies
 * 1e-40 returns it: test/accuracy.test.ts). So log of a subnormal input is
 * -inf, and exp and sigmoid cannot return their subnormal results. In
 * gpu.js's cpu mode the kernels are JavaScript in float64 and these cases run.
 */
export function skipFlushedSubnormals(c: CaseInfo, mode: string): string | false {
  if (mode === 'cpu') return false;
  if (/subnormal results/.test(c.name)) return 'WebGL shaders flush float32 subnormal results to zero (GLSL ES allows it; llvmpipe does): exp(-88) is 0';
  if (/^log float32: subnormal inputs/.test(c.name)) return 'WebGL shaders read float32 subnormal inputs as zero (GLSL ES allows it; llvmpipe does): log(1e-40) is -inf';
  return false;
}

/** The suite's tolerances, with room for flushed denormals in float32 (GPUs flush them to zero). */
export const tolerance = flushingTolerance;

export function options(groups: ConformanceOptions['groups']): ConformanceOptions {
  // WebGL shaders do not keep the sign of zero (llvmpipe turns 0 / -1 into +0): -0 is not required
  return { backend: gpujs, groups, skip: (c) => skipWideIntegers(c) || skipFlushedSubnormals(c, gpujs.mode), tolerance, signedZeros: false, name: `conformance: gpujs (${gpujs.mode}) ${groups!.join(', ')}` };
}
