import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Rop, grad, gradClip, gradScale, hessian, hessianVectorProduct, jacobian, verifyGrad, zeroGrad } from './index.js';

const T = sym.T;
const close = (a: sym.NDArray, b: number[] | number[][] | number[][][]) => {
  const flat = (b as unknown[]).flat(3) as number[];
  expect(a.size).toBe(flat.length);
  flat.forEach((v, i) => expect(a.data[i]).toBeCloseTo(v, 10));
};

describe('jacobian', () => {
  it('is the tutorial diag(2x) for x ** 2, whatever the length', async () => {
    const x = T.dvector('x');
    const J = jacobian(x.pow(2), x);
    const f = sym.function([x], J);
    expect((await f([4, 4])).toString()).toBe('[[8. 0.]\n [0. 8.]]');
    close(await f([1, 2, 3]), [[2, 0, 0], [0, 4, 0], [0, 0, 6]]);
  });

  it('of A x + b with respect to x is A (and to b the identity)', async () => {
    const A = T.matrix('A');
    const x = T.vector('x');
    const b = T.vector('b');
    const y = T.dot(A, x).add(b);
    const [Jx, Jb] = jacobian(y, [x, b]);
    const f = sym.function([A, x, b], [Jx!, Jb!]);
    const [jx, jb] = await f([[1, 2, 3], [4, 5, 6]], [1, 1, 1], [0, 0]);
    close(jx!, [[1, 2, 3], [4, 5, 6]]);
    close(jb!, [[1, 0], [0, 1]]);
  });

  it('of a matrix expression with respect to a matrix has shape [size(e), ...shape(w)]', async () => {
    const W = T.dmatrix('W');
    const v = T.dvector('v');
    const e = T.dot(W, v).tanh(); // [2]
    const J = jacobian(e, W);
    const Wv = [[0.1, -0.2], [0.3, 0.4]];
    const vv = [0.5, -1];
    const out = await sym.function([W, v], J)(Wv, vv);
    expect(out.shape).toEqual([2, 2, 2]);
    const h = Wv.map((r) => r[0]! * vv[0]! + r[1]! * vv[1]!);
    const d = h.map((t) => 1 - Math.tanh(t) ** 2);
    close(out, [[[d[0]! * vv[0]!, d[0]! * vv[1]!], [0, 0]], [[0, 0], [d[1]! * vv[0]!, d[1]! * vv[1]!]]]);
    const M = T.dmatrix('M');
    const JM = jacobian(M.mul(M).sum(1), M);
    close(await sym.function([M], JM)([[1, 2], [3, 4]]), [[[2, 4], [0, 0]], [[0, 0], [6, 8]]]);
  });

  it('of a scalar expression is its gradient; disconnected wrt raise', async () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const g = jacobian(x.pow(3).sum(), x);
    close(await g.eval({ x: [1, 2] }), [3, 12]);
    expect(() => jacobian(x.mul(2), y)).toThrow(/^jacobian: the expression does not depend on y/);
    expect(() => hessian(x.sum(), y)).toThrow(/^hessian: the cost does not depend on y/);
    expect(() => jacobian(x.mul(2), x, { disconnectedInputs: 'zero' as unknown as 'ignore' })).toThrow(
      /jacobian: disconnectedInputs must be one of 'raise', 'warn', 'ignore', got 'zero'/,
    );
    expect(() => hessian(x.sum(), x, { disconnectedInputs: 'zero' as unknown as 'ignore' })).toThrow(/hessian: disconnectedInputs must be one of/);
    const z = jacobian(x.mul(2), y, { disconnectedInputs: 'ignore' });
    close(await sym.function([x, y], z)([1, 2], [5, 6, 7]), [[0, 0, 0], [0, 0, 0]]);
  });
});

describe('options', () => {
  it('jacobian, hessian, Rop, hessianVectorProduct and verifyGrad refuse unknown option names', async () => {
    const x = T.dvector('x');
    const y = x.pow(2);
    const cc = { consider_constant: [x] } as never;
    const hint = '(did you mean considerConstant? sym spells Theano\'s keywords in camelCase); the options are considerConstant, disconnectedInputs';
    expect(() => jacobian(y, x, cc)).toThrow(`jacobian: unknown option "consider_constant" ${hint}`);
    expect(() => hessian(y.sum(), x, cc)).toThrow(`hessian: unknown option "consider_constant" ${hint}`);
    expect(() => Rop(y, x, [1, 1], cc)).toThrow(`Rop: unknown option "consider_constant" ${hint}`);
    expect(() => hessianVectorProduct(y.sum(), x, [1, 1], cc)).toThrow(`hessianVectorProduct: unknown option "consider_constant" ${hint}`);
    await expect(verifyGrad((v) => v.sum(), [[1, 2]], { abs_tol: 1e-3 } as never)).rejects.toThrow(
      'verifyGrad: unknown option "abs_tol" (did you mean absTol? sym spells Theano\'s keywords in camelCase); the options are eps, absTol, relTol, rng, broadcastable',
    );
  });
});

describe('hessian', () => {
  it('of sum(x^3) is diag(6x); of x0^2 x1 matches the closed form', async () => {
    const x = T.dvector('x');
    close(await sym.function([x], hessian(x.pow(3).sum(), x))([1, -2]), [[6, 0], [0, -12]]);
    const c = x.pow(2).sum().mul(x.sum()); // sum_i x_i^2 * sum_j x_j
    const H = await sym.function([x], hessian(c, x))([1, 2]);
    // d2/dxi dxj of (sum x^2)(sum x) = 2 d_ij S + 2 x_i + 2 x_j
    const S = 3;
    close(H, [[2 * S + 4, 2 + 4], [2 + 4, 2 * S + 8]]);
  });

  it('of a 0-d w is the 0-d second derivative; of a matrix has shape [size(w), ...shape(w)]', async () => {
    const s = T.dscalar('s');
    const h = hessian(s.pow(3), s);
    expect(h.ndim).toBe(0);
    const v = await h.eval({ s: 2 });
    expect(v.shape).toEqual([]);
    expect(v.toArray()).toBe(12);
    const M = T.dmatrix('M');
    const HM = await sym.function([M], hessian(M.pow(3).sum(), M))([[1, 2, 3], [4, 5, 6]]);
    expect(HM.shape).toEqual([6, 2, 3]);
    // diag(6 m) over the 6 elements, in C order
    close(HM, [1, 2, 3, 4, 5, 6].map((m, i) => [0, 1].map((r) => [0, 1, 2].map((c) => (r * 3 + c === i ? 6 * m : 0)))));
  });

  it('is zero (not disconnected) for a linear cost, and equals grad(grad) for scalars', async () => {
    const x = T.dvector('x');
    close(await sym.function([x], hessian(x.mul(3).sum(), x))([1, 2]), [[0, 0], [0, 0]]);
    const s = T.dscalar('s');
    const g2 = grad(grad(T.sin(s).mul(s), s), s);
    expect((await g2.eval({ s: 0.3 })).data[0]).toBeCloseTo(2 * Math.cos(0.3) - 0.3 * Math.sin(0.3), 12);
  });
});

describe('Rop and hessianVectorProduct', () => {
  it('Rop(A x, x, v) is A v and Rop of an elementwise map is f\'(x) v', async () => {
    const A = T.dmatrix('A');
    const x = T.dvector('x');
    const v = T.dvector('v');
    const r = Rop(T.dot(A, x), x, v);
    close(await sym.function([A, x, v], r, { onUnusedInput: 'ignore' })([[1, 2], [3, 4], [5, 6]], [9, 9], [1, -1]), [-1, -1, -1]);
    const r2 = Rop(T.exp(x), x, v);
    close(await sym.function([x, v], r2)([0, 1], [2, 3]), [2, 3 * Math.E]);
  });

  it('Rop with several f and wrt sums over wrt', async () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const vx = T.dvector('vx');
    const vy = T.dvector('vy');
    const [a, b] = Rop([x.mul(y), x.add(y.mul(2))], [x, y], [vx, vy]) as sym.TensorVariable[];
    const f = sym.function([x, y, vx, vy], [a!, b!]);
    const [ra, rb] = await f([1, 2], [3, 4], [1, 1], [10, 100]);
    close(ra!, [3 + 10, 4 + 200]);
    close(rb!, [1 + 20, 1 + 200]);
  });

  it('misuse errors name Rop and the user\'s variables, not the Lop passes it is built from', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const A = T.dmatrix('A');
    expect(() => Rop(x.mul(2), x, A)).toThrow(/^Rop: the eval point for x must be a vector like x, got A \(matrix\)$/);
    expect(() => Rop(x.mul(2), [x, y], [y])).toThrow(/^Rop: expected 2 eval point\(s\), one per wrt, got 1/);
    expect(() => Rop(x.mul(2), y, y)).toThrow(/^Rop: f does not depend on y/);
    expect(() => Rop(x.mul(2), x, y, { disconnectedInputs: 'zero' as unknown as 'ignore' })).toThrow(/^Rop: disconnectedInputs must be one of/);
    expect(() => hessianVectorProduct(x.pow(3).sum(), x, A)).toThrow(/^hessianVectorProduct: the eval point for x must be a vector like x, got A \(matrix\)$/);
  });

  it('Rop through gradClip and gradScale is J v of the forward identity (their override is for gradients only)', async () => {
    const x = T.dvector('x');
    const v = T.dvector('v');
    // f = op(x) * x = x ** 2 forward: J v = 2 x v, whatever op does to gradients
    for (const op of [(t: sym.TensorVariable) => gradClip(t, 0.5, 1), (t: sym.TensorVariable) => gradScale(t, 3), (t: sym.TensorVariable) => gradClip(t, -2, -1)]) {
      const r = Rop(op(x).mul(x), x, v);
      close(await sym.function([x, v], r)([1, 2], [1, -3]), [2, -12]);
    }
    // ... while zeroGrad makes what is below it a constant, as in grad: J v = x v
    close(await sym.function([x, v], Rop(zeroGrad(x).mul(x), x, v))([1, 2], [1, -3]), [1, -6]);
    // and grad itself still sees the override
    close(await sym.function([x], grad(gradScale(x, 3).mul(x).sum(), x))([1, 2]), [4, 8]);
  });

  it('hessianVectorProduct equals H v', async () => {
    const x = T.dvector('x');
    const v = T.dvector('v');
    const cost = x.pow(3).sum().add(x.prod());
    const hv = hessianVectorProduct(cost, x, v);
    // H = diag(6x) + d2(prod)/dxi dxj = (i != j ? prod / (xi xj) : 0)
    const xv = [1, 2, 3];
    const vv = [1, -1, 2];
    const P = 6;
    const H = xv.map((xi, i) => xv.map((xj, j) => (i === j ? 6 * xi : P / (xi * xj))));
    const want = H.map((row) => row.reduce((s, h, j) => s + h * vv[j]!, 0));
    close(await sym.function([x, v], hv)(xv, vv), want);
  });
});
