/**
 * Slices whose length depends on values (`x[i:]`, `x[:n]`, `x[i:j]`,
 * symbolic steps): Python's `slice.indices` on the host (SliceWindow,
 * fixtures/python-slice-indices.json, made by python-slice-indices.py),
 * windows, setSubtensor/incSubtensor, gradients, profile, errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';
import { sliceIndices } from '../src/ops/slice-window.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};

const rows = JSON.parse(readFileSync(new URL('./fixtures/python-slice-indices.json', import.meta.url), 'utf8')) as (number | null)[][];
const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });
// x = arange(12).reshape(4, 3)
const XV = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]];
const hostOpsOf = (v: V) => sym.toposort([v]).filter((n) => n.op.toString().startsWith('SliceWindow')).length;
/** Python's x[start:stop:step] of a list, by the positions sliceIndices gives (itself checked against Python below). */
const pick = <E>(xs: readonly E[], start: number | null, stop: number | null, step: number | null): E[] => {
  const { start: first, length } = sliceIndices(xs.length, start, stop, step ?? 1);
  return Array.from({ length }, (_, k) => xs[first + k * (step ?? 1)]!);
};

describe('slices whose length depends on values', () => {
  it("find start and length as Python's slice.indices (400 cases)", () => {
    for (const [n, start, stop, step, first, length] of rows) {
      expect([n, start, stop, step, sliceIndices(n!, start!, stop!, step ?? 1)]).toEqual([n, start, stop, step, { start: first, length }]);
    }
  });

  const x = T.matrix('x', 'float64');
  const [i, j, s] = [T.lscalar('i'), T.lscalar('j'), T.lscalar('s')];
  it('pick, set and increment x[i:], x[:j], x[i:j], x[i:j:s], x[:, ::s] and x[j, i:] for bounds in and out of range', async () => {
    const outs = [x.get(T.slice(i)), x.get(T.slice(null, j)), x.get(T.slice(i, j)), x.get(T.slice(i, j, s)), x.get(':', T.slice(null, null, s)), x.get(1, T.slice(i))];
    const writes = outs.flatMap((w) => [T.setSubtensor(w, -1), T.incSubtensor(w, 100)]);
    const f = sym.function([x, i, j, s], [...outs, ...writes]);
    for (const [iv, jv, sv] of [[1, 3, 1], [-2, 9, -1], [7, -7, 2], [0, 0, -2], [-9, -1, 3], [3, 1, -1]] as const) {
      const got = (await f(f64(XV), iv, jv, sv)) as sym.NDArray[];
      const wants = [
        pick(XV, iv, null, null),
        pick(XV, null, jv, null),
        pick(XV, iv, jv, null),
        pick(XV, iv, jv, sv),
        XV.map((r) => pick(r, null, null, sv)),
        pick(XV[1]!, iv, null, null),
      ];
      wants.forEach((want, k) => {
        const w = got[k]!;
        expect([k, w.shape[0], w.toArray()]).toEqual([k, want.length, want]);
      });
      // x[...] = -1 and x[...] += 100 where the window's elements are: every element of x at a picked value
      wants.forEach((want, k) => {
        const picked = new Set((want as unknown[]).flat() as number[]);
        const expected = (delta: (v: number) => number) => XV.map((r) => r.map((v) => (picked.has(v) ? delta(v) : v)));
        expect([k, got[outs.length + 2 * k]!.toArray()]).toEqual([k, expected(() => -1)]);
        expect([k, got[outs.length + 2 * k + 1]!.toArray()]).toEqual([k, expected((v) => v + 100)]);
      });
    }
  });
  it('name x, y and both shapes as the user sees them when y does not fit the window at run time (an axis past the first)', async () => {
    const y = T.matrix('y', 'float64');
    const f = sym.function([x, i, y], T.setSubtensor(x.get(':', T.slice(i)), y));
    // NumPy: could not broadcast input array from shape (2,3) into shape (4,2)
    await expect(f(f64(XV), 1, f64([[1, 2, 3], [4, 5, 6]]))).rejects.toThrow(/^setSubtensor into x: y of shape \(2, 3\) does not broadcast to the window's shape \(4, 2\)/);
    const g = sym.function([x, i, s, y], T.incSubtensor(x.get(T.slice(i), T.slice(null, null, s)), y));
    await expect(g(f64(XV), 2, -1, f64([[1, 2, 3]]))).rejects.toThrow(/^incSubtensor into x: y of shape \(1, 3\) does not broadcast to the window's shape \(2, 3\)\. Its dimension 0 has length 1 but is not broadcastable/);
    await expect(f(f64(XV), 1, f64([[1, 2, 3]]))).rejects.toThrow(/^setSubtensor into x: y of shape \(1, 3\) does not broadcast to the window's shape \(4, 2\)\.$/);
    // a scalar always fits: no check on it (rewrites keep reading the constant)
    const checks = (w: V) => sym.toposort([w]).filter((n) => n.op.toString() === 'FitsWindow').length;
    expect([checks(T.setSubtensor(x.get(':', T.slice(i)), 0)), checks(T.setSubtensor(x.get(':', T.slice(i)), y))]).toEqual([0, 1]);
    // what fits is written
    expect(((await f(f64(XV), 1, f64([[1, 2], [3, 4], [5, 6], [7, 8]]))) as sym.NDArray).toArray()).toEqual([[0, 1, 2], [3, 3, 4], [6, 5, 6], [9, 7, 8]]);
    expect(((await g(f64(XV), 2, -1, f64([[1, 2, 3], [4, 5, 6]]))) as sym.NDArray).toArray()).toEqual([[0, 1, 2], [3, 4, 5], [9, 9, 9], [15, 15, 15]]);
  });
  it('take a step of 0 as Python does: an error naming the index', async () => {
    expect(() => x.get(T.slice(i, null, 0))).toThrow(/index 0: the slice .* has a step of 0/);
    const f = sym.function([x, s], x.get(':', T.slice(null, null, s)));
    await expect(f(f64(XV), 0)).rejects.toThrow(/index 1: the slice step \(s\) cannot be zero/);
  });
  it("print the host op's two results apart (start and length)", () => {
    expect(sym.pp(x.get(T.slice(i, null, s)))).toBe(
      'x[((ARange(TensorConstant{0}, slice_indices(i::s, n=x.shape[0]).length, TensorConstant{1}) * s) + slice_indices(i::s, n=x.shape[0]).start)]',
    );
  });
  it("keep a window of known length (x[i:i + 2]) as before, with no host op", () => {
    expect(hostOpsOf(x.get(T.slice(i, i.add(2))))).toBe(0);
    expect(hostOpsOf(x.get(T.slice(i, null)))).toBe(1);
  });
  it('compose with Ellipsis, newaxis, integer arrays and masks', async () => {
    const x3 = T.tensor3('x3', 'float64');
    const idx = T.lvector('idx');
    const X3 = Array.from({ length: 2 }, (_, a) => Array.from({ length: 3 }, (_, b) => Array.from({ length: 4 }, (_, c) => 12 * a + 4 * b + c)));
    const f = sym.function([x3, i, idx], [x3.get('...', T.slice(i)), x3.get(T.slice(i), null, 0), x3.get(idx, T.slice(i)), x3.get(T.slice(null, i), [true, false, true])]);
    const [ell, nw, arr, msk] = (await f(f64(X3), 1, [1, 0])) as sym.NDArray[];
    // NumPy: x3[..., 1:] (2, 3, 3); x3[1:, None, 0] (1, 1, 4); x3[[1, 0], 1:] (2, 2, 4); x3[:1, [True, False, True]] (1, 2, 4)
    expect([ell!.shape, (ell!.toArray() as number[][][])[1]![2]]).toEqual([[2, 3, 3], [21, 22, 23]]);
    expect([nw!.shape, nw!.toArray()]).toEqual([[1, 1, 4], [[[12, 13, 14, 15]]]]);
    expect([arr!.shape, (arr!.toArray() as number[][][])[1]]).toEqual([[2, 2, 4], [[4, 5, 6, 7], [8, 9, 10, 11]]]);
    expect([msk!.shape, msk!.toArray()]).toEqual([[1, 2, 4], [[[0, 1, 2, 3], [8, 9, 10, 11]]]]);
  });
  it('differentiate the window and what is written into it', async () => {
    const pt = XV as sym.NestedArray[];
    const c = (v: number) => T.constant(v, { dtype: 'int64' });
    const sq = (w: V) => T.sum(T.mul(w, w));
    const cases: ((a: V, b: V) => V)[] = [
      (a) => sq(a.get(T.slice(c(1)))),
      (a) => sq(a.get(':', T.slice(c(-1), null, c(-2)))),
      (a, b) => sq(T.setSubtensor(a.get(T.slice(null, c(2))), b.get(T.slice(c(2))))),
      (a, b) => sq(T.incSubtensor(a.get(T.slice(c(1), c(3)), T.slice(null, c(2))), b.get(T.slice(null, c(2)), T.slice(c(1))))),
    ];
    for (const g of cases) {
      const { maxAbsErr } = await verifyGrad(g, [pt, XV.map((r) => r.map((v) => v / 3 - 1))]);
      expect(maxAbsErr).toBeLessThan(1e-4);
    }
  });
  it("read back a bound computed on the device (one scalar per call), and make a program per length", async () => {
    const v = T.vector('v', 'float64');
    // the bound comes from the values: the position of v's largest element
    const tail = v.get(T.slice(T.argmax(v)));
    const f = sym.function([v], T.sum(tail), { profile: true });
    expect(Array.from(((await f(f64([1, 5, 2, 3]))) as sym.NDArray).data)).toEqual([10]);
    expect(Array.from(((await f(f64([1, 2, 5, 3]))) as sym.NDArray).data)).toEqual([8]);
    expect(Array.from(((await f(f64([1, 2, 3, 5]))) as sym.NDArray).data)).toEqual([5]);
    const p = f.profile!;
    expect([p.calls, p.hostOps, p.hostReads]).toEqual([3, 3, 3]);
    expect(p.summary()).toMatch(/Host ops .*: 3 computed, 3 values read back for them/);
    // a length seen before takes its program again
    const programs = () => new Set(p.kernels().map((k) => k.program)).size;
    const made = programs();
    expect(Array.from(((await f(f64([0, 9, 1, 1]))) as sym.NDArray).data)).toEqual([11]);
    expect(programs()).toBe(made);
    expect(Array.from(((await f(f64([9, 0, 1, 1]))) as sym.NDArray).data)).toEqual([11]);
    expect(programs()).toBe(made + 1);
    // a bound that is an input is known on the host: no program before the host op, no readback
    const g = sym.function([v, i], T.sum(v.get(T.slice(i))), { profile: true });
    expect(Array.from(((await g(f64([1, 5, 2, 3]), -2)) as sym.NDArray).data)).toEqual([5]);
    expect([g.profile!.hostOps, g.profile!.hostReads]).toEqual([1, 0]);
  });
  it("read no value back for the length of a shared variable's axis (W[i:] = 0 as an update), its shape taken at each call", async () => {
    const W = sym.shared(f64([1, 2, 3, 4]), { name: 'W' });
    const zero = sym.function([i], [], { updates: [[W, T.setSubtensor(W.get(T.slice(i)), 0)]], profile: true });
    await zero(2);
    expect(Array.from(W.getValue().data)).toEqual([1, 2, 0, 0]);
    W.setValue(f64([5, 6, 7, 8, 9, 10]));
    await zero(-1);
    expect(Array.from(W.getValue().data)).toEqual([5, 6, 7, 8, 9, 0]);
    expect([zero.profile!.hostOps, zero.profile!.hostReads]).toEqual([2, 0]);
    // a step of 0 at run time fails the call and leaves W as it was
    const stepped = sym.function([s], [], { updates: [[W, T.setSubtensor(W.get(T.slice(null, null, s)), -1)]] });
    await expect(stepped(0)).rejects.toThrow(/index 0: the slice step \(s\) cannot be zero/);
    expect(Array.from(W.getValue().data)).toEqual([5, 6, 7, 8, 9, 0]);
    await stepped(-2);
    expect(Array.from(W.getValue().data)).toEqual([5, -1, 7, -1, 9, -1]);
  });
});

describe('slices with constant bounds', () => {
  it('fold a 0-d integer constant bound to its number: x[T.constant(1):] is x[1:], no host op, and writes go through', async () => {
    const x = T.matrix('x', 'float64');
    const c = (v: number) => T.constant(v, { dtype: 'int64' });
    const windows = [x.get(T.slice(c(1))), x.get(T.slice(null, c(-1))), x.get(':', T.slice(c(2), null, c(-1))), x.get(T.slice(c(-3), c(4), c(2)))];
    expect(windows.map(hostOpsOf)).toEqual([0, 0, 0, 0]);
    expect(windows.map((w) => sym.pp(w))).toEqual([x.get('1:'), x.get(':-1'), x.get(':', '2::-1'), x.get('-3:4:2')].map((w) => sym.pp(w)));
    const f = sym.function([x], [...windows, T.incSubtensor(windows[0]!, 100)]);
    const got = ((await f(f64(XV))) as sym.NDArray[]).map((a) => a.toArray());
    expect(got).toEqual([
      XV.slice(1),
      XV.slice(0, -1),
      XV.map((r) => [r[2], r[1], r[0]]),
      [XV[1], XV[3]],
      [XV[0], ...XV.slice(1).map((r) => r.map((v) => v + 100))],
    ]);
  });
});
