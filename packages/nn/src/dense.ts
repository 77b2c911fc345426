/**
 * `Dense`: a fully connected layer that takes one example per row, as
 * Keras, Lasagne and the recurrent layers do: `act(x W + b)` for x of shape
 * (examples, nInput), or (..., nInput) with any leading axes. The tutorial's `Layer` is the same layer for one
 * example per column; `Dense` is the one to stack on a recurrent layer.
 */
import { MatchLength, NDArray, nameInError, T, apply1, checkOptionNames, config, shapeToString, type ArrayLike, type StaticShape, type TensorVariable } from '@sym/graph';
import { CREATE_OPTIONS, type ActivationSpec, type LayerOptions } from './layer.js';
import { initialize, type Initializer, type InitializerName } from './init.js';
import { defaultRandomState, type RandomState } from './random.js';
import { AffineLayer, checkSizes, placeTransposed } from './weights.js';

export class Dense extends AffineLayer {
  /**
   * @param WInit weights, shape (nInput, nOutput) (Keras's layout; the transpose of `Layer`'s); stored as floatX.
   * @param bInit bias, shape (nOutput,).
   * @param activation applied to `x W + b`; null or 'linear' for none; 'softmax' normalises the last axis.
   */
  constructor(WInit: ArrayLike, bInit: ArrayLike, activation: ActivationSpec, options: LayerOptions = {}) {
    checkOptionNames(options, 'Dense', ['name']);
    super('Dense', 'rows', WInit, bInit, activation, options.name);
  }

  /**
   * A layer with drawn weights: `init` (default Glorot uniform) from `rng`
   * (default {@link defaultRandomState}, which it advances), every bias at
   * `bias` (default 0).
   */
  static create(
    nInput: number,
    nOutput: number,
    options: LayerOptions & { activation?: ActivationSpec; init?: Initializer | InitializerName; bias?: number; rng?: RandomState } = {},
  ): Dense {
    checkOptionNames(options, 'Dense.create', CREATE_OPTIONS);
    checkSizes('Dense.create', nInput, nOutput);
    const rng = options.rng ?? defaultRandomState();
    // drawn as Layer draws (nOutput, nInput), so that the same rng gives a Dense the transpose of a Layer's weights
    const W = NDArray.zeros([nInput, nOutput], config.floatX);
    placeTransposed(W, initialize(options.init ?? 'glorotUniform', [nOutput, nInput], rng), 0);
    const b = NDArray.zeros([nOutput], config.floatX);
    b.data.fill(options.bias ?? 0);
    return new Dense(W, b, options.activation, { name: options.name });
  }

  /** (..., nOutput) for an input of shape (..., nInput); a known last length other than nInput is an error naming both. */
  outputShape(inputShape: StaticShape): StaticShape {
    if (!Array.isArray(inputShape) || inputShape.length === 0) throw new TypeError(`Dense.outputShape: expected an input shape (..., ${this.nInput}), got ${JSON.stringify(inputShape)}`);
    const last = inputShape.at(-1);
    if (last !== null && last !== this.nInput) throw new RangeError(`Dense.outputShape: the input shape ${shapeToString(inputShape)} has ${String(last)} features in its last axis, expected ${this.nInput}`);
    return [...inputShape.slice(0, -1), this.nOutput];
  }

  /**
   * `act(x W + b)` for x of shape (examples, nInput), one example (nInput,),
   * or any leading axes (batch, steps, ..., nInput) -> (batch, steps, ...,
   * nOutput), as Keras applies Dense to the last axis (numpy.dot of x and W
   * contracts x's last axis, one matmul over all leading positions).
   */
  output(x: TensorVariable): TensorVariable {
    if (x.ndim === 0) {
      throw new TypeError(`Dense.output: x must have its ${this.nInput} features in its last axis ((examples, n_input), (n_input,) or (..., n_input)), got the scalar ${x.toString()} of type ${x.type}`);
    }
    // one example per column (a Layer's output) is caught here, unless examples happen to equal n_input
    const checked = apply1(
      new MatchLength(x.ndim - 1, 0, (xs) => `Dense.output: x ${nameInError(x)} of shape ${shapeToString(xs)} must have ${this.nInput} features in its last axis (one example per row)`, 'Dense input'),
      [x, this.W],
    );
    const lin = T.dot(checked, this.W).add(this.b);
    return this.activation ? this.activation(lin) : lin;
  }
}
