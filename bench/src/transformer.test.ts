import { register } from 'tsx/cjs/api';
import { describe, expect, it } from 'vitest';
import type { CostStep } from './recurrent.js';
import type { TransformerSpec } from './transformer.js';

// as in recurrent.test.ts: tfjs-core's gradient registrations load only through tsx's require hook
register();
const { jaxTransformerStep, symTransformerStep, tfTransformerStep, transformerData, w9Spec, PARAM_NAMES } = await import('./transformer.js');

/** Small, every width distinct (a transposed weight or a swapped head axis shows), with more than one head and a causal mask over 5 steps. */
const small: TransformerSpec = { batch: 3, steps: 5, dim: 8, heads: 2, ff: 12, vocab: 11 };

async function costs(step: CostStep, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await step());
  return out;
}

/** Float32 agreement: the libraries sum in different orders, and Adam's first steps move every weight by about lr whatever the gradient's size. */
function expectSameCosts(lib: string, got: number[], want: number[]): void {
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]!) <= 1e-5 * Math.abs(want[i]!))) throw new Error(`W9 ${lib}: step ${i + 1} cost ${g}, sym-cpu's ${want[i]} (relative difference ${Math.abs(g - want[i]!) / Math.abs(want[i]!)})`);
  });
}

describe('W9: the same transformer training step in every library', () => {
  for (const [label, spec] of [
    ['a small block', small],
    ['the --quick size', w9Spec(true)],
  ] as const) {
    it(`gives the same costs for 3 Adam steps in sym, tfjs (cpu, wasm) and jax-js (wasm): ${label}`, async () => {
      const want = await costs(symTransformerStep(spec, 'cpu'), 3);
      // training lowers the cost, and from about log(vocab): random weights guess
      expect(want[2]).toBeLessThan(want[1]!);
      expect(want[1]).toBeLessThan(want[0]!);
      expect(want[0]).toBeGreaterThan(0.5 * Math.log(spec.vocab));
      // each peer made just before it runs: tfjs has one current backend, the one set last
      const peers: [string, () => Promise<CostStep>][] = [
        ['tfjs-cpu', () => tfTransformerStep(spec, 'cpu')],
        ['tfjs-wasm', () => tfTransformerStep(spec, 'wasm')],
        ['jax-js-wasm', () => jaxTransformerStep(spec, 'wasm')],
      ];
      for (const [lib, make] of peers) expectSameCosts(lib, await costs(await make(), 3), want);
    });
  }

  it('makes each sequence one id longer than the inputs: the targets are the inputs moved on by one', () => {
    const d = transformerData(small);
    for (let b = 0; b < small.batch; b++) {
      for (let t = 0; t + 1 < small.steps; t++) expect(d.targets[b * small.steps + t]).toBe(d.inputs[b * small.steps + t + 1]);
    }
    expect(Math.max(...d.inputs, ...d.targets)).toBeLessThan(small.vocab);
    expect(PARAM_NAMES).toHaveLength(19);
  });

  it('runs the brief sizes, with --quick a smaller batch and sequence of the same widths', () => {
    expect(w9Spec(false)).toEqual({ batch: 16, steps: 64, dim: 128, heads: 4, ff: 512, vocab: 256 });
    expect(w9Spec(true)).toEqual({ ...w9Spec(false), batch: 4, steps: 32 });
  });
});
