/**
 * Theano's deep belief network (the Deep Learning Tutorials' DBN.py): a
 * stack of sigmoid hidden layers, each sharing its W and b with an RBM
 * (rbm.py's, imported from ./rbm.js) whose visible units are the layer's
 * input; greedy layer-wise pretraining by CD-k, one compiled function per
 * layer with a learning-rate input (`theano.In(learning_rate, value=0.1)`);
 * then logistic regression on top and SGD on every parameter of the
 * stack (`build_finetune_functions`). Minibatches come from shared
 * datasets through `givens` on the network's input `x`, which every
 * layer's input is a function of.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { RBM, type CostUpdates } from './rbm.js';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

/** mlp.py's `HiddenLayer` with `activation=T.nnet.sigmoid` (its weights drawn 4 times wider, as the tutorial does for sigmoid). */
export class HiddenLayer {
  readonly W: Shared;
  readonly b: Shared;
  readonly output: TensorVariable;
  readonly params: Shared[];

  constructor(rng: sym.RandomState, input: TensorVariable, nIn: number, nOut: number) {
    const floatX = sym.config.floatX;
    const bound = 4 * Math.sqrt(6 / (nIn + nOut));
    this.W = sym.shared(rng.uniform([nIn, nOut], { low: -bound, high: bound, dtype: floatX }), { name: 'W', borrow: true });
    this.b = sym.shared(sym.NDArray.zeros([nOut], floatX), { name: 'b', borrow: true });
    this.output = T.nnet.sigmoid(T.dot(input, this.W).add(this.b));
    this.params = [this.W, this.b];
  }
}

/** logistic_sgd.py's `LogisticRegression` (zero-initialised W and b). */
export class LogisticRegression {
  readonly W: Shared;
  readonly b: Shared;
  readonly pYGivenX: TensorVariable;
  readonly yPred: TensorVariable;
  readonly params: Shared[];

  constructor(input: TensorVariable, nIn: number, nOut: number) {
    const floatX = sym.config.floatX;
    this.W = sym.shared(sym.NDArray.zeros([nIn, nOut], floatX), { name: 'W', borrow: true });
    this.b = sym.shared(sym.NDArray.zeros([nOut], floatX), { name: 'b', borrow: true });
    this.pYGivenX = T.nnet.softmax(T.dot(input, this.W).add(this.b));
    this.yPred = T.argmax(this.pYGivenX, 1);
    this.params = [this.W, this.b];
  }

  negativeLogLikelihood(y: TensorVariable): TensorVariable {
    return T.mean(T.log(this.pYGivenX).get(T.arange(y.shape[0]), y)).neg();
  }

  errors(y: TensorVariable): TensorVariable {
    return T.mean(T.neq(this.yPred, y));
  }
}

export interface DBNOptions {
  numpyRng: sym.RandomState;
  theanoRng?: sym.RandomStreams;
  nIns: number;
  hiddenLayersSizes: number[];
  nOuts: number;
}

/** A shared dataset as the tutorial's `shared_dataset` makes it: x, and the labels stored as floats, cast at use. */
export interface SharedDataset {
  x: Shared;
  y: TensorVariable;
}

export function sharedDataset(x: number[][], y: number[]): SharedDataset {
  const floatX = sym.config.floatX;
  return {
    x: sym.shared(sym.array(x, { dtype: floatX }), { name: 'set_x', borrow: true }),
    y: T.cast(sym.shared(sym.array(y, { dtype: floatX }), { name: 'set_y', borrow: true }), 'int32'),
  };
}

/** DBN.py's `DBN` class. */
export class DBN {
  readonly sigmoidLayers: HiddenLayer[] = [];
  readonly rbmLayers: RBM[] = [];
  readonly params: Shared[] = [];
  readonly nLayers: number;
  readonly x = T.matrix('x');
  readonly y = T.ivector('y');
  readonly logLayer: LogisticRegression;
  readonly finetuneCost: TensorVariable;
  readonly errors: TensorVariable;

  constructor(options: DBNOptions) {
    const { numpyRng, nIns, hiddenLayersSizes, nOuts } = options;
    const theanoRng = options.theanoRng ?? new sym.RandomStreams(numpyRng.randint(2 ** 30));
    this.nLayers = hiddenLayersSizes.length;
    for (let i = 0; i < this.nLayers; i++) {
      const inputSize = i === 0 ? nIns : hiddenLayersSizes[i - 1]!;
      const layerInput = i === 0 ? this.x : this.sigmoidLayers[this.sigmoidLayers.length - 1]!.output;
      const sigmoidLayer = new HiddenLayer(numpyRng, layerInput, inputSize, hiddenLayersSizes[i]!);
      this.sigmoidLayers.push(sigmoidLayer);
      this.params.push(...sigmoidLayer.params);
      // the RBM shares the layer's weights and bias; its visible bias is its own
      this.rbmLayers.push(new RBM({
        numpyRng,
        theanoRng,
        input: layerInput,
        nVisible: inputSize,
        nHidden: hiddenLayersSizes[i]!,
        W: sigmoidLayer.W,
        hbias: sigmoidLayer.b,
      }));
    }
    this.logLayer = new LogisticRegression(this.sigmoidLayers[this.nLayers - 1]!.output, hiddenLayersSizes[this.nLayers - 1]!, nOuts);
    this.params.push(...this.logLayer.params);
    this.finetuneCost = this.logLayer.negativeLogLikelihood(this.y);
    this.errors = this.logLayer.errors(this.y);
  }

  /**
   * DBN.py's `pretraining_functions`: for each RBM, `f(index, lr=0.1)`
   * running one CD-k step on minibatch `index` and returning the
   * reconstruction cost, then (for tests) the RBM pieces `outputs` picks
   * from its `CostUpdates`.
   */
  pretrainingFunctions(
    trainSetX: Shared,
    batchSize: number,
    k: number,
    outputs: (cu: CostUpdates, rbm: RBM) => TensorVariable[] = () => [],
  ): sym.SymFunction<sym.NDArray[]>[] {
    const index = T.lscalar('index');
    const learningRate = T.scalar('lr');
    const batchBegin = index.mul(batchSize);
    const batchEnd = batchBegin.add(batchSize);
    return this.rbmLayers.map((rbm, i) => {
      const cu = rbm.getCostUpdates({ lr: learningRate, k });
      return sym.function([index, sym.In(learningRate, { value: 0.1 })], [cu.monitoringCost, ...outputs(cu, rbm)], {
        updates: cu.updates,
        givens: [[this.x, trainSetX.get(T.slice(batchBegin, batchEnd))]],
        name: `pretrain_layer_${i}`,
      });
    });
  }

  /** DBN.py's `build_finetune_functions`: `train_fn(index)`, and `validScore()`/`testScore()` giving the error of every minibatch. */
  buildFinetuneFunctions(datasets: [SharedDataset, SharedDataset, SharedDataset], batchSize: number, learningRate: number) {
    const [train, valid, test] = datasets;
    const batchesOf = (set: SharedDataset) => Math.floor(set.x.getValue({ borrow: true }).shape[0]! / batchSize);
    const nValidBatches = batchesOf(valid);
    const nTestBatches = batchesOf(test);
    const index = T.lscalar('index');
    const gparams = grad(this.finetuneCost, this.params);
    const updates: [Shared, TensorVariable][] = this.params.map((param, i) => [param, param.sub(gparams[i]!.mul(learningRate))]);
    const window = T.slice(index.mul(batchSize), index.add(1).mul(batchSize));
    const givens = (set: SharedDataset): [TensorVariable, TensorVariable][] => [
      [this.x, set.x.get(window)],
      [this.y, set.y.get(window)],
    ];
    const trainFn = sym.function([index], this.finetuneCost, { updates, givens: givens(train), name: 'train' });
    const testScoreI = sym.function([index], this.errors, { givens: givens(test), name: 'test' });
    const validScoreI = sym.function([index], this.errors, { givens: givens(valid), name: 'valid' });
    const scores = async (f: sym.SymFunction<sym.NDArray>, n: number): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(Number(await f(i)));
      return out;
    };
    return {
      trainFn,
      validScore: () => scores(validScoreI, nValidBatches),
      testScore: () => scores(testScoreI, nTestBatches),
      gparams,
    };
  }
}
