/**
 * Theano's RNN-RBM for polyphonic music (the Deep Learning Tutorials'
 * rnnrbm.py, Boulanger-Lewandowski et al. 2012), written the way a Theano
 * user ports it: `build_rbm` with a `scan` of k Gibbs steps that draws in
 * its step, the free-energy cost and the cross-entropy monitor;
 * `build_rnnrbm` with an outer `scan` over time whose step makes the
 * time-dependent biases from the recurrent state and, when generating,
 * runs the RBM's Gibbs scan inside the outer step (a scan with random
 * draws nested in a scan); the gradient with the chain's end held constant
 * and SGD through `updates`.
 *
 * Beside the tutorial's results, each builder returns what a test reads:
 * the Gibbs chain's hidden and visible means and samples (the tutorial's
 * scan returns only the visible samples), and the hidden sample the
 * monitor's extra half-step draws.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;
type Updates = [Shared, TensorVariable][];

/** One Gibbs step v -> h -> v': [mean_h, h, mean_v, v']. */
export type GibbsStep = [TensorVariable, TensorVariable, TensorVariable, TensorVariable];

/** What `buildRBM` gives: the tutorial's `(v_sample, cost, monitor, updates)`, and what a test reads. */
export interface RBMGraph {
  /** The chain's end, `chain[-1]`: held constant in the gradient. */
  vSample: TensorVariable;
  cost: TensorVariable;
  monitor: TensorVariable;
  updates: Updates;
  /** The scan's outputs, one entry per Gibbs step. */
  chain: { meanH: TensorVariable; h: TensorVariable; meanV: TensorVariable; v: TensorVariable };
  /** The monitor's half step from `vSample`: the hidden mean, its draw and the visible mean it gives. */
  monitorStep: { meanH: TensorVariable; h: TensorVariable; meanV: TensorVariable };
}

/**
 * rnnrbm.py's `build_rbm(v, W, bv, bh, k)`: k steps of block Gibbs
 * sampling from `v` (a vector, or a matrix of time steps with one row of
 * biases per step), the free-energy difference of `v` and the chain's end
 * divided by the number of rows, and the cross-entropy of `v` and the
 * visible mean one half step after the chain's end.
 */
export function buildRBM(v: TensorVariable, W: TensorVariable, bv: TensorVariable, bh: TensorVariable, k: number, rng: sym.RandomStreams): RBMGraph {
  const floatX = sym.config.floatX;
  const gibbsStep = (vIn: TensorVariable): GibbsStep => {
    const meanH = T.nnet.sigmoid(T.dot(vIn, W).add(bh));
    const h = rng.binomial(meanH.shape, { n: 1, p: meanH, dtype: floatX });
    const meanV = T.nnet.sigmoid(T.dot(h, W.T).add(bv));
    const vOut = rng.binomial(meanV.shape, { n: 1, p: meanV, dtype: floatX });
    return [meanH, h, meanV, vOut];
  };
  const [outputs, updates] = sym.scan((vTm1: TensorVariable) => gibbsStep(vTm1), {
    outputsInfo: [null, null, null, v],
    nSteps: k,
    name: 'gibbs_step',
  });
  const [chainMeanH, chainH, chainMeanV, chainV] = outputs as GibbsStep;
  const vSample = chainV.get(-1);

  const [monitorMeanH, monitorH, meanV] = gibbsStep(vSample);
  const rows = T.cast(v.shape[0]!, floatX);
  const crossEntropy = T.xlogx.xlogy0(v, meanV).add(T.xlogx.xlogy0(T.sub(1, v), T.sub(1, meanV)));
  const monitor = crossEntropy.sum().div(rows);

  const freeEnergy = (x: TensorVariable): TensorVariable => x.mul(bv).sum().neg().sub(T.log(T.add(1, T.exp(T.dot(x, W).add(bh)))).sum());
  const cost = freeEnergy(v).sub(freeEnergy(vSample)).div(rows);
  return {
    vSample,
    cost,
    monitor,
    updates: updates as Updates,
    chain: { meanH: chainMeanH, h: chainH, meanV: chainMeanV, v: chainV },
    monitorStep: { meanH: monitorMeanH, h: monitorH, meanV },
  };
}

export interface RnnRbmOptions {
  nVisible: number;
  nHidden: number;
  nHiddenRecurrent: number;
  /** Gibbs steps of the training RBM (the tutorial's 15). */
  kTrain?: number;
  /** Gibbs steps of each generated time step (the tutorial's 25). */
  kGenerate?: number;
  /** Time steps generated (the tutorial's 200). */
  generateSteps?: number;
  /** The scales of the initial weights: W, then Wuh, Wuv, Wvu, Wuu (the tutorial's 0.01 and 0.0001). */
  scales?: { W?: number; recurrent?: number };
  /** The tutorial's global `numpy.random` draws the weights; here a RandomState. */
  numpyRng?: sym.RandomState;
  /** The tutorial's module-level `RandomStreams(seed=...)`. */
  rng?: sym.RandomStreams;
}

/** What `buildRnnRbm` gives: the tutorial's eight results, and what a test reads. */
export interface RnnRbmGraph {
  /** The piano roll, one row per time step. */
  v: TensorVariable;
  vSample: TensorVariable;
  cost: TensorVariable;
  monitor: TensorVariable;
  /** W, bv, bh, Wuh, Wuv, Wvu, Wuu, bu. */
  params: Shared[];
  updatesTrain: Updates;
  /** The generated roll, one row per time step. */
  vT: TensorVariable;
  updatesGenerate: Updates;
  /** Training mode's recurrence: u_t and the biases bv_t, bh_t of every step. */
  train: { uT: TensorVariable; bvT: TensorVariable; bhT: TensorVariable; rbm: RBMGraph };
  /** Generation mode's per-step values: u_t, the biases, and the inner chain (time, Gibbs step, unit). */
  generate: { uT: TensorVariable; bvT: TensorVariable; bhT: TensorVariable; meanH: TensorVariable; h: TensorVariable; meanV: TensorVariable; vChain: TensorVariable };
}

const sharedNormal = (rng: sym.RandomState, rows: number, cols: number, scale: number, name: string): Shared =>
  sym.shared(rng.normal([rows, cols], { std: scale, dtype: sym.config.floatX }), { name });
const sharedZeros = (n: number, name: string): Shared => sym.shared(sym.array(new Array<number>(n).fill(0), { dtype: sym.config.floatX }), { name });

/** rnnrbm.py's `build_rnnrbm(n_visible, n_hidden, n_hidden_recurrent)`. */
export function buildRnnRbm(options: RnnRbmOptions): RnnRbmGraph {
  const { nVisible, nHidden, nHiddenRecurrent, kTrain = 15, kGenerate = 25, generateSteps = 200 } = options;
  const numpyRng = options.numpyRng ?? new sym.RandomState(1234);
  const rng = options.rng ?? new sym.RandomStreams(numpyRng.randint(2 ** 30));
  const scaleW = options.scales?.W ?? 0.01;
  const scaleR = options.scales?.recurrent ?? 0.0001;
  const W = sharedNormal(numpyRng, nVisible, nHidden, scaleW, 'W');
  const bv = sharedZeros(nVisible, 'bv');
  const bh = sharedZeros(nHidden, 'bh');
  const Wuh = sharedNormal(numpyRng, nHiddenRecurrent, nHidden, scaleR, 'Wuh');
  const Wuv = sharedNormal(numpyRng, nHiddenRecurrent, nVisible, scaleR, 'Wuv');
  const Wvu = sharedNormal(numpyRng, nVisible, nHiddenRecurrent, scaleR, 'Wvu');
  const Wuu = sharedNormal(numpyRng, nHiddenRecurrent, nHiddenRecurrent, scaleR, 'Wuu');
  const bu = sharedZeros(nHiddenRecurrent, 'bu');
  const params = [W, bv, bh, Wuh, Wuv, Wvu, Wuu, bu];

  const v = T.matrix('v');
  const u0 = T.zeros([nHiddenRecurrent]);

  const biases = (uTm1: TensorVariable): [TensorVariable, TensorVariable] => [bv.add(T.dot(uTm1, Wuv)), bh.add(T.dot(uTm1, Wuh))];
  const nextU = (vT: TensorVariable, uTm1: TensorVariable): TensorVariable => T.tanh(bu.add(T.dot(vT, Wvu)).add(T.dot(uTm1, Wuu)));

  // training: the recurrence over the given roll, then one RBM over all time steps at once
  const [trainOutputs, updatesTrain] = sym.scan(
    (vT: TensorVariable, uTm1: TensorVariable, ..._params: TensorVariable[]) => {
      const [bvT, bhT] = biases(uTm1);
      return [nextU(vT, uTm1), bvT, bhT];
    },
    { sequences: v, outputsInfo: [u0, null, null], nonSequences: params, name: 'recurrence' },
  );
  const [uT, bvT, bhT] = trainOutputs as [TensorVariable, TensorVariable, TensorVariable];
  const rbm = buildRBM(v, W, bvT.get(':'), bhT.get(':'), kTrain, rng);
  const updates: Updates = [...(updatesTrain as Updates), ...rbm.updates];

  // generation: each step samples v_t from the RBM its biases give, starting from zeros
  const [generateOutputs, updatesGenerate] = sym.scan(
    (uTm1: TensorVariable, ..._params: TensorVariable[]) => {
      const [bvG, bhG] = biases(uTm1);
      const inner = buildRBM(T.zeros([nVisible]), W, bvG, bhG, kGenerate, rng);
      const vG = inner.vSample;
      const outputs = [vG, nextU(vG, uTm1), bvG, bhG, inner.chain.meanH, inner.chain.h, inner.chain.meanV, inner.chain.v];
      return [outputs, inner.updates] as const;
    },
    { outputsInfo: [null, u0, null, null, null, null, null, null], nonSequences: params, nSteps: generateSteps, name: 'generate' },
  );
  const [vT, uG, bvG, bhG, meanH, h, meanV, vChain] = generateOutputs as TensorVariable[] as [
    TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable,
  ];
  return {
    v,
    vSample: rbm.vSample,
    cost: rbm.cost,
    monitor: rbm.monitor,
    params,
    updatesTrain: updates,
    vT,
    updatesGenerate: updatesGenerate as Updates,
    train: { uT, bvT, bhT, rbm },
    generate: { uT: uG, bvT: bvG, bhT: bhG, meanH, h, meanV, vChain },
  };
}

/** rnnrbm.py's `RnnRbm`: the training function (monitor, SGD updates) and the generation function. */
export class RnnRbm {
  readonly graph: RnnRbmGraph;
  /** The gradients of the cost with respect to every parameter, the chain's end held constant. */
  readonly gradient: TensorVariable[];
  /** `updates_train` with the SGD step of every parameter. */
  readonly trainUpdates: Updates;
  readonly trainFunction: sym.SymFunction<sym.NDArray>;
  readonly generateFunction: sym.SymFunction<sym.NDArray>;

  constructor(options: RnnRbmOptions & { lr?: number }) {
    const lr = options.lr ?? 0.001;
    this.graph = buildRnnRbm(options);
    const { v, vSample, cost, monitor, params, updatesTrain, vT, updatesGenerate } = this.graph;
    this.gradient = grad(cost, params, { considerConstant: [vSample] });
    this.trainUpdates = [...updatesTrain, ...params.map((p, i): [Shared, TensorVariable] => [p, p.sub(this.gradient[i]!.mul(lr))])];
    this.trainFunction = sym.function([v], monitor, { updates: this.trainUpdates, name: 'train_function' });
    this.generateFunction = sym.function([], vT, { updates: updatesGenerate, name: 'generate_function' });
  }
}
