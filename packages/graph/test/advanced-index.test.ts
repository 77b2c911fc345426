/**
 * Integer arrays among other indices without a boolean (NumPy's advanced
 * indexing, Theano's AdvancedSubtensor and AdvancedIncSubtensor, through
 * mixed-index.ts) by hand: placement of the broadcast axes, JS arrays,
 * errors, out-of-range positions, y with extra leading 1s, the ops the
 * forms compile to, gradients. The NumPy fuzz is in mixed-index.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};

const i64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'int64' });
// NumPy: x = arange(24).reshape(2, 3, 4)
const X3 = sym.array(Array.from({ length: 24 }, (_, k) => k), { dtype: 'float64' }).reshape([2, 3, 4]);
const opsOf = (out: V): string[] => {
  const names: string[] = [];
  const seen = new Set<V>();
  const walk = (v: V) => {
    if (seen.has(v) || !v.owner) return;
    seen.add(v);
    names.push(v.owner.op.constructor.name + (v.owner.op instanceof Object && 'scalarOp' in v.owner.op ? `{${String((v.owner.op as { scalarOp: unknown }).scalarOp)}}` : ''));
    v.owner.inputs.forEach(walk);
  };
  walk(out);
  return names;
};

describe('integer arrays among other indices, as NumPy 2.4', () => {
  const x = T.tensor3('x', 'float64');
  const a = T.lvector('a');
  const b = T.lvector('b');
  const am = T.lmatrix('am');
  it("puts the broadcast axes in place when the advanced indices are adjacent (ints count), first otherwise", () => {
    // a0 indexes axis 0 (of length 2), a the others (of 3 and 4)
    const a0 = T.lvector('a0');
    const f = sym.function([x, a, a0, b, am], [x.get(':', a), x.get(0, a), x.get(a0, '1:3'), x.get(a0, ':', b), x.get(':', am, 0), x.get(':', 1, a), x.get(a0, null, b)]);
    const out = f.sync(X3, i64([2, 0]), i64([1, 0]), i64([-1, 1]), i64([[0, 1], [2, 2]])) as sym.NDArray[];
    const [colsA, rowA, sliced, apart, matrixIdx, intThen, nullBetween] = out.map((o) => [o.shape, o.toArray()]);
    expect(colsA![0]).toEqual([2, 2, 4]);
    expect((colsA![1] as number[][][])[1]).toEqual([[20, 21, 22, 23], [12, 13, 14, 15]]);
    expect(rowA).toEqual([[2, 4], [[8, 9, 10, 11], [0, 1, 2, 3]]]);
    expect(sliced![0]).toEqual([2, 2, 4]);
    // x[a0, :, b]: a0 and b apart, the broadcast axis first: x[[1, 0], :, [-1, 1]] == [[3, 7, 11], [1, 5, 9]] rows of x[1] and x[0]
    expect(apart).toEqual([[2, 3], [[15, 19, 23], [1, 5, 9]]]);
    // x[:, [[0, 1], [2, 2]], 0]: the int makes the advanced indices adjacent, in place: (2, 2, 2)
    expect(matrixIdx).toEqual([[2, 2, 2], [[[0, 4], [8, 8]], [[12, 16], [20, 20]]]]);
    // x[:, 1, [2, 0]]: adjacent (1 and a), in place after the first axis: (2, 2)
    expect(intThen).toEqual([[2, 2], [[6, 4], [18, 16]]]);
    // x[a, None, b]: None stands between, so the broadcast axis goes first: (2, 1, 4)
    expect(nullBetween![0]).toEqual([2, 1, 4]);
  });
  it('broadcasts the index arrays together ((2, 1) with (3,)), keeps x\'s dtype, and takes JS arrays (NumPy\'s lists) as int64 constants', () => {
    const xi = T.tensor3('xi', 'int32');
    const f = sym.function([xi], [xi.get([[1], [0]], [0, 1, 2]), xi.get(1, [0, -1], [3, 0]), xi.get([], ':', 0)]);
    const [grid, pairs, empty] = f.sync(sym.array(X3.toArray() as number[][][], { dtype: 'int32' })) as sym.NDArray[];
    // NumPy: x[[[1], [0]], [0, 1, 2]].shape == (2, 3, 4)
    expect([grid!.dtype, grid!.shape, (grid!.toArray() as number[][][])[0]![2]]).toEqual(['int32', [2, 3, 4], [20, 21, 22, 23]]);
    // x[1, [0, -1], [3, 0]] == [15, 20]
    expect(pairs!.toArray()).toEqual([15, 20]);
    // x[[], :, 0].shape == (0, 3)
    expect(empty!.shape).toEqual([0, 3]);
  });
  it('refuses index arrays that cannot broadcast, naming the positions and lengths, and float index arrays', () => {
    const f = sym.function([x, a, b], x.get(a, ':', b));
    expect(() => f.sync(X3, i64([0, 1]), i64([0, 1, 2]))).toThrow(
      "get: shape mismatch: the index arrays cannot be broadcast together (NumPy's IndexError): index 2 of shape (3,) has 3 positions along dimension 0 of the broadcast where the others have 2",
    );
    // a (2, 2) array with a (3,) one: NumPy's shapes (2,2) (3,)
    const g = sym.function([x, am], x.get(am, ':', [0, 1, 2]));
    expect(() => g.sync(X3, i64([[0, 1], [1, 0]]))).toThrow(
      "get: shape mismatch: the index arrays cannot be broadcast together (NumPy's IndexError): index 2 of shape (3,) has 3 positions along dimension 1 of the broadcast where the others have 2",
    );
    expect(() => x.get(':', T.dvector('f'))).toThrow('get: index 1 (f) of type TensorType(float64, vector) cannot index: use an integer, an integer array or a boolean mask');
    expect(() => x.get(0, ':', [1, 2.5])).toThrow('get: index 2: the array [1,2.5] holds 2.5; an index array must hold integers (or only booleans, a mask)');
    expect(() => x.get(':', [0, true])).toThrow('get: index 1: the array [0,true] holds true');
    expect(() => x.get(a, a, a, a)).toThrow('get: too many indices for x: it has 3 dimensions but the index covers 4');
  });
  it("counts a negative position from the end of its axis; one out of range is NumPy's IndexError, naming the index, its axis and x", () => {
    const m = T.dmatrix('m');
    const M = sym.array([[0, 1, 2], [3, 4, 5]], { dtype: 'float64' });
    const cols = sym.function([m, a], m.get(':', a));
    expect((cols.sync(M, i64([-1, 2, -3])) as sym.NDArray).toArray()).toEqual([[2, 2, 0], [5, 5, 3]]);
    expect(() => cols.sync(M, i64([-1, 5, -9]))).toThrow("m[:, a]: index 5 (a[1]) is out of bounds for axis 1 with size 3, indexing m of shape (2, 3) (NumPy's IndexError)");
    expect(() => cols.sync(M, i64([-4]))).toThrow('index -4 (a[0]) is out of bounds for axis 1 with size 3');
    expect(() => sym.function([m, a], m.get(':', a), { mode: 'DebugMode' }).sync(M, i64([5]))).toThrow('index 5 (a[0]) is out of bounds for axis 1');
    const both = sym.function([x, a, b], x.get(a, 1, b), { mode: 'DebugMode' });
    expect((both.sync(X3, i64([1, -1]), i64([0, 3])) as sym.NDArray).toArray()).toEqual([16, 19]);
    // x[[5, -1], 1, [0, 9]]: each array against its own axis
    expect(() => both.sync(X3, i64([5, -1]), i64([0, 3]))).toThrow('x[a, 1, b]: index 5 (a[0]) is out of bounds for axis 0 with size 2');
    expect(() => both.sync(X3, i64([1, -1]), i64([0, 9]))).toThrow('x[a, 1, b]: index 9 (b[1]) is out of bounds for axis 2 with size 4');
  });
  it('checks an index computed on the device against its axis (the kernels clamped it): NumPy\'s IndexError', () => {
    const m = T.dmatrix('m');
    const M = sym.array([[0, 1, 2], [3, 4, 5]], { dtype: 'float64' });
    const cols = sym.function([m, a], m.get(':', T.maximum(a, a)));
    expect((cols.sync(M, i64([-1, 2, -3])) as sym.NDArray).toArray()).toEqual([[2, 2, 0], [5, 5, 3]]);
    expect(() => cols.sync(M, i64([-1, 5, -9]))).toThrow(/index 5 \(.*\[1\]\) is out of bounds for axis 1 with size 3/);
    const both = sym.function([x, a, b], x.get(T.maximum(a, a), 1, T.maximum(b, b)));
    // x[[5, -1], 1, [0, 9]]: 5 past axis 0 (the kernels read row 1), 9 past axis 2 (they read 3, not the next row)
    expect(() => both.sync(X3, i64([5, -1]), i64([0, 3]))).toThrow(/index 5 \(.*\[0\]\) is out of bounds for axis 0 with size 2/);
    expect(() => both.sync(X3, i64([1, -1]), i64([0, 9]))).toThrow(/index 9 \(.*\[1\]\) is out of bounds for axis 2 with size 4/);
  });
  it('compiles x[idx], x[idx, :] and a matrix\'s x[rows, cols] to their own ops as before; x[:, idx] to one AdvancedSubtensor1 between transposes', () => {
    const m = T.dmatrix('m');
    // the index of a function input is checked first (CheckIndex, no kernel)
    expect(opsOf(m.get(a))).toEqual(['AdvancedSubtensor1', 'CheckIndex']);
    expect(opsOf(m.get(a, ':'))).toEqual(['AdvancedSubtensor1', 'CheckIndex']);
    expect(opsOf(m.get(a, b))).toContain('MatchLength');
    expect(opsOf(m.get(':', a))).toEqual(['DimShuffle', 'AdvancedSubtensor1', 'DimShuffle', 'CheckIndex']);
  });
});

describe('setSubtensor and incSubtensor through integer arrays among other indices', () => {
  const x = T.tensor3('x', 'float64');
  const a = T.lvector('a');
  it('writes y broadcast; repeated positions add up for inc (numpy.add.at), the last write wins for set', () => {
    const y = T.dvector('y');
    const f = sym.function([x, a, y], [T.incSubtensor(x.get(0, ':', a), y), T.setSubtensor(x.get(1, a, a), y), T.incSubtensor(x.get(':', a, 0), 1)]);
    const [inc, set, inc1] = f.sync(X3, i64([1, 1, -1]), sym.array([10, 20, 30], { dtype: 'float64' })) as sym.NDArray[];
    // numpy.add.at(x, (0, slice(None), [1, 1, -1]), [10, 20, 30]): the window is (3 positions, 3 rows), y runs along the rows
    expect((inc!.toArray() as number[][][])[0]).toEqual([[0, 21, 2, 13], [4, 45, 6, 27], [8, 69, 10, 41]]);
    // x[1, [1, 1, 2], [1, 1, 3]] = [10, 20, 30]: x[1, 1, 1] = 20 (the last), x[1, 2, 3] = 30
    expect((set!.toArray() as number[][][])[1]).toEqual([[12, 13, 14, 15], [16, 20, 18, 19], [20, 21, 22, 30]]);
    // x[:, [1, 1, 2], 0] += 1: x[k, 1, 0] += 2, x[k, 2, 0] += 1
    expect(Array.from(inc1!.data).map((v, k) => v - X3.data[k]!).filter((d) => d !== 0)).toEqual([2, 1, 2, 1]);
  });
  it('takes a y with more leading length-1 dimensions than the window when its type marks them broadcastable, as NumPy does', () => {
    const y3 = T.tensor('float64', [true, true, false], 'y3');
    const Y3 = sym.array([-1, -2], { dtype: 'float64' }).reshape([1, 1, 2]);
    const f = sym.function([x, a, y3], [T.setSubtensor(x.get(0, a, ':2'), y3), T.setSubtensor(x.get(':', a, '1:3'), y3), T.incSubtensor(x.get(0, 1, '0:2'), y3), T.incSubtensor(x.get(0, a, a), y3)]);
    const [first, second, basicInc, rowsInc] = f.sync(X3, i64([0, 2]), Y3) as sym.NDArray[];
    // NumPy: x[0, [0, 2], :2] = y3 and x[:, [0, 2], 1:3] = y3 (y3 of shape (1, 1, 2))
    expect((first!.toArray() as number[][][])[0]).toEqual([[-1, -2, 2, 3], [4, 5, 6, 7], [-1, -2, 10, 11]]);
    expect(second!.toArray()).toEqual([[[0, -1, -2, 3], [4, 5, 6, 7], [8, -1, -2, 11]], [[12, -1, -2, 15], [16, 17, 18, 19], [20, -1, -2, 23]]]);
    expect((basicInc!.toArray() as number[][][])[0]![1]).toEqual([3, 3, 6, 7]);
    // x[0, [0, 2], [0, 2]] += y3: x[0, 0, 0] and x[0, 2, 2]
    expect(Array.from(rowsInc!.data).map((v, k) => v - X3.data[k]!).filter((d) => d !== 0)).toEqual([-1, -2]);
    expect(() => T.setSubtensor(x.get(0, ':', a), T.dtensor3('d3'))).toThrow(
      'setSubtensor: y (d3) of type TensorType(float64, 3D) has 3 dimensions but the window',
    );
  });
});

describe('gradients through integer arrays among other indices', () => {
  it('differentiates (verifyGrad) the window and setSubtensor/incSubtensor through it (repeated positions in the window and inc)', async () => {
    const pts = [[[0.5, -1, 2, -3], [4, -0.25, -5, 6], [1.5, 2.5, -0.75, 3]]];
    const idx = T.constant(sym.array([2, 0, 2], { dtype: 'int64' }));
    const rows = T.constant(sym.array([[1], [0]], { dtype: 'int64' }));
    for (const f of [
      (m: V) => T.sum(T.mul(m.get(':', idx), T.arange(3))),
      (m: V) => T.sum(T.mul(m.get(rows, [3, 1, 1]), T.arange(6).reshape([2, 3]))),
      (m: V) => T.sum(T.mul(m.get(1, idx), T.arange(3))),
      (m: V) => T.sum(T.sqr(m.get(idx, '1:3'))),
      (m: V) => T.sum(T.sqr(T.incSubtensor(m.get(':', idx), T.sqr(m.get(':', '0:3'))))),
      // distinct positions: where one is written twice, y's gradient goes to both writes, as Theano's (the guide)
      (m: V) => T.sum(T.mul(T.setSubtensor(m.get(rows, [3, 0, 2]), m.get('1:3', '1:')), m)),
    ]) {
      const { maxAbsErr } = await verifyGrad(f, pts);
      expect(maxAbsErr).toBeLessThan(1e-6);
    }
  });
  it('runs in every mode with the same values (DebugMode checks each op against its reference)', () => {
    const x = T.tensor3('x', 'float64');
    const a = T.lvector('a');
    const i = T.lscalar('i');
    const window = x.get(a, T.slice(i, i.add(2)), [[0], [3]]);
    for (const mode of ['DebugMode', 'FAST_COMPILE', 'FAST_RUN'] as const) {
      const f = sym.function([x, a, i], [window, T.incSubtensor(window, 1)], { mode });
      const [w, inc] = f.sync(X3, i64([1, 0]), 1) as sym.NDArray[];
      // NumPy: x[[1, 0], 1:3, [[0], [3]]]: a and the list stand apart (a slice between), so the broadcast (2, 2) axes go first, then the slice's
      expect([w!.shape, w!.toArray()], mode).toEqual([[2, 2, 2], [[[16, 20], [4, 8]], [[19, 23], [7, 11]]]]);
      expect(Array.from(inc!.data).reduce((s, v, k) => s + v - X3.data[k]!, 0), mode).toBe(8);
    }
  });
});
