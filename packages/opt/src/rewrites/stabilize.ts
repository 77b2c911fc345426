/**
 * Stabilize: forms that stay finite where the naive expression overflows
 * or underflows (log(sigmoid(-1000)) is -1000, not -inf).
 */
import { AdvancedSubtensor1, DimShuffle, Reduce, Softmax, T, apply1, type TensorVariable } from '@sym/graph';
import { registerRewrite, type NodeRewriter } from '../registry.js';
import { buildProduct, dimshuffleOf, elem, hasDivisorWhere, isFloatVar, isNeutral, isValue, negate, productTerms, reduction, scalarOpOf } from '../match.js';
import { gatheredSoftmax, logGatheredSoftmaxGrad, logGatheredSoftmaxSplit } from './stabilize-gather.js';
import { distributeCancelling } from './canonicalize.js';

/** The argument of `v = sigmoid(x)`, in `v`'s dtype. */
function sigmoidArg(v: TensorVariable): TensorVariable | null {
  const s = elem(v, 'sigmoid');
  return s ? T.cast(s.inputs[0]!, v.dtype) : null;
}

/** The argument of `v = exp(x)` (float x only). */
function expArg(v: TensorVariable): TensorVariable | null {
  const e = elem(v, 'exp');
  return e && isFloatVar(e.inputs[0]!) ? e.inputs[0]! : null;
}

/** `v = 1 + y` or `y + 1`: y. */
function onePlus(v: TensorVariable): TensorVariable | null {
  const a = elem(v, 'add');
  if (!a) return null;
  if (isNeutral(a.inputs[0]!, 1, a.inputs[1]!)) return a.inputs[1]!;
  if (isNeutral(a.inputs[1]!, 1, a.inputs[0]!)) return a.inputs[0]!;
  return null;
}

/** log(sigmoid(x)) -> -softplus(-x). */
export const logSigmoid: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'log') return null;
  const x = sigmoidArg(node.inputs[0]!);
  return x ? T.neg(T.softplus(negate(x))) : null;
};

/** log(1 - sigmoid(x)) and log1p(-sigmoid(x)) -> -softplus(x). */
export const log1mSigmoid: NodeRewriter = (node) => {
  const op = scalarOpOf(node);
  let s: TensorVariable | null = null;
  if (op === 'log') {
    const d = elem(node.inputs[0]!, 'sub');
    if (d && isNeutral(d.inputs[0]!, 1, d.inputs[1]!)) s = d.inputs[1]!;
  } else if (op === 'log1p') {
    const n = elem(node.inputs[0]!, 'neg');
    if (n) s = n.inputs[0]!;
  }
  const x = s ? sigmoidArg(s) : null;
  return x ? T.neg(T.softplus(x)) : null;
};

/** 1 - sigmoid(x) -> sigmoid(-x) (no cancellation for large x). */
export const oneMinusSigmoid: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'sub' || !isNeutral(node.inputs[0]!, 1, node.inputs[1]!)) return null;
  const x = sigmoidArg(node.inputs[1]!);
  return x ? T.sigmoid(T.neg(x)) : null;
};

/** log(1 + exp(x)), log(exp(x) + 1) and log1p(exp(x)) -> softplus(x). */
export const softplus: NodeRewriter = (node) => {
  const op = scalarOpOf(node);
  const inner = op === 'log' ? onePlus(node.inputs[0]!) : op === 'log1p' ? node.inputs[0]! : null;
  const x = inner ? expArg(inner) : null;
  return x ? T.softplus(x) : null;
};

/** log(1 + y) -> log1p(y) for float y. */
export const log1p: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'log') return null;
  const y = onePlus(node.inputs[0]!);
  return y && isFloatVar(y) ? T.log1p(y) : null;
};

/** exp(x) - 1 -> expm1(x). */
export const expm1: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'sub' || !isNeutral(node.inputs[1]!, 1, node.inputs[0]!)) return null;
  const x = expArg(node.inputs[0]!);
  return x ? T.expm1(x) : null;
};

/** The max of `x` where finite, else 0 (so that x - m never computes inf - inf). */
function finiteOrZero(m: TensorVariable): TensorVariable {
  return T.switch_(T.eq(T.sub(m, m), 0), m, 0);
}

/** `x` is already `y - m(y)` with m the max of y (what logSumExp produces): rewriting again would not end. */
function isShifted(x: TensorVariable): boolean {
  const d = elem(x, 'sub');
  if (!d) return false;
  const y = d.inputs[0]!;
  const seen: TensorVariable[] = [d.inputs[1]!];
  for (let i = 0; i < seen.length && i < 8; i++) {
    const n = seen[i]!.owner;
    if (!n) continue;
    if (reduction(seen[i]!, 'max') && n.inputs[0] === y) return true;
    seen.push(...n.inputs);
  }
  return false;
}

/** The pattern that puts back the reduced `axes` of an `ndim`-d tensor as broadcastable ones (keepdims'). */
function keptPattern(ndim: number, axes: readonly number[]): ('x' | number)[] {
  let k = 0;
  return Array.from({ length: ndim }, (_, d) => (axes.includes(d) ? 'x' : k++));
}

/** `v` is `dimshuffle(w, keptPattern(...))` for the reduction `w` over `axes`: keepdims' broadcastable axes put back. */
function isKeptDims(ds: DimShuffle, ndim: number, axes: readonly number[]): boolean {
  const want = keptPattern(ndim, axes);
  return ds.pattern.length === want.length && ds.pattern.every((p, d) => p === want[d]);
}

/** The stable parts of log(sum(exp(x), axes)): m = max(x, axes) (0 where not finite) and x - m with the axes kept. */
function shiftedByMax(x: TensorVariable, axes: readonly number[]): { m: TensorVariable; shifted: TensorVariable } {
  const m = finiteOrZero(T.max(x, { axis: [...axes] }));
  return { m, shifted: T.sub(x, T.dimshuffle(m, keptPattern(x.ndim, axes))) };
}

/**
 * log(sum(exp(x), axes)) -> m + log(sum(exp(x - m), axes)) with m = max(x,
 * axes); also with keepdims (the sum's axes put back by a DimShuffle before
 * the log, as Theano's local_log_sum_exp reads it).
 */
export const logSumExp: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'log') return null;
  let summed = node.inputs[0]!;
  const ds = dimshuffleOf(summed);
  if (ds) summed = ds.inputs[0]!;
  const s = reduction(summed, 'sum');
  const x = s ? expArg(s.inputs[0]!) : null;
  if (!s || !x || isShifted(x)) return null;
  const axes = [...(s.op as Reduce).axes];
  if (ds && !isKeptDims(ds.op as DimShuffle, x.ndim, axes)) return null;
  const { m, shifted } = shiftedByMax(x, axes);
  const out = T.add(T.log(T.sum(T.exp(shifted), { axis: axes })), m);
  return ds ? apply1(ds.op, [out]) : out;
};

/**
 * `exp(x) * second(exp(x), kept(dy / sum(exp(x), axes)))` (or without the
 * fill) -> `kept(dy) * exp(x - m) / kept(sum(exp(x - m), axes))`: the
 * gradient of log(sum(exp(x))), whose quotient exp(x) / sum(exp(x)) is
 * 0 / 0 where every exp underflows (log-likelihoods of -200 in float32)
 * and inf / inf where one overflows, although log_sum_exp makes the value
 * finite. The ratio is a softmax over the axes, computed shifted by the max.
 */
export const expOverSumExp: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'mul' || node.inputs.length !== 2) return null;
  const out = node.outputs[0]!;
  for (const [i, j] of [[0, 1], [1, 0]] as const) {
    const e = node.inputs[i]!;
    const x = expArg(e);
    if (!x || e.ndim !== out.ndim) continue;
    let other = node.inputs[j]!;
    const fill = elem(other, 'second');
    if (fill && fill.inputs[0] === e) other = fill.inputs[1]!;
    // kept(dy / sum), or, with keepdims, (dy / kept(sum)) under a DimShuffle that only drops and puts back broadcastable axes
    const outer = dimshuffleOf(other);
    const q = elem(outer ? outer.inputs[0]! : other, 'truediv');
    if (!q || isShifted(x)) continue;
    const [dy, divisor] = q.inputs as [TensorVariable, TensorVariable];
    const inner = dimshuffleOf(divisor);
    const s = reduction(inner ? inner.inputs[0]! : divisor, 'sum');
    if (!s || s.inputs[0] !== e || dy.dtype !== out.dtype || dy.ndim !== q.outputs[0]!.ndim || dy.broadcastable.some((b, d) => b !== q.outputs[0]!.broadcastable[d])) continue;
    const axes = [...(s.op as Reduce).axes];
    let scale: TensorVariable;
    if (inner) {
      if (!isKeptDims(inner.op as DimShuffle, e.ndim, axes) || dy.ndim !== e.ndim) continue;
      const bc = dy.broadcastable;
      if (outer && !(outer.outputs[0]!.ndim === e.ndim && (outer.op as DimShuffle).pattern.every((p, d) => p === d || (p === 'x' && bc[d])))) continue;
      scale = dy;
    } else {
      if (!outer || !isKeptDims(outer.op as DimShuffle, e.ndim, axes)) continue;
      scale = apply1(outer.op, [dy]);
    }
    const result = T.mul(scale, stableRatio(x, axes));
    if (result.dtype === out.dtype && result.ndim === out.ndim) return result;
  }
  return null;
};

/** exp(x) / kept(sum(exp(x), axes)) computed as exp(x - m) / kept(sum(exp(x - m), axes)): a softmax over the axes. */
function stableRatio(x: TensorVariable, axes: readonly number[]): TensorVariable {
  const ex = T.exp(shiftedByMax(x, axes).shifted);
  return T.trueDiv(ex, T.dimshuffle(T.sum(ex, { axis: [...axes] }), keptPattern(x.ndim, axes)));
}

/** `v = kept(sum(exp(x), axes))`, keepdims' DimShuffle of a sum of exps: the exp and the axes. */
function keptSumOfExp(v: TensorVariable): { e: TensorVariable; axes: number[] } | null {
  const ds = dimshuffleOf(v);
  const s = ds ? reduction(ds.inputs[0]!, 'sum') : null;
  const e = s?.inputs[0];
  if (!ds || !s || !e || !expArg(e)) return null;
  const axes = [...(s.op as Reduce).axes];
  return isKeptDims(ds.op as DimShuffle, e.ndim, axes) ? { e, axes } : null;
}

const hasKeptSumOfExpDivisor = hasDivisorWhere((d) => keptSumOfExp(d) !== null);

/**
 * In a product, exp(x) / kept(sum(exp(x), axes)) -> softmax(x) (over the
 * last axis; Theano's softmax_simplifier, which log_softmax then reads) or
 * the same ratio shifted by the max (over other axes): a softmax written
 * out overflows to inf / inf at logits of 1000 and underflows to 0 / 0 at
 * -200 in float32.
 */
export const expOverKeptSumExp: NodeRewriter = (node) => {
  const op = scalarOpOf(node);
  const out = node.outputs[0]!;
  if ((op !== 'mul' && op !== 'truediv') || !isFloatVar(out) || !hasKeptSumOfExpDivisor(out)) return null;
  const p = productTerms(out);
  const num = [...p.num];
  const den: TensorVariable[] = [];
  let changed = false;
  for (const d of p.den) {
    const k = keptSumOfExp(d);
    const at = k ? num.indexOf(k.e) : -1;
    const x = k ? expArg(k.e)! : null;
    const last = k !== null && x !== null && k.axes.length === 1 && k.axes[0] === x.ndim - 1;
    // a ratio already shifted by the max is stable, but over the last axis it is still a softmax, whose log log_softmax
    // reads (exp(x - max) / sum(...) is how softmax is usually written out); stableRatio's own output must not match again
    if (!k || !x || at < 0 || (!last && isShifted(x))) {
      den.push(d);
      continue;
    }
    num.splice(at, 1, last ? T.softmax(x) : stableRatio(x, k.axes));
    changed = true;
  }
  return changed ? buildProduct({ num, den, negative: p.negative }, out.dtype) : null;
};

/**
 * sum(a / kept(sum(exp(x), axes)), axes) -> sum(a, axes) / sum(exp(x), axes)
 * (Theano's local_sum_prod_div_dimshuffle, for this divisor): the divisor
 * is constant along the axes summed. The gradient of a written-out softmax
 * exp(x) / kept(sum(exp(x))) holds the left form, multiplied by exp(x); the
 * right one is what exp_over_sum_exp reads, which computes that product as
 * a softmax (exp(1000) made it inf / inf: NaN).
 */
export const sumOverKeptSumExp: NodeRewriter = (node) => {
  const op = node.op;
  const v = node.inputs[0]!;
  const out = node.outputs[0]!;
  if (!(op instanceof Reduce) || op.reducer !== 'sum' || !isFloatVar(out) || v.dtype !== out.dtype || !hasKeptSumOfExpDivisor(v)) return null;
  const axes = [...op.axes].sort((a, b) => a - b);
  const p = productTerms(v);
  // the divisor's axes are the sum's only at the sum's rank: one broadcast to more leading axes varies along the
  // sum's axis of the same number (sum(a3 / kept(sum(exp(x), 1)), 1) sums over x's rows)
  const k = p.den.findIndex((d) => {
    const kept = d.ndim === v.ndim ? keptSumOfExp(d) : null;
    return kept !== null && kept.axes.length === axes.length && [...kept.axes].sort((a, b) => a - b).every((a, i) => a === axes[i]);
  });
  if (k < 0) return null;
  const divisor = dimshuffleOf(p.den[k]!)!.inputs[0]!;
  const rest = buildProduct({ num: p.num, den: p.den.filter((_, i) => i !== k), negative: p.negative }, v.dtype);
  if (!rest || rest.ndim !== v.ndim || divisor.dtype !== out.dtype) return null;
  const result = T.trueDiv(T.sum(rest, { axis: axes }), divisor);
  return result.dtype === out.dtype && result.broadcastable.every((b, d) => b === out.broadcastable[d]) ? result : null;
};

/** log(softmax(x)) -> (x - m) - log(sum(exp(x - m))) over the last axis: finite log-probabilities for cross-entropy. */
export const logSoftmax: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'log') return null;
  const sm = node.inputs[0]!.owner;
  if (!sm || !(sm.op instanceof Softmax)) return null;
  const x = sm.inputs[0]!;
  if (!isFloatVar(x) || x.dtype !== node.outputs[0]!.dtype) return null;
  const last = x.ndim - 1;
  // only a max of -inf (a row of -inf) is taken as 0: a row with +inf or NaN is NaN, as softmax's own
  // (finiteOrZero's 0 for +inf left log-probabilities of -inf beside it)
  const m = T.max(x, { axis: [last], keepdims: true });
  const z = T.sub(x, T.switch_(T.eq(m, -Infinity), 0, m));
  return T.sub(z, T.log(T.sum(T.exp(z), { axis: [last], keepdims: true })));
};

/** `v = 1 + exp(x)` or `exp(x) + 1`: x. */
function onePlusExpArg(v: TensorVariable): TensorVariable | null {
  const y = onePlus(v);
  return y ? expArg(y) : null;
}

const hasOnePlusExpDivisor = hasDivisorWhere((d) => onePlusExpArg(d) !== null);

/**
 * In a product, exp(x) / (1 + exp(x)) -> sigmoid(x), and 1 / (1 + exp(x))
 * -> sigmoid(-x) (Theano's local_exp_over_1_plus_exp and
 * local_inv_1_plus_exp). Both overflow to
 * inf / inf where x is large; the gradients of softplus written as
 * log(1 + exp(x)) and of the logistic 1 / (1 + exp(-x)) are such products.
 */
export const expOver1PlusExp: NodeRewriter = (node) => {
  const op = scalarOpOf(node);
  const out = node.outputs[0]!;
  // it acts on divisors 1 + exp(x) only: asked first (remembered per variable), it spares reading the whole product at every node of a long one
  if ((op !== 'mul' && op !== 'truediv') || !isFloatVar(out) || !hasOnePlusExpDivisor(out)) return null;
  const p = productTerms(out);
  // Only a literal 1 / (1 + exp(x)) takes sigmoid(-x): inside a larger
  // product, an exp(x) that pairs with it may still be further up.
  const alone = p.num.every((t) => isValue(t, 1) && t.ndim === 0);
  const num = [...p.num];
  const den: TensorVariable[] = [];
  let changed = false;
  for (const d of p.den) {
    const x = onePlusExpArg(d);
    const k = x ? num.findIndex((t) => expArg(t) === x) : -1;
    if (x && k >= 0) num.splice(k, 1, T.sigmoid(x));
    else if (x && alone) num.push(T.sigmoid(negate(x)));
    else {
      den.push(d);
      continue;
    }
    changed = true;
  }
  return changed ? buildProduct({ num, den, negative: p.negative }, out.dtype) : null;
};

/**
 * `(dy / sm - r) * sm` -> `dy - r * sm` for `sm = softmax(x)`: the softmax
 * rule applied to the gradient of log(softmax(x)) (Theano's
 * local_logsoftmax_grad). `dy / sm` is inf where a probability underflows
 * to 0, and inf * 0 NaN; `r`, the rule's `sum(dy / sm * sm)`, is already
 * `sum(dy)` once mul_div_cancel ran, so the result is the finite
 * `dy - softmax(x) * sum(dy)` of cross-entropy.
 */
export const logSoftmaxGrad: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'mul') return null;
  for (const [i, j] of [[0, 1], [1, 0]] as const) {
    const sm = node.inputs[j]!;
    const d = elem(node.inputs[i]!, 'sub');
    if (!d || !(sm.owner?.op instanceof Softmax)) continue;
    const q = d.inputs[0]!;
    if (!isFloatVar(q)) continue;
    const p = productTerms(q);
    const k = p.den.indexOf(sm);
    if (k < 0) continue;
    const dy = buildProduct({ num: p.num, den: p.den.filter((_, n) => n !== k), negative: p.negative }, q.dtype);
    if (dy) return T.sub(dy, T.mul(d.inputs[1]!, sm));
  }
  return null;
};

/**
 * log(softmax(x)[rows, labels]) -> log(softmax(x))[rows, labels] (the pick
 * as `get` builds it: a gather from the flattened softmax, or of its rows),
 * so that log_softmax makes it finite: Theano's
 * local_advanced_indexing_crossentropy_onehot takes the log after the pick
 * as well as before it.
 */
export const logOfGatheredSoftmax: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'log') return null;
  const g = gatheredSoftmax(node.inputs[0]!);
  if (!g || g.softmax.dtype !== node.outputs[0]!.dtype) return null;
  const logs = T.log(g.softmax);
  return apply1(new AdvancedSubtensor1(), [g.flatten ? apply1(g.flatten.op, [logs, ...g.flatten.inputs.slice(1)]) : logs, g.index]);
};

/**
 * log(erfc(x)) -> log(erfcx(x)) - x^2 where x > 0, log1p(-erf(x)) elsewhere
 * (Theano's local_log_erfc, with SciPy's erfcx for its series): erfc
 * underflows to 0 from x = 26.6 in float64 (9.2 in float32), its log to
 * -inf, where log(erfcx(x)) - x^2 is exact.
 */
export const logErfc: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'log') return null;
  const e = elem(node.inputs[0]!, 'erfc');
  const x = e?.inputs[0];
  if (!x || !isFloatVar(x) || x.dtype !== node.outputs[0]!.dtype) return null;
  return T.switch_(T.gt(x, 0), T.sub(T.log(T.erfcx(x)), T.mul(x, x)), T.log1p(T.neg(T.erf(x))));
};

/** `v = exp(-(x * x))` (erfc's gradient rule; T.sqr is x * x): x. */
function expOfMinusSquare(v: TensorVariable): TensorVariable | null {
  const e = elem(v, 'exp');
  const n = e ? elem(e.inputs[0]!, 'neg') : null;
  const m = n ? elem(n.inputs[0]!, 'mul') : null;
  return m && m.inputs.length === 2 && m.inputs[0] === m.inputs[1] ? m.inputs[0]! : null;
}

const hasErfcDivisor = hasDivisorWhere((d) => elem(d, 'erfc') !== null);

/**
 * In a product, exp(-x^2) / erfc(x) -> 1 / erfcx(x) (Theano's
 * local_grad_log_erfc_neg): the gradient of log(erfc(x)), 0 / 0 = NaN
 * where both underflow (x past 26.6 in float64, 9.2 in float32).
 */
export const expOverErfc: NodeRewriter = (node) => {
  const op = scalarOpOf(node);
  const out = node.outputs[0]!;
  if ((op !== 'mul' && op !== 'truediv') || !isFloatVar(out) || !hasErfcDivisor(out)) return null;
  const p = productTerms(out);
  const num = [...p.num];
  let changed = false;
  const den = p.den.map((d) => {
    const x = elem(d, 'erfc')?.inputs[0];
    const k = x ? num.findIndex((t) => expOfMinusSquare(t) === x) : -1;
    if (!x || k < 0) return d;
    num.splice(k, 1);
    changed = true;
    return T.erfcx(x);
  });
  return changed ? buildProduct({ num, den, negative: p.negative }, out.dtype) : null;
};

/**
 * `(a / s + b) * s` -> `a / s * s + b * s` (mul_div_cancel then cancels
 * the first): mul_distribute_cancel where only some terms of the sum hold
 * the divisor. The gradient of a written-out softmax e / sum(e) whose e
 * feeds both the ratio and the sum sums both rules' terms before exp's
 * rule multiplies by e: with a cross-entropy, `(dy / e + c) * e`, NaN
 * where e underflows to 0. Last in the phase, after the softmax and
 * sigmoid rules, which leave these forms smaller.
 */
export const mulDistributePartialCancel: NodeRewriter = (node, ctx) => distributeCancelling(node, ctx, 'some');

const STABILIZE: [string, NodeRewriter][] = [
  ['log_sigmoid', logSigmoid],
  ['log1m_sigmoid', log1mSigmoid],
  ['softplus', softplus],
  ['log1p', log1p],
  ['expm1', expm1],
  ['log_sum_exp', logSumExp],
  ['sum_over_kept_sum_exp', sumOverKeptSumExp],
  ['exp_over_sum_exp', expOverSumExp],
  ['exp_over_kept_sum_exp', expOverKeptSumExp],
  ['log_gathered_softmax', logOfGatheredSoftmax],
  ['log_softmax', logSoftmax],
  ['exp_over_1_plus_exp', expOver1PlusExp],
  ['log_softmax_grad', logSoftmaxGrad],
  ['log_gathered_softmax_split', logGatheredSoftmaxSplit],
  ['log_gathered_softmax_grad', logGatheredSoftmaxGrad],
  ['log_erfc', logErfc],
  ['exp_over_erfc', expOverErfc],
  ['mul_distribute_partial_cancel', mulDistributePartialCancel],
];
for (const [name, rewrite] of STABILIZE) registerRewrite({ kind: 'node', name, phase: 'stabilize', tags: ['fast_run'], rewrite });
// Opt-in (include it by name): more accurate for large x, but where sigmoid(x) is also
// needed (its gradient, sigmoid(x) * (1 - sigmoid(x))) it computes a second sigmoid.
// In specialize, so that log(1 - sigmoid(x)) becomes -softplus(x) first.
registerRewrite({ kind: 'node', name: 'one_minus_sigmoid', phase: 'specialize', tags: [], rewrite: oneMinusSigmoid });
