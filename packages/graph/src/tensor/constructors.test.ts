/** Theano's typed and plural constructors (constructors.ts): dtypes, broadcastable patterns and names. */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const typeOf = (v: sym.TensorVariable) => ({ dtype: v.dtype, bc: v.broadcastable });

describe('typed constructors', () => {
  it('give the dtype of their prefix and the pattern of their kind', () => {
    expect(typeOf(T.itensor3('a'))).toEqual({ dtype: 'int32', bc: [false, false, false] });
    expect(typeOf(T.lrow())).toEqual({ dtype: 'int64', bc: [true, false] });
    expect(typeOf(T.wcol())).toEqual({ dtype: 'int16', bc: [false, true] });
    expect(typeOf(T.btensor4())).toEqual({ dtype: 'int8', bc: [false, false, false, false] });
    expect(typeOf(T.wscalar())).toEqual({ dtype: 'int16', bc: [] });
    expect(typeOf(T.dtensor5())).toEqual({ dtype: 'float64', bc: new Array(5).fill(false) });
    expect(typeOf(T.ftensor5())).toEqual({ dtype: 'float32', bc: new Array(5).fill(false) });
    expect(T.icol('c').name).toBe('c');
  });

  it("refuse a name that is not a string: Theano's keywords as an object named the variable '[object Object]'", () => {
    const keywords = T.scalar as (...a: unknown[]) => sym.TensorVariable;
    expect(() => keywords({ dtype: 'int32' })).toThrow(
      `tensor: a variable's name must be a string, got an object {"dtype":"int32"}; the constructors take Theano's arguments in order, the name then the dtype: T.scalar('x', 'int32')`,
    );
    expect(() => (T.dmatrix as (...a: unknown[]) => unknown)(3)).toThrow(/name must be a string, got number 3/);
    // Theano's name=None
    expect((T.vector as (...a: unknown[]) => sym.TensorVariable)(null, 'int32').name).toBeUndefined();
    expect(T.scalar('x', 'int32').name).toBe('x');
  });
  it('tensor5 takes floatX or a dtype', () => {
    expect(typeOf(T.tensor5('t'))).toEqual({ dtype: sym.config.floatX, bc: new Array(5).fill(false) });
    expect(T.tensor5('t', 'int32').dtype).toBe('int32');
  });
  it("ranks 6 and 7 as Theano's tensor6/tensor7 and their typed forms", () => {
    expect(typeOf(T.tensor6('t'))).toEqual({ dtype: sym.config.floatX, bc: new Array(6).fill(false) });
    expect(typeOf(T.tensor7('t', 'int16'))).toEqual({ dtype: 'int16', bc: new Array(7).fill(false) });
    const typed = { b: 'int8', w: 'int16', i: 'int32', l: 'int64', f: 'float32', d: 'float64' } as const;
    for (const [prefix, dtype] of Object.entries(typed)) {
      for (const rank of [6, 7] as const) {
        const make = (T as unknown as Record<string, (name?: string) => sym.TensorVariable>)[`${prefix}tensor${rank}`]!;
        expect(typeOf(make('v')), `${prefix}tensor${rank}`).toEqual({ dtype, bc: new Array(rank).fill(false) });
      }
    }
    // a rank-7 variable computes: 1 + x summed over all 2*1*2*1*1*3*2 = 24 elements 0..23
    const x = T.dtensor7('x');
    const f = sym.function([x], x.add(1).sum());
    const values = sym.array(Float64Array.from({ length: 24 }, (_, i) => i), { shape: [2, 1, 2, 1, 1, 3, 2] });
    expect(Number(f.sync(values))).toBe(24 + (23 * 24) / 2);
  });
});

describe('plural constructors', () => {
  it('make one variable per name, per character of one string, or a count', () => {
    const [x, y] = T.dmatrices('x', 'y');
    expect([x!.name, y!.name, x!.dtype, x!.ndim]).toEqual(['x', 'y', 'float64', 2]);
    expect(T.scalars('abcd').map((v) => v.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(T.ivectors('w').map((v) => [v.name, v.dtype])).toEqual([['w', 'int32']]);
    const three = T.ftensor3s(3);
    expect(three.map((v) => [v.name, v.dtype, v.ndim])).toEqual(new Array(3).fill([undefined, 'float32', 3]));
    expect(new Set(three).size).toBe(3);
    expect(T.lrows(1)[0]!.broadcastable).toEqual([true, false]);
    expect(T.icols('c')[0]!.broadcastable).toEqual([false, true]);
    expect(T.tensor5s(2)[0]!.dtype).toBe(sym.config.floatX);
    expect(T.tensor7s('ab').map((v) => [v.name, v.ndim])).toEqual([['a', 7], ['b', 7]]);
    expect(T.ltensor6s(1).map((v) => [v.dtype, v.ndim])).toEqual([['int64', 6]]);
  });

  it('refuse a bad count or a non-string name', () => {
    expect(() => T.dvectors(-1 as number)).toThrow(/dvectors: a count of variables must be a non-negative integer, got -1/);
    expect(() => (T.matrices as (...a: unknown[]) => unknown)('x', 3)).toThrow(/matrices: expected a count or names \(strings\), got number/);
  });
});
