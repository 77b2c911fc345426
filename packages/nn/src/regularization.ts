/**
 * Lasagne's `lasagne.regularization`: penalties ({@link l2}, {@link l1})
 * and their sum over a layer's or a network's weights, a term to add to
 * the cost: `cost.add(regularizeNetworkParams(net, l2).mul(1e-4))`.
 *
 * Which params a penalty reaches is Lasagne's tags: a param is `trainable`
 * when it is in the layer's `params` (a `BatchNorm`'s running averages, its
 * `state`, are not), and `regularizable` when it is in the layer's
 * `regularizable` list: the built-in layers' weights, not their biases
 * nor a normalisation's gamma and beta, as Lasagne's. A layer of one's own
 * without that list has every param regularizable, as a Lasagne parameter is
 * unless its layer says otherwise.
 */
import { T, TensorSharedVariable, TensorVariable, checkOptionNames, config, nameInError } from '@sym/graph';
import type { LayerLike } from './sequential.js';

/** A penalty: a symbolic scalar for a tensor (`l2`, `l1`, or one's own). */
export type Penalty = (x: TensorVariable) => TensorVariable;

/**
 * Which params to penalise, Lasagne's tags: `true` keeps the params that
 * have the tag, `false` those that do not, absent either. Default
 * `{ regularizable: true }`; `{}` is every param and state variable.
 */
export interface ParamTags {
  /** Select by the regularizable tag (a layer's `regularizable`: its weights, not its biases). */
  regularizable?: boolean;
  /** Select by the trainable tag (a layer's `params`, as against its `state`). */
  trainable?: boolean;
}

/** The squared L2 norm, `sum(x^2)` (Lasagne's `l2`: no 1/2, no square root). */
export function l2(x: TensorVariable): TensorVariable {
  if (!(x instanceof TensorVariable)) throw new TypeError(`l2: x must be a symbolic tensor, got ${String(x)}`);
  return T.sum(T.sqr(x));
}

/** The L1 norm, `sum(|x|)` (Lasagne's `l1`). */
export function l1(x: TensorVariable): TensorVariable {
  if (!(x instanceof TensorVariable)) throw new TypeError(`l1: x must be a symbolic tensor, got ${String(x)}`);
  return T.sum(T.abs(x));
}

/**
 * Lasagne's `apply_penalty`: `penalty(x)` for one tensor, the sum of
 * `penalty(x)` over a list (0, of floatX, for an empty one).
 */
export function applyPenalty(tensors: TensorVariable | readonly TensorVariable[], penalty: Penalty): TensorVariable {
  return penaltySum('applyPenalty', Array.isArray(tensors) ? (tensors as readonly TensorVariable[]) : [tensors as TensorVariable], penalty, (i) => (Array.isArray(tensors) ? `tensors[${i}]` : 'tensors'));
}

function penaltySum(what: string, tensors: readonly TensorVariable[], penalty: Penalty, label: (i: number) => string): TensorVariable {
  if (typeof penalty !== 'function') throw new TypeError(`${what}: penalty must be a function of a tensor (l2, l1, or your own), got ${String(penalty)}`);
  const terms = tensors.map((x, i) => {
    if (!(x instanceof TensorVariable)) throw new TypeError(`${what}: ${label(i)} must be a symbolic tensor, got ${String(x)}`);
    const term: unknown = penalty(x);
    if (!(term instanceof TensorVariable) || term.ndim !== 0) {
      const got = term instanceof TensorVariable ? `${nameInError(term)} of type ${term.type}` : String(term);
      throw new TypeError(`${what}: penalty(${nameInError(x)}) must be a symbolic scalar (${label(i)}), got ${got}`);
    }
    return term;
  });
  return terms.length === 0 ? T.constant(0, { dtype: config.floatX }) : terms.reduce((a, b) => a.add(b));
}

function checkLayerArgument(what: string, layer: unknown, label: string): LayerLike {
  const l = layer as Partial<LayerLike> | null;
  const list = (v: unknown) => Array.isArray(v) && v.every((p) => p instanceof TensorSharedVariable);
  if (typeof l !== 'object' || l === null || !list(l.params)) {
    throw new TypeError(`${what}: ${label} must be a layer (with params, a list of shared variables), got ${layer instanceof TensorVariable ? `the variable ${layer}: pass it to applyPenalty` : String(layer)}`);
  }
  if ((l.state !== undefined && !list(l.state)) || (l.regularizable !== undefined && !list(l.regularizable))) {
    throw new TypeError(`${what}: ${label}'s state and regularizable must be lists of shared variables when given`);
  }
  return l as LayerLike;
}

/** The layer's params and state with the given tags (Lasagne's `get_params(**tags)`), in order, each once. */
function taggedParams(layer: LayerLike, tags: ParamTags): TensorSharedVariable[] {
  const trainable = new Set(layer.params);
  const regularizable = new Set(layer.regularizable ?? layer.params);
  const all = [...new Set([...layer.params, ...(layer.state ?? [])])];
  return all.filter((v) => (tags.trainable === undefined || trainable.has(v) === tags.trainable) && (tags.regularizable === undefined || regularizable.has(v) === tags.regularizable));
}

function checkTags(what: string, tags: ParamTags): void {
  checkOptionNames(tags, `${what}: tags`, ['regularizable', 'trainable']);
  for (const [k, v] of Object.entries(tags)) {
    if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${what}: tags.${k} must be true or false, got ${String(v)}`);
  }
}

/**
 * Lasagne's `regularize_layer_params`: the sum of `penalty` over the
 * params of `layer` (or of each layer of a list) that have the tags,
 * by default `{ regularizable: true }` (the weights). A param shared by
 * two layers of the list is penalised once.
 */
export function regularizeLayerParams(layer: LayerLike | readonly LayerLike[], penalty: Penalty, tags: ParamTags = { regularizable: true }): TensorVariable {
  const what = 'regularizeLayerParams';
  checkTags(what, tags);
  const layers = Array.isArray(layer) ? (layer as readonly LayerLike[]).map((l, i) => checkLayerArgument(what, l, `layer[${i}]`)) : [checkLayerArgument(what, layer, 'layer')];
  const params = [...new Set(layers.flatMap((l) => taggedParams(l, tags)))];
  return penaltySum(what, params, penalty, (i) => `param ${i}`);
}

/**
 * Lasagne's `regularize_network_params`: the sum of `penalty` over every
 * param of the network `net` (a `Sequential`, whose params are its layers',
 * or any layer) that has the tags, by default `{ regularizable: true }`:
 * `cost.add(regularizeNetworkParams(net, l2).mul(1e-4))` is weight decay
 * on the weights, not the biases. For one layer it is
 * {@link regularizeLayerParams}: a sym layer holds its sub-layers' params.
 */
export function regularizeNetworkParams(net: LayerLike, penalty: Penalty, tags: ParamTags = { regularizable: true }): TensorVariable {
  const what = 'regularizeNetworkParams';
  checkTags(what, tags);
  if (Array.isArray(net)) throw new TypeError(`${what}: net must be one layer (a Sequential of the network's layers), got a list: use regularizeLayerParams for a list of layers`);
  return penaltySum(what, taggedParams(checkLayerArgument(what, net, 'net'), tags), penalty, (i) => `param ${i}`);
}

/**
 * Lasagne's `regularize_layer_params_weighted`: for each layer and
 * coefficient of `layers` (a Map), coefficient times the penalty of its
 * params with the tags, summed: `new Map([[hidden, 0.1], [out, 0.5]])`.
 */
export function regularizeLayerParamsWeighted(layers: ReadonlyMap<LayerLike, number>, penalty: Penalty, tags: ParamTags = { regularizable: true }): TensorVariable {
  const what = 'regularizeLayerParamsWeighted';
  checkTags(what, tags);
  if (!(layers instanceof Map)) throw new TypeError(`${what}: layers must be a Map from layer to coefficient, got ${String(layers)}`);
  const terms = [...layers].map(([layer, coefficient], i) => {
    const l = checkLayerArgument(what, layer, `the layer of entry ${i}`);
    if (typeof coefficient !== 'number' || !Number.isFinite(coefficient)) throw new TypeError(`${what}: the coefficient of entry ${i} must be a finite number, got ${String(coefficient)}`);
    return penaltySum(what, taggedParams(l, tags), penalty, (j) => `param ${j} of entry ${i}`).mul(coefficient);
  });
  return terms.length === 0 ? T.constant(0, { dtype: config.floatX }) : terms.reduce((a, b) => a.add(b));
}
