import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { MLP } from '../src/layer.js';
import { RandomState } from '../src/random.js';
import { twoGaussianClouds } from '../src/data.js';
import { gradientUpdatesMomentum } from '../src/updates.js';
import { backprop, cost as refCost, trainMomentum, type Mat, type RefLayer } from './reference.js';

const T = sym.T;

function toMat(a: sym.NDArray): Mat {
  return a.toArray() as Mat;
}

/** The tutorial's setup: the clouds, then normal weights and biases of 1 for sizes [2, 4, 1]. */
function tutorialSetup(n: number) {
  const rng = new RandomState(0);
  const data = twoGaussianClouds(rng, n, { dtype: 'float64' });
  const W = [rng.randn([4, 2]), rng.randn([1, 4])];
  const b = [[1, 1, 1, 1], [1]];
  return { data, W, b };
}

describe('the tutorial MLP trained with momentum', () => {
  it('follows the hand-written backpropagation for 20 iterations to 1e-6 relative (float64)', async () => {
    const { data, W, b } = tutorialSetup(1000);
    const mlp = new MLP(W, b, [T.nnet.sigmoid, T.nnet.sigmoid]);
    const x = T.matrix('mlp_input');
    const y = T.vector('mlp_target');
    const cost = mlp.squaredError(x, y);
    const train = sym.function([x, y], cost, { updates: gradientUpdatesMomentum(cost, mlp.params, 0.01, 0.9) });
    const got: number[] = [];
    for (let i = 0; i < 20; i++) got.push((await train(data.X, data.y)).item());

    const ref: RefLayer[] = W.map((w, l) => ({ W: toMat(w), b: [...b[l]!] }));
    const want = trainMomentum(ref, toMat(data.X), Array.from(data.y.data), 0.01, 0.9, 20);
    got.forEach((c, i) => expect(Math.abs(c - want[i]!) / Math.abs(want[i]!)).toBeLessThan(1e-6));
    // The run learns: the cost falls well below where it started.
    expect(want[19]!).toBeLessThan(want[0]! * 0.8);
    // And the parameters end where the hand-written run ends.
    const W0 = toMat(mlp.layers[0]!.W.getValue());
    W0.forEach((row, o) => row.forEach((v, k) => expect(Math.abs(v - ref[0]!.W[o]![k]!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(v)))));
  });

  it('computes the same gradients as backpropagation by hand', async () => {
    const { data, W, b } = tutorialSetup(50);
    const { grad } = await import('@sym/grad');
    const mlp = new MLP(W, b, ['sigmoid', 'sigmoid']);
    const x = T.matrix('x');
    const y = T.vector('y');
    const cost = mlp.squaredError(x, y);
    const f = sym.function([x, y], [cost, ...grad(cost, [...mlp.params])]);
    const [c, gW0, gb0, gW1, gb1] = await f(data.X, data.y);
    const ref: RefLayer[] = W.map((w, l) => ({ W: toMat(w), b: [...b[l]!] }));
    const X = toMat(data.X);
    const Y = Array.from(data.y.data);
    expect(c!.item()).toBeCloseTo(refCost(ref, X, Y), 12);
    const g = backprop(ref, X, Y);
    const close = (a: sym.NDArray, want: number[]) => Array.from(a.data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
    close(gW0!, g[0]!.W.flat());
    close(gb0!, g[0]!.b);
    close(gW1!, g[1]!.W.flat());
    close(gb1!, g[1]!.b);
    expect(gb0!.shape).toEqual([4, 1]);
  });

  it('trains in float32 too, close to the float64 trajectory', async () => {
    const old = sym.config.floatX;
    sym.config.floatX = 'float32';
    try {
      const { data, W, b } = tutorialSetup(200);
      const mlp = new MLP(W, b, ['sigmoid', 'sigmoid']);
      expect(mlp.params[0]!.dtype).toBe('float32');
      const x = T.matrix('x');
      const y = T.vector('y');
      const cost = mlp.squaredError(x, y);
      const train = sym.function([x, y], cost, { updates: gradientUpdatesMomentum(cost, mlp.params, 0.01, 0.9) });
      const X32 = data.X.astype('float32');
      const y32 = data.y.astype('float32');
      const got: number[] = [];
      for (let i = 0; i < 20; i++) {
        const c = await train(X32, y32);
        expect(c.dtype).toBe('float32');
        got.push(c.item());
      }
      const ref: RefLayer[] = W.map((w, l) => ({ W: toMat(w.astype('float32')), b: [...b[l]!] }));
      const want = trainMomentum(ref, toMat(X32), Array.from(y32.data), 0.01, 0.9, 20);
      got.forEach((c, i) => expect(Math.abs(c - want[i]!) / want[i]!).toBeLessThan(1e-4));
    } finally {
      sym.config.floatX = old;
    }
  });
});
