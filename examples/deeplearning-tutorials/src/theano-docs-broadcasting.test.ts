/**
 * Theano's documentation page "Broadcasting" (tutorial/broadcasting.html):
 * a row and a column added to a matrix, their broadcastable patterns, and
 * a vector expanded to the left; what sym shares with Theano, unlike
 * NumPy: a dimension broadcasts only where its type says so, so a length
 * of 1 in a matrix not marked broadcastable is an error naming the way to
 * mark it.
 */
import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { useFloat64 } from './test-support.js';

const T = sym.T;
const arange = (n: number, rows: number, cols: number) => sym.array(Array.from({ length: n }, (_, i) => i)).reshape([rows, cols]);

describe("Theano's Broadcasting page", () => {
  useFloat64();
  const M = arange(9, 3, 3);

  it('a row (True, False) is added to each row of a matrix', async () => {
    const r = T.row();
    expect(r.broadcastable).toEqual([true, false]);
    const mtr = T.matrix();
    expect(mtr.broadcastable).toEqual([false, false]);
    const fRow = sym.function([r, mtr], [r.add(mtr)]);
    const R = arange(3, 1, 3);
    expect(sym.reprValue(R)).toBe('array([[0, 1, 2]])');
    expect(sym.reprValue(await fRow(R, M))).toBe('[array([[ 0.,  2.,  4.],\n       [ 3.,  5.,  7.],\n       [ 6.,  8., 10.]])]');
  });

  it('a column (False, True) is added to each column', async () => {
    const c = T.col();
    expect(c.broadcastable).toEqual([false, true]);
    const mtr = T.matrix();
    const fCol = sym.function([c, mtr], [c.add(mtr)]);
    const C = arange(3, 3, 1);
    expect(sym.reprValue(C)).toBe('array([[0],\n       [1],\n       [2]])');
    expect(sym.reprValue(await fCol(C, M))).toBe('[array([[ 0.,  1.,  2.],\n       [ 4.,  5.,  6.],\n       [ 8.,  9., 10.]])]');
  });

  it('a vector is expanded to the left: shape (2,) and (False,) act as (1, 2) and (True, False)', async () => {
    const v = T.vector('v');
    const mtr = T.matrix('m');
    const sum = v.add(mtr);
    expect(sum.broadcastable).toEqual([false, false]);
    const f = sym.function([v, mtr], sum);
    expect((await f([10, 20], [[1, 2], [3, 4], [5, 6]])).toArray()).toEqual([[11, 22], [13, 24], [15, 26]]);
    // the same as the row it stands for
    const asRow = sym.function([v, mtr], T.shapePadleft(v).add(mtr));
    expect((await asRow([10, 20], [[1, 2]])).toArray()).toEqual([[11, 22]]);
  });

  it('unlike NumPy, a length of 1 broadcasts only where the type marks it: the error names the way (Theano refuses it too)', async () => {
    const a = T.matrix('a');
    const b = T.matrix('b');
    const f = sym.function([a, b], a.add(b));
    await expect(f([[1, 2, 3]], [[1], [2]])).rejects.toThrow(
      '(a + b): shapes do not match at dimension 0: a has shape (1, 3) (broadcastable (False, False)) and b has shape (2, 1) (broadcastable (False, False)). A dimension of length 1 broadcasts only when its type marks it broadcastable (dimshuffle with "x", or shared(..., { broadcastable }))',
    );
    // marked, as the error says: a as a row, b as a column
    const g = sym.function([a, b], T.addbroadcast(a, 0).add(T.addbroadcast(b, 1)));
    expect((await g([[1, 2, 3]], [[10], [20]])).toArray()).toEqual([[11, 12, 13], [21, 22, 23]]);
  });
});
