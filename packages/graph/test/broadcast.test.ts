/** Theano's broadcasting: only broadcastable dimensions broadcast; mismatches are reported at build time when shapes are static, else at run time. */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './helpers.js';

describe('broadcasting at graph-build time', () => {
  it('refuses constants whose static shapes do not match, naming the expression, shapes and patterns', () => {
    const a = T.constant([[1, 2, 3], [4, 5, 6]]);
    const b = T.constant([1, 2]);
    expect(() => a.add(b)).toThrow(
      '(TensorConstant{[[1 2 3] [4 5 6]]} + TensorConstant{[1 2]}): shapes do not match at dimension 1: TensorConstant{[[1 2 3] [4 5 6]]} has shape (2, 3) (broadcastable (False, False)) and TensorConstant{[1 2]} has shape (2,) (broadcastable (False,)).',
    );
  });
  it('broadcasts constants of length 1 (constants are broadcastable there, as in Theano)', () => {
    const a = T.constant([[1, 2, 3], [4, 5, 6]]);
    expect(both(a.add(T.constant([[10], [20]]))).toArray()).toEqual([[11, 12, 13], [24, 25, 26]]);
    expect(both(a.mul(T.constant([2, 3, 4]))).toArray()).toEqual([[2, 6, 12], [8, 15, 24]]);
  });
  it('checks symbolic variables against constants where the constant fixes a size', () => {
    const x = T.vector('x');
    const y = x.add(T.constant([1, 2, 3]));
    expect(y.staticShape).toEqual([3]);
    expect(() => y.add(T.constant([1, 2]))).toThrow(/shapes do not match at dimension 0: .* has shape \(3,\) .* has shape \(2,\)/);
  });
  it('computes broadcastable patterns of results', () => {
    expect(T.row('r').add(T.col('c')).broadcastable).toEqual([false, false]);
    expect(T.row('r').add(T.scalar('s')).broadcastable).toEqual([true, false]);
    expect(T.vector('v').add(T.matrix('m')).broadcastable).toEqual([false, false]);
  });
});

describe('broadcasting at run time', () => {
  it('a length-1 dimension that is not broadcastable does not broadcast (Theano)', () => {
    const a = T.matrix('a');
    const b = T.matrix('b');
    const f = sym.function([a, b], a.add(b));
    expect(() => f.sync([[1, 2]], [[1, 2], [3, 4]])).toThrow(
      '(a + b): shapes do not match at dimension 0: a has shape (1, 2) (broadcastable (False, False)) and b has shape (2, 2) (broadcastable (False, False)). ' +
        'A dimension of length 1 broadcasts only when its type marks it broadcastable (dimshuffle with "x", or shared(..., { broadcastable })).',
    );
  });
  it('a row (broadcastable first dimension) does broadcast', () => {
    const r = T.row('r');
    const m = T.matrix('m');
    const f = sym.function([r, m], r.add(m));
    expect(f.sync([[1, 2]], [[1, 2], [3, 4]]).toString()).toBe('[[2. 4.]\n [4. 6.]]');
  });
  it('a vector broadcasts against the rows of a matrix (left padding)', () => {
    const v = T.vector('v');
    const m = T.matrix('m');
    const f = sym.function([v, m], v.mul(m));
    expect(f.sync([1, 10], [[1, 2], [3, 4]]).toString()).toBe('[[ 1. 20.]\n [ 3. 40.]]');
    expect(() => f.sync([1, 10, 100], [[1, 2], [3, 4]])).toThrow(/shapes do not match at dimension 1: v has shape \(3,\) \(broadcastable \(False,\)\) and m has shape \(2, 2\)/);
  });
  it('shared variables are checked when the function is called, so their shape may change', () => {
    const s = sym.shared(sym.array([[1, 2], [3, 4]], { dtype: 'float64' }), { name: 's' });
    const t = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }), { name: 't' });
    const f = sym.function([], s.add(t));
    expect(() => f.sync()).toThrow(/^\(s \+ t\): shapes do not match at dimension 1: s has shape \(2, 2\) \(broadcastable \(False, False\)\) and t has shape \(3,\)/);
    t.setValue([10, 20]);
    expect(f.sync().toString()).toBe('[[11. 22.]\n [13. 24.]]');
  });
  it('three operands: every non-broadcastable size must agree', () => {
    const x = T.vector('x');
    const f = sym.function([x], T.clip(x, T.constant([0, 0]), 5));
    expect(() => f.sync([1, 2, 3])).toThrow(/^clip\(x, TensorConstant\{\[0 0\]\}, 5\): shapes do not match at dimension 0/);
    expect(f.sync([-1, 9]).toString()).toBe('[0. 5.]');
  });
});
