/**
 * `Embedding`: Keras's `Embedding(input_dim, output_dim)` and PyTorch's
 * `nn.Embedding(num_embeddings, embedding_dim)`, Lasagne's
 * `EmbeddingLayer` and the tutorial's `Wemb[x]`. Integer ids of any shape
 * pick rows of a (inputDim, outputDim) weight matrix: ids of shape
 * (batch, steps) give (batch, steps, outputDim). The lookup is
 * `W.get(ids)` (AdvancedSubtensor1), so the gradient with respect to W is
 * a scatter-add into the rows the ids name (an id used twice adds twice),
 * never a dense product with one-hot vectors.
 */
import { NDArray, T, TensorConstant, checkOptionNames, config, isInt, shapeToString, shared, type ArrayLike, type StaticShape, type TensorLike, type TensorSharedVariable, type TensorVariable } from '@sym/graph';
import { resolveInitializer, type Initializer, type InitializerName } from './init.js';
import { defaultRandomState, type RandomState } from './random.js';
import type { LayerLike, OutputOptions } from './sequential.js';
import { checkInputShape } from './shapes.js';
import { toArray } from './weights.js';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  /** Name of the shared variable: `${name}.W` (default plain `W`, as `Layer`). */
  name?: string;
}

/** How {@link Embedding.create} draws the table. */
export interface EmbeddingInitOptions {
  /**
   * Draws the (inputDim, outputDim) table as it is stored, one row per id
   * (default `normal(1)`: N(0, 1), PyTorch's; Keras draws U(-0.05, 0.05)).
   */
  init?: Initializer | InitializerName;
  /** Where the table comes from (default {@link defaultRandomState}, which it advances). */
  rng?: RandomState;
}

export class Embedding implements LayerLike {
  /** The table, (inputDim, outputDim): row i is the vector of id i. */
  readonly W: TensorSharedVariable;
  /** The parameters the cost is differentiated against: [W]. */
  readonly params: readonly TensorSharedVariable[];
  /** The params a weight penalty applies to: [W], as Lasagne's EmbeddingLayer. */
  readonly regularizable: readonly TensorSharedVariable[];
  /** How many ids there are: ids are integers in [0, inputDim). */
  readonly inputDim: number;
  /** The length of each id's vector. */
  readonly outputDim: number;

  /** @param WInit the table, shape (inputDim, outputDim) (Keras's `embeddings`, PyTorch's `weight`); stored as floatX. */
  constructor(WInit: ArrayLike, options: EmbeddingOptions = {}) {
    checkOptionNames(options, 'Embedding', ['name']);
    const W = toArray(WInit, 'Embedding: W_init');
    if (W.ndim !== 2 || W.shape[0] === 0) {
      throw new TypeError(`Embedding: W_init must be a matrix of shape (inputDim, outputDim) with at least one row, got shape ${shapeToString(W.shape)}`);
    }
    [this.inputDim, this.outputDim] = W.shape as [number, number];
    const prefix = options.name ? `${options.name}.` : '';
    this.W = shared(W.astype(config.floatX), { name: `${prefix}W`, borrow: true });
    this.params = [this.W];
    this.regularizable = [this.W];
  }

  /** A table of `inputDim` rows of `outputDim` entries drawn by `init` (default N(0, 1)) from `rng`. */
  static create(inputDim: number, outputDim: number, options: EmbeddingOptions & EmbeddingInitOptions = {}): Embedding {
    checkOptionNames(options, 'Embedding.create', ['name', 'init', 'rng']);
    for (const [n, label] of [[inputDim, 'inputDim'], [outputDim, 'outputDim']] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Embedding.create: ${label} must be a positive integer, got ${String(n)}`);
    }
    const init = resolveInitializer(options.init ?? 'normal', 'Embedding.create: init');
    const W: NDArray = init([inputDim, outputDim], options.rng ?? defaultRandomState(), config.floatX);
    return new Embedding(W, { name: options.name });
  }

  /** The ids' shape S (any rank) followed by `outputDim`: S + (outputDim,). */
  outputShape(inputShape: StaticShape): StaticShape {
    return [...checkInputShape('Embedding.outputShape', inputShape, '(the ids\' shape, any rank)', () => true), this.outputDim];
  }

  /**
   * The rows of W the ids name: ids of shape S give S + (outputDim,).
   * `ids` is an integer tensor, or values (then a constant). Ids are
   * integers in [0, inputDim): known ones (a constant) are checked here;
   * ids given to the function are checked before the call (W.get's
   * CheckIndex: NumPy's IndexError, no update made); ids computed on the
   * device are checked by a flag kernel the call reads before it commits
   * anything (the same IndexError; a negative one counts from the end, as
   * NumPy's index). The layer is the same in training and inference.
   */
  output(ids: TensorLike, options: OutputOptions = {}): TensorVariable {
    checkOptionNames(options, 'Embedding.output', ['training']);
    const x = T.asTensor(ids, 'Embedding.output: ids');
    if (!isInt(x.dtype)) {
      throw new TypeError(`Embedding.output: ids must be an integer tensor (one id per position), got ${x.toString()} of type ${x.type}`);
    }
    if (x instanceof TensorConstant) this.#checkIds(x.value, x.name ?? `(a constant of shape ${shapeToString(x.value.shape)})`);
    return this.W.get(x);
  }

  #checkIds(ids: NDArray, what: string): void {
    for (let k = 0; k < ids.size; k++) {
      const id = Number(ids.data[k]);
      if (id < 0 || id >= this.inputDim) {
        const at = ids.ndim === 0 ? '' : ` at flat position ${k}`;
        throw new RangeError(`Embedding.output: ids ${what} holds ${id}${at}, outside [0, ${this.inputDim}) (the table ${this.W.toString()} has ${this.inputDim} rows)`);
      }
    }
  }
}
