/**
 * Activation functions for layers, by name or as functions of a variable.
 * Under the column-vector convention (one example per column) the softmax
 * normalises each column, i.e. over axis 0.
 */
import { T, type TensorVariable } from '@sym/graph';

/** An activation function: a symbolic expression of its input, elementwise or (softmax) along an axis. */
export type Activation = (x: TensorVariable) => TensorVariable;
/**
 * The activations a layer takes by name, camelCase as the rest of the
 * package's names (`glorotUniform`); `'linear'` is none (the identity).
 * See {@link ACTIVATIONS} for what each is.
 */
export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'softmax' | 'linear' | 'leakyRelu' | 'elu' | 'selu' | 'softplus' | 'softsign' | 'hardSigmoid' | 'swish' | 'gelu';

// Which logits each column softmax was computed from, so that the
// cross-entropy can use the stable log-softmax form.
const softmaxLogits = new WeakMap<TensorVariable, TensorVariable>();

/** Softmax of each column of a (features, examples) matrix; a vector is one column. */
export function softmaxColumns(x: TensorVariable): TensorVariable {
  if (x.ndim !== 1 && x.ndim !== 2) {
    throw new TypeError(`softmaxColumns: expected a vector or a (features, examples) matrix, got ${x.toString()} of type ${x.type}`);
  }
  const out = x.ndim === 1 ? T.softmax(x) : T.softmax(x.T).T;
  softmaxLogits.set(out, x);
  return out;
}

/** The logits a {@link softmaxColumns} output was computed from, if it is one. */
export function logitsOfSoftmaxColumns(p: TensorVariable): TensorVariable | undefined {
  return softmaxLogits.get(p);
}

/**
 * The named activations. `softmax` here is the column softmax of the
 * tutorial's `Layer` (rows for `Dense` and the recurrent layers);
 * `leakyRelu` is Lasagne's `leaky_rectify` and PyTorch's `LeakyReLU`,
 * slope 0.01 below 0 (Keras's `LeakyReLU` has 0.3: pass
 * `(x) => T.relu(x, 0.3)` for another slope); `elu` has alpha 1; `selu`
 * the self-normalising constants; `hardSigmoid` is Theano's
 * `clip(0.2 x + 0.5, 0, 1)`; `swish` is `x sigmoid(x)` (Keras's `silu`,
 * PyTorch's `SiLU`); `gelu` the exact `0.5 x (1 + erf(x / sqrt(2)))`,
 * not the tanh approximation.
 */
export const ACTIVATIONS: { readonly [K in ActivationName]: Activation } = {
  sigmoid: (x) => T.sigmoid(x),
  tanh: (x) => T.tanh(x),
  relu: (x) => T.relu(x),
  softmax: softmaxColumns,
  linear: (x) => x,
  leakyRelu: (x) => T.relu(x, 0.01),
  elu: (x) => T.elu(x),
  selu: (x) => T.selu(x),
  softplus: (x) => T.softplus(x),
  softsign: (x) => T.softsign(x),
  hardSigmoid: (x) => T.hardSigmoid(x),
  swish: (x) => x.mul(T.sigmoid(x)),
  gelu: (x) => x.mul(T.erf(x.mul(Math.SQRT1_2)).add(1)).mul(0.5),
};

/** Other libraries' names of the named activations (Lasagne's, Keras's, PyTorch's) that are not ours in another case or with underscores, for the error that meets one. */
const OTHER_NAMES: Readonly<Record<string, ActivationName>> = { rectify: 'relu', leakyrectify: 'leakyRelu', identity: 'linear', silu: 'swish' };

/** Our name for another library's spelling (`leaky_relu`, `ReLU`, `rectify`), if it is one. */
function ourName(a: string): ActivationName | undefined {
  const key = a.toLowerCase().replace(/_/g, '');
  return (Object.hasOwn(OTHER_NAMES, key) ? OTHER_NAMES[key] : undefined) ?? (Object.keys(ACTIVATIONS) as ActivationName[]).find((k) => k.toLowerCase() === key);
}

/** The names {@link ACTIVATIONS} has, for errors: `sigmoid, tanh, ...`. */
export function activationNames(): string {
  return Object.keys(ACTIVATIONS).join(', ');
}

/** The activation function for a name, a function, or null/undefined (linear). */
export function resolveActivation(a: Activation | ActivationName | null | undefined, what = 'activation'): Activation | null {
  if (a === null || a === undefined) return null;
  if (typeof a === 'function') return a;
  if (typeof a === 'string' && Object.hasOwn(ACTIVATIONS, a)) return a === 'linear' ? null : ACTIVATIONS[a];
  const other = typeof a === 'string' ? ourName(a) : undefined;
  const hint = other === undefined ? '' : ` (here ${JSON.stringify(a)} is ${JSON.stringify(other)})`;
  throw new TypeError(`${what}: expected a function or one of ${activationNames()}, got ${JSON.stringify(a)}${hint}`);
}

/**
 * {@link resolveActivation} for layers that hold one example per row
 * (Dense, the recurrent layers): there the classes lie along the last
 * axis, so 'softmax' is `T.softmax` (which the losses, given it
 * transposed to (classes, examples), read back to its logits), not the
 * column softmax of the tutorial's `Layer`.
 */
export function resolveRowActivation(a: Activation | ActivationName | null | undefined, what = 'activation'): Activation | null {
  return a === 'softmax' ? (x) => T.softmax(x) : resolveActivation(a, what);
}
