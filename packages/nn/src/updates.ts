/**
 * Parameter updates for `sym.function(..., { updates })`: gradient descent
 * with the tutorial's momentum, plain SGD, Lasagne's (classical) momentum,
 * Nesterov momentum, Adam, Adamax, and
 * Lasagne's adagrad, rmsprop and adadelta (lstm.py's). Each
 * returns a list of (shared variable, new value) pairs; optimizer state
 * (steps, moments) lives in new shared variables, so it stays on the device
 * between calls like the parameters do.
 *
 * float16 parameters are updated in float32: their optimizer state is
 * float32, each new value is computed in float32 and rounded to float16 once.
 * In float16 itself Adam's epsilon (1e-8) is 0, so a zero gradient divides
 * 0 by 0; a gradient above 256 squares to infinity; a step counter stops at
 * 2048; and small `learningRate * grad` products round to 0.
 *
 * As Lasagne's, every rule takes the cost or the gradients themselves (to
 * clip them first with {@link totalNormConstraint}), and a learning rate
 * that is a number or a symbolic scalar (a shared variable, for a schedule).
 * Weight decay is a term of the cost, `cost.add(regularizeNetworkParams(net, l2).mul(1e-4))`,
 * on the weights the term names (an L2 penalty: with `adam` not AdamW's
 * decoupled decay, since the penalty's gradient is rescaled too); to freeze a parameter, leave it out of
 * `params`; parameter groups with their own rates are one rule per group,
 * their updates concatenated. A max-norm constraint ({@link normConstraint})
 * rewrites a parameter's new value in the returned pairs.
 */
import { NDArray, T, TensorSharedVariable, TensorVariable, checkOptionNames, isFloat, isInt, nameInError, shared, type DType } from '@sym/graph';
import { grad } from '@sym/grad';
import { describeParamsArgument } from './sequential.js';

/** One update of a training function: a shared variable and its new value (sym.function's `updates`). */
export type Update = [TensorSharedVariable, TensorVariable];

/**
 * A learning rate: a positive number, or a symbolic scalar read at every
 * call, as Lasagne takes one: a shared variable a schedule sets between
 * calls (`lr.setValue(0.01)`), or an expression of one.
 */
export type LearningRate = number | TensorVariable;

/**
 * What the rules differentiate: the scalar cost, or the gradients
 * themselves, one per parameter in its order (Lasagne's `loss_or_grads`),
 * e.g. clipped by {@link totalNormConstraint}.
 */
export type CostOrGradients = TensorVariable | readonly TensorVariable[];

function checkParams(params: readonly TensorSharedVariable[], what: string): void {
  if (!Array.isArray(params) || params.length === 0) throw new TypeError(`${what}: params must be a non-empty list of shared variables, got ${describeParamsArgument(params)}`);
  params.forEach((p, i) => {
    if (!(p instanceof TensorSharedVariable)) throw new TypeError(`${what}: params[${i}] must be a shared variable, got ${String(p)}`);
    // an integer parameter would take the step truncated, silently (0.9 - 0.1 g is 0 in int64)
    if (!isFloat(p.dtype)) throw new TypeError(`${what}: params[${i}] ${p} must be a float shared variable, got dtype ${p.dtype}`);
    // two updates of one variable, which sym.function would refuse without saying where they came from
    const first = params.indexOf(p);
    if (first !== i) throw new TypeError(`${what}: params[${i}] ${p} is params[${first}] again: list each parameter once`);
  });
}

function checkNumber(value: unknown, name: string, what: string, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    // a string or an options object shows as what it is: '"0.1"', not 0.1; '{"learningRate":0.1}', not [object Object]
    const got = typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value)) ? (JSON.stringify(value) ?? String(value)) : String(value);
    throw new RangeError(`${what}: ${name} must be ${expected}, got ${got}`);
  }
  return value;
}

/** A number checked by {@link checkNumber}, or a symbolic scalar of a numeric dtype. */
function checkRate(value: unknown, name: string, what: string): LearningRate {
  if (value instanceof TensorVariable) {
    if (value.ndim !== 0 || !(isFloat(value.dtype) || isInt(value.dtype))) {
      throw new TypeError(`${what}: ${name} must be a positive number or a symbolic scalar, got ${value.toString()} of type ${value.type}`);
    }
    return value;
  }
  return checkNumber(value, name, what, (v) => v > 0, 'a positive number');
}

function gradients(costOrGrads: CostOrGradients, params: readonly TensorSharedVariable[], what: string): TensorVariable[] {
  if (Array.isArray(costOrGrads)) {
    const grads = costOrGrads as readonly unknown[];
    if (grads.length !== params.length) throw new TypeError(`${what}: ${grads.length} gradients were given for ${params.length} params`);
    return grads.map((g, i) => {
      const p = params[i]!;
      if (!(g instanceof TensorVariable)) throw new TypeError(`${what}: gradients[${i}] must be a symbolic tensor, got ${String(g)}`);
      if (g.ndim !== p.ndim) throw new TypeError(`${what}: gradients[${i}] ${g} of type ${g.type} does not match params[${i}] ${p} of type ${p.type}`);
      return g;
    });
  }
  const cost = costOrGrads as TensorVariable;
  if (!(cost instanceof TensorVariable) || cost.ndim !== 0) {
    throw new TypeError(`${what}: cost must be a scalar (or a list of gradients, one per param), got ${String(cost)}${cost instanceof TensorVariable ? ` of type ${cost.type}` : ''}`);
  }
  return grad(cost, [...params]);
}

/** The dtype a parameter's update is computed and its optimizer state kept in: float32 for float16, else its own. */
function updateDType(dtype: DType): DType {
  return dtype === 'float16' ? 'float32' : dtype;
}

/** Optimizer state for `param`: zeros of its shape and broadcastable pattern, in its {@link updateDType}. */
function zerosLike(param: TensorSharedVariable, role: string): TensorSharedVariable {
  return shared(NDArray.zeros(param.valueShape, updateDType(param.dtype)), {
    name: `${param.name ?? 'param'}.${role}`,
    broadcastable: param.broadcastable,
    borrow: true,
  });
}

/**
 * `value` as a constant of `dtype` (a symbolic rate cast to it). A bare
 * number literal is stored in `config.floatX` before it meets the other
 * operand, so under floatX=float16 a float32 update would use 1e-8 as 0 and
 * 0.999 as 0.99902.
 */
function scalar(value: number | TensorVariable, dtype: DType): TensorVariable {
  return value instanceof TensorVariable ? value.astype(dtype) : T.constant(value, { dtype });
}

/**
 * The tutorial's `gradient_updates_momentum`: each parameter moves by the
 * previous step, `param - learningRate * step`, and the step becomes
 * `momentum * step + (1 - momentum) * grad(cost, param)`.
 */
export function gradientUpdatesMomentum(cost: CostOrGradients, params: readonly TensorSharedVariable[], learningRate: LearningRate, momentum: number): Update[] {
  const what = 'gradientUpdatesMomentum';
  checkParams(params, what);
  checkRate(learningRate, 'learningRate', what);
  checkNumber(momentum, 'momentum', what, (v) => v >= 0 && v < 1, 'at least 0 and less than 1 (0 is plain gradient descent)');
  const grads = gradients(cost, params, what);
  const updates: Update[] = [];
  params.forEach((param, i) => {
    const step = zerosLike(param, 'update');
    const d = step.dtype;
    updates.push([param, param.astype(d).sub(step.mul(scalar(learningRate, d))).astype(param.dtype)]);
    updates.push([step, step.mul(scalar(momentum, d)).add(grads[i]!.astype(d).mul(scalar(1 - momentum, d)))]);
  });
  return updates;
}

/** Plain gradient descent: `param - learningRate * grad`. */
export function sgd(cost: CostOrGradients, params: readonly TensorSharedVariable[], learningRate: LearningRate): Update[] {
  const what = 'sgd';
  checkParams(params, what);
  checkRate(learningRate, 'learningRate', what);
  const grads = gradients(cost, params, what);
  return params.map((param, i): Update => {
    const d = updateDType(param.dtype);
    return [param, param.astype(d).sub(grads[i]!.astype(d).mul(scalar(learningRate, d))).astype(param.dtype)];
  });
}

/**
 * Lasagne's `momentum`, classical (Polyak's heavy-ball) momentum:
 * `v' = momentum * v - learningRate * grad`, `param' = param + v'`. Unlike
 * the tutorial's {@link gradientUpdatesMomentum}, the first step moves the
 * parameters, and the gradient is not scaled by `1 - momentum`.
 */
export function momentum(cost: CostOrGradients, params: readonly TensorSharedVariable[], learningRate: LearningRate, momentum = 0.9): Update[] {
  return withMomentum('momentum', cost, params, learningRate, momentum, false);
}

/**
 * Nesterov momentum in its usual reformulation (Sutskever et al. 2013, as
 * Lasagne writes it): `v' = momentum * v - learningRate * grad`, then
 * `param' = param + momentum * v' - learningRate * grad`.
 */
export function nesterovMomentum(cost: CostOrGradients, params: readonly TensorSharedVariable[], learningRate: LearningRate, momentum = 0.9): Update[] {
  return withMomentum('nesterovMomentum', cost, params, learningRate, momentum, true);
}

/** `v' = momentum * v - lr * grad`, then `param + v'` (classical) or `param + momentum * v' - lr * grad` (Nesterov). */
function withMomentum(what: string, cost: CostOrGradients, params: readonly TensorSharedVariable[], learningRate: LearningRate, momentum: number, nesterov: boolean): Update[] {
  checkParams(params, what);
  checkRate(learningRate, 'learningRate', what);
  checkNumber(momentum, 'momentum', what, (v) => v >= 0 && v < 1, 'at least 0 and less than 1');
  const grads = gradients(cost, params, what);
  const updates: Update[] = [];
  params.forEach((param, i) => {
    const velocity = zerosLike(param, 'velocity');
    const d = velocity.dtype;
    const g = grads[i]!.astype(d).mul(scalar(learningRate, d));
    const next = velocity.mul(scalar(momentum, d)).sub(g);
    updates.push([velocity, next]);
    updates.push([param, (nesterov ? param.astype(d).add(next.mul(scalar(momentum, d))).sub(g) : param.astype(d).add(next)).astype(param.dtype)]);
  });
  return updates;
}

/** Options of {@link adam} (and {@link adamax}); the defaults are Lasagne's and the paper's. */
export interface AdamOptions {
  /** The step size (default 0.001 for adam, 0.002 for adamax). */
  learningRate?: LearningRate;
  /** Decay of the first-moment (mean) estimate; default 0.9. */
  beta1?: number;
  /** Decay of the second-moment estimate; default 0.999. */
  beta2?: number;
  /** Added to the denominator's square root; default 1e-8. */
  epsilon?: number;
}

/**
 * Adam (Kingma & Ba 2015) in the form of their section 2, the bias
 * corrections folded into the step size, as Lasagne and Keras write it:
 * `t' = t + 1`, `m' = b1 m + (1 - b1) g`, `v' = b2 v + (1 - b2) g^2`,
 * `param' = param - lr sqrt(1 - b2^t') / (1 - b1^t') * m' / (sqrt(v') + eps)`.
 * `epsilon` is the paper's ε̂: this is Algorithm 1 (PyTorch's `Adam`,
 * `m̂ / (sqrt(v̂) + eps)`) with its eps equal to `epsilon / sqrt(1 - b2^t')`,
 * so the two differ only while `sqrt(v̂)` is not large next to eps.
 */
export function adam(cost: CostOrGradients, params: readonly TensorSharedVariable[], options: AdamOptions = {}): Update[] {
  const { learningRate, beta1, beta2, epsilon, t, tNext } = adamState('adam', params, options, 0.001);
  const grads = gradients(cost, params, 'adam');
  const td = t.dtype;
  const stepSize = T.sqrt(T.sub(1, T.pow(scalar(beta2, td), tNext)))
    .div(T.sub(1, T.pow(scalar(beta1, td), tNext)))
    .mul(scalar(learningRate, td));
  const updates: Update[] = [[t, tNext]];
  params.forEach((param, i) => {
    const m = zerosLike(param, 'adam.m');
    const v = zerosLike(param, 'adam.v');
    const d = m.dtype;
    const g = grads[i]!.astype(d);
    const mNext = m.mul(scalar(beta1, d)).add(g.mul(scalar(1 - beta1, d)));
    const vNext = v.mul(scalar(beta2, d)).add(g.mul(g).mul(scalar(1 - beta2, d)));
    updates.push([m, mNext], [v, vNext]);
    const next = param.astype(d).sub(mNext.mul(stepSize.astype(d)).div(T.sqrt(vNext).add(scalar(epsilon, d))));
    updates.push([param, next.astype(param.dtype)]);
  });
  return updates;
}

/**
 * Adam's and Adamax's options checked (`learningRate` defaulting to
 * `defaultRate`), and their step counter `t`, with `t + 1`.
 */
function adamState(what: string, params: readonly TensorSharedVariable[], options: AdamOptions, defaultRate: number) {
  checkOptionNames(options, what, ['learningRate', 'beta1', 'beta2', 'epsilon']);
  const { learningRate = defaultRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = options;
  checkParams(params, what);
  checkRate(learningRate, 'learningRate', what);
  checkNumber(beta1, 'beta1', what, (v) => v >= 0 && v < 1, 'at least 0 and less than 1');
  checkNumber(beta2, 'beta2', what, (v) => v >= 0 && v < 1, 'at least 0 and less than 1');
  checkNumber(epsilon, 'epsilon', what, (v) => v > 0, 'a positive number');
  const stateDTypes = params.map((p) => updateDType(p.dtype));
  // epsilon is added in the state's dtype: there it must not round to 0, or a zero gradient gives 0 / 0.
  if (stateDTypes.includes('float32') && Math.fround(epsilon) === 0) {
    throw new RangeError(`${what}: epsilon ${epsilon} rounds to 0 in float32, the dtype of the update; use at least 1e-45`);
  }
  // The step counter in the widest state dtype: it counts exactly to 2^24 steps in float32, 2^53 in float64.
  const td = stateDTypes.includes('float64') ? 'float64' : stateDTypes[0]!;
  const t = shared(NDArray.zeros([], td), { name: `${what}.t`, borrow: true });
  return { learningRate, beta1, beta2, epsilon, t, tNext: t.add(1) };
}

/** Options of {@link adamax}: {@link AdamOptions}, with Lasagne's default learning rate of 0.002. */
export type AdamaxOptions = AdamOptions;

/**
 * Adamax (Kingma & Ba 2015, section 7.1, as Lasagne writes it), Adam with
 * the infinity norm in place of the second moment: `t' = t + 1`,
 * `m' = b1 m + (1 - b1) g`, `u' = max(b2 u, |g|)`,
 * `param' = param - lr / (1 - b1^t') * m' / (u' + eps)`. Defaults as
 * Lasagne's: learningRate 0.002, beta1 0.9, beta2 0.999, epsilon 1e-8.
 */
export function adamax(cost: CostOrGradients, params: readonly TensorSharedVariable[], options: AdamaxOptions = {}): Update[] {
  const { learningRate, beta1, beta2, epsilon, t, tNext } = adamState('adamax', params, options, 0.002);
  const grads = gradients(cost, params, 'adamax');
  const td = t.dtype;
  const stepSize = scalar(learningRate, td).div(T.sub(1, T.pow(scalar(beta1, td), tNext)));
  const updates: Update[] = [[t, tNext]];
  params.forEach((param, i) => {
    const m = zerosLike(param, 'adamax.m');
    const u = zerosLike(param, 'adamax.u');
    const d = m.dtype;
    const g = grads[i]!.astype(d);
    const mNext = m.mul(scalar(beta1, d)).add(g.mul(scalar(1 - beta1, d)));
    const uNext = T.maximum(u.mul(scalar(beta2, d)), T.abs(g));
    updates.push([m, mNext], [u, uNext]);
    const next = param.astype(d).sub(mNext.mul(stepSize.astype(d)).div(uNext.add(scalar(epsilon, d))));
    updates.push([param, next.astype(param.dtype)]);
  });
  return updates;
}

/** Options of {@link adagrad}, {@link rmsprop} and {@link adadelta} (Lasagne's names and defaults). */
export interface AdaptiveOptions {
  /** Default 1 (Lasagne's). */
  learningRate?: LearningRate;
  /** rmsprop and adadelta: how much of the running averages each step keeps; default 0.9 (rmsprop), 0.95 (adadelta). */
  rho?: number;
  /** Added under the square roots; default 1e-6. */
  epsilon?: number;
}

function adaptive(what: string, params: readonly TensorSharedVariable[], options: AdaptiveOptions, rhoDefault: number | null): Required<AdaptiveOptions> {
  checkOptionNames(options, what, rhoDefault === null ? ['learningRate', 'epsilon'] : ['learningRate', 'rho', 'epsilon']);
  const { learningRate = 1, rho = rhoDefault ?? 0, epsilon = 1e-6 } = options;
  checkParams(params, what);
  checkRate(learningRate, 'learningRate', what);
  if (rhoDefault !== null) checkNumber(rho, 'rho', what, (v) => v >= 0 && v < 1, 'at least 0 and less than 1');
  checkNumber(epsilon, 'epsilon', what, (v) => v > 0 && Math.fround(v) > 0, 'a positive number that float32 holds');
  return { learningRate, rho, epsilon };
}

/**
 * The step adagrad and rmsprop share: `param' = param - lr g / sqrt(a' + eps)`,
 * with `a'` the accumulated squared gradients `accumulate(a, g^2)` gives.
 */
function byRootMeanSquare(
  what: string,
  cost: CostOrGradients,
  params: readonly TensorSharedVariable[],
  { learningRate, epsilon }: Required<AdaptiveOptions>,
  accumulate: (a: TensorVariable, g2: TensorVariable, d: DType) => TensorVariable,
): Update[] {
  const grads = gradients(cost, params, what);
  return params.flatMap((param, i): Update[] => {
    const a = zerosLike(param, `${what}.accu`);
    const d = a.dtype;
    const g = grads[i]!.astype(d);
    const aNext = accumulate(a, g.mul(g), d);
    const next = param.astype(d).sub(g.mul(scalar(learningRate, d)).div(T.sqrt(aNext.add(scalar(epsilon, d)))));
    return [
      [a, aNext],
      [param, next.astype(param.dtype)],
    ];
  });
}

/** Adagrad (Duchi et al. 2011, as Lasagne writes it): `a' = a + g^2`, `param' = param - lr g / sqrt(a' + eps)`. */
export function adagrad(cost: CostOrGradients, params: readonly TensorSharedVariable[], options: AdaptiveOptions = {}): Update[] {
  return byRootMeanSquare('adagrad', cost, params, adaptive('adagrad', params, options, null), (a, g2) => a.add(g2));
}

/** RMSProp (Tieleman & Hinton 2012, as Lasagne writes it): `a' = rho a + (1 - rho) g^2`, `param' = param - lr g / sqrt(a' + eps)`. */
export function rmsprop(cost: CostOrGradients, params: readonly TensorSharedVariable[], options: AdaptiveOptions = {}): Update[] {
  const o = adaptive('rmsprop', params, options, 0.9);
  return byRootMeanSquare('rmsprop', cost, params, o, (a, g2, d) => a.mul(scalar(o.rho, d)).add(g2.mul(scalar(1 - o.rho, d))));
}

/**
 * Adadelta (Zeiler 2012, as Lasagne and lstm.py write it):
 * `a' = rho a + (1 - rho) g^2`, `u = g sqrt(d + eps) / sqrt(a' + eps)`,
 * `param' = param - lr u`, `d' = rho d + (1 - rho) u^2`.
 */
export function adadelta(cost: CostOrGradients, params: readonly TensorSharedVariable[], options: AdaptiveOptions = {}): Update[] {
  const { learningRate, rho, epsilon } = adaptive('adadelta', params, options, 0.95);
  const grads = gradients(cost, params, 'adadelta');
  return params.flatMap((param, i): Update[] => {
    const a = zerosLike(param, 'adadelta.accu');
    const delta = zerosLike(param, 'adadelta.delta');
    const d = a.dtype;
    const g = grads[i]!.astype(d);
    const eps = scalar(epsilon, d);
    const aNext = a.mul(scalar(rho, d)).add(g.mul(g).mul(scalar(1 - rho, d)));
    const u = g.mul(T.sqrt(delta.add(eps))).div(T.sqrt(aNext.add(eps)));
    return [
      [a, aNext],
      [param, param.astype(d).sub(u.mul(scalar(learningRate, d))).astype(param.dtype)],
      [delta, delta.mul(scalar(rho, d)).add(u.mul(u).mul(scalar(1 - rho, d)))],
    ];
  });
}

/**
 * Lasagne's `total_norm_constraint`, gradient clipping by global norm: the
 * tensors (gradients, one per parameter) scaled together so that their
 * norm as one vector, `sqrt(sum of every element squared)`, is at most
 * `maxNorm`. Each is multiplied by `min(norm, maxNorm) / (norm + epsilon)`
 * (`epsilon` default 1e-7), which keeps their direction. Give the result to
 * a rule in place of the cost: `adam(totalNormConstraint(grad(cost, params), 5), params)`.
 * The norm is summed in float32 for float16 tensors; each result keeps its tensor's dtype.
 */
export function totalNormConstraint(tensors: readonly TensorVariable[], maxNorm: number, options: { epsilon?: number } = {}): TensorVariable[] {
  const what = 'totalNormConstraint';
  checkOptionNames(options, what, ['epsilon']);
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError(`${what}: tensors must be a non-empty list of symbolic tensors`);
  tensors.forEach((t: unknown, i) => {
    if (!(t instanceof TensorVariable) || !isFloat(t.dtype)) {
      throw new TypeError(`${what}: tensors[${i}] must be a float tensor, got ${String(t)}${t instanceof TensorVariable ? ` of type ${t.type}` : ''}`);
    }
  });
  checkNumber(maxNorm, 'maxNorm', what, (v) => v > 0, 'a positive number');
  const epsilon = checkNumber(options.epsilon ?? 1e-7, 'epsilon', what, (v) => v > 0, 'a positive number');
  const d: DType = tensors.some((t) => t.dtype === 'float64') ? 'float64' : 'float32';
  const norm = T.sqrt(tensors.map((t) => T.sum(T.sqr(t.astype(d)))).reduce((a, b) => a.add(b)));
  const multiplier = T.minimum(norm, scalar(maxNorm, d)).div(norm.add(scalar(epsilon, d)));
  return tensors.map((t) => t.mul(multiplier.astype(t.dtype)));
}

/** Lasagne's default norm axes for a weight of `ndim` dimensions: the inputs of each unit of a dense layer, each filter of a convolution. */
function defaultNormAxes(ndim: number): number[] | undefined {
  if (ndim === 2) return [0]; // Dense's (nInput, nOutput): one norm per output unit
  if (ndim >= 3 && ndim <= 5) return Array.from({ length: ndim - 1 }, (_, i) => i + 1); // (filters, channels, ...): one norm per filter
  return undefined;
}

/**
 * Lasagne's `norm_constraint` (max-norm regularisation, Srivastava et al.
 * 2014): `tensorVar` rescaled so that its norms along `normAxes`,
 * `sqrt(sum(x^2))` over those axes, are at most `maxNorm`; each slice is
 * multiplied by `min(norm, maxNorm) / (norm + epsilon)` (`epsilon` default
 * 1e-7). The default axes are Lasagne's: `[0]` for a matrix (a `Dense`'s W,
 * (nInput, nOutput): each unit's incoming weights), all but the first for
 * 3 to 5 dimensions (convolution filters, one norm per filter); other
 * ranks, and the tutorial's `Layer` (W is (nOutput, nInput): `[1]`), give
 * `normAxes`. Applied to a parameter's new value in the updates:
 * `updates.map(([v, e]) => [v, v === dense.W ? normConstraint(e, 3) : e])`.
 * Computed in float32 for float16; the result keeps the tensor's dtype.
 */
export function normConstraint(tensorVar: TensorVariable, maxNorm: number, options: { normAxes?: readonly number[]; epsilon?: number } = {}): TensorVariable {
  const what = 'normConstraint';
  checkOptionNames(options, what, ['normAxes', 'epsilon']);
  if (!(tensorVar instanceof TensorVariable) || !isFloat(tensorVar.dtype)) {
    throw new TypeError(`${what}: tensorVar must be a float tensor, got ${tensorVar instanceof TensorVariable ? `${nameInError(tensorVar)} of type ${tensorVar.type}` : String(tensorVar)}`);
  }
  checkNumber(maxNorm, 'maxNorm', what, (v) => v > 0, 'a positive number');
  const epsilon = checkNumber(options.epsilon ?? 1e-7, 'epsilon', what, (v) => v > 0, 'a positive number');
  const ndim = tensorVar.ndim;
  let axes: number[];
  if (options.normAxes === undefined) {
    const defaults = defaultNormAxes(ndim);
    if (defaults === undefined) {
      throw new TypeError(`${what}: tensorVar ${nameInError(tensorVar)} has ${ndim} dimensions; the default normAxes are for 2 (a Dense's W) to 5 (convolution filters): give normAxes`);
    }
    axes = defaults;
  } else {
    const given: unknown = options.normAxes;
    if (!Array.isArray(given) || given.length === 0 || !given.every((a) => Number.isInteger(a) && a >= -ndim && a < ndim)) {
      throw new RangeError(`${what}: normAxes must be a non-empty list of axes of tensorVar ${nameInError(tensorVar)} (${ndim} dimensions: integers in [${-ndim}, ${ndim})), got ${JSON.stringify(given) ?? String(given)}`);
    }
    axes = (given as number[]).map((a) => (a < 0 ? a + ndim : a));
    if (new Set(axes).size !== axes.length) throw new RangeError(`${what}: normAxes ${JSON.stringify(given)} names an axis twice`);
  }
  const d = updateDType(tensorVar.dtype);
  const x = tensorVar.astype(d);
  const norms = T.sqrt(T.sum(T.sqr(x), { axis: axes, keepdims: true }));
  const target = T.minimum(norms, scalar(maxNorm, d));
  return x.mul(target.div(norms.add(scalar(epsilon, d)))).astype(tensorVar.dtype);
}
