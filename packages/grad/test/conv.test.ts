/**
 * Gradients of conv2d and pool2d (Im2Col and Col2Im, each the other's
 * gradient), checked against finite differences (verifyGrad), to second
 * order where it is cheap, and max pooling's ties against Theano's rule.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, jacobian, verifyGrad } from '../src/index.js';
import { randomPoint, seededRandom } from './helpers.js';

const T = sym.T;
type V = sym.TensorVariable;

async function check(f: (...xs: V[]) => V, points: sym.NDArray[], second = false) {
  expect((await verifyGrad(f, points)).maxAbsErr).toBeLessThan(1e-4);
  if (second) {
    for (let i = 0; i < points.length; i++) {
      const r2 = await verifyGrad((...xs) => grad(f(...xs).pow(2).sum(), xs[i]!, { disconnectedInputs: 'ignore' }), points);
      expect(r2.maxAbsErr).toBeLessThan(1e-4);
    }
  }
}

/** Values all distinct and well apart, so no max-pooling window has a near tie (finite differences would cross it). */
function spread(shape: number[], seed: number): sym.NDArray {
  const rng = seededRandom(seed);
  const a = sym.NDArray.zeros(shape, 'float64');
  const order = Array.from({ length: a.size }, (_, i) => i).sort(() => rng() - 0.5);
  order.forEach((k, i) => (a.data[k] = (i - a.size / 2) * 0.1));
  return a;
}

describe('conv2d gradients', () => {
  const rng = seededRandom(11);
  const x = randomPoint(rng, [2, 2, 5, 4]);
  const w = randomPoint(rng, [3, 2, 3, 2]);

  it('valid convolution, with respect to the input and the filters, to second order', async () => {
    await check((a, b) => T.nnet.conv2d(a!, b!), [x, w], true);
  });
  it('padded, strided and dilated; cross-correlation', async () => {
    await check((a, b) => T.nnet.conv2d(a!, b!, { borderMode: 'full', subsample: [2, 1] }), [x, w]);
    await check((a, b) => T.nnet.conv2d(a!, b!, { borderMode: [1, 2], subsample: [2, 3], filterFlip: false }), [x, w]);
    await check((a, b) => T.nnet.conv2d(a!, b!, { borderMode: 'half', filterDilation: [2, 1] }), [x, w]);
  });
  it('filters whose size is known when the graph is built (the window is the op\'s)', async () => {
    const f = T.dtensor4('f');
    const wc = T.constant(w);
    await check((a) => T.nnet.conv2d(a!, wc, { borderMode: 1 }).tanh(), [x], true);
    // the gradient of the constant-window graph equals the run-time-window one
    const xs = T.dtensor4('xs');
    const g1 = grad(T.nnet.conv2d(xs, wc, { borderMode: 1 }).pow(2).sum(), xs);
    const g2 = grad(T.nnet.conv2d(xs, f, { borderMode: 1 }).pow(2).sum(), xs);
    const [a, b] = (await sym.function([xs, f], [g1, g2])(x, w)) as sym.NDArray[];
    expect(Array.from(a!.data)).toEqual(Array.from(b!.data));
  });
  it('the jacobian of a small convolution (batched reverse pass) matches its rows by grad', async () => {
    const xs = T.dtensor4('xs');
    const wc = T.constant(randomPoint(seededRandom(3), [2, 1, 2, 2]));
    const y = T.nnet.conv2d(xs, wc, { borderMode: 'half', subsample: [2, 2] }).flatten();
    const xv = randomPoint(seededRandom(4), [1, 1, 3, 3]);
    const J = (await sym.function([xs], jacobian(y, xs))(xv)) as sym.NDArray;
    const n = J.shape[0]!;
    expect(J.shape).toEqual([n, 1, 1, 3, 3]);
    for (let i = 0; i < n; i++) {
      const row = (await sym.function([xs], grad(y.get(i), xs))(xv)) as sym.NDArray;
      expect(Array.from(J.data.subarray(i * 9, (i + 1) * 9))).toEqual(Array.from(row.data));
    }
  });
});

describe('pool2d gradients', () => {
  const x = spread([2, 1, 5, 5], 7);
  for (const mode of ['max', 'sum', 'average_inc_pad', 'average_exc_pad'] as const) {
    it(`${mode}: whole windows, partial windows, padded and overlapping`, async () => {
      await check((a) => T.signal.pool.pool2d(a!, { ws: [2, 2], ignoreBorder: true, mode }), [x], mode !== 'max');
      await check((a) => T.signal.pool.pool2d(a!, { ws: [2, 3], ignoreBorder: false, mode }), [x]);
      await check((a) => T.signal.pool.pool2d(a!, { ws: [3, 3], ignoreBorder: true, stride: [2, 1], pad: [1, 2], mode }), [x]);
    });
  }
  it('max: the gradient goes to every element equal to its window maximum (Theano\'s MaxPoolGrad), summed over overlapping windows', async () => {
    const v = T.dmatrix('v');
    const g = grad(T.signal.pool.pool2d(v, { ws: [2, 2], stride: [1, 1], ignoreBorder: true }).sum(), v);
    const out = (await g.eval({ v: [[1, 5, 5], [2, 0, 1], [3, 3, 0]] })) as sym.NDArray;
    // windows: 5 at (0,1); 5 at (0,1) and (0,2), a tie: both get 1; 3 at (2,0) and (2,1), a tie; 3 at (2,1)
    expect(out.toArray()).toEqual([
      [0, 2, 1],
      [0, 0, 0],
      [1, 2, 0],
    ]);
  });
});

describe('grouped conv2d and its adjoints (T.nnet.abstractConv)', () => {
  const rng = seededRandom(21);
  const x = randomPoint(rng, [2, 4, 5, 4]);
  const wGrouped = randomPoint(rng, [6, 2, 3, 2]);
  const wOne = randomPoint(rng, [3, 4, 3, 2]);
  const options: [string, sym.Conv2dOptions][] = [
    ['two groups', { numGroups: 2 }],
    ['two groups, half padding, strided, dilated', { numGroups: 2, borderMode: 'half', subsample: [2, 1], filterDilation: [1, 2] }],
    ['one group, full padding, cross-correlation', { borderMode: 'full', filterFlip: false }],
  ];
  for (const [what, o] of options) {
    it(`${what}: conv2dGradWrtInputs and conv2dGradWrtWeights equal grad of conv2d, and have gradients themselves`, async () => {
      const w = (o.numGroups ?? 1) === 1 ? wOne : wGrouped;
      const [xs, ws] = [T.dtensor4('xs'), T.dtensor4('ws')];
      const y = T.nnet.conv2d(xs, ws, o);
      const gzv = randomPoint(seededRandom(5), [...((await sym.function([xs, ws], y)(x, w)) as sym.NDArray).shape]);
      const gz = T.constant(gzv);
      const cost = y.mul(gz).sum();
      const [gx, gw] = grad(cost, [xs, ws]);
      const gxA = T.nnet.abstractConv.conv2dGradWrtInputs(gz, ws, [null, null, 5, 4], o);
      const gwA = T.nnet.abstractConv.conv2dGradWrtWeights(xs, gz, [null, null, 3, 2], o);
      const [a, b, c, d] = (await sym.function([xs, ws], [gx!, gxA, gw!, gwA])(x, w)) as sym.NDArray[];
      for (const [p, q] of [[a!, b!], [c!, d!]]) {
        expect(q.shape).toEqual(p.shape);
        for (let i = 0; i < p.size; i++) expect(q.data[i]).toBeCloseTo(p.data[i]!, 12);
      }
      await check((g, f) => T.nnet.conv2d(g!, f!, o), [x, w]);
      await check((g, f) => T.nnet.conv2dGradWrtInputs(g!, f!, [null, null, 5, 4], o).tanh(), [gzv, w]);
      await check((i, g) => T.nnet.conv2dGradWrtWeights(i!, g!, [null, null, 3, 2], o).tanh(), [x, gzv]);
    });
  }
  it('bilinearUpsampling (two transposed convolutions of the edge-padded image), ratios 2 and 3', async () => {
    const v = randomPoint(seededRandom(17), [2, 1, 3, 2]);
    await check((i) => T.nnet.abstractConv.bilinearUpsampling(i!, 2).tanh(), [v], true);
    await check((i) => T.nnet.abstractConv.bilinearUpsampling(i!, 3).tanh(), [v]);
  });
  it('depthwise (numGroups = channels), to second order', async () => {
    await check((g, f) => T.nnet.conv2d(g!, f!, { numGroups: 4, borderMode: 1 }), [x, randomPoint(seededRandom(9), [4, 1, 2, 2])], true);
  });
});

describe('images2neibs and neibs2images gradients', () => {
  const x = randomPoint(seededRandom(13), [1, 2, 5, 5]);
  for (const [mode, ns, st] of [
    ['valid', [3, 2], [2, 1]],
    ['ignore_borders', [2, 2], null],
    ['wrap_centered', [3, 3], [2, 1]],
    ['half', [3, 2], [1, 1]],
    ['full', [3, 2], [2, 1]],
  ] as const) {
    it(`images2neibs in mode ${mode} (Theano has no gradient for some)`, async () => {
      await check((v) => T.nnet.neighbours.images2neibs(v!, [ns[0], ns[1]], st && [st[0], st[1]], mode).tanh(), [x], mode === 'valid');
    });
  }
  it('neibs2images, valid and ignore_borders', async () => {
    await check((z) => T.nnet.neighbours.neibs2images(z!, [2, 2], [1, 2, 4, 6]).tanh(), [randomPoint(seededRandom(3), [12, 4])], true);
    await check((z) => T.nnet.neighbours.neibs2images(z!, [2, 2], [1, 2, 5, 7], 'ignore_borders').tanh(), [randomPoint(seededRandom(3), [12, 4])]);
  });
});
