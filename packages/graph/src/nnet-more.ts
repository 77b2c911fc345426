/**
 * More of Theano's `theano.tensor.nnet` and `theano.tensor.signal.pool`:
 * `prepend_scalar_to_each_row` and its 0 and 1 forms, `conv2d_transpose`
 * and `max_pool_2d_same_size`, as compositions of existing ops (so every
 * backend runs them and `grad` differentiates them).
 */
import { asTensor, type TensorLike } from './op.js';
import type { TensorVariable } from './variable.js';
import { checkOptionNames } from './options.js';
import { nameInError } from './error-names.js';
import { pool2d, type Pair } from './ops/conv.js';
import { conv2dGradWrtInputs, type BorderMode, type ConvShape } from './conv2d.js';
import { specifyShape } from './specify-shape.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';

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

export interface Conv2dTransposeOptions {
  /** The filters' shape, claimed (as `T.specifyShape`); null entries are free. */
  readonly filterShape?: readonly (number | null)[];
  /** The padding of the convolution this transposes (default `'valid'`). */
  readonly borderMode?: BorderMode;
  /** The stride of the convolution this transposes: the input's entries spread this far apart (default [1, 1]). */
  readonly inputDilation?: Pair;
  readonly filterFlip?: boolean;
  readonly filterDilation?: Pair;
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
