/**
 * More of Theano's `theano.tensor.nnet` and `theano.tensor.signal.pool`:
 * `prepend_scalar_to_each_row` and its 0 and 1 forms, `conv2d_transpose`
 * and `max_pool_2d_same_size`, as compositions of existing ops (so every
 * backend runs them and `grad` differentiates them).
 */
import { asTensor, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import { checkOptionNames } from '../core/options.js';
import { nameInError } from '../core/error-names.js';
import type { Pair } from '../ops/conv.js';
import { pool2d } from '../ops/pool.js';
import { conv2dGradWrtInputs, type BorderMode, type ConvShape } from './conv2d.js';
import { specifyShape } from '../tensor/specify-shape.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

/**
 * Theano's `prepend_scalar_to_each_row(val, mat)`: a first column of `val`
 * before the matrix's columns, in the matrix's dtype (val is cast, as
 * Theano's op writes it into the matrix's type). The gradient of val is
 * the sum of that column's.
 */
export function prependScalarToEachRow(val: TensorLike, mat: TensorLike): TensorVariable {
  const m = asTensor(mat, 'prependScalarToEachRow: mat');
  const v = asTensor(val, 'prependScalarToEachRow: val');
  if (m.ndim !== 2) throw new TypeError(`prependScalarToEachRow: mat must be a matrix, got ${nameInError(m)} of type ${m.type}`);
  if (v.ndim !== 0) throw new TypeError(`prependScalarToEachRow: val must be a scalar, got ${nameInError(v)} of type ${v.type}`);
  const column = T.alloc(T.cast(v, m.dtype), T.shapeI(m, 0), 1);
  return T.concatenate([column, m], 1);
}

/** Theano's `prepend_0_to_each_row(mat)`: a first column of zeros. */
export function prepend0ToEachRow(mat: TensorLike): TensorVariable {
  return prependScalarToEachRow(0, mat);
}

/** Theano's `prepend_1_to_each_row(mat)`: a first column of ones (a bias input). */
export function prepend1ToEachRow(mat: TensorLike): TensorVariable {
  return prependScalarToEachRow(1, mat);
}

/**
 * Options of `T.nnet.conv2dTranspose`, Theano's `conv2d_transpose` keyword
 * arguments; unknown names are refused with a TypeError.
 */
export interface Conv2dTransposeOptions {
  /** The filters' shape, claimed (as `T.specifyShape`); null entries are free. */
  readonly filterShape?: readonly (number | null)[];
  /** The padding of the convolution this transposes (default `'valid'`). */
  readonly borderMode?: BorderMode;
  /** The stride of the convolution this transposes: the input's entries spread this far apart (default [1, 1]). */
  readonly inputDilation?: Pair;
  /** true (the default): the convolution transposed flips its filters; false: it is a cross-correlation. */
  readonly filterFlip?: boolean;
  /** The dilation of the filters of the convolution transposed (default [1, 1]). */
  readonly filterDilation?: Pair;
  /** The groups of the convolution transposed (default 1), as conv2d's `numGroups`. */
  readonly numGroups?: number;
}

const CONV2D_TRANSPOSE_OPTIONS = ['filterShape', 'borderMode', 'inputDilation', 'filterFlip', 'filterDilation', 'numGroups'] as const satisfies readonly (keyof Conv2dTransposeOptions)[];

/**
 * Theano's `conv2d_transpose(input, filters, output_shape, ...)` (a
 * "deconvolution"): the transpose of the conv2d taking `outputShape`
 * images to `input`, which is conv2dGradWrtInputs with the stride named
 * `inputDilation`. Filters are (channels of input, channels of the output,
 * rows, cols), as conv2d's for the convolution transposed.
 */
export function conv2dTranspose(input: TensorLike, filters: TensorLike, outputShape: ConvShape, options: Conv2dTransposeOptions = {}): TensorVariable {
  checkOptionNames(options, 'conv2dTranspose', CONV2D_TRANSPOSE_OPTIONS);
  const w0 = asTensor(filters, 'conv2dTranspose: filters');
  const w = options.filterShape === undefined ? w0 : specifyShape(w0, options.filterShape);
  const { inputDilation, filterShape: _unused, ...rest } = options;
  return conv2dGradWrtInputs(input, w, outputShape, inputDilation === undefined ? rest : { ...rest, subsample: inputDilation });
}

/**
 * Theano's `max_pool_2d_same_size(input, patch_size)`: each non-overlapping
 * patch of the last two axes keeps its maximum (every element equal to it,
 * as Theano's max-pool gradient spreads) and the rest becomes 0; rows and
 * columns past the last whole patch become 0 (Theano pools with
 * ignore_border). Same shape as the input.
 */
export function maxPool2dSameSize(input: TensorLike, patchSize: Pair): TensorVariable {
  const x = asTensor(input, 'maxPool2dSameSize');
  if (x.ndim < 2) throw new TypeError(`maxPool2dSameSize: expected an input of 2 dimensions or more (images in the last two), got ${nameInError(x)} of type ${x.type}`);
  if (!Array.isArray(patchSize) || patchSize.length !== 2 || patchSize.some((p) => !Number.isInteger(p) || p < 1)) {
    throw new RangeError(`maxPool2dSameSize: patchSize must be two integers >= 1 (rows, cols), got ${JSON.stringify(patchSize)}`);
  }
  const [ph, pw] = patchSize;
  const rows = x.ndim - 2;
  const pooled = pool2d(x, { ws: [ph, pw], ignoreBorder: true });
  // each patch's maximum spread back over its patch
  const spread = T.repeat(T.repeat(pooled, ph, rows), pw, rows + 1);
  const window = [T.slice(0, T.shapeI(spread, rows)), T.slice(0, T.shapeI(spread, rows + 1))];
  const covered = T.get(x, '...', ...window);
  const kept = T.switch(T.eq(covered, spread), covered, T.zerosLike(covered));
  return T.setSubtensor(T.get(T.zerosLike(x), '...', ...window), kept);
}

/**
 * Options of `T.nnet.separableConv2d`, Theano's `separable_conv2d` keyword
 * arguments; unknown names are refused with a TypeError.
 */
export interface SeparableConv2dOptions {
  /** The input's shape, claimed (conv2d's inputShape). */
  readonly inputShape?: readonly (number | null)[];
  /** The depthwise filters' shape, claimed: (numChannels * depth multiplier, 1, rows, cols). */
  readonly depthwiseFilterShape?: readonly (number | null)[];
  /** The pointwise filters' shape, claimed: (out_channels, numChannels * depth multiplier, 1, 1). */
  readonly pointwiseFilterShape?: readonly (number | null)[];
  /** The depthwise convolution's padding (default `'valid'`); the pointwise one is valid. */
  readonly borderMode?: BorderMode;
  /** The depthwise convolution's strides; the pointwise one has none. */
  readonly subsample?: Pair;
  /** Of both convolutions: true (conv2d's default) flips the filters; false makes them cross-correlations. */
  readonly filterFlip?: boolean;
  /** The depthwise convolution's dilation. */
  readonly filterDilation?: Pair;
}

const SEPARABLE_OPTIONS = ['inputShape', 'depthwiseFilterShape', 'pointwiseFilterShape', 'borderMode', 'subsample', 'filterFlip', 'filterDilation'] as const satisfies readonly (keyof SeparableConv2dOptions)[];

/**
 * Theano's `separable_conv2d(input, depthwise_filters, pointwise_filters,
 * num_channels, ...)`: a depthwise conv2d (numGroups = numChannels, each
 * channel its own filters, with the padding, strides and dilation given)
 * then a pointwise 1 x 1 conv2d mixing the channels.
 */
export function separableConv2d(input: TensorLike, depthwiseFilters: TensorLike, pointwiseFilters: TensorLike, numChannels: number, options: SeparableConv2dOptions = {}): TensorVariable {
  checkOptionNames(options, 'separableConv2d', SEPARABLE_OPTIONS);
  if (!Number.isInteger(numChannels) || numChannels < 1) throw new RangeError(`separableConv2d: numChannels must be an integer >= 1 (the input's channels), got ${String(numChannels)}`);
  const { inputShape, depthwiseFilterShape, pointwiseFilterShape, borderMode, subsample, filterFlip, filterDilation } = options;
  // only the options given: conv2d's defaults for the rest
  const given = <O extends object>(o: O): O => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as O;
  const depthwise = T.nnet.conv2d(input, depthwiseFilters, given({ inputShape, filterShape: depthwiseFilterShape, borderMode, subsample, filterFlip, filterDilation, numGroups: numChannels }));
  return T.nnet.conv2d(depthwise, pointwiseFilters, given({ filterShape: pointwiseFilterShape, filterFlip }));
}

/**
 * Theano's `confusion_matrix(actual, pred)`: `[conf, order]`, order the
 * sorted distinct labels of both vectors, and `conf[i, j]` (int64) how
 * many times label order[i] was predicted as order[j].
 */
export function confusionMatrix(actual: TensorLike, pred: TensorLike): [TensorVariable, TensorVariable] {
  const a = asTensor(actual, 'confusionMatrix: actual');
  const p = asTensor(pred, 'confusionMatrix: pred');
  if (a.ndim !== 1) throw new TypeError(`confusionMatrix: actual must be a vector of labels, got ${nameInError(a)} of type ${a.type}`);
  if (p.ndim !== 1) throw new TypeError(`confusionMatrix: pred must be a vector of labels, got ${nameInError(p)} of type ${p.type}`);
  const order = T.unique(T.concatenate([a, p])) as TensorVariable;
  // one-hot rows against the labels, then a product counts the pairs
  const oneHot = (v: TensorVariable) => T.cast(T.eq(T.dimshuffle(v, [0, 'x']), T.dimshuffle(order, ['x', 0])), 'int64');
  return [T.dot(T.transpose(oneHot(a)), oneHot(p)), order];
}

/**
 * Theano's `bn.batch_normalization(inputs, gamma, beta, mean, std, mode)`
 * (the one before batch_normalization_train and _test): `(inputs - mean)
 * * (gamma / std) + beta`, broadcasting as elementwise ops do. `mode`
 * ('low_mem' or 'high_mem') chose Theano's kernel; both give this.
 */
export function batchNormalization(inputs: TensorLike, gamma: TensorLike, beta: TensorLike, mean: TensorLike, std: TensorLike, mode: 'low_mem' | 'high_mem' = 'low_mem'): TensorVariable {
  if (mode !== 'low_mem' && mode !== 'high_mem') throw new TypeError(`batchNormalization: mode must be 'low_mem' or 'high_mem', got ${JSON.stringify(mode)}`);
  const x = asTensor(inputs, 'batchNormalization: inputs');
  const [g, b, m, s] = ([[gamma, 'gamma'], [beta, 'beta'], [mean, 'mean'], [std, 'std']] as const).map(([v, n]) => asTensor(v, `batchNormalization: ${n}`));
  return T.add(T.mul(T.sub(x, m!), T.trueDiv(g!, s!)), b!);
}
