/**
 * A small CNN trained with data augmentation as a Theano user wrote it: a
 * random crop whose window starts are drawn by `RandomStreams.uniform`
 * inside the compiled function (computed on the device, `x[:, :, sy:sy+c,
 * sx:sx+c]`), a random horizontal flip (`T.switch` of a binomial draw
 * between the crop and `crop[:, :, :, ::-1]`), `conv2d`, Theano's
 * `bn.batch_normalization_train` over the spatial axes with its running
 * averages in shared variables, relu, global mean pooling, a softmax
 * read-out, SGD through `updates`; inference by
 * `batch_normalization_test` on the running averages and a centre crop.
 * The augmentation can also be given (`augmentedBy`), for checking.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface AugmentedCNNOptions {
  readonly filters: number[][][][];
  readonly readout: number[][];
  readonly gamma: number[];
  readonly beta: number[];
  readonly crop: number;
  readonly seed: number;
  readonly dtype: sym.FloatDType;
}

export class AugmentedCNN {
  readonly w: Shared;
  readonly gamma: Shared;
  readonly beta: Shared;
  readonly wOut: Shared;
  readonly runningMean: Shared;
  readonly runningVar: Shared;
  readonly x: TensorVariable;
  readonly y = T.ivector('y');
  readonly crop: number;
  readonly srng: sym.RandomStreams;

  constructor(options: AugmentedCNNOptions) {
    const { dtype } = options;
    const param = (v: sym.NestedArray, name: string) => sym.shared(sym.array(v, { dtype }), { name });
    this.w = param(options.filters, 'W');
    this.gamma = param(options.gamma, 'gamma');
    this.beta = param(options.beta, 'beta');
    this.wOut = param(options.readout, 'Wout');
    this.runningMean = param(options.gamma.map(() => 0), 'runningMean');
    this.runningVar = param(options.gamma.map(() => 1), 'runningVar');
    this.x = T.tensor4('x', dtype);
    this.crop = options.crop;
    this.srng = new sym.RandomStreams(options.seed);
  }

  get params(): Shared[] {
    return [this.w, this.gamma, this.beta, this.wOut];
  }

  /** The crop at (sy, sx), flipped left to right where `flip` is 1. */
  augmentedBy(sy: TensorVariable, sx: TensorVariable, flip: TensorVariable): TensorVariable {
    const c = this.crop;
    const window = this.x.get(T.slice(), T.slice(), T.slice(sy, sy.add(c)), T.slice(sx, sx.add(c)));
    return T.switch(flip, window.get(T.slice(), T.slice(), T.slice(), T.slice(null, null, -1)), window);
  }

  /** The mean cross-entropy of the augmented batch, with batch statistics, and the running averages' next values. */
  trainingCost(xa: TensorVariable): { cost: TensorVariable; runningMean: TensorVariable; runningVar: TensorVariable } {
    const conv = T.nnet.conv2d(xa, this.w);
    const [h, , , runningMean, runningVar] = T.nnet.bn.batchNormalizationTrain(conv, this.gamma, this.beta, {
      axes: 'spatial',
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      runningAverageFactor: 0.5,
    });
    return { cost: this.readout(h), runningMean, runningVar };
  }

  /** SGD on a batch augmented by draws made in the function; returns [cost, sy, sx, flip]. */
  trainFunction(learningRate: number): sym.SymFunction<sym.NDArray[]> {
    const positions = this.x.shape[2]!.sub(this.crop - 1);
    const start = () => T.cast(T.floor(this.srng.uniform([]).mul(T.cast(positions, this.x.dtype))), 'int32');
    const [sy, sx] = [start(), start()];
    const flip = T.cast(this.srng.binomial([], { p: 0.5 }), 'int32');
    const { cost, runningMean, runningVar } = this.trainingCost(this.augmentedBy(sy, sx, flip));
    const grads = grad(cost, this.params);
    return sym.function([this.x, this.y], [cost, sy, sx, flip], {
      updates: [
        ...this.params.map((p, i) => [p, p.sub(T.mul(learningRate, grads[i]!))] as [Shared, TensorVariable]),
        [this.runningMean, runningMean],
        [this.runningVar, runningVar],
      ],
    });
  }

  /** The class probabilities of the centred crop, normalised by the running averages. */
  inferenceFunction(): sym.SymFunction<sym.NDArray> {
    const offset = T.constant(1, { dtype: 'int32' });
    const conv = T.nnet.conv2d(this.augmentedBy(offset, offset, T.constant(0, { dtype: 'int32' })), this.w);
    const h = T.nnet.bn.batchNormalizationTest(conv, this.gamma, this.beta, this.runningMean, this.runningVar, { axes: 'spatial' });
    return sym.function([this.x], this.probabilities(h));
  }

  private probabilities(h: TensorVariable): TensorVariable {
    return T.nnet.softmax(T.dot(T.mean(T.nnet.relu(h), { axis: [2, 3] }), this.wOut));
  }

  private readout(h: TensorVariable): TensorVariable {
    return T.mean(T.nnet.categoricalCrossentropy(this.probabilities(h), this.y));
  }
}
