/**
 * The R-operator override of sym.opFromGraph (`rop`, Theano's
 * rop_overrides): Rop uses it in place of the inner graph (seen with an
 * override that differs from the inner graph's derivative on purpose),
 * for several inputs and outputs, with and without inlining; null, 0 and
 * numbers; shared variables get the inner graph's; Gauss-Newton products
 * (Lop of Rop) and Hessian-vector products (Rop of a gradient) through
 * it; inside a scan's step, whose gradient pass Rop now marks as its own
 * (gradScale there scaled J v); its results checked.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Lop, Rop, grad, gradScale, hessianVectorProduct } from './index.js';

const T = sym.T;
type V = sym.TensorVariable;

/** The value of v, given values by name (those of variables v does not read are left out). */
async function data(v: V, inputs: Record<string, unknown>): Promise<number[]> {
  const read = new Set(sym.graphLeaves([v]).map((l) => l.name));
  return Array.from((await v.eval(Object.fromEntries(Object.entries(inputs).filter(([k]) => read.has(k))))).data, Number);
}

function expectClose(a: readonly number[], b: readonly number[], digits = 10): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, digits));
}

const pt = { x: [0.5, -1, 2], d: [1, 2, -1] };

describe('an R-operator override', () => {
  const u = T.dvector('u');
  for (const inline of [true, false]) {
    it(`replaces the inner graph's in Rop, not in grad (inline: ${inline})`, async () => {
      // the inner graph's derivative is 3 u^2; the override answers 10 v, to show which is used
      const cube = sym.opFromGraph([u], u.pow(3), { name: 'cube', inline, rop: (_x, [v]) => [v!.mul(10)] });
      const x = T.dvector('x');
      const d = T.dvector('d');
      expect(await data(Rop(cube(x), x, d), pt)).toEqual([10, 20, -10]);
      // through the rest of the graph: d(cube(2x) * 3) = 3 * 10 * (2 d)
      expect(await data(Rop(cube(x.mul(2)).mul(3), x, d), pt)).toEqual([60, 120, -60]);
      expectClose(await data(grad(cube(x).sum(), x), pt), [0.75, 3, 12], 12);
    });
  }

  it('receives the node’s inputs, an eval point per declared input and the outputs; several outputs, null and 0', async () => {
    const w = T.dvector('w');
    const seen: string[] = [];
    const f = sym.opFromGraph([u, w], [u.mul(w), u.add(w), w.mul(2)], {
      name: 'pair',
      rop: ([a, b], [da, db], outs) => {
        seen.push(`${outs.length} ${da!.type} ${db!.type}`);
        return [da!.mul(b!).add(a!.mul(db!)), 0, null];
      },
    });
    const x = T.dvector('x');
    const y = T.dvector('y');
    const d = T.dvector('d');
    const e = T.dvector('e');
    const [p, s, t] = f(x, y);
    const values = { ...pt, y: [1, 3, -2], e: [0, 1, 1] };
    // d(x y) = d y + x e
    expect(await data(Rop(p!, [x, y], [d, e]), values)).toEqual([1, 5, 4]);
    // the override says 0 and null: no derivative, though the inner graph's is d + e and 2 e
    expect(await data(Rop(s!, [x, y], [d, e]), values)).toEqual([0, 0, 0]);
    expect(await data(Rop(t!, [x, y], [d, e]), values)).toEqual([0, 0, 0]);
    expect(seen[0]).toBe('3 TensorType(float64, vector) TensorType(float64, vector)');
  });

  it('answers for the declared inputs; a shared variable the graph reads gets the inner graph’s', async () => {
    const W = sym.shared(sym.array([2, 3, 4], { dtype: 'float64' }), { name: 'W' });
    const f = sym.opFromGraph([u], u.mul(W), { name: 'scaled', rop: (_x, [v]) => [v!.mul(100)] });
    const x = T.dvector('x');
    const dW = T.dvector('dW');
    // d(x W) along (d, dW) = 100 d (the override) + x dW (the inner graph)
    expect(await data(Rop(f(x), [x, W], [T.dvector('d'), dW]), { ...pt, dW: [1, 1, 1] })).toEqual([100.5, 199, -98]);
  });

  it('gives Gauss-Newton products J^T (J v) (Lop of Rop) and Hessian-vector products (Rop of the gradient)', async () => {
    // sin with its own gradient and R-operator (both the true ones): GN and HVP agree with the plain graph's
    const f = sym.opFromGraph([u], T.sin(u), { name: 'sin', grad: ([a], [g]) => [g!.mul(T.cos(a!))], rop: ([a], [v]) => [v!.mul(T.cos(a!))] });
    const x = T.dvector('x');
    const d = T.dvector('d');
    const gn = Lop(f(x), x, Rop(f(x), x, d));
    expectClose(await data(gn, pt), await data(Lop(T.sin(x), x, Rop(T.sin(x), x, d)), pt), 14);
    const cost = f(x).pow(2).sum();
    const hv = Rop(grad(cost, x), x, d);
    expectClose(await data(hv, pt), await data(hessianVectorProduct(T.sin(x).pow(2).sum(), x, d), pt), 12);
  });
});

describe("Rop through a scan's step differentiates what the step computes", () => {
  const x = T.dvector('x');
  const d = T.dvector('d');
  it('gradScale in the step is an identity there, as outside a scan (J v was scaled by 5)', async () => {
    const ys = sym.scan((xt: V) => gradScale(xt, 5).mul(2), { sequences: [x] })[0] as V;
    expect(await data(Rop(ys, x, d), pt)).toEqual([2, 4, -2]);
    expect(await data(grad(ys.sum(), x), pt)).toEqual([10, 10, 10]);
  });
  it('an opFromGraph in the step uses its rop override', async () => {
    const u = T.dscalar('u');
    const cube = sym.opFromGraph([u], u.pow(3), { name: 'cube', rop: (_x, [v]) => [v!.mul(10)] });
    const ys = sym.scan((xt: V) => cube(xt), { sequences: [x] })[0] as V;
    expect(await data(Rop(ys, x, d), pt)).toEqual([10, 20, -10]);
  });
});

describe('an R-operator override’s results are checked', () => {
  const u = T.dvector('u');
  const x = T.dvector('x');
  const d = T.dvector('d');
  it('its count', () => {
    const f = sym.opFromGraph([u], u.mul(2), { name: 'twice', rop: (_x, [v]) => [v!, v!] });
    expect(() => Rop(f(x), x, d)).toThrow(/OpFromGraph\{twice\}: the rop override must return a list of 1 R-operator\(s\), one per output, got 2 result\(s\)/);
  });
  it('dtypes, ranks and static shapes', () => {
    const f32 = sym.opFromGraph([u], u.mul(2), { name: 'f', rop: (_x, [v]) => [v!.astype('float32')] });
    expect(() => Rop(f32(x), x, d)).toThrow(/the rop override's result 0 \(the R-operator of output 0, .* of type TensorType\(float64, vector\)\) is .* of dtype float32; it must have the output's dtype float64/);
    const rank = sym.opFromGraph([u], u.mul(2), { name: 'f', rop: (_x, [v]) => [T.outer(v!, v!)] });
    expect(() => Rop(rank(x), x, d)).toThrow(/2 dimensions where the output has 1/);
    const p = T.tensor('float64', [false], 'p');
    const fixed = sym.opFromGraph([p], T.specifyShape(p, [3]), { name: 'f', rop: (_x, [v]) => [T.specifyShape(v!, [4])] });
    expect(() => Rop(fixed(x), x, d)).toThrow(/has shape \(4,\) where the output has shape \(3,\) \(dimension 0 differs\)/);
    const undef = sym.opFromGraph([u], u.mul(2), { name: 'f', rop: () => [undefined as unknown as null] });
    expect(() => Rop(undef(x), x, d)).toThrow(/is undefined; return null or 0/);
  });
  it('linearity in the eval points, as far as the graph shows it: a constant or a result that reads none of them is refused', () => {
    const constant = sym.opFromGraph([u], u.mul(2), { name: 'f', rop: () => [1.5] });
    expect(() => Rop(constant(x), x, d)).toThrow(/the rop override's result 0 .* is the constant 1.5: an R-operator is linear in the eval points; return 0 or null for an output that does not move/);
    const input = sym.opFromGraph([u], u.mul(2), { name: 'f', rop: ([a]) => [a!.mul(2)] });
    expect(() => Rop(input(x), x, d)).toThrow(/the rop override's result 0 .* reads none of the eval points \(the second argument\); an R-operator is linear in them/);
  });
  it('the option itself', () => {
    expect(() => sym.opFromGraph([u], u.mul(2), { rop: 3 as never })).toThrow(/opFromGraph: rop must be a function \(inputs, evalPoints, outputs\) => outputRops, got number/);
  });
});
