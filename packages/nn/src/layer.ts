/**
 * The tutorial's `Layer` and `MLP`: layers compute `s(W x + b)` with the
 * column-vector convention (x is (nInput, examples)), W and b are shared
 * variables, and b is a (nOutput, 1) column that broadcasts over examples.
 */
import { MatchLength, NDArray, nameInError, T, apply1, checkOptionNames, config, shapeToString, type ArrayLike, type StaticShape, type TensorVariable } from '@sym/graph';
import type { Activation, ActivationName } from './activations.js';
import { initialize, type Initializer, type InitializerName } from './init.js';
import { defaultRandomState, type RandomState } from './random.js';
import { Sequential } from './sequential.js';
import { checkInputShape, checkLength } from './shapes.js';
import { AffineLayer, checkSizes } from './weights.js';

/** An activation as layers take it: a function, a name, or null/undefined for none (linear). */
export type ActivationSpec = Activation | ActivationName | null | undefined;

/** The options of the layers' factories (Layer.dense, Dense.create, MLP.fromSizes): a misspelt one is an error, not a silent default. */
export const CREATE_OPTIONS = ['name', 'activation', 'init', 'bias', 'rng'];

/** Options of {@link Layer}'s constructor. */
export interface LayerOptions {
  /** Names of the shared variables: `${name}.W`, `${name}.b` (default `W`, `b` as in the tutorial). */
  name?: string;
}

export class Layer extends AffineLayer {
  /**
   * @param WInit values of the weight matrix, shape (nOutput, nInput); stored as floatX.
   * @param bInit values of the bias vector, shape (nOutput,); stored as a broadcastable (nOutput, 1) column.
   * @param activation applied to `W x + b`; null or 'linear' for none.
   */
  constructor(WInit: ArrayLike, bInit: ArrayLike, activation: ActivationSpec, options: LayerOptions = {}) {
    checkOptionNames(options, 'Layer', ['name']);
    super('Layer', 'columns', WInit, bInit, activation, options.name);
  }

  /**
   * A dense layer with initialised weights: `init` (default Glorot uniform)
   * draws W from `rng`, and every bias starts at `bias` (default 0). Without
   * an `rng` the weights come from {@link defaultRandomState}, which each
   * such layer advances: two layers made alike still differ.
   */
  static dense(
    nInput: number,
    nOutput: number,
    options: LayerOptions & { activation?: ActivationSpec; init?: Initializer | InitializerName; bias?: number; rng?: RandomState } = {},
  ): Layer {
    checkOptionNames(options, 'Layer.dense', CREATE_OPTIONS);
    checkSizes('Layer.dense', nInput, nOutput);
    const rng = options.rng ?? defaultRandomState();
    const W = initialize(options.init ?? 'glorotUniform', [nOutput, nInput], rng);
    const b = NDArray.zeros([nOutput], config.floatX);
    b.data.fill(options.bias ?? 0);
    return new Layer(W, b, options.activation, { name: options.name });
  }

  /** (nOutput, examples) for an input (nInput, examples), (nOutput,) for a column (nInput,): one example per column. */
  outputShape(inputShape: StaticShape): StaticShape {
    const what = 'Layer.outputShape';
    const shape = checkInputShape(what, inputShape, `(${this.nInput}, examples) or (${this.nInput},)`, (n) => n === 1 || n === 2);
    checkLength(what, shape, 0, this.nInput, 'features');
    return [this.nOutput, ...shape.slice(1)];
  }

  /** The symbolic output `s(W x + b)` for a symbolic input x of shape (nInput, examples). */
  output(x: TensorVariable): TensorVariable {
    if (x.ndim !== 1 && x.ndim !== 2) {
      throw new TypeError(`Layer.output: x must be a column vector or a (n_input, examples) matrix, got ${x.toString()} of type ${x.type}`);
    }
    // checked here, so that a wrong input names the layer rather than dot's operands
    const checked = apply1(
      new MatchLength(0, 1, (xs) => `Layer.output: x ${nameInError(x)} of shape ${shapeToString(xs)} must have ${this.nInput} features in its first axis (one example per column)`, 'Layer input'),
      [x, this.W],
    );
    const lin = T.dot(this.W, checked).add(x.ndim === 1 ? this.b.flatten() : this.b);
    return this.activation ? this.activation(lin) : lin;
  }
}

/** Options of {@link MLP}'s constructor. */
export interface MLPOptions {
  /** Name prefix of the layers' shared variables (layer i is `${name}i`); by default the tutorial's plain W and b. */
  name?: string;
}

/** The tutorial's MLP layers, checked to chain: each takes as many inputs as the one before gives outputs. */
function mlpLayers(WInit: readonly ArrayLike[], bInit: readonly ArrayLike[], activations: readonly ActivationSpec[], options: MLPOptions): Layer[] {
  if (!Array.isArray(WInit) || !Array.isArray(bInit) || !Array.isArray(activations)) {
    throw new TypeError('MLP: W_init, b_init and activations must be lists, one entry per layer');
  }
  if (WInit.length !== bInit.length || WInit.length !== activations.length) {
    throw new TypeError(
      `MLP: W_init, b_init and activations must have the same length, got ${WInit.length}, ${bInit.length} and ${activations.length}`,
    );
  }
  const layers = WInit.map((W, i) => new Layer(W, bInit[i]!, activations[i], { name: options.name !== undefined ? `${options.name}${i}` : undefined }));
  for (let i = 1; i < layers.length; i++) {
    const prev = layers[i - 1]!;
    const cur = layers[i]!;
    if (cur.nInput !== prev.nOutput) {
      throw new TypeError(`MLP: layer ${i} expects ${cur.nInput} inputs but layer ${i - 1} produces ${prev.nOutput} outputs`);
    }
  }
  return layers;
}

/**
 * The tutorial's multilayer perceptron: a {@link Sequential} of dense
 * {@link Layer}s, so its `params` are [W0, b0, W1, b1, ...] and it can itself
 * be a layer of a larger `Sequential`.
 */
export class MLP extends Sequential<Layer> {
  /** The tutorial's constructor: one weight matrix, bias vector and activation per layer. */
  constructor(WInit: readonly ArrayLike[], bInit: readonly ArrayLike[], activations: readonly ActivationSpec[], options: MLPOptions = {}) {
    checkOptionNames(options, 'MLP', ['name']);
    super(mlpLayers(WInit, bInit, activations, options));
  }

  /**
   * An MLP of dense layers with the given sizes (`[2, 4, 1]`: 2 inputs, a
   * hidden layer of 4, 1 output), weights from `init` and `rng` (by default
   * {@link defaultRandomState}, which it advances).
   */
  static fromSizes(
    sizes: readonly number[],
    options: MLPOptions & { activation?: ActivationSpec | readonly ActivationSpec[]; init?: Initializer | InitializerName; bias?: number; rng?: RandomState } = {},
  ): MLP {
    checkOptionNames(options, 'MLP.fromSizes', CREATE_OPTIONS);
    if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n > 0)) {
      throw new RangeError(`MLP.fromSizes: expected at least two positive integer layer sizes, got ${JSON.stringify(sizes)}`);
    }
    const n = sizes.length - 1;
    const acts = Array.isArray(options.activation) ? (options.activation as readonly ActivationSpec[]) : new Array<ActivationSpec>(n).fill(options.activation as ActivationSpec);
    if (acts.length !== n) throw new TypeError(`MLP.fromSizes: ${n} layers need ${n} activations, got ${acts.length}`);
    const rng = options.rng ?? defaultRandomState();
    const Ws: NDArray[] = [];
    const bs: NDArray[] = [];
    for (let i = 0; i < n; i++) {
      Ws.push(initialize(options.init ?? 'glorotUniform', [sizes[i + 1]!, sizes[i]!], rng));
      const b = NDArray.zeros([sizes[i + 1]!], config.floatX);
      b.data.fill(options.bias ?? 0);
      bs.push(b);
    }
    return new MLP(Ws, bs, acts, { name: options.name });
  }
}
