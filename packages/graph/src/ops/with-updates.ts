/**
 * `sym.withUpdates(x, updates)`: x itself, carrying updates of shared
 * variables that every function computing it applies (as Keras's
 * `add_update`, or the updates Theano's scan returns). A layer's training
 * graph carries its running averages' updates this way, so the functions
 * made from that graph move them and inference functions, which read the
 * same shared variables but not this graph, do not. Explicit `updates` of
 * a function win; `noDefaultUpdates` skips them.
 */
import type { NDArray } from '../core/ndarray.js';
import { Apply, Op, apply1, asTensor, type TensorLike } from '../core/op.js';
import type { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import { TensorSharedVariable } from '../core/shared.js';
import { pairs, type Pairs } from '../function/function-args.js';

let nextId = 0;

/** An identity that carries update pairs: functions whose graph holds it apply them. */
export class WithUpdates extends Op {
  readonly kind = 'WithUpdates' as const;
  /** Two carriers are never merged: each has its own updates. */
  readonly #id = nextId++;
  constructor(
    /** The (shared variable, new value) pairs that a function computing this node applies at each call (its explicit `updates` win; `noDefaultUpdates` skips these). */
    readonly updates: readonly (readonly [TensorSharedVariable, TensorVariable])[],
  ) {
    super();
  }
  key(): string {
    return `WithUpdates:${this.#id}`;
  }
  override toString(): string {
    return `WithUpdates{${this.updates.map(([s]) => s.toString()).join(', ')}}`;
  }
  /** Folding it into a constant would drop the updates it carries. */
  override varies(): boolean {
    return true;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    return [shapes[0]!];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    return [inputs[0]!];
  }
  lower(_ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    return [inputs[0]!];
  }
}

/** `x`, carrying `updates` (pairs of a shared variable and its new value) for every function that computes it. */
export function withUpdates(x: TensorLike, updates: Pairs<TensorSharedVariable, TensorLike>): TensorVariable {
  const list = pairs(updates, 'withUpdates: updates', '[shared variable, expression]').map(([s, e], i): [TensorSharedVariable, TensorVariable] => {
    if (!(s instanceof TensorSharedVariable)) throw new TypeError(`withUpdates: update ${i} targets ${String(s)}, which is not a shared variable`);
    return [s, asTensor(e, `withUpdates: update of ${s}`)];
  });
  return apply1(new WithUpdates(list), [asTensor(x, 'withUpdates: x')]);
}

/** The update pairs the nodes among `nodes` carry, in order. */
export function carriedUpdates(nodes: Iterable<Apply>): [TensorSharedVariable, TensorVariable][] {
  const out: [TensorSharedVariable, TensorVariable][] = [];
  for (const n of nodes) if (n.op instanceof WithUpdates) out.push(...n.op.updates.map(([s, e]): [TensorSharedVariable, TensorVariable] => [s, e]));
  return out;
}
