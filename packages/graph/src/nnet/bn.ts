/**
 * `T.nnet.bn`: Theano's `theano.tensor.nnet.bn` batch normalisation,
 * `batchNormalizationTrain` (normalise with the batch's statistics, and
 * move running averages of them) and `batchNormalizationTest` (normalise
 * with given statistics). Both are compositions of reductions and
 * elementwise ops, so every backend runs them and their gradients come
 * from those ops'. `tensor.ts` adds them to `T.nnet`.
 */
import { isFloat } from '../core/dtype.js';
import { asTensor, type TensorLike } from '../core/op.js';
import { checkOptionNames } from '../core/options.js';
import type { TensorVariable } from '../core/variable.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

/**
 * The axes normalised over: `'per-activation'` is `[0]` (one mean per
 * unit, over the batch), `'spatial'` is `[0, 2, 3, ...]` (one per channel,
 * over the batch and every dimension past the second), or a list of axes.
 */
export type BatchNormAxes = 'per-activation' | 'spatial' | readonly number[];

/**
 * Options of `T.nnet.bn.batchNormalizationTest` (Theano's `axes` and
 * `epsilon` arguments); unknown names are refused with a TypeError.
 */
export interface BatchNormTestOptions {
  /** Default `'per-activation'`. */
  axes?: BatchNormAxes;
  /** Added to the variance before its square root; default 1e-4 (Theano's). */
  epsilon?: number;
}

/**
 * Options of `T.nnet.bn.batchNormalizationTrain`: the test options and
 * Theano's `running_average_factor`, `running_mean` and `running_var`;
 * unknown names are refused with a TypeError.
 */
export interface BatchNormTrainOptions extends BatchNormTestOptions {
  /** How far the running averages move towards the batch's statistics per call, in [0, 1]; default 0.1. */
  runningAverageFactor?: number;
  /** The running mean so far: when given, its new value is returned after [out, mean, invstd]. */
  runningMean?: TensorLike;
  /** The running variance so far: when given, its new value is returned after the running mean's. */
  runningVar?: TensorLike;
}

const TRAIN_OPTIONS = ['axes', 'epsilon', 'runningAverageFactor', 'runningMean', 'runningVar'];

function resolveAxes(what: string, axes: BatchNormAxes | undefined, ndim: number): number[] {
  if (axes === undefined || axes === 'per-activation') return [0];
  if (axes === 'spatial') return [0, ...Array.from({ length: Math.max(0, ndim - 2) }, (_, i) => i + 2)];
  if (!Array.isArray(axes) || axes.length === 0 || axes.some((a) => !Number.isInteger(a) || a < -ndim || a >= ndim)) {
    throw new TypeError(`${what}: axes must be 'per-activation', 'spatial' or a non-empty list of axes of the ${ndim}-d inputs, got ${JSON.stringify(axes)}`);
  }
  const out = [...new Set((axes as readonly number[]).map((a) => (a < 0 ? a + ndim : a)))].sort((a, b) => a - b);
  if (out.length !== axes.length) throw new TypeError(`${what}: axes ${JSON.stringify(axes)} name an axis twice`);
  return out;
}

function checkNumber(what: string, name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !(v >= lo && v <= hi)) throw new RangeError(`${what}: ${name} must be a number in [${lo}, ${hi}], got ${String(v)}`);
  return v;
}

/**
 * Where the parameters (gamma, beta, means, variances) sit: either with
 * the inputs' dimensions, length 1 on the normalised axes (`full`), or
 * with those axes left out (`reduced`), as Theano accepts both.
 */
class Layout {
  constructor(
    readonly what: string,
    readonly x: TensorVariable,
    readonly axes: readonly number[],
    readonly full: boolean,
  ) {}

  static of(what: string, x: TensorVariable, axes: readonly number[], gamma: TensorVariable): Layout {
    if (gamma.ndim === x.ndim) return new Layout(what, x, axes, true);
    if (gamma.ndim === x.ndim - axes.length) return new Layout(what, x, axes, false);
    throw new TypeError(
      `${what}: gamma must have the ${x.ndim} dimensions of the inputs (length 1 on axes ${JSON.stringify(axes)}) or the ${x.ndim - axes.length} others, got ${gamma} of type ${gamma.type}`,
    );
  }

  /** A parameter broadcast against the inputs. */
  expand(p: TensorLike, name: string): TensorVariable {
    const v = asTensor(p, `${this.what}: ${name}`);
    const want = this.full ? this.x.ndim : this.x.ndim - this.axes.length;
    if (v.ndim !== want) throw new TypeError(`${this.what}: ${name} must have the layout of gamma (${want} dimensions), got ${v} of type ${v.type}`);
    if (this.full) return T.addbroadcast(v, ...this.axes);
    let k = 0;
    return T.dimshuffle(v, this.x.broadcastable.map((_, d) => (this.axes.includes(d) ? 'x' : k++)));
  }

  /** A statistic computed with keepdims, in the parameters' layout. */
  collapse(s: TensorVariable): TensorVariable {
    if (this.full) return s;
    return T.dimshuffle(s, s.broadcastable.flatMap((_, d) => (this.axes.includes(d) ? [] : [d])));
  }
}

function floatInputs(what: string, inputs: TensorLike): TensorVariable {
  const x = asTensor(inputs, `${what}: inputs`);
  if (!isFloat(x.dtype) || x.ndim < 1) throw new TypeError(`${what}: inputs must be a float tensor of at least one dimension, got ${x} of type ${x.type}`);
  return x;
}

/**
 * Theano's `batch_normalization_train(inputs, gamma, beta, axes, epsilon,
 * running_average_factor, running_mean, running_var)`: with `mean` and
 * `var` the batch's mean and (biased) variance over `axes`,
 * `out = (inputs - mean) * gamma * invstd + beta` where
 * `invstd = 1 / sqrt(var + epsilon)`. Returns `[out, mean, invstd]`, mean
 * and invstd in gamma's layout; with `runningMean`, also
 * `runningMean * (1 - f) + mean * f`, and with `runningVar`,
 * `runningVar * (1 - f) + var * m / (m - 1) * f` (the unbiased variance;
 * m is the number of values each statistic is taken over; with m = 1 the
 * batch's variance, 0, as Keras takes it, not NaN), f being
 * `runningAverageFactor`. gamma, beta and the running statistics have the
 * inputs' dimensions with length 1 on `axes`, or only the other dimensions.
 */
export function batchNormalizationTrain(
  inputs: TensorLike,
  gamma: TensorLike,
  beta: TensorLike,
  options: BatchNormTrainOptions & { runningMean: TensorLike; runningVar: TensorLike },
): [out: TensorVariable, mean: TensorVariable, invstd: TensorVariable, newRunningMean: TensorVariable, newRunningVar: TensorVariable];
export function batchNormalizationTrain(
  inputs: TensorLike,
  gamma: TensorLike,
  beta: TensorLike,
  options?: BatchNormTestOptions & { runningAverageFactor?: number; runningMean?: undefined; runningVar?: undefined },
): [out: TensorVariable, mean: TensorVariable, invstd: TensorVariable];
export function batchNormalizationTrain(inputs: TensorLike, gamma: TensorLike, beta: TensorLike, options?: BatchNormTrainOptions): TensorVariable[];
export function batchNormalizationTrain(inputs: TensorLike, gamma: TensorLike, beta: TensorLike, options: BatchNormTrainOptions = {}): TensorVariable[] {
  const what = 'batchNormalizationTrain';
  checkOptionNames(options, what, TRAIN_OPTIONS);
  const x = floatInputs(what, inputs);
  const axes = resolveAxes(what, options.axes, x.ndim);
  const epsilon = checkNumber(what, 'epsilon', options.epsilon ?? 1e-4, 0, Infinity);
  const factor = checkNumber(what, 'runningAverageFactor', options.runningAverageFactor ?? 0.1, 0, 1);
  const g = asTensor(gamma, `${what}: gamma`);
  const layout = Layout.of(what, x, axes, g);
  const mean = T.mean(x, { axis: axes, keepdims: true });
  const centred = T.sub(x, mean);
  const variance = T.mean(T.mul(centred, centred), { axis: axes, keepdims: true });
  const invstd = T.trueDiv(1, T.sqrt(T.add(variance, epsilon)));
  const out = T.add(T.mul(centred, T.mul(layout.expand(g, 'gamma'), invstd)), layout.expand(beta, 'beta'));
  const results = [out, layout.collapse(mean), layout.collapse(invstd)];
  const running = (prev: TensorLike, name: string, batch: TensorVariable): TensorVariable => {
    const p = layout.expand(prev, name);
    // the new value takes the running statistic's dtype: an integer one would truncate every average
    const given = asTensor(prev, name);
    if (!isFloat(given.dtype)) throw new TypeError(`${what}: ${name} must be a float tensor (the new value takes its dtype), got ${given} of type ${given.type}`);
    return layout.collapse(T.add(T.mul(p, 1 - factor), T.mul(batch, factor))).astype(given.dtype);
  };
  if (options.runningMean !== undefined) results.push(running(options.runningMean, 'runningMean', mean));
  if (options.runningVar !== undefined) {
    // m / (m - 1): the unbiased variance, from the lengths of the normalised axes, known when the function runs;
    // one value per statistic (a batch of one) has none, and takes the batch's variance (0), as Keras's moving
    // variance does, instead of 0 * inf = NaN, which would poison the running variance for good
    const m = T.cast(T.mul(...axes.map((a) => T.shapeI(x, a))), x.dtype);
    results.push(running(options.runningVar, 'runningVar', T.mul(variance, T.trueDiv(m, T.maximum(T.sub(m, 1), 1)))));
  }
  return results;
}

/**
 * Theano's `batch_normalization_test(inputs, gamma, beta, mean, var, axes,
 * epsilon)`: `(inputs - mean) * gamma / sqrt(var + epsilon) + beta` with
 * given statistics (the running averages at inference), all four in the
 * same layout, as in {@link batchNormalizationTrain}.
 */
export function batchNormalizationTest(
  inputs: TensorLike,
  gamma: TensorLike,
  beta: TensorLike,
  mean: TensorLike,
  variance: TensorLike,
  options: BatchNormTestOptions = {},
): TensorVariable {
  const what = 'batchNormalizationTest';
  checkOptionNames(options, what, ['axes', 'epsilon']);
  const x = floatInputs(what, inputs);
  const axes = resolveAxes(what, options.axes, x.ndim);
  const epsilon = checkNumber(what, 'epsilon', options.epsilon ?? 1e-4, 0, Infinity);
  const g = asTensor(gamma, `${what}: gamma`);
  const layout = Layout.of(what, x, axes, g);
  const scale = T.trueDiv(layout.expand(g, 'gamma'), T.sqrt(T.add(layout.expand(variance, 'var'), epsilon)));
  return T.add(T.mul(T.sub(x, layout.expand(mean, 'mean')), scale), layout.expand(beta, 'beta'));
}

/** `T.nnet.bn`, as Theano's `theano.tensor.nnet.bn`. */
export const bn = {
  /** Theano's `batch_normalization_train`: normalise with the batch's mean and variance over `axes`; returns `[out, mean, invstd]`, then the new running mean and variance when given. */ batchNormalizationTrain,
  /** Theano's `batch_normalization_test`: normalise with given statistics, `(inputs - mean) * gamma / sqrt(var + epsilon) + beta`. */ batchNormalizationTest,
} as const;
