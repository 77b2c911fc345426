/**
 * Theano's minibatch window x[i * bs:(i + 1) * bs] on gpu.js: the last
 * partial batch gives NumPy's rows (graph's ops/window-check.ts), through
 * givens on a shared dataset, with its training step's update.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';

const T = sym.T;

describe('minibatch windows on gpu.js', () => {
  it("give NumPy's rows for the last partial batch and none past the end, and train on them as NumPy's step does", async () => {
    // 10 rows of 2: row r is [r / 10, r / 5]
    const data = sym.shared(sym.array(Array.from({ length: 10 }, (_, r) => [r / 10, r / 5]), { dtype: 'float32' }), { name: 'data' });
    const W = sym.shared(sym.array([0.5, -0.25], { dtype: 'float32' }), { name: 'W' });
    const i = T.iscalar('i');
    const m = T.matrix('m', 'float32');
    const cost = T.sqr(T.dot(m, W)).mean();
    const batch = data.get(T.slice(i.mul(4), i.add(1).mul(4)));
    const rows = sym.function([i], m.get(':', 0).mul(10), { givens: [[m, batch]], device: 'gpujs' });
    expect(Array.from(((await rows(1)) as sym.NDArray).data).map(Math.round)).toEqual([4, 5, 6, 7]);
    expect(Array.from(((await rows(2)) as sym.NDArray).data).map(Math.round)).toEqual([8, 9]);
    expect(((await rows(3)) as sym.NDArray).shape).toEqual([0]);
    const step = sym.function([i], cost, { givens: [[m, batch]], updates: [[W, W.sub(grad(cost, W).mul(0.1))]], device: 'gpujs' });
    await step(2);
    // by hand: m = rows 8 and 9; W -= 0.1 * 2 * m.T @ (m @ W) / 2
    const m1 = [8, 9].map((r) => [r / 10, r / 5]);
    const p = m1.map(([a, b]) => a! * 0.5 + b! * -0.25);
    const want = [0, 1].map((k) => [0.5, -0.25][k]! - (0.1 * 2 * m1.reduce((s, r, q) => s + r[k]! * p[q]!, 0)) / 2);
    Array.from(((await W.getValueAsync()) as sym.NDArray).data).forEach((g, k) => expect(g).toBeCloseTo(want[k]!, 5));
    rows.compiled.dispose();
    step.compiled.dispose();
  });
});
