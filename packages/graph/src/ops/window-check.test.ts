// A window of a known length from a symbolic start (Theano's minibatch x[i * bs:(i + 1) * bs]) that NumPy would cut short
// (the last partial minibatch, a start past the end, x[-2:0]) gives NumPy's rows where the start is found on the host,
// by a function of its own (function.ts, tensor/window-by-value.ts), and where the kernels compute the start, whose
// flag kernel sends the call there or raises (in a scan's step); the kernels clamped the start so that the window fit
// (other rows than NumPy's, silently).
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
    // the check costs no kernel: 1, the window's, which computes the start i * 4 (2 before gathers fused, as before the check)
    expect(f.compiled.kernelCount(X, 0)).toBe(1);
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

  it("gives NumPy's rows for a start the kernels compute (an argmax): its flag kernel sends the call the by-value way; the kernels clamped it to rows 6..9", async () => {
    const v = T.dvector('v');
    const start = T.argmax(v);
    const f = sym.function([x, v], x.get(T.slice(start, start.add(4))));
    const at = (k: number) => sym.array(Array.from({ length: 9 }, (_, j) => (j === k ? 1 : 0)), { dtype: 'float64' });
    // argmax 8: NumPy's X[8:12] is rows 8 and 9
    expect(rows(f.sync(X, at(8)))).toEqual(rowsOf(8, 9));
    expect(rows(await f(X, at(8)))).toEqual(rowsOf(8, 9));
    expect(rows(f.sync(X, at(2)))).toEqual(rowsOf(2, 3, 4, 5));
    // one kernel more than the window's two (the argmax and the gather): the flag
    expect(f.compiled.kernelCount(X, at(2))).toBe(3);
    // a start the graph bounds (a clip into [0, 6]) costs no flag
    const g = sym.function([x, v], x.get(T.slice(T.clip(start, 0, 6), T.clip(start, 0, 6).add(4))));
    expect(rows(g.sync(X, at(8)))).toEqual(rowsOf(6, 7, 8, 9));
    expect(g.compiled.kernelCount(X, at(2))).toBe(2);
    // in an ifelse's branch: NumPy's rows where it is taken, the other branch where not (its flag is no branch's: the by-value route serves both)
    const c = T.iscalar('c');
    const h = sym.function([x, v, c], sym.ifelse(c, x.get(T.slice(start, start.add(4))).sum(), T.constant(-1, { dtype: 'float64' })));
    expect([h.sync(X, at(8), 1), h.sync(X, at(8), 0), h.sync(X, at(2), 1)].map((r) => (r as sym.NDArray).toArray())).toEqual([187, -1, 154]);
  });

  it("raises for a start in a scan's step, naming the window, its start, its length and the axis (Theano's scan fails there); a failed call updates nothing", () => {
    const n = T.iscalar('n');
    const total = sym.shared(sym.array(0, { dtype: 'float64' }), { name: 'total' });
    // the counter of T.arange(n): known when the program is made, checked then for every step (no flag kernel)
    const [sums] = sym.scan((t: sym.TensorVariable) => x.get(T.slice(t.mul(bs), t.add(1).mul(bs))).sum(), { sequences: [T.arange(n)] }) as sym.TensorVariable[];
    // batch numbers given as a sequence: each step's start computed by the kernels, checked by a flag kernel per step
    const batches = T.lvector('batches');
    const [picked] = sym.scan((b: sym.TensorVariable) => x.get(T.slice(b.mul(bs), b.add(1).mul(bs))).sum(), { sequences: [batches] }) as sym.TensorVariable[];
    const [clipped] = sym.scan((t: sym.TensorVariable) => x.get(T.slice(T.clip(t, 0, 1).mul(bs), T.clip(t, 0, 1).add(1).mul(bs))).sum(), { sequences: [T.arange(n)] }) as sym.TensorVariable[];
    for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
      const cases: [sym.SymFunction, unknown[], unknown[], RegExp][] = [
        [sym.function([x, n], sums!, { mode, updates: [[total, total.add(sums!.sum())]] }), [X, 2], [X, 3], /the window of 4 elements from 8 \(at step 2 of the scan\)/],
        [sym.function([x, batches], picked!, { mode, updates: [[total, total.add(picked!.sum())]] }), [X, [0, 1]], [X, [0, 2]], /the window of 4 elements from 8 \(computed on the device\)/],
      ];
      for (const [f, good, bad, start] of cases) {
        // NumPy: X[0:4].sum() = 66, X[4:8].sum() = 242
        expect((f.sync(...good) as sym.NDArray).toArray()).toEqual([66, 242]);
        const before = (total.getValue() as sym.NDArray).toArray();
        // X[8:12] is 2 rows: the kernels read rows 6..9 (330)
        expect(() => f.sync(...bad)).toThrow(start);
        expect(() => f.sync(...bad)).toThrow(/does not fit axis 0 of size 10: NumPy \(and Theano\) would return 2 elements, not 4\. This window lies in a scan's step/);
        expect((total.getValue() as sym.NDArray).toArray()).toEqual(before);
      }
    }
    // the counter costs no kernel (the clipped start neither), the sequence's a flag per step (2 steps)
    const [pickedClipped] = sym.scan((b: sym.TensorVariable) => x.get(T.slice(T.clip(b, 0, 1).mul(bs), T.clip(b, 0, 1).add(1).mul(bs))).sum(), { sequences: [batches] }) as sym.TensorVariable[];
    const count = (inputs: sym.TensorVariable[], out: sym.TensorVariable, ...args: unknown[]) => sym.function(inputs, out).compiled.kernelCount(...args);
    // a step's window with its start t * 4 computed in it, in its sum (the CPU's reductions gather); then the stacking: no flag kernel
    expect(count([x, n], sums!, X, 2)).toBe(3);
    // and a step's clipped start: clip(t, 0, 1) * 4 costs too much to compute in each of the window's three reads of it
    expect(count([x, n], clipped!, X, 2)).toBe(5);
    // the flags, which fusion hides from a count (a flag's reduction takes the step's start b * 4 in, as the clipped start is not)
    const flags = (out: sym.TensorVariable) => sym.schedule({ inputs: [x, batches], inputShapes: [[10], [2]], outputs: [out] }).indexFlags?.length ?? 0;
    expect([flags(picked!), flags(pickedClipped!)]).toEqual([2, 0]);
  });

  it("checks a window in an ifelse's branch in a scan's step only where the branch is taken (Theano's lazy ifelse computes it nowhere else)", () => {
    const n = T.iscalar('n');
    const k = T.iscalar('k');
    const minusOne = T.constant(-1, { dtype: 'float64' });
    const batches = T.lvector('batches');
    // the counter of T.arange(n) and a sequence's batch number: x[t:t + 4] fits for t <= 6, the guard keeps t = 7..9 out
    const [counted] = sym.scan((t: sym.TensorVariable) => sym.ifelse(t.lt(k), x.get(T.slice(t, t.add(4))).sum(), minusOne), { sequences: [T.arange(n)] }) as sym.TensorVariable[];
    const [picked] = sym.scan((t: sym.TensorVariable) => sym.ifelse(t.lt(7), x.get(T.slice(t, t.add(4))).sum(), minusOne), { sequences: [batches] }) as sym.TensorVariable[];
    for (const mode of ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const) {
      const f = sym.function([x, n, k], counted!, { mode });
      // NumPy: X[t:t + 4].sum() = 44 t + 66
      expect((f.sync(X, 10, 7) as sym.NDArray).toArray()).toEqual([66, 110, 154, 198, 242, 286, 330, -1, -1, -1]);
      // step 7 takes the branch: X[7:11] is 3 rows
      expect(() => f.sync(X, 10, 8)).toThrow(/the window of 4 elements from 7 .*does not fit axis 0 of size 10/);
      const g = sym.function([x, batches], picked!, { mode });
      expect((g.sync(X, [0, 8, 9]) as sym.NDArray).toArray()).toEqual([66, -1, -1]);
    }
  });

  it("takes a start cast from a float as NumPy casts it: NaN is the dtype's least value, an empty window (the kernels' cast read rows 0 and 1)", () => {
    const f = T.dscalar('f');
    const v = T.dvector('v');
    const s = T.cast(f, 'int32');
    const c = T.cast(T.max(v), 'int32');
    for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
      const g = sym.function([x, f], x.get(T.slice(s, s.add(2))), { mode });
      expect((g.sync(X, NaN) as sym.NDArray).shape).toEqual([0, 2]);
      expect(rows(g.sync(X, 3.7))).toEqual(rowsOf(3, 4));
      const h = sym.function([x, v], x.get(T.slice(c, c.add(2))), { mode });
      expect((h.sync(X, [NaN]) as sym.NDArray).shape).toEqual([0, 2]);
      expect(rows(h.sync(X, [-2.5]))).toEqual([]);
      expect(rows(h.sync(X, [3]))).toEqual(rowsOf(3, 4));
      const [steps] = sym.scan((ft: sym.TensorVariable) => x.get(T.slice(T.cast(ft, 'int32'), T.cast(ft, 'int32').add(2))).sum(), { sequences: [v] }) as sym.TensorVariable[];
      const k = sym.function([x, v], steps!, { mode });
      expect((k.sync(X, [8, 0.5]) as sym.NDArray).toArray()).toEqual([187, 11]);
      expect(() => k.sync(X, [0, NaN])).toThrow(
        "the window of 2 elements from -16777216 or beyond (the start is cast from a float: a NaN, an infinity or a float past int32 is int32's least value, -2147483648, in NumPy's cast) (computed on the device) does not fit axis 0 of size 10: NumPy (and Theano) would return 0 elements",
      );
    }
  });

  it("follows Python's slice.indices", () => {
    expect(numpyWindow(896, 128, 1000)).toEqual({ start: 896, length: 104 });
    expect(numpyWindow(1024, 128, 1000).length).toBe(0);
    expect([windowFits(872, 128, 1000), windowFits(873, 128, 1000), windowFits(-128, 128, 1000), windowFits(-129, 128, 1000), windowFits(5, 0, 3)]).toEqual([true, false, false, true, true]);
  });
});
