/**
 * Second-order methods as Theano users wrote them: the parameters of a
 * small tanh MLP as views of one flat vector theta (logistic_cg.py's
 * idiom, so that `hessian(cost, theta)` is the whole Hessian), the
 * Hessian-vector product three ways (`Rop` of the gradient, `Lop` of the
 * gradient, `hessianVectorProduct`, the last forming no Hessian), and
 * Newton's method on a logistic regression: `w <- w - solve(H, g)` as one
 * `updates` of a compiled function.
 */
import * as sym from '@sym/graph';
import { Lop, Rop, grad, hessian, hessianVectorProduct, jacobian } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;

/** The squared-error loss of a one-hidden-layer tanh MLP (nIn -> nHidden -> 1) whose parameters are slices of theta. */
export function mlpLoss(theta: TensorVariable, x: TensorVariable, y: TensorVariable, nIn: number, nHidden: number): TensorVariable {
  const sizes = [nIn * nHidden, nHidden, nHidden, 1];
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const W1 = theta.get(T.slice(starts[0]!, starts[0]! + sizes[0]!)).reshape([nIn, nHidden]);
  const b1 = theta.get(T.slice(starts[1]!, starts[1]! + sizes[1]!));
  const w2 = theta.get(T.slice(starts[2]!, starts[2]! + sizes[2]!));
  const b2 = theta.get(starts[3]!);
  const residual = T.dot(T.tanh(T.dot(x, W1).add(b1)), w2).add(b2).sub(y);
  return T.mean(T.sqr(residual));
}

/** The number of parameters mlpLoss reads from theta. */
export const mlpSize = (nIn: number, nHidden: number): number => nIn * nHidden + 2 * nHidden + 1;

/** One function giving the loss, gradient, Hessian (by `hessian` and by `jacobian` of the gradient) and H v three ways. */
export function buildMlpCurvature(nIn: number, nHidden: number) {
  const theta = T.vector('theta');
  const v = T.vector('v');
  const x = T.matrix('x');
  const y = T.vector('y');
  const loss = mlpLoss(theta, x, y, nIn, nHidden);
  const g = grad(loss, theta);
  const outputs = [loss, g, hessian(loss, theta), jacobian(g, theta), Rop(g, theta, v), Lop(g, theta, v), hessianVectorProduct(loss, theta, v)];
  return sym.function([theta, v, x, y], outputs);
}

/** Newton's method on the mean logistic loss; w holds [weights..., bias]. */
export class NewtonLogistic {
  readonly w: sym.TensorSharedVariable;
  readonly x = T.matrix('x');
  readonly y = T.vector('y');
  readonly loss: TensorVariable;

  constructor(nIn: number) {
    this.w = sym.shared(sym.array(new Array<number>(nIn + 1).fill(0), { dtype: sym.config.floatX }), { name: 'w' });
    const z = T.dot(this.x, this.w.get(T.slice(0, nIn))).add(this.w.get(nIn));
    this.loss = T.mean(T.nnet.softplus(z).sub(this.y.mul(z)));
  }

  /** The loss, and a function whose call takes one Newton step (returning the loss before it). */
  build() {
    const g = grad(this.loss, this.w);
    const H = hessian(this.loss, this.w);
    return {
      loss: sym.function([this.x, this.y], this.loss),
      step: sym.function([this.x, this.y], this.loss, { updates: [[this.w, this.w.sub(T.slinalg.solve(H, g))]] }),
    };
  }
}
