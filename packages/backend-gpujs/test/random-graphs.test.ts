// Differential fuzzing on gpu.js (headless-gl): seeded random graphs (@sym/backend-testkit's randomGraph: 3-25
// nodes of elementwise ops, reductions, dots, views, windows written, sorts, cumsums, shared-variable updates)
// over float32, int32 and bool leaves (gpujs holds no float64), compiled under FAST_RUN and FAST_COMPILE, each
// output and updated shared value compared with the ops' reference perform. Seeds are fixed: a failure names its
// seed and prints the graph, which reproduces alone. Thousands more ran once (seeds 0-1000 and more: they found
// inf * 0 folded to 0 and integer -0, test/multiply-zero and test/integer-zero); left out of any range here:
// graphs whose results depend on the sign of a zero (seed 68: arctan2 of x * 0, README) or hold integers past
// 2^24 (seed 687: refused on read, README).
import { describe, expect, it } from 'vitest';
import { checkRandomGraph, randomGraph } from '@sym/backend-testkit';
import '../src/index.js';

describe('random graphs against the reference (gpujs)', () => {
  for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
    it(`seeds 0-19 under ${mode}`, async () => {
      const failures: string[] = [];
      for (let seed = 0; seed < 20; seed++) {
        const problem = await checkRandomGraph(randomGraph(seed, { dtypes: ['float32', 'int32', 'bool'] }), { device: 'gpujs', mode });
        if (problem) failures.push(problem);
      }
      expect(failures).toEqual([]);
    });
  }
});
