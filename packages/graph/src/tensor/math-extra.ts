/**
 * More of Theano's `theano.tensor` math, built from elementwise ops,
 * reductions and dot: var and std with Theano's ddof and corrected, ptp,
 * largest and smallest, maxAndArgmax, the p-norm of `x.norm(L, axis)`,
 * iround and the named rounding modes, floorDiv, isclose and allclose, tri
 * and batchedTensordot. `tensor.ts` re-exports them as part of `T`.
 */
import { config } from '../core/config.js';
import { floatOf, isDType, isInt, promote, type DType } from '../core/dtype.js';
import { apply1, asTensor, type TensorLike } from '../core/op.js';
import { checkOptionNames } from '../core/options.js';
import { TensorVariable } from '../core/variable.js';
import { normaliseAxes } from '../ops/reduce.js';
import { MatchLength } from '../ops/shape.js';
import type { Length } from '../ops/alloc.js';
import { axisIn, lengthOf, range } from './axes.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';
import type { ReduceOptions } from './tensor.js';


/** The options of var and std: a reduction's, and Theano's ddof and corrected. */
export interface VarOptions extends ReduceOptions {
  /** Delta degrees of freedom: the sum of squares is divided by N - ddof (0, the default: the maximum-likelihood estimate; 1: the unbiased one). */
  ddof?: number;
  /** Theano's corrected two-pass algorithm: subtracts the rounding error left in the mean (Chan, Golub and LeVeque). */
  corrected?: boolean;
}
/** var's and std's second argument: options, or the axis alone. */
export type VarArg = VarOptions | number | readonly number[] | null;
const VAR_OPTIONS = ['axis', 'keepdims', 'dtype', 'ddof', 'corrected'];

function optionsOf<O extends ReduceOptions>(o: O | number | readonly number[] | null | undefined): O {
  if (o === undefined) return {} as O;
  // anything but an options object is the axis (a string '1': axisIn says it is not an integer)
  return typeof o !== 'object' || Array.isArray(o) || o === null ? ({ axis: o } as O) : (o as O);
}

/** The number of elements reduced over `axes`, a number when their lengths are known, else a scalar of `dtype`. */
function countOf(v: TensorVariable, axes: readonly number[], dtype: DType): number | TensorVariable {
  const ls = axes.map((d) => lengthOf(v, d));
  if (ls.every((l) => typeof l === 'number')) return (ls as number[]).reduce((p, l) => p * l, 1);
  return T.cast(T.mul(...ls), dtype);
}

/**
 * Theano's `var(x, axis, ddof, keepdims, corrected)` as `T.var(x, { axis,
 * ddof, keepdims, corrected })` (or `T.var(x, axis)`): the mean squared
 * deviation from the mean, two-pass; with ddof the sum of squares is
 * divided by max(N - ddof, 0), N the number of elements reduced (NumPy's divisor;
 * Theano's divides by the product of each axis's length - ddof, the same
 * for one axis); `corrected` subtracts the mean deviation's square (sum of
 * deviations squared over N (N - ddof)), the corrected two-pass algorithm.
 * Integers give float64. `dtype` casts x first.
 */
export function var_(x: TensorLike, o?: VarArg): TensorVariable {
  return varianceNamed('var', x, o);
}

/** var, its errors naming `what` (std's name for std). */
function varianceNamed(what: 'var' | 'std', x: TensorLike, o?: VarArg): TensorVariable {
  const opts = optionsOf<VarOptions>(o);
  checkOptionNames(opts, what, VAR_OPTIONS);
  let v = asTensor(x, what);
  if (opts.dtype !== undefined) {
    if (!isDType(opts.dtype)) throw new TypeError(`${what}: unknown dtype ${JSON.stringify(opts.dtype)}`);
    v = T.cast(v, opts.dtype);
  }
  const ddof = opts.ddof ?? 0;
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) throw new TypeError(`${what}: ddof must be a finite number, got ${String(ddof)}`);
  const axes = normaliseAxes(opts.axis, v.ndim, what, v);
  const keepdims = opts.keepdims ?? false;
  // NumPy's var of float16 rounds each sum to half, then divides it by the count (an int64: in float64)
  // and rounds the quotient to half again (halfQuotient), where its mean, and sym's, round the float32
  // sum's quotient once: an ulp of half apart
  const half = v.dtype === 'float16';
  const nHalf = half ? countOf(v, axes, 'float32') : 0;
  const centred = T.sub(v, half ? halfQuotient(T.sum(v, { axis: axes, keepdims: true }), nHalf) : T.mean(v, { axis: axes, keepdims: true }));
  const squares = T.mul(centred, centred);
  const float = floatOf(squares.dtype);
  const n = half ? nHalf : countOf(v, axes, float);
  // NumPy's max(N - ddof, 0): ddof past N divides by 0 (inf, or NaN for no spread), never by a negative count
  const dof = typeof n === 'number' ? Math.max(n - ddof, 0) : T.maximum(T.sub(n, ddof), 0);
  const over = { axis: axes, keepdims };
  let r = half ? halfQuotient(T.sum(squares, over), dof) : ddof === 0 ? T.mean(squares, over) : T.trueDiv(T.sum(squares, over), dof);
  if (opts.corrected) {
    const error = ddof === 0 ? T.sqr(T.mean(centred, { axis: axes, keepdims })) : T.trueDiv(T.sqr(T.sum(centred, { axis: axes, keepdims })), typeof n === 'number' && typeof dof === 'number' ? n * dof : T.mul(n, dof));
    r = T.sub(r, error);
  }
  return r.dtype === float ? r : T.cast(r, float);
}
/** `T.var` under a name that is not a reserved word in JavaScript (Theano's `var`), for destructuring or a bare import. */
export const variance = var_;
export { var_ as var };

/**
 * A float16 sum divided by a count and rounded to half once, as NumPy's var divides (in float64). The
 * quotient here is float32's (the GPUs have no float64), and rounded to half it would be rounded twice:
 * where the float32 quotient falls exactly halfway between two halves (past 8192 elements: var of 8283,
 * 32 of them 0.125 and 32 -0.125, went up to 0.00012076 for NumPy's 0.00012070), the tie would go to
 * the even half, not to the side of it the exact quotient is on. There it is moved an ulp of float32
 * towards that side, which the sign of sum - q count tells: exact, as the count is split into its 4096s
 * and the rest, and each product with q (12 bits at a midpoint) is exact, and so is the first difference
 * (Sterbenz's lemma: s and q times the 4096s are within a factor of 2).
 */
function halfQuotient(sum: TensorVariable, count: number | TensorVariable): TensorVariable {
  const s = T.cast(sum, 'float32');
  const q = T.trueDiv(s, count);
  const d = T.sub(q, T.cast(T.cast(q, 'float16'), 'float32'));
  // q + d is the half on q's other side exactly when q is halfway (then d is half an ulp of half, else less)
  const t = T.add(q, d);
  const midpoint = T.and(T.neq(d, 0), T.eq(T.cast(T.cast(t, 'float16'), 'float32'), t));
  const [hi, lo] = typeof count === 'number' ? [Math.floor(count / 4096) * 4096, count % 4096] : [T.mul(T.floor(T.trueDiv(count, 4096)), 4096), T.sub(count, T.mul(T.floor(T.trueDiv(count, 4096)), 4096))];
  const residual = T.sub(T.sub(s, T.mul(q, hi)), T.mul(q, lo));
  return T.cast(T.switch(midpoint, T.add(q, T.mul(T.mul(T.sgn(residual), T.abs(q)), 2 ** -23)), q), 'float16');
}

/** Theano's `std(x, axis, ddof, keepdims, corrected)`: the square root of {@link var_}, with its options. */
export function std(x: TensorLike, o?: VarArg): TensorVariable {
  return T.sqrt(varianceNamed('std', x, o));
}

/** NumPy's and Theano's `ptp(x, axis)`: the range, max - min, along axis (all axes by default), in x's dtype. */
export function ptp(x: TensorLike, o?: ReduceOptions | number | readonly number[] | null): TensorVariable {
  const v = asTensor(x, 'ptp');
  // checked here so that a bad axis is ptp's error, not max's
  normaliseAxes(optionsOf(o).axis, v.ndim, 'ptp', v);
  return T.sub(T.max(v, o), T.min(v, o));
}

/**
 * Theano's `max_and_argmax(x, axis, keepdims)`: `[max, argmax]` along
 * axis (of the flattened x by default).
 */
export function maxAndArgmax(x: TensorLike, o?: ReduceOptions | number | readonly number[] | null): [TensorVariable, TensorVariable] {
  const v = asTensor(x, 'maxAndArgmax');
  normaliseAxes(optionsOf(o).axis, v.ndim, 'maxAndArgmax', v);
  return [T.max(v, o), T.argmax(v, o)];
}

function extreme(what: string, pick: typeof T.gt, reduce: typeof T.max, args: TensorLike[]): TensorVariable {
  if (args.length === 0) throw new TypeError(`${what}: expected at least one tensor`);
  const vs = args.map((a, i) => asTensor(a, `${what}: argument ${i}`));
  if (vs.length === 2) return T.switch_(pick(vs[0]!, vs[1]!), vs[0]!, vs[1]!);
  return reduce(T.stack(vs), 0);
}

/**
 * Theano's `largest(*tensors)`: the elementwise largest. Of two, Theano's
 * `switch(a > b, a, b)` (broadcasting; b where they tie or either is NaN);
 * of more, the max over them stacked (same shapes; NaN if any is).
 */
export function largest(...args: TensorLike[]): TensorVariable {
  return extreme('largest', T.gt, T.max, args);
}

/** Theano's `smallest(*tensors)`: `switch(a < b, a, b)` of two, the min over them stacked of more. */
export function smallest(...args: TensorLike[]): TensorVariable {
  return extreme('smallest', T.lt, T.min, args);
}

/**
 * Theano's `x.norm(L, axis, keepdims)`: `sum(|x| ** L) ** (1 / L)` along
 * axis (all axes by default); L = Infinity gives max(|x|) (NumPy's; Theano
 * raises). L = 1 and 2 are computed as sum(|x|) and sqrt(sum(x * x)).
 * Integers are taken in floats first (float64 for int32 and int64), as
 * NumPy's `linalg.norm`, so that no power wraps.
 */
export function norm(x: TensorLike, L: number, axis: number | readonly number[] | null = null, keepdims = false): TensorVariable {
  const v = asTensor(x, 'norm');
  if (typeof L !== 'number' || Number.isNaN(L) || L <= 0) throw new RangeError(`norm: L must be a positive number (or Infinity), got ${String(L)}`);
  // checked on x, not on the |x| that sum sees
  normaliseAxes(axis, v.ndim, 'norm', v);
  const o = { axis, keepdims };
  // in floats, as NumPy's norm: an integer's square or power wraps (norm([50000], 2) of int32 was NaN), abs(-128) of int8 too
  const float = floatOf(v.dtype);
  const abs = T.abs(v.dtype === float ? v : T.cast(v, float));
  if (L === Infinity) return T.max(abs, o);
  if (L === 1) return T.sum(abs, o);
  if (L === 2) return T.sqrt(T.sum(T.sqr(abs), o));
  return T.pow(T.sum(T.pow(abs, L), o), 1 / L);
}

// ---------------------------------------------------------------- rounding and division

/** Theano's `iround(x, mode)`: `cast(round(x, mode), 'int64')`. */
export function iround(x: TensorLike, mode: 'half_to_even' | 'half_away_from_zero' = 'half_to_even'): TensorVariable {
  return T.cast(T.round(x, mode), 'int64');
}

/** Theano's `round_half_to_even(x)`: halves to the even neighbour (NumPy's round). */
export function roundHalfToEven(x: TensorLike): TensorVariable {
  return T.round(x, 'half_to_even');
}

/** Theano's `round_half_away_from_zero(x)`: halves away from zero (C's round). */
export function roundHalfAwayFromZero(x: TensorLike): TensorVariable {
  return T.round(x, 'half_away_from_zero');
}

/** Theano's `floor_div(a, b)`, the same as `intDiv` (NumPy's `//`). */
export function floorDiv(a: TensorLike, b: TensorLike): TensorVariable {
  return T.intDiv(a, b);
}

// ---------------------------------------------------------------- comparisons

/** `isclose`'s and `allclose`'s tolerances. */
export interface CloseOptions {
  /** Relative tolerance, times |b| (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether NaN is close to NaN (default false). */
  equalNan?: boolean;
}

/**
 * NumPy's and Theano's `isclose(a, b, rtol, atol, equal_nan)` as
 * `T.isclose(a, b, { rtol, atol, equalNan })`: elementwise
 * `|a - b| <= atol + rtol |b|` for finite values (computed in floats),
 * equality for infinities (same sign), false for NaN unless `equalNan`
 * and both are. Booleans (Theano's int8).
 */
export function isclose(a: TensorLike, b: TensorLike, options: CloseOptions = {}): TensorVariable {
  checkOptionNames(options, 'isclose', ['rtol', 'atol', 'equalNan']);
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  const x0 = asTensor(a, 'isclose: a');
  const y0 = asTensor(b, 'isclose: b');
  // in floats, as NumPy: an integer |a - b| could wrap
  const float = floatOf(promote(x0.dtype, y0.dtype));
  const [x, y] = [x0, y0].map((v) => (v.dtype === float ? v : T.cast(v, float))) as [TensorVariable, TensorVariable];
  const within = T.le(T.abs(T.sub(x, y)), T.add(atol, T.mul(rtol, T.abs(y))));
  // |v| < inf is false for infinities and NaN; not v - v == 0, which shader compilers fold to true (WebGPU on lavapipe)
  const finite = T.and(T.lt(T.abs(x), Infinity), T.lt(T.abs(y), Infinity));
  const close = T.switch_(finite, within, T.eq(x, y));
  return equalNan ? T.or(close, T.and(T.isnan(x), T.isnan(y))) : close;
}

/** NumPy's and Theano's `allclose`: whether {@link isclose} holds everywhere, a boolean scalar. */
export function allclose(a: TensorLike, b: TensorLike, options: CloseOptions = {}): TensorVariable {
  return T.all(isclose(a, b, options));
}

// ---------------------------------------------------------------- construction and products

/**
 * NumPy's and Theano's `tri(N, M, k, dtype)`: an N x M matrix (M = N by
 * default) with ones at and below diagonal k (j <= i + k) and zeros
 * above, floatX by default. N, M and k may be integer scalars.
 */
export function tri(N: Length, M: Length | null = null, k: number | TensorVariable = 0, dtype: DType = config.floatX): TensorVariable {
  const isLength = (n: Length) => (typeof n === 'number' ? Number.isInteger(n) && n >= 0 : n instanceof TensorVariable && n.ndim === 0 && isInt(n.dtype));
  if (!isLength(N)) throw new TypeError(`tri: N must be a non-negative integer or an integer scalar, got ${N instanceof TensorVariable ? `${N} of type ${N.type}` : String(N)}`);
  if (M !== null && !isLength(M)) throw new TypeError(`tri: M must be a non-negative integer or an integer scalar, got ${M instanceof TensorVariable ? `${M} of type ${M.type}` : String(M)}`);
  if (typeof k === 'number' ? !Number.isInteger(k) : !(k instanceof TensorVariable && k.ndim === 0 && isInt(k.dtype))) {
    throw new TypeError(`tri: k must be an integer or an integer scalar, got ${k instanceof TensorVariable ? `${k} of type ${k.type}` : String(k)}`);
  }
  if (!isDType(dtype)) throw new TypeError(`tri: unknown dtype ${JSON.stringify(dtype)}`);
  const rows = T.dimshuffle(T.arange(N), [0, 'x']);
  const cols = T.dimshuffle(T.arange(M ?? N), ['x', 0]);
  const mask = T.ge(k === 0 ? rows : T.add(rows, k), cols);
  // a length-1 constant range is broadcastable; a matrix of Theano's is not
  return T.unbroadcast(T.cast(mask, dtype), 0, 1);
}

/**
 * Theano's `batched_tensordot(x, y, axes)`: `tensordot(x[i], y[i])` for
 * each i along the first (batch) axis. `axes` is a count n (the last n
 * axes of x with y's axes 1 to n) or a pair of axis lists, which must not
 * include the batch axis 0. The result has the batch axis, x's other
 * axes, then y's. One batchedDot of the operands transposed and reshaped.
 */
export function batchedTensordot(x: TensorLike, y: TensorLike, axes: number | readonly [number | readonly number[], number | readonly number[]] = 2): TensorVariable {
  const a = asTensor(x, 'batchedTensordot: x');
  const b0 = asTensor(y, 'batchedTensordot: y');
  let ax: number[];
  let bx: number[];
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes >= a.ndim || axes >= b0.ndim) {
      throw new RangeError(`batchedTensordot: axes ${axes} must be an integer from 0 to ${Math.min(a.ndim, b0.ndim) - 1} (the batch axis is not summed): x ${a} has ${a.ndim} dimensions and y ${b0} has ${b0.ndim}`);
    }
    ax = range(axes, a.ndim - axes);
    bx = range(axes, 1);
  } else if (Array.isArray(axes) && axes.length === 2) {
    const list = (l: number | readonly number[], v: TensorVariable, which: string) => {
      const out = (typeof l === 'number' ? [l] : [...l]).map((d) => axisIn(`batchedTensordot: axes of ${which}`, d, v.ndim, v));
      if (out.includes(0)) throw new RangeError(`batchedTensordot: the axes of ${which} ${JSON.stringify(l)} include the batch axis 0`);
      if (new Set(out).size !== out.length) throw new RangeError(`batchedTensordot: the axes of ${which} ${JSON.stringify(l)} repeat an axis`);
      return out;
    };
    ax = list(axes[0], a, 'x');
    bx = list(axes[1], b0, 'y');
    if (ax.length !== bx.length) throw new RangeError(`batchedTensordot: x and y need as many axes to sum over, got ${JSON.stringify(axes[0])} and ${JSON.stringify(axes[1])}`);
  } else {
    throw new TypeError(`batchedTensordot: axes must be a number or a pair of axis lists ([[2], [1]]), got ${JSON.stringify(axes)}`);
  }
  // the batch and summed lengths must agree: when the graph is built where both are known, else when the program is
  // made (the reshapes below check only the summed lengths' product: x's (2, 3) against y's (3, 2) would be summed)
  const pairs: [number, number][] = [[0, 0], ...ax.map((d, i): [number, number] => [d, bx[i]!])];
  const b = pairs.reduce((checked, [d, e]) => {
    const describe = (m: number | null | undefined, n: number | null | undefined) =>
      d === 0
        ? `batchedTensordot: x (${a}) has ${m} entries along the batch axis 0 but y (${b0}) has ${n}; they must be as many`
        : `batchedTensordot: axis ${d} of x (${a}) has length ${m} but axis ${e} of y (${b0}) has ${n}; the summed axes must have equal lengths`;
    const [m, n] = [a.staticShape[d], b0.staticShape[e]];
    if (m !== null && m !== undefined && n !== null && n !== undefined) {
      if (m !== n) throw new RangeError(describe(m, n));
      return checked;
    }
    return apply1(new MatchLength(e, d, (ys, xs) => describe(xs[d], ys[e]), `batchedTensordot:${d}`), [checked, a]);
  }, b0);
  const freeA = range(a.ndim - 1, 1).filter((d) => !ax.includes(d));
  const freeB = range(b.ndim - 1, 1).filter((d) => !bx.includes(d));
  const prod = (ls: Length[]): Length => (ls.every((l) => typeof l === 'number') ? (ls as number[]).reduce((p, l) => p * l, 1) : T.mul(...ls));
  const batch = lengthOf(a, 0);
  const k = prod(ax.map((d) => lengthOf(a, d)));
  const a3 = T.reshape(T.dimshuffle(a, [0, ...freeA, ...ax]), [batch, prod(freeA.map((d) => lengthOf(a, d))), k]);
  const b3 = T.reshape(T.dimshuffle(b, [0, ...bx, ...freeB]), [lengthOf(b, 0), k, prod(freeB.map((d) => lengthOf(b, d)))]);
  return T.reshape(T.batchedDot(a3, b3), [batch, ...freeA.map((d) => lengthOf(a, d)), ...freeB.map((d) => lengthOf(b, d))]);
}
