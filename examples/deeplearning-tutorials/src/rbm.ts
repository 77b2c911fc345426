/**
 * Theano's restricted Boltzmann machine (the Deep Learning Tutorials'
 * rbm.py), written the way a Theano user ports it: binomial draws from
 * random streams, a `scan` of k Gibbs steps that draws inside its step,
 * the free-energy cost differentiated with the chain's end held constant,
 * contrastive divergence (CD-k) or persistent CD with a shared chain, and
 * the tutorial's two monitoring costs (pseudo-likelihood with a shared bit
 * index, reconstruction cross-entropy).
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;
type Updates = [Shared, TensorVariable][];

export interface RBMOptions {
  /** The symbolic minibatch (one example per row); a fresh `T.matrix('input')` when left out. */
  input?: TensorVariable;
  nVisible?: number;
  nHidden?: number;
  W?: Shared;
  hbias?: Shared;
  vbias?: Shared;
  /** The tutorial's `numpy_rng`: draws the initial weights. */
  numpyRng?: sym.RandomState;
  /** The tutorial's `theano_rng`: draws the Gibbs samples. */
  theanoRng?: sym.RandomStreams;
}

/** What one Gibbs step gives, in rbm.py's order: [pre-sigmoid, mean, sample] of the first layer, then of the second. */
export type GibbsStep = [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];

/** The symbolic pieces of a training step: Theano's `(monitoring_cost, updates)`, and what a test reads. */
export interface CostUpdates {
  monitoringCost: TensorVariable;
  updates: Updates;
  /** The gradients of the cost with respect to W, hbias and vbias (chain end held constant). */
  gparams: TensorVariable[];
  /** Positive phase: sigmoid(v0 W + hbias) and its sample. */
  phMean: TensorVariable;
  phSample: TensorVariable;
  /** The scan's six outputs, one row per Gibbs step (rbm.py's nv_*, nh_*). */
  chain: { preSigmoidNvs: TensorVariable; nvMeans: TensorVariable; nvSamples: TensorVariable; preSigmoidNhs: TensorVariable; nhMeans: TensorVariable; nhSamples: TensorVariable };
  /** `nv_samples[-1]`, held constant in the gradient. */
  chainEnd: TensorVariable;
  /** The pseudo-likelihood's bit index (persistent CD only). */
  bitIIdx?: Shared;
}

/** rbm.py's `RBM` class. */
export class RBM {
  readonly nVisible: number;
  readonly nHidden: number;
  readonly W: Shared;
  readonly hbias: Shared;
  readonly vbias: Shared;
  readonly input: TensorVariable;
  readonly theanoRng: sym.RandomStreams;
  readonly params: Shared[];

  constructor(options: RBMOptions = {}) {
    this.nVisible = options.nVisible ?? 784;
    this.nHidden = options.nHidden ?? 500;
    const floatX = sym.config.floatX;
    const numpyRng = options.numpyRng ?? new sym.RandomState(1234);
    this.theanoRng = options.theanoRng ?? new sym.RandomStreams(numpyRng.randint(2 ** 30));
    if (options.W !== undefined) {
      this.W = options.W;
    } else {
      const bound = 4 * Math.sqrt(6 / (this.nHidden + this.nVisible));
      this.W = sym.shared(numpyRng.uniform([this.nVisible, this.nHidden], { low: -bound, high: bound, dtype: floatX }), { name: 'W', borrow: true });
    }
    this.hbias = options.hbias ?? sym.shared(sym.array(new Array<number>(this.nHidden).fill(0), { dtype: floatX }), { name: 'hbias', borrow: true });
    this.vbias = options.vbias ?? sym.shared(sym.array(new Array<number>(this.nVisible).fill(0), { dtype: floatX }), { name: 'vbias', borrow: true });
    this.input = options.input ?? T.matrix('input');
    this.params = [this.W, this.hbias, this.vbias];
  }

  freeEnergy(vSample: TensorVariable): TensorVariable {
    const wxB = T.dot(vSample, this.W).add(this.hbias);
    const vbiasTerm = T.dot(vSample, this.vbias);
    const hiddenTerm = T.sum(T.log(T.add(1, T.exp(wxB))), 1);
    return hiddenTerm.neg().sub(vbiasTerm);
  }

  propup(vis: TensorVariable): [TensorVariable, TensorVariable] {
    const preSigmoidActivation = T.dot(vis, this.W).add(this.hbias);
    return [preSigmoidActivation, T.nnet.sigmoid(preSigmoidActivation)];
  }

  sampleHGivenV(v0Sample: TensorVariable): [TensorVariable, TensorVariable, TensorVariable] {
    const [preSigmoidH1, h1Mean] = this.propup(v0Sample);
    const h1Sample = this.theanoRng.binomial(h1Mean.shape, { n: 1, p: h1Mean, dtype: sym.config.floatX });
    return [preSigmoidH1, h1Mean, h1Sample];
  }

  propdown(hid: TensorVariable): [TensorVariable, TensorVariable] {
    const preSigmoidActivation = T.dot(hid, this.W.T).add(this.vbias);
    return [preSigmoidActivation, T.nnet.sigmoid(preSigmoidActivation)];
  }

  sampleVGivenH(h0Sample: TensorVariable): [TensorVariable, TensorVariable, TensorVariable] {
    const [preSigmoidV1, v1Mean] = this.propdown(h0Sample);
    const v1Sample = this.theanoRng.binomial(v1Mean.shape, { n: 1, p: v1Mean, dtype: sym.config.floatX });
    return [preSigmoidV1, v1Mean, v1Sample];
  }

  /** One Gibbs step from the hidden state: [preV1, v1Mean, v1Sample, preH1, h1Mean, h1Sample]. */
  gibbsHvh(h0Sample: TensorVariable): GibbsStep {
    const [preSigmoidV1, v1Mean, v1Sample] = this.sampleVGivenH(h0Sample);
    const [preSigmoidH1, h1Mean, h1Sample] = this.sampleHGivenV(v1Sample);
    return [preSigmoidV1, v1Mean, v1Sample, preSigmoidH1, h1Mean, h1Sample];
  }

  /** One Gibbs step from the visible state: [preH1, h1Mean, h1Sample, preV1, v1Mean, v1Sample]. */
  gibbsVhv(v0Sample: TensorVariable): GibbsStep {
    const [preSigmoidH1, h1Mean, h1Sample] = this.sampleHGivenV(v0Sample);
    const [preSigmoidV1, v1Mean, v1Sample] = this.sampleVGivenH(h1Sample);
    return [preSigmoidH1, h1Mean, h1Sample, preSigmoidV1, v1Mean, v1Sample];
  }

  /**
   * rbm.py's `get_cost_updates`: CD-k, or persistent CD-k when
   * `persistent` (a shared (batch, nHidden) chain) is given.
   */
  getCostUpdates(options: { lr?: number | TensorVariable; persistent?: Shared; k?: number } = {}): CostUpdates {
    const { lr = 0.1, persistent, k = 1 } = options;
    const [, phMean, phSample] = this.sampleHGivenV(this.input);
    const chainStart = persistent ?? phSample;
    const [outputs, updates] = sym.scan((h: TensorVariable) => this.gibbsHvh(h), {
      outputsInfo: [null, null, null, null, null, chainStart],
      nSteps: k,
      name: 'gibbs_hvh',
    });
    const [preSigmoidNvs, nvMeans, nvSamples, preSigmoidNhs, nhMeans, nhSamples] = outputs as GibbsStep;
    const chainEnd = nvSamples.get(-1);
    const cost = T.mean(this.freeEnergy(this.input)).sub(T.mean(this.freeEnergy(chainEnd)));
    const gparams = grad(cost, this.params, { considerConstant: [chainEnd] });
    this.params.forEach((param, i) => updates.push([param, param.sub(gparams[i]!.mul(T.cast(lr, sym.config.floatX)))]));
    let monitoringCost: TensorVariable;
    let bitIIdx: Shared | undefined;
    if (persistent !== undefined) {
      updates.push([persistent, nhSamples.get(-1)]);
      [monitoringCost, bitIIdx] = this.getPseudoLikelihoodCost(updates);
    } else {
      monitoringCost = this.getReconstructionCost(updates, preSigmoidNvs.get(-1));
    }
    const chain = { preSigmoidNvs, nvMeans, nvSamples, preSigmoidNhs, nhMeans, nhSamples };
    return { monitoringCost, updates, gparams, phMean, phSample, chain, chainEnd, ...(bitIIdx === undefined ? {} : { bitIIdx }) };
  }

  /**
   * Stochastic approximation to the pseudo-likelihood: the free energy of
   * the rounded input against that of the input with one bit flipped, the
   * bit moving on by one at every call.
   */
  getPseudoLikelihoodCost(updates: Updates): [TensorVariable, Shared] {
    const bitIIdx = sym.shared(0, { name: 'bit_i_idx' });
    const xi = T.round(this.input);
    const feXi = this.freeEnergy(xi);
    const xiFlip = T.setSubtensor(xi.get(':', bitIIdx), T.sub(1, xi.get(':', bitIIdx)));
    const feXiFlip = this.freeEnergy(xiFlip);
    const cost = T.mean(T.log(T.nnet.sigmoid(feXiFlip.sub(feXi))).mul(this.nVisible));
    updates.push([bitIIdx, bitIIdx.add(1).mod(this.nVisible)]);
    return [cost, bitIIdx];
  }

  /** The cross-entropy of the input and its reconstruction after the chain (the chain's last pre-sigmoid visible activation). */
  getReconstructionCost(_updates: Updates, preSigmoidNv: TensorVariable): TensorVariable {
    const x = this.input;
    const p = T.nnet.sigmoid(preSigmoidNv);
    return T.mean(T.sum(x.mul(T.log(p)).add(T.sub(1, x).mul(T.log(T.sub(1, p)))), 1));
  }
}

/**
 * test_rbm's training function: `theano.function([index], cost,
 * updates=updates, givens={x: train_set_x[index * batch_size: (index + 1) * batch_size]})`;
 * `outputs` adds what a test reads to the monitoring cost.
 */
export function buildRBMTrainer(
  rbm: RBM,
  trainSetX: Shared,
  costUpdates: CostUpdates,
  batchSize: number,
  outputs: readonly TensorVariable[] = [],
): sym.SymFunction<sym.NDArray[]> {
  const index = T.lscalar('index');
  return sym.function([index], [costUpdates.monitoringCost, ...outputs], {
    updates: costUpdates.updates,
    givens: [[rbm.input, trainSetX.get(T.slice(index.mul(batchSize), index.add(1).mul(batchSize)))]],
    name: 'train_rbm',
  });
}

/**
 * test_rbm's sampler: `plotEvery` steps of gibbs_vhv from a shared visible
 * chain, which moves to the last sample (`updates.update({persistent_vis_chain:
 * vis_samples[-1]})`). Returns [vis_mfs[-1], vis_samples[-1]] and, for tests,
 * the hidden means and samples and the visible means and samples of every step.
 */
export function buildSampler(rbm: RBM, persistentVisChain: Shared, plotEvery: number): sym.SymFunction<sym.NDArray[]> {
  const [outputs, updates] = sym.scan((v: TensorVariable) => rbm.gibbsVhv(v), {
    outputsInfo: [null, null, null, null, null, persistentVisChain],
    nSteps: plotEvery,
    name: 'gibbs_vhv',
  });
  const [, hidMfs, hidSamples, , visMfs, visSamples] = outputs as GibbsStep;
  updates.push([persistentVisChain, visSamples.get(-1)]);
  return sym.function([], [visMfs.get(-1), visSamples.get(-1), hidMfs, hidSamples, visMfs, visSamples], { updates, name: 'sample_fn' });
}
