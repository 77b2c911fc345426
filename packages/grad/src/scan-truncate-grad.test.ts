import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Rop, grad, hessian } from './index.js';

const T = sym.T;
type V = sym.TensorVariable;
type Mat = number[][];

/**
 * Plain TypeScript backpropagation through time, truncated to the last k
 * steps: h[j] = tanh(W h[j-1] + sum over taps of M x[j + offset] + b), the
 * cost sum_j C[j] . h[j]. Returns the gradients of W, b, h0, each tap's M
 * and x. k = -1 walks every step.
 */
function bptt(p: { W: Mat; b: number[]; h0: number[]; x: Mat; C: Mat; taps: { M: Mat; offset: number }[]; steps: number; k: number }) {
  const H = p.h0.length;
  const mv = (M: Mat, v: number[]) => M.map((r) => r.reduce((a, m, i) => a + m * v[i]!, 0));
  const tmv = (M: Mat, v: number[]) => M[0]!.map((_, i) => M.reduce((a, r, o) => a + r[i]! * v[o]!, 0));
  const zeros = (r: number, c: number): Mat => Array.from({ length: r }, () => new Array<number>(c).fill(0));
  const hs = [p.h0];
  for (let j = 0; j < p.steps; j++) {
    const a = mv(p.W, hs[j]!).map((v, i) => v + p.b[i]!);
    for (const { M, offset } of p.taps) mv(M, p.x[j + offset]!).forEach((v, i) => (a[i]! += v));
    hs.push(a.map(Math.tanh));
  }
  const dW = zeros(H, H);
  const db = new Array<number>(H).fill(0);
  const dM = p.taps.map(({ M }) => zeros(M.length, M[0]!.length));
  const dx = zeros(p.x.length, p.x[0]!.length);
  let carry = new Array<number>(H).fill(0);
  const first = p.k === -1 ? 0 : Math.max(p.steps - p.k, 0);
  for (let j = p.steps - 1; j >= first; j--) {
    const h = hs[j + 1]!;
    const prev = hs[j]!;
    const da = h.map((hv, i) => (p.C[j]![i]! + carry[i]!) * (1 - hv * hv));
    da.forEach((d, o) => {
      db[o]! += d;
      prev.forEach((pv, i) => (dW[o]![i]! += d * pv));
    });
    p.taps.forEach(({ M, offset }, q) => {
      const xr = p.x[j + offset]!;
      da.forEach((d, o) => xr.forEach((xv, i) => (dM[q]![o]![i]! += d * xv)));
      tmv(M, da).forEach((v, i) => (dx[j + offset]![i]! += v));
    });
    carry = tmv(p.W, da);
  }
  return { dW, db, dh0: first === 0 ? carry : carry.map(() => 0), dM, dx };
}

const W = [
  [0.5, -0.3, 0.1],
  [0.2, 0.4, -0.6],
  [-0.1, 0.3, 0.2],
];
const U = [
  [0.7, -0.2],
  [0.1, 0.5],
  [-0.4, 0.3],
];
const Vm = [
  [0.2, 0.1],
  [-0.3, 0.6],
  [0.4, -0.5],
];
const b = [0.1, -0.2, 0.05];
const h0 = [0.3, -0.1, 0.2];
const X = [
  [0.5, -1],
  [1.2, 0.3],
  [-0.7, 0.8],
  [0.2, -0.4],
  [0.9, 0.1],
  [-0.3, -0.6],
];
const C = [
  [1, -0.5, 0.3],
  [0.2, 0.7, -1],
  [-0.4, 0.1, 0.6],
  [0.8, -0.2, 0.4],
  [-0.6, 0.9, 0.1],
  [0.3, 0.5, -0.7],
];
const n = X.length;

/** A small RNN over x with scan's options; returns a function of (x, W, U, b, h0, C) giving the cost and the gradients of W, U, b, h0, x. */
function rnn(options: { truncateGradient?: number; goBackwards?: boolean }) {
  const [x, Wv, Uv, bv, h, Cv] = [T.dmatrix('x'), T.dmatrix('W'), T.dmatrix('U'), T.dvector('b'), T.dvector('h0'), T.dmatrix('C')];
  const [hs] = sym.scan((xt: V, prev: V) => T.tanh(T.dot(Wv, prev).add(T.dot(Uv, xt)).add(bv)), { sequences: x, outputsInfo: h, ...options });
  const cost = hs.mul(Cv).sum();
  const f = sym.function([x, Wv, Uv, bv, h, Cv], grad(cost, [Wv, Uv, bv, h, x]));
  return { f, run: () => f.sync(X, W, U, b, h0, C) as sym.NDArray[] };
}

const close = (got: sym.NDArray, want: number | number[] | Mat) => {
  const g = (got.toArray() as number[] | number[][]).flat();
  const w = [want].flat(2) as number[];
  expect(g).toHaveLength(w.length);
  g.forEach((v, i) => expect(Math.abs(v - w[i]!)).toBeLessThan(1e-12));
};

describe("scan's truncateGradient (Theano's truncate_gradient) against plain TypeScript BPTT truncated to k steps", () => {
  for (const k of [1, 2, 4]) {
    it(`k = ${k} of ${n} steps: W, U, b, the sequence; the initial state gets nothing`, () => {
      const [dW, dU, db, dh0, dx] = rnn({ truncateGradient: k }).run();
      const want = bptt({ W, b, h0, x: X, C, taps: [{ M: U, offset: 0 }], steps: n, k });
      close(dW!, want.dW);
      close(dU!, want.dM[0]!);
      close(db!, want.db);
      close(dx!, want.dx);
      close(dh0!, [0, 0, 0]);
      // the rows before the last k steps get no gradient; the last k do
      const rows = dx!.toArray() as Mat;
      rows.forEach((r, t) => (t < n - k ? expect(r).toEqual([0, 0]) : expect(r.some((v) => v !== 0)).toBe(true)));
    });
  }

  it('k >= n is full backpropagation through time, initial state included', () => {
    const full = rnn({}).run();
    const want = bptt({ W, b, h0, x: X, C, taps: [{ M: U, offset: 0 }], steps: n, k: -1 });
    close(full[3]!, want.dh0);
    expect(want.dh0.some((v) => v !== 0)).toBe(true);
    for (const k of [n, n + 3]) {
      const got = rnn({ truncateGradient: k }).run();
      got.forEach((g, i) => close(g, full[i]!.toArray() as Mat));
    }
  });

  it('goBackwards: the last k steps of the loop are the first k elements of the sequence', () => {
    const k = 2;
    const [dW, dU, db, dh0, dx] = rnn({ truncateGradient: k, goBackwards: true }).run();
    const want = bptt({ W, b, h0, x: [...X].reverse(), C, taps: [{ M: U, offset: 0 }], steps: n, k });
    close(dW!, want.dW);
    close(dU!, want.dM[0]!);
    close(db!, want.db);
    close(dh0!, [0, 0, 0]);
    close(dx!, [...want.dx].reverse());
    expect((dx!.toArray() as Mat).slice(k).flat().every((v) => v === 0)).toBe(true);
  });

  it('sequence taps [-1, 0] and nSteps: an element gets gradient from each walked step that reads it', () => {
    const k = 2;
    const [x, Wv, Uv, Vv, bv, h, Cv] = [T.dmatrix('x'), T.dmatrix('W'), T.dmatrix('U'), T.dmatrix('V'), T.dvector('b'), T.dvector('h0'), T.dmatrix('C')];
    const steps = 4; // of the 5 the taps allow
    const [hs] = sym.scan((xPrev: V, xt: V, prev: V) => T.tanh(T.dot(Wv, prev).add(T.dot(Uv, xPrev)).add(T.dot(Vv, xt)).add(bv)), {
      sequences: { input: x, taps: [-1, 0] },
      outputsInfo: h,
      nSteps: steps,
      truncateGradient: k,
    });
    const f = sym.function([x, Wv, Uv, Vv, bv, h, Cv], grad(hs.mul(Cv).sum(), [Wv, Uv, Vv, bv, h, x]));
    const [dW, dU, dV, db, dh0, dx] = f.sync(X, W, U, Vm, b, h0, C.slice(0, steps)) as sym.NDArray[];
    const want = bptt({ W, b, h0, x: X, C, taps: [{ M: U, offset: 0 }, { M: Vm, offset: 1 }], steps, k });
    close(dW!, want.dW);
    close(dU!, want.dM[0]!);
    close(dV!, want.dM[1]!);
    close(db!, want.db);
    close(dh0!, [0, 0, 0]);
    close(dx!, want.dx);
    // steps 2 and 3 read x[2], x[3], x[4]; nothing before, nothing past the loop
    expect((dx!.toArray() as Mat).map((r) => r.some((v) => v !== 0))).toEqual([false, false, true, true, true, false]);
  });

  it('the backward scan runs only k steps: fewer kernels, not computed and thrown away', () => {
    const counts = [1, 2, 3, -1].map((k) => rnn(k === -1 ? {} : { truncateGradient: k }).f.compiled.kernelCount(X, W, U, b, h0, C));
    // each step the backward scan skips takes its kernels with it
    expect(counts[0]).toBeLessThan(counts[1]!);
    expect(counts[1]).toBeLessThan(counts[2]!);
    expect(counts[2]).toBeLessThan(counts[3]!);
    const perStep = counts[1]! - counts[0]!;
    expect(perStep).toBeGreaterThan(0);
    expect(counts[2]! - counts[1]!).toBe(perStep);
    // the full walk runs the other n - 3 steps; the skipped rows' zeros cost no kernel (the stacking kernel's branch there is a zero)
    expect(counts[3]! - counts[2]!).toBe(perStep * (n - 3));
  });

  it('differentiates again: the hessian of a truncated scan walks the same window', async () => {
    const x = T.dvector('x');
    const [ys] = sym.scan((xt: V, acc: V) => acc.mul(0.5).add(xt.pow(3)), { sequences: x, outputsInfo: T.constant(0, { dtype: 'float64' }), truncateGradient: 2 });
    // y3 = 0.5 y2 + x3^3 with the walk over steps 2 and 3 only: d y3/dx2 = 0.5 * 3 x2^2, d y3/dx3 = 3 x3^2
    const cost = ys.get(-1);
    expect((await grad(cost, x).eval({ x: [1, 2, 3, 4] })).toArray()).toEqual([0, 0, 13.5, 48]);
    expect((await hessian(cost, x).eval({ x: [1, 2, 3, 4] })).toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 9, 0],
      [0, 0, 0, 24],
    ]);
  });

  it('nested: a truncated scan inside a scan step, differentiated through both', async () => {
    const X2 = T.dmatrix('X');
    const w = T.dscalar('w');
    const inner = (row: V) => {
      const [s] = sym.scan((xt: V, acc: V) => acc.mul(w).add(xt), { sequences: row, outputsInfo: T.constant(0, { dtype: 'float64' }), truncateGradient: 1 });
      return s.get(-1);
    };
    const [outs] = sym.scan((row: V) => inner(row), { sequences: X2 });
    // s_last = w s_prev + x_last: walking one step, d/dX reaches the last column only, d/dw = s_prev
    const [dX, dw] = await Promise.all(grad(outs.sum(), [X2, w]).map((g) => g.eval({ X: [[1, 2, 3], [4, 5, 6]], w: 2 })));
    expect(dX!.toArray()).toEqual([
      [0, 0, 1],
      [0, 0, 1],
    ]);
    // s_prev = w x0 + x1: 2 + 2 = 4 and 8 + 5 = 13
    expect(dw!.toArray()).toBe(17);
  });

  it('refuses a truncateGradient that is not an integer >= 1 or -1, naming what came', () => {
    const x = T.dvector('x');
    const step = (xt: V, acc: V) => acc.add(xt);
    const msg = (got: string) => `scan: truncateGradient must be an integer >= 1 (the number of steps the gradient walks back) or -1 (every step), got ${got}`;
    expect(() => sym.scan(step, { sequences: x, outputsInfo: 0, truncateGradient: 0 })).toThrow(msg('0'));
    expect(() => sym.scan(step, { sequences: x, outputsInfo: 0, truncateGradient: -2 })).toThrow(msg('-2'));
    expect(() => sym.scan(step, { sequences: x, outputsInfo: 0, truncateGradient: 2.5 })).toThrow(msg('2.5'));
    expect(() => sym.scan(step, { sequences: x, outputsInfo: 0, truncateGradient: '3' as never })).toThrow(msg('string "3"'));
    expect(() => sym.scan(step, { sequences: x, outputsInfo: 0, truncateGradient: T.iscalar('k') as never })).toThrow(msg('the variable k'));
  });

  it("Rop walks every step: truncation is the gradient's, J v is the Jacobian's (Theano's R_op ignores it; was J v truncated to k steps)", () => {
    // a move of the sequence, one row per step
    const Vs = X.map((r, t) => r.map((e, j) => Math.sin(3 * t + j + e)));
    const jv = (options: { truncateGradient?: number; goBackwards?: boolean }) => {
      const [x, v] = [T.dmatrix('x'), T.dmatrix('v')];
      const [hs] = sym.scan((xt: V, prev: V) => T.tanh(T.dot(T.constant(sym.array(W)), prev).add(T.dot(T.constant(sym.array(U)), xt)).add(b)), {
        sequences: x,
        outputsInfo: T.constant(sym.array(h0)),
        ...options,
      });
      const h = 1e-6;
      const f = sym.function([x], T.flatten(hs));
      const [plus, minus] = [1, -1].map((s) => f.sync(X.map((r, t) => r.map((e, j) => e + s * h * Vs[t]![j]!))) as sym.NDArray);
      const central = Array.from(plus!.data as Float64Array, (p, i) => (p - minus!.data[i]!) / (2 * h));
      return { rop: Array.from((sym.function([x, v], Rop(T.flatten(hs), x, v)).sync(X, Vs) as sym.NDArray).data as Float64Array), central };
    };
    for (const options of [{ truncateGradient: 1 }, { truncateGradient: 2 }, { truncateGradient: 2, goBackwards: true }]) {
      const { rop, central } = jv(options);
      const { rop: full } = jv({ goBackwards: options.goBackwards ?? false });
      rop.forEach((r, i) => {
        expect(Math.abs(r - central[i]!), `${JSON.stringify(options)} entry ${i}`).toBeLessThan(1e-8);
        expect(r).toBeCloseTo(full[i]!, 12);
      });
    }
  });
});
