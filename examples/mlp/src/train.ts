/**
 * The tutorial's training run (cells In [22] to In [24]): two Gaussian
 * clouds, an MLP of layer sizes [2, 4, 1] with sigmoid everywhere, normal
 * initial weights, biases 1, and full-batch gradient descent with momentum.
 */
import * as sym from '@sym/graph';
import { MLP, RandomState, gradientUpdatesMomentum, twoGaussianClouds, type ActivationSpec, type GaussianClouds } from '@sym/nn';

const T = sym.T;

export interface RunOptions {
  iterations: number;
  /** Number of points (the tutorial's N). */
  points: number;
  seed: number;
  learningRate: number;
  momentum: number;
}

export const TUTORIAL: RunOptions = { iterations: 20, points: 1000, seed: 0, learningRate: 0.01, momentum: 0.9 };

export interface IterationResult {
  iteration: number;
  /** The cost `train` returned (computed before this iteration's update, as in the tutorial). */
  cost: number;
  /** Fraction of points whose thresholded output matches the label, after the update. */
  accuracy: number;
  /** The network output for every point after the update, shape (1, points). */
  output: sym.NDArray;
}

export interface Run {
  data: GaussianClouds;
  mlp: MLP;
  /** Train for one iteration and report it. */
  step(): Promise<IterationResult>;
}

/** Build the network and the compiled functions; each `step()` is one pass of the tutorial's while loop. */
export function setup(options: RunOptions): Run {
  // np.random.seed(0), with our own generator (see the README).
  const rng = new RandomState(options.seed);
  const data = twoGaussianClouds(rng, options.points);
  // layer_sizes = [X.shape[0], X.shape[0]*2, 1]
  const layerSizes = [data.X.shape[0]!, data.X.shape[0]! * 2, 1];
  const WInit: sym.NDArray[] = [];
  const bInit: number[][] = [];
  const activations: ActivationSpec[] = [];
  for (let i = 0; i + 1 < layerSizes.length; i++) {
    const [nInput, nOutput] = [layerSizes[i]!, layerSizes[i + 1]!];
    WInit.push(rng.randn([nOutput, nInput]));
    bInit.push(new Array<number>(nOutput).fill(1));
    activations.push(T.nnet.sigmoid);
  }
  const mlp = new MLP(WInit, bInit, activations);
  const mlpInput = T.matrix('mlp_input');
  const mlpTarget = T.vector('mlp_target');
  const cost = mlp.squaredError(mlpInput, mlpTarget);
  const train = sym.function([mlpInput, mlpTarget], cost, {
    updates: gradientUpdatesMomentum(cost, mlp.params, options.learningRate, options.momentum),
  });
  const mlpOutput = sym.function([mlpInput], mlp.output(mlpInput));
  let iteration = 0;
  return {
    data,
    mlp,
    async step() {
      const currentCost = await train(data.X, data.y);
      const output = await mlpOutput(data.X);
      let hits = 0;
      for (let i = 0; i < output.size; i++) if (output.data[i]! > 0.5 === (data.y.data[i] === 1)) hits++;
      iteration++;
      return { iteration, cost: currentCost.item(), accuracy: hits / output.size, output };
    },
  };
}
