/**
 * Two layers a residual network is made of in a {@link Sequential}:
 * {@link Nonlinearity}, an activation on its own (Keras's `Activation`,
 * Lasagne's `NonlinearityLayer`), for the `conv, BatchNorm, relu` order
 * where the activation comes after the normalisation; and {@link Residual},
 * a block whose input is added back to its output (Keras's `Add()` of a
 * block and its shortcut, Lasagne's `ElemwiseSumLayer`), He et al. 2016.
 */
import { MatchLength, T, apply1, checkOptionNames, nameInError, shapeToString, type StaticShape, type TensorSharedVariable, type TensorVariable } from '@sym/graph';
import { activationNames, resolveRowActivation, type Activation } from './activations.js';
import type { ActivationSpec } from './layer.js';
import { Sequential, type LayerLike, type OutputOptions } from './sequential.js';

const identity: Activation = (x) => x;

/**
 * An activation as a layer: `output(x)` is `activation(x)`, the same in
 * training and inference. One example per row: 'softmax' normalises the
 * last axis, as `Dense`'s.
 */
export class Nonlinearity implements LayerLike {
  /** The function applied (the identity for 'linear'). */
  readonly activation: Activation;
  /** None: an activation learns nothing. */
  readonly params: readonly TensorSharedVariable[] = [];

  /** @param activation a name ('relu', 'tanh', 'sigmoid', 'softmax', 'linear') or a function of a variable. */
  constructor(activation: ActivationSpec) {
    if (activation === undefined || activation === null) throw new TypeError(`Nonlinearity: expected an activation (a function or one of ${activationNames()}), got ${String(activation)}`);
    this.activation = resolveRowActivation(activation, 'Nonlinearity: activation') ?? identity;
  }

  /** The input's shape: an activation keeps it. */
  outputShape(inputShape: StaticShape): StaticShape {
    return inputShape;
  }

  output(x: TensorVariable, options: OutputOptions = {}): TensorVariable {
    checkOptionNames(options, 'Nonlinearity.output', ['training']);
    return this.activation(x);
  }
}

/** Options of {@link Residual}. */
export interface ResidualOptions {
  /**
   * What the input goes through on its way to the sum: default none (the
   * identity shortcut). A layer that changes the shape as the block does,
   * e.g. a 1x1 `Conv2D` with a stride (ResNet's projection shortcut).
   */
  shortcut?: LayerLike;
  /** Applied to the sum (ResNet applies relu there); default linear. */
  activation?: ActivationSpec;
}

/**
 * `activation(block(x) + shortcut(x))`: a residual block. The block is a
 * layer or a list of layers (chained as a {@link Sequential}); its
 * `params`, `state` (a `BatchNorm`'s running averages) and `regularizable`
 * are the layer's, with the shortcut's, so that a `Sequential` holding it
 * trains, saves and penalises them. `output(x, { training })` passes the
 * mode to the block and the shortcut.
 */
export class Residual implements LayerLike {
  /** The block: the layer given, or a {@link Sequential} of the list given. */
  readonly block: LayerLike;
  /** The shortcut layer; undefined for the identity. */
  readonly shortcut: LayerLike | undefined;
  /** Applied to the sum (the identity when linear). */
  readonly activation: Activation;
  readonly params: readonly TensorSharedVariable[];
  readonly state: readonly TensorSharedVariable[];
  readonly regularizable: readonly TensorSharedVariable[];

  constructor(block: LayerLike | readonly LayerLike[], options: ResidualOptions = {}) {
    checkOptionNames(options, 'Residual', ['shortcut', 'activation']);
    // named here, not by the Sequential that gathers their params
    const parts: [unknown, string][] = Array.isArray(block) ? block.map((l, i): [unknown, string] => [l, `block[${i}]`]) : [[block, 'block']];
    if (options.shortcut !== undefined) parts.push([options.shortcut, 'shortcut']);
    for (const [layer, label] of parts) {
      const l = layer as Partial<LayerLike> | null;
      if (typeof l !== 'object' || l === null || typeof l.output !== 'function' || !Array.isArray(l.params)) {
        throw new TypeError(`Residual: ${label} must be a layer (params and output(x))${label === 'block' ? ' or a list of layers' : ''}, got ${String(layer)}`);
      }
    }
    // a list is chained; one layer is kept as it is (its own output and outputShape)
    this.block = Array.isArray(block) ? new Sequential(block as readonly LayerLike[]) : (block as LayerLike);
    this.shortcut = options.shortcut;
    // what a Sequential gathers, each variable once, and its check that each part is a layer
    const all = new Sequential(this.shortcut ? [this.block, this.shortcut] : [this.block]);
    this.params = all.params;
    this.state = all.state;
    this.regularizable = all.regularizable;
    this.activation = resolveRowActivation(options.activation, 'Residual: activation') ?? identity;
  }

  /**
   * The block's output shape, which must be the shortcut's (the input's
   * when there is none) where both are known: a block that changes the
   * channels or the size needs a shortcut that changes them alike.
   */
  outputShape(inputShape: StaticShape): StaticShape {
    const shapeOf = (layer: LayerLike, which: string): StaticShape => {
      if (typeof layer.outputShape !== 'function') throw new TypeError(`Residual.outputShape: the ${which} (${layer.constructor?.name ?? typeof layer}) has no outputShape`);
      return layer.outputShape(inputShape);
    };
    const out = shapeOf(this.block, 'block');
    const skip = this.shortcut ? shapeOf(this.shortcut, 'shortcut') : inputShape;
    const clash = out.length !== skip.length || out.some((n, i) => n !== null && skip[i] !== null && n !== skip[i]);
    if (clash) {
      throw new TypeError(
        `Residual.outputShape: the block gives ${shapeToString(out)} for the input shape ${shapeToString(inputShape)}, but the ${this.shortcut ? 'shortcut gives' : 'identity shortcut keeps'} ${shapeToString(skip)}; ` +
          (this.shortcut ? 'the two must agree' : 'give a shortcut that changes the shape as the block does (a Dense, or for images a strided 1x1 Conv2D)'),
      );
    }
    return out.map((n, i) => n ?? skip[i]!);
  }

  /** `activation(block.output(x, options) + shortcut(x))`; the two shapes are checked to agree, at build time where known and when the function runs. */
  output(x: TensorVariable, options: OutputOptions = {}): TensorVariable {
    checkOptionNames(options, 'Residual.output', ['training']);
    const out = this.block.output(x, options);
    const skip = this.shortcut ? this.shortcut.output(x, options) : x;
    const which = this.shortcut ? 'the shortcut' : `the input ${nameInError(x)}`;
    if (out.ndim !== skip.ndim) throw new TypeError(`Residual.output: the block gives a ${out.ndim}-d output ${out.toString()}, but ${which} is ${skip.ndim}-d`);
    const known = (s: StaticShape, i: number) => s[i] ?? null;
    const clash = out.staticShape.findIndex((n, i) => n !== null && known(skip.staticShape, i) !== null && n !== known(skip.staticShape, i));
    if (clash >= 0) {
      throw new TypeError(`Residual.output: the block gives ${shapeToString(out.staticShape)} but ${which} has shape ${shapeToString(skip.staticShape)} (axis ${clash}); a block that changes the shape needs a shortcut that changes it alike`);
    }
    // when the function runs: each axis the same length, named here rather than by the add's broadcasting
    const checked = out.broadcastable.reduce(
      (v, b, axis) =>
        b || skip.broadcastable[axis]
          ? v
          : apply1(new MatchLength(axis, axis, (os, ss) => `Residual.output: the block gives shape ${shapeToString(os)} but ${which} has shape ${shapeToString(ss)} (axis ${axis})`, `Residual axis ${axis}`), [v, skip]),
      out,
    );
    return this.activation(T.add(checked, skip));
  }
}
