/** Copying graphs with some variables replaced (givens, cut inputs, rewrites). */
import { Apply, applyNode } from './op.js';
import { toposort } from '../kernel/schedule.js';
import type { TensorVariable } from './variable.js';
import { carryWindowMarks } from '../tensor/window-marks.js';
import { carryErrorLabel } from './error-names.js';
import { carryFullView } from '../sparse/full-views.js';

/**
 * New outputs computing the same as `outputs`, with every variable in
 * `replace` substituted. Nodes none of whose inputs changed are shared
 * with the original graph unless `all` is set. With `within`, the
 * replacements are variables of the graph itself (a merge's duplicates
 * replaced by their twins): a replacement whose node is copied is read as
 * its copy, so that one copy leaves none of the replaced nodes behind.
 * With `twins`, the replacements are twins of what they replace (the same
 * op on inputs that are twins, a constant of the same key: a merge's), but
 * those in `twins.except`: a copy reading only twins and copies of such
 * copies has its original's types and static shapes, taken over instead of
 * inferred again (re-inferring the nodes above a merged constant was most
 * of a merge's time); the others are inferred. `order`: `toposort(outputs)`,
 * where the caller has it.
 */
export function cloneReplace(
  outputs: readonly TensorVariable[],
  replace: ReadonlyMap<TensorVariable, TensorVariable>,
  options: { all?: boolean; within?: boolean; twins?: { except: ReadonlySet<TensorVariable> }; order?: readonly Apply[] } = {},
): TensorVariable[] {
  const map = new Map<TensorVariable, TensorVariable>(replace);
  const mapped = options.within ? (v: TensorVariable) => followed(map, v) : (v: TensorVariable) => map.get(v) ?? v;
  // variables whose copy or replacement may differ in type from them: readers of these are inferred again
  const inferred = options.twins && new Set(options.twins.except);
  const differs = (v: TensorVariable): boolean => {
    for (let r: TensorVariable | undefined = v, k = 0; r !== undefined && k <= map.size; r = map.get(r), k++) if (inferred!.has(r)) return true;
    return false;
  };
  for (const node of options.order ?? toposort(outputs)) {
    if (node.outputs.every((o) => map.has(o))) continue;
    const ins = node.inputs.map(mapped);
    if (!options.all && ins.every((v, i) => v === node.inputs[i])) continue;
    const same = inferred && !node.inputs.some(differs);
    const copy: Apply = same ? new Apply(node.op, ins, node.outputs.map((o) => o.type), node.outputs.map((o) => o.staticShape)) : applyNode(node.op, ins);
    if (inferred && !same) for (const o of node.outputs) inferred.add(o);
    node.outputs.forEach((o, i) => {
      // an output with a replacement of its own (givens of one output of a scan whose input is given too) keeps it
      if (replace.has(o)) return;
      const n = copy.outputs[i]!;
      n.name = o.name;
      carryErrorLabel(o, n);
      map.set(o, n);
      // a window copied stays writable: T.setSubtensor of the copy writes into the copy of its tensor
      carryWindowMarks(o, n, mapped, (v) => cloneReplace([v], map, { within: options.within })[0]!);
      // a trueDot's dense view stays one: grad of the copy gives the full gradient (sparse/full-views.ts)
      carryFullView(o, n, mapped);
    });
  }
  return outputs.map(mapped);
}

/** `v` through `map` until a variable it does not map (a replacement, then that replacement's copy); at most `map.size` steps (a cycle stops). */
function followed(map: ReadonlyMap<TensorVariable, TensorVariable>, v: TensorVariable): TensorVariable {
  let r = v;
  for (let k = 0, next = map.get(r); next !== undefined && k < map.size; k++, next = map.get(r)) r = next;
  return r;
}
