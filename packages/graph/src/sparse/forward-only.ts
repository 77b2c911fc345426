/**
 * A product of two sparse matrices with a sparse result (structuredDot)
 * that nothing differentiates needs no terms: its host stage
 * (ProductPattern) writes, for every product term, which values meet and
 * where they sum (pairL, pairR, slot), which only the gradient of its
 * values (ProductValues.grad) reads; forward, ProductValues is its
 * values. A graph is differentiated before it is compiled, so in a
 * compiled graph whose terms nothing but ProductValues reads, the stage
 * can be the one that writes none (ProductPattern{sparse, forward}, as
 * SciPy's csr_matmat: half the stage's time). The optimizer runs this as
 * `sparse_forward_only`; it replaces every output of such a node, which
 * its one-output node rewrites cannot.
 *
 * The dense product (`dot`) keeps its stage with terms: its call is bound
 * by reading the dense result back (8 MB for 1000 x 1000), which on the
 * CPU backend took either about 2 or about 40 ms a call depending on how
 * its memory was reused (a plain scatter into 1,000,000 zeros swings so
 * too), and the forward-only stage's calls fell on the slow side more
 * often (median 38-40 ms against 5-6, docs/benchmarks.md), whatever its
 * own 0.5 ms saved.
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
  if (!nodes.some((n) => n.op instanceof ProductPattern && n.op.terms && n.op.layout === 'sparse')) return [...outputs];
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
    if (!(n.op instanceof ProductPattern) || !n.op.terms || n.op.layout !== 'sparse') continue;
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
