/**
 * Theano's `T.nnet.conv2d` with `num_groups`, and its two adjoints from
 * `theano.tensor.nnet.abstract_conv`: `conv2d_grad_wrt_inputs` (the
 * transposed convolution) and `conv2d_grad_wrt_weights`, over two spatial
 * axes (conv-nd.ts writes them for two or three), and
 * `bilinear_upsampling` on the transposed convolution.
 */
import { asTensor, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import { isFloat, promote } from '../core/dtype.js';
import { config } from '../core/config.js';
import type { Pair } from '../ops/conv.js';
import type { Length } from '../ops/alloc.js';
import { lengthOf } from '../tensor/axes.js';
import { convGradWrtInputsNd, convGradWrtWeightsNd, convNd } from './conv-nd.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

/** Theano's `border_mode`: `'valid'` (no padding), `'full'`, `'half'`, or a padding for both axes or each. */
export type BorderMode = 'valid' | 'full' | 'half' | number | Pair;

/**
 * Theano's `conv2d` keyword arguments (`border_mode`, `subsample`,
 * `filter_flip`, `filter_dilation`, `num_groups`), taken by `T.nnet.conv2d`
 * and its two adjoints.
 */
export interface Conv2dOptions {
  /** Padding (default `'valid'`). */
  readonly borderMode?: BorderMode;
  /** Strides of the output (default [1, 1]). */
  readonly subsample?: Pair;
  /** true (the default): convolution, filters flipped; false: cross-correlation. */
  readonly filterFlip?: boolean;
  /** Dilation of the filters (default [1, 1]). */
  readonly filterDilation?: Pair;
  /**
   * Theano's `num_groups` (default 1): the input channels and the filters
   * split into this many groups, each group of filters seeing only its
   * group's channels; filters are (out_channels, in_channels / numGroups,
   * rows, cols). numGroups = in_channels is a depthwise convolution.
   */
  readonly numGroups?: number;
}

/**
 * A shape given to the adjoints (Theano's `input_shape`, `filter_shape`):
 * four entries, the last two required (numbers or integer scalars), the
 * first two numbers that are checked, or null.
 */
export type ConvShape = readonly [number | null, number | null, Length, Length];

/** conv2d's shape hints (Theano's `input_shape`, `filter_shape`): four lengths each (null: any), checked and known to the graph, as `T.specifyShape`. */
export interface Conv2dShapes {
  /** The input's (batch, channels, rows, cols). */
  readonly inputShape?: readonly (number | null)[];
  /** The filters' (out_channels, in_channels / numGroups, rows, cols). */
  readonly filterShape?: readonly (number | null)[];
}

/**
 * Theano's `T.nnet.conv2d(input, filters)`: input (batch, in_channels,
 * rows, cols), filters (out_channels, in_channels / numGroups, f_rows,
 * f_cols), output (batch, out_channels, out_rows, out_cols), where out_rows
 * is (rows + 2 pad - dilation (f_rows - 1) - 1) // subsample + 1. With
 * numGroups G, output channels [g O/G, (g+1) O/G) see only input channels
 * [g C/G, (g+1) C/G).
 */
export function conv2d(input: TensorLike, filters: TensorLike, options: Conv2dOptions & Conv2dShapes = {}): TensorVariable {
  return convNd('conv2d', 2, input, filters, options);
}

/**
 * Theano's `conv2d_grad_wrt_inputs(output_grad, filters, input_shape)`
 * (`T.nnet.abstractConv.conv2dGradWrtInputs`): the gradient of
 * `conv2d(x, filters, options)` with respect to x, given the gradient of
 * its output; a transposed convolution. `inputShape` is x's shape
 * (batch, channels, rows, cols): rows and cols are required, as several
 * input sizes give one output size when subsample > 1; the first two may
 * be null. outputGrad is (batch, out_channels, out_rows, out_cols).
 */
export function conv2dGradWrtInputs(outputGrad: TensorLike, filters: TensorLike, inputShape: ConvShape, options: Conv2dOptions = {}): TensorVariable {
  return convGradWrtInputsNd('conv2dGradWrtInputs', 2, outputGrad, filters, inputShape, options);
}

/**
 * Theano's `conv2d_grad_wrt_weights(input, output_grad, filter_shape)`
 * (`T.nnet.abstractConv.conv2dGradWrtWeights`): the gradient of
 * `conv2d(input, w, options)` with respect to the filters w, given the
 * gradient of its output. `filterShape` is w's shape (out_channels,
 * in_channels / numGroups, rows, cols): rows and cols are required, the
 * first two may be null.
 */
export function conv2dGradWrtWeights(input: TensorLike, outputGrad: TensorLike, filterShape: ConvShape, options: Conv2dOptions = {}): TensorVariable {
  return convGradWrtWeightsNd('conv2dGradWrtWeights', 2, input, outputGrad, filterShape, options);
}

/**
 * Theano's `bilinear_upsampling(input, ratio)`
 * (`T.nnet.abstractConv.bilinearUpsampling`): each image of input (batch,
 * channels, rows, cols) upsampled to (rows ratio, cols ratio) by bilinear
 * interpolation, as Theano computes it: the image's first and last rows
 * and cols repeated once outside it (so the edges interpolate towards
 * themselves), then a transposed convolution along the rows and one along
 * the cols with the kernel [1, 2, ..., ratio, ..., 2, 1] / ratio at stride
 * ratio. With an even ratio the last row and col are repeated once more
 * than the first, as Theano notes. `ratio` is an integer >= 1 (Theano's
 * later `frac_ratio` is not supported). The result is floatX, the dtype
 * of Theano's kernel (a float32 input gives float64 under
 * floatX=float64, an integer one floatX), or the input's float dtype
 * where that is wider (float64 under floatX=float32).
 */
export function bilinearUpsampling(input: TensorLike, ratio: number): TensorVariable {
  const what = 'bilinearUpsampling';
  const x = asTensor(input, `${what}: input`);
  if (x.ndim !== 4) throw new TypeError(`${what}: the input must be 4-d (batch, channels, rows, cols), got ${x} of type ${x.type}`);
  if (!Number.isInteger(ratio) || ratio < 1) throw new RangeError(`${what}: ratio must be an integer >= 1, got ${JSON.stringify(ratio)} (fractional ratios are not supported)`);
  // Theano's kernel is floatX and the result takes the kernel's dtype; a wider float input keeps its own (NumPy's promotion of the two)
  const d = isFloat(x.dtype) ? promote(x.dtype, config.floatX) : config.floatX;
  const [rows, cols] = [lengthOf(x, 2), lengthOf(x, 3)];
  const times = (n: Length, k: number): Length => (typeof n === 'number' ? n * k : T.mul(n, k));
  const plus = (n: Length, k: number): Length => (typeof n === 'number' ? n + k : T.add(n, k));
  // batch x channels spelled out: -1 is undetermined when either is 0
  const [batch, channels] = [lengthOf(x, 0), lengthOf(x, 1)];
  const images = T.reshape(x.dtype === d ? x : T.cast(x, d), [typeof batch === 'number' && typeof channels === 'number' ? batch * channels : T.mul(batch, channels), 1, rows, cols]);
  // the edges repeated once outside the image, rows then cols
  const edge = (v: TensorVariable, axis: 2 | 3, start: number | null, stop: number | null) =>
    v.get(...Array.from({ length: axis }, () => T.slice(null, null)), T.slice(start, stop));
  const tall = T.concatenate([edge(images, 2, null, 1), images, edge(images, 2, -1, null)], 2);
  const padded = T.concatenate([edge(tall, 3, null, 1), tall, edge(tall, 3, -1, null)], 3);
  const kernel = Array.from({ length: 2 * ratio - 1 }, (_, i) => (ratio - Math.abs(i - ratio + 1)) / ratio);
  const pad = 2 * ratio - Math.floor((ratio - 1) / 2) - 1;
  const upRows = conv2dGradWrtInputs(padded, T.constant(kernel, { dtype: d }).reshape([1, 1, 2 * ratio - 1, 1]), [null, 1, times(rows, ratio), plus(cols, 2)], { borderMode: [pad, 0], subsample: [ratio, 1] });
  const up = conv2dGradWrtInputs(upRows, T.constant(kernel, { dtype: d }).reshape([1, 1, 1, 2 * ratio - 1]), [null, 1, times(rows, ratio), times(cols, ratio)], { borderMode: [0, pad], subsample: [1, ratio] });
  return T.reshape(up, [lengthOf(x, 0), lengthOf(x, 1), times(rows, ratio), times(cols, ratio)]);
}
