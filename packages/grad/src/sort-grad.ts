/**
 * The gradients of sorting: `Sort` (which sort, argsort and topk apply)
 * and `TakeAlongAxis` (the gather these gradients are made of).
 *
 * Sorted values are x read through a permutation `order`, so their
 * gradient goes back through it: gx[j] = gz[rank[j]], where rank (the
 * inverse permutation) is the argsort of order. topk's values are the
 * first |k| of the full order in topk's direction: gx[j] = gz[rank[j]]
 * where rank[j] < |k|, 0 elsewhere (Theano's set_subtensor into zeros).
 * Both are one `TakeAlongAxis(gz, rank, order)`: a gather, not a scatter
 * (the kernel IR has none), whose own gradient gathers back with the
 * indices swapped. Indices (argsort, argtopk) have no gradient; k and the
 * index inputs are disconnected.
 */
import { Sort, T, TakeAlongAxis, TensorConstant, apply1, type TensorVariable } from '@sym/graph';
import { DISCONNECTED, ZERO, type GradContext, type InputGrad } from './types.js';

/** The stable ascending argsort of an integer permutation along `axis`: its inverse. */
const inverse = (order: TensorVariable, axis: number): TensorVariable => apply1(new Sort(axis, 'indices'), [order]);

/** A TakeAlongAxis gathers back with its indices swapped. */
export function takeAlongAxisGrad({ node, gz }: GradContext): InputGrad[] {
  const [, idx, inv] = node.inputs as [TensorVariable, TensorVariable, TensorVariable];
  return [apply1(new TakeAlongAxis((node.op as TakeAlongAxis).axis), [gz, inv, idx]), DISCONNECTED, DISCONNECTED];
}

export function sortGrad(c: GradContext): InputGrad[] {
  const { node, gzs } = c;
  const sort = node.op as Sort;
  const x = node.inputs[0]!;
  const rest: InputGrad[] = sort.topk ? [DISCONNECTED] : [];
  // only the values carry a gradient; an argsort alone is never asked for one (its output is an integer)
  const gv = sort.returns === 'indices' ? undefined : gzs[0];
  if (gv === undefined) return [ZERO, ...rest];
  const axis = sort.axis;
  if (!sort.topk) {
    const order = sort.returns === 'both' ? node.outputs[1]! : apply1(new Sort(axis, 'indices'), [x]);
    return [apply1(new TakeAlongAxis(axis), [gv, inverse(order, axis), order]), ...rest];
  }
  const k = node.inputs[1]!;
  const kept = sort.returns === 'both' ? node.outputs[1]! : apply1(new Sort(axis, 'indices', true, sort.idxDType), [x, k]);
  // the full order in topk's direction: argtopk with |k| the axis length, k's sign
  const n = x.staticShape[axis] ?? T.shapeI(x, axis);
  const kv = k instanceof TensorConstant ? k.value.data[0]! : undefined;
  const full = kv === undefined ? T.mul(T.sgn(k), n) : typeof n === 'number' ? T.constant(kv > 0 ? n : -n, { dtype: 'int64' }) : kv > 0 ? n : T.neg(n);
  const order = apply1(new Sort(axis, 'indices', true, sort.idxDType), [x, full]);
  return [apply1(new TakeAlongAxis(axis), [gv, inverse(order, axis), kept]), ...rest];
}
