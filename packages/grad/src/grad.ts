/** `grad` and `Lop`: reverse-mode differentiation, as Theano's `T.grad` and `T.Lop`. */
import { T, TensorVariable, ComplexVariable, asTensor, checkOptionNames, sparse, shapeToString, type DType, type TensorLike } from '@sym/graph';
import { checkEvalPoint } from './eval-points.js';
import { fullSparseGrad } from './sparse-full-grad.js';
import { checkPolicy, describeValue, describeVariable, rankName, reverse, type DisconnectedPolicy, type ReverseOptions, type Seed } from './reverse.js';

/** Options of {@link grad} (Theano's `consider_constant`, `disconnected_inputs`, `known_grads`). */
export interface GradOptions {
  /** Variables treated as constants: no gradient flows through them to what they are computed from. */
  readonly considerConstant?: readonly TensorVariable[];
  /** What to do when the cost does not depend on a variable in `wrt`: raise (default), warn, or ignore; the last two return zeros. */
  readonly disconnectedInputs?: DisconnectedPolicy;
  /**
   * Gradients already known for some variables (Theano's `known_grads`):
   * a known gradient is its variable's whole gradient, replacing what the
   * cost would send it (the cost's own 1 included, when the cost is a key);
   * with a null cost they are the only source.
   */
  readonly knownGrads?: ReadonlyMap<TensorVariable, TensorLike> | readonly (readonly [TensorVariable, TensorLike])[];
}

/** `wrt` (or, with `what = 'f'`, the expressions of Lop and Rop) as a non-empty list of variables; otherwise an error naming the argument. */
export function checkWrt(wrt: unknown, caller: string, what: 'wrt' | 'f' = 'wrt'): TensorVariable[] {
  const list = Array.isArray(wrt) ? (wrt as unknown[]) : [wrt];
  if (list.length === 0) {
    throw new TypeError(`${caller}: ${what} is an empty list; pass the ${what === 'f' ? 'expressions to differentiate' : 'variables to differentiate with respect to'}`);
  }
  return list.map((w, i) => {
    if (!(w instanceof TensorVariable)) {
      throw new TypeError(`${caller}: ${what}${Array.isArray(wrt) ? `[${i}]` : ''} must be a symbolic variable, got ${w === null ? 'null' : typeof w}`);
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

const GRAD_OPTIONS = ['considerConstant', 'disconnectedInputs', 'knownGrads'] as const satisfies readonly (keyof GradOptions)[];
/** The options of Lop, jacobian, hessian, Rop and hessianVectorProduct. */
export const REVERSE_OPTIONS = ['considerConstant', 'disconnectedInputs'] as const satisfies readonly (keyof LopOptions)[];

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
/** With respect to a sparse variable (`sym.sparse`): structured, as Theano's sparse ops' gradients: a sparse variable of its pattern holding the derivative with respect to each stored value; where the cost multiplies it by `sparse.trueDot`, full there (Theano's TrueDot). */
export function grad(cost: TensorVariable | null, wrt: sparse.SparseVariable, options?: GradOptions): sparse.SparseVariable;
export function grad(cost: TensorVariable | null, wrt: readonly (TensorVariable | sparse.SparseVariable)[], options?: GradOptions): (TensorVariable | sparse.SparseVariable)[];
/**
 * With respect to a complex variable (T.cvector ...): Theano's convention for a
 * real cost C, dC/dRe(z) + i dC/dIm(z), a complex variable of z's dtype
 * (the direction of steepest ascent in the plane: z - lr * grad descends).
 */
export function grad(cost: TensorVariable | null, wrt: ComplexVariable, options?: GradOptions): ComplexVariable;
export function grad(cost: TensorVariable | null, wrt: readonly (TensorVariable | sparse.SparseVariable | ComplexVariable)[], options?: GradOptions): (TensorVariable | sparse.SparseVariable | ComplexVariable)[];
export function grad(
  cost: TensorVariable | null,
  wrt: TensorVariable | sparse.SparseVariable | ComplexVariable | readonly (TensorVariable | sparse.SparseVariable | ComplexVariable)[],
  options: GradOptions = {},
): TensorVariable | sparse.SparseVariable | ComplexVariable | (TensorVariable | sparse.SparseVariable | ComplexVariable)[] {
  checkOptionNames(options, 'grad', GRAD_OPTIONS);
  if ((cost as unknown) instanceof ComplexVariable) {
    throw new TypeError(`grad: the cost must be a real scalar, got the complex ${String(cost)}; take a real quantity of it (T.real, sym.complex.abs, ...)`);
  }
  const given = Array.isArray(wrt) ? (wrt as readonly unknown[]) : [wrt];
  // a sparse variable's values are its data: their gradient, in its pattern; a complex variable is its two parts
  const dense = given.flatMap((w) => (sparse.isSparse(w) ? [w.data] : w instanceof ComplexVariable ? [w.re, w.im] : [w]));
  const grads = gradientOf(cost, checkWrt(Array.isArray(wrt) || dense.length > 1 ? dense : dense[0], 'grad'), options, 'grad');
  let at = 0;
  // the seeds' graphs: where a trueDot's full view of a sparse wrt may be
  const ends = [cost, ...knownGradPairs(options.knownGrads, 'grad').map(([v]) => v)].filter((v): v is TensorVariable => v instanceof TensorVariable);
  const differentiate = (ws: readonly TensorVariable[], constants: readonly TensorVariable[]) =>
    gradientOf(cost, ws, { ...options, considerConstant: [...(options.considerConstant ?? []), ...constants], disconnectedInputs: 'ignore' }, 'grad');
  const out = given.map((w) => {
    const g = grads[at++]!;
    if (w instanceof ComplexVariable) return new ComplexVariable(g, grads[at++]!);
    return sparse.isSparse(w) ? (fullSparseGrad(w, ends, differentiate) ?? w.withData(g)) : g;
  });
  return Array.isArray(wrt) ? out : out[0]!;
}

/** A knownGrads value checked against its variable: same rank, and the same length wherever both are known at build time. */
function knownGradSeed(v: unknown, g: TensorLike, caller: string): Seed {
  if (!(v instanceof TensorVariable)) throw new TypeError(`${caller}: knownGrads keys must be symbolic variables, got ${v === null ? 'null' : typeof v}`);
  const gv = asTensor(g, `${caller}: knownGrads value for ${v.toString()}`);
  if (gv.ndim !== v.ndim) {
    throw new TypeError(`${caller}: the knownGrads value for ${v.toString()} must be a ${rankName(v.ndim)} like ${describeVariable(v)}, got ${describeVariable(gv)}`);
  }
  const clash = v.staticShape.findIndex((n, d) => {
    const m = gv.staticShape[d];
    return n !== null && m !== null && m !== undefined && m !== n && !gv.broadcastable[d];
  });
  if (clash >= 0) {
    throw new RangeError(
      `${caller}: knownGrads gives ${v.toString()} a gradient of shape ${shapeToString(gv.staticShape)}, but ${v.toString()} has shape ${shapeToString(v.staticShape)} ` +
        `(dimension ${clash} differs)`,
    );
  }
  return { variable: v, grad: gv };
}

/** The pairs of a `knownGrads` option (a Map or a list of pairs); otherwise an error naming what came. */
function knownGradPairs(known: unknown, caller: string): (readonly [unknown, TensorLike])[] {
  if (known === undefined) return [];
  if (known instanceof Map) return [...(known as Map<unknown, TensorLike>)];
  if (!Array.isArray(known)) throw new TypeError(`${caller}: knownGrads must be a Map or a list of [variable, gradient] pairs, got ${describeValue(known)}`);
  return known.map((pair: unknown, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${caller}: knownGrads[${i}] must be a [variable, gradient] pair, got ${describeValue(pair)}`);
    return pair as unknown as readonly [unknown, TensorLike];
  });
}

/** `grad` for `caller` (hessian, hessianVectorProduct and jacobian call it under their own names). */
export function gradientOf(cost: TensorVariable | null, ws: readonly TensorVariable[], options: GradOptions, caller: string): TensorVariable[] {
  checkPolicy(options.disconnectedInputs, caller);
  const seeds: Seed[] = [];
  const known = knownGradPairs(options.knownGrads, caller);
  if (cost !== null) {
    const c = checkScalarCost(cost, caller);
    if (!known.some(([v]) => v === c)) seeds.push({ variable: c, grad: T.constant(1, { dtype: c.dtype }) });
  }
  for (const [v, g] of known) seeds.push({ ...knownGradSeed(v, g, caller), replaces: true });
  if (seeds.length === 0) throw new TypeError(`${caller}: the cost is null and no knownGrads were given: there is nothing to differentiate`);
  return reverse(seeds, ws, 0, { considerConstant: options.considerConstant, disconnectedInputs: options.disconnectedInputs, caller }, zerosLike);
}

/** Options of {@link Lop}; as {@link GradOptions} without known gradients. */
export interface LopOptions {
  /** Variables treated as constants: no gradient flows through them to what they are computed from. */
  readonly considerConstant?: readonly TensorVariable[];
  /** What to do when a `wrt` variable is not connected to the expressions: raise (default), warn, or ignore; the last two give zeros. */
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
  checkOptionNames(options, 'Lop', REVERSE_OPTIONS);
  const fs = checkWrt(f, 'Lop', 'f');
  const vs = Array.isArray(f) ? (evalPoints as readonly TensorLike[]) : [evalPoints as TensorLike];
  if (!Array.isArray(vs) || vs.length !== fs.length) {
    throw new TypeError(`Lop: expected ${fs.length} eval point(s), one per expression, got ${Array.isArray(vs) ? vs.length : typeof vs}`);
  }
  const seeds = fs.map((v, i) => {
    const g = asTensor(vs[i]!, `Lop: eval point ${i}`);
    const fName = `f${fs.length > 1 ? `[${i}]` : ''}`;
    if (g.ndim !== v.ndim) throw new TypeError(`Lop: eval point ${i} must be a ${rankName(v.ndim)} like ${fName}, ${describeVariable(v)}; got ${g.toString()} (${rankName(g.ndim)})`);
    return { variable: v, grad: checkEvalPoint(g, v, 'Lop', `eval point ${i} (${g.toString()})`, `${fName}, ${v.toString()}`) };
  });
  const out = vectorJacobian(seeds, checkWrt(wrt, 'Lop'), { ...options, caller: 'Lop', subject: fs.length > 1 ? 'f (every expression)' : 'f' });
  return Array.isArray(wrt) ? out : out[0]!;
}

/** The reverse pass behind Lop, for callers that checked their own arguments (Rop, hessianVectorProduct). */
export function vectorJacobian(seeds: readonly Seed[], ws: readonly TensorVariable[], options: ReverseOptions): TensorVariable[] {
  checkPolicy(options.disconnectedInputs, options.caller);
  return reverse(seeds, ws, 0, options, zerosLike);
}
