/**
 * A Wasserstein GAN with gradient penalty (Gulrajani et al. 2017) on small
 * images, as a Theano user wrote it: a convolutional critic (`conv2d` with
 * 'half' padding, the leaky rectifier `T.nnet.relu(x, 0.2)`, 2x2 max
 * pooling, a strided `conv2d`, a linear read-out), a generator MLP from
 * noise to images, and the critic's loss
 *
 *     mean D(fake) - mean D(real) + lambda mean((||d D(x_hat) / d x_hat||_2 - 1)^2)
 *
 * at x_hat = eps real + (1 - eps) fake, eps one uniform per image. The
 * penalty is a gradient, so the critic's step differentiates a gradient:
 * double backpropagation through the convolutions (Im2Col, Col2Im) and the
 * pooling's gradient. The generator's loss is -mean D(G(z)).
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface WganGpValues {
  /** The generator: noise (nz) to a 6x6 image, tanh(z Gw + Gb). */
  readonly Gw: number[][];
  readonly Gb: number[];
  /** The critic: conv (3, 1, 3, 3), leaky relu, 2x2 max pool, conv (4, 3, 3, 3) stride 2, leaky relu, a read-out of the 16 values. */
  readonly W1: number[][][][];
  readonly b1: number[];
  readonly W2: number[][][][];
  readonly b2: number[];
  readonly w3: number[];
  readonly b3: number;
}

export const IMAGE = 6;
const LEAK = 0.2;

export class WganGp {
  readonly generatorParams: Shared[];
  readonly criticParams: Shared[];
  readonly srng: sym.RandomStreams;

  constructor(values: WganGpValues, seed: number) {
    const dtype = sym.config.floatX;
    const param = (v: sym.NestedArray | number, name: string): Shared => sym.shared(sym.array(v, { dtype }), { name });
    this.generatorParams = [param(values.Gw, 'Gw'), param(values.Gb, 'Gb')];
    this.criticParams = [param(values.W1, 'W1'), param(values.b1, 'b1'), param(values.W2, 'W2'), param(values.b2, 'b2'), param(values.w3, 'w3'), param(values.b3, 'b3')];
    this.srng = new sym.RandomStreams(seed);
  }

  /** G(z): (batch, 1, 6, 6) images in (-1, 1). */
  generate(z: TensorVariable): TensorVariable {
    const [Gw, Gb] = this.generatorParams as [Shared, Shared];
    return T.tanh(T.dot(z, Gw).add(Gb)).reshape([z.shape[0]!, 1, IMAGE, IMAGE]);
  }

  /** D(x): one score per image. */
  critic(x: TensorVariable): TensorVariable {
    const [W1, b1, W2, b2, w3, b3] = this.criticParams as [Shared, Shared, Shared, Shared, Shared, Shared];
    const channel = (b: Shared): TensorVariable => b.dimshuffle('x', 0, 'x', 'x');
    const h1 = T.nnet.relu(T.nnet.conv2d(x, W1, { borderMode: 'half' }).add(channel(b1)), LEAK);
    const pooled = T.signal.pool.pool2d(h1, { ws: [2, 2], ignoreBorder: true, mode: 'max' });
    const h2 = T.nnet.relu(T.nnet.conv2d(pooled, W2, { borderMode: 'half', subsample: [2, 2] }).add(channel(b2)), LEAK);
    return T.dot(T.flatten(h2, 2), w3).add(b3);
  }

  /** The critic's loss with the gradient penalty at eps real + (1 - eps) fake; eps has one entry per image. */
  criticLoss(real: TensorVariable, fake: TensorVariable, eps: TensorVariable, lambda: number): { loss: TensorVariable; penalty: TensorVariable } {
    const e = eps.dimshuffle(0, 'x', 'x', 'x');
    const xHat = e.mul(real).add(T.sub(1, e).mul(fake));
    const gradX = grad(T.sum(this.critic(xHat)), xHat);
    const norms = T.sqrt(T.sum(T.sqr(gradX), [1, 2, 3]));
    const penalty = T.mean(T.sqr(norms.sub(1)));
    const loss = T.mean(this.critic(fake)).sub(T.mean(this.critic(real))).add(penalty.mul(lambda));
    return { loss, penalty };
  }

  /** The generator's loss -mean D(G(z)). */
  generatorLoss(z: TensorVariable): TensorVariable {
    return T.mean(this.critic(this.generate(z))).neg();
  }
}

const sgd = (params: Shared[], grads: TensorVariable[], lr: number): [Shared, TensorVariable][] => params.map((p, i) => [p, p.sub(grads[i]!.mul(lr))]);

/**
 * The training functions. `criticStep(real, z, eps)` and `generatorStep(z)`
 * take the noise as inputs (for checking); `criticStepDrawn(real)` draws z
 * (normal) and eps (uniform) in the function and returns them after the loss
 * and the penalty.
 */
export function buildWganGp(model: WganGp, options: { lambda: number; lr: number; nz: number }) {
  const real = T.tensor4('real');
  const z = T.matrix('z');
  const eps = T.vector('eps');
  const { loss, penalty } = model.criticLoss(real, model.generate(z), eps, options.lambda);
  const criticGrads = grad(loss, model.criticParams);
  const criticStep = sym.function([real, z, eps], [loss, penalty], { updates: sgd(model.criticParams, criticGrads, options.lr) });
  const criticLossAndGrads = sym.function([real, z, eps], [loss, ...criticGrads]);

  const rows = real.shape[0]!;
  const zDrawn = model.srng.normal([rows, options.nz]);
  const epsDrawn = model.srng.uniform([rows]);
  const drawn = model.criticLoss(real, model.generate(zDrawn), epsDrawn, options.lambda);
  const criticStepDrawn = sym.function([real], [drawn.loss, drawn.penalty, zDrawn, epsDrawn], {
    updates: sgd(model.criticParams, grad(drawn.loss, model.criticParams), options.lr),
  });

  const gLoss = model.generatorLoss(z);
  const generatorStep = sym.function([z], gLoss, { updates: sgd(model.generatorParams, grad(gLoss, model.generatorParams), options.lr) });
  return { criticStep, criticLossAndGrads, criticStepDrawn, generatorStep };
}
