/**
 * A one-block transformer (token and position embeddings, pre-norm causal
 * self-attention and a feed-forward block, each with a residual, a linear
 * read-out per position) and the task it learns in the tests: at each
 * position, name the token one position back (position 0 names itself).
 * The target is a token the model must find through attention to the
 * previous position, which its position embeddings let it address. Shared
 * by the CPU training test and the WebGPU one (backend-webgpu's tests).
 */
import * as sym from '@sym/graph';
import { Dense } from '../src/dense.js';
import { Embedding } from '../src/embedding.js';
import { LayerNorm } from '../src/layer-norm.js';
import { MultiHeadAttention } from '../src/attention.js';
import { RandomState } from '../src/random.js';
import type { LayerLike, OutputOptions } from '../src/sequential.js';

const T = sym.T;

export const TASK = { vocab: 6, steps: 6, dim: 16, heads: 2 } as const;

/** `count` sequences of random tokens, (count, steps) int32, and each position's target, the token one position back. */
export function previousTokens(rng: RandomState, count: number): { ids: sym.NDArray; targets: sym.NDArray } {
  const ids = rng.randomIntegers(0, TASK.vocab - 1, [count, TASK.steps]).astype('int32');
  const targets = ids.copy();
  for (let n = 0; n < count; n++) for (let t = 1; t < TASK.steps; t++) targets.data[n * TASK.steps + t] = ids.data[n * TASK.steps + t - 1]!;
  return { ids, targets };
}

export class TinyTransformer implements LayerLike {
  readonly tokens: Embedding;
  readonly positions: Embedding;
  readonly norm1: LayerNorm;
  readonly attention: MultiHeadAttention;
  readonly norm2: LayerNorm;
  readonly hidden: Dense;
  readonly back: Dense;
  readonly readOut: Dense;
  readonly params: readonly sym.TensorSharedVariable[];

  constructor(seed: number, options: { dropout?: number } = {}) {
    const rng = new RandomState(seed);
    const { vocab, steps, dim, heads } = TASK;
    this.tokens = Embedding.create(vocab, dim, { rng, name: 'tokens' });
    this.positions = Embedding.create(steps, dim, { rng, name: 'positions' });
    this.norm1 = new LayerNorm(dim, { name: 'norm1' });
    this.attention = MultiHeadAttention.create(dim, heads, { rng, name: 'attention', causal: true, ...(options.dropout ? { dropout: options.dropout, seed: seed } : {}) });
    this.norm2 = new LayerNorm(dim, { name: 'norm2' });
    this.hidden = Dense.create(dim, 4 * dim, { rng, activation: 'relu', name: 'hidden' });
    this.back = Dense.create(4 * dim, dim, { rng, name: 'back' });
    this.readOut = Dense.create(dim, vocab, { rng, name: 'readOut' });
    const layers = [this.tokens, this.positions, this.norm1, this.attention, this.norm2, this.hidden, this.back, this.readOut];
    this.params = layers.flatMap((l) => l.params);
  }

  /** Each token's embedding plus its position's, (batch, steps, dim): what the block takes. */
  embedded(ids: sym.TensorVariable): sym.TensorVariable {
    const where = T.arange(ids.shape[1]!).astype('int32');
    return this.tokens.output(ids).add(this.positions.output(where).dimshuffle('x', 0, 1));
  }

  /** The logits of every position, (batch, steps, vocab), for ids (batch, steps). */
  output(ids: sym.TensorVariable, options: OutputOptions = {}): sym.TensorVariable {
    const x = this.embedded(ids);
    const h = x.add(this.attention.output(this.norm1.output(x), options));
    const ff = this.back.output(this.hidden.output(this.norm2.output(h)));
    return this.readOut.output(h.add(ff));
  }

  /** The mean cross-entropy of the logits against the targets (batch, steps), and the fraction of positions right. */
  loss(ids: sym.TensorVariable, targets: sym.TensorVariable, options: OutputOptions = {}): { cost: sym.TensorVariable; accuracy: sym.TensorVariable } {
    const logits = this.output(ids, options).reshape([-1, TASK.vocab]);
    const flat = targets.flatten();
    const cost = T.mean(T.nnet.categoricalCrossentropy(T.softmax(logits), flat));
    const accuracy = T.mean(T.eq(T.argmax(logits, { axis: 1 }), flat), { dtype: sym.config.floatX });
    return { cost, accuracy };
  }
}
