/**
 * `Conv2D`: a 2-d convolution layer on Theano's `T.nnet.conv2d`, laid out
 * as Theano, Lasagne and PyTorch lay it out (NCHW): the input is
 * (batch, channels, rows, cols), the filters W (outChannels,
 * inChannels / groups, kRows, kCols), a bias b (outChannels,) added to
 * every position of its channel, and the output (batch, outChannels,
 * outRows, outCols). As Lasagne's `Conv2DLayer` and Theano's conv2d, it
 * flips the filters by default (a true convolution); `flipFilters: false`
 * is the cross-correlation of Keras and PyTorch.
 */
import { MatchLength, NDArray, nameInError, T, apply1, checkOptionNames, config, resolvePad, shapeToString, shared, windowCount } from '@sym/graph';
import type { ArrayLike, BorderMode, Conv2dOptions, Pair, StaticShape, TensorSharedVariable, TensorVariable } from '@sym/graph';
import { resolveActivation, type Activation } from './activations.js';
import { resolveInitializer, type Initializer, type InitializerName } from './init.js';
import type { ActivationSpec } from './layer.js';
import { defaultRandomState, type RandomState } from './random.js';
import type { LayerLike } from './sequential.js';
import { toArray } from './weights.js';

/** Options of {@link Conv2D}'s constructor (Theano's `conv2d` arguments). */
export interface Conv2DOptions {
  /** Steps between output positions, one for both axes or [rows, cols] (Theano's `subsample`); default 1. */
  stride?: number | Pair;
  /**
   * Theano's `border_mode`: `'valid'` (the default: no padding), `'full'`
   * (the dilated window - 1 on each side), `'half'` (half the dilated
   * window: an odd window keeps the size at stride 1), or zeros on each
   * side, one count for both axes or [rows, cols]. `'same'` (Lasagne's
   * and Keras's name) is `'half'` where it means what they mean, an odd
   * dilated window at stride 1, which keeps the image size; elsewhere it
   * is an error (Keras pads such a layer unevenly, Lasagne evenly).
   */
  padding?: BorderMode | 'same';
  /** Dilation of the filters, one for both axes or [rows, cols] (Theano's `filter_dilation`); default 1. */
  dilation?: number | Pair;
  /**
   * Theano's `num_groups` (default 1): the input channels and the filters
   * split into this many groups, each group of filters seeing only its
   * group's channels. groups = inChannels is a depthwise convolution.
   */
  groups?: number;
  /** true (the default, Theano's and Lasagne's): a convolution, the filters flipped; false: a cross-correlation (Keras's, PyTorch's). */
  flipFilters?: boolean;
  /** Names of the shared variables: `${name}.W`, `${name}.b` (default `W`, `b`); also names the layer in errors. */
  name?: string;
}

/** Options of {@link Conv2D.create}: {@link Conv2DOptions} and how the weights are drawn. */
export interface Conv2DCreateOptions extends Conv2DOptions {
  /** Applied to the convolution plus bias; null or 'linear' (the default) for none. */
  activation?: ActivationSpec;
  /** The filters' initialiser (default Glorot uniform), given the shape (outChannels, inChannels / groups, kRows, kCols): fanIn = inChannels / groups x kRows x kCols, fanOut = outChannels x kRows x kCols. */
  init?: Initializer | InitializerName;
  /** Whether the layer has a bias (default true, as Lasagne's and Keras's). */
  useBias?: boolean;
  /** The bias's initial value (default 0). */
  bias?: number;
  /** Where the filters come from (default {@link defaultRandomState}, which each layer advances). */
  rng?: RandomState;
}

const OPTIONS = ['stride', 'padding', 'dilation', 'groups', 'flipFilters', 'name'];
const CREATE_OPTIONS = [...OPTIONS, 'activation', 'init', 'useBias', 'bias', 'rng'];

/**
 * Lasagne's and Keras's `'same'` as Theano's `'half'`, where the three
 * agree: an odd dilated window at stride 1, padded by half the window on
 * each side, keeps the image's size. An even window cannot be padded
 * evenly to keep it, and at a stride above 1 Keras pads only as much as
 * the stride needs, more after than before, where Lasagne pads half the
 * window on both sides: the two compute different images, so 'same' there
 * is an error that names both choices.
 */
function samePadding(what: string, kernel: Pair, options: Conv2DOptions): 'half' {
  const stride = pairOf(what, 'stride', options.stride, 1);
  const dilation = pairOf(what, 'dilation', options.dilation, 1);
  const windows = kernel.map((k, a) => dilation[a]! * (k - 1) + 1);
  if (windows.every((w) => w % 2 === 1) && stride.every((s) => s === 1)) return 'half';
  throw new RangeError(
    `${what}: padding 'same' keeps the image size only for an odd window at stride 1, got a ${windows.join('x')} (dilated) window at stride ${stride.join('x')}: ` +
      "Keras would pad it unevenly, Lasagne by half the window on both sides; pass 'half' (Lasagne's 'same', Theano's half) or the zeros on each side",
  );
}

/** A length for both axes, or [rows, cols], as two integers >= `min`. */
export function pairOf(what: string, name: string, v: number | Pair | undefined, fallback: number, min = 1): Pair {
  const pair = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(pair) || pair.length !== 2 || pair.some((n) => !Number.isInteger(n) || n < min)) {
    throw new RangeError(`${what}: ${name} must be an integer >= ${min} or two of them ([rows, cols]), got ${JSON.stringify(v)}`);
  }
  return [pair[0]!, pair[1]!];
}

/** `Conv2D` or `Conv2D(name)`: how errors name a layer. */
export const layerName = (kind: string, name: string | undefined): string => (name ? `${kind}(${name})` : kind);

/** The image shape (batch, channels, rows, cols) checked as a layer's outputShape takes it. */
export function imageShape(what: string, shape: StaticShape): StaticShape {
  if (!Array.isArray(shape) || shape.length !== 4 || shape.some((n) => n !== null && !(Number.isInteger(n) && n >= 0))) {
    throw new TypeError(`${what}: expected an input shape (batch, channels, rows, cols) of four lengths (integers >= 0, or null where unknown), got ${JSON.stringify(shape)}`);
  }
  return shape;
}

/** x, which must be a 4-d (batch, channels, rows, cols) tensor. */
export function checkImage(what: string, x: TensorVariable): void {
  if (!x || typeof x !== 'object' || typeof x.ndim !== 'number') throw new TypeError(`${what}: x must be a symbolic tensor, got ${String(x)}`);
  if (x.ndim !== 4) throw new TypeError(`${what}: x must be 4-d (batch, channels, rows, cols), got ${x.toString()} of type ${x.type} (${x.ndim}-d)`);
}

/**
 * A 2-d convolution layer (Lasagne's `Conv2DLayer` on `T.nnet.conv2d`):
 * (batch, inChannels, rows, cols) in, (batch, outChannels, outRows,
 * outCols) out, filters flipped unless `flipFilters: false`.
 */
export class Conv2D implements LayerLike {
  /** The filters, (outChannels, inChannels / groups, kRows, kCols). */
  readonly W: TensorSharedVariable;
  /** The bias, (outChannels,), or null for a layer without one. */
  readonly b: TensorSharedVariable | null;
  /** Applied to the convolution plus bias; null for none. */
  readonly activation: Activation | null;
  /** [W, b], or [W] without a bias. */
  readonly params: readonly TensorSharedVariable[];
  /** The params a weight penalty applies to: [W], not the bias. */
  readonly regularizable: readonly TensorSharedVariable[];
  /** Channels of the input, (batch, inChannels, rows, cols). */
  readonly inChannels: number;
  /** Channels of the output (the number of filters). */
  readonly outChannels: number;
  /** The filters' window, [kRows, kCols]. */
  readonly kernel: Pair;
  /** {@link Conv2DOptions.stride}, [rows, cols]. */
  readonly stride: Pair;
  /** {@link Conv2DOptions.padding}, `'same'` resolved to `'half'`. */
  readonly padding: BorderMode;
  /** {@link Conv2DOptions.dilation}, [rows, cols]. */
  readonly dilation: Pair;
  /** {@link Conv2DOptions.groups}. */
  readonly groups: number;
  /** {@link Conv2DOptions.flipFilters}. */
  readonly flipFilters: boolean;
  readonly #what: string;

  /**
   * @param WInit the filters, shape (outChannels, inChannels / groups, kRows, kCols); stored as floatX.
   * @param bInit the bias, shape (outChannels,), or null for none.
   * @param activation applied to the convolution plus bias; null or 'linear' for none ('softmax' is refused: apply it after a Flatten and a Dense).
   */
  constructor(WInit: ArrayLike, bInit: ArrayLike | null, activation: ActivationSpec, options: Conv2DOptions = {}) {
    checkOptionNames(options, 'Conv2D', OPTIONS);
    const what = layerName('Conv2D', options.name);
    this.#what = what;
    const W = toArray(WInit, `${what}: W_init`);
    if (W.ndim !== 4) throw new TypeError(`${what}: W_init must be 4-d filters (outChannels, inChannels / groups, kRows, kCols), got shape ${shapeToString(W.shape)}`);
    const [outChannels, channelsPerGroup, kRows, kCols] = W.shape as [number, number, number, number];
    if ([outChannels, channelsPerGroup, kRows, kCols].some((n) => n === 0)) throw new RangeError(`${what}: W_init has an empty axis: shape ${shapeToString(W.shape)}`);
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${what}: groups must be an integer >= 1, got ${JSON.stringify(options.groups)}`);
    if (outChannels % groups !== 0) throw new RangeError(`${what}: groups ${groups} must divide the ${outChannels} output channels of W_init of shape ${shapeToString(W.shape)}`);
    if (options.flipFilters !== undefined && typeof options.flipFilters !== 'boolean') throw new TypeError(`${what}: flipFilters must be true or false, got ${JSON.stringify(options.flipFilters)}`);
    const padding = options.padding === 'same' ? samePadding(what, [kRows, kCols], options) : (options.padding ?? 'valid');
    if (!(padding === 'valid' || padding === 'full' || padding === 'half')) {
      try {
        pairOf(what, 'padding', padding as number | Pair, 0, 0);
      } catch {
        // the border modes too, not only the counts
        throw new RangeError(`${what}: padding must be 'valid', 'full', 'half', 'same', an integer >= 0 or two of them ([rows, cols]), got ${JSON.stringify(options.padding)}`);
      }
    }
    const prefix = options.name ? `${options.name}.` : '';
    this.inChannels = channelsPerGroup * groups;
    this.outChannels = outChannels;
    this.kernel = [kRows, kCols];
    this.stride = pairOf(what, 'stride', options.stride, 1);
    this.dilation = pairOf(what, 'dilation', options.dilation, 1);
    this.padding = typeof padding === 'string' ? padding : pairOf(what, 'padding', padding, 0, 0);
    this.groups = groups;
    this.flipFilters = options.flipFilters ?? true;
    if (activation === 'softmax') throw new TypeError(`${what}: activation 'softmax' would normalise a 4-d output over an arbitrary axis; apply it after a Flatten and a Dense`);
    this.activation = resolveActivation(activation, `${what}: activation`);
    this.W = shared(W.astype(config.floatX), { name: `${prefix}W`, borrow: true });
    if (bInit === null) {
      this.b = null;
    } else {
      const b = toArray(bInit, `${what}: b_init`);
      if (b.ndim !== 1 || b.shape[0] !== outChannels) throw new TypeError(`${what}: b_init must have shape (${outChannels},), one per output channel of W_init of shape ${shapeToString(W.shape)}, got shape ${shapeToString(b.shape)}`);
      this.b = shared(b.astype(config.floatX), { name: `${prefix}b`, borrow: true });
    }
    this.params = this.b ? [this.W, this.b] : [this.W];
    this.regularizable = [this.W];
  }

  /**
   * A layer with drawn filters: `init` (default Glorot uniform, with a
   * convolution's fans, see {@link fans}) from `rng` (default
   * {@link defaultRandomState}, which it advances); every bias at `bias`
   * (default 0), unless `useBias: false`.
   * @param kernel the window, one size for both axes or [kRows, kCols].
   */
  static create(inChannels: number, outChannels: number, kernel: number | Pair, options: Conv2DCreateOptions = {}): Conv2D {
    checkOptionNames(options, 'Conv2D.create', CREATE_OPTIONS);
    const what = `${layerName('Conv2D', options.name)}.create`;
    for (const [name, n] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what}: ${name} must be an integer >= 1, got ${String(n)}`);
    }
    const [kRows, kCols] = pairOf(what, 'kernel', kernel, 1);
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`${what}: groups must be an integer >= 1 that divides the ${inChannels} input channels and the ${outChannels} output channels, got ${JSON.stringify(options.groups)}`);
    }
    const rng = options.rng ?? defaultRandomState();
    const shape = [outChannels, inChannels / groups, kRows, kCols] as const;
    // the built-in initialisers draw any (nOutput, nInput, ...kernel) shape with a convolution's fans
    const W = resolveInitializer(options.init ?? 'glorotUniform', `${what}: init`)(shape as unknown as readonly [number, number], rng, config.floatX);
    // an initialiser of one's own may draw only (nOutput, nInput): say so here, where the caller gave init, not W_init
    if (!(W instanceof NDArray) || W.shape.length !== 4 || W.shape.some((n, d) => n !== shape[d])) {
      const got = W instanceof NDArray ? `shape ${shapeToString(W.shape)}` : JSON.stringify(W) ?? String(W);
      throw new TypeError(`${what}: init must give filters of shape ${shapeToString(shape)} (outChannels, inChannels / groups, kRows, kCols), got ${got}`);
    }
    let b: NDArray | null = null;
    if (options.useBias !== false) {
      b = NDArray.zeros([outChannels], config.floatX);
      b.data.fill(options.bias ?? 0);
    }
    const { activation, init: _init, useBias: _useBias, bias: _bias, rng: _rng, ...layerOptions } = options;
    return new Conv2D(W, b, activation, layerOptions);
  }

  /** What conv2d is given: the layer's stride, padding, dilation, groups and flip. */
  get convOptions(): Conv2dOptions {
    return { borderMode: this.padding, subsample: this.stride, filterDilation: this.dilation, numGroups: this.groups, filterFlip: this.flipFilters };
  }

  /**
   * The output's shape, (batch, outChannels, outRows, outCols), for an
   * input of shape (batch, inChannels, rows, cols), null where unknown:
   * outRows = (rows + 2 pad - dilation (kRows - 1) - 1) // stride + 1.
   */
  outputShape(inputShape: StaticShape): StaticShape {
    const what = `${this.#what}.outputShape`;
    const [batch, channels, rows, cols] = imageShape(what, inputShape);
    if (channels !== null && channels !== this.inChannels) {
      throw new RangeError(`${what}: the input shape ${shapeToString(inputShape)} has ${channels} channels (axis 1), expected ${this.inChannels}`);
    }
    const along = (a: 0 | 1, n: number | null): number | null => {
      if (n === null) return null;
      const pad = this.padding;
      const spec = typeof pad === 'string' ? (pad === 'valid' ? 0 : pad) : (pad as Pair)[a];
      try {
        return windowCount(n, this.kernel[a], this.stride[a], this.dilation[a], resolvePad(spec, this.kernel[a], this.dilation[a]), 'strict');
      } catch (e) {
        throw new RangeError(`${what}: the input shape ${shapeToString(inputShape)} is too small for the ${this.kernel.join('x')} filters along its ${a === 0 ? 'rows' : 'cols'}: ${(e as Error).message}`);
      }
    };
    return [batch, this.outChannels, along(0, rows), along(1, cols)];
  }

  /**
   * The fewest rows (a = 0) or cols (a = 1) an input needs for one window
   * of the filters: the dilated window less the padding on both sides.
   */
  #least(a: 0 | 1): number {
    const [k, d, pad] = [this.kernel[a], this.dilation[a], this.padding];
    const spec = typeof pad === 'string' ? (pad === 'valid' ? 0 : pad) : (pad as Pair)[a];
    return d * (k - 1) + 1 - 2 * resolvePad(spec, k, d);
  }

  /**
   * `checked` (x after its channel check) checked to hold one window of the
   * filters along its rows and cols: when built where x's lengths are
   * known, else when the function runs (a MatchLength of the axis against
   * an empty (max(n, least), kRows, kCols, 0) tensor, as long as the axis
   * exactly when the axis is long enough), so that an image too small
   * names the layer and x rather than conv2d and a node inside the layer.
   */
  #checkFits(what: string, x: TensorVariable, checked: TensorVariable): TensorVariable {
    let fits = checked;
    for (const a of [0, 1] as const) {
      const least = this.#least(a);
      const name = a === 0 ? 'rows' : 'cols';
      const describe = (xs: readonly (number | null)[], window: readonly (number | null)[]) =>
        `${what}: x ${nameInError(x)} of shape ${shapeToString(xs)} is too small for the layer's ${window.join('x')} filters with its padding, stride and dilation: expected at least ${least} ${name} (axis ${2 + a}), got ${String(xs[2 + a])}`;
      const n = x.staticShape[2 + a];
      if (least <= 0) continue;
      if (n !== null && n !== undefined) {
        if (n < least) throw new RangeError(describe(x.staticShape, this.kernel));
        continue;
      }
      const expected = T.zeros([T.maximum(T.shapeI(x, 2 + a), least), this.kernel[0], this.kernel[1], 0], 'int8');
      fits = apply1(new MatchLength(2 + a, 0, (xs, es) => describe(xs, es.slice(1, 3)), `${this.#what} input ${name} fit`), [fits, expected]);
    }
    return fits;
  }

  /** `act(conv2d(x, W) + b)` for x of shape (batch, inChannels, rows, cols). */
  output(x: TensorVariable): TensorVariable {
    const what = `${this.#what}.output`;
    checkImage(what, x);
    // checked here (at build time where x's channels are known), so that a wrong input names the layer rather than conv2d
    const checked = apply1(
      new MatchLength(1, 0, (xs) => `${what}: x ${nameInError(x)} of shape ${shapeToString(xs)} has ${String(xs[1])} channels (axis 1 of (batch, channels, rows, cols)), expected ${this.inChannels}`, `${this.#what} input channels ${this.inChannels}`),
      [x, T.zeros([this.inChannels], 'int8')],
    );
    const conv = T.nnet.conv2d(this.#checkFits(what, x, checked), this.W, this.convOptions);
    const lin = this.b ? conv.add(this.b.dimshuffle('x', 0, 'x', 'x')) : conv;
    return this.activation ? this.activation(lin) : lin;
  }
}
