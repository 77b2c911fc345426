/**
 * Losses over outputs in the column-vector convention: an output is
 * (units, examples), or a vector of examples. The cross-entropies are
 * computed from logits in their numerically stable forms: when they are
 * given probabilities made by a sigmoid or a softmax, they reach back to
 * the logits instead of taking the log of a rounded probability.
 */
import { DimShuffle, Elemwise, MatchLength, Reshape, Softmax, T, apply1, asTensor, config, checkedLabels, isInt, labelForErrors, nameInError, shapeToString, type Apply, type Op, type TensorLike, type TensorVariable } from '@sym/graph';
import { logitsOfSoftmaxColumns } from './activations.js';
import { zeroGrad } from '@sym/grad';

/** How a loss reduces its per-example values: their mean, their sum, or none (the per-example vector). */
export type Reduction = 'mean' | 'sum' | 'none';

function reduce(x: TensorVariable, reduction: Reduction, what: string): TensorVariable {
  switch (reduction) {
    case 'mean':
      return T.mean(x);
    case 'sum':
      return T.sum(x);
    case 'none':
      return x;
    default:
      throw new TypeError(`${what}: reduction must be one of mean, sum, none; got ${JSON.stringify(reduction)}`);
  }
}

/**
 * Where `x` came from through shape-only ops (reshape, flatten, dimshuffle,
 * transpose): the first variable up that chain for which `found` gives a
 * result, with the ops that lead from it to `x`, outermost last. Those ops
 * only move elements, so they commute with elementwise functions: f(view(s))
 * is view(f(s)).
 */
function throughViews<R>(x: TensorVariable, found: (v: TensorVariable) => R | undefined): { source: R; views: Op[] } | undefined {
  const views: Op[] = [];
  for (let v: TensorVariable | undefined = x; v; ) {
    const source = found(v);
    if (source !== undefined) return { source, views: views.reverse() };
    const owner: Apply | null = v.owner;
    if (!owner || !(owner.op instanceof DimShuffle || owner.op instanceof Reshape)) return undefined;
    views.push(owner.op);
    v = owner.inputs[0];
  }
  return undefined;
}

/** Apply the same shape-only ops to another variable of the source's shape. */
function applyViews(x: TensorVariable, views: readonly Op[]): TensorVariable {
  return views.reduce((v, op) => apply1(op, [v]), x);
}

/**
 * The target, checked when the function runs to have x's length on each axis both have (neither
 * broadcastable), so that a transposed or misshapen target names the loss rather than an op inside it.
 */
function matchingTarget(what: string, x: TensorVariable, target: TensorLike, xName: string): TensorVariable {
  const t = asTensor(target, `${what}: target`);
  if (t.ndim !== x.ndim) return t;
  const describe = (axis: number) => (ts: readonly (number | null)[], xs: readonly (number | null)[]) =>
    `${what}: target ${t.toString()} of shape ${shapeToString(ts)} does not fit the ${xName} of shape ${shapeToString(xs)} (axis ${axis})`;
  return t.broadcastable.reduce((v, b, axis) => (b || x.broadcastable[axis] ? v : apply1(new MatchLength(axis, axis, describe(axis), `${what} target ${axis}`), [v, x])), t);
}

/** `sum((output - target) ** 2)`: the tutorial's cost. */
export function squaredError(output: TensorLike, target: TensorLike): TensorVariable {
  const o = asTensor(output, 'squaredError: output');
  return T.sum(T.sub(o, matchingTarget('squaredError', o, target, 'output')).pow(2));
}

/** Mean of `(output - target) ** 2` over every element. */
export function meanSquaredError(output: TensorLike, target: TensorLike): TensorVariable {
  const o = asTensor(output, 'meanSquaredError: output');
  return T.mean(T.sub(o, matchingTarget('meanSquaredError', o, target, 'output')).pow(2));
}

/**
 * Binary cross-entropy from logits z: `max(z, 0) - t * z + log1p(exp(-|z|))`.
 * It equals `-(t log sigmoid(z) + (1 - t) log(1 - sigmoid(z)))` (that is,
 * `softplus(z) - t z`) without overflow, log(0), or the cancellation of
 * `softplus(z) - z` for large z that would round a tiny loss to 0. Its
 * gradient is `sigmoid(z) - t` at every z, 0 included.
 */
export function binaryCrossentropyWithLogits(logits: TensorLike, target: TensorLike, reduction: Reduction = 'mean'): TensorVariable {
  const what = 'binaryCrossentropyWithLogits';
  return bceFromLogits(what, asTensor(logits, `${what}: logits`), target, reduction, 'logits');
}

/** {@link binaryCrossentropyWithLogits} for the loss `what`: the target checked against z, which is computed anyway (`zName` in the error). */
function bceFromLogits(what: string, z: TensorVariable, target: TensorLike, reduction: Reduction, zName: string): TensorVariable {
  const t = matchingTarget(what, z, target, zName);
  // One form per sign, `(1 - t) z + log1p(exp(-z))` for z >= 0 and `-t z + log1p(exp(z))` below, rather than
  // relu(z) and |z| in one: their derivatives at 0, relu'(0) = sgn(0) = 0, lost the 1/2 of sigmoid(0).
  // Each branch reads z only where it is taken (0 elsewhere), so the other neither overflows nor sends NaN back.
  const nonNegative = T.ge(z, 0);
  const zPos = T.switch(nonNegative, z, 0);
  const zNeg = T.switch(nonNegative, 0, z);
  // the tiny log1p term added last: (1 - t) z is exactly 0 for t = 1, and log1p(exp(-40)) survives
  const above = T.mul(T.sub(1, t), zPos).add(T.log1p(T.exp(zPos.neg())));
  const below = T.mul(t, zNeg).neg().add(T.log1p(T.exp(zNeg)));
  const loss = T.switch(nonNegative, above, below);
  return reduce(loss, reduction, what);
}

/** The logits z of `sigmoid(z)`, if `p` is one. */
function logitsOfSigmoid(p: TensorVariable): TensorVariable | undefined {
  const owner = p.owner;
  return owner && owner.op instanceof Elemwise && owner.op.scalarOp === 'sigmoid' ? owner.inputs[0] : undefined;
}

/**
 * Binary cross-entropy of probabilities p against targets t in [0, 1]:
 * `-(t log p + (1 - t) log(1 - p))`, with `0 log 0 = 0` (p = 1 for t = 1
 * gives 0, not NaN; p = 1 for t = 0 gives Infinity). When p is
 * `sigmoid(z)`, also seen through reshapes, flattens and transposes, the
 * stable logits form is used.
 */
export function binaryCrossentropy(probabilities: TensorLike, target: TensorLike, reduction: Reduction = 'mean'): TensorVariable {
  const p = asTensor(probabilities, 'binaryCrossentropy: probabilities');
  const sigmoid = throughViews(p, logitsOfSigmoid);
  // the target is checked against the logits: against p it would compute the sigmoid the loss does not need
  if (sigmoid) return bceFromLogits('binaryCrossentropy', applyViews(sigmoid.source, sigmoid.views), target, reduction, 'probabilities (as logits)');
  const t = matchingTarget('binaryCrossentropy', p, target, 'probabilities');
  // 0 log 0 = 0: a term the target gives no weight adds nothing where its probability is exactly 0 (p = 1 for t = 1, as a
  // hard sigmoid gives), rather than 0 * -inf = NaN; the switch also keeps the gradient towards p there at 0
  const logP = T.log(T.switch(T.and(T.eq(t, 0), T.eq(p, 0)), 1, p));
  const log1mP = T.log1p(T.switch(T.and(T.eq(t, 1), T.eq(p, 1)), 0, p.neg()));
  const loss = T.mul(t, logP).add(T.mul(T.sub(1, t), log1mP)).neg();
  return reduce(loss, reduction, 'binaryCrossentropy');
}

/**
 * log(softmax) over `axis`, as `z - m - log(sum(exp(z - m)))` with m the
 * maximum: no overflow. The gradient skips m (zeroGrad): the log-softmax
 * is the same function of z for any shift, so m's gradient is exactly 0,
 * and differentiating through the max took a second pass over the rows
 * (the gradient is then `dy - exp(z - m) / sum(exp(z - m)) * sum(dy)`,
 * whose exp and sum fusion shares with the forward's: a sparse
 * cross-entropy with its gradient 14 -> 12 kernels).
 */
export function logSoftmax(logits: TensorLike, axis: number): TensorVariable {
  const z = asTensor(logits, 'logSoftmax: logits');
  const shifted = z.sub(zeroGrad(T.max(z, { axis, keepdims: true })));
  return shifted.sub(T.log(T.sum(T.exp(shifted), { axis, keepdims: true })));
}

function classAxis(x: TensorVariable, what: string): number {
  if (x.ndim === 1) return 0;
  if (x.ndim === 2) return 0;
  throw new TypeError(`${what}: expected a vector or a (classes, examples) matrix, got ${x.toString()} of type ${x.type}`);
}

/**
 * Categorical cross-entropy from logits of shape (classes, examples) and
 * one-hot (or soft) targets of the same shape: `-sum_c t log softmax(z)`
 * per example, computed as a log-softmax.
 */
export function categoricalCrossentropyWithLogits(logits: TensorLike, target: TensorLike, reduction: Reduction = 'mean'): TensorVariable {
  const what = 'categoricalCrossentropyWithLogits';
  const z = asTensor(logits, `${what}: logits`);
  const axis = classAxis(z, what);
  const t = matchingTarget(what, z, target, 'logits');
  const perExample = T.sum(T.mul(t, logSoftmax(z, axis)), axis).neg();
  return reduce(perExample, reduction, what);
}

/** log(p) as a log-softmax of the logits, if `p` is a softmax: the column softmax activation, or `T.softmax` over the last axis. */
function logOfSoftmax(p: TensorVariable): TensorVariable | undefined {
  const columns = logitsOfSoftmaxColumns(p);
  if (columns) return logSoftmax(columns, 0);
  const owner = p.owner;
  return owner && owner.op instanceof Softmax ? logSoftmax(owner.inputs[0]!, p.ndim - 1) : undefined;
}

/**
 * Categorical cross-entropy of class probabilities (classes, examples)
 * against targets of the same shape, with `0 log 0 = 0` (a class of
 * probability 0 and target 0 adds nothing). Probabilities made by the column
 * softmax activation or `T.softmax`, also seen through reshapes and
 * transposes, use the stable log-softmax form.
 */
export function categoricalCrossentropy(probabilities: TensorLike, target: TensorLike, reduction: Reduction = 'mean'): TensorVariable {
  const p = asTensor(probabilities, 'categoricalCrossentropy: probabilities');
  const axis = classAxis(p, 'categoricalCrossentropy');
  // a softmax normalises its classes: over the last axis, here the examples' axis, the sum below would add up each class over the examples
  if (p.ndim === 2 && p.owner?.op instanceof Softmax) {
    throw new TypeError(
      `categoricalCrossentropy: the probabilities ${p.toString()} are a softmax over axis 1, one example per row (as Dense's 'softmax' gives), but these losses take ` +
        'one example per column, (classes, examples): pass the probabilities and the targets transposed (p.T, t.T), or use T.nnet.categoricalCrossentropy, which takes rows',
    );
  }
  const what = 'categoricalCrossentropy';
  // log commutes with views: log(view(softmax(z))) is view(logSoftmax(z)), whichever axis the softmax normalised.
  const columns = logitsOfSoftmaxColumns(p);
  const softmax = columns ? { source: logSoftmax(columns, 0), views: [] } : throughViews(p, logOfSoftmax);
  // the target is checked against what the loss computes anyway: the log-softmax, or p itself
  const logSoftmaxP = softmax ? applyViews(softmax.source, softmax.views) : null;
  const t = matchingTarget(what, logSoftmaxP ?? p, target, 'probabilities');
  // 0 log 0 = 0, as in binaryCrossentropy: a class of probability exactly 0 that the target gives no weight adds nothing, not NaN
  const logP = logSoftmaxP ?? T.log(T.switch(T.and(T.eq(t, 0), T.eq(p, 0)), 1, p));
  const perExample = T.sum(T.mul(t, logP), axis).neg();
  return reduce(perExample, reduction, what);
}

/**
 * Categorical cross-entropy of logits with the classes on the LAST axis,
 * one example per row as `Dense` gives them, against integer class
 * indices: Keras's `sparse_categorical_crossentropy(from_logits=True)`,
 * PyTorch's `cross_entropy`, Lasagne's `categorical_crossentropy` with
 * integer targets. Logits `(batch, classes)` take labels `(batch,)`; a
 * language model's `(batch, steps, vocab)` take `(batch, steps)`. Each
 * position's loss is `-log softmax(z)[label]`, computed as a log-softmax
 * (extreme logits give exact finite losses); `reduction: 'none'` keeps
 * the labels' shape, 'mean' (the default) averages over every position.
 * Labels are classes, in [0, classes): one given to the function outside
 * (a padding -1 too, which NumPy's indexing would read as the last class)
 * is an error naming the loss and the label, before the call runs, as
 * Keras and PyTorch refuse it; mark padding with a mask (`reduction:
 * 'none'`, then weight), not a label of -1.
 */
export function sparseCategoricalCrossentropyWithLogits(logits: TensorLike, labels: TensorLike, reduction: Reduction = 'mean'): TensorVariable {
  const what = 'sparseCategoricalCrossentropyWithLogits';
  const z = asTensor(logits, `${what}: logits`);
  const y = asTensor(labels, `${what}: labels`);
  if (z.ndim < 1) throw new TypeError(`${what}: logits must have a classes axis (the last), got ${z.toString()} of type ${z.type}`);
  if (!isInt(y.dtype)) {
    throw new TypeError(`${what}: labels must be integer class indices, got ${y.toString()} of type ${y.type}; for one-hot or soft targets, use categoricalCrossentropyWithLogits`);
  }
  if (y.ndim !== z.ndim - 1) {
    throw new TypeError(`${what}: labels must have one axis less than the logits (one class index per row of classes): logits of type ${z.type} take ${z.ndim - 1}-d labels, got ${y.toString()} of type ${y.type}`);
  }
  // each leading axis the logits' length, checked when the function runs, naming the loss rather than a reshape
  const checked = y.broadcastable.reduce(
    (v, b, axis) =>
      b || z.broadcastable[axis]
        ? v
        : apply1(new MatchLength(axis, axis, (ys, zs) => `${what}: labels ${y.toString()} of shape ${shapeToString(ys)} do not fit the logits of shape ${shapeToString(zs)} (axis ${axis})`, `${what} labels ${axis}`), [v, z]),
    y,
  );
  const rows = z.ndim === 2 ? z : z.reshape([-1, z.shape[z.ndim - 1]!]);
  // an out-of-range label's IndexError names the log-softmax, not the subtraction it is built of
  const logP = labelForErrors(logSoftmax(rows, 1), () => `logSoftmax(${nameInError(z)})`);
  const flatLabels = checked.ndim === 1 ? checked : labelForErrors(checked.flatten(), () => `${nameInError(y)}.flatten()`);
  // a negative label (a padding -1) is no class, as Keras refuses it; NumPy's indexing would read the last class
  const flat = checkedLabels(flatLabels, logP, 1, what);
  // each row's entry at its label: an advanced index, whose gradient scatters into those entries only
  const perRow = logP.get(T.arange(0, T.shapeI(logP, 0), 1, { dtype: 'int32' }), flat).neg();
  if (reduction === 'none') return checked.ndim === 1 ? perRow : perRow.reshape(checked.shape);
  return reduce(perRow, reduction, what);
}

/**
 * Whether each example's highest-scoring class is its label, in
 * `config.floatX` (1 or 0): Lasagne's `categorical_accuracy`, Keras's
 * `sparse_categorical_accuracy` and `categorical_accuracy`. Predictions
 * (logits or probabilities: the same argmax) have the classes on the last
 * axis, as `Dense` gives them; labels are integer class indices of the
 * other axes, or one-hot (or soft) targets of the predictions' shape,
 * whose argmax is the label. The first of tied classes wins, as argmax's.
 * 'mean' (the default) is the fraction right; 'none' keeps one per example.
 */
export function categoricalAccuracy(predictions: TensorLike, labels: TensorLike, reduction: Reduction = 'mean'): TensorVariable {
  const what = 'categoricalAccuracy';
  const z = asTensor(predictions, `${what}: predictions`);
  const y = asTensor(labels, `${what}: labels`);
  if (z.ndim < 1) throw new TypeError(`${what}: predictions must have a classes axis (the last), got ${z.toString()} of type ${z.type}`);
  const axis = z.ndim - 1;
  let index: TensorVariable;
  if (y.ndim === z.ndim) index = T.argmax(matchingTarget(what, z, y, 'predictions'), { axis });
  else if (y.ndim === z.ndim - 1 && isInt(y.dtype)) index = y;
  else {
    throw new TypeError(
      `${what}: labels must be integer class indices with one axis less than the predictions, or targets of the predictions' shape; predictions of type ${z.type}, got ${y.toString()} of type ${y.type}`,
    );
  }
  const checked = index.broadcastable.reduce(
    (v, b, a) =>
      b || z.broadcastable[a]
        ? v
        : apply1(new MatchLength(a, a, (ys, zs) => `${what}: labels ${y.toString()} of shape ${shapeToString(ys)} do not fit the predictions of shape ${shapeToString(zs)} (axis ${a})`, `${what} labels ${a}`), [v, z]),
    index,
  );
  const right = T.cast(T.eq(T.argmax(z, { axis }), checked), config.floatX);
  return reduce(right, reduction, what);
}
