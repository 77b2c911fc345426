/**
 * Theano's `theano.tensor.nnet.ctc.ctc`, the connectionist temporal
 * classification loss that Theano takes from Baidu's warp-ctc library,
 * written here as a graph: a log-softmax, a gather of each label's
 * log-probabilities, and the backward (beta) recursion over the label
 * sequence with blanks interleaved, a scan over time in log space. Its
 * gradient is warp-ctc's, the forward (alpha) recursion as another scan
 * and the posteriors of alpha and beta, given to the graph as an
 * opFromGraph's gradient. Every backend that runs a scan runs both, and no
 * op or kernel is added.
 */
import { apply1, asTensor, constant, type TensorLike } from '../core/op.js';
import { isInt, type DType } from '../core/dtype.js';
import { nameInError } from '../core/error-names.js';
import { shapeToString } from '../core/ndarray.js';
import type { TensorVariable } from '../core/variable.js';
import { CheckIndex, indexName, type IndexErrorText } from '../ops/check-index.js';
import { MatchLength } from '../ops/shape.js';
// cycles (tensor.ts re-exports this file, scan imports tensor.ts): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';
import { scan } from '../control/scan.js';
import { opFromGraph } from '../control/op-from-graph.js';
import { logSoftmax } from './activations.js';

/**
 * The log of a probability 0 inside the recursion: a finite number far
 * below any real log-probability (a sum of at most millions of
 * log-softmax values), and far from float32's largest (so millions of
 * steps of adding it stay finite). With -inf, a state no alignment
 * reaches yet would take log-sum-exp through -inf - -inf (NaN), and its
 * gradient, 0 in exact arithmetic, would be 0 * NaN; with this, every
 * log-sum-exp has a finite largest term, its other terms' exp are exactly
 * 0, and nothing is guarded. A cost of -(this or less) is -log(0): +inf.
 */
const LOG_ZERO = -1e30;

function checkedInput(what: string, x: TensorLike, ndim: number, expected: string, dtypeOk: (dtype: DType) => boolean, kind: string): TensorVariable {
  const v = asTensor(x, `ctc: ${what}`);
  if (v.ndim !== ndim || !dtypeOk(v.dtype)) throw new TypeError(`ctc: ${what} must be ${kind} of shape ${expected}, got ${nameInError(v)} of type ${v.type}`);
  return v;
}

/** log(sum(exp(x))) over one axis of x (kept, of length 1), shifted by the largest term (finite here, see LOG_ZERO). */
function logSumExp(x: TensorVariable, axis: number): TensorVariable {
  const m = T.max(x, { axis, keepdims: true });
  return T.add(m, T.log(T.sum(T.exp(T.sub(x, m)), { axis, keepdims: true })));
}

/**
 * Theano's `ctc(activations, labels, input_lengths)` (module
 * `theano.tensor.nnet.ctc`, warp-ctc's CTC loss): the negative
 * log-likelihood of each example's label sequence, one value per example.
 *
 * - `activations` (time, batch, alphabet), float32 or float64: the
 *   unnormalized outputs; the softmax over the alphabet is taken here.
 *   Symbol 0 is the blank.
 * - `labels` (batch, maxLabelLength), integers: each row's labels, in
 *   [1, alphabet); negative entries are padding and are skipped wherever
 *   they are in the row (as Theano's wrapper does). A row of padding only
 *   is the empty sequence.
 * - `inputLengths` (batch,), integers in [0, time]: the time steps of each
 *   example; activations past them are not read (their gradient is 0).
 *
 * An example no alignment can produce (more labels plus repeated
 * neighbours than time steps) costs +inf, the exact -log(0), with a
 * gradient of 0 (warp-ctc's CPU code returns 0 there, which its authors
 * mark as wrong); the other examples' costs and gradients are unaffected.
 * Labels or lengths out of range are RangeErrors naming them, raised
 * before the call commits.
 */
export function ctc(activations: TensorLike, labels: TensorLike, inputLengths: TensorLike): TensorVariable {
  // float16 has no room for LOG_ZERO (Theano's op takes float32 alone)
  const acts = checkedInput('activations', activations, 3, '(time, batch, alphabet)', (d) => d === 'float32' || d === 'float64', 'a float32 or float64 tensor');
  const labs0 = checkedInput('labels', labels, 2, '(batch, maxLabelLength)', isInt, 'an integer matrix');
  const lens0 = checkedInput('inputLengths', inputLengths, 1, '(batch,)', isInt, 'an integer vector');
  const batchOf = (v: TensorVariable, what: string, axis: number) => {
    const describe = (vs: readonly (number | null)[], as: readonly (number | null)[]) =>
      `ctc: ${what} ${nameInError(v)} of shape ${shapeToString(vs)} has ${vs[axis]} examples, but activations ${nameInError(acts)} of shape ${shapeToString(as)} has ${as[1]} (axis 1 is the batch)`;
    return apply1(new MatchLength(axis, 1, describe, `ctc ${what}`), [v, acts]);
  };
  // labels in a signed type, so that l - 1 of an unsigned 0 is -1
  const labs = batchOf(labs0.dtype === 'int64' ? labs0 : T.cast(labs0, 'int32'), 'labels', 0);
  const steps = T.shapeI(acts, 0);
  const alphabet = T.shapeI(acts, 2);

  // each length checked against [0, time] (the length of a zero vector of time + 1 elements)
  const describeLength: IndexErrorText = (value, position, xShape) =>
    `ctc: input length ${value} (${indexName(lens0)}[${position.join(', ')}]) is outside [0, ${xShape[0]! - 1}]: activations have ${xShape[0]! - 1} time steps`;
  const lens = apply1(new CheckIndex(0, describeLength, true), [batchOf(lens0, 'inputLengths', 0), T.alloc(constant(0, { dtype: 'int8' }), T.add(steps, 1))]);

  // labels checked against [0, alphabet) with the blank moved to -1, so that 0 (the blank) and alphabet and above fail
  // and padding passes as 0 even when the alphabet is the blank alone (a range of alphabet - 1 would then be empty)
  const present = T.ge(labs, 0);
  const describeLabel: IndexErrorText = (value, position, xShape) =>
    `ctc: label ${Math.max(value, 0)} (${indexName(labs0)}[${position.join(', ')}]) is outside [1, ${xShape[0]}): labels index the ${xShape[0]} symbols of activations' last axis, 0 is the blank, negative entries are padding`;
  const blankMoved = T.where(present, T.where(T.eq(labs, 0), -1, labs), 0);
  const checked = apply1(new CheckIndex(0, describeLabel, true), [blankMoved, T.alloc(constant(0, { dtype: 'int8' }), alphabet)]);
  const checkedLabels = T.where(present, checked, -1);

  // one node whose gradient is the alpha recursion and warp-ctc's formula (see ctcGradient), not the autodiff of the
  // beta recursion (whose steps differentiate three windows of the state: about 15 kernels a time step, where the
  // alpha recursion takes 3); inlined before the graph is rewritten, so the rewrites see through it. The formula
  // reads the betas from a node of their own, the same op as the forward's (so the two merge into one recursion),
  // whose gradient is its graph's: a second derivative differentiates the formula through the betas, as it must.
  // (The betas were once the loss node's second output, and the override dropped the gradient flowing into them.)
  const [a, l, n] = [acts, checkedLabels, lens].map((v) => T.tensor(v.dtype, v.broadcastable, v === acts ? 'activations' : v === lens ? 'inputLengths' : 'labels')) as [TensorVariable, TensorVariable, TensorVariable];
  const betasOf = opFromGraph([a, l, n], [betaRecursion(prepare(a, l, n))], { name: 'ctc_betas' });
  const loss = opFromGraph([a, l, n], [costOf(betasOf(a, l, n)[0]!)], {
    name: 'ctc',
    grad: ([x, y, z], [g]) => [ctcGradient(prepare(x!, y!, z!), betasOf(x!, y!, z!)[0]!, g!), null, null],
  });
  return loss(acts, checkedLabels, lens)[0]!;
}

/** What the recursions read, from the activations, the checked labels (padding -1) and the checked lengths. */
interface Prepared {
  readonly acts: TensorVariable;
  /** (time, batch): whether t is within the example's length. */
  readonly active: TensorVariable;
  /** (time, batch, alphabet): the log-softmax over the alphabet (of 0 past an example's length). */
  readonly logProbs: TensorVariable;
  /** (batch, S, alphabet): the symbol at each position of the extended sequence, one-hot. */
  readonly oneHot: TensorVariable;
  /** (time, batch, S): each position's symbol's log-probability. */
  readonly emitted: TensorVariable;
  /** (batch, S): whether the skip from s over the blank at s + 1 to s + 2 is allowed. */
  readonly skips: TensorVariable;
  /** (batch, S): 0 at the last blank (position 2 L), LOG_ZERO elsewhere. */
  readonly atEnd: TensorVariable;
  readonly batch: TensorVariable;
  readonly width: TensorVariable;
}

function prepare(acts: TensorVariable, labels: TensorVariable, lens: TensorVariable): Prepared {
  const present = T.ge(labels, 0);
  // the labels of each row moved to its front, in order (Theano's wrapper skips padding wherever it is): label k goes
  // to place cumsum(present)[k] - 1; the rest of the row is 0
  const width = T.shapeI(labels, 1);
  const place = T.sub(T.cumsum(T.cast(present, 'int32'), 1), 1);
  const goesTo = T.and(T.dimshuffle(present, [0, 1, 'x']), T.eq(T.dimshuffle(place, [0, 1, 'x']), T.dimshuffle(T.arange(width), ['x', 'x', 0])));
  const packed = T.sum(T.where(goesTo, T.dimshuffle(labels, [0, 1, 'x']), 0), { axis: 1 });
  const labelLengths = T.sum(T.cast(present, 'int32'), { axis: 1 });

  // the extended sequences, (batch, S), S = 2 width + 1: blanks around and between the labels, and for each position
  // whether the skip over the next blank is allowed (only between differing labels). The skips are booleans: the
  // loops read nothing of a float type but their states and rows. They are joined, not computed elementwise: a
  // kernel of their own, read by each step (an elementwise expression would be recomputed inside every step's
  // kernel and keep the step's maximum from fusing into the rest of the step).
  const batch = T.shapeI(acts, 1);
  const interleave = (blank: TensorVariable, label: TensorVariable): TensorVariable =>
    T.concatenate([T.reshape(T.stack([blank.get(':', ':-1'), label], 2), [batch, T.mul(width, 2)]), blank.get(':', '-1:')], 1);
  const symbols = interleave(T.zeros([batch, T.add(width, 1)], packed.dtype), packed);
  const following = T.concatenate([packed, T.zeros([batch, 1], packed.dtype)], 1).get(':', '1:');
  const skips = interleave(T.zeros([batch, T.add(width, 1)], 'bool'), T.neq(packed, following));

  // time steps past an example's length are not read: their activations are replaced by 0 before the softmax, so
  // that whatever is there (even NaN) moves nothing
  const active = T.lt(T.dimshuffle(T.arange(T.shapeI(acts, 0)), [0, 'x']), T.dimshuffle(lens, ['x', 0]));
  const logProbs = logSoftmax(T.where(T.dimshuffle(active, [0, 1, 'x']), acts, 0));
  // a one-hot product picks each position's symbol's log-probability (a gather any backend runs)
  const oneHot = T.cast(T.eq(T.dimshuffle(symbols, [0, 1, 'x']), T.dimshuffle(T.arange(T.shapeI(acts, 2)), ['x', 'x', 0])), acts.dtype);
  const emitted = T.dimshuffle(T.batchedDot(T.dimshuffle(logProbs, [1, 0, 2]), T.dimshuffle(oneHot, [0, 2, 1])), [1, 0, 2]);
  const placeOfEnd = T.dimshuffle(T.mul(labelLengths, 2), [0, 'x']);
  const atEnd = T.where(T.eq(T.dimshuffle(T.arange(T.add(T.mul(width, 2), 1)), ['x', 0]), placeOfEnd), zeroOf(acts), noneOf(acts));
  return { acts, active, logProbs, oneHot, emitted, skips, atEnd, batch, width };
}

const zeroOf = (x: TensorVariable) => constant(0, { dtype: x.dtype });
const noneOf = (x: TensorVariable) => constant(LOG_ZERO, { dtype: x.dtype });

/**
 * One step of either recursion over a state (batch, 2 + S) or (batch, S + 2) whose two pads are LOG_ZERO:
 * log-sum-exp of the state at s (`stay`), at the neighbour (`next`) and, where `skip`, two away (`far`), plus the
 * row's log-probabilities.
 */
function logStep(stay: TensorVariable, next: TensorVariable, far: TensorVariable, skip: TensorVariable, row: TensorVariable): TensorVariable {
  const terms = [stay, next, T.where(skip, far, noneOf(row))];
  // the shift's gradient is exactly 0 (log-sum-exp does not depend on it): floor says so to a gradient taken through
  // it (sym's graph has no zero_grad of its own)
  const m = T.floor(T.maximum(T.maximum(terms[0]!, terms[1]!), terms[2]!));
  return T.add(T.add(m, T.log(terms.map((x) => T.exp(T.sub(x, m))).reduce((x, y) => T.add(x, y)))), row);
}

/**
 * The backward (beta) recursion, from the last time step to the first: beta_t(s) is the log-probability of the
 * input from t on, given position s at t. All of it starts at a virtual end just past the last blank (position
 * 2 L), whose moves into 2 L and 2 L - 1 give the last step's beta. Walking backwards, the steps past an example's
 * length come first: there the row emits 0 (log 1) at 2 L and LOG_ZERO elsewhere, which keeps that start as it is
 * (2 L keeps log 1, 2 L - 1 and the rest get LOG_ZERO), so the loop needs no flag of its own. One more step of that
 * kind after the last (the loop's first) makes the loop one step longer than the time, so that with no time steps
 * at all (where a scan's last state would be no state) it still has one. Returns every step's state (batch, S + 2),
 * beta at time t at index time - t.
 */
function betaRecursion(p: Prepared): TensorVariable {
  const rows = T.concatenate([T.where(T.dimshuffle(p.active, [0, 1, 'x']), p.emitted, p.atEnd), T.dimshuffle(p.atEnd, ['x', 0, 1])], 0);
  // two LOG_ZERO entries after the S positions, so that the moves from s + 1 and s + 2 are windows
  const initial = T.concatenate([p.atEnd, T.alloc(noneOf(p.acts), p.batch, 2)], 1);
  const step = (row: TensorVariable, later: TensorVariable, skip: TensorVariable): TensorVariable =>
    T.concatenate([logStep(later.get(':', ':-2'), later.get(':', '1:-1'), later.get(':', '2:'), skip, row), later.get(':', '-2:')], 1);
  return scan(step, { sequences: [rows], outputsInfo: [initial], nonSequences: [p.skips], goBackwards: true, name: 'ctc_beta' })[0];
}

/** Each example's log-likelihood, (batch, 1): every alignment starts at the first blank or the first label (for an empty sequence, position 1 is past its end: LOG_ZERO or less, since the moves go to lower positions only). */
const logLikelihoodOf = (betas: TensorVariable): TensorVariable => logSumExp(betas.get(-1).get(':', ':2'), 1);

/** A log-likelihood at LOG_ZERO or below is that of no alignment: +inf. */
function costOf(betas: TensorVariable): TensorVariable {
  const ll = T.dimshuffle(logLikelihoodOf(betas), [0]);
  return T.where(T.gt(ll, LOG_ZERO / 2), T.sub(0, ll), Infinity);
}

/**
 * warp-ctc's gradient with respect to the activations: softmax(a)[t, k] minus the posterior of symbol k at t,
 * the sum over positions s holding k of exp(alpha_t(s) + beta_t(s) - log y_t(k) - log p) (alpha and beta both
 * count the emission at t), times the cost's own gradient; 0 past an example's length and for an example no alignment
 * fits. The forward (alpha) recursion walks the time as the beta one walks it back, from a virtual start just
 * before position 0, its pads before the S positions.
 */
function ctcGradient(p: Prepared, betas: TensorVariable, gCost: TensorVariable): TensorVariable {
  const into = T.concatenate([T.zeros([p.batch, 2], 'bool'), p.skips], 1).get(':', ':-2');
  const start = T.concatenate([T.alloc(noneOf(p.acts), p.batch, 2), T.add(T.where(T.eq(T.dimshuffle(T.arange(T.add(T.mul(p.width, 2), 1)), ['x', 0]), 0), zeroOf(p.acts), noneOf(p.acts)), T.zeros([p.batch, 1], p.acts.dtype))], 1);
  const step = (row: TensorVariable, prior: TensorVariable, skip: TensorVariable): TensorVariable =>
    T.concatenate([prior.get(':', ':2'), logStep(prior.get(':', '2:'), prior.get(':', '1:-1'), prior.get(':', ':-2'), skip, row)], 1);
  const [alphas] = scan(step, { sequences: [p.emitted], outputsInfo: [start], nonSequences: [into], name: 'ctc_alpha' });
  const possible = T.gt(logLikelihoodOf(betas), LOG_ZERO / 2);
  // beta at each time step (the loop's steps after its first, reversed), and each position's posterior. The
  // alignments through the positions at any one t are all of them: normalized over the positions at each t rather
  // than by the likelihood, the rounding alpha and beta gathered over hundreds of steps, common to the positions,
  // cancels (in float32, relative errors near 1e-4 in the gradient of a 400-step sequence)
  const betaAt = betas.get('1:').get('::-1', ':', ':-2');
  const joint = T.sub(T.add(alphas.get(':', ':', '2:'), betaAt), p.emitted);
  const posterior = T.exp(T.sub(joint, logSumExp(joint, 2)));
  const perSymbol = T.dimshuffle(T.batchedDot(T.dimshuffle(posterior, [1, 0, 2]), p.oneHot), [1, 0, 2]);
  const taken = T.and(T.dimshuffle(p.active, [0, 1, 'x']), T.dimshuffle(possible, ['x', 0, 1]));
  return T.where(taken, T.mul(T.dimshuffle(gCost, ['x', 0, 'x']), T.sub(T.exp(p.logProbs), perSymbol)), 0);
}

/**
 * `T.nnet.ctc`: the loss, callable as Theano's module is named
 * (`T.nnet.ctc(...)`) and as its function (`T.nnet.ctc.ctc(...)`, Theano's
 * `theano.tensor.nnet.ctc.ctc`); `ctcAvailable()` is always true here
 * (Theano's says whether warp-ctc was found).
 */
export const ctcModule: typeof ctc & {
  /** Theano's `theano.tensor.nnet.ctc.ctc(activations, labels, input_lengths)`: the CTC loss, one negative log-likelihood per example, the same function as calling `T.nnet.ctc` itself. */
  readonly ctc: typeof ctc;
  /** Theano's `ctc_available()`: always true here, where Theano's says whether the warp-ctc library was found. */
  readonly ctcAvailable: () => boolean;
} = Object.assign(
  (activations: TensorLike, labels: TensorLike, inputLengths: TensorLike) => ctc(activations, labels, inputLengths),
  { ctc, ctcAvailable: () => true },
);
