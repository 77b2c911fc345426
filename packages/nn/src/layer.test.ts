import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Layer, MLP } from './layer.js';
import { RandomState, defaultRandomState } from './random.js';
import { Sequential } from './sequential.js';

const T = sym.T;
const sig = (x: number): number => 1 / (1 + Math.exp(-x));

describe('Layer', () => {
  it('stores W as floatX and b as a broadcastable (n_output, 1) column', () => {
    const layer = new Layer([[1, 2], [3, 4], [5, 6]], [1, 1, 1], T.nnet.sigmoid);
    expect(String(layer.W.type)).toBe('TensorType(float64, matrix)');
    expect(layer.b.valueShape).toEqual([3, 1]);
    expect(layer.b.broadcastable).toEqual([false, true]);
    expect(String(layer.W)).toBe('W');
    expect(String(layer.b)).toBe('b');
    expect(layer.params).toEqual([layer.W, layer.b]);
  });

  it('computes s(W x + b) for a matrix of column examples', async () => {
    const layer = new Layer([[1, -1], [0.5, 2]], [0.1, -0.2], 'sigmoid');
    const x = T.matrix('x');
    const f = sym.function([x], layer.output(x));
    const X = [[1, 2, 3], [0, -1, 0.5]];
    const out = (await f(X)).toArray() as number[][];
    const want = [0, 1].map((o) => [0, 1, 2].map((j) => sig([[1, -1], [0.5, 2]][o]![0]! * X[0]![j]! + [[1, -1], [0.5, 2]][o]![1]! * X[1]![j]! + [0.1, -0.2][o]!)));
    out.forEach((row, o) => row.forEach((v, j) => expect(v).toBeCloseTo(want[o]![j]!, 14)));
  });

  it('is linear without an activation and accepts a single column vector', async () => {
    const layer = new Layer([[2, 0], [0, 3]], [1, 1], null);
    const v = T.vector('v');
    expect((await sym.function([v], layer.output(v))([1, 1])).toArray()).toEqual([3, 4]);
  });

  it('follows floatX for its shared variables', () => {
    const old = sym.config.floatX;
    sym.config.floatX = 'float32';
    try {
      const layer = new Layer([[1, 2]], [0], 'tanh');
      expect(layer.W.dtype).toBe('float32');
      expect(layer.b.dtype).toBe('float32');
    } finally {
      sym.config.floatX = old;
    }
  });

  it('names bad initial values', () => {
    expect(() => new Layer([1, 2], [1], null)).toThrow(/Layer: W_init must be a matrix of shape \(n_output, n_input\), got shape \(2,\)/);
    expect(() => new Layer([[1, 2]], [1, 2], null)).toThrow(/Layer: b_init must have shape \(1,\) to match W_init of shape \(1, 2\), got shape \(2,\)/);
    expect(() => new Layer([[1]], [1], 'mish' as never)).toThrow(/Layer: activation: expected a function or one of sigmoid, tanh, relu, softmax, linear, leakyRelu, elu, selu, softplus, softsign, hardSigmoid, swish, gelu, got "mish"$/);
    const layer = new Layer([[1]], [1], null);
    expect(() => layer.output(T.tensor3('t'))).toThrow(/Layer.output: x must be a column vector or a \(n_input, examples\) matrix/);
  });

  it('names itself and its input when the input has the wrong number of features (one example per row, say), when the function runs', async () => {
    const x = T.matrix('x');
    const f = sym.function([x], MLP.fromSizes([3, 2, 1], { rng: new RandomState(0) }).output(x));
    // (examples, features) given to a layer that takes (features, examples): dot's operands named W and x said nothing of which layer
    await expect(f(new RandomState(1).randn([4, 3]))).rejects.toThrow(/Layer.output: x x of shape \(4, 3\) must have 3 features in its first axis \(one example per column\)/);
    expect((await f(new RandomState(1).randn([3, 4]))).shape).toEqual([1, 4]);
  });

  it('builds dense layers from an initialiser and a seed', () => {
    const a = Layer.dense(3, 5, { init: 'heNormal', rng: new RandomState(4), bias: 0.5, activation: 'relu', name: 'h' });
    const b = Layer.dense(3, 5, { init: 'heNormal', rng: new RandomState(4) });
    expect(a.W.valueShape).toEqual([5, 3]);
    expect(Array.from(a.W.getValue().data)).toEqual(Array.from(b.W.getValue().data));
    expect(Array.from(a.b.getValue().data)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(String(a.W)).toBe('h.W');
  });

  it('dense refuses sizes that are not positive integers, naming the argument', () => {
    expect(() => Layer.dense(2.5, 3)).toThrow(/Layer\.dense: nInput must be a positive integer, got 2\.5/);
    expect(() => Layer.dense(2, -1)).toThrow(/Layer\.dense: nOutput must be a positive integer, got -1/);
  });

  it('gives layers made without an rng different weights, reproducibly from the default stream', () => {
    const weights = (l: Layer): number[] => Array.from(l.W.getValue().data);
    defaultRandomState().seed(0);
    const a = Layer.dense(3, 3);
    const b = Layer.dense(3, 3);
    const m = MLP.fromSizes([3, 3]);
    // Two alike layers must not start symmetric.
    expect(weights(b)).not.toEqual(weights(a));
    expect(weights(m.layers[0]!)).not.toEqual(weights(b));
    // The default stream is RandomState(0): a layer made with a fresh RandomState(0) is the first one.
    expect(weights(Layer.dense(3, 3, { rng: new RandomState(0) }))).toEqual(weights(a));
    defaultRandomState().seed(0);
    expect(weights(Layer.dense(3, 3))).toEqual(weights(a));
    expect(weights(Layer.dense(3, 3))).toEqual(weights(b));
    expect(weights(MLP.fromSizes([3, 3]).layers[0]!)).toEqual(weights(m.layers[0]!));
  });
});

describe('MLP', () => {
  it('chains layers and sums squared errors like the tutorial', async () => {
    const W0 = [[1, -2], [0.5, 0.3], [-1, 1], [2, 0]];
    const b0 = [1, 1, 1, 1];
    const W1 = [[0.3, -0.7, 1.1, 0.2]];
    const b1 = [1];
    const mlp = new MLP([W0, W1], [b0, b1], [T.nnet.sigmoid, T.nnet.sigmoid]);
    expect(mlp.params.length).toBe(4);
    expect(mlp.params[2]).toBe(mlp.layers[1]!.W);
    const x = T.matrix('x');
    const y = T.vector('y');
    const f = sym.function([x, y], [mlp.output(x), mlp.squaredError(x, y)]);
    const X = [[0.5, -1], [2, 0.25]];
    const Y = [1, 0];
    const [out, cost] = await f(X, Y);
    let want = 0;
    for (let j = 0; j < 2; j++) {
      const h = W0.map((r, o) => sig(r[0]! * X[0]![j]! + r[1]! * X[1]![j]! + b0[o]!));
      const o = sig(W1[0]!.reduce((s, w, k) => s + w * h[k]!, b1[0]!));
      expect(out!.get(0, j)).toBeCloseTo(o, 14);
      want += (o - Y[j]!) ** 2;
    }
    expect(cost!.item()).toBeCloseTo(want, 14);
  });

  it('checks lengths and layer sizes', () => {
    expect(() => new MLP([[[1]]], [[1], [1]], [null])).toThrow(/MLP: W_init, b_init and activations must have the same length, got 1, 2 and 1/);
    expect(() => new MLP([[[1, 2]], [[1, 2]]], [[1], [1]], [null, null])).toThrow(/MLP: layer 1 expects 2 inputs but layer 0 produces 1 outputs/);
    expect(() => MLP.fromSizes([2])).toThrow(/at least two positive integer layer sizes, got \[2\]/);
    expect(() => MLP.fromSizes([2, 3, 1], { activation: ['relu'] })).toThrow(/2 layers need 2 activations, got 1/);
  });

  it('builds from layer sizes', () => {
    const mlp = MLP.fromSizes([2, 4, 1], { activation: 'sigmoid', init: 'normal', bias: 1, rng: new RandomState(0), name: 'l' });
    expect(mlp.layers.map((l) => l.W.valueShape)).toEqual([[4, 2], [1, 4]]);
    expect(mlp.params.map(String)).toEqual(['l0.W', 'l0.b', 'l1.W', 'l1.b']);
    expect(Array.from(mlp.layers[0]!.b.getValue().data)).toEqual([1, 1, 1, 1]);
  });

  it('is a Sequential of its layers', () => {
    const mlp = MLP.fromSizes([2, 3, 1], { rng: new RandomState(5) });
    expect(mlp).toBeInstanceOf(Sequential);
    expect(mlp.params).toEqual(mlp.layers.flatMap((l) => l.params));
  });
});

describe('Layer.outputShape and MLP.outputShape (one example per column)', () => {
  it("is the real output's shape: (nOutput, examples), or (nOutput,) for one column; an MLP chains its layers'", async () => {
    const layer = Layer.dense(3, 2, { rng: new RandomState(1), activation: 'tanh' });
    const mlp = MLP.fromSizes([3, 5, 4, 1], { rng: new RandomState(2), activation: 'sigmoid' });
    for (const net of [layer, mlp]) {
      for (const shape of [[3, 4], [3, 1], [3, 0], [3]]) {
        const x = shape.length === 1 ? T.vector('x') : T.matrix('x');
        const got = ((await sym.function([x], net.output(x))(new RandomState(3).normal(shape))) as sym.NDArray).shape;
        expect(net.outputShape(shape)).toEqual(got);
      }
    }
    expect(mlp.outputShape([null, null])).toEqual([1, null]);
    expect(layer.outputShape([3, 7])).toEqual([2, 7]);
  });
  it('refuses another rank or feature count, naming the layer', () => {
    const layer = Layer.dense(3, 2, { rng: new RandomState(1) });
    expect(() => layer.outputShape([4, 3])).toThrow('Layer.outputShape: the input shape (4, 3) has 4 features (axis 0), expected 3');
    expect(() => layer.outputShape([3, 4, 1])).toThrow('Layer.outputShape: expected an input shape (3, examples) or (3,), got (3, 4, 1) (3-d)');
    expect(() => MLP.fromSizes([3, 5, 1], { rng: new RandomState(1) }).outputShape([2, 8])).toThrow('Layer.outputShape: the input shape (2, 8) has 2 features (axis 0), expected 3');
  });
});

describe('options of the dense layers', () => {
  it('refuse a misspelt option instead of ignoring it (a layer without its activation trains, wrongly)', async () => {
    const { Dense } = await import('./dense.js');
    // each was accepted, the option dropped
    expect(() => Dense.create(3, 4, { activaton: 'relu' } as never)).toThrow(/^Dense\.create: unknown option "activaton"; the options are name, activation, init, bias, rng$/);
    expect(() => new Dense([[1]], [0], 'relu', { nam: 'd' } as never)).toThrow(/^Dense: unknown option "nam"/);
    expect(() => new Layer([[1]], [0], 'relu', { nam: 'd' } as never)).toThrow(/^Layer: unknown option "nam"/);
    expect(() => Layer.dense(3, 4, { rgn: new RandomState(1) } as never)).toThrow(/^Layer\.dense: unknown option "rgn"/);
    expect(() => new MLP([[[1]]], [[0]], ['relu'], { nam: 'm' } as never)).toThrow(/^MLP: unknown option "nam"/);
    expect(() => MLP.fromSizes([2, 1], { activations: ['relu'] } as never)).toThrow(/^MLP\.fromSizes: unknown option "activations"/);
  });
});
