import { describe, expect, it } from 'vitest';
import { schedule, type Program } from '@sym/graph';
import { assignBuffers, dropDeadSteps, optimizeProgram } from '../src/index.js';
import { both, close, T, values } from './helpers.js';

/** Check a program reads only buffers written earlier (or pinned), and no kernel writes a buffer it reads. */
function checkWellFormed(p: Program): void {
  const ready = new Set([...p.inputBuffers, ...p.constants.map((c) => c.buffer)]);
  for (const s of p.steps) {
    for (const b of s.inputs) expect(ready.has(b), `step ${s.label} reads buffer ${b} before it is written`).toBe(true);
    expect(s.inputs).not.toContain(s.output);
    expect(p.buffers[s.output]!.size).toBeGreaterThanOrEqual(s.kernel.kind === 'matmul' ? s.kernel.batch * s.kernel.m * s.kernel.n : s.kernel.shape.reduce((a, b) => a * b, 1));
    ready.add(s.output);
  }
  for (const o of p.outputs) expect(ready.has(o.buffer)).toBe(true);
}

describe('buffer reuse', () => {
  it('shares buffers between temporaries with disjoint lifetimes; inputs keep their ids', async () => {
    const A = T.matrix('A');
    const B = T.matrix('B');
    // a chain of matmuls: each product is dead once the next one is computed
    const out = T.dot(T.dot(T.dot(T.dot(A, B), B), B), B);
    const p = schedule({ inputs: [A, B], inputShapes: [[3, 3], [3, 3]], outputs: [out] });
    const r = assignBuffers(p, true);
    checkWellFormed(r);
    expect(r.inputBuffers).toEqual(p.inputBuffers);
    expect(r.outputs.map((o) => o.shape)).toEqual(p.outputs.map((o) => o.shape));
    expect(r.outputs[0]!.buffer).toBe(r.steps[r.steps.length - 1]!.output);
    // 2 inputs, the output, and two temporaries taking turns for the three intermediate products
    expect(r.buffers).toHaveLength(5);
    expect(new Set(r.steps.map((s) => s.output)).size).toBe(3);
    expect(new Set(assignBuffers(p, false).steps.map((s) => s.output)).size).toBe(4);
    const { opt, plain } = both([A, B], out);
    const args = [[[1, 0, 2], [0, 1, 0], [1, 1, 1]], [[0.5, 0, 0], [0, 2, 0], [1, 0, 1]]];
    expect(close(values(await opt(...args))[0]!, values(await plain(...args))[0]!)).toBe(true);
  });

  it('drops kernels nobody reads and renumbers the rest densely', () => {
    const x = T.vector('x');
    const p = schedule({ inputs: [x], inputShapes: [[3]], outputs: [T.exp(x)] });
    const dead: Program = { ...p, steps: [{ ...p.steps[0]!, output: p.buffers.length }, ...p.steps], buffers: [...p.buffers, { dtype: 'float64', size: 3 }] };
    const q = assignBuffers(dropDeadSteps(dead), false);
    expect(q.steps).toHaveLength(1);
    expect(q.buffers).toHaveLength(2);
    checkWellFormed(q);
  });

  it('keeps a program whose shared-variable updates read their old values correct', async () => {
    const { sym } = await import('./helpers.js');
    const w = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }));
    const x = T.vector('x');
    const f = sym.function([x], T.sum(w.mul(x)), { updates: [[w, w.sub(x.mul(0.5)).mul(2)]] });
    expect((await f([1, 1, 1])).data[0]).toBe(6);
    expect(Array.from(w.getValue().data)).toEqual([1, 3, 5]);
    expect((await f([2, 0, 0])).data[0]).toBe(2);
    expect(Array.from(w.getValue().data)).toEqual([0, 6, 10]);
  });

  it('renumbers constants and outputs consistently', async () => {
    const x = T.vector('x');
    const c = T.constant([1, 2, 3]);
    const p = schedule({ inputs: [x], inputShapes: [[3]], outputs: [T.exp(x).mul(c), T.sum(T.exp(x).add(c))] });
    const q = optimizeProgram(p);
    checkWellFormed(q);
    expect(q.constants.map((k) => q.buffers[k.buffer])).toEqual(p.constants.map((k) => p.buffers[k.buffer]));
    expect(q.buffers.length).toBeLessThan(p.buffers.length);
    const { opt, plain } = both([x], T.sum(T.exp(x).add(c)).add(T.exp(x).mul(c)).sum());
    expect(close(values(await opt([0.5, 1, 2]))[0]!, values(await plain([0.5, 1, 2]))[0]!)).toBe(true);
  });

  it('leaves an optimized cross-entropy program well formed', () => {
    const x = T.matrix('x');
    const y = T.matrix('y');
    const t = T.matrix('t');
    const loss = T.neg(T.sum(t.mul(T.log(T.softmax(T.dot(x, y.T).add(1))))));
    const p = optimizeProgram(schedule({ inputs: [x, y, t], inputShapes: [[4, 3], [4, 3], [4, 4]], outputs: [loss, T.exp(x)] }));
    checkWellFormed(p);
  });
});
