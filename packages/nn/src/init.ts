/**
 * Weight initialisers for a layer's (nOutput, nInput) weight matrix, drawn
 * from a seedable {@link RandomState}. Glorot (Xavier) scales keep the
 * variance of activations and gradients balanced for tanh/sigmoid layers;
 * He scales do the same for ReLU layers.
 */
import { NDArray, config, type DType } from '@sym/graph';
import { RandomState } from './random.js';

export type Initializer = (shape: readonly [nOutput: number, nInput: number], rng: RandomState, dtype: DType) => NDArray;
export type InitializerName = 'normal' | 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'zeros' | 'ones';

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

export const INITIALIZERS: { readonly [K in InitializerName]: Initializer } = {
  normal: normal(1),
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  zeros,
  ones,
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
