/**
 * Weight initialisers for a layer's (nOutput, nInput) weight matrix, drawn
 * from a seedable {@link RandomState}. Glorot (Xavier) scales keep the
 * variance of activations and gradients balanced for tanh/sigmoid layers;
 * He scales do the same for ReLU layers. The built-in ones also draw
 * convolution filters, (filters, channels, rows, cols) as `T.nnet.conv2d`
 * takes them, with the fans Lasagne and PyTorch count (see {@link fans}).
 * Called directly without a dtype, they draw in `config.floatX`, as
 * `initialize` and the layers do.
 */
import { NDArray, config, type DType } from '@sym/graph';
import { RandomState } from './random.js';

/** What the layers call: a (nOutput, nInput) matrix. The built-in initialisers take any shape (nOutput, nInput, ...kernel). */
export type Initializer = (shape: readonly [nOutput: number, nInput: number], rng: RandomState, dtype: DType) => NDArray;
/** The initialisers a layer takes by name (see {@link INITIALIZERS}). */
export type InitializerName = 'normal' | 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'zeros' | 'ones' | 'orthogonal';

function checkDims(shape: readonly number[], what: string): void {
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${what}: expected a shape [nOutput, nInput] of positive integers, got ${JSON.stringify(shape)} (filters: [nOutput, nInput, ...kernel])`);
  }
}

/**
 * The fans of a weight of shape (nOutput, nInput, ...kernel): each output
 * sums nInput times the kernel's size inputs (fanIn), and each input
 * reaches nOutput times the kernel's size outputs (fanOut), as Lasagne and
 * PyTorch count them for dense (nOutput, nInput) and convolution
 * (filters, channels, rows, cols) weights.
 */
export function fans(shape: readonly number[]): {
  /** Inputs per output unit: shape[1] times the kernel's size. */
  fanIn: number;
  /** Outputs per input unit: shape[0] times the kernel's size. */
  fanOut: number;
} {
  checkDims(shape, 'fans');
  const receptiveField = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptiveField, fanOut: shape[0]! * receptiveField };
}

/** Standard normal entries scaled by `std` (the tutorial's `np.random.randn(n_output, n_input)` when std is 1). */
export const normal =
  (std = 1) =>
  (shape: readonly number[], rng: RandomState, dtype: DType = config.floatX): NDArray => {
    checkDims(shape, 'normal');
    return rng.normal(shape, { std, dtype });
  };

/** Glorot/Xavier uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). */
export const glorotUniform = (shape: readonly number[], rng: RandomState, dtype: DType = config.floatX): NDArray => {
  checkDims(shape, 'glorotUniform');
  const { fanIn, fanOut } = fans(shape);
  const a = Math.sqrt(6 / (fanIn + fanOut));
  return rng.uniform(shape, { low: -a, high: a, dtype });
};

/** Glorot/Xavier normal: N(0, 2 / (fanIn + fanOut)). */
export const glorotNormal = (shape: readonly number[], rng: RandomState, dtype: DType = config.floatX): NDArray => {
  checkDims(shape, 'glorotNormal');
  const { fanIn, fanOut } = fans(shape);
  return rng.normal(shape, { std: Math.sqrt(2 / (fanIn + fanOut)), dtype });
};

/** He/Kaiming uniform: U(-a, a) with a = sqrt(6 / fanIn). */
export const heUniform = (shape: readonly number[], rng: RandomState, dtype: DType = config.floatX): NDArray => {
  checkDims(shape, 'heUniform');
  const a = Math.sqrt(6 / fans(shape).fanIn);
  return rng.uniform(shape, { low: -a, high: a, dtype });
};

/** He/Kaiming normal: N(0, 2 / fanIn). */
export const heNormal = (shape: readonly number[], rng: RandomState, dtype: DType = config.floatX): NDArray => {
  checkDims(shape, 'heNormal');
  return rng.normal(shape, { std: Math.sqrt(2 / fans(shape).fanIn), dtype });
};

/** All zeros (`rng` unused), e.g. for biases; throws on a shape of fewer than 2 positive lengths. */
export const zeros = (shape: readonly number[], _rng: RandomState, dtype: DType = config.floatX): NDArray => {
  checkDims(shape, 'zeros');
  return NDArray.zeros(shape, dtype);
};

/** All ones (`rng` unused); throws on a shape of fewer than 2 positive lengths. */
export const ones = (shape: readonly number[], rng: RandomState, dtype: DType = config.floatX): NDArray => {
  const z = zeros(shape, rng, dtype);
  z.data.fill(1);
  return z;
};

/**
 * Orthogonal initialiser (Saxe et al. 2014, Keras's default for recurrent
 * weights): a standard normal matrix orthonormalised by Gram-Schmidt, with
 * the signs of its QR factorisation's diagonal kept so that the result is
 * uniformly distributed, times `gain`. A square matrix is orthogonal; a wide
 * one has orthonormal rows, a tall one orthonormal columns. Filters
 * (nOutput, nInput, ...kernel) are drawn as the (nOutput, nInput * kernel
 * size) matrix of their flattened rows, as Lasagne's `Orthogonal`.
 */
export const orthogonal =
  (gain = 1) =>
  (shape: readonly number[], rng: RandomState, dtype: DType = config.floatX): NDArray => {
    checkDims(shape, 'orthogonal');
    const rows = shape[0]!;
    const cols = shape.slice(1).reduce((a, b) => a * b, 1);
    const tall = rows >= cols;
    const [n, k] = tall ? [rows, cols] : [cols, rows];
    const columns = orthonormalColumns(rng.randn([k, n]).data, n, k);
    const out = NDArray.zeros(shape, dtype);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < n; i++) out.data[tall ? i * cols + j : j * cols + i] = gain * columns[j]![i]!;
    }
    return out;
  };

/** k orthonormal vectors of length n (k <= n) from k random ones, by modified Gram-Schmidt; each keeps its direction's sign (R's diagonal positive). */
function orthonormalColumns(data: NDArray['data'], n: number, k: number): Float64Array[] {
  const columns: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = Float64Array.from({ length: n }, (_, i) => data[j * n + i]!);
    for (const q of columns) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i]! * v[i]!;
      for (let i = 0; i < n; i++) v[i]! -= dot * q[i]!;
    }
    // a loop, not Math.hypot(...v): spreading a long vector (an embedding table's 100000 rows) overflows the call stack
    let sumOfSquares = 0;
    for (let i = 0; i < n; i++) sumOfSquares += v[i]! * v[i]!;
    const norm = Math.sqrt(sumOfSquares);
    for (let i = 0; i < n; i++) v[i]! /= norm;
    columns.push(v);
  }
  return columns;
}

/** The named initialisers; `normal` is the tutorial's standard normal (std 1). */
export const INITIALIZERS: { readonly [K in InitializerName]: Initializer } = {
  normal: normal(1),
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  zeros,
  ones,
  orthogonal: orthogonal(1),
};

/** The initialiser for a name or a function. */
export function resolveInitializer(init: Initializer | InitializerName, what = 'init'): Initializer {
  if (typeof init === 'function') return init;
  if (typeof init === 'string' && Object.hasOwn(INITIALIZERS, init)) return INITIALIZERS[init];
  throw new TypeError(`${what}: expected a function or one of ${Object.keys(INITIALIZERS).join(', ')}, got ${JSON.stringify(init)}`);
}

/** Initialise a (nOutput, nInput) matrix in `dtype` (default floatX). */
export function initialize(init: Initializer | InitializerName, shape: readonly [number, number], rng: RandomState, dtype: DType = config.floatX): NDArray {
  return resolveInitializer(init)(shape, rng, dtype);
}
