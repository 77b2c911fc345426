import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import './index.js';

const T = sym.T;

describe('smoke', () => {
  it('runs the tutorial basics', async () => {
    const foo = T.scalar('foo');
    const bar = foo.pow(2);
    expect(bar.type.toString()).toBe('TensorType(float64, scalar)');
    expect(sym.pp(bar)).toBe('(foo ** TensorConstant{2})');
    const f = sym.function([foo], bar);
    expect((await f(3)).toString()).toBe('9.0');
    expect((await bar.eval({ foo: 3 })).toString()).toBe('9.0');
    const A = T.matrix('A');
    const x = T.vector('x');
    const b = T.vector('b');
    const y = T.dot(A, x).add(b);
    const z = T.sum(A.pow(2));
    const lm = sym.function([A, x, sym.In(b, { value: [0, 0] })], [y, z]);
    const r = await lm([[1, 2, 3], [4, 5, 6]], [1, 2, 3], [4, 5]);
    expect(sym.reprValue(r)).toBe('[array([18., 37.]), array(91.)]');
    const r2 = await lm([[1, 2, 3], [4, 5, 6]], [1, 2, 3]);
    expect(sym.reprValue(r2)).toBe('[array([14., 32.]), array(91.)]');
    const sv = sym.shared(sym.array([[1, 2], [3, 4]], { dtype: 'float64' }));
    expect(String(sv.type)).toBe('TensorType(float64, matrix)');
    sv.setValue([[3, 4], [2, 1]]);
    expect(sv.getValue().toString()).toBe('[[3. 4.]\n [2. 1.]]');
    const f1 = sym.function([], sv.pow(2));
    expect((await f1()).toString()).toBe('[[ 9. 16.]\n [ 4.  1.]]');
    const subtract = T.matrix('subtract');
    const f2 = sym.function([subtract], sv, { updates: [[sv, sv.sub(subtract)]] });
    await f2([[1, 1], [1, 1]]);
    expect(sv.getValue().toString()).toBe('[[2. 3.]\n [1. 0.]]');
    expect((await f1()).toString()).toBe('[[4. 9.]\n [1. 0.]]');
    const num = T.scalar('num');
    const den = T.scalar('den');
    const divide = sym.function([num, den], num.div(den));
    expect((await divide(10, 2)).toString()).toBe('5.0');
    expect((await divide(0, 0)).toString()).toBe('nan');
    const dd = sym.function([num, den], num.div(den), { mode: 'DebugMode' });
    await expect(dd(0, 0)).rejects.toThrow(/nan/);
  });
});

describe('kernels over no rows', () => {
  it('end at once on the SIMD path (float32 rows of 8 with zero rows: a strided window, a transpose)', () => {
    const x = T.fmatrix('x');
    expect(sym.function([x], x.get('3::2').exp()).sync(sym.NDArray.zeros([3, 8], 'float32')).shape).toEqual([0, 8]);
    expect(sym.function([x], x.T.exp()).sync(sym.NDArray.zeros([8, 0], 'float32')).shape).toEqual([0, 8]);
  });
});
