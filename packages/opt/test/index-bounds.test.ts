/**
 * An index out of range is NumPy's IndexError (graph's CheckIndex) after
 * the rewrites too: the negative log-likelihood's gather and its
 * gradient's scatter made elementwise (pairs_scatter_elementwise), the
 * embedding's gradient scatter, fusion; in FAST_RUN and FAST_COMPILE, and
 * a failed training step leaves the shared variables as they were.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import type { Mode, TensorVariable } from '@sym/graph';
import { sym, T } from './helpers.js';

const i32 = (v: number[]) => sym.array(v, { dtype: 'int32' });
const MODES: Mode[] = ['FAST_RUN', 'FAST_COMPILE'];

describe('a label past the classes', () => {
  for (const mode of MODES) {
    it(`raises in categoricalCrossentropy and -mean(log(p)[arange(n), y]), and their gradients (${mode})`, () => {
      const z = T.dmatrix('z');
      const y = T.ivector('y');
      const p = T.nnet.softmax(z);
      const costs = [T.mean(T.nnet.categoricalCrossentropy(p, y)), T.neg(T.mean(T.log(p).get(T.arange(T.shapeI(y, 0)), y)))];
      // categoricalCrossentropy takes class labels, [0, n) (a negative label is no class, as Theano's compiled op says); the indexing, NumPy's [-n, n)
      const past = ['categoricalCrossentropy: label 3 (y[1]) is not one of the 3 classes of Softmax(z) (labels are class indices in [0, 3))', "log(Softmax(z))[arange(n), y]: index 3 (y[1]) is out of bounds for axis 1 with size 3, indexing log(Softmax(z)) of shape (2, 3) (NumPy's IndexError)"];
      const negative = ['categoricalCrossentropy: label -4 (y[0]) is not one of the 3 classes', 'index -4 (y[0]) is out of bounds for axis 1 with size 3'];
      costs.forEach((cost, k) => {
        const f = sym.function([z, y], [cost, ...grad(cost, [z])], { mode });
        const [c] = f.sync([[0, 1, 2], [1, 0, -1]], i32([2, 0])) as sym.NDArray[];
        expect(c!.data[0]).toBeCloseTo(0.4076059644443804, 12);
        expect(() => f.sync([[0, 1, 2], [1, 0, -1]], i32([2, 3]))).toThrow(past[k]!);
        expect(() => f.sync([[0, 1, 2], [1, 0, -1]], i32([-4, 0]))).toThrow(negative[k]!);
      });
    });
    it(`a softmax regression's training step leaves W and b unchanged when it raises (${mode})`, async () => {
      const W = sym.shared(sym.NDArray.zeros([4, 3], 'float64'), { name: 'W' });
      const b = sym.shared(sym.NDArray.zeros([3], 'float64'), { name: 'b' });
      const x = T.dmatrix('x');
      const y = T.ivector('y');
      const p = T.nnet.softmax(T.add(T.dot(x, W), b));
      const cost = T.neg(T.mean(T.log(p).get(T.arange(T.shapeI(y, 0)), y)));
      const [gW, gb] = grad(cost, [W, b]);
      const train = sym.function([x, y], cost, { mode, updates: [[W, T.sub(W, T.mul(0.5, gW!))], [b, T.sub(b, T.mul(0.5, gb!))]] });
      const X = [[1, 0, 0, 1], [0, 1, 1, 0]];
      train.sync(X, i32([0, 2]));
      const [w0, b0] = [W.getValue().toArray(), b.getValue().toArray()];
      expect(w0).not.toEqual(sym.NDArray.zeros([4, 3], 'float64').toArray());
      expect(() => train.sync(X, i32([0, 3]))).toThrow('index 3 (y[1]) is out of bounds for axis 1 with size 3');
      await expect(train(X, i32([5, 0]))).rejects.toThrow('index 5 (y[0]) is out of bounds for axis 1 with size 3');
      expect([W.getValue().toArray(), b.getValue().toArray()]).toEqual([w0, b0]);
    });
    it(`an embedding's training step (gradient scatter, updates in place) leaves the table unchanged when an id is past it (${mode})`, () => {
      const emb = sym.shared(sym.array([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' }), { name: 'emb' });
      const ids = T.imatrix('ids');
      const h = T.sum(emb.get(ids), { axis: 1 }) as TensorVariable;
      const cost = T.mean(T.sqr(h));
      const [g] = grad(cost, [emb]);
      const step = sym.function([ids], cost, { mode, updates: [[emb, T.sub(emb, T.mul(0.1, g!))]] });
      step.sync(sym.array([[0, 1], [2, -1]], { dtype: 'int32' }));
      const before = emb.getValue().toArray();
      expect(() => step.sync(sym.array([[0, 1], [3, 1]], { dtype: 'int32' }))).toThrow('emb[ids]: index 3 (ids[1, 0]) is out of bounds for axis 0 with size 3, indexing emb of shape (3, 2)');
      expect(emb.getValue().toArray()).toEqual(before);
    });
  }
});
