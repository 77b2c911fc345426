/**
 * Gaussian-process regression as a Theano user wrote it (the GP scripts of
 * the GPy/pymc3 era): an RBF kernel with learnable log-lengthscale,
 * log-signal-variance and log-noise-variance in shared scalars, the
 * negative log marginal likelihood through `T.slinalg.cholesky` and
 * `solveTriangular`, its log-determinant as twice the sum of the log of
 * the factor's diagonal, gradient descent on the three hyperparameters
 * through `updates`, and the predictive mean and variance at test inputs.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface GPOptions {
  /** Initial log-lengthscale, log-signal-variance, log-noise-variance. */
  logLengthscale: number;
  logSignalVariance: number;
  logNoiseVariance: number;
}

export class GaussianProcess {
  readonly logLengthscale: Shared;
  readonly logSignalVariance: Shared;
  readonly logNoiseVariance: Shared;
  /** The training inputs (one row each), targets and test inputs. */
  readonly x = T.matrix('x');
  readonly y = T.vector('y');
  readonly xTest = T.matrix('xTest');

  constructor(options: GPOptions) {
    const scalar = (value: number, name: string) => sym.shared(sym.array(value, { dtype: sym.config.floatX }), { name });
    this.logLengthscale = scalar(options.logLengthscale, 'logLengthscale');
    this.logSignalVariance = scalar(options.logSignalVariance, 'logSignalVariance');
    this.logNoiseVariance = scalar(options.logNoiseVariance, 'logNoiseVariance');
  }

  get params(): Shared[] {
    return [this.logLengthscale, this.logSignalVariance, this.logNoiseVariance];
  }

  /** k(a_i, b_j) = sf2 exp(-|a_i - b_j|^2 / (2 ell^2)), by broadcasting the rows against each other. */
  kernel(a: TensorVariable, b: TensorVariable): TensorVariable {
    const squared = T.sum(T.sqr(a.dimshuffle(0, 'x', 1).sub(b.dimshuffle('x', 0, 1))), { axis: 2 });
    return T.exp(this.logSignalVariance).mul(T.exp(squared.mul(-0.5).div(T.exp(this.logLengthscale.mul(2)))));
  }

  /** The lower Cholesky factor of K + sn2 I over the training inputs. */
  factor(): TensorVariable {
    const noise = T.eye(this.x.shape[0]).mul(T.exp(this.logNoiseVariance));
    return T.slinalg.cholesky(this.kernel(this.x, this.x).add(noise));
  }

  /** -log p(y | x) = y^T K^-1 y / 2 + log det K / 2 + n log(2 pi) / 2, with a = L^-1 y. */
  negativeLogMarginalLikelihood(): TensorVariable {
    const l = this.factor();
    const a = T.slinalg.solveTriangular(l, this.y, { lower: true });
    const n = T.cast(this.x.shape[0], sym.config.floatX);
    return T.dot(a, a).mul(0.5).add(T.sum(T.log(T.nlinalg.extractDiag(l)))).add(n.mul(0.5 * Math.log(2 * Math.PI)));
  }

  /** The predictive mean k*^T K^-1 y and variance k(x*, x*) - k*^T K^-1 k* (noise-free) at each test row. */
  predict(): [TensorVariable, TensorVariable] {
    const l = this.factor();
    const alpha = T.slinalg.solveTriangular(l.T, T.slinalg.solveTriangular(l, this.y, { lower: true }), { lower: false });
    const cross = this.kernel(this.xTest, this.x);
    const v = T.slinalg.solveTriangular(l, cross.T, { lower: true });
    return [T.dot(cross, alpha), T.exp(this.logSignalVariance).sub(T.sum(T.sqr(v), { axis: 0 }))];
  }
}

/** The functions a GP script compiles: the NLL and its gradient, one gradient-descent step, the prediction. */
export function buildGP(gp: GaussianProcess, learningRate: number) {
  const nll = gp.negativeLogMarginalLikelihood();
  const grads = grad(nll, gp.params);
  const [mean, variance] = gp.predict();
  return {
    nllAndGrad: sym.function([gp.x, gp.y], [nll, ...grads]),
    step: sym.function([gp.x, gp.y], nll, { updates: gp.params.map((p, i) => [p, p.sub(grads[i]!.mul(learningRate))] as [Shared, TensorVariable]) }),
    predict: sym.function([gp.x, gp.y, gp.xTest], [mean, variance]),
  };
}
