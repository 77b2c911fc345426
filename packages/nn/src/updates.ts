/**
 * Parameter updates for `sym.function(..., { updates })`: gradient descent
 * with the tutorial's momentum, plain SGD, Nesterov momentum and Adam. Each
 * returns a list of (shared variable, new value) pairs; optimizer state
 * (steps, moments) lives in new shared variables, so it stays on the device
 * between calls like the parameters do.
 */
import { NDArray, T, TensorSharedVariable, shared, type TensorVariable } from '@sym/graph';
import { grad } from '@sym/grad';

export type Update = [TensorSharedVariable, TensorVariable];

function checkParams(params: readonly TensorSharedVariable[], what: string): void {
  if (!Array.isArray(params) || params.length === 0) throw new TypeError(`${what}: params must be a non-empty list of shared variables`);
  params.forEach((p, i) => {
    if (!(p instanceof TensorSharedVariable)) throw new TypeError(`${what}: params[${i}] must be a shared variable, got ${String(p)}`);
  });
}

function checkNumber(value: unknown, name: string, what: string, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new RangeError(`${what}: ${name} must be ${expected}, got ${String(value)}`);
  }
  return value;
}

function gradients(cost: TensorVariable, params: readonly TensorSharedVariable[], what: string): TensorVariable[] {
  if (cost.ndim !== 0) throw new TypeError(`${what}: cost must be a scalar, got ${cost.toString()} of type ${cost.type}`);
  return grad(cost, [...params]);
}

/** A shared variable of zeros with the type (dtype, broadcastable) of `param`: optimizer state. */
function zerosLike(param: TensorSharedVariable, role: string): TensorSharedVariable {
  return shared(NDArray.zeros(param.valueShape, param.dtype), {
    name: `${param.name ?? 'param'}.${role}`,
    broadcastable: param.broadcastable,
    borrow: true,
  });
}

/**
 * The tutorial's `gradient_updates_momentum`: each parameter moves by the
 * previous step, `param - learningRate * step`, and the step becomes
 * `momentum * step + (1 - momentum) * grad(cost, param)`.
 */
export function gradientUpdatesMomentum(cost: TensorVariable, params: readonly TensorSharedVariable[], learningRate: number, momentum: number): Update[] {
  const what = 'gradientUpdatesMomentum';
  checkParams(params, what);
  checkNumber(learningRate, 'learningRate', what, (v) => v > 0, 'a positive number');
  checkNumber(momentum, 'momentum', what, (v) => v >= 0 && v < 1, 'at least 0 and less than 1 (0 is plain gradient descent)');
  const grads = gradients(cost, params, what);
  const updates: Update[] = [];
  params.forEach((param, i) => {
    const step = zerosLike(param, 'update');
    updates.push([param, param.sub(step.mul(learningRate))]);
    updates.push([step, step.mul(momentum).add(grads[i]!.mul(1 - momentum))]);
  });
  return updates;
}

/** Plain gradient descent: `param - learningRate * grad`. */
export function sgd(cost: TensorVariable, params: readonly TensorSharedVariable[], learningRate: number): Update[] {
  const what = 'sgd';
  checkParams(params, what);
  checkNumber(learningRate, 'learningRate', what, (v) => v > 0, 'a positive number');
  const grads = gradients(cost, params, what);
  return params.map((p, i): Update => [p, p.sub(grads[i]!.mul(learningRate))]);
}

/**
 * Nesterov momentum in its usual reformulation (Sutskever et al. 2013, as
 * Lasagne writes it): `v' = momentum * v - learningRate * grad`, then
 * `param' = param + momentum * v' - learningRate * grad`.
 */
export function nesterovMomentum(cost: TensorVariable, params: readonly TensorSharedVariable[], learningRate: number, momentum = 0.9): Update[] {
  const what = 'nesterovMomentum';
  checkParams(params, what);
  checkNumber(learningRate, 'learningRate', what, (v) => v > 0, 'a positive number');
  checkNumber(momentum, 'momentum', what, (v) => v >= 0 && v < 1, 'at least 0 and less than 1');
  const grads = gradients(cost, params, what);
  const updates: Update[] = [];
  params.forEach((param, i) => {
    const velocity = zerosLike(param, 'velocity');
    const g = grads[i]!.mul(learningRate);
    const next = velocity.mul(momentum).sub(g);
    updates.push([velocity, next]);
    updates.push([param, param.add(next.mul(momentum)).sub(g)]);
  });
  return updates;
}

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam (Kingma & Ba 2015, Algorithm 1 with the bias corrections folded
 * into the step size): `t' = t + 1`, `m' = b1 m + (1 - b1) g`,
 * `v' = b2 v + (1 - b2) g^2`, `param' = param - lr sqrt(1 - b2^t') / (1 - b1^t') * m' / (sqrt(v') + eps)`.
 */
export function adam(cost: TensorVariable, params: readonly TensorSharedVariable[], options: AdamOptions = {}): Update[] {
  const what = 'adam';
  const { learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = options;
  checkParams(params, what);
  checkNumber(learningRate, 'learningRate', what, (v) => v > 0, 'a positive number');
  checkNumber(beta1, 'beta1', what, (v) => v >= 0 && v < 1, 'at least 0 and less than 1');
  checkNumber(beta2, 'beta2', what, (v) => v >= 0 && v < 1, 'at least 0 and less than 1');
  checkNumber(epsilon, 'epsilon', what, (v) => v > 0, 'a positive number');
  const grads = gradients(cost, params, what);
  const dtype = params[0]!.dtype;
  const t = shared(NDArray.zeros([], dtype), { name: 'adam.t', borrow: true });
  const tNext = t.add(1);
  const stepSize = T.sqrt(T.sub(1, T.pow(beta2, tNext))).div(T.sub(1, T.pow(beta1, tNext))).mul(learningRate);
  const updates: Update[] = [[t, tNext]];
  params.forEach((param, i) => {
    const g = grads[i]!;
    const m = zerosLike(param, 'adam.m');
    const v = zerosLike(param, 'adam.v');
    const mNext = m.mul(beta1).add(g.mul(1 - beta1));
    const vNext = v.mul(beta2).add(g.mul(g).mul(1 - beta2));
    updates.push([m, mNext], [v, vNext]);
    updates.push([param, param.sub(mNext.mul(stepSize.astype(param.dtype)).div(T.sqrt(vNext).add(epsilon)))]);
  });
  return updates;
}
