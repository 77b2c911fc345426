/** grad-helpers.ts: considerConstant, undefinedGrad and subgraphGrad against hand-derived gradients. */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { NullGradError, considerConstant, grad, subgraphGrad, undefinedGrad } from './index.js';

const T = sym.T;
const num = async (v: sym.TensorVariable, inputs: sym.TensorVariable[], args: number[]) => ((await sym.function(inputs, v)(...args)) as sym.NDArray).data[0];

describe('considerConstant', () => {
  it('is x forward, with no gradient behind it', async () => {
    const x = T.dscalar('x');
    const c = considerConstant(x.mul(x));
    // d/dx (x * c) with c = x^2 held constant: c, not 3 x^2
    const g = grad(x.mul(c), x);
    expect(await num(c, [x], [3])).toBe(9);
    expect(await num(g, [x], [3])).toBe(9);
  });
});

describe('undefinedGrad', () => {
  it('is x forward; a gradient through it raises NullGradError, one around it does not', async () => {
    const x = T.dscalar('x');
    const y = T.dscalar('y');
    const u = undefinedGrad(x.mul(2));
    expect(await num(u, [x], [4])).toBe(8);
    expect(() => grad(u.mul(y), x)).toThrow(NullGradError);
    expect(() => grad(u.mul(y), x)).toThrow(/UndefinedGrad is not differentiable .*its gradient is undefined/);
    // y's gradient does not pass through the undefined one
    expect(await num(grad(u.mul(y), y), [x], [4])).toBe(8);
  });
});

describe('subgraphGrad', () => {
  // two layers chained by hand: h = tanh(w1 x), cost = (w2 h)^2
  const x = T.dscalar('x');
  const w1 = T.dscalar('w1');
  const w2 = T.dscalar('w2');
  const h = T.tanh(w1.mul(x));
  const cost = w2.mul(h).pow(2);
  const at = [0.7, 1.3, -0.4] as const;
  const [xv, a, b] = at;
  const hv = Math.tanh(a * xv);
  it("gives the upper part's gradients and the one to pass down, which the lower part takes as start", async () => {
    const [[gw2], [gh]] = subgraphGrad([w2], [h], { cost });
    expect(await num(gw2!, [x, w1, w2], [...at])).toBeCloseTo(2 * b * hv * hv, 14);
    expect(await num(gh!, [x, w1, w2], [...at])).toBeCloseTo(2 * b * b * hv, 14);
    const [[gw1]] = subgraphGrad([w1], [], { start: [[h, gh!]] });
    const want = 2 * b * b * hv * (1 - hv * hv) * xv;
    expect(await num(gw1!, [x, w1, w2], [...at])).toBeCloseTo(want, 14);
    expect(await num(grad(cost, w1), [x, w1, w2], [...at])).toBeCloseTo(want, 14);
  });
  it('adds the cost to start, and with details returns both parts', async () => {
    const extra = h.mul(3);
    const [[gw1], , startGrads, costGrads] = subgraphGrad([w1], [], { start: new Map([[h, T.constant(2, { dtype: 'float64' })]]), cost: extra, details: true });
    const dh = (1 - hv * hv) * xv;
    expect(await num(gw1!, [x, w1], [xv, a])).toBeCloseTo(2 * dh + 3 * dh, 14);
    expect(await num(startGrads![0]!, [x, w1], [xv, a])).toBeCloseTo(2 * dh, 14);
    expect(await num(costGrads![0]!, [x, w1], [xv, a])).toBeCloseTo(3 * dh, 14);
  });
  it('refuses nothing to differentiate and what is not a list of variables', () => {
    expect(() => subgraphGrad([w1], [])).toThrow(/subgraphGrad: give start \(known gradients\) or a cost/);
    expect(() => subgraphGrad(w1 as never, [], { cost })).toThrow(/subgraphGrad: wrt must be a list of symbolic variables/);
    expect(() => subgraphGrad([w1], [3 as never], { cost })).toThrow(/subgraphGrad: end\[0\] must be a symbolic variable/);
    expect(() => subgraphGrad([w1], [], { cost, starts: [] } as never)).toThrow(/subgraphGrad: unknown option "starts"/);
  });
});
