/**
 * sym.scan with Theano's taps: outputs that read several past steps
 * (`{ initial, taps: [-2, -1] }`) and sequences read at several offsets
 * (`{ input, taps: [-1, 0, 1] }`), with Theano's argument order, step
 * counts and errors. The builder rewrites them onto one-step-back states
 * and windows of the sequences; these tests check what the user sees.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
const run = (inputs: V[], out: V | V[], ...args: unknown[]) => {
  const r = sym.function(inputs, out as V).sync(...(args as never[]));
  return Array.isArray(r) ? r.map((a) => (a as sym.NDArray).toArray()) : (r as sym.NDArray).toArray();
};

describe('scan: output taps', () => {
  it("Fibonacci with taps [-2, -1] (Theano's example): the step receives x[t-2], x[t-1]; the output is the new values only", () => {
    const x0 = T.ivector('x0');
    const n = T.iscalar('n');
    const [fib] = sym.scan((a: V, b: V) => a.add(b), { outputsInfo: [{ initial: x0, taps: [-2, -1] }], nSteps: n });
    expect(fib.type.toString()).toBe('TensorType(int32, vector)');
    // Theano prints [ 1  2  3  5  8 13 21 34 55 89] for fibo([0, 1], 10)
    expect(run([x0, n], fib, [0, 1], 10)).toEqual([1, 2, 3, 5, 8, 13, 21, 34, 55, 89]);
    expect(run([x0, n], fib.get(-1), [0, 1], 50 - 2)).toBe(-811192543); // fib(49) wraps around in int32, as in Theano
    expect(run([x0, n], fib, [0, 1], 0)).toEqual([]);
  });

  it('taps [-3, -1]: x[t-3] and x[t-1] only, initial[K - j] being x[-j]', () => {
    const x0 = T.dvector('x0');
    const received: number[] = [];
    const [x] = sym.scan(
      (...args: V[]) => {
        received.push(args.length);
        return args[0]!.add(args[1]!);
      },
      { outputsInfo: { initial: x0, taps: [-3, -1] }, nSteps: 4 },
    );
    expect(received.every((k) => k === 2)).toBe(true);
    // x[-3..-1] = 1, 2, 3: x0 = 1 + 3, x1 = 2 + 4, x2 = 3 + 6, x3 = 4 + 9
    expect(run([x0], x, [1, 2, 3])).toEqual([4, 6, 9, 13]);
    // an initial value longer than the taps need: its first K rows, as Theano reads initial[:K]
    expect(run([x0], x, [1, 2, 3, 100])).toEqual([4, 6, 9, 13]);
  });

  it("passes the taps in the order they are listed in (Theano's order), and rows of a matrix initial", () => {
    const m0 = T.dmatrix('m0');
    const [x] = sym.scan((prev: V, older: V) => prev.mul(2).sub(older), { outputsInfo: { initial: m0, taps: [-1, -2] }, nSteps: 3 });
    expect(x.ndim).toBe(2);
    // x[t] = 2 x[t-1] - x[t-2] continues a line: rows 0, 1 -> 2, 3, 4
    expect(run([m0], x, [[0, 10], [1, 20]])).toEqual([
      [2, 30],
      [3, 40],
      [4, 50],
    ]);
  });

  it("passes sequence taps in the order they are listed in, as Theano does: taps [1, 0] give s[t+1], then s[t]", () => {
    const s = T.dvector('s');
    const [d] = sym.scan((next: V, cur: V) => next.sub(cur), { sequences: { input: s, taps: [1, 0] } });
    expect(run([s], d, [0, 1, 3, 6])).toEqual([1, 2, 3]);
    // x[t] = x[t-1] - x[t-2] from x[-2] = 0, x[-1] = 1, the taps listed newest first
    const x0 = T.dvector('x0');
    const [x] = sym.scan((tm1: V, tm2: V) => tm1.sub(tm2), { outputsInfo: { initial: x0, taps: [-1, -2] }, nSteps: 5 });
    expect(run([x0], x, [0, 1])).toEqual([1, 0, -1, -1, 0]);
  });

  it('beside a plain state and an output not fed back, in the user\'s order', () => {
    const x0 = T.dvector('x0');
    const s0 = T.dscalar('s0');
    const [[fib, sum, twice]] = sym.scan((a: V, b: V, s: V) => [a.add(b), s.add(b), b.mul(2)], {
      outputsInfo: [{ initial: x0, taps: [-2, -1] }, s0, null],
      nSteps: 4,
    });
    expect(run([x0, s0], [fib!, sum!, twice!], [1, 1], 100)).toEqual([
      [2, 3, 5, 8],
      [101, 103, 106, 111],
      [2, 4, 6, 10],
    ]);
  });
});

describe('scan: sequence taps', () => {
  it('a moving sum with taps [-1, 0, 1]: len - 2 steps, tap τ reading s[t + τ - min(taps)]', () => {
    const s = T.dvector('s');
    const [sums] = sym.scan((prev: V, cur: V, next: V) => prev.add(cur.mul(10)).add(next.mul(100)), { sequences: [{ input: s, taps: [-1, 0, 1] }] });
    expect(run([s], sums, [1, 2, 3, 4, 5])).toEqual([321, 432, 543]);
    expect(run([s], sums, [1, 2])).toEqual([]);
  });

  it('positive and negative-only taps: [0, 1] is a difference of len - 1 steps, [-2, 0] reads s[t] and s[t + 2]', () => {
    const s = T.dvector('s');
    const [diff] = sym.scan((cur: V, next: V) => next.sub(cur), { sequences: { input: s, taps: [0, 1] } });
    expect(run([s], diff, [1, 4, 9, 16])).toEqual([3, 5, 7]);
    const [gap] = sym.scan((a: V, b: V) => b.sub(a), { sequences: { input: s, taps: [-2, 0] } });
    expect(run([s], gap, [1, 4, 9, 16])).toEqual([8, 12]);
    // { input } alone is taps [0]
    const [same] = sym.scan((a: V) => a.mul(2), { sequences: { input: s } });
    expect(run([s], same, [1, 4])).toEqual([2, 8]);
    // taps of one sign count from 0 as Theano's slicing does: [2] reads s[t + 2] (len - 2 steps), [-2] reads s[t - 2] from t = 2
    const [ahead] = sym.scan((a: V) => a.mul(1), { sequences: { input: s, taps: [2] } });
    expect(run([s], ahead, [1, 4, 9, 16])).toEqual([9, 16]);
    const [behind] = sym.scan((a: V) => a.mul(1), { sequences: { input: s, taps: [-2] } });
    expect(run([s], behind, [1, 4, 9, 16])).toEqual([1, 4]);
    const [pair] = sym.scan((a: V, b: V) => b.sub(a), { sequences: { input: s, taps: [1, 3] } });
    expect(run([s], pair, [1, 4, 9, 16, 25])).toEqual([12, 16]);
  });

  it('beside a plain sequence, the shortest decides the steps; nSteps takes the first steps', () => {
    const s = T.dvector('s');
    const w = T.dvector('w');
    const [y] = sym.scan((a: V, b: V, c: V) => a.add(b).mul(c), { sequences: [{ input: s, taps: [0, 1] }, w] });
    expect(run([s, w], y, [1, 2, 3, 4], [1, 10, 100, 1000])).toEqual([3, 50, 700]);
    expect(run([s, w], y, [1, 2, 3, 4, 5, 6], [1, 10])).toEqual([3, 50]);
    const [first] = sym.scan((a: V, b: V) => a.add(b), { sequences: { input: s, taps: [-1, 1] }, nSteps: 2 });
    expect(run([s], first, [1, 2, 3, 4, 5])).toEqual([4, 6]);
    const f = sym.function([s], first);
    expect(() => f.sync([1, 2, 3])).toThrow(/has 1 steps, fewer than n_steps = 2/);
  });
});

describe('scan: sequence and output taps together', () => {
  it("Theano's recurrent net with taps: u[t-4], u[t]; x[t-3], x[t-1]; y[t-1]; then the non-sequences", () => {
    const u = T.dvector('u');
    const x0 = T.dvector('x0');
    const y0 = T.dscalar('y0');
    const W = [0.5, 0.3, -0.2, 0.7, 1.5];
    const weights = W.map((w, i) => T.constant(w, { dtype: 'float64', name: `w${i}` }));
    const seen: string[] = [];
    const [[xs, ys]] = sym.scan(
      (uTm4: V, uT: V, xTm3: V, xTm1: V, yTm1: V, w: V, wIn1: V, wIn2: V, wFeedback: V, wOut: V) => {
        seen.push([uTm4, uT, xTm3, xTm1, yTm1, w, wIn1, wIn2, wFeedback, wOut].map((v) => v.name ?? '?').join(','));
        const xT = T.tanh(xTm1.mul(w).add(uT.mul(wIn1)).add(uTm4.mul(wIn2)).add(yTm1.mul(wFeedback)));
        return [xT, xTm3.mul(wOut)];
      },
      { sequences: { input: u, taps: [-4, 0] }, outputsInfo: [{ initial: x0, taps: [-3, -1] }, y0], nonSequences: weights },
    );
    expect(seen[0]!.split(',').slice(5)).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
    const uv = [0.1, -0.3, 0.8, 0.2, 0.5, -0.6, 0.9];
    const x = [0.2, -0.1, 0.4];
    let y = 0.3;
    const expectX: number[] = [];
    const expectY: number[] = [];
    for (let t = 0; t < uv.length - 4; t++) {
      const xT = Math.tanh(x[x.length - 1]! * W[0]! + uv[t + 4]! * W[1]! + uv[t]! * W[2]! + y * W[3]!);
      y = x[x.length - 3]! * W[4]!;
      x.push(xT);
      expectX.push(xT);
      expectY.push(y);
    }
    for (const mode of [undefined, 'DebugMode'] as const) {
      const [gotX, gotY] = sym.function([u, x0, y0], [xs!, ys!], mode ? { mode } : {}).sync(uv, [0.2, -0.1, 0.4], 0.3) as sym.NDArray[];
      (gotX!.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(expectX[i]!, 12));
      (gotY!.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(expectY[i]!, 12));
    }
  });

  it('goBackwards: each tap window is walked from its end (tap τ still reads s[c + τ] around the element c), outputs in the order computed', () => {
    const s = T.dvector('s');
    const [sums] = sym.scan((prev: V, cur: V, next: V) => prev.add(cur.mul(10)).add(next.mul(100)), {
      sequences: [{ input: s, taps: [-1, 0, 1] }],
      goBackwards: true,
    });
    expect(run([s], sums, [1, 2, 3, 4, 5])).toEqual([543, 432, 321]);
    const x0 = T.dvector('x0');
    const [x] = sym.scan((st: V, a: V, b: V) => a.add(b).add(st), { sequences: s, outputsInfo: { initial: x0, taps: [-2, -1] }, goBackwards: true });
    // s walked from its end: 5, 4, 3
    expect(run([s, x0], x, [3, 4, 5], [0, 1])).toEqual([6, 11, 20]);
  });

  it('runs in DebugMode (the reference perform agrees with the backend) and in as few kernels as one state', () => {
    const x0 = T.dvector('x0');
    const b0 = T.dscalar('b0');
    const [fib] = sym.scan((a: V, b: V) => a.add(b), { outputsInfo: { initial: x0, taps: [-2, -1] }, nSteps: 6 });
    expect(run([x0], fib, [1, 1])).toEqual([2, 3, 5, 8, 13, 21]);
    expect((sym.function([x0], fib, { mode: 'DebugMode' }).sync([1, 1]) as sym.NDArray).toArray()).toEqual([2, 3, 5, 8, 13, 21]);
    // the older slot keeps only its last value: no stack of its own
    const [one] = sym.scan((b: V) => b.add(1), { outputsInfo: b0, nSteps: 20 });
    const [fib20] = sym.scan((a: V, b: V) => a.add(b), { outputsInfo: { initial: x0, taps: [-2, -1] }, nSteps: 20 });
    const launches = (inputs: V[], shapes: number[][], out: V) => sym.schedule({ inputs, inputShapes: shapes, outputs: [out] }).steps.length;
    expect(launches([x0], [[2]], fib20)).toBeLessThanOrEqual(launches([b0], [[]], one));
  });
});

describe('scan: taps errors', () => {
  const x0 = T.dvector('x0');
  const s = T.dvector('s');
  it('an initial value too short for the taps, or a scalar', () => {
    expect(() => sym.scan((a: V, b: V) => a.add(b), { outputsInfo: { initial: sym.array([1], { dtype: 'float64' }), taps: [-2, -1] }, nSteps: 3 })).toThrow(
      /outputsInfo\[0\] has taps \[-2,-1\], so its initial value needs a leading axis of 2 rows \(initial\[0\] is x\[-2\], \.\.\., initial\[1\] is x\[-1\]\); got .* of shape \(1\)/,
    );
    expect(() => sym.scan((a: V, b: V) => a.add(b), { outputsInfo: [0, { initial: T.dscalar('z'), taps: [-3, -1] }], nSteps: 3 })).toThrow(
      /outputsInfo\[1\] has taps \[-3,-1\], so its initial value needs a leading axis of 3 rows .*got z of shape \(\)/,
    );
    // rows known only when the function runs: the same error then (it was 'index 1 is out of bounds for axis 0 with size 1')
    const [fib] = sym.scan((a: V, b: V) => a.add(b), { outputsInfo: { initial: x0, taps: [-2, -1] }, nSteps: 3 });
    const f = sym.function([x0], fib);
    expect(() => f.sync([1])).toThrow(
      'scan: outputsInfo[0] has taps [-2,-1], so its initial value needs a leading axis of 2 rows (initial[0] is x[-2], ..., initial[1] is x[-1]); got x0 of shape (1)',
    );
    // more rows than the taps read: the first ones, as Theano's initial[:K]
    expect((f.sync([1, 2, 30]) as sym.NDArray).toArray()).toEqual([3, 5, 8]);
  });
  it('output taps that are not negative, repeated, empty, not integers, or without an initial value', () => {
    const step = (a: V, b: V) => a.add(b);
    expect(() => sym.scan(step, { outputsInfo: { initial: x0, taps: [-1, 0] }, nSteps: 3 })).toThrow(
      "scan: outputsInfo[0] has taps [-1,0]; an output's taps must be negative (-1 is the previous step, -2 the one before), got 0",
    );
    expect(() => sym.scan(step, { outputsInfo: { initial: x0, taps: [-2, -2] }, nSteps: 3 })).toThrow(
      'scan: outputsInfo[0] has taps [-2,-2]; each tap must appear once, but -2 is repeated',
    );
    expect(() => sym.scan(step, { outputsInfo: { initial: x0, taps: [] }, nSteps: 3 })).toThrow(/outputsInfo\[0\] has taps \[\]; give at least one tap \(\[-1\]/);
    expect(() => sym.scan(step, { outputsInfo: { initial: x0, taps: [-1.5] }, nSteps: 3 })).toThrow('scan: outputsInfo[0] has taps [-1.5]; taps must be an array of integers');
    expect(() => sym.scan(step, { outputsInfo: { initial: null, taps: [-2] }, nSteps: 3 })).toThrow(/outputsInfo\[0\] has taps \[-2\] but no initial value/);
  });
  it('sequence taps repeated or empty, a dict without input, a scalar input', () => {
    expect(() => sym.scan((a: V) => a, { sequences: [s, { input: s, taps: [0, 1, 0] }] })).toThrow('scan: sequence 1 has taps [0,1,0]; each tap must appear once, but 0 is repeated');
    expect(() => sym.scan((a: V) => a, { sequences: { input: s, taps: [] } })).toThrow(/sequence 0 has taps \[\]; give at least one tap \(\[0\], the step's own element\)/);
    expect(() => sym.scan((a: V) => a, { sequences: { taps: [0] } as never })).toThrow(/sequence 0 is an object without "input"/);
    expect(() => sym.scan((a: V) => a, { sequences: { input: T.dscalar('c'), taps: [0, 1] } })).toThrow(/sequence 0 \(c\) is a scalar/);
  });
  it("a sequence shorter than its taps' span: an error naming it (was an empty output), at build time or when the function runs", () => {
    // Theano runs len - (max(taps) - min(taps)) steps and refuses a negative count ("Scan was asked to run for negative number of step")
    const tooShort = /scan: sequence 0 \(s\) has taps \[-2,0\], so it needs at least 2 rows \(each step reads rows 2 apart; the loop runs len - 2 steps\); got s of shape \(1\)/;
    const [ys] = sym.scan((a: V, b: V) => a.add(b), { sequences: { input: s, taps: [-2, 0] } });
    const f = sym.function([s], ys);
    expect(() => f.sync([1])).toThrow(tooShort);
    // exactly the span: no steps, as nSteps 0
    expect(run([s], ys, [1, 2])).toEqual([]);
    expect(run([s], ys, [1, 2, 3, 4])).toEqual([4, 6]);
    const [diffs] = sym.scan((a: V, b: V) => b.sub(a), { sequences: { input: s, taps: [0, 1] } });
    expect(() => sym.function([s], diffs).sync([])).toThrow(/has taps \[0,1\], so it needs at least 1 row \(each step reads rows 1 apart; the loop runs len - 1 steps\); got s of shape \(0\)/);
    // a length known when the graph is built: refused then
    expect(() => sym.scan((a: V, b: V) => a.add(b), { sequences: { input: sym.array([1], { dtype: 'float64' }), taps: [-2, 0] } })).toThrow(
      /scan: sequence 0 \(.*\) has taps \[-2,0\], so it needs at least 2 rows .*; got .* of shape \(1\)/,
    );
  });
  it('a step whose arguments do not match the taps, and one whose outputs do not match outputsInfo', () => {
    expect(() => sym.scan((a: V, b: V) => a.add(b), { sequences: { input: s, taps: [-1, 0, 1] } })).toThrow(
      'scan: the step takes 2 argument(s), but scan passes 3: 3 sequence step(s) (one per tap), 0 previous output(s) (one per tap), 0 non-sequence(s), in that order',
    );
    expect(() => sym.scan((a: V, b: V) => [a, b], { outputsInfo: [{ initial: x0, taps: [-2, -1] }, null, null], nSteps: 2 })).toThrow(
      /the step returns 2 output\(s\), but outputsInfo has 3 entries/,
    );
    // a rest parameter after named ones takes the other taps (the function's length, 1, counts only the named one)
    const [sums] = sym.scan((a: V, ...others: V[]) => others.reduce((acc, o) => acc.add(o), a), { sequences: { input: s, taps: [-1, 0, 1] } });
    expect((sym.function([s], sums).sync([1, 2, 3, 4]) as sym.NDArray).toArray()).toEqual([6, 9]);
  });
});
