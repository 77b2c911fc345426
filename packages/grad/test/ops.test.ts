import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import {
  jacobian,
  GradientError,
  GradientOp,
  NullGradError,
  ZERO,
  disconnectedGrad,
  grad,
  gradClip,
  gradScale,
  notDifferentiable,
  verifyGrad,
  zeroGrad,
  type GradContext,
  type InputGrad,
} from '../src/index.js';

const T = sym.T;

/** x * x computed as one op, with a gradient rule that is wrong on purpose (or missing). */
class Square extends GradientOp {
  constructor(readonly rule: 'wrong' | 'none' | 'zero') {
    super();
  }
  key() {
    return `square:${this.rule}`;
  }
  override toString() {
    return `Square{${this.rule}}`;
  }
  outputTypes(inputs: readonly sym.TensorVariable[]) {
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly sym.StaticShape[]) {
    return [shapes[0]!];
  }
  perform(inputs: readonly sym.NDArray[]) {
    const x = inputs[0]!;
    return [new sym.NDArray(x.data.map((v) => v * v), x.shape, x.dtype)];
  }
  lower(ctx: sym.LowerContext, inputs: readonly sym.TensorView[], node: sym.Apply) {
    const d = node.outputs[0]!.dtype;
    return [ctx.elementwise(inputs[0]!.shape, d, inputs, ([a]) => ({ kind: 'apply', op: 'mul', args: [a!, a!], computeDType: d, dtype: d }))];
  }
  disconnectedInputs() {
    return [];
  }
  gradRule(c: GradContext): InputGrad[] {
    if (this.rule === 'none') return [notDifferentiable('Square{none} is a test op without a gradient')];
    if (this.rule === 'zero') return [ZERO];
    return [c.gz.mul(c.x[0]!)]; // misses the factor 2
  }
}

const square = (rule: Square['rule'], x: sym.TensorVariable) => sym.apply1(new Square(rule), [x]);

describe('gradient-only ops', () => {
  it('are the identity in the forward pass and print by name', async () => {
    const x = T.dvector('x');
    const y = gradScale(gradClip(zeroGrad(x), -1, 1), 2);
    expect((await y.eval({ x: [1, -2] })).toArray()).toEqual([1, -2]);
    expect(sym.debugprint(y)).toContain('GradScale{2}');
    expect(sym.pp(disconnectedGrad(x))).toContain('DisconnectedGrad');
  });

  it('zeroGrad zeroes the path through it and keeps the others', async () => {
    const x = T.dscalar('x');
    const g = grad(zeroGrad(x).mul(x), x);
    expect((await g.eval({ x: 3 })).toArray()).toBe(3);
    expect((await grad(zeroGrad(x).mul(2), x).eval({ x: 3 })).toArray()).toBe(0);
  });

  it('disconnectedGrad disconnects: differentiating only through it raises', async () => {
    const x = T.dscalar('x');
    expect(() => grad(disconnectedGrad(x).mul(2), x)).toThrow(/does not depend on x/);
    expect((await grad(disconnectedGrad(x).mul(x), x).eval({ x: 3 })).toArray()).toBe(3);
  });

  it('gradClip clips and gradScale scales the gradient that flows back', async () => {
    const x = T.dvector('x');
    const g = grad(gradClip(x, -1, 0.5).mul(T.constant([5, -5, 0.25])).sum(), x);
    expect((await g.eval({ x: [1, 1, 1] })).toArray()).toEqual([0.5, -1, 0.25]);
    const s = grad(gradScale(x.pow(2), -0.5).sum(), x);
    expect((await s.eval({ x: [1, 2] })).toArray()).toEqual([-1, -2]);
    expect(() => gradClip(x, 1, 0)).toThrow(/lo \(1\) must not exceed hi \(0\)/);
  });

  it('overrides that alter the gradient differently have different keys (merge takes equal keys for one op)', () => {
    const x = T.dvector('x');
    const key = (v: sym.TensorVariable) => v.owner!.op.key();
    // JSON wrote both infinities as null
    expect(key(gradScale(x, Infinity))).not.toBe(key(gradScale(x, -Infinity)));
    expect(key(gradClip(x, Infinity, Infinity))).not.toBe(key(gradClip(x, -Infinity, Infinity)));
    expect(key(gradClip(x, -Infinity, 1))).not.toBe(key(gradClip(x, -1, 1)));
    expect(key(gradScale(x, 2))).toBe(key(gradScale(T.dvector('y'), 2)));
  });
});

describe('ops without a gradient, and verifyGrad catching wrong ones', () => {
  it('an op declared not differentiable raises a clear error when differentiated through', () => {
    const x = T.dvector('x');
    expect(() => grad(square('none', x).sum(), x)).toThrow(NullGradError);
    expect(() => grad(square('none', x).sum(), x)).toThrow(/Square\{none\} is not differentiable with respect to its input 0 \(x \(TensorType\(float64, vector\)\)\)/);
    // ... but only when the gradient has to pass through it
    const y = T.dvector('y');
    expect(() => grad(square('none', x).sum().add(y.sum()), y)).not.toThrow();
  });

  it('verifyGrad reports the worst element of a wrong gradient', async () => {
    const err = await verifyGrad((x) => square('wrong', x), [[1, -3, 2]]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GradientError);
    const report = (err as GradientError).report;
    expect(report.worst!.index).toEqual([1]);
    expect(report.worst!.numeric / report.worst!.analytic).toBeCloseTo(2, 5);
    expect((err as Error).message).toMatch(/input 0 at index \[1\]/);
    await expect(verifyGrad((x) => square('zero', x), [[1]])).rejects.toThrow(GradientError);
  });

  it('verifyGrad validates its arguments', async () => {
    await expect(verifyGrad((x) => x, [])).rejects.toThrow(/non-empty list/);
    await expect(verifyGrad((x) => T.argmax(x), [[1, 2]])).rejects.toThrow(/float tensor/);
    await expect(verifyGrad((x) => x, [[1, 2]], { broadcastable: [[true]] })).rejects.toThrow(/does not fit its shape/);
  });

  it('the ops of gradient graphs agree with their reference perform in DebugMode', async () => {
    const m = T.dmatrix('m');
    const v = T.dvector('v');
    const cost = gradClip(m.flatten(), -0.5, 0.5).mul(v).sum();
    const outs = [grad(cost, m), jacobian(T.tanh(v).mul(v), v)];
    const f = sym.function([m, v], outs, { mode: 'DebugMode' });
    const [gm, J] = await f([[1, 2], [3, 4]], [0.25, -1, 2, 0]);
    expect(gm!.toArray()).toEqual([[0.25, -0.5], [0.5, 0]]);
    expect(J!.shape).toEqual([4, 4]);
  });
});
