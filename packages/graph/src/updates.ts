/**
 * The updates a function applies to shared variables: the ones given in
 * `updates`, checked against their variables' types, then Theano's
 * default updates: a shared variable the function reads whose
 * `defaultUpdate` is set, and that no explicit update targets, is updated
 * by that expression (unless `noDefaultUpdates`), as Theano's
 * `default_update` (batch normalisation's running averages use it).
 */
import { asTensor, type TensorLike } from './op.js';
import { graphLeaves } from './schedule.js';
import { TensorSharedVariable } from './shared.js';
import type { TensorVariable } from './variable.js';
import { pairs, type Pairs } from './function-args.js';

function checked(s: unknown, e: unknown, what: string): [TensorSharedVariable, TensorVariable] {
  if (!(s instanceof TensorSharedVariable)) throw new TypeError(`function: ${what} targets ${String(s)}, which is not a shared variable`);
  const expr = asTensor(e as TensorLike, `update of ${s}`);
  if (expr.dtype !== s.dtype || expr.ndim !== s.ndim) {
    throw new TypeError(
      `function: the ${what === 'a default update' ? 'default update' : 'update'} of shared variable ${s} must have its type ${s.type}, but the expression has type ${expr.type}` +
        (expr.dtype !== s.dtype ? `; cast it with .astype('${s.dtype}')` : ''),
    );
  }
  const bad = expr.broadcastable.findIndex((b, d) => s.broadcastable[d] && !b);
  if (bad >= 0) throw new TypeError(`function: the update of ${s} (${s.type}) must keep dimension ${bad} broadcastable, but ${expr.type} does not`);
  return [s, expr];
}

export function functionUpdates(
  given: Pairs<TensorSharedVariable, TensorLike> | undefined,
  outputs: readonly TensorVariable[],
  noDefaultUpdates: boolean,
): [TensorSharedVariable, TensorVariable][] {
  const updates = pairs(given, 'updates', '[shared variable, expression]').map(([s, e], i) => checked(s, e, `update ${i}`));
  const targets = new Set<TensorSharedVariable>();
  for (const [s] of updates) {
    if (targets.has(s)) throw new Error(`function: shared variable ${s} is updated twice`);
    targets.add(s);
  }
  if (noDefaultUpdates) return updates;
  // a default update may read other shared variables with default updates of their own: until none is added
  for (let added = true; added; ) {
    added = false;
    for (const leaf of graphLeaves([...outputs, ...updates.map(([, e]) => e)])) {
      if (!(leaf instanceof TensorSharedVariable) || leaf.defaultUpdate === undefined || targets.has(leaf)) continue;
      updates.push(checked(leaf, leaf.defaultUpdate, 'a default update'));
      targets.add(leaf);
      added = true;
    }
  }
  return updates;
}
