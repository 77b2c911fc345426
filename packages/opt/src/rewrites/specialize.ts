/** Specialize: cheaper forms for the backends, once the graph is canonical and stable. */
import { Reduce, T, TensorConstant } from '@sym/graph';
import { registerRewrite, type NodeRewriter } from '../registry.js';
import { elem, isFloatVar } from '../match.js';

/** sum(x * c) -> sum(x) * c for a scalar constant c: one multiply instead of one per element. */
export const sumScale: NodeRewriter = (node) => {
  if (!(node.op instanceof Reduce) || node.op.reducer !== 'sum') return null;
  const m = elem(node.inputs[0]!, 'mul');
  if (!m || !isFloatVar(node.outputs[0]!)) return null;
  const [a, b] = m.inputs;
  const [x, c] = b instanceof TensorConstant && b.ndim === 0 ? [a!, b] : a instanceof TensorConstant && a.ndim === 0 ? [b!, a] : [null, null];
  if (!x || !c || x.dtype !== node.inputs[0]!.dtype) return null;
  return T.mul(T.sum(x, { axis: [...node.op.axes] }), c);
};

registerRewrite({ kind: 'node', name: 'sum_scale', phase: 'specialize', tags: ['fast_run'], rewrite: sumScale });
