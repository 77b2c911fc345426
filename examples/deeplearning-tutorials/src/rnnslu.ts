/**
 * Theano's RNN tutorial (rnnslu: slot filling with word embeddings and an
 * Elman network; elman.py's RNNSLU and its `contextwin`), written as its
 * Theano code is: shared embeddings indexed by a matrix of context windows,
 * the recurrence a `scan` over the sentence, the sentence's negative
 * log-likelihood, per-sentence SGD updates with a learning-rate input, and
 * the embeddings' normalisation as an update of its own function.
 *
 * One difference from the tutorial's code: Theano 1.0's `softmax` of a
 * vector pads it to a (1, nc) row, so the tutorial's scan gives s of shape
 * (n, 1, nc) and reads `s[:, 0, :]`; sym's softmax of a vector is a vector
 * (what Theano's warning promised for later releases), so s is already
 * (n, nc) and `s.get(':', 0, ':')` is refused as too many indices.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type V = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

/**
 * contextwin: the window of `win` words around each word of the sentence,
 * padded with -1 (the embeddings' last row) past both ends.
 */
export function contextwin(l: readonly number[], win: number): number[][] {
  if (!Number.isInteger(win) || win < 1 || win % 2 !== 1) throw new RangeError(`contextwin: win must be an odd integer >= 1, got ${win}`);
  const pad = new Array<number>((win - 1) / 2).fill(-1);
  const lpadded = [...pad, ...l, ...pad];
  return l.map((_, i) => lpadded.slice(i, i + win));
}

export interface RnnSluSizes {
  /** Hidden units. */
  readonly nh: number;
  /** Classes (labels). */
  readonly nc: number;
  /** Vocabulary size; the embeddings have one row more, for the padding -1. */
  readonly ne: number;
  /** Embedding size. */
  readonly de: number;
  /** Context window size (odd). */
  readonly cs: number;
}

export class RNNSLU {
  readonly emb: Shared;
  readonly wx: Shared;
  readonly wh: Shared;
  readonly w: Shared;
  readonly bh: Shared;
  readonly b: Shared;
  readonly h0: Shared;
  readonly params: Shared[];
  /** The sentence's label probabilities, (words, nc). */
  readonly pYGivenXSentence: V;
  readonly idxs: V;
  readonly classify: sym.SymFunction<sym.NDArray>;
  readonly sentenceTrain: sym.SymFunction<sym.NDArray>;
  readonly normalize: sym.SymFunction<sym.NDArray[]>;

  constructor(sizes: RnnSluSizes, rng: sym.RandomState) {
    const { nh, nc, ne, de, cs } = sizes;
    const floatX = sym.config.floatX;
    // 0.2 * numpy.random.uniform(-1.0, 1.0, shape).astype(floatX)
    const uniform = (shape: number[]) => sym.array(Float64Array.from(rng.uniform(shape, { low: -1, high: 1 }).data as Float64Array, (v) => 0.2 * v), { dtype: floatX }).reshape(shape);
    const zeros = (n: number) => sym.NDArray.zeros([n], floatX);
    // add one for padding at the end
    this.emb = sym.shared(uniform([ne + 1, de]), { name: 'embeddings' });
    this.wx = sym.shared(uniform([de * cs, nh]), { name: 'wx' });
    this.wh = sym.shared(uniform([nh, nh]), { name: 'wh' });
    this.w = sym.shared(uniform([nh, nc]), { name: 'w' });
    this.bh = sym.shared(zeros(nh), { name: 'bh' });
    this.b = sym.shared(zeros(nc), { name: 'b' });
    this.h0 = sym.shared(zeros(nh), { name: 'h0' });
    // bundle
    this.params = [this.emb, this.wx, this.wh, this.w, this.bh, this.b, this.h0];

    // as many columns as context window size; as many lines as words in the sentence
    const idxs = T.imatrix();
    this.idxs = idxs;
    const x = this.emb.get(idxs).reshape([idxs.shape[0]!, de * cs]);
    const ySentence = T.ivector('y_sentence'); // labels

    const recurrence = (xT: V, hTm1: V): V[] => {
      const hT = T.nnet.sigmoid(T.dot(xT, this.wx).add(T.dot(hTm1, this.wh)).add(this.bh));
      const sT = T.nnet.softmax(T.dot(hT, this.w).add(this.b));
      return [hT, sT];
    };
    const [[, s]] = sym.scan(recurrence, { sequences: x, outputsInfo: [this.h0, null], nSteps: x.shape[0]! });

    // the tutorial's s[:, 0, :] (see the file's comment)
    const pYGivenXSentence = s!;
    this.pYGivenXSentence = pYGivenXSentence;
    const yPred = T.argmax(pYGivenXSentence, 1);

    // cost and gradients and learning rate
    const lr = T.scalar('lr');
    const sentenceNll = T.mean(T.log(pYGivenXSentence).get(T.arange(x.shape[0]!), ySentence)).neg();
    const sentenceGradients = grad(sentenceNll, this.params);
    const sentenceUpdates = this.params.map((p, i): [Shared, V] => [p, p.sub(lr.mul(sentenceGradients[i]!))]);

    // theano functions to compile
    this.classify = sym.function([idxs], yPred, { name: 'classify' });
    this.sentenceTrain = sym.function([idxs, ySentence, lr], sentenceNll, { updates: sentenceUpdates, name: 'sentence_train' });
    this.normalize = sym.function([], null, { updates: [[this.emb, this.emb.div(T.sqrt(this.emb.pow(2).sum(1)).dimshuffle(0, 'x'))]], name: 'normalize' });
  }

  /** One sentence's SGD step, then the normalisation; returns the sentence's nll (before the step). */
  async train(x: readonly number[], y: readonly number[], windowSize: number, learningRate: number): Promise<number> {
    const cwords = contextwin(x, windowSize);
    const words = cwords.map((w) => Int32Array.from(w));
    const labels = y;
    const nll = await this.sentenceTrain(words, labels, learningRate);
    await this.normalize();
    return nll.item();
  }
}
