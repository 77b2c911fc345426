import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { verifyGrad } from '@sym/grad';
import { conv2dReference, nested, randomTensor, type ConvReferenceOptions, type Tensor4 } from '../test/conv-reference.js';
import { Conv2D, type Conv2DOptions } from './conv.js';
import { fans } from './init.js';
import { RandomState } from './random.js';
import { loadParams, saveParams } from './serialize.js';

const T = sym.T;

const closeTo = (got: sym.NDArray, want: Tensor4, digits = 12): void => {
  expect(got.shape).toEqual(want.shape);
  want.data.forEach((v, i) => expect(got.data[i]).toBeCloseTo(v, digits));
};

/** The layer's output for x (values), run through a function of a symbolic 4-d input. */
async function run(layer: Conv2D, x: Tensor4): Promise<sym.NDArray> {
  const v = T.tensor4('x');
  return (await sym.function([v], layer.output(v))(nested(x))) as sym.NDArray;
}

describe('Conv2D: forward', () => {
  it("is Theano's conv2d: a true convolution (scipy.signal.convolve2d), or with flipFilters false a cross-correlation (correlate2d)", async () => {
    // x = np.arange(20.).reshape(4, 5) / 10 - 1, w = [[1, 2, 0], [-1, 0.5, 3]]
    const x = Array.from({ length: 4 }, (_, i) => Array.from({ length: 5 }, (_, j) => (i * 5 + j) / 10 - 1));
    const w = [[[[1, 2, 0], [-1, 0.5, 3]]]];
    const v = T.tensor4('x');
    const convolve = [[-3.75, -3.2, -2.65], [-1, -0.45, 0.1], [1.75, 2.3, 2.85]];
    const correlate = [[-3.4, -2.85, -2.3], [-0.65, -0.1, 0.45], [2.1, 2.65, 3.2]];
    for (const [flipFilters, want] of [[true, convolve], [false, correlate]] as const) {
      const layer = new Conv2D(w, null, null, { flipFilters });
      const got = (await sym.function([v], layer.output(v))([[x]])) as sym.NDArray;
      expect(got.shape).toEqual([1, 1, 3, 3]);
      want.flat().forEach((e, i) => expect(got.data[i]).toBeCloseTo(e, 12));
    }
  });

  const cases: { name: string; x: [number, number, number, number]; w: [number, number, number, number]; options: Conv2DOptions }[] = [
    { name: 'valid, stride 1', x: [2, 3, 6, 5], w: [4, 3, 3, 2], options: {} },
    { name: "'half' with stride 2", x: [2, 2, 7, 6], w: [3, 2, 3, 3], options: { padding: 'half', stride: 2 } },
    { name: "'full'", x: [1, 2, 4, 4], w: [2, 2, 2, 3], options: { padding: 'full' } },
    { name: 'padding [1, 2], dilation 2, stride [2, 1]', x: [2, 1, 8, 7], w: [2, 1, 3, 2], options: { padding: [1, 2], dilation: 2, stride: [2, 1] } },
    { name: "groups 2, 'half'", x: [2, 4, 5, 5], w: [6, 2, 3, 3], options: { groups: 2, padding: 'half' } },
    { name: 'depthwise (groups = channels), cross-correlation', x: [1, 3, 5, 4], w: [3, 1, 2, 2], options: { groups: 3, flipFilters: false } },
  ];
  for (const [k, c] of cases.entries()) {
    it(`matches a loop reference and its outputShape: ${c.name}`, async () => {
      const x = randomTensor(c.x, 11 + k);
      const w = randomTensor(c.w, 101 + k);
      const bias = Array.from({ length: c.w[0] }, (_, i) => 0.1 * i - 0.2);
      const layer = new Conv2D(nested(w), bias, 'tanh', c.options);
      const o = c.options;
      const ref = conv2dReference(x, w, {
        stride: o.stride === undefined ? undefined : typeof o.stride === 'number' ? [o.stride, o.stride] : [...o.stride],
        dilation: o.dilation === undefined ? undefined : typeof o.dilation === 'number' ? [o.dilation, o.dilation] : [...o.dilation],
        padding: o.padding as ConvReferenceOptions['padding'],
        groups: o.groups,
        flip: o.flipFilters,
        bias,
      });
      ref.data.forEach((v, i) => (ref.data[i] = Math.tanh(v)));
      closeTo(await run(layer, x), ref);
      expect(layer.outputShape([null, c.x[1], c.x[2], c.x[3]])).toEqual([null, ...ref.shape.slice(1)]);
      expect(layer.inChannels).toBe(c.x[1]);
    });
  }
});

describe('Conv2D: parameters', () => {
  it('create draws (out, in / groups, kRows, kCols) filters with Glorot bounds from the fans of a convolution, and a bias of its own', () => {
    const layer = Conv2D.create(3, 8, [5, 4], { rng: new RandomState(1), name: 'conv1', bias: 0.5 });
    expect(layer.W.getValue().shape).toEqual([8, 3, 5, 4]);
    expect(layer.params.map(String)).toEqual(['conv1.W', 'conv1.b']);
    expect(Array.from(layer.b!.getValue().data)).toEqual(new Array(8).fill(0.5));
    // fanIn = 3 * 5 * 4 = 60, fanOut = 8 * 5 * 4 = 160: Lasagne's and PyTorch's for a convolution
    expect(fans([8, 3, 5, 4])).toEqual({ fanIn: 60, fanOut: 160 });
    const bound = Math.sqrt(6 / (60 + 160));
    const w = Array.from(layer.W.getValue().data);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    // 480 uniform draws fill most of [-bound, bound]
    expect(Math.max(...w)).toBeGreaterThan(0.9 * bound);
    expect(Math.min(...w)).toBeLessThan(-0.9 * bound);

    const grouped = Conv2D.create(4, 6, 3, { groups: 2, useBias: false, init: 'heNormal', rng: new RandomState(2) });
    expect(grouped.W.getValue().shape).toEqual([6, 2, 3, 3]);
    expect(grouped.b).toBeNull();
    expect(grouped.params.map(String)).toEqual(['W']);
    expect([grouped.inChannels, grouped.outChannels, grouped.kernel, grouped.groups]).toEqual([4, 6, [3, 3], 2]);
  });

  it('saves and loads its filters and bias', async () => {
    const a = Conv2D.create(2, 3, 3, { rng: new RandomState(3), name: 'c', bias: 0.25 });
    const b = Conv2D.create(2, 3, 3, { rng: new RandomState(4), name: 'c' });
    const text = await saveParams(a.params);
    expect(JSON.parse(text).params.map((p: { name: string; shape: number[] }) => [p.name, p.shape])).toEqual([
      ['c.W', [3, 2, 3, 3]],
      ['c.b', [3]],
    ]);
    loadParams(b.params, text);
    const x = randomTensor([2, 2, 5, 5], 5);
    expect(Array.from((await run(b, x)).data)).toEqual(Array.from((await run(a, x)).data));
    expect(() => loadParams(Conv2D.create(2, 3, 2, { rng: new RandomState(5) }).params, text)).toThrow(/shape \(3, 2, 3, 3\) does not match the parameter's shape \(3, 2, 2, 2\)/);
  });

  it('differentiates: the gradients of the input, filters and bias pass finite differences', async () => {
    const layer = new Conv2D(nested(randomTensor([4, 1, 3, 2], 21)), [0.1, -0.2, 0.3, 0], 'tanh', { groups: 2, stride: [2, 1], padding: 'half', dilation: [1, 2] });
    const [W, b] = layer.params as [sym.TensorSharedVariable, sym.TensorSharedVariable];
    const report = await verifyGrad(
      (x: sym.TensorVariable, w: sym.TensorVariable, bb: sym.TensorVariable) =>
        sym.cloneReplace([layer.output(x)], new Map<sym.TensorVariable, sym.TensorVariable>([[W, w], [b, bb]]))[0]!,
      [nested(randomTensor([2, 2, 5, 6], 22)), W.getValue(), b.getValue()],
    );
    expect(report.maxAbsErr).toBeLessThan(1e-7);
  });
});

describe('Conv2D: errors name the layer, what it expected and what came', () => {
  const layer = new Conv2D(nested(randomTensor([2, 3, 3, 3], 1)), [0, 0], 'relu', { name: 'conv1' });

  it('refuses an input that is not (batch, channels, rows, cols), or has other channels', async () => {
    expect(() => layer.output(T.matrix('m'))).toThrow('Conv2D(conv1).output: x must be 4-d (batch, channels, rows, cols), got m of type TensorType(float64, matrix) (2-d)');
    const x = T.tensor4('x');
    await expect(sym.function([x], layer.output(x))(nested(randomTensor([1, 2, 5, 5], 2)))).rejects.toThrow(
      'Conv2D(conv1).output: x x of shape (1, 2, 5, 5) has 2 channels (axis 1 of (batch, channels, rows, cols)), expected 3',
    );
    // a constant's shape is known when the graph is built: refused there
    expect(() => layer.output(T.constant(sym.array(nested(randomTensor([1, 4, 5, 5], 3))), { name: 'images' }))).toThrow(/Conv2D\(conv1\)\.output: x images of shape \(1, 4, 5, 5\) has 4 channels .*expected 3/);
    expect(() => layer.outputShape([null, 1, 28, 28])).toThrow('Conv2D(conv1).outputShape: the input shape (?, 1, 28, 28) has 1 channels (axis 1), expected 3');
    expect(() => layer.outputShape([null, 3, 2, 28])).toThrow(/Conv2D\(conv1\)\.outputShape: the input shape \(\?, 3, 2, 28\) is too small for the 3x3 filters along its rows/);
    expect(() => layer.outputShape([null, 3, 28] as never)).toThrow(/expected an input shape \(batch, channels, rows, cols\) of four lengths/);
  });

  it('refuses an input too small for the filters, naming the layer, x, the least rows or cols and what came, when built or run', async () => {
    const x = T.tensor4('x');
    const f = sym.function([x], layer.output(x));
    await expect(f(nested(randomTensor([1, 3, 2, 5], 2)))).rejects.toThrow(
      "Conv2D(conv1).output: x x of shape (1, 3, 2, 5) is too small for the layer's 3x3 filters with its padding, stride and dilation: expected at least 3 rows (axis 2), got 2",
    );
    await expect(f(nested(randomTensor([1, 3, 4, 0], 2)))).rejects.toThrow(/Conv2D\(conv1\)\.output: x x of shape \(1, 3, 4, 0\) is too small .*: expected at least 3 cols \(axis 3\), got 0$/);
    expect(() => layer.output(T.constant(sym.array(nested(randomTensor([1, 3, 5, 2], 3))), { name: 'images' }))).toThrow(
      "Conv2D(conv1).output: x images of shape (1, 3, 5, 2) is too small for the layer's 3x3 filters with its padding, stride and dilation: expected at least 3 cols (axis 3), got 2",
    );
    // padding 1 and dilation 2 along the rows: a 3-row window spans 5, so 3 rows at least; 'full' padding takes any image
    const wide = new Conv2D(nested(randomTensor([1, 1, 3, 2], 4)), null, null, { padding: [1, 0], dilation: [2, 1], name: 'wide' });
    const g = sym.function([x], wide.output(x));
    expect(((await g(nested(randomTensor([1, 1, 3, 2], 5)))) as sym.NDArray).shape).toEqual(wide.outputShape([1, 1, 3, 2]));
    await expect(g(nested(randomTensor([1, 1, 2, 2], 5)))).rejects.toThrow(/^Conv2D\(wide\)\.output: x x of shape \(1, 1, 2, 2\) is too small for the layer's 3x2 filters .*: expected at least 3 rows \(axis 2\), got 2$/);
    expect(() => wide.outputShape([1, 1, 2, 2])).toThrow(/Conv2D\(wide\)\.outputShape: the input shape \(1, 1, 2, 2\) is too small for the 3x2 filters along its rows/);
    const full = new Conv2D(nested(randomTensor([1, 1, 3, 3], 4)), null, null, { padding: 'full' });
    expect(((await sym.function([x], full.output(x))(nested(randomTensor([1, 1, 1, 1], 5)))) as sym.NDArray).shape).toEqual([1, 1, 3, 3]);
  });

  it("takes Lasagne's and Keras's padding 'same' as 'half' where they agree (an odd window at stride 1), and refuses it where Keras and Lasagne pad differently", async () => {
    const x = T.tensor4('x');
    const X = nested(randomTensor([1, 2, 5, 6], 9));
    for (const [kernel, dilation] of [[3, 1], [[5, 3], 1], [2, 2]] as const) {
      const same = Conv2D.create(2, 3, kernel, { padding: 'same', dilation, rng: new RandomState(1) });
      const half = Conv2D.create(2, 3, kernel, { padding: 'half', dilation, rng: new RandomState(1) });
      expect(same.padding).toBe('half');
      expect(same.outputShape([null, 2, 5, 6])).toEqual([null, 3, 5, 6]);
      const [a, b] = (await sym.function([x], [same.output(x), half.output(x)])(X)) as sym.NDArray[];
      expect(a!.shape).toEqual([1, 3, 5, 6]);
      expect(a!.toArray()).toEqual(b!.toArray());
    }
    expect(() => Conv2D.create(2, 3, 2, { padding: 'same', name: 'c' })).toThrow(
      "Conv2D(c): padding 'same' keeps the image size only for an odd window at stride 1, got a 2x2 (dilated) window at stride 1x1: Keras would pad it unevenly, Lasagne by half the window on both sides; pass 'half'",
    );
    expect(() => new Conv2D(nested(randomTensor([2, 1, 3, 3], 1)), null, null, { padding: 'same', stride: [1, 2] })).toThrow(/Conv2D: padding 'same' keeps the image size only for an odd window at stride 1, got a 3x3 \(dilated\) window at stride 1x2/);
  });

  it('refuses filters, biases and options that do not fit', () => {
    expect(() => new Conv2D([[1, 2]], null, null)).toThrow('Conv2D: W_init must be 4-d filters (outChannels, inChannels / groups, kRows, kCols), got shape (1, 2)');
    expect(() => new Conv2D(nested(randomTensor([2, 1, 3, 3], 1)), [0, 0, 0], null, { name: 'c' })).toThrow('Conv2D(c): b_init must have shape (2,), one per output channel of W_init of shape (2, 1, 3, 3), got shape (3,)');
    expect(() => new Conv2D(nested(randomTensor([3, 1, 3, 3], 1)), null, null, { groups: 2 })).toThrow('Conv2D: groups 2 must divide the 3 output channels');
    expect(() => new Conv2D(nested(randomTensor([2, 1, 3, 3], 1)), null, 'softmax')).toThrow(/Conv2D: activation 'softmax' would normalise/);
    // a border mode Conv2D lacks (Keras's 'causal') is told the ones it has, not only the counts
    for (const padding of ['causal', -1, [1, 'x']]) {
      expect(() => new Conv2D(nested(randomTensor([2, 1, 3, 3], 1)), null, null, { padding: padding as never })).toThrow(
        `Conv2D: padding must be 'valid', 'full', 'half', 'same', an integer >= 0 or two of them ([rows, cols]), got ${JSON.stringify(padding)}`,
      );
    }
    expect(() => new Conv2D(nested(randomTensor([2, 1, 3, 3], 1)), null, null, { stride: 0 })).toThrow(/Conv2D: stride must be an integer >= 1/);
    expect(() => new Conv2D(nested(randomTensor([2, 1, 3, 3], 1)), null, null, { subsample: 2 } as never)).toThrow(/Conv2D: unknown option/);
    expect(() => Conv2D.create(3, 4, 3, { groups: 2 })).toThrow('Conv2D.create: groups must be an integer >= 1 that divides the 3 input channels and the 4 output channels, got 2');
    // create's caller gave no W_init: the output channels groups does not divide are named as create's
    expect(() => Conv2D.create(4, 3, 3, { groups: 2 })).toThrow('Conv2D.create: groups must be an integer >= 1 that divides the 4 input channels and the 3 output channels, got 2');
    expect(() => Conv2D.create(0, 4, 3)).toThrow('Conv2D.create: inChannels must be an integer >= 1, got 0');
    // an initialiser of one's own written for a dense (nOutput, nInput) matrix: named as create's init, not as a W_init its caller never gave
    const dense = (shape: readonly [number, number], rng: RandomState, dtype: sym.DType) => rng.uniform([shape[0], shape[1]], { dtype });
    expect(() => Conv2D.create(3, 4, [2, 5], { init: dense, name: 'c' })).toThrow('Conv2D(c).create: init must give filters of shape (4, 3, 2, 5) (outChannels, inChannels / groups, kRows, kCols), got shape (4, 3)');
    expect(() => Conv2D.create(3, 4, 2, { init: (() => [1, 2]) as never })).toThrow('Conv2D.create: init must give filters of shape (4, 3, 2, 2) (outChannels, inChannels / groups, kRows, kCols), got [1,2]');
  });
});
