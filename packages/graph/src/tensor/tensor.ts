/**
 * `T`: Theano's `theano.tensor` for TypeScript. Variable constructors, the
 * elementwise math, reductions, dot and shape manipulation, as free
 * functions (the fluent methods on variables call these).
 */
import type { DType } from '../core/dtype.js';
import { isDType, isInt, unknownDTypeError } from '../core/dtype.js';
import { config } from '../core/config.js';
import { axisIn } from '../core/axis.js';
import { TensorType } from '../core/type.js';
import { TensorVariable } from '../core/variable.js';
import { apply1, asTensor, constant, type TensorLike } from '../core/op.js';
import { Elemwise, cast, elemwise } from '../ops/elemwise.js';
import { Reduce, normaliseAxes } from '../ops/reduce.js';
import { DOT } from '../ops/dot.js';
import { DimShuffle, MatchLength, Reshape, ReshapeTo, ShapeI, type DimShufflePattern } from '../ops/shape.js';
import { SOFTMAX } from '../ops/nnet.js';
import { pool2d, pool3d } from '../ops/pool.js';
import { bilinearUpsampling, conv2d, conv2dGradWrtInputs, conv2dGradWrtWeights } from '../nnet/conv2d.js';
import { conv3d, conv3dGradWrtInputs, conv3dGradWrtWeights } from '../nnet/conv3d.js';
import { images2neibs, neibs2images } from '../nnet/neighbours.js';
import { Alloc, lengths, type Length } from '../ops/alloc.js';
import { elu, hardSigmoid, logSoftmax, selu, softsign, ultraFastSigmoid } from '../nnet/activations.js';
import { bn } from '../nnet/bn.js';
import * as nnetExtra from '../nnet/nnet-extra.js';
import { batchNormalization, confusionMatrix, conv2dTranspose, maxPool2dSameSize, prepend0ToEachRow, prepend1ToEachRow, prependScalarToEachRow, separableConv2d } from '../nnet/nnet-more.js';
import { hSoftmax } from '../nnet/h-softmax.js';
import { ctcModule } from '../nnet/ctc.js';

export type { Length };
import { arange, get } from './indexing.js';
import { checkedLabels } from '../ops/check-index.js';
import type { Reducer } from '../kernel/kernel.js';
import { labelForErrors, nameInError } from '../core/error-names.js';
import { shapeToString } from '../core/ndarray.js';

// ---------------------------------------------------------------- variables

/** `T.tensor(dtype, broadcastable, name)`: a symbolic input. */
export function tensor(dtype: DType | undefined, broadcastable: readonly boolean[], name?: string): TensorVariable {
  // from plain JavaScript, Theano's keywords as an object (T.scalar({ dtype: 'int32' })) would name the variable '[object Object]'
  if (name !== undefined && name !== null && typeof name !== 'string') {
    const got = typeof name === 'object' ? `an object ${JSON.stringify(name)}` : `${typeof name} ${String(name)}`;
    throw new TypeError(`tensor: a variable's name must be a string, got ${got}; the constructors take Theano's arguments in order, the name then the dtype: T.scalar('x', 'int32')`);
  }
  const d = dtype ?? config.floatX;
  if (!isDType(d)) throw new TypeError(`tensor: unknown dtype ${JSON.stringify(d)}`);
  return new TensorVariable(new TensorType(d, broadcastable), { name: name ?? undefined });
}

type Ctor = (name?: string, dtype?: DType) => TensorVariable;
const make =
  (bc: boolean[]): Ctor =>
  (name, dtype) =>
    tensor(dtype, bc, name);

/** A floatX (or `dtype`) scalar input: `T.scalar('x')`, `T.scalar('n', 'int32')` (Theano's `scalar`). */ export const scalar = make([]);
/** A floatX (or `dtype`) vector input (Theano's `vector`). */ export const vector = make([false]);
/** A floatX (or `dtype`) row input, a (1, n) matrix whose first dimension broadcasts (Theano's `row`). */ export const row = make([true, false]);
/** A floatX (or `dtype`) column input, an (n, 1) matrix whose second dimension broadcasts (Theano's `col`). */ export const col = make([false, true]);
/** A floatX (or `dtype`) matrix input: `T.matrix('x')` (Theano's `matrix`). */ export const matrix = make([false, false]);
/** A 3-d floatX (or `dtype`) tensor input (Theano's `tensor3`). */ export const tensor3 = make([false, false, false]);
/** A 4-d floatX (or `dtype`) tensor input (Theano's `tensor4`). */ export const tensor4 = make([false, false, false, false]);

const typed = (dtype: DType, bc: boolean[]) => (name?: string) => tensor(dtype, bc, name);
/** A float32 scalar input: `T.fscalar('x')` (Theano's `fscalar`). */ export const fscalar = typed('float32', []);
/** A float64 scalar input: `T.dscalar('x')` (Theano's `dscalar`). */ export const dscalar = typed('float64', []);
/** An int32 scalar input: `T.iscalar('x')` (Theano's `iscalar`). */ export const iscalar = typed('int32', []);
/** An int64 scalar input: `T.lscalar('x')` (Theano's `lscalar`). */ export const lscalar = typed('int64', []);
/** An int8 scalar input: `T.bscalar('x')` (Theano's `bscalar`). */ export const bscalar = typed('int8', []);
/** A float32 vector input (Theano's `fvector`). */ export const fvector = typed('float32', [false]);
/** A float64 vector input (Theano's `dvector`). */ export const dvector = typed('float64', [false]);
/** An int32 vector input (Theano's `ivector`). */ export const ivector = typed('int32', [false]);
/** An int64 vector input (Theano's `lvector`). */ export const lvector = typed('int64', [false]);
/** An int8 vector input (Theano's `bvector`). */ export const bvector = typed('int8', [false]);
/** A float32 matrix input (Theano's `fmatrix`). */ export const fmatrix = typed('float32', [false, false]);
/** A float64 matrix input (Theano's `dmatrix`). */ export const dmatrix = typed('float64', [false, false]);
/** An int32 matrix input (Theano's `imatrix`). */ export const imatrix = typed('int32', [false, false]);
/** An int64 matrix input (Theano's `lmatrix`). */ export const lmatrix = typed('int64', [false, false]);
/** An int8 matrix input (Theano's `bmatrix`). */ export const bmatrix = typed('int8', [false, false]);
/** A float32 row input, a (1, n) matrix whose first dimension broadcasts (Theano's `frow`). */ export const frow = typed('float32', [true, false]);
/** A float64 row input, a (1, n) matrix whose first dimension broadcasts (Theano's `drow`). */ export const drow = typed('float64', [true, false]);
/** A float32 column input, an (n, 1) matrix whose second dimension broadcasts (Theano's `fcol`). */ export const fcol = typed('float32', [false, true]);
/** A float64 column input, an (n, 1) matrix whose second dimension broadcasts (Theano's `dcol`). */ export const dcol = typed('float64', [false, true]);
/** A 3-d float32 tensor input (Theano's `ftensor3`). */ export const ftensor3 = typed('float32', [false, false, false]);
/** A 3-d float64 tensor input (Theano's `dtensor3`). */ export const dtensor3 = typed('float64', [false, false, false]);
/** A 4-d float32 tensor input (Theano's `ftensor4`). */ export const ftensor4 = typed('float32', [false, false, false, false]);
/** A 4-d float64 tensor input (Theano's `dtensor4`). */ export const dtensor4 = typed('float64', [false, false, false, false]);

export { constant, asTensor, cast };

/**
 * Theano's `T.as_tensor_variable(x, name)`: `x` itself if it is a variable,
 * else a constant of the number or array, named `name` (the Loop
 * tutorial's `T.as_tensor_variable(np.asarray(0, seq.dtype))`).
 */
export function asTensorVariable(x: TensorLike, name?: string): TensorVariable {
  const t = asTensor(x, 'asTensorVariable');
  if (name !== undefined && t !== x) t.name = name;
  return t;
}

// ---------------------------------------------------------------- elementwise

const un = (op: Parameters<typeof elemwise>[0]) => (x: TensorLike) => elemwise(op, x);
const bin = (op: Parameters<typeof elemwise>[0]) => (a: TensorLike, b: TensorLike) => elemwise(op, a, b);

/** The elementwise sum of one or more tensors (Theano's `add`, `a + b`), broadcasting, dtypes promoted as NumPy's `result_type` (number literals weak; bools give int8). */ export const add = (...xs: TensorLike[]): TensorVariable => {
  if (xs.length === 0) throw new Error('add: needs at least one argument');
  return xs.slice(1).reduce<TensorVariable>((acc, x) => elemwise('add', acc, x), asTensor(xs[0]!, 'add'));
};
/** The elementwise product of one or more tensors (Theano's `mul`, `a * b`; the matrix product is {@link dot}), broadcasting, dtypes promoted as in {@link add}. */ export const mul = (...xs: TensorLike[]): TensorVariable => {
  if (xs.length === 0) throw new Error('mul: needs at least one argument');
  return xs.slice(1).reduce<TensorVariable>((acc, x) => elemwise('mul', acc, x), asTensor(xs[0]!, 'mul'));
};
/** `a - b` elementwise (Theano's `sub`), broadcasting, dtypes promoted as in {@link add}. */ export const sub = bin('sub');
/** True division: integers divide into floats. */
export const trueDiv = bin('truediv');
/** {@link trueDiv} (Theano's `true_div`, `a / b`). */ export const div = trueDiv;
/** Floor division, like NumPy's `//`. */
export const intDiv = bin('intdiv');
/** Remainder with the sign of the divisor, like NumPy's `%`. */
export const mod = bin('mod');
/** `a ** b` elementwise (NumPy's `power`): integer powers stay integer and wrap; a negative integer exponent truncates as C does. */ export const pow = bin('pow');
/** The elementwise larger of a and b (NumPy's `maximum`: NaN if either is), broadcasting. */ export const maximum = bin('maximum');
/** The elementwise smaller of a and b (NumPy's `minimum`: NaN if either is), broadcasting. */ export const minimum = bin('minimum');
/** `a == b` elementwise, a bool tensor (NaN equals nothing), broadcasting. */ export const eq = bin('eq');
/** `a != b` elementwise, a bool tensor, broadcasting. */ export const neq = bin('neq');
/** `a < b` elementwise, a bool tensor, broadcasting; integer literals compare exactly. */ export const lt = bin('lt');
/** `a <= b` elementwise, a bool tensor, broadcasting. */ export const le = bin('le');
/** `a > b` elementwise, a bool tensor, broadcasting. */ export const gt = bin('gt');
/** `a >= b` elementwise, a bool tensor, broadcasting. */ export const ge = bin('ge');
/** Logical and elementwise, a bool tensor of each pair's truth (bitwise: `T.bitwiseAnd`, Theano's `and_`). */ export const and = bin('and');
/** Logical or elementwise, a bool tensor (bitwise: `T.bitwiseOr`, Theano's `or_`). */ export const or = bin('or');
/** Logical exclusive or elementwise, a bool tensor (bitwise: `T.bitwiseXor`). */ export const xor = bin('xor');
/** Logical not elementwise, a bool tensor true where x is zero (bitwise: `T.invert`). */ export const not = un('not');
/** `-x` elementwise (bool gives int8). */ export const neg = un('neg');
/** `|x|` elementwise (Theano's `abs_`; bool gives int8). */ export const abs = un('abs');
/** The sign of x elementwise, -1, 0 or 1 (NaN for NaN), in x's dtype (Theano's `sgn`). */ export const sgn = un('sign');
/** {@link sgn} (NumPy's name). */ export const sign = sgn;
/** `e ** x` elementwise; integers give floats (see the guide's dtypes). */ export const exp = un('exp');
/** The natural logarithm elementwise (-inf at 0, NaN below); integers give floats (see the guide's dtypes). */ export const log = un('log');
/** `log(1 + x)`, accurate near 0; integers give floats (see the guide's dtypes). */ export const log1p = un('log1p');
/** `exp(x) - 1`, accurate near 0; integers give floats (see the guide's dtypes). */ export const expm1 = un('expm1');
/** The square root elementwise (NaN below 0); integers give floats (see the guide's dtypes). */ export const sqrt = un('sqrt');
/** `x * x` elementwise (Theano's `sqr`), in x's dtype (bool gives int8). */ export const sqr = (x: TensorLike): TensorVariable => elemwise('mul', x, x);
/** Rounds down elementwise; integers give floats (see the guide's dtypes), as Theano's. */ export const floor = un('floor');
/** Rounds up elementwise; integers give floats (see the guide's dtypes), as Theano's. */ export const ceil = un('ceil');
/**
 * `round(x, mode = 'half_to_even')`, Theano 1.0's: halves to the even
 * neighbour (NumPy's), or away from zero with `'half_away_from_zero'`
 * (C's round, Theano's default before 1.0).
 */
export const round = (x: TensorLike, mode: 'half_to_even' | 'half_away_from_zero' = 'half_to_even'): TensorVariable => {
  if (mode === 'half_to_even') return elemwise('round', x);
  if (mode !== 'half_away_from_zero') throw new TypeError(`round: mode must be 'half_to_even' or 'half_away_from_zero', got ${JSON.stringify(mode)}`);
  const v = asTensor(x, 'round');
  // an integer is already rounded: it keeps its dtype (as under half_to_even), not floor's float
  if (isInt(v.dtype)) return elemwise('round', v);
  // x = t + r with t its integer part and r exact; the halves go away from zero
  const t = switch_(lt(v, 0), ceil(v), floor(v));
  return switch_(ge(abs(sub(v, t)), 0.5), add(t, sgn(v)), t);
};
/** The sine elementwise (radians); integers give floats (see the guide's dtypes). */ export const sin = un('sin');
/** The cosine elementwise (radians); integers give floats (see the guide's dtypes). */ export const cos = un('cos');
/** The tangent elementwise (radians); integers give floats (see the guide's dtypes). */ export const tan = un('tan');
/** The hyperbolic tangent elementwise; integers give floats (see the guide's dtypes). */ export const tanh = un('tanh');
/** The inverse sine elementwise (NaN outside [-1, 1]); integers give floats (see the guide's dtypes). */ export const arcsin = un('arcsin');
/** The inverse cosine elementwise (NaN outside [-1, 1]); integers give floats (see the guide's dtypes). */ export const arccos = un('arccos');
/** The inverse tangent elementwise; integers give floats (see the guide's dtypes). */ export const arctan = un('arctan');
/** The hyperbolic sine elementwise; integers give floats (see the guide's dtypes). */ export const sinh = un('sinh');
/** The hyperbolic cosine elementwise; integers give floats (see the guide's dtypes). */ export const cosh = un('cosh');
/** The logistic function `1 / (1 + exp(-x))` elementwise (`T.nnet.sigmoid`); integers give floats (see the guide's dtypes). */ export const sigmoid = un('sigmoid');
/** `log(1 + exp(x))` elementwise, without overflow (`T.nnet.softplus`); integers give floats (see the guide's dtypes). */ export const softplus = un('softplus');
/**
 * `relu(x, alpha = 0)`, Theano's `T.nnet.relu`: max(x, 0), or with alpha
 * the leaky rectifier, by Theano's formula 0.5 (1 + alpha) x + 0.5 (1 -
 * alpha) |x| (alpha may be a tensor; at 0 its gradient is 0.5 (1 + alpha),
 * as Theano's).
 */
export const relu = (x: TensorLike, alpha: TensorLike = 0): TensorVariable => {
  if (alpha === 0) return elemwise('relu', x);
  const v = asTensor(x, 'relu');
  if (typeof alpha === 'number') return add(mul(v, 0.5 * (1 + alpha)), mul(abs(v), 0.5 * (1 - alpha)));
  const a = asTensor(alpha, 'relu: alpha');
  return add(mul(v, mul(0.5, add(1, a))), mul(abs(v), mul(0.5, sub(1, a))));
};
/** x itself, as a node of its own (Theano's `tensor_copy`; `x.copy()`). */ export const identity = un('identity');
/** `switch(cond, ifTrue, ifFalse)`, elementwise. */
export const switch_ = (cond: TensorLike, a: TensorLike, b: TensorLike): TensorVariable => elemwise('switch', cond, a, b);
/** {@link switch_} under NumPy's name: `where(cond, a, b)`. */ export const where = switch_;
// `switch` is a reserved word, so it cannot name a const; as an export name it may, and T.switch reads as Theano's tensor.switch
export { switch_ as switch };
export { clip } from './clip.js';
// special functions: composite ops, lowered into the primitive ones above (special.ts)
/** The error function elementwise; integers give floats (see the guide's dtypes). */ export const erf = un('erf');
/** The complementary error function `1 - erf(x)`, accurate for large x; integers give floats (see the guide's dtypes). */ export const erfc = un('erfc');
/** The inverse of erf on [-1, 1] (±inf at ±1, NaN outside). */
export const erfinv = un('erfinv');
/** The inverse of erfc on [0, 2] (inf at 0, -inf at 2, NaN outside). */
export const erfcinv = un('erfcinv');
/** log|Gamma(x)| (SciPy's gammaln: inf at 0 and the negative integers). */
export const gammaln = un('gammaln');
/** The gamma function elementwise (inf at 0, NaN at the negative integers); integers give floats (see the guide's dtypes). */ export const gamma = un('gamma');
/** The digamma function, Gamma'(x) / Gamma(x). */
export const psi = un('psi');
/** psi'(x) (Theano's tri_gamma). */
export const triGamma = un('trigamma');
/** exp(x^2) erfc(x), the scaled complementary error function (SciPy's erfcx). */
export const erfcx = un('erfcx');
/** P(a, x), the regularized lower incomplete gamma function (SciPy's gammainc; accuracy by range in docs/guide.md). */
export const gammainc = bin('gammainc');
/** Q(a, x) = 1 - P(a, x), the regularized upper incomplete gamma function (SciPy's gammaincc). */
export const gammaincc = bin('gammaincc');
/** Gamma(a) Q(a, x), the upper incomplete gamma function (Theano's gammau). */
export const gammau = bin('gammau');
/** Gamma(a) P(a, x), the lower incomplete gamma function (Theano's gammal). */
export const gammal = bin('gammal');
/** The chi-squared survival function of x with k degrees of freedom, Q(k / 2, x / 2) (Theano's chi2sf(x, k)). */
export const chi2sf = bin('chi2sf');
/** Bessel function of the first kind of order 0. */
export const j0 = un('j0');
/** Bessel function of the first kind of order 1. */
export const j1 = un('j1');
/** Bessel function of the first kind of real order v, jv(v, x) (accuracy by range in docs/guide.md). */
export const jv = bin('jv');
/** Modified Bessel function of the first kind of order 0. */
export const i0 = un('i0');
/** Modified Bessel function of the first kind of order 1. */
export const i1 = un('i1');
/** Modified Bessel function of the first kind of real order v, iv(v, x). */
export const iv = bin('iv');
/** The angle of the point (x, y), in (-pi, pi], as NumPy's arctan2(y, x). */
export const arctan2 = bin('arctan2');
/** The inverse hyperbolic sine elementwise; integers give floats (see the guide's dtypes). */ export const arcsinh = un('arcsinh');
/** The inverse hyperbolic cosine elementwise (NaN below 1); integers give floats (see the guide's dtypes). */ export const arccosh = un('arccosh');
/** The inverse hyperbolic tangent elementwise (±inf at ±1, NaN outside); integers give floats (see the guide's dtypes). */ export const arctanh = un('arctanh');
/** Degrees to radians elementwise; integers give floats (see the guide's dtypes). */ export const deg2rad = un('deg2rad');
/** Radians to degrees elementwise; integers give floats (see the guide's dtypes). */ export const rad2deg = un('rad2deg');
/** Rounds towards zero (a float, as Theano's trunc of an integer is). */
export const trunc = un('trunc');
/** `second(a, b)`: b broadcast to the shape of a (Theano's fill). */
export const second = bin('second');
/** {@link second} under Theano's name `fill(a, b)`: b broadcast to a's shape. */ export const fill = second;
/** Zeros of x's shape, in x's dtype or `dtype` (Theano's `zeros_like`). */ export const zerosLike = (x: TensorLike, dtype?: DType): TensorVariable => {
  const v = asTensor(x, 'zerosLike');
  return second(v, constant(0, { dtype: dtype ?? v.dtype }));
};
/** Ones of x's shape, in x's dtype or `dtype` (Theano's `ones_like`). */ export const onesLike = (x: TensorLike, dtype?: DType): TensorVariable => {
  const v = asTensor(x, 'onesLike');
  return second(v, constant(1, { dtype: dtype ?? v.dtype }));
};

/** Theano's `T.alloc(value, *shape)`: `value` broadcast to `shape`, whose lengths may be symbolic. */
export function alloc(value: TensorLike, ...shape: Length[]): TensorVariable {
  return apply1(new Alloc(), [asTensor(value, 'alloc: value'), ...lengths('alloc', shape)]);
}
/** Theano's `T.zeros(shape, dtype)`: lengths may be symbolic (`[x.shape[0], 10]`); floatX by default. */
export function zeros(shape: readonly Length[], dtype: DType = config.floatX): TensorVariable {
  if (!isDType(dtype)) throw unknownDTypeError('zeros', dtype);
  return apply1(new Alloc(), [constant(0, { dtype }), ...lengths('zeros', shape)]);
}
/** Theano's `T.ones(shape, dtype)`. */
export function ones(shape: readonly Length[], dtype: DType = config.floatX): TensorVariable {
  if (!isDType(dtype)) throw unknownDTypeError('ones', dtype);
  return apply1(new Alloc(), [constant(1, { dtype }), ...lengths('ones', shape)]);
}

export { Elemwise };

// ---------------------------------------------------------------- reductions

/** Options of the reductions (`T.sum(x, { axis, keepdims, dtype })`); an axis or list of axes may be given alone instead. */
export interface ReduceOptions {
  /** An axis, a list of axes, or null/undefined for all of them. */
  axis?: number | readonly number[] | null;
  /** Keep reduced dimensions as broadcastable length-1 dimensions. */
  keepdims?: boolean;
  /** sum, prod and mean: accumulate in, and return, this dtype (Theano's and NumPy's `dtype`; `T.mean(errors, { dtype: 'float32' })`). */
  dtype?: DType;
}

const REDUCE_OPTIONS = ['axis', 'keepdims', 'dtype'];

function reduce(reducer: Reducer, x: TensorLike, opts: ReduceOptions | number | readonly number[] | null = {}): TensorVariable {
  // anything but an options object is the axis (a string '1' too: axisIn calls it not an integer, not an unknown option "0")
  const o: ReduceOptions = typeof opts !== 'object' || Array.isArray(opts) || opts === null ? { axis: opts as ReduceOptions['axis'] } : (opts as ReduceOptions);
  // a misspelt option (keepDims, axes) would otherwise reduce something else, silently
  const unknown = Object.keys(o).filter((k) => !REDUCE_OPTIONS.includes(k));
  if (unknown.length) throw new TypeError(`${reducer}: unknown option ${unknown.map((k) => JSON.stringify(k)).join(', ')}; the options are ${REDUCE_OPTIONS.join(', ')}`);
  let v = asTensor(x, reducer);
  if (o.dtype !== undefined) {
    if (reducer !== 'sum' && reducer !== 'prod' && reducer !== 'mean') throw new TypeError(`${reducer}: the dtype option applies to sum, prod and mean`);
    if (!isDType(o.dtype)) throw new TypeError(`${reducer}: unknown dtype ${JSON.stringify(o.dtype)}`);
    v = cast(v, o.dtype);
  }
  const axes = normaliseAxes(o.axis, v.ndim, reducer, v);
  if ((reducer === 'argmax' || reducer === 'argmin') && axes.length !== 1 && axes.length !== v.ndim) {
    // Theano allows several axes: the index is into those axes, flattened.
  }
  let r = apply1(new Reduce(reducer, axes), [v]);
  // an integer sum widens to int64 unless a dtype says otherwise (as NumPy's)
  if (o.dtype !== undefined && r.dtype !== o.dtype) r = cast(r, o.dtype);
  if (!o.keepdims) return r;
  let k = 0;
  const pattern: DimShufflePattern = v.broadcastable.map((_, d) => (axes.includes(d) ? 'x' : k++));
  return dimshuffle(r, pattern);
}

type AxisArg = ReduceOptions | number | readonly number[] | null;
/** The sum over `axis` (an axis, a list, all when absent) or `{ axis, keepdims, dtype }` (Theano's `sum`); integers and bool sum to int64. */ export const sum = (x: TensorLike, o?: AxisArg) => reduce('sum', x, o);
/** The product over `axis` (all when absent), options as {@link sum}; integers and bool give int64. */ export const prod = (x: TensorLike, o?: AxisArg) => reduce('prod', x, o);
/** The largest element over `axis` (all when absent), or `{ axis, keepdims }`; NaN if any is NaN. */ export const max = (x: TensorLike, o?: AxisArg) => reduce('max', x, o);
/** The smallest element over `axis` (all when absent), or `{ axis, keepdims }`; NaN if any is NaN. */ export const min = (x: TensorLike, o?: AxisArg) => reduce('min', x, o);
/** The mean over `axis` (all when absent), options as {@link sum}; integers give float64. */ export const mean = (x: TensorLike, o?: AxisArg) => reduce('mean', x, o);
/** Whether any element over `axis` (all when absent) is non-zero, a bool tensor. */ export const any = (x: TensorLike, o?: AxisArg) => reduce('any', x, o);
/** Whether every element over `axis` (all when absent) is non-zero, a bool tensor. */ export const all = (x: TensorLike, o?: AxisArg) => reduce('all', x, o);
/** The int64 index of the largest element along `axis` (in the flattened x when absent), the first on ties (NumPy's; a NaN counts as largest). */ export const argmax = (x: TensorLike, o?: AxisArg) => reduce('argmax', x, o);
/** The int64 index of the smallest element along `axis` (in the flattened x when absent), the first on ties (NumPy's; a NaN counts as smallest). */ export const argmin = (x: TensorLike, o?: AxisArg) => reduce('argmin', x, o);

// var and std (Theano's ddof and corrected), ptp, maxAndArgmax, largest, isclose, tri, ...: math-extra.ts

// ---------------------------------------------------------------- linear algebra

/** numpy.dot: vector·vector, matrix·vector, vector·matrix, matrix·matrix and higher ranks; 0-d operands multiply. */
export function dot(a: TensorLike, b: TensorLike): TensorVariable {
  const x = asTensor(a, 'dot');
  const y = asTensor(b, 'dot');
  if (x.ndim === 0 || y.ndim === 0) return mul(x, y);
  return apply1(DOT, [x, y]);
}

/** The outer product of two vectors (of the flattened operands otherwise), shape (a.size, b.size) (NumPy's and Theano's `outer`). */
export function outer(a: TensorLike, b: TensorLike): TensorVariable {
  const x = asTensor(a, 'outer');
  const y = asTensor(b, 'outer');
  const fx = x.ndim === 1 ? x : flatten(x);
  const fy = y.ndim === 1 ? y : flatten(y);
  return mul(dimshuffle(fx, [0, 'x']), dimshuffle(fy, ['x', 0]));
}

// ---------------------------------------------------------------- shapes

/** Theano's dimshuffle: `x.dimshuffle(1, 0)`, `x.dimshuffle('x', 0)`, ... */
export function dimshuffle(x: TensorLike, pattern: DimShufflePattern): TensorVariable {
  const v = asTensor(x, 'dimshuffle');
  checkPattern('dimshuffle', v, pattern);
  if (pattern.length === v.ndim && pattern.every((p, i) => p === i)) return v;
  return apply1(new DimShuffle(v.broadcastable, pattern), [v]);
}

/** The pattern checked against the user's x and call (the op's own check names only DimShuffle{...} and the pattern of broadcastable flags). */
function checkPattern(what: string, v: TensorVariable, pattern: DimShufflePattern): void {
  const shown = `(${pattern.join(', ')})`;
  const seen = new Set<number>();
  for (const p of pattern) {
    if (p === 'x') continue;
    if (!Number.isInteger(p) || p < 0 || p >= v.ndim) {
      throw new RangeError(`${what}: ${String(p)} in ${shown} is not a dimension of ${nameInError(v)}, which has ${v.ndim}${v.ndim > 0 ? ` (0 to ${v.ndim - 1})` : ''}${what === 'dimshuffle' ? "; 'x' adds a broadcastable one" : ''}`);
    }
    if (seen.has(p)) throw new RangeError(`${what}: ${shown} names dimension ${p} of ${nameInError(v)} twice; each dimension may appear once`);
    seen.add(p);
  }
  v.broadcastable.forEach((b, d) => {
    if (!seen.has(d) && !b) {
      throw new RangeError(
        `${what}: ${shown} drops dimension ${d} of ${nameInError(v)} (type ${v.type}), which is not broadcastable; only a dimension of length 1 in the type can be dropped (name every other one)`,
      );
    }
  });
}

/** Reverse the dimensions, or permute them by `axes`. */
export function transpose(x: TensorLike, axes?: readonly number[]): TensorVariable {
  const v = asTensor(x, 'transpose');
  const perm = axes ?? Array.from({ length: v.ndim }, (_, i) => v.ndim - 1 - i);
  if (perm.length !== v.ndim) throw new Error(`transpose: axes ${JSON.stringify(axes)} do not match a tensor of ${v.ndim} dimensions`);
  checkPattern('transpose', v, perm);
  return dimshuffle(v, perm);
}

/**
 * Reshape; one entry may be -1 (inferred), and 0 is a length of 0 (NumPy's
 * reshape). Entries may be integer scalars (`x.reshape([x.shape[0], -1])`):
 * their values are known when a program is made (see {@link zeros}).
 */
export function reshape(x: TensorLike, shape: readonly Length[]): TensorVariable {
  const v = asTensor(x, 'reshape');
  if (Array.isArray(shape) && shape.every((d) => typeof d === 'number')) return apply1(new Reshape(shape as number[], { zeros: 'length' }), [v]);
  return apply1(new ReshapeTo(), [v, ...lengths('reshape', shape, true)]);
}

/** Keep the first `ndim - 1` dimensions and collapse the rest (Theano's flatten, default 1-d). */
export function flatten(x: TensorLike, ndim = 1): TensorVariable {
  const v = asTensor(x, 'flatten');
  if (ndim < 1 || ndim > Math.max(1, v.ndim)) throw new RangeError(`flatten: ndim ${ndim} must be between 1 and ${v.ndim}`);
  // each 0 copies one of the leading dimensions
  return apply1(new Reshape([...new Array<number>(ndim - 1).fill(0), -1], { zeros: 'copy' }), [v]);
}

/** The symbolic length of dimension `axis`, an int64 scalar. */
export function shapeI(x: TensorLike, axis: number): TensorVariable {
  const v = asTensor(x, 'shape');
  return apply1(new ShapeI(axisIn('shapeI', axis, v.ndim, v)), [v]);
}

/** The symbolic shape: one int64 scalar per dimension; `[-1]` is the last, as Theano's `x.shape[-1]`. */
export function shape(x: TensorLike): TensorVariable[] {
  const v = asTensor(x, 'shape');
  const lengths = v.broadcastable.map((_, i) => shapeI(v, i));
  // A JavaScript array's [-1] is undefined, which Theano code such as T.zeros((x.shape[-1],)) would pass on silently.
  // Not enumerable: spreads, map and JSON see the ndim lengths only.
  for (let i = 1; i <= lengths.length; i++) Object.defineProperty(lengths, -i, { value: lengths[lengths.length - i] });
  return lengths;
}

/** Number of elements, an int64 scalar. */
export function size(x: TensorLike): TensorVariable {
  const v = asTensor(x, 'size');
  return v.ndim === 0 ? constant(1, { dtype: 'int64' }) : mul(...shape(v));
}

// ---------------------------------------------------------------- indexing

export { Slice, slice, get, setSubtensor, incSubtensor, concatenate, stack, arange } from './indexing.js';
export type { Index } from './indexing.js';

// ---------------------------------------------------------------- sorting

export { sort, argsort, topk, argtopk, topkAndArgtopk } from '../ops/sort.js';
export type { SortKind, TopKOptions } from '../ops/sort.js';

// ---------------------------------------------------------------- compositions

export * from './extra.js';
export * from '../nnet/activations.js';
export * from './constructors.js';
export * from './shape-extra.js';
export * from './math-extra.js';
export * from './extra-arrays.js';
export * from './data-dependent.js';
export * from './tensor-more.js';
export { choose, type IndexMode } from './choose-ravel.js';
export { take } from './take.js';
export { bitwiseAnd, bitwiseOr, bitwiseXor, invert, bitwiseNot } from './bitwise.js';
/** `T.xlogx.xlogx(x)` and `T.xlogx.xlogy0(x, y)`: Theano's `theano.tensor.xlogx`. */
export * as xlogx from './xlogx.js';
/** `T.fft.rfft(inp, norm)` and `T.fft.irfft(inp, norm, isOdd)`: Theano's `theano.tensor.fft`, (real, imaginary) pairs along a last axis. */
export * as fft from './fft.js';
export { ctensor, cscalar, cvector, cmatrix, ctensor3, ctensor4, zscalar, zvector, zmatrix, ztensor3, ztensor4, complex, complexFromPolar, real, imag, conj, angle } from '../complex/variable.js';

// ---------------------------------------------------------------- nnet

/** Theano's `T.nnet.softmax(x)`: exp(x - max) / sum(exp(x - max)) along the last axis (each row of a matrix); integers give floats; a TypeError for a scalar. */
export function softmax(x: TensorLike): TensorVariable {
  return apply1(SOFTMAX, [asTensor(x, 'softmax')]);
}

/**
 * Theano's `categorical_crossentropy(coding_dist, true_dist)`, one value
 * per row: `-log(p[k, y[k]])` for integer labels y (a vector), or
 * `-sum(t * log(p), axis=-1)` for target distributions t (a matrix). With
 * `p = softmax(z)` the optimizer computes it from z (log-softmax), so it
 * stays finite where p underflows.
 */
export function categoricalCrossentropy(codingDist: TensorLike, trueDist: TensorLike): TensorVariable {
  const p = asTensor(codingDist, 'categoricalCrossentropy: coding_dist');
  const t = asTensor(trueDist, 'categoricalCrossentropy: true_dist');
  if (p.ndim !== 2) throw new TypeError(`categoricalCrossentropy: coding_dist must be a matrix (one distribution per row), got ${p} of type ${p.type}`);
  // the log before the pick: log(softmax(z)) is what the optimizer rewrites to log-softmax
  if (t.ndim === 1 && isInt(t.dtype)) {
    // labels that are not one per row fail in get's pairing of the rows with the labels: the rows are named as this call made them
    const rows = labelForErrors(arange(shapeI(p, 0)), () => `the rows of categoricalCrossentropy's coding_dist ${nameInError(p)}`);
    // a negative label is no class (Theano's compiled op refuses it), where NumPy's indexing would read the last
    return neg(get(log(p), rows, checkedLabels(t, p, 1, 'categoricalCrossentropy')));
  }
  if (t.ndim !== 2) throw new TypeError(`categoricalCrossentropy: true_dist must be an integer vector of labels or a matrix of distributions, got ${t} of type ${t.type}`);
  // checked here, so that targets of another width or row count name both arguments rather than the product t * log(p)
  const counted = (n: number | null | undefined, axis: number) => `${n} ${axis === 1 ? 'class' : 'row'}${n === 1 ? '' : axis === 1 ? 'es' : 's'}`;
  const describe = (axis: number) => (ts: readonly (number | null)[], ps: readonly (number | null)[]) =>
    `categoricalCrossentropy: true_dist ${nameInError(t)} of shape ${shapeToString(ts)} has ${counted(ts[axis], axis)} but coding_dist ${nameInError(p)} of shape ${shapeToString(ps)} has ${ps[axis]}: ` +
    "one-hot targets or distributions take coding_dist's shape, one row of its classes per row";
  const checked = t.broadcastable.reduce((v, b, axis) => (b || p.broadcastable[axis] ? v : apply1(new MatchLength(axis, axis, describe(axis), `categoricalCrossentropy true_dist ${axis}`), [v, p])), t);
  return neg(sum(mul(checked, log(p)), { axis: -1 }));
}

/** Theano's `binary_crossentropy(output, target)`: `-(t log(o) + (1 - t) log(1 - o))`, elementwise. */
export function binaryCrossentropy(output: TensorLike, target: TensorLike): TensorVariable {
  const o = asTensor(output, 'binaryCrossentropy: output');
  const t = asTensor(target, 'binaryCrossentropy: target');
  return neg(add(mul(t, log(o)), mul(sub(1, t), log(sub(1, o)))));
}

/**
 * `T.nnet`: sigmoid, softmax, logSoftmax, softplus, relu, elu, selu,
 * softsign, hardSigmoid, ultraFastSigmoid, conv2d and conv3d (Theano's
 * `theano.tensor.nnet.conv2d`, `conv3d`), their adjoints conv2dGradWrtInputs,
 * conv2dGradWrtWeights, conv3dGradWrtInputs and conv3dGradWrtWeights (also as `abstractConv`, Theano's
 * `theano.tensor.nnet.abstract_conv`, with bilinearUpsampling), images2neibs and neibs2images (also
 * as `neighbours`, Theano's `theano.tensor.nnet.neighbours`), categoricalCrossentropy,
 * binaryCrossentropy, `bn` (batch normalisation, Theano's
 * `theano.tensor.nnet.bn`), nnet-extra.ts's softmaxWithBias, the
 * crossentropySoftmax*1hot* family, crossentropyCategorical1hot and
 * sigmoidBinaryCrossentropy, and nnet-more.ts's conv2dTranspose,
 * separableConv2d, prependScalarToEachRow (prepend0ToEachRow,
 * prepend1ToEachRow), confusionMatrix and batchNormalization (Theano's
 * older `bn.batch_normalization`), h-softmax.ts's hSoftmax (Theano's
 * `h_softmax`), and ctc.ts's ctc (Theano's `theano.tensor.nnet.ctc`, also
 * as `ctc.ctc`).
 */
export const nnet = {
  /** {@link sigmoid}, Theano's `T.nnet.sigmoid`. */ sigmoid,
  /** {@link softmax}: softmax over the last axis (Theano's `T.nnet.softmax`). */ softmax,
  /** log(softmax(x)) over the last axis, computed stably (Theano's `logsoftmax`). */ logSoftmax,
  /** {@link softplus}, Theano's `T.nnet.softplus`. */ softplus,
  /** {@link relu}: max(x, 0), or leaky with alpha (Theano's `T.nnet.relu`). */ relu,
  /** Theano's `elu(x, alpha)`: x where x > 0, else alpha (exp(x) - 1). */ elu,
  /** Theano's `selu(x)`: scale * elu(x, alpha) with the self-normalising constants. */ selu,
  /** Theano's `softsign(x)`: x / (1 + |x|). */ softsign,
  /** Theano's `hard_sigmoid(x)`: clip(0.2 x + 0.5, 0, 1). */ hardSigmoid,
  /** Theano's `ultra_fast_sigmoid(x)`: a piecewise approximation of the sigmoid. */ ultraFastSigmoid,
  /** Theano's `T.nnet.conv2d(input, filters, ...)`: 2-d convolution of (batch, channels, rows, cols) images. */ conv2d,
  /** Theano's `conv2d_grad_wrt_inputs`: the gradient of conv2d with respect to its input (a transposed convolution). */ conv2dGradWrtInputs,
  /** Theano's `conv2d_grad_wrt_weights`: the gradient of conv2d with respect to its filters. */ conv2dGradWrtWeights,
  /** Theano's `T.nnet.conv3d`: 3-d convolution of (batch, channels, depth, rows, cols) volumes. */ conv3d,
  /** Theano's `conv3d_grad_wrt_inputs`: the gradient of conv3d with respect to its input. */ conv3dGradWrtInputs,
  /** Theano's `conv3d_grad_wrt_weights`: the gradient of conv3d with respect to its filters. */ conv3dGradWrtWeights,
  /** Theano's `T.nnet.abstract_conv`: the convolutions, their gradients and bilinear upsampling. */ abstractConv: {
    /** Theano's `abstract_conv.conv2d`: the same function as `T.nnet.conv2d`. */ conv2d,
    /** Theano's `abstract_conv.conv2d_grad_wrt_inputs`: the same function as `T.nnet.conv2dGradWrtInputs`. */ conv2dGradWrtInputs,
    /** Theano's `abstract_conv.conv2d_grad_wrt_weights`: the same function as `T.nnet.conv2dGradWrtWeights`. */ conv2dGradWrtWeights,
    /** Theano's `abstract_conv.conv3d`: the same function as `T.nnet.conv3d`. */ conv3d,
    /** Theano's `abstract_conv.conv3d_grad_wrt_inputs`: the same function as `T.nnet.conv3dGradWrtInputs`. */ conv3dGradWrtInputs,
    /** Theano's `abstract_conv.conv3d_grad_wrt_weights`: the same function as `T.nnet.conv3dGradWrtWeights`. */ conv3dGradWrtWeights,
    /** Theano's `bilinear_upsampling(input, ratio)`: images upsampled by bilinear interpolation. */ bilinearUpsampling,
  },
  /** Theano's `images2neibs(ten4, neibShape, neibStep, mode)`: image windows as the rows of a matrix. */ images2neibs,
  /** Theano's `neibs2images(neibs, neibShape, originalShape, mode)`: the inverse of images2neibs. */ neibs2images,
  /** Theano's `T.nnet.neighbours` module. */ neighbours: {
    /** Theano's `neighbours.images2neibs`: the same function as `T.nnet.images2neibs`. */ images2neibs,
    /** Theano's `neighbours.neibs2images`: the same function as `T.nnet.neibs2images`. */ neibs2images,
  },
  /** Theano's `categorical_crossentropy(p, t)`: -sum(t log p) over the last axis, or -log p[t] for integer targets. */ categoricalCrossentropy,
  /** Theano's `binary_crossentropy(output, target)`: -(t log o + (1 - t) log(1 - o)) elementwise. */ binaryCrossentropy,
  /** Theano's `T.nnet.bn`: batch normalization (`batchNormalizationTrain`, `batchNormalizationTest`). */ bn,
  // nnet-extra.ts's functions, in the order a spread of its module namespace gave them (sorted by name), written
  // out so that each carries its own line in the API reference
  /** Theano's `crossentropy_categorical_1hot(coding_dist, true_one_of_n)`: -log(coding_dist[i, true_one_of_n[i]]) per row, for integer labels. */
  crossentropyCategorical1hot: nnetExtra.crossentropyCategorical1hot,
  /** Theano's `crossentropy_softmax_1hot(x, y_idx)`: [nll, softmax(x)], nll[i] = -log(softmax(x)[i, y_idx[i]]) from the stable log-softmax. */
  crossentropySoftmax1hot: nnetExtra.crossentropySoftmax1hot,
  /** Theano's `crossentropy_softmax_1hot_with_bias(x, b, y_idx)`: [nll, softmax(x + b)] for a matrix x and a vector b. */
  crossentropySoftmax1hotWithBias: nnetExtra.crossentropySoftmax1hotWithBias,
  /** Theano's `crossentropy_softmax_argmax_1hot_with_bias(x, b, y_idx)`: [nll, softmax(x + b), argmax(x + b, axis=1)]. */
  crossentropySoftmaxArgmax1hotWithBias: nnetExtra.crossentropySoftmaxArgmax1hotWithBias,
  /** Theano's `crossentropy_softmax_max_and_argmax_1hot(x, y_idx)`: [nll, sm, max, am], sm = softmax(x), max each row's largest probability and am its column. */
  crossentropySoftmaxMaxAndArgmax1hot: nnetExtra.crossentropySoftmaxMaxAndArgmax1hot,
  /** Theano's `crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b, y_idx)`: as crossentropySoftmaxMaxAndArgmax1hot, of x + b. */
  crossentropySoftmaxMaxAndArgmax1hotWithBias: nnetExtra.crossentropySoftmaxMaxAndArgmax1hotWithBias,
  /** Theano's `sigmoid_binary_crossentropy(output, target)`: binary_crossentropy(sigmoid(output), target) of logits, computed without overflow; elementwise. */
  sigmoidBinaryCrossentropy: nnetExtra.sigmoidBinaryCrossentropy,
  /** Theano's `softmax_with_bias(x, b)`: softmax(x + b) of a matrix x and a vector b of one bias per column. */
  softmaxWithBias: nnetExtra.softmaxWithBias,
  /** Theano's `conv2d_transpose`: the transposed 2-d convolution (conv2dGradWrtInputs by another name). */ conv2dTranspose,
  /** Theano's `separable_conv2d`: a depthwise conv2d, then a pointwise 1 x 1 conv2d mixing the channels. */ separableConv2d,
  /** Theano's `prepend_scalar_to_each_row(val, mat)`: a first column of val. */ prependScalarToEachRow,
  /** Theano's `prepend_0_to_each_row(mat)`: a first column of zeros. */ prepend0ToEachRow,
  /** Theano's `prepend_1_to_each_row(mat)`: a first column of ones. */ prepend1ToEachRow,
  /** Theano's `confusion_matrix(actual, pred)`: [int64 counts, the sorted labels]. */ confusionMatrix,
  /** Theano's older `batch_normalization(inputs, gamma, beta, mean, std)`: (x - mean) * (gamma / std) + beta. */ batchNormalization,
  /** Theano's `h_softmax`: the two-level hierarchical softmax. */ hSoftmax,
  /** Theano's connectionist temporal classification loss, callable as `T.nnet.ctc(...)` and `T.nnet.ctc.ctc(...)`. */ ctc: ctcModule,
} as const;
export type { Conv2dTransposeOptions, SeparableConv2dOptions } from '../nnet/nnet-more.js';
export type { BatchNormAxes, BatchNormTestOptions, BatchNormTrainOptions } from '../nnet/bn.js';

// ---------------------------------------------------------------- linear algebra

export { tril, triu } from '../linalg/linalg.js';
export { nlinalg, slinalg } from '../linalg/linalg-more.js';
export type { CholeskyOptions, SolveOptions, SVDOptions } from '../linalg/linalg.js';
export type { NormOrder } from '../linalg/linalg-norms.js';

// ---------------------------------------------------------------- signal

/** `T.signal.pool.pool2d`, `pool3d` and `maxPool2dSameSize`: Theano's `theano.tensor.signal.pool.pool_2d`, `pool_3d` and `max_pool_2d_same_size`. */
export const signal = {
  /** Theano's `signal.pool` module. */ pool: {
    /** Theano's `pool_2d`, as `pool2d(input, { ws, ignoreBorder, stride, pad, mode })`: pooling over the last two axes. */ pool2d,
    /** Theano's `pool_3d`: pooling over the last three axes. */ pool3d,
    /** Theano's `max_pool_2d_same_size(input, patchSize)`: each window's maximum kept in place, the rest zeros. */ maxPool2dSameSize,
  },
} as const;
