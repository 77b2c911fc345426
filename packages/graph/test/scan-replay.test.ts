/**
 * A scan's step is lowered once and replayed for the later steps whose
 * placeholders (rows, states) are laid out alike: the same kernel objects
 * over each step's own buffers. Replayed steps must compute what lowering
 * each step would: DebugMode checks every node's value against the ops'
 * reference `perform`, the scan's included.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;

const grid = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.round(Math.sin(seed + i * 1.7) * 64) / 64);

describe('scan: steps replayed', () => {
  it('an Elman scan of 12 steps lowers two steps and replays the others over their own buffers', () => {
    const X = T.matrix('X');
    const W = T.matrix('W');
    const h0 = T.vector('h0');
    const [hs] = sym.scan((x: V, h: V) => T.tanh(T.dot(h, W).add(x)), { sequences: X, outputsInfo: h0 });
    const p = sym.schedule({ inputs: [X, W, h0], inputShapes: [[12, 5], [5, 5], [5]], outputs: [hs] });
    const products = p.steps.filter((s) => s.kernel.kind === 'matmul');
    expect(products).toHaveLength(12);
    // step 0 reads h0 (an input: not replayable), step 1 is recorded, steps 2-11 replay it; steps 0 and 1 lower to one kernel, one object
    expect(new Set(products.map((s) => s.kernel)).size).toBe(1);
    // the 12 rows of X are copied by one kernel object, each copy reading its own step number
    const rows = p.steps.filter((s) => s.kernel.kind === 'elementwise' && sym.gathers(s.kernel.expr) && s.inputs.includes(p.inputBuffers[0]!));
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((s) => s.kernel)).size).toBe(1);
    expect(new Set(rows.map((s) => s.inputs.find((b) => b !== p.inputBuffers[0]))).size).toBe(12);
    // each product reads the previous step's state and writes its own buffer
    expect(new Set(products.map((s) => s.output)).size).toBe(12);
    products.slice(1).forEach((s) => expect(p.steps.some((w) => w.output === s.inputs[0] && p.steps.indexOf(w) < p.steps.indexOf(s))).toBe(true));
    const f = sym.function([X, W, h0], hs, { mode: 'DebugMode' });
    const out = f.sync(sym.array(grid(60, 1)).reshape([12, 5]), sym.array(grid(25, 2)).reshape([5, 5]), grid(5, 3)) as sym.NDArray;
    // the plain loop, in float64
    let h = grid(5, 3);
    const [xs, w] = [grid(60, 1), grid(25, 2)];
    for (let t = 0; t < 12; t++) {
      h = h.map((_, j) => Math.tanh(h.reduce((a, hi, i) => a + hi * w[i * 5 + j]!, 0) + xs[t * 5 + j]!));
      expect(Array.from(out.data.subarray(t * 5, t * 5 + 5))).toEqual(h.map((v) => expect.closeTo(v, 12)));
    }
  });

  it('kernels lowered alike are one object: a first step and the replayed one, two scans of one step function', () => {
    const [X, Y, W, h0] = [T.matrix('X'), T.matrix('Y'), T.matrix('W'), T.vector('h0')];
    const step = (x: V, h: V) => T.tanh(T.dot(h, W).add(x));
    const [hs] = sym.scan(step, { sequences: X, outputsInfo: h0 });
    const [gs] = sym.scan(step, { sequences: Y, outputsInfo: h0 });
    const p = sym.schedule({ inputs: [X, Y, W, h0], inputShapes: [[12, 5], [12, 5], [5, 5], [5]], outputs: [hs, gs.mul(2)] });
    const kernels = new Set(p.steps.map((s) => s.kernel));
    // as many objects as kernels (sym.kernelKey, the compile cache's key): the program passes' memos and the compile cache know kernels by object first
    expect(kernels.size).toBe(new Set([...kernels].map(sym.kernelKey)).size);
    expect(p.steps.length).toBeGreaterThan(4 * kernels.size);
  });

  it('an initial state that is also a non-sequence, and a state set to a non-sequence, keep their values', () => {
    const X = T.matrix('X');
    const c = T.vector('c');
    const xs = grid(24, 4);
    const cv = [0.5, -0.25, 1];
    // h starts as c and the step reads c too: step 0's placeholder is c's own buffer, which no replay may replace
    const [hs] = sym.scan((x: V, h: V, cc: V) => h.mul(cc).add(x).add(cc), { sequences: X, outputsInfo: c, nonSequences: c });
    const h = sym.function([X, c], hs, { mode: 'DebugMode' }).sync(sym.array(xs).reshape([8, 3]), cv) as sym.NDArray;
    let state = cv;
    for (let t = 0; t < 8; t++) {
      state = state.map((v, j) => v * cv[j]! + xs[t * 3 + j]! + cv[j]!);
      expect(Array.from(h.data.subarray(t * 3, t * 3 + 3))).toEqual(state.map((v) => expect.closeTo(v, 12)));
    }
    // g is c at every step (a view of the non-sequence), beside a state of its own
    const [[ks, gs]] = sym.scan((x: V, k: V, g: V, cc: V) => [k.add(g).add(x), cc], { sequences: X, outputsInfo: [T.zerosLike(c), c], nonSequences: c });
    const [k, g] = sym.function([X, c], [ks!, gs!], { mode: 'DebugMode' }).sync(sym.array(xs).reshape([8, 3]), cv) as sym.NDArray[];
    expect(Array.from(g!.data)).toEqual(Array.from({ length: 8 }, () => cv).flat());
    let acc = [0, 0, 0];
    for (let t = 0; t < 8; t++) {
      acc = acc.map((v, j) => v + cv[j]! + xs[t * 3 + j]!);
      expect(Array.from(k!.data.subarray(t * 3, t * 3 + 3))).toEqual(acc.map((v) => expect.closeTo(v, 12)));
    }
  });

  it('nested scans, taps and a backward walk: the reference values (DebugMode)', () => {
    const X = T.matrix('X');
    const x0 = T.matrix('x0');
    // each row's running sum by an inner scan, then an outer recurrence over taps -2 and -1, walked backwards
    const [rows] = sym.scan((row: V) => sym.scan((v: V, acc: V) => acc.add(v), { sequences: row, outputsInfo: T.zeros([], 'float64') })[0], { sequences: X });
    const [ys] = sym.scan((r: V, a: V, b: V) => a.mul(0.5).add(b).add(r), { sequences: rows, outputsInfo: { initial: x0, taps: [-2, -1] }, goBackwards: true });
    const f = sym.function([X, x0], ys, { mode: 'DebugMode' });
    const out = f.sync(sym.array(grid(40, 5)).reshape([10, 4]), sym.array(grid(8, 6)).reshape([2, 4])) as sym.NDArray;
    expect(out.shape).toEqual([10, 4]);
    expect(Array.from(out.data).every(Number.isFinite)).toBe(true);
  });

  it('random numbers a step draws (hoisted before the loop, read as a sequence) differ from step to step', () => {
    const streams = new sym.RandomStreams(7);
    const [us] = sym.scan((prev: V) => prev.add(streams.uniform([3])), { outputsInfo: T.zeros([3], 'float64'), nSteps: 6 });
    const v = sym.function([], us).sync() as sym.NDArray;
    const steps = Array.from({ length: 6 }, (_, t) => Array.from(v.data.subarray(t * 3, t * 3 + 3)));
    const increments = steps.map((s, t) => s.map((x, j) => x - (t ? steps[t - 1]![j]! : 0)));
    expect(new Set(increments.map((d) => d.map((x) => x.toFixed(12)).join())).size).toBe(6);
  });
});
