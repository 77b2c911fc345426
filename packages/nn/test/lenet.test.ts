import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { BatchNorm } from '../src/batch-norm.js';
import { barImages } from '../src/data.js';
import { Dropout } from '../src/dropout.js';
import { Layer } from '../src/layer.js';
import { RandomState } from '../src/random.js';
import { Sequential } from '../src/sequential.js';
import { loadParams, saveParams } from '../src/serialize.js';
import { gradientUpdatesMomentum } from '../src/updates.js';
import { lenet } from './lenet.js';

const T = sym.T;

describe('a LeNet on @sym/nn', () => {
  it("chains its shapes: Sequential.outputShape is each layer's outputShape in turn, and what the layers compute", async () => {
    const net = lenet(1);
    // 12x12 -> conv 'half' 12x12 -> pool 6x6 -> conv 4x4 -> pool 2x2, 16 channels: 64 features
    expect(new Sequential(net.layers.slice(0, 5)).outputShape([null, 1, 12, 12])).toEqual([null, 64]);
    expect(net.outputShape([null, 1, 12, 12])).toEqual([null, 3]);
    expect(net.outputShape([5, 1, 13, 13])).toEqual([5, 3]);
    expect(net.params.map(String)).toEqual(['conv1.W', 'conv1.b', 'conv2.W', 'conv2.b', 'out.W', 'out.b']);
    const x = T.tensor4('x');
    const outs = await sym.function([x], net.layers.reduce<sym.TensorVariable[]>((vs, l) => [...vs, l.output(vs.at(-1) ?? x)], []))(barImages(new RandomState(2), 5).X);
    expect(outs.map((v) => v.shape)).toEqual([[5, 8, 12, 12], [5, 8, 6, 6], [5, 16, 4, 4], [5, 16, 2, 2], [5, 64], [5, 3]]);
    // a nested Sequential, a BatchNorm and a Dropout pass shapes through; a layer of one's own without outputShape stops the chain
    expect(new Sequential([new Sequential(net.layers.slice(0, 2)), new BatchNorm(8, { axes: 'spatial' }), new Dropout(0.5)]).outputShape([null, 1, 12, 12])).toEqual([null, 8, 6, 6]);
    class Doubled {
      readonly params = [];
      output(v: sym.TensorVariable): sym.TensorVariable {
        return v.mul(2);
      }
    }
    expect(() => new Sequential([...net.layers.slice(0, 5), new Doubled()]).outputShape([null, 1, 12, 12])).toThrow(
      'Sequential.outputShape: layers[5] (Doubled) has no outputShape, so the shape after it is unknown (the shape before it: [null,64])',
    );
    // the column-convention Layer takes (features, examples): after a batch of 5 rows of 64 features it is an error
    expect(() => new Sequential([...net.layers.slice(0, 5), Layer.dense(64, 3, { rng: new RandomState(0) })]).outputShape([5, 1, 12, 12])).toThrow(
      'Layer.outputShape: the input shape (5, 64) has 5 features (axis 0), expected 64',
    );
    expect(() => net.outputShape([null, 1, 16, 16])).toThrow('Dense.outputShape: the input shape (?, 144) has 144 features in its last axis, expected 64');
    expect(() => net.outputShape([null, 1, 5, 5])).toThrow(/Conv2D\(conv2\)\.outputShape: the input shape \(\?, 8, 2, 2\) is too small for the 3x3 filters along its rows/);
  });

  it('learns to tell the bars apart with momentum on the CPU, and saves and loads', async () => {
    const train = barImages(new RandomState(0), 128);
    const test = barImages(new RandomState(1), 128);
    const net = lenet(0);
    const x = T.tensor4('x');
    const t = T.ivector('t');
    const p = net.output(x);
    const cost = T.mean(T.nnet.categoricalCrossentropy(p, t));
    const accuracy = sym.function([x, t], T.mean(T.eq(T.argmax(p, 1), t)));
    const step = sym.function([x, t], cost, { updates: gradientUpdatesMomentum(cost, net.params, 0.1, 0.9) });
    const costs: number[] = [];
    for (let i = 0; i < 80; i++) costs.push((await step(train.X, train.y)).item());
    // the tutorial's momentum: the first step leaves the weights, then the cost falls (from about 1.10 to about 0.5)
    expect(costs[1]).toBe(costs[0]);
    expect(costs.at(-1)!).toBeLessThan(0.7 * costs[0]!);
    expect((await accuracy(test.X, test.y)).item()).toBeGreaterThan(0.75);

    const copy = lenet(5);
    loadParams(copy.params, await saveParams(net.params));
    const outputs = async (n: Sequential): Promise<number[]> => Array.from(((await sym.function([x], n.output(x))(test.X)) as sym.NDArray).data);
    expect(await outputs(copy)).toEqual(await outputs(net));
  });
});
