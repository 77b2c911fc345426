import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, hessian, jacobian, seededRandom, verifyGrad } from '../src/index.js';

const T = sym.T;

describe('the README examples', () => {
  it('run as printed', async () => {
    const foo = T.scalar('foo');
    const dbar = grad(foo.pow(2), foo);
    expect(sym.pp(dbar)).toBe('((TensorConstant{1.0} * TensorConstant{2}) * (foo ** TensorConstant{1}))');
    expect(String(await dbar.eval({ foo: 10 }))).toBe('20.0');
    const A = T.matrix('A');
    const x = T.vector('x');
    const b = T.vector('b');
    const f = sym.function([A, x, b], jacobian(T.dot(A, x).add(b), x));
    expect(String(await f([[1, 2], [3, 4]], [0, 0], [0, 0]))).toBe('[[1. 2.]\n [3. 4.]]');
    expect((await hessian(x.pow(3).sum(), x).eval({ x: [1, 2] })).toArray()).toEqual([[6, 0], [0, 12]]);
    const r = await verifyGrad((a, c) => T.tanh(T.dot(a, c)).sum(), [[[0.1, 0.2]], [[0.3], [-0.4]]], { rng: seededRandom(1) });
    expect(r.worst).not.toBeNull();
  });
});
