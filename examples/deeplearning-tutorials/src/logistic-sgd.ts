// Theano's logistic_sgd.py: multiclass logistic regression trained by
// minibatch SGD, minibatches picked from shared datasets through `givens`.
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;

export interface LogisticSgdOptions {
  nIn: number;
  nOut: number;
  batchSize: number;
  learningRate: number;
}

/** Labelled data as the tutorial keeps it: rows of x and integer labels y. */
export interface Dataset {
  x: number[][];
  y: number[];
}

/** The tutorial's `LogisticRegression` class and its `train_model`/`validate_model` functions. */
export function logisticSgd(train: Dataset, valid: Dataset, options: LogisticSgdOptions) {
  const { nIn, nOut, batchSize, learningRate } = options;
  const floatX = sym.config.floatX;
  const W = sym.shared(sym.NDArray.zeros([nIn, nOut], floatX), { name: 'W' });
  const b = sym.shared(sym.NDArray.zeros([nOut], floatX), { name: 'b' });
  // The tutorial's shared_dataset: the labels are stored as floats and cast at use.
  const shared = (data: Dataset) => ({
    x: sym.shared(sym.array(data.x, { dtype: floatX }), { name: 'set_x' }),
    y: T.cast(sym.shared(sym.array(data.y, { dtype: floatX }), { name: 'set_y' }), 'int32'),
  });
  const trainSet = shared(train);
  const validSet = shared(valid);

  const index = T.lscalar('index');
  const x = T.matrix('x');
  const y = T.ivector('y');
  const pYGivenX = T.nnet.softmax(T.dot(x, W).add(b));
  const yPred = T.argmax(pYGivenX, 1);
  const negativeLogLikelihood = T.log(pYGivenX).get(T.arange(y.shape[0]), y).mean().neg();
  const errors = T.mean(T.neq(yPred, y));

  const batch = T.slice(index.mul(batchSize), index.add(1).mul(batchSize));
  const givens = (set: typeof trainSet) => [
    [x, set.x.get(batch)],
    [y, set.y.get(batch)],
  ] as [sym.TensorVariable, sym.TensorVariable][];

  const [gW, gb] = grad(negativeLogLikelihood, [W, b]);
  const trainModel = sym.function([index], negativeLogLikelihood, {
    updates: [
      [W, W.sub(gW!.mul(learningRate))],
      [b, b.sub(gb!.mul(learningRate))],
    ],
    givens: givens(trainSet),
  });
  const validateModel = sym.function([index], errors, { givens: givens(validSet) });
  const predict = sym.function([x], [pYGivenX, yPred]);
  return { W, b, trainModel, validateModel, predict };
}
