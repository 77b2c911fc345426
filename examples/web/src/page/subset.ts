/**
 * The part of the conformance suite the browser runs: every case for the
 * dtypes whose values float32 storage holds exactly (float32, bool and the
 * 8- and 16-bit integers the backend holds), in every group, special values
 * (NaN, infinities, signed zeros, subnormals) included. The whole suite,
 * wider integers included, runs in Node in each backend's own tests.
 *
 * Tolerances are the suite's defaults but for one latitude that GLSL ES 3.00
 * and WGSL both grant and SwiftShader (the only adapter in a GPU-less
 * Chromium) takes: float32 results in the subnormal range may be flushed to
 * zero. The WebGPU package's Node suite allows the same, for NVIDIA.
 */
import type { DType } from '@sym/graph';
import { conformanceCases, defaultTolerance, type OpCase, type Tolerance } from '@sym/backend-testkit';

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

/** The smallest normal float32. */
const FLT_MIN = 2 ** -126;

/** The suite's default tolerance, with float32 results allowed to be flushed from the subnormal range to zero. */
export function browserTolerance(op: string, dtype: DType): Tolerance {
  const t = defaultTolerance(op, dtype);
  return dtype === 'float32' ? { rtol: t.rtol, atol: Math.max(t.atol, FLT_MIN) } : t;
}
