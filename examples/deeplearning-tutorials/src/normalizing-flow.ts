/**
 * Normalizing flows as Theano users wrote them (2015-2017):
 *
 * - RealNVP-style affine coupling layers (Dinh et al. 2017) trained by
 *   maximum likelihood: each layer keeps one half of the coordinates,
 *   scales and shifts the other by small tanh MLPs of the kept half
 *   (`y2 = x2 exp(s(x1)) + t(x1)`), adds `sum s` to the log-determinant,
 *   and the next layer swaps the halves; the cost is the mean negative
 *   log-likelihood under a standard normal base, minimised by SGD through
 *   `updates`.
 * - Planar flows (Rezende & Mohamed 2015) `z + u tanh(w . z + b)`, whose
 *   log-determinant `log |1 + u . psi(z)|` is written out, and which the
 *   tests check against `log |det J|` of the Jacobian from `@sym/grad`.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

/** Deterministic small weights (0.3 sin(1.7 i + seed)), so that a reference in another language builds the same ones. */
export function sinusoidWeights(shape: readonly number[], seed: number, scale = 0.3): sym.NDArray {
  const size = shape.reduce((a, b) => a * b, 1);
  return sym.array(Array.from({ length: size }, (_, i) => scale * Math.sin(i * 1.7 + seed)), { dtype: sym.config.floatX }).reshape([...shape]);
}

/** Two affine coupling layers on `dim` coordinates (even), each with a tanh hidden layer of `hidden` units. */
export class RealNVP {
  readonly params: Shared[] = [];
  readonly dim: number;

  constructor(dim: number, hidden: number) {
    if (dim % 2 !== 0) throw new RangeError(`RealNVP: dim must be even, got ${dim}`);
    this.dim = dim;
    const half = dim / 2;
    const names = ['W1', 'b1', 'Ws', 'bs', 'Wt', 'bt'];
    const shapes = [[half, hidden], [hidden], [hidden, half], [half], [hidden, half], [half]];
    for (let layer = 0; layer < 2; layer++) {
      shapes.forEach((shape, j) => this.params.push(sym.shared(sinusoidWeights(shape, 10 * layer + j + 1), { name: `${names[j]}_${layer}` })));
    }
  }

  /** Data to base: [z, log |det dz/dx| per row]. */
  forward(x: TensorVariable): [TensorVariable, TensorVariable] {
    const half = this.dim / 2;
    const all = T.slice(null, null);
    let z = x;
    let logDet: TensorVariable | null = null;
    for (let layer = 0; layer < 2; layer++) {
      const [W1, b1, Ws, bs, Wt, bt] = this.params.slice(6 * layer, 6 * layer + 6) as Shared[];
      // layer 0 keeps the first half, layer 1 the second
      const kept = z.get(all, layer === 0 ? T.slice(0, half) : T.slice(half, null));
      const moved = z.get(all, layer === 0 ? T.slice(half, null) : T.slice(0, half));
      const h = T.tanh(T.dot(kept, W1!).add(b1!));
      const s = T.tanh(T.dot(h, Ws!).add(bs!));
      const t = T.dot(h, Wt!).add(bt!);
      const y = moved.mul(T.exp(s)).add(t);
      const term = T.sum(s, { axis: 1 });
      logDet = logDet === null ? term : logDet.add(term);
      z = layer === 0 ? T.concatenate([kept, y], 1) : T.concatenate([y, kept], 1);
    }
    return [z, logDet!];
  }

  /** The mean over rows of -log p(x) = |z|^2 / 2 + dim log(2 pi) / 2 - log |det|. */
  negativeLogLikelihood(x: TensorVariable): TensorVariable {
    const [z, logDet] = this.forward(x);
    return T.mean(T.sum(T.sqr(z), { axis: 1 }).mul(0.5).add(0.5 * this.dim * Math.log(2 * Math.PI)).sub(logDet));
  }
}

/** The cost, its gradient with respect to every parameter, and an SGD step at `learningRate`. */
export function buildRealNVPTrainer(flow: RealNVP, learningRate: number) {
  const x = T.matrix('x');
  const cost = flow.negativeLogLikelihood(x);
  const grads = grad(cost, flow.params);
  return {
    x,
    costAndGrads: sym.function([x], [cost, ...grads]),
    step: sym.function([x], cost, { updates: flow.params.map((p, i) => [p, p.sub(grads[i]!.mul(learningRate))] as [Shared, TensorVariable]) }),
  };
}

/**
 * K planar layers on the rows of z0 (u, w: K x dim, b: K): [z_K, sum_k log |1 + u_k . psi_k(z_{k-1})|
 * per row], psi = (1 - tanh^2(w . z + b)) w.
 */
export function planarFlow(z0: TensorVariable, u: TensorVariable, w: TensorVariable, b: TensorVariable, layers: number): [TensorVariable, TensorVariable] {
  let z = z0;
  let logDet: TensorVariable | null = null;
  for (let k = 0; k < layers; k++) {
    const uk = u.get(k);
    const wk = w.get(k);
    const a = T.tanh(T.dot(z, wk).add(b.get(k))); // one per row
    const psiDotU = T.sub(1, T.sqr(a)).mul(T.dot(wk, uk));
    const term = T.log(T.abs(T.add(1, psiDotU)));
    logDet = logDet === null ? term : logDet.add(term);
    z = z.add(a.dimshuffle(0, 'x').mul(uk.dimshuffle('x', 0)));
  }
  return [z, logDet!];
}
