/**
 * The gradient of log(softmax(x)[rows, labels]), the log taken after the
 * pick (`-T.log(p[T.arange(n), y])`, as common in Theano code as the
 * tutorial's log-then-pick). `grad` gives the pick's scatter of
 * `dy / softmax(x)[rows, labels]`, then softmax's rule multiplies it by the
 * softmax: where a probability picked underflows to 0 that is inf * 0 =
 * NaN. At every position the scatter writes, `dy / p * p` is `dy`, and
 * elsewhere it is 0, so the product is the scatter of dy alone (Theano's
 * local_advanced_indexing_crossentropy_onehot_grad, second case).
 */
import { AdvancedIncSubtensor1, AdvancedSubtensor1, Reshape, ReshapeTo, Softmax, T, apply1, type Apply, type TensorVariable } from '@sym/graph';
import type { NodeRewriter } from '../registry.js';
import { elem, isValue, scalarOpOf } from '../match.js';

/**
 * A pick from a softmax: `AdvancedSubtensor1(flatten(softmax(x)), i)`
 * (`get(rows, cols)`'s; the flattening a Reshape{-1} or a ReshapeTo of one
 * length) or `AdvancedSubtensor1(softmax(x), i)` (rows).
 */
export interface GatheredSoftmax {
  readonly softmax: TensorVariable;
  /** The node flattening the softmax before the pick, or null for a pick of rows. */
  readonly flatten: Apply | null;
  readonly index: TensorVariable;
}

export function gatheredSoftmax(v: TensorVariable): GatheredSoftmax | null {
  const node = v.owner;
  if (!node || !(node.op instanceof AdvancedSubtensor1)) return null;
  const [source, index] = node.inputs as [TensorVariable, TensorVariable];
  const reshape = source.owner;
  if ((reshape?.op instanceof Reshape && reshape.op.spec.length === 1 && reshape.op.spec[0] === -1) || (reshape?.op instanceof ReshapeTo && source.ndim === 1)) {
    const sm = reshape.inputs[0]!;
    return sm.owner?.op instanceof Softmax && sm.ndim === 2 ? { softmax: sm, flatten: reshape, index } : null;
  }
  return source.owner?.op instanceof Softmax ? { softmax: source, flatten: null, index } : null;
}

/** grad's ReshapeAs{0} (the flattened scatter given the softmax's shape): a @sym/grad op, known by its key. */
function isReshapeAsLeading0(v: TensorVariable): boolean {
  const op = v.owner?.op;
  return op !== undefined && op.kind === 'Gradient' && op.key() === 'reshape_as:0';
}

/**
 * `v` is the scatter into zeros of `dy / sm[i]` at `i` (as the softmax's
 * shape when the pick was from its flattening): the same scatter of dy.
 */
function scatterOverPick(v: TensorVariable, sm: TensorVariable): TensorVariable | null {
  let scatter = v;
  const reshaped = isReshapeAsLeading0(v);
  if (reshaped) {
    if (v.owner!.inputs[1] !== sm) return null;
    scatter = v.owner!.inputs[0]!;
  }
  const node = scatter.owner;
  if (!node || !(node.op instanceof AdvancedIncSubtensor1) || node.op.set) return null;
  const [zeros, quotient, index] = node.inputs as [TensorVariable, TensorVariable, TensorVariable];
  if (!isValue(zeros, 0)) return null;
  const div = elem(quotient, 'truediv');
  const dy = div?.inputs[0];
  if (!div || !dy || dy.dtype !== quotient.dtype || dy.ndim !== quotient.ndim || dy.broadcastable.some((b, d) => b !== quotient.broadcastable[d])) return null;
  const pick = gatheredSoftmax(div.inputs[1]!);
  if (!pick || pick.softmax !== sm || pick.index !== index || (pick.flatten !== null) !== reshaped) return null;
  const scattered = apply1(node.op, [zeros, dy, index]);
  return reshaped ? apply1(v.owner!.op, [scattered, sm]) : scattered;
}

/** The softmax operand of a binary product and the other one, each way round. */
function softmaxFactors(node: { inputs: readonly TensorVariable[] }): [TensorVariable, TensorVariable][] {
  const pairs: [TensorVariable, TensorVariable][] = [];
  for (const [i, j] of [[0, 1], [1, 0]] as const) {
    const sm = node.inputs[j]!;
    if (sm.owner?.op instanceof Softmax) pairs.push([node.inputs[i]!, sm]);
  }
  return pairs;
}

/** scatter(dy / sm[i], i) * sm -> scatter(dy, i). */
export const logGatheredSoftmaxGrad: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'mul' || node.inputs.length !== 2) return null;
  const out = node.outputs[0]!;
  for (const [other, sm] of softmaxFactors(node)) {
    const scattered = other.ndim === out.ndim && sm.ndim === out.ndim ? scatterOverPick(other, sm) : null;
    if (scattered && scattered.dtype === out.dtype) return scattered;
  }
  return null;
};

/** (scatter(dy / sm[i], i) - r) * sm -> scatter(dy / sm[i], i) * sm - r * sm: softmax's rule, opened so that the product above applies. */
export const logGatheredSoftmaxSplit: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'mul' || node.inputs.length !== 2) return null;
  const out = node.outputs[0]!;
  for (const [other, sm] of softmaxFactors(node)) {
    const d = elem(other, 'sub');
    const scatter = d?.inputs[0];
    if (!d || !scatter || scatter.dtype !== out.dtype || scatter.ndim !== out.ndim || !scatterOverPick(scatter, sm)) continue;
    return T.sub(T.mul(scatter, sm), T.mul(d.inputs[1]!, sm));
  }
  return null;
};
