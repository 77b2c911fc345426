/**
 * A scan's kept steps are stacked by a tree of kernels of plain loads (no
 * gathers), each reading at most eight steps' (or pieces') buffers and the
 * positions it switches on, every piece of a level padded to the same
 * length; a sequence's contiguous row is copied flat. DebugMode checks the
 * stacked values against the ops' reference `perform`.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;

const grid = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.round(Math.sin(seed + i * 1.7) * 64) / 64);

describe('scan: stacking the steps', () => {
  it('stacks 50 steps with two levels of load kernels: 7 of 8 rows (the last padded), then one over the 7 pieces', () => {
    const X = T.matrix('X');
    const W = T.matrix('W');
    const h0 = T.vector('h0');
    const [hs] = sym.scan((x: V, h: V) => T.tanh(T.dot(h, W).add(x)), { sequences: X, outputsInfo: h0 });
    const p = sym.schedule({ inputs: [X, W, h0], inputShapes: [[50, 5], [5, 5], [5]], outputs: [hs] });
    const steps = p.steps.filter((s) => s.kernel.kind === 'elementwise');
    const firstLevel = steps.filter((s) => s.kernel.kind === 'elementwise' && s.kernel.shape.join() === '8,5');
    expect(firstLevel).toHaveLength(7);
    const top = steps.filter((s) => s.kernel.kind === 'elementwise' && s.kernel.shape.join() === '7,40');
    expect(top).toHaveLength(1);
    for (const s of [...firstLevel, ...top]) {
      expect(sym.gathers((s.kernel as sym.ElementwiseKernel).expr)).toBe(false);
      // at most eight steps' buffers and the positions
      expect(s.inputs.length).toBeLessThanOrEqual(9);
    }
    // the top kernel's buffer holds 56 rows; the output is its first 50
    expect(p.buffers[top[0]!.output]!.size).toBe(56 * 5);
    expect(p.outputs[0]!.shape).toEqual([50, 5]);
    // each row of X is copied as one flat run of 5 elements
    const rows = steps.filter((s) => sym.gathers((s.kernel as sym.ElementwiseKernel).expr) && s.inputs.includes(p.inputBuffers[0]!));
    expect(rows).toHaveLength(50);
    for (const r of rows) expect((r.kernel as sym.ElementwiseKernel).shape).toEqual([5]);
  });

  for (const n of [1, 7, 8, 9, 17, 64, 65, 70]) {
    it(`${n} steps kept, and the sum of the steps' rows: the reference values (DebugMode)`, () => {
      const X = T.matrix('X');
      const W = T.matrix('W');
      const h0 = T.vector('h0');
      const [hs] = sym.scan((x: V, h: V) => T.tanh(T.dot(h, W).add(x)), { sequences: X, outputsInfo: h0 });
      const f = sym.function([X, W, h0], [hs, hs.sum(0)], { mode: 'DebugMode' });
      const [got, sum] = f.sync(sym.array(grid(n * 4, 1)).reshape([n, 4]), sym.array(grid(16, 2)).reshape([4, 4]), sym.array(grid(4, 3))) as sym.NDArray[];
      expect(got!.shape).toEqual([n, 4]);
      expect(sum!.shape).toEqual([4]);
    });
  }

  for (const [at, length] of [['end', 3], ['start', 61], ['end', 0]] as const) {
    it(`a window of ${length} of 70 time indices (at the ${at}): the others' rows are zeros, lowered and performed alike`, () => {
      // acc[t] = acc[t-1] + x[t] in the window; x[t] * 10 as a per-step output
      const xt = T.dvector('x[t]');
      const acc = T.dvector('acc');
      const op = new sym.Scan({ sequences: [xt], states: [acc], nonSequences: [], outputs: [acc.add(xt), xt.mul(10)] }, { window: { at, length } });
      const x = T.dmatrix('x');
      const a0 = T.dvector('a0');
      const node = sym.applyNode(op, [x, a0]);
      const xs = sym.array(grid(70 * 3, 4), { dtype: 'float64' }).reshape([70, 3]);
      const a = sym.array([1, 2, 3], { dtype: 'float64' });
      const got = sym.function([x, a0], node.outputs).sync(xs, a) as sym.NDArray[];
      const want = op.perform([xs, a], node);
      expect(got.map((g) => g.toArray())).toEqual(want.map((w) => w.toArray()));
      const first = at === 'end' ? 70 - length : 0;
      const rows = got[1]!.toArray() as number[][];
      rows.forEach((r, t) => expect(r.some((v) => v !== 0)).toBe(t >= first && t < first + length));
    });
  }
});
