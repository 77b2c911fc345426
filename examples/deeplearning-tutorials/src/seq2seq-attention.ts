/**
 * A sequence-to-sequence model with additive attention (Bahdanau, Cho &
 * Bengio 2015), written as the Theano NMT code of the time (dl4mt,
 * GroundHog) wrote it, only smaller: token embeddings indexed by integer
 * matrices (time x batch), a tanh RNN encoder as a `scan` over the source,
 * the attention's source projection computed once outside the decoder, and
 * a decoder `scan` over the target inputs (teacher forcing) whose step
 * takes the previous state, scores every source position with
 * `v . tanh(U h_j + W s)`, takes the softmax over source positions, the
 * context as the weighted sum of the annotations, the next state and the
 * softmax over the vocabulary. The cost is the mean categorical
 * cross-entropy of the target outputs.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface Seq2SeqSizes {
  vocabulary: number;
  embedding: number;
  hidden: number;
  attention: number;
}

/** The parameters, in this order: embeddings, encoder, decoder's initial state, attention, decoder, read-out. */
export const SEQ2SEQ_PARAM_NAMES = ['Es', 'Et', 'Wx', 'Wh', 'bh', 'Wi', 'Wa', 'Ua', 'va', 'Wy', 'Us', 'Cs', 'bs', 'Wo', 'bo'] as const;

export class Seq2SeqAttention {
  readonly params: Shared[];
  /** Source tokens, target inputs and target outputs: int32 matrices, time x batch. */
  readonly source = T.imatrix('source');
  readonly targetIn = T.imatrix('targetIn');
  readonly targetOut = T.imatrix('targetOut');

  constructor(readonly sizes: Seq2SeqSizes) {
    const { vocabulary: V, embedding: E, hidden: H, attention: A } = sizes;
    const shapes = [[V, E], [V, E], [E, H], [H, H], [H], [H, H], [H, A], [H, A], [A], [E, H], [H, H], [H, H], [H], [H, V], [V]];
    // deterministic weights 0.5 sin(1.3 i + k + 1), so that a NumPy reference builds the same ones
    this.params = shapes.map((shape, k) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = sym.array(Array.from({ length: size }, (_, i) => 0.5 * Math.sin(i * 1.3 + k + 1)), { dtype: sym.config.floatX });
      return sym.shared(values.reshape(shape), { name: SEQ2SEQ_PARAM_NAMES[k] });
    });
  }

  /** [the mean cross-entropy, the attention weights (target time x batch x source time)]. */
  cost(): [TensorVariable, TensorVariable] {
    const [Es, Et, Wx, Wh, bh, Wi, Wa, Ua, va, Wy, Us, Cs, bs, Wo, bo] = this.params as Shared[];
    const batch = this.source.shape[1];
    const [annotations] = sym.scan((x: TensorVariable, h: TensorVariable) => T.tanh(T.dot(x, Wx!).add(T.dot(h, Wh!)).add(bh!)), {
      sequences: Es!.get(this.source),
      outputsInfo: T.zeros([batch, this.sizes.hidden]),
      name: 'encoder',
    });
    const projected = T.dot(annotations, Ua!); // source time x batch x attention
    const s0 = T.tanh(T.dot(annotations.get(-1), Wi!));
    const [[, probabilities, weights]] = sym.scan(
      (y: TensorVariable, previous: TensorVariable, hs: TensorVariable, uh: TensorVariable) => {
        const scores = T.dot(T.tanh(uh.add(T.dot(previous, Wa!).dimshuffle('x', 0, 1))), va!); // source time x batch
        const alpha = T.nnet.softmax(scores.T); // batch x source time
        const context = T.sum(alpha.T.dimshuffle(0, 1, 'x').mul(hs), { axis: 0 });
        const state = T.tanh(T.dot(y, Wy!).add(T.dot(previous, Us!)).add(T.dot(context, Cs!)).add(bs!));
        return [state, T.nnet.softmax(T.dot(state, Wo!).add(bo!)), alpha];
      },
      { sequences: Et!.get(this.targetIn), outputsInfo: [s0, null, null], nonSequences: [annotations, projected], name: 'decoder' },
    );
    const steps = this.targetOut.shape[0];
    const flat = probabilities!.reshape([steps.mul(batch), this.sizes.vocabulary]);
    return [T.mean(T.nnet.categoricalCrossentropy(flat, T.flatten(this.targetOut))), weights!];
  }

  /** [cost, attention weights, the gradient of every parameter] of a batch. */
  build() {
    const [cost, weights] = this.cost();
    return sym.function([this.source, this.targetIn, this.targetOut], [cost, weights, ...grad(cost, this.params)]);
  }
}
