/**
 * Theano's `nnet.h_softmax`, the two-level hierarchical softmax, as a
 * composition: a softmax over classes, and one over the outputs of each
 * class (all of them, or only the target's class, gathered per row where
 * Theano calls sparse_block_dot). Differentiable as its parts are; a
 * target out of range is NumPy's IndexError through the checked gathers.
 */
import { apply1, asTensor, constant, type TensorLike } from '../core/op.js';
import { CheckIndex, indexName, type IndexErrorText } from '../ops/check-index.js';
import type { TensorVariable } from '../core/variable.js';
import { isInt } from '../core/dtype.js';
import { nameInError } from '../core/error-names.js';
import type { Length } from '../ops/alloc.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

function positiveInt(what: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw new TypeError(`hSoftmax: ${what} must be a positive integer, got ${String(n)}`);
  return n;
}

function rank(what: string, v: TensorVariable, ndim: number, shape: string): TensorVariable {
  if (v.ndim !== ndim) throw new TypeError(`hSoftmax: ${what} must be of shape ${shape}, got ${nameInError(v)} of type ${v.type}`);
  return v;
}

/**
 * Theano's `h_softmax(x, batch_size, n_outputs, n_classes,
 * n_outputs_per_class, W1, b1, W2, b2, target)`. x is (batch, features);
 * W1 (features, nClasses) and b1 (nClasses) give the class probabilities
 * `softmax(x W1 + b1)`; W2 (nClasses, features, nOutputsPerClass) and b2
 * (nClasses, nOutputsPerClass) the probabilities of the outputs within a
 * class. Output o is output o % nOutputsPerClass of class
 * floor(o / nOutputsPerClass), its probability the product of the two.
 * With `target` null: all nOutputs probabilities, (batch, nOutputs) (the
 * last class's outputs past nOutputs dropped, as Theano's). With an
 * integer vector `target` (batch,): each row's target's probability,
 * (batch,), computing only that class's second softmax.
 */
export function hSoftmax(
  x: TensorLike,
  batchSize: Length,
  nOutputs: number,
  nClasses: number,
  nOutputsPerClass: number,
  W1: TensorLike,
  b1: TensorLike,
  W2: TensorLike,
  b2: TensorLike,
  target: TensorLike | null = null,
): TensorVariable {
  const n = positiveInt('nOutputs', nOutputs);
  const classes = positiveInt('nClasses', nClasses);
  const per = positiveInt('nOutputsPerClass', nOutputsPerClass);
  if (classes * per < n) throw new RangeError(`hSoftmax: nClasses * nOutputsPerClass (${classes} * ${per}) must be at least nOutputs (${n})`);
  const input = rank('x', asTensor(x, 'hSoftmax: x'), 2, '(batch, features)');
  const w1 = rank('W1', asTensor(W1, 'hSoftmax: W1'), 2, '(features, nClasses)');
  const bias1 = rank('b1', asTensor(b1, 'hSoftmax: b1'), 1, '(nClasses,)');
  const w2 = rank('W2', asTensor(W2, 'hSoftmax: W2'), 3, '(nClasses, features, nOutputsPerClass)');
  const bias2 = rank('b2', asTensor(b2, 'hSoftmax: b2'), 2, '(nClasses, nOutputsPerClass)');
  const classProbs = T.nnet.softmax(T.add(T.dot(input, w1), bias1));
  if (target === null || target === undefined) {
    // (batch, nClasses, nOutputsPerClass): each class's outputs, softmax over each class's own
    const activations = T.add(T.tensordot(input, w2, [[1], [1]]), bias2);
    const within = T.reshape(T.nnet.softmax(T.reshape(activations, [-1, per])), [batchSize, classes, per]);
    const probs = T.reshape(T.mul(T.dimshuffle(classProbs, [0, 1, 'x']), within), [batchSize, classes * per]);
    return classes * per === n ? probs : probs.get(':', `:${n}`);
  }
  const t = rank('target', asTensor(target, 'hSoftmax: target'), 1, '(batch,)');
  if (!isInt(t.dtype)) throw new TypeError(`hSoftmax: target must be an integer vector, got ${nameInError(t)} of type ${t.type}`);
  // each target checked against the nOutputs outputs where its values are (a CheckIndex reads the length of a
  // broadcast zero): one past them would read a dropped output, or a class that is not there
  const describe: IndexErrorText = (value, position) => {
    const at = position.length === 0 ? indexName(t) : `${indexName(t)}[${position.join(', ')}]`;
    return `hSoftmax: target ${value} (${at}) is not one of the ${n} outputs (targets are output indices in [0, ${n}))`;
  };
  const checked = apply1(new CheckIndex(0, describe, true), [t, T.alloc(constant(0, { dtype: 'int8' }), n)]);
  const targetClass = T.intDiv(checked, per);
  const inClass = T.mod(checked, per);
  // the target class's weights for each row: (batch, features, nOutputsPerClass), then (batch, nOutputsPerClass)
  const activations = T.add(T.batchedDot(input, w2.get(targetClass)), bias2.get(targetClass));
  const within = T.nnet.softmax(activations);
  const rows = T.arange(batchSize);
  return T.mul(classProbs.get(rows, targetClass), within.get(rows, inClass));
}
