/**
 * Nested arrays whose rows are typed arrays or NDArrays, as NumPy's
 * np.array([row0, row1]) takes a list of arrays: rnnslu's elman.py passes
 * `list(map(lambda x: numpy.asarray(x).astype('int32'), cwords))`, a list of
 * int32 rows, to a function of an imatrix.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

describe('arrays of typed-array and NDArray rows', () => {
  it('a function takes a list of Int32Array rows for an imatrix (the rows of contextwin)', () => {
    const m = T.imatrix('idxs');
    const f = sym.function([m], [m, m.sum()]);
    const [v, s] = f.sync([Int32Array.from([-1, 0, 1]), Int32Array.from([0, 1, 2])]);
    expect(v!.dtype).toBe('int32');
    expect(v!.toArray()).toEqual([[-1, 0, 1], [0, 1, 2]]);
    expect(s!.item()).toBe(3);
    // rows as NDArrays, and deeper nesting
    expect(f.sync([sym.array([1, 2], { dtype: 'int32' }), sym.array([3, 4], { dtype: 'int8' })])[1]!.item()).toBe(10);
    const t3 = T.tensor3('t', 'float64');
    expect((sym.function([t3], t3.sum()).sync([[Float64Array.from([1, 2])], [Float32Array.from([3, 4])]]) as sym.NDArray).item()).toBe(10);
  });

  it('sym.array takes the rows\' dtype as NumPy does, promoted with plain numbers beside them', () => {
    const a = sym.array([Int32Array.from([1, 2]), Int32Array.from([3, 4])]);
    expect([a.dtype, a.shape]).toEqual(['int32', [2, 2]]);
    expect(sym.array([Float32Array.from([0.5]), Int32Array.from([1])]).dtype).toBe('float64');
    expect(sym.array([Int32Array.from([1, 2]), [3, 4]]).dtype).toBe('int64');
    expect(sym.array([sym.array([[1, 2]], { dtype: 'float32' }), sym.array([[3, 4]], { dtype: 'float32' })]).shape).toEqual([2, 1, 2]);
    expect(sym.array([Int32Array.from([1, 2])], { dtype: 'float32' }).dtype).toBe('float32');
  });

  it('refuses ragged rows and rows that cannot be cast safely, as it refuses one such typed array', () => {
    expect(() => sym.array([Int32Array.from([1, 2]), Int32Array.from([3])])).toThrow('value: ragged nested array at [1]: expected shape (2,), got Int32Array(1)');
    const m = T.imatrix('idxs');
    const f = sym.function([m], m.sum());
    expect(() => f.sync([Float64Array.from([1, 2])])).toThrow(
      'function: argument 0 (idxs): expected TensorType(int32, matrix), got rows of float64: casting float64 to int32 may lose data. Cast the value first, or compile with { allowInputDowncast: true }.',
    );
    expect(sym.function([m], m.sum(), { allowInputDowncast: true }).sync([Float64Array.from([1, 2])]).item()).toBe(3);
  });
});
