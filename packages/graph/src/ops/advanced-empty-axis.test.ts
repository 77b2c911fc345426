/**
 * Rows of an empty axis: every index is out of range, and the error is
 * NumPy's IndexError naming x and the index (the index's CheckIndex), not
 * the lowering's; where Theano does not read the rows (the ifelse branch
 * not taken), nothing raises. (Before: the gather's lowering refused the
 * program, "AdvancedSubtensor1: cannot index an empty axis 0 (shape
 * [0, 2])" for M of shape (2, 0), whichever branch the call took.)
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const MODES = ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const;

describe('a gather from an empty axis', () => {
  it.each(MODES)('%s: an input index, a computed one and a column index raise NumPy\'s IndexError naming x', (mode) => {
    const x = T.dvector('x');
    const i = T.lvector('i');
    const M = T.dmatrix('M');
    expect(() => sym.function([x, i], x.get(i), { mode }).sync([], [0])).toThrow("x[i]: index 0 (i[0]) is out of bounds for axis 0 with size 0, indexing x of shape (0,) (NumPy's IndexError)");
    expect(() => sym.function([x, i], x.get(i.add(1)), { mode }).sync([], [0])).toThrow('x[(i + 1)]: index 1 ((i + 1)[0]) is out of bounds for axis 0 with size 0');
    const empty = sym.array(new Float64Array(0), { shape: [2, 0] });
    expect(() => sym.function([M, i], M.get(':', i.add(1)), { mode }).sync(empty, [0])).toThrow('M[:, (i + 1)]: index 1 ((i + 1)[0]) is out of bounds for axis 1 with size 0, indexing M of shape (2, 0)');
    // an empty index of an empty axis is NumPy's empty result
    expect(sym.function([x, i], x.get(i), { mode }).sync([], []).shape).toEqual([0]);
  });

  it.each(MODES)('%s: under the ifelse branch not taken it raises nothing (Theano does not read it)', (mode) => {
    const x = T.dvector('x');
    const i = T.lvector('i');
    const c = T.lscalar('c');
    const f = sym.function([c, x, i], sym.ifelse(c, T.sum(x.get(i)), T.constant(7, { dtype: 'float64' })), { mode });
    expect(f.sync(0, [], [0]).toArray()).toBe(7);
    expect(f.sync(1, [1, 2], [1]).toArray()).toBe(2);
  });

  it.each(MODES)('%s: a scalar index into an empty axis (Subtensor, IncSubtensor) too, and nothing under the branch not taken', (mode) => {
    const x = T.dvector('x');
    const k = T.lscalar('k');
    const c = T.lscalar('c');
    const M = T.dmatrix('M');
    expect(() => sym.function([x, k], x.get(k), { mode }).sync([], 0)).toThrow("x[k]: index 0 (k) is out of bounds for axis 0 with size 0, indexing x of shape (0,) (NumPy's IndexError)");
    expect(() => sym.function([x, k], x.get(k.add(1)), { mode }).sync([], 0)).toThrow('x[(k + 1)]: index 1 ((k + 1)) is out of bounds for axis 0 with size 0');
    expect(() => sym.function([x, k], T.incSubtensor(x.get(k), 1), { mode }).sync([], 0)).toThrow('x[k]: index 0 (k) is out of bounds for axis 0 with size 0');
    const m20 = sym.array(new Float64Array(0), { shape: [2, 0] });
    expect(() => sym.function([M, k], M.get(':', k), { mode }).sync(m20, 0)).toThrow('M[:, k]: index 0 (k) is out of bounds for axis 1 with size 0, indexing M of shape (2, 0)');
    const m00 = sym.array(new Float64Array(0), { shape: [0, 0] });
    expect(() => sym.function([M, k], M.get(k, ':'), { mode }).sync(m00, 0)).toThrow('M[k, :]: index 0 (k) is out of bounds for axis 0 with size 0');
    // (before: the lowering refused the program, "index is out of bounds for axis 0 with size 0", whichever branch ran)
    expect(sym.function([c, x, k], sym.ifelse(c, x.get(k), T.constant(7, { dtype: 'float64' })), { mode }).sync(0, [], 0).toArray()).toBe(7);
    expect(sym.function([c, x, k], sym.ifelse(c, T.incSubtensor(x.get(k), 1), x), { mode }).sync(0, [], 0).shape).toEqual([0]);
  });
});
