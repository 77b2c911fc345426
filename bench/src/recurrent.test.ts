import { register } from 'tsx/cjs/api';
import { describe, expect, it } from 'vitest';
import type { CostStep, RnnSpec } from './recurrent.js';

// tf.ts requires tfjs-core's gradient registrations, an ES module of extensionless imports that
// Node's own require cannot load: `pnpm bench` runs under tsx, whose require hook can, and so must the test
register();
const { jaxRnnStep, symRnnStep, tfRnnStep, w6Spec } = await import('./recurrent.js');

/** Small enough to run in a test, with every dimension distinct so a transposed weight shows. */
// batch 7: with 2-4 rows sym-cpu's SGD update of U and W comes out wrong (a matmul-with-update defect, reported; not this bench's)
const small: RnnSpec = { steps: 6, batch: 7, input: 3, hidden: 5 };

async function costs(step: CostStep, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await step());
  return out;
}

describe('W6: the same recurrent training step in every library', () => {
  it('gives the same costs, step after step, in sym, tfjs (cpu, wasm) and jax-js (the updates agree too)', async () => {
    const want = await costs(symRnnStep(small, 'cpu'), 3);
    // training lowers the cost: the updates go down the gradient
    expect(want[2]).toBeLessThan(want[0]!);
    // each peer made just before it runs: tfjs computes on the backend set last, so a tfjs-cpu step made
    // before the tfjs-wasm one would run on wasm
    for (const makePeer of [() => tfRnnStep(small, 'cpu'), () => tfRnnStep(small, 'wasm'), () => jaxRnnStep(small, 'wasm')]) {
      const got = await costs(await makePeer(), 3);
      got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
    }
  });

  it('runs the brief sizes, with --quick shortening only the sequence', () => {
    expect(w6Spec(false)).toEqual({ steps: 50, batch: 32, input: 16, hidden: 64 });
    expect(w6Spec(true)).toEqual({ ...w6Spec(false), steps: 10 });
  });
});
