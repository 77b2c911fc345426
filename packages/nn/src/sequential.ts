/**
 * What a layer is to @sym/nn, and a container that chains layers. Anything
 * with shared-variable `params` and a symbolic `output(x)` is a layer: the
 * built-in `Layer` and `MLP`, a `Sequential`, or a class of your own.
 */
import { T, TensorSharedVariable, type StaticShape, type TensorVariable } from '@sym/graph';

/**
 * Which graph `output` builds: the training graph (`training: true`, where
 * a `Dropout` drops units) or the inference graph (the default, where
 * it is the identity), as Keras's `training` argument.
 */
export interface OutputOptions {
  /** Build the training graph (true) or the inference graph (false, the default). */
  training?: boolean;
}

/** A layer: its trainable shared variables, and its symbolic output for a symbolic input. */
export interface LayerLike {
  /** The shared variables the cost is differentiated against and the updates change. */
  readonly params: readonly TensorSharedVariable[];
  /**
   * Shared variables the layer keeps but the gradient does not train
   * (`BatchNorm`'s running averages), if any: what, with `params`, restores
   * the layer, so save and load `[...layer.params, ...(layer.state ?? [])]`.
   */
  readonly state?: readonly TensorSharedVariable[];
  /**
   * The params a weight penalty applies to (Lasagne's `regularizable`
   * tag), what `regularizeNetworkParams` penalises: the built-in layers'
   * weights, not their biases nor a normalisation's gamma and beta. Absent,
   * every param is (as a Lasagne parameter is unless its layer says not).
   */
  readonly regularizable?: readonly TensorSharedVariable[];
  /**
   * The symbolic output for the symbolic input `x` (one example per column,
   * for the tutorial's `Layer`). A layer that behaves the same in training
   * and inference may ignore `options`.
   */
  output(x: TensorVariable, options?: OutputOptions): TensorVariable;
  /**
   * The shape `output` gives for an input of shape `inputShape` (null
   * where a length is unknown, as the batch), if the layer can tell:
   * what {@link Sequential.outputShape} chains, so that the size a dense
   * layer after a convolution needs is known before it is made.
   */
  outputShape?(inputShape: StaticShape): StaticShape;
}

/**
 * What came in place of a list of parameters, for an error: a layer
 * (`adam(cost, net)`, where `net.params` was meant) or one shared variable
 * (`sgd(cost, W, lr)`) says what to pass instead.
 */
export function describeParamsArgument(value: unknown): string {
  if (value instanceof TensorSharedVariable) return `the shared variable ${value}: pass [${value}]`;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'params' in value) {
    return `a layer (${value.constructor?.name ?? 'Object'}): pass its params`;
  }
  return Array.isArray(value) ? '[]' : String(value);
}

const sharedList = (v: unknown): boolean => Array.isArray(v) && v.every((p) => p instanceof TensorSharedVariable);

function checkLayer(layer: unknown, i: number): void {
  const l = layer as Partial<LayerLike> | null;
  const ok = typeof l === 'object' && l !== null && typeof l.output === 'function' && sharedList(l.params);
  if (!ok) throw new TypeError(`Sequential: layers[${i}] must have params (a list of shared variables) and output(x), got ${String(layer)}`);
  if (l.state !== undefined && !sharedList(l.state)) throw new TypeError(`Sequential: layers[${i}].state must be a list of shared variables when given, got ${String(l.state)}`);
  if (l.regularizable !== undefined && !(sharedList(l.regularizable) && l.regularizable.every((p) => l.params!.includes(p)))) {
    throw new TypeError(`Sequential: layers[${i}].regularizable must be a list of its params when given, got ${String(l.regularizable)}`);
  }
}

/** Layers applied one after another: `output(x)` is `layers[n-1].output(... layers[0].output(x))`. */
export class Sequential<L extends LayerLike = LayerLike> implements LayerLike {
  /** The layers, in the order they apply. */
  readonly layers: readonly L[];
  /** Every layer's parameters in order, each once (a layer used twice shares its weights). */
  readonly params: readonly TensorSharedVariable[];
  /**
   * Every layer's {@link LayerLike.state} in order, each once (`BatchNorm`'s
   * running averages): save it with the params, `saveParams([...net.params,
   * ...net.state])`, or a loaded network normalises with fresh statistics.
   */
  readonly state: readonly TensorSharedVariable[];
  /** Every layer's {@link LayerLike.regularizable} params (all its params where a layer does not say), each once. */
  readonly regularizable: readonly TensorSharedVariable[];

  constructor(layers: readonly L[]) {
    if (!Array.isArray(layers)) throw new TypeError('Sequential: expected a list of layers');
    layers.forEach(checkLayer);
    this.layers = [...layers];
    // A parameter listed twice would get two updates in one function, which sym.function refuses.
    this.params = [...new Set(layers.flatMap((l) => l.params))];
    this.state = [...new Set(layers.flatMap((l) => l.state ?? []))];
    this.regularizable = [...new Set(layers.flatMap((l) => l.regularizable ?? l.params))];
  }

  /**
   * The symbolic output of the last layer: the inference graph, or with
   * `{ training: true }` the training graph, the options passed to every
   * layer. Without options each layer's `output` is called with `x` alone,
   * as before layers had options.
   */
  output(x: TensorVariable, options?: OutputOptions): TensorVariable {
    return this.layers.reduce((h, layer) => (options === undefined ? layer.output(h) : layer.output(h, options)), x);
  }

  /**
   * The output's shape for an input of shape `inputShape`, each layer's
   * {@link LayerLike.outputShape} applied in turn (`[null, 1, 28, 28]`
   * through a LeNet's convolutions, pools and Flatten gives `[null, 800]`,
   * the nInput of the Dense to follow). Every layer must have one.
   */
  outputShape(inputShape: StaticShape): StaticShape {
    return this.layers.reduce((shape, layer, i) => {
      if (typeof layer.outputShape !== 'function') {
        throw new TypeError(`Sequential.outputShape: layers[${i}] (${layer.constructor?.name ?? typeof layer}) has no outputShape, so the shape after it is unknown (the shape before it: ${JSON.stringify(shape)})`);
      }
      const next = layer.outputShape(shape);
      // a layer of one's own may give anything: named here, not by the next layer's complaint about its input
      if (!Array.isArray(next) || next.some((n) => n !== null && !(Number.isInteger(n) && n >= 0))) {
        throw new TypeError(
          `Sequential.outputShape: layers[${i}] (${layer.constructor?.name ?? typeof layer}).outputShape gave ${JSON.stringify(next) ?? String(next)} for ${JSON.stringify(shape)}, expected a shape: a list of lengths (integers >= 0, or null where unknown)`,
        );
      }
      return next;
    }, inputShape);
  }

  /** `T.sum((output(x, options) - y) ** 2)`: the squared Euclidean distance to the targets y. */
  squaredError(x: TensorVariable, y: TensorVariable, options?: OutputOptions): TensorVariable {
    return T.sum(this.output(x, options).sub(y).pow(2));
  }
}
