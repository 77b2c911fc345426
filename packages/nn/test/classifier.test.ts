import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { MLP } from '../src/layer.js';
import { RandomState } from '../src/random.js';
import { twoGaussianClouds } from '../src/data.js';
import { binaryCrossentropy, categoricalCrossentropy } from '../src/losses.js';
import { softmaxColumns } from '../src/activations.js';
import { adam, nesterovMomentum } from '../src/updates.js';

const T = sym.T;

describe('classifiers built from @sym/nn parts', () => {
  it('a tanh/sigmoid MLP with binary cross-entropy and Adam separates the clouds', async () => {
    const rng = new RandomState(1);
    const { X, y } = twoGaussianClouds(rng, 400);
    const mlp = MLP.fromSizes([2, 8, 1], { activation: ['tanh', 'sigmoid'], init: 'glorotUniform', rng });
    const x = T.matrix('x');
    const t = T.vector('t');
    const p = mlp.output(x);
    const loss = binaryCrossentropy(p, t);
    const train = sym.function([x, t], loss, { updates: adam(loss, mlp.params, { learningRate: 0.05 }) });
    const predict = sym.function([x], p);
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) losses.push((await train(X, y)).item());
    const out = await predict(X);
    let hits = 0;
    for (let i = 0; i < out.size; i++) if (out.data[i]! > 0.5 === (y.data[i] === 1)) hits++;
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.7);
    expect(hits / out.size).toBeGreaterThan(0.75);
  });

  it('gradients of the stable cross-entropies match finite differences', async () => {
    const z = T.matrix('z');
    const t = T.matrix('t');
    const Z = [[0.3, -1.2, 2], [1.1, 0.4, -0.7], [-0.5, 0.9, 0.1]];
    const Y = [[1, 0, 0], [0, 0, 1], [0, 1, 0]];
    const ce = categoricalCrossentropy(softmaxColumns(z), t);
    const bce = binaryCrossentropy(T.sigmoid(z), t, 'sum');
    const f = sym.function([z, t], [ce, bce, grad(ce, z), grad(bce, z)]);
    const [, , gce, gbce] = await f(Z, Y);
    const h = 1e-6;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        const plus = Z.map((row) => [...row]);
        const minus = Z.map((row) => [...row]);
        plus[r]![c]! += h;
        minus[r]![c]! -= h;
        const [cp, bp] = await f(plus, Y);
        const [cm, bm] = await f(minus, Y);
        expect(gce!.get(r, c)).toBeCloseTo((cp!.item() - cm!.item()) / (2 * h), 7);
        expect(gbce!.get(r, c)).toBeCloseTo((bp!.item() - bm!.item()) / (2 * h), 7);
      }
    }
  });

  it('a softmax output layer with categorical cross-entropy and Nesterov momentum learns one-hot classes', async () => {
    const rng = new RandomState(2);
    const { X, y } = twoGaussianClouds(rng, 300);
    const oneHot = sym.array(Float64Array.from({ length: 600 }, (_, k) => (k < 300 ? 1 - y.data[k]! : y.data[k - 300]!)), { shape: [2, 300] });
    const mlp = MLP.fromSizes([2, 6, 2], { activation: ['relu', 'softmax'], init: 'heNormal', rng });
    const x = T.matrix('x');
    const t = T.matrix('t');
    const loss = categoricalCrossentropy(mlp.output(x), t);
    const train = sym.function([x, t], loss, { updates: nesterovMomentum(loss, mlp.params, 0.1, 0.9) });
    const first = (await train(X, oneHot)).item();
    let last = first;
    for (let i = 0; i < 40; i++) last = (await train(X, oneHot)).item();
    expect(last).toBeLessThan(first * 0.8);
    expect(Number.isFinite(last)).toBe(true);
  });
});
