/**
 * Results whose shapes depend on values (data-dependent.ts, ops/host.ts)
 * against NumPy 2.4's values (written out), and the host stages that run
 * them (host-stage.ts): readbacks, profiles, updates and random draws
 * across stages, errors naming the input.
 */
import { describe, expect, it } from 'vitest';
import { T, cpu, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad, verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (c: V, w: V[]) => V[];
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });
const i64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'int64' });
const out = (a: sym.NDArray) => ({ dtype: a.dtype, value: a.toArray() });
const X = [[0, 1.5, 0, -2], [3, 0, 0, 0.5], [0, -1, 4, 0]];

describe('nonzero, flatnonzero, nonzeroValues', () => {
  const x = T.matrix('x', 'float64');
  it('are NumPy\'s: int64 positions in C order, one vector per dimension or their matrix', () => {
    const f = sym.function([x], [...T.nonzero(x), T.nonzero(x, true), T.flatnonzero(x), T.nonzeroValues(x)]);
    const [r, c, m, flat, values] = f.sync(f64(X)) as sym.NDArray[];
    expect(out(r!)).toEqual({ dtype: 'int64', value: [0, 0, 1, 1, 2, 2] });
    expect(out(c!)).toEqual({ dtype: 'int64', value: [1, 3, 0, 3, 1, 2] });
    expect(m!.toArray()).toEqual([[0, 0, 1, 1, 2, 2], [1, 3, 0, 3, 1, 2]]);
    expect(out(flat!)).toEqual({ dtype: 'int64', value: [1, 3, 4, 7, 9, 10] });
    expect(out(values!)).toEqual({ dtype: 'float64', value: [1.5, -2, 3, 0.5, -1, 4] });
  });
  it('counts NaN as non-zero, finds nothing in zeros, and has Theano\'s methods', () => {
    const v = T.vector('v', 'float64');
    expect(out(sym.function([v], T.flatnonzero(v)).sync(f64([NaN, 0, -0, 2])) as sym.NDArray)).toEqual({ dtype: 'int64', value: [0, 3] });
    expect((sym.function([x], x.nonzero() as V[]).sync(f64([[0, 0]])) as sym.NDArray[]).map((a) => a.shape)).toEqual([[0], [0]]);
    expect(sym.pp(x.nonzeroValues())).toBe('Reshape{1}(x)[nonzero(Reshape{1}(x))[0]]');
    expect(() => T.nonzero(T.scalar('s'))).toThrow(/nonzero: x must have at least one dimension, got s/);
  });
});

describe('boolean masks: x.get(mask)', () => {
  const x = T.matrix('x', 'float64');
  it('picks the elements (or rows) where the mask is true, as NumPy\'s x[mask]', () => {
    const f = sym.function([x], [x.get(x.gt(0)), x.get(T.gt(T.sum(x, { axis: 1 }), 0)), x.get(x.gt(0)).get(x.get(x.gt(0)).gt(1))]);
    const [elements, rows, twice] = f.sync(f64(X)) as sym.NDArray[];
    expect(out(elements!)).toEqual({ dtype: 'float64', value: [1.5, 3, 0.5, 4] });
    expect(rows!.toArray()).toEqual([[3, 0, 0, 0.5], [0, -1, 4, 0]]);
    // a mask of a masked value: two host stages, the second's mask computed from the first's result
    expect(twice!.toArray()).toEqual([1.5, 3, 4]);
  });
  it('is a window T.setSubtensor and T.incSubtensor write into, in x\'s shape', () => {
    const v = T.vector('v', 'float64');
    const f = sym.function([x, v], [T.setSubtensor(x.get(x.lt(0)), 0), T.incSubtensor(x.get(T.gt(T.sum(x, { axis: 1 }), 0)), 1), T.setSubtensor(v.get(v.gt(1)), 1)]);
    const [relu, rowsUp, clipped] = f.sync(f64(X), f64([3, 0.5, 2])) as sym.NDArray[];
    expect(relu!.toArray()).toEqual([[0, 1.5, 0, 0], [3, 0, 0, 0.5], [0, 0, 4, 0]]);
    expect(rowsUp!.toArray()).toEqual([[0, 1.5, 0, -2], [4, 1, 1, 1.5], [1, 0, 5, 1]]);
    expect(clipped!.toArray()).toEqual([1, 0.5, 1]);
  });
  it('differentiates as the gather it is (verifyGrad), the mask having no gradient', async () => {
    const [g] = grad(T.sum(T.sqr(x.get(x.gt(0)))), [x]);
    expect(sym.function([x], g!).sync(f64(X)).toArray()).toEqual([[0, 3, 0, 0], [6, 0, 0, 1], [0, 0, 8, 0]]);
    const { maxAbsErr } = await verifyGrad((a) => T.sum(T.mul(a.get(a.gt(0)), T.arange(4))), [[[0.5, -1, 2, -3], [4, -0.25, -5, 6]]]);
    expect(maxAbsErr).toBeLessThan(1e-6);
  });
  it('picks no rows of an x with an empty trailing axis (NumPy: zeros((2, 3, 0))[mask] has shape (n, 0))', () => {
    const t = T.tensor3('t', 'float64');
    const m = T.matrix('m', 'bool');
    const picked = sym.function([t, m], t.get(m)).sync(sym.NDArray.zeros([2, 3, 0], 'float64'), sym.array([[true, false, true], [false, false, true]], { dtype: 'bool' })) as sym.NDArray;
    expect(picked.shape).toEqual([3, 0]);
  });
  it('refuses a mask of another shape, naming it, at build or at the call', () => {
    const m = T.matrix('m', 'bool');
    expect(() => x.get(T.tensor3('t', 'bool'))).toThrow(/get: the boolean mask t has 3 dimensions; it must have between 0 and 2/);
    const f = sym.function([x, m], x.get(m));
    expect(() => f.sync(f64(X), sym.array([[true, false, true, false]], { dtype: 'bool' }))).toThrow(/boolean mask m does not match x along axis 0: its length is 1 but the axis's is 3/);
    expect(() => x.get(x)).toThrow('get: index 0 (x) of type TensorType(float64, matrix) cannot index: use an integer, an integer array or a boolean mask');
  });
});

describe('0-d boolean masks: x.get(true), x.get(mask) for a 0-d mask', () => {
  const x = T.matrix('x', 'float64');
  const b = T.scalar('b', 'bool');
  const M = [[0, 1, 2], [3, 4, 5]];
  const bool = (v: boolean) => sym.array(v, { dtype: 'bool' });
  // NumPy 2.4: x[True].shape == (1, 2, 3), x[False].shape == (0, 2, 3), the same for x[np.array(True)] and x[np.array(False)]
  it("is NumPy's x[True] (x[None]) or x[False] (no rows), for a JS boolean or a symbolic 0-d mask", () => {
    const f = sym.function([x, b], [x.get(true), x.get(false), x.get(T.constant(true)), x.get(b)]);
    const [yes, no, constantYes, masked] = f.sync(f64(M), bool(true)) as sym.NDArray[];
    expect(yes!.toArray()).toEqual([M]);
    expect(no!.shape).toEqual([0, 2, 3]);
    expect(constantYes!.toArray()).toEqual([M]);
    expect(masked!.toArray()).toEqual([M]);
    expect(x.get(true).ndim).toBe(3);
    expect((f.sync(f64(M), bool(false)) as sym.NDArray[])[3]!.shape).toEqual([0, 2, 3]);
    // a 0-d x: np.array(5.)[True] is [5.], np.array(5.)[False] has shape (0,)
    const s = T.dscalar('s');
    const [sYes, sNo] = sym.function([s, b], [s.get(true), s.get(b)]).sync(5, bool(false)) as sym.NDArray[];
    expect(out(sYes!)).toEqual({ dtype: 'float64', value: [5] });
    expect(sNo!.shape).toEqual([0]);
  });
  it("is a window setSubtensor and incSubtensor write into, in x's shape (NumPy's x[True] = v, x[False] += v)", () => {
    const v = T.vector('v', 'float64');
    const f = sym.function([x, v, b], [T.setSubtensor(x.get(true), 7), T.setSubtensor(x.get(false), 7), T.incSubtensor(x.get(true), v), T.setSubtensor(x.get(b), v), T.incSubtensor(x.get(b), v)]);
    const [set, unset, inc, setIf, incIf] = f.sync(f64(M), f64([1, 2, 3]), bool(true)) as sym.NDArray[];
    expect(set!.toArray()).toEqual([[7, 7, 7], [7, 7, 7]]);
    expect(unset!.toArray()).toEqual(M);
    expect(inc!.toArray()).toEqual([[1, 3, 5], [4, 6, 8]]);
    expect(setIf!.toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(incIf!.toArray()).toEqual([[1, 3, 5], [4, 6, 8]]);
    const [, , , setNot, incNot] = f.sync(f64(M), f64([1, 2, 3]), bool(false)) as sym.NDArray[];
    expect(setNot!.toArray()).toEqual(M);
    expect(incNot!.toArray()).toEqual(M);
  });
  it('differentiates as the gather it is: ones where the mask is true, zeros where false', async () => {
    const [gTrue] = grad(T.sum(T.sqr(x.get(b))), [x]);
    const g = sym.function([x, b], gTrue!);
    expect(g.sync(f64(M), bool(true)).toArray()).toEqual([[0, 2, 4], [6, 8, 10]]);
    expect(g.sync(f64(M), bool(false)).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    const { maxAbsErr } = await verifyGrad((a) => T.sum(T.mul(a.get(true), T.arange(3))), [[[0.5, -1, 2], [4, -0.25, -5]]]);
    expect(maxAbsErr).toBeLessThan(1e-6);
  });
  it("combines with other indices as NumPy's (more in test/mixed-index.test.ts): x[True, 0], x[0, b]", () => {
    const [first, picked] = sym.function([x, b], [x.get(true, 0), x.get(0, b)]).sync(f64(M), bool(false)) as sym.NDArray[];
    expect(first!.toArray()).toEqual([[0, 1, 2]]);
    expect(picked!.shape).toEqual([0, 3]);
  });
});

describe('unique', () => {
  it('is NumPy 2\'s: sorted values, NaNs last as one, first indices, inverse of x\'s shape, counts', () => {
    const x = T.matrix('x', 'float64');
    const f = sym.function([x], T.unique(x, true, true, true) as V[]);
    const [values, index, inverse, counts] = f.sync(f64([[2, 7, 2], [NaN, -1, 7], [NaN, 2, 0]])) as sym.NDArray[];
    expect(out(values!)).toEqual({ dtype: 'float64', value: [-1, 0, 2, 7, NaN] });
    expect(out(index!)).toEqual({ dtype: 'int64', value: [4, 8, 0, 1, 3] });
    expect(out(inverse!)).toEqual({ dtype: 'int64', value: [[2, 3, 2], [4, 0, 3], [4, 2, 1]] });
    expect(out(counts!)).toEqual({ dtype: 'int64', value: [1, 1, 3, 2, 2] });
    const v = T.vector('v', 'int32');
    expect(out(sym.function([v], T.extraOps.unique(v) as V).sync(sym.array([5, 3, 5, 1], { dtype: 'int32' })) as sym.NDArray)).toEqual({ dtype: 'int32', value: [1, 3, 5] });
    expect(sym.pp((T.unique(v, false, true) as V[])[1]!)).toBe('unique(v, return_inverse)[1]');
    expect(() => T.unique(x, false, false, false, 2)).toThrow(/unique: axis 2 is out of range/);
  });
  it('with an axis, is NumPy\'s over the slices: lexicographic, NaN last, slices with NaN never equal', () => {
    const x = T.matrix('x', 'float64');
    const rows = sym.function([x], T.unique(x, true, true, true, 0) as V[]);
    const [values, index, inverse, counts] = rows.sync(f64([[NaN, 1], [0, 2], [NaN, 1], [0, 2], [-0, 1]])) as sym.NDArray[];
    expect(values!.toArray()).toEqual([[-0, 1], [0, 2], [NaN, 1], [NaN, 1]]);
    expect([index, inverse, counts].map((a) => out(a!))).toEqual([
      { dtype: 'int64', value: [4, 1, 0, 2] },
      { dtype: 'int64', value: [2, 1, 3, 1, 0] },
      { dtype: 'int64', value: [1, 2, 1, 1] },
    ]);
    const m = T.matrix('m', 'int32');
    const cols = sym.function([m], T.unique(m, true, true, true, -1) as V[]).sync(sym.array([[3, 1, 3], [2, 0, 2]], { dtype: 'int32' })) as sym.NDArray[];
    expect(cols.map(out)).toEqual([
      { dtype: 'int32', value: [[1, 3], [0, 2]] },
      { dtype: 'int64', value: [1, 0] },
      { dtype: 'int64', value: [1, 0, 1] },
      { dtype: 'int64', value: [1, 2] },
    ]);
    expect(sym.pp(T.unique(m, false, false, false, 1) as V)).toBe('unique(m, axis=1)');
  });
  it('along a vector\'s axis 0 counts NaNs as one, as NumPy (which takes it as axis null)', () => {
    const v = T.vector('v', 'float64');
    const f = sym.function([v], [...(T.unique(v, true, true, true, 0) as V[]), T.unique(v, false, false, false, -1) as V]);
    const [values, index, inverse, counts, last] = f.sync(f64([0, NaN, NaN, -1])) as sym.NDArray[];
    expect([values, index, inverse, counts, last].map((a) => a!.toArray())).toEqual([[-1, 0, NaN], [3, 0, 1], [1, 2, 2, 0], [1, 1, 2], [-1, 0, NaN]]);
  });
  it('has no gradient for its values (Theano\'s Unique has none)', () => {
    const x = T.vector('x', 'float64');
    expect(() => grad(T.sum(T.unique(x) as V), [x])).toThrow(/Unique has no gradient/);
  });
});

describe('bincount', () => {
  const x = T.vector('x', 'int64');
  it('is NumPy\'s: int64 counts, at least minlength long; weights summed in their float dtype', () => {
    const w = T.vector('w', 'float32');
    const f = sym.function([x, w], [T.bincount(x, null, 6), T.bincount(x, w), T.bincount(x, T.cast(w, 'int32'))]);
    const [counts, sums, intWeights] = f.sync(i64([1, 3, 1, 0, 3, 3]), sym.array([0.5, 1, 2, 4, 8, 16], { dtype: 'float32' })) as sym.NDArray[];
    expect(out(counts!)).toEqual({ dtype: 'int64', value: [1, 2, 0, 3, 0, 0] });
    expect(out(sums!)).toEqual({ dtype: 'float32', value: [4, 2.5, 0, 25] });
    expect(out(intWeights!)).toEqual({ dtype: 'float64', value: [4, 2, 0, 25] });
    expect(out(sym.function([x], T.bincount(x, null, 3)).sync(i64([])) as sym.NDArray)).toEqual({ dtype: 'int64', value: [0, 0, 0] });
  });
  it('refuses negative values naming x, as NumPy\'s ValueError, and bad arguments', () => {
    const f = sym.function([x], T.bincount(x.sub(1)));
    expect(() => f.sync(i64([2, 0]))).toThrow(/bincount: x \(.*\) must have no negative elements, got -1 at position 1/);
    expect(() => T.bincount(T.vector('f', 'float64'))).toThrow(/bincount: x must be a vector of non-negative integers, got f/);
    expect(() => T.bincount(x, null, -1)).toThrow(/minlength must be a non-negative integer/);
    const w = T.vector('w', 'float64');
    expect(() => sym.function([x, w], T.bincount(x, w)).sync(i64([0, 1]), f64([1]))).toThrow(/bincount: weights w has 1 elements but x x has 2/);
  });
  it('refuses a length past the most elements an array may hold, naming x, before allocating anything', () => {
    const f = sym.function([x], T.bincount(x));
    expect(() => f.sync(i64([3, 2 ** 31]))).toThrow(
      /bincount: x \(x\) holds 2147483648, which would need an output of 2147483649 elements; the most is 2147483647/,
    );
    expect(() => T.bincount(x, null, 2 ** 31)).toThrow(/bincount: minlength must be a non-negative integer of at most 2147483647 \(the most elements an array may hold\), got 2147483648/);
    expect(f.sync(i64([2])).toArray()).toEqual([0, 0, 1]);
  });
  it('gives the weights a gradient: the gather of the output\'s', async () => {
    const idx = T.constant(sym.array([1, 3, 1, 0], { dtype: 'int64' }));
    expect((await verifyGrad((w) => T.sum(T.sqr(T.bincount(idx, w))), [[0.5, -1, 2, 3]])).maxAbsErr).toBeLessThan(1e-6);
    const w = T.vector('w', 'float64');
    const [g] = grad(T.sum(T.mul(T.bincount(x, w), T.arange(4).add(1))), [w]);
    expect(sym.function([x, w], g!).sync(i64([1, 3, 1, 0]), f64([1, 1, 1, 1])).toArray()).toEqual([2, 4, 2, 1]);
  });
});

describe('compress', () => {
  const x = T.matrix('x', 'float64');
  const c = T.vector('c', 'bool');
  it('is NumPy\'s: slices along the axis, or elements of x flattened; a shorter condition reads the first slices', () => {
    const f = sym.function([c, x], [T.extraOps.compress(c, x, 1), T.extraOps.compress(c, x), T.extraOps.compress(c, x, 0)]);
    const [cols, flat, rows] = f.sync(sym.array([false, true, true], { dtype: 'bool' }), f64(X)) as sym.NDArray[];
    expect(cols!.toArray()).toEqual([[1.5, 0], [0, 0], [-1, 4]]);
    expect(flat!.toArray()).toEqual([1.5, 0]);
    expect(rows!.toArray()).toEqual([[3, 0, 0, 0.5], [0, -1, 4, 0]]);
  });
  it('keeps x\'s axes in order along any axis of a 3-d x (NumPy\'s np.compress of np.arange(12.).reshape(2, 2, 3))', () => {
    const t = T.tensor3('t', 'float64');
    const c2 = T.vector('c2', 'bool');
    const f = sym.function([c, c2, t], [T.extraOps.compress(c, t, 2), T.extraOps.compress(c2, t, 1), T.extraOps.compress(c, t, -1)]);
    const x3 = sym.array([[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]], { dtype: 'float64' });
    const [last, middle, negative] = f.sync(sym.array([true, false, true], { dtype: 'bool' }), sym.array([false, true], { dtype: 'bool' }), x3) as sym.NDArray[];
    expect(last!.toArray()).toEqual([[[0, 2], [3, 5]], [[6, 8], [9, 11]]]);
    expect(middle!.toArray()).toEqual([[[3, 4, 5]], [[9, 10, 11]]]);
    expect(negative!.toArray()).toEqual(last!.toArray());
  });
  it('differentiates as the gather it is (verifyGrad)', async () => {
    const cond = T.constant(sym.array([true, false, true, true], { dtype: 'bool' }));
    const { maxAbsErr } = await verifyGrad((a) => T.sum(T.sqr(T.extraOps.compress(cond, a, 1))), [[[0.5, -1, 2, -3], [4, 0.25, -5, 6]]]);
    expect(maxAbsErr).toBeLessThan(1e-6);
  });
  it('of an input x takes the axis\' length from x\'s shape on the host: no program, no readback before the gather', () => {
    for (const axis of [1, null]) {
      const f = sym.function([c, x], T.extraOps.compress(c, x, axis), { profile: true });
      const got = f.sync(sym.array([false, true, true], { dtype: 'bool' }), f64(X));
      expect(got.toArray()).toEqual(axis === 1 ? [[1.5, 0], [0, 0], [-1, 4]] : [1.5, 0]);
      expect([f.profile!.hostOps, f.profile!.hostReads]).toEqual([1, 0]);
      // one program: the gather (none computing x's shape first)
      expect(new Set(f.profile!.kernels().map((k) => k.program)).size).toBeLessThanOrEqual(1);
    }
  });
  it('refuses a true entry past the axis, as NumPy\'s IndexError', () => {
    const f = sym.function([c, x], T.extraOps.compress(c, x, 0));
    expect(() => f.sync(sym.array([false, false, false, true], { dtype: 'bool' }), f64(X))).toThrow(/compress: the condition c is true at position 3, past the 3 slices/);
  });
});

describe('host stages', () => {
  const x = T.matrix('x', 'float64');
  it('read back only what the host ops need, and count it in the profile', async () => {
    const direct = sym.function([x], T.nonzero(x), { profile: true });
    direct.sync(f64(X));
    expect(direct.profile!.hostReads).toBe(0); // x is an input: no program, no readback
    const computed = sym.function([x], x.get(x.gt(0)).mul(2), { profile: true });
    expect(out(computed.sync(f64(X)) as sym.NDArray)).toEqual({ dtype: 'float64', value: [3, 6, 1, 8] });
    expect(out((await computed(f64(X))) as sym.NDArray)).toEqual({ dtype: 'float64', value: [3, 6, 1, 8] });
    const p = computed.profile!;
    expect([p.calls, p.hostOps, p.hostReads]).toEqual([2, 2, 2]);
    expect(p.kernels().length).toBeGreaterThan(0);
    expect(p.summary()).toMatch(/Host ops .*: 2 computed, 2 values read back for them/);
    expect(() => computed.compiled.kernelCount(f64(X))).toThrow(/kernelCount: an op of the graph \(nonzero, unique, \.\.\.\) runs on the host/);
  });
  it('hand a value computed before a host op to the later stages on the device, not computed again', () => {
    const w = T.matrix('w', 'float64');
    const h = T.tanh(T.dot(x, w));
    const f = sym.function([x, w], [h.get(h.gt(0)).mul(2), T.sum(h)], { profile: true });
    const wv = f64([[1, 0.5], [-1, 2], [0, 1], [2, -1]]);
    for (let call = 0; call < 2; call++) {
      const [picked, total] = f.sync(f64(X), wv) as sym.NDArray[];
      // np.tanh(X @ W) = [[-0.9999666, 0.9999092], [0.9993293, 0.76159416], [0.76159416, 0.96402758]]
      const want = [1.99981841, 1.9986586, 1.52318831, 1.52318831, 1.92805516];
      (picked!.toArray() as number[]).forEach((e, i) => expect(e).toBeCloseTo(want[i]!, 7));
      expect(picked!.size).toBe(5);
      expect(total!.data[0]).toBeCloseTo(3.4864877988327048, 12);
    }
    const ops = f.profile!.kernels().map((k) => `${k.program}:${k.op}`);
    expect(ops.filter((o) => o.includes('dot'))).toEqual(['0:dot + Elemwise{tanh}']);
    expect(f.profile!.hostReads).toBe(2); // the mask, once a call: h itself is never read back
  });
  it('keep one program per stage and shapes (a new count, a new program), and free them on dispose', () => {
    const before = cpu.liveBuffers();
    const f = sym.function([x], x.get(x.gt(0)).mul(2), { profile: true });
    f.sync(f64(X));
    f.sync(f64(X.map((r) => r.map((e) => -e))));
    f.sync(f64(X));
    // stage 1 (the mask) once; the last stage for 4 and for 3 picked elements
    expect(new Set(f.profile!.kernels().map((k) => k.program)).size).toBe(3);
    expect(cpu.liveBuffers()).toBeGreaterThan(before);
    f.compiled.dispose();
    expect(cpu.liveBuffers()).toBe(before);
  });
  it('take a host result\'s length as a later program\'s static value, and run a host op inside a scan\'s step a step at a time', () => {
    const v = T.vector('v', 'int64');
    // bincount's zeros(length): the length is a host result, not a static input of the function
    expect(sym.function([v], T.bincount(v)).compiled.staticInputs).toEqual([]);
    const [sums] = sym.scan((row: V) => T.sum(row.get(row.gt(0))), { sequences: [x] }) as V[];
    // each row's positive elements summed (Theano's scan over x.get(mask) rows)
    const want = X.map((row) => row.filter((v) => v > 0).reduce((a, b) => a + b, 0));
    Array.from((sym.function([x], sums!).sync(f64(X)) as sym.NDArray).data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
  });
  it('apply updates once, after every stage; a failing call changes nothing', () => {
    const s = sym.shared(i64([0]), { name: 's' });
    const v = T.vector('v', 'int64');
    const f = sym.function([v], T.bincount(v), { updates: [[s, s.add(T.sum(v))]] });
    expect(f.sync(i64([2, 0])).toArray()).toEqual([1, 0, 1]);
    expect(s.getValue().toArray()).toEqual([2]);
    expect(() => f.sync(i64([-1]))).toThrow(/negative/);
    expect(s.getValue().toArray()).toEqual([2]);
  });
  it('leave a call whose later stage fails out of the profile, the earlier stages\' kernels and times included, sync and async', async () => {
    const v = T.vector('v', 'float64');
    // stage 1 computes the mask; the last stage's log of a negative fails NanGuardMode's check
    const f = sym.function([v], T.log(v.get(v.gt(0)).sub(5)), { profile: true, mode: 'NanGuardMode' });
    expect(f.sync(f64([6, -1, 7])).size).toBe(2);
    const p = f.profile!;
    const once = { calls: p.calls, callTime: p.callTime, phases: p.phases, kernels: p.kernels().map((k) => [k.calls, k.time]), reads: p.hostReads, ops: p.hostOps };
    expect(() => f.sync(f64([1, -1, 2]))).toThrow(/NanGuardMode/);
    await expect(f(f64([1, -1, 2]))).rejects.toThrow(/NanGuardMode/);
    // a host op failing after stage 1's program ran (bincount of a negative) is left out too
    const g = sym.function([v], T.bincount(T.cast(v, 'int64').sub(1)), { profile: true });
    expect(() => g.sync(f64([0]))).toThrow(/negative/);
    expect([g.profile!.calls, g.profile!.callTime, g.profile!.kernelTime, g.profile!.hostOps, g.profile!.hostReads]).toEqual([0, 0, 0, 0, 0]);
    expect({ calls: p.calls, callTime: p.callTime, phases: p.phases, kernels: p.kernels().map((k) => [k.calls, k.time]), reads: p.hostReads, ops: p.hostOps }).toEqual(once);
    await f(f64([6, 7]));
    expect(p.calls).toBe(2);
    expect(p.kernels().every((k) => k.calls <= 2)).toBe(true);
    expect(p.callTime).toBeGreaterThanOrEqual(p.kernelTime);
  });
  it('give a random variable the same numbers in every stage of a call, and move its generator once', () => {
    const srng = new sym.RandomStreams(7);
    const u = srng.uniform([8]);
    const f = sym.function([], [u, u.get(u.gt(0.5))]);
    const [a, picked] = f.sync() as sym.NDArray[];
    expect(picked!.toArray()).toEqual((a!.toArray() as number[]).filter((e) => e > 0.5));
    const [b] = f.sync() as sym.NDArray[];
    expect(b!.toArray()).not.toEqual(a!.toArray());
  });
  it('run an opFromGraph holding a host op as its inner graph (inlined for the stages: not inlined by the optimizer, or FAST_COMPILE)', async () => {
    const v = T.vector('v', 'float64');
    const y = T.vector('y', 'float64');
    for (const inline of [false, true]) {
      const positiveSum = sym.opFromGraph([v], T.sum(T.sqr(v.get(v.gt(0)))), { inline });
      const nested = sym.opFromGraph([v], T.mul(positiveSum(v) as V, 2), { inline });
      const cost = T.add(positiveSum(y) as V, nested(y) as V);
      for (const mode of ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const) {
        const f = sym.function([y], [cost, grad(cost, [y])[0]!], { mode });
        expect((f.sync(f64([1, -2, 3])) as sym.NDArray[]).map((a) => a.toArray())).toEqual([30, [6, 0, 18]]);
        expect(((await f(f64([-1, 2]))) as sym.NDArray[]).map((a) => a.toArray())).toEqual([12, [0, 12]]);
      }
    }
  });
});
