/**
 * A character-level LSTM language model written with @sym/nn's layers and
 * updates (not raw Theano): an `Embedding` of the characters, an `LSTM`
 * returning every step's state, a `Dense` read-out to the next character's
 * logits at each position, the mean cross-entropy, gradients clipped by
 * their global norm (`totalNormConstraint`, Lasagne's) and `adam`.
 *
 * Trained by truncated backpropagation through time: a long stream is cut
 * into chunks of `steps` characters, each batch row a stream of its own;
 * the LSTM's states after a chunk (`outputWithState`, Keras's
 * `return_state`) are kept in two shared variables that the training
 * function updates with the parameters, and the next chunk starts from
 * them. The gradient stops at each chunk's start (a shared variable is a
 * constant to `grad`), which is what "truncated" means.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { Dense, Embedding, LSTM, RandomState, adam, sparseCategoricalCrossentropyWithLogits, totalNormConstraint, type Update } from '@sym/nn';

const T = sym.T;

export interface CharLstmSizes {
  /** Characters in the alphabet. */
  readonly vocab: number;
  /** Width of a character's embedding. */
  readonly embed: number;
  /** LSTM units. */
  readonly hidden: number;
  /** Streams read side by side (rows of a chunk). */
  readonly batch: number;
}

export interface TrainOptions {
  readonly learningRate: number;
  /** The global norm the gradients are clipped to. */
  readonly maxNorm: number;
}

export class CharLstm {
  readonly embedding: Embedding;
  readonly lstm: LSTM;
  readonly readOut: Dense;
  readonly params: readonly sym.TensorSharedVariable[];
  /** The states carried from one chunk to the next, (batch, hidden): updated by the training function. */
  readonly hState: sym.TensorSharedVariable;
  readonly cState: sym.TensorSharedVariable;

  constructor(
    readonly sizes: CharLstmSizes,
    seed: number,
  ) {
    const rng = new RandomState(seed);
    const { vocab, embed, hidden, batch } = sizes;
    this.embedding = Embedding.create(vocab, embed, { rng, name: 'chars' });
    this.lstm = LSTM.create(embed, hidden, { rng, returnSequences: true, name: 'lstm' });
    this.readOut = Dense.create(hidden, vocab, { rng, name: 'readOut' });
    this.params = [...this.embedding.params, ...this.lstm.params, ...this.readOut.params];
    const zeros = () => sym.NDArray.zeros([batch, hidden], sym.config.floatX);
    this.hState = sym.shared(zeros(), { name: 'hState' });
    this.cState = sym.shared(zeros(), { name: 'cState' });
  }

  /**
   * For ids (batch, steps) and each position's next character: the mean
   * cross-entropy, the logits (batch, steps, vocab), and the LSTM's states
   * after the chunk. The chunk starts from h0 and c0 (default the carried ones).
   */
  loss(
    ids: sym.TensorVariable,
    targets: sym.TensorVariable,
    start: { h0?: sym.TensorLike; c0?: sym.TensorLike } = {},
  ): { cost: sym.TensorVariable; logits: sym.TensorVariable; h: sym.TensorVariable; c: sym.TensorVariable } {
    const { output, h, c } = this.lstm.outputWithState(this.embedding.output(ids), { h0: start.h0 ?? this.hState, c0: start.c0 ?? this.cState });
    const logits = this.readOut.output(output);
    return { cost: sparseCategoricalCrossentropyWithLogits(logits, targets), logits, h, c };
  }

  /** The training function: one chunk's cost, clipped Adam on the parameters, and the carried states moved to the chunk's end. */
  trainer(options: TrainOptions): { train: sym.SymFunction<sym.NDArray>; updates: Update[] } {
    const ids = T.imatrix('ids');
    const targets = T.imatrix('targets');
    const { cost, h, c } = this.loss(ids, targets);
    const clipped = totalNormConstraint(grad(cost, [...this.params]), options.maxNorm);
    const updates: Update[] = [
      ...adam(clipped, this.params, { learningRate: options.learningRate }),
      [this.hState, h],
      [this.cState, c],
    ];
    return { train: sym.function([ids, targets], cost, { updates }), updates };
  }

  /** Starts every stream afresh: the carried states back to zeros. */
  resetState(): void {
    for (const s of [this.hState, this.cState]) s.setValue(sym.NDArray.zeros([this.sizes.batch, this.sizes.hidden], sym.config.floatX));
  }
}

/** A periodic stream over `vocab` characters: `pattern` repeated to `length`, started at `offset`. */
export function periodicStream(pattern: readonly number[], length: number, offset = 0): number[] {
  return Array.from({ length }, (_, i) => pattern[(i + offset) % pattern.length]!);
}

/**
 * Chunk k of `steps` characters from each stream (one stream per row): the
 * ids, characters [k steps, (k + 1) steps), and the targets, each one's
 * next character. int32 (batch, steps).
 */
export function chunk(streams: readonly (readonly number[])[], k: number, steps: number): { ids: sym.NDArray; targets: sym.NDArray } {
  const rows = (shift: number) => streams.map((s) => Array.from({ length: steps }, (_, t) => s[k * steps + t + shift]!));
  return { ids: sym.array(rows(0), { dtype: 'int32' }), targets: sym.array(rows(1), { dtype: 'int32' }) };
}
