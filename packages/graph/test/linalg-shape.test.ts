/** dot, outer, softmax and the shape ops (dimshuffle, transpose, reshape, flatten, shape) against NumPy's results. */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './helpers.js';

const A = [[1, 2, 3], [4, 5, 6]];
const run = (v: sym.TensorVariable): [sym.DType, readonly number[], sym.NestedArray] => {
  const r = both(v);
  return [r.dtype, r.shape, r.toArray()];
};

describe('dot (numpy.dot)', () => {
  it('vector . vector is a 0-d sum of products', () => {
    expect(run(T.dot(T.constant([1, 2, 3]), T.constant([1, 2, 3])))).toEqual(['int64', [], 14]);
  });
  it('matrix . vector and vector . matrix', () => {
    expect(run(T.dot(T.constant(A), T.constant([1, 2, 3])))).toEqual(['int64', [2], [14, 32]]);
    expect(run(T.dot(T.constant([1, -1]), T.constant(A)))).toEqual(['int64', [3], [-3, -3, -3]]);
  });
  it('matrix . matrix, with a transposed operand', () => {
    const a = T.constant(A);
    expect(run(T.dot(a, a.T))).toEqual(['int64', [2, 2], [[14, 32], [32, 77]]]);
  });
  it('3-d . 2-d contracts the last axis of a with the first of b', () => {
    const b = T.constant(sym.fill([2, 3, 4], 'int64', (i) => i));
    const m = T.constant(sym.fill([4, 2], 'int64', (i) => i));
    expect(run(T.dot(b, m))).toEqual(['int64', [2, 3, 2], [[[28, 34], [76, 98], [124, 162]], [[172, 226], [220, 290], [268, 354]]]]);
  });
  it('2-d . 3-d contracts with the second-to-last axis of b', () => {
    const a = T.constant([[1, 2], [4, 5]]);
    const c = T.constant(sym.fill([3, 2, 2], 'int64', (i) => i - 3));
    expect(run(T.dot(a, c))).toEqual(['int64', [2, 3, 2], [[[-5, -2], [7, 10], [19, 22]], [[-17, -8], [19, 28], [55, 64]]]]);
  });
  it('promotes dtypes and multiplies 0-d operands elementwise', () => {
    expect(T.dot(T.fmatrix('a'), T.dvector('v')).dtype).toBe('float64');
    expect(T.dot(T.imatrix('a'), T.fvector('v')).dtype).toBe('float64');
    expect(T.dot(T.fmatrix('a'), T.fmatrix('b')).dtype).toBe('float32');
    expect(run(T.dot(T.constant(2), T.constant([1, 2])))).toEqual(['int64', [2], [2, 4]]);
  });
  it('names both shapes when they do not align, at build time', () => {
    expect(() => T.dot(T.constant([[1, 2, 3]]), T.constant([1, 2]))).toThrow(
      'dot: shapes (1, 3) (TensorConstant{[[1 2 3]]}) and (2,) (TensorConstant{[1 2]}) are not aligned: 3 (last dimension of TensorConstant{[[1 2 3]]}) != 2 (only dimension of TensorConstant{[1 2]})',
    );
  });
  it('names both shapes when they do not align, at run time', () => {
    const a = T.matrix('a');
    const b = T.matrix('b');
    const f = sym.function([a, b], T.dot(a, b));
    expect(() => f.sync([[1, 2, 3]], [[1, 2]])).toThrow(/dot: shapes \(1, 3\) \(a\) and \(1, 2\) \(b\) are not aligned: 3 .* != 1 \(second-to-last dimension of b\)/);
  });
});

describe('outer', () => {
  it('of two vectors, and flattens higher ranks first (numpy.outer)', () => {
    expect(run(T.outer(T.constant([1, 2, 3]), T.constant([4, 5])))).toEqual(['int64', [3, 2], [[4, 5], [8, 10], [12, 15]]]);
    expect(run(T.outer(T.constant([[1, 2], [3, 4]]), T.constant([1, 10])))).toEqual(['int64', [4, 2], [[1, 10], [2, 20], [3, 30], [4, 40]]]);
  });
});

describe('softmax', () => {
  it('normalises the rows of a matrix', () => {
    const r = both(T.softmax(T.constant([[1, 2, 3], [1, 1, 1]], { dtype: 'float64' })));
    expect(r.repr()).toBe('array([[0.09003057, 0.24472847, 0.66524096],\n       [0.33333333, 0.33333333, 0.33333333]])');
  });
  it('is stable for large inputs and upgrades integers to floats', () => {
    const r = both(T.softmax(T.constant([1000, 1001, 1002])));
    expect(r.dtype).toBe('float64');
    expect(r.toString()).toBe('[0.09003057 0.24472847 0.66524096]');
    expect(T.softmax(T.fmatrix('m')).dtype).toBe('float32');
    expect(() => T.softmax(T.scalar('s'))).toThrow(/Softmax: expected a vector or matrix, got s of type TensorType\(float64, scalar\)/);
  });
});

describe('dimshuffle', () => {
  it("inserts broadcastable dimensions with 'x'", () => {
    const v = T.vector('v');
    expect(v.dimshuffle('x', 0).broadcastable).toEqual([true, false]);
    expect(v.dimshuffle(0, 'x').broadcastable).toEqual([false, true]);
    expect(run(T.constant([1, 2]).dimshuffle(0, 'x'))).toEqual(['int64', [2, 1], [[1], [2]]]);
  });
  it('permutes dimensions', () => {
    const x = T.constant(sym.fill([2, 3, 4], 'int64', (i) => i));
    const [, shape, value] = run(x.dimshuffle(2, 0, 1));
    expect(shape).toEqual([4, 2, 3]);
    expect((value as number[][][])[1]![1]![2]).toBe(21); // x[1, 2, 1]
  });
  it('drops broadcastable dimensions', () => {
    const r = T.row('r');
    expect(r.dimshuffle(1).broadcastable).toEqual([false]);
    const c = T.constant([[1, 2, 3]]);
    expect(run(c.dimshuffle(1))).toEqual(['int64', [3], [1, 2, 3]]);
  });
  it('refuses to drop a dimension that is not broadcastable', () => {
    expect(() => T.matrix('m').dimshuffle(0)).toThrow('dimshuffle: (0) drops dimension 1 of m (type TensorType(float64, matrix)), which is not broadcastable');
    expect(() => T.matrix('m').dimshuffle(0, 2)).toThrow(/dimshuffle: 2 in \(0, 2\) is not a dimension of m, which has 2/);
    expect(() => T.matrix('m').dimshuffle(0, 0)).toThrow(/names dimension 0 of m twice/);
  });
});

describe('transpose and .T', () => {
  it('reverse the dimensions or permute by axes', () => {
    expect(run(T.constant(A).T)).toEqual(['int64', [3, 2], [[1, 4], [2, 5], [3, 6]]]);
    expect(run(T.transpose(T.constant(A)))).toEqual(['int64', [3, 2], [[1, 4], [2, 5], [3, 6]]]);
    const x = T.constant(sym.fill([2, 3, 4], 'int64', (i) => i));
    expect(run(x.transpose([1, 0, 2]))[1]).toEqual([3, 2, 4]);
    expect(T.vector('v').T.ndim).toBe(1);
    expect(() => T.transpose(T.matrix('m'), [0])).toThrow('transpose: axes [0] do not match a tensor of 2 dimensions');
  });
});

describe('reshape and flatten', () => {
  it('reshape infers one -1 dimension', () => {
    expect(run(T.constant(A).reshape([3, -1]))).toEqual(['int64', [3, 2], [[1, 2], [3, 4], [5, 6]]]);
    expect(run(T.constant(A).reshape([-1]))).toEqual(['int64', [6], [1, 2, 3, 4, 5, 6]]);
    expect(T.matrix('m').reshape([2, -1, 1]).broadcastable).toEqual([false, false, true]);
  });
  it('reshape refuses sizes that do not divide, naming the shapes', () => {
    expect(() => T.constant(A).reshape([4, -1])).toThrow(/Reshape\{2\}: cannot reshape TensorConstant\{.*\} of shape \(2, 3\) \(size 6\) into \(4, -1\)/);
    expect(() => T.constant(A).reshape([4, 2])).toThrow(/of shape \(2, 3\) \(size 6\) into \(4, 2\) \(size 8\)/);
    expect(() => T.matrix('m').reshape([-1, -1])).toThrow('Reshape{-1,-1}: at most one dimension can be -1');
    const m = T.matrix('m');
    expect(() => sym.function([m], m.reshape([5, -1])).sync(A)).toThrow(/cannot reshape m of shape \(2, 3\)/);
  });
  it('flatten(ndim) keeps the leading dimensions', () => {
    const x = T.constant(sym.fill([2, 2, 2], 'int64', (i) => i + 1));
    expect(run(x.flatten())).toEqual(['int64', [8], [1, 2, 3, 4, 5, 6, 7, 8]]);
    expect(run(x.flatten(2))).toEqual(['int64', [2, 4], [[1, 2, 3, 4], [5, 6, 7, 8]]]);
    expect(run(x.flatten(3))).toEqual(['int64', [2, 2, 2], [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]);
    expect(() => x.flatten(4)).toThrow('flatten: ndim 4 must be between 1 and 3');
  });
});

describe('shape', () => {
  it('gives one int64 scalar per dimension, known at run time', () => {
    const m = T.matrix('m');
    const f = sym.function([m], [...m.shape, T.size(m)]);
    expect(sym.reprValue(f.sync([[1, 2, 3], [4, 5, 6]]))).toBe('[array(2), array(3), array(6)]');
    expect(m.shape[0]!.dtype).toBe('int64');
    expect(sym.pp(m.shape[1]!)).toBe('m.shape[1]');
    expect(both(T.shapeI(T.constant(A), -1)).item()).toBe(3);
  });
  it('of a constant folds into arithmetic', () => {
    expect(both(T.constant(A).shape[0]!.mul(10)).item()).toBe(20);
  });
});

describe('dot of a view with length-1 axes', () => {
  it('reads the leading axes of a dimshuffled (1, 3, 1) tensor as one (a recurrent layer at batch 1 hit this)', () => {
    const X = T.dtensor3('X');
    const W = T.dmatrix('W');
    const out = T.dot(X.dimshuffle(1, 0, 2), W);
    for (const mode of ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const) {
      const f = sym.function([X, W], out, { mode });
      expect((f.sync([[[1], [2], [3]]], [[0.1, 0.2]]) as sym.NDArray).toArray()).toEqual([[[0.1, 0.2]], [[0.2, 0.4]], [[0.30000000000000004, 0.6000000000000001]]]);
    }
  });
});
