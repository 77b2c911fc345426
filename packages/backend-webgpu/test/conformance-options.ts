/**
 * How WebGPU runs the conformance suite (shared by the vitest suite and
 * bench/device's run on real GPUs): the cases it leaves out by design, each
 * with its reason, and its one change to the default tolerances.
 */
import { flushingTolerance, type CaseInfo } from '@sym/backend-testkit';

/** The testkit's defaults, with float32 results allowed to be flushed from the subnormal range to zero (NVIDIA's drivers do). */
export const tolerance = flushingTolerance;

const INT64_RANGE = 'int64 is held in 32-bit words on WebGPU: values past +-2^31 wrap (documented)';

export function skip(c: CaseInfo): string | false {
  const mixedSign = /\buint32\b.*\bwith int(8|16|32)\b|\bint(8|16|32)\b.*\bwith uint32\b/.test(c.name);
  if (mixedSign) return `${INT64_RANGE}; uint32 mixed with signed ints computes in int64`;
  if (c.dtype === 'int64' && ['add', 'sub', 'mul', 'cast'].includes(c.op ?? '')) return INT64_RANGE;
  if (/4294967295/.test(c.name)) return `${INT64_RANGE}; the literal 4294967295 is an int64 constant`;
  if (/\bint32\b.*\bwith float32\b/.test(c.name)) return 'int32 with float32 computes in float64, which WebGPU has not (refused with a clear error)';
  return false;
}
