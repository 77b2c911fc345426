/** Indexing: NumPy's answers (computed with numpy 2.4 and written here), views, errors. */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });
const X = f64([
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
  [10, 11, 12],
]);
const run = (out: sym.TensorVariable | sym.TensorVariable[], inputs: sym.TensorVariable[], ...values: unknown[]) =>
  sym.function(inputs, out as sym.TensorVariable[]).sync(...values) as sym.NDArray[];
const one = (out: sym.TensorVariable, inputs: sym.TensorVariable[], ...values: unknown[]) => (sym.function(inputs, out).sync(...values) as sym.NDArray).toArray();

describe('x.get: basic indexing, as NumPy', () => {
  const x = T.dmatrix('x');
  it('slices with strings, T.slice and integers, negative ones included', () => {
    expect(one(x.get('1:3'), [x], X)).toEqual([
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(one(x.get(':', 0), [x], X)).toEqual([1, 4, 7, 10]);
    expect(one(x.get(-1), [x], X)).toEqual([10, 11, 12]);
    expect(one(x.get(T.slice(null, null, -2), T.slice(1)), [x], X)).toEqual([
      [11, 12],
      [5, 6],
    ]);
    expect(one(x.get('::-1', '::2'), [x], X)).toEqual([
      [10, 12],
      [7, 9],
      [4, 6],
      [1, 3],
    ]);
    expect(one(x.get('-2:', -2), [x], X)).toEqual([8, 11]);
    expect(one(x.get(1, 2), [x], X)).toBe(6);
  });
  it('clamps slice bounds and gives empty windows, as Python slices do', () => {
    expect(one(x.get('2:100'), [x], X)).toEqual([
      [7, 8, 9],
      [10, 11, 12],
    ]);
    expect((sym.function([x], x.get('3:1')).sync(X) as sym.NDArray).shape).toEqual([0, 3]);
    expect(one(x.get('-100:1', '5:'), [x], X)).toEqual([[]]);
  });
  it("reads symbolic integer indices at run time: negative ones count from the end, others are NumPy's IndexError", () => {
    const i = T.lscalar('i');
    const j = T.iscalar('j');
    const f = sym.function([x, i, j], [x.get(i), x.get(':', j)]);
    expect((f.sync(X, -1, 1) as sym.NDArray[]).map((a) => a.toArray())).toEqual([
      [10, 11, 12],
      [2, 5, 8, 11],
    ]);
    // an input's value is checked before the call runs
    expect(() => f.sync(X, 9, 0)).toThrow("x[i]: index 9 (i) is out of bounds for axis 0 with size 4, indexing x of shape (4, 3) (NumPy's IndexError)");
    expect(() => f.sync(X, 0, -9)).toThrow("x[:, j]: index -9 (j) is out of bounds for axis 1 with size 3, indexing x of shape (4, 3) (NumPy's IndexError)");
    // one computed on the device is checked too (the kernels clamped it), in every mode
    const h = sym.function([x, i, j], [x.get(T.maximum(i, i)), x.get(':', T.maximum(j, j))]);
    expect((h.sync(X, 3, -3) as sym.NDArray[]).map((a) => a.toArray())).toEqual([
      [10, 11, 12],
      [1, 4, 7, 10],
    ]);
    expect(() => h.sync(X, 9, 0)).toThrow(/index 9 \(.*\) is out of bounds for axis 0 with size 4/);
    expect(() => h.sync(X, 0, -9)).toThrow(/index -9 \(.*\) is out of bounds for axis 1 with size 3/);
    const g = sym.function([x, i], x.get(T.maximum(i, i)), { mode: 'DebugMode' });
    expect(() => g.sync(X, 9)).toThrow(/index 9 \(.*\) is out of bounds for axis 0 with size 4/);
    // an empty axis has no element to clamp to
    expect(() => sym.function([x, i], x.get(i)).sync(sym.NDArray.zeros([0, 3], 'float64'), 0)).toThrow('x[i]: index 0 (i) is out of bounds for axis 0 with size 0');
  });
  it('is a view (no kernel) for constant bounds, steps of either sign, and gathers for a symbolic start', () => {
    const sum = (v: sym.TensorVariable) => sym.function([x], v.sum()).compiled.kernelCount(X);
    expect(sum(x.get('1:3', '::2'))).toBe(1);
    expect(sum(x.get(2))).toBe(1);
    // negative steps: negative strides from the window's first element, read by the sum itself
    expect(sum(x.get('::-1'))).toBe(1);
    expect(sum(x.get('3:0:-2', '::-1'))).toBe(1);
    // a start known only at the call: a gather, computed in the sum that reads it (the CPU's reductions gather)
    const i = T.iscalar('i');
    const symbolic = x.get(T.slice(i, null, -1)).sum();
    const at2 = sym.array(2, { dtype: 'int32' });
    expect(sym.function([x, i], symbolic, { optimizer: { excluding: ['fusion'] } }).compiled.kernelCount(X, at2)).toBeGreaterThan(1);
    expect(sym.function([x, i], symbolic).compiled.kernelCount(X, at2)).toBe(1);
  });
  it("checks an index vector read through a reversed view on the host, naming the view's position", () => {
    const v = T.dvector('v');
    const idx = T.ivector('idx');
    const f = sym.function([v, idx], v.get(idx.get('::-1')));
    const V = f64([10, 20, 30, 40]);
    expect((f.sync(V, sym.array([0, 1, 3], { dtype: 'int32' })) as sym.NDArray).toArray()).toEqual([40, 20, 10]);
    expect(() => f.sync(V, sym.array([7, 1, 3], { dtype: 'int32' }))).toThrow('v[idx[::-1]]: index 7 (idx[::-1][2]) is out of bounds for axis 0 with size 4');
  });
  it('returns a reversed view as an output copied into a buffer of its own, and reads it in place of a gather', () => {
    const f = sym.function([x], [x.get('::-1'), x.get('3:0:-2', '::-1'), x.get('::-1').add(x), x.get(-1, '::-1')]);
    const [r, s, a, v] = f.sync(X).map((o) => o.toArray());
    expect(r).toEqual([[10, 11, 12], [7, 8, 9], [4, 5, 6], [1, 2, 3]]);
    expect(s).toEqual([[12, 11, 10], [6, 5, 4]]);
    expect(a).toEqual([[11, 13, 15], [11, 13, 15], [11, 13, 15], [11, 13, 15]]);
    expect(v).toEqual([12, 11, 10]);
    // three copies into the outputs' buffers and the sum: no gather before any of them
    expect(f.compiled.kernelCount(X)).toBe(4);
  });
  it('refuses what NumPy refuses, naming it', () => {
    expect(() => x.get(0, 0, 0)).toThrow('get: too many indices for x: it has 2 dimensions but the index covers 3');
    expect(() => x.get('::0')).toThrow('slice step cannot be zero (axis 0)');
    expect(() => x.get('a:b')).toThrow(`index 0: "a:b" is not an integer or a slice such as '1:3', ':' or '::-1'`);
    expect(() => x.get(T.dscalar('s'))).toThrow('a symbolic index must be an integer scalar, got s of type TensorType(float64, scalar)');
    expect(() => T.dscalar('s').get(0)).toThrow('s is 0-d and cannot be indexed');
    expect(() => sym.function([x], x.get(7)).sync(X)).toThrow('index 7 is out of bounds for axis 0 with size 4');
  });
  it("names the op, the indexed variable and its shape when an index does not fit (NumPy's words alone name no variable)", () => {
    // hmc.py with n_steps=1: the leapfrog scan runs 0 steps and all_pos[-1] has nothing to read
    const v = T.dvector('v');
    const [steps] = sym.scan((p: sym.TensorVariable) => p.add(1), { outputsInfo: [v], nSteps: 0 });
    expect(() => (steps as sym.TensorVariable).get(-1)).toThrow('Subtensor{-1}: index -1 is out of bounds for axis 0 with size 0, indexing Scan.0 of shape (0, ?)');
    // known when the function runs
    const empty = sym.NDArray.zeros([0, 3], 'float64');
    expect(() => sym.function([x], x.get(-1).mul(2)).sync(empty)).toThrow('Subtensor{-1}: index -1 is out of bounds for axis 0 with size 0, indexing x of shape (0, 3)');
    expect(() => sym.function([x], x.get(':', 5)).sync(X)).toThrow('Subtensor{:, 5}: index 5 is out of bounds for axis 1 with size 3, indexing x of shape (4, 3)');
    const i = T.lscalar('i');
    expect(() => sym.function([x, i], x.get(i)).sync(empty, 0)).toThrow("x[i]: index 0 (i) is out of bounds for axis 0 with size 0, indexing x of shape (0, 3) (NumPy's IndexError)");
    expect(() => sym.function([x], T.incSubtensor(x.get(-1), 1)).sync(empty)).toThrow('IncSubtensor{-1}: index -1 is out of bounds for axis 0 with size 0, indexing x of shape (0, 3)');
  });
  it('prints as Theano prints Subtensor', () => {
    const i = T.lscalar('i');
    expect(sym.pp(x.get('1:3', i))).toBe('x[1:3, i]');
    expect(x.get('::-1').owner!.op.toString()).toBe('Subtensor{::-1}');
  });
  it("null is NumPy's None (newaxis): lstm.py's m_[:, None] and mask[:, :, None]", () => {
    const m = T.dvector('m');
    const col = m.get(':', null);
    expect(col.broadcastable).toEqual([false, true]);
    expect(one(col.mul(x.get('0:2')), [m, x], f64([2, 3]), X)).toEqual([
      [2, 4, 6],
      [12, 15, 18],
    ]);
    // np.arange(1, 13).reshape(4, 3)[None, 1:3, None, 2, None].shape == (1, 2, 1, 1)
    const r = sym.function([x], x.get(null, '1:3', null, 2, null)).sync(X) as sym.NDArray;
    expect([r.shape, r.toArray()]).toEqual([[1, 2, 1, 1], [[[[6]], [[9]]]]]);
    expect(one(x.get(-1, null), [x], X)).toEqual([[10, 11, 12]]);
    // NumPy: arange(1, 13).reshape(4, 3)[[2, 0], None] has shape (2, 1, 3): the array's axis where it stands, then the new one
    const i = T.lvector('i');
    const withNull = sym.function([x, i], x.get(i, null)).sync(X, sym.array([2, 0], { dtype: 'int64' })) as sym.NDArray;
    expect([withNull.shape, withNull.toArray()]).toEqual([[2, 1, 3], [[[7, 8, 9]], [[1, 2, 3]]]]);
  });
});

describe("windows from a symbolic start (Theano's minibatch x[i * bs:(i + 1) * bs])", () => {
  const x = T.dmatrix('x');
  const i = T.lscalar('i');
  const bs = 2;
  const batch = x.get(T.slice(i.mul(bs), i.add(1).mul(bs)));
  it('pick bs rows from row i * bs, as NumPy does where the window fits', () => {
    expect(batch.staticShape).toEqual([2, null]);
    const f = sym.function([x, i], batch);
    expect((f.sync(X, 0) as sym.NDArray).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect((f.sync(X, 1) as sym.NDArray).toArray()).toEqual([
      [7, 8, 9],
      [10, 11, 12],
    ]);
    expect(sym.pp(batch)).toBe('x[(i * TensorConstant{2}):(i * TensorConstant{2}) + 2]');
  });
  it('work through givens on a shared dataset, as the Theano tutorials train', () => {
    const data = sym.shared(X, { name: 'data' });
    const m = T.dmatrix('m');
    const f = sym.function([i], m.sum(1), { givens: [[m, data.get(T.slice(i.mul(bs), i.add(1).mul(bs)))]] });
    expect((f.sync(1) as sym.NDArray).toArray()).toEqual([24, 33]);
  });
  it('a start past the end gives no rows where the start is an input, as NumPy (src/ops/window-check.ts); DebugMode too', () => {
    expect((sym.function([x, i], batch).sync(X, 5) as sym.NDArray).shape).toEqual([0, 3]);
    expect((sym.function([x, i], batch, { mode: 'DebugMode' }).sync(X, 5) as sym.NDArray).shape).toEqual([0, 3]);
    expect(() => sym.function([x, i], x.get(T.slice(i, i.add(5)))).sync(X, 0)).toThrow('a window of 5 elements does not fit in axis 0 of length 4');
  });
  it('set and inc a window', () => {
    const f = sym.function([x, i], [T.setSubtensor(batch, 0), T.incSubtensor(x.get(':', T.slice(i, i.add(2))), 10)]);
    const [set, inc] = f.sync(X, 1) as sym.NDArray[];
    expect(set!.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(inc!.toArray()).toEqual([
      [1, 12, 13],
      [4, 15, 16],
      [7, 18, 19],
      [10, 21, 22],
    ]);
  });
  it('find the length of bounds that repeat an expression written apart (x.shape[0] twice)', () => {
    const v = T.dvector('v');
    const tail = v.get(T.slice(v.shape[0]!.sub(3), v.shape[0]!));
    expect((sym.function([v], tail).sync([0, 1, 2, 3, 4]) as sym.NDArray).toArray()).toEqual([2, 3, 4]);
  });
  it('find a length not known when the graph is built from the values, on the host (x[i:2i], x[i:], steps, stop before start)', () => {
    const hostOps = (v: sym.TensorVariable) => sym.toposort([v]).filter((n) => n.op.toString().startsWith('SliceWindow')).length;
    const windows = [x.get(T.slice(i, i.mul(2))), x.get(T.slice(i, null)), x.get(T.slice(i, i.add(2), 2)), x.get(T.slice(i.add(3), i))];
    expect(windows.map(hostOps)).toEqual([1, 1, 1, 1]);
    expect(hostOps(x.get(T.slice(i, i.add(2))))).toBe(0);
    const f = sym.function([x, i], windows);
    // NumPy, x = arange(12).reshape(4, 3) + 1 by rows: x[1:2], x[1:], x[1:3:2], x[4:1]
    expect((f.sync(X, 1) as sym.NDArray[]).map((o) => o.shape)).toEqual([[1, 3], [3, 3], [1, 3], [0, 3]]);
  });
});

describe('rows picked by an index matrix (Theano embedding lookup Wemb[x])', () => {
  it('gives idx.shape + x.shape[1:], as NumPy', () => {
    const W = T.dmatrix('W');
    const x = T.lmatrix('x');
    const e = W.get(x);
    expect(e.type.toString()).toBe('TensorType(float64, 3D)');
    expect((sym.function([W, x], e).sync([[1, 2], [3, 4], [5, 6]], [[0, 2], [-1, 1]]) as sym.NDArray).toArray()).toEqual([
      [
        [1, 2],
        [5, 6],
      ],
      [
        [5, 6],
        [3, 4],
      ],
    ]);
  });
});

describe('x[rows, cols]: elements picked by two index vectors (NumPy advanced indexing of a matrix)', () => {
  it("picks x[rows[k], cols[k]], negative indices counting from the end, as NumPy's x[[1, 0, -1], [2, -1, 0]]", () => {
    const m = T.dmatrix('m');
    const a = T.lvector('a');
    const b = T.lvector('b');
    expect((sym.function([m, a, b], m.get(a, b)).sync(X, [1, 0, -1], [2, -1, 0]) as sym.NDArray).toArray()).toEqual([6, 3, 10]);
  });
  it("Theano's negative log-likelihood: log(p)[arange(n), y]", () => {
    const p = T.dmatrix('p');
    const y = T.lvector('y');
    const nll = T.log(p).get(T.arange(y.shape[0]!), y).mean().neg();
    const v = (sym.function([p, y], nll).sync([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]], [0, 2]) as sym.NDArray).item();
    expect(v).toBeCloseTo(-(Math.log(0.5) + Math.log(0.8)) / 2, 12);
  });
  it("refuses an input's index out of its axis, and a computed one (the kernels clamped it into that axis), and refuses vectors of two lengths", () => {
    const m = T.dmatrix('m');
    const a = T.lvector('a');
    const b = T.lvector('b');
    const f = sym.function([m, a, b], m.get(a, b));
    expect((f.sync([[0, 1, 2], [3, 4, 5]], [0, -1], [2, -3]) as sym.NDArray).toArray()).toEqual([2, 3]);
    expect(() => f.sync([[0, 1, 2], [3, 4, 5]], [0, 1], [3, -4])).toThrow("m[a, b]: index 3 (b[0]) is out of bounds for axis 1 with size 3, indexing m of shape (2, 3) (NumPy's IndexError)");
    expect(() => f.sync([[0, 1, 2], [3, 4, 5]], [0, 2], [0, 0])).toThrow("m[a, b]: index 2 (a[1]) is out of bounds for axis 0 with size 2");
    const computed = sym.function([m, a, b], m.get(a, T.maximum(b, b)));
    expect((computed.sync([[0, 1, 2], [3, 4, 5]], [0, 1], [2, -3]) as sym.NDArray).toArray()).toEqual([2, 3]);
    expect(() => computed.sync([[0, 1, 2], [3, 4, 5]], [0, 1], [3, -4])).toThrow(/m\[a, maximum\(b, b\)\]: index 3 \(maximum\(b, b\)\[0\]\) is out of bounds for axis 1 with size 3/);
    // NumPy broadcasts a length of 1 here; x.get(rows, cols) of a matrix pairs its vectors one to one unless one's type is broadcastable
    expect(() => f.sync([[0, 1, 2], [3, 4, 5]], [0, 1], [1])).toThrow(
      "get: shape mismatch: the index arrays cannot be broadcast together (NumPy's IndexError): index 0 (a) has shape (2,) and index 1 (b) has shape (1,); x.get(rows, cols) of a matrix pairs them one to one",
    );
    const one1 = T.tensor('int64', [true], 'one1');
    expect((sym.function([m, a, one1], m.get(a, one1)).sync([[0, 1, 2], [3, 4, 5]], [0, 1], [1]) as sym.NDArray).toArray()).toEqual([1, 4]);
  });
  it("setSubtensor and incSubtensor of x[rows, cols] return x's shape, repeated pairs adding up (NumPy's np.add.at(x, (rows, cols), y))", () => {
    // they returned the flattened matrix (the window is taken from x.reshape(-1)); found by gradient fuzzing
    const m = T.dmatrix('m');
    const r = T.lvector('r');
    const row = T.drow('row');
    const w = m.get(r, T.constant([1, -1, 1], { dtype: 'int64' }));
    const inc = T.incSubtensor(w, T.constant([10, 20, 30], { dtype: 'float64' }));
    const set = T.setSubtensor(w, 7);
    expect([inc.ndim, set.ndim]).toEqual([2, 2]);
    const [a, b] = run([inc, set], [m, r], [[0, 1, 2], [3, 4, 5]], [0, 1, 0]);
    expect(a!.toArray()).toEqual([[0, 41, 2], [3, 4, 25]]);
    expect(b!.toArray()).toEqual([[0, 7, 2], [3, 4, 7]]);
    const onRow = T.incSubtensor(row.get(T.constant([0, 0], { dtype: 'int64' }), T.constant([2, -1], { dtype: 'int64' })), 1);
    expect(onRow.broadcastable).toEqual([true, false]);
    expect(one(onRow, [row], [[1, 1, 1]])).toEqual([[1, 1, 3]]);
  });
  it('takes two vectors on a tensor of more dimensions as NumPy (x[a, b] keeps the other axes), and refuses a float index array', () => {
    const t = T.dtensor3('t');
    const [a, b] = [T.lvector('a'), T.lvector('b')];
    // NumPy: arange(24).reshape(2, 3, 4)[[1, 0], [2, -1]] == [[20, 21, 22, 23], [8, 9, 10, 11]]
    const T3 = f64(Array.from({ length: 24 }, (_, k) => k)).reshape([2, 3, 4]);
    expect(one(t.get(a, b), [t, a, b], T3, [1, 0], [2, -1])).toEqual([[20, 21, 22, 23], [8, 9, 10, 11]]);
    expect(() => T.dmatrix('m').get(T.lvector('a'), T.dvector('f'))).toThrow('get: index 1 (f) of type TensorType(float64, vector) cannot index: use an integer, an integer array or a boolean mask');
  });
});

describe('setSubtensor and incSubtensor', () => {
  const x = T.dmatrix('x');
  it('replace or add to a window, y broadcast to it', () => {
    const y = T.dmatrix('y');
    const [set, inc, strided] = run(
      [T.setSubtensor(x.get('1:3', ':2'), y), T.incSubtensor(x.get(':', -1), 100), T.incSubtensor(x.get('::-2', '::2'), T.constant([[1, 2]], { dtype: 'float64' }))],
      [x, y],
      X,
      [
        [0, 0],
        [-1, -1],
      ],
    );
    expect(set!.toArray()).toEqual([
      [1, 2, 3],
      [0, 0, 6],
      [-1, -1, 9],
      [10, 11, 12],
    ]);
    expect(inc!.toArray()).toEqual([
      [1, 2, 103],
      [4, 5, 106],
      [7, 8, 109],
      [10, 11, 112],
    ]);
    expect(strided!.toArray()).toEqual([
      [1, 2, 3],
      [5, 5, 8],
      [7, 8, 9],
      [11, 11, 14],
    ]);
  });
  it('write at a symbolic index', () => {
    const i = T.lscalar('i');
    const v = T.dvector('v');
    expect(one(T.setSubtensor(x.get(i), v), [x, i, v], X, -3, [0, 0, 0])).toEqual([
      [1, 2, 3],
      [0, 0, 0],
      [7, 8, 9],
      [10, 11, 12],
    ]);
  });
  it('refuse y that does not broadcast, a lossy dtype, and what is not a window', () => {
    const bad = T.dmatrix('bad');
    expect(() => sym.function([x, bad], T.setSubtensor(x.get('1:3'), bad)).sync(X, [[1, 2, 3]])).toThrow(
      "setSubtensor into x (SetSubtensor{1:3}): bad of shape (1, 3) does not broadcast to the window's shape (2, 3). Its dimension 0 has length 1 but is not broadcastable",
    );
    expect(() => T.setSubtensor(T.fmatrix('f').get(0), T.dvector('d'))).toThrow("cannot write d (float64) into f (float32) without losing data; cast it first (.astype('float32'))");
    expect(() => T.incSubtensor(T.tensor('bool', [false], 'b').get(0), true)).toThrow('cannot increment a bool tensor b; use setSubtensor');
    expect(() => T.setSubtensor(x.sum(), 1)).toThrow('setSubtensor: expected a window of a tensor made by x.get(...)');
  });
});

describe('rows by an index vector', () => {
  const x = T.dmatrix('x');
  const idx = T.lvector('idx');
  it('picks rows, negative ones from the end', () => {
    expect(one(x.get(idx), [x, idx], X, [3, 0, -1])).toEqual([
      [10, 11, 12],
      [1, 2, 3],
      [10, 11, 12],
    ]);
    expect(one(T.take(x.T, idx, 0), [x, idx], X, [1])).toEqual([[2, 5, 8, 11]]);
  });
  it('take along axis 0: a scalar index drops the axis, an index matrix gives its shape then the rows (NumPy x[idx]); a float index or a 0-d x is refused naming them', () => {
    const i = T.lscalar('i');
    const m = T.lmatrix('m');
    expect(one(T.take(x, i, 0), [x, i], X, -1)).toEqual([10, 11, 12]);
    expect(one(T.take(x, m, 0), [x, m], X, [[0, 3], [1, 1]])).toEqual([
      [[1, 2, 3], [10, 11, 12]],
      [[4, 5, 6], [4, 5, 6]],
    ]);
    expect(() => T.take(x, T.dvector('f'), 0)).toThrow('take(x, indices): indices must be an integer tensor, got f of type TensorType(float64, vector)');
    expect(() => T.take(T.dscalar('s'), i, 0)).toThrow('take(s, i, 0): a must have an axis to take along');
  });
  it('increments repeated rows once per mention (numpy.add.at); set keeps the last write', () => {
    const w = T.dmatrix('w');
    const [inc, set] = run([T.incSubtensor(x.get(idx), w), T.setSubtensor(x.get(idx), w)], [x, idx, w], X, [0, 0, -1], [
      [1, 1, 1],
      [2, 2, 2],
      [3, 3, 3],
    ]);
    expect(inc!.toArray()).toEqual([
      [4, 5, 6],
      [4, 5, 6],
      [7, 8, 9],
      [13, 14, 15],
    ]);
    expect(set!.toArray()).toEqual([
      [2, 2, 2],
      [4, 5, 6],
      [7, 8, 9],
      [3, 3, 3],
    ]);
  });
  it("picks a minibatch by a symbolic start, as the guide writes Theano's x[i * bs:(i + 1) * bs]", () => {
    const i = T.lscalar('i');
    const batch = x.get(T.arange(2).add(i.mul(2)));
    expect(one(batch, [x, i], X, 1)).toEqual([
      [7, 8, 9],
      [10, 11, 12],
    ]);
  });
  it("increments without work proportional to the table's rows times the indices (an embedding's gradient)", () => {
    // the indices sorted by counting (two K x K integer reductions), then kernels over the table once,
    // over the indices' rows log K times, over the table's row numbers log K times: never n K, nor K^2 rows
    const [n, row, K] = [1000, 64, 8];
    const table = T.fmatrix('table');
    const g = T.fmatrix('g');
    const ids = T.ivector('ids');
    const p = sym.schedule({ inputs: [table, g, ids], inputShapes: [[n, row], [K, row], [K]], outputs: [T.incSubtensor(table.get(ids), g)] });
    const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    const reduces = p.steps.map((s) => s.kernel).filter((k): k is sym.ReduceKernel => k.kind === 'reduce');
    expect(reduces.map((k) => size([...k.shape, ...k.reduceShape]))).toEqual([K * K, K * K]);
    const elementwise = p.steps.map((s) => s.kernel).filter((k): k is sym.ElementwiseKernel => k.kind === 'elementwise');
    expect(Math.max(...elementwise.map((k) => size(k.shape)))).toBe(n * row);
    expect(elementwise.filter((k) => size(k.shape) === K * row)).toHaveLength(1 + Math.log2(K));
  });
  it('checks computed int64 and uint32 indices in their own dtype (2 ** 32 + 1 is not 1: not wrapped through int32 first); refuses an input\'s', () => {
    const v = T.dvector('v');
    const i = T.lscalar('i');
    const u = T.tensor('uint32', [], 'u');
    const ids = T.lvector('ids');
    const computed = (k: sym.TensorVariable) => T.maximum(k, k);
    const f = sym.function([v, i, u, ids], [v.get(computed(i)), v.get(computed(u)), v.get(computed(ids))]);
    const at = (iv: number, uv: number) => (f.sync([10, 11, 12, 13, 14], iv, uv, sym.array([iv, -iv], { dtype: 'int64' })) as sym.NDArray[]).map((a) => a.toArray());
    expect(at(2, 4)).toEqual([12, 14, [12, 13]]);
    expect(() => at(2 ** 32 + 1, 1)).toThrow(/index 4294967297 \(.*\) is out of bounds for axis 0 with size 5/);
    expect(() => at(1, 3e9)).toThrow(/index 3000000000 \(.*\) is out of bounds for axis 0 with size 5/);
    expect(() => at(1, 4294967290)).toThrow(/index 4294967290 \(.*\) is out of bounds/);
    expect(() => at(-(2 ** 32) + 1, 1)).toThrow(/index -4294967295 \(.*\) is out of bounds/);
    const g = sym.function([v, i, u, ids], [v.get(i), v.get(u), v.get(ids)]);
    const call = (iv: number, uv: number, idv: number) => g.sync([10, 11, 12, 13, 14], iv, uv, sym.array([0, idv], { dtype: 'int64' }));
    expect(() => call(2 ** 32 + 1, 0, 0)).toThrow('v[i]: index 4294967297 (i) is out of bounds for axis 0 with size 5');
    expect(() => call(0, 3e9, 0)).toThrow('v[u]: index 3000000000 (u) is out of bounds for axis 0 with size 5');
    expect(() => call(0, 0, -(2 ** 40))).toThrow('v[ids]: index -1099511627776 (ids[1]) is out of bounds for axis 0 with size 5');
  });
  it('adds the increments of a repeated row together first, then to the row (float16 keeps what add.at would round away)', () => {
    const h = T.tensor('float16', [false], 'h');
    const ids = T.ivector('ids');
    const inc = T.incSubtensor(h.get(ids), T.constant(1, { dtype: 'float16' }));
    const values = [sym.array([2048, 0], { dtype: 'float16' }), sym.array(new Array<number>(1000).fill(0), { dtype: 'int32' })] as const;
    expect(one(inc, [h, ids], ...values)).toEqual([3048, 0]);
    // the reference agrees, so DebugMode does
    expect((sym.function([h, ids], inc, { mode: 'DebugMode' }).sync(...values) as sym.NDArray).toArray()).toEqual([3048, 0]);
  });
  it('returns windows of computed values whole, also as updates and in DebugMode (a window from offset 0 is not its buffer)', () => {
    const v = T.dvector('v');
    expect(one(v.mul(2).get(0), [v], [1, 2, 3, 4, 5])).toBe(2);
    expect(one(v.mul(2).get('0:2'), [v], [1, 2, 3, 4, 5])).toEqual([2, 4]);
    expect((sym.function([v], v.mul(2).get(0).sum(), { mode: 'DebugMode' }).sync([1, 2, 3]) as sym.NDArray).item()).toBe(2);
    const w = sym.shared(sym.array([1, 2, 3, 4, 5, 6], { dtype: 'float64' }));
    const s = sym.shared(sym.array([0, 0, 0], { dtype: 'float64' }));
    sym.function([], [], { updates: [[s, w.mul(2).get(':3')]] }).sync();
    expect(s.getValue().toArray()).toEqual([2, 4, 6]);
  });
  it('takes index vectors among other indices (NumPy\'s advanced indexing, mixed-index.ts), and refuses masks of more dimensions than x and float arrays', () => {
    // a boolean mask alone is x[mask] (data-dependent.test.ts)
    expect(() => x.get(T.tensor('bool', [false, false, false], 'm'))).toThrow('get: the boolean mask m has 3 dimensions; it must have between 0 and 2');
    // NumPy: arange(1, 13).reshape(4, 3)[:, [2, 0, 2]] and [1:, [-1]]
    expect(one(x.get(':', idx), [x, idx], X, [2, 0, 2])).toEqual([[3, 1, 3], [6, 4, 6], [9, 7, 9], [12, 10, 12]]);
    expect(one(x.get('1:', [-1]), [x], X)).toEqual([[6], [9], [12]]);
    expect(() => x.get(T.dvector('d'))).toThrow('get: index 0 (d) of type TensorType(float64, vector) cannot index: use an integer, an integer array or a boolean mask');
    expect(() => x.get(':', [0.5, 1])).toThrow('get: index 1: the array [0.5,1] holds 0.5; an index array must hold integers (or only booleans, a mask)');
  });
});

describe('concatenate, stack, arange', () => {
  it('join along an axis, promoting dtypes', () => {
    const a = T.dmatrix('a');
    const b = T.imatrix('b');
    const j = T.concatenate([a, b], 1);
    expect(j.dtype).toBe('float64');
    expect(one(j, [a, b], [[1], [2]], sym.array([[3, 4], [5, 6]], { dtype: 'int32' }))).toEqual([
      [1, 3, 4],
      [2, 5, 6],
    ]);
    expect(one(T.concatenate([a, a.get('::-1')], -2), [a], [[1], [2]])).toEqual([[1], [2], [2], [1]]);
    expect(T.concatenate([a])).toBe(a);
  });
  it('stack along a new axis', () => {
    const v = T.dvector('v');
    expect(one(T.stack([v, v.mul(2)]), [v], [1, 2])).toEqual([
      [1, 2],
      [2, 4],
    ]);
    expect(one(T.stack([v, v.mul(2)], -1), [v], [1, 2])).toEqual([
      [1, 2],
      [2, 4],
    ]);
  });
  it('refuse shapes that do not line up, naming them', () => {
    const a = T.dmatrix('a');
    const c = T.dmatrix('c');
    expect(() => sym.function([a, c], T.concatenate([a, c])).sync([[1, 2]], [[1, 2, 3]])).toThrow('Join{axis=0}: c has length 3 along axis 1, but a has 2; only axis 0 may differ');
    expect(() => T.concatenate([a, T.dvector('v')])).toThrow('Join: all tensors must have 2 dimensions like a');
    expect(() => T.concatenate([a, c], 2)).toThrow('concatenate: axis 2 is out of range [-2, 2) for a');
    expect(() => T.concatenate([a, c], -3)).toThrow('concatenate: axis -3 is out of range [-2, 2) for a');
    expect(() => T.concatenate([a], 5)).toThrow('concatenate: axis 5 is out of range');
    // a non-integer is called that: concatenate's 1.5 was 'out of range', stack's 1.5 a DimShuffle error and its '1' a dimension '10' ('1' + 0 joined as strings)
    expect(() => T.concatenate([a, c], 1.5)).toThrow(/concatenate: axis must be an integer in \[-2, 2\), got 1.5 for a/);
    expect(() => T.stack([a, a], '1' as never)).toThrow(/stack: axis must be an integer in \[-3, 3\), got "1" for a/);
    expect(() => T.stack([a, a], 0.5)).toThrow(/stack: axis must be an integer in \[-3, 3\), got 0.5 for a/);
    expect(() => T.stack([a, a], 3)).toThrow(/stack: axis 3 is out of range \[-3, 3\) for a/);
    expect(() => T.shapeI(a, 1.5)).toThrow(/shapeI: axis must be an integer in \[-2, 2\), got 1.5 for a/);
  });
  it('arange makes a constant of numbers known when the graph is built', () => {
    expect(T.arange(4).toString()).toBe('TensorConstant{[0 1 2 3]}');
    expect(T.arange(1, 2, 0.25).dtype).toBe(sym.config.floatX);
    expect((T.arange(5, 0, -2) as sym.TensorConstant).value.toArray()).toEqual([5, 3, 1]);
    expect(() => T.arange('4' as unknown as number)).toThrow('arange: start, stop and step must be numbers or integer scalars, got string');
  });
  it('arange of integer scalars: a shape (`y.shape[0]`) or a function input, whose value makes the program', () => {
    const n = T.lscalar('n');
    const f = sym.function([n], [T.arange(n), T.arange(1, n, 3), T.arange(n, 0, -2)]);
    expect(f.compiled.staticInputs).toEqual([0]);
    expect((f.sync(7) as sym.NDArray[]).map((a) => a.toArray())).toEqual([[0, 1, 2, 3, 4, 5, 6], [1, 4], [7, 5, 3, 1]]);
    expect((f.sync(0) as sym.NDArray[]).map((a) => a.toArray())).toEqual([[], [], []]);
    const y = T.dvector('y');
    expect((sym.function([y], T.arange(y.shape[0]!)).sync([5, 5, 5]) as sym.NDArray).toArray()).toEqual([0, 1, 2]);
    expect(() => T.arange(T.dscalar('x'))).toThrow('arange: argument 1 (x) must be an integer scalar, got TensorType(float64, scalar)');
  });
});

describe('alloc, zeros, ones (shapes given by lengths, symbolic ones included)', () => {
  it('broadcast a value to a shape, as NumPy broadcasts', () => {
    const v = T.dvector('v');
    expect((sym.function([v], T.alloc(v, 2, 3)).sync([1, 2, 3]) as sym.NDArray).toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(() => sym.function([v], T.alloc(v, 2, 3)).sync([1, 2])).toThrow('alloc: a value of shape (2,) cannot fill shape (2, 3)');
  });
  it('zeros and ones take lengths from shapes and inputs; their type is broadcastable where a length is the constant 1', () => {
    const x = T.dmatrix('x');
    const k = T.iscalar('k');
    const z = T.zeros([x.shape[0]!, k, 1], 'float32');
    expect(z.type.toString()).toBe('TensorType(float32, (False, False, True))');
    const out = sym.function([x, k], z).sync([[1, 2]], 3) as sym.NDArray;
    expect([out.dtype, out.shape, out.toArray()]).toEqual(['float32', [1, 3, 1], [[[0], [0], [0]]]]);
    expect((sym.function([k], T.ones([k])).sync(2) as sym.NDArray).toArray()).toEqual([1, 1]);
    expect(() => T.zeros([2, -1])).toThrow('zeros: length 1 must be a non-negative integer, got -1');
    // DebugMode keeps every value in a buffer of its own, but a length stays a value the lowering can read
    const y = T.dvector('y');
    expect((sym.function([y], T.zeros([y.shape[0]!]).add(y), { mode: 'DebugMode' }).sync([1, 2, 3]) as sym.NDArray).toArray()).toEqual([1, 2, 3]);
    expect(() => T.zeros([T.dscalar('d')])).toThrow('zeros: length 0 (d) must be an integer scalar, got TensorType(float64, scalar)');
  });
});
