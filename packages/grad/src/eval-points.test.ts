import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Lop, Rop, grad, hessianVectorProduct } from './index.js';

const T = sym.T;
const ignore = { onUnusedInput: 'ignore' } as const;

describe('eval points of Lop, Rop and hessianVectorProduct', () => {
  it('reject at build time an eval point longer than a broadcastable dimension, naming it, the expected shape and what came', () => {
    const x = T.drow('x');
    const three = sym.array([[1, 1], [1, 1], [1, 1]], { dtype: 'float64' });
    expect(() => Lop(x.mul(2), x, three)).toThrow(
      /^Lop: eval point 0 \(TensorConstant\{.*\}\) must have the shape of f, Elemwise\{mul,no_inplace\}\.0, \(1, \?\) \(broadcastable along dimension 0, so 1 long there\); got shape \(3, 2\) \(dimension 0 differs\)$/,
    );
    expect(() => Rop(x.mul(2), x, [three])).toThrow(/^Rop: the eval point for x \(TensorConstant\{.*\}\) must have the shape of x, \(1, \?\) .*; got shape \(3, 2\) \(dimension 0 differs\)$/);
    const y = T.dvector('y');
    expect(() => hessianVectorProduct(x.pow(3).sum(), x, three)).toThrow(/^hessianVectorProduct: the eval point for x \(TensorConstant\{.*\}\) must have the shape of x, \(1, \?\) .*; got shape \(3, 2\)/);
    const c = T.constant(sym.array([1, 2, 3], { dtype: 'float64' })).mul(y); // length 3 at build time
    expect(() => Lop(c, y, [1, 1])).toThrow(/^Lop: eval point 0 \(TensorConstant\{\[1 1\]\}\) must have the shape of f, .*, \(3,\); got shape \(2,\) \(dimension 0 differs\)$/);
  });

  it('reject when the function runs an eval point whose length the build did not know (Lop, Rop, hessianVectorProduct)', async () => {
    const x = T.drow('x');
    const v = T.dmatrix('v');
    const lop = sym.function([x, v], Lop(x.mul(2), x, v), ignore);
    const rop = sym.function([x, v], Rop(x.mul(2), x, v), ignore);
    // before, both gave [[6, 6]]: the three rows of v summed into x's one
    await expect(lop([[1, 2]], [[1, 1], [1, 1], [1, 1]])).rejects.toThrow(
      /^Lop: eval point 0 \(v\) must have the shape of f, .*, \(1, \?\) \(broadcastable along dimension 0, so 1 long there\); got shape \(3, 2\) \(dimension 0 differs\)$/,
    );
    await expect(rop([[1, 2]], [[1, 1], [1, 1], [1, 1]])).rejects.toThrow(/^Rop: the eval point for x \(v\) must have the shape of x, \(1, 2\) .*; got shape \(3, 2\)/);
    expect((await lop([[1, 2]], [[1, 3]])).toArray()).toEqual([[2, 6]]);
    expect((await rop([[1, 2]], [[1, 3]])).toArray()).toEqual([[2, 6]]);
    // a root wrt's length is there when the function runs: Rop and hessianVectorProduct check it too
    const y = T.dvector('y');
    const w = T.dvector('w');
    await expect(sym.function([y, w], Rop(y.mul(2), y, w), ignore)([1, 2], [1, 2, 3])).rejects.toThrow(/^Rop: the eval point for y \(w\) must have the shape of y, \(2,\); got shape \(3,\)/);
    await expect(sym.function([y, w], hessianVectorProduct(y.pow(3).sum(), y, w), ignore)([1, 2], [1, 2, 3])).rejects.toThrow(/^hessianVectorProduct: the eval point for y \(w\) must have the shape of y, \(2,\); got shape \(3,\)/);
  });

  it('a call refused for its eval point loses nothing: the shared variables keep their values', async () => {
    const W = sym.shared(sym.array([[1, 2]], { dtype: 'float64' }), { name: 'W', broadcastable: [true, false] });
    const v = T.dmatrix('v');
    const step = Lop(W.mul(W), W, v);
    const f = sym.function([v], step, { updates: [[W, W.sub(step.mul(0.5))]] });
    await expect(f([[1, 1], [1, 1]])).rejects.toThrow(/^Lop: eval point 0 \(v\) must have the shape of f/);
    expect(W.getValue().toArray()).toEqual([[1, 2]]);
    expect((await f([[1, 1]])).toArray()).toEqual([[2, 4]]);
    expect(W.getValue().toArray()).toEqual([[0, 0]]);
    // an eval point of the right shape through grad's own seed is unchanged
    expect((await grad(W.sum(), W).eval()).toArray()).toEqual([[1, 1]]);
  });
});
