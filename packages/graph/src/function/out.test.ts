/**
 * sym.Out(v, { borrow }): Theano's theano.Out. A borrowed output of a
 * synchronous CPU call is the function's own buffer, which the next call
 * overwrites; every other output (not borrowed, an asynchronous call) is a
 * fresh array that no later call changes.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const values = (a: sym.NDArray): number[] => Array.from(a.data);

describe('sym.Out', () => {
  it('borrow: true on the CPU returns the output buffer itself: the next synchronous call overwrites it', () => {
    const x = T.vector('x');
    const f = sym.function([x], sym.Out(x.mul(2), { borrow: true }));
    const first = f.sync([1, 2, 3]);
    expect(values(first)).toEqual([2, 4, 6]);
    const second = f.sync([5, 6, 7]);
    expect(values(second)).toEqual([10, 12, 14]);
    // documented: the borrowed array of the first call now holds the second call's values
    expect(values(first)).toEqual([10, 12, 14]);
    expect(first.data).toBe(second.data);
  });

  it('without borrow (the default, or a plain variable) each call returns a fresh array that later calls leave alone', () => {
    const x = T.vector('x');
    for (const out of [sym.Out(x.mul(2)), sym.Out(x.mul(2), { borrow: false }), x.mul(2)]) {
      const f = sym.function([x], out);
      const first = f.sync([1, 2, 3]);
      f.sync([5, 6, 7]);
      expect(values(first)).toEqual([2, 4, 6]);
    }
  });

  it('mixes with plain outputs in a list: only the borrowed one aliases', () => {
    const x = T.vector('x');
    const f = sym.function([x], [sym.Out(x.add(1), { borrow: true }), x.sub(1), sym.Out(x.mul(x))]);
    const [a, b, c] = f.sync([1, 2]);
    f.sync([10, 20]);
    expect(values(a!)).toEqual([11, 21]);
    expect(values(b!)).toEqual([0, 1]);
    expect(values(c!)).toEqual([1, 4]);
  });

  it('asynchronous calls return fresh arrays even when borrowed: a queued call could overwrite the buffer before the caller reads it', async () => {
    const x = T.vector('x');
    const f = sym.function([x], sym.Out(x.mul(2), { borrow: true }));
    const [first, second] = await Promise.all([f([1, 2]), f([3, 4])]);
    expect(values(first)).toEqual([2, 4]);
    expect(values(second)).toEqual([6, 8]);
  });

  it('keeps borrow through f.copy()', () => {
    const x = T.vector('x');
    const g = sym.function([x], sym.Out(x.mul(3), { borrow: true })).copy();
    const first = g.sync([1]);
    g.sync([2]);
    expect(values(first)).toEqual([6]);
  });

  it('works in a function with sparse inputs (their parts flattened around it)', () => {
    const X = sym.sparse.csrMatrix('X');
    const W = T.matrix('W');
    const f = sym.function([X, W], [sym.Out(sym.sparse.dot(X, W), { borrow: true }), W.sum()]);
    const M = sym.sparse.SparseMatrix.csr({ data: [1, 2], indices: [1, 0], indptr: [0, 1, 2], shape: [2, 2] });
    const [xw, total] = f.sync(M, [[1, 2], [3, 4]]) as sym.NDArray[];
    expect(values(xw!)).toEqual([3, 4, 2, 4]);
    f.sync(M, [[0, 0], [1, 1]]);
    expect(values(xw!)).toEqual([1, 1, 0, 0]);
    expect(values(total!)).toEqual([10]);
  });

  // Theano's Out accepts a sparse variable; borrow changes nothing there (the SparseMatrix is assembled anew each call)
  it('accepts a sparse output, alone or in the list, each call a new SparseMatrix', () => {
    const X = sym.sparse.csrMatrix('X');
    const M = sym.sparse.SparseMatrix.csr({ data: [1, 2], indices: [1, 0], indptr: [0, 1, 2], shape: [2, 2] });
    const double = sym.sparse.mul(X, 2);
    const alone = sym.function([X], sym.Out(double, { borrow: true }));
    const first = alone.sync(M) as sym.sparse.SparseMatrix;
    expect(Array.from(first.data.data)).toEqual([2, 4]);
    const listed = sym.function([X], [sym.Out(double, { borrow: true }), sym.Out(X.toDense())]);
    const [s, d] = listed.sync(M) as [sym.sparse.SparseMatrix, sym.NDArray];
    expect([s.format, Array.from(s.data.data), values(d)]).toEqual(['csr', [2, 4], [0, 1, 2, 0]]);
    alone.sync(sym.sparse.SparseMatrix.csr({ data: [5, 6], indices: [0, 1], indptr: [0, 1, 2], shape: [2, 2] }));
    expect(Array.from(first.data.data)).toEqual([2, 4]);
    expect(() => sym.Out(X, { borrow: 'yes' } as never)).toThrow('Out: borrow must be true or false, got yes');
  });

  it('refuses what is not a variable, unknown options and a borrow that is not a boolean', () => {
    const x = T.vector('x');
    expect(() => sym.Out(3 as never)).toThrow('Out: expected a symbolic variable, got number 3');
    expect(() => sym.Out(sym.Out(x) as never)).toThrow('Out: expected a symbolic variable, got an Out already');
    expect(() => sym.Out(x, { borow: true } as never)).toThrow(/^Out: unknown option "borow"; the options are borrow$/);
    expect(() => sym.Out(x, { borrow: 1 } as never)).toThrow('Out: borrow must be true or false, got 1');
    expect(() => sym.function([x], [x.mul(2), { variable: x } as never])).toThrow('function: output 1 is not a symbolic variable or a sym.Out of one');
  });
});
