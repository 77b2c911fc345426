/**
 * BatchedDot's gradient (batched-dot-grad.ts): against finite differences,
 * through transposed views and T.batchedDot's reshapes of higher ranks; its
 * graph is BatchedDots, not broadcast products; and the batched pass behind
 * jacobian and hessian (gZ with a leading axis folded into rows or
 * columns) agrees row by row with plain gradients.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, hessian, jacobian, verifyGrad } from '../src/index.js';
import { randomPoint, seededRandom } from './helpers.js';

const T = sym.T;
type V = sym.TensorVariable;

async function check(f: (...xs: V[]) => V, shapes: number[][]) {
  const rng = seededRandom(5);
  const r = await verifyGrad(f, shapes.map((s) => randomPoint(rng, s, [-1.5, 1.5])));
  expect(r.maxAbsErr).toBeLessThan(1e-6);
}

describe('BatchedDot gradient', () => {
  it('matches finite differences for (B, M, K) x (B, K, N), batch 1 and more', async () => {
    await check((a, b) => T.tanh(T.batchedDot(a, b)), [[3, 2, 4], [3, 4, 5]]);
    await check((a, b) => T.batchedDot(a, b).pow(2), [[1, 3, 2], [1, 2, 3]]);
  });

  it('through transposed views (q kᵀ) and a product of an operand with itself', async () => {
    await check((q, k) => T.tanh(T.batchedDot(q, k.dimshuffle(0, 2, 1))), [[2, 3, 4], [2, 5, 4]]);
    await check((a, b) => T.sin(T.batchedDot(a.dimshuffle(0, 2, 1), b.dimshuffle(0, 2, 1))), [[2, 4, 3], [2, 5, 4]]);
    await check((a) => T.cos(T.batchedDot(a, a.dimshuffle(0, 2, 1))), [[3, 2, 4]]);
  });

  it("through T.batchedDot's higher ranks, reshaped around one BatchedDot", async () => {
    await check((a, b) => T.tanh(T.batchedDot(a, b)), [[2, 2, 3, 4], [2, 4, 3]]);
    await check((a, b) => T.tanh(T.batchedDot(a, b)), [[2, 3, 4], [2, 2, 4, 3]]);
  });

  it('is itself made of BatchedDots: one matmul kernel per operand, no reduction over a broadcast product', () => {
    const a = T.tensor3('a');
    const b = T.tensor3('b');
    const [ga, gb] = grad(T.batchedDot(a, b).sum(), [a, b]) as [V, V];
    // the product itself (the gradient of its sum is shaped like it) and one per operand
    expect(sym.toposort([ga, gb]).map((n) => n.op.kind).filter((k) => k === 'BatchedDot' || k === 'Reduce')).toEqual(['BatchedDot', 'BatchedDot', 'BatchedDot']);
    const steps = sym.schedule({ inputs: [a, b], inputShapes: [[4, 8, 16], [4, 16, 8]], outputs: [ga, gb] }).steps;
    expect(steps.filter((s) => s.kernel.kind === 'reduce')).toHaveLength(0);
  });
});

describe('BatchedDot in the batched reverse pass', () => {
  /** Row i of jacobian(e, xs) is grad(sum(e * onehot_i), xs). */
  async function agree(f: (...xs: V[]) => V, shapes: number[][]) {
    const xs = shapes.map((s, i) => T.tensor('float64', s.map(() => false), `x${i}`));
    const rng = seededRandom(3);
    const vals = shapes.map((s) => randomPoint(rng, s, [-1, 1]));
    const e = f(...xs);
    const eShape = ((await sym.function(xs, e)(...vals)) as sym.NDArray).shape;
    const n = eShape.reduce((p, d) => p * d, 1);
    const Js = (await sym.function(xs, jacobian(e, xs))(...vals)) as sym.NDArray[];
    for (let i = 0; i < n; i++) {
      const onehot = sym.NDArray.zeros(eShape, 'float64');
      onehot.data[i] = 1;
      const gs = (await sym.function(xs, grad(T.sum(e.mul(T.constant(onehot))), xs))(...vals)) as sym.NDArray[];
      gs.forEach((g, k) => {
        expect(Js[k]!.shape).toEqual([n, ...shapes[k]!]);
        for (let j = 0; j < g.size; j++) expect(Js[k]!.data[i * g.size + j]).toBeCloseTo(g.data[j]!, 10);
      });
    }
  }

  it('jacobian rows equal per-element gradients', async () => {
    await agree((a, b) => T.batchedDot(a, b), [[2, 3, 2], [2, 2, 3]]);
    await agree((a, b) => T.tanh(T.batchedDot(a, b.dimshuffle(0, 2, 1))), [[2, 2, 3], [2, 2, 3]]);
  });

  it('hessian of a cost through BatchedDot is symmetric and matches finite differences of its gradient', async () => {
    const x = T.dvector('x');
    // x as a (2, 2, 2) batch of matrices, multiplied by itself: the gradient holds BatchedDots, the Hessian differentiates them batched
    const m = x.reshape([2, 2, 2]);
    const cost = T.batchedDot(m, m).pow(2).sum();
    const xv = [0.3, -0.7, 1.1, 0.2, -0.4, 0.9, 0.5, -1.2];
    const H = (await sym.function([x], hessian(cost, x))(xv)) as sym.NDArray;
    const g = sym.function([x], grad(cost, x));
    const h = 1e-6;
    for (let i = 0; i < 8; i++) {
      const up = xv.slice();
      const down = xv.slice();
      up[i]! += h;
      down[i]! -= h;
      const [gu, gd] = [(await g(up)) as sym.NDArray, (await g(down)) as sym.NDArray];
      for (let j = 0; j < 8; j++) {
        expect(H.data[j * 8 + i]).toBeCloseTo((gu.data[j]! - gd.data[j]!) / (2 * h), 5);
        expect(H.data[j * 8 + i]).toBeCloseTo(H.data[i * 8 + j]!, 10);
      }
    }
  });
});
