/**
 * The deeplearning.net tutorial rnnslu (Recurrent Neural Networks with Word
 * Embeddings; elman.py) written on sym as a Theano user ports it: word
 * embeddings as a shared matrix indexed by a matrix of context windows,
 * an Elman RNN as a scan over the sentence, argmax predictions, the
 * sentence-level negative log-likelihood and its SGD updates, and the
 * embeddings' normalisation. One step is checked against plain TypeScript
 * (rnnslu-reference.ts: backpropagation through time by hand); a toy
 * tagging task, whose labels need the previous word, is learnt.
 *
 * Runs in float64 and float32 (floatX); with SYM_FLAGS=floatX=float32 (a
 * device without float64) in float32 only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { RandomState } from '../src/random.js';
import { classify, contextwin, elmanStep, type ElmanParams, type ElmanSizes } from './rnnslu-reference.js';

const T = sym.T;
type V = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

// ------------------------------------------------------------ elman.py, ported

class RNNSLU {
  readonly emb: Shared;
  readonly wx: Shared;
  readonly wh: Shared;
  readonly w: Shared;
  readonly bh: Shared;
  readonly b: Shared;
  readonly h0: Shared;
  readonly params: Shared[];
  readonly classify: sym.SymFunction<sym.NDArray>;
  readonly sentenceTrain: sym.SymFunction<sym.NDArray>;
  readonly normalize: sym.SymFunction<sym.NDArray[]>;

  /** nh: hidden units; nc: classes; ne: vocabulary size; de: embedding size; cs: context window size. */
  constructor(nh: number, nc: number, ne: number, de: number, cs: number, rng: RandomState) {
    const floatX = sym.config.floatX;
    // 0.2 * numpy.random.uniform(-1.0, 1.0, shape).astype(floatX)
    const uniform = (shape: number[]) => sym.array(rng.uniform(shape, { low: -1, high: 1 }).data.map((v) => 0.2 * v), { dtype: floatX }).reshape(shape);
    const zeros = (n: number) => sym.NDArray.zeros([n], floatX);
    this.emb = sym.shared(uniform([ne + 1, de]), { name: 'embeddings' }); // add one for padding at the end
    this.wx = sym.shared(uniform([de * cs, nh]), { name: 'wx' });
    this.wh = sym.shared(uniform([nh, nh]), { name: 'wh' });
    this.w = sym.shared(uniform([nh, nc]), { name: 'w' });
    this.bh = sym.shared(zeros(nh), { name: 'bh' });
    this.b = sym.shared(zeros(nc), { name: 'b' });
    this.h0 = sym.shared(zeros(nh), { name: 'h0' });
    this.params = [this.emb, this.wx, this.wh, this.w, this.bh, this.b, this.h0];

    const idxs = T.imatrix();
    const x = this.emb.get(idxs).reshape([idxs.shape[0], de * cs]);
    const ySentence = T.ivector('y_sentence'); // labels

    const recurrence = (xT: V, hTm1: V): V[] => {
      const hT = T.nnet.sigmoid(T.dot(xT, this.wx).add(T.dot(hTm1, this.wh)).add(this.bh));
      const sT = T.nnet.softmax(T.dot(hT, this.w).add(this.b));
      return [hT, sT];
    };
    const [[, s]] = sym.scan(recurrence, { sequences: x, outputsInfo: [this.h0, null], nSteps: x.shape[0] });

    // Theano 1.0's softmax pads a vector to a (1, nc) row (with a warning that it will return a vector), so the
    // tutorial reads s[:, 0, :]; sym's softmax of a vector is a vector, and s is already (n, nc).
    const pYGivenXSentence = s!;
    const yPred = T.argmax(pYGivenXSentence, { axis: 1 });

    // cost and gradients and learning rate
    const lr = T.scalar('lr');
    const sentenceNll = T.mean(T.log(pYGivenXSentence).get(T.arange(x.shape[0]), ySentence)).neg();
    const sentenceGradients = grad(sentenceNll, this.params);
    const sentenceUpdates = this.params.map((p, i): [Shared, V] => [p, p.sub(lr.mul(sentenceGradients[i]!))]);

    this.classify = sym.function([idxs], yPred);
    this.sentenceTrain = sym.function([idxs, ySentence, lr], sentenceNll, { updates: sentenceUpdates });
    this.normalize = sym.function([], [], { updates: [[this.emb, this.emb.div(T.sqrt(this.emb.pow(2).sum({ axis: 1 })).dimshuffle(0, 'x'))]] });
  }

  async train(x: readonly number[], y: readonly number[], windowSize: number, learningRate: number): Promise<number> {
    const cwords = contextwin(x, windowSize);
    const words = cwords.map((w) => Int32Array.from(w));
    const labels = Int32Array.from(y);
    const nll = await this.sentenceTrain(words, labels, learningRate);
    await this.normalize();
    return nll.item();
  }
}

// ------------------------------------------------------------ a toy tagging task

const sizes: ElmanSizes = { ne: 12, de: 4, cs: 3, nh: 10, nc: 3 };

/**
 * Sentences of 3 to 8 words; a word's label is its index mod 3, shifted by
 * one after word 0 (a negation): the label needs the context, not only the
 * word. (Park-Miller, not the generators under test.)
 */
function toySentences(count: number, seed: number): { words: number[]; labels: number[] }[] {
  let st = seed;
  const r = () => ((st = (st * 16807) % 2147483647), st / 2147483647);
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: 3 + Math.floor(r() * 6) }, () => Math.floor(r() * sizes.ne));
    const labels = words.map((w, t) => (w % 3 + (t > 0 && words[t - 1] === 0 ? 1 : 0)) % 3);
    return { words, labels };
  });
}

/** A shared variable's value, read back from whichever device holds it (get_value on a device with asynchronous reads). */
const values = async (s: Shared) => Float64Array.from((await s.getValueAsync()).data);
const paramValues = async (m: RNNSLU): Promise<ElmanParams> => ({ emb: await values(m.emb), wx: await values(m.wx), wh: await values(m.wh), w: await values(m.w), bh: await values(m.bh), b: await values(m.b), h0: await values(m.h0) });
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(b, (w, i) => Math.abs(a[i]! - w) / Math.max(1, Math.abs(w))).reduce((m, e) => Math.max(m, e), 0);

describe('contextwin', () => {
  it('gives the tutorial\'s windows, padded with -1', () => {
    expect(contextwin([0, 1, 2, 3, 4], 3)).toEqual([[-1, 0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, -1]]);
    expect(contextwin([0, 1, 2, 3, 4], 7)).toEqual([
      [-1, -1, -1, 0, 1, 2, 3],
      [-1, -1, 0, 1, 2, 3, 4],
      [-1, 0, 1, 2, 3, 4, -1],
      [0, 1, 2, 3, 4, -1, -1],
      [1, 2, 3, 4, -1, -1, -1],
    ]);
    expect(contextwin([5], 1)).toEqual([[5]]);
    expect(() => contextwin([0, 1], 2)).toThrow('contextwin: the window must be an odd integer >= 1, got 2');
  });
});

const floatXs: sym.FloatDType[] = sym.config.floatX === 'float64' ? ['float64', 'float32'] : [sym.config.floatX as sym.FloatDType];

describe.each(floatXs)('elman.py (rnnslu), floatX=%s', (floatX) => {
  const saved = sym.config.floatX;
  beforeAll(() => void (sym.config.floatX = floatX));
  afterAll(() => void (sym.config.floatX = saved));
  // float32: measured 5e-8 (float32 steps against float64 ones from the same rounded weights)
  const tol = floatX === 'float64' ? 1e-12 : 5e-7;

  it('one sentence_train + normalize equals backpropagation through time by hand; classify is the argmax', async () => {
    const m = new RNNSLU(sizes.nh, sizes.nc, sizes.ne, sizes.de, sizes.cs, new RandomState(3));
    // word 11 twice, and -1 (the padding row) at both ends: the embeddings' gradient adds up repeated rows
    const sentence = { words: [11, 0, 4, 11, 7, 2], labels: [2, 2, 1, 2, 1, 2] };
    const windows = contextwin(sentence.words, sizes.cs);
    const before = await paramValues(m);
    expect(Array.from((await m.classify(windows)).data)).toEqual(classify(before, sizes, windows));
    const ref = elmanStep(before, sizes, windows, sentence.labels, 0.5);
    const nll = (await m.sentenceTrain(windows, sentence.labels, 0.5)).item();
    expect(Math.abs(nll - ref.nll) / ref.nll).toBeLessThan(tol);
    expect(maxRel(await values(m.emb), ref.trained)).toBeLessThan(tol);
    // the padding row and the repeated word moved
    for (const r of [sizes.ne, 11]) expect(ref.grads.emb.subarray(r * sizes.de, (r + 1) * sizes.de).some((g) => g !== 0)).toBe(true);
    await m.normalize();
    const after = await paramValues(m);
    for (const k of Object.keys(ref.next) as (keyof ElmanParams)[]) expect(maxRel(after[k], ref.next[k]), k).toBeLessThan(tol);
    expect(Array.from((await m.classify(windows)).data)).toEqual(classify(after, sizes, windows));
  });

  it('learns the toy tagging task: the training error falls from chance to a few percent, and test error follows', async () => {
    const m = new RNNSLU(sizes.nh, sizes.nc, sizes.ne, sizes.de, sizes.cs, new RandomState(5));
    const train = toySentences(60, 11);
    const test = toySentences(30, 97);
    const errorRate = async (set: typeof train) => {
      let wrong = 0;
      let total = 0;
      for (const { words, labels } of set) {
        const pred = (await m.classify(contextwin(words, sizes.cs))).data;
        labels.forEach((l, t) => (wrong += Number(pred[t]) === l ? 0 : 1));
        total += labels.length;
      }
      return wrong / total;
    };
    const errors = [await errorRate(train)];
    const epochNll: number[] = [];
    for (let epoch = 0; epoch < 20; epoch++) {
      let nll = 0;
      for (const { words, labels } of train) nll += await m.train(words, labels, sizes.cs, 0.5);
      epochNll.push(nll / train.length);
      errors.push(await errorRate(train));
    }
    expect(errors[0]!).toBeGreaterThan(0.4);
    expect(errors.at(-1)!).toBeLessThan(0.1);
    expect(epochNll.at(-1)!).toBeLessThan(0.3 * epochNll[0]!);
    expect(await errorRate(test)).toBeLessThan(0.2);
    // each call of train left every embedding of unit length
    const emb = await values(m.emb);
    for (let r = 0; r <= sizes.ne; r++) expect(Math.hypot(...emb.subarray(r * sizes.de, (r + 1) * sizes.de))).toBeCloseTo(1, floatX === 'float64' ? 12 : 6);
  });
});
