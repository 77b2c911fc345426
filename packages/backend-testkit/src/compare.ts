/**
 * Comparing a backend's array with the reference array, and saying exactly
 * where and how they differ when they do.
 */
import type { NDArray } from '@sym/graph';
import { contiguousStrides, isFloat, shapeToString } from '@sym/graph';
import type { Tolerance } from './tolerance.js';

/** Options of {@link assertArrayClose}. */
export interface CompareOptions {
  /** How close each element must be. */
  readonly tolerance: Tolerance;
  /** Require -0 where the reference has -0 (floats only). Default true. */
  readonly signedZeros?: boolean;
}

/** Why one element differs, or undefined when it matches. */
function elementProblem(a: number, e: number, float: boolean, opts: CompareOptions): string | undefined {
  if (Number.isNaN(e)) return Number.isNaN(a) ? undefined : 'expected NaN';
  if (Number.isNaN(a)) return 'got NaN';
  if (a === e) {
    if (float && e === 0 && opts.signedZeros !== false && !Object.is(a, e)) return 'sign of zero differs';
    return undefined;
  }
  if (!Number.isFinite(e) || !Number.isFinite(a)) return 'infinities differ';
  const { rtol, atol } = opts.tolerance;
  const diff = Math.abs(a - e);
  const allowed = atol + rtol * Math.abs(e);
  return diff <= allowed ? undefined : `|diff| ${diff} > ${allowed} (rtol ${rtol}, atol ${atol})`;
}

function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

export function indexString(flat: number, shape: readonly number[]): string {
  const st = contiguousStrides(shape);
  return `[${shape.map((_, d) => Math.floor(flat / st[d]!) % shape[d]!).join(', ')}]`;
}

/**
 * Throws an Error naming `label`, the first mismatching elements (index,
 * value, expected value, why) and how many differ, when `actual` is not
 * `expected` within the options. Dtype and shape must match exactly.
 */
export function assertArrayClose(actual: NDArray, expected: NDArray, label: string, opts: CompareOptions): void {
  if (actual.dtype !== expected.dtype) {
    throw new Error(`${label}: dtype ${actual.dtype}, expected ${expected.dtype}`);
  }
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    throw new Error(`${label}: shape ${shapeToString(actual.shape)}, expected ${shapeToString(expected.shape)}`);
  }
  const float = isFloat(expected.dtype);
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.size; i++) {
    const a = actual.data[i]!;
    const e = expected.data[i]!;
    const why = elementProblem(a, e, float, opts);
    if (why === undefined) continue;
    count++;
    if (bad.length < 5) bad.push(`  at ${indexString(i, expected.shape)}: got ${fmt(a)}, expected ${fmt(e)} (${why})`);
  }
  if (count) {
    throw new Error(
      `${label}: ${count} of ${expected.size} elements (${expected.dtype}, shape ${shapeToString(expected.shape)}) differ from the reference:\n${bad.join('\n')}`,
    );
  }
}
