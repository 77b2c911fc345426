/** Constant folding: a node whose inputs are all constants becomes a constant, computed by the op's reference `perform`. */
import { TensorConstant, type Apply, type TensorVariable } from '@sym/graph';
import { registerRewrite } from '../registry.js';

/** Folding writes the value into the graph: keep graphs small. */
const MAX_FOLDED_SIZE = 1 << 16;

export function foldConstants(node: Apply): TensorVariable | null {
  // a random sample has constant inputs (its size) and a new value at each call
  if (node.outputs.length !== 1 || node.inputs.length === 0 || node.op.varies?.()) return null;
  if (!node.inputs.every((v) => v instanceof TensorConstant)) return null;
  const out = node.outputs[0]!;
  if (out.staticShape.reduce<number>((a, d) => a * (d ?? Infinity), 1) > MAX_FOLDED_SIZE) return null;
  const values = node.op.perform(
    node.inputs.map((v) => (v as TensorConstant).value),
    node,
  );
  const value = values[0]!;
  // The folded value has the node's type (a computed value is never a weak literal).
  return new TensorConstant(out.type, value);
}

registerRewrite({ kind: 'node', name: 'constant_folding', phase: 'constant_folding', tags: ['fast_run', 'fast_compile'], rewrite: foldConstants });
