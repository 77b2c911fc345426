import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { BatchNorm } from './batch-norm.js';
import { Conv2D } from './conv.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { RandomState } from './random.js';
import { Nonlinearity, Residual } from './residual.js';
import { Sequential } from './sequential.js';
import { GlobalAveragePool2D } from './pooling.js';

const T = sym.T;
const values = (a: sym.NDArray): number[] => Array.from(a.data as Float64Array);

describe('Nonlinearity', () => {
  it("applies its activation, the same in training and inference; 'softmax' normalises the last axis; no params", async () => {
    const x = T.matrix('x');
    const relu = new Nonlinearity('relu');
    expect(relu.params).toEqual([]);
    expect(relu.outputShape([null, 3])).toEqual([null, 3]);
    const f = sym.function([x], [relu.output(x), relu.output(x, { training: true }), new Nonlinearity('softmax').output(x), new Nonlinearity((v) => v.mul(2)).output(x)]);
    const [a, b, s, d] = (await f([[-1, 2, 0], [3, -4, 1]])) as sym.NDArray[];
    expect(a!.toArray()).toEqual([[0, 2, 0], [3, 0, 1]]);
    expect(b!.toArray()).toEqual(a!.toArray());
    (s!.toArray() as number[][]).forEach((row) => expect(row.reduce((p, q) => p + q, 0)).toBeCloseTo(1, 14));
    expect(d!.toArray()).toEqual([[-2, 4, 0], [6, -8, 2]]);
  });

  it('refuses a missing or unknown activation and a misspelt option', () => {
    expect(() => new Nonlinearity(undefined)).toThrow(/Nonlinearity: expected an activation/);
    expect(() => new Nonlinearity('mish' as 'relu')).toThrow(/Nonlinearity: activation: expected a function or one of sigmoid, tanh, relu/);
    expect(() => new Nonlinearity('relu').output(T.matrix('x'), { train: true } as never)).toThrow(/Nonlinearity.output/);
  });
});

describe('Residual', () => {
  it('adds the input back to the block and applies the activation to the sum; gathers params, state and regularizable', async () => {
    const rng = new RandomState(0);
    const dense = Dense.create(3, 3, { rng, name: 'inner' });
    const norm = new BatchNorm(3, { name: 'bn' });
    const block = new Residual([dense, norm], { activation: 'relu' });
    expect(block.params.map(String)).toEqual(['inner.W', 'inner.b', 'bn.gamma', 'bn.beta']);
    expect(block.state.map(String)).toEqual(['bn.runningMean', 'bn.runningVar']);
    expect(block.regularizable.map(String)).toEqual(['inner.W']);
    // a Sequential around it gathers them too, so a training function trains and saves them
    const net = new Sequential([block, Dense.create(3, 1, { rng, name: 'out' })]);
    expect(net.state.map(String)).toEqual(['bn.runningMean', 'bn.runningVar']);
    const x = T.matrix('x');
    const X = [[1, -2, 0.5], [0, 1, -1], [2, 2, 2]];
    const [got, inner] = (await sym.function([x], [block.output(x), norm.output(dense.output(x))])(X)) as sym.NDArray[];
    expect(values(got!)).toEqual(values(inner!).map((v, i) => Math.max(0, v + X.flat()[i]!)));
  });

  it('passes training to the block: the training graph moves a BatchNorm\'s running averages and drops units, inference does neither', async () => {
    const norm = new BatchNorm(2, { name: 'bn' });
    const block = new Residual([norm, new Dropout(0.5, { seed: 3 })]);
    const net = new Sequential([block]);
    const x = T.matrix('x');
    const X = [[1, 2], [3, 6], [5, 10], [7, 14]];
    const infer = sym.function([x], net.output(x));
    const a = (await infer(X)) as sym.NDArray;
    expect(values(norm.runningMean.getValue())).toEqual([0, 0]);
    const train = sym.function([x], net.output(x, { training: true }));
    const b = (await train(X)) as sym.NDArray;
    expect(values(norm.runningMean.getValue()).map((v) => +v.toFixed(12))).toEqual([0.4, 0.8]);
    // inference: x + (x - 0) / sqrt(1 + eps), no unit dropped
    values(a).forEach((v, i) => expect(Math.abs(v - X.flat()[i]! * (1 + 1 / Math.sqrt(1 + 1e-4)))).toBeLessThan(1e-13));
    // training: each unit of the block is dropped (x + 0) or doubled, and some were dropped
    // each column normalised by the batch's mean and biased variance, 5 and 20
    const normalised = [-3, -1, 1, 3].flatMap((v) => [v / Math.sqrt(5 + 1e-4), (2 * v) / Math.sqrt(20 + 1e-4)]);
    const blockOut = values(b).map((v, i) => v - X.flat()[i]!);
    blockOut.forEach((v, i) => expect([0, 2 * normalised[i]!].some((w) => Math.abs(v - w) < 1e-12)).toBe(true));
    expect(blockOut.some((v) => v === 0)).toBe(true);
  });

  it('takes a shortcut that changes the shape as the block does; outputShape and output refuse a block whose shape the shortcut does not match', async () => {
    const rng = new RandomState(1);
    const down = () => Conv2D.create(2, 4, 3, { rng, stride: 2, padding: 1, useBias: false });
    const projection = Conv2D.create(2, 4, 1, { rng, stride: 2, useBias: false, name: 'proj' });
    const block = new Residual(down(), { shortcut: projection });
    expect(block.params.length).toBe(2);
    expect(block.outputShape([null, 2, 6, 6])).toEqual([null, 4, 3, 3]);
    const x = T.tensor4('x');
    const X = rng.normal([1, 2, 6, 6]);
    const [got, a, b] = (await sym.function([x], [block.output(x), block.block.output(x), projection.output(x)])(X)) as sym.NDArray[];
    expect(got!.shape).toEqual([1, 4, 3, 3]);
    expect(values(got!)).toEqual(values(a!).map((v, i) => v + values(b!)[i]!));
    const plain = new Residual(down());
    expect(() => plain.outputShape([null, 2, 6, 6])).toThrow(/Residual.outputShape: the block gives \(\?, 4, 3, 3\) for the input shape \(\?, 2, 6, 6\), but the identity shortcut keeps \(\?, 2, 6, 6\); give a shortcut/);
    const net = new Sequential([new Residual(new Nonlinearity('relu')), new GlobalAveragePool2D()]);
    expect(net.outputShape([null, 2, 6, 6])).toEqual([null, 2]);
    // shapes unknown at build time: the mismatch is found when the function runs, naming the Residual
    const f = sym.function([x], plain.output(x));
    await expect(f(X)).rejects.toThrow(/Residual.output: the block gives shape \(1, 4, 3, 3\) but the input x has shape \(1, 2, 6, 6\) \(axis 1\)/);
  });

  it('refuses a block or shortcut that is not a layer, and unknown options', () => {
    expect(() => new Residual([new Nonlinearity('relu'), {} as never])).toThrow('Residual: block[1] must be a layer (params and output(x)), got [object Object]');
    expect(() => new Residual(null as never)).toThrow('Residual: block must be a layer (params and output(x)) or a list of layers, got null');
    expect(() => new Residual(new Nonlinearity('relu'), { shortcut: 3 as never })).toThrow('Residual: shortcut must be a layer (params and output(x)), got 3');
    expect(() => new Residual(new Nonlinearity('relu'), { activaton: 'relu' } as never)).toThrow(/Residual/);
  });
});
