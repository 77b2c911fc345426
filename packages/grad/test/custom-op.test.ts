/**
 * Theano's "Extending Theano: creating a new Op" (its DoubleOp) written
 * on GradientOp, the lower-level form the guide's "Writing your own op"
 * mentions (its examples subclass sym.CustomOp: custom-op-grad.test.ts):
 * type and shape inference, a reference `perform`, a lowering to the
 * kernel IR (so it runs on every backend) and a gradient rule over the
 * reverse pass's context, in one class.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { GradientOp, grad, verifyGrad, type GradContext, type InputGrad } from '../src/index.js';

const T = sym.T;

/** Theano's DoubleOp: 2 * x, elementwise. */
class DoubleOp extends GradientOp {
  // equal keys mean one computation: the optimizer merges two doubles of one x
  key(): string {
    return 'DoubleOp';
  }
  override toString(): string {
    return 'DoubleOp';
  }
  outputTypes(inputs: readonly sym.TensorVariable[]): sym.TensorType[] {
    const [x] = inputs;
    if (inputs.length !== 1 || !sym.isFloat(x!.dtype)) throw new TypeError(`DoubleOp: expected one float tensor, got ${inputs.map((v) => v.type).join(', ')}`);
    return [x!.type];
  }
  inferShape(shapes: readonly sym.StaticShape[]): sym.StaticShape[] {
    return [shapes[0]!];
  }
  // the reference, in plain TypeScript: DebugMode and the conformance suite compare with it
  perform(inputs: readonly sym.NDArray[]): sym.NDArray[] {
    const x = inputs[0]!;
    return [sym.fill(x.shape, x.dtype, (i) => 2 * x.data[i]!)];
  }
  // how it runs on every backend: one elementwise kernel computing x * 2 (fusion merges it with its neighbours)
  lower(ctx: sym.LowerContext, inputs: readonly sym.TensorView[]): sym.TensorView[] {
    const x = inputs[0]!;
    const two: sym.ConstExpr = { kind: 'const', value: 2, dtype: x.dtype };
    return [ctx.elementwise(x.shape, x.dtype, [x], ([v]) => ({ kind: 'apply', op: 'mul', args: [v!, two], computeDType: x.dtype, dtype: x.dtype }))];
  }
  // d(2x)/dx = 2: the output's gradient, doubled
  gradRule({ gz }: GradContext): InputGrad[] {
    return [gz.mul(2)];
  }
  disconnectedInputs(): readonly number[] {
    return [];
  }
}

const double = (x: sym.TensorLike): sym.TensorVariable => sym.apply1(new DoubleOp(), [sym.asTensor(x)]);

describe("GradientOp: Theano's DoubleOp", () => {
  it('computes, prints, and checks its input type', async () => {
    const x = T.matrix('x');
    const f = sym.function([x], double(x));
    expect((await f([[1, 2], [3, 4]])).toArray()).toEqual([
      [2, 4],
      [6, 8],
    ]);
    expect(sym.pp(double(x))).toBe('DoubleOp(x)');
    expect(() => double(T.imatrix('i'))).toThrow(/DoubleOp: expected one float tensor, got TensorType\(int32, matrix\)/);
  });

  it('agrees with its reference in DebugMode and fuses with the ops around it', () => {
    const x = T.vector('x');
    const f = sym.function([x], double(x).add(1).exp(), { mode: 'DebugMode' });
    expect((f.sync([0, 0.5]) as sym.NDArray).toArray()).toEqual([Math.exp(1), Math.exp(2)]);
    expect(sym.function([x], double(x).add(1).exp()).compiled.kernelCount([0, 0.5])).toBe(1);
  });

  it('differentiates by its rule: grad and verifyGrad', async () => {
    const x = T.dvector('x');
    const g = grad(double(x).pow(2).sum(), x);
    // d/dx sum((2x)^2) = 8x
    expect((await g.eval({ x: [1, -2, 3] })).toArray()).toEqual([8, -16, 24]);
    const report = await verifyGrad((v) => T.sin(double(v)).sum(), [[0.1, 0.7, -1.3]]);
    expect(report.maxAbsErr).toBeLessThan(1e-6);
  });
});
