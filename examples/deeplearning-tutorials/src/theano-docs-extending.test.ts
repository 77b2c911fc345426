/**
 * Theano's documentation page "Extending Theano" (tutorial/extending_theano.html)
 * as a third-party author writes it with sym: the page's DoubleOp as a
 * `sym.CustomOp` (Theano's make_node is `outputTypes` plus `apply`,
 * __eq__/__hash__ the op's `name` and `params()`, perform the reference
 * `perform`, and a `lower` to the kernel IR that Theano's c_code stands
 * for), tested as the page tests it: the basic test, the infer_shape test,
 * verify_grad and the R-operator; the exercise's x * y and (x + y, x - y)
 * ops; and `as_op` (`sym.asOp`) wrapping a plain function.
 *
 * By design: a CustomOp has no R_op to write (sym builds J·v from the
 * op's grad, so the page's R_op method has no twin; Rop is checked
 * against the Jacobian), and InferShapeTester's "the op is not in the
 * shape graph" is asserted as "its kernel is not launched" (sym's graph
 * keeps the node as the shape's input, unrun).
 */
import * as sym from '@sym/graph';
import { Lop, Rop, grad, jacobian, verifyGrad } from '@sym/grad';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, useFloat64 } from './test-support.js';

const T = sym.T;

const constOf = (value: number, dtype: sym.DType): sym.ScalarExpr => ({ kind: 'const', value, dtype });
const apply = (op: 'mul' | 'add' | 'sub', a: sym.ScalarExpr, b: sym.ScalarExpr, dtype: sym.DType): sym.ScalarExpr => ({ kind: 'apply', op, args: [a, b], computeDType: dtype, dtype });
const elementwise = (shape: readonly number[], dtype: sym.DType, f: (i: number) => number): sym.NDArray => sym.fill(shape, dtype, f);

/** Double each element of a tensor (the page's DoubleOp). */
class DoubleOp extends sym.CustomOp {
  readonly name = 'DoubleOp';
  constructor(readonly wrongGrad = false) {
    super();
  }
  outputTypes([x]: readonly sym.TensorVariable[]): sym.TensorType[] {
    return [x!.type];
  }
  inferShape(shapes: readonly sym.StaticShape[]): sym.StaticShape[] {
    return [shapes[0]!];
  }
  perform([x]: readonly sym.NDArray[]): sym.NDArray[] {
    return [elementwise(x!.shape, x!.dtype, (i) => x!.data[i]! * 2)];
  }
  lower(ctx: sym.LowerContext, [x]: readonly sym.TensorView[]): sym.TensorView[] {
    const d = x!.dtype;
    return [ctx.elementwise(x!.shape, d, [x!], ([v]) => apply('mul', v!, constOf(2, d), d))];
  }
  override grad(_inputs: readonly sym.TensorVariable[], [g]: readonly sym.TensorVariable[]): sym.TensorLike[] {
    // the page: "If you want to see it fail, you can implement an incorrect gradient (for instance, by removing the multiplication by 2)"
    return [this.wrongGrad ? g! : g!.mul(2)];
  }
}

/** The exercise: x * y. */
class ProdOp extends sym.CustomOp {
  readonly name = 'ProdOp';
  outputTypes([x, y]: readonly sym.TensorVariable[]): sym.TensorType[] {
    if (!x!.type.equals(y!.type)) throw new TypeError(`ProdOp: x and y must have one type, got ${x!.type} and ${y!.type}`);
    return [x!.type];
  }
  inferShape([xs]: readonly sym.StaticShape[]): sym.StaticShape[] {
    return [xs!];
  }
  perform([x, y]: readonly sym.NDArray[]): sym.NDArray[] {
    return [elementwise(x!.shape, x!.dtype, (i) => x!.data[i]! * y!.data[i]!)];
  }
  lower(ctx: sym.LowerContext, [x, y]: readonly sym.TensorView[]): sym.TensorView[] {
    const d = x!.dtype;
    return [ctx.elementwise(x!.shape, d, [x!, y!], ([a, b]) => apply('mul', a!, b!, d))];
  }
  override grad([x, y]: readonly sym.TensorVariable[], [g]: readonly sym.TensorVariable[]): sym.TensorLike[] {
    return [g!.mul(y!), g!.mul(x!)];
  }
}

/** The exercise: two outputs, x + y and x - y. */
class SumDiffOp extends sym.CustomOp {
  readonly name = 'SumDiffOp';
  outputTypes([x]: readonly sym.TensorVariable[]): sym.TensorType[] {
    return [x!.type, x!.type];
  }
  inferShape([xs]: readonly sym.StaticShape[]): sym.StaticShape[] {
    return [xs!, xs!];
  }
  perform([x, y]: readonly sym.NDArray[]): sym.NDArray[] {
    return [elementwise(x!.shape, x!.dtype, (i) => x!.data[i]! + y!.data[i]!), elementwise(x!.shape, x!.dtype, (i) => x!.data[i]! - y!.data[i]!)];
  }
  lower(ctx: sym.LowerContext, [x, y]: readonly sym.TensorView[]): sym.TensorView[] {
    const d = x!.dtype;
    return (['add', 'sub'] as const).map((op) => ctx.elementwise(x!.shape, d, [x!, y!], ([a, b]) => apply(op, a!, b!, d)));
  }
  override grad(_inputs: readonly sym.TensorVariable[], [gSum, gDiff]: readonly sym.TensorVariable[]): sym.TensorLike[] {
    return [gSum!.add(gDiff!), gSum!.sub(gDiff!)];
  }
}

const rand = (rng: sym.RandomState, shape: number[]) => rng.randomSample(shape);

describe("Theano's Extending Theano page", () => {
  useFloat64();
  const rng = new sym.RandomState(1234);

  it('DoubleOp: f(inp) is inp * 2 for a random (5, 4) matrix, in FAST_RUN, FAST_COMPILE and DebugMode (perform against the kernel)', async () => {
    const x = T.matrix();
    const inp = rand(rng, [5, 4]);
    for (const mode of ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const) {
      const f = sym.function([x], new DoubleOp().apply(x), { mode });
      const out = (await f(inp)) as sym.NDArray;
      expect(maxAbsDiff(out.data, Array.from(inp.data, (v) => v * 2)), mode).toBe(0);
    }
  });

  it("__eq__/__hash__/__str__: equal DoubleOps merge into one node, printed by name", () => {
    const x = T.matrix('x');
    expect(new DoubleOp().toString()).toBe('DoubleOp');
    expect(new DoubleOp().key()).toBe(new DoubleOp().key());
    const f = sym.function([x], [new DoubleOp().apply(x), new DoubleOp().apply(x)]);
    const nodes = sym.toposort(f.compiled.graphOutputs).filter((n) => n.op instanceof DoubleOp);
    expect(nodes.length).toBe(1);
    expect(sym.pp(new DoubleOp().apply(x).add(1))).toBe('(DoubleOp(x) + TensorConstant{1})');
  });

  it("infer_shape: the shape of DoubleOp(x) is x's, asked without running the op", async () => {
    const x = T.matrix();
    const inp = rand(rng, [5, 4]); // not square, as the page advises
    const f = sym.function([x], new DoubleOp().apply(x).shape);
    expect((await f(inp)).map(Number)).toEqual([5, 4]);
    expect(f.compiled.kernelCount(inp)).toBe(sym.function([x], x.shape).compiled.kernelCount(inp));
    // its static shape follows x's where known
    expect(new DoubleOp().apply(T.specifyShape(x, [5, 4])).staticShape).toEqual([5, 4]);
  });

  it('verify_grad(DoubleOp, [rand(5, 7, 2)]) passes, and fails for the gradient without the factor 2', async () => {
    const point = rand(rng, [5, 7, 2]);
    // verify_grad projects a non-scalar output on a random direction; sym's takes the cost, here that projection written out
    const direction = rand(rng, [5, 7, 2]);
    const cost = (op: DoubleOp) => (x: sym.TensorVariable) => op.apply(x).mul(T.constant(direction)).sum();
    const report = await verifyGrad(cost(new DoubleOp()), [point]);
    expect(report.maxAbsErr).toBeLessThan(1e-6);
    await expect(verifyGrad(cost(new DoubleOp(true)), [point])).rejects.toThrow(/gradient/i);
  });

  it('the R-operator: Rop(DoubleOp(x), x, v) is J·v = 2v, and Lop v·J = 2v, against the Jacobian', async () => {
    const x = T.vector('x');
    const v = T.vector('v');
    const y = new DoubleOp().apply(x);
    const f = sym.function([x, v], [Rop(y, x, v), Lop(y, x, v), T.dot(jacobian(y, x), v)]);
    const [rop, lop, jv] = (await f([0.5, -1, 3], [1, 2, -4])).map((a) => a.toArray());
    expect(rop).toEqual([2, 4, -8]);
    expect(lop).toEqual([2, 4, -8]);
    expect(jv).toEqual(rop);
  });

  it('the exercise: x * y, and two outputs x + y and x - y, with their gradients', async () => {
    const x = T.matrix('x');
    const y = T.matrix('y');
    const [xv, yv] = [rand(rng, [3, 4]), rand(rng, [3, 4])];
    const prod = sym.function([x, y], new ProdOp().apply(x, y));
    expect(maxAbsDiff(((await prod(xv, yv)) as sym.NDArray).data, Array.from(xv.data, (a, i) => a * yv.data[i]!))).toBe(0);
    const [s, d] = new SumDiffOp().applyAll(x, y);
    const sd = sym.function([x, y], [s!, d!]);
    const [sv, dv] = (await sd(xv, yv)) as sym.NDArray[];
    expect(maxAbsDiff(sv!.data, Array.from(xv.data, (a, i) => a + yv.data[i]!))).toBe(0);
    expect(maxAbsDiff(dv!.data, Array.from(xv.data, (a, i) => a - yv.data[i]!))).toBe(0);
    await verifyGrad((a, b) => new ProdOp().apply(a!, b!).pow(2).sum(), [xv, yv]);
    await verifyGrad((a, b) => {
      const [p, q] = new SumDiffOp().applyAll(a!, b!);
      return p!.mul(q!.exp()).sum();
    }, [xv, yv]);
    // grad of x - y with respect to y is -1, through the op's second output only
    const [, gy] = grad(new SumDiffOp().applyAll(x, y)[1]!.sum(), [x, y]);
    expect(((await sym.function([x, y], gy!)(xv, yv)) as sym.NDArray).toArray()).toEqual(new Array(3).fill(new Array(4).fill(-1)));
    expect(() => new ProdOp().apply(x, T.vector('w'))).toThrow('ProdOp: x and y must have one type, got TensorType(float64, matrix) and TensorType(float64, vector)');
  });

  it('as_op: a plain function of arrays (numpy_dot) made an op, run on the host between programs, without gradient', async () => {
    const dmatrix = T.dmatrix().type;
    // @as_op(itypes=[T.dmatrix, T.dmatrix], otypes=[T.dmatrix]) def numpy_dot(a, b): return numpy.dot(a, b)
    const numpyDot = sym.asOp({ itypes: [dmatrix, dmatrix], otypes: [dmatrix] }, function numpyDot(a: sym.NDArray, b: sym.NDArray) {
      const [A, B] = [a.toArray() as number[][], b.toArray() as number[][]];
      return A.map((row) => B[0]!.map((_, j) => row.reduce((acc, e, k) => acc + e * B[k]![j]!, 0)));
    });
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    const z = numpyDot(x.mul(2), y) as sym.TensorVariable;
    const f = sym.function([x, y], z.add(1));
    const [xv, yv] = [rand(rng, [2, 3]), rand(rng, [3, 4])];
    const expected = ((await sym.function([x, y], T.dot(x.mul(2), y).add(1))(xv, yv)) as sym.NDArray).data;
    expect(maxAbsDiff(((await f(xv, yv)) as sym.NDArray).data, expected)).toBeLessThan(1e-14);
    expect(() => grad(z.sum(), x)).toThrow(/numpyDot runs on the host and has no gradient \(as Theano's as_op\)/);
    expect(() => numpyDot(T.fmatrix('q'), y)).toThrow('numpyDot: input 0 (q) has type TensorType(float32, matrix), but itypes[0] is TensorType(float64, matrix)');
  });
});
