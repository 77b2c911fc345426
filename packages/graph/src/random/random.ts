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
import { config } from '../core/config.js';
import { checkOptionNames } from '../core/options.js';
import { labelForErrors, nameInError } from '../core/error-names.js';
import type { DType, FloatDType } from '../core/dtype.js';
import { intRange, isFloat, isInt, promote } from '../core/dtype.js';
import { RandomState, describeSeed } from './random-state.js';
import { apply1, asTensor, type TensorLike } from '../core/op.js';
import { lengths, type Length } from '../ops/alloc.js';
import { arange, get } from '../tensor/indexing.js';
import { RandomVariable, SharedRandomState, type Distribution } from '../ops/random.js';
import { cast } from '../ops/elemwise.js';
import * as T from '../tensor/tensor.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';
import { NDArray, shapeToString } from '../core/ndarray.js';
import { MatchLength } from '../ops/shape.js';
import { checkedP, checkedPvals, choiceWithoutReplacement, permutation, poisson, shuffleRowElements, type PermutationOptions, type PoissonOptions, type Sampler } from './random-discrete.js';

/** A random variable as a `RandomStreams` returns it: `rng` holds its generator (Theano's `rv.rng`). */
export type RandomTensor = TensorVariable & {
  /** The shared generator the variable draws from (reseed it with `setValue`). */
  readonly rng: SharedRandomState;
};

/** `shuffleRowElements`'s result: `permutation` is the int32 permutation each row was read through (Theano's `.permutation`). */
export type ShuffledTensor = RandomTensor & {
  /** The int32 permutation each row was read through. */
  readonly permutation: RandomTensor;
};

export type { PermutationOptions, PoissonOptions } from './random-discrete.js';

/** The options of `RandomStreams.uniform`. */
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

/** The options of `RandomStreams.normal`. */
export interface NormalOptions {
  /** Mean (default 0). */
  readonly avg?: TensorLike;
  /** Standard deviation (default 1). */
  readonly std?: TensorLike;
  /** Default floatX, upcast with the dtypes of `avg` and `std` when they are tensors (Theano's rule). */
  readonly dtype?: FloatDType;
}

/** The options of `RandomStreams.randomIntegers`. */
export interface IntegersOptions {
  /** Lowest value, included (default 0). */
  readonly low?: number;
  /** Highest value, included (default 1). */
  readonly high?: number;
  /** Default int64, as Theano's. */
  readonly dtype?: DType;
}

/** The options of `RandomStreams.multinomial`. */
export interface MultinomialOptions {
  /** One distribution over the columns per row (a float matrix whose rows sum to 1). */
  readonly pvals: TensorLike;
  /** Trials per row (default 1: a one-hot row). */
  readonly n?: number;
  /** Default int64, as Theano's. */
  readonly dtype?: DType;
}

/** The options of `RandomStreams.choice`. */
export interface ChoiceOptions {
  /** A number of items (draws are 0 .. a - 1) or a vector of values to draw from. */
  readonly a: number | TensorLike;
  /**
   * With replacement (true, the default), or without (false: the sample's
   * values are distinct items, and size may ask for at most as many as a
   * has, as NumPy's).
   */
  readonly replace?: boolean;
  /** Probabilities of the items (a float vector, summing to 1); uniform when absent. */
  readonly p?: TensorLike;
  /** For a number `a`: default int64. For a vector: the vector's dtype unless given. */
  readonly dtype?: DType;
}

/** The options of `RandomStreams.binomial`. */
export interface BinomialOptions {
  /** Number of trials (default 1: a Bernoulli draw, 0 or 1). */
  readonly n?: number;
  /** Probability of success of each trial (default 0.5). */
  readonly p?: TensorLike;
  /** Default int64, as Theano's; pass floatX for a dropout mask. */
  readonly dtype?: DType;
}

function checkSeed(what: string, seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`${what}: the seed must be an integer in [0, 2^32), got ${describeSeed(seed, 'RandomStreams')}`);
  return seed;
}

/** A parameter that is a number must be finite (and, for `check`, in range): checked when the graph is built. */
/** `size` comes first, an array of lengths: Theano's size=None (the parameters' shape) is not supported. */
function checkSize(what: string, size: unknown): void {
  if (Array.isArray(size)) return;
  const shown =
    size === null || size === undefined
      ? String(size)
      : size instanceof TensorVariable
        ? `${size} of type ${size.type}`
        : typeof size === 'object'
          ? `an object with keys ${Object.keys(size).join(', ') || '(none)'}`
          : `${typeof size} ${String(size)}`;
  throw new TypeError(
    `${what}: size must be an array of lengths (numbers, or integer scalars such as x.shape[0]), the first argument, got ${shown}; ` +
      "Theano's size=None (the shape of the parameters) is not supported: pass that shape",
  );
}

function numberParam(what: string, name: string, v: TensorLike, check?: (x: number) => boolean, range = ''): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || (check && !check(v))) throw new RangeError(`${what}: ${name} must be a finite number${range}, got ${v}`);
    return;
  }
  // values known now (nested arrays, an NDArray, a constant) are checked as NumPy checks them; computed ones cannot be
  const t = asTensor(v, `${what}: ${name}`);
  if (!(t instanceof TensorConstant)) return;
  const data = t.value.data as ArrayLike<number | bigint>;
  for (let i = 0; i < data.length; i++) {
    const x = Number(data[i]);
    if (!Number.isFinite(x) || (check && !check(x))) {
      throw new RangeError(`${what}: ${name} must be finite numbers${range}, got ${x}${t.ndim === 0 ? '' : ` at flat index ${i}`}`);
    }
  }
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

/**
 * A tensor parameter checked to broadcast over the size: each of its
 * lengths that its type does not mark broadcastable must be the sample's
 * (aligned to the right), checked when the shapes are known (a constant's
 * now, a variable's when the function runs), so that a mismatch names the
 * parameter and the size rather than the elementwise op that applies it.
 */
function overSize(what: string, name: string, v: TensorLike, sample: TensorVariable, sizeLength: number): TensorLike {
  if (typeof v === 'number') return v;
  const t = asTensor(v, `${what}: ${name}`);
  const offset = sizeLength - t.ndim;
  const label = nameInError(t);
  const shown = (t instanceof TensorConstant && t.name === undefined) || label === name ? name : `${name} ${label}`;
  const describe = (ts: readonly (number | null)[], ss: readonly (number | null)[]) =>
    `${what}: ${shown} of shape ${shapeToString(ts)} does not broadcast over the size ${shapeToString(ss.slice(0, sizeLength))}: ` +
    "each of its lengths must be the size's last ones, or 1 where its type is broadcastable";
  return t.broadcastable.reduce<TensorVariable>((checked, b, d) => (b ? checked : apply1(new MatchLength(d, offset + d, describe, `${what} ${name}`), [checked, sample])), t);
}

/** For each trace that may be undone (innermost last), how to undo what it made of each stream: see `undoRandomsOf`. */
const undoLogs: Map<RandomStreams, () => void>[] = [];

/**
 * Run `trace` (the building of a graph); where `undo(error)` holds for an
 * error it throws, the streams forget the variables it made and their
 * seeds go back, before the error goes on. scan traces a step returning
 * until, or updates, a second time: the first trace's variables would be
 * unused generators in `stateUpdates`, and the step drew from the next
 * seeds, not those of the same step without them (Theano traces it once).
 */
export function undoRandomsOf<R>(trace: () => R, undo: (error: unknown) => boolean): R {
  const log = new Map<RandomStreams, () => void>();
  undoLogs.push(log);
  try {
    return trace();
  } catch (e) {
    if (undo(e)) for (const back of log.values()) back();
    throw e;
  } finally {
    undoLogs.splice(undoLogs.indexOf(log), 1);
  }
}

/**
 * Theano's `RandomStreams` (`theano.tensor.shared_randomstreams`): each
 * method makes a random variable with a generator of its own, seeded from
 * the stream's seed, whose value is a new sample at every call of a
 * function that uses it (`new sym.RandomStreams(234).uniform([2, 2])`).
 *
 * @example
 * ```ts
 * const srng = new sym.RandomStreams(234);
 * const f = sym.function([], srng.uniform([2, 2]));
 * await f(); // a 2 x 2 sample, uniform in [0, 1)
 * await f(); // another: the generator moved on
 * ```
 */
export class RandomStreams {
  /** Seeds each new variable's generator (Theano's `gen_seedgen`). */
  readonly #seeds: RandomState;
  readonly #rngs: SharedRandomState[] = [];
  readonly #samples: TensorVariable[] = [];

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

  /**
   * Theano's `state_updates`: each variable made so far as a pair (its
   * generator, its sample), in the order made. Two streams that made the
   * same variables pair up, so one's state can be copied into the other's:
   * `b.stateUpdates[i][0].setValue(a.stateUpdates[i][0].getValue())`.
   */
  get stateUpdates(): readonly (readonly [SharedRandomState, TensorVariable])[] {
    return this.#rngs.map((r, i) => [r, this.#samples[i]!] as const);
  }

  #sample(distribution: Distribution, size: readonly Length[], dtype: DType, range?: readonly [number, number], lam?: NDArray): [TensorVariable, SharedRandomState] {
    const what = `RandomStreams.${distribution}`;
    for (const log of undoLogs) {
      if (log.has(this)) continue;
      const seeds = this.#seeds.getState();
      const count = this.#rngs.length;
      log.set(this, () => {
        this.#seeds.setState(seeds);
        this.#rngs.length = count;
        this.#samples.length = count;
      });
    }
    const rng = new SharedRandomState(new RandomState(this.#seeds.nextUint32()));
    const sample = apply1(new RandomVariable(distribution, dtype, rng, range, lam), lengths(`${what}: size`, size));
    this.#rngs.push(rng);
    this.#samples.push(sample);
    return [sample, rng];
  }

  /** Uniform in [low, high), of shape `size` (numbers, or integer scalars such as `x.shape[0]`). */
  uniform(size: readonly Length[], options: UniformOptions = {}): RandomTensor {
    checkSize('RandomStreams.uniform', size);
    checkOptionNames(options, 'RandomStreams.uniform', ['low', 'high', 'dtype']);
    const { low = 0, high = 1 } = options;
    const dtype = floatDType('RandomStreams.uniform', options.dtype, [low, high]);
    numberParam('RandomStreams.uniform', 'low', low);
    numberParam('RandomStreams.uniform', 'high', high);
    paramRank('RandomStreams.uniform', 'low', low, size);
    paramRank('RandomStreams.uniform', 'high', high, size);
    const [u, rng] = this.#sample('uniform', size, dtype);
    const [lo, hi] = [overSize('RandomStreams.uniform', 'low', low, u, size.length), overSize('RandomStreams.uniform', 'high', high, u, size.length)];
    // literals stay literals (a float32 sample stays float32); tensors promote, and the result is cast to dtype as Theano's
    const span = typeof low === 'number' && typeof high === 'number' ? high - low : T.sub(hi, lo);
    const x = low === 0 && span === 1 ? u : T.add(T.mul(u, span), lo);
    return withRng(castTo(x, dtype), rng, 'uniform');
  }

  /** Normal with mean `avg` and standard deviation `std`, of shape `size`. */
  normal(size: readonly Length[], options: NormalOptions = {}): RandomTensor {
    checkSize('RandomStreams.normal', size);
    checkOptionNames(options, 'RandomStreams.normal', ['avg', 'std', 'dtype']);
    const { avg = 0, std = 1 } = options;
    const dtype = floatDType('RandomStreams.normal', options.dtype, [avg, std]);
    numberParam('RandomStreams.normal', 'avg', avg);
    numberParam('RandomStreams.normal', 'std', std, (x) => x >= 0, ' >= 0');
    paramRank('RandomStreams.normal', 'avg', avg, size);
    paramRank('RandomStreams.normal', 'std', std, size);
    const [z, rng] = this.#sample('normal', size, dtype);
    const x = avg === 0 && std === 1 ? z : T.add(T.mul(z, overSize('RandomStreams.normal', 'std', std, z, size.length)), overSize('RandomStreams.normal', 'avg', avg, z, size.length));
    return withRng(castTo(x, dtype), rng, 'normal');
  }

  /**
   * The number of successes in `n` trials of probability `p`, of shape
   * `size`: with n = 1 (the default) a mask of 0 and 1, as dropout uses.
   */
  binomial(size: readonly Length[], options: BinomialOptions = {}): RandomTensor {
    checkSize('RandomStreams.binomial', size);
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
      return withRng(castTo(T.lt(u, overSize(what, 'p', pt, u, size.length)), dtype), rng, 'binomial');
    }
    // n trials along a last axis, summed
    const [u, rng] = this.#sample('uniform', [...size, n], udtype);
    const pc = overSize(what, 'p', pt, u, size.length) as TensorVariable;
    const pn = pc.ndim === 0 ? pc : pc.dimshuffle(...pc.broadcastable.map((_, d) => d), 'x');
    return withRng(T.sum(T.lt(u, pn), { axis: -1, dtype }), rng, 'binomial');
  }

  /**
   * Integers uniformly in [low, high], both included, of shape `size`
   * (Theano's `random_integers`; int64 unless `dtype` says otherwise). Drawn
   * exactly on the host, without modulo bias.
   */
  randomIntegers(size: readonly Length[], options: IntegersOptions = {}): RandomTensor {
    checkSize('RandomStreams.randomIntegers', size);
    const what = 'RandomStreams.randomIntegers';
    checkOptionNames(options, what, ['low', 'high', 'dtype']);
    const { low = 0, high = 1, dtype = 'int64' } = options;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || low > high) {
      throw new RangeError(`${what}: low and high must be integers (numbers) with low <= high, got low=${String(low)}, high=${String(high)}`);
    }
    const [x, rng] = this.#sample('integers', size, dtype, [low, high]);
    return withRng(x, rng, 'randomIntegers');
  }

  /**
   * One draw per row of `pvals` (a matrix, one distribution over its
   * columns per row) of `n` trials: the counts per column, so with n = 1
   * (the default) a one-hot row (Theano's `MRG_RandomStreams.multinomial`;
   * int64 unless `dtype` says otherwise). Each trial compares a uniform with
   * the row's cumulative sums.
   */
  multinomial(options: MultinomialOptions): RandomTensor {
    const what = 'RandomStreams.multinomial';
    checkOptionNames(options, what, ['pvals', 'n', 'dtype']);
    const { pvals, n = 1, dtype = 'int64' } = options;
    if (pvals === undefined) throw new TypeError(`${what}: pvals is required (a matrix: one distribution over the columns per row)`);
    const p = asTensor(pvals, `${what}: pvals`);
    if (p.ndim !== 2 || !isFloat(p.dtype)) throw new TypeError(`${what}: pvals must be a float matrix (one distribution per row), got ${p} of type ${p.type}`);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what}: n must be a positive integer (a number), got ${String(n)}`);
    if (!isInt(dtype) && !isFloat(dtype)) throw new TypeError(`${what}: dtype must be an integer or float dtype, got ${String(dtype)}`);
    const [u, rng] = this.#sample('uniform', [T.shapeI(p, 0), n], p.dtype === 'float64' ? 'float64' : 'float32');
    // each row's pvals flag (0 where NumPy draws) is added to its picks: the flag's check keeps it in the program
    const picks = T.add(categories(p, u, T.shapeI(p, 1)), checkedPvals(what, p).dimshuffle(0, 'x')); // (rows, n)
    const oneHot = T.eq(picks.dimshuffle(0, 1, 'x'), arange(T.shapeI(p, 1)).dimshuffle('x', 'x', 0));
    return withRng(T.sum(oneHot, { axis: 1, dtype }), rng, 'multinomial');
  }

  /**
   * Draws from `a` (a number: the integers 0 .. a - 1; or a vector of
   * values), of shape `size`: uniformly, or with the probabilities `p` (a
   * vector); with replacement, or without (`replace: false`: distinct
   * items, drawn one after another in proportion to p among those left, as
   * NumPy's).
   */
  choice(size: readonly Length[], options: ChoiceOptions): RandomTensor {
    checkSize('RandomStreams.choice', size);
    const what = 'RandomStreams.choice';
    checkOptionNames(options, what, ['a', 'replace', 'p', 'dtype']);
    const { a, replace = true, p, dtype = 'int64' } = options;
    if (typeof replace !== 'boolean') throw new TypeError(`${what}: replace must be true or false, got ${String(replace)}`);
    if (a === undefined) throw new TypeError(`${what}: a is required (a number of items, or a vector of values)`);
    if (typeof a === 'number' && (!Number.isSafeInteger(a) || a < 1)) throw new RangeError(`${what}: a must be a positive integer or a vector, got ${a}`);
    const values = typeof a === 'number' ? undefined : asTensor(a, `${what}: a`);
    if (values && values.ndim !== 1) throw new TypeError(`${what}: a must be a number or a vector, got ${values} of type ${values.type}`);
    const count: Length = typeof a === 'number' ? a : T.shapeI(values!, 0);
    let picks: TensorVariable;
    let rng: SharedRandomState;
    if (!replace) {
      if (typeof a === 'number' && isInt(dtype) && a - 1 > intRange(dtype)[1]) throw new RangeError(`${what}: dtype ${dtype} cannot hold the items 0 .. ${a - 1} of a = ${a}`);
      [picks, rng] = choiceWithoutReplacement(this.#sampler, size, values ?? (a as number), p);
    } else if (p !== undefined) {
      const pv = asTensor(p, `${what}: p`);
      if (pv.ndim !== 1 || !isFloat(pv.dtype)) throw new TypeError(`${what}: p must be a float vector, got ${pv} of type ${pv.type}`);
      // as NumPy, with replacement too: p of another length than a, or not summing to 1, would draw from the first items only
      const items: Length = typeof a === 'number' ? a : (values!.staticShape[0] ?? count);
      const checked = checkedP(what, pv, items, 0, () => values ?? arange(0, a as number, 1, { dtype: 'int32' }));
      const [u, r] = this.#sample('uniform', size, pv.dtype === 'float64' ? 'float64' : 'float32');
      picks = categories(checked.dimshuffle('x', 0), T.flatten(u).dimshuffle('x', 0), count).reshape([...size]);
      rng = r;
    } else if (typeof a === 'number') {
      [picks, rng] = this.#sample('integers', size, isInt(dtype) ? dtype : 'int32', [0, a - 1]);
    } else {
      // a uniform index into a vector whose length only the program knows (float32: exact for up to 2^24 values)
      const [u, r] = this.#sample('uniform', size, 'float32');
      picks = T.minimum(T.cast(T.floor(u.mul(T.cast(count, 'float32'))), 'int32'), T.sub(count, 1));
      rng = r;
    }
    if (values) return withRng(castTo(get(values, T.cast(picks, 'int32')), options.dtype ?? values.dtype), rng, 'choice');
    return withRng(castTo(picks, dtype), rng, 'choice');
  }

  readonly #sampler: Sampler = (distribution, size, dtype, lam) => this.#sample(distribution, size, dtype, undefined, lam);

  /**
   * Theano's `permutation(size, n)`: of shape `size` + [n], each row along
   * the last axis a uniformly random order of 0 .. n - 1, independent of
   * the others (`size` [] gives one permutation; int64 unless `dtype` says
   * otherwise).
   */
  permutation(size: readonly Length[], options: PermutationOptions = {}): RandomTensor {
    checkSize('RandomStreams.permutation', size);
    return withRng(...permutation(this.#sampler, size, options));
  }

  /**
   * Theano's `poisson(size, lam)`: counts of mean `lam` (a number, or a
   * tensor of known values broadcast over the size), of shape `size`;
   * int64 unless `dtype` says otherwise. Drawn exactly on the host.
   */
  poisson(size: readonly Length[], options: PoissonOptions = {}): RandomTensor {
    checkSize('RandomStreams.poisson', size);
    return withRng(...poisson(this.#sampler, size, options));
  }

  /**
   * Theano's `shuffle_row_elements(input)`: each row of `input` (each
   * vector along its last axis) in its own random order; `permutation` on
   * the result is the drawn permutation (int32). Gradients flow back to
   * `input` through the inverse permutation.
   */
  shuffleRowElements(input: TensorLike): ShuffledTensor {
    const { shuffled, perm, rng } = shuffleRowElements(this.#sampler, input);
    const out = withRng(shuffled, rng);
    Object.defineProperty(out, 'permutation', { value: withRng(perm, rng), enumerable: false });
    return out as ShuffledTensor;
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

/**
 * For each row r of `p` (rows, k) and each uniform u of that row in `u`
 * (rows, m): the first column whose cumulative probability exceeds u,
 * clamped to the last (rounding may leave the total below u).
 */
function categories(p: TensorVariable, u: TensorVariable, k: Length): TensorVariable {
  const c = T.cumsum(p, 1);
  const below = T.le(c.dimshuffle(0, 'x', 1), u.dimshuffle(0, 1, 'x'));
  return T.minimum(T.sum(below, { axis: 2, dtype: 'int32' }), T.cast(T.sub(k, 1), 'int32'));
}

function castTo(x: TensorVariable, dtype: DType): TensorVariable {
  return x.dtype === dtype ? x : cast(x, dtype);
}

function withRng(x: TensorVariable, rng: SharedRandomState, method?: string): RandomTensor {
  // a draw made of several ops (binomial: cast(uniform < p)) is named in errors by the call, not by its last op
  if (method !== undefined) labelForErrors(x, `RandomStreams.${method}'s draw`);
  return Object.defineProperty(x, 'rng', { value: rng, enumerable: false }) as RandomTensor;
}
