/**
 * @sym/nn's convolutional layers on the GPU, float32: a Conv2D (grouped,
 * strided, padded) and a Pool2D forward and backward give the CPU's
 * values, and the LeNet of nn's tests trains on WebGPU with the CPU's costs.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import { Conv2D, Pool2D, RandomState, barImages, gradientUpdatesMomentum } from '@sym/nn';
import { lenet } from '../../nn/test/lenet.js';
import { T, both, sym, webgpu } from './setup.js';

const close = (got: sym.NDArray, want: sym.NDArray, tol: number, what: string): void => {
  expect(got.shape, what).toEqual(want.shape);
  for (let k = 0; k < want.size; k++) expect(Math.abs(got.data[k]! - want.data[k]!), `${what}[${k}]`).toBeLessThanOrEqual(tol * (1 + Math.abs(want.data[k]!)));
};

describe('convolutional layers (@sym/nn) on WebGPU, float32', () => {
  it("a Conv2D and a Pool2D, forward and their gradients, are the CPU's", async () => {
    const rng = new RandomState(3);
    const conv = Conv2D.create(4, 6, 3, { groups: 2, stride: [2, 1], padding: 'half', activation: 'tanh', bias: 0.1, rng, name: 'conv' });
    const pool = new Pool2D(2, { mode: 'average_exc_pad', pad: 1 });
    const x = T.tensor4('x');
    const out = pool.output(conv.output(x));
    const cost = T.sum(out.pow(2));
    const images = rng.normal([2, 4, 7, 6], { dtype: 'float32' });
    const { gpu, ref } = await both([x], [out, ...grad(cost, [x, ...conv.params])], [images]);
    expect(webgpu.describe().device).toMatch(/WebGPU/);
    expect(gpu[0]!.shape).toEqual([2, 6, 3, 4]);
    ['output', 'grad x', 'grad W', 'grad b'].forEach((what, i) => close(gpu[i]!, ref[i]!, 1e-5, what));
  });

  it("the LeNet of nn's tests trains 10 momentum steps on WebGPU with the CPU's costs", async () => {
    // 12 images: every product (the largest, conv2's 192 x 72 by 72 x 16) stays under the tiled matmul's size,
    // whose lavapipe shaders take 10-30 s each to compile when Mesa's shader cache is cold (64 images: 70 s cold)
    const data = barImages(new RandomState(0), 12);
    const costs = async (device: string): Promise<number[]> => {
      const net = lenet(0);
      const x = T.tensor4('x');
      const t = T.ivector('t');
      const cost = T.mean(T.nnet.categoricalCrossentropy(net.output(x), t));
      const step = sym.function([x, t], cost, { updates: gradientUpdatesMomentum(cost, net.params, 0.1, 0.9), device });
      const out: number[] = [];
      for (let i = 0; i < 10; i++) out.push(((await step(data.X, data.y)) as sym.NDArray).item());
      return out;
    };
    const gpu = await costs('webgpu');
    const cpu = await costs('cpu');
    gpu.forEach((c, i) => expect(Math.abs(c - cpu[i]!), `cost of step ${i + 1}: GPU ${c}, CPU ${cpu[i]}`).toBeLessThanOrEqual(1e-4 * (1 + cpu[i]!)));
    expect(gpu.at(-1)!).toBeLessThan(gpu[0]!);
  });
});
