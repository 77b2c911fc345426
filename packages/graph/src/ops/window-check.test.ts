// A window of a known length from a symbolic start (Theano's minibatch x[i * bs:(i + 1) * bs]) that NumPy would cut short
// (the last partial minibatch, a start past the end) raises where the start is found on the host, instead of clamping the
// start so that the window fits (other rows than NumPy's, silently).
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

describe("a minibatch window that NumPy would cut short", () => {
  const x = T.dmatrix('x');
  const i = T.lscalar('i');
  const bs = 4;
  const batch = x.get(T.slice(i.mul(bs), i.add(1).mul(bs)));

  it('gives the whole windows NumPy gives, and raises for the last partial one and a start past the end, naming the window', async () => {
    const f = sym.function([x, i], batch);
    expect(rows(f.sync(X, 1))).toEqual([
      [4, 40],
      [5, 50],
      [6, 60],
      [7, 70],
    ]);
    // NumPy: X[8:12] is 2 rows; the kernels returned rows 6..9 (the start clamped to 6)
    expect(() => f.sync(X, 2)).toThrow('the window of 4 elements from 8 does not fit axis 0 of size 10: NumPy (and Theano) would return 2 elements');
    expect(() => f.sync(X, 2)).toThrow(/^x\[\(i \* 4\):\(i \* 4\) \+ 4\]: the window/);
    await expect(f(X, 2)).rejects.toThrow('the window of 4 elements from 8 does not fit axis 0 of size 10');
    // X[12:16] is empty
    expect(() => f.sync(X, 3)).toThrow('the window of 4 elements from 12 does not fit axis 0 of size 10: NumPy (and Theano) would return 0 elements');
    // the check costs no kernel (2 without it: the start i * 4 and the window), and a whole window after an error still runs
    expect(f.compiled.kernelCount(X, 0)).toBe(2);
    expect(rows(f.sync(X, 0))[0]).toEqual([0, 0]);
  });

  it("gives NumPy's rows where the batch size is an input (the error's advice: a window of a length found from the values)", () => {
    const n = T.lscalar('n');
    const f = sym.function([x, i, n], x.get(T.slice(i.mul(n), i.add(1).mul(n))));
    expect(rows(f.sync(X, 2, 4))).toEqual([
      [8, 80],
      [9, 90],
    ]);
    expect((f.sync(X, 3, 4) as sym.NDArray).shape).toEqual([0, 2]);
  });

  it('counts a negative start from the end, and raises where NumPy stops at 0 (x[-2:0] is empty)', () => {
    const f = sym.function([x, i], x.get(T.slice(i, i.add(2))));
    expect(rows(f.sync(X, -3))).toEqual([
      [7, 70],
      [8, 80],
    ]);
    expect(() => f.sync(X, -2)).toThrow('the window of 2 elements from -2 does not fit axis 0 of size 10: NumPy (and Theano) would return 0 elements');
    expect(() => f.sync(X, -11)).toThrow('would return 1 element ');
    // the op's reference perform (DebugMode's reference, the interpreter) agrees: it read rows 8 and 9 for x[-2:0]
    const w = x.get(T.slice(i, i.add(2)));
    expect(() => w.owner!.op.perform([X, sym.array(-2, { dtype: 'int64' })], w.owner!)).toThrow('window [-2, -2 + 2) is out of bounds for axis 0 with size 10');
    expect(rows(w.owner!.op.perform([X, sym.array(-3, { dtype: 'int64' })], w.owner!)[0])).toEqual([
      [7, 70],
      [8, 80],
    ]);
    // DebugMode too (its reference, the op's perform, raised nothing here: it read rows 8 and 9)
    expect(() => sym.function([x, i], x.get(T.slice(i, i.add(2))), { mode: 'DebugMode' }).sync(X, -2)).toThrow('does not fit axis 0 of size 10');
  });

  it('raises for a training step on the last partial batch through givens, leaving W as it was; a whole batch trains as NumPy', () => {
    const data = sym.shared(X, { name: 'data' });
    const W = sym.shared(sym.array([0.5, -0.25], { dtype: 'float64' }), { name: 'W' });
    const m = T.dmatrix('m');
    const cost = T.sqr(T.dot(m, W)).mean();
    const step = sym.function([i], cost, {
      givens: [[m, data.get(T.slice(i.mul(bs), i.add(1).mul(bs)))]],
      updates: [[W, W.sub(grad(cost, W).mul(0.001))]],
    });
    expect(() => step.sync(2)).toThrow('the window of 4 elements from 8 does not fit axis 0 of size 10');
    expect((W.getValue() as sym.NDArray).toArray()).toEqual([0.5, -0.25]);
    step.sync(1);
    // by hand (numpy): m = X[4:8]; W -= 0.001 * 2 * m.T @ (m @ W) / 4
    const m1 = [4, 5, 6, 7].map((r) => [r, 10 * r]);
    const p = m1.map(([a, b]) => a! * 0.5 + b! * -0.25);
    const want = [0, 1].map((k) => [0.5, -0.25][k]! - (0.001 * 2 * m1.reduce((s, r, q) => s + r[k]! * p[q]!, 0)) / 4);
    const got = (W.getValue() as sym.NDArray).toArray() as number[];
    got.forEach((g, k) => expect(g).toBeCloseTo(want[k]!, 12));
  });

  it('raises for writes into such a window (setSubtensor, incSubtensor, the gradient)', () => {
    const inc = sym.function([x, i], T.incSubtensor(batch, 1));
    expect(rows(inc.sync(X, 0))[0]).toEqual([1, 1]);
    expect(() => inc.sync(X, 2)).toThrow(/^IncSubtensor\{int:int\+4\} into x: the window of 4 elements from 8 does not fit/);
    const g = sym.function([x, i], grad(batch.sum(), x));
    expect(() => g.sync(X, 2)).toThrow('the window of 4 elements from 8 does not fit axis 0 of size 10');
  });

  it('still clamps a start the kernels compute (not found on the host), as documented', () => {
    const v = T.dvector('v');
    const f = sym.function([x, v], x.get(T.slice(T.argmax(v), T.argmax(v).add(4))));
    // argmax 8: NumPy's X[8:12] is 2 rows; the window is clamped to rows 6..9
    expect(rows(f.sync(X, sym.array([0, 0, 0, 0, 0, 0, 0, 0, 1], { dtype: 'float64' }))).map((r) => r[0])).toEqual([6, 7, 8, 9]);
  });

  it("follow Python's slice.indices", () => {
    expect(numpyWindow(896, 128, 1000)).toEqual({ start: 896, length: 104 });
    expect(numpyWindow(1024, 128, 1000).length).toBe(0);
    expect([windowFits(872, 128, 1000), windowFits(873, 128, 1000), windowFits(-128, 128, 1000), windowFits(-129, 128, 1000), windowFits(5, 0, 3)]).toEqual([true, false, false, true, true]);
  });
});
