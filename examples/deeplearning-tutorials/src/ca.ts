/**
 * Theano's contractive autoencoder (the Deep Learning Tutorials' cA.py),
 * written the way a Theano user ports it: tied weights, the Jacobian of the
 * hidden values with respect to the input built by broadcasting
 * (`reshape(h * (1 - h), (batch, 1, n_hidden)) * reshape(W, (1, n_visible,
 * n_hidden))`), the cross-entropy reconstruction cost plus the contraction
 * penalty (the Jacobian's squared Frobenius norm per example), and SGD
 * through `updates`, minibatches picked from a shared dataset through `givens`.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;
type Updates = [Shared, TensorVariable][];

export interface CAOptions {
  /** The tutorial's `numpy_rng`: draws the initial weights. */
  numpyRng: sym.RandomState;
  /** The symbolic minibatch (one example per row); a fresh `T.matrix('input')` when left out. */
  input?: TensorVariable;
  nVisible?: number;
  nHidden?: number;
  /** The minibatch's length: the Jacobian's reshape needs it. */
  nBatchsize?: number;
  W?: Shared;
  bhid?: Shared;
  bvis?: Shared;
}

/** cA.py's `cA` class. */
export class CA {
  readonly nVisible: number;
  readonly nHidden: number;
  readonly nBatchsize: number;
  readonly W: Shared;
  /** The hidden bias (`bhid`). */
  readonly b: Shared;
  /** The visible bias (`bvis`). */
  readonly bPrime: Shared;
  /** Tied weights: the decoder's are the encoder's transposed. */
  readonly WPrime: TensorVariable;
  readonly x: TensorVariable;
  readonly params: Shared[];
  /** Set by `getCostUpdates`: each example's reconstruction cross-entropy. */
  LRec?: TensorVariable;
  /** Set by `getCostUpdates`: the minibatch's squared Jacobian norm over its length. */
  LJacob?: TensorVariable;

  constructor(options: CAOptions) {
    const { numpyRng } = options;
    this.nVisible = options.nVisible ?? 784;
    this.nHidden = options.nHidden ?? 100;
    this.nBatchsize = options.nBatchsize ?? 1;
    const floatX = sym.config.floatX;
    if (options.W !== undefined) {
      this.W = options.W;
    } else {
      const bound = 4 * Math.sqrt(6 / (this.nHidden + this.nVisible));
      this.W = sym.shared(numpyRng.uniform([this.nVisible, this.nHidden], { low: -bound, high: bound, dtype: floatX }), { name: 'W', borrow: true });
    }
    this.bPrime = options.bvis ?? sym.shared(sym.NDArray.zeros([this.nVisible], floatX), { name: 'bvis', borrow: true });
    this.b = options.bhid ?? sym.shared(sym.NDArray.zeros([this.nHidden], floatX), { name: 'b', borrow: true });
    this.WPrime = this.W.T;
    this.x = options.input ?? T.matrix('input');
    this.params = [this.W, this.b, this.bPrime];
  }

  /** The hidden layer's values: sigmoid(x W + b). */
  getHiddenValues(input: TensorVariable): TensorVariable {
    return T.nnet.sigmoid(T.dot(input, this.W).add(this.b));
  }

  /**
   * The Jacobian of the hidden values with respect to the input, one
   * (nVisible, nHidden) matrix per example: dh_j/dx_i = h_j (1 - h_j) W_ij.
   */
  getJacobian(hidden: TensorVariable, W: TensorVariable): TensorVariable {
    return T.reshape(hidden.mul(T.sub(1, hidden)), [this.nBatchsize, 1, this.nHidden]).mul(T.reshape(W, [1, this.nVisible, this.nHidden]));
  }

  /** The reconstruction: sigmoid(h W' + b'). */
  getReconstructedInput(hidden: TensorVariable): TensorVariable {
    return T.nnet.sigmoid(T.dot(hidden, this.WPrime).add(this.bPrime));
  }

  /** The cost, `mean(L_rec) + contraction_level * mean(L_jacob)`, and one SGD step's updates. */
  getCostUpdates(contractionLevel: number, learningRate: number): [TensorVariable, Updates] {
    const y = this.getHiddenValues(this.x);
    const z = this.getReconstructedInput(y);
    const J = this.getJacobian(y, this.W);
    this.LRec = T.sum(this.x.mul(T.log(z)).add(T.sub(1, this.x).mul(T.log(T.sub(1, z)))), { axis: 1 }).neg();
    // The tutorial's Python 3 edition writes `// self.n_batchsize`, a floor division (its Python 2 edition divided):
    // the division is meant, as the penalty is the mean of each example's squared Jacobian norm.
    this.LJacob = T.sum(J.pow(2)).div(this.nBatchsize);
    const cost = T.mean(this.LRec).add(T.mul(contractionLevel, T.mean(this.LJacob)));
    const gparams = grad(cost, this.params);
    const updates: Updates = this.params.map((param, i) => [param, param.sub(T.mul(learningRate, gparams[i]!))]);
    return [cost, updates];
  }
}

/**
 * test_cA's training function: `theano.function([index], [T.mean(ca.L_rec), ca.L_jacob],
 * updates=updates, givens={x: train_set_x[index * batch_size: (index + 1) * batch_size]})`;
 * the cost follows them.
 */
export function buildCATrainer(ca: CA, trainSetX: Shared, contractionLevel: number, learningRate: number): { train: sym.SymFunction<sym.NDArray[]>; cost: TensorVariable; updates: Updates } {
  const [cost, updates] = ca.getCostUpdates(contractionLevel, learningRate);
  const index = T.lscalar('index');
  const batchSize = ca.nBatchsize;
  const train = sym.function([index], [T.mean(ca.LRec!), ca.LJacob!, cost], {
    updates,
    givens: [[ca.x, trainSetX.get(T.slice(index.mul(batchSize), index.add(1).mul(batchSize)))]],
    name: 'train_ca',
  });
  return { train, cost, updates };
}
