/**
 * setSubtensor/incSubtensor through windows made of several ops: x[None]
 * and slices of value-dependent length follow the ops' dtype rules, and
 * x[idx] for an integer array of 2 or more dimensions is writable as
 * NumPy's (values from NumPy 2.4: numpy.add.at for inc, x[idx] = y for set).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const one = (out: V, inputs: V[], ...values: unknown[]) => sym.function(inputs, out).sync(...values) as sym.NDArray;
const f64 = (v: sym.NestedArray) => T.constant(v, { dtype: 'float64' });

describe('writing through x[None] and value-dependent slices: the dtype rules of the ordinary windows', () => {
  const b = T.tensor('bool', [false], 'b');
  const f = T.fvector('f');
  it('a bool tensor is set, never incremented', () => {
    expect(() => T.incSubtensor(b.get(null), true)).toThrow('incSubtensor: cannot increment a bool tensor b; use setSubtensor');
    expect(() => T.incSubtensor(T.tensor('bool', [], 'b0').get(null), true)).toThrow('cannot increment a bool tensor b0; use setSubtensor');
    expect(() => T.incSubtensor(b.get(T.slice(T.lscalar('i'))), true)).toThrow('cannot increment a bool tensor b; use setSubtensor');
    const set = one(T.setSubtensor(b.get(null), false), [b], [true, false, true]);
    expect([set.dtype, set.toArray()]).toEqual(['bool', [false, false, false]]);
  });
  it('y must cast to x without losing data, as f32.get(0:1) requires', () => {
    const d = T.constant(1.5, { dtype: 'float64' });
    expect(() => T.incSubtensor(f.get('0:1'), d)).toThrow('without losing data');
    expect(() => T.incSubtensor(f.get(null), d)).toThrow("incSubtensor: cannot write TensorConstant{1.5} (float64) into f (float32) without losing data; cast it first (.astype('float32'))");
    expect(() => T.setSubtensor(f.get(null), d)).toThrow('setSubtensor: cannot write TensorConstant{1.5} (float64) into f (float32) without losing data');
    expect(() => T.incSubtensor(f.get(T.slice(T.lscalar('i'))), d)).toThrow('without losing data');
    // a safe cast is made: f[None] += np.int8(2) gives float32 [3, 4]
    const inc = one(T.incSubtensor(f.get(null), T.constant(2, { dtype: 'int8' })), [f], [1, 2]);
    expect([inc.dtype, inc.toArray()]).toEqual(['float32', [3, 4]]);
  });
});

describe('x[idx] for an integer array of 2 or more dimensions is a window (NumPy 2.4 values)', () => {
  const x = T.dmatrix('x');
  const v = T.dvector('v');
  const idx = T.lmatrix('idx');
  const X = [[0, 1], [2, 3], [4, 5]];
  const I = [[0, 2], [2, -1]];
  it('inc adds up at repeated positions (numpy.add.at)', () => {
    expect(one(T.incSubtensor(x.get(idx), 1), [x, idx], X, I).toArray()).toEqual([[1, 2], [2, 3], [7, 8]]);
    expect(one(T.incSubtensor(v.get(idx), f64([[1, 2], [3, 4]])), [v, idx], [0, 0, 0], I).toArray()).toEqual([1, 0, 9]);
    expect(one(T.incSubtensor(x.get([[0], [2]]), f64([1, 2])), [x], X).toArray()).toEqual([[1, 3], [2, 3], [5, 7]]);
  });
  it("set: y broadcast to the window, the last write wins", () => {
    expect(one(T.setSubtensor(x.get(idx), f64([[[10, 20]], [[30, 40]]])), [x, idx], X, I).toArray()).toEqual([[10, 20], [2, 3], [30, 40]]);
    expect(one(T.setSubtensor(x.get(idx, ':'), 5), [x, idx], X, I).toArray()).toEqual([[5, 5], [2, 3], [5, 5]]);
    expect(one(T.setSubtensor(x.get([[0], [2]]), 7), [x], X).toArray()).toEqual([[7, 7], [2, 3], [7, 7]]);
    expect(one(T.setSubtensor(v.get([[0], [0]]), f64([[1], [2]])), [v], [0, 0, 0]).toArray()).toEqual([2, 0, 0]);
  });
  it('keeps the ops dtype rules', () => {
    expect(() => T.incSubtensor(T.fmatrix('m').get(idx), T.dscalar('d'))).toThrow('without losing data');
    expect(() => T.incSubtensor(T.tensor('bool', [false, false], 'bm').get(idx), true)).toThrow('cannot increment a bool tensor bm');
  });
  it('differentiates (verifyGrad)', async () => {
    const at = T.constant([[0, 2], [2, 0]], { dtype: 'int64' });
    const pts = [[[0.5, -1], [2, 0.25], [-0.75, 1.5]], [[[1, 2], [0.5, -1]], [[0.25, 3], [-2, 1]]]];
    expect((await verifyGrad((a, y) => T.incSubtensor(a.get(at), y).pow(2), pts)).maxAbsErr).toBeLessThan(1e-4);
    const distinct = T.constant([[0], [2]], { dtype: 'int64' });
    const pts2 = [[[0.5, -1], [2, 0.25], [-0.75, 1.5]], [[[1, 2]], [[-2, 1]]]];
    expect((await verifyGrad((a, y) => T.setSubtensor(a.get(distinct), y).pow(2), pts2)).maxAbsErr).toBeLessThan(1e-4);
  });
});
