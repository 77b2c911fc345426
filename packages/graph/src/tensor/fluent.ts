/**
 * Fluent methods on variables (`x.add(y)`, `A.pow(2).sum()`): TypeScript has
 * no operator overloading, so Theano's `A**2` is `A.pow(2)`. Each method is
 * the free function of the same name in `tensor.ts`.
 */
import type { DType } from '../core/dtype.js';
import type { TensorLike } from '../core/op.js';
import * as T from './tensor.js';
import { TensorVariable } from '../core/variable.js';

type AxisArg = T.ReduceOptions | number | readonly number[] | null;

declare module '../core/variable.js' {
  interface TensorVariable {
    /** The elementwise sum `x + a + b + ...` (Theano's `x + y`), broadcasting, dtypes promoted as NumPy's `result_type` (number literals are weak; bool + bool is int8). */
    add(...others: TensorLike[]): TensorVariable;
    /** The elementwise difference `x - other` (Theano's `x - y`), broadcasting, dtypes promoted as in {@link add}. */
    sub(other: TensorLike): TensorVariable;
    /** The elementwise product `x * a * b * ...` (Theano's `x * y`; not a matrix product, see {@link dot}), broadcasting, dtypes promoted as in {@link add}. */
    mul(...others: TensorLike[]): TensorVariable;
    /** True division `x / other` (`T.trueDiv`): integers divide into floats (int32 / int32 is float64; 8- and 16-bit integers and bool give float32), broadcasting. */
    div(other: TensorLike): TensorVariable;
    /** Floor division `x // other` (NumPy's `floor_divide`): integers stay integers; floats give `(a - fmod(a, b)) / b` rounded, as NumPy. */
    intDiv(other: TensorLike): TensorVariable;
    /** The remainder `x % other` with the divisor's sign (NumPy's `np.mod`), broadcasting. */
    mod(other: TensorLike): TensorVariable;
    /** `x ** other` elementwise (NumPy's `power`): integer powers stay integer and wrap; a negative integer exponent truncates as C does. */
    pow(other: TensorLike): TensorVariable;
    /** `-x` elementwise (bool gives int8). */
    neg(): TensorVariable;
    /** `|x|` elementwise (bool gives int8). */
    abs(): TensorVariable;
    /** `e ** x` elementwise; integers give floats (32- and 64-bit integers float64; 8- and 16-bit integers and bool float32). */
    exp(): TensorVariable;
    /** The natural logarithm elementwise (NaN below 0, -inf at 0); integers give floats as {@link exp}. */
    log(): TensorVariable;
    /** The square root elementwise (NaN below 0); integers give floats as {@link exp}. */
    sqrt(): TensorVariable;
    /** The logistic function `1 / (1 + exp(-x))` elementwise (`T.nnet.sigmoid`); integers give floats as {@link exp}. */
    sigmoid(): TensorVariable;
    /** The hyperbolic tangent elementwise; integers give floats as {@link exp}. */
    tanh(): TensorVariable;
    /** The rectifier `max(x, 0)` elementwise (`T.nnet.relu(x)`; NaN stays NaN). */
    relu(): TensorVariable;
    /** The elementwise larger of x and other (NumPy's `maximum`: NaN if either is NaN), broadcasting, dtypes promoted. */
    maximum(other: TensorLike): TensorVariable;
    /** The elementwise smaller of x and other (NumPy's `minimum`: NaN if either is NaN), broadcasting, dtypes promoted. */
    minimum(other: TensorLike): TensorVariable;
    /** x limited to [lo, hi] elementwise (`T.clip`); the three dtypes promote together, as NumPy's `result_type`. */
    clip(lo: TensorLike, hi: TensorLike): TensorVariable;
    /** `x == other` elementwise, a bool tensor (Theano's `T.eq`; NaN equals nothing), broadcasting. */
    eq(other: TensorLike): TensorVariable;
    /** `x != other` elementwise, a bool tensor (`T.neq`), broadcasting. */
    neq(other: TensorLike): TensorVariable;
    /** `x < other` elementwise, a bool tensor (`T.lt`), broadcasting; integer literals compare exactly. */
    lt(other: TensorLike): TensorVariable;
    /** `x <= other` elementwise, a bool tensor (`T.le`), broadcasting. */
    le(other: TensorLike): TensorVariable;
    /** `x > other` elementwise, a bool tensor (`T.gt`), broadcasting. */
    gt(other: TensorLike): TensorVariable;
    /** `x >= other` elementwise, a bool tensor (`T.ge`), broadcasting. */
    ge(other: TensorLike): TensorVariable;
    /** Logical and elementwise: a bool tensor of each pair's truth (`T.and`; the bitwise op is `T.bitwiseAnd`, Theano's `and_`), broadcasting. */
    and(other: TensorLike): TensorVariable;
    /** Logical or elementwise: a bool tensor of each pair's truth (`T.or`; the bitwise op is `T.bitwiseOr`, Theano's `or_`), broadcasting. */
    or(other: TensorLike): TensorVariable;
    /** Logical not elementwise: a bool tensor, true where x is zero (`T.not`; the bitwise op is `T.invert`). */
    not(): TensorVariable;
    /** The sum over `axis` (an axis, a list, or all when absent), or `{ axis, keepdims, dtype }` (`T.sum`); integers and bool sum to int64. */
    sum(axis?: AxisArg): TensorVariable;
    /** The product over `axis` (all when absent), options as {@link sum} (`T.prod`); integers and bool give int64. */
    prod(axis?: AxisArg): TensorVariable;
    /** The mean over `axis` (all when absent), options as {@link sum} (`T.mean`); integers give float64. */
    mean(axis?: AxisArg): TensorVariable;
    /** The largest element over `axis` (all when absent), options `{ axis, keepdims }` (`T.max`); NaN if any is NaN. */
    max(axis?: AxisArg): TensorVariable;
    /** The smallest element over `axis` (all when absent), options `{ axis, keepdims }` (`T.min`); NaN if any is NaN. */
    min(axis?: AxisArg): TensorVariable;
    /** The int64 index of the largest element along `axis` (of the flattened x when absent), the first one on ties (`T.argmax`). */
    argmax(axis?: AxisArg): TensorVariable;
    /** The int64 index of the smallest element along `axis` (of the flattened x when absent), the first one on ties (`T.argmin`). */
    argmin(axis?: AxisArg): TensorVariable;
    /** Whether any element is non-zero over `axis` (all when absent), a bool tensor (`T.any`). */
    any(axis?: AxisArg): TensorVariable;
    /** Whether every element is non-zero over `axis` (all when absent), a bool tensor (`T.all`). */
    all(axis?: AxisArg): TensorVariable;
    /** Theano's `x.var(axis, ddof, keepdims, corrected)` as `x.var({ axis, ddof, keepdims, corrected })` (or `x.var(axis)`). */
    var(axis?: T.VarArg): TensorVariable;
    /** The standard deviation, `sqrt` of {@link var} with the same options (`T.std`). */
    std(axis?: T.VarArg): TensorVariable;
    /** The range, max - min, along axis (all by default). */
    ptp(axis?: AxisArg): TensorVariable;
    /** Theano's `x.norm(L, axis, keepdims)`: `sum(|x| ** L) ** (1 / L)` along axis. */
    norm(L: number, axis?: number | readonly number[] | null, keepdims?: boolean): TensorVariable;
    /** Theano's `x.round(mode)` (`'half_to_even'` by default). */
    round(mode?: 'half_to_even' | 'half_away_from_zero'): TensorVariable;
    /** The sum of a matrix's diagonal (Theano's `x.trace()`). */
    trace(): TensorVariable;
    /** Theano's `x.ravel()`: `x.flatten()`. */
    ravel(): TensorVariable;
    /** Theano's `x.copy()`: a new variable of the same value. */
    copy(): TensorVariable;
    /** Zeros of x's shape, in x's dtype or `dtype` (`T.zerosLike`). */
    zerosLike(dtype?: DType): TensorVariable;
    /** Ones of x's shape, in x's dtype or `dtype` (`T.onesLike`). */
    onesLike(dtype?: DType): TensorVariable;
    /** Theano's `x.fill(value)`: value broadcast to x's shape (`T.fill(x, value)`). */
    fill(value: TensorLike): TensorVariable;
    /** Theano's `x.searchsorted(v, side, sorter)`: where each element of v goes in the sorted vector x. */
    searchsorted(v: TensorLike, side?: 'left' | 'right', sorter?: TensorVariable | null): TensorVariable;
    /** Theano's `x.nonzero(return_matrix)`: the positions of the non-zero elements (`T.nonzero`), one int64 vector per dimension, or their matrix. */
    nonzero(returnMatrix?: boolean): TensorVariable | TensorVariable[];
    /** Theano's `x.nonzero_values()`: the non-zero elements of x flattened (`T.nonzeroValues`). */
    nonzeroValues(): TensorVariable;
    /** NumPy's `dot`: inner product of vectors, matrix-vector and matrix-matrix products, and higher ranks (the last axis of x with the second-to-last of other); a 0-d operand multiplies. */
    dot(other: TensorLike): TensorVariable;
    /**
     * Theano's `x[...]`: numbers, slices (`'1:3'`, `':'`, `'::-1'` or
     * `T.slice(1, 3)`) and symbolic integer scalars; or, alone, an integer
     * vector picking rows along axis 0, or a boolean mask of x's shape (or
     * leading dimensions: `x[mask]`), or a boolean (`true`, a 0-d boolean
     * tensor: NumPy's `x[True]`, x with a first axis of length 1, or 0 for
     * false). Integer arrays (symbolic, or JS arrays), masks and booleans
     * also combine with other indices as NumPy's advanced indexing
     * (`x.get(':', idx)`, `x.get(0, [2, 0])`, `x.get(idx, mask, 0)`).
     * `x.get(':', 0)` is `x[:, 0]`; the string `'...'` is NumPy's
     * Ellipsis (`x.get('...', 0)` is `x[..., 0]`).
     */
    get(...index: T.Index[]): TensorVariable;
    /** Theano's `x.take(indices, axis, mode)` (`T.take`): elements along axis, of x flattened by default. */
    take(indices: TensorLike, axis?: number | null, mode?: T.IndexMode): TensorVariable;
    /** Theano's `dimshuffle(1, 'x', 0)`; the pattern may also come as one array, as Theano takes a tuple. */
    dimshuffle(...pattern: (number | 'x')[] | [readonly (number | 'x')[]]): TensorVariable;
    /** The dimensions reversed, or permuted by `axes` (`T.transpose`). */
    transpose(axes?: readonly number[]): TensorVariable;
    /** The transpose (reversed dimensions). */
    readonly T: TensorVariable;
    /** NumPy's reshape: one length may be -1 (inferred), lengths may be integer scalars (`x.reshape([x.shape[0], -1])`); the element count must match. */
    reshape(shape: readonly (number | TensorVariable)[]): TensorVariable;
    /** Theano's flatten: the first `ndim - 1` dimensions kept, the rest collapsed into one (default `ndim` 1: a vector). */
    flatten(ndim?: number): TensorVariable;
    /** x cast to `dtype` (`T.cast`; `'floatX'` is `config.floatX`); a float cast to an integer truncates towards zero and wraps past the dtype's range. */
    astype(dtype: DType | 'floatX'): TensorVariable;
    /** NumPy's `x.swapaxes(axis1, axis2)`. */
    swapaxes(axis1: number, axis2: number): TensorVariable;
    /** Theano's `x.squeeze()`: without its broadcastable dimensions (or only those of `axis`). */
    squeeze(axis?: number | readonly number[] | null): TensorVariable;
    /** `x.repeat(repeats, axis)`: each element `repeats` times along axis (of the flattened x by default). */
    repeat(repeats: number | TensorVariable, axis?: number | null): TensorVariable;
    /** Running sums along axis (of the flattened x by default). */
    cumsum(axis?: number | null): TensorVariable;
    /** Running products along axis (of the flattened x by default). */
    cumprod(axis?: number | null): TensorVariable;
    /** NumPy's `x.diagonal(offset, axis1, axis2)`. */
    diagonal(offset?: number, axis1?: number, axis2?: number): TensorVariable;
    /** Theano's `x.sort(axis=-1, kind)`: sorted along axis (null: flattened), stably, NaN last. */
    sort(axis?: number | null, kind?: T.SortKind): TensorVariable;
    /** Theano's `x.argsort(axis=-1, kind)`: the int64 indices that sort x stably along axis (null: flattened). */
    argsort(axis?: number | null, kind?: T.SortKind): TensorVariable;
    /** The symbolic shape: one int64 scalar per dimension. */
    readonly shape: TensorVariable[];
  }
}

const P = TensorVariable.prototype as unknown as Record<string, unknown>;
Object.assign(P, {
  add(this: TensorVariable, ...o: TensorLike[]) {
    return T.add(this, ...o);
  },
  sub(this: TensorVariable, o: TensorLike) {
    return T.sub(this, o);
  },
  mul(this: TensorVariable, ...o: TensorLike[]) {
    return T.mul(this, ...o);
  },
  div(this: TensorVariable, o: TensorLike) {
    return T.trueDiv(this, o);
  },
  intDiv(this: TensorVariable, o: TensorLike) {
    return T.intDiv(this, o);
  },
  mod(this: TensorVariable, o: TensorLike) {
    return T.mod(this, o);
  },
  pow(this: TensorVariable, o: TensorLike) {
    return T.pow(this, o);
  },
  maximum(this: TensorVariable, o: TensorLike) {
    return T.maximum(this, o);
  },
  minimum(this: TensorVariable, o: TensorLike) {
    return T.minimum(this, o);
  },
  clip(this: TensorVariable, lo: TensorLike, hi: TensorLike) {
    return T.clip(this, lo, hi);
  },
  dot(this: TensorVariable, o: TensorLike) {
    return T.dot(this, o);
  },
  get(this: TensorVariable, ...index: T.Index[]) {
    return T.get(this, ...index);
  },
  take(this: TensorVariable, indices: TensorLike, axis?: number | null, mode?: T.IndexMode) {
    return T.take(this, indices, axis, mode);
  },
  dimshuffle(this: TensorVariable, ...p: (number | 'x')[] | [readonly (number | 'x')[]]) {
    return T.dimshuffle(this, p.length === 1 && Array.isArray(p[0]) ? p[0] : (p as (number | 'x')[]));
  },
  transpose(this: TensorVariable, axes?: readonly number[]) {
    return T.transpose(this, axes);
  },
  reshape(this: TensorVariable, s: readonly (number | TensorVariable)[]) {
    return T.reshape(this, s);
  },
  flatten(this: TensorVariable, n?: number) {
    return T.flatten(this, n);
  },
  astype(this: TensorVariable, d: DType | 'floatX') {
    return T.cast(this, d);
  },
  swapaxes(this: TensorVariable, a1: number, a2: number) {
    return T.swapaxes(this, a1, a2);
  },
  squeeze(this: TensorVariable, axis?: number | readonly number[] | null) {
    return T.squeeze(this, axis);
  },
  repeat(this: TensorVariable, n: number | TensorVariable, axis?: number | null) {
    return T.repeat(this, n, axis);
  },
  cumsum(this: TensorVariable, axis?: number | null) {
    return T.cumsum(this, axis);
  },
  cumprod(this: TensorVariable, axis?: number | null) {
    return T.cumprod(this, axis);
  },
  diagonal(this: TensorVariable, offset?: number, axis1?: number, axis2?: number) {
    return T.diagonal(this, offset, axis1, axis2);
  },
  sort(this: TensorVariable, axis?: number | null, kind?: T.SortKind) {
    return T.sort(this, axis, kind);
  },
  argsort(this: TensorVariable, axis?: number | null, kind?: T.SortKind) {
    return T.argsort(this, axis, kind);
  },
  var(this: TensorVariable, a?: T.VarArg) {
    return T.var_(this, a);
  },
  std(this: TensorVariable, a?: T.VarArg) {
    return T.std(this, a);
  },
  ptp(this: TensorVariable, a?: AxisArg) {
    return T.ptp(this, a);
  },
  norm(this: TensorVariable, L: number, axis?: number | readonly number[] | null, keepdims?: boolean) {
    return T.norm(this, L, axis, keepdims);
  },
  round(this: TensorVariable, mode?: 'half_to_even' | 'half_away_from_zero') {
    return T.round(this, mode);
  },
  zerosLike(this: TensorVariable, dtype?: DType) {
    return T.zerosLike(this, dtype);
  },
  onesLike(this: TensorVariable, dtype?: DType) {
    return T.onesLike(this, dtype);
  },
  fill(this: TensorVariable, value: TensorLike) {
    return T.fill(this, value);
  },
  searchsorted(this: TensorVariable, v: TensorLike, side?: 'left' | 'right', sorter?: TensorVariable | null) {
    return T.searchsorted(this, v, side, sorter);
  },
  nonzero(this: TensorVariable, returnMatrix?: boolean) {
    return T.nonzero(this, returnMatrix);
  },
  nonzeroValues(this: TensorVariable) {
    return T.nonzeroValues(this);
  },
  trace(this: TensorVariable) {
    return T.nlinalg.trace(this);
  },
  ravel(this: TensorVariable) {
    return T.flatten(this);
  },
  copy(this: TensorVariable) {
    return T.identity(this);
  },
});
for (const name of ['neg', 'abs', 'exp', 'log', 'sqrt', 'sigmoid', 'tanh', 'relu', 'not'] as const) {
  const f = T[name] as (x: TensorLike) => TensorVariable;
  P[name] = function (this: TensorVariable) {
    return f(this);
  };
}
for (const name of ['eq', 'neq', 'lt', 'le', 'gt', 'ge', 'and', 'or'] as const) {
  const f = T[name] as (a: TensorLike, b: TensorLike) => TensorVariable;
  P[name] = function (this: TensorVariable, o: TensorLike) {
    return f(this, o);
  };
}
for (const name of ['sum', 'prod', 'mean', 'max', 'min', 'argmax', 'argmin', 'any', 'all'] as const) {
  const f = T[name] as (x: TensorLike, a?: AxisArg) => TensorVariable;
  P[name] = function (this: TensorVariable, a?: AxisArg) {
    return f(this, a);
  };
}
Object.defineProperty(TensorVariable.prototype, 'T', {
  get(this: TensorVariable) {
    return T.transpose(this);
  },
});
Object.defineProperty(TensorVariable.prototype, 'shape', {
  get(this: TensorVariable) {
    return T.shape(this);
  },
});
