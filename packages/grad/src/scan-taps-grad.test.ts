import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, verifyGrad } from './index.js';

const T = sym.T;
type V = sym.TensorVariable;

describe('the gradient of scan with taps agrees with finite differences', () => {
  it('output taps [-2, -1]: with respect to both rows of the initial value and a weight read by closure', async () => {
    await verifyGrad(
      (x0: V, w: V) => {
        const [x] = sym.scan((a: V, b: V) => T.tanh(a.mul(w).add(b.mul(0.5))), { outputsInfo: { initial: x0, taps: [-2, -1] }, nSteps: 5 });
        return x.sum().add(x.get(-1).pow(2));
      },
      [[0.3, -0.7], 0.9],
    );
  });

  it('output taps [-3, -1] on vectors and the last step only', async () => {
    await verifyGrad(
      (x0: V, W: V) => {
        const [x] = sym.scan((older: V, prev: V) => T.tanh(T.dot(W, prev)).add(older.mul(0.3)), { outputsInfo: { initial: x0, taps: [-3, -1] }, nSteps: 4 });
        return x.get(-1).sum();
      },
      [
        [
          [0.1, 0.2],
          [-0.3, 0.4],
          [0.5, -0.1],
        ],
        [
          [0.6, -0.2],
          [0.1, 0.8],
        ],
      ],
    );
  });

  it('sequence taps [-1, 0, 1] and output taps with non-sequences, walking backwards', async () => {
    await verifyGrad(
      (s: V, x0: V, c: V) => {
        const [[x, y]] = sym.scan(
          (prev: V, cur: V, next: V, xTm2: V, xTm1: V, y: V, k: V) => [T.sin(prev.mul(k).add(cur)).add(xTm2.mul(xTm1)), y.add(next.mul(xTm1))],
          { sequences: { input: s, taps: [-1, 0, 1] }, outputsInfo: [{ initial: x0, taps: [-2, -1] }, 0], nonSequences: c, goBackwards: true },
        );
        return x!.sum().add(y!.get(-1));
      },
      [[0.2, -0.4, 0.9, 0.1, -0.6, 0.3], [0.5, -0.2], 1.3],
    );
  });

  it('a moving sum: each element counts once per window it is in', async () => {
    const s = T.dvector('s');
    const [sums] = sym.scan((a: V, b: V, c: V) => a.add(b).add(c), { sequences: { input: s, taps: [-1, 0, 1] } });
    expect((await grad(sums.sum(), s).eval({ s: [1, 2, 3, 4, 5] })).toArray()).toEqual([1, 2, 3, 2, 1]);
  });
});
