/**
 * The batched reverse pass behind jacobian must agree with the plain one:
 * row i of jacobian(e, w) is grad(sum(e * onehot_i), w), for expressions
 * that exercise every rule with a batch dimension.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, gradScale, jacobian } from '../src/index.js';
import { randomPoint, seededRandom } from './helpers.js';

const T = sym.T;
type V = sym.TensorVariable;

async function agree(f: (...xs: V[]) => V, shapes: number[][], bc?: boolean[][]) {
  const xs = shapes.map((s, i) => T.tensor('float64', bc?.[i] ?? s.map(() => false), `x${i}`));
  const rng = seededRandom(11);
  const vals = shapes.map((s) => randomPoint(rng, s, [0.2, 1.5]));
  const e = f(...xs);
  const eShape = ((await sym.function(xs, e)(...vals)) as sym.NDArray).shape;
  const n = eShape.reduce((a, b) => a * b, 1);
  const Js = (await sym.function(xs, jacobian(e, xs, { disconnectedInputs: 'ignore' }))(...vals)) as sym.NDArray[];
  for (let i = 0; i < n; i++) {
    const onehot = sym.NDArray.zeros(eShape, 'float64');
    onehot.data[i] = 1;
    const gs = (await sym.function(xs, grad(T.sum(e.mul(T.constant(onehot))), xs, { disconnectedInputs: 'ignore' }))(...vals)) as sym.NDArray[];
    gs.forEach((g, k) => {
      const J = Js[k]!;
      expect(J.shape).toEqual(eShape.length === 0 ? shapes[k] : [n, ...shapes[k]!]);
      for (let j = 0; j < g.size; j++) expect(J.data[i * g.size + j]).toBeCloseTo(g.data[j]!, 10);
    });
  }
}

describe('jacobian rows equal per-element gradients', () => {
  it('elementwise ops with broadcasting', async () => {
    await agree((m, r) => T.tanh(m.mul(r)).add(T.maximum(m, r).pow(2)).div(r), [[2, 3], [1, 3]], [[false, false], [true, false]]);
    await agree((a, b) => T.switch_(a.gt(0.8), T.clip(a, 0.5, 1), T.second(a, b)).mul(gradScale(b, 3)), [[3], []]);
  });
  it('reductions', async () => {
    await agree((x) => T.sum(x, 1).mul(T.mean(x, 0).sum()), [[2, 3]]);
    await agree((x) => T.prod(x, 0).add(T.max(x, 1).sum()).add(T.min(x)), [[3, 2]]);
  });
  it('dot in every rank combination', async () => {
    const cases: [number[], number[]][] = [
      [[3], [3]],
      [[2, 3], [3]],
      [[3], [3, 2]],
      [[2, 3], [3, 2]],
      [[2, 2, 3], [3, 2]],
      [[2, 3], [2, 3, 2]],
    ];
    for (const [sa, sb] of cases) await agree((a, b) => T.dot(a, b), [sa, sb]);
  });
  it('dimshuffle, reshape, flatten and softmax', async () => {
    await agree((x) => x.dimshuffle(1, 'x', 0).mul(x.T.dimshuffle(0, 'x', 1)), [[2, 3]]);
    await agree((x) => T.dot(x.reshape([3, 2]), x.reshape([2, 3])).flatten().mul(x.flatten().sum()), [[2, 3]]);
    await agree((x) => T.softmax(x).mul(x), [[2, 3]]);
  });
  it('gradient graphs themselves (Hessians): ReshapeAs, sums of broadcasts, rank-3 dot', async () => {
    await agree((x) => grad(T.tanh(x.flatten()).pow(2).sum(), x), [[2, 3]]);
    await agree((a, b) => grad(T.dot(a, b).pow(2).sum(), a), [[2, 2, 3], [3, 2]]);
    await agree((a, r) => grad(T.exp(a.add(r)).sum(), r), [[2, 3], [1, 3]], [[false, false], [true, false]]);
  });
});
