/**
 * T.nnet.categoricalCrossentropy and binaryCrossentropy, Theano's: values,
 * and, with softmax, finite where the probabilities underflow (the
 * optimizer computes log(softmax(z)) as log-softmax).
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import { sym, T, values } from './helpers.js';

describe('T.nnet crossentropies', () => {
  const z = T.dmatrix('z');
  const y = T.lvector('y');

  it('categorical: -log p[k, y[k]] for labels, -sum(t log p) for distributions', async () => {
    const p = T.dmatrix('p');
    const t = T.dmatrix('t');
    const f = sym.function([p, y, t], [T.nnet.categoricalCrossentropy(p, y), T.nnet.categoricalCrossentropy(p, t)]);
    const [labels, dists] = values(await f([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]], [0, 2], [[1, 0, 0], [0, 0.5, 0.5]]));
    expect(labels![0]).toBeCloseTo(-Math.log(0.5), 12);
    expect(labels![1]).toBeCloseTo(-Math.log(0.8), 12);
    expect(dists![1]).toBeCloseTo(-(0.5 * Math.log(0.1) + 0.5 * Math.log(0.8)), 12);
  });

  it('of a softmax, finite and with a finite gradient at logits of +-1000 (2000, and softmax minus one-hot: [1, 0, -1])', async () => {
    const cost = T.nnet.categoricalCrossentropy(T.nnet.softmax(z), y).mean();
    const f = sym.function([z, y], [cost, grad(cost, [z])[0]!]);
    const [c, g] = values(await f([[1000, 0, -1000]], [2]));
    expect(c).toEqual([2000]);
    expect(g).toEqual([1, 0, -1]);
  });

  it('binary: -(t log o + (1 - t) log(1 - o))', async () => {
    const o = T.dvector('o');
    const t = T.dvector('t');
    const [v] = values(await sym.function([o, t], T.nnet.binaryCrossentropy(o, t))([0.9, 0.2], [1, 0]));
    expect(v![0]).toBeCloseTo(-Math.log(0.9), 12);
    expect(v![1]).toBeCloseTo(-Math.log(0.8), 12);
  });

  it('refuse what they cannot read, naming it', () => {
    expect(() => T.nnet.categoricalCrossentropy(T.dvector('v'), y)).toThrow(/coding_dist must be a matrix/);
    expect(() => T.nnet.categoricalCrossentropy(z, T.dvector('f'))).toThrow(/true_dist must be an integer vector of labels or a matrix/);
  });
});
