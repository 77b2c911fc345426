/**
 * Activation functions for layers, by name or as functions of a variable.
 * Under the column-vector convention (one example per column) the softmax
 * normalises each column, i.e. over axis 0.
 */
import { T, type TensorVariable } from '@sym/graph';

/** An activation function: a symbolic expression of its input, elementwise or (softmax) along an axis. */
export type Activation = (x: TensorVariable) => TensorVariable;
/** The activations a layer takes by name; `'linear'` is none (the identity). */
export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'softmax' | 'linear';

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

/** The named activations; `softmax` here is the column softmax of the tutorial's `Layer` (rows for `Dense` and the recurrent layers). */
export const ACTIVATIONS: { readonly [K in ActivationName]: Activation } = {
  sigmoid: (x) => T.sigmoid(x),
  tanh: (x) => T.tanh(x),
  relu: (x) => T.relu(x),
  softmax: softmaxColumns,
  linear: (x) => x,
};

/** The activation function for a name, a function, or null/undefined (linear). */
export function resolveActivation(a: Activation | ActivationName | null | undefined, what = 'activation'): Activation | null {
  if (a === null || a === undefined) return null;
  if (typeof a === 'function') return a;
  if (typeof a === 'string' && Object.hasOwn(ACTIVATIONS, a)) return a === 'linear' ? null : ACTIVATIONS[a];
  throw new TypeError(`${what}: expected a function or one of ${Object.keys(ACTIVATIONS).join(', ')}, got ${JSON.stringify(a)}`);
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
