/**
 * scan-module.ts: sym.map, reduce, foldl, foldr against plain JavaScript
 * loops, their gradients by finite differences, and sym.clone (a copy
 * with replacements that shares inputs).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const values = (a: unknown) => Array.from((a as sym.NDArray).data as Float64Array);

describe('map', () => {
  it('applies the step to each element, non-sequences after, stacked', async () => {
    const v = T.dvector('v');
    const k = T.dscalar('k');
    const [out, updates] = sym.map((x, s) => x.mul(x).add(s), v, k);
    expect(updates).toEqual([]);
    const f = sym.function([v, k], out);
    expect(values(await f([1, 2, 3], 0.5))).toEqual([1.5, 4.5, 9.5]);
  });
  it('goes backwards, and returns a list for a step of several outputs', async () => {
    const v = T.dvector('v');
    const [outs] = sym.map((x) => [x.add(1), x.neg()], v, [], { goBackwards: true });
    const f = sym.function([v], outs);
    const [a, b] = (await f([1, 2, 3])) as sym.NDArray[];
    expect(values(a)).toEqual([4, 3, 2]);
    expect(values(b)).toEqual([-3, -2, -1]);
  });
  it('refuses what is not a step or a misspelt option', () => {
    expect(() => sym.map(3 as never, T.dvector('v'))).toThrow(/map: fn must be the step function, got number/);
    expect(() => sym.map((x: V) => x, T.dvector('v'), [], { go_backwards: true } as never)).toThrow(/map: unknown option "go_backwards"/);
  });
});

describe('reduce, foldl, foldr', () => {
  it("carry the accumulator along and return only its last value, as Python's reduce", async () => {
    const v = T.dvector('v');
    const zero = T.constant(0, { dtype: 'float64' });
    const [sum] = sym.reduce((x, acc) => acc.add(x), v, zero);
    expect(sum.ndim).toBe(0);
    // x - acc tells the two directions apart: foldl ((0 - ...)), foldr from the end
    const [left] = sym.foldl((x, acc) => x.sub(acc), v, zero);
    const [right] = sym.foldr((x, acc) => x.sub(acc), v, zero);
    const [back] = sym.reduce((x, acc) => x.sub(acc), v, zero, [], { goBackwards: true });
    const f = sym.function([v], [sum, left, right, back]);
    const xs = [1, 2, 4, 8];
    const loop = (order: number[]) => order.reduce((acc, x) => x - acc, 0);
    const got = ((await f(xs)) as sym.NDArray[]).map((a) => a.data[0]);
    expect(got).toEqual([15, loop(xs), loop([...xs].reverse()), loop([...xs].reverse())]);
  });
  it('return a list for several accumulators, with non-sequences', async () => {
    const v = T.dvector('v');
    const scale = T.dscalar('scale');
    const [[total, biggest]] = sym.reduce((x, s, m, k) => [s.add(x.mul(k)), T.maximum(m, x)], v, [T.constant(0, { dtype: 'float64' }), T.constant(-Infinity, { dtype: 'float64' })], scale);
    const f = sym.function([v, scale], [total!, biggest!]);
    const got = ((await f([3, -1, 7], 2)) as sym.NDArray[]).map((a) => a.data[0]);
    expect(got).toEqual([18, 7]);
  });
  it("differentiate through the loop (finite differences)", async () => {
    const r = await verifyGrad((v, w) => sym.reduce((x, acc, ww) => acc.mul(ww).add(T.sin(x)), v, T.constant(0, { dtype: 'float64' }), w)[0], [[0.3, -1.2, 2], 0.7]);
    expect(r.maxAbsErr).toBeLessThan(1e-6);
  });
});

describe('clone', () => {
  it('copies the graph with replacements, sharing the inputs', async () => {
    const x = T.dscalar('x');
    const y = T.dscalar('y');
    const z = x.mul(2).add(y);
    const copy = sym.clone(z, [[y, x.mul(10)]]);
    expect(copy).not.toBe(z);
    expect(copy.owner).not.toBe(z.owner);
    expect(((await sym.function([x], copy)(3)) as sym.NDArray).data[0]).toBe(36);
    // a plain copy computes the same from the same inputs, with nodes of its own
    const [same] = sym.clone([z]);
    expect(same!.owner).not.toBe(z.owner);
    expect(((await sym.function([x, y], same!)(3, 1)) as sym.NDArray).data[0]).toBe(7);
    // a number as a replacement, and a Map
    expect(((await sym.function([x], sym.clone(z, new Map([[y, 0.5]])))(3)) as sym.NDArray).data[0]).toBe(6.5);
  });
  it('refuses a replacement of another rank, and what is not a variable', () => {
    const x = T.dscalar('x');
    expect(() => sym.clone(x.add(1), [[x, T.dvector('v')]])).toThrow(/clone: the replacement of x .* must have the same number of dimensions/);
    expect(() => sym.clone(3 as never)).toThrow(/clone: output must be a symbolic variable, got number/);
    expect(() => sym.clone(x, [[1 as never, x]])).toThrow(/clone: replace\[0\]\[0\] must be a symbolic variable/);
  });
});
