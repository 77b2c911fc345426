// Differential fuzzing: seeded random graphs (@sym/backend-testkit's randomGraph: 3-25 nodes of elementwise ops,
// reductions, dots, views, windows written, sorts, cumsums, shared-variable updates) compiled under FAST_RUN and
// FAST_COMPILE on the CPU, each output and updated shared value compared with the ops' reference perform.
// Seeds 0-99 are fixed: a failure names its seed and prints the graph, which reproduces alone.
import { describe, expect, it } from 'vitest';
import { checkRandomGraph, randomGraph } from '@sym/backend-testkit';
import './index.js';

describe('random graphs against the reference (cpu)', () => {
  for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
    it(`seeds 0-99 under ${mode}`, async () => {
      const failures: string[] = [];
      for (let seed = 0; seed < 100; seed++) {
        const problem = await checkRandomGraph(randomGraph(seed), { device: 'cpu', mode });
        if (problem) failures.push(problem);
      }
      expect(failures).toEqual([]);
    });
  }
});
