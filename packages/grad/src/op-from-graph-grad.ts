/**
 * The gradient of an opFromGraph node.
 *
 * Without an override it is the gradient of the inner graph: the reverse
 * pass runs over the inner graph (seeded with the gradients flowing into
 * the node's outputs) and its result is moved onto the node's inputs with
 * `cloneReplace`. The result is an ordinary graph, not a gradient
 * OpFromGraph as PyTensor builds: it differentiates again (hessians) with
 * no rule of its own, jacobian's batch dimensions ride through the inner
 * graph's own rules, and the forward intermediates it reads merge with the
 * inlined forward graph.
 *
 * With an override (`grad` of sym.opFromGraph) the user's function builds
 * the gradient of each declared input from the node's inputs, outputs and
 * output gradients; each result is checked (count, dtype, rank, static
 * shape). Jacobian's batched pass (`nb` leading batch dimensions on every
 * gradient) calls the override once per row of the batch, in a scan, so
 * the override is written for one gradient. Rop (forwardIdentityOverrides)
 * differentiates the inner graph: J v is the Jacobian of what the node
 * computes, as for gradClip. Shared variables read by the graph (implicit
 * inputs) always get the inner graph's gradient.
 */
import { OpFromGraph, T, TensorVariable, cloneReplace, isFloat, type Apply } from '@sym/graph';
import { reverse, type Seed } from './reverse.js';
import { disconnectedInputs } from './rules.js';
import { DISCONNECTED, ZERO, type GradContext, type InputGrad } from './types.js';
import { outputGrads, userGradNulls, userGrads, type UserGrad } from './user-grad.js';

const connections = { grad: new WeakMap<OpFromGraph, readonly number[]>(), forward: new WeakMap<OpFromGraph, readonly number[]>() };

/**
 * Inputs of the op no output's gradient can reach: through the inner ops'
 * own connection patterns, and (but for Rop's `forward` pass, which uses
 * the inner graph) the declared inputs its grad override answers `null`
 * for, as PyTensor's connection pattern holds an override's DisconnectedType.
 */
export function opFromGraphDisconnected(op: OpFromGraph, forward = false): readonly number[] {
  const cache = forward ? connections.forward : connections.grad;
  const have = cache.get(op);
  if (have) return have;
  const reach = new Set<TensorVariable>(op.outputs);
  const nodes = op.nodes;
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    if (!node.outputs.some((o) => reach.has(o))) continue;
    const off = disconnectedInputs(node, forward);
    node.inputs.forEach((v, i) => off.includes(i) || reach.add(v));
  }
  const nulls = op.grad && !forward ? overrideNulls(op) : [];
  const out = op.inputs.flatMap((p, i) => (reach.has(p) && !nulls.includes(i) ? [] : [i]));
  cache.set(op, out);
  return out;
}

/** The declared inputs the override answers `null` for, asked once per op with its own placeholders. */
function overrideNulls(op: OpFromGraph): number[] {
  return userGradNulls(op.grad!, op.inputs.slice(0, op.declaredInputs), op.outputs);
}

/** The inner graph's gradient with respect to the inputs at `which`. */
function innerGraphGrads(c: GradContext, which: readonly number[], forward: boolean): Map<number, InputGrad> {
  const { node, gzs, nb } = c;
  const op = node.op as OpFromGraph;
  const off = opFromGraphDisconnected(op, forward);
  const result = new Map<number, InputGrad>();
  const wanted = which.filter((i) => {
    if (off.includes(i)) result.set(i, DISCONNECTED);
    else if (!isFloat(op.inputs[i]!.dtype)) result.set(i, ZERO);
    else return true;
    return false;
  });
  const seeds: Seed[] = op.outputs.flatMap((o, i) => (gzs[i] !== undefined && isFloat(o.dtype) ? [{ variable: o, grad: gzs[i]! }] : []));
  if (wanted.length === 0) return result;
  if (seeds.length === 0) {
    for (const i of wanted) result.set(i, ZERO);
    return result;
  }
  const none = new Set<TensorVariable>();
  const grads = reverse(seeds, wanted.map((i) => op.inputs[i]!), nb, { disconnectedInputs: 'ignore', caller: `the gradient of ${op}`, forwardIdentityOverrides: forward }, (w, dtype) => {
    const z = T.zerosLike(w, dtype);
    none.add(z);
    return z;
  });
  // the gradient graph reads the inner placeholders: move it onto the node's inputs
  const moved = cloneReplace(grads, new Map(op.inputs.map((p, i) => [p, node.inputs[i]!])));
  wanted.forEach((i, k) => result.set(i, none.has(grads[k]!) ? ZERO : moved[k]!));
  return result;
}

/** The override as a user's gradient function over the node's declared inputs. */
function override(node: Apply): UserGrad {
  const op = node.op as OpFromGraph;
  return {
    fn: op.grad!,
    inputs: node.inputs.slice(0, op.declaredInputs),
    outputs: node.outputs,
    op: op.toString(),
    source: 'the grad override',
    inputNames: op.inputs.slice(0, op.declaredInputs).map((v) => v.toString()),
    scanName: `grad_of_${op.name ?? 'op_from_graph'}`,
  };
}

export function opFromGraphGrad(c: GradContext, options: { forward?: boolean } = {}): InputGrad[] {
  const op = c.node.op as OpFromGraph;
  const all = c.node.inputs.map((_, i) => i);
  if (!op.grad || options.forward) {
    const g = innerGraphGrads(c, all, options.forward ?? false);
    return all.map((i) => g.get(i)!);
  }
  const declared = userGrads(override(c.node), outputGrads(c), c.nb);
  const implicit = innerGraphGrads(c, all.slice(op.declaredInputs), false);
  return [...declared, ...all.slice(op.declaredInputs).map((i) => implicit.get(i)!)];
}
