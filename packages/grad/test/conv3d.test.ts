/**
 * Gradients of conv3d, its adjoints and pool3d (Im2Col and Col2Im over
 * three window axes, each the other's gradient), checked against finite
 * differences (verifyGrad), and max pooling's ties against Theano's
 * MaxPoolGrad rule.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, verifyGrad } from '../src/index.js';
import { randomPoint, seededRandom } from './helpers.js';

const T = sym.T;
type V = sym.TensorVariable;
const vol = (name: string) => T.tensor('float64', [false, false, false, false, false], name);

async function check(f: (...xs: V[]) => V, points: sym.NDArray[]) {
  expect((await verifyGrad(f, points)).maxAbsErr).toBeLessThan(1e-4);
}

/** Values all distinct and well apart, so no max-pooling window has a near tie (finite differences would cross it). */
function spread(shape: number[], seed: number): sym.NDArray {
  const rng = seededRandom(seed);
  const a = sym.NDArray.zeros(shape, 'float64');
  const order = Array.from({ length: a.size }, (_, i) => i).sort(() => rng() - 0.5);
  order.forEach((k, i) => (a.data[k] = (i - a.size / 2) * 0.1));
  return a;
}

describe('conv3d gradients', () => {
  const rng = seededRandom(31);
  const x = randomPoint(rng, [1, 2, 4, 3, 4]);
  const w = randomPoint(rng, [2, 2, 2, 2, 3]);
  const wGrouped = randomPoint(rng, [4, 1, 2, 2, 2]);
  const options: [string, sym.Conv3dOptions, sym.NDArray][] = [
    ['valid', {}, w],
    ['full, strided', { borderMode: 'full', subsample: [2, 1, 2] }, w],
    ['padding per axis, dilated, cross-correlation', { borderMode: [1, 0, 2], filterDilation: [2, 1, 1], filterFlip: false }, w],
    ['half, two groups', { borderMode: 'half', numGroups: 2 }, wGrouped],
  ];
  for (const [what, o, wv] of options) {
    it(`${what}: with respect to the input and the filters; the adjoints equal grad and have gradients`, async () => {
      await check((a, b) => T.nnet.conv3d(a!, b!, o), [x, wv]);
      const [xs, ws] = [vol('xs'), vol('ws')];
      const y = T.nnet.conv3d(xs, ws, o);
      const gzv = randomPoint(seededRandom(5), [...((await sym.function([xs, ws], y)(x, wv)) as sym.NDArray).shape]);
      const gz = T.constant(gzv);
      const [gx, gw] = grad(y.mul(gz).sum(), [xs, ws]);
      const gxA = T.nnet.abstractConv.conv3dGradWrtInputs(gz, ws, [null, null, 4, 3, 4], o);
      const gwA = T.nnet.abstractConv.conv3dGradWrtWeights(xs, gz, [null, null, ...(wv.shape.slice(2) as [number, number, number])], o);
      const [a, b, c, d] = (await sym.function([xs, ws], [gx!, gxA, gw!, gwA])(x, wv)) as sym.NDArray[];
      for (const [p, q] of [[a!, b!], [c!, d!]]) {
        expect(q.shape).toEqual(p.shape);
        for (let i = 0; i < p.size; i++) expect(q.data[i]).toBeCloseTo(p.data[i]!, 12);
      }
      await check((g, f) => T.nnet.conv3dGradWrtInputs(g!, f!, [null, null, 4, 3, 4], o).tanh(), [gzv, wv]);
    });
  }
  it('second order through a constant-window convolution', async () => {
    const wc = T.constant(w);
    await check((a) => grad(T.nnet.conv3d(a!, wc, { borderMode: 1 }).tanh().pow(2).sum(), a!), [x]);
  });
});

describe('pool3d gradients', () => {
  const x = spread([2, 4, 5, 3], 7);
  for (const mode of ['max', 'sum', 'average_inc_pad', 'average_exc_pad'] as const) {
    it(`${mode}: whole windows, partial windows, padded and overlapping`, async () => {
      await check((a) => T.signal.pool.pool3d(a!, { ws: [2, 2, 2], ignoreBorder: true, mode }), [x]);
      await check((a) => T.signal.pool.pool3d(a!, { ws: [3, 2, 2], stride: [1, 2, 1], mode }), [x]);
      await check((a) => T.signal.pool.pool3d(a!, { ws: [2, 3, 2], stride: [2, 2, 1], pad: [1, 2, 1], ignoreBorder: true, mode }), [x]);
    });
  }
  it("max: the gradient goes to every element equal to its window maximum (Theano's MaxPoolGrad), summed over overlapping windows", async () => {
    const v = T.tensor('float64', [false, false, false], 'v');
    const g = grad(T.signal.pool.pool3d(v, { ws: [2, 2, 2], stride: [1, 1, 1], ignoreBorder: true }).sum(), v);
    // a 2x2x3 volume: two windows, (.., 0:2) and (.., 1:3); 7 is the maximum of both, the 5s tie in neither
    const out = (await g.eval({ v: [[[1, 7, 2], [0, 5, 7]], [[5, 3, 1], [2, 0, 4]]] })) as sym.NDArray;
    expect(out.toArray()).toEqual([
      [
        [0, 2, 0],
        [0, 0, 1],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
    ]);
  });
});
