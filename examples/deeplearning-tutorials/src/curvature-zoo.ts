/**
 * Second derivatives of layers researchers wrote by hand in Theano: a
 * maxout layer (the max over pieces of a reshaped affine map), a highway
 * layer (a sigmoid gate mixing a tanh transform with its input) and a
 * weight-normalised read-out (w = g v / ||v||, Salimans & Kingma 2016),
 * their parameters views of one flat theta so that `hessian(loss, theta)`
 * is the whole Hessian; and a layer-normalised LSTM (Ba et al. 2016) in
 * `sym.scan`, with the `jacobian` of all its hidden states with respect to
 * the initial state, the `hessian` of its loss there, and H v by `Rop`,
 * `Lop` and `hessianVectorProduct` with respect to its weights.
 */
import * as sym from '@sym/graph';
import { Lop, Rop, grad, hessian, hessianVectorProduct, jacobian } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;

/** The sizes of the MLP's parameters in theta: maxout W (nIn, units * pieces) and b, highway Wt, bt, Wh, bh (units x units), v (units), g. */
export function mlpSizes(nIn: number, units: number, pieces: number): number[] {
  return [nIn * units * pieces, units * pieces, units * units, units, units * units, units, units, 1];
}

/** The squared error of maxout -> highway -> weight-normalised read-out, its parameters slices of theta. */
export function maxoutHighwayLoss(theta: TensorVariable, x: TensorVariable, y: TensorVariable, nIn: number, units: number, pieces: number): TensorVariable {
  const sizes = mlpSizes(nIn, units, pieces);
  let at = 0;
  const [W, b, Wt, bt, Wh, bh, v, g] = sizes.map((n) => theta.get(T.slice(at, (at += n))));
  const h = T.max(T.dot(x, W!.reshape([nIn, units * pieces])).add(b!).reshape([x.shape[0]!, units, pieces]), 2);
  const gate = T.nnet.sigmoid(T.dot(h, Wt!.reshape([units, units])).add(bt!));
  const highway = gate.mul(T.tanh(T.dot(h, Wh!.reshape([units, units])).add(bh!))).add(T.sub(1, gate).mul(h));
  const w = v!.mul(g!.get(0)).div(T.sqrt(T.sum(T.sqr(v!))));
  return T.mean(T.sqr(T.dot(highway, w).sub(y)));
}

/** `f(theta, x, y)`: the loss, its gradient and Hessian. */
export function buildMaxoutHighway(nIn: number, units: number, pieces: number) {
  const theta = T.vector('theta');
  const x = T.matrix('x');
  const y = T.vector('y');
  const loss = maxoutHighwayLoss(theta, x, y, nIn, units, pieces);
  return sym.function([theta, x, y], [loss, grad(loss, theta), hessian(loss, theta)]);
}

/** Normalise the last axis to zero mean and unit variance (no gain or bias). */
const layerNorm = (a: TensorVariable): TensorVariable => a.sub(T.mean(a, { axis: -1, keepdims: true })).div(T.sqrt(T.var(a, { axis: -1, keepdims: true }).add(1e-3)));

/** The hidden states of a layer-normalised LSTM over the rows of xs, from h0 (c0 = h0); W is (nIn + n, 4 n). */
export function layerNormLstm(xs: TensorVariable, W: TensorVariable, h0: TensorVariable, n: number): TensorVariable {
  const [[hs]] = sym.scan(
    (x: TensorVariable, h: TensorVariable, c: TensorVariable, W: TensorVariable) => {
      const z = layerNorm(T.dot(T.concatenate([x, h]), W));
      const gate = (k: number): TensorVariable => z.get(T.slice(k * n, (k + 1) * n));
      const c2 = T.nnet.sigmoid(gate(1)).mul(c).add(T.nnet.sigmoid(gate(0)).mul(T.tanh(gate(3))));
      return [T.nnet.sigmoid(gate(2)).mul(T.tanh(layerNorm(c2))), c2];
    },
    { sequences: xs, outputsInfo: [h0, h0], nonSequences: W },
  );
  return hs as TensorVariable;
}

/** `f(xs, W, h0, v)`: the loss sum(h_T^2) + sum(hs), the hidden states, d hs / d h0, the Hessian in h0, H v in W three ways, d loss / d W and d loss / d h0. */
export function buildLstmCurvature(n: number) {
  const xs = T.matrix('xs');
  const W = T.matrix('W');
  const h0 = T.vector('h0');
  const v = T.matrix('v');
  const hs = layerNormLstm(xs, W, h0, n);
  const loss = T.sum(T.sqr(hs.get(-1))).add(T.sum(hs));
  const gW = grad(loss, W);
  return sym.function([xs, W, h0, v], [loss, hs, jacobian(T.flatten(hs), h0), hessian(loss, h0), Rop(gW, W, v), Lop(gW, W, v), hessianVectorProduct(loss, W, v), gW, grad(loss, h0)]);
}
