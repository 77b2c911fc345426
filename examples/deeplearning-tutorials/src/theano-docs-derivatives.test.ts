/**
 * Every example of Theano's documentation page "Derivatives in Theano"
 * (tutorial/gradients.html): `grad`, the Jacobian and the Hessian (with
 * `@sym/grad`'s helpers and by a scan of gradients), the R- and
 * L-operators and Hessian-times-vector both ways, checked against the
 * values the page prints and plain float64 derivatives.
 */
import * as sym from '@sym/graph';
import { Lop, Rop, grad, hessian, jacobian } from '@sym/grad';
import { describe, expect, it } from 'vitest';

const T = sym.T;
type Matrix = number[][];

const valueOf = async (f: sym.SymFunction, ...args: unknown[]): Promise<unknown> => ((await f(...(args as never[]))) as sym.NDArray).toArray();

describe("Theano's Derivatives page", () => {
  it('grad of x ** 2: the gradient graph, its value 2x, and the compiled graph simplified', async () => {
    const x = T.dscalar('x');
    const y = x.pow(2);
    const gy = grad(y, x);
    // Theano prints ((fill((x ** 2), 1.0) * 2) * (x ** (2 - 1))); sym builds the same function without the fill, 2 - 1 folded
    expect(sym.pp(gy)).toBe('((TensorConstant{1.0} * TensorConstant{2}) * (x ** TensorConstant{1}))');
    const f = sym.function([x], gy);
    expect(Number(await f(4))).toBe(8); // array(8.0)
    expect(Number(await f(94.2))).toBeCloseTo(188.4, 12);
    // pp(f.maker.fgraph.outputs[0]): the rewritten graph the function runs
    expect(sym.pp(f.compiled.graphOutputs[0]!)).toBe('(TensorConstant{2.0} * x)');
    expect(f.debugprint()).not.toMatch(/pow|\*\*/);
  });

  it("the logistic's gradient: grad of sum(1 / (1 + exp(-x))) over a matrix", async () => {
    const x = T.dmatrix('x');
    const s = T.sum(T.div(1, T.add(1, T.exp(x.neg()))));
    const gs = grad(s, x);
    const dlogistic = sym.function([x], gs);
    const input = [[0, 1], [-1, -2]];
    const out = (await valueOf(dlogistic, input)) as Matrix;
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    input.forEach((row, i) => row.forEach((v, j) => expect(out[i]![j]).toBeCloseTo(sig(v) * (1 - sig(v)), 15)));
    // array([[ 0.25, 0.19661193], [ 0.19661193, 0.10499359]])
    expect(out[0]![0]).toBe(0.25);
    expect(out[0]![1]).toBeCloseTo(0.19661193, 8);
    expect(out[1]![1]).toBeCloseTo(0.10499359, 8);
  });

  it('the Jacobian of x ** 2: a scan of grad(y[i], x) over arange(y.shape[0]), and jacobian', async () => {
    const x = T.dvector('x');
    const y = x.pow(2);
    const [J, updates] = sym.scan((i, yy, xx) => grad(yy.get(i), xx), { sequences: T.arange(y.shape[0]), nonSequences: [y, x] });
    const f = sym.function([x], J, { updates });
    expect(await valueOf(f, [4, 4])).toEqual([[8, 0], [0, 8]]); // array([[ 8., 0.], [ 0., 8.]])
    const g = sym.function([x], jacobian(y, x));
    expect(await valueOf(g, [4, 4])).toEqual([[8, 0], [0, 8]]);
    // the off-diagonal zeros are 0 · 2x_j: -0 where x_j < 0 (IEEE, as NumPy's 0 * -4.0), equal to 0 as numbers
    const j3 = ((await valueOf(g, [1, -2, 3])) as Matrix).map((row) => row.map((e) => e + 0));
    expect(j3).toEqual([[2, 0, 0], [0, -4, 0], [0, 0, 6]]);
  });

  it('the Hessian of sum(x ** 2): a scan of grad(gy[i], x), and hessian', async () => {
    const x = T.dvector('x');
    const y = x.pow(2);
    const cost = y.sum();
    const gy = grad(cost, x);
    const [H, updates] = sym.scan((i, g, xx) => grad(g.get(i), xx), { sequences: T.arange(gy.shape[0]), nonSequences: [gy, x] });
    const f = sym.function([x], H, { updates });
    expect(await valueOf(f, [4, 4])).toEqual([[2, 0], [0, 2]]); // array([[ 2., 0.], [ 0., 2.]])
    const h = sym.function([x], hessian(cost, x));
    expect(await valueOf(h, [4, 4])).toEqual([[2, 0], [0, 2]]);
    // a Hessian with off-diagonal terms: sum(x_i³) + x_0·x_1 has H = diag(6x) + [[0, 1], [1, 0]]
    const cubic = x.pow(3).sum().add(x.get(0).mul(x.get(1)));
    const hc = sym.function([x], hessian(cubic, x));
    expect(await valueOf(hc, [1, -2])).toEqual([[6, 1], [1, -12]]);
  });

  it("the R-operator: J·V of y = x·W with respect to W", async () => {
    const W = T.dmatrix('W');
    const V = T.dmatrix('V');
    const x = T.dvector('x');
    const y = T.dot(x, W);
    const JV = Rop(y, W, V);
    const f = sym.function([W, V, x], JV);
    expect(await valueOf(f, [[1, 1], [1, 1]], [[2, 2], [2, 2]], [0, 1])).toEqual([2, 2]); // array([ 2., 2.])
    // x·V, whatever W is, since y is linear in W
    expect(await valueOf(f, [[5, -1], [3, 2]], [[1, 2], [3, 4]], [0.5, -1])).toEqual([0.5 * 1 - 3, 0.5 * 2 - 4]);
  });

  it('the L-operator: v·J of y = x·W with respect to W', async () => {
    const W = T.dmatrix('W');
    const v = T.dvector('v');
    const x = T.dvector('x');
    const y = T.dot(x, W);
    const VJ = Lop(y, W, v);
    // the page's function takes only v and x: the gradient of x·W with respect to W does not read W
    const f = sym.function([v, x], VJ);
    expect(await valueOf(f, [2, 2], [0, 1])).toEqual([[0, 0], [2, 2]]); // array([[ 0., 0.], [ 2., 2.]])
    // the outer product x ⊗ v
    expect(await valueOf(f, [1, -3], [2, 0.5])).toEqual([[2, -6], [0.5, -1.5]]);
  });

  it('the Hessian times a vector: grad(sum(gy · v), x) and Rop(gy, x, v)', async () => {
    const x = T.dvector('x');
    const v = T.dvector('v');
    const y = T.sum(x.pow(2));
    const gy = grad(y, x);
    const vH = grad(T.sum(gy.mul(v)), x);
    const f = sym.function([x, v], vH);
    expect(await valueOf(f, [4, 4], [2, 2])).toEqual([4, 4]); // array([ 4., 4.])
    const Hv = Rop(gy, x, v);
    const g = sym.function([x, v], Hv);
    expect(await valueOf(g, [4, 4], [2, 2])).toEqual([4, 4]); // array([ 4., 4.])
    // a non-diagonal Hessian: y = sum(x³) + x0·x1, H = diag(6x) + [[0, 1], [1, 0]]
    const y3 = x.pow(3).sum().add(x.get(0).mul(x.get(1)));
    const g3 = grad(y3, x);
    const [xs, vs] = [[1, -2], [0.5, 3]];
    const expected = [6 * xs[0]! * vs[0]! + vs[1]!, vs[0]! + 6 * xs[1]! * vs[1]!];
    expect(await valueOf(sym.function([x, v], grad(T.sum(g3.mul(v)), x)), xs, vs)).toEqual(expected);
    expect(await valueOf(sym.function([x, v], Rop(g3, x, v)), xs, vs)).toEqual(expected);
  });
});
