/**
 * Weight initialisers for a layer's (nOutput, nInput) weight matrix, drawn
 * from a seedable {@link RandomState}. Glorot (Xavier) scales keep the
 * variance of activations and gradients balanced for tanh/sigmoid layers;
 * He scales do the same for ReLU layers.
 */
import { NDArray, config, type DType } from '@sym/graph';
import { RandomState } from './random.js';

export type Initializer = (shape: readonly [nOutput: number, nInput: number], rng: RandomState, dtype: DType) => NDArray;
export type InitializerName = 'normal' | 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'zeros' | 'ones' | 'orthogonal';

function checkDims(shape: readonly number[], what: string): void {
  if (shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${what}: expected a shape [nOutput, nInput] of positive integers, got ${JSON.stringify(shape)}`);
  }
}

/** Standard normal entries scaled by `std` (the tutorial's `np.random.randn(n_output, n_input)` when std is 1). */
export const normal =
  (std = 1): Initializer =>
  (shape, rng, dtype) => {
    checkDims(shape, 'normal');
    return rng.normal(shape, { std, dtype });
  };

/** Glorot/Xavier uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). */
export const glorotUniform: Initializer = (shape, rng, dtype) => {
  checkDims(shape, 'glorotUniform');
  const a = Math.sqrt(6 / (shape[0] + shape[1]));
  return rng.uniform(shape, { low: -a, high: a, dtype });
};

/** Glorot/Xavier normal: N(0, 2 / (fanIn + fanOut)). */
export const glorotNormal: Initializer = (shape, rng, dtype) => {
  checkDims(shape, 'glorotNormal');
  return rng.normal(shape, { std: Math.sqrt(2 / (shape[0] + shape[1])), dtype });
};

/** He/Kaiming uniform: U(-a, a) with a = sqrt(6 / fanIn). */
export const heUniform: Initializer = (shape, rng, dtype) => {
  checkDims(shape, 'heUniform');
  const a = Math.sqrt(6 / shape[1]);
  return rng.uniform(shape, { low: -a, high: a, dtype });
};

/** He/Kaiming normal: N(0, 2 / fanIn). */
export const heNormal: Initializer = (shape, rng, dtype) => {
  checkDims(shape, 'heNormal');
  return rng.normal(shape, { std: Math.sqrt(2 / shape[1]), dtype });
};

export const zeros: Initializer = (shape, _rng, dtype) => {
  checkDims(shape, 'zeros');
  return NDArray.zeros(shape, dtype);
};

export const ones: Initializer = (shape, rng, dtype) => {
  const z = zeros(shape, rng, dtype);
  z.data.fill(1);
  return z;
};

/**
 * Orthogonal initialiser (Saxe et al. 2014, Keras's default for recurrent
 * weights): a standard normal matrix orthonormalised by Gram-Schmidt, with
 * the signs of its QR factorisation's diagonal kept so that the result is
 * uniformly distributed, times `gain`. A square matrix is orthogonal; a wide
 * one has orthonormal rows, a tall one orthonormal columns.
 */
export const orthogonal =
  (gain = 1): Initializer =>
  (shape, rng, dtype) => {
    const [rows, cols] = shape;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows <= 0 || cols <= 0) {
      throw new RangeError(`orthogonal: expected a shape [nOutput, nInput] of positive integers, got ${JSON.stringify(shape)}`);
    }
    const tall = rows >= cols;
    const [n, k] = tall ? [rows, cols] : [cols, rows];
    const columns = orthonormalColumns(rng.randn([k, n]).data, n, k);
    const out = NDArray.zeros([rows, cols], dtype);
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
