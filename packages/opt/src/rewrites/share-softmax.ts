/**
 * Specialize: a Softmax(x) beside the log-softmax of the same x reads the
 * log-softmax's row max and row sum of exps. A stable cross-entropy with
 * its gradient has both: the cost's log(softmax(x)) became
 * `z - log(sum(exp(z)))` (z = x less its row max; stabilize's
 * log_softmax), and the gradient kept `softmax(x)`, whose lowering takes a
 * second max and a second sum of exps. As `exp(z) / sum(exp(z))` it is the
 * same numbers (softmax's own lowering is `exp(x - m) / sum(exp(x - m))`,
 * and z is x - m; a row of -inf is 0 / 0 = NaN either way, as is a row with
 * +inf or NaN), and fusion gives one row max and one row sum for both
 * (Theano fuses the case into CrossentropySoftmaxArgmax1HotWithBias).
 */
import { Reduce, Softmax, T, cloneReplace, toposort, type Apply, type TensorVariable } from '@sym/graph';
import { registerRewrite } from '../registry.js';
import { dimshuffleOf, elem, isValue, reduction } from '../match.js';
import { merge } from './merge.js';

/** A reduction of x's last axis alone. */
function isLastAxis(node: Apply, x: TensorVariable): boolean {
  const axes = (node.op as Reduce).axes;
  return axes.length === 1 && axes[0] === x.ndim - 1;
}

/** `v` is x's max over its last axis, kept (`max(x, last, keepdims)`). */
function isKeptRowMax(v: TensorVariable, x: TensorVariable): boolean {
  const ds = dimshuffleOf(v);
  const max = ds ? reduction(ds.inputs[0]!, 'max') : null;
  return !!max && max.inputs[0] === x && isLastAxis(max, x) && v.ndim === x.ndim;
}

/** `z = x - switch(m == -inf, 0, m)` for m = x's kept row max (stabilize's log_softmax): x, or null. */
function shiftedSource(z: TensorVariable): TensorVariable | null {
  const d = elem(z, 'sub');
  const sw = d ? elem(d.inputs[1]!, 'switch') : null;
  if (!d || !sw) return null;
  const x = d.inputs[0]!;
  const [cond, zero, m] = sw.inputs as [TensorVariable, TensorVariable, TensorVariable];
  const eq = elem(cond, 'eq');
  if (!eq || !isValue(zero, 0) || !isKeptRowMax(m, x) || z.dtype !== x.dtype || z.ndim !== x.ndim) return null;
  return eq.inputs[0] === m && isValue(eq.inputs[1]!, -Infinity) ? x : null;
}

/** For each x, the z whose row sum of exps (`sum(exp(z), last)`) the graph takes. */
function rowSumsOfExps(nodes: readonly Apply[]): Map<TensorVariable, TensorVariable> {
  const found = new Map<TensorVariable, TensorVariable>();
  for (const n of nodes) {
    const sum = n.outputs[0] && reduction(n.outputs[0], 'sum');
    const e = sum ? elem(n.inputs[0]!, 'exp') : null;
    if (!sum || !e) continue;
    const z = e.inputs[0]!;
    const x = shiftedSource(z);
    if (x && isLastAxis(sum, x)) found.set(x, z);
  }
  return found;
}

export function shareSoftmaxWithLogSoftmax(outputs: readonly TensorVariable[]): TensorVariable[] {
  const nodes = toposort(outputs);
  const softmaxes = nodes.filter((n) => n.op instanceof Softmax);
  if (softmaxes.length === 0) return [...outputs];
  const shifted = rowSumsOfExps(nodes);
  const replace = new Map<TensorVariable, TensorVariable>();
  for (const n of softmaxes) {
    const x = n.inputs[0]!;
    const out = n.outputs[0]!;
    const z = shifted.get(x);
    if (!z || z.dtype !== out.dtype) continue;
    const last = x.ndim - 1;
    const e = T.exp(z);
    const p = T.trueDiv(e, T.sum(e, { axis: [last], keepdims: true }));
    if (p.dtype === out.dtype && p.broadcastable.every((b, d) => b === out.broadcastable[d]) && p.ndim === out.ndim) replace.set(out, p);
  }
  // the new exp and sum are the log-softmax's own: merged into them
  return replace.size === 0 ? [...outputs] : merge(cloneReplace(outputs, replace));
}

registerRewrite({ kind: 'graph', name: 'share_softmax_log_softmax', phase: 'specialize', tags: ['fast_run'], run: shareSoftmaxWithLogSoftmax });
