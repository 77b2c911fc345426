// A window of a known length from a symbolic start (Theano's minibatch x[i * bs:(i + 1) * bs]) that NumPy would cut short
// (the last partial minibatch, a start past the end, x[-2:0]) gives NumPy's rows where the start is found on the host,
// by a function of its own (function.ts, tensor/window-by-value.ts); the kernels clamped the start so that the window
// fit (other rows than NumPy's, silently).
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';
import { numpyWindow, windowFits } from './window-check.js';

// the gradient lives in @sym/grad, which depends on this package
const { grad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: sym.TensorVariable, w: sym.TensorVariable) => sym.TensorVariable };

// 10 rows of 2: row r is [r, 10 * r]
const X = sym.array(
  Array.from({ length: 10 }, (_, r) => [r, 10 * r]),
  { dtype: 'float64' },
);
const rows = (a: unknown) => (a as sym.NDArray).toArray() as number[][];
const rowsOf = (...r: number[]) => r.map((k) => [k, 10 * k]);
const programs = (f: sym.SymFunction) => new Set(f.profile!.kernels().map((k) => k.program)).size;

describe('a minibatch window that NumPy would cut short', () => {
  const x = T.dmatrix('x');
  const i = T.lscalar('i');
  const bs = 4;
  const batch = x.get(T.slice(i.mul(bs), i.add(1).mul(bs)));

  it("gives NumPy's rows: the last partial batch, none past the end; one program for the whole windows, one for the partial one", async () => {
    const f = sym.function([x, i], batch, { profile: true });
    for (let epoch = 0; epoch < 2; epoch++) {
      expect(rows(f.sync(X, 0))).toEqual(rowsOf(0, 1, 2, 3));
      expect(rows(f.sync(X, 1))).toEqual(rowsOf(4, 5, 6, 7));
      // NumPy: X[8:12] is rows 8 and 9 (the kernels read rows 6..9, the start clamped to 6)
      expect(rows(f.sync(X, 2))).toEqual(rowsOf(8, 9));
    }
    expect(programs(f)).toBe(2);
    expect(rows(await f(X, 2))).toEqual(rowsOf(8, 9));
    // X[12:16] is empty
    expect((f.sync(X, 3) as sym.NDArray).shape).toEqual([0, 2]);
    // the check costs no kernel: 2, as before it (the start i * 4 and the window)
    expect(f.compiled.kernelCount(X, 0)).toBe(2);
  });

  it('counts a negative start from the end, as NumPy (x[-2:0] is empty, x[-11:-9] one row)', () => {
    const f = sym.function([x, i], x.get(T.slice(i, i.add(2))));
    expect(rows(f.sync(X, -3))).toEqual(rowsOf(7, 8));
    expect((f.sync(X, -2) as sym.NDArray).shape).toEqual([0, 2]);
    expect(rows(f.sync(X, -11))).toEqual(rowsOf(0));
    // DebugMode too
    expect((sym.function([x, i], x.get(T.slice(i, i.add(2))), { mode: 'DebugMode' }).sync(X, -2) as sym.NDArray).shape).toEqual([0, 2]);
    // the op's reference perform (DebugMode's reference of a whole window) raises where the window is not whole: it read rows 8 and 9 for x[-2:0]
    const w = x.get(T.slice(i, i.add(2)));
    expect(() => w.owner!.op.perform([X, sym.array(-2, { dtype: 'int64' })], w.owner!)).toThrow('window [-2, -2 + 2) is out of bounds for axis 0 with size 10');
    expect(rows(w.owner!.op.perform([X, sym.array(-3, { dtype: 'int64' })], w.owner!)[0])).toEqual(rowsOf(7, 8));
  });

  it("trains on the last partial batch through givens as NumPy's step does (the mean over its 2 rows)", () => {
    const data = sym.shared(X, { name: 'data' });
    const W = sym.shared(sym.array([0.5, -0.25], { dtype: 'float64' }), { name: 'W' });
    const m = T.dmatrix('m');
    const cost = T.sqr(T.dot(m, W)).mean();
    const step = sym.function([i], cost, {
      givens: [[m, data.get(T.slice(i.mul(bs), i.add(1).mul(bs)))]],
      updates: [[W, W.sub(grad(cost, W).mul(0.001))]],
    });
    // by hand (numpy): m = X[8:12] (2 rows); cost = mean((m @ W)^2); W -= 0.001 * 2 * m.T @ (m @ W) / 2
    const m1 = rowsOf(8, 9);
    const p = m1.map(([a, b]) => a! * 0.5 + b! * -0.25);
    const wantCost = p.reduce((s, v) => s + v * v, 0) / 2;
    const want = [0, 1].map((k) => [0.5, -0.25][k]! - (0.001 * 2 * m1.reduce((s, r, q) => s + r[k]! * p[q]!, 0)) / 2);
    expect((step.sync(2) as sym.NDArray).toArray()).toBeCloseTo(wantCost, 12);
    const got = (W.getValue() as sym.NDArray).toArray() as number[];
    got.forEach((g, k) => expect(g).toBeCloseTo(want[k]!, 12));
    // a start past the end: an empty batch, NumPy's mean of nothing (nan), whose gradient (m.T @ an empty vector) moves nothing
    expect(Number.isNaN((step.sync(3) as sym.NDArray).toArray() as number)).toBe(true);
    expect((W.getValue() as sym.NDArray).toArray()).toEqual(got);
  });

  it("reads the tutorials' labels, a window of T.cast(shared_y, 'int32'), with no readback: two programs an epoch", () => {
    const setY = sym.shared(sym.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], { dtype: 'float64' }), { name: 'set_y' });
    const y = T.ivector('y');
    const f = sym.function([i], y.mul(10).add(y.shape[0]), { givens: [[y, T.cast(setY, 'int32').get(T.slice(i.mul(bs), i.add(1).mul(bs)))]], profile: true });
    for (let epoch = 0; epoch < 2; epoch++) {
      expect(rows(f.sync(0))).toEqual([4, 14, 24, 4]);
      expect(rows(f.sync(2))).toEqual([22, 2]);
    }
    expect([programs(f), f.profile!.hostReads]).toEqual([2, 0]);
  });

  it('writes into such a window (incSubtensor, the gradient) at NumPy\'s rows', () => {
    const inc = sym.function([x, i], T.incSubtensor(batch, 1));
    expect(rows(inc.sync(X, 2)).slice(6)).toEqual([
      [6, 60],
      [7, 70],
      [9, 81],
      [10, 91],
    ]);
    const g = sym.function([x, i], grad(batch.sum(), x));
    expect(rows(g.sync(X, 2)).map((r) => r[0])).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(rows(g.sync(X, 1)).map((r) => r[0])).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
  });

  it('still clamps a start the kernels compute (not found on the host), as documented', () => {
    const v = T.dvector('v');
    const f = sym.function([x, v], x.get(T.slice(T.argmax(v), T.argmax(v).add(4))));
    // argmax 8: NumPy's X[8:12] is 2 rows; the window is clamped to rows 6..9
    expect(rows(f.sync(X, sym.array([0, 0, 0, 0, 0, 0, 0, 0, 1], { dtype: 'float64' }))).map((r) => r[0])).toEqual([6, 7, 8, 9]);
  });

  it("follows Python's slice.indices", () => {
    expect(numpyWindow(896, 128, 1000)).toEqual({ start: 896, length: 104 });
    expect(numpyWindow(1024, 128, 1000).length).toBe(0);
    expect([windowFits(872, 128, 1000), windowFits(873, 128, 1000), windowFits(-128, 128, 1000), windowFits(-129, 128, 1000), windowFits(5, 0, 3)]).toEqual([true, false, false, true, true]);
  });
});
