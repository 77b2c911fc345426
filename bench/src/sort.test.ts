import { register } from 'tsx/cjs/api';
import { describe, expect, it } from 'vitest';
import type { SortSpec, SortStep } from './sort.js';

// as in recurrent.test.ts: tfjs-core's gradient registrations load only through tsx's require hook
register();
const { jaxSortStep, orderOf, sortData, symSortStep, tfSortStep, w8Spec } = await import('./sort.js');

/** Small, with an axis that is not a power of two (the bitonic network, on devices without a sort kernel, pads it). */
const small: SortSpec = { rows: 5, cols: 37 };

/** Each row of `m` ascending, whatever order the library gave it in. */
function ascendingRows(m: Float32Array, s: SortSpec, order: 'ascending' | 'descending'): Float32Array {
  const out = Float32Array.from(m);
  if (order === 'descending') for (let r = 0; r < s.rows; r++) out.subarray(r * s.cols, (r + 1) * s.cols).reverse();
  return out;
}

async function sorted(step: SortStep, lib: string): Promise<Float32Array> {
  return ascendingRows(Float32Array.from(await step()), small, orderOf(lib));
}

describe('W8: the same sorted rows in every library', () => {
  it('gives each row sorted, the same values, in sym-cpu, tfjs (cpu, wasm: topk, reversed) and jax-js', async () => {
    const want = sortData(small);
    for (let r = 0; r < small.rows; r++) want.subarray(r * small.cols, (r + 1) * small.cols).sort();
    // each library's step made just before it runs: tfjs computes on the backend set last, so a tfjs-cpu
    // step made before the tfjs-wasm one would run on wasm
    const steps: [string, () => SortStep | Promise<SortStep>][] = [
      ['sym-cpu', () => symSortStep(small, 'cpu')],
      ['tfjs-cpu', () => tfSortStep(small, 'cpu')],
      ['tfjs-wasm', () => tfSortStep(small, 'wasm')],
      ['jax-js-wasm', () => jaxSortStep(small, 'wasm')],
    ];
    for (const [lib, makeStep] of steps) {
      const step = await makeStep();
      // twice: the second call runs the compiled program (or cached kernels) again
      for (let call = 0; call < 2; call++) expect([lib, Array.from(await sorted(step, lib))]).toEqual([lib, Array.from(want)]);
    }
    // the data are not sorted already, so the check above could fail
    expect(Array.from(sortData(small))).not.toEqual(Array.from(want));
  });

  it('sorts the brief size, with --quick taking fewer rows of the same length', () => {
    expect(w8Spec(false)).toEqual({ rows: 256, cols: 1000 });
    expect(w8Spec(true)).toEqual({ rows: 32, cols: 1000 });
  });
});
