/**
 * A product of two sparse matrices that nothing differentiates needs no
 * terms: its host stage (ProductPattern) writes, for every product term,
 * which values meet and where they sum (pairL, pairR, slot), which only
 * the gradient of its values (ProductValues.grad) reads; forward,
 * ProductValues is its values. A graph is differentiated before it is
 * compiled, so in a compiled graph whose terms nothing but ProductValues
 * reads, the stage can be the one that writes none
 * (ProductPattern{forward}, SciPy's csr_matmat: about half the stage's
 * time). The optimizer runs this as `sparse_forward_only`; it replaces
 * every output of such a node, which its one-output node rewrites cannot.
 */
import type { Apply } from '../core/op.js';
import { applyNode } from '../core/op.js';
import { cloneReplace } from '../core/clone.js';
import { carryErrorLabel } from '../core/error-names.js';
import type { TensorVariable } from '../core/variable.js';
import { toposort } from '../kernel/schedule.js';
import { ProductPattern } from './product-pattern.js';
import { ProductValues } from './product-values.js';

/** `outputs` with each sparse product whose terms only ProductValues reads computed without them (the same outputs when there is none). */
export function forwardOnlySparseProducts(outputs: readonly TensorVariable[]): TensorVariable[] {
  const nodes = toposort(outputs);
  if (!nodes.some((n) => n.op instanceof ProductPattern && n.op.terms)) return [...outputs];
  const readers = new Map<TensorVariable, Apply[]>();
  for (const n of nodes) {
    for (const v of n.inputs) {
      const list = readers.get(v);
      if (list) list.push(n);
      else readers.set(v, [n]);
    }
  }
  const read = new Set(outputs);
  const replace = new Map<TensorVariable, TensorVariable>();
  for (const n of nodes) {
    if (!(n.op instanceof ProductPattern) || !n.op.terms) continue;
    const terms = n.outputs.slice(0, 3);
    const values = n.outputs[n.outputs.length - 1]!;
    // ProductValues(values, lData, rData, pairL, pairR, slot) of this node, forward its values
    const valuesOf = (r: Apply) => r.op instanceof ProductValues && r.inputs[0] === values && terms.every((t, i) => r.inputs[3 + i] === t);
    if (terms.some((t) => read.has(t) || !(readers.get(t) ?? []).every(valuesOf))) continue;
    const forward = applyNode(n.op.withoutTerms(), n.inputs);
    n.outputs.slice(3).forEach((o, i) => replace.set(o, forward.outputs[i]!));
    const sums = forward.outputs[forward.outputs.length - 1]!;
    for (const r of readers.get(terms[0]!) ?? []) {
      carryErrorLabel(r.outputs[0]!, sums);
      replace.set(r.outputs[0]!, sums);
    }
  }
  return replace.size === 0 ? [...outputs] : cloneReplace(outputs, replace);
}
