/**
 * Theano's logistic_cg.py: multiclass logistic regression whose parameters
 * live in ONE flat shared vector `theta`, W and b being views of it (a slice
 * reshaped, a slice), so that an outside optimiser (the tutorial's
 * `scipy.optimize.fmin_cg`) can hand whole parameter vectors in and read
 * the cost and `T.grad(cost, theta)` back. Minibatches are picked by their
 * offset through `givens`.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;

/** Labelled data as the tutorial keeps it: rows of x and integer labels y. */
export interface Dataset {
  x: number[][];
  y: number[];
}

/** logistic_cg.py's `LogisticRegression`: W and b are views of the flat `theta`. */
export class LogisticRegressionCG {
  readonly theta: sym.TensorSharedVariable;
  readonly W: sym.TensorVariable;
  readonly b: sym.TensorVariable;
  readonly pYGivenX: sym.TensorVariable;
  readonly yPred: sym.TensorVariable;

  constructor(input: sym.TensorVariable, nIn: number, nOut: number) {
    this.theta = sym.shared(sym.NDArray.zeros([nIn * nOut + nOut], sym.config.floatX), { name: 'theta', borrow: true });
    this.W = this.theta.get(T.slice(0, nIn * nOut)).reshape([nIn, nOut]);
    this.b = this.theta.get(T.slice(nIn * nOut, nIn * nOut + nOut));
    this.pYGivenX = T.nnet.softmax(T.dot(input, this.W).add(this.b));
    this.yPred = T.argmax(this.pYGivenX, 1);
  }

  negativeLogLikelihood(y: sym.TensorVariable): sym.TensorVariable {
    return T.mean(T.log(this.pYGivenX).get(T.arange(y.shape[0]), y)).neg();
  }

  errors(y: sym.TensorVariable): sym.TensorVariable {
    return T.mean(T.neq(this.yPred, y));
  }
}

/**
 * cg_optimization_mnist's compiled pieces: `batch_cost`, `batch_grad` and
 * `validate_model` by minibatch offset, and the `train_fn`,
 * `train_fn_grad` and validation callback that set theta before reading
 * (the tutorial returns the MEAN over minibatches of the cost and of the
 * gradient, which is what it hands to fmin_cg).
 */
export function logisticCg(train: Dataset, valid: Dataset, options: { nIn: number; nOut: number; batchSize: number }) {
  const { nIn, nOut, batchSize } = options;
  const floatX = sym.config.floatX;
  const shared = (data: Dataset) => ({
    x: sym.shared(sym.array(data.x, { dtype: floatX }), { name: 'set_x' }),
    y: T.cast(sym.shared(sym.array(data.y, { dtype: floatX }), { name: 'set_y' }), 'int32'),
  });
  const trainSet = shared(train);
  const validSet = shared(valid);
  const nTrainBatches = Math.floor(train.x.length / batchSize);
  const nValidBatches = Math.floor(valid.x.length / batchSize);

  const minibatchOffset = T.lscalar('minibatch_offset');
  const x = T.matrix('x');
  const y = T.ivector('y');
  const classifier = new LogisticRegressionCG(x, nIn, nOut);
  const cost = classifier.negativeLogLikelihood(y).mean();
  const window = T.slice(minibatchOffset, minibatchOffset.add(batchSize));
  const givens = (set: typeof trainSet) => [
    [x, set.x.get(window)],
    [y, set.y.get(window)],
  ] as [sym.TensorVariable, sym.TensorVariable][];

  const validateModel = sym.function([minibatchOffset], classifier.errors(y), { givens: givens(validSet), name: 'validate' });
  const batchCost = sym.function([minibatchOffset], cost, { givens: givens(trainSet), name: 'batch_cost' });
  const batchGrad = sym.function([minibatchOffset], grad(cost, classifier.theta), { givens: givens(trainSet), name: 'batch_grad' });

  const setTheta = (thetaValue: Float64Array | Float32Array): void => classifier.theta.setValue(thetaValue, { borrow: true });
  const meanGrad = (grads: sym.NDArray[]): Float64Array => {
    const total = new Float64Array(grads[0]!.size);
    for (const g of grads) (g.toArray() as number[]).forEach((v, k) => (total[k]! += v / grads.length));
    return total;
  };
  const offsets = (n: number) => Array.from({ length: n }, (_, i) => i * batchSize);
  const mean = (values: number[]) => values.reduce((a, v) => a + v, 0) / values.length;

  const trainFn = async (thetaValue: Float64Array | Float32Array): Promise<number> => {
    setTheta(thetaValue);
    const losses: number[] = [];
    for (const offset of offsets(nTrainBatches)) losses.push(Number(await batchCost(offset)));
    return mean(losses);
  };
  const trainFnGrad = async (thetaValue: Float64Array | Float32Array): Promise<Float64Array> => {
    setTheta(thetaValue);
    const grads: sym.NDArray[] = [];
    for (const offset of offsets(nTrainBatches)) grads.push(await batchGrad(offset));
    return meanGrad(grads);
  };
  const validationError = async (thetaValue: Float64Array | Float32Array): Promise<number> => {
    setTheta(thetaValue);
    const losses: number[] = [];
    for (const offset of offsets(nValidBatches)) losses.push(Number(await validateModel(offset)));
    return mean(losses);
  };
  /** The same by synchronous calls (`f.sync`), as scipy's fmin_cg calls `f` and `fprime`: on the CPU backend. */
  const sync = {
    trainFn: (thetaValue: Float64Array | Float32Array): number => {
      setTheta(thetaValue);
      return mean(offsets(nTrainBatches).map((offset) => Number(batchCost.sync(offset))));
    },
    trainFnGrad: (thetaValue: Float64Array | Float32Array): Float64Array => {
      setTheta(thetaValue);
      return meanGrad(offsets(nTrainBatches).map((offset) => batchGrad.sync(offset)));
    },
  };
  return { classifier, batchCost, batchGrad, validateModel, trainFn, trainFnGrad, validationError, sync };
}
