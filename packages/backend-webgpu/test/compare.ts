/** Comparing the GPU's results with the CPU's, within a stated tolerance. */
import { expect } from 'vitest';
import type { NDArray } from '@sym/graph';

export interface Tol {
  readonly rtol: number;
  readonly atol: number;
}
export const EXACT: Tol = { rtol: 0, atol: 0 };

/** The largest |a - e| / (atol + rtol |e|) seen, for reporting; <= 1 passes. */
export function expectClose(actual: NDArray, expected: NDArray, tol: Tol, label: string): void {
  expect(actual.dtype, `${label}: dtype`).toBe(expected.dtype);
  expect([...actual.shape], `${label}: shape`).toEqual([...expected.shape]);
  const bad: string[] = [];
  for (let i = 0; i < expected.size; i++) {
    const a = actual.data[i]!;
    const e = expected.data[i]!;
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e) continue;
    if (Number.isFinite(e) && Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e)) continue;
    if (bad.length < 5) bad.push(`[${i}] got ${a}, expected ${e}`);
  }
  expect(bad, `${label}: elements off by more than rtol=${tol.rtol}, atol=${tol.atol}`).toEqual([]);
}

/** Deterministic float32 data in [-1, 1) on a 1/64 grid (exact in float32, with a few ties). */
export function gridData(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = Math.round(((s / 2147483648) * 2 - 1) * 64) / 64;
  }
  return out;
}
