/**
 * A small generative adversarial network (Goodfellow et al. 2014) on 2-d
 * data, written the way a Theano user wrote one: a generator MLP from noise
 * to points and a discriminator MLP from points to a probability, noise from
 * `RandomStreams`, the discriminator's loss and the generator's
 * non-saturating loss (`-log D(G(z))`), and two functions whose `updates`
 * move disjoint parameter sets: the D step takes `grad` with respect to D's
 * parameters only, the generated points held constant (`considerConstant`),
 * and the G step with respect to G's parameters only.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface GANOptions {
  /** Draws the initial weights. */
  numpyRng: sym.RandomState;
  /** Draws the noise (seeded from numpyRng when left out). */
  theanoRng?: sym.RandomStreams;
  /** The noise dimension. */
  nNoise: number;
  nHidden: number;
  /** The data's dimension (2 here). */
  nOut?: number;
}

export const GENERATOR_PARAM_NAMES = ['G_W1', 'G_b1', 'G_W2', 'G_b2'] as const;
export const DISCRIMINATOR_PARAM_NAMES = ['D_W1', 'D_b1', 'D_w2', 'D_b2'] as const;

export class GAN {
  readonly nNoise: number;
  readonly theanoRng: sym.RandomStreams;
  readonly generatorParams: Shared[];
  readonly discriminatorParams: Shared[];

  constructor(options: GANOptions) {
    const { numpyRng, nNoise, nHidden } = options;
    const nOut = options.nOut ?? 2;
    this.nNoise = nNoise;
    this.theanoRng = options.theanoRng ?? new sym.RandomStreams(numpyRng.randint(2 ** 30));
    const floatX = sym.config.floatX;
    const weight = (name: string, shape: number[], scale: number): Shared => sym.shared(numpyRng.normal(shape, { std: scale, dtype: floatX }), { name });
    const zeros = (name: string, n: number | null): Shared => sym.shared(sym.array(n === null ? 0 : new Array<number>(n).fill(0), { dtype: floatX }), { name });
    this.generatorParams = [weight('G_W1', [nNoise, nHidden], 1), zeros('G_b1', nHidden), weight('G_W2', [nHidden, nOut], 0.5), zeros('G_b2', nOut)];
    // the discriminator's output is a scalar bias on a vector of weights: D(x) is a vector of probabilities
    this.discriminatorParams = [weight('D_W1', [nOut, nHidden], 1), zeros('D_b1', nHidden), weight('D_w2', [nHidden], 0.5), zeros('D_b2', null)];
  }

  /** G(z): one generated point per row of the noise. */
  generate(z: TensorVariable): TensorVariable {
    const [W1, b1, W2, b2] = this.generatorParams as [Shared, Shared, Shared, Shared];
    return T.dot(T.tanh(T.dot(z, W1).add(b1)), W2).add(b2);
  }

  /** D(x): the probability that each row is data. */
  discriminate(x: TensorVariable): TensorVariable {
    const [W1, b1, w2, b2] = this.discriminatorParams as [Shared, Shared, Shared, Shared];
    return T.nnet.sigmoid(T.dot(T.tanh(T.dot(x, W1).add(b1)), w2).add(b2));
  }

  /** Noise of `rows` rows, standard normal. */
  noise(rows: number | TensorVariable): sym.RandomTensor {
    return this.theanoRng.normal([rows, this.nNoise], { dtype: sym.config.floatX });
  }

  /** The discriminator's loss on real rows `x` and generated ones `fake`: -mean log D(x) - mean log(1 - D(fake)). */
  discriminatorLoss(x: TensorVariable, fake: TensorVariable): TensorVariable {
    return T.mean(T.log(this.discriminate(x))).neg().sub(T.mean(T.log(T.sub(1, this.discriminate(fake)))));
  }

  /** The generator's non-saturating loss: -mean log D(fake). */
  generatorLoss(fake: TensorVariable): TensorVariable {
    return T.mean(T.log(this.discriminate(fake))).neg();
  }
}

export interface GANTrainer {
  gan: GAN;
  /** `trainD(index)`: one SGD step of D on data minibatch `index` against as many generated points; returns [loss, noise drawn]. */
  trainD: sym.SymFunction<sym.NDArray[]>;
  /** `trainG(m)`: one SGD step of G on m generated points; returns [loss, noise drawn]. */
  trainG: sym.SymFunction<sym.NDArray[]>;
}

/** The two training functions, SGD at `learningRate` on each side. */
export function buildGANTrainer(
  trainSetX: Shared,
  options: { batchSize: number; nNoise: number; nHidden: number; learningRate: number; seed: number; mode?: sym.Mode },
): GANTrainer {
  const gan = new GAN({ numpyRng: new sym.RandomState(options.seed), nNoise: options.nNoise, nHidden: options.nHidden, nOut: trainSetX.valueShape[1]! });
  const lr = options.learningRate;
  const sgd = (params: Shared[], grads: TensorVariable[]): [Shared, TensorVariable][] => params.map((p, i) => [p, p.sub(grads[i]!.mul(lr))]);
  const mode = options.mode === undefined ? {} : { mode: options.mode };

  const index = T.lscalar('index');
  const x = T.matrix('x');
  const zD = gan.noise(x.shape[0]!);
  const fakeD = gan.generate(zD);
  const dLoss = gan.discriminatorLoss(x, fakeD);
  // D's step: the generated points are data to D; G's parameters are not differentiated
  const dGrads = grad(dLoss, gan.discriminatorParams, { considerConstant: [fakeD] });
  const bs = options.batchSize;
  const trainD = sym.function([index], [dLoss, zD], {
    updates: sgd(gan.discriminatorParams, dGrads),
    givens: [[x, trainSetX.get(T.slice(index.mul(bs), index.add(1).mul(bs)))]],
    ...mode,
  });

  const m = T.lscalar('m');
  const zG = gan.noise(m);
  const gLoss = gan.generatorLoss(gan.generate(zG));
  const trainG = sym.function([m], [gLoss, zG], { updates: sgd(gan.generatorParams, grad(gLoss, gan.generatorParams)), ...mode });
  return { gan, trainD, trainG };
}
