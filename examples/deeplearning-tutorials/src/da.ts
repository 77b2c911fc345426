/**
 * Theano's denoising autoencoder (the Deep Learning Tutorials' dA.py),
 * written the way a Theano user ports it: tied weights, a binomial
 * corruption mask from random streams, the cross-entropy reconstruction
 * cost, `grad` and SGD through `updates`, and minibatches taken from a
 * shared dataset by an index through `givens`.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface DAOptions {
  /** The tutorial's `numpy_rng`: draws the initial weights. */
  numpyRng: sym.RandomState;
  /** The tutorial's `theano_rng`: draws the corruption mask (seeded from numpyRng when left out). */
  theanoRng?: sym.RandomStreams;
  /** The symbolic minibatch (a matrix of one example per row); a fresh `T.matrix('x')` when left out. */
  input?: TensorVariable;
  nVisible?: number;
  nHidden?: number;
  W?: Shared;
  bhid?: Shared;
  bvis?: Shared;
}

/** dA.py's `dA` class. */
export class DA {
  readonly nVisible: number;
  readonly nHidden: number;
  readonly W: Shared;
  /** The hidden bias. */
  readonly b: Shared;
  /** The visible bias. */
  readonly bPrime: Shared;
  /** Tied weights: the decoder reads W transposed. */
  readonly WPrime: TensorVariable;
  readonly theanoRng: sym.RandomStreams;
  readonly x: TensorVariable;
  readonly params: Shared[];

  constructor(options: DAOptions) {
    const { numpyRng } = options;
    this.nVisible = options.nVisible ?? 784;
    this.nHidden = options.nHidden ?? 500;
    const floatX = sym.config.floatX;
    this.theanoRng = options.theanoRng ?? new sym.RandomStreams(numpyRng.randint(2 ** 30));
    if (options.W !== undefined) {
      this.W = options.W;
    } else {
      // the tutorial's range for sigmoid units: 4 * sqrt(6 / (fan_in + fan_out))
      const bound = 4 * Math.sqrt(6 / (this.nHidden + this.nVisible));
      const initialW = numpyRng.uniform([this.nVisible, this.nHidden], { low: -bound, high: bound, dtype: floatX });
      this.W = sym.shared(initialW, { name: 'W', borrow: true });
    }
    this.bPrime = options.bvis ?? sym.shared(zeros(this.nVisible, floatX), { name: 'b_prime', borrow: true });
    this.b = options.bhid ?? sym.shared(zeros(this.nHidden, floatX), { name: 'b', borrow: true });
    this.WPrime = this.W.T;
    this.x = options.input ?? T.matrix('x');
    this.params = [this.W, this.b, this.bPrime];
  }

  /** Keeps each input with probability 1 - corruptionLevel and zeroes the rest. */
  getCorruptedInput(input: TensorVariable, corruptionLevel: sym.TensorLike): TensorVariable {
    return this.theanoRng.binomial(input.shape, { n: 1, p: T.sub(1, corruptionLevel), dtype: sym.config.floatX }).mul(input);
  }

  getHiddenValues(input: TensorVariable): TensorVariable {
    return T.nnet.sigmoid(T.dot(input, this.W).add(this.b));
  }

  getReconstructedInput(hidden: TensorVariable): TensorVariable {
    return T.nnet.sigmoid(T.dot(hidden, this.WPrime).add(this.bPrime));
  }

  /**
   * The cost of one minibatch and the SGD updates of the parameters, as
   * dA.py's `get_cost_updates`; the third element is the corrupted input
   * the cost read (the tutorial keeps it local; a test returns it). Both
   * rates may be numbers (dA.py) or symbolic scalars (SdA.py's pretraining
   * functions take them as inputs with defaults).
   */
  getCostUpdates(corruptionLevel: sym.TensorLike, learningRate: sym.TensorLike): [TensorVariable, sym.ScanUpdates, TensorVariable] {
    const tildeX = this.getCorruptedInput(this.x, corruptionLevel);
    const y = this.getHiddenValues(tildeX);
    const z = this.getReconstructedInput(y);
    const x = this.x;
    const L = T.sum(x.mul(T.log(z)).add(T.sub(1, x).mul(T.log(T.sub(1, z)))), 1).neg();
    const cost = T.mean(L);
    const gparams = grad(cost, this.params);
    const updates: sym.ScanUpdates = this.params.map((param, i) => [param, param.sub(gparams[i]!.mul(learningRate))]);
    return [cost, updates, tildeX];
  }
}

function zeros(n: number, dtype: sym.DType): sym.NDArray {
  return sym.array(new Array<number>(n).fill(0), { dtype });
}

export interface DATrainer {
  da: DA;
  /** `train_da(index)`: one SGD step on minibatch `index`; returns [cost, corrupted minibatch]. */
  train: sym.SymFunction<sym.NDArray[]>;
}

/**
 * test_dA's training function: `theano.function([index], cost, updates=updates,
 * givens={x: train_set_x[index * batch_size: (index + 1) * batch_size]})`,
 * with the corrupted minibatch as a second output.
 */
export function buildDATrainer(
  trainSetX: Shared,
  options: { batchSize: number; nHidden: number; corruptionLevel: number; learningRate: number; seed: number },
): DATrainer {
  const index = T.lscalar('index');
  const x = T.matrix('x');
  const rng = new sym.RandomState(options.seed);
  const theanoRng = new sym.RandomStreams(rng.randint(2 ** 30));
  const nVisible = trainSetX.valueShape[1]!;
  const da = new DA({ numpyRng: rng, theanoRng, input: x, nVisible, nHidden: options.nHidden });
  const [cost, updates, tildeX] = da.getCostUpdates(options.corruptionLevel, options.learningRate);
  const bs = options.batchSize;
  const train = sym.function([index], [cost, tildeX], {
    updates,
    givens: [[x, trainSetX.get(T.slice(index.mul(bs), index.add(1).mul(bs)))]],
  });
  return { da, train };
}
