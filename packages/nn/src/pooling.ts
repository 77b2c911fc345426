/**
 * The layers between a convolution and a dense layer, none of them with
 * parameters: `Pool2D` on Theano's `pool_2d` (Lasagne's `Pool2DLayer`),
 * `GlobalAveragePool2D` (Lasagne's `GlobalPoolLayer`) and `Flatten`
 * (Lasagne's `FlattenLayer`), which turns (batch, channels, rows, cols)
 * into the (batch, features) rows a {@link Dense} takes.
 */
import { T, checkOptionNames, shapeToString, windowCount } from '@sym/graph';
import type { Pair, PoolMode, StaticShape, TensorSharedVariable, TensorVariable } from '@sym/graph';
import { checkImage, imageShape, layerName, pairOf } from './conv.js';
import type { LayerLike } from './sequential.js';

/** Options of {@link Pool2D} (Theano's `pool_2d` arguments). */
export interface Pool2DOptions {
  /** Steps between windows, one for both axes or [rows, cols]; default the window (windows side by side). */
  stride?: number | Pair;
  /** Zeros on each side, one for both axes or [rows, cols] (default 0); needs `ignoreBorder` and must be smaller than the window, as in Theano. */
  pad?: number | Pair;
  /**
   * true (the default, Lasagne's): only whole windows; false (Theano's
   * `pool_2d` default): also the partial windows at the bottom and right.
   */
  ignoreBorder?: boolean;
  /** Theano's modes: `'max'` (the default), `'sum'`, `'average_inc_pad'` (the padding counts) or `'average_exc_pad'`. */
  mode?: PoolMode;
  /** Names the layer in errors. */
  name?: string;
}

const POOL_OPTIONS = ['stride', 'pad', 'ignoreBorder', 'mode', 'name'];
const POOL_MODES: readonly PoolMode[] = ['max', 'sum', 'average_inc_pad', 'average_exc_pad'];

/** Pooling over the rows and cols of a (batch, channels, rows, cols) input: `T.signal.pool.pool2d`. */
export class Pool2D implements LayerLike {
  /** None: pooling learns nothing. */
  readonly params: readonly TensorSharedVariable[] = [];
  /** The window, [rows, cols]. */
  readonly window: Pair;
  /** {@link Pool2DOptions.stride}, [rows, cols]. */
  readonly stride: Pair;
  /** {@link Pool2DOptions.pad}, [rows, cols]. */
  readonly pad: Pair;
  /** {@link Pool2DOptions.ignoreBorder}. */
  readonly ignoreBorder: boolean;
  /** {@link Pool2DOptions.mode}. */
  readonly mode: PoolMode;
  readonly #what: string;

  /** @param window the pooling window, one size for both axes or [rows, cols] (Lasagne's `pool_size`). */
  constructor(window: number | Pair, options: Pool2DOptions = {}) {
    checkOptionNames(options, 'Pool2D', POOL_OPTIONS);
    const what = layerName('Pool2D', options.name);
    this.#what = what;
    this.window = pairOf(what, 'window', window, 1);
    this.stride = pairOf(what, 'stride', options.stride ?? this.window, 1);
    this.pad = pairOf(what, 'pad', options.pad, 0, 0);
    const ignoreBorder = options.ignoreBorder ?? true;
    if (typeof ignoreBorder !== 'boolean') throw new TypeError(`${what}: ignoreBorder must be true or false, got ${JSON.stringify(options.ignoreBorder)}`);
    this.ignoreBorder = ignoreBorder;
    const mode = options.mode ?? 'max';
    if (!POOL_MODES.includes(mode)) throw new RangeError(`${what}: mode must be one of ${POOL_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
    this.mode = mode;
    if ((this.pad[0] > 0 || this.pad[1] > 0) && !ignoreBorder) throw new RangeError(`${what}: pad needs ignoreBorder: true (as in Theano), got pad ${JSON.stringify(this.pad)} with ignoreBorder false`);
    if (this.pad[0] >= this.window[0] || this.pad[1] >= this.window[1]) throw new RangeError(`${what}: pad ${JSON.stringify(this.pad)} must be smaller than the window ${JSON.stringify(this.window)}`);
  }

  /**
   * The output's shape for an input (batch, channels, rows, cols), null
   * where unknown: Theano's `Pool.out_shape` along the rows and cols.
   */
  outputShape(inputShape: StaticShape): StaticShape {
    const [batch, channels, rows, cols] = imageShape(`${this.#what}.outputShape`, inputShape);
    const edges = this.ignoreBorder ? 'drop' : 'keep';
    const along = (a: 0 | 1, n: number | null) => (n === null ? null : windowCount(n, this.window[a], this.stride[a], 1, this.pad[a], edges));
    return [batch, channels, along(0, rows), along(1, cols)];
  }

  /** x pooled over its last two axes, for x of shape (batch, channels, rows, cols). */
  output(x: TensorVariable): TensorVariable {
    checkImage(`${this.#what}.output`, x);
    return T.signal.pool.pool2d(x, { ws: this.window, stride: this.stride, pad: this.pad, ignoreBorder: this.ignoreBorder, mode: this.mode });
  }
}

/** The mean over the rows and cols of each channel: (batch, channels, rows, cols) -> (batch, channels). */
export class GlobalAveragePool2D implements LayerLike {
  readonly params: readonly TensorSharedVariable[] = [];
  readonly #what: string;

  constructor(options: { name?: string } = {}) {
    checkOptionNames(options, 'GlobalAveragePool2D', ['name']);
    this.#what = layerName('GlobalAveragePool2D', options.name);
  }

  outputShape(inputShape: StaticShape): StaticShape {
    const [batch, channels] = imageShape(`${this.#what}.outputShape`, inputShape);
    return [batch, channels];
  }

  output(x: TensorVariable): TensorVariable {
    checkImage(`${this.#what}.output`, x);
    return T.mean(x, { axis: [2, 3] });
  }
}

/**
 * The trailing axes collapsed into one, row-major (C order, as NumPy's
 * reshape): (batch, channels, rows, cols) -> (batch, channels x rows x
 * cols) with the default `outdim` 2, the rows a {@link Dense} takes.
 */
export class Flatten implements LayerLike {
  readonly params: readonly TensorSharedVariable[] = [];
  /** The output's number of axes (Lasagne's `outdim`): the first outdim - 1 are kept. */
  readonly outdim: number;
  readonly #what: string;

  constructor(options: { outdim?: number; name?: string } = {}) {
    checkOptionNames(options, 'Flatten', ['outdim', 'name']);
    this.#what = layerName('Flatten', options.name);
    const outdim = options.outdim ?? 2;
    if (!Number.isInteger(outdim) || outdim < 1) throw new RangeError(`${this.#what}: outdim must be an integer >= 1, got ${JSON.stringify(options.outdim)}`);
    this.outdim = outdim;
  }

  outputShape(inputShape: StaticShape): StaticShape {
    const what = `${this.#what}.outputShape`;
    if (!Array.isArray(inputShape) || inputShape.length < this.outdim || inputShape.some((n) => n !== null && !(Number.isInteger(n) && n >= 0))) {
      throw new TypeError(`${what}: expected an input shape of at least ${this.outdim} lengths (integers >= 0, or null where unknown), got ${JSON.stringify(inputShape)}`);
    }
    const rest = inputShape.slice(this.outdim - 1);
    const size = rest.some((n) => n === null) ? null : (rest as number[]).reduce((a, b) => a * b, 1);
    return [...inputShape.slice(0, this.outdim - 1), size];
  }

  output(x: TensorVariable): TensorVariable {
    if (!x || typeof x !== 'object' || typeof x.ndim !== 'number') throw new TypeError(`${this.#what}.output: x must be a symbolic tensor, got ${String(x)}`);
    if (x.ndim < this.outdim) throw new TypeError(`${this.#what}.output: x must have at least ${this.outdim} axes to flatten to ${this.outdim}, got ${x.toString()} of type ${x.type} (${x.ndim}-d, shape ${shapeToString(x.staticShape)})`);
    return T.flatten(x, this.outdim);
  }
}
