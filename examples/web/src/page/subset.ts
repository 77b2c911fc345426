/**
 * The part of the conformance suite the browser runs: every case, in every
 * group, special values (NaN, infinities, signed zeros, subnormals)
 * included, for the dtypes the backend holds exactly. For WebGPU that is
 * every dtype it holds (32-bit integers in words of their own, int64 in
 * two); gpu.js keeps every value in a float32, so there the page runs
 * float32, bool and the 8- and 16-bit integers, and leaves the wider
 * integers to the Node suite.
 *
 * Tolerances (conformance.ts) are the suite's defaults but for one latitude
 * that GLSL ES 3.00 and WGSL both grant and SwiftShader (the only adapter in
 * a GPU-less Chromium) takes: float32 results in the subnormal range may be
 * flushed to zero (`flushingTolerance`, as in the GPU packages' Node suites).
 */
import type { DType } from '@sym/graph';
import { conformanceCases, irCaseDTypes, irCases, type IrCase, type OpCase } from '@sym/backend-testkit';

/** The dtypes the browser run covers: every value of theirs is exact in float32 storage. */
const SMALL_DTYPES: readonly DType[] = ['float32', 'bool', 'int8', 'uint8', 'int16', 'uint16'];

export interface Subset {
  readonly cases: OpCase[];
  /** Cases of the suite, for the dtypes the backend holds, that the browser leaves to the Node run. */
  readonly leftOut: number;
  /** Cases not run because they check float32 subnormals themselves, which SwiftShader flushes (`FLUSHED`). */
  readonly flushed: number;
  /** Cases not run because they check the sign of a zero product or quotient, which the device drops (`SIGN_FOLDED`). */
  readonly signFolded: number;
}

/**
 * The cases that check float32 subnormals themselves (log of subnormal
 * inputs; exp and sigmoid results in the subnormal range, scaled up after
 * the op so that no output tolerance can take a flushed one). SwiftShader
 * flushes subnormal operands and results in its shaders, as GLSL ES 3.00
 * and WGSL allow; the Node suites run them where the driver keeps
 * subnormals (the CPU) and skip them where it does not, as here.
 */
export const FLUSHED = /subnormal (inputs|results)/;

/**
 * The `ieee` group's tables of a product or quotient with a literal zero
 * whose sign NumPy keeps (x * -0.0, x * 0 of a negative x, 0.0 / -1):
 * gpu.js's WebGL shaders give +0 there whatever the signs (its README), on
 * SwiftShader as on llvmpipe, and the gpujs package's Node suite skips them
 * too. The group compares bit for bit, so a device that drops the sign
 * cannot pass them.
 */
export const SIGN_FOLDED = /^ieee: signed zeros: (a literal -0|x \* 0|a literal 0 divided)/;

/**
 * The cases the browser runs for a backend holding `held`: for every dtype
 * it holds when `wideIntegers` (it holds 32- and 64-bit integers exactly,
 * as WebGPU does), else for the small ones; without those of `SIGN_FOLDED`
 * unless `signedZeros` (gpu.js's shaders drop those signs). Throws when the
 * backend has no float32.
 */
export function browserCases(held: readonly DType[], wideIntegers = false, signedZeros = true): Subset {
  if (!held.includes('float32')) throw new Error(`conformance subset: the backend must hold float32; it holds ${held.join(', ')}`);
  const dtypes = wideIntegers ? held : SMALL_DTYPES.filter((d) => held.includes(d));
  const all = conformanceCases(dtypes).cases;
  const unflushed = all.filter((c) => !FLUSHED.test(c.name));
  const cases = signedZeros ? unflushed : unflushed.filter((c) => !SIGN_FOLDED.test(c.name));
  return { cases, leftOut: conformanceCases(held).cases.length - all.length, flushed: all.length - unflushed.length, signFolded: unflushed.length - cases.length };
}

/**
 * The `ir` group's hand-built kernels the browser runs, by the same rule:
 * those whose dtypes are all covered, and on a backend without wide
 * integers none that needs integers past 2^24 (they say so in their names).
 */
export function browserIrCases(held: readonly DType[], wideIntegers = false): IrCase[] {
  const dtypes = wideIntegers ? held : SMALL_DTYPES.filter((d) => held.includes(d));
  return irCases().filter((c) => [...irCaseDTypes(c)].every((d) => dtypes.includes(d)) && (wideIntegers || !/integers past 2\^24/.test(c.name)));
}
