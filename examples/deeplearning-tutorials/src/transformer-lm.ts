/**
 * A tiny Transformer language model written with @sym/nn's layers: token
 * and position `Embedding`s, one pre-norm block (`LayerNorm`, causal
 * `MultiHeadAttention`, a residual; `LayerNorm`, a relu `Dense` and a
 * `Dense` back, a residual) and a `Dense` read-out to each position's
 * next-token logits, trained with `adam` on the mean cross-entropy.
 *
 * Causal: position t attends to positions <= t only, so its logits do not
 * depend on the tokens after it, and one forward pass over a sequence
 * trains every position's prediction at once.
 */
import * as sym from '@sym/graph';
import { Dense, Embedding, LayerNorm, MultiHeadAttention, RandomState, sparseCategoricalCrossentropyWithLogits } from '@sym/nn';

const T = sym.T;

export interface TransformerSizes {
  readonly vocab: number;
  /** The longest sequence (rows of the position table). */
  readonly steps: number;
  /** Model width. */
  readonly dim: number;
  readonly heads: number;
  /** Width of the feed-forward block's hidden layer. */
  readonly ff: number;
}

export class TransformerLM {
  readonly tokens: Embedding;
  readonly positions: Embedding;
  readonly norm1: LayerNorm;
  readonly attention: MultiHeadAttention;
  readonly norm2: LayerNorm;
  readonly hidden: Dense;
  readonly back: Dense;
  readonly readOut: Dense;
  readonly params: readonly sym.TensorSharedVariable[];

  constructor(
    readonly sizes: TransformerSizes,
    seed: number,
  ) {
    const rng = new RandomState(seed);
    const { vocab, steps, dim, heads, ff } = sizes;
    this.tokens = Embedding.create(vocab, dim, { rng, name: 'tokens' });
    this.positions = Embedding.create(steps, dim, { rng, name: 'positions' });
    this.norm1 = new LayerNorm(dim, { name: 'norm1' });
    this.attention = MultiHeadAttention.create(dim, heads, { rng, causal: true, name: 'attention' });
    this.norm2 = new LayerNorm(dim, { name: 'norm2' });
    this.hidden = Dense.create(dim, ff, { rng, activation: 'relu', name: 'hidden' });
    this.back = Dense.create(ff, dim, { rng, name: 'back' });
    this.readOut = Dense.create(dim, vocab, { rng, name: 'readOut' });
    this.params = [this.tokens, this.positions, this.norm1, this.attention, this.norm2, this.hidden, this.back, this.readOut].flatMap((l) => l.params);
  }

  /**
   * The logits (batch, steps, vocab) of each position's next token, and the
   * attention weights (batch, heads, steps, steps), for ids (batch, steps).
   * `causal: false` lifts the mask (for a test to see that it mattered).
   */
  forward(ids: sym.TensorVariable, options: { causal?: boolean } = {}): { logits: sym.TensorVariable; weights: sym.TensorVariable } {
    const where = T.arange(0, ids.shape[1]!, 1, { dtype: 'int32' });
    const x = this.tokens.output(ids).add(this.positions.output(where).dimshuffle('x', 0, 1));
    const { output, weights } = this.attention.attend(this.norm1.output(x), { causal: options.causal ?? true });
    const h = x.add(output);
    const y = h.add(this.back.output(this.hidden.output(this.norm2.output(h))));
    return { logits: this.readOut.output(y), weights };
  }

  /** The mean cross-entropy over every position against targets (batch, steps), with the logits. */
  loss(ids: sym.TensorVariable, targets: sym.TensorVariable): { cost: sym.TensorVariable; logits: sym.TensorVariable } {
    const { logits } = this.forward(ids);
    return { cost: sparseCategoricalCrossentropyWithLogits(logits, targets), logits };
  }
}

/**
 * `count` sequences that repeat: `period` random tokens, then the same
 * tokens again, `2 period` in all. The model reads all but the last and
 * predicts each next token; from position `period - 1` on, the next
 * token is the one `period` back, which attention can find.
 */
export function repeatedSequences(rng: RandomState, count: number, vocab: number, period: number): { ids: sym.NDArray; targets: sym.NDArray } {
  const seqs = Array.from({ length: count }, () => {
    const half = Array.from(rng.randomIntegers(0, vocab - 1, [period]).data, Number);
    return [...half, ...half];
  });
  return {
    ids: sym.array(seqs.map((s) => s.slice(0, -1)), { dtype: 'int32' }),
    targets: sym.array(seqs.map((s) => s.slice(1)), { dtype: 'int32' }),
  };
}
