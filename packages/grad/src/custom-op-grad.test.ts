/**
 * Gradients through sym.CustomOp (kind 'Custom'): the op's own `grad`,
 * against finite differences (verifyGrad) and against the same function
 * built from sym's ops; inside a bigger graph, under FAST_RUN and
 * FAST_COMPILE; jacobian (the batched pass calls grad per row), hessian
 * and Rop; null entries (disconnected inputs); and the errors: an op
 * without grad, a result of the wrong dtype or count. The ops are the
 * conformance suite's (@sym/backend-testkit's cases/custom-op.ts), read by
 * path: the testkit is not a dependency of this package.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { CumMax, cummax, softsign } from '../../backend-testkit/src/cases/custom-op.js';
import { DisconnectedInputError, NullGradError, Rop, grad, hessian, jacobian, verifyGrad } from './index.js';

const T = sym.T;
type V = sym.TensorVariable;

async function data(v: V, inputs: Record<string, unknown>): Promise<number[]> {
  return Array.from((await v.eval(inputs)).data, Number);
}

function expectClose(a: readonly number[], b: readonly number[], digits = 10): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, digits));
}

/** Softsign from sym's own ops, to compare with. */
const softsignOps = (x: V): V => x.div(T.abs(x).add(1));

/** -x, without a gradient. */
class NoGradNeg extends sym.CustomOp {
  readonly name = 'NoGradNeg';
  outputTypes(inputs: readonly V[]): sym.TensorType[] {
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly sym.StaticShape[]): sym.StaticShape[] {
    return [shapes[0]!];
  }
  perform([x]: readonly sym.NDArray[]): sym.NDArray[] {
    return [sym.fill(x!.shape, x!.dtype, (i) => -x!.data[i]!)];
  }
  lower(ctx: sym.LowerContext, [x]: readonly sym.TensorView[]): sym.TensorView[] {
    const d = x!.dtype;
    return [ctx.elementwise(x!.shape, d, [x!], ([a]) => ({ kind: 'apply', op: 'neg', args: [a!], computeDType: d, dtype: d }))];
  }
}

/** x * s, whose grad says no gradient flows to s (null), or answers as `answer` says. */
class ScaleBy extends sym.CustomOp {
  readonly name = 'ScaleBy';
  constructor(readonly answer: 'null' | 'float32' | 'short' | 'shorter' = 'null') {
    super();
  }
  outputTypes(inputs: readonly V[]): sym.TensorType[] {
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly sym.StaticShape[]): sym.StaticShape[] {
    return [shapes[0]!];
  }
  perform([x, s]: readonly sym.NDArray[]): sym.NDArray[] {
    return [sym.fill(x!.shape, x!.dtype, (i) => x!.data[i]! * s!.data[0]!)];
  }
  lower(ctx: sym.LowerContext, [x, s]: readonly sym.TensorView[]): sym.TensorView[] {
    const d = x!.dtype;
    return [ctx.elementwise(x!.shape, d, [x!, s!], ([a, b]) => ({ kind: 'apply', op: 'mul', args: [a!, b!], computeDType: d, dtype: d }))];
  }
  override grad([, s]: readonly V[], [g]: readonly V[]): (V | null)[] {
    if (this.answer === 'float32') return [T.cast(g!.mul(s!), 'float32'), null];
    if (this.answer === 'short') return [g!.mul(s!)];
    // one element too few, which only the run can tell for a vector of unknown length
    if (this.answer === 'shorter') return [g!.mul(s!).get(T.slice(1)), null];
    return [g!.mul(s!), null];
  }
}

describe('the gradient of a CustomOp is its grad method', () => {
  it('softsign: the same as the graph of sym ops, and finite differences agree (float64, float32)', async () => {
    const x = T.dvector('x');
    const v = [-2, -0.5, 0, 0.3, 4];
    expectClose(await data(grad(softsign(x).mul(x).sum(), x), { x: v }), await data(grad(softsignOps(x).mul(x).sum(), x), { x: v }));
    expect((await verifyGrad((a) => softsign(a).mul(T.sin(a)).sum(), [[0.1, -0.7, 1.3]])).maxAbsErr).toBeLessThan(1e-7);
    const f = T.fvector('f');
    const gf = grad(softsign(f).sum(), f);
    expect(gf.dtype).toBe('float32');
    expectClose(await data(gf, { f: [1, -3] }), [0.25, 1 / 16], 6);
  });

  it('cummax: each output gradient goes to the maximum it copied (every tied element), finite differences agree', async () => {
    const x = T.dmatrix('x');
    const w = T.dmatrix('w');
    // out = [[1, 1, 2, 5], [0, 4, 4, 6]]: row 0's first two outputs copy x[0, 0]; x[0, 1] = -3 gets nothing
    expect((await grad(cummax(x).mul(w).sum(), x).eval({ x: [[1, -3, 2, 5], [0, 4, -1, 6]], w: [[1, 10, 100, 1000], [1, 10, 100, 1000]] })).toArray()).toEqual([
      [11, 0, 100, 1000],
      [1, 110, 0, 1000],
    ]);
    // a tie: both equal elements get the gradient, as Theano's max does
    expect((await grad(cummax(x).sum(), x).eval({ x: [[2, 2, 1]] })).toArray()).toEqual([[3, 2, 0]]);
    const c = [[[0.1, 0.7, -1.3, 0.4], [0.9, -0.2, 0.3, 1.1]], [[-0.5, 0.25, 0.6, -0.8], [0.35, 0.15, -0.45, 0.05]]];
    expect((await verifyGrad((a) => cummax(a).mul(T.cos(a)).sum(), [c])).maxAbsErr).toBeLessThan(1e-7);
  });

  it('inside a bigger graph: a layer through both ops, under FAST_RUN and FAST_COMPILE', async () => {
    const x = T.dmatrix('x');
    const W = T.dmatrix('W');
    const b = T.dvector('b');
    const cost = (xv: V, Wv: V, bv: V) => cummax(softsign(T.dot(xv, Wv).add(bv))).mul(T.arange(3).add(1)).sum().add(T.sqr(Wv).sum().mul(0.1));
    const xs = [[0.2, -0.4], [1.1, 0.3], [-0.6, 0.8]];
    const report = await verifyGrad((Wv, bv) => cost(T.constant(xs), Wv, bv), [[[0.3, -1.2, 0.5], [0.7, 0.1, -0.4]], [0.05, -0.3, 0.2]]);
    expect(report.maxAbsErr).toBeLessThan(1e-7);
    const gs = grad(cost(x, W, b), [W, b]);
    const args = [xs, [[0.3, -1.2, 0.5], [0.7, 0.1, -0.4]], [0.05, -0.3, 0.2]];
    const [fast, compile] = (['FAST_RUN', 'FAST_COMPILE'] as const).map((mode) => sym.function([x, W, b], gs, { mode }).sync(...args) as sym.NDArray[]);
    fast!.forEach((g, i) => expectClose(Array.from(g.data, Number), Array.from(compile![i]!.data, Number), 12));
  });

  it('jacobian (grad called once per row), hessian and Rop', async () => {
    const x = T.dvector('x');
    const v = [1, -3, 2];
    const d = v.map((a) => 1 / (1 + Math.abs(a)) ** 2);
    expectClose(await data(jacobian(softsign(x), x), { x: v }), [d[0]!, 0, 0, 0, d[1]!, 0, 0, 0, d[2]!]);
    expect((await jacobian(cummax(x), x).eval({ x: v })).toArray()).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    // d2/dx2 of x / (1 + |x|) = -2 sign(x) / (1 + |x|)^3
    const h = v.map((a) => (-2 * Math.sign(a)) / (1 + Math.abs(a)) ** 3);
    expectClose(await data(hessian(softsign(x).sum(), x), { x: v }), [h[0]!, 0, 0, 0, h[1]!, 0, 0, 0, h[2]!]);
    const u = T.dvector('u');
    expectClose(await data(Rop(softsign(x), x, u), { x: v, u: [1, 2, 3] }), d.map((a, i) => a * (i + 1)));
  });

  it('null entries are disconnected inputs; an op without grad, or a wrong answer, is an error naming the op', async () => {
    const x = T.dvector('x');
    const s = T.dscalar('s');
    const y = new ScaleBy().apply(x, s).sum();
    expectClose(await data(grad(y, x), { x: [1, 2], s: 3 }), [3, 3]);
    expect(() => grad(y, s)).toThrow(DisconnectedInputError);
    expect(await data(grad(y, s, { disconnectedInputs: 'ignore' }), { s: 3 })).toEqual([0]);

    const noGrad = () => grad(new NoGradNeg().apply(x).sum(), x);
    expect(noGrad).toThrow(NullGradError);
    expect(noGrad).toThrow(
      'grad: NoGradNeg is not differentiable with respect to its input 0 (x (TensorType(float64, vector))): the custom op NoGradNeg defines no grad method',
    );
    // not reached by the gradient: no error
    expect(await data(grad(new NoGradNeg().apply(x).sum().add(s), s), {})).toEqual([1]);

    expect(() => grad(new ScaleBy('float32').apply(x, s).sum(), x)).toThrow(
      "ScaleBy: grad's result 0 (the gradient of input 0, x of type TensorType(float64, vector)) is Elemwise{Cast{float32}}.0 of dtype float32; it must have the input's dtype float64",
    );
    expect(() => grad(new ScaleBy('short').apply(x, s).sum(), x)).toThrow('ScaleBy: grad must return a list of 2 gradient(s), one per input (x, s), got 1 result(s)');
    expect(new CumMax().grad).toBeTypeOf('function');
  });

  it('a gradient of the wrong length, known only at run time, is refused when the function runs', async () => {
    const x = T.dvector('x');
    const s = T.dscalar('s');
    const gx = grad(new ScaleBy('shorter').apply(x, s).sum(), x);
    await expect(gx.eval({ x: [1, 2, 3], s: 2 })).rejects.toThrow(
      "ScaleBy: grad's result 0 (the gradient of input 0, x of type TensorType(float64, vector)) has shape (2,) where the input has shape (3,) (dimension 0 differs)",
    );
  });
});
