/**
 * A variational autoencoder (Kingma & Welling 2014, "Auto-Encoding
 * Variational Bayes") written the way a Theano user wrote one after the
 * tutorials: an MLP encoder giving the mean and log-variance of q(z|x), the
 * reparameterisation `z = mu + exp(0.5 * logvar) * eps` with eps drawn by
 * `RandomStreams.normal` at the minibatch's symbolic size, a Bernoulli MLP
 * decoder scored by binary cross-entropy, the analytic KL term, the negative
 * ELBO averaged over the minibatch, and Adam (Lasagne's rule, from @sym/nn)
 * through `updates`, minibatches taken by an index through `givens`.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { adam } from '@sym/nn';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface VAEOptions {
  /** Draws the initial weights. */
  numpyRng: sym.RandomState;
  /** Draws eps (seeded from numpyRng when left out). */
  theanoRng?: sym.RandomStreams;
  /** The symbolic minibatch, one example per row; a fresh `T.matrix('x')` when left out. */
  input?: TensorVariable;
  nIn: number;
  nHidden: number;
  /** The latent dimension. */
  nLatent: number;
}

/** The model's parameters: encoder, the two heads of q(z|x), decoder. */
export const VAE_PARAM_NAMES = ['W_enc', 'b_enc', 'W_mu', 'b_mu', 'W_logvar', 'b_logvar', 'W_dec', 'b_dec', 'W_out', 'b_out'] as const;

/** What one minibatch gives: the negative ELBO and its parts, and the eps it drew. */
export interface VAECost {
  /** The negative ELBO averaged over the minibatch. */
  cost: TensorVariable;
  /** The mean reconstruction cross-entropy, -E[log p(x|z)] for the one z drawn. */
  reconstruction: TensorVariable;
  /** The mean KL(q(z|x) || N(0, I)). */
  kl: TensorVariable;
  mu: TensorVariable;
  logvar: TensorVariable;
  /** The standard normal draw of shape (x.shape[0], nLatent). */
  eps: TensorVariable;
}

export class VAE {
  readonly nIn: number;
  readonly nHidden: number;
  readonly nLatent: number;
  readonly x: TensorVariable;
  readonly theanoRng: sym.RandomStreams;
  readonly params: Shared[];

  constructor(options: VAEOptions) {
    const { numpyRng, nIn, nHidden, nLatent } = options;
    this.nIn = nIn;
    this.nHidden = nHidden;
    this.nLatent = nLatent;
    this.x = options.input ?? T.matrix('x');
    this.theanoRng = options.theanoRng ?? new sym.RandomStreams(numpyRng.randint(2 ** 30));
    const floatX = sym.config.floatX;
    // Glorot-scaled normal weights, zero biases (the common Theano VAE scripts' init)
    const weight = (name: string, rows: number, cols: number): Shared =>
      sym.shared(numpyRng.normal([rows, cols], { std: Math.sqrt(2 / (rows + cols)), dtype: floatX }), { name });
    const bias = (name: string, n: number): Shared => sym.shared(sym.array(new Array<number>(n).fill(0), { dtype: floatX }), { name });
    this.params = [
      weight('W_enc', nIn, nHidden), bias('b_enc', nHidden),
      weight('W_mu', nHidden, nLatent), bias('b_mu', nLatent),
      weight('W_logvar', nHidden, nLatent), bias('b_logvar', nLatent),
      weight('W_dec', nLatent, nHidden), bias('b_dec', nHidden),
      weight('W_out', nHidden, nIn), bias('b_out', nIn),
    ];
  }

  /** q(z|x): the mean and log-variance of each row's latent Gaussian. */
  encode(x: TensorVariable): [TensorVariable, TensorVariable] {
    const [W, b, Wmu, bmu, Wlv, blv] = this.params as [Shared, Shared, Shared, Shared, Shared, Shared];
    const h = T.tanh(T.dot(x, W).add(b));
    return [T.dot(h, Wmu).add(bmu), T.dot(h, Wlv).add(blv)];
  }

  /** p(x|z): the Bernoulli means of each row. */
  decode(z: TensorVariable): TensorVariable {
    const [Wd, bd, Wo, bo] = this.params.slice(6) as [Shared, Shared, Shared, Shared];
    return T.nnet.sigmoid(T.dot(T.tanh(T.dot(z, Wd).add(bd)), Wo).add(bo));
  }

  /** The negative ELBO of the minibatch `x`, z drawn by the reparameterisation (eps given, or drawn at x's symbolic size). */
  getCost(x: TensorVariable = this.x, eps?: TensorVariable): VAECost {
    const [mu, logvar] = this.encode(x);
    const e = eps ?? this.theanoRng.normal([x.shape[0]!, this.nLatent], { dtype: sym.config.floatX });
    const z = mu.add(T.exp(logvar.mul(0.5)).mul(e));
    const y = this.decode(z);
    const reconstruction = T.mean(T.sum(T.nnet.binaryCrossentropy(y, x), 1));
    // KL(N(mu, sigma^2) || N(0, 1)) summed over the latent dimensions and the minibatch, divided by its rows
    // in floatX (an int64 length would make the quotient float64, as Theano's)
    const kl = T.sum(T.add(1, logvar).sub(T.sqr(mu)).sub(T.exp(logvar))).mul(-0.5).div(T.cast(x.shape[0]!, 'floatX'));
    return { cost: reconstruction.add(kl), reconstruction, kl, mu, logvar, eps: e };
  }
}

export interface VAETrainer {
  vae: VAE;
  /** `train(index)`: one Adam step on minibatch `index`; returns [cost, eps drawn]. */
  train: sym.SymFunction<sym.NDArray[]>;
  /** `gradients(index)`: [cost, eps, ...d cost / d param] without updating anything. */
  gradients: sym.SymFunction<sym.NDArray[]>;
}

/** The training function: Adam on the negative ELBO of `trainSetX[index * batchSize : (index + 1) * batchSize]`. */
export function buildVAETrainer(
  trainSetX: Shared,
  options: { batchSize: number; nHidden: number; nLatent: number; learningRate: number; seed: number; mode?: sym.Mode },
): VAETrainer {
  const index = T.lscalar('index');
  const rng = new sym.RandomState(options.seed);
  const vae = new VAE({ numpyRng: rng, nIn: trainSetX.valueShape[1]!, nHidden: options.nHidden, nLatent: options.nLatent });
  const { cost, eps } = vae.getCost();
  const gparams = grad(cost, vae.params);
  const bs = options.batchSize;
  const givens: sym.Pairs<TensorVariable, sym.TensorLike> = [[vae.x, trainSetX.get(T.slice(index.mul(bs), index.add(1).mul(bs)))]];
  const mode = options.mode === undefined ? {} : { mode: options.mode };
  const train = sym.function([index], [cost, eps], { updates: adam(gparams, vae.params, { learningRate: options.learningRate }), givens, ...mode });
  const gradients = sym.function([index], [cost, eps, ...gparams], { givens, ...mode });
  return { vae, train, gradients };
}
