/**
 * The network and its training, apart from the command line: a LeNet in
 * the layout of Theano's LeNet tutorial (convolution, max pooling,
 * convolution, max pooling, a dense softmax layer), sized for 12x12 images.
 */
import * as sym from '@sym/graph';
import { Conv2D, Dense, Flatten, Pool2D, RandomState, Sequential, barImages, gradientUpdatesMomentum, loadParams, saveParams, type LayerLike } from '@sym/nn';

const T = sym.T;

export const CLASSES = ['horizontal', 'vertical', 'diagonal'] as const;

export interface Options {
  /** Images per side. */
  size: number;
  /** Training images (one full batch per step) and test images. */
  train: number;
  test: number;
  steps: number;
  learningRate: number;
  momentum: number;
  seed: number;
}

export const DEFAULTS: Options = { size: 12, train: 256, test: 256, steps: 100, learningRate: 0.1, momentum: 0.9, seed: 0 };

/**
 * conv 3x3 'half' (8 filters, relu) - max pool 2x2 - conv 3x3 (16 filters,
 * relu) - max pool 2x2 - flatten - dense softmax over the classes. The
 * dense layer's input size comes from the shapes, not by hand.
 */
export function buildLeNet(size: number, rng: RandomState): { net: Sequential; features: number } {
  const layers: LayerLike[] = [
    Conv2D.create(1, 8, 3, { padding: 'half', activation: 'relu', rng, name: 'conv1' }),
    new Pool2D(2),
    Conv2D.create(8, 16, 3, { activation: 'relu', rng, name: 'conv2' }),
    new Pool2D(2),
    new Flatten(),
  ];
  const [, features] = new Sequential(layers).outputShape([null, 1, size, size]);
  if (features === null || features === undefined) throw new Error('buildLeNet: the number of features after Flatten is unknown');
  return { net: new Sequential([...layers, Dense.create(features, CLASSES.length, { activation: 'softmax', rng, name: 'out' })]), features };
}

/** One line per layer: its class, its output's shape for (batch, 1, size, size) images, its parameters' count. */
export function summary(net: Sequential, size: number): string[] {
  let shape: sym.StaticShape = [null, 1, size, size];
  return net.layers.map((layer, i) => {
    shape = layer.outputShape!(shape);
    const count = layer.params.reduce((n, p) => n + p.getValue({ borrow: true }).size, 0);
    const names = layer.params.map(String).join(', ');
    return `  ${String(i).padStart(2)} ${layer.constructor.name.padEnd(8)} -> ${sym.shapeToString(shape).padEnd(16)} ${String(count).padStart(5)} weights${names ? ` (${names})` : ''}`;
  });
}

export interface Step {
  step: number;
  cost: number;
  accuracy: number;
}

/** The data, the network, and functions that train it one step at a time and test it. */
export function setup(o: Options) {
  const train = barImages(new RandomState(o.seed), o.train, { size: o.size });
  const test = barImages(new RandomState(o.seed + 1), o.test, { size: o.size });
  const { net, features } = buildLeNet(o.size, new RandomState(o.seed + 2));
  const x = T.tensor4('images');
  const t = T.ivector('labels');
  const p = net.output(x);
  // the mean negative log-likelihood of the labels, as Theano's LeNet tutorial's
  const cost = T.mean(T.nnet.categoricalCrossentropy(p, t));
  const accuracy = T.mean(T.eq(T.argmax(p, 1), t));
  const trainStep = sym.function([x, t], [cost, accuracy], { updates: gradientUpdatesMomentum(cost, net.params, o.learningRate, o.momentum) });
  const evaluate = sym.function([x, t], accuracy);
  const predict = sym.function([x], p);
  let step = 0;
  return {
    net,
    features,
    train,
    test,
    async step(): Promise<Step> {
      const [c, a] = (await trainStep(train.X, train.y)) as sym.NDArray[];
      return { step: ++step, cost: c!.item(), accuracy: a!.item() };
    },
    async testAccuracy(): Promise<number> {
      return ((await evaluate(test.X, test.y)) as sym.NDArray).item();
    },
    /** Save the parameters as JSON, load them into a fresh network, and compare its predictions with this one's. */
    async roundTrip(): Promise<{ bytes: number; maxDifference: number }> {
      const text = await saveParams(net.params);
      const copy = buildLeNet(o.size, new RandomState(o.seed + 100)).net;
      loadParams(copy.params, text);
      const mine = (await predict(test.X)) as sym.NDArray;
      const theirs = (await sym.function([x], copy.output(x))(test.X)) as sym.NDArray;
      let maxDifference = 0;
      for (let i = 0; i < mine.size; i++) maxDifference = Math.max(maxDifference, Math.abs(mine.data[i]! - theirs.data[i]!));
      return { bytes: text.length, maxDifference };
    },
  };
}
