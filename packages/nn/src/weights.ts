/** Initial weights as layers take them: values converted with the layer's name in errors, blocks placed transposed, and the dense layers' common part. */
import { NDArray, TensorVariable, array, config, nameInError, shapeToString, shared, type ArrayLike, type TensorSharedVariable } from '@sym/graph';
import { resolveActivation, resolveRowActivation, type Activation } from './activations.js';
import type { ActivationSpec } from './layer.js';
import type { LayerLike, OutputOptions } from './sequential.js';

/** `value` as an NDArray; a conversion error names `what` (`Layer: W_init`). */
export function toArray(value: ArrayLike, what: string): NDArray {
  // Lasagne's DenseLayer(W=other.W) shares a weight; here sharing is using the same layer again
  if ((value as unknown) instanceof TensorVariable) {
    throw new TypeError(
      `${what}: expected values (an NDArray or nested lists of numbers), got the symbolic variable ${nameInError(value as unknown as TensorVariable)}; to share a layer's weights, use the same layer object again (a Sequential lists its params once), or write a layer of your own that reads them`,
    );
  }
  try {
    return value instanceof NDArray ? value : array(value);
  } catch (e) {
    throw new TypeError(`${what}: ${(e as Error).message}`);
  }
}

/** The sizes a dense layer is drawn with, each a positive integer; a bad one names `what` and the argument. */
export function checkSizes(what: string, nInput: number, nOutput: number): void {
  for (const [n, label] of [[nInput, 'nInput'], [nOutput, 'nOutput']] as const) {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${what}: ${label} must be a positive integer, got ${String(n)}`);
  }
}

/** `target[:, col:col + rows(block)] = block.T`: initialisers draw (nOutput, nInput), row-convention layers hold the transpose. */
export function placeTransposed(target: NDArray, block: NDArray, col: number): void {
  const [rows, cols] = block.shape as [number, number];
  const width = target.shape[1]!;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) target.data[j * width + col + i] = block.data[i * cols + j]!;
}

/**
 * What the tutorial's `Layer` (one example per column: W is (nOutput,
 * nInput), b a broadcastable (nOutput, 1) column) and `Dense` (one example
 * per row: W is (nInput, nOutput), b a vector) share: W and b, checked
 * against each other, as floatX shared variables named `${name}.W`,
 * `${name}.b`, and the activation. They differ in `output` only.
 */
export abstract class AffineLayer implements LayerLike {
  /** The weight matrix, floatX: (nOutput, nInput) for `Layer`, (nInput, nOutput) for `Dense`. */
  readonly W: TensorSharedVariable;
  /** The bias, floatX: a broadcastable (nOutput, 1) column for `Layer`, an (nOutput,) vector for `Dense`. */
  readonly b: TensorSharedVariable;
  /** Applied to the affine map; null for none (linear). */
  readonly activation: Activation | null;
  /** The parameters the cost is differentiated against: [W, b]. */
  readonly params: readonly TensorSharedVariable[];
  /** The params a weight penalty applies to: [W], not the bias. */
  readonly regularizable: readonly TensorSharedVariable[];
  /** Features of each example in. */
  readonly nInput: number;
  /** Features of each example out. */
  readonly nOutput: number;

  protected constructor(what: string, examples: 'rows' | 'columns', WInit: ArrayLike, bInit: ArrayLike, activation: ActivationSpec, name: string | undefined) {
    const W = toArray(WInit, `${what}: W_init`);
    const b = toArray(bInit, `${what}: b_init`);
    const layout = examples === 'rows' ? '(n_input, n_output)' : '(n_output, n_input)';
    if (W.ndim !== 2) throw new TypeError(`${what}: W_init must be a matrix of shape ${layout}, got shape ${shapeToString(W.shape)}`);
    const [nInput, nOutput] = (examples === 'rows' ? W.shape : [...W.shape].reverse()) as [number, number];
    if (b.ndim !== 1 || b.shape[0] !== nOutput) {
      throw new TypeError(`${what}: b_init must have shape (${nOutput},) to match W_init of shape ${shapeToString(W.shape)}, got shape ${shapeToString(b.shape)}`);
    }
    const prefix = name ? `${name}.` : '';
    const bias = b.astype(config.floatX);
    this.nInput = nInput;
    this.nOutput = nOutput;
    this.W = shared(W.astype(config.floatX), { name: `${prefix}W`, borrow: true });
    this.b =
      examples === 'rows'
        ? shared(bias, { name: `${prefix}b`, borrow: true })
        : shared(bias.reshape([nOutput, 1]), { name: `${prefix}b`, borrow: true, broadcastable: [false, true] });
    // 'softmax' normalises the classes: down a column for Layer, along the last axis for Dense
    this.activation = (examples === 'rows' ? resolveRowActivation : resolveActivation)(activation, `${what}: activation`);
    this.params = [this.W, this.b];
    this.regularizable = [this.W];
  }

  abstract output(x: TensorVariable, options?: OutputOptions): TensorVariable;
}
