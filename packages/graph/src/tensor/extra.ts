/**
 * Theano's tensor functions that sym builds from the ops it already has
 * (dimshuffle, reshape, alloc, dot, elementwise math, reductions, joins and
 * windows): tensordot, batchedDot, swapaxes, squeeze, the broadcastable
 * pattern, eye, diag, tile, repeat, cumsum and cumprod, toOneHot, and a few
 * elementwise functions. Being compositions, they run on every backend and
 * differentiate through the ops' own gradients. `tensor.ts` re-exports them
 * as part of `T`.
 */
import { config } from '../core/config.js';
import { floatOf, isDType, isInt, type DType } from '../core/dtype.js';
import { apply1, asTensor, constant, type TensorLike } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { MatchLength } from '../ops/shape.js';
import { nameInError } from '../core/error-names.js';
import { checkedIndex, indexName } from '../ops/check-index.js';
import { reduceDTypes } from '../ops/reduce.js';
import { dotDTypes } from '../ops/dot.js';
import { BATCHED_DOT } from '../ops/batched-dot.js';
import type { Length } from '../ops/alloc.js';
import { axisIn, lengthOf, range } from './axes.js';
import { bartlett, diff, fillDiagonal, fillDiagonalOffset, searchsorted } from './extra-arrays.js';
import { bincount, compress, unique } from './data-dependent.js';
import { ravelMultiIndex, unravelIndex } from './choose-ravel.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';

/** `axis` of `v` made non-negative, or an error naming the argument. */
const axisOf = (what: string, axis: number, v: TensorVariable): number => axisIn(what, axis, v.ndim, v);


/** The product of lengths, a number where all are numbers. */
function product(ls: readonly Length[]): Length {
  if (ls.every((l) => typeof l === 'number')) return (ls as number[]).reduce((p, l) => p * l, 1);
  return T.mul(...ls);
}

/** A length argument: a non-negative integer, or an integer scalar. */
function checkLength(what: string, n: Length): Length {
  if (typeof n === 'number') {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
    return n;
  }
  if (!(n instanceof TensorVariable) || n.ndim !== 0 || !isInt(n.dtype)) {
    throw new TypeError(`${what} must be a non-negative integer or an integer scalar, got ${n instanceof TensorVariable ? `${n} of type ${n.type}` : typeof n}`);
  }
  return n;
}

/** x, checked when shapes are known: dimension xAxis of x as long as yAxis of y. */
function sameLength(what: string, x: TensorVariable, xAxis: number, y: TensorVariable, yAxis: number, describe: (a: number | null, b: number | null) => string): TensorVariable {
  return apply1(new MatchLength(xAxis, yAxis, (xs, ys) => `${what}: ${describe(xs[xAxis] ?? null, ys[yAxis] ?? null)}`, what), [x, y]);
}

// ---------------------------------------------------------------- products

/** `tensordot`'s axes: a count (the last n of a with the first n of b), or the axes of a and of b. */
export type TensordotAxes = number | readonly [number | readonly number[], number | readonly number[]];

/**
 * NumPy's and Theano's `tensordot(a, b, axes)`: the sum of products over
 * the given axes of a and b. `axes` is a number n (the last n axes of a
 * with the first n of b; 2 by default) or a pair of axis lists
 * (`[[1, 0], [0, 1]]`); axes may be negative. The result has a's other
 * axes, then b's. Computed as one matrix product of the two operands
 * transposed and reshaped.
 */
export function tensordot(a: TensorLike, b: TensorLike, axes: TensordotAxes = 2): TensorVariable {
  const x = asTensor(a, 'tensordot: a');
  const y = asTensor(b, 'tensordot: b');
  let ax: number[];
  let bx: number[];
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes > x.ndim || axes > y.ndim) {
      throw new RangeError(`tensordot: axes ${axes} must be an integer from 0 to ${Math.min(x.ndim, y.ndim)}: a ${x} has ${x.ndim} dimensions and b ${y} has ${y.ndim}`);
    }
    ax = range(axes, x.ndim - axes);
    bx = range(axes);
  } else if (Array.isArray(axes) && axes.length === 2) {
    const list = (v: number | readonly number[], t: TensorVariable, which: string): number[] => {
      const l = typeof v === 'number' ? [v] : Array.isArray(v) ? [...(v as number[])] : null;
      if (!l) throw new TypeError(`tensordot: the axes of ${which} must be a number or a list of numbers, got ${JSON.stringify(v)}`);
      const out = l.map((d) => axisOf(`tensordot: axes of ${which}`, d, t));
      if (new Set(out).size !== out.length) throw new RangeError(`tensordot: the axes of ${which} ${JSON.stringify(l)} repeat an axis`);
      return out;
    };
    ax = list(axes[0], x, 'a');
    bx = list(axes[1], y, 'b');
    if (ax.length !== bx.length) throw new RangeError(`tensordot: a and b need as many axes to sum over, got ${JSON.stringify(axes[0])} for a and ${JSON.stringify(axes[1])} for b`);
  } else {
    throw new TypeError(`tensordot: axes must be a number or a pair of axis lists ([[1], [0]]), got ${JSON.stringify(axes)}`);
  }
  let xc = x;
  ax.forEach((d, i) => {
    xc = sameLength('tensordot', xc, d, y, bx[i]!, (m, n) => `axis ${d} of a (${x}) has length ${m} but axis ${bx[i]} of b (${y}) has ${n}; the summed axes must have equal lengths`);
  });
  const freeA = range(x.ndim).filter((d) => !ax.includes(d));
  const freeB = range(y.ndim).filter((d) => !bx.includes(d));
  const k = product(ax.map((d) => lengthOf(x, d)));
  const a2 = T.reshape(T.dimshuffle(xc, [...freeA, ...ax]), [product(freeA.map((d) => lengthOf(x, d))), k]);
  const b2 = T.reshape(T.dimshuffle(y, [...bx, ...freeB]), [k, product(freeB.map((d) => lengthOf(y, d)))]);
  return T.reshape(T.dot(a2, b2), [...freeA.map((d) => lengthOf(x, d)), ...freeB.map((d) => lengthOf(y, d))]);
}

/**
 * Theano's `batched_dot(a, b)`: `dot(a[i], b[i])` for each i along the
 * first (batch) axis, as `numpy.dot` of each pair: rows of two matrices
 * give a vector of row-wise dot products, (B, M, K) and (B, K, N) give
 * (B, M, N), (B, M, K) and (B, K) give (B, M). A vector as either operand
 * scales the other's rows. Products of matrices (a of rank 3 or more, b of
 * rank 3 or more) are one BatchedDot, a matmul kernel: a's middle axes
 * flattened into rows, b's into columns. Products with a vector (b of rank
 * 2, or a of rank 2) stay a broadcast product summed over K, one reduce
 * kernel once fused: as a matmul they would have one row or one column,
 * which a gemm pads to a whole tile. In dot's dtype.
 */
export function batchedDot(a: TensorLike, b: TensorLike): TensorVariable {
  const x = asTensor(a, 'batchedDot: a');
  const y = asTensor(b, 'batchedDot: b');
  for (const [which, v] of [['a', x], ['b', y]] as const) {
    if (v.ndim === 0) throw new TypeError(`batchedDot: ${which} must have a batch axis (at least one dimension), got ${v} of type ${v.type}`);
  }
  const xb = sameLength('batchedDot', x, 0, y, 0, (m, n) => `a (${x}) has ${m} entries along its batch axis (0) but b (${y}) has ${n}`);
  if (x.ndim === 1) return T.mul(T.dimshuffle(xb, [0, ...range(y.ndim - 1).map(() => 'x' as const)]), y);
  if (y.ndim === 1) return T.mul(xb, T.dimshuffle(y, [0, ...range(x.ndim - 1).map(() => 'x' as const)]));
  const nA = x.ndim - 2;
  const hasN = y.ndim >= 3;
  const nBt = hasN ? y.ndim - 3 : 0;
  const kY = hasN ? y.ndim - 2 : 1;
  const xk = sameLength('batchedDot', xb, x.ndim - 1, y, kY, (m, n) => `the last axis of a (${nameInError(x)}) has length ${m} but axis ${kY} of b (${nameInError(y)}) has ${n}; they are summed over`);
  if (nA >= 1 && hasN) return batchedMatmul(xk, y);
  const xe = T.dimshuffle(xk, [0, ...range(nA, 1), ...range(nBt).map(() => 'x' as const), x.ndim - 1, ...(hasN ? ['x' as const] : [])]);
  const ye = T.dimshuffle(y, [0, ...range(nA).map(() => 'x' as const), ...range(nBt, 1), kY, ...(hasN ? [y.ndim - 1] : [])]);
  const s = T.sum(T.mul(xe, ye), 1 + nA + nBt);
  // dot's dtype, where sum widens integers to int64
  const out = dotDTypes(x.dtype, y.dtype).out;
  return s.dtype === out ? s : T.cast(s, out);
}

/** (B, A..., K) by (B, Bt..., K, N), lengths checked, as one BatchedDot of (B, prod A, K) and (B, K, prod Bt * N). */
function batchedMatmul(x: TensorVariable, y: TensorVariable): TensorVariable {
  if (x.ndim === 3 && y.ndim === 3) return apply1(BATCHED_DOT, [x, y]);
  const nA = x.ndim - 2;
  const nBt = y.ndim - 3;
  const batch = lengthOf(x, 0);
  const k = lengthOf(x, x.ndim - 1);
  const rows = range(nA, 1).map((d) => lengthOf(x, d));
  const cols = [...range(nBt, 1), y.ndim - 1].map((d) => lengthOf(y, d));
  const x3 = nA === 1 ? x : T.reshape(x, [batch, product(rows), k]);
  // b's K axis moved next to the batch: a copy when b has middle axes, the rest of it read as columns
  const y3 = nBt === 0 ? y : T.reshape(T.dimshuffle(y, [0, y.ndim - 2, ...range(nBt, 1), y.ndim - 1]), [batch, k, product(cols)]);
  return T.reshape(apply1(BATCHED_DOT, [x3, y3]), [batch, ...rows, ...cols]);
}

// ---------------------------------------------------------------- dimensions

/** NumPy's `swapaxes(x, axis1, axis2)` (`x.swapaxes(0, 1)`): the two axes exchanged; negative axes count from the end. */
export function swapaxes(x: TensorLike, axis1: number, axis2: number): TensorVariable {
  const v = asTensor(x, 'swapaxes');
  const a1 = axisOf('swapaxes: axis1', axis1, v);
  const a2 = axisOf('swapaxes: axis2', axis2, v);
  const perm = range(v.ndim);
  [perm[a1], perm[a2]] = [a2, a1];
  return T.dimshuffle(v, perm);
}

/**
 * Theano's `squeeze(x)`: x without its broadcastable dimensions (those
 * known to have length 1; a dimension that only happens to have length 1
 * at run time stays, as in Theano). With `axis`, only those, which must be
 * broadcastable.
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[] | null): TensorVariable {
  const v = asTensor(x, 'squeeze');
  let drop: number[];
  if (axis === undefined || axis === null) drop = range(v.ndim).filter((d) => v.broadcastable[d]);
  else {
    drop = (typeof axis === 'number' ? [axis] : [...axis]).map((a) => axisOf('squeeze', a, v));
    for (const d of drop) {
      if (!v.broadcastable[d]) throw new RangeError(`squeeze: axis ${d} of ${v} (type ${v.type}) is not broadcastable, so its length is not known to be 1; T.addbroadcast(x, ${d}) marks it`);
    }
  }
  return T.dimshuffle(v, range(v.ndim).filter((d) => !drop.includes(d)));
}

/**
 * x with the broadcastable pattern `pattern` (Theano's
 * `patternbroadcast`): a reshape to x's own lengths that costs no kernel
 * when x is contiguous. A dimension made broadcastable is checked to have
 * length 1 when shapes are known, with an error naming it.
 */
export function patternbroadcast(x: TensorLike, pattern: readonly boolean[]): TensorVariable {
  const v = asTensor(x, 'patternbroadcast');
  if (!Array.isArray(pattern) || pattern.length !== v.ndim || pattern.some((b) => typeof b !== 'boolean')) {
    throw new TypeError(`patternbroadcast: the pattern must be ${v.ndim} booleans, one per dimension of ${v} (type ${v.type}), got ${JSON.stringify(pattern)}`);
  }
  return rebroadcast('patternbroadcast', v, pattern);
}

/** Theano's `addbroadcast(x, ...axes)`: those dimensions marked broadcastable (checked to have length 1 when shapes are known). */
export function addbroadcast(x: TensorLike, ...axes: number[]): TensorVariable {
  const v = asTensor(x, 'addbroadcast');
  const set = axes.map((a) => axisOf('addbroadcast', a, v));
  return rebroadcast('addbroadcast', v, v.broadcastable.map((b, d) => b || set.includes(d)));
}

/** Theano's `unbroadcast(x, ...axes)`: those dimensions no longer broadcastable. */
export function unbroadcast(x: TensorLike, ...axes: number[]): TensorVariable {
  const v = asTensor(x, 'unbroadcast');
  const unset = axes.map((a) => axisOf('unbroadcast', a, v));
  return rebroadcast('unbroadcast', v, v.broadcastable.map((b, d) => b && !unset.includes(d)));
}

function rebroadcast(what: string, v: TensorVariable, pattern: readonly boolean[]): TensorVariable {
  if (pattern.every((b, d) => b === v.broadcastable[d])) return v;
  // a reshape keeps a length read from a shape non-broadcastable, and makes a constant 1 broadcastable
  let checked = v;
  const one = constant([0], { dtype: 'int8' });
  pattern.forEach((b, d) => {
    if (!b || v.broadcastable[d]) return;
    checked = apply1(new MatchLength(d, 0, (xs) => `${what}: dimension ${d} of ${v} has length ${xs[d]}; only a dimension of length 1 can be broadcastable`, what), [checked, one]);
  });
  return T.reshape(
    checked,
    pattern.map((b, d) => (b ? 1 : T.shapeI(v, d))),
  );
}

// ---------------------------------------------------------------- construction

/**
 * Theano's `eye(n, m, k, dtype)`: an n x m matrix (m = n by default) of
 * ones on diagonal k (0 the main one, positive above it) and zeros
 * elsewhere, floatX by default. n, m and k may be integer scalars
 * (`T.eye(x.shape[0])`).
 */
export function eye(n: Length, m: Length | null = null, k: number | TensorVariable = 0, dtype: DType = config.floatX): TensorVariable {
  const rows = T.arange(checkLength('eye: n', n));
  const cols = m === null || m === undefined ? rows : T.arange(checkLength('eye: m', m));
  if (typeof k === 'number' ? !Number.isInteger(k) : !(k instanceof TensorVariable && k.ndim === 0 && isInt(k.dtype))) {
    throw new TypeError(`eye: k must be an integer or an integer scalar, got ${k instanceof TensorVariable ? `${k} of type ${k.type}` : String(k)}`);
  }
  if (!isDType(dtype)) throw new TypeError(`eye: unknown dtype ${JSON.stringify(dtype)}`);
  const r = T.dimshuffle(rows, [0, 'x']);
  const mask = T.eq(k === 0 ? r : T.add(r, k), T.dimshuffle(cols, ['x', 0]));
  return rebroadcast('eye', T.cast(mask, dtype), [false, false]);
}

/** Theano's `identity_like(x)`: the identity matrix of x's shape, in x's dtype unless `dtype` says. */
export function identityLike(x: TensorLike, dtype?: DType): TensorVariable {
  const v = asTensor(x, 'identityLike');
  if (v.ndim !== 2) throw new TypeError(`identityLike: x must be a matrix, got ${v} of type ${v.type}`);
  return eye(lengthOf(v, 0), lengthOf(v, 1), 0, dtype ?? v.dtype);
}

/**
 * Theano's and NumPy's `diag(x, k)`: a vector gives a square matrix with
 * it on diagonal k (zeros elsewhere); a matrix gives its diagonal k.
 */
export function diag(x: TensorLike, k = 0): TensorVariable {
  const v = asTensor(x, 'diag');
  if (!Number.isInteger(k)) throw new TypeError(`diag: k must be an integer, got ${k}`);
  if (v.ndim === 2) return diagonal(v, k);
  if (v.ndim !== 1) throw new TypeError(`diag: x must be a vector (to make a diagonal matrix) or a matrix (to take its diagonal), got ${v} of type ${v.type}`);
  const pad = Math.abs(k);
  const n = lengthOf(v, 0);
  const padded = pad > 0 ? T.concatenate([v, T.zeros([pad], v.dtype)]) : v;
  const size = typeof n === 'number' ? n + pad : T.add(n, pad);
  const idx = T.arange(size);
  const r = T.dimshuffle(idx, [0, 'x']);
  const mask = T.eq(k === 0 ? r : T.add(r, k), T.dimshuffle(idx, ['x', 0]));
  // element (i, i + k) is v[i] above the main diagonal and v[i + k] = v[j] below it
  const values = k >= 0 ? T.dimshuffle(padded, [0, 'x']) : T.dimshuffle(padded, ['x', 0]);
  return T.switch_(mask, values, constant(0, { dtype: v.dtype }));
}

/**
 * NumPy's `diagonal(x, offset, axis1, axis2)` (`x.diagonal()`): the
 * entries `x[..., i, ..., i + offset, ...]` of the two axes, as the last
 * axis of the result. Gathered from x with those two axes flattened.
 */
export function diagonal(x: TensorLike, offset = 0, axis1 = 0, axis2 = 1): TensorVariable {
  const v = asTensor(x, 'diagonal');
  if (v.ndim < 2) throw new TypeError(`diagonal: x must have at least two dimensions, got ${v} of type ${v.type}`);
  if (!Number.isInteger(offset)) throw new TypeError(`diagonal: offset must be an integer, got ${offset}`);
  const a1 = axisOf('diagonal: axis1', axis1, v);
  const a2 = axisOf('diagonal: axis2', axis2, v);
  if (a1 === a2) throw new RangeError(`diagonal: axis1 and axis2 must differ, both are ${a1}`);
  const rest = range(v.ndim).filter((d) => d !== a1 && d !== a2);
  const [r, c] = [lengthOf(v, a1), lengthOf(v, a2)];
  const flat = T.reshape(T.dimshuffle(v, [a1, a2, ...rest]), [product([r, c]), ...rest.map((d) => lengthOf(v, d))]);
  // diagonal entry i is row i (+ -offset below the main diagonal), column i (+ offset above it)
  const [r0, c0] = offset >= 0 ? [0, offset] : [-offset, 0];
  const count = typeof r === 'number' && typeof c === 'number' ? Math.max(0, Math.min(r - r0, c - c0)) : T.maximum(0, T.minimum(T.sub(r, r0), T.sub(c, c0)));
  const stride = typeof c === 'number' ? c + 1 : T.add(c, 1);
  const start = typeof c === 'number' ? r0 * c + c0 : T.add(T.mul(r0, c), c0);
  const picked = T.take(flat, T.add(T.mul(T.arange(count), stride), start), 0);
  return T.dimshuffle(picked, [...range(rest.length, 1), 0]);
}

/**
 * NumPy's and Theano's `tile(x, reps)`: x repeated `reps[d]` times along
 * each dimension d. Fewer reps than dimensions repeat the last ones; more
 * give x leading dimensions of length 1. Reps may be integer scalars. One
 * broadcast (alloc) and a reshape.
 */
export function tile(x: TensorLike, reps: number | readonly Length[]): TensorVariable {
  const v = asTensor(x, 'tile');
  const list = typeof reps === 'number' ? [reps] : reps;
  if (!Array.isArray(list)) throw new TypeError(`tile: reps must be a number or a list of lengths, got ${typeof reps}`);
  const r = (list as Length[]).map((n, i) => checkLength(`tile: reps[${i}]`, n));
  const nd = Math.max(v.ndim, r.length);
  const xv = v.ndim < nd ? T.dimshuffle(v, [...range(nd - v.ndim).map(() => 'x' as const), ...range(v.ndim)]) : v;
  const reps1: Length[] = [...range(nd - r.length).map(() => 1), ...r];
  if (reps1.every((n) => n === 1)) return xv;
  const big = T.alloc(
    T.dimshuffle(xv, range(nd).flatMap((d) => ['x' as const, d])),
    ...range(nd).flatMap((d) => [reps1[d]!, lengthOf(xv, d)]),
  );
  return T.reshape(
    big,
    range(nd).map((d) => (reps1[d] === 1 ? lengthOf(xv, d) : product([reps1[d]!, lengthOf(xv, d)]))),
  );
}

/**
 * NumPy's and Theano's `repeat(x, repeats, axis)` with one count for every
 * element: each element of x `repeats` times along `axis` (of the
 * flattened x when axis is null, the default). NumPy's per-element counts
 * (a vector) are not taken: the length of the result would depend on
 * their values.
 */
export function repeat(x: TensorLike, repeats: Length, axis: number | null = null): TensorVariable {
  const v0 = asTensor(x, 'repeat');
  const n = checkLength('repeat: repeats', repeats);
  const v = axis === null || axis === undefined ? T.flatten(v0) : v0;
  const a = axis === null || axis === undefined ? 0 : axisOf('repeat', axis, v);
  if (n === 1) return v;
  const big = T.alloc(
    T.dimshuffle(v, [...range(a + 1), 'x', ...range(v.ndim - a - 1, a + 1)]),
    ...range(v.ndim).flatMap((d) => (d === a ? [lengthOf(v, d), n] : [lengthOf(v, d)])),
  );
  return T.reshape(
    big,
    range(v.ndim).map((d) => (d === a ? product([lengthOf(v, d), n]) : lengthOf(v, d))),
  );
}

// ---------------------------------------------------------------- cumulative

/**
 * Enough passes for any axis an array can hold (its length is below 2^32):
 * the count a length unknown when the graph is built gets.
 */
const MAX_PASSES = 32;

/**
 * Inclusive scan along `axis` by Hillis and Steele's doubling: pass p
 * combines each element with the one 2^p before it, so ceil(log2 n)
 * passes of n operations each. Each pass is a join of the first 2^p
 * elements (already final) and the rest combined with a window shifted by
 * 2^p; windows past the end are empty, so a pass beyond the length is the
 * array itself and launches no kernel (empty kernels are dropped, and a
 * join of one piece is that piece). When n is known when the graph is built the graph
 * has exactly ceil(log2 n) passes, else MAX_PASSES.
 */
function cumulative(what: 'cumsum' | 'cumprod', x: TensorLike, axis: number | null | undefined): TensorVariable {
  let v = asTensor(x, what);
  const a = axis === null || axis === undefined ? 0 : axisOf(what, axis, v);
  if (axis === null || axis === undefined) v = T.flatten(v);
  // NumPy's dtypes: integers and booleans accumulate in int64, as sum and prod do
  const out = reduceDTypes(what === 'cumsum' ? 'sum' : 'prod', v.dtype).out;
  // float16 runs in float32 and rounds once, as sum does: rounded after every pass, the running
  // sums of the same prefix would differ by the order of the passes (NumPy rounds after every term)
  const acc = out === 'float16' ? 'float32' : out;
  if (v.dtype !== acc) v = T.cast(v, acc);
  const n = v.staticShape[a] ?? null;
  let passes = 0;
  while (n === null ? passes < MAX_PASSES : 2 ** passes < n) passes++;
  const window = (t: TensorVariable, start: number | null, stop: number | null) => T.get(t, ...range(a).map(() => ':'), T.slice(start, stop));
  for (let p = 0; p < passes; p++) {
    const k = 2 ** p;
    const rest = what === 'cumsum' ? T.add(window(v, k, null), window(v, null, -k)) : T.mul(window(v, k, null), window(v, null, -k));
    v = T.concatenate([window(v, null, k), rest], a);
  }
  return acc === out ? v : T.cast(v, out);
}

/**
 * NumPy's and Theano's `cumsum(x, axis)`: running sums along `axis`, or
 * along the flattened x when axis is null (the default). Integers and
 * booleans sum in int64, as NumPy's. Built from ceil(log2 n) shifted adds
 * (Hillis-Steele), O(n log n) work; when the length along the axis is
 * known only at run time (a function input), the graph holds 32 passes,
 * those past the length copying the array once each. Floats are added in
 * a different order than NumPy's running sum, so they can differ in the
 * last bits.
 */
export function cumsum(x: TensorLike, axis: number | null = null): TensorVariable {
  return cumulative('cumsum', x, axis);
}

/** NumPy's and Theano's `cumprod(x, axis)`: running products, as {@link cumsum} computes sums. */
export function cumprod(x: TensorLike, axis: number | null = null): TensorVariable {
  return cumulative('cumprod', x, axis);
}

// ---------------------------------------------------------------- labels

/**
 * Theano's `extra_ops.to_one_hot(y, nb_class, dtype)`: one row per label
 * of the integer vector y, with a 1 in column y[i] and zeros elsewhere
 * (floatX by default). Theano's sets `ret[arange(n), y] = 1`, so a label
 * indexes the columns as any index does: a negative one counts from the
 * end, and one outside [-nbClass, nbClass) is NumPy's IndexError where the
 * labels' values are on the host (an input, a shared variable); computed
 * labels out of range give a row of zeros.
 */
export function toOneHot(y: TensorLike, nbClass: Length, dtype: DType = config.floatX): TensorVariable {
  const v = asTensor(y, 'toOneHot: y');
  if (v.ndim !== 1 || !isInt(v.dtype)) throw new TypeError(`toOneHot: y must be an integer vector of class indices, got ${v} of type ${v.type}`);
  if (!isDType(dtype)) throw new TypeError(`toOneHot: unknown dtype ${JSON.stringify(dtype)}`);
  const classes = T.arange(checkLength('toOneHot: nbClass', nbClass));
  const labels = checkedIndex(v, classes, 0, () => `toOneHot(${indexName(v)}, ${typeof nbClass === 'number' ? nbClass : String(nbClass)})`, () => 'the classes');
  const wrapped = T.switch(T.lt(labels, 0), T.add(labels, T.shape(classes)[0]!), labels);
  return T.cast(T.eq(T.dimshuffle(wrapped, [0, 'x']), T.dimshuffle(classes, ['x', 0])), dtype);
}

// ---------------------------------------------------------------- elementwise

/**
 * Base-2 logarithm: log(x) / ln 2, within an ulp of NumPy's log2 in
 * float64, and exact at powers of two as NumPy's (log2(2 ** 29) is 29, so
 * `floor` and `ceil` count bits); float16 computes in float32.
 */
export function log2(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'log2');
  // NumPy's float16 log2 computes in float32 and rounds once; log and the division rounded in float16 miss by an ulp
  if (v.dtype === 'float16') return T.cast(log2(T.cast(v, 'float32')), 'float16');
  // log(x) / ln 2 misses powers of two by an ulp (log2(2^29) = 29.000000000000004, float32's log2(8192)
  // 12.999999), where NumPy's is exact: floor(log2(n)) would be off by one. Where 2^k, k the nearest
  // integer, is x, the result is r + (k - f), f the same formula at 2^k: f equals r there, so this is k,
  // and k and f come through round, whose gradient is zero, so the gradient is r's everywhere.
  return exactAtPowers(v, 2, (y) => T.trueDiv(T.log(y), Math.LN2));
}

/**
 * `log(v)` (base b) made exact where v is a power of b that pow(b, k) gives: where b^k, k the nearest
 * integer to r = log(v), is v, the result is r + (k - log(b^k)): the same formula at b^k is r there, so
 * this is k; and k comes through round, whose gradient is zero, so the gradient is r's everywhere.
 */
function exactAtPowers(v: TensorVariable, base: number, log: (y: TensorVariable) => TensorVariable): TensorVariable {
  const r = log(v);
  const k = T.round(r);
  // 10^j is exact for j <= 22 in float64 (5^22 < 2^53; j <= 10 in float32), so there 1 / 10^j is
  // 10^-j correctly rounded, where pow(10, -4) can miss it by an ulp
  const small = T.and(T.lt(k, 0), T.ge(k, r.dtype === 'float64' ? -22 : -10));
  const p = T.switch(small, T.trueDiv(1, T.pow(base, T.neg(k))), T.pow(base, k));
  // |k| < 2048 keeps out 0, infinities and NaN (whose k - log(b^k) is inf - inf)
  const exact = T.and(T.eq(p, v), T.lt(T.abs(k), 2048));
  return T.switch(exact, T.add(r, T.sub(k, log(p))), r);
}

/**
 * Base-10 logarithm: log(x) * log10(e), within an ulp of NumPy's log10 in
 * float64, and exact at the powers of ten from 1e-28 to 1e28 (every one
 * float32 holds), as NumPy's (log10(1e15) is 15); past them pow(10, k) may
 * miss 1ek by an ulp and so may the result. float16 computes in float32.
 */
export function log10(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'log10');
  // as log2: float16 in float32, rounded once (log and the product rounded in float16 miss a seventh by an ulp)
  if (v.dtype === 'float16') return T.cast(log10(T.cast(v, 'float32')), 'float16');
  return exactAtPowers(v, 10, (y) => T.mul(T.log(y), Math.LOG10E));
}

/** 2 ** x, elementwise, in x's float dtype (for integers Theano's upgrade_to_float: float32 for bool and 8- and 16-bit ones, float64 for wider). */
export function exp2(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'exp2');
  return T.pow(2, T.cast(v, floatOf(v.dtype)));
}

/**
 * Theano's `inv(x)`: the reciprocal 1 / x, integers and bool dividing into
 * floats as `div` does (Theano's upgrade_to_float: bool float32). The
 * numerator of a bool is `true`: the literal 1 would widen it to int64,
 * and the quotient to float64 (NumPy's `1 / b`).
 */
export function inv(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'inv');
  return T.trueDiv(v.dtype === 'bool' ? true : 1, v);
}

/** Whether each element is NaN (false for integers), as NumPy's isnan. */
export function isnan(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'isnan');
  return T.neq(v, v);
}

/** Whether each element is +inf or -inf (false for integers), as NumPy's isinf. */
export function isinf(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'isinf');
  if (isInt(v.dtype) || v.dtype === 'bool') return T.neq(v, v);
  return T.eq(T.abs(v), Infinity);
}

/** `T.extraOps`: Theano's `theano.tensor.extra_ops` (cumsum, cumprod, repeat, squeeze, toOneHot, extra-arrays.ts's diff, bartlett, fillDiagonal, fillDiagonalOffset, searchsorted, data-dependent.ts's bincount, compress, unique, and choose-ravel.ts's ravelMultiIndex, unravelIndex). */
export const extraOps = {
  /** Theano's `cumsum(x, axis)`: running sums along axis (of the flattened x when null). */ cumsum,
  /** Theano's `cumprod(x, axis)`: running products along axis (of the flattened x when null). */ cumprod,
  /** Theano's `repeat(x, repeats, axis)`: each element repeated along axis. */ repeat,
  /** Theano's `squeeze(x)`: x without its broadcastable dimensions. */ squeeze,
  /** Theano's `to_one_hot(y, nbClass)`: the one-hot matrix of an integer vector. */ toOneHot,
  /** Theano's `diff(x, n, axis)`: the n-th discrete difference along axis. */ diff,
  /** Theano's `bartlett(M)`: the Bartlett (triangular) window of M points. */ bartlett,
  /** Theano's `fill_diagonal(a, val)`: a with its main diagonal set to val. */ fillDiagonal,
  /** Theano's `fill_diagonal_offset(a, val, offset)`: a with the diagonal at offset set to val. */ fillDiagonalOffset,
  /** Theano's `searchsorted(x, v, side, sorter)`: where each element of v goes in the sorted vector x. */ searchsorted,
  /** Theano's `bincount(x, weights, minlength)`: the count (or weight sum) of each non-negative integer in x. */ bincount,
  /** Theano's `compress(condition, x, axis)`: the slices of x along axis where condition is true. */ compress,
  /** Theano's `Unique`: the sorted distinct elements (with indices, inverse and counts on request). */ unique,
  /** Theano's `ravel_multi_index(multiIndex, dims)`: flat indices of multi-indices. */ ravelMultiIndex,
  /** Theano's `unravel_index(indices, dims)`: multi-indices of flat indices. */ unravelIndex,
} as const;
