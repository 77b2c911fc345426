/**
 * T.xlogx.xlogx and T.xlogx.xlogy0 against SciPy's xlogy (scipy 1.17) and
 * Theano's gradients, 1 + log(x) and (log(y), x / y), at x = 0 as well.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad, verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (c: V, w: V | V[]) => V | V[];
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const f64 = (v: sym.NestedArray) => T.constant(sym.array(v, { dtype: 'float64' }));
const run = (inputs: V[], outs: V[], ...values: sym.NestedArray[]) => (sym.function(inputs, outs).sync(...values) as sym.NDArray[]).map((a) => a.toArray());

describe('T.xlogx.xlogx', () => {
  it("is x log x with 0 log 0 = 0, NaN below 0 (scipy.special.xlogy(x, x))", () => {
    const got = both(T.xlogx.xlogx(f64([0, 0.25, 1, 2.5, 1e-300, 7, -1]))).toArray() as number[];
    const want = [0, -0.34657359027997264, 0, 2.2907268296853878, -6.907755278982137e-298, 13.621371043387192];
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 14));
    expect(Object.is(got[0], 0)).toBe(true);
    expect(got[6]).toBeNaN();
  });

  it('gives floats: float64 for int32, float32 for float32', () => {
    expect(T.xlogx.xlogx(T.ivector('i')).dtype).toBe('float64');
    expect(T.xlogx.xlogx(T.fvector('f')).dtype).toBe('float32');
    // booleans as Theano's int8, in float32 as T.log(bool) (were float64: the switch's weak 1 made them int64)
    const flags = T.constant(sym.array([true, false], { dtype: 'bool' }));
    expect(both(T.xlogx.xlogx(flags)).dtype).toBe('float32');
    expect(both(T.xlogx.xlogx(flags)).toArray()).toEqual([0, 0]);
    expect(both(T.xlogx.xlogy0(T.constant(sym.array([2, 0], { dtype: 'int8' })), flags)).dtype).toBe('float32');
    expect(both(T.xlogx.xlogx(T.constant(sym.array([0, 1, 3], { dtype: 'int32' })))).toArray()).toEqual([0, 0, 3 * Math.log(3)]);
  });

  it("differentiates as Theano's 1 + log(x): -inf at 0", () => {
    const x = T.dvector('x');
    const [, g] = run([x], [T.xlogx.xlogx(x), grad(T.xlogx.xlogx(x).sum(), x) as V], [0, 0.25, 1, 2.5, 1e-300, 7]);
    expect(g).toEqual([-Infinity, ...[-0.3862943611198906, 1.0, 1.916290731874155, -689.7755278982137, 2.9459101490553135].map((w) => expect.closeTo(w, 12))]);
  });

  it('passes verifyGrad away from 0', async () => {
    const r = await verifyGrad((x) => T.xlogx.xlogx(x), [[[0.3, 1.7, 0.05], [2.2, 0.9, 4]]]);
    expect(r.maxAbsErr).toBeLessThan(1e-5);
  });
});

describe('T.xlogx.xlogy0', () => {
  it('is x log y, 0 wherever x is 0 (y = 0 and y < 0 too), broadcasting', () => {
    const got = both(T.xlogx.xlogy0(f64([[0, 0.5, 2], [1, 0, 3]]), f64([0.25, 0, 4]))).toArray() as number[][];
    expect(got).toEqual([
      [0, -Infinity, expect.closeTo(2.772588722239781, 14)],
      [expect.closeTo(-1.3862943611198906, 14), 0, expect.closeTo(4.1588830833596715, 14)],
    ]);
    expect(both(T.xlogx.xlogy0(f64([0, 0, 0, 2]), f64([-1, NaN, Infinity, -1]))).toArray()).toEqual([0, 0, 0, NaN]);
  });

  it("differentiates as Theano's log(y) and x / y, at x = 0 too", () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const z = T.xlogx.xlogy0(x, y);
    const [gx, gy] = grad(z.sum(), [x, y]) as V[];
    const [, dx, dy] = run([x, y], [z, gx!, gy!], [0, 0, 0, 2, 0, 1], [0, 2, 0.5, 0, -1, 3]);
    // log(y): -inf at y = 0, NaN below; x / y: NaN at 0 / 0, inf at 2 / 0
    expect(dx).toEqual([-Infinity, Math.log(2), Math.log(0.5), -Infinity, NaN, Math.log(3)]);
    expect(dy).toEqual([NaN, 0, 0, Infinity, expect.closeTo(0, 15), 1 / 3]);
  });

  it('passes verifyGrad, x of both signs, y broadcast along rows', async () => {
    const r = await verifyGrad((x, y) => T.xlogx.xlogy0(x, y), [[[0.3, -1.7, 0.5], [2.2, 0.9, -4]], [0.7, 2.5, 1.3]]);
    expect(r.maxAbsErr).toBeLessThan(1e-5);
  });
});
