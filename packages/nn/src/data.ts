/**
 * The tutorial's dataset: two Gaussian clouds of points in 2-D, one per
 * class, drawn in the same order as the seed's NumPy code (labels, then
 * covariances, then the x and y coordinates). The numbers differ from
 * NumPy's because the generator is {@link RandomState}, not the Mersenne
 * Twister.
 */
import { NDArray, config, type DType } from '@sym/graph';
import { RandomState } from './random.js';

/** What {@link twoGaussianClouds} returns: points, labels and the clouds' parameters. */
export interface GaussianClouds {
  /** Points as columns: shape (2, n), dtype floatX unless asked otherwise. */
  X: NDArray;
  /** Class labels 0 or 1: shape (n,), same dtype as X (the MLP's target type). */
  y: NDArray;
  /** `means[d][c]`: the mean of coordinate d in class c ([[-1, 1], [-1, 1]]). */
  means: number[][];
  /** `covariances[d][c]`: the spread of coordinate d in class c, in [1, 2). */
  covariances: number[][];
}

/**
 * `y = random_integers(0, 1, n)`, `covariances = random_sample((2, 2)) + 1`,
 * `X = vstack([randn(n) * covariances[0, y] + means[0, y], randn(n) * covariances[1, y] + means[1, y]])`.
 */
export function twoGaussianClouds(rng: RandomState, n = 1000, options: { dtype?: DType } = {}): GaussianClouds {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`twoGaussianClouds: n must be a positive integer, got ${String(n)}`);
  const dtype = options.dtype ?? config.floatX;
  const labels = rng.randomIntegers(0, 1, n);
  const means = [
    [-1, 1],
    [-1, 1],
  ];
  const cov = rng.randomSample([2, 2]);
  const covariances = [
    [cov.data[0]! + 1, cov.data[1]! + 1],
    [cov.data[2]! + 1, cov.data[3]! + 1],
  ];
  const X = new Float64Array(2 * n);
  for (let d = 0; d < 2; d++) {
    const noise = rng.randn(n);
    for (let i = 0; i < n; i++) {
      const c = labels.data[i]!;
      X[d * n + i] = noise.data[i]! * covariances[d]![c]! + means[d]![c]!;
    }
  }
  return {
    X: new NDArray(X, [2, n], 'float64').astype(dtype),
    y: labels.astype(dtype),
    means,
    covariances,
  };
}

/** What {@link barImages} returns: images and their classes. */
export interface BarImages {
  /** The images, (n, 1, size, size) (batch, channels, rows, cols), dtype floatX unless asked otherwise. */
  X: NDArray;
  /** The classes, int32 (n,): 0 a horizontal bar, 1 a vertical bar, 2 a diagonal one. */
  y: NDArray;
}

/**
 * A small image dataset for convolutional networks: n single-channel
 * size x size images, each one bar of ones, horizontal, vertical or
 * diagonal (its class, drawn uniformly) at a random offset, plus Gaussian
 * noise of standard deviation `noise` (default 0.3). No pixel tells the
 * class: a classifier has to find the bar's direction, wherever it lies.
 */
export function barImages(rng: RandomState, n: number, options: { size?: number; noise?: number; dtype?: DType } = {}): BarImages {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`barImages: n must be a positive integer, got ${String(n)}`);
  const size = options.size ?? 12;
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`barImages: size must be an integer >= 2, got ${String(options.size)}`);
  const noise = options.noise ?? 0.3;
  if (typeof noise !== 'number' || !(noise >= 0)) throw new RangeError(`barImages: noise must be a number >= 0, got ${String(options.noise)}`);
  const labels = rng.randomIntegers(0, 2, n);
  const offsets = rng.randomIntegers(0, size - 1, n);
  const X = rng.normal([n, 1, size, size], { std: noise });
  for (let i = 0; i < n; i++) {
    const k = offsets.data[i]!;
    const image = i * size * size;
    for (let j = 0; j < size; j++) {
      // a horizontal bar fills row k, a vertical one col k, a diagonal one the wrapped diagonal j - k
      const [r, c] = labels.data[i] === 0 ? [k, j] : labels.data[i] === 1 ? [j, k] : [j, (j + k) % size];
      X.data[image + r * size + c]! += 1;
    }
  }
  return { X: X.astype(options.dtype ?? config.floatX), y: labels.astype('int32') };
}
