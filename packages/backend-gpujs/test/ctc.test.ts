/**
 * T.nnet.ctc (a scan walking time backwards, a batched dot, checked labels) and its gradient on gpu.js (WebGL,
 * float32), against the CPU and against NumPy's float64 costs of the same float32 activations.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import '@sym/backend-cpu';
import '../src/index.js';

const T = sym.T;
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

describe('ctc on gpujs', () => {
  it('gives the CPU costs and gradient, +inf with gradient 0 for an impossible example', async () => {
    const acts = T.ftensor3('acts');
    const labels = T.imatrix('labels');
    const lens = T.ivector('lens');
    const cost = T.nnet.ctc(acts, labels, lens);
    const outputs = [cost, grad(T.sum(cost), acts)];
    const args = [sym.array(formula(30, 4, 6, 2), { dtype: 'float32' }), LABELS, [30, 25, 7, 20]];
    const gpu = (await sym.function([acts, labels, lens], outputs, { device: 'gpujs' })(...args)) as sym.NDArray[];
    const cpu = (await sym.function([acts, labels, lens], outputs, { device: 'cpu' })(...args)) as sym.NDArray[];
    COST.forEach((c, b) => (Number.isFinite(c) ? expect(Math.abs(gpu[0]!.data[b]! - c)).toBeLessThan(1e-5 * c) : expect(gpu[0]!.data[b]).toBe(c)));
    const g = gpu[1]!.data;
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    for (let k = 0; k < g.length; k++) {
      expect(Math.abs(g[k]! - cpu[1]!.data[k]!), `grad ${k}`).toBeLessThanOrEqual(2e-5);
      if (Math.floor(k / 6) % 4 === 3) expect(g[k]).toBe(0);
    }
  });
});
