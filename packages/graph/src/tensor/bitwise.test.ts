/**
 * bitwise.ts against NumPy 2.4's values (written out): &, |, ^ and ~ of
 * int32 at its extremes, uint32 past 2^31, int8 beside uint8 (int16), int64
 * past 2^32 (word by word), bool (logical), compiled for the CPU and
 * through the reference perform; a float operand refused; gradient zero.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

const c = (v: sym.NestedArray, dtype: sym.DType) => T.constant(sym.array(v, { dtype }));
const { grad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (cost: sym.TensorVariable, wrt: sym.TensorVariable) => sym.TensorVariable;
};

describe('bitwise ops of integers', () => {
  it('int32 at its extremes', () => {
    const a = c([-(2 ** 31), -(2 ** 31) + 1, -7, -1, 0, 1, 7, 2 ** 31 - 2, 2 ** 31 - 1], 'int32');
    const b = c([2 ** 31 - 1, -1, 12, -(2 ** 31), 5, -1, -8, 3, -(2 ** 31)], 'int32');
    const and = both(T.bitwiseAnd(a, b));
    expect(and.dtype).toBe('int32');
    expect(and.toArray()).toEqual([0, -2147483647, 8, -2147483648, 0, 1, 0, 2, 0]);
    expect(both(T.bitwiseOr(a, b)).toArray()).toEqual([-1, -1, -3, -1, 5, -1, -1, 2147483647, -1]);
    expect(both(T.bitwiseXor(a, b)).toArray()).toEqual([-1, 2147483646, -11, 2147483647, 5, -2, -1, 2147483645, -1]);
    expect(both(T.invert(a)).toArray()).toEqual([2147483647, 2147483646, 6, 0, -1, -2, -8, -2147483647, -2147483648]);
  });
  it('uint32 past 2^31', () => {
    const u = c([0, 1, 7, 2 ** 32 - 2, 2 ** 32 - 1, 123456789], 'uint32');
    const v = c([2 ** 32 - 1, 3, 12, 2 ** 31, 1, 987654321], 'uint32');
    expect(both(T.bitwiseAnd(u, v)).toArray()).toEqual([0, 1, 4, 2147483648, 1, 39471121]);
    expect(both(T.bitwiseOr(u, v)).toArray()).toEqual([4294967295, 3, 15, 4294967294, 4294967295, 1071639989]);
    expect(both(T.bitwiseXor(u, v)).toArray()).toEqual([4294967295, 2, 11, 2147483646, 4294967294, 1032168868]);
    expect(both(T.bitwiseNot(u)).toArray()).toEqual([4294967295, 4294967294, 4294967288, 1, 0, 4171510506]);
  });
  it("int8 beside uint8 in NumPy's int16; ~ of each", () => {
    const i8 = c([-128, -1, 5, 127], 'int8');
    const u8 = c([255, 0, 170, 3], 'uint8');
    const r = both(T.bitwiseAnd(i8, u8));
    expect(r.dtype).toBe('int16');
    expect(r.toArray()).toEqual([128, 0, 0, 3]);
    expect(both(T.invert(i8)).toArray()).toEqual([127, 0, -6, -128]);
    expect(both(T.invert(u8)).toArray()).toEqual([0, 255, 85, 252]);
  });
  it('int64 past 2^32, word by word', () => {
    const l = c([-(2 ** 52) - 3, -(2 ** 40) + 5, -1, 0, 2 ** 45 + 7, 2 ** 52 + 1], 'int64');
    const m = c([2 ** 33 + 1, -3, 2 ** 52 + 12345, -1, -(2 ** 45) - 1, 2 ** 51 + 3], 'int64');
    expect(both(T.bitwiseAnd(l, m)).toArray()).toEqual([8589934593, -1099511627771, 4503599627382841, 0, 7, 1]);
    expect(both(T.bitwiseOr(l, m)).toArray()).toEqual([-4503599627370499, -3, -1, -1, -1, 6755399441055747]);
    expect(both(T.bitwiseXor(l, m)).toArray()).toEqual([-4503608217305092, 1099511627768, -4503599627382842, -1, -8, 6755399441055746]);
    expect(both(T.invert(l)).toArray()).toEqual([4503599627370498, 1099511627770, 0, -1, -35184372088840, -4503599627370498]);
  });
  it('bools alone are the logical op; a bool beside an integer is its 0 or 1', () => {
    const p = c([true, false, true], 'bool');
    const and = both(T.bitwiseAnd(p, c([true, true, false], 'bool')));
    expect(and.dtype).toBe('bool');
    expect(and.toArray()).toEqual([true, false, false]);
    expect(both(T.invert(p)).toArray()).toEqual([false, true, false]);
    const mixed = both(T.bitwiseAnd(p, c([3, 2, 5], 'int16')));
    expect(mixed.dtype).toBe('int16');
    expect(mixed.toArray()).toEqual([1, 0, 1]);
  });
  it("refuses a float operand, as NumPy's TypeError, and has a zero gradient", () => {
    expect(() => T.bitwiseAnd(T.vector('x'), c([1], 'int32'))).toThrow("bitwiseAnd: NumPy's ufunc 'bitwise_and' takes integer or bool tensors, got x of type");
    expect(() => T.invert(T.vector('x'))).toThrow("invert: NumPy's ufunc 'invert' takes integer or bool tensors");
    expect(() => sym.elemwise('bitor', T.vector('x'), T.vector('y'))).toThrow('a bitwise op takes integer tensors, got x');
    const x = T.vector('x');
    const g = grad(T.sum(T.mul(x, T.cast(T.bitwiseXor(T.cast(x, 'int32'), 3), 'float64'))), x);
    expect(((sym.function([x], g).sync([1, 2]) as sym.NDArray).toArray() as number[])).toEqual([2, 1]);
  });
  it('composes with the arithmetic around it', () => {
    const i = T.ivector('i');
    const f = sym.function([i], T.bitwiseXor(T.bitwiseAnd(i.add(1), 0xff), T.invert(i)));
    expect((f.sync([-2, 255, 7]) as sym.NDArray).toArray()).toEqual([(-1 & 0xff) ^ ~-2, (256 & 0xff) ^ ~255, (8 & 0xff) ^ ~7]);
  });
});
