/**
 * The part of the conformance suite the browser runs: every case for the
 * dtypes whose values float32 storage holds exactly (float32, bool and the
 * 8- and 16-bit integers the backend holds), in every group, special values
 * (NaN, infinities, signed zeros, subnormals) included. The whole suite,
 * wider integers included, runs in Node in each backend's own tests.
 *
 * Tolerances (conformance.ts) are the suite's defaults but for one latitude
 * that GLSL ES 3.00 and WGSL both grant and SwiftShader (the only adapter in
 * a GPU-less Chromium) takes: float32 results in the subnormal range may be
 * flushed to zero (`flushingTolerance`, as in the GPU packages' Node suites).
 */
import type { DType } from '@sym/graph';
import { conformanceCases, type OpCase } from '@sym/backend-testkit';

/** The dtypes the browser run covers: every value of theirs is exact in float32 storage. */
const SMALL_DTYPES: readonly DType[] = ['float32', 'bool', 'int8', 'uint8', 'int16', 'uint16'];

export interface Subset {
  readonly cases: OpCase[];
  /** Cases of the suite, for the dtypes the backend holds, that the browser leaves to the Node run. */
  readonly leftOut: number;
}

/** The cases the browser runs for a backend holding `held`. Throws when the backend has no float32. */
export function browserCases(held: readonly DType[]): Subset {
  if (!held.includes('float32')) throw new Error(`conformance subset: the backend must hold float32; it holds ${held.join(', ')}`);
  const dtypes = SMALL_DTYPES.filter((d) => held.includes(d));
  const cases = conformanceCases(dtypes).cases;
  return { cases, leftOut: conformanceCases(held).cases.length - cases.length };
}
