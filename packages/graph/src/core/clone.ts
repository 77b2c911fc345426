/** Copying graphs with some variables replaced (givens, cut inputs, rewrites). */
import { Apply, applyNode } from './op.js';
import { toposort } from '../kernel/schedule.js';
import type { TensorVariable } from './variable.js';
import { carryWindowMarks } from '../tensor/window-marks.js';
import { carryErrorLabel } from './error-names.js';

/**
 * New outputs computing the same as `outputs`, with every variable in
 * `replace` substituted. Nodes none of whose inputs changed are shared
 * with the original graph unless `all` is set.
 */
export function cloneReplace(
  outputs: readonly TensorVariable[],
  replace: ReadonlyMap<TensorVariable, TensorVariable>,
  options: { all?: boolean } = {},
): TensorVariable[] {
  const map = new Map<TensorVariable, TensorVariable>(replace);
  for (const node of toposort(outputs)) {
    if (node.outputs.every((o) => map.has(o))) continue;
    const ins = node.inputs.map((v) => map.get(v) ?? v);
    if (!options.all && ins.every((v, i) => v === node.inputs[i])) continue;
    const copy: Apply = applyNode(node.op, ins);
    node.outputs.forEach((o, i) => {
      // an output with a replacement of its own (givens of one output of a scan whose input is given too) keeps it
      if (replace.has(o)) return;
      const n = copy.outputs[i]!;
      n.name = o.name;
      carryErrorLabel(o, n);
      map.set(o, n);
      // a window copied stays writable: T.setSubtensor of the copy writes into the copy of its tensor
      carryWindowMarks(o, n, (v) => map.get(v) ?? v, (v) => cloneReplace([v], map)[0]!);
    });
  }
  return outputs.map((o) => map.get(o) ?? o);
}
