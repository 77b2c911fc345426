/**
 * NumPy's Ellipsis (`'...'`) among the indices: x[index], setSubtensor,
 * incSubtensor against NumPy 2.4 (fixtures/numpy-ellipsis.json, made by
 * numpy-ellipsis.py), the one-Ellipsis rule, gradients.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};

interface Case {
  x: 'x2' | 'x3' | 'x4';
  index: (string | number | null | sym.NestedArray[])[];
  shape: number[];
  values: number[];
  set: number[];
  inc: number[];
}
const cases = JSON.parse(readFileSync(new URL('./fixtures/numpy-ellipsis.json', import.meta.url), 'utf8')) as Case[];
const SHAPES = { x2: [3, 4], x3: [2, 3, 4], x4: [2, 3, 2, 2] };
const arangeOf = (shape: readonly number[]) => sym.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => k), { dtype: 'float64' }).reshape(shape);
const flat = (a: sym.NDArray): number[] => Array.from(a.data as Float64Array);

describe("'...' (NumPy's Ellipsis) matches NumPy 2.4 (fixtures/numpy-ellipsis.json)", () => {
  it.each(cases.map((c) => [JSON.stringify(c.index) + ` of ${c.x}`, c] as const))('%s: window, set and inc', (_, c) => {
    const shape = SHAPES[c.x];
    const x = T.tensor('float64', shape.map(() => false), 'x');
    const window = x.get(...(c.index as sym.T.Index[]));
    const y = T.constant(arangeOf(c.shape).data.map((v: number) => v + 100) as never, { dtype: 'float64' });
    const yShaped = c.shape.length === 0 ? T.constant(100, { dtype: 'float64' }) : T.reshape(y, c.shape);
    const f = sym.function([x], [window, T.setSubtensor(window, yShaped), T.incSubtensor(window, yShaped)]);
    const [w, s, i] = f.sync(arangeOf(shape)) as sym.NDArray[];
    expect([w!.shape, flat(w!)]).toEqual([c.shape, c.values]);
    expect(flat(s!)).toEqual(c.set);
    expect(flat(i!)).toEqual(c.inc);
  });
});

describe("'...' by hand", () => {
  it('allows one Ellipsis, naming both positions of a second', () => {
    const x = T.tensor3('x');
    expect(() => x.get('...', 0, '...')).toThrow(/single ellipsis \('\.\.\.'\).*indices 0 and 2/);
  });
  it('expands to no axis when the other indices cover them all, and with a symbolic integer', async () => {
    const x = T.tensor3('x', 'float64');
    const i = T.lscalar('i');
    const j = T.lscalar('j');
    const f = sym.function([x, i, j], [x.get(0, 1, 2, '...'), x.get('...', i), x.get(j, '...', '1:3')]);
    const [all, last, sliced] = (await f(arangeOf([2, 3, 4]), 3, 1)) as sym.NDArray[];
    expect([all!.shape, flat(all!)]).toEqual([[], [6]]);
    expect([last!.shape, flat(last!)]).toEqual([[2, 3], [3, 7, 11, 15, 19, 23]]);
    expect([sliced!.shape, (sliced!.toArray() as number[][])[0]]).toEqual([[3, 2], [13, 14]]);
  });
  it('writes through new axes (x[None], x[:, None]) as NumPy does', async () => {
    const x = T.matrix('x', 'float64');
    const f = sym.function([x], [T.setSubtensor(x.get(null), 7), T.incSubtensor(x.get(':', null), T.constant([[1, 2]], { dtype: 'int32' }))]);
    const [s, i] = (await f([[0, 1], [2, 3]])) as sym.NDArray[];
    // NumPy: x[None] = 7; x[:, None] += [[1, 2]] (shape (1, 2) broadcast to (2, 1, 2))
    expect([s!.dtype, s!.toArray()]).toEqual(['float64', [[7, 7], [7, 7]]]);
    expect([i!.dtype, i!.toArray()]).toEqual(['float64', [[1, 3], [3, 5]]]);
  });
  it("takes a 0-d x's x[...] as a window: set, increment and differentiate it (NumPy: z[...] = 5)", async () => {
    const z = T.scalar('z', 'float64');
    const w = z.get('...');
    const f = sym.function([z], [w, T.setSubtensor(w, 5), T.incSubtensor(w, T.constant(2, { dtype: 'int32' })), T.setSubtensor(z.get('...', null), 4)]);
    const got = ((await f(sym.array(3, { dtype: 'float64' }))) as sym.NDArray[]).map((a) => [a.dtype, a.shape, a.toArray()]);
    expect(got).toEqual([['float64', [], 3], ['float64', [], 5], ['float64', [], 5], ['float64', [], 4]]);
    expect(() => T.incSubtensor(T.scalar('b', 'bool').get('...'), true)).toThrow(/incSubtensor/);
    const { maxAbsErr } = await verifyGrad((x: V) => T.mul(T.incSubtensor(x.get('...'), x), x.get('...')), [1.5]);
    expect(maxAbsErr).toBeLessThan(1e-4);
  });
  it('is too many indices past the dimensions, as without it', () => {
    const x = T.matrix('x');
    expect(() => x.get(0, '...', 1, 2)).toThrow(/too many|index/i);
  });
  it('is too many indices for a value-length slice, an index array or a mask followed by whole slices, with or without it', () => {
    // NumPy 2.4: v[1:, 1:], v[[1, 0], :], v[mask, :] and v[..., [1, 0], :] of a vector v are IndexErrors (too many indices)
    const v = T.vector('v');
    const i = T.lscalar('i');
    const message = 'get: too many indices for v: it has 1 dimensions but the index covers 2';
    for (const index of [[T.slice(i), T.slice(i)], [T.slice(i), ':'], ['...', T.slice(i), ':'], [[1, 0], ':'], ['...', [1, 0], ':'], [[true, false], ':'], [T.vector('m', 'bool'), ':', '...']] as Parameters<V['get']>[]) {
      expect(() => v.get(...index)).toThrow(message);
    }
  });
  it('differentiates (basic, advanced in place, and advanced split by an Ellipsis of no axis)', async () => {
    const pt = arangeOf([2, 3, 4]).toArray() as sym.NestedArray[];
    const sq = (w: V) => T.sum(T.mul(w, w));
    for (const f of [(x: V) => sq(x.get('...', 1)), (x: V) => sq(x.get(1, '...', [2, 0, 2])), (x: V) => sq(x.get(':', [0, 1], '...', [3, 0]))]) {
      const { maxAbsErr } = await verifyGrad(f, [pt]);
      expect(maxAbsErr).toBeLessThan(1e-4);
    }
  });
});
