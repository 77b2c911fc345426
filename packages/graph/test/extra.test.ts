/**
 * Theano's tensor functions built from sym's ops (extra.ts): tensordot,
 * batchedDot, swapaxes, squeeze, the broadcastable pattern, eye,
 * identityLike, diag, diagonal, tile and repeat. Expected values are
 * NumPy's (numpy 2.4), written out; constant graphs run through `both`,
 * the compiled CPU program and the ops' reference, which must agree.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './helpers.js';

type V = sym.TensorVariable;
const f64 = (v: sym.NestedArray) => T.constant(sym.array(v, { dtype: 'float64' }));
const i32 = (v: sym.NestedArray) => T.constant(sym.array(v, { dtype: 'int32' }));
const value = (v: V) => both(v).toArray();
/** Run a function of symbolic inputs once. */
const run = (inputs: V[], out: V, ...values: sym.NDArray[]) => (sym.function(inputs, out).sync(...values) as sym.NDArray).toArray();
const arr = (v: sym.NestedArray, dtype: sym.DType = 'float64') => sym.array(v, { dtype });

// A = np.arange(24).reshape(2, 3, 4) - 5; B = np.arange(24).reshape(4, 3, 2) % 7 - 2
const A = f64(Array.from({ length: 2 }, (_, i) => Array.from({ length: 3 }, (_, j) => Array.from({ length: 4 }, (_, k) => i * 12 + j * 4 + k - 5))));
const B = f64(Array.from({ length: 4 }, (_, i) => Array.from({ length: 3 }, (_, j) => Array.from({ length: 2 }, (_, k) => ((i * 6 + j * 2 + k) % 7) - 2))));

describe('tensordot', () => {
  it("sums the last n axes of a with the first n of b (np.tensordot(A, B, 1))", () => {
    const r = both(T.tensordot(A, B, 1));
    expect(r.shape).toEqual([2, 3, 3, 2]);
    const nested = r.toArray() as number[][][][];
    expect(nested[0]![0]).toEqual([[-19, -5], [2, 2], [-12, -26]]);
    expect(nested[1]![2]).toEqual([[121, 75], [22, -38], [28, 94]]);
    // np.tensordot(A, B, [[-1], [0]]) is the same product
    expect(both(T.tensordot(A, B, [[-1], [0]])).toArray()).toEqual(r.toArray());
  });

  it('takes a pair of axis lists, in any order (np.tensordot(A, B, [[2, 1], [0, 1]]))', () => {
    expect(value(T.tensordot(A, B, [[2, 1], [0, 1]]))).toEqual([[-9, 11], [111, 107]]);
  });

  it('makes an outer product with axes 0 and a full contraction with all axes', () => {
    expect(value(T.tensordot(f64([1, 2]), f64([3, 4, 5]), 0))).toEqual([[3, 4, 5], [6, 8, 10]]);
    const m = f64([[0, 1, 2], [3, 4, 5]]);
    const full = both(T.tensordot(m, m, 2));
    expect(full.shape).toEqual([]);
    expect(full.toArray()).toBe(55);
  });

  it('runs on symbolic inputs, keeps dot dtypes and broadcastable dimensions', () => {
    const x = T.tensor3('x', 'float32');
    const y = T.matrix('y', 'float32');
    const out = T.tensordot(x, y, [[1], [0]]);
    expect(out.type.toString()).toBe('TensorType(float32, 3D)');
    const xs = arr([[[1, 2], [3, 4], [5, 6]]], 'float32');
    expect(run([x, y], out, xs, arr([[1, 0], [0, 1], [1, 1]], 'float32'))).toEqual([[[6, 8], [8, 10]]]);
    const r = T.tensor('float64', [true, false], 'r');
    expect(T.tensordot(r, T.matrix('m', 'float64'), [[1], [0]]).broadcastable).toEqual([true, false]);
  });

  it('names both axes when their lengths differ, at build time or at run time', () => {
    expect(() => T.tensordot(A, B, [[0], [0]])).toThrow(/tensordot: axis 0 of a .* has length 2 but axis 0 of b .* has 4/);
    const x = T.matrix('x', 'float64');
    const y = T.matrix('y', 'float64');
    expect(() => run([x, y], T.tensordot(x, y, 1), arr([[1, 2]]), arr([[1, 2]]))).toThrow(/tensordot: axis 1 of a \(x\) has length 2 but axis 0 of b \(y\) has 1/);
  });

  it('refuses malformed axes', () => {
    expect(() => T.tensordot(A, B, 4)).toThrow(/tensordot: axes 4 must be an integer from 0 to 3/);
    expect(() => T.tensordot(A, B, [[0, 1], [0]])).toThrow(/as many axes/);
    expect(() => T.tensordot(A, B, [[3], [0]])).toThrow(/tensordot: axes of a: axis 3 is out of range/);
    expect(() => T.tensordot(A, B, [[1, 1], [0, 1]])).toThrow(/repeat an axis/);
    expect(() => T.tensordot(A, B, 'x' as unknown as number)).toThrow(/axes must be a number or a pair/);
  });
});

describe('batchedDot', () => {
  // X = np.arange(24).reshape(2, 3, 4) % 5 - 1; Y = np.arange(40).reshape(2, 4, 5) % 3 - 1
  const X = f64(Array.from({ length: 2 }, (_, i) => Array.from({ length: 3 }, (_, j) => Array.from({ length: 4 }, (_, k) => ((i * 12 + j * 4 + k) % 5) - 1))));
  const Y = f64(Array.from({ length: 2 }, (_, i) => Array.from({ length: 4 }, (_, j) => Array.from({ length: 5 }, (_, k) => ((i * 20 + j * 5 + k) % 3) - 1))));

  it("is dot(a[i], b[i]) for each i, as Theano's batched_dot (np.einsum('bmk,bkn->bmn'))", () => {
    expect(value(T.batchedDot(X, Y))).toEqual([
      [[-1, 1, 0, -1, 1], [-5, 1, 4, -5, 1], [1, -4, 3, 1, -4]],
      [[-3, 2, 1, -3, 2], [1, -2, 1, 1, -2], [0, -1, 1, 0, -1]],
    ]);
    expect(value(T.batchedDot(X, Y.get(':', ':', 0)))).toEqual([[-1, -5, 1], [-3, 1, 0]]);
    expect(value(T.batchedDot(X.get(':', 0), Y))).toEqual([[-1, 1, 0, -1, 1], [-3, 2, 1, -3, 2]]);
  });

  it('of two matrices is the row-wise dot product; a vector scales the rows of the other', () => {
    expect(value(T.batchedDot(X.get(':', 0), X.get(':', 1)))).toEqual([-1, 5]);
    expect(value(T.batchedDot(f64([2, -1]), f64([[1, 2], [3, 4]])))).toEqual([[2, 4], [-3, -4]]);
    expect(value(T.batchedDot(f64([[1, 2], [3, 4]]), f64([2, -1])))).toEqual([[2, 4], [-3, -4]]);
  });

  it("keeps dot's dtype (int32 stays int32) and runs on symbolic inputs", () => {
    expect(T.batchedDot(i32([[1, 2]]), i32([[3, 4]])).dtype).toBe('int32');
    expect(value(T.batchedDot(i32([[1, 2]]), i32([[3, 4]])))).toEqual([11]);
    const a = T.tensor3('a', 'float32');
    const b = T.tensor3('b', 'float32');
    expect(run([a, b], T.batchedDot(a, b), arr([[[1, 2]], [[3, 4]]], 'float32'), arr([[[1], [1]], [[2], [0]]], 'float32'))).toEqual([[[3]], [[6]]]);
  });

  it('checks the batch and the summed lengths, and refuses 0-d operands', () => {
    expect(() => T.batchedDot(X, f64([[1, 2, 3, 4]]))).toThrow(/batchedDot: a .* has 2 entries along its batch axis \(0\) but b .* has 1/);
    expect(() => T.batchedDot(X, f64([[1, 2], [3, 4]]))).toThrow(/batchedDot: the last axis of a .* has length 4 but axis 1 of b .* has 2/);
    expect(() => T.batchedDot(T.scalar('s'), X)).toThrow(/batchedDot: a must have a batch axis/);
  });
});

describe('swapaxes and squeeze', () => {
  it('swaps two axes; negative axes count from the end', () => {
    const x = f64([[[1, 2], [3, 4], [5, 6]]]);
    expect(both(T.swapaxes(x, 0, -1)).shape).toEqual([2, 3, 1]);
    expect(value(x.swapaxes(1, 2))).toEqual([[[1, 3, 5], [2, 4, 6]]]);
    expect(() => T.swapaxes(x, 0, 3)).toThrow(/swapaxes: axis2: axis 3 is out of range/);
  });

  it("drops the broadcastable dimensions, as Theano's squeeze, or only the named ones", () => {
    const t = T.tensor('float64', [true, false, true], 't');
    expect(t.squeeze().broadcastable).toEqual([false]);
    expect(T.squeeze(t, -1).broadcastable).toEqual([true, false]);
    // a dimension of length 1 that its type does not mark stays
    expect(T.squeeze(T.matrix('m')).ndim).toBe(2);
    expect(run([t], t.squeeze(), arr([[[1], [2]]]))).toEqual([1, 2]);
    expect(() => T.squeeze(t, 1)).toThrow(/squeeze: axis 1 of t .* is not broadcastable.*T\.addbroadcast\(x, 1\)/);
  });
});

describe('addbroadcast, unbroadcast, patternbroadcast', () => {
  it('change the type, not the values', () => {
    const m = T.matrix('m', 'float64');
    const r = T.addbroadcast(m, 0);
    expect(r.type.toString()).toBe('TensorType(float64, row)');
    expect(T.unbroadcast(r, 0).type.toString()).toBe('TensorType(float64, matrix)');
    expect(T.patternbroadcast(m, [true, true]).broadcastable).toEqual([true, true]);
    expect(T.addbroadcast(m, -1).broadcastable).toEqual([false, true]);
    expect(run([m], T.unbroadcast(r, 0), arr([[1, 2, 3]]))).toEqual([[1, 2, 3]]);
  });

  it('return x itself when the pattern is already x’s', () => {
    const r = T.row('r');
    expect(T.addbroadcast(r, 0)).toBe(r);
    expect(T.unbroadcast(r, 1)).toBe(r);
    expect(T.patternbroadcast(r, [true, false])).toBe(r);
  });

  it('let a row marked broadcastable broadcast against a matrix', () => {
    const m = T.matrix('m', 'float64');
    const x = T.matrix('x', 'float64');
    expect(run([m, x], T.add(x, T.addbroadcast(m, 0)), arr([[10, 20]]), arr([[1, 2], [3, 4]]))).toEqual([[11, 22], [13, 24]]);
  });

  it('check that a dimension made broadcastable has length 1, at build time or at run time', () => {
    const m = T.matrix('m', 'float64');
    expect(() => run([m], T.addbroadcast(m, 0), arr([[1], [2]]))).toThrow(/addbroadcast: dimension 0 of m has length 2; only a dimension of length 1 can be broadcastable/);
    expect(() => T.patternbroadcast(f64([[1, 2]]), [true, true])).toThrow(/patternbroadcast: dimension 1 .* has length 2/);
  });

  it('refuse a pattern of the wrong length and an axis out of range', () => {
    expect(() => T.patternbroadcast(T.matrix('m'), [true])).toThrow(/patternbroadcast: the pattern must be 2 booleans, one per dimension of m .*, got \[true\]/);
    expect(() => T.addbroadcast(T.matrix('m'), 2)).toThrow(/addbroadcast: axis 2 is out of range/);
    expect(() => T.unbroadcast(T.matrix('m'), -3)).toThrow(/unbroadcast: axis -3 is out of range/);
  });
});

describe('eye, identityLike', () => {
  it('as np.eye(3, 4, 1) and np.eye(3, k=-1, dtype=int32)', () => {
    const e = T.eye(3, 4, 1);
    expect(e.dtype).toBe(sym.config.floatX);
    expect(value(e)).toEqual([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    expect(value(T.eye(3, null, -1, 'int32'))).toEqual([[0, 0, 0], [1, 0, 0], [0, 1, 0]]);
    expect(T.eye(1).broadcastable).toEqual([false, false]);
    expect(both(T.eye(0)).shape).toEqual([0, 0]);
  });

  it('takes symbolic lengths and k', () => {
    const x = T.matrix('x', 'float64');
    const k = T.iscalar('k');
    expect(run([x, k], T.eye(x.shape[0]!, x.shape[1]!, k, 'float64'), arr([[0, 0, 0], [0, 0, 0]]), sym.array(1, { dtype: 'int32' }))).toEqual([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const il = T.identityLike(x);
    expect(il.dtype).toBe('float64');
    expect(run([x], il, arr([[5, 5], [5, 5], [5, 5]]))).toEqual([[1, 0], [0, 1], [0, 0]]);
  });

  it('refuses negative lengths, non-integer k, unknown dtypes and non-matrices', () => {
    expect(() => T.eye(-1)).toThrow(/eye: n must be a non-negative integer, got -1/);
    expect(() => T.eye(2, 2, 0.5)).toThrow(/eye: k must be an integer/);
    expect(() => T.eye(2, T.scalar('m'))).toThrow(/eye: m must be a non-negative integer or an integer scalar, got m of type TensorType\(float/);
    expect(() => T.eye(2, 2, 0, 'float128' as sym.DType)).toThrow(/eye: unknown dtype "float128"/);
    expect(() => T.identityLike(T.vector('v'))).toThrow(/identityLike: x must be a matrix, got v/);
  });
});

describe('diag and diagonal', () => {
  it('puts a vector on diagonal k of a square matrix (np.diag([1, 2, 3], -1))', () => {
    expect(value(T.diag(i32([1, 2, 3]), -1))).toEqual([[0, 0, 0, 0], [1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0]]);
    expect(value(T.diag(f64([1, 2]), 1))).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
    expect(T.diag(i32([1, 2])).dtype).toBe('int32');
    const v = T.vector('v', 'float64');
    expect(run([v], T.diag(v), arr([7, 8]))).toEqual([[7, 0], [0, 8]]);
  });

  it('takes diagonal k of a matrix (np.diag(a, 1)), of any length', () => {
    const a = f64([[1, 2, 3], [4, 5, 6]]);
    expect(value(T.diag(a))).toEqual([1, 5]);
    expect(value(T.diag(a, 1))).toEqual([2, 6]);
    expect(value(T.diag(a, -1))).toEqual([4]);
    expect(both(T.diag(a, 5)).shape).toEqual([0]);
    const m = T.matrix('m', 'float64');
    expect(run([m], T.diag(m, -1), arr([[1, 2], [3, 4], [5, 6]]))).toEqual([3, 6]);
  });

  it('takes the diagonal of any two axes, last in the result (D.diagonal(1, 0, 2), D.diagonal(-1, 2, 1))', () => {
    // D = np.arange(24).reshape(2, 3, 4) % 7 - 3
    const D = i32(Array.from({ length: 2 }, (_, i) => Array.from({ length: 3 }, (_, j) => Array.from({ length: 4 }, (_, k) => ((i * 12 + j * 4 + k) % 7) - 3))));
    expect(value(T.diagonal(D, 1, 0, 2))).toEqual([[-2, -3], [2, 1], [-1, -2]]);
    expect(value(D.diagonal(-1, 2, 1))).toEqual([[-2, 3, 1], [3, 1, -1]]);
  });

  it('refuses a scalar or 3-d diag, equal axes, and a fractional k', () => {
    expect(() => T.diag(T.tensor3('t'))).toThrow(/diag: x must be a vector .* or a matrix .*, got t/);
    expect(() => T.diagonal(T.vector('v'))).toThrow(/diagonal: x must have at least two dimensions/);
    expect(() => T.diagonal(T.matrix('m'), 0, 1, -1)).toThrow(/diagonal: axis1 and axis2 must differ, both are 1/);
    expect(() => T.diag(T.vector('v'), 0.5)).toThrow(/diag: k must be an integer, got 0.5/);
  });
});

describe('tile and repeat', () => {
  const m = i32([[1, 2], [3, 4]]);

  it('tiles as np.tile: fewer reps repeat the last axes, more add leading ones', () => {
    expect(value(T.tile(m, 2))).toEqual([[1, 2, 1, 2], [3, 4, 3, 4]]);
    expect(value(T.tile(m, [2, 1]))).toEqual([[1, 2], [3, 4], [1, 2], [3, 4]]);
    const t = both(T.tile(i32([1, 2]), [2, 1, 3]));
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual([[[1, 2, 1, 2, 1, 2]], [[1, 2, 1, 2, 1, 2]]]);
    expect(both(T.tile(m, [2, 1, 2])).shape).toEqual([2, 2, 4]);
    expect(both(T.tile(m, [0, 1])).shape).toEqual([0, 2]);
  });

  it('takes symbolic inputs and reps, and keeps a dimension broadcastable where its rep is 1', () => {
    const x = T.matrix('x', 'float64');
    const n = T.lscalar('n');
    expect(run([x, n], T.tile(x, [n, 1]), arr([[1, 2]]), sym.array(3, { dtype: 'int64' }))).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(T.tile(T.row('r'), [1, 3]).broadcastable).toEqual([true, false]);
    expect(T.tile(T.row('r'), [2, 1]).broadcastable).toEqual([false, false]);
    expect(() => T.tile(m, [-1])).toThrow(/tile: reps\[0\] must be a non-negative integer, got -1/);
  });

  it('repeats each element as np.repeat, along an axis or the flattened array', () => {
    expect(value(T.repeat(m, 2, -2))).toEqual([[1, 2], [1, 2], [3, 4], [3, 4]]);
    expect(value(m.repeat(2))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(value(T.repeat(m, 3, 1))).toEqual([[1, 1, 1, 2, 2, 2], [3, 3, 3, 4, 4, 4]]);
    expect(both(T.repeat(m, 0, 1)).shape).toEqual([2, 0]);
    const v = T.vector('v', 'float64');
    const n = T.iscalar('n');
    expect(run([v, n], v.repeat(n, 0), arr([1, 2]), sym.array(2, { dtype: 'int32' }))).toEqual([1, 1, 2, 2]);
  });

  it('refuses per-element counts and an axis out of range', () => {
    expect(() => T.repeat(m, T.ivector('r') as unknown as number, 0)).toThrow(/repeat: repeats must be a non-negative integer or an integer scalar, got r of type/);
    expect(() => T.repeat(m, 2, 2)).toThrow(/repeat: axis 2 is out of range/);
  });
});
