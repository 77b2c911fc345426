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
import { OpFromGraph, T, TensorVariable, asTensor, cloneReplace, isFloat, scan, shapeToString, type Apply, type TensorLike } from '@sym/graph';
import { reverse, type Seed } from './reverse.js';
import { disconnectedInputs } from './rules.js';
import { batchedLike } from './shape-helpers.js';
import { DISCONNECTED, ZERO, type GradContext, type InputGrad } from './types.js';

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

/**
 * The declared inputs the override answers `null` for, asked once per op
 * with its own placeholders. An override that throws here throws again,
 * with its message checked, when the gradient is built: nothing is
 * disconnected meanwhile.
 */
function overrideNulls(op: OpFromGraph): number[] {
  const declared = op.inputs.slice(0, op.declaredInputs);
  const gs = op.outputs.map((o) => T.tensor(isFloat(o.dtype) ? o.dtype : undefined, o.broadcastable));
  let rs: readonly unknown[];
  try {
    rs = op.grad!(declared, gs, op.outputs);
  } catch {
    return [];
  }
  // a list of another length is refused by that call
  return Array.isArray(rs) && rs.length === declared.length ? declared.flatMap((_, i) => (rs[i] === null ? [i] : [])) : [];
}

/** The gradients flowing into the node's outputs, zeros (with the batch dimensions) for those that receive none. */
function outputGrads({ node, gzs, gz, nb }: GradContext): TensorVariable[] {
  return node.outputs.map((o, i) => gzs[i] ?? batchedLike(T.zerosLike(o, isFloat(o.dtype) ? o.dtype : gz.dtype), gz, nb));
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

/** One override result, checked against the input it is the gradient of; unbatched. */
function checkOverride(r: TensorLike | null | undefined, input: TensorVariable, i: number, op: OpFromGraph): InputGrad {
  const what = `${op}: the grad override's result ${i} (the gradient of input ${i}, ${input} of type ${input.type})`;
  if (r === null) return DISCONNECTED;
  if (r === undefined) throw new TypeError(`${what} is undefined; return null for no gradient, 0 for a zero gradient`);
  if (r === 0) return ZERO;
  if (!isFloat(input.dtype)) return ZERO; // an integer input gets no gradient, whatever is returned
  if (!(r instanceof TensorVariable)) {
    const c = asTensor(r, what);
    if (c.ndim > input.ndim) throw new TypeError(`${what} is a constant of ${c.ndim} dimensions, more than the input's ${input.ndim}`);
    return T.second(input, T.cast(c, input.dtype));
  }
  if (r.dtype !== input.dtype) throw new TypeError(`${what} is ${r} of dtype ${r.dtype}; it must have the input's dtype ${input.dtype} (cast it: .astype('${input.dtype}'))`);
  if (r.ndim !== input.ndim) throw new TypeError(`${what} is ${r} of type ${r.type}: ${r.ndim} dimensions where the input has ${input.ndim}`);
  const clash = input.staticShape.findIndex((n, d) => {
    const m = r.staticShape[d];
    return n !== null && m !== null && m !== undefined && m !== n && m !== 1;
  });
  if (clash >= 0) {
    throw new RangeError(`${what} has shape ${shapeToString(r.staticShape)} where the input has shape ${shapeToString(input.staticShape)} (dimension ${clash} differs)`);
  }
  return r;
}

/** The override's checked results for the declared inputs, given unbatched output gradients. */
function overrideGrads(node: Apply, gs: readonly TensorVariable[]): InputGrad[] {
  const op = node.op as OpFromGraph;
  const declared = node.inputs.slice(0, op.declaredInputs);
  const rs = op.grad!(declared, gs, node.outputs);
  if (!Array.isArray(rs) || rs.length !== declared.length) {
    const got = Array.isArray(rs) ? `${rs.length} result(s)` : `${rs === null ? 'null' : typeof rs}`;
    throw new TypeError(`${op}: the grad override must return a list of ${declared.length} gradient(s), one per input (${op.inputs.slice(0, op.declaredInputs).join(', ')}), got ${got}`);
  }
  return declared.map((v, i) => checkOverride(rs[i] as TensorLike | null | undefined, v, i, op));
}

/**
 * The override with `nb` batch dimensions in front of every output
 * gradient: a scan over the first, the override (or the next level) inside.
 */
function batchedOverride(node: Apply, gs: readonly TensorVariable[], nb: number): InputGrad[] {
  if (nb === 0) return overrideGrads(node, gs);
  let pattern: InputGrad[] = [];
  const [rows] = scan(
    (...gRows: TensorVariable[]) => {
      pattern = batchedOverride(node, gRows, nb - 1);
      const tensors = pattern.filter((g): g is TensorVariable => g instanceof TensorVariable);
      // a scan needs a step output; when every gradient is null or zero, a placeholder nobody reads
      return tensors.length ? tensors : [gRows[0]!];
    },
    { sequences: [...gs], name: `grad_of_${(node.op as OpFromGraph).name ?? 'op_from_graph'}` },
  );
  const stacked = Array.isArray(rows) ? rows : [rows];
  let k = 0;
  return pattern.map((g) => (g instanceof TensorVariable ? stacked[k++]! : g));
}

export function opFromGraphGrad(c: GradContext, options: { forward?: boolean } = {}): InputGrad[] {
  const op = c.node.op as OpFromGraph;
  const all = c.node.inputs.map((_, i) => i);
  if (!op.grad || options.forward) {
    const g = innerGraphGrads(c, all, options.forward ?? false);
    return all.map((i) => g.get(i)!);
  }
  const declared = batchedOverride(c.node, outputGrads(c), c.nb);
  const implicit = innerGraphGrads(c, all.slice(op.declaredInputs), false);
  return [...declared, ...all.slice(op.declaredInputs).map((i) => implicit.get(i)!)];
}
