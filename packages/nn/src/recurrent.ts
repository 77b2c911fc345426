/**
 * Recurrent layers on `sym.scan`: {@link SimpleRNN}, {@link LSTM} and
 * {@link GRU}, computed as Keras computes them, with Keras's weight layout.
 *
 * Unlike the tutorial's `Layer` (one example per column), these layers take
 * one example per row, as Keras and Lasagne do: an input is
 * (batch, steps, features) by default, or (steps, batch, features) with
 * `timeMajor: true`; a state is (batch, nHidden). The input weights `W` are
 * (nInput, gates * nHidden), the recurrent weights `U` are
 * (nHidden, gates * nHidden) and the bias `b` is (gates * nHidden,), the
 * gates side by side in Keras's order, so Keras's `kernel`,
 * `recurrent_kernel` and `bias` load as they are.
 */
import { MatchLength, NDArray, Scan, nameInError, T, apply1, applyNode, config, scan, shapeToString, shared, type ArrayLike, type StaticShape, type TensorLike, type TensorSharedVariable, type TensorVariable } from '@sym/graph';
import { resolveRowActivation, type Activation, type ActivationName } from './activations.js';
import type { ActivationSpec } from './layer.js';
import { orthogonal, resolveInitializer, type Initializer, type InitializerName } from './init.js';
import { defaultRandomState, type RandomState } from './random.js';
import type { LayerLike, OutputOptions } from './sequential.js';
import { checkInputShape, checkLength } from './shapes.js';
import { placeTransposed, toArray } from './weights.js';

const RECURRENT_OPTIONS = ['name', 'returnSequences', 'goBackwards', 'timeMajor', 'h0'];
const INIT_OPTIONS = ['init', 'recurrentInit', 'rng'];

function checkOptions(what: string, options: object, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length === 0) return;
  const masks = unknown.includes('mask') ? ' (sequence masks are not supported: pass sequences of one length, or write the step with sym.scan and a mask sequence)' : '';
  throw new TypeError(`${what}: unknown option ${unknown.map((k) => JSON.stringify(k)).join(', ')}${masks}; the options are ${known.join(', ')}`);
}

/** How a recurrent layer reads its input and what it returns; shared by every recurrent layer. */
export interface RecurrentOptions {
  /** Names of the shared variables: `${name}.W`, `${name}.U`, `${name}.b` (default plain `W`, `U`, `b`, as `Layer`). */
  name?: string;
  /** Return the state after every step (true) or only the last state (false, the default, as Keras). */
  returnSequences?: boolean;
  /**
   * Walk the steps from the last to the first. As in Keras and `sym.scan`,
   * the returned sequence is in the order the steps were computed (its first
   * entry belongs to the input's last step); Lasagne reverses it back.
   */
  goBackwards?: boolean;
  /** The input is (steps, batch, features) and so is a returned sequence; default false: (batch, steps, features). */
  timeMajor?: boolean;
  /**
   * The initial state: a (batch, nHidden) matrix, or a (nHidden,) vector
   * given to every example; a symbolic variable or values. Default zeros.
   * `output(x, { h0 })` overrides it for one call.
   */
  h0?: TensorLike;
}

/** How {@link SimpleRNN.create}, {@link LSTM.create} and {@link GRU.create} draw the weights. */
export interface RecurrentInitOptions {
  /** Draws each gate's input weights as an (nHidden, nInput) matrix, then transposed (default Glorot uniform). */
  init?: Initializer | InitializerName;
  /** Draws each gate's (nHidden, nHidden) recurrent weights (default {@link orthogonal}, as Keras). */
  recurrentInit?: Initializer | InitializerName;
  /** Where the weights come from (default {@link defaultRandomState}, which each layer advances). */
  rng?: RandomState;
}

/**
 * Initial states for one call of `output`, overriding the layer's; and, as
 * every layer's options, `training` (a recurrent layer is the same in both
 * graphs), so that a `Sequential` can pass it along.
 */
export interface InitialState extends OutputOptions {
  /** The initial hidden state, as {@link RecurrentOptions.h0}. */
  h0?: TensorLike;
  /** The initial cell state of an {@link LSTM}, shaped as h0 (default zeros). */
  c0?: TensorLike;
}

export interface SimpleRNNOptions extends RecurrentOptions {
  /** Applied to `x W + h U + b` (default tanh). */
  activation?: ActivationSpec;
}

export interface LSTMOptions extends RecurrentOptions {
  /** Applied to the cell candidate and to the cell state on its way out (default tanh). */
  activation?: ActivationSpec;
  /** Applied to the input, forget and output gates (default sigmoid). */
  recurrentActivation?: ActivationSpec;
}

export interface GRUOptions extends RecurrentOptions {
  /** Applied to the candidate state (default tanh). */
  activation?: ActivationSpec;
  /** Applied to the update and reset gates (default sigmoid). */
  recurrentActivation?: ActivationSpec;
}


/** The layer's W, U and b as floatX shared variables, checked against each other. */
function recurrentParams(
  what: string,
  gates: number,
  WInit: ArrayLike,
  UInit: ArrayLike,
  bInit: ArrayLike,
  name: string | undefined,
): { W: TensorSharedVariable; U: TensorSharedVariable; b: TensorSharedVariable; nInput: number; nHidden: number } {
  const W = toArray(WInit, `${what}: W_init`);
  const U = toArray(UInit, `${what}: U_init`);
  const b = toArray(bInit, `${what}: b_init`);
  const layout = gates === 1 ? 'nHidden' : `${gates} * nHidden`;
  if (U.ndim !== 2 || U.shape[1] !== gates * U.shape[0]!) {
    throw new TypeError(`${what}: U_init must be a matrix of shape (nHidden, ${layout}), got shape ${shapeToString(U.shape)}`);
  }
  const nHidden = U.shape[0]!;
  if (W.ndim !== 2 || W.shape[1] !== gates * nHidden) {
    throw new TypeError(`${what}: W_init must be a matrix of shape (nInput, ${gates * nHidden}) to match U_init of shape ${shapeToString(U.shape)}, got shape ${shapeToString(W.shape)}`);
  }
  if (b.ndim !== 1 || b.shape[0] !== gates * nHidden) {
    throw new TypeError(`${what}: b_init must have shape (${gates * nHidden},) to match U_init of shape ${shapeToString(U.shape)}, got shape ${shapeToString(b.shape)}`);
  }
  const prefix = name ? `${name}.` : '';
  const store = (v: NDArray, n: string) => shared(v.astype(config.floatX), { name: `${prefix}${n}`, borrow: true });
  return { W: store(W, 'W'), U: store(U, 'U'), b: store(b, 'b'), nInput: W.shape[0]!, nHidden };
}

/** Initial W, U and b for `gates` gates: each gate's block drawn on its own, side by side; b from `bias` (one value per gate). */
function drawWeights(what: string, nInput: number, nHidden: number, bias: readonly number[], options: RecurrentInitOptions): [NDArray, NDArray, NDArray] {
  for (const [n, label] of [[nInput, 'nInput'], [nHidden, 'nHidden']] as const) {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${what}: ${label} must be a positive integer, got ${String(n)}`);
  }
  const rng = options.rng ?? defaultRandomState();
  const init = resolveInitializer(options.init ?? 'glorotUniform', `${what}: init`);
  const recurrentInit = resolveInitializer(options.recurrentInit ?? orthogonal(), `${what}: recurrentInit`);
  const gates = bias.length;
  const W = NDArray.zeros([nInput, gates * nHidden], 'float64');
  const U = NDArray.zeros([nHidden, gates * nHidden], 'float64');
  for (let g = 0; g < gates; g++) {
    // an initialiser draws (nOutput, nInput), the transpose of a row-convention block
    placeTransposed(W, init([nHidden, nInput], rng, 'float64'), g * nHidden);
    placeTransposed(U, recurrentInit([nHidden, nHidden], rng, 'float64'), g * nHidden);
  }
  const b = NDArray.zeros([gates * nHidden], 'float64');
  bias.forEach((v, g) => b.data.fill(v, g * nHidden, (g + 1) * nHidden));
  return [W, U, b];
}

/** Columns `[k * n, (k + 1) * n)` of a (batch, gates * n) matrix: gate k. */
function gate(z: TensorVariable, k: number, n: number): TensorVariable {
  return z.get(':', `${k * n}:${(k + 1) * n}`);
}

const identity: Activation = (x) => x;

function activationOf(a: ActivationSpec | undefined, fallback: ActivationName, what: string): Activation {
  return resolveRowActivation(a === undefined ? fallback : a, what) ?? identity;
}

/**
 * The state after the last step, from the stack `hs` of every step's: the
 * same scan keeping only each state's last value (what opt's
 * scan_keep_last makes of `hs[-1]`, Theano's scan_save_mem, so no memory
 * for every step). Unlike `hs[-1]`, which is NumPy's index error on a
 * stack of no steps, this is the initial state for a sequence of no steps,
 * in every mode.
 */
function lastState(hs: TensorVariable): TensorVariable {
  const node = hs.owner;
  // a subclass's states made otherwise than as a scan's output: their last row (an index error for no steps)
  if (!node || !(node.op instanceof Scan)) return hs.get(-1);
  const op = node.op;
  const keep = op.keep.map(() => 'last' as const);
  return applyNode(new Scan(op.inner, { ...op.options, keep }), node.inputs).outputs[hs.index]!;
}

/**
 * From the stack `hs` of every step's hidden state, one loop giving both
 * that stack (when `sequences`) and every state after the last step: the
 * same scan with the hidden state kept 'all' (or 'last') and the other
 * states (an LSTM's cell) kept 'last'. A second scan for the last states
 * would run the loop, and its gradient, twice (scans never merge). The
 * hidden state after the last step is then the stack's last row, read
 * behind the initial state so that a sequence of no steps gives h0.
 */
function statesAndLast(hs: TensorVariable, sequences: boolean): { hs: TensorVariable; h: TensorVariable; others: TensorVariable[] } {
  const node = hs.owner;
  if (!node || !(node.op instanceof Scan)) return { hs, h: hs.get(-1), others: [] };
  const op = node.op;
  const keep = op.keep.map((_, i) => (sequences && i === hs.index ? ('all' as const) : ('last' as const)));
  const outputs = applyNode(new Scan(op.inner, { ...op.options, keep }), node.inputs).outputs;
  const others = op.keep.flatMap((_, i) => (i === hs.index ? [] : [outputs[i]!]));
  if (!sequences) return { hs, h: outputs[hs.index]!, others };
  const all = outputs[hs.index]!;
  const h0 = node.inputs[op.inner.sequences.length + hs.index]!;
  return { hs: all, h: T.concatenate([h0.dimshuffle('x', 0, 1), all], 0).get(-1), others };
}

/**
 * What {@link Recurrent.outputWithState} gives: the output and the states
 * after the last step, Keras's `return_state=True`, to start the next call
 * from (truncated backpropagation through time: the next chunk's `h0` and
 * `c0`, through shared variables the training function updates).
 */
export interface RecurrentResult {
  /** What {@link Recurrent.output} gives for the same input and options. */
  output: TensorVariable;
  /** The hidden state after the last step, (batch, nHidden): the initial state for a sequence of no steps. */
  h: TensorVariable;
  /** An {@link LSTM}'s cell state after the last step, (batch, nHidden); absent for SimpleRNN and GRU. */
  c?: TensorVariable;
}

/**
 * What {@link SimpleRNN}, {@link LSTM} and {@link GRU} share: the input's
 * layout, the product of every step's input with W before the loop, the
 * scan over the steps, and what is returned. A subclass gives the step.
 */
export abstract class Recurrent implements LayerLike {
  /** Input weights, (nInput, gates * nHidden), the gates side by side. */
  readonly W: TensorSharedVariable;
  /** Recurrent weights, (nHidden, gates * nHidden). */
  readonly U: TensorSharedVariable;
  /** Bias, (gates * nHidden,). */
  readonly b: TensorSharedVariable;
  /** The parameters the cost is differentiated against: [W, U, b]. */
  readonly params: readonly TensorSharedVariable[];
  /** The params a weight penalty applies to: [W, U], not the bias. */
  readonly regularizable: readonly TensorSharedVariable[];
  /** Features of each step's input. */
  readonly nInput: number;
  /** Size of the hidden state. */
  readonly nHidden: number;
  /** {@link RecurrentOptions.returnSequences}. */
  readonly returnSequences: boolean;
  /** {@link RecurrentOptions.goBackwards}. */
  readonly goBackwards: boolean;
  /** {@link RecurrentOptions.timeMajor}. */
  readonly timeMajor: boolean;
  /** {@link RecurrentOptions.h0}: the initial state when a call gives none (undefined: zeros). */
  readonly h0: TensorLike | undefined;

  /** The layer's class name, for messages. */
  protected readonly what: string;

  /**
   * @param own the options this layer adds to {@link RecurrentOptions}
   * (its activations): a misspelt or unsupported option (`returnSequence`,
   * `mask`) is an error rather than silently ignored.
   */
  protected constructor(what: string, gates: number, WInit: ArrayLike, UInit: ArrayLike, bInit: ArrayLike, options: RecurrentOptions, own: readonly string[] = []) {
    checkOptions(what, options, [...RECURRENT_OPTIONS, ...INIT_OPTIONS, ...own]);
    const p = recurrentParams(what, gates, WInit, UInit, bInit, options.name);
    this.W = p.W;
    this.U = p.U;
    this.b = p.b;
    this.params = [p.W, p.U, p.b];
    this.regularizable = [p.W, p.U];
    this.nInput = p.nInput;
    this.nHidden = p.nHidden;
    this.returnSequences = options.returnSequences ?? false;
    this.goBackwards = options.goBackwards ?? false;
    this.timeMajor = options.timeMajor ?? false;
    this.h0 = options.h0;
    this.what = what;
  }

  /**
   * The output's shape for an input (batch, steps, nInput), or (steps,
   * batch, nInput) with `timeMajor`: the last state (batch, nHidden), or
   * with `returnSequences` every step's, (batch, steps, nHidden) or
   * (steps, batch, nHidden) as the input. A known feature count other
   * than nInput is an error.
   */
  outputShape(inputShape: StaticShape): StaticShape {
    const what = `${this.what}.outputShape`;
    const layout = this.timeMajor ? `(steps, batch, ${this.nInput})` : `(batch, steps, ${this.nInput})`;
    const shape = checkInputShape(what, inputShape, layout, (n) => n === 3);
    checkLength(what, shape, 2, this.nInput, 'features');
    const [batch, steps] = this.timeMajor ? [shape[1]!, shape[0]!] : [shape[0]!, shape[1]!];
    if (this.returnSequences) return this.timeMajor ? [steps, batch, this.nHidden] : [batch, steps, this.nHidden];
    return [batch, this.nHidden];
  }

  /**
   * The states for input x: the last, (batch, nHidden), or with
   * `returnSequences` all of them, in the input's layout.
   */
  output(x: TensorVariable, initial: InitialState = {}): TensorVariable {
    const { projected, zeros } = this.#projected(x, initial, `${this.what}.output`);
    const hs = this.states(projected, zeros, initial, `${this.what}.output`);
    if (!this.returnSequences) return lastState(hs);
    return this.timeMajor ? hs : hs.dimshuffle(1, 0, 2);
  }

  /**
   * The output, as {@link Recurrent.output}, with the states after the last
   * step (Keras's `return_state=True`): `h`, and an {@link LSTM}'s cell
   * state `c`, each (batch, nHidden), from the same loop. Give them to the
   * next call as `h0` and `c0` to carry the state from one chunk of a long
   * sequence to the next (truncated backpropagation through time): through
   * shared variables updated by the training function,
   * `updates: [...adam(cost, params), [hState, h], [cState, c]]`, the
   * gradient stops at each chunk's start.
   */
  outputWithState(x: TensorVariable, initial: InitialState = {}): RecurrentResult {
    const what = `${this.what}.outputWithState`;
    const { projected, zeros } = this.#projected(x, initial, what);
    const { hs, h, others } = statesAndLast(this.states(projected, zeros, initial, what), this.returnSequences);
    const output = !this.returnSequences ? h : this.timeMajor ? hs : hs.dimshuffle(1, 0, 2);
    return this.cellState ? { output, h, c: others[0]! } : { output, h };
  }

  /** Whether the loop's second state is a cell state, returned as `c` by {@link Recurrent.outputWithState}: an {@link LSTM}'s. */
  protected readonly cellState: boolean = false;

  /** The input checked, and every step's `x W + b` (steps, batch, gates * nHidden), with the (batch, nHidden) zeros of a default state. */
  #projected(x: TensorVariable, initial: InitialState, what: string): { projected: TensorVariable; zeros: TensorVariable } {
    checkOptions(what, initial, this.what === 'LSTM' ? ['h0', 'c0', 'training'] : ['h0', 'training']);
    if (x.ndim !== 3) {
      const layout = this.timeMajor ? '(steps, batch, features)' : '(batch, steps, features)';
      throw new TypeError(`${what}: x must be a 3-d tensor ${layout}, got ${x.toString()} of type ${x.type}`);
    }
    const features = x.staticShape[2];
    if (features !== null && features !== undefined && features !== this.nInput) {
      throw new TypeError(`${what}: x has ${features} features, but the layer takes ${this.nInput}`);
    }
    // the features counted when the function runs too, so that a wrong input names the layer rather than dot's operands
    const checked = apply1(
      new MatchLength(2, 0, (xs) => `${what}: x ${nameInError(x)} of shape ${shapeToString(xs)} must have ${this.nInput} features in its last axis (the layer takes ${this.nInput})`, `${this.what} input`),
      [x, this.W],
    );
    const steps = this.timeMajor ? checked : checked.dimshuffle(1, 0, 2);
    // Every step's input projection in one product before the loop, as
    // Lasagne's precompute_input: one large gemm instead of one per step.
    const projected = T.dot(steps, this.W).add(this.b);
    // (batch, nHidden) zeros from the shapes: a sequence of no steps has them too
    const zeros = T.zeros([steps.shape[1]!, this.nHidden], projected.dtype);
    return { projected, zeros };
  }

  /** The hidden state after every step, (steps, batch, nHidden), from the projected input (steps, batch, gates * nHidden); a scan's output, whose last state is then the initial one for no steps. */
  protected abstract states(projected: TensorVariable, zeros: TensorVariable, initial: InitialState, what: string): TensorVariable;

  /** An initial state as a (batch, nHidden) matrix of the states' dtype: zeros, a matrix, or a vector given to every example. */
  protected initialState(value: TensorLike | undefined, zeros: TensorVariable, what: string): TensorVariable {
    if (value === undefined) return zeros;
    const v = T.asTensor(value, what);
    const width = v.staticShape.at(-1);
    if ((v.ndim !== 1 && v.ndim !== 2) || (width !== null && width !== this.nHidden)) {
      throw new TypeError(`${what}: expected a (batch, ${this.nHidden}) matrix or a (${this.nHidden},) vector, got ${v.toString()} of type ${v.type}`);
    }
    // its width, and a matrix's batch against the input's, checked when the function runs, naming the state rather than an elementwise add
    const last = v.ndim - 1;
    const wide = v.broadcastable[last]
      ? v
      : apply1(new MatchLength(last, 0, (vs) => `${what} of shape ${shapeToString(vs)} must have ${this.nHidden} units in its last axis`, `${what} units`), [v, this.U]);
    const batched =
      v.ndim === 2 && !v.broadcastable[0]
        ? apply1(new MatchLength(0, 0, (vs, zs) => `${what} of shape ${shapeToString(vs)} must have one row per example of x (batch ${String(zs[0])})`, `${what} batch`), [wide, zeros])
        : wide;
    // zeros + v: a vector becomes a row per example; a matrix keeps a state that broadcasts over nothing
    const full = zeros.add(batched);
    return full.dtype === zeros.dtype ? full : full.astype(zeros.dtype);
  }
}

/**
 * A fully recurrent layer: `h_t = activation(x_t W + h_{t-1} U + b)`,
 * Keras's `SimpleRNN` and Lasagne's `RecurrentLayer`.
 */
export class SimpleRNN extends Recurrent {
  /** The state's activation (default tanh). */
  readonly activation: Activation;

  /**
   * @param WInit input weights, shape (nInput, nHidden); stored as floatX.
   * @param UInit recurrent weights, shape (nHidden, nHidden).
   * @param bInit bias, shape (nHidden,).
   */
  constructor(WInit: ArrayLike, UInit: ArrayLike, bInit: ArrayLike, options: SimpleRNNOptions = {}) {
    super('SimpleRNN', 1, WInit, UInit, bInit, options, ['activation']);
    this.activation = activationOf(options.activation, 'tanh', 'SimpleRNN: activation');
  }

  /** A layer with drawn weights (Glorot uniform W, orthogonal U, zero b by default). */
  static create(nInput: number, nHidden: number, options: SimpleRNNOptions & RecurrentInitOptions = {}): SimpleRNN {
    const [W, U, b] = drawWeights('SimpleRNN.create', nInput, nHidden, [0], options);
    return new SimpleRNN(W, U, b, options);
  }

  protected states(projected: TensorVariable, zeros: TensorVariable, initial: InitialState, what: string): TensorVariable {
    const h0 = this.initialState(initial.h0 ?? this.h0, zeros, `${what}: h0`);
    const step = (xt: TensorVariable, h: TensorVariable) => this.activation(xt.add(T.dot(h, this.U)));
    return scan(step, { sequences: projected, outputsInfo: h0, goBackwards: this.goBackwards, name: 'SimpleRNN' })[0];
  }
}

/**
 * Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget
 * gate of Gers et al. 2000), as Keras computes it. Gates in Keras's order
 * input, forget, cell candidate, output:
 * `i = σ(x W_i + h U_i + b_i)`, `f = σ(x W_f + h U_f + b_f)`,
 * `g = tanh(x W_c + h U_c + b_c)`, `o = σ(x W_o + h U_o + b_o)`,
 * `c_t = f c_{t-1} + i g`, `h_t = o tanh(c_t)`. No peepholes.
 */
export class LSTM extends Recurrent {
  /** The cell candidate's and output's activation (default tanh). */
  readonly activation: Activation;
  /** The gates' activation (default sigmoid). */
  readonly recurrentActivation: Activation;
  protected override readonly cellState = true;

  /** {@link Recurrent.outputWithState}, whose `c` an LSTM always gives: the cell state after the last step. */
  override outputWithState(x: TensorVariable, initial: InitialState = {}): Required<RecurrentResult> {
    const result = super.outputWithState(x, initial);
    return { ...result, c: result.c! };
  }

  /**
   * @param WInit input weights, shape (nInput, 4 * nHidden): the gates i, f, c, o side by side.
   * @param UInit recurrent weights, shape (nHidden, 4 * nHidden).
   * @param bInit bias, shape (4 * nHidden,).
   */
  constructor(WInit: ArrayLike, UInit: ArrayLike, bInit: ArrayLike, options: LSTMOptions = {}) {
    super('LSTM', 4, WInit, UInit, bInit, options, ['activation', 'recurrentActivation', 'forgetBias']);
    this.activation = activationOf(options.activation, 'tanh', 'LSTM: activation');
    this.recurrentActivation = activationOf(options.recurrentActivation, 'sigmoid', 'LSTM: recurrentActivation');
  }

  /**
   * A layer with drawn weights. The forget gate's bias starts at
   * `forgetBias` (default 1, Keras's `unit_forget_bias`, after Jozefowicz
   * et al. 2015): the cell keeps what it holds until training says
   * otherwise, so gradients reach early steps from the start. The other
   * biases start at 0.
   */
  static create(nInput: number, nHidden: number, options: LSTMOptions & RecurrentInitOptions & { forgetBias?: number } = {}): LSTM {
    const [W, U, b] = drawWeights('LSTM.create', nInput, nHidden, [0, options.forgetBias ?? 1, 0, 0], options);
    return new LSTM(W, U, b, options);
  }

  protected states(projected: TensorVariable, zeros: TensorVariable, initial: InitialState, what: string): TensorVariable {
    const h0 = this.initialState(initial.h0 ?? this.h0, zeros, `${what}: h0`);
    const c0 = this.initialState(initial.c0, zeros, `${what}: c0`);
    const n = this.nHidden;
    const step = (xt: TensorVariable, h: TensorVariable, c: TensorVariable) => {
      const z = xt.add(T.dot(h, this.U));
      const i = this.recurrentActivation(gate(z, 0, n));
      const f = this.recurrentActivation(gate(z, 1, n));
      const g = this.activation(gate(z, 2, n));
      const o = this.recurrentActivation(gate(z, 3, n));
      const cNext = f.mul(c).add(i.mul(g));
      return [o.mul(this.activation(cNext)), cNext];
    };
    return scan(step, { sequences: projected, outputsInfo: [h0, c0], goBackwards: this.goBackwards, name: 'LSTM' })[0][0]!;
  }
}

/**
 * Gated recurrent unit (Cho et al. 2014) as Keras computes it with
 * `reset_after=False`, the paper's own variant: the reset gate scales the
 * previous state *before* its product with the recurrent weights. Gates in
 * Keras's order update, reset, candidate:
 * `z = σ(x W_z + h U_z + b_z)`, `r = σ(x W_r + h U_r + b_r)`,
 * `ĥ = tanh(x W_h + (r h) U_h + b_h)`, `h_t = z h_{t-1} + (1 - z) ĥ`.
 * (Lasagne applies r after the product, `r (h U_h)`, and swaps the roles
 * of z and 1 - z; Keras's default in TensorFlow 2, `reset_after=True`, also
 * resets after the product, with a second bias.)
 */
export class GRU extends Recurrent {
  /** The candidate state's activation (default tanh). */
  readonly activation: Activation;
  /** The update and reset gates' activation (default sigmoid). */
  readonly recurrentActivation: Activation;

  /**
   * @param WInit input weights, shape (nInput, 3 * nHidden): the gates z, r, h side by side.
   * @param UInit recurrent weights, shape (nHidden, 3 * nHidden).
   * @param bInit bias, shape (3 * nHidden,).
   */
  constructor(WInit: ArrayLike, UInit: ArrayLike, bInit: ArrayLike, options: GRUOptions = {}) {
    super('GRU', 3, WInit, UInit, bInit, options, ['activation', 'recurrentActivation']);
    this.activation = activationOf(options.activation, 'tanh', 'GRU: activation');
    this.recurrentActivation = activationOf(options.recurrentActivation, 'sigmoid', 'GRU: recurrentActivation');
  }

  /** A layer with drawn weights (Glorot uniform W, orthogonal U, zero b by default). */
  static create(nInput: number, nHidden: number, options: GRUOptions & RecurrentInitOptions = {}): GRU {
    const [W, U, b] = drawWeights('GRU.create', nInput, nHidden, [0, 0, 0], options);
    return new GRU(W, U, b, options);
  }

  protected states(projected: TensorVariable, zeros: TensorVariable, initial: InitialState, what: string): TensorVariable {
    const h0 = this.initialState(initial.h0 ?? this.h0, zeros, `${what}: h0`);
    const n = this.nHidden;
    const step = (xt: TensorVariable, h: TensorVariable) => {
      // the update and reset gates in one product: U's first 2n columns
      const zr = this.recurrentActivation(xt.get(':', `0:${2 * n}`).add(T.dot(h, this.U.get(':', `0:${2 * n}`))));
      const z = gate(zr, 0, n);
      const r = gate(zr, 1, n);
      const candidate = this.activation(gate(xt, 2, n).add(T.dot(r.mul(h), gate(this.U, 2, n))));
      return z.mul(h).add(T.sub(1, z).mul(candidate));
    };
    return scan(step, { sequences: projected, outputsInfo: h0, goBackwards: this.goBackwards, name: 'GRU' })[0];
  }
}
