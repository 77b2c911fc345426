import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { verifyGrad } from '@sym/grad';
import { nested, pool2dReference, randomTensor, type PoolReferenceOptions } from '../test/conv-reference.js';
import { Flatten, GlobalAveragePool2D, Pool2D, type Pool2DOptions } from './pooling.js';

const T = sym.T;

async function run(layer: { output(x: sym.TensorVariable): sym.TensorVariable }, x: unknown): Promise<sym.NDArray> {
  const v = T.tensor4('x');
  return (await sym.function([v], layer.output(v))(x as sym.NDArray)) as sym.NDArray;
}

describe('Pool2D', () => {
  const cases: { name: string; x: [number, number, number, number]; window: [number, number]; options: Pool2DOptions }[] = [
    { name: '2x2 max, windows side by side (the default)', x: [2, 3, 6, 6], window: [2, 2], options: {} },
    { name: '3x3 max, stride 2, an odd edge dropped', x: [1, 2, 8, 7], window: [3, 3], options: { stride: 2 } },
    { name: '2x2 max without ignoreBorder: partial windows kept', x: [1, 2, 5, 7], window: [2, 2], options: { ignoreBorder: false } },
    { name: 'sum, stride [1, 2]', x: [2, 1, 5, 6], window: [2, 3], options: { mode: 'sum', stride: [1, 2] } },
    { name: 'average_inc_pad, pad 1', x: [1, 2, 5, 5], window: [3, 3], options: { mode: 'average_inc_pad', pad: 1, stride: 2 } },
    { name: 'average_exc_pad, pad [1, 0]', x: [1, 2, 5, 6], window: [2, 3], options: { mode: 'average_exc_pad', pad: [1, 0] } },
    { name: 'average_exc_pad without ignoreBorder', x: [1, 1, 5, 5], window: [2, 2], options: { mode: 'average_exc_pad', ignoreBorder: false } },
  ];
  for (const [k, c] of cases.entries()) {
    it(`matches a loop reference and its outputShape: ${c.name}`, async () => {
      const x = randomTensor(c.x, 31 + k);
      const layer = new Pool2D(c.window, c.options);
      const o = c.options;
      const pair = (v: number | readonly [number, number] | undefined): [number, number] | undefined => (v === undefined ? undefined : typeof v === 'number' ? [v, v] : [v[0], v[1]]);
      const ref = pool2dReference(x, c.window, { stride: pair(o.stride), pad: pair(o.pad), ignoreBorder: o.ignoreBorder, mode: o.mode } as PoolReferenceOptions);
      const got = await run(layer, nested(x));
      expect(got.shape).toEqual(ref.shape);
      ref.data.forEach((v, i) => expect(got.data[i]).toBeCloseTo(v, 13));
      expect(layer.outputShape([null, c.x[1], c.x[2], c.x[3]])).toEqual([null, ...ref.shape.slice(1)]);
      expect(layer.params).toEqual([]);
    });
  }

  it('differentiates: max and average pooling pass finite differences', async () => {
    // distinct values, so that no window's maximum is a tie (where the max has no derivative)
    const x = nested(randomTensor([1, 2, 5, 5], 41));
    for (const layer of [new Pool2D(2, { stride: 1 }), new Pool2D(3, { mode: 'average_exc_pad', pad: 1, stride: 2 })]) {
      const report = await verifyGrad((v: sym.TensorVariable) => layer.output(v).pow(2), [x]);
      expect(report.maxAbsErr).toBeLessThan(1e-7);
    }
  });

  it('refuses options Theano refuses and inputs that are not images, naming the layer', () => {
    expect(() => new Pool2D(2, { pad: 1, ignoreBorder: false, name: 'pool1' })).toThrow('Pool2D(pool1): pad needs ignoreBorder: true (as in Theano), got pad [1,1] with ignoreBorder false');
    expect(() => new Pool2D(2, { pad: 2 })).toThrow('Pool2D: pad [2,2] must be smaller than the window [2,2]');
    expect(() => new Pool2D(2, { mode: 'mean' as never })).toThrow('Pool2D: mode must be one of max, sum, average_inc_pad, average_exc_pad, got "mean"');
    expect(() => new Pool2D([2, 0])).toThrow('Pool2D: window must be an integer >= 1 or two of them ([rows, cols]), got [2,0]');
    expect(() => new Pool2D(2, { ws: 2 } as never)).toThrow(/Pool2D: unknown option/);
    expect(() => new Pool2D(2, { name: 'pool1' }).output(T.tensor3('t'))).toThrow('Pool2D(pool1).output: x must be 4-d (batch, channels, rows, cols), got t of type TensorType(float64, 3D) (3-d)');
    expect(() => new Pool2D(2).outputShape([null, 4])).toThrow(/Pool2D.outputShape: expected an input shape \(batch, channels, rows, cols\)/);
  });
});

describe('GlobalAveragePool2D and Flatten', () => {
  it("GlobalAveragePool2D is each channel's mean over its rows and cols", async () => {
    const x = randomTensor([2, 3, 4, 5], 51);
    const got = await run(new GlobalAveragePool2D(), nested(x));
    expect(got.shape).toEqual([2, 3]);
    const xs = nested(x);
    xs.forEach((img, n) => img.forEach((ch, c) => expect(got.data[n * 3 + c]).toBeCloseTo(ch.flat().reduce((a, b) => a + b, 0) / 20, 14)));
    expect(new GlobalAveragePool2D().outputShape([null, 3, 4, 5])).toEqual([null, 3]);
    expect(() => new GlobalAveragePool2D({ name: 'gap' }).output(T.matrix('m'))).toThrow('GlobalAveragePool2D(gap).output: x must be 4-d');
  });

  it('Flatten keeps the batch and lays out each example row-major, as numpy.reshape(x, (batch, -1))', async () => {
    const x = randomTensor([2, 3, 2, 2], 61);
    const got = await run(new Flatten(), nested(x));
    expect(got.shape).toEqual([2, 12]);
    expect(Array.from(got.data)).toEqual(Array.from(x.data));
    expect(new Flatten().outputShape([null, 50, 4, 4])).toEqual([null, 800]);
    expect(new Flatten().outputShape([null, null, 4, 4])).toEqual([null, null]);
    expect(new Flatten({ outdim: 3 }).outputShape([7, 2, 3, 4])).toEqual([7, 2, 12]);
    expect(() => new Flatten({ outdim: 3 }).output(T.matrix('m'))).toThrow('Flatten.output: x must have at least 3 axes to flatten to 3, got m of type TensorType(float64, matrix) (2-d, shape (?, ?))');
    expect(() => new Flatten({ outdim: 0 })).toThrow('Flatten: outdim must be an integer >= 1, got 0');
  });
});
