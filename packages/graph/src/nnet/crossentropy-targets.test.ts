// T.nnet.categoricalCrossentropy (tensor.ts) with target distributions that do not fit the probabilities: named as the call's arguments, not as the product t * log(p).
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

describe('categoricalCrossentropy with one-hot targets of the wrong shape', () => {
  it('names coding_dist and true_dist, their shapes and what was expected (was Elemwise{mul,no_inplace} of t and log(p))', async () => {
    const p = T.matrix('p');
    const t = T.matrix('t');
    const f = sym.function([p, t], T.nnet.categoricalCrossentropy(p, t));
    const probabilities = [[0.5, 0.25, 0.25], [0.2, 0.3, 0.5]];
    await expect(f(probabilities, [[1, 0], [0, 1]])).rejects.toThrow(
      "categoricalCrossentropy: true_dist t of shape (2, 2) has 2 classes but coding_dist p of shape (2, 3) has 3: one-hot targets or distributions take coding_dist's shape, one row of its classes per row",
    );
    await expect(f(probabilities, [[1, 0, 0]])).rejects.toThrow(/^categoricalCrossentropy: true_dist t of shape \(1, 3\) has 1 row but coding_dist p of shape \(2, 3\) has 2: /);
    // fitting targets: -sum(t log p) per row, as before
    const got = await f(probabilities, [[1, 0, 0], [0, 0, 1]]);
    expect(Array.from(got.data)).toEqual([-Math.log(0.5), -Math.log(0.5)]);
  });

  it('known shapes are refused when the graph is built; unnamed arguments are named by their expressions', () => {
    const z = T.matrix('z');
    expect(() => T.nnet.categoricalCrossentropy(T.softmax(z), T.constant([[1, 0], [0, 1]]).mul(T.constant([[1, 1, 1]])))).toThrow(/shapes do not match/);
    const known = T.constant(sym.array([[0.25, 0.75]], { dtype: 'float64' }));
    expect(() => T.nnet.categoricalCrossentropy(known, T.constant(sym.array([[1, 0, 0]], { dtype: 'float64' })))).toThrow(/^categoricalCrossentropy: true_dist .* of shape \(1, 3\) has 3 classes but coding_dist .* of shape \(1, 2\) has 2/);
    const h = T.matrix('h');
    const y = T.matrix('y');
    expect(() => sym.function([z, h, y], T.nnet.categoricalCrossentropy(T.softmax(z), y.mul(h))).sync([[1, 2, 3]], [[1, 1]], [[1, 0]])).toThrow(
      /^categoricalCrossentropy: true_dist \(y \* h\) of shape \(1, 2\) has 2 classes but coding_dist Softmax\(z\) of shape \(1, 3\) has 3/,
    );
  });
});
