/**
 * The updates a function applies to shared variables: the ones given in
 * `updates`, checked against their variables' types, then Theano's
 * default updates: a shared variable the function reads whose
 * `defaultUpdate` is set, and that no explicit update targets, is updated
 * by that expression (unless `noDefaultUpdates`), as Theano's
 * `default_update`; and the updates `withUpdates` nodes of the graph carry
 * (a batch-norm layer's running averages), which also give way to
 * explicit ones.
 */
import { constant, type TensorLike } from '../core/op.js';
import { convertValue } from '../core/convert.js';
import { isFloat, isInt } from '../core/dtype.js';
import { graphLeaves, toposort } from '../kernel/schedule.js';
import { carriedUpdates } from '../ops/with-updates.js';
import { TensorSharedVariable } from '../core/shared.js';
import { TensorVariable } from '../core/variable.js';
import { pairs, type Pairs } from './function-args.js';

function checked(s: unknown, e: unknown, what: string): [TensorSharedVariable, TensorVariable] {
  if (!(s instanceof TensorSharedVariable)) throw new TypeError(`function: ${what} targets ${String(s)}, which is not a shared variable`);
  // a plain value is a constant of the variable's type, as Theano's filter_variable makes it (updates={count: 0})
  const expr = e instanceof TensorVariable ? e : constant(convertValue(e, s.type, `function: the update of ${s}`, { downcastHint: `Cast the value first (value.astype('${s.dtype}')).` }));
  if (expr.dtype !== s.dtype || expr.ndim !== s.ndim) {
    throw new TypeError(
      `function: the ${what === 'update' || what.startsWith('update ') ? 'update' : what.slice(2)} of shared variable ${s} must have its type ${s.type}, but the expression has type ${expr.type}` +
        (expr.dtype !== s.dtype ? `; cast it with .astype('${s.dtype}')` : '') +
        // sym.shared(0) is int64 (a JavaScript 0 is an integer, where Python's 0. is a float): truncating a float update to it is rarely meant
        (isInt(s.dtype) && isFloat(expr.dtype) ? `, or, if ${s} is to hold ${expr.dtype} values, make it of that dtype: sym.shared(value, { dtype: '${expr.dtype}' })` : ''),
    );
  }
  const bad = expr.broadcastable.findIndex((b, d) => s.broadcastable[d] && !b);
  if (bad >= 0) throw new TypeError(`function: the update of ${s} (${s.type}) must keep dimension ${bad} broadcastable, but ${expr.type} does not`);
  return [s, expr];
}

/**
 * The updates, and the graph the function computes: `substitute` applied
 * (givens, cut inputs) to the outputs then the update expressions. Default
 * and carried updates are found in that graph, as Theano finds them after
 * givens: a shared variable that givens replace is not read, so its
 * default update is not applied; one that a replacement reads is.
 */
export function functionUpdates(
  given: Pairs<TensorSharedVariable, TensorLike> | undefined,
  outputs: readonly TensorVariable[],
  noDefaultUpdates: boolean,
  substitute: (graph: TensorVariable[]) => TensorVariable[],
): { updates: [TensorSharedVariable, TensorVariable][]; graph: TensorVariable[] } {
  const updates = pairs(given, 'updates', '[shared variable, expression]').map(([s, e], i) => checked(s, e, `update ${i}`));
  const targets = new Set<TensorSharedVariable>();
  for (const [s] of updates) {
    if (targets.has(s)) throw new Error(`function: shared variable ${s} is updated twice`);
    targets.add(s);
  }
  const computed = (): TensorVariable[] => substitute([...outputs, ...updates.map(([, e]) => e)]);
  let graph = computed();
  if (noDefaultUpdates) return { updates, graph };
  // default updates and carried ones may read variables with updates of their own: until none is added
  const explicit = new Set(targets);
  const carried = new Map<TensorSharedVariable, TensorVariable>();
  for (let added = true; added; ) {
    added = false;
    for (const [s, e] of carriedUpdates(toposort(graph))) {
      const had = carried.get(s);
      if (had === e) continue;
      if (had) throw new Error(`function: shared variable ${s} is updated by two withUpdates in the graph (two training graphs of one layer?); make the function from one of them`);
      carried.set(s, e);
      if (explicit.has(s)) continue; // an explicit update wins
      updates.push(checked(s, e, 'a carried update'));
      targets.add(s);
      added = true;
    }
    for (const leaf of graphLeaves(graph)) {
      if (!(leaf instanceof TensorSharedVariable) || leaf.defaultUpdate === undefined || targets.has(leaf)) continue;
      updates.push(checked(leaf, leaf.defaultUpdate, 'a default update'));
      targets.add(leaf);
      added = true;
    }
    if (added) graph = computed();
  }
  return { updates, graph };
}
