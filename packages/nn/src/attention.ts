/**
 * `MultiHeadAttention`: scaled dot-product attention with several heads
 * (Vaswani et al. 2017), as Keras's `MultiHeadAttention` and PyTorch's
 * `nn.MultiheadAttention(batch_first=True)` compute it. For a query
 * sequence (batch, T, queryDim) and a sequence attended to (batch, S,
 * sourceDim), each head h projects them, `Q_h = query W_q,h + b_q,h`,
 * `K_h = key W_k,h + b_k,h`, `V_h = value W_v,h + b_v,h`, weighs the S
 * positions for each query position by `softmax(Q_h K_h^T / sqrt(keyDim))`
 * (masked positions get no weight), and takes the weighted sum of `V_h`;
 * the heads' results side by side go through the output projection. The
 * four projections are {@link Dense} layers, the heads side by side in
 * their columns (Keras's kernels (dim, heads, keyDim) reshaped to
 * (dim, heads * keyDim); PyTorch's `in_proj_weight` blocks transposed).
 */
import { MatchLength, NDArray, RandomStreams, T, TensorConstant, TensorVariable, apply1, checkOptionNames, isFloat, isInt, shapeToString, type StaticShape, type TensorLike, type TensorSharedVariable } from '@sym/graph';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import type { Initializer, InitializerName } from './init.js';
import { defaultRandomState, type RandomState } from './random.js';
import type { LayerLike, OutputOptions } from './sequential.js';
import { checkInputShape } from './shapes.js';

/** The four projections of a {@link MultiHeadAttention}, heads side by side in their columns. */
export interface AttentionProjections {
  /** (queryDim, heads * keyDim). */
  query: Dense;
  /** (keySourceDim, heads * keyDim). */
  key: Dense;
  /** (valueSourceDim, heads * valueDim). */
  value: Dense;
  /** (heads * valueDim, outputDim). */
  out: Dense;
}

/** Options of {@link MultiHeadAttention}'s constructor. */
export interface MultiHeadAttentionOptions {
  /**
   * Whether `output(x)` masks the future: query position t attends to
   * source positions s <= t only (Keras's `use_causal_mask`); default
   * false. A call's own `causal` overrides it.
   */
  causal?: boolean;
  /** The probability of dropping an attention weight in the training graph (inverted dropout, as {@link Dropout}); default 0. */
  dropout?: number;
  /** The streams the dropout masks come from (as {@link Dropout}'s `srng`). */
  srng?: RandomStreams;
  /** Seed of the dropout's own streams (as {@link Dropout}'s `seed`). */
  seed?: number;
}

/** How {@link MultiHeadAttention.create} sizes and draws the projections. */
export interface MultiHeadAttentionCreateOptions extends MultiHeadAttentionOptions {
  /** The length of each head's queries and keys; default `modelDim / heads` (which must then divide). */
  keyDim?: number;
  /** The length of each head's values; default keyDim. */
  valueDim?: number;
  /** Features of the sequence attended to (the value and key inputs); default modelDim (self-attention). */
  sourceDim?: number;
  /**
   * Draws each projection's weights as a `Dense` draws its (in, out) matrix
   * (default Glorot uniform, `sqrt(6 / (in + out))`, as the projections of
   * TensorFlow's transformer tutorial); biases start at 0. Keras's
   * `MultiHeadAttention` counts the fans of its 3-d (dim, heads, keyDim)
   * kernels, `dim * heads` and `dim * keyDim`, which draws smaller weights.
   */
  init?: Initializer | InitializerName;
  /** Where the weights come from (default {@link defaultRandomState}, which it advances). */
  rng?: RandomState;
  /** Names of the shared variables: `${name}.query.W`, `${name}.query.b`, ... `${name}.out.b` (default `query.W`, ..., `out.b`). */
  name?: string;
}

/** One call's inputs and masks; and, as every layer's options, `training` (dropout on the weights). */
export interface AttendOptions extends OutputOptions {
  /** The sequence attended to, (batch, S, sourceDim); default the query itself (self-attention). */
  value?: TensorVariable;
  /** The keys' source, (batch, S, keySourceDim); default `value`. */
  key?: TensorVariable;
  /**
   * Which source positions each query position may attend to: (batch, S),
   * a padding mask over the source, or (batch, T, S). A boolean or
   * integer mask is true (nonzero) where attention is allowed, as Keras's
   * `attention_mask` (PyTorch's boolean masks mean the opposite); a float
   * mask is added to the scores before the softmax (PyTorch's float
   * `attn_mask`: 0 where allowed, a large negative number where not). A
   * length-1 broadcastable axis applies to every batch or query position.
   */
  mask?: TensorLike;
  /** Mask the future (query t attends to source s <= t only); default the layer's `causal`. */
  causal?: boolean;
}

const CALL_OPTIONS = ['value', 'key', 'mask', 'causal', 'training'];

/**
 * What a masked score becomes: finite, so that a query position with every source masked gets uniform weights
 * rather than NaN (as Keras; PyTorch gives NaN). Uniform over every source position, the future too under `causal`.
 */
const maskedScore = (dtype: string): number => (dtype === 'float16' ? -65504 : -1e9);

/**
 * A mask given as plain numbers takes its dtype from its values: integers
 * make an integer mask (attend where nonzero), so PyTorch's additive
 * [0, -1e9] would attend exactly where it meant to mask. Plain integers
 * other than 0 and 1 are refused, naming the two ways to say which is meant.
 */
function checkPlainMask(what: string, values: NDArray): void {
  for (let i = 0; i < values.size; i++) {
    const v = Number(values.data[i]);
    if (v !== 0 && v !== 1) {
      throw new TypeError(
        `${what}: mask given as plain numbers holds ${v} at flat position ${i}; plain integers make an integer mask (1 attends, 0 does not), ` +
          `so pass 0/1 (or booleans) for that, or a float tensor (T.constant(values, { dtype: 'float32' }), or a float NDArray) for an additive mask`,
      );
    }
  }
}

function checkSequence(what: string, v: TensorVariable): void {
  if (!isFloat(v.dtype) || v.ndim !== 3) throw new TypeError(`${what} must be a float tensor (batch, steps, features), got ${v.toString()} of type ${v.type}`);
}

/** `v` if axis `a` of v has the length of axis `b` of `other` when the function runs (or now, when both are known); else the error. */
function sameLength(v: TensorVariable, a: number, other: TensorVariable, b: number, message: (vs: readonly (number | null)[], os: readonly (number | null)[]) => string, tag: string): TensorVariable {
  return apply1(new MatchLength(a, b, message, `MultiHeadAttention ${tag}`), [v, other]);
}

/**
 * Multi-head scaled dot-product attention (Keras's `MultiHeadAttention`):
 * `output(x)` is self-attention of a (batch, T, queryDim) sequence, giving
 * (batch, T, outputDim); {@link MultiHeadAttention.attend} attends over another
 * sequence and also gives the weights.
 */
export class MultiHeadAttention implements LayerLike {
  /** The query projection, (queryDim, heads * keyDim). */
  readonly query: Dense;
  /** The key projection, (keySourceDim, heads * keyDim). */
  readonly key: Dense;
  /** The value projection, (valueSourceDim, heads * valueDim). */
  readonly value: Dense;
  /** The output projection, applied to the heads' results side by side. */
  readonly out: Dense;
  /** Every projection's W and b: query, key, value, out (each once, if a projection is shared). */
  readonly params: readonly TensorSharedVariable[];
  /** The projections' W (each once), not their biases: what a weight penalty applies to. */
  readonly regularizable: readonly TensorSharedVariable[];
  /** The number of heads. */
  readonly heads: number;
  /** Size of each head's queries and keys. */
  readonly keyDim: number;
  /** Size of each head's values. */
  readonly valueDim: number;
  /** {@link MultiHeadAttentionOptions.causal}: whether a call masks the future unless it says otherwise. */
  readonly causal: boolean;
  /** The dropout on the attention weights, or null for none (rate 0). */
  readonly dropout: Dropout | null;

  /**
   * @param heads the number of heads.
   * @param projections query, key and value projections with `heads`
   * blocks side by side in their outputs, and the output projection from
   * the heads' values side by side. Their activations, if any, apply.
   */
  constructor(heads: number, projections: AttentionProjections, options: MultiHeadAttentionOptions = {}) {
    checkOptionNames(options, 'MultiHeadAttention', ['causal', 'dropout', 'srng', 'seed']);
    if (!Number.isInteger(heads) || heads <= 0) throw new RangeError(`MultiHeadAttention: heads must be a positive integer, got ${String(heads)}`);
    checkOptionNames(projections, 'MultiHeadAttention: projections', ['query', 'key', 'value', 'out']);
    for (const k of ['query', 'key', 'value', 'out'] as const) {
      if (!(projections[k] instanceof Dense)) throw new TypeError(`MultiHeadAttention: projections.${k} must be a Dense layer, got ${String(projections[k])}`);
    }
    const { query, key, value, out } = projections;
    const perHead = (d: Dense, what: string): number => {
      if (d.nOutput % heads !== 0) throw new TypeError(`MultiHeadAttention: the ${what} projection gives ${d.nOutput} outputs, not a multiple of ${heads} heads`);
      return d.nOutput / heads;
    };
    this.keyDim = perHead(query, 'query');
    if (key.nOutput !== query.nOutput) {
      throw new TypeError(`MultiHeadAttention: the key projection gives ${key.nOutput} outputs but the query projection ${query.nOutput}; queries and keys are multiplied together`);
    }
    this.valueDim = perHead(value, 'value');
    if (out.nInput !== value.nOutput) {
      throw new TypeError(`MultiHeadAttention: the out projection takes ${out.nInput} inputs but the value projection gives ${value.nOutput} (${heads} heads of ${this.valueDim})`);
    }
    const causal = options.causal ?? false;
    if (typeof causal !== 'boolean') throw new TypeError(`MultiHeadAttention: causal must be a boolean, got ${String(causal)}`);
    const rate = options.dropout ?? 0;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new RangeError(`MultiHeadAttention: dropout must be a number in [0, 1) (the probability of dropping an attention weight), got ${String(rate)}`);
    }
    if (rate === 0 && (options.srng !== undefined || options.seed !== undefined)) {
      throw new TypeError('MultiHeadAttention: srng and seed are for the dropout on the attention weights; pass a dropout rate above 0 with them');
    }
    this.query = query;
    this.key = key;
    this.value = value;
    this.out = out;
    this.heads = heads;
    this.causal = causal;
    // without dropout no streams are made: making them would advance defaultRandomState and change the weights of layers made after
    this.dropout = rate > 0 ? new Dropout(rate, { ...(options.srng !== undefined ? { srng: options.srng } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) }) : null;
    this.params = [...new Set([query, key, value, out].flatMap((d) => d.params))];
    this.regularizable = [...new Set([query, key, value, out].flatMap((d) => d.regularizable))];
  }

  /**
   * Attention over sequences of `modelDim` features with drawn weights:
   * `heads` heads of `keyDim` (default modelDim / heads), query, key and
   * value projections to `heads * keyDim` (values `heads * valueDim`),
   * and an output projection (`out`) back to `modelDim`, drawn in that order.
   */
  static create(modelDim: number, heads: number, options: MultiHeadAttentionCreateOptions = {}): MultiHeadAttention {
    checkOptionNames(options, 'MultiHeadAttention.create', ['keyDim', 'valueDim', 'sourceDim', 'init', 'rng', 'name', 'causal', 'dropout', 'srng', 'seed']);
    const positive = (n: number | undefined, label: string): void => {
      if (n !== undefined && (!Number.isInteger(n) || n <= 0)) throw new RangeError(`MultiHeadAttention.create: ${label} must be a positive integer, got ${String(n)}`);
    };
    positive(modelDim, 'modelDim');
    positive(heads, 'heads');
    positive(options.keyDim, 'keyDim');
    positive(options.valueDim, 'valueDim');
    positive(options.sourceDim, 'sourceDim');
    if (options.keyDim === undefined && modelDim % heads !== 0) {
      throw new RangeError(`MultiHeadAttention.create: modelDim ${modelDim} is not a multiple of ${heads} heads; pass keyDim`);
    }
    const keyDim = options.keyDim ?? modelDim / heads;
    const valueDim = options.valueDim ?? keyDim;
    const source = options.sourceDim ?? modelDim;
    const rng = options.rng ?? defaultRandomState();
    const dense = (nIn: number, nOut: number, what: string) =>
      Dense.create(nIn, nOut, { rng, ...(options.init !== undefined ? { init: options.init } : {}), name: options.name ? `${options.name}.${what}` : what });
    const projections = {
      query: dense(modelDim, heads * keyDim, 'query'),
      key: dense(source, heads * keyDim, 'key'),
      value: dense(source, heads * valueDim, 'value'),
      out: dense(heads * valueDim, modelDim, 'out'),
    };
    const { causal, dropout, srng, seed } = options;
    return new MultiHeadAttention(heads, projections, { causal, dropout, srng, seed });
  }

  /**
   * The shape of {@link output}'s self-attention for x (batch, T,
   * features): (batch, T, outputDim). x goes to the query, key and value
   * projections, so a known feature count must be what each takes; a
   * layer whose projections take different counts (attention over
   * another sequence) has no self-attention, and is an error here too.
   */
  outputShape(inputShape: StaticShape): StaticShape {
    const what = 'MultiHeadAttention.outputShape';
    const shape = checkInputShape(what, inputShape, `(batch, steps, ${this.query.nInput})`, (n) => n === 3);
    const takes = [this.query, this.key, this.value].map((d) => d.nInput);
    if (takes.some((n) => n !== takes[0])) {
      throw new TypeError(`${what}: self-attention gives x to the query, key and value projections, which take ${takes.join(', ')} features; this layer attends over another sequence: use attend(query, { value })`);
    }
    const features = shape[2];
    if (features !== null && features !== this.query.nInput) {
      throw new RangeError(`${what}: the input shape ${shapeToString(shape)} has ${features} features (axis 2), expected ${this.query.nInput} (the query, key and value projections' inputs)`);
    }
    return [shape[0]!, shape[1]!, this.out.nOutput];
  }

  /** Self-attention of x, (batch, T, queryDim) -> (batch, T, outputDim); options as {@link attend}'s, but x is also the value and key. */
  output(x: TensorVariable, options: Omit<AttendOptions, 'value' | 'key'> = {}): TensorVariable {
    checkOptionNames(options, 'MultiHeadAttention.output', ['mask', 'causal', 'training']);
    return this.attend(x, options).output;
  }

  /**
   * Attention of `query` (batch, T, queryDim) over `options.value`
   * (batch, S, sourceDim; default the query): `output` (batch, T,
   * outputDim), and `weights` (batch, heads, T, S), each query position's
   * softmax over the source positions (before dropout).
   */
  attend(
    query: TensorVariable,
    options: AttendOptions = {},
  ): {
    /** The attention's result, (batch, T, outputDim). */
    output: TensorVariable;
    /** Each head's attention weights, (batch, heads, T, S). */
    weights: TensorVariable;
  } {
    const what = 'MultiHeadAttention.attend';
    checkOptionNames(options, what, CALL_OPTIONS);
    const training = options.training ?? false;
    if (typeof training !== 'boolean') throw new TypeError(`${what}: training must be a boolean, got ${String(training)}`);
    const causal = options.causal ?? this.causal;
    if (typeof causal !== 'boolean') throw new TypeError(`${what}: causal must be a boolean, got ${String(causal)}`);
    checkSequence(`${what}: query`, query);
    let value = options.value ?? query;
    checkSequence(`${what}: value`, value);
    let key = options.key ?? value;
    checkSequence(`${what}: key`, key);
    if (options.value !== undefined) {
      value = sameLength(value, 0, query, 0, (vs, qs) => `${what}: value of shape ${shapeToString(vs)} and query of shape ${shapeToString(qs)} must have the same batch size`, 'value batch');
    }
    if (options.key !== undefined) {
      key = sameLength(key, 0, value, 0, (ks, vs) => `${what}: key of shape ${shapeToString(ks)} and value of shape ${shapeToString(vs)} must have the same batch size`, 'key batch');
      key = sameLength(key, 1, value, 1, (ks, vs) => `${what}: key of shape ${shapeToString(ks)} and value of shape ${shapeToString(vs)} must have the same number of steps`, 'key steps');
    }
    const [b, t, s] = [T.shapeI(query, 0), T.shapeI(query, 1), T.shapeI(value, 1)];
    const H = this.heads;
    // (batch, steps, heads * dim) -> (batch * heads, steps, dim): one matrix of each head of each example
    const split = (v: TensorVariable, steps: TensorVariable, dim: number) => v.reshape([b, steps, H, dim]).dimshuffle(0, 2, 1, 3).reshape([b.mul(H), steps, dim]);
    const q = split(this.#project(query, this.query, 'query'), t, this.keyDim);
    const k = split(this.#project(key, this.key, 'key'), s, this.keyDim);
    const v = split(this.#project(value, this.value, 'value'), s, this.valueDim);
    let scores = T.batchedDot(q, k.dimshuffle(0, 2, 1)).mul(1 / Math.sqrt(this.keyDim)).reshape([b, H, t, s]);
    const { allowed, additive } = this.#masks(options.mask, query, value, causal, t, s, what);
    // in the scores' dtype: a float64 mask (plain numbers are float64) would make a float32 layer's output float64
    if (additive) scores = scores.add(additive.dtype === scores.dtype ? additive : T.cast(additive, scores.dtype));
    // switch, not an added -1e9: a masked score passes no gradient, and a masked weight is exactly 0
    if (allowed) scores = T.switch(allowed, scores, maskedScore(scores.dtype));
    const weights = T.softmax(scores);
    const dropped = this.dropout ? this.dropout.output(weights, { training }) : weights;
    const heads = T.batchedDot(dropped.reshape([b.mul(H), t, s]), v);
    // (batch * heads, T, valueDim) -> (batch, T, heads * valueDim): the heads side by side, as the output projection takes them
    const joined = heads.reshape([b, H, t, this.valueDim]).dimshuffle(0, 2, 1, 3).reshape([b, t, H * this.valueDim]);
    return { output: this.#project(joined, this.out, 'out'), weights };
  }

  /** Dense on every position of a (batch, steps, features) sequence, its features checked first. */
  #project(x: TensorVariable, dense: Dense, what: string): TensorVariable {
    const checked = sameLength(
      x,
      2,
      dense.W,
      0,
      (xs) => `MultiHeadAttention: the ${what} input of shape ${shapeToString(xs)} must have ${dense.nInput} features in its last axis (the ${what} projection's inputs)`,
      `${what} features`,
    );
    return dense.output(checked);
  }

  /** The boolean mask (true: attend), (batch or 1, 1, T or 1, S), and the additive one, from the mask option and causality. */
  #masks(
    mask: TensorLike | undefined,
    query: TensorVariable,
    value: TensorVariable,
    causal: boolean,
    t: TensorVariable,
    s: TensorVariable,
    what: string,
  ): { allowed: TensorVariable | null; additive: TensorVariable | null } {
    let allowed: TensorVariable | null = null;
    let additive: TensorVariable | null = null;
    if (mask !== undefined) {
      let m = T.asTensor(mask, `${what}: mask`);
      if (m instanceof TensorConstant && !(mask instanceof TensorVariable) && !(mask instanceof NDArray) && isInt(m.dtype)) checkPlainMask(what, m.value);
      if (m.ndim !== 2 && m.ndim !== 3) {
        throw new TypeError(`${what}: mask must be (batch, S), a padding mask over the source, or (batch, T, S), got ${m.toString()} of type ${m.type}`);
      }
      const axes: [number, TensorVariable, number, string][] = [[0, query, 0, 'batch size of the query']];
      if (m.ndim === 3) axes.push([1, query, 1, 'query steps (T)']);
      axes.push([m.ndim - 1, value, 1, 'source steps (S)']);
      for (const [axis, other, otherAxis, label] of axes) {
        if (m.broadcastable[axis]) continue;
        m = sameLength(m, axis, other, otherAxis, (ms, os) => `${what}: mask of shape ${shapeToString(ms)} does not fit: its axis ${axis} must have the length of the ${label}, ${String(os[otherAxis])}`, `mask ${axis}`);
      }
      // (batch, S) -> (batch, 1, 1, S); (batch, T, S) -> (batch, 1, T, S): the same for every head
      const wide = m.ndim === 2 ? m.dimshuffle(0, 'x', 'x', 1) : m.dimshuffle(0, 'x', 1, 2);
      if (isFloat(wide.dtype)) additive = wide;
      else if (wide.dtype === 'bool' || isInt(wide.dtype)) allowed = wide.dtype === 'bool' ? wide : T.neq(wide, 0);
      else throw new TypeError(`${what}: mask must be boolean, integer or float, got ${m.toString()} of type ${m.type}`);
    }
    if (causal) {
      // query t may see source s when s <= t; int32 positions, since int64 kernels run the CPU's slower JavaScript path
      const positions = (n: TensorVariable) => T.arange(0, n, 1, { dtype: 'int32' });
      const future = T.ge(positions(t).dimshuffle(0, 'x'), positions(s).dimshuffle('x', 0)).dimshuffle('x', 'x', 0, 1);
      allowed = allowed ? T.and(allowed, future) : future;
    }
    return { allowed, additive };
  }
}
