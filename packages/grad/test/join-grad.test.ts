/**
 * A join's gradient is one split for all its pieces. It used to be a split
 * per piece, each reading every piece for its shape: n nodes of n + 1
 * inputs, so 3000 pieces made 9 million edges and took seconds to build
 * and compile.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, hessian, verifyGrad } from '../src/index.js';
import { randomPoint, seededRandom } from './helpers.js';

const T = sym.T;
type V = sym.TensorVariable;

describe('the gradient of a join', () => {
  it('of 1000 pieces is one JoinSplit node, the graph linear in the pieces, the values exact', async () => {
    const n = 1000;
    const x = T.dvector('x');
    const y = T.concatenate(Array.from({ length: n }, (_, i) => x.mul(i + 1)));
    const [g] = grad(y.mul(y).sum(), [x]);
    const nodes = sym.toposort([g!]);
    expect(nodes.filter((nd) => nd.op instanceof sym.JoinSplit)).toHaveLength(1);
    expect(nodes.reduce((a, nd) => a + nd.inputs.length, 0)).toBeLessThan(10 * n);
    // d/dx_j sum_i ((i + 1) x_j)^2 = 2 x_j sum_i (i + 1)^2
    const s2 = (n * (n + 1) * (2 * n + 1)) / 6;
    const r = (await sym.function([x], g!)([0.5, -0.25])) as sym.NDArray;
    expect(Array.from(r.data)).toEqual([2 * 0.5 * s2, 2 * -0.25 * s2]);
  });

  it('second order: a split whose outputs have gradients for some pieces only (zeros for the others), batched too', async () => {
    const rng = seededRandom(7);
    const f = (a: V, b: V) => T.concatenate([a, T.sin(b), a.mul(b)]).pow(2);
    const pts = [randomPoint(rng, [3], [-1.5, 1.5]), randomPoint(rng, [3], [-1.5, 1.5])];
    expect((await verifyGrad(f, pts)).maxAbsErr).toBeLessThan(1e-4);
    // the gradient reads the split's outputs for the pieces b is in (1 and 2), not piece 0
    const second = (a: V, b: V) => grad(f(a, b).sum(), b);
    expect((await verifyGrad(second, pts)).maxAbsErr).toBeLessThan(1e-4);
    // hessian: the batched reverse pass through the split (batch dimensions on g)
    const v = T.dvector('v');
    const h = (await sym.function([v], hessian(T.concatenate([v.get('1:'), v.get(':1').mul(3), T.sin(v)]).pow(2).sum(), v))([1, 2, 3])) as sym.NDArray;
    const want = [
      [18 + 2 * Math.cos(2), 0, 0],
      [0, 2 + 2 * Math.cos(4), 0],
      [0, 0, 2 + 2 * Math.cos(6)],
    ];
    const got = h.toArray() as number[][];
    got.forEach((row, i) => row.forEach((e, j) => expect(e).toBeCloseTo(want[i]![j]!, 12)));
  });
});
