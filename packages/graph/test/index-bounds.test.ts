/**
 * Integer indices out of range are NumPy's IndexError where their values
 * are on the host (ops/check-index.ts): a function input, a shared
 * variable's current host value, a constant, or a view of one; checked
 * before the call's first kernel runs, so a failed call writes nothing.
 * Indices computed on the device are checked by a kernel whose flag the
 * call reads before it commits (kernel/index-check-device.ts).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
const { grad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: V, w: V[]) => V[] };

const i32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'int32' });
const EMB = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12], [13, 14, 15]];

describe('an index out of range raises, naming the indexing as written, the value, its position, the axis and x', () => {
  it("an embedding lookup emb[idxs] with a word id past the vocabulary; a negative id in range counts from the end", () => {
    const emb = sym.shared(EMB, { name: 'emb', dtype: 'float32' });
    const idxs = T.ivector('idxs');
    const f = sym.function([idxs], emb.get(idxs));
    expect((f.sync(i32([0, -1, 2])) as sym.NDArray).toArray()).toEqual([[1, 2, 3], [13, 14, 15], [7, 8, 9]]);
    expect(() => f.sync(i32([0, 1, 2, 7]))).toThrow("emb[idxs]: index 7 (idxs[3]) is out of bounds for axis 0 with size 5, indexing emb of shape (5, 3) (NumPy's IndexError)");
    expect(() => f.sync(i32([-6]))).toThrow('emb[idxs]: index -6 (idxs[0]) is out of bounds for axis 0 with size 5');
    // the error is a RangeError, as NumPy's IndexError
    expect(() => f.sync(i32([5]))).toThrow(RangeError);
  });
  it("an index matrix (Theano's Wemb[x] of a sentence's context windows) names the element's row and column", () => {
    const emb = sym.shared(EMB, { name: 'emb', dtype: 'float32' });
    const win = T.imatrix('win');
    const f = sym.function([win], emb.get(win));
    expect((f.sync(i32([[0, 1], [2, 3]])) as sym.NDArray).shape).toEqual([2, 2, 3]);
    expect(() => f.sync(i32([[0, 1], [9, 3]]))).toThrow('emb[win]: index 9 (win[1, 0]) is out of bounds for axis 0 with size 5, indexing emb of shape (5, 3)');
    // a transposed view of the input is checked through the view
    const g = sym.function([win], emb.get(win.T));
    expect(() => g.sync(i32([[0, 1], [9, 3]]))).toThrow('index 9 (win.T[0, 1]) is out of bounds for axis 0 with size 5');
  });
  it('x.get(i) with a scalar integer input, in an axis after the first, and mixed with slices', () => {
    const x = T.dmatrix('x');
    const i = T.iscalar('i');
    const f = sym.function([x, i], [x.get(i), x.get('1:', i)]);
    const X = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]];
    expect((f.sync(X, -1) as sym.NDArray[]).map((a) => a.toArray())).toEqual([[9, 10, 11], [5, 8, 11]]);
    expect(() => f.sync(X, 3)).toThrow("x[1:, i]: index 3 (i) is out of bounds for axis 1 with size 3, indexing x of shape (4, 3) (NumPy's IndexError)");
    expect(() => f.sync(X, 4)).toThrow('x[i]: index 4 (i) is out of bounds for axis 0 with size 4');
  });
  it('x.get(rows, cols) of a matrix checks each vector against its own axis', () => {
    const x = T.dmatrix('x');
    const r = T.ivector('r');
    const c = T.ivector('c');
    const f = sym.function([x, r, c], x.get(r, c));
    const X = [[0, 1, 2], [3, 4, 5]];
    expect((f.sync(X, i32([1, -2]), i32([-1, 0])) as sym.NDArray).toArray()).toEqual([5, 0]);
    expect(() => f.sync(X, i32([1, 0]), i32([0, 3]))).toThrow('x[r, c]: index 3 (c[1]) is out of bounds for axis 1 with size 3, indexing x of shape (2, 3)');
    expect(() => f.sync(X, i32([2, 0]), i32([0, 0]))).toThrow('x[r, c]: index 2 (r[0]) is out of bounds for axis 0 with size 2');
  });
  it('incSubtensor and setSubtensor by an index vector: the call fails before anything is written into the shared variable', async () => {
    const w = sym.shared([1, 2, 3], { name: 'w', dtype: 'float64' });
    const ids = T.ivector('ids');
    const f = sym.function([ids], [], { updates: [[w, T.incSubtensor(w.get(ids), 10)]] });
    f.sync(i32([0, 0, -1]));
    expect(w.getValue().toArray()).toEqual([21, 2, 13]);
    expect(() => f.sync(i32([1, 3]))).toThrow('w[ids]: index 3 (ids[1]) is out of bounds for axis 0 with size 3');
    expect(w.getValue().toArray()).toEqual([21, 2, 13]);
    // the asynchronous call alike
    await expect(f(i32([4]))).rejects.toThrow('w[ids]: index 4 (ids[0]) is out of bounds for axis 0 with size 3');
    expect(w.getValue().toArray()).toEqual([21, 2, 13]);
    const g = sym.function([ids], [], { updates: [[w, T.setSubtensor(w.get(ids), 0)]] });
    expect(() => g.sync(i32([-4]))).toThrow('w[ids]: index -4 (ids[0]) is out of bounds for axis 0 with size 3');
    expect(w.getValue().toArray()).toEqual([21, 2, 13]);
  });
  it("a training step (an embedding's gradient, updates) leaves the shared variables as they were when an id is out of range", () => {
    const emb = sym.shared(EMB, { name: 'emb', dtype: 'float64' });
    const idxs = T.ivector('idxs');
    const cost = T.sum(T.sqr(emb.get(idxs)));
    const [g] = grad(cost, [emb]);
    const step = sym.function([idxs], cost, { updates: [[emb, T.sub(emb, T.mul(0.01, g!))]] });
    step.sync(i32([0, 1]));
    const before = emb.getValue().toArray();
    expect(before).not.toEqual(EMB);
    expect(() => step.sync(i32([1, 5]))).toThrow('emb[idxs]: index 5 (idxs[1]) is out of bounds for axis 0 with size 5');
    expect(emb.getValue().toArray()).toEqual(before);
  });
  it("a label past the classes in categoricalCrossentropy and in Theano's -mean(log(p)[arange(n), y]), and their gradients", () => {
    const z = T.dmatrix('z');
    const y = T.ivector('y');
    const p = T.nnet.softmax(z);
    const Z = [[0, 1, 2], [1, 0, -1]];
    const costs = [T.mean(T.nnet.categoricalCrossentropy(p, y)), T.neg(T.mean(T.log(p).get(T.arange(T.shapeI(y, 0)), y)))];
    const errors = ['categoricalCrossentropy: label 3 (y[1]) is not one of the 3 classes of Softmax(z) (labels are class indices in [0, 3))', 'index 3 (y[1]) is out of bounds for axis 1 with size 3'];
    costs.forEach((cost, k) => {
      const f = sym.function([z, y], [cost, ...grad(cost, [z])]);
      expect(() => f.sync(Z, i32([2, 0]))).not.toThrow();
      expect(() => f.sync(Z, i32([2, 3]))).toThrow(errors[k]!);
    });
    // a negative label is no class to categoricalCrossentropy (Theano's compiled op refuses it, as Keras); the indexing Theano's tutorial writes counts it from the end, as NumPy
    const negative = costs.map((cost) => sym.function([z, y], cost));
    expect(() => negative[0]!.sync(Z, i32([2, -1]))).toThrow(
      'categoricalCrossentropy: label -1 (y[1]) is not one of the 3 classes of Softmax(z) (labels are class indices in [0, 3); a negative label, such as a padding -1, is refused)',
    );
    expect((negative[1]!.sync(Z, i32([2, -1])) as sym.NDArray).item()).toBeCloseTo((negative[1]!.sync(Z, i32([2, 2])) as sym.NDArray).item(), 14);
  });

  it("categoricalCrossentropy's labels are scanned once a call: the class check serves its gather's index check", () => {
    const z = T.dmatrix('z');
    const y = T.ivector('y');
    const program = sym.schedule({ inputs: [z, y], inputShapes: [[2, 3], [2]], outputs: [T.mean(T.nnet.categoricalCrossentropy(T.nnet.softmax(z), y))] });
    expect((program.indexChecks ?? []).map((c) => [c.input, c.n, c.nonNegative])).toEqual([[1, 3, true]]);
  });
  it('a shared index vector is checked where its host value is current; a constant where x\'s length is known, when the graph is built', () => {
    const emb = sym.shared(EMB, { name: 'emb', dtype: 'float32' });
    const ids = sym.shared(i32([0, 1]), { name: 'ids' });
    const f = sym.function([], emb.get(ids));
    expect((f.sync() as sym.NDArray).shape).toEqual([2, 3]);
    ids.setValue(i32([0, 6]));
    expect(() => f.sync()).toThrow('emb[ids]: index 6 (ids[1]) is out of bounds for axis 0 with size 5');
    const table = T.constant(EMB, { dtype: 'float32', name: 'table' });
    expect(() => table.get([0, 5])).toThrow('table[[0,5]]: index 5 ([0,5][1]) is out of bounds for axis 0 with size 5, indexing table of shape (5, 3)');
    const x = T.dmatrix('x');
    const g = sym.function([x], x.get([0, 5]));
    expect(() => g.sync([[1, 2], [3, 4]])).toThrow('index 5 ([0,5][1]) is out of bounds for axis 0 with size 2');
  });
  it("a scan whose sequence is the index vector: the rows the loop visits are checked before the call, naming the step", () => {
    const emb = sym.shared([[1, 2], [3, 4], [5, 6]], { name: 'emb', dtype: 'float32' });
    const ids = T.ivector('ids');
    const [rows] = sym.scan((w: V) => emb.get(w), { sequences: [ids] }) as unknown as [V];
    const f = sym.function([ids], rows);
    expect((f.sync(i32([0, -1])) as sym.NDArray).toArray()).toEqual([[1, 2], [5, 6]]);
    expect(() => f.sync(i32([0, 2, 7]))).toThrow("emb[ids[t]]: index 7 (ids[t]) is out of bounds for axis 0 with size 3, indexing emb of shape (3, 2), at step 2 of the scan (NumPy's IndexError)");
  });
  it("Theano's minibatch of shared labels (givens: a window of T.cast(shared_y, 'int32')) checks the window's labels; an input cast to int32 is checked too", () => {
    const setY = sym.shared([0, 1, 2, 7, 1, 0], { name: 'set_y', dtype: 'float32' });
    const y = T.ivector('y');
    const z = T.dmatrix('z');
    const index = T.lscalar('index');
    const cost = T.neg(T.mean(T.log(T.nnet.softmax(z)).get(T.arange(T.shapeI(y, 0)), y)));
    const f = sym.function([index, z], cost, { givens: [[y, T.cast(setY, 'int32').get(T.slice(index.mul(2), index.add(1).mul(2)))]] });
    const Z = [[0, 1, 2], [1, 0, -1]];
    expect(() => f.sync(0, Z)).not.toThrow();
    expect(() => f.sync(1, Z)).toThrow("index 7 (y[1]) is out of bounds for axis 1 with size 3");
    expect(() => f.sync(2, Z)).not.toThrow();
    // a window past the end is NumPy's empty window (src/ops/window-check.ts): no label to check
    expect(() => f.sync(3, Z)).not.toThrow();
    const x = T.dvector('x');
    const ids = T.lvector('ids');
    const g = sym.function([x, ids], x.get(T.cast(ids, 'int32')));
    expect((g.sync([1, 2, 3], sym.array([2, -3], { dtype: 'int64' })) as sym.NDArray).toArray()).toEqual([3, 1]);
    expect(() => g.sync([1, 2, 3], sym.array([0, 3], { dtype: 'int64' }))).toThrow('index 3 (Cast{int32}(ids)[1]) is out of bounds for axis 0 with size 3');
  });
  it('DebugMode reports it too, before running', () => {
    const x = T.dvector('x');
    const idxs = T.ivector('idxs');
    const f = sym.function([x, idxs], x.get(idxs), { mode: 'DebugMode' });
    expect(() => f.sync([1, 2], i32([2]))).toThrow('x[idxs]: index 2 (idxs[0]) is out of bounds for axis 0 with size 2');
  });
});

describe('indices computed on the device are checked by a kernel, before anything is committed', () => {
  it('arithmetic on an input, argmax of a row (the kernels clamped them)', () => {
    const x = T.dvector('x');
    const idxs = T.ivector('idxs');
    const f = sym.function([x, idxs], x.get(T.add(idxs, 1)));
    expect(() => f.sync([10, 20, 30], i32([2, 1]))).toThrow("x[(idxs + 1)]: index 3 ((idxs + 1)[0]) is out of bounds for axis 0 with size 3, indexing x of shape (3,) (NumPy's IndexError)");
    expect((f.sync([10, 20, 30], i32([1, -4])) as sym.NDArray).toArray()).toEqual([30, 10]);
    const s = T.dmatrix('s');
    const g = sym.function([x, s], x.get(T.argmax(s, 1)));
    expect(() => g.sync([10, 20], [[0, 0, 1]])).toThrow(/index 2 .* for axis 0 with size 2/);
  });

  it("a training step whose gradient scatters through a computed index leaves W as it was (sync and async)", async () => {
    const W = sym.shared(sym.array([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' }), { name: 'W' });
    const ids = T.ivector('ids');
    const cost = T.sum(T.sqr(W.get(T.add(ids, 1))));
    const [g] = grad(cost, [W]);
    const step = sym.function([ids], cost, { updates: [[W, T.sub(W, T.mul(0.1, g!))]] });
    step.sync(i32([0, -2]));
    const before = W.getValue().toArray();
    expect(() => step.sync(i32([0, 2]))).toThrow('W[(ids + 1)]: index 3 ((ids + 1)[1]) is out of bounds for axis 0 with size 3');
    await expect(step(i32([-5]))).rejects.toThrow('W[(ids + 1)]: index -4 ((ids + 1)[0]) is out of bounds for axis 0 with size 3');
    expect(W.getValue().toArray()).toEqual(before);
  });
});
