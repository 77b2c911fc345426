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
  // the ieee group's tables of 32-bit integers within ±2^24 say so (those past it, too)
  if (/within ±2\^24/.test(c.name)) return false;
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
 * -inf, exp and sigmoid cannot return their subnormal results, and the
 * ieee group's mod of subnormal inputs is NaN or 0. In
 * gpu.js's cpu mode the kernels are JavaScript in float64 and these cases run.
 */
export function skipFlushedSubnormals(c: CaseInfo, mode: string): string | false {
  if (mode === 'cpu') return false;
  if (/subnormal results/.test(c.name)) return 'WebGL shaders flush float32 subnormal results to zero (GLSL ES allows it; llvmpipe does): exp(-88) is 0';
  if (/^log float32: subnormal inputs/.test(c.name)) return 'WebGL shaders read float32 subnormal inputs as zero (GLSL ES allows it; llvmpipe does): log(1e-40) is -inf';
  if (/^ieee: .*subnormal inputs/.test(c.name)) return 'WebGL shaders read float32 subnormal inputs as zero and flush subnormal results (GLSL ES allows it; llvmpipe does)';
  return false;
}

/**
 * The ieee group's cases that show what llvmpipe's GLSL compiler does and
 * NumPy does not (README): a product or quotient with a literal zero is +0
 * whatever the signs (x * -0.0, x * 0 of a negative x, 0.0 / -1). In
 * gpu.js's cpu mode the kernels are JavaScript and these cases run.
 */
export function skipCompilerFolds(c: CaseInfo, mode: string): string | false {
  if (mode === 'cpu' || c.group !== 'ieee') return false;
  if (/^ieee: signed zeros: (a literal -0|x \* 0|a literal 0 divided)/.test(c.name)) return 'WebGL shaders give +0 for a product or quotient with a literal zero, whatever the signs (llvmpipe; README)';
  return false;
}

/** The suite's tolerances, with room for flushed denormals in float32 (GPUs flush them to zero). */
export const tolerance = flushingTolerance;

export function options(groups: ConformanceOptions['groups']): ConformanceOptions {
  // WebGL shaders do not keep the sign of zero (llvmpipe turns 0 / -1 into +0): -0 is not required
  return { backend: gpujs, groups, skip: (c) => skipWideIntegers(c) || skipFlushedSubnormals(c, gpujs.mode) || skipCompilerFolds(c, gpujs.mode), tolerance, signedZeros: false, name: `conformance: gpujs (${gpujs.mode}) ${groups!.join(', ')}` };
}
