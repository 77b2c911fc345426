/**
 * `LayerNorm`: layer normalisation (Ba, Kiros & Hinton 2016), Keras's
 * `LayerNormalization()` and PyTorch's `nn.LayerNorm(features)`. Each
 * example is normalised over its last axis, its features, with its own
 * mean and (biased) variance, `(x - mean) / sqrt(var + epsilon)`, then
 * scaled by `gamma` and shifted by `beta`, one of each per feature (the
 * layer's params). Unlike {@link BatchNorm} nothing is averaged over the
 * batch, so the training and inference graphs are the same and there are
 * no running statistics.
 */
import { MatchLength, NDArray, nameInError, T, apply1, checkOptionNames, config, isFloat, shapeToString, shared, type StaticShape, type TensorSharedVariable, type TensorVariable } from '@sym/graph';
import type { LayerLike, OutputOptions } from './sequential.js';
import { checkInputShape, checkLength } from './shapes.js';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance before its square root; default 1e-5 (PyTorch's; Keras's is 1e-3). */
  epsilon?: number;
  /** Names of the shared variables: `${name}.gamma`, `${name}.beta` (default plain `gamma`, `beta`). */
  name?: string;
}

export class LayerNorm implements LayerLike {
  /** Scale, one per feature, initially 1 (a param). */
  readonly gamma: TensorSharedVariable;
  /** Shift, one per feature, initially 0 (a param). */
  readonly beta: TensorSharedVariable;
  /** [gamma, beta]. */
  readonly params: readonly TensorSharedVariable[];
  /** None: a weight penalty leaves gamma and beta alone, as BatchNorm's. */
  readonly regularizable: readonly TensorSharedVariable[] = [];
  /** The length of the normalised (last) axis. */
  readonly features: number;
  /** {@link LayerNormOptions.epsilon}. */
  readonly epsilon: number;

  /** @param features the length of the input's last axis, the one normalised over. */
  constructor(features: number, options: LayerNormOptions = {}) {
    checkOptionNames(options, 'LayerNorm', ['epsilon', 'name']);
    if (!Number.isInteger(features) || features <= 0) {
      throw new RangeError(`LayerNorm: features must be a positive integer (the length of the last axis), got ${String(features)}`);
    }
    const epsilon = options.epsilon ?? 1e-5;
    if (typeof epsilon !== 'number' || !(epsilon >= 0) || epsilon === Infinity) {
      throw new RangeError(`LayerNorm: epsilon must be a finite number >= 0, got ${String(epsilon)}`);
    }
    this.features = features;
    this.epsilon = epsilon;
    const make = (fill: number, what: string) => {
      const v = NDArray.zeros([features], config.floatX);
      v.data.fill(fill);
      return shared(v, { name: options.name !== undefined ? `${options.name}.${what}` : what, borrow: true });
    };
    this.gamma = make(1, 'gamma');
    this.beta = make(0, 'beta');
    this.params = [this.gamma, this.beta];
  }

  /** The input's shape (..., features): normalising keeps it; a known last length other than `features` is an error. */
  outputShape(inputShape: StaticShape): StaticShape {
    const what = 'LayerNorm.outputShape';
    const shape = checkInputShape(what, inputShape, `(..., ${this.features})`, (n) => n >= 1);
    checkLength(what, shape, shape.length - 1, this.features, 'features');
    return shape;
  }

  /** x normalised over its last axis, then `* gamma + beta`; the same graph with or without `training`. */
  output(x: TensorVariable, options: OutputOptions = {}): TensorVariable {
    checkOptionNames(options, 'LayerNorm.output', ['training']);
    if (!isFloat(x.dtype) || x.ndim < 1) {
      throw new TypeError(`LayerNorm.output: x must be a float tensor whose last axis holds the ${this.features} features, got ${x.toString()} of type ${x.type}`);
    }
    const last = x.ndim - 1;
    // a wrong feature count would otherwise broadcast against gamma only when it happens to be 1
    const checked = apply1(
      new MatchLength(last, 0, (xs) => `LayerNorm.output: x ${nameInError(x)} of shape ${shapeToString(xs)} must have ${this.features} features in its last axis`, 'LayerNorm input'),
      [x, this.gamma],
    );
    const centred = checked.sub(T.mean(checked, { axis: last, keepdims: true }));
    const variance = T.mean(T.sqr(centred), { axis: last, keepdims: true });
    return centred.div(T.sqrt(variance.add(this.epsilon))).mul(this.gamma).add(this.beta);
  }
}
