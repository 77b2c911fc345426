/**
 * A boolean among other indices (mixed-index.ts): x.get(...) and
 * setSubtensor/incSubtensor through it against NumPy 2.4's x[index],
 * x[index] = y and numpy.add.at (fixtures/numpy-mixed-index.json, made by
 * numpy-mixed-index.py; and integer arrays without a boolean,
 * fixtures/numpy-advanced-index.json, made by numpy-advanced-index.py),
 * then hand cases: errors, placement, gradients.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
interface Arr {
  v: (number | boolean)[];
  shape: number[];
  dtype?: sym.DType;
}
type Entry =
  | { t: 'int'; v: number }
  | { t: 'slice'; v: string }
  | { t: 'none' }
  | { t: 'flag'; v: boolean; sym: boolean }
  | ({ t: 'mask' } & Arr)
  | ({ t: 'array'; js?: boolean } & Arr);
interface Case {
  x: Arr & { dtype: sym.DType };
  index: Entry[];
  error?: string;
  get?: Arr & { dtype: sym.DType };
  y?: Arr;
  set?: number[];
  inc?: number[];
}

const load = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as { cases: Case[] };
const fixture = load('numpy-mixed-index.json');
const advancedFixture = load('numpy-advanced-index.json');
const { grad, verifyGrad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (c: V, w: V[]) => V[];
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};

const reshape = (a: Arr, dtype: sym.DType) => sym.array(a.v as number[], { dtype }).reshape(a.shape);

/** A flat array of values as the nested JS array of that shape. */
function nest(v: readonly number[], shape: readonly number[]): sym.NestedArray[] {
  if (shape.length <= 1) return [...v];
  const n = v.length / shape[0]!;
  return Array.from({ length: shape[0]! }, (_, k) => nest(v.slice(k * n, (k + 1) * n), shape.slice(1)));
}

/** The case's index as get's arguments: masks, arrays and 0-d booleans (sym) as function inputs, fed their values; arrays marked js as JS arrays. */
function build(c: Case, k: number): { index: sym.T.Index[]; inputs: V[]; values: sym.NDArray[] } {
  const inputs: V[] = [];
  const values: sym.NDArray[] = [];
  const index = c.index.map((e, position): sym.T.Index => {
    if (e.t === 'int' || e.t === 'slice') return e.v;
    if (e.t === 'none') return null;
    if (e.t === 'flag' && !e.sym) return e.v;
    if (e.t === 'array' && e.js) return nest(e.v as number[], e.shape);
    const input = (dtype: sym.DType, shape: number[], a: sym.NDArray) => {
      // every other case marks an array's lengths of 1 broadcastable; the rest broadcast by their values only
      const v = T.tensor(dtype, shape.map((n) => k % 2 === 0 && n === 1 && e.t === 'array'), `i${position}`);
      inputs.push(v);
      values.push(a);
      return v;
    };
    if (e.t === 'flag') return input('bool', [], sym.array(e.v, { dtype: 'bool' }));
    const dtype = e.t === 'mask' ? 'bool' : e.dtype!;
    return input(dtype, e.shape, reshape(e, dtype));
  });
  return { index, inputs, values };
}

/** Every case of a fixture: get's values, shape and dtype, setSubtensor's and incSubtensor's values, or NumPy's IndexError. */
function checkAll(cases: readonly Case[]): number {
  let checked = 0;
  cases.forEach((c, k) => {
    const what = `case ${k}: x of shape ${JSON.stringify(c.x.shape)}[${JSON.stringify(c.index)}]`;
    const x = T.tensor(c.x.dtype, c.x.shape.map(() => false), 'x');
    const xv = reshape(c.x, c.x.dtype);
    const { index, inputs, values } = build(c, k);
    if (c.error) {
      expect(() => {
        const f = sym.function([x, ...inputs], x.get(...index));
        f.sync(xv, ...values);
      }, what).toThrow(/get: shape mismatch: the index arrays cannot be broadcast together/);
      checked++;
      return;
    }
    const window = x.get(...index);
    const y = T.tensor(c.x.dtype, c.y!.shape.map((n) => n === 1), 'y');
    const f = sym.function([x, y, ...inputs], [window, T.setSubtensor(window, y), T.incSubtensor(window, y)]);
    const [got, set, inc] = f.sync(xv, reshape(c.y!, c.x.dtype), ...values) as sym.NDArray[];
    expect({ dtype: got!.dtype, shape: got!.shape, v: Array.from(got!.data, Number) }, what).toEqual({ dtype: c.get!.dtype, shape: c.get!.shape, v: c.get!.v });
    expect({ shape: set!.shape, v: Array.from(set!.data, Number) }, `${what} = y`).toEqual({ shape: c.x.shape, v: c.set });
    expect({ shape: inc!.shape, v: Array.from(inc!.data, Number) }, `${what} += y`).toEqual({ shape: c.x.shape, v: c.inc });
    checked++;
  });
  return checked;
}

describe('a boolean among other indices matches NumPy 2.4 (fixtures/numpy-mixed-index.json)', () => {
  it('has cases of every kind of index, and errors', () => {
    const kinds = new Set(fixture.cases.flatMap((c) => c.index.map((e) => e.t)));
    expect(kinds).toEqual(new Set(['int', 'slice', 'none', 'flag', 'mask', 'array']));
    expect(fixture.cases.length).toBeGreaterThanOrEqual(400);
    expect(fixture.cases.filter((c) => c.error).length).toBeGreaterThan(20);
  });
  it('get, setSubtensor and incSubtensor: values, shapes and dtypes', () => {
    expect(checkAll(fixture.cases)).toBe(fixture.cases.length);
  }, 300_000);
});

describe('integer arrays among other indices, no boolean, match NumPy 2.4 (fixtures/numpy-advanced-index.json)', () => {
  it('has cases of every kind of index, JS arrays, several dtypes, and errors', () => {
    const cases = advancedFixture.cases;
    expect(new Set(cases.flatMap((c) => c.index.map((e) => e.t)))).toEqual(new Set(['int', 'slice', 'none', 'array']));
    expect(cases.length).toBeGreaterThanOrEqual(400);
    expect(cases.filter((c) => c.error).length).toBeGreaterThan(15);
    expect(cases.filter((c) => c.index.some((e) => e.t === 'array' && e.js)).length).toBeGreaterThan(50);
    expect(new Set(cases.map((c) => c.x.dtype)).size).toBeGreaterThanOrEqual(5);
  });
  it('get, setSubtensor and incSubtensor: values, shapes and dtypes', () => {
    expect(checkAll(advancedFixture.cases)).toBe(advancedFixture.cases.length);
  }, 300_000);
});

describe('a boolean among other indices, by hand', () => {
  const x = T.tensor3('x', 'float64');
  const m = T.vector('m', 'bool');
  const X3 = sym.array(Array.from({ length: 24 }, (_, i) => i), { dtype: 'float64' }).reshape([2, 3, 4]);
  const bools = (v: boolean[]) => sym.array(v, { dtype: 'bool' });
  const i64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'int64' });
  it('puts the advanced axes where NumPy does: in place when the advanced indices are adjacent (ints count), first otherwise', () => {
    // NumPy 2.4, x = arange(24).reshape(2, 3, 4), m = [True, False, True]
    const m4 = T.vector('m4', 'bool');
    const f = sym.function([x, m, m4], [x.get(':', m), x.get(0, m), x.get(0, ':', m4), x.get(true, 0), x.get(true, ':', m), x.get(m.get('1:'), null, 0)]);
    const [a, b, c, d, e, g] = f.sync(X3, bools([true, false, true]), bools([true, false, true, false])) as sym.NDArray[];
    expect(a!.shape).toEqual([2, 2, 4]);
    expect(b!.toArray()).toEqual([[0, 1, 2, 3], [8, 9, 10, 11]]);
    // x[0, :, m4]: 0 and m4 are apart, so the broadcast axis goes first
    expect(c!.toArray()).toEqual([[0, 4, 8], [2, 6, 10]]);
    expect(d!.shape).toEqual([1, 3, 4]);
    expect(e!.toArray()).toEqual([[[0, 1, 2, 3], [12, 13, 14, 15]], [[8, 9, 10, 11], [20, 21, 22, 23]]]);
    // x[m[1:], None, 0] (mask [False, True]): None stands between, so the axis goes first: shape (1, 1, 4)
    expect(g!.toArray()).toEqual([[[12, 13, 14, 15]]]);
  });
  it('broadcasts the masks\' counts and integer arrays together, as NumPy: a count of 1 broadcasts, others must match', () => {
    const m1 = T.vector('m1', 'bool');
    const idx = T.lvector('idx');
    const f = sym.function([x, m1, m], [x.get(m1, m), x.get(m1, m, 0)]);
    // NumPy: x[[False, True], [True, True, False]] picks x[1, 0] and x[1, 1]
    const [pairs, elements] = f.sync(X3, bools([false, true]), bools([true, true, false])) as sym.NDArray[];
    expect(pairs!.toArray()).toEqual([[12, 13, 14, 15], [16, 17, 18, 19]]);
    expect(elements!.toArray()).toEqual([12, 16]);
    expect(() => f.sync(X3, bools([true, true]), bools([true, true, true]))).toThrow(
      "get: shape mismatch: the index arrays cannot be broadcast together (NumPy's IndexError): index 1 of shape (3,) has 3 positions along dimension 0 of the broadcast where the others have 2",
    );
    expect(() => sym.function([x, m], x.get(false, ':', m)).sync(X3, bools([true, false, true]))).toThrow(/index 2 of shape \(2,\) has 2 positions along dimension 0 of the broadcast where the others have 0/);
    // x[idx, m] with idx = [1, 1, -2] and m with three true: rows 1, 1, 0 of the columns 0, 1, 2
    const g = sym.function([x, idx, m], x.get(idx, m));
    expect((g.sync(X3, i64([1, 1, -2]), bools([true, true, true])) as sym.NDArray).toArray()).toEqual([
      [12, 13, 14, 15],
      [16, 17, 18, 19],
      [8, 9, 10, 11],
    ]);
  });
  it('takes symbolic integers and slices of symbolic bounds among the indices, in every mode (DebugMode checks each op against its reference)', () => {
    const idx = T.lvector('idx');
    const m1 = T.vector('m1', 'bool');
    const i = T.lscalar('i');
    const window = x.get(idx, m, T.slice(i, i.add(2)));
    for (const mode of ['DebugMode', 'FAST_COMPILE', 'FAST_RUN'] as const) {
      const f = sym.function([x, m, m1, idx, i], [window, x.get(m1, m, i), T.incSubtensor(window, 1)], { mode });
      const [w, picked, inc] = f.sync(X3, bools([true, false, true]), bools([false, true]), i64([1, 1]), 1) as sym.NDArray[];
      // NumPy: x[[1, 1], m, 1:3] and x[m1, m, 1] (idx and m's positions pair up: x[1, 0, 1:3] and x[1, 2, 1:3])
      expect(w!.toArray(), mode).toEqual([[13, 14], [21, 22]]);
      expect(picked!.toArray(), mode).toEqual([13, 21]);
      expect((inc!.toArray() as number[][][])[1], mode).toEqual([[12, 14, 15, 15], [16, 17, 18, 19], [20, 22, 23, 23]]);
    }
  });
  it('refuses a mask of another shape than the axes it covers, naming the index, expected and got', () => {
    const f = sym.function([x, m], x.get(0, m));
    expect(() => f.sync(X3, bools([true, false]))).toThrow(
      "get: index 1: the boolean mask m of shape (2,) does not match x of shape (2, 3, 4) along axis 1: expected length 3 (the mask covers axes 1..1), got 2 (NumPy's IndexError)",
    );
    const mm = T.matrix('mm', 'bool');
    const g = sym.function([x, mm], x.get(':', mm));
    expect(() => g.sync(X3, sym.array([[true, false, true, false], [true, true, true, true]], { dtype: 'bool' }))).toThrow(/index 1: the boolean mask mm of shape \(2, 4\) does not match x of shape \(2, 3, 4\) along axis 1: expected length 3 \(the mask covers axes 1..2\), got 2/);
    expect(() => x.get(0, mm, 1)).toThrow('get: too many indices for x: it has 3 dimensions but the index covers 4');
    expect(() => x.get(m, T.dvector('d'))).toThrow('get: index 1 (d) of type TensorType(float64, vector) cannot index: use an integer, an integer array or a boolean mask');
  });
  it('refuses at run time a y that does not fit the window, naming the call, x and y with the window as written', () => {
    const idx = T.lvector('idx');
    const y = T.tensor('float64', [false, false, false], 'y');
    for (const [call, write] of [['setSubtensor', T.setSubtensor], ['incSubtensor', T.incSubtensor]] as const) {
      const f = sym.function([x, idx, y], write(x.get(':', idx), y));
      // x[:, idx] of x (2, 3, 4) with 2 positions is (2, 2, 4); the internal Alloc's message named neither the call nor x
      expect(() => f.sync(X3, i64([0, 2]), sym.NDArray.zeros([2, 3, 4], 'float64')), call).toThrow(
        `${call} into x: y of shape (2, 3, 4) does not broadcast to the window's shape (2, 2, 4).`,
      );
    }
  });
  it('is a window setSubtensor and incSubtensor write into (y broadcast); repeated positions add up', () => {
    const idx = T.lvector('idx');
    const v = T.vector('v', 'float64');
    const f = sym.function([x, idx, m, v], [T.setSubtensor(x.get(1, m, '1:3'), v), T.incSubtensor(x.get(idx, m, 0), 10)]);
    const [set, inc] = f.sync(X3, i64([0, 0]), bools([false, true, false]), sym.array([-1, -2], { dtype: 'float64' })) as sym.NDArray[];
    expect((set!.toArray() as number[][][])[1]).toEqual([[12, 13, 14, 15], [16, -1, -2, 19], [20, 21, 22, 23]]);
    expect(Array.from(inc!.data).filter((e, i) => e !== X3.data[i])).toEqual([4 + 20]);
  });
  it('differentiates (verifyGrad): the window, and setSubtensor/incSubtensor through it with respect to x and y', async () => {
    const pts = [[[0.5, -1, 2, -3], [4, -0.25, -5, 6], [1.5, 2.5, -0.75, 3]]];
    const cols = T.constant(sym.array([true, false, true, true], { dtype: 'bool' }));
    const rows = T.constant(sym.array([true, false, true], { dtype: 'bool' }));
    for (const f of [
      (a: V) => T.sum(T.mul(a.get(':', a.get(0).gt(0)), T.arange(3).dimshuffle(0, 'x'))),
      (a: V) => T.sum(T.mul(a.get(rows, T.constant(sym.array([false, true, false, true], { dtype: 'bool' }))), T.arange(2))),
      (a: V) => T.sum(T.mul(a.get(T.constant(sym.array([2, 0, 2], { dtype: 'int64' })), cols), T.arange(3))),
      (a: V) => T.sum(T.mul(a.get(true, 1), T.arange(4))),
      (a: V) => T.sum(T.sqr(T.incSubtensor(a.get(rows, '1:3'), T.sqr(a.get(0, '0:2'))))),
      (a: V) => T.sum(T.mul(T.setSubtensor(a.get(1, cols), a.get(2, '1:')), a)),
    ]) {
      const { maxAbsErr } = await verifyGrad(f, pts);
      expect(maxAbsErr).toBeLessThan(1e-6);
    }
    const xm = T.matrix('xm', 'float64');
    const [g] = grad(T.sum(xm.get(rows, '1:3')), [xm]);
    expect(sym.function([xm], g!).sync(sym.array(pts[0]!, { dtype: 'float64' })).toArray()).toEqual([[0, 1, 1, 0], [0, 0, 0, 0], [0, 1, 1, 0]]);
  });
});
