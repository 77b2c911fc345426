/**
 * An index cast from a float is NumPy's: NaN, an infinity or a float past
 * int32/int64 casts to the dtype's least value there (an IndexError), where
 * the kernels and the reference cast give 0 (before, `x[cast(nan)]` read
 * row 0 silently). Checked on the host for a cast of the call's values
 * (the tutorials' `T.cast(shared_y, 'int32')`), by the flag kernel for one
 * the kernels compute (in a scan's step too).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';
import { numpyCastIndex } from './check-index.js';

const MODES = ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const;
const x = T.dvector('x');
const f = T.dvector('f');
const X = [1, 2, 3];
const values = (a: unknown) => (a as sym.NDArray).toArray();

describe('an index cast from a float', () => {
  it("raises NumPy's IndexError for NaN, an infinity and a float past the dtype, cast on the host; sync and async", async () => {
    for (const mode of MODES) {
      const g = sym.function([x, f], x.get(T.cast(f, 'int64')), { mode });
      expect(values(g.sync(X, [2.7, -1.5]))).toEqual([3, 3]);
      expect(() => g.sync(X, [1, NaN])).toThrow(/index -9223372036854775808 \(.*\[1\]\) is out of bounds for axis 0 with size 3.*: a NaN, an infinity or a float past the integer dtype/);
      await expect(g(X, [Infinity])).rejects.toThrow(/index -9223372036854775808 .* out of bounds/);
      const h = sym.function([x, f], x.get(T.cast(f, 'int32')), { mode });
      expect(() => h.sync(X, [1e10])).toThrow(/index -2147483648 .* out of bounds for axis 0 with size 3/);
    }
  });

  it('raises for one the kernels compute (its flag reads the float), and a window of cast labels (the tutorials)', () => {
    for (const mode of MODES) {
      const g = sym.function([x, f], x.get(T.cast(T.exp(f), 'int32')), { mode });
      expect(values(g.sync(X, [0, Math.log(2.5)]))).toEqual([2, 3]);
      expect(() => g.sync(X, [0, NaN])).toThrow(/index -2147483648 \(.*\[1\]\) is out of bounds for axis 0 with size 3/);
      // a finite float past int64 (exp(50) = 5.2e21): NumPy's INT_MIN, not the float (the reference's cast keeps 5.2e21 as the index)
      const wide = sym.function([x, f], x.get(T.cast(T.exp(f), 'int64')), { mode });
      expect(() => wide.sync(X, [0, 50])).toThrow(/index -9223372036854775808 \(.*\[1\]\) is out of bounds for axis 0 with size 3/);
    }
    const labels = sym.shared(sym.array([0, 1, NaN, 2], { dtype: 'float64' }), { name: 'set_y' });
    const i = T.lscalar('i');
    const pick = sym.function([x, i], x.get(T.cast(labels, 'int32').get(T.slice(i.mul(2), i.add(1).mul(2)))));
    expect(values(pick.sync(X, 0))).toEqual([1, 2]);
    expect(() => pick.sync(X, 1)).toThrow(/index -2147483648 .* out of bounds for axis 0 with size 3/);
  });

  it("raises for one in a scan's step (its flag reads the step's float)", () => {
    const [rows] = sym.scan((ft: sym.TensorVariable) => x.get(T.cast(T.exp(ft), 'int32')), { sequences: [f] }) as sym.TensorVariable[];
    const g = sym.function([x, f], rows!);
    expect(values(g.sync(X, [0, Math.log(2.5)]))).toEqual([2, 3]);
    expect(() => g.sync(X, [0, NaN])).toThrow(/is out of bounds for axis 0 with size 3, indexing x of shape \(3,\).*it is cast from a float, where a NaN/);
  });

  it("casts as NumPy does on x86: the dtype's least value where it has no other", () => {
    const source = sym.array([NaN, -Infinity, 3.9, -(2 ** 31), 2 ** 31], { dtype: 'float64' });
    expect(Array.from(numpyCastIndex(source, sym.array([0, 0, 3, -(2 ** 31), 0], { dtype: 'int32' })).data)).toEqual([-(2 ** 31), -(2 ** 31), 3, -(2 ** 31), -(2 ** 31)]);
  });
});
