/**
 * Theano's documentation page "Baby steps - Adding two numbers together"
 * (tutorial/adding.html): two dscalars and two dmatrices added by a
 * compiled function, the variables' type, pp, and the typed constructors
 * the page lists. The page's exercise (a ** 2 + b ** 2 + 2 * a * b) too.
 *
 * No twin: the complex constructors (cscalar, ...): sym has no complex
 * dtypes. Python's `type(x)` is the class, `x.constructor` here.
 */
import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';

const T = sym.T;

describe("Theano's Adding two numbers page", () => {
  it('adds two dscalars: f(2, 3) is array(5.0), f(16.3, 12.1) array(28.4)', async () => {
    const x = T.dscalar('x');
    const y = T.dscalar('y');
    const z = x.add(y);
    const f = sym.function([x, y], z);
    expect(sym.reprValue(await f(2, 3))).toBe('array(5.)');
    expect(sym.reprValue(await f(16.3, 12.1))).toBe('array(28.4)');
    expect(Number(await f(16.3, 12.1))).toBeCloseTo(28.4, 14); // numpy.allclose(f(16.3, 12.1), 28.4)
    expect((await f(2, 3)).shape).toEqual([]); // a numpy.ndarray with zero dimensions
  });

  it('x is a TensorVariable whose type is TensorType(float64, scalar), as T.dscalar makes; pp(z) is (x + y)', () => {
    const x = T.dscalar('x');
    const y = T.dscalar('y');
    expect(x.constructor).toBe(sym.TensorVariable);
    expect(String(x.type)).toBe('TensorType(float64, scalar)');
    expect(x.type.equals(T.dscalar().type)).toBe(true);
    expect(sym.pp(x.add(y))).toBe('(x + y)');
    // an unnamed variable prints by its type
    expect(String(T.dscalar())).toBe('<TensorType(float64, scalar)>');
  });

  it('adds two dmatrices, from nested lists or from arrays', async () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    const f = sym.function([x, y], x.add(y));
    expect(sym.reprValue(await f([[1, 2], [3, 4]], [[10, 20], [30, 40]]))).toBe('array([[11., 22.],\n       [33., 44.]])');
    // numpy.array([[1, 2], [3, 4]]) is int64: it casts to float64 without loss
    expect((await f(sym.array([[1, 2], [3, 4]]), sym.array([[10, 20], [30, 40]]))).toArray()).toEqual([[11, 22], [33, 44]]);
  });

  it('has the typed constructors the page lists (byte, 32- and 64-bit integers, float, double)', () => {
    const dtypes = { b: 'int8', i: 'int32', l: 'int64', f: 'float32', d: 'float64' } as const;
    const kinds = { scalar: 'scalar', vector: 'vector', matrix: 'matrix', row: 'row', col: 'col', tensor3: '3D', tensor4: '4D' } as const;
    for (const [prefix, dtype] of Object.entries(dtypes)) {
      for (const [kind, shown] of Object.entries(kinds)) {
        const make = (T as unknown as Record<string, (name?: string) => sym.TensorVariable>)[`${prefix}${kind}`]!;
        expect(String(make().type), `${prefix}${kind}`).toBe(`TensorType(${dtype}, ${shown})`);
      }
    }
    // complex64 and complex128 (c, z), carried by real parts: sym.complex
    expect(T.cscalar('c').dtype).toBe('complex64');
    expect(T.zmatrix('z').dtype).toBe('complex128');
  });

  it("the exercise: a ** 2 + b ** 2 + 2 * a * b of two vectors", async () => {
    const a = T.vector('a');
    const b = T.vector('b');
    const out = a.pow(2).add(b.pow(2)).add(a.mul(b).mul(2));
    const f = sym.function([a, b], out);
    expect((await f([1, 2], [4, 5])).toArray()).toEqual([25, 49]);
  });
});
