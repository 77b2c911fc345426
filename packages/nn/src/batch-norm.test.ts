/**
 * BatchNorm: running averages moved by training functions through their
 * default updates (exact values for two calls), used at inference and left
 * alone there, left alone with noDefaultUpdates, a small Sequential
 * with Dense layers that learns, and a frozen layer (fine-tuning) that
 * normalises with them in a training graph and passes finite differences.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { grad, verifyGrad } from '@sym/grad';
import '@sym/backend-cpu';
import { BatchNorm } from './batch-norm.js';
import { Dense } from './dense.js';
import { Sequential } from './sequential.js';
import { loadParams, saveParams } from './serialize.js';
import { sgd } from './updates.js';
import { RandomState } from './random.js';

const T = sym.T;
const near = (a: sym.NDArray, b: number[], digits = 5) => {
  expect(a.size).toBe(b.length);
  b.forEach((v, i) => expect(a.data[i]).toBeCloseTo(v, digits));
};
const batch = [[1, 2], [3, 6], [5, 7]];

describe('BatchNorm', () => {
  it('moves the running averages at each call of a training function, without updates being listed', () => {
    const bn = new BatchNorm(2, { alpha: 0.1, name: 'bn' });
    const x = T.matrix('x');
    const train = sym.function([x], bn.output(x, { training: true }));
    const out = train.sync(batch) as sym.NDArray;
    // column 0 is [1, 3, 5]: mean 3, variance 8/3 (unbiased 4); column 1 is [2, 6, 7]: mean 5, variance 14/3 (unbiased 7)
    near(out, [-2, -3, 0, 1, 2, 2].map((d, i) => d / Math.sqrt((i % 2 ? 14 / 3 : 8 / 3) + 1e-4)));
    near(bn.runningMean.getValue(), [0.3, 0.5]);
    near(bn.runningVar.getValue(), [1.3, 1.6]);
    train.sync(batch);
    near(bn.runningMean.getValue(), [0.3 * 0.9 + 0.3, 0.5 * 0.9 + 0.5]);
    near(bn.runningVar.getValue(), [1.3 * 0.9 + 0.4, 1.6 * 0.9 + 0.7]);
    expect(bn.params).toEqual([bn.gamma, bn.beta]);
  });

  it('normalises with the running averages at inference, and inference functions leave them alone', () => {
    const bn = new BatchNorm(2, { momentum: 0.5 });
    bn.gamma.setValue(sym.array([2, 1], { dtype: sym.config.floatX }));
    bn.beta.setValue(sym.array([0, 1], { dtype: sym.config.floatX }));
    const x = T.matrix('x');
    const train = sym.function([x], bn.output(x, { training: true }));
    const predict = sym.function([x], bn.output(x));
    train.sync(batch);
    const mean = [1.5, 2.5];
    const variance = [2.5, 4];
    near(bn.runningMean.getValue(), mean);
    near(bn.runningVar.getValue(), variance);
    const out = predict.sync([[1, 2], [4, 0]]) as sym.NDArray;
    near(out, [[1, 2], [4, 0]].flatMap((row) => row.map((v, j) => ((v - mean[j]!) * [2, 1][j]!) / Math.sqrt(variance[j]! + 1e-4) + [0, 1][j]!)));
    near(bn.runningMean.getValue(), mean);
    near(bn.runningVar.getValue(), variance);
  });

  it('leaves the running averages alone in a training function made with noDefaultUpdates', () => {
    const bn = new BatchNorm(2);
    const x = T.matrix('x');
    sym.function([x], bn.output(x, { training: true }), { noDefaultUpdates: true }).sync(batch);
    near(bn.runningMean.getValue(), [0, 0]);
    near(bn.runningVar.getValue(), [1, 1]);
  });

  it('trains inside a Sequential of Dense layers: the cost falls and the running averages follow the hidden units', () => {
    const rng = new RandomState(3);
    const bn = new BatchNorm(8);
    const net = new Sequential([Dense.create(2, 8, { rng }), bn, Dense.create(8, 1, { rng, activation: 'sigmoid' })]);
    const x = T.matrix('x');
    const y = T.matrix('y');
    const cost = T.mean(net.output(x, { training: true }).sub(y).pow(2));
    const train = sym.function([x, y], cost, { updates: sgd(cost, net.params, 0.5) });
    // 1 where the first input is the larger; inputs far from zero mean, which the normalisation takes away
    const xs = [[10, 10], [10, 12], [12, 10], [12, 11], [11, 13], [13, 11]];
    const ys = [[0], [0], [1], [1], [0], [1]];
    const costs: number[] = [];
    for (let i = 0; i < 300; i++) costs.push((train.sync(xs, ys) as sym.NDArray).item());
    expect(costs[costs.length - 1]!).toBeLessThan(costs[0]! * 0.5);
    // after 300 steps the running mean is the first layer's batch mean (its weights now move slowly)
    const hiddenMean = sym.function([x], T.mean(net.layers[0]!.output(x), { axis: 0 })).sync(xs) as sym.NDArray;
    near(bn.runningMean.getValue(), [...hiddenMean.data].map(Number), 1);
    expect(Math.max(...[...hiddenMean.data].map((v) => Math.abs(Number(v))))).toBeGreaterThan(1);
    expect(net.params).toEqual([...net.layers[0]!.params, bn.gamma, bn.beta, ...net.layers[2]!.params]);
  });

  it("lists its running averages as state, which a Sequential gathers: saved with the params, a loaded network's inference matches", async () => {
    const build = (seed: number) => {
      const rng = new RandomState(seed);
      return new Sequential([Dense.create(2, 4, { rng }), new BatchNorm(4), Dense.create(4, 1, { rng })]);
    };
    const net = build(1);
    const bn = net.layers[1] as BatchNorm;
    expect(bn.state).toEqual([bn.runningMean, bn.runningVar]);
    expect(net.state).toEqual([bn.runningMean, bn.runningVar]);
    const x = T.matrix('x');
    const xs = [[10, 10], [10, 12], [12, 10], [12, 11]];
    const step = sym.function([x], net.output(x, { training: true }));
    for (let i = 0; i < 5; i++) step.sync(xs);
    const copy = build(2);
    loadParams([...copy.params, ...copy.state], await saveParams([...net.params, ...net.state]));
    const infer = (n: Sequential) => sym.function([x], n.output(x)).sync(xs) as sym.NDArray;
    expect(infer(copy).toArray()).toEqual(infer(net).toArray());
    // the params alone leave the copy's statistics at 0 and 1: its inference differs
    const paramsOnly = build(2);
    loadParams(paramsOnly.params, await saveParams(net.params));
    expect(infer(paramsOnly).toArray()).not.toEqual(infer(net).toArray());
  });

  it('refuses bad options, naming them', () => {
    expect(() => new BatchNorm(0)).toThrow(/BatchNorm: shape must be a positive integer/);
    expect(() => new BatchNorm(2, { alpha: 0.1, momentum: 0.9 })).toThrow(/pass alpha or momentum/);
    expect(() => new BatchNorm(2).output(T.matrix('x'), { train: true } as never)).toThrow(/train/);
    expect(() => new BatchNorm(2).output(T.vector('x'))).toThrow(/batch axis and a feature axis/);
  });

  it('names itself when an input does not fit its shape, in training and inference functions', async () => {
    const x = T.matrix('x');
    const x4 = T.tensor4('x4');
    const rng = new RandomState(0);
    const bn = new BatchNorm(3);
    for (const training of [false, true]) {
      await expect(sym.function([x], bn.output(x, { training }))(rng.randn([4, 5]))).rejects.toThrow(
        /BatchNorm.output: x x of shape \(4, 5\) does not fit the layer's shape \(3,\): its axis 1 must have length 3/,
      );
    }
    // (batch, channels, rows, cols): the channels are checked, the spatial axes are normalised over
    await expect(sym.function([x4], bn.output(x4))(rng.randn([2, 4, 5, 5]))).rejects.toThrow(/BatchNorm.output: x x4 of shape \(2, 4, 5, 5\) does not fit the layer's shape \(3,\): its axis 1/);
    expect((await sym.function([x4], bn.output(x4))(rng.randn([2, 3, 5, 5]))).shape).toEqual([2, 3, 5, 5]);
    // per-activation over a (batch, steps, features) input: (steps, features) is the layer's shape
    const perStep = new BatchNorm([4, 3], { axes: 'per-activation' });
    const x3 = T.tensor3('x3');
    await expect(sym.function([x3], perStep.output(x3))(rng.randn([2, 4, 2]))).rejects.toThrow(/its axis 2 must have length 3/);
    expect((await sym.function([x3], perStep.output(x3, { training: true }))(rng.randn([2, 4, 3]))).shape).toEqual([2, 4, 3]);
  });

  it('frozen, normalises with the running averages in the training graph and leaves them alone while the other layers train', async () => {
    const rng = new RandomState(4);
    const bn = new BatchNorm(3, { name: 'bn' });
    const net = new Sequential([Dense.create(2, 3, { rng, name: 'h' }), bn, Dense.create(3, 1, { rng, name: 'out' })]);
    const mean = [0.5, -1, 2];
    const variance = [2, 0.25, 4];
    bn.runningMean.setValue(sym.array(mean, { dtype: sym.config.floatX }));
    bn.runningVar.setValue(sym.array(variance, { dtype: sym.config.floatX }));
    bn.frozen = true;
    const x = T.matrix('x');
    const y = T.matrix('y');
    const out = net.output(x, { training: true });
    const cost = T.mean(out.sub(y).pow(2));
    const train = sym.function([x, y], cost, { updates: sgd(cost, net.params, 0.01) });
    expect(train.compiled.updated).toEqual(net.params);
    const xs = [[1, 2], [3, -1], [0, 4], [2, 2]];
    const ys = [[1], [0], [1], [0]];
    const before = net.params.map((p) => Array.from(p.getValue().data));
    const costs: number[] = [];
    for (let i = 0; i < 3; i++) costs.push((await train(xs, ys)).item());
    expect(Array.from(bn.runningMean.getValue().data)).toEqual(mean);
    expect(Array.from(bn.runningVar.getValue().data)).toEqual(variance);
    // every param moved, gamma and beta too (they stay params), and the cost fell
    net.params.forEach((p, i) => expect(Array.from(p.getValue().data)).not.toEqual(before[i]));
    expect(costs[2]!).toBeLessThan(costs[0]!);
    // the layer's training output is the inference formula with the trained gamma and beta
    const h = sym.function([x], net.layers[0]!.output(x)).sync(xs) as sym.NDArray;
    const gamma = Array.from(bn.gamma.getValue().data);
    const beta = Array.from(bn.beta.getValue().data);
    const expected = Array.from(h.data, (v, k) => ((v - mean[k % 3]!) * gamma[k % 3]!) / Math.sqrt(variance[k % 3]! + 1e-4) + beta[k % 3]!);
    near(sym.function([x], bn.output(x, { training: true })).sync(h) as sym.NDArray, expected, 12);
    // the whole network's training graph is its inference graph
    expect((sym.function([x], out).sync(xs) as sym.NDArray).toArray()).toEqual((sym.function([x], net.output(x)).sync(xs) as sym.NDArray).toArray());
  });

  it('frozen, passes its gradient to the input, gamma and beta as finite differences do (the statistics held constant)', async () => {
    const bn = new BatchNorm(3);
    bn.runningMean.setValue(sym.array([0.5, -1, 2], { dtype: sym.config.floatX }));
    bn.runningVar.setValue(sym.array([2, 0.25, 4], { dtype: sym.config.floatX }));
    bn.frozen = true;
    const rng = new RandomState(6);
    const { gamma, beta } = bn;
    const replaced = (x: sym.TensorVariable, g: sym.TensorVariable, b: sym.TensorVariable) =>
      sym.cloneReplace([bn.output(x, { training: true })], new Map<sym.TensorVariable, sym.TensorVariable>([[gamma, g], [beta, b]]))[0]!;
    const report = await verifyGrad(replaced, [rng.randn([4, 3]), [1.5, -0.5, 2], [0.1, 0.2, -0.3]]);
    expect(report.maxAbsErr).toBeLessThan(1e-7);
    // d sum(out) / dx is gamma / sqrt(var + epsilon) for every example: the batch's statistics play no part
    const x = T.matrix('x');
    const dx = sym.function([x], grad(T.sum(bn.output(x, { training: true })), [x])[0]!).sync(rng.randn([2, 3])) as sym.NDArray;
    near(dx, [0, 1].flatMap(() => [1, 1, 1].map((_, j) => 1 / Math.sqrt([2, 0.25, 4][j]! + 1e-4))), 12);
    // unfrozen, the batch's statistics depend on x: the gradient of the sum is 0
    bn.frozen = false;
    const dxTrain = sym.function([x], grad(T.sum(bn.output(x, { training: true })), [x])[0]!).sync(rng.randn([2, 3])) as sym.NDArray;
    near(dxTrain, [0, 0, 0, 0, 0, 0], 8);
    (bn as { frozen: unknown }).frozen = 'yes';
    expect(() => bn.output(x, { training: true })).toThrow('BatchNorm.output: frozen must be a boolean, got "yes"');
  });
});
