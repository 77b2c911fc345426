/**
 * More of Theano's `T.nnet` (nnet.py and sigm.py): softmaxWithBias, the
 * crossentropy_softmax_*_1hot family, crossentropyCategorical1hot and
 * sigmoidBinaryCrossentropy. Theano has fused ops for these; here they are
 * compositions of softmax, logSoftmax (stable), argmax and paired
 * indexing, so the negative log-likelihoods stay finite where the softmax
 * underflows and `grad` differentiates them. `tensor.ts` adds them to
 * `T.nnet`.
 */
import { isInt } from '../core/dtype.js';
import { asTensor, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import { logSoftmax } from './activations.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

/** x + b for a matrix x and a vector b of one entry per column, checked. */
function biased(what: string, x: TensorLike, b: TensorLike | null): TensorVariable {
  const v = asTensor(x, `${what}: x`);
  if (v.ndim !== 2) throw new TypeError(`${what}: x must be a matrix (one row of scores per example), got ${v} of type ${v.type}`);
  if (b === null) return v;
  const c = asTensor(b, `${what}: b`);
  if (c.ndim !== 1) throw new TypeError(`${what}: b must be a vector (one bias per column of x), got ${c} of type ${c.type}`);
  return T.add(v, c);
}

function labels(what: string, y: TensorLike): TensorVariable {
  const v = asTensor(y, `${what}: y_idx`);
  if (v.ndim !== 1 || !isInt(v.dtype)) throw new TypeError(`${what}: y_idx must be an integer vector (one class per row), got ${v} of type ${v.type}`);
  return v;
}

/** -log(softmax(z)[i, y[i]]) for each row i, from the stable log-softmax. */
function nllOf(z: TensorVariable, y: TensorVariable): TensorVariable {
  return T.neg(T.get(logSoftmax(z), T.arange(T.shapeI(z, 0)), y));
}

/** Theano's `softmax_with_bias(x, b)`: `softmax(x + b)` of a matrix x and a vector b. */
export function softmaxWithBias(x: TensorLike, b: TensorLike): TensorVariable {
  return T.softmax(biased('softmaxWithBias', x, b));
}

/**
 * Theano's `crossentropy_softmax_argmax_1hot_with_bias(x, b, y_idx)`:
 * `[nll, sm, am]`, with `sm = softmax(x + b)`, `nll[i] = -log(sm[i,
 * y_idx[i]])` (from the log-softmax, so finite where sm underflows) and
 * `am = argmax(x + b, axis=1)`.
 */
export function crossentropySoftmaxArgmax1hotWithBias(x: TensorLike, b: TensorLike, yIdx: TensorLike): [TensorVariable, TensorVariable, TensorVariable] {
  const z = biased('crossentropySoftmaxArgmax1hotWithBias', x, b);
  return [nllOf(z, labels('crossentropySoftmaxArgmax1hotWithBias', yIdx)), T.softmax(z), T.argmax(z, 1)];
}

/** Theano's `crossentropy_softmax_1hot_with_bias(x, b, y_idx)`: `[nll, softmax(x + b)]`. */
export function crossentropySoftmax1hotWithBias(x: TensorLike, b: TensorLike, yIdx: TensorLike): [TensorVariable, TensorVariable] {
  const z = biased('crossentropySoftmax1hotWithBias', x, b);
  return [nllOf(z, labels('crossentropySoftmax1hotWithBias', yIdx)), T.softmax(z)];
}

/** Theano's `crossentropy_softmax_1hot(x, y_idx)`: `[nll, softmax(x)]`, nll[i] = -log(softmax(x)[i, y_idx[i]]). */
export function crossentropySoftmax1hot(x: TensorLike, yIdx: TensorLike): [TensorVariable, TensorVariable] {
  const z = biased('crossentropySoftmax1hot', x, null);
  return [nllOf(z, labels('crossentropySoftmax1hot', yIdx)), T.softmax(z)];
}

/**
 * Theano's `crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b,
 * y_idx)`: `[nll, sm, max, am]`, max the largest probability of each row
 * of sm and am its column.
 */
export function crossentropySoftmaxMaxAndArgmax1hotWithBias(x: TensorLike, b: TensorLike, yIdx: TensorLike): [TensorVariable, TensorVariable, TensorVariable, TensorVariable] {
  const z = biased('crossentropySoftmaxMaxAndArgmax1hotWithBias', x, b);
  const sm = T.softmax(z);
  return [nllOf(z, labels('crossentropySoftmaxMaxAndArgmax1hotWithBias', yIdx)), sm, T.max(sm, 1), T.argmax(z, 1)];
}

/** Theano's `crossentropy_softmax_max_and_argmax_1hot(x, y_idx)`: as the with-bias form, without a bias. */
export function crossentropySoftmaxMaxAndArgmax1hot(x: TensorLike, yIdx: TensorLike): [TensorVariable, TensorVariable, TensorVariable, TensorVariable] {
  const z = biased('crossentropySoftmaxMaxAndArgmax1hot', x, null);
  const sm = T.softmax(z);
  return [nllOf(z, labels('crossentropySoftmaxMaxAndArgmax1hot', yIdx)), sm, T.max(sm, 1), T.argmax(z, 1)];
}

/**
 * Theano's `crossentropy_categorical_1hot(coding_dist, true_one_of_n)`:
 * `-log(coding_dist[i, true_one_of_n[i]])` for each row i (the integer
 * label form of `categoricalCrossentropy`).
 */
export function crossentropyCategorical1hot(codingDist: TensorLike, trueOneOfN: TensorLike): TensorVariable {
  const p = asTensor(codingDist, 'crossentropyCategorical1hot: coding_dist');
  if (p.ndim !== 2) throw new TypeError(`crossentropyCategorical1hot: coding_dist must be a matrix (one distribution per row), got ${p} of type ${p.type}`);
  const y = asTensor(trueOneOfN, 'crossentropyCategorical1hot: true_one_of_n');
  if (y.ndim !== 1 || !isInt(y.dtype)) throw new TypeError(`crossentropyCategorical1hot: true_one_of_n must be an integer vector (one class per row), got ${y} of type ${y.type}`);
  return T.categoricalCrossentropy(p, y);
}

/**
 * Theano's `sigmoid_binary_crossentropy(output, target)`:
 * `binary_crossentropy(sigmoid(output), target)` of the logits `output`,
 * computed as Theano's `softplus(-|output|) + output ((output > 0) -
 * target)`, finite for any logit and accurate where the loss is small (a
 * confident right prediction); elementwise, broadcasting. Its gradient is
 * Theano's, `sigmoid(output) - target` and `-output`.
 */
export function sigmoidBinaryCrossentropy(output: TensorLike, target: TensorLike): TensorVariable {
  const o = asTensor(output, 'sigmoidBinaryCrossentropy: output');
  const t = asTensor(target, 'sigmoidBinaryCrossentropy: target');
  const ot = T.mul(o, t);
  // softplus(o) - o t cancels for o > 0 and t = 1 (softplus(20) - 20 is 0 in float32, not 2.1e-9): there
  // softplus(-o) + (o - o t), whose terms do not cancel; each branch's gradient is sigmoid(o) - t and -o
  return T.switch_(T.gt(o, 0), T.add(T.softplus(T.neg(o)), T.sub(o, ot)), T.sub(T.softplus(o), ot));
}
