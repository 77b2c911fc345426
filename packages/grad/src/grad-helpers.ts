/**
 * The rest of Theano's `theano.gradient` helpers: `consider_constant`,
 * `undefined_grad` and `subgraph_grad`.
 */
import { TensorVariable, apply1, asTensor, checkOptionNames, type TensorLike } from '@sym/graph';
import { GradOverride, zeroGrad } from './ops.js';
import { notDifferentiable, type InputGrad } from './types.js';
import { gradientOf } from './grad.js';
import { describeValue } from './reverse.js';

/**
 * Theano's `consider_constant(x)`: `x` in the forward pass, a zero
 * gradient behind it (the same op as {@link zeroGrad}; `grad`'s
 * `considerConstant` option does it for variables of a graph already
 * built).
 */
export function considerConstant(x: TensorLike): TensorVariable {
  return zeroGrad(x);
}

/** Identity forward; differentiating through it raises NullGradError (Theano's UndefinedGrad). */
export class UndefinedGrad extends GradOverride {
  constructor() {
    // the forward pass is GradOverride's view of the input; only the gradient differs
    super({ kind: 'zero' });
  }
  override key(): string {
    return 'grad_override:UndefinedGrad';
  }
  override toString(): string {
    return 'UndefinedGrad';
  }
  override gradRule(): InputGrad[] {
    return [notDifferentiable('its gradient is undefined (undefinedGrad)')];
  }
}

/**
 * Theano's `undefined_grad(x)`: `x` in the forward pass; a gradient that
 * reaches what `x` is computed from through it raises NullGradError (a
 * gradient that does not pass through it is unaffected).
 */
export function undefinedGrad(x: TensorLike): TensorVariable {
  return apply1(new UndefinedGrad(), [asTensor(x, 'undefinedGrad')]);
}

/** Options of {@link subgraphGrad}: give `start`, `cost`, or both. */
export interface SubgraphGradOptions {
  /** Gradients already known for variables (Theano's `start`): each one's whole gradient. */
  readonly start?: ReadonlyMap<TensorVariable, TensorLike> | readonly (readonly [TensorVariable, TensorLike])[];
  /** A scalar cost whose gradient is added to the ones `start` gives (Theano's `cost`). */
  readonly cost?: TensorVariable | null;
  /** Also return the two parts: `start`'s and the cost's gradients, each with respect to wrt then end (Theano's `details`). */
  readonly details?: boolean;
}

/** {@link subgraphGrad}'s result: the gradients of `wrt` and of `end`, in their order. */
export type SubgraphGradResult = [wrtGrads: TensorVariable[], endGrads: TensorVariable[]];
/** {@link subgraphGrad}'s result with `details`: also `start`'s and the cost's parts (each over wrt then end; null when not given). */
export type SubgraphGradDetails = [wrtGrads: TensorVariable[], endGrads: TensorVariable[], startGrads: TensorVariable[] | null, costGrads: TensorVariable[] | null];

/**
 * Theano's `subgraph_grad(wrt, end, start, cost)`: backpropagation through
 * one part of a graph, for chaining parts by hand (memory-bounded backprop,
 * pipelining). The gradients flow from `start` (known gradients) and
 * `cost` down to `wrt` and stop at `end` (considered constant); returns
 * `[wrt's gradients, end's gradients]`, end's to be passed as the `start`
 * of the part below. Variables the sources do not reach get zeros.
 */
export function subgraphGrad(wrt: readonly TensorVariable[], end: readonly TensorVariable[], options: SubgraphGradOptions & { readonly details: true }): SubgraphGradDetails;
export function subgraphGrad(wrt: readonly TensorVariable[], end: readonly TensorVariable[], options?: SubgraphGradOptions): SubgraphGradResult;
export function subgraphGrad(wrt: readonly TensorVariable[], end: readonly TensorVariable[], options: SubgraphGradOptions = {}): SubgraphGradResult | SubgraphGradDetails {
  checkOptionNames(options, 'subgraphGrad', ['start', 'cost', 'details']);
  for (const [what, list] of [['wrt', wrt], ['end', end]] as const) {
    if (!Array.isArray(list)) throw new TypeError(`subgraphGrad: ${what} must be a list of symbolic variables, got ${describeValue(list)}`);
    list.forEach((v: unknown, i: number) => {
      if (!(v instanceof TensorVariable)) throw new TypeError(`subgraphGrad: ${what}[${i}] must be a symbolic variable, got ${describeValue(v)}`);
    });
  }
  const start = options.start === undefined ? [] : options.start instanceof Map ? [...options.start] : options.start;
  const cost = options.cost ?? null;
  if ((start as readonly unknown[]).length === 0 && cost === null) throw new TypeError('subgraphGrad: give start (known gradients) or a cost: there is nothing to differentiate');
  // each variable once, wrt's first (Theano's set(wrt + end))
  const params = [...new Set([...wrt, ...end])];
  const common = { considerConstant: end, disconnectedInputs: 'ignore' as const };
  const startGrads = (start as readonly unknown[]).length > 0 ? gradientOf(null, params, { ...common, knownGrads: start }, 'subgraphGrad') : null;
  const costGrads = cost !== null ? gradientOf(cost, params, common, 'subgraphGrad') : null;
  const total = params.map((_, i) => (startGrads && costGrads ? startGrads[i]!.add(costGrads[i]!) : (startGrads ?? costGrads)![i]!));
  const of = (vs: readonly TensorVariable[] | null, list: readonly TensorVariable[]) => (vs === null ? null : list.map((v) => vs[params.indexOf(v)]!));
  const result: SubgraphGradResult = [of(total, wrt)!, of(total, end)!];
  return options.details ? [...result, of(startGrads, [...wrt, ...end]), of(costGrads, [...wrt, ...end])] : result;
}
