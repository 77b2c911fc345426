/**
 * Theano's LSTM tutorial (lstm.py: sentiment analysis of IMDB reviews),
 * written as its Theano code is: the parameters in shared variables, the
 * layer a `scan` over time, the dropout switched by a shared `use_noise`,
 * and adadelta in the tutorial's two functions (`f_grad_shared` stores the
 * gradients and returns the cost, `f_update` applies them).
 *
 * Names follow the tutorial (`Wemb`, `lstm_W`, `lstm_U`, `lstm_b`, `U`,
 * `b`, `f_pred_prob` as `fPredProb`, ...); so does the data layout: x is an
 * int64 matrix (time steps, samples), padded with zeros, and mask is 1
 * where a sample has a word.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type V = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface LstmOptions {
  /** Vocabulary size (rows of Wemb). */
  readonly nWords: number;
  /** Word embedding size, and the number of LSTM units. */
  readonly dimProj: number;
  /** Number of classes. */
  readonly ydim: number;
  /** Dropout on the pooled projection, switched by `useNoise`. */
  readonly useDropout: boolean;
  /** Weight decay on U (0: none). */
  readonly decayC: number;
  /** The seed of the dropout's RandomStreams (the tutorial's SEED). */
  readonly seed: number;
}

/** The tutorial's parameters, in its OrderedDict's order. */
export const PARAM_NAMES = ['Wemb', 'lstm_W', 'lstm_U', 'lstm_b', 'U', 'b'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];
export type LstmParams = Record<ParamName, sym.NDArray>;
export type LstmTparams = Record<ParamName, Shared>;

/** numpy_floatX: a value in floatX. */
const numpyFloatX = (v: number): sym.NDArray => sym.array(v, { dtype: sym.config.floatX });

/**
 * ortho_weight: a random orthogonal matrix. The tutorial takes U of the SVD
 * of a normal matrix; Gram-Schmidt of the same matrix's columns gives an
 * orthogonal matrix too, without an SVD in TypeScript.
 */
export function orthoWeight(ndim: number, rng: sym.RandomState): sym.NDArray {
  const w = Float64Array.from(rng.randn([ndim, ndim]).data as Float64Array);
  for (let j = 0; j < ndim; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < ndim; i++) dot += w[i * ndim + j]! * w[i * ndim + k]!;
      for (let i = 0; i < ndim; i++) w[i * ndim + j]! -= dot * w[i * ndim + k]!;
    }
    let norm = 0;
    for (let i = 0; i < ndim; i++) norm += w[i * ndim + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < ndim; i++) w[i * ndim + j]! /= norm;
  }
  return sym.array(w, { dtype: sym.config.floatX }).reshape([ndim, ndim]);
}

/** init_params + param_init_lstm: the initial values. */
export function initParams(options: LstmOptions, rng: sym.RandomState): LstmParams {
  const floatX = sym.config.floatX;
  const d = options.dimProj;
  const scaled = (a: sym.NDArray, s: number, shape: number[]) => sym.array(Float64Array.from(a.data as Float64Array, (v) => s * v), { dtype: floatX }).reshape(shape);
  // numpy.concatenate([ortho_weight(dim_proj)] * 4, axis=1): four gates side by side
  const fourOrtho = () => {
    const blocks = [0, 1, 2, 3].map(() => orthoWeight(d, rng).data);
    const out = new Float64Array(d * 4 * d);
    for (let i = 0; i < d; i++) for (let g = 0; g < 4; g++) for (let j = 0; j < d; j++) out[i * 4 * d + g * d + j] = Number(blocks[g]![i * d + j]);
    return sym.array(out, { dtype: floatX }).reshape([d, 4 * d]);
  };
  return {
    Wemb: scaled(rng.randomSample([options.nWords, d]), 0.01, [options.nWords, d]),
    lstm_W: fourOrtho(),
    lstm_U: fourOrtho(),
    lstm_b: sym.NDArray.zeros([4 * d], floatX),
    U: scaled(rng.randn([d, options.ydim]), 0.01, [d, options.ydim]),
    b: sym.NDArray.zeros([options.ydim], floatX),
  };
}

/** init_tparams: one shared variable per parameter. */
export function initTparams(params: LstmParams): LstmTparams {
  return Object.fromEntries(PARAM_NAMES.map((k) => [k, sym.shared(params[k], { name: k })])) as LstmTparams;
}

/** lstm_layer: the LSTM as a scan over the time steps of state_below (steps, samples, dim_proj). */
export function lstmLayer(tparams: LstmTparams, stateBelow: V, options: LstmOptions, mask: V): V {
  const nsteps = stateBelow.shape[0]!;
  const nSamples = stateBelow.ndim === 3 ? stateBelow.shape[1]! : 1;
  const dim = options.dimProj;

  // _x[:, n * dim:(n + 1) * dim]
  const slice = (x: V, n: number) => (x.ndim === 3 ? x.get(':', ':', T.slice(n * dim, (n + 1) * dim)) : x.get(':', T.slice(n * dim, (n + 1) * dim)));

  const step = (m: V, x: V, hPrev: V, cPrev: V): V[] => {
    const preact = T.dot(hPrev, tparams.lstm_U).add(x);
    const i = T.nnet.sigmoid(slice(preact, 0));
    const f = T.nnet.sigmoid(slice(preact, 1));
    const o = T.nnet.sigmoid(slice(preact, 2));
    let c = T.tanh(slice(preact, 3));
    c = f.mul(cPrev).add(i.mul(c));
    // a sample whose sequence has ended keeps its state: m_[:, None] * c + (1. - m_)[:, None] * c_
    c = m.get(':', null).mul(c).add(T.sub(1, m).get(':', null).mul(cPrev));
    let h = o.mul(T.tanh(c));
    h = m.get(':', null).mul(h).add(T.sub(1, m).get(':', null).mul(hPrev));
    return [h, c];
  };

  // the input projection of every step at once, before the loop
  const below = T.dot(stateBelow, tparams.lstm_W).add(tparams.lstm_b);
  const zeros = () => T.alloc(numpyFloatX(0), nSamples, dim);
  const [rval] = sym.scan(step, { sequences: [mask, below], outputsInfo: [zeros(), zeros()], nSteps: nsteps, name: 'lstm__layers' });
  return rval[0]!;
}

/** dropout_layer: multiply by a binomial mask while use_noise is 1, by 0.5 otherwise. */
export function dropoutLayer(stateBefore: V, useNoise: Shared, trng: sym.RandomStreams): V {
  return T.switch(useNoise, stateBefore.mul(trng.binomial(stateBefore.shape, { p: 0.5, n: 1, dtype: stateBefore.dtype })), stateBefore.mul(0.5));
}

export interface LstmModel {
  readonly trng: sym.RandomStreams;
  readonly useNoise: Shared;
  readonly x: V;
  readonly mask: V;
  readonly y: V;
  readonly fPredProb: sym.SymFunction<sym.NDArray>;
  readonly fPred: sym.SymFunction<sym.NDArray>;
  /** The class probabilities (f_pred_prob's output). */
  readonly pred: V;
  readonly cost: V;
}

/** build_model: the graph from words to the cost. */
export function buildModel(tparams: LstmTparams, options: LstmOptions): LstmModel {
  const trng = new sym.RandomStreams(options.seed);
  // used only for dropout
  const useNoise = sym.shared(numpyFloatX(0), { name: 'use_noise' });

  const x = T.matrix('x', 'int64');
  const mask = T.matrix('mask', sym.config.floatX);
  const y = T.vector('y', 'int64');

  const nTimesteps = x.shape[0]!;
  const nSamples = x.shape[1]!;

  const emb = tparams.Wemb.get(x.flatten()).reshape([nTimesteps, nSamples, options.dimProj]);
  let proj = lstmLayer(tparams, emb, options, mask);
  // mean pooling over the words each sample has
  proj = proj.mul(mask.get(':', ':', null)).sum(0);
  proj = proj.div(mask.sum(0).get(':', null));
  if (options.useDropout) proj = dropoutLayer(proj, useNoise, trng);

  const pred = T.nnet.softmax(T.dot(proj, tparams.U).add(tparams.b));

  const fPredProb = sym.function([x, mask], pred, { name: 'f_pred_prob' });
  const fPred = sym.function([x, mask], pred.argmax(1), { name: 'f_pred' });

  const off = pred.dtype === 'float16' ? 1e-6 : 1e-8;
  const cost = T.log(pred.get(T.arange(nSamples), y).add(off)).mean().neg();
  return { trng, useNoise, x, mask, y, fPredProb, fPred, pred, cost };
}

/**
 * adadelta, as the tutorial writes it: f_grad_shared computes the cost and
 * stores the gradients (and their running mean square); f_update takes a
 * step from the stored gradients. lr is an input f_update ignores (adadelta
 * needs none; the tutorial's optimizers share one signature).
 */
export function adadelta(lr: V, tparams: LstmTparams, grads: V[], x: V, mask: V, y: V, cost: V): [sym.SymFunction<sym.NDArray>, sym.SymFunction<sym.NDArray[]>] {
  // theano.shared(p.get_value() * numpy_floatX(0.), name='%s_grad' % k)
  const zerosLike = (k: ParamName, suffix: string) => sym.shared(sym.NDArray.zeros([...tparams[k].getValue().shape], tparams[k].dtype), { name: `${k}_${suffix}` });
  const zippedGrads = PARAM_NAMES.map((k) => zerosLike(k, 'grad'));
  const runningUp2 = PARAM_NAMES.map((k) => zerosLike(k, 'rup2'));
  const runningGrads2 = PARAM_NAMES.map((k) => zerosLike(k, 'rgrad2'));

  const zgup = zippedGrads.map((zg, i): [Shared, V] => [zg, grads[i]!]);
  const rg2up = runningGrads2.map((rg2, i): [Shared, V] => [rg2, rg2.mul(0.95).add(grads[i]!.pow(2).mul(0.05))]);
  const fGradShared = sym.function([x, mask, y], cost, { updates: [...zgup, ...rg2up], name: 'adadelta_f_grad_shared' });

  const updir = zippedGrads.map((zg, i) => T.sqrt(runningUp2[i]!.add(1e-6)).neg().div(T.sqrt(runningGrads2[i]!.add(1e-6))).mul(zg));
  const ru2up = runningUp2.map((ru2, i): [Shared, V] => [ru2, ru2.mul(0.95).add(updir[i]!.pow(2).mul(0.05))]);
  const paramUp = PARAM_NAMES.map((k, i): [Shared, V] => [tparams[k], tparams[k].add(updir[i]!)]);
  const fUpdate = sym.function([lr], [], { updates: [...ru2up, ...paramUp], onUnusedInput: 'ignore', name: 'adadelta_f_update' });
  return [fGradShared, fUpdate];
}

export interface LstmTraining extends LstmModel {
  readonly tparams: LstmTparams;
  /** The cost with the weight decay. */
  readonly cost: V;
  /** The cost's gradients, in PARAM_NAMES's order. */
  readonly grads: V[];
  readonly fCost: sym.SymFunction<sym.NDArray>;
  readonly fGrad: sym.SymFunction<sym.NDArray[]>;
  readonly fGradShared: sym.SymFunction<sym.NDArray>;
  readonly fUpdate: sym.SymFunction<sym.NDArray[]>;
}

/** train_lstm's graph building: the model, the weight decay on U, the gradients and the optimizer's functions. */
export function buildTraining(options: LstmOptions, params: LstmParams): LstmTraining {
  const tparams = initTparams(params);
  const model = buildModel(tparams, options);
  let cost = model.cost;
  if (options.decayC > 0) {
    const decayC = sym.shared(numpyFloatX(options.decayC), { name: 'decay_c' });
    const weightDecay = tparams.U.pow(2).sum().mul(decayC);
    cost = cost.add(weightDecay);
  }
  const { x, mask, y } = model;
  const fCost = sym.function([x, mask, y], cost, { name: 'f_cost' });
  const grads = grad(cost, PARAM_NAMES.map((k) => tparams[k]));
  const fGrad = sym.function([x, mask, y], grads, { name: 'f_grad' });
  const lr = T.scalar('lr');
  const [fGradShared, fUpdate] = adadelta(lr, tparams, grads, x, mask, y, cost);
  return { ...model, tparams, cost, grads, fCost, fGrad, fGradShared, fUpdate };
}

/**
 * prepare_data: pads a minibatch of sequences into x (maxlen, n_samples),
 * int64, and a mask of the same shape in floatX.
 */
export function prepareData(seqs: readonly (readonly number[])[], labels: readonly number[]): { x: sym.NDArray; mask: sym.NDArray; y: sym.NDArray } {
  const nSamples = seqs.length;
  const maxlen = Math.max(...seqs.map((s) => s.length));
  const x = new Array<number>(maxlen * nSamples).fill(0);
  const mask = new Array<number>(maxlen * nSamples).fill(0);
  seqs.forEach((s, idx) =>
    s.forEach((w, t) => {
      x[t * nSamples + idx] = w;
      mask[t * nSamples + idx] = 1;
    }),
  );
  return {
    x: sym.array(x, { dtype: 'int64' }).reshape([maxlen, nSamples]),
    mask: sym.array(mask, { dtype: sym.config.floatX }).reshape([maxlen, nSamples]),
    y: sym.array([...labels], { dtype: 'int64' }),
  };
}
