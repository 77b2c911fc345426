/**
 * Dropout: the fraction of units dropped, the exact scaling of those kept,
 * the identity at inference, gradients only through the kept units, a
 * network that still learns with it, the same masks for the same seed, the
 * training option through a Sequential (recurrent layers included), and
 * the errors.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import '@sym/backend-cpu';
import { twoGaussianClouds } from './data.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Layer } from './layer.js';
import { binaryCrossentropy } from './losses.js';
import { RandomState } from './random.js';
import { SimpleRNN } from './recurrent.js';
import { Sequential, type LayerLike } from './sequential.js';
import { adam } from './updates.js';

const T = sym.T;
const values = (a: sym.NDArray): number[] => Array.from(a.data as ArrayLike<number>);

/** A (rows, cols) array of nonzero values, so that a zero in the output is a dropped unit. */
function nonzero(rows: number, cols: number, dtype: sym.FloatDType): sym.NDArray {
  return sym.fill([rows, cols], dtype, (i) => 0.5 + ((i * 7919) % 113) / 17);
}

describe('Dropout in the training graph', () => {
  it.each([
    ['float64', 0.2],
    ['float64', 0.5],
    ['float32', 0.8],
  ] as const)('%s, rate %s: drops that fraction of the units and scales each kept one by exactly 1 / (1 - rate)', (dtype, rate) => {
    const x = T.matrix('x', dtype);
    const y = new Dropout(rate, { seed: 1 }).output(x, { training: true });
    expect(y.dtype).toBe(dtype);
    const input = nonzero(200, 100, dtype);
    const out = values(sym.function([x], y).sync(input) as sym.NDArray);
    const xs = values(input);
    const zeros = out.filter((v) => v === 0).length / out.length;
    // 20000 draws: the fraction's standard deviation is at most 0.0036
    expect(Math.abs(zeros - rate)).toBeLessThan(0.02);
    const round = dtype === 'float32' ? Math.fround : (v: number): number => v;
    const scale = round(1 / (1 - rate));
    out.forEach((v, i) => {
      if (v !== 0) expect(v).toBe(round(xs[i]! * scale));
    });
  });

  it('draws a new mask at each call, one mask per call however often the output is used', () => {
    const x = T.vector('x');
    const y = new Dropout(0.5, { seed: 2 }).output(x, { training: true });
    const f = sym.function([x], [y, y.sub(y)]);
    const input = new Array<number>(64).fill(1);
    const [a, zero] = f.sync(input) as sym.NDArray[];
    const [b] = f.sync(input) as sym.NDArray[];
    expect(values(b!)).not.toEqual(values(a!));
    expect(values(zero!)).toEqual(new Array<number>(64).fill(0));
  });

  it('lets the gradient through the kept units only, scaled as they are', () => {
    const x = T.matrix('x');
    const c = T.matrix('c');
    const y = new Dropout(0.4, { seed: 3 }).output(x, { training: true });
    const f = sym.function([x, c], [y, grad(T.sum(y.mul(c)), x)]);
    const input = nonzero(30, 20, 'float64');
    const weights = sym.fill([30, 20], 'float64', (i) => (i % 5) - 2.5);
    const [out, g] = f.sync(input, weights) as sym.NDArray[];
    // the mask of this call, read from the forward pass: every input is nonzero
    const mask = values(out!).map((v) => (v === 0 ? 0 : 1));
    expect(mask.includes(0) && mask.includes(1)).toBe(true);
    const w = values(weights);
    // + 0: a dropped unit under a negative weight has the gradient -0
    expect(values(g!).map((v) => v + 0)).toEqual(mask.map((m, i) => (m ? w[i]! * (1 / 0.6) : 0)));
  });

  it('gives the same masks for the same seed, call after call; another seed, or a reseeded srng, changes them', () => {
    const x = T.vector('x');
    const masks = (d: Dropout, calls = 3): number[][] => {
      const f = sym.function([x], d.output(x, { training: true }));
      return Array.from({ length: calls }, () => values(f.sync(new Array<number>(50).fill(1)) as sym.NDArray));
    };
    expect(masks(new Dropout(0.5, { seed: 42 }))).toEqual(masks(new Dropout(0.5, { seed: 42 })));
    expect(masks(new Dropout(0.5, { seed: 43 }))).not.toEqual(masks(new Dropout(0.5, { seed: 42 })));

    const srng = new sym.RandomStreams(5);
    const d = new Dropout(0.5, { srng });
    expect(d.srng).toBe(srng);
    const f = sym.function([x], d.output(x, { training: true }));
    srng.seed(11);
    const first = values(f.sync(new Array<number>(50).fill(1)) as sym.NDArray);
    f.sync(new Array<number>(50).fill(1));
    srng.seed(11);
    expect(values(f.sync(new Array<number>(50).fill(1)) as sym.NDArray)).toEqual(first);
  });
});

describe('Dropout in the inference graph', () => {
  it('is the identity without training, with training: false, and at rate 0', () => {
    const x = T.matrix('x');
    expect(new Dropout(0.5, { seed: 0 }).output(x)).toBe(x);
    expect(new Dropout(0.5, { seed: 0 }).output(x, { training: false })).toBe(x);
    expect(new Dropout(0, { seed: 0 }).output(x, { training: true })).toBe(x);
    expect(new Dropout(0.5, { seed: 0 }).params).toEqual([]);
  });
});

describe('Dropout in a Sequential', () => {
  const build = (seed: number): Sequential => {
    const rng = new RandomState(seed);
    return new Sequential([
      Layer.dense(2, 16, { activation: 'tanh', rng, name: 'hidden' }),
      new Dropout(0.5, { seed }),
      Layer.dense(16, 1, { activation: 'sigmoid', rng, name: 'out' }),
    ]);
  };

  it('learns with dropout in the training graph (the inference cost falls) and predicts without it', async () => {
    const { X, y } = twoGaussianClouds(new RandomState(7), 200);
    const net = build(1);
    expect(net.params.map(String)).toEqual(['hidden.W', 'hidden.b', 'out.W', 'out.b']);
    const x = T.matrix('x');
    const t = T.vector('t');
    const cost = binaryCrossentropy(net.output(x, { training: true }).flatten(), t);
    const train = sym.function([x, t], cost, { updates: adam(cost, net.params, { learningRate: 0.02 }) });
    const inference = net.output(x).flatten();
    const test = sym.function([x, t], [binaryCrossentropy(inference, t), T.mean(T.eq(inference.gt(0.5), t))]);
    const [before] = (await test(X, y)) as sym.NDArray[];
    const costs: number[] = [];
    for (let i = 0; i < 150; i++) costs.push((await train(X, y)).item());
    const [after, accuracy] = (await test(X, y)) as sym.NDArray[];
    const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
    // the training cost is noisy (a new mask each call); its average over ten calls falls, as does the inference cost
    expect(mean(costs.slice(-10))).toBeLessThan(mean(costs.slice(0, 10)) - 0.1);
    expect(after!.item()).toBeLessThan(before!.item() - 0.1);
    // the clouds overlap: the tutorial's MLP reaches about 0.8
    expect(accuracy!.item()).toBeGreaterThan(0.75);
    // the inference graph has no dropout: it is the layers without it
    const [first, , last] = net.layers as [Layer, Dropout, Layer];
    const byHand = sym.function([x], [inference, last.output(first.output(x)).flatten()]).sync(X) as sym.NDArray[];
    expect(values(byHand[0]!)).toEqual(values(byHand[1]!));
  });

  it('passes training to every layer, recurrent ones too; without options, a layer gets x alone', () => {
    const seen: unknown[][] = [];
    const probe: LayerLike = {
      params: [],
      output(...args: unknown[]) {
        seen.push(args.slice(1));
        return args[0] as sym.TensorVariable;
      },
    };
    const rng = new RandomState(4);
    const net = new Sequential([SimpleRNN.create(1, 4, { rng }), probe, new Dropout(0.5, { seed: 4 }), Dense.create(4, 1, { rng })]);
    const x = T.tensor3('x');
    net.output(x);
    net.output(x, { training: true });
    expect(seen).toEqual([[], [{ training: true }]]);
    const f = sym.function([x], [net.output(x), net.output(x, { training: true })]);
    const [inference, training] = f.sync(sym.fill([3, 5, 1], 'float64', (i) => i / 10)) as sym.NDArray[];
    expect(inference!.shape).toEqual([3, 1]);
    expect(training!.shape).toEqual([3, 1]);
  });
});

describe('Dropout: errors', () => {
  it('names the input, what was expected and what came', () => {
    for (const rate of [-0.1, 1, 1.5, Number.NaN]) {
      expect(() => new Dropout(rate)).toThrow(`Dropout: rate must be a number in [0, 1) (the probability of dropping a unit), got ${rate}`);
    }
    expect(() => new Dropout('0.5' as never)).toThrow(/rate must be a number in \[0, 1\).*got 0\.5/);
    expect(() => new Dropout(0.5, { seed: 1, srng: new sym.RandomStreams(1) })).toThrow(/pass srng or seed, not both/);
    expect(() => new Dropout(0.5, { rng: new RandomState(1) } as never)).toThrow(/unknown option "rng"; the options are srng, seed/);
    expect(() => new Dropout(0.5, { srng: 3 } as never)).toThrow(/srng must be a sym.RandomStreams, got 3/);
    expect(() => new Dropout(0.5, { seed: -1 })).toThrow(/seed must be an integer in \[0, 2\^32\), got -1/);
    const d = new Dropout(0.5, { seed: 1 });
    expect(() => d.output(T.imatrix('i'), { training: true })).toThrow(/Dropout.output: x must be a float tensor, got i of type TensorType\(int32, matrix\)/);
    expect(() => d.output(T.matrix('x'), { training: 'yes' } as never)).toThrow(/training must be a boolean, got yes/);
    expect(() => d.output(T.matrix('x'), { train: true } as never)).toThrow(/unknown option "train"; the options are training/);
    expect(() => d.output(T.matrix('x'), true as never)).toThrow(/options must be an object \(training\), got boolean/);
  });
});
