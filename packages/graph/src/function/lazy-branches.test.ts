/**
 * The functions of lazy ifelse calls (lazy-branches.ts) are one per
 * combination of the conditions of the ifelses whose branches hold a claim:
 * k of them make up to 2^k. Only the MAX_LAZY_FUNCTIONS used last are kept;
 * one met again after it was freed is made again, and gives the same values.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { T, cpu, sym } from '../../test/helpers.js';
import { CompiledFunction } from './function.js';
import { LazyBranches, MAX_LAZY_FUNCTIONS, MAX_REFUSED } from './lazy-branches.js';
import type { FunctionOptions } from './function-options.js';

type V = sym.TensorVariable;
const K = 5;
const num = (r: unknown) => Number((r as sym.NDArray).item());
const f64 = (v: number[]) => sym.array(v, { dtype: 'float64' });

/** K ifelses whose then branch holds a claim that holds, and one whose claim is refused (never taken): every call runs lazily. */
function graph(): { inputs: V[]; out: V; expected: (cs: number[]) => number } {
  const cs = Array.from({ length: K }, (_, i) => T.dscalar(`c${i}`));
  const [y, z, never] = [T.dvector('y'), T.dvector('z'), T.dscalar('never')];
  let out: V = sym.ifelse(never, T.specifyShape(z, [2]).sum(), T.constant(0, { dtype: 'float64' }));
  cs.forEach((c, i) => {
    out = out.add(sym.ifelse(c, T.specifyShape(y, [2]).sum().mul(i + 1), T.constant(-(i + 1), { dtype: 'float64' })));
  });
  // y = [1, 2]: then branch i gives 3 (i + 1), else -(i + 1)
  return { inputs: [...cs, y, z, never], out, expected: (bits) => bits.reduce((t, b, i) => t + (b ? 3 * (i + 1) : -(i + 1)), 0) };
}

const combos = Array.from({ length: 2 ** K }, (_, n) => Array.from({ length: K }, (_, i) => (n >> i) & 1));

afterEach(() => vi.restoreAllMocks());

describe('the functions of lazy ifelse calls', () => {
  it(`keep at most ${MAX_LAZY_FUNCTIONS} of the 2^${K} combinations, freeing the rest, and give the same values when one is made again`, () => {
    const { inputs, out, expected } = graph();
    let [made, freed] = [0, 0];
    const names: string[] = [];
    const compile = (ins: readonly V[], outs: readonly V[], options: FunctionOptions): CompiledFunction => {
      made++;
      names.push(options.name!);
      const fn = new CompiledFunction(ins, outs, { ...options, device: 'cpu' });
      const dispose = fn.dispose.bind(fn);
      fn.dispose = () => {
        freed++;
        dispose();
      };
      return fn;
    };
    const lazy = new LazyBranches([out], inputs, 1, [], false, compile);
    const buffers = cpu.liveBuffers();
    for (const pass of [0, 1]) {
      for (const bits of combos) {
        const [r] = lazy.runSync([...bits.map((b) => f64([b]).reshape([])), f64([1, 2]), f64([1, 2, 3]), f64([0]).reshape([])], undefined, 0);
        expect(num(r), `pass ${pass}, conditions ${bits}`).toBe(expected(bits));
        expect(made - freed).toBeLessThanOrEqual(MAX_LAZY_FUNCTIONS);
      }
    }
    // 32 functions of the branches taken, the second pass making again those freed; the conditions are inputs, read from the arguments
    expect(made).toBeGreaterThan(2 ** K);
    expect(names.every((n) => n === 'branches taken')).toBe(true);
    // the rounds kept: the first (its conditions read from the arguments, no function) and 15 functions of the branches taken
    expect(made - freed).toBe(MAX_LAZY_FUNCTIONS - 1);
    lazy.dispose();
    expect(freed).toBe(made);
    // every freed function's buffers went with it
    expect(cpu.liveBuffers()).toBeLessThanOrEqual(buffers);
  });

  it('a compiled function runs every combination lazily, sync and async, with Theano values (claims not taken not checked)', async () => {
    const { inputs, out, expected } = graph();
    const f = sym.function(inputs, out);
    for (const bits of [...combos, ...combos.slice().reverse()]) {
      expect(num(f.sync(...bits, f64([1, 2]), f64([1, 2, 3]), 0))).toBe(expected(bits));
    }
    for (const bits of combos.slice(0, 8)) expect(num(await f(...bits, f64([1, 2]), f64([1, 2, 3]), 0))).toBe(expected(bits));
    // the refused claim raises where its branch is taken
    expect(() => f.sync(...combos[0]!, f64([1, 2]), f64([1, 2, 3]), 1)).toThrow('specifyShape: z has shape (3,), but the shape specified is (2,)');
    f.compiled.dispose();
  });

  it('computes the conditions by a function of their own only where they are not inputs', () => {
    const [c, x] = [T.dscalar('c'), T.dvector('x')];
    const names: string[] = [];
    const compile = (ins: readonly V[], outs: readonly V[], options: FunctionOptions): CompiledFunction => {
      names.push(options.name!);
      return new CompiledFunction(ins, outs, { ...options, device: 'cpu' });
    };
    const claimed = (cond: V) => sym.ifelse(cond, T.specifyShape(x, [2]).sum(), T.constant(-1, { dtype: 'float64' }));
    const byInput = new LazyBranches([claimed(c)], [c, x], 1, [], false, compile);
    expect(byInput.runSync([f64([0]).reshape([]), f64([1, 2, 3])], undefined, 0).map(num)).toEqual([-1]);
    expect(names).toEqual(['branches taken']);
    names.length = 0;
    const computed = new LazyBranches([claimed(T.gt(c, 0))], [c, x], 1, [], false, compile);
    expect(computed.runSync([f64([0]).reshape([]), f64([1, 2, 3])], undefined, 0).map(num)).toEqual([-1]);
    expect(() => computed.runSync([f64([1]).reshape([]), f64([1, 2, 3])], undefined, 0)).toThrow('specifyShape: x has shape (3,), but the shape specified is (2,)');
    expect(names).toEqual(['ifelse conditions', 'branches taken', 'branches taken']);
    byInput.dispose();
    computed.dispose();
  });

  it(`remembers at most ${MAX_REFUSED} refused shapes, the oldest forgotten`, () => {
    const lazy = new LazyBranches([], [], 0, [], false, () => {
      throw new Error('not compiled');
    });
    for (let i = 0; i < MAX_REFUSED + 10; i++) lazy.refuse(`[${i}]`);
    expect(lazy.refused.size).toBe(MAX_REFUSED);
    expect(lazy.refused.has('[0]')).toBe(false);
    expect(lazy.refused.has(`[${MAX_REFUSED + 9}]`)).toBe(true);
  });
});
