/**
 * An independent MLP in plain TypeScript: forward pass, the squared-error
 * cost and backpropagation written out by hand (no sym), for checking the
 * symbolic gradients and updates against.
 */
export type Mat = number[][];

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export interface RefLayer {
  W: Mat; // (nOut, nIn)
  b: number[]; // (nOut)
}

/** Activations of every layer for inputs X (nIn, n): [X, a1, ..., aL]. */
export function forward(layers: readonly RefLayer[], X: Mat): Mat[] {
  const acts: Mat[] = [X];
  for (const { W, b } of layers) {
    const a = acts[acts.length - 1]!;
    const n = a[0]!.length;
    acts.push(
      W.map((row, o) =>
        Array.from({ length: n }, (_, j) => {
          let z = b[o]!;
          for (let k = 0; k < row.length; k++) z += row[k]! * a[k]![j]!;
          return sigmoid(z);
        }),
      ),
    );
  }
  return acts;
}

/** `sum((out - y)^2)` with out of shape (1, n) and y of length n. */
export function cost(layers: readonly RefLayer[], X: Mat, y: readonly number[]): number {
  const out = forward(layers, X).at(-1)![0]!;
  return out.reduce((s, o, j) => s + (o - y[j]!) ** 2, 0);
}

/** Gradients of the cost with respect to each layer's W and b, by backpropagation. */
export function backprop(layers: readonly RefLayer[], X: Mat, y: readonly number[]): RefLayer[] {
  const acts = forward(layers, X);
  const n = X[0]!.length;
  const out = acts.at(-1)!;
  // dC/dz for the last layer: 2 (a - y) * a (1 - a)
  let delta: Mat = out.map((row) => row.map((a, j) => 2 * (a - y[j]!) * a * (1 - a)));
  const grads: RefLayer[] = [];
  for (let l = layers.length - 1; l >= 0; l--) {
    const aPrev = acts[l]!;
    const { W } = layers[l]!;
    const gW = W.map((row, o) => row.map((_, k) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += delta[o]![j]! * aPrev[k]![j]!;
      return s;
    }));
    const gb = delta.map((row) => row.reduce((s, v) => s + v, 0));
    grads.unshift({ W: gW, b: gb });
    if (l > 0) {
      // dC/da_prev = W^T delta, then through the previous sigmoid
      delta = aPrev.map((row, k) =>
        row.map((a, j) => {
          let s = 0;
          for (let o = 0; o < W.length; o++) s += W[o]![k]! * delta[o]![j]!;
          return s * a * (1 - a);
        }),
      );
    }
  }
  return grads;
}

/**
 * The tutorial's momentum training, by hand: each call moves the parameters
 * by the previous step, then mixes the new gradient into the step.
 * Returns the cost before each update (what the compiled `train` returns).
 */
export function trainMomentum(layers: RefLayer[], X: Mat, y: readonly number[], lr: number, m: number, iterations: number): number[] {
  const steps: RefLayer[] = layers.map(({ W, b }) => ({ W: W.map((r) => r.map(() => 0)), b: b.map(() => 0) }));
  const costs: number[] = [];
  for (let it = 0; it < iterations; it++) {
    costs.push(cost(layers, X, y));
    const g = backprop(layers, X, y);
    layers.forEach((layer, l) => {
      const s = steps[l]!;
      layer.W = layer.W.map((r, o) => r.map((w, k) => w - lr * s.W[o]![k]!));
      layer.b = layer.b.map((v, o) => v - lr * s.b[o]!);
      s.W = s.W.map((r, o) => r.map((v, k) => m * v + (1 - m) * g[l]!.W[o]![k]!));
      s.b = s.b.map((v, o) => m * v + (1 - m) * g[l]!.b[o]!);
    });
  }
  return costs;
}
