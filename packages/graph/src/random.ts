/**
 * Theano's `RandomStreams` (`theano.tensor.shared_randomstreams`): a
 * factory of random variables. Each variable gets its own generator, seeded
 * from the stream's seed, and each call of a function that uses it draws
 * new numbers (unless the function is made with `noDefaultUpdates`); within
 * one call, a variable used twice has one value.
 *
 * ```ts
 * const srng = new sym.RandomStreams(234);
 * const rvU = srng.uniform([2, 2]);
 * const f = sym.function([], rvU); // new numbers at each call
 * const mask = srng.binomial(h.shape, { p: 0.5, dtype: 'float32' }); // dropout
 * ```
 */
import { config } from './config.js';
import { checkOptionNames } from './options.js';
import type { DType, FloatDType } from './dtype.js';
import { isFloat, isInt, promote } from './dtype.js';
import { RandomState } from './random-state.js';
import { apply1, asTensor, type TensorLike } from './op.js';
import { lengths, type Length } from './ops/alloc.js';
import { RandomVariable, SharedRandomState, type Distribution } from './ops/random.js';
import { cast } from './ops/elemwise.js';
import * as T from './tensor.js';
import { TensorVariable } from './variable.js';
import { NDArray } from './ndarray.js';

/** A random variable as a `RandomStreams` returns it: `rng` holds its generator (Theano's `rv.rng`). */
export type RandomTensor = TensorVariable & { readonly rng: SharedRandomState };

export interface UniformOptions {
  /** Lower bound, included (default 0). */
  readonly low?: TensorLike;
  /**
   * Upper bound, excluded (default 1), up to rounding: `low + u (high - low)`
   * can round to `high` itself, as in NumPy and Theano, when |low| is large
   * next to high - low (float32 uniform(low 1, high 2) gives 2 about once in
   * 2^24 draws).
   */
  readonly high?: TensorLike;
  /** Default floatX, upcast with the dtypes of `low` and `high` when they are tensors (Theano's rule). */
  readonly dtype?: FloatDType;
}

export interface NormalOptions {
  /** Mean (default 0). */
  readonly avg?: TensorLike;
  /** Standard deviation (default 1). */
  readonly std?: TensorLike;
  /** Default floatX, upcast with the dtypes of `avg` and `std` when they are tensors (Theano's rule). */
  readonly dtype?: FloatDType;
}

export interface BinomialOptions {
  /** Number of trials (default 1: a Bernoulli draw, 0 or 1). */
  readonly n?: number;
  /** Probability of success of each trial (default 0.5). */
  readonly p?: TensorLike;
  /** Default int64, as Theano's; pass floatX for a dropout mask. */
  readonly dtype?: DType;
}

function checkSeed(what: string, seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`${what}: the seed must be an integer in [0, 2^32), got ${String(seed)}`);
  return seed;
}

/** A parameter that is a number must be finite (and, for `check`, in range): checked when the graph is built. */
function numberParam(what: string, name: string, v: TensorLike, check?: (x: number) => boolean, range = ''): void {
  if (typeof v !== 'number') return;
  if (!Number.isFinite(v) || (check && !check(v))) throw new RangeError(`${what}: ${name} must be a finite number${range}, got ${v}`);
}

/**
 * A tensor parameter broadcasts over the size, so it may not have more
 * dimensions than the size has lengths (the sample would take its shape
 * instead of the size's); NumPy and Theano refuse it too.
 */
function paramRank(what: string, name: string, v: TensorLike, size: readonly Length[]): void {
  if (typeof v === 'number' || !Array.isArray(size)) return;
  const t = asTensor(v, `${what}: ${name}`);
  if (t.ndim > size.length) {
    throw new TypeError(`${what}: ${name} (${t}, type ${t.type}) has ${t.ndim} dimensions, more than the size's ${size.length}; a parameter broadcasts over the size, so it may have at most ${size.length}`);
  }
}

export class RandomStreams {
  /** Seeds each new variable's generator (Theano's `gen_seedgen`). */
  readonly #seeds: RandomState;
  readonly #rngs: SharedRandomState[] = [];

  /** `seed`: an integer in [0, 2^32); the same seed gives the same numbers on every backend and run. */
  constructor(seed = 0) {
    this.#seeds = new RandomState(checkSeed('RandomStreams', seed));
  }

  /**
   * Reseed every variable made so far, each with its own seed drawn from
   * `seed` (Theano's `srng.seed`); after the calls already queued, as
   * `rng.setValue`.
   */
  seed(seed: number): void {
    const seeds = new RandomState(checkSeed('RandomStreams.seed', seed));
    for (const r of this.#rngs) r.reseed(seeds.nextUint32());
  }

  #sample(distribution: Distribution, size: readonly Length[], dtype: FloatDType): [TensorVariable, SharedRandomState] {
    const what = `RandomStreams.${distribution}`;
    const rng = new SharedRandomState(new RandomState(this.#seeds.nextUint32()));
    const sample = apply1(new RandomVariable(distribution, dtype, rng), lengths(`${what}: size`, size));
    this.#rngs.push(rng);
    return [sample, rng];
  }

  /** Uniform in [low, high), of shape `size` (numbers, or integer scalars such as `x.shape[0]`). */
  uniform(size: readonly Length[], options: UniformOptions = {}): RandomTensor {
    checkOptionNames(options, 'RandomStreams.uniform', ['low', 'high', 'dtype']);
    const { low = 0, high = 1 } = options;
    const dtype = floatDType('RandomStreams.uniform', options.dtype, [low, high]);
    numberParam('RandomStreams.uniform', 'low', low);
    numberParam('RandomStreams.uniform', 'high', high);
    paramRank('RandomStreams.uniform', 'low', low, size);
    paramRank('RandomStreams.uniform', 'high', high, size);
    const [u, rng] = this.#sample('uniform', size, dtype);
    // literals stay literals (a float32 sample stays float32); tensors promote, and the result is cast to dtype as Theano's
    const span = typeof low === 'number' && typeof high === 'number' ? high - low : T.sub(high, low);
    const x = low === 0 && span === 1 ? u : T.add(T.mul(u, span), low);
    return withRng(castTo(x, dtype), rng);
  }

  /** Normal with mean `avg` and standard deviation `std`, of shape `size`. */
  normal(size: readonly Length[], options: NormalOptions = {}): RandomTensor {
    checkOptionNames(options, 'RandomStreams.normal', ['avg', 'std', 'dtype']);
    const { avg = 0, std = 1 } = options;
    const dtype = floatDType('RandomStreams.normal', options.dtype, [avg, std]);
    numberParam('RandomStreams.normal', 'avg', avg);
    numberParam('RandomStreams.normal', 'std', std, (x) => x >= 0, ' >= 0');
    paramRank('RandomStreams.normal', 'avg', avg, size);
    paramRank('RandomStreams.normal', 'std', std, size);
    const [z, rng] = this.#sample('normal', size, dtype);
    const x = avg === 0 && std === 1 ? z : T.add(T.mul(z, std), avg);
    return withRng(castTo(x, dtype), rng);
  }

  /**
   * The number of successes in `n` trials of probability `p`, of shape
   * `size`: with n = 1 (the default) a mask of 0 and 1, as dropout uses.
   */
  binomial(size: readonly Length[], options: BinomialOptions = {}): RandomTensor {
    const what = 'RandomStreams.binomial';
    checkOptionNames(options, what, ['n', 'p', 'dtype']);
    const { n = 1, p = 0.5, dtype = 'int64' } = options;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what}: n must be a non-negative integer (a number), got ${String(n)}`);
    numberParam(what, 'p', p, (x) => x >= 0 && x <= 1, ' in [0, 1]');
    paramRank(what, 'p', p, size);
    if (!isInt(dtype) && !isFloat(dtype)) throw new TypeError(`${what}: dtype must be an integer or float dtype, got ${String(dtype)}`);
    const pt = asTensor(p, `${what}: p`);
    // the uniforms compare in p's precision: float32 unless p is a float64 tensor
    const udtype: FloatDType = pt.dtype === 'float64' && !(typeof p === 'number') ? 'float64' : 'float32';
    if (n === 1) {
      const [u, rng] = this.#sample('uniform', size, udtype);
      return withRng(castTo(T.lt(u, pt), dtype), rng);
    }
    // n trials along a last axis, summed
    const [u, rng] = this.#sample('uniform', [...size, n], udtype);
    const pn = pt.ndim === 0 ? pt : pt.dimshuffle(...pt.broadcastable.map((_, d) => d), 'x');
    return withRng(T.sum(T.lt(u, pn), { axis: -1, dtype }), rng);
  }
}

/**
 * The sample's dtype: the one asked for, else floatX upcast with the
 * tensor parameters' dtypes, as Theano's `upcast(floatX, low.dtype,
 * high.dtype)` (numbers adapt, as Theano's float literals take floatX).
 */
function floatDType(what: string, dtype: DType | undefined, params: readonly TensorLike[]): FloatDType {
  let d: DType = dtype ?? config.floatX;
  if (dtype === undefined) for (const p of params) if (p instanceof TensorVariable || p instanceof NDArray) d = promote(d, p.dtype);
  if (d !== 'float32' && d !== 'float64') throw new TypeError(`${what}: dtype must be float32 or float64, got ${String(d)}`);
  return d;
}

function castTo(x: TensorVariable, dtype: DType): TensorVariable {
  return x.dtype === dtype ? x : cast(x, dtype);
}

function withRng(x: TensorVariable, rng: SharedRandomState): RandomTensor {
  return Object.defineProperty(x, 'rng', { value: rng, enumerable: false }) as RandomTensor;
}
