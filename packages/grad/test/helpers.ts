/** Random points for gradient checks, deterministic per test. */
import { NDArray } from '@sym/graph';
import { seededRandom } from '../src/index.js';

export type Domain = readonly [lo: number, hi: number];

/** A float64 array of `shape` with entries uniform in `domain`, kept at least `gap` away from `avoid` points (kinks). */
export function randomPoint(rng: () => number, shape: readonly number[], domain: Domain = [-1, 1], avoid: readonly number[] = [], gap = 0.05): NDArray {
  const a = NDArray.zeros(shape, 'float64');
  for (let i = 0; i < a.size; i++) {
    let v: number;
    do v = domain[0] + (domain[1] - domain[0]) * rng();
    while (avoid.some((k) => Math.abs(v - k) < gap));
    a.data[i] = v;
  }
  return a;
}

export { seededRandom };
