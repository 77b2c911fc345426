/**
 * The `RandomStreams` draws that need a permutation or counts drawn on the
 * host: Theano's `permutation`, `choice` without replacement, `poisson`
 * and `shuffle_row_elements` (theano.tensor.raw_random). Each is one
 * random variable (a `RandomVariable` of its stream, with its own
 * generator), and ordinary ops on it where the result needs them.
 */
import { checkOptionNames } from '../core/options.js';
import { intRange, isFloat, isInt, type DType, type FloatDType } from '../core/dtype.js';
import { NDArray, shapeToString } from '../core/ndarray.js';
import { apply1, asTensor, type TensorLike } from '../core/op.js';
import type { Length } from '../ops/alloc.js';
import type { Distribution, SharedRandomState } from '../ops/random.js';
import { MatchLength } from '../ops/shape.js';
import { CheckIndex, type IndexErrorText } from '../ops/check-index.js';
import { Sort, TakeAlongAxis } from '../ops/sort.js';
import { arange, get, slice } from '../tensor/indexing.js';
import { poissonLamLimit } from './random-draws.js';
import * as T from '../tensor/tensor.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';

/** Draws one random variable of the stream: its sample and its generator. */
export type Sampler = (distribution: Distribution, size: readonly Length[], dtype: DType, lam?: NDArray) => [TensorVariable, SharedRandomState];

/** The options of `RandomStreams.permutation`. */
export interface PermutationOptions {
  /** The length of each permutation (default 1): a positive integer, or an integer scalar. */
  readonly n?: Length;
  /** Default int64, as Theano's; an integer dtype that holds n - 1. */
  readonly dtype?: DType;
}

/** The options of `RandomStreams.poisson`. */
export interface PoissonOptions {
  /**
   * The mean (default 1), >= 0: a number, or a tensor whose values are
   * known when the graph is built (an NDArray, nested arrays, a constant),
   * broadcast over the size.
   */
  readonly lam?: TensorLike;
  /** Default int64, as Theano's; any integer dtype. */
  readonly dtype?: DType;
}

/** An int32 constant: the checks' flags stay int32 (a bare number is int8, which some devices lack). */
const int32 = (v: number): TensorVariable => T.constant(v, { dtype: 'int32' });
const lengthText = (size: readonly Length[]): string => shapeToString(size.map((n) => (typeof n === 'number' ? n : null)));

/** Theano's `permutation(size, n)`: shape size + [n], each row along the last axis a uniformly random order of 0 .. n - 1. */
export function permutation(sample: Sampler, size: readonly Length[], options: PermutationOptions): [TensorVariable, SharedRandomState] {
  const what = 'RandomStreams.permutation';
  checkOptionNames(options, what, ['n', 'dtype']);
  const { n = 1, dtype = 'int64' } = options;
  if (typeof n === 'number' && (!Number.isSafeInteger(n) || n < 1)) throw new RangeError(`${what}: n must be a positive integer (the length of each permutation) or an integer scalar, got ${n}`);
  if (!isInt(dtype)) throw new TypeError(`${what}: dtype must be an integer dtype, got ${String(dtype)}`);
  if (typeof n === 'number' && n - 1 > intRange(dtype)[1]) throw new RangeError(`${what}: dtype ${dtype} cannot hold the values 0 .. ${n - 1} of a permutation of n = ${n}`);
  if (!Array.isArray(size)) throw new TypeError(`${what}: size must be an array of lengths, got ${typeof size}`);
  return sample('permutation', [...size, n], dtype);
}

/** lam as the host will read it: a float64 array of finite values >= 0 that the dtype's range allows. */
function lamValues(what: string, lam: TensorLike, dtype: DType): NDArray {
  const t = asTensor(lam, `${what}: lam`);
  if (!(t instanceof TensorConstant)) {
    throw new TypeError(
      `${what}: lam must be a number or a tensor of known values (an NDArray, nested arrays, a constant), got the symbolic ${t} of type ${t.type}; ` +
        `the counts are drawn on the host before the function's kernels run, so lam cannot be one of their results`,
    );
  }
  // a copy: the caller's NDArray may change after the variable is made
  const values = new NDArray(Float64Array.from(t.value.data as ArrayLike<number>), [...t.value.shape], 'float64');
  const limit = poissonLamLimit(dtype);
  for (let i = 0; i < values.size; i++) {
    const l = values.data[i]!;
    if (!(l >= 0 && l <= limit)) {
      const where = values.ndim === 0 ? '' : ` at flat index ${i}`;
      throw new RangeError(`${what}: lam must be finite and >= 0, and at most ${limit.toPrecision(6)} for dtype ${dtype} (so that every draw fits it), got ${l}${where}`);
    }
  }
  return values;
}

/** Theano's `poisson(size, lam)`: counts of mean lam, exact (inversion below lam 10, PTRS from it on). */
export function poisson(sample: Sampler, size: readonly Length[], options: PoissonOptions): [TensorVariable, SharedRandomState] {
  const what = 'RandomStreams.poisson';
  checkOptionNames(options, what, ['lam', 'dtype']);
  const { lam = 1, dtype = 'int64' } = options;
  if (!isInt(dtype)) throw new TypeError(`${what}: dtype must be an integer dtype, got ${String(dtype)}`);
  if (!Array.isArray(size)) throw new TypeError(`${what}: size must be an array of lengths, got ${typeof size}`);
  const values = lamValues(what, lam, dtype);
  if (values.ndim > size.length) {
    throw new TypeError(`${what}: lam of shape ${shapeToString(values.shape)} has ${values.ndim} dimensions, more than the size's ${size.length}; a parameter broadcasts over the size, so it may have at most ${size.length}`);
  }
  const offset = size.length - values.ndim;
  values.shape.forEach((l, d) => {
    const s = size[offset + d];
    if (l !== 1 && typeof s === 'number' && s !== l) throw new RangeError(`${what}: lam of shape ${shapeToString(values.shape)} does not broadcast over the size ${lengthText(size)}: each of its lengths must be 1 or the size's last ones`);
  });
  return sample('poisson', size, dtype, values);
}

/** The number of values of a size: a number when every length is one. */
function count(size: readonly Length[]): Length {
  if (size.every((n): n is number => typeof n === 'number')) return size.reduce((a, b) => a * b, 1);
  return size.reduce<Length>((acc, n) => (typeof acc === 'number' && acc === 1 ? n : T.mul(acc, n)), 1);
}

/**
 * choice's probabilities `pv` for `items` items, checked as NumPy checks
 * them: a constant p now (non-negative, summing to 1 up to NumPy's
 * tolerance, as many as the items, at least k of them non-zero; k = 0
 * with replacement), and a p whose length or a's is known only when the
 * program is made matched then with `like`, a vector of one entry per item.
 */
export function checkedP(what: string, pv: TensorVariable, items: Length, k: Length, like: () => TensorVariable): TensorVariable {
  if (pv instanceof TensorConstant) checkConstantP(what, pv.value, items, k);
  const pLength = pv.staticShape[0];
  let matched: TensorVariable;
  if (typeof items === 'number' && typeof pLength === 'number') {
    if (pLength !== items) throw new RangeError(`${what}: p has ${pLength} probabilities but a has ${items} items; they must be as many`);
    matched = pv;
  } else {
    matched = apply1(new MatchLength(0, 0, (ps, us) => `${what}: p has ${ps[0]} probabilities but a has ${us[0]} items; they must be as many`, 'choice p'), [pv, like()]);
  }
  return pv instanceof TensorConstant ? matched : T.add(matched, T.cast(checkedPFlag(what, matched, k), matched.dtype));
}

/**
 * A p known only when the function runs, checked then as checkConstantP
 * checks a constant one: a flag of one int32 (0: valid; 1: an entry
 * negative, NaN or infinite; 2: not summing to 1; 3: fewer non-zero
 * entries than k) through a CheckIndex against [0, 1), on the host for an
 * input, by the device flag for a computed p, before the call draws.
 */
function checkedPFlag(what: string, p: TensorVariable, k: Length): TensorVariable {
  const tolerance = Math.sqrt(p.dtype === 'float64' ? 2 ** -52 : p.dtype === 'float32' ? 2 ** -23 : 2 ** -10);
  const describe: IndexErrorText = (value) =>
    value === 1
      ? `${what}: the probabilities p must be finite and >= 0 (NumPy's ValueError: probabilities are not non-negative)`
      : value === 2
        ? `${what}: the probabilities p must sum to 1 (NumPy's ValueError; up to ${tolerance})`
        : `${what}: without replacement, size asks for more items than p has non-zero probabilities (NumPy: fewer non-zero entries in p than size)`;
  // one reduction with replacement: the sum, NaN where an entry is negative, NaN or infinite
  const total = T.sum(T.switch_(T.and(T.ge(p, 0), T.lt(p, Infinity)), p, NaN));
  const sumFlag = T.switch_(T.isnan(total), int32(1), T.switch_(T.gt(T.abs(T.sub(total, 1)), tolerance), int32(2), int32(0)));
  const flag = k === 0 ? sumFlag : T.switch_(T.gt(sumFlag, 0), sumFlag, T.switch_(T.lt(T.sum(T.gt(p, 0), { dtype: 'int64' }), k), int32(3), int32(0)));
  const flagVector = T.reshape(T.cast(flag, 'int32'), [1]);
  return apply1(new CheckIndex(0, describe, true), [flagVector, T.alloc(int32(0), 1)]);
}

/** A constant probability vector: non-negative, summing to 1 up to NumPy's tolerance, of a's length, with at least k items possible. */
function checkConstantP(what: string, p: NDArray, items: Length, k: Length): void {
  const xs = Array.from(p.data as ArrayLike<number>);
  const bad = xs.findIndex((x) => !(x >= 0 && Number.isFinite(x)));
  if (bad >= 0) throw new RangeError(`${what}: the probabilities p must be finite and >= 0, got p[${bad}] = ${xs[bad]}`);
  // NumPy's tolerance: the square root of the machine epsilon of p's precision
  const tolerance = Math.sqrt(p.dtype === 'float64' ? 2 ** -52 : p.dtype === 'float32' ? 2 ** -23 : 2 ** -10);
  const total = xs.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > tolerance) throw new RangeError(`${what}: the probabilities p must sum to 1, got a sum of ${total}`);
  if (typeof items === 'number' && xs.length !== items) throw new RangeError(`${what}: p has ${xs.length} probabilities but a has ${items} items; they must be as many`);
  const possible = xs.filter((x) => x > 0).length;
  if (typeof k === 'number' && k > possible) {
    throw new RangeError(`${what}: without replacement, size asks for ${k} items but only ${possible} of p's probabilities are non-zero (NumPy: fewer non-zero entries in p than size)`);
  }
}

/**
 * multinomial's pvals checked as NumPy checks them (its ValueErrors):
 * every entry in [0, 1], not NaN; each row's entries but the last summing
 * to at most 1 (the last takes what the others leave). NumPy's tolerance
 * is 1e-12; a float32 or float16 pvals (a softmax whose rows round past
 * 1) gets the square root of its machine epsilon. A constant is checked
 * now; otherwise a vector of one int32 per row (0: valid, 1: an entry out
 * of [0, 1] or NaN, 2: a sum past 1) goes through a CheckIndex against
 * [0, 1), checked where its values are (the host for an input, the device
 * flag for a computed pvals) before the call draws or commits anything.
 */
export function checkedPvals(what: string, p: TensorVariable): TensorVariable {
  const tolerance = p.dtype === 'float64' ? 1e-12 : Math.sqrt(p.dtype === 'float32' ? 2 ** -23 : 2 ** -10);
  const describe: IndexErrorText = (value, position) => {
    const row = position[0] ?? 0;
    if (value === 2) return `${what}: row ${row} of pvals: sum(pvals[:-1]) > 1.0 (NumPy's ValueError; up to ${tolerance})`;
    return `${what}: row ${row} of pvals has an entry < 0, > 1 or NaN (NumPy's ValueError: pvals < 0, pvals > 1 or pvals contains NaNs)`;
  };
  if (p instanceof TensorConstant) {
    const [r, c] = p.value.shape as [number, number];
    const xs = Array.from(p.value.data as ArrayLike<number>);
    const bad = xs.findIndex((x) => !(x >= 0 && x <= 1));
    if (bad >= 0) throw new RangeError(`${what}: pvals[${Math.floor(bad / c)}, ${bad % c}] is ${xs[bad]}: pvals < 0, pvals > 1 or pvals contains NaNs (NumPy's ValueError)`);
    for (let i = 0; i < r; i++) {
      const head = xs.slice(i * c, (i + 1) * c - 1).reduce((a, b) => a + b, 0);
      if (head > 1 + tolerance) throw new RangeError(`${what}: row ${i} of pvals: sum(pvals[:-1]) > 1.0 (${head}; NumPy's ValueError)`);
    }
    return T.zeros([r], 'int32');
  }
  // one reduction: the sum of each row's entries but the last, NaN where any entry lies outside [0, 1] or is NaN
  const columns = T.shapeI(p, 1);
  const head = T.lt(arange(0, columns, 1, { dtype: 'int32' }), T.sub(columns, 1)).dimshuffle('x', 0);
  const sums = T.sum(T.switch_(T.and(T.ge(p, 0), T.le(p, 1)), T.switch_(head, p, 0), NaN), { axis: 1 });
  const flag = T.switch_(T.isnan(sums), int32(1), T.switch_(T.gt(sums, 1 + tolerance), int32(2), int32(0)));
  const span = T.alloc(int32(0), 1); // [0, 1): its length is all the check reads
  return apply1(new CheckIndex(0, describe, true), [T.cast(flag, 'int32'), span]);
}

/**
 * The first k entries of `order`, a vector of `items` entries, refused
 * with `describe`'s message when k > items: when the graph is built if
 * both are known then, else when the program is made (the lengths of two
 * ranges are matched: 0 .. k and 0 .. min(k, items)).
 */
function firstK(order: TensorVariable, k: Length, items: Length, describe: (k: number | null, items: number | null) => string): TensorVariable {
  if (typeof k === 'number' && typeof items === 'number') {
    if (k > items) throw new RangeError(describe(k, items));
    return get(order, slice(0, k));
  }
  const wanted = arange(0, k, 1, { dtype: 'int32' });
  const available = arange(0, T.minimum(k, items), 1, { dtype: 'int32' });
  const checked = apply1(new MatchLength(0, 0, (w, a) => describe(w[0] ?? null, a[0] ?? null), 'choice without replacement'), [wanted, available]);
  return get(order, checked);
}

/**
 * `choice(size, { a, replace: false, p })`: `size`'s values are distinct
 * items of a. Without p, the first entries of a permutation of a's indices
 * (NumPy's method). With p, NumPy picks item after item in proportion to
 * p among those left; the same order comes from sorting E_i / p_i, with
 * E_i independent exponentials (the first of independent exponential
 * clocks of rates p_i rings for item i with probability p_i / sum(p), and
 * the others then run on as if restarted), so the sample is the indices
 * of the k smallest.
 */
export function choiceWithoutReplacement(sample: Sampler, size: readonly Length[], a: number | TensorVariable, p: TensorLike | undefined): [TensorVariable, SharedRandomState] {
  const what = 'RandomStreams.choice';
  const items: Length = typeof a === 'number' ? a : (a.staticShape[0] ?? T.shapeI(a, 0));
  const k = count(size);
  const describe = (want: number | null, have: number | null) =>
    `${what}: without replacement (replace: false), size ${lengthText(size)} asks for ${want ?? 'more'} distinct items, but a has only ${have ?? 'fewer'}; ` +
    `ask for at most as many as a has, or draw with replacement`;
  let order: TensorVariable;
  let rng: SharedRandomState;
  if (p === undefined) {
    [order, rng] = sample('permutation', [items], 'int32');
  } else {
    const pv = asTensor(p, `${what}: p`);
    if (pv.ndim !== 1 || !isFloat(pv.dtype)) throw new TypeError(`${what}: p must be a float vector, got ${pv} of type ${pv.type}`);
    const udtype: FloatDType = pv.dtype === 'float64' ? 'float64' : 'float32';
    const [u, r] = sample('uniform', [items], udtype);
    rng = r;
    const probabilities = checkedP(what, pv, items, k, () => u);
    // u < 1, so the exponential is finite; items of probability 0 come last, in their order
    const exponential = T.neg(T.log1p(T.neg(u)));
    const keys = T.switch_(T.gt(probabilities, 0), T.div(exponential, probabilities), Infinity);
    order = apply1(new Sort(0, 'indices', false, 'int32'), [keys]);
  }
  return [T.reshape(firstK(order, k, items, describe), size), rng];
}

/**
 * Theano's `shuffle_row_elements(input)`: each row of `input` (the vectors
 * along its last axis) in its own random order, a gather of the row through
 * a permutation drawn for it (returned too: Theano's `.permutation`). The
 * gather's gradient gathers back through the inverse permutation.
 */
export function shuffleRowElements(sample: Sampler, input: TensorLike): { shuffled: TensorVariable; perm: TensorVariable; rng: SharedRandomState } {
  const what = 'RandomStreams.shuffleRowElements';
  const x = asTensor(input, `${what}: input`);
  if (x.ndim === 0) throw new TypeError(`${what}: input must have at least one dimension (its rows lie along the last), got the 0-d ${x} of type ${x.type}`);
  const last = x.ndim - 1;
  const size = x.staticShape.map((n, d): Length => n ?? T.shapeI(x, d));
  const [perm, rng] = sample('permutation', size, 'int32');
  const inverse = apply1(new Sort(last, 'indices', false, 'int32'), [perm]);
  return { shuffled: apply1(new TakeAlongAxis(last), [x, perm, inverse]), perm, rng };
}
