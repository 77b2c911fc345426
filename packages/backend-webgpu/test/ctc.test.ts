/**
 * T.nnet.ctc (a scan walking time backwards, a batched dot, checked labels) and its gradient (the scan's gradient)
 * on Dawn's WebGPU in float32, against the CPU and against NumPy's float64 costs of the same float32 activations.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import { T, both, sym } from './setup.js';

// scale * sin(0.37 (t + 1)(k + 1) + 1.7 b + 0.3 k^2), as in graph's nnet/ctc.test.ts (whose NumPy costs these are)
const formula = (steps: number, batch: number, alphabet: number, scale: number): number[][][] =>
  Array.from({ length: steps }, (_, t) => Array.from({ length: batch }, (_, b) => Array.from({ length: alphabet }, (_, k) => scale * Math.sin(0.37 * (t + 1) * (k + 1) + 1.7 * b + 0.3 * k * k))));
const LABELS = [
  [1, 2, 2, 3, 5, 5, 5, 4, 1, -1, -1, -1],
  [5, 4, 3, 2, 1, 2, 3, 4, 5, 1, 2, 3],
  [2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1],
  [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
];
// NumPy float64 of the float32 activations (the fourth: 12 labels, 11 repeats, in 20 steps: no alignment)
const COST = [33.80322650510411, 25.96127138348105, 16.10576835870344, Infinity];

describe('ctc on WebGPU', () => {
  it('gives the CPU costs and gradient, +inf with gradient 0 for an impossible example', async () => {
    const acts = T.ftensor3('acts');
    const labels = T.imatrix('labels');
    const lens = T.ivector('lens');
    const cost = T.nnet.ctc(acts, labels, lens);
    const args = [sym.array(formula(30, 4, 6, 2), { dtype: 'float32' }), LABELS, [30, 25, 7, 20]];
    const { gpu, ref } = await both([acts, labels, lens], [cost, grad(T.sum(cost), acts)], args);
    COST.forEach((c, b) => (Number.isFinite(c) ? expect(Math.abs(gpu[0]!.data[b]! - c)).toBeLessThan(1e-5 * c) : expect(gpu[0]!.data[b]).toBe(c)));
    const g = gpu[1]!.data;
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    for (let k = 0; k < g.length; k++) {
      expect(Math.abs(g[k]! - ref[1]!.data[k]!), `grad ${k}`).toBeLessThanOrEqual(2e-5);
      if (Math.floor(k / 6) % 4 === 3) expect(g[k]).toBe(0);
    }
  });

  it('refuses a label out of range before the call commits', async () => {
    const acts = T.ftensor3('acts');
    const labels = T.imatrix('labels');
    const lens = T.ivector('lens');
    const f = sym.function([acts, labels, lens], T.nnet.ctc(acts, labels, lens), { device: 'webgpu' });
    const A = sym.array(formula(3, 2, 4, 1), { dtype: 'float32' });
    // labels computed on the device (packed, checked by a flag kernel) are read before anything is returned
    await expect(f(A, [[1, 7], [3, -1]], [3, 2])).rejects.toThrow('ctc: label 7 (labels[0, 1]) is outside [1, 4)');
    await expect(f(A, [[1, 2], [3, -1]], [3, 9])).rejects.toThrow('ctc: input length 9 (lens[1]) is outside [0, 3]');
  });
});
