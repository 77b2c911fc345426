/**
 * choose-ravel.ts against NumPy 2.4's values (written out): choose,
 * ravelMultiIndex and unravelIndex in every mode and order, NumPy's
 * ValueError for an entry out of range whether it is a constant, an input
 * or computed by the kernels, and choose's gradient in the choices.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const c = (v: sym.NestedArray, dtype: sym.DType) => T.constant(sym.array(v, { dtype }));

describe('choose', () => {
  it('broadcasts a and a list of choices together, in their promoted dtype', () => {
    const a = c([[0, 1, 2], [2, 1, 0]], 'int32');
    const r = both(T.choose(a, [c([1, 2, 3], 'float32'), c([[10], [20]], 'float64'), 7.5]));
    expect(r.dtype).toBe('float64');
    expect(r.toArray()).toEqual([[1, 10, 7.5], [7.5, 20, 3]]);
  });
  it("reads a tensor's first axis as the choices", () => {
    const choices = T.reshape(T.cast(T.arange(24), 'float64'), [3, 2, 4]);
    expect(both(T.choose(c([0, 2, 1, 2], 'int64'), choices)).toArray()).toEqual([[0, 17, 10, 19], [4, 21, 14, 23]]);
  });
  it("wraps or clips an entry out of range with mode 'wrap' or 'clip'", () => {
    const a = c([0, 3, -1, 5], 'int32');
    const choices = [c([1, 2, 3, 4], 'int32'), c([5, 6, 7, 8], 'int32')];
    expect(both(T.choose(a, choices, 'wrap')).toArray()).toEqual([1, 6, 7, 8]);
    expect(both(T.choose(a, choices, 'clip')).toArray()).toEqual([1, 6, 3, 8]);
  });
  it("wraps or clips an int8 or uint8 a over more choices than its dtype holds (n was cast to a's dtype: 200 to -56, 300 to 44)", () => {
    // NumPy 2.4's np.choose takes at most 64 choices: expected values are its modes' definition, choices[np.mod(a, n)] and
    // choices[np.clip(a, 0, n - 1)] of a as int64 (checked equal to np.choose on 60 choices), from python3
    const choices = T.reshape(T.arange(200 * 5), [200, 5]);
    const a = sym.array([-1, 127, -128, 5, 126], { dtype: 'int8' });
    expect(both(T.choose(T.constant(a), choices, 'wrap')).toArray()).toEqual([995, 636, 362, 28, 634]);
    expect(both(T.choose(T.constant(a), choices, 'clip')).toArray()).toEqual([0, 636, 2, 28, 634]);
    const b = T.bvector('b');
    const f = sym.function([b], [T.choose(b, choices, 'wrap'), T.choose(b, choices, 'clip')]);
    expect(f.sync(a).map((r) => (r as sym.NDArray).toArray())).toEqual([[995, 636, 362, 28, 634], [0, 636, 2, 28, 634]]);
    const u = c([0, 255, 200, 44], 'uint8');
    const choices300 = T.reshape(T.arange(300 * 4), [300, 4]);
    for (const mode of ['wrap', 'clip', 'raise'] as const) expect(both(T.choose(u, choices300, mode)).toArray(), mode).toEqual([0, 1021, 802, 179]);
  });
  it("raises NumPy's ValueError for an entry out of range: a constant now, an input and a computed index when called", async () => {
    const choices = [c([1, 2], 'float64'), c([3, 4], 'float64')];
    expect(() => T.choose(c([0, 2], 'int32'), choices)).toThrow("choose([0,2], choices): invalid entry in choice array: [0,2][1] is 2, not in [0, 2) for the 2 choices (NumPy's ValueError; mode 'wrap' or 'clip' maps it into range)");
    const i = T.ivector('i');
    const f = sym.function([i], [T.choose(i, choices), T.choose(i.add(1), choices)]);
    expect(f.sync([0, 0]).map((r) => (r as sym.NDArray).toArray())).toEqual([[1, 2], [3, 4]]);
    expect(() => f.sync([0, -1])).toThrow("choose(i, choices): invalid entry in choice array: i[1] is -1, not in [0, 2) for the 2 choices");
    // (i + 1) is computed by a kernel: its flag, read before the call commits
    await expect(f([1, 1])).rejects.toThrow('choose((i + 1), choices): invalid entry in choice array: (i + 1)[0] is 2, not in [0, 2)');
    expect(() => T.choose(c([0.5], 'float64'), choices)).toThrow('choose: a must be an integer tensor');
    expect(() => T.choose(c([0], 'int32'), choices, 'bad' as 'raise')).toThrow("choose: mode must be 'raise', 'wrap' or 'clip', got bad");
  });
  it('differentiates in the choices (a gather), a is disconnected', async () => {
    const a = c([[1, 0, 2], [0, 2, 1]], 'int32');
    const { maxAbsErr } = await verifyGrad((x, y) => T.sum(T.sqr(T.choose(a, [x, y, T.mul(x, y)]))), [[[0.5, -1, 2], [1.5, 3, -2]], [0.25, 2, -0.75]]);
    expect(maxAbsErr).toBeLessThan(1e-6);
  });
});

describe('ravelMultiIndex and unravelIndex', () => {
  const rows = c([[3, 6, 6]], 'int32');
  const cols = c([4, 5, 1], 'int64');
  it("ravels each multi-index into int64 flat indices, C or F order", () => {
    const r = both(T.extraOps.ravelMultiIndex([rows, cols], [7, 6]));
    expect(r.dtype).toBe('int64');
    expect(r.toArray()).toEqual([[22, 41, 37]]);
    expect(both(T.extraOps.ravelMultiIndex([c([3, 6, 6], 'int32'), cols], c([7, 6], 'int64'), 'raise', 'F')).toArray()).toEqual([31, 41, 13]);
  });
  it('takes a mode per dimension', () => {
    expect(both(T.extraOps.ravelMultiIndex([c([3, 9, -1], 'int32'), c([4, 5, 8], 'int32')], [7, 6], ['clip', 'wrap'])).toArray()).toEqual([22, 41, 2]);
  });
  it('wraps or clips int8 and uint8 coordinates along a dimension longer than their dtype holds', () => {
    // np.ravel_multi_index((r, c), (200, 3), mode) of int8 r = [-1, 127, -128], c = [0, 1, 2] (NumPy 2.4)
    const r = c([-1, 127, -128], 'int8');
    const k = c([0, 1, 2], 'int8');
    expect(both(T.extraOps.ravelMultiIndex([r, k], [200, 3], 'wrap')).toArray()).toEqual([597, 382, 218]);
    expect(both(T.extraOps.ravelMultiIndex([r, k], [200, 3], 'clip')).toArray()).toEqual([0, 382, 2]);
    // uint8 [255, 44, 0], [1, 0, 1] in (300, 2): in range, the same in every mode (wrap gave 255 mod 44 = 35 for row 255)
    for (const mode of ['wrap', 'clip', 'raise'] as const) {
      expect(both(T.extraOps.ravelMultiIndex([c([255, 44, 0], 'uint8'), c([1, 0, 1], 'uint8')], [300, 2], mode)).toArray(), mode).toEqual([511, 88, 1]);
    }
  });
  it("raises NumPy's ValueError for a coordinate out of range", () => {
    expect(() => T.extraOps.ravelMultiIndex([c([0, 7], 'int32'), c([1, 1], 'int32')], [7, 6])).toThrow(
      "ravelMultiIndex: invalid entry in coordinates array: [0,7][1] is 7, not in [0, 7) for dimension 0 (NumPy's ValueError",
    );
    const i = T.lvector('i');
    const f = sym.function([i], T.extraOps.ravelMultiIndex([i, T.mul(i, 2)], [7, 6]));
    expect((f.sync([1, 2]) as sym.NDArray).toArray()).toEqual([8, 16]);
    expect(() => f.sync([1, 3])).toThrow('ravelMultiIndex: invalid entry in coordinates array: (i * 2)[1] is 6, not in [0, 6) for dimension 1');
    expect(() => T.extraOps.ravelMultiIndex([c([0], 'int32')], [7, 6])).toThrow('ravelMultiIndex: multiIndex has 1 coordinate arrays for the 2 dimensions of dims');
  });
  it("raises NumPy's ValueError for a zero dimension in every mode, unless the coordinates are empty", () => {
    // NumPy 2.4: np.ravel_multi_index([[0], [1]], (0, 4), mode=m) raises 'cannot unravel if shape has zero entries (is empty).' for each m
    for (const mode of ['raise', 'clip', 'wrap'] as const) {
      expect(() => both(T.extraOps.ravelMultiIndex([c([0], 'int32'), c([1], 'int32')], [0, 4], mode))).toThrow(
        "ravelMultiIndex: cannot unravel if shape has zero entries (is empty): dims[0] is 0 and [0] is not empty (NumPy's ValueError, in every mode)",
      );
    }
    const i = T.lvector('i');
    const n = T.lscalar('n');
    const f = sym.function([i, n], T.extraOps.ravelMultiIndex([i, i], [n, 4], 'clip'));
    expect(() => f.sync([0], 0)).toThrow('ravelMultiIndex: cannot unravel if shape has zero entries (is empty): dims[0] is 0 and i is not empty');
    expect((f.sync([], 0) as sym.NDArray).toArray()).toEqual([]);
    expect((f.sync([5, -1], 3) as sym.NDArray).toArray()).toEqual([11, 0]);
    // np.unravel_index([0], (0, 4)): 'index 0 is out of bounds for array with size 0'
    expect(() => T.extraOps.unravelIndex(c([0], 'int32'), [0, 4])).toThrow("unravelIndex: index 0 ([0][0]) is out of bounds for array with size 0 (NumPy's ValueError)");
  });
  it('unravels flat indices into one int64 coordinate tensor per dimension, C or F order', () => {
    const [r, k] = T.extraOps.unravelIndex(c([22, 41, 37], 'int32'), [7, 6]).map(both);
    expect(r!.dtype).toBe('int64');
    expect([r!.toArray(), k!.toArray()]).toEqual([[3, 6, 6], [4, 5, 1]]);
    expect(T.extraOps.unravelIndex(c([[31, 41, 13]], 'int64'), [7, 6], 'F').map((x) => both(x).toArray())).toEqual([[[3, 6, 6]], [[4, 5, 1]]]);
  });
  it("raises NumPy's ValueError for an index outside [0, size), negative ones too", () => {
    expect(() => T.extraOps.unravelIndex(c([7], 'int32'), [2, 3])).toThrow("unravelIndex: index 7 ([7][0]) is out of bounds for array with size 6 (NumPy's ValueError)");
    const i = T.ivector('i');
    const f = sym.function([i], T.extraOps.unravelIndex(i, [2, 3]));
    expect(f.sync([5]).map((x) => (x as sym.NDArray).toArray())).toEqual([[1], [2]]);
    expect(() => f.sync([-1])).toThrow('unravelIndex: index -1 (i[0]) is out of bounds for array with size 6');
  });
});
