/**
 * Theano's `T.nnet.conv3d` (theano.tensor.nnet.conv3d) with `num_groups`,
 * and its adjoints `conv3d_grad_wrt_inputs` (the transposed convolution)
 * and `conv3d_grad_wrt_weights` from `theano.tensor.nnet.abstract_conv`:
 * conv2d's over a volume (depth, rows, cols), the same patch product
 * (conv-nd.ts).
 */
import type { TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import type { Triple } from '../ops/conv.js';
import type { Length } from '../ops/alloc.js';
import { convGradWrtInputsNd, convGradWrtWeightsNd, convNd } from './conv-nd.js';

/** Theano's `border_mode` for conv3d: `'valid'` (no padding), `'full'`, `'half'`, or a padding for all three axes or each. */
export type BorderMode3d = 'valid' | 'full' | 'half' | number | Triple;

/**
 * Theano's `conv3d` keyword arguments (`border_mode`, `subsample`,
 * `filter_flip`, `filter_dilation`, `num_groups`), taken by `T.nnet.conv3d`
 * and its two adjoints.
 */
export interface Conv3dOptions {
  /** Padding (default `'valid'`). */
  readonly borderMode?: BorderMode3d;
  /** Strides of the output (default [1, 1, 1]). */
  readonly subsample?: Triple;
  /** true (the default): convolution, filters flipped along all three axes; false: cross-correlation. */
  readonly filterFlip?: boolean;
  /** Dilation of the filters (default [1, 1, 1]). */
  readonly filterDilation?: Triple;
  /**
   * Theano's `num_groups` (default 1): filters are (out_channels,
   * in_channels / numGroups, depth, rows, cols), each group of filters
   * seeing only its group's channels.
   */
  readonly numGroups?: number;
}

/** conv3d's shape hints (Theano's `input_shape`, `filter_shape`): five lengths each (null: any), checked and known to the graph. */
export interface Conv3dShapes {
  /** The input's (batch, channels, depth, rows, cols). */
  readonly inputShape?: readonly (number | null)[];
  /** The filters' (out_channels, in_channels / numGroups, depth, rows, cols). */
  readonly filterShape?: readonly (number | null)[];
}

/**
 * A shape given to the 3-d adjoints: five entries, the last three
 * required (numbers or integer scalars), the first two numbers that are
 * checked, or null.
 */
export type Conv3dShape = readonly [number | null, number | null, Length, Length, Length];

/**
 * Theano's `T.nnet.conv3d(input, filters)`: input (batch, in_channels,
 * depth, rows, cols), filters (out_channels, in_channels / numGroups,
 * f_depth, f_rows, f_cols), output (batch, out_channels, out_depth,
 * out_rows, out_cols), each output length (len + 2 pad - dilation (k - 1)
 * - 1) // subsample + 1.
 */
export function conv3d(input: TensorLike, filters: TensorLike, options: Conv3dOptions & Conv3dShapes = {}): TensorVariable {
  return convNd('conv3d', 3, input, filters, options);
}

/**
 * Theano's `conv3d_grad_wrt_inputs(output_grad, filters, input_shape)`
 * (`T.nnet.abstractConv.conv3dGradWrtInputs`): the gradient of
 * `conv3d(x, filters, options)` with respect to x, given the gradient of
 * its output (a transposed 3-d convolution). `inputShape` is x's shape
 * (batch, channels, depth, rows, cols), the last three required.
 */
export function conv3dGradWrtInputs(outputGrad: TensorLike, filters: TensorLike, inputShape: Conv3dShape, options: Conv3dOptions = {}): TensorVariable {
  return convGradWrtInputsNd('conv3dGradWrtInputs', 3, outputGrad, filters, inputShape, options);
}

/**
 * Theano's `conv3d_grad_wrt_weights(input, output_grad, filter_shape)`
 * (`T.nnet.abstractConv.conv3dGradWrtWeights`): the gradient of
 * `conv3d(input, w, options)` with respect to the filters w.
 * `filterShape` is w's shape (out_channels, in_channels / numGroups,
 * depth, rows, cols), the last three required.
 */
export function conv3dGradWrtWeights(input: TensorLike, outputGrad: TensorLike, filterShape: Conv3dShape, options: Conv3dOptions = {}): TensorVariable {
  return convGradWrtWeightsNd('conv3dGradWrtWeights', 3, input, outputGrad, filterShape, options);
}
