import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { GradientError, grad, gradScale, hessian, jacobian, verifyGrad } from './index.js';

const T = sym.T;
type V = sym.TensorVariable;

describe('the gradient of scan agrees with finite differences', () => {
  it('through a recurrent net: every state and the last one, with respect to the sequence, the initial state and a weight read by closure', async () => {
    await verifyGrad(
      (X: V, h0: V, W: V) => {
        const [hs] = sym.scan((xt: V, h: V) => T.tanh(T.dot(W, h).add(xt)), { sequences: X, outputsInfo: h0 });
        return hs.sum().add(hs.get(-1).pow(2).sum());
      },
      [
        [
          [1, 0],
          [0.5, 1],
          [1, -1],
        ],
        [0.1, -0.2],
        [
          [0.5, 0.1],
          [0.2, 0.3],
        ],
      ],
    );
  });

  it('through outputs not fed back and explicit non-sequences', async () => {
    await verifyGrad(
      (c: V, x: V) => {
        const [terms] = sym.scan((ci: V, p: V, xv: V) => ci.mul(xv.pow(p)), { sequences: [c, T.arange(3).astype('float64')], nonSequences: x, outputsInfo: null });
        return terms.sum();
      },
      [[1, 0.5, 2], 1.3],
    );
  });

  it('through two states and an output, walking backwards over 6 of 9 steps (the steps not taken get zeros)', async () => {
    await verifyGrad(
      (x: V, a0: V, b0: V) => {
        const [[a, b, ab]] = sym.scan((xt: V, a: V, b: V) => [a.add(b.mul(xt)), b.mul(0.9).add(T.sin(a)), a.mul(b)], {
          sequences: x,
          outputsInfo: [a0, b0, null],
          goBackwards: true,
          nSteps: 6,
        });
        return a!.sum().add(b!.get(-1)).add(ab!.mul(ab!).sum());
      },
      [[0.3, -0.2, 0.5, 0.1, 0.2, -0.4, 0.6, 0.7, -0.1], 0.2, 0.7],
    );
  });

  it('the gradient of the first steps only (nSteps shorter than the sequence)', async () => {
    const x = T.dvector('x');
    const [s] = sym.scan((xt: V, acc: V) => acc.mul(xt).add(xt), { sequences: x, outputsInfo: 0, nSteps: 2 });
    const g = grad(s.get(-1), x);
    // s1 = x0, s2 = x0 x1 + x1: d/dx0 = x1, d/dx1 = x0 + 1, nothing for x2, x3
    expect((await g.eval({ x: [2, 3, 5, 7] })).toArray()).toEqual([3, 3, 0, 0]);
  });

  it('A ** k: d(sum A^3)/dA = 3A^2', async () => {
    const A = T.dvector('A');
    const [p] = sym.scan((prior: V, a: V) => prior.mul(a), { outputsInfo: T.onesLike(A), nonSequences: A, nSteps: 3 });
    expect((await grad(p.get(-1).sum(), A).eval({ A: [1, 2, 3] })).toArray()).toEqual([3, 12, 27]);
  });

  it('finite differences catch a wrong gradient through a scan (the check is not vacuous)', async () => {
    const wrong = (x: V) => {
      const [s] = sym.scan((xt: V, acc: V) => acc.add(gradScale(xt.pow(2), 2)), { sequences: x, outputsInfo: 0 });
      return s.get(-1);
    };
    await expect(verifyGrad(wrong, [[0.5, -1, 2]])).rejects.toThrow(GradientError);
  });
});

describe("Theano's idioms", () => {
  it('the jacobian by scan: grad(y[i], x) over arange(y.shape[0]), with y and x non-sequences (passed to the step as themselves)', async () => {
    const x = T.dvector('x');
    const y = x.pow(2);
    const [J] = sym.scan((i: V, yv: V, xv: V) => grad(yv.get(i), xv), { sequences: T.arange(y.shape[0]!), nonSequences: [y, x] });
    // the tutorial prints [[ 8.  0.] [ 0.  8.]]
    expect((await J.eval({ x: [4, 4] })).toArray()).toEqual([
      [8, 0],
      [0, 8],
    ]);
  });

  it('an initial state of zeros((batch, hidden)) from the shapes, and the gradient of alloc', async () => {
    await verifyGrad(
      (X: V, W: V) => {
        const [hs] = sym.scan((x: V, h: V) => T.tanh(T.dot(h, W).add(x)), { sequences: X, outputsInfo: T.zeros([X.shape[1]!, W.shape[1]!], 'float64') });
        return hs.sum();
      },
      [
        [
          [[0.1, 0.2], [0.3, -0.4]],
          [[0.5, 0.1], [-0.2, 0.3]],
        ],
        [
          [0.5, -0.3],
          [0.2, 0.4],
        ],
      ],
    );
    await verifyGrad((v: V) => T.alloc(v, 4, 3).mul(T.arange(12).reshape([4, 3]).astype('float64')).sum(), [[1, 2, 3]]);
  });
});

describe('second order and batched gradients through scan', () => {
  const x = T.dvector('x');
  const [ys] = sym.scan((xt: V, acc: V) => acc.add(xt.pow(3)), { sequences: x, outputsInfo: T.constant(0, { dtype: 'float64' }) });

  it('hessian (a gradient scan differentiated again)', async () => {
    expect((await hessian(ys.get(-1), x).eval({ x: [1, 2, 3] })).toArray()).toEqual([
      [6, 0, 0],
      [0, 12, 0],
      [0, 0, 18],
    ]);
  });

  it('jacobian of every state (the batched pass carries a batch dimension through the backward scan)', async () => {
    expect((await jacobian(ys, x).eval({ x: [1, 2, 3] })).toArray()).toEqual([
      [3, 0, 0],
      [3, 12, 0],
      [3, 12, 27],
    ]);
  });
});

describe('training through scan', () => {
  it('a recurrent net learns to sum its inputs, with updates from grad', async () => {
    const w = sym.shared(sym.array([0.1, 0.1], { dtype: 'float64' }), { name: 'w' });
    const X = T.dmatrix('X'); // (steps, batch)
    const y = T.dvector('y');
    const [hs] = sym.scan((xt: V, h: V) => h.mul(w.get(0)).add(xt.mul(w.get(1))), { sequences: X, outputsInfo: T.zerosLike(y) });
    const cost = hs.get(-1).sub(y).pow(2).mean();
    const gw = grad(cost, w);
    const train = sym.function([X, y], cost, { updates: [[w, w.sub(gw.mul(0.05))]] });
    const xs = sym.array([
      [1, 2, -1, 0.5],
      [0.5, -1, 1, 2],
      [-1, 0.5, 2, 1],
    ]);
    const sums = sym.array([0.5, 1.5, 2, 3.5]);
    const first = (await train(xs, sums)).toArray() as number;
    let last = first;
    for (let i = 0; i < 300; i++) last = (await train(xs, sums)).toArray() as number;
    expect(last).toBeLessThan(first * 1e-3);
    const [a, b] = w.getValue().toArray() as number[];
    expect(a).toBeCloseTo(1, 2);
    expect(b).toBeCloseTo(1, 2);
  });
});
