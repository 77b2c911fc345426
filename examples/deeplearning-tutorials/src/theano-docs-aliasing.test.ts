/**
 * Theano's documentation page "Understanding Memory Aliasing for Speed and
 * Correctness" (tutorial/aliasing.html): `borrow` when making a shared
 * variable, when reading its value and when setting it, on the CPU (where
 * Theano's borrowed value is the array itself, as sym's).
 *
 * No twin, by design: `get_value(return_internal_type=True)` (a value on
 * the host is always an NDArray; a device's is read with getValueAsync)
 * and `In(x, borrow=True)`: sym copies an NDArray argument when the call
 * is made (so refilling it for the next call is safe). `Out(y,
 * borrow=True)` is `sym.Out(y, { borrow: true })`: a synchronous CPU call
 * returns its own output buffer, which the next call overwrites, as
 * Theano's; otherwise every call's result is a fresh array. The tests
 * check those errors and that behaviour.
 */
import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';

const T = sym.T;

describe("Theano's Memory Aliasing page", () => {
  it('borrow when making a shared variable: only s_true sees later changes to np_array', () => {
    const npArray = sym.array([1, 1], { dtype: 'float32' });
    const sDefault = sym.shared(npArray);
    const sFalse = sym.shared(npArray, { borrow: false });
    const sTrue = sym.shared(npArray, { borrow: true });
    // np_array += 1: now it is an array of 2.0s
    const data = npArray.data as Float32Array;
    data.forEach((v, i) => (data[i] = v + 1));
    expect(String(sDefault.getValue())).toBe('[1. 1.]');
    expect(String(sFalse.getValue())).toBe('[1. 1.]');
    expect(String(sTrue.getValue())).toBe('[2. 2.]');
  });

  it('borrow when reading the value: borrow=False a copy of its own, borrow=True the value itself (on the CPU)', () => {
    const s = sym.shared(sym.array([1, 1], { dtype: 'float32' }));
    const vFalse = s.getValue({ borrow: false }); // borrow's default is false
    const vTrue = s.getValue({ borrow: true });
    expect(vFalse).not.toBe(vTrue);
    expect(s.getValue({ borrow: true })).toBe(vTrue);
    vFalse.data[0] = 5;
    expect(String(s.getValue())).toBe('[1. 1.]');
    // return_internal_type has no twin: refused, naming the option there is
    expect(() => s.getValue({ borrow: true, returnInternalType: true } as never)).toThrow('getValue: unknown option "returnInternalType"; the options are borrow');
  });

  it('the pattern for updating a value by hand: set_value(some_inplace_fn(get_value(borrow=True)), borrow=True)', async () => {
    const s = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }), { name: 's' });
    const twice = sym.function([], s.mul(2));
    expect((await twice()).toArray()).toEqual([2, 4, 6]);
    const someInplaceFn = (v: sym.NDArray): sym.NDArray => {
      const d = v.data as Float64Array;
      d.forEach((x, i) => (d[i] = x + 10));
      return v;
    };
    s.setValue(someInplaceFn(s.getValue({ borrow: true })), { borrow: true });
    expect(s.getValue().toArray()).toEqual([11, 12, 13]);
    // the compiled function reads the new value
    expect((await twice()).toArray()).toEqual([22, 24, 26]);
  });

  describe("borrow when making functions: In(x, borrow=True), Out(y, borrow=True)", () => {
    const x = T.matrix('x');
    const y = x.mul(2);

    it('In takes no borrow option, naming the ones it takes', () => {
      expect(() => sym.In(x, { borrow: true } as never)).toThrow('In: unknown option "borrow"; the options are value, name');
    });

    it('Out(y, borrow=True): a synchronous call on the CPU returns its own buffer, which the next call overwrites', () => {
      const f = sym.function([x], sym.Out(y, { borrow: true }));
      const first = f.sync(sym.array([[1, 2]], { dtype: sym.config.floatX })) as sym.NDArray;
      expect(first.toArray()).toEqual([[2, 4]]);
      f.sync(sym.array([[3, 4]], { dtype: sym.config.floatX }));
      expect(first.toArray()).toEqual([[6, 8]]);
      // without borrow, the result stays the caller's
      const g = sym.function([x], sym.Out(y));
      const kept = g.sync(sym.array([[1, 2]], { dtype: sym.config.floatX })) as sym.NDArray;
      g.sync(sym.array([[3, 4]], { dtype: sym.config.floatX }));
      expect(kept.toArray()).toEqual([[2, 4]]);
    });

    it("what sym does instead: an argument is taken when the call is made, and every call's result is its own", async () => {
      const f = sym.function([x], y);
      const arg = sym.array([[1, 2]], { dtype: sym.config.floatX });
      const first = f(arg);
      arg.data[0] = 100; // refilled before the call has run
      const second = f(arg);
      const [r1, r2] = [await first, await second];
      expect(r1.toArray()).toEqual([[2, 4]]);
      expect(r2.toArray()).toEqual([[200, 4]]);
      // the first result is not overwritten by the second call
      expect(r1).not.toBe(r2);
      expect(r1.data).not.toBe(r2.data);
    });
  });
});
