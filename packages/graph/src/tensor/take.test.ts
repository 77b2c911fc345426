/**
 * take.ts against NumPy 2.4's np.take (values written out): axis null
 * flattens, an integer axis (negative too) takes along it with the result
 * shaped a.shape[:axis] + indices.shape + a.shape[axis+1:], the three
 * modes, NumPy's IndexError in 'raise' (a constant now, an input when
 * called, nothing committed), the method, and the gradient.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const c = (v: sym.NestedArray, dtype: sym.DType) => T.constant(sym.array(v, { dtype }));
// np.arange(24.).reshape(2, 3, 4)
const A = () => T.reshape(T.cast(T.arange(24), 'float64'), [2, 3, 4]);

describe('take', () => {
  it('takes from a flattened by default (Theano and NumPy axis=None), shaped as the indices', () => {
    expect(both(T.take(A(), c([5, -1, 0], 'int64'))).toArray()).toEqual([5, 23, 0]);
    expect(both(T.take(A(), c([[1, 2], [0, 23]], 'int32'))).toArray()).toEqual([[1, 2], [0, 23]]);
    // a scalar index: a 0-d result; a 0-d a is one element
    const s = both(T.take(A(), c(-1, 'int8')));
    expect([s.shape, s.toArray()]).toEqual([[], 23]);
    expect(both(T.take(T.constant(5), c([0, 0], 'int64'))).toArray()).toEqual([5, 5]);
  });
  it('takes along an axis, negative counting from the end: a.shape[:axis] + indices.shape + a.shape[axis+1:]', () => {
    expect(both(T.take(A(), c([2, 0], 'int64'), 1)).toArray()).toEqual([
      [[8, 9, 10, 11], [0, 1, 2, 3]],
      [[20, 21, 22, 23], [12, 13, 14, 15]],
    ]);
    const last = both(T.take(A(), c([[3, 0]], 'int64'), -1));
    expect(last.shape).toEqual([2, 3, 1, 2]);
    expect(last.toArray()).toEqual([[[[3, 0]], [[7, 4]], [[11, 8]]], [[[15, 12]], [[19, 16]], [[23, 20]]]]);
    expect(both(T.take(A(), c(1, 'int64'), 2)).toArray()).toEqual([[1, 5, 9], [13, 17, 21]]);
    expect(both(T.take(A(), c([1, 0], 'int64'), 0)).toArray()).toEqual(both(T.get(A(), c([1, 0], 'int64'))).toArray());
  });
  it("maps an index out of range modulo the length with mode 'wrap', into [0, n - 1] with 'clip'", () => {
    const idx = c([-5, 24, 30, 7], 'int8');
    expect(both(T.take(A(), idx, null, 'wrap')).toArray()).toEqual([19, 0, 6, 7]);
    expect(both(T.take(A(), idx, null, 'clip')).toArray()).toEqual([0, 23, 23, 7]);
    const along = c([-4, 3, 5], 'int32');
    expect(both(T.take(A(), along, 1, 'wrap')).toArray()).toEqual([
      [[8, 9, 10, 11], [0, 1, 2, 3], [8, 9, 10, 11]],
      [[20, 21, 22, 23], [12, 13, 14, 15], [20, 21, 22, 23]],
    ]);
    expect(both(T.take(A(), along, 1, 'clip')).toArray()).toEqual([
      [[0, 1, 2, 3], [8, 9, 10, 11], [8, 9, 10, 11]],
      [[12, 13, 14, 15], [20, 21, 22, 23], [20, 21, 22, 23]],
    ]);
    // an input's values, mapped by the kernels
    const x = T.dmatrix('x');
    const i = T.lvector('i');
    const f = sym.function([x, i], [T.take(x, i, null, 'wrap'), x.take(i, 1, 'clip')]);
    const [w, cl] = f.sync([[1, 2, 3], [4, 5, 6]], [-1, 7]) as sym.NDArray[];
    expect(w!.toArray()).toEqual([6, 2]);
    expect(cl!.toArray()).toEqual([[1, 3], [4, 6]]);
  });
  it("raises NumPy's IndexError naming take, the index and the axis: a constant when built, an input when called", () => {
    const a = A();
    a.name = 'a';
    expect(() => T.take(a, c([0, 24], 'int64'))).toThrow("take(a, [0,24]): index 24 ([0,24][1]) is out of bounds for axis 0 with size 24, indexing a.flatten() of shape (24,) (NumPy's IndexError)");
    expect(() => T.take(a, c([-4], 'int64'), 1)).toThrow('take(a, [-4], 1): index -4 ([-4][0]) is out of bounds for axis 1 with size 3, indexing a of shape (2, 3, 4)');
    const x = T.dmatrix('x');
    const i = T.lvector('i');
    const f = sym.function([x, i], T.take(x, i));
    expect((f.sync([[1, 2], [3, 4]], [3, -4]) as sym.NDArray).toArray()).toEqual([4, 1]);
    expect(() => f.sync([[1, 2], [3, 4]], [0, 4])).toThrow("take(x, i): index 4 (i[1]) is out of bounds for axis 0 with size 4, indexing x.flatten() of shape (4,) (NumPy's IndexError)");
    const g = sym.function([x, i], T.take(x, i, -1));
    expect((g.sync([[1, 2], [3, 4]], [1, -2]) as sym.NDArray).toArray()).toEqual([[2, 1], [4, 3]]);
    expect(() => g.sync([[1, 2], [3, 4]], [2])).toThrow("take(x, i, -1): index 2 (i[0]) is out of bounds for axis 1 with size 2, indexing x of shape (2, 2) (NumPy's IndexError)");
  });
  it("refuses a non-empty take from an empty axis in every mode, as NumPy (no index maps into it; the kernels would read past the buffer)", () => {
    const x = T.dmatrix('x');
    const i = T.lvector('i');
    for (const mode of ['wrap', 'clip'] as const) {
      const f = sym.function([x, i], T.take(x, i, 1, mode));
      expect(() => f.sync([[], []], [0, 2])).toThrow(`take(x, i, 1): cannot take i[0] from axis 1 of x of shape (2, 0), which is empty (NumPy's IndexError: cannot do a non-empty take from an empty axes; mode '${mode}' maps no index into it)`);
      // nothing taken from an empty axis is NumPy's empty result
      expect((f.sync([[], []], []) as sym.NDArray).shape).toEqual([2, 0]);
      expect((f.sync([[1, 2]], [-1, 5]) as sym.NDArray).toArray()).toEqual(mode === 'wrap' ? [[2, 2]] : [[1, 2]]);
      const flat = sym.function([x, i], T.take(x, i, null, mode));
      expect(() => flat.sync([[], []], [3])).toThrow('take(x, i): cannot take i[0] from axis 0 of x.flatten() of shape (0,), which is empty');
    }
  });
  it('refuses a float index, an unknown mode, an axis out of range and an axis of a 0-d a, naming them', () => {
    const x = T.dmatrix('x');
    expect(() => T.take(x, T.dvector('f'))).toThrow('take(x, indices): indices must be an integer tensor, got f of type TensorType(float64, vector)');
    expect(() => T.take(x, T.lvector('i'), 0, 'nearest' as 'clip')).toThrow("take: mode must be 'raise', 'wrap' or 'clip', got nearest");
    expect(() => T.take(x, T.lvector('i'), 2)).toThrow('take: axis 2 is out of range [-2, 2)');
    // a non-integer axis is not an out-of-range one ('1' read as 'axis 1 is out of range' before)
    expect(() => T.take(x, T.lvector('i'), 1.5)).toThrow('take: axis must be an integer in [-2, 2), got 1.5 for x');
    expect(() => T.take(x, T.lvector('i'), '1' as unknown as number)).toThrow('take: axis must be an integer in [-2, 2), got "1" for x');
    expect(() => T.take(T.dscalar('s'), T.lscalar('i'), 0)).toThrow('take(s, i, 0): a must have an axis to take along, got the 0-d s');
  });
  it('differentiates in a (repeated elements add up), along an axis and flattened', async () => {
    const w = [[1, -2, 0.5], [3, 0.25, -1]];
    const along = await verifyGrad((a) => T.sum(T.mul(T.take(a, c([2, 0, 2], 'int64'), 1), c([[1, 2, 3], [4, 5, 6]], 'float64'))), [w]);
    expect(along.maxAbsErr).toBeLessThan(1e-6);
    const flat = await verifyGrad((a) => T.sum(T.sqr(T.take(a, c([[5, 0], [5, 1]], 'int64'), null, 'wrap'))), [w]);
    expect(flat.maxAbsErr).toBeLessThan(1e-6);
  });
});
