/**
 * `BatchNorm`: Lasagne's `BatchNormLayer` and Keras's `BatchNormalization`,
 * on Theano's `T.nnet.bn`. In the training graph
 * (`output(x, { training: true })`) each unit is normalised with the
 * batch's mean and variance over `axes`, then scaled by `gamma` and shifted
 * by `beta` (the layer's params); and the running averages `runningMean`
 * and `runningVar` (shared variables, not params) move towards the batch's
 * statistics, `running = (1 - alpha) running + alpha batch` (the variance
 * unbiased, m / (m - 1)). The training graph carries those updates
 * (`sym.withUpdates`): every function made from it applies them without
 * being told, unless it is made with `noDefaultUpdates: true` or updates
 * them itself. The inference graph (`output(x)`) normalises with the
 * running averages and updates nothing, though it reads them; so does the
 * training graph of a layer set `frozen` (fine-tuning).
 */
import { MatchLength, NDArray, nameInError, T, apply1, checkOptionNames, config, isFloat, shapeToString, shared, withUpdates, type StaticShape, type TensorSharedVariable, type TensorVariable } from '@sym/graph';
import type { LayerLike, OutputOptions } from './sequential.js';

/** Options of {@link BatchNorm}. */
export interface BatchNormOptions {
  /**
   * The axes normalised over, as `T.nnet.bn`'s: by default every axis but
   * the second (Lasagne's 'auto'): the batch axis of a (batch, features)
   * input, the batch and spatial axes of a (batch, channels, rows, cols) one.
   */
  axes?: T.BatchNormAxes;
  /** Added to the variance before its square root; default 1e-4 (Theano's and Lasagne's). */
  epsilon?: number;
  /** How far the running averages move towards each batch's statistics, in [0, 1] (Lasagne's `alpha`, Theano's `running_average_factor`); default 0.1. */
  alpha?: number;
  /** Keras's `momentum`, `1 - alpha`: how much of the running averages each batch keeps. Pass this or alpha. */
  momentum?: number;
  /** Names of the shared variables: `${name}.gamma`, `${name}.beta`, `${name}.runningMean`, `${name}.runningVar`. */
  name?: string;
}

export class BatchNorm implements LayerLike {
  /** Scale, one per normalised unit, initially 1 (a param). */
  readonly gamma: TensorSharedVariable;
  /** Shift, initially 0 (a param). */
  readonly beta: TensorSharedVariable;
  /** Running average of the batch means, initially 0; moved by training functions, read at inference. */
  readonly runningMean: TensorSharedVariable;
  /** Running average of the (unbiased) batch variances, initially 1. */
  readonly runningVar: TensorSharedVariable;
  /** gamma and beta: the running averages are not trained by the gradient. */
  readonly params: readonly TensorSharedVariable[];
  /** The running averages, [runningMean, runningVar]: save them with the params, or a loaded layer's inference normalises with 0 and 1. */
  readonly state: readonly TensorSharedVariable[];
  /** None: a weight penalty leaves gamma and beta alone, as Lasagne's. */
  readonly regularizable: readonly TensorSharedVariable[] = [];
  /** {@link BatchNormOptions.axes}; undefined for the default (every axis but the second). */
  readonly axes: T.BatchNormAxes | undefined;
  /** {@link BatchNormOptions.epsilon}. */
  readonly epsilon: number;
  /** {@link BatchNormOptions.alpha} (1 - momentum when momentum was given). */
  readonly alpha: number;
  /**
   * Keras's frozen `BatchNormalization` (`trainable = False` when
   * fine-tuning): when true, the training graph too normalises with the
   * running averages and carries no updates of them, as the inference graph
   * does, while the rest of the network trains around it. gamma and beta
   * stay params: leave them out of the rule's list to keep them as well.
   * Read when `output` builds a graph, so set it before building the
   * training function. Default false.
   */
  frozen = false;

  /**
   * @param shape the lengths of the axes not normalised over: the number of
   * features of a (batch, features) input, of channels of a (batch,
   * channels, rows, cols) one.
   */
  constructor(shape: number | readonly number[], options: BatchNormOptions = {}) {
    checkOptionNames(options, 'BatchNorm', ['axes', 'epsilon', 'alpha', 'momentum', 'name']);
    const dims = typeof shape === 'number' ? [shape] : shape;
    if (!Array.isArray(dims) || dims.length === 0 || !dims.every((n) => Number.isInteger(n) && n > 0)) {
      throw new RangeError(`BatchNorm: shape must be a positive integer (the number of features) or a list of them, got ${JSON.stringify(shape)}`);
    }
    if (options.alpha !== undefined && options.momentum !== undefined) throw new TypeError('BatchNorm: pass alpha or momentum (1 - alpha), not both');
    const alpha = options.momentum !== undefined ? 1 - options.momentum : (options.alpha ?? 0.1);
    if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`BatchNorm: alpha must be in [0, 1] (momentum too), got ${String(options.alpha ?? options.momentum)}`);
    const epsilon = options.epsilon ?? 1e-4;
    if (typeof epsilon !== 'number' || !(epsilon >= 0)) throw new RangeError(`BatchNorm: epsilon must be a number >= 0, got ${String(epsilon)}`);
    this.axes = options.axes;
    this.epsilon = epsilon;
    this.alpha = alpha;
    const make = (fill: number, what: string) => {
      const v = NDArray.zeros(dims, config.floatX);
      v.data.fill(fill);
      return shared(v, { name: options.name !== undefined ? `${options.name}.${what}` : what, borrow: true });
    };
    this.gamma = make(1, 'gamma');
    this.beta = make(0, 'beta');
    this.runningMean = make(0, 'runningMean');
    this.runningVar = make(1, 'runningVar');
    this.params = [this.gamma, this.beta];
    this.state = [this.runningMean, this.runningVar];
  }

  #axes(x: TensorVariable): T.BatchNormAxes {
    return this.axes ?? x.broadcastable.flatMap((_, d) => (d === 1 ? [] : [d]));
  }

  /**
   * x with each axis not normalised over checked, when the function runs, against the
   * layer's shape, so that a wrong input names the layer rather than an elementwise op.
   * Axes `T.nnet.bn` would refuse are left to its error.
   */
  #checkFeatures(x: TensorVariable, axes: T.BatchNormAxes): TensorVariable {
    const n = x.ndim;
    const normalised =
      axes === 'per-activation' ? [0] : axes === 'spatial' ? [0, ...Array.from({ length: Math.max(0, n - 2) }, (_, i) => i + 2)] : axes.map((a) => (a < 0 ? a + n : a));
    const kept = x.broadcastable.flatMap((_, d) => (normalised.includes(d) ? [] : [d]));
    if (kept.length !== this.gamma.ndim) return x;
    const shape = shapeToString(this.gamma.valueShape);
    return kept.reduce(
      (v, axis, k) =>
        apply1(
          new MatchLength(axis, k, (xs) => `BatchNorm.output: x ${nameInError(x)} of shape ${shapeToString(xs)} does not fit the layer's shape ${shape}: its axis ${axis} must have length ${String(this.gamma.valueShape[k])}`, `BatchNorm axis ${axis}`),
          [v, this.gamma],
        ),
      x,
    );
  }

  /** The input's shape: normalising keeps it. */
  outputShape(inputShape: StaticShape): StaticShape {
    return inputShape;
  }

  /**
   * With `training: true` (and the layer not {@link BatchNorm.frozen}), x
   * normalised by the batch's statistics, carrying the running averages'
   * updates for functions made from it; otherwise x normalised by the
   * running averages.
   */
  output(x: TensorVariable, options: OutputOptions = {}): TensorVariable {
    checkOptionNames(options, 'BatchNorm.output', ['training']);
    const training = options.training ?? false;
    if (typeof training !== 'boolean') throw new TypeError(`BatchNorm.output: training must be a boolean, got ${String(training)}`);
    if (typeof this.frozen !== 'boolean') throw new TypeError(`BatchNorm.output: frozen must be a boolean, got ${JSON.stringify(this.frozen) ?? String(this.frozen)}`);
    if (!isFloat(x.dtype) || x.ndim < 2) throw new TypeError(`BatchNorm.output: x must be a float tensor with a batch axis and a feature axis, got ${x.toString()} of type ${x.type}`);
    const axes = this.#axes(x);
    const checked = this.#checkFeatures(x, axes);
    const { epsilon } = this;
    if (!training || this.frozen) return T.nnet.bn.batchNormalizationTest(checked, this.gamma, this.beta, this.runningMean, this.runningVar, { axes, epsilon });
    const [out, , , newMean, newVar] = T.nnet.bn.batchNormalizationTrain(checked, this.gamma, this.beta, {
      axes,
      epsilon,
      runningAverageFactor: this.alpha,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
    });
    return withUpdates(out, [
      [this.runningMean, newMean],
      [this.runningVar, newVar],
    ]);
  }
}
