/**
 * Timing: the first call on its own (W5's numerator), then a warm-up of
 * about a third of `minMs` (engines optimise a function only after it has
 * run for a while: with a fixed handful of warm-up calls, a 0.03 ms step
 * was still timed in the interpreter and read 0.07-0.10 ms), then runs
 * until both a minimum count and a minimum time are reached; reports the
 * median. A workload slower than the warm-up budget gets no warm-up runs.
 */
export interface Timing {
  readonly median: number;
  readonly runs: number;
  readonly first: number;
}

export async function measure(fn: () => unknown, opts: { minRuns?: number; minMs?: number; maxRuns?: number } = {}): Promise<Timing> {
  const { minRuns = 5, minMs = 1000, maxRuns = 5000 } = opts;
  const t0 = performance.now();
  await fn();
  const first = performance.now() - t0;
  const warmMs = minMs / 3;
  for (let w = performance.now(), runs = 0; performance.now() - w < warmMs && runs < maxRuns && first < warmMs; runs++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxRuns && (times.length < minRuns || performance.now() - start < minMs)) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
    // a very slow workload: three runs are enough
    if (times.length >= 3 && performance.now() - start > 20 * minMs) break;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, runs: times.length, first };
}

/** A small seeded generator (mulberry32) so every library gets the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomF32(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (r() * 2 - 1) * scale;
  return a;
}
