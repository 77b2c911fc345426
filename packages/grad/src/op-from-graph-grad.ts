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
 * computes, as for gradClip; the grad override is not used there.
 *
 * With an R-operator override (`rop` of sym.opFromGraph) Rop uses it
 * instead: Rop is two reverse passes (J^T u for a placeholder u, then the
 * derivative of that in u), so the override's J v, linear in v, is
 * transposed here: J^T gz is the gradient of <rop(x, v), gz> with respect
 * to the eval points v, taken over the override's graph alone (never
 * through the inner graph's ops, whose derivative may not exist where the
 * override's does: pinv's SVD at repeated singular values). Shared
 * variables read by the graph (implicit inputs) always get the inner
 * graph's gradient.
 */
import { OpFromGraph, T, TensorVariable, cloneReplace, graphLeaves, isFloat, shapeToString, type Apply, type TensorLike } from '@sym/graph';
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

/** The rop override's result for output `i`: a variable of the output's type, or undefined for a zero derivative. */
function checkRop(r: TensorLike | null | undefined, output: TensorVariable, i: number, op: OpFromGraph, points: readonly TensorVariable[]): TensorVariable | undefined {
  const what = `${op}: the rop override's result ${i} (the R-operator of output ${i}, ${output} of type ${output.type})`;
  if (r === null || r === 0) return undefined;
  if (r === undefined) throw new TypeError(`${what} is undefined; return null or 0 for an output that does not move`);
  if (!isFloat(output.dtype)) return undefined;
  // Rop transposes the override, which is right only if it is linear in the eval points: one that reads none is not
  // (unless it is zero), and would turn into a zero derivative silently
  if (!(r instanceof TensorVariable)) {
    throw new TypeError(`${what} is the constant ${typeof r === 'number' ? r : 'array'}: an R-operator is linear in the eval points; return 0 or null for an output that does not move`);
  }
  if (!graphLeaves([r]).some((v) => points.includes(v))) {
    throw new TypeError(`${what} is ${r}, which reads none of the eval points (the second argument); an R-operator is linear in them (return 0 or null for an output that does not move)`);
  }
  if (r.dtype !== output.dtype) throw new TypeError(`${what} is ${r} of dtype ${r.dtype}; it must have the output's dtype ${output.dtype} (cast it: .astype('${output.dtype}'))`);
  if (r.ndim !== output.ndim) throw new TypeError(`${what} is ${r} of type ${r.type}: ${r.ndim} dimensions where the output has ${output.ndim}`);
  const clash = output.staticShape.findIndex((n, d) => {
    const m = r.staticShape[d];
    return n !== null && m !== null && m !== undefined && m !== n && m !== 1;
  });
  if (clash >= 0) throw new RangeError(`${what} has shape ${shapeToString(r.staticShape)} where the output has shape ${shapeToString(output.staticShape)} (dimension ${clash} differs)`);
  return r;
}

/**
 * Rop's rule for a node whose op has a rop override: for each declared
 * input, J^T gz, the gradient of sum_k <rop_k(x, v), gz_k> with respect to
 * the eval point v of that input. The override is linear in v, so the
 * result does not depend on v: the placeholders are replaced by zeros.
 */
function ropOverrideGrads(c: GradContext): InputGrad[] {
  const { node, gzs, nb } = c;
  const op = node.op as OpFromGraph;
  const declared = node.inputs.slice(0, op.declaredInputs);
  if (nb !== 0) throw new Error(`${op}: internal error: Rop's pass is not batched (got ${nb} batch dimensions)`);
  // of the input's type and static shape, as the direction of a move of that input
  const points = declared.map((x) => (isFloat(x.dtype) ? new TensorVariable(x.type, { staticShape: x.staticShape, name: `rop_point_${x.toString()}` }) : T.zerosLike(x)));
  const rs = op.rop!(declared, points, node.outputs);
  if (!Array.isArray(rs) || rs.length !== node.outputs.length) {
    const got = Array.isArray(rs) ? `${rs.length} result(s)` : `${rs === null ? 'null' : typeof rs}`;
    throw new TypeError(`${op}: the rop override must return a list of ${node.outputs.length} R-operator(s), one per output, got ${got}`);
  }
  const seeds: Seed[] = node.outputs.flatMap((o, i) => {
    const r = checkRop(rs[i] as TensorLike | null | undefined, o, i, op, points);
    return r && gzs[i] !== undefined ? [{ variable: r, grad: gzs[i]! }] : [];
  });
  const floats = declared.flatMap((x, i) => (isFloat(x.dtype) ? [i] : []));
  const zeros = new Set<TensorVariable>();
  const grads =
    seeds.length === 0
      ? []
      : reverse(seeds, floats.map((i) => points[i]!), 0, { disconnectedInputs: 'ignore', caller: `the R-operator of ${op}`, forwardIdentityOverrides: true }, (w, dtype) => {
          const z = T.zerosLike(w, dtype);
          zeros.add(z);
          return z;
        });
  const moved = cloneReplace(grads, new Map(floats.map((i) => [points[i]!, T.zerosLike(declared[i]!)])));
  const result: InputGrad[] = declared.map(() => ZERO);
  floats.forEach((i, k) => {
    if (grads.length && !zeros.has(grads[k]!)) result[i] = moved[k]!;
  });
  return result;
}

export function opFromGraphGrad(c: GradContext, options: { forward?: boolean } = {}): InputGrad[] {
  const op = c.node.op as OpFromGraph;
  const all = c.node.inputs.map((_, i) => i);
  if (op.rop && options.forward) {
    const implicit = innerGraphGrads(c, all.slice(op.declaredInputs), true);
    return [...ropOverrideGrads(c), ...all.slice(op.declaredInputs).map((i) => implicit.get(i)!)];
  }
  if (!op.grad || options.forward) {
    const g = innerGraphGrads(c, all, options.forward ?? false);
    return all.map((i) => g.get(i)!);
  }
  const declared = userGrads(override(c.node), outputGrads(c), c.nb);
  const implicit = innerGraphGrads(c, all.slice(op.declaredInputs), false);
  return [...declared, ...all.slice(op.declaredInputs).map((i) => implicit.get(i)!)];
}
