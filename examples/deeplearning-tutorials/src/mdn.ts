/**
 * A mixture density network (Bishop 1994) as a Theano user wrote it: a
 * tanh hidden layer, one linear layer giving each example K mixture
 * logits, K means and K pre-softplus scales (`sigma = softplus(s) + 1e-3`),
 * the negative log-likelihood of the targets as the log-sum-exp (written
 * out, max-shifted) of the log mixture weights (`logSoftmax`) plus the
 * Gaussian log-densities; SGD with the gradient clipped by its global norm
 * (`g * min(1, c / ||g||)`) and a learning rate decayed through a shared
 * variable the same function updates.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface MDNOptions {
  readonly w1: number[][];
  readonly b1: number[];
  readonly w2: number[][];
  readonly b2: number[];
  readonly components: number;
  readonly learningRate: number;
  readonly decay: number;
  readonly clipNorm: number;
  readonly dtype: sym.FloatDType;
}

export class MixtureDensityNetwork {
  readonly params: Shared[];
  readonly learningRate: Shared;
  readonly x: TensorVariable;
  readonly y: TensorVariable;

  constructor(readonly options: MDNOptions) {
    const { dtype } = options;
    const param = (v: sym.NestedArray, name: string) => sym.shared(sym.array(v, { dtype }), { name });
    this.params = [param(options.w1, 'W1'), param(options.b1, 'b1'), param(options.w2, 'W2'), param(options.b2, 'b2')];
    this.learningRate = param(options.learningRate, 'learningRate');
    this.x = T.matrix('x', dtype);
    this.y = T.vector('y', dtype);
  }

  /** The mean negative log-likelihood of y under each example's mixture. */
  nll(): TensorVariable {
    const [w1, b1, w2, b2] = this.params as [Shared, Shared, Shared, Shared];
    const K = this.options.components;
    const out = T.dot(T.tanh(T.dot(this.x, w1).add(b1)), w2).add(b2);
    const logits = out.get(T.slice(), T.slice(0, K));
    const mu = out.get(T.slice(), T.slice(K, 2 * K));
    const sigma = T.nnet.softplus(out.get(T.slice(), T.slice(2 * K))).add(1e-3);
    const z = this.y.dimshuffle(0, 'x').sub(mu).div(sigma);
    const logDensity = T.sqr(z).mul(-0.5).sub(T.log(sigma)).sub(0.5 * Math.log(2 * Math.PI));
    const joint = T.nnet.logSoftmax(logits).add(logDensity);
    const top = T.max(joint, { axis: 1, keepdims: true });
    return T.neg(T.mean(top.dimshuffle(0).add(T.log(T.sum(T.exp(joint.sub(top)), { axis: 1 })))));
  }

  /** One clipped SGD step, the rate then multiplied by `decay`; returns [nll, gradient norm]. */
  trainFunction(): sym.SymFunction<sym.NDArray[]> {
    const cost = this.nll();
    const grads = grad(cost, this.params);
    const norm = T.sqrt(T.add(...grads.map((g) => T.sum(T.sqr(g!)))));
    const step = this.learningRate.mul(T.minimum(1, T.div(this.options.clipNorm, norm)));
    return sym.function([this.x, this.y], [cost, norm], {
      updates: [
        ...this.params.map((p, i) => [p, p.sub(step.mul(grads[i]!))] as [Shared, TensorVariable]),
        [this.learningRate, this.learningRate.mul(this.options.decay)],
      ],
    });
  }
}
