import { register } from 'tsx/cjs/api';
import { describe, expect, it } from 'vitest';
import type { ConvSpec } from './conv.js';
import type { CostStep } from './recurrent.js';

// as in recurrent.test.ts: tfjs-core's gradient registrations load only through tsx's require hook
register();
const { jaxConvStep, symConvStep, tfConvStep, w7Spec } = await import('./conv.js');

/** A small layer with two input channels, so the layouts' channel axes are exercised. */
// batch 7, as in recurrent.test.ts: with 2-4 images sym-cpu's update of the read-out comes out wrong (reported)
const small: ConvSpec = { batch: 7, channels: 2, size: 10, filters: 4, filterSize: 3, pool: 2, classes: 5 };

async function costs(step: CostStep, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await step());
  return out;
}

describe('W7: the same conv layer training step in every library', () => {
  it('gives the same costs, step after step, in sym (NCHW), tfjs-cpu (NHWC) and jax-js (NCHW)', async () => {
    const want = await costs(symConvStep(small, 'cpu'), 3);
    expect(want[2]).toBeLessThan(want[0]!);
    for (const peer of [await tfConvStep(small, 'cpu'), await jaxConvStep(small, 'wasm')]) {
      const got = await costs(peer, 3);
      got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
    }
  });

  it('tfjs-wasm 4.22 has no conv2d filter gradient (why W7 has no tfjs-wasm figure)', async () => {
    const step = await tfConvStep(small, 'wasm');
    await expect(async () => step()).rejects.toThrow(/Conv2DBackpropFilter' not registered for backend 'wasm'/);
  });

  it('runs the brief sizes, with --quick taking fewer images', () => {
    expect(w7Spec(false)).toEqual({ batch: 64, channels: 1, size: 28, filters: 20, filterSize: 5, pool: 2, classes: 10 });
    expect(w7Spec(true)).toEqual({ ...w7Spec(false), batch: 8 });
  });
});
