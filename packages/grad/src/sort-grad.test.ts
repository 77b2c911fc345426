import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, hessian, jacobian, verifyGrad } from './index.js';

const T = sym.T;
type V = sym.TensorVariable;

// no ties: the sort is differentiable there, and finite differences do not cross an order change
const A = [
  [0.3, -1.2, 2.5, 0.9, -0.4],
  [1.7, 0.2, -2.1, 0.6, 1.1],
  [-0.8, 3.1, 0.05, -1.6, 2.2],
];

describe('the gradient of sorting agrees with finite differences', () => {
  it('sort along each axis and flattened, weighted so that the order matters', async () => {
    for (const axis of [0, 1, -1, null]) {
      const w = T.arange(axis === null ? 15 : axis === 0 ? 3 : 5).astype('float64').add(1);
      await verifyGrad((x: V) => T.sort(x, axis).pow(2).mul(axis === 0 ? w.dimshuffle(0, 'x') : w).sum(), [A]);
    }
  });

  it('topk values, the largest and the smallest, through one output of topkAndArgtopk too', async () => {
    await verifyGrad((x: V) => T.topk(x, 2).mul([[1, 3]]).sum(), [A]);
    await verifyGrad((x: V) => T.topk(x, -3, 0).pow(3).sum(), [A]);
    await verifyGrad((x: V) => T.topkAndArgtopk(x, 4, null)[0].mul([4, 3, 2, 1]).sum(), [A]);
  });

  it('sends each sorted position back to the element it came from, and nothing to the ones topk leaves out', async () => {
    const x = T.dvector('x');
    const g = grad(T.sort(x).mul([1, 10, 100]).sum(), x);
    expect(((await sym.function([x], g)([2, 3, 1])) as sym.NDArray).toArray()).toEqual([10, 100, 1]);
    const h = grad(T.topk(x, 2).mul([1, 10]).sum(), x);
    expect(((await sym.function([x], h)([2, 3, 1])) as sym.NDArray).toArray()).toEqual([10, 1, 0]);
    const k = T.iscalar('k');
    const hk = grad(T.topk(x, k).sum(), x);
    expect(((await sym.function([x, k], hk)([2, 3, 1], -2)) as sym.NDArray).toArray()).toEqual([1, 0, 1]);
  });

  it('argsort and argtopk have none: the cost does not change with x through them', async () => {
    const x = T.dvector('x');
    const cost = T.argsort(x).astype('float64').sum().add(T.sort(x).get(0));
    const g = grad(cost, x);
    expect(((await sym.function([x], g)([2, 3, 1])) as sym.NDArray).toArray()).toEqual([0, 0, 1]);
    // both outputs of one topk node: the values' gradient only
    const [v, i] = T.topkAndArgtopk(x, 2);
    const h = grad(v.mul(i.astype('float64')).sum(), x);
    expect(((await sym.function([x], h)([2, 3, 1])) as sym.NDArray).toArray()).toEqual([0, 1, 0]);
  });

  it('batched: the jacobian of sort is its permutation matrix, and a second derivative goes through the gathers', async () => {
    const x = T.dvector('x');
    const J = jacobian(T.sort(x), x);
    expect(((await sym.function([x], J)([2, 3, 1])) as sym.NDArray).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    // d2/dx2 of sum(w * sort(x)^2) = diag(2 w[rank])
    const H = hessian(T.sort(x).pow(2).mul([1, 2, 3]).sum(), x);
    expect(((await sym.function([x], H)([2, 3, 1])) as sym.NDArray).toArray()).toEqual([
      [4, 0, 0],
      [0, 6, 0],
      [0, 0, 2],
    ]);
  });
});
