/**
 * A categorical VAE with the Gumbel-softmax relaxation (Jang et al. 2017;
 * Maddison et al.'s Concrete), as a Theano user wrote it: an encoder to the
 * logits of L categorical latents of K classes each, Gumbel noise
 * -log(-log u) from `RandomStreams.uniform`, the relaxed sample
 * softmax((logits + g) / tau) over the classes (a 3-d softmax), the
 * straight-through estimator (forward the one-hot of the sample's argmax,
 * backward the relaxed sample's gradient: `zeroGrad(hard - soft) + soft`),
 * a Bernoulli decoder scored by the binary cross-entropy of its logits, and
 * the KL divergence of q from the uniform prior.
 */
import * as sym from '@sym/graph';
import { grad, zeroGrad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface GumbelVaeValues {
  /** The encoder (nIn, L * K) and its bias. */
  readonly We: number[][];
  readonly be: number[];
  /** The decoder (L * K, nIn) and its bias. */
  readonly Wd: number[][];
  readonly bd: number[];
}

export interface GumbelVaeOptions {
  readonly latents: number;
  readonly classes: number;
  readonly tau: number;
  /** Forward the one-hot sample, backward the relaxed one's gradient. */
  readonly straightThrough: boolean;
}

export class GumbelSoftmaxVae {
  readonly params: Shared[];
  readonly srng: sym.RandomStreams;
  readonly options: GumbelVaeOptions;

  constructor(values: GumbelVaeValues, options: GumbelVaeOptions, seed: number) {
    const dtype = sym.config.floatX;
    this.params = (['We', 'be', 'Wd', 'bd'] as const).map((name) => sym.shared(sym.array(values[name], { dtype }), { name }));
    this.srng = new sym.RandomStreams(seed);
    this.options = options;
  }

  /** The encoder's logits, (batch, L, K). */
  logits(x: TensorVariable): TensorVariable {
    const [We, be] = this.params as [Shared, Shared];
    return T.dot(x, We).add(be).reshape([x.shape[0]!, this.options.latents, this.options.classes]);
  }

  /** The sample the decoder reads, (batch, L, K), from uniforms u of that shape. */
  sample(logits: TensorVariable, u: TensorVariable): TensorVariable {
    const gumbel = T.log(T.log(u.add(1e-20)).neg().add(1e-20)).neg();
    const soft = T.softmax(logits.add(gumbel).div(this.options.tau));
    if (!this.options.straightThrough) return soft;
    const hard = T.eq(soft, T.max(soft, { axis: -1, keepdims: true })).astype(soft.dtype);
    return zeroGrad(hard.sub(soft)).add(soft);
  }

  /** The negative ELBO per example averaged: the reconstruction's binary cross-entropy plus KL(q || uniform). */
  loss(x: TensorVariable, u: TensorVariable): TensorVariable {
    const [, , Wd, bd] = this.params as [Shared, Shared, Shared, Shared];
    const logits = this.logits(x);
    const y = this.sample(logits, u);
    const decoded = T.dot(T.flatten(y, 2), Wd).add(bd);
    // -[x log sigmoid(a) + (1 - x) log(1 - sigmoid(a))] = softplus(a) - x a
    const reconstruction = T.sum(T.nnet.softplus(decoded).sub(x.mul(decoded)), 1);
    const logQ = T.nnet.logSoftmax(logits);
    const kl = T.sum(T.exp(logQ).mul(logQ.add(Math.log(this.options.classes))), [1, 2]);
    return T.mean(reconstruction.add(kl));
  }
}

/** `lossAndGrads(x, u)` with the uniforms given, and `train(x)` drawing them (SGD; returns [loss, u]). */
export function buildGumbelVae(model: GumbelSoftmaxVae, lr: number) {
  const x = T.matrix('x');
  const u = T.tensor3('u');
  const loss = model.loss(x, u);
  const lossAndGrads = sym.function([x, u], [loss, ...grad(loss, model.params)]);
  const uDrawn = model.srng.uniform([x.shape[0]!, model.options.latents, model.options.classes]);
  const drawnLoss = model.loss(x, uDrawn);
  const grads = grad(drawnLoss, model.params);
  const train = sym.function([x], [drawnLoss, uDrawn], { updates: model.params.map((p, i) => [p, p.sub(grads[i]!.mul(lr))] as [Shared, TensorVariable]) });
  return { lossAndGrads, train };
}
