/**
 * A vector-quantised autoencoder (VQ-VAE, van den Oord et al. 2017) as a
 * Theano user wrote it: an encoder to z_e, the nearest codebook row by
 * `argmin` of the squared distances, z_q = E[k] (an advanced index whose
 * gradient adds into E's rows, repeated codes summing), the decoder reading
 * the straight-through z_e + zeroGrad(z_q - z_e) (forward z_q, backward
 * z_e's gradient), and the loss
 *
 *     ||x - dec||^2 + ||sg(z_e) - z_q||^2 + beta ||z_e - sg(z_q)||^2
 *
 * with sg the stop-gradient (`disconnectedGrad`): the codebook moves by its
 * own term only, the encoder by the reconstruction and the commitment.
 */
import * as sym from '@sym/graph';
import { disconnectedGrad, grad, zeroGrad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface VqVaeValues {
  readonly We: number[][];
  readonly be: number[];
  /** The codebook (K, D). */
  readonly E: number[][];
  readonly Wd: number[][];
  readonly bd: number[];
}

export class VqVae {
  readonly params: Shared[];
  constructor(values: VqVaeValues, readonly beta: number) {
    const dtype = sym.config.floatX;
    this.params = (['We', 'be', 'E', 'Wd', 'bd'] as const).map((name) => sym.shared(sym.array(values[name], { dtype }), { name }));
  }

  /** The loss, its three terms and the codes chosen. */
  loss(x: TensorVariable): { loss: TensorVariable; reconstruction: TensorVariable; codebook: TensorVariable; commitment: TensorVariable; codes: TensorVariable } {
    const [We, be, E, Wd, bd] = this.params as [Shared, Shared, Shared, Shared, Shared];
    const ze = T.tanh(T.dot(x, We).add(be));
    // ||z_e||^2 - 2 z_e . E_k + ||E_k||^2 for every pair, (batch, K)
    const distances = T.sum(T.sqr(ze), { axis: 1, keepdims: true }).sub(T.dot(ze, E.T).mul(2)).add(T.sum(T.sqr(E), 1));
    const codes = T.argmin(distances, 1);
    const zq = E.get(codes);
    const decoded = T.dot(ze.add(zeroGrad(zq.sub(ze))), Wd).add(bd);
    const reconstruction = T.mean(T.sum(T.sqr(x.sub(decoded)), 1));
    const codebook = T.mean(T.sum(T.sqr(disconnectedGrad(ze).sub(zq)), 1));
    const commitment = T.mean(T.sum(T.sqr(ze.sub(disconnectedGrad(zq))), 1));
    return { loss: reconstruction.add(codebook).add(commitment.mul(this.beta)), reconstruction, codebook, commitment, codes };
  }
}

/** `lossAndGrads(x)`: [loss, reconstruction, codebook, commitment, codes, d loss / d We, be, E, Wd, bd]; `train(x)` an SGD step. */
export function buildVqVae(model: VqVae, lr: number) {
  const x = T.matrix('x');
  const { loss, reconstruction, codebook, commitment, codes } = model.loss(x);
  const grads = grad(loss, model.params);
  const lossAndGrads = sym.function([x], [loss, reconstruction, codebook, commitment, codes, ...grads]);
  const train = sym.function([x], [loss, codes], { updates: model.params.map((p, i) => [p, p.sub(grads[i]!.mul(lr))] as [Shared, TensorVariable]) });
  return { lossAndGrads, train };
}
