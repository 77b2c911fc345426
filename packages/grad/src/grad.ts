/** `grad` and `Lop`: reverse-mode differentiation, as Theano's `T.grad` and `T.Lop`. */
import { T, TensorVariable, asTensor, type DType, type TensorLike } from '@sym/graph';
import { describeVariable, reverse, type DisconnectedPolicy, type Seed } from './reverse.js';

export interface GradOptions {
  /** Variables treated as constants: no gradient flows through them to what they are computed from. */
  readonly considerConstant?: readonly TensorVariable[];
  /** What to do when the cost does not depend on a variable in `wrt`: raise (default), warn, or ignore; the last two return zeros. */
  readonly disconnectedInputs?: DisconnectedPolicy;
  /**
   * Gradients already known for some variables (Theano's `known_grads`):
   * they are added to what flows back from the cost; with a null cost
   * they are the only source.
   */
  readonly knownGrads?: ReadonlyMap<TensorVariable, TensorLike> | readonly (readonly [TensorVariable, TensorLike])[];
}

export function checkWrt(wrt: unknown, caller: string): TensorVariable[] {
  const list = Array.isArray(wrt) ? (wrt as unknown[]) : [wrt];
  if (list.length === 0) throw new TypeError(`${caller}: wrt is an empty list; pass the variables to differentiate with respect to`);
  return list.map((w, i) => {
    if (!(w instanceof TensorVariable)) {
      throw new TypeError(`${caller}: wrt${Array.isArray(wrt) ? `[${i}]` : ''} must be a symbolic variable, got ${w === null ? 'null' : typeof w}`);
    }
    return w;
  });
}

export function checkScalarCost(cost: unknown, caller: string): TensorVariable {
  if (!(cost instanceof TensorVariable)) throw new TypeError(`${caller}: the cost must be a symbolic variable, got ${cost === null ? 'null' : typeof cost}`);
  if (cost.ndim !== 0) {
    throw new TypeError(
      `${caller}: the cost must be a scalar (0-d), got ${describeVariable(cost)}; reduce it first, for example with .sum() or .mean()`,
    );
  }
  return cost;
}

const zerosLike = (w: TensorVariable, dtype: DType) => T.zerosLike(w, dtype);

/**
 * The gradient of a scalar `cost` with respect to `wrt` (a variable, or a
 * list of them, answered in kind). The result is an ordinary symbolic graph:
 * print it, compile it, or differentiate it again.
 *
 * ```ts
 * const x = T.dscalar('x');
 * const gy = grad(x.pow(2), x); // 2 * x
 * ```
 */
export function grad(cost: TensorVariable | null, wrt: TensorVariable, options?: GradOptions): TensorVariable;
export function grad(cost: TensorVariable | null, wrt: readonly TensorVariable[], options?: GradOptions): TensorVariable[];
export function grad(cost: TensorVariable | null, wrt: TensorVariable | readonly TensorVariable[], options: GradOptions = {}): TensorVariable | TensorVariable[] {
  const ws = checkWrt(wrt, 'grad');
  const seeds: Seed[] = [];
  if (cost !== null) {
    const c = checkScalarCost(cost, 'grad');
    seeds.push({ variable: c, grad: T.constant(1, { dtype: c.dtype }) });
  }
  const known = options.knownGrads instanceof Map ? [...options.knownGrads] : [...((options.knownGrads ?? []) as [TensorVariable, TensorLike][])];
  for (const [v, g] of known) {
    if (!(v instanceof TensorVariable)) throw new TypeError(`grad: knownGrads keys must be symbolic variables, got ${typeof v}`);
    seeds.push({ variable: v, grad: asTensor(g, `grad: knownGrads value for ${v.toString()}`) });
  }
  if (seeds.length === 0) throw new TypeError('grad: the cost is null and no knownGrads were given: there is nothing to differentiate');
  const out = reverse(seeds, ws, 0, { ...options, caller: 'grad' }, zerosLike);
  return Array.isArray(wrt) ? out : out[0]!;
}

export interface LopOptions {
  readonly considerConstant?: readonly TensorVariable[];
  readonly disconnectedInputs?: DisconnectedPolicy;
}

/**
 * The L-operator (vector-Jacobian product): `v^T (df/dwrt)` for each `f`
 * and eval point `v` of the same shape, summed over the `f`s. `f` and
 * `evalPoints` are a variable each, or lists of the same length; `wrt`
 * answers in kind.
 */
export function Lop(f: TensorVariable | readonly TensorVariable[], wrt: TensorVariable, evalPoints: TensorLike | readonly TensorLike[], options?: LopOptions): TensorVariable;
export function Lop(f: TensorVariable | readonly TensorVariable[], wrt: readonly TensorVariable[], evalPoints: TensorLike | readonly TensorLike[], options?: LopOptions): TensorVariable[];
export function Lop(
  f: TensorVariable | readonly TensorVariable[],
  wrt: TensorVariable | readonly TensorVariable[],
  evalPoints: TensorLike | readonly TensorLike[],
  options: LopOptions = {},
): TensorVariable | TensorVariable[] {
  const fs = checkWrt(f, 'Lop (f)');
  const vs = Array.isArray(f) ? (evalPoints as readonly TensorLike[]) : [evalPoints as TensorLike];
  if (!Array.isArray(vs) || vs.length !== fs.length) {
    throw new TypeError(`Lop: expected ${fs.length} eval point(s), one per expression, got ${Array.isArray(vs) ? vs.length : typeof vs}`);
  }
  const seeds = fs.map((v, i) => {
    const g = asTensor(vs[i]!, `Lop: eval point ${i}`);
    if (g.ndim !== v.ndim) throw new TypeError(`Lop: eval point ${i} must have the shape of ${describeVariable(v)}, got ${describeVariable(g)}`);
    return { variable: v, grad: g };
  });
  const ws = checkWrt(wrt, 'Lop');
  const out = reverse(seeds, ws, 0, { ...options, caller: 'Lop' }, zerosLike);
  return Array.isArray(wrt) ? out : out[0]!;
}
