/**
 * A long-running process (a server, a notebook, a hyperparameter search)
 * compiles functions and makes shared variables by the hundred and drops
 * them without dispose(): what they held on the device goes back when the
 * collector takes them, and the caches keep only what is still in use.
 * Counts, never times.
 */
import { describe, expect, it } from 'vitest';
import { T, collectGarbage, cpu, sym } from './helpers.js';
import { cachedExecutables } from '../src/function/exe-cache.js';
import { MOST_PLANS } from '../src/function/plan.js';

/** A graph of its own for each i: its kernel's key differs (the constant is part of it). */
function distinct(x: sym.TensorVariable, i: number): sym.TensorVariable {
  return T.tanh(x.mul(i + 2)).add(i).sum();
}

describe('a long-running process', () => {
  it('gets back the buffers and kernels of functions and shared variables dropped without dispose()', async () => {
    await collectGarbage();
    const [live, exes] = [cpu.liveBuffers(), cachedExecutables(cpu)];
    // in a function of its own: its frame, and the last function and variable it made, are gone when it returns
    const compileAndDrop = async () => {
      const x = T.vector('x');
      for (let i = 0; i < 100; i++) {
        const s = sym.shared(new Float64Array(64).fill(i), { name: 's' });
        const f = sym.function([x], distinct(x, i).add(s.sum()), { updates: [[s, s.mul(2)]], device: 'cpu' });
        expect(Number((await f([1, 2, 3])).data[0])).toBeCloseTo(Math.tanh(i + 2) + Math.tanh(2 * (i + 2)) + Math.tanh(3 * (i + 2)) + 3 * i + 64 * i);
      }
      // before the collection, the 100 functions' plans and shared variables hold their buffers and kernels
      expect(cpu.liveBuffers()).toBeGreaterThan(live + 100);
      expect(cachedExecutables(cpu)).toBeGreaterThanOrEqual(exes + 100);
    };
    await compileAndDrop();
    await collectGarbage();
    expect(cpu.liveBuffers()).toBe(live);
    expect(cachedExecutables(cpu)).toBe(exes);
  });

  it('shares a kernel between live functions of one graph, and compiles it again only after they are all collected', async () => {
    await collectGarbage();
    const exes = cachedExecutables(cpu);
    const compile = async () => {
      const x = T.vector('x');
      const out = distinct(x, 1000);
      const fs = Array.from({ length: 5 }, () => sym.function([x], out, { device: 'cpu' }));
      for (const f of fs) await f([1]);
      return fs;
    };
    let kept: unknown[] = await compile();
    expect(cachedExecutables(cpu)).toBe(exes + 1);
    await collectGarbage();
    expect(cachedExecutables(cpu)).toBe(exes + 1);
    expect(kept).toHaveLength(5);
    kept = [];
    await collectGarbage();
    expect(cachedExecutables(cpu)).toBe(exes);
  });

  it('a shared variable updated by functions since collected keeps its value and buffer', async () => {
    const s = sym.shared(new Float64Array([1, 2, 3, 4]), { name: 's' });
    const stepAndDrop = async () => {
      const x = T.vector('x');
      // each function's plan swaps buffers with s at its call: what it holds when collected is not s's
      for (let i = 0; i < 5; i++) await sym.function([x], s.sum(), { updates: [[s, s.mul(2).add(x)]], device: 'cpu' })([0, 0, 0, 0]);
    };
    await stepAndDrop();
    await collectGarbage();
    const x = T.vector('x');
    // buffers of the size s has, made and written after the collection: none may be s's
    const other = sym.function([x], x.mul(100), { device: 'cpu' });
    for (let i = 0; i < 3; i++) await other([9, 9, 9, 9]);
    expect(Array.from((await sym.function([], s.mul(1), { device: 'cpu' })()).data)).toEqual([32, 64, 96, 128]);
    expect(Array.from(s.getValue().data)).toEqual([32, 64, 96, 128]);
  });

  it(`keeps at most ${MOST_PLANS} plans for a function called with a new length every time`, async () => {
    const x = T.vector('x');
    const f = sym.function([x], T.exp(x).sum(), { device: 'cpu' });
    const live = cpu.liveBuffers();
    for (let n = 1; n <= MOST_PLANS + 100; n++) await f(new Float64Array(n));
    // a plan of this function holds its input's buffer and its output's
    expect(cpu.liveBuffers() - live).toBe(2 * MOST_PLANS);
    f.compiled.dispose();
    expect(cpu.liveBuffers()).toBe(live);
  });
});
