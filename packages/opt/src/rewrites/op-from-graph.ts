/**
 * opFromGraph: a node whose op says `inline` (the default) is replaced by
 * its inner graph applied to the node's inputs, before constant folding
 * and the canonicalizing rewrites, so that those, the stabilising ones and
 * fusion see through it (a log-sum-exp written inside one is stabilised
 * like one written out, and a T.zeros(1) inside one is folded as one
 * outside: inlined after folding, it cost pinv's forward a kernel).
 * Nested ones are inlined in turn. A node with `inline: false` stays; the
 * engine rewrites its inner graph on its own (engine.ts), and it is
 * lowered in place. FAST_COMPILE does not run this rewrite: there every
 * opFromGraph is lowered in place.
 */
import { OpFromGraph, TensorConstant, cloneReplace, constant, toposort, type TensorVariable } from '@sym/graph';
import { registerRewrite } from '../registry.js';
import { merge } from './merge.js';

/** The inner graph's outputs for `node`'s inputs. */
function inlined(op: OpFromGraph, inputs: readonly TensorVariable[]): TensorVariable[] {
  // a weak constant (a number literal) would compute in other dtypes than the op's inputs have
  const strong = inputs.map((v) => (v instanceof TensorConstant && v.weak ? constant(v.value) : v));
  return cloneReplace(op.outputs, new Map(op.inputs.map((p, i) => [p, strong[i]!])));
}

/** `outputs` with every `inline` OpFromGraph node replaced by its inner graph (repeatedly, for nested ones), then merged. */
export function inlineOpFromGraph(outputs: readonly TensorVariable[]): TensorVariable[] {
  let outs = [...outputs];
  for (;;) {
    const nodes = toposort(outs).filter((n) => n.op instanceof OpFromGraph && n.op.inline);
    if (nodes.length === 0) return outs;
    const replace = new Map<TensorVariable, TensorVariable>();
    for (const node of nodes) {
      const op = node.op as OpFromGraph;
      inlined(op, node.inputs).forEach((rep, i) => {
        const out = node.outputs[i]!;
        // the user's name for the node's output goes to a fresh node computing it (not to an argument, a variable of the
        // user's graph, nor to an inner node reading no input, which the op's inner graph shares)
        if (out.name !== undefined && rep.name === undefined && rep.owner && !node.inputs.includes(rep) && !op.outputs.includes(rep)) rep.name = out.name;
        replace.set(out, rep);
      });
    }
    outs = merge(cloneReplace(outs, replace));
  }
}

registerRewrite({ kind: 'graph', name: 'inline_op_from_graph', phase: 'constant_folding', tags: ['fast_run'], run: inlineOpFromGraph });
