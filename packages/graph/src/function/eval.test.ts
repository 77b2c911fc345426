/** `x.eval(...)` given a list of [variable, value] pairs, Theano's dict as `givens` and `updates` take it. */
import { describe, expect, it } from 'vitest';
import { T } from '../../test/helpers.js';

describe('eval with a list of [variable, value] pairs', () => {
  it('takes the pairs as it takes a Map, intermediate variables included', async () => {
    const x = T.matrix('x');
    const h = T.nnet.sigmoid(x.mul(0));
    const z = h.sum(1);
    // it read the list as an object of names: 'does not depend on a variable named "0"'
    expect(z.evalSync([[x, [[1, 2], [3, 4]]]]).toArray()).toEqual([1, 1]);
    expect((await z.eval([[x, [[1, 2]]]])).toArray()).toEqual([1]);
    expect(z.evalSync([[h, [[2, 3, 4]]]]).toArray()).toEqual([9]);
    const y = T.scalar('y');
    const s = x.sum().add(y);
    expect(s.evalSync([[x, [[1, 2]]], [y, 10]]).item()).toBe(13);
    expect(() => s.evalSync([[x, [[1, 2]]]])).toThrow('eval: (Sum{axis=[0, 1]}(x) + y) needs a value for y (TensorType(float64, scalar))');
  });
  it('names the entry that is not a pair', () => {
    const x = T.scalar('x');
    const z = x.mul(2);
    expect(() => z.evalSync([[x, 1, 2]] as unknown as [[typeof x, number]])).toThrow(
      'eval of Elemwise{mul,no_inplace}.0: entry 0 of the list must be a [variable, value] pair, got an array of length 3; pass a Map, a list of [variable, value] pairs, or values by name',
    );
    expect(() => z.evalSync([[x, 1], ['x', 1]] as unknown as [[typeof x, number]])).toThrow('entry 1 of the list must be a [variable, value] pair, got an array of length 2 not starting with a variable');
    expect(() => z.evalSync([5] as unknown as [[typeof x, number]])).toThrow('entry 0 of the list must be a [variable, value] pair, got number');
  });
  it("refuses a plain object as a value, by variable (the function's call would take it for keywords: 'no input is named a')", async () => {
    const x = T.vector('x');
    const z = x.mul(2);
    expect(() => z.evalSync({ x: { a: 1 } })).toThrow(
      'eval: the value of x (TensorType(float64, vector)) is a plain object with keys a; give a number, nested arrays, a typed array or an NDArray',
    );
    await expect(z.eval(new Map([[x, { x: [1] }]]))).rejects.toThrow('eval: the value of x (TensorType(float64, vector)) is a plain object with keys x');
  });
});
