import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, verifyGrad } from '../src/index.js';

const T = sym.T;

function mlp(layers: number) {
  const x = T.dmatrix('x');
  const y = T.dmatrix('y');
  const params: sym.TensorVariable[] = [];
  let h = x;
  for (let i = 0; i < layers; i++) {
    const W = T.dmatrix(`W${i}`);
    const b = T.dvector(`b${i}`);
    params.push(W, b);
    h = T.tanh(T.dot(h, W).add(b));
  }
  const cost = h.sub(y).pow(2).mean();
  return { x, y, params, cost };
}

describe('the gradient graph shares subexpressions', () => {
  it('has a number of nodes linear in the depth of an MLP (N = 1, 10, 50)', () => {
    const count = (n: number) => {
      const { params, cost } = mlp(n);
      const gs = grad(cost, params);
      return { forward: sym.toposort([cost]).length, total: sym.toposort(gs).length };
    };
    const [c1, c10, c50] = [count(1), count(10), count(50)];
    const perLayer = (c50.total - c10.total) / 40;
    // Every layer after the first adds the same number of nodes: exactly linear.
    expect(c10.total - c1.total).toBe(9 * perLayer);
    expect(perLayer).toBeLessThanOrEqual(4 * ((c50.forward - c10.forward) / 40));
    expect(c50.total).toBeLessThan(60 * perLayer);
  });

  it('and the gradients of a 3-layer MLP are right', async () => {
    const rng = (() => {
      let s = 7;
      return () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    })();
    const mat = (r: number, c: number) => Array.from({ length: r }, () => Array.from({ length: c }, rng));
    const vec = (n: number) => Array.from({ length: n }, rng);
    const xv = mat(4, 3);
    const yv = mat(4, 2);
    const report = await verifyGrad(
      (W0, b0, W1, b1, W2, b2) => {
        let h: sym.TensorVariable = T.constant(xv);
        for (const [W, b] of [[W0!, b0!], [W1!, b1!], [W2!, b2!]] as const) h = T.tanh(T.dot(h, W).add(b));
        return h.sub(T.constant(yv)).pow(2).mean();
      },
      [mat(3, 5), vec(5), mat(5, 4), vec(4), mat(4, 2), vec(2)],
    );
    expect(report.maxAbsErr).toBeLessThan(1e-6);
  });
});
