/**
 * Gradients through sym.opFromGraph: the inner graph's (against finite
 * differences and against the unwrapped graph), a straight-through
 * estimator, gradient reversal and a stable log-sum-exp override; null and
 * zero entries; shared variables; jacobian, hessian and Rop; the override's
 * results checked.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { DisconnectedInputError, Rop, grad, gradClip, hessian, jacobian, verifyGrad } from './index.js';

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

describe('the gradient of an opFromGraph without an override is its inner graph’s', () => {
  const x = T.dmatrix('x');
  const y = T.dvector('y');
  for (const inline of [true, false]) {
    const f = sym.opFromGraph([x, y], [T.tanh(T.dot(x, y)), x.mul(y).sum()], { name: 'pair', inline });

    it(`agrees with finite differences (inline: ${inline})`, async () => {
      await verifyGrad(
        (a: V, b: V) => {
          const [p, q] = f(a, b) as [V, V];
          return p.pow(2).sum().add(q.mul(0.5));
        },
        [[[0.3, -0.7, 1.1], [0.2, 0.5, -0.4]], [0.9, -0.3, 0.6]],
      );
    });

    it(`equals the gradient of the unwrapped graph, also when one output gets none (inline: ${inline})`, async () => {
      const [a, b] = [T.dmatrix('a'), T.dvector('b')];
      const [p] = f(a, b) as [V, V];
      const wrapped = grad(p.sum(), [a, b]);
      const plain = grad(T.tanh(T.dot(a, b)).sum(), [a, b]);
      const vals = { a: [[0.3, -0.7, 1.1], [0.2, 0.5, -0.4]], b: [0.9, -0.3, 0.6] };
      for (let i = 0; i < 2; i++) expectClose(await data(wrapped[i]!, vals), await data(plain[i]!, vals), 12);
    });
  }

  it('nested opFromGraphs, and one op applied twice, differentiate through each node', async () => {
    const u = T.dvector('u');
    const sq = sym.opFromGraph([u], u.mul(u), { name: 'sq' });
    const v = T.dvector('v');
    const quartic = sym.opFromGraph([v], sq(sq(v)).add(sq(v)), { name: 'quartic', inline: false });
    await verifyGrad((a: V, b: V) => quartic(a).sum().add(quartic(b.mul(a)).sum()), [[0.5, -1.2], [0.3, 0.8]]);
  });

  it('reaches a shared variable the graph reads (an implicit input)', async () => {
    const W = sym.shared(sym.array([[1, 2], [3, 4]], { dtype: 'float64' }), { name: 'W' });
    const u = T.dvector('u');
    const layer = sym.opFromGraph([u], T.tanh(T.dot(W, u)), { name: 'layer' });
    const a = T.dvector('a');
    const [ga, gW] = grad(layer(a).sum(), [a, W]);
    const [pa, pW] = grad(T.tanh(T.dot(W, a)).sum(), [a, W]);
    expectClose(await data(ga!, { a: [0.1, -0.2] }), await data(pa!, { a: [0.1, -0.2] }), 12);
    expectClose(await data(gW!, { a: [0.1, -0.2] }), await data(pW!, { a: [0.1, -0.2] }), 12);
  });

  it('an input no output depends on is disconnected', () => {
    const [u, w] = [T.dvector('u'), T.dvector('w')];
    const first = sym.opFromGraph([u, w], u.mul(2), { name: 'first' });
    const [a, b] = [T.dvector('a'), T.dvector('b')];
    expect(() => grad(first(a, b).sum(), b)).toThrow(DisconnectedInputError);
  });

  it('gives jacobian, hessian and Rop of the inner graph', async () => {
    const u = T.dvector('u');
    const lse = sym.opFromGraph([u], T.log(T.exp(u).sum()), { name: 'lse' });
    const w = T.dvector('w');
    const pt = { w: [0.1, 0.2, 0.3] };
    const plain = T.log(T.exp(w).sum());
    expectClose(await data(hessian(lse(w), w), pt), await data(hessian(plain, w), pt), 12);
    expectClose(await data(jacobian(lse(w).mul(w), w), pt), await data(jacobian(plain.mul(w), w), pt), 12);
    expectClose(await data(Rop(lse(w).mul(w), w, [[1, -1, 2]]), pt), await data(Rop(plain.mul(w), w, [[1, -1, 2]]), pt), 12);
  });
});

describe('a gradient override', () => {
  const x = T.dvector('x');
  const roundSte = sym.opFromGraph([x], T.round(x), { name: 'round_ste', grad: (_inputs, [g]) => [g!] });
  const pt = { v: [0.2, 0.4, 1.3] };

  it('is used: a straight-through round is round forward, identity backward', async () => {
    const v = T.dvector('v');
    const y = roundSte(v.mul(2)).mul(v);
    expect(await data(y, pt)).toEqual([0, 0.4, 3.9000000000000004]);
    // d/dv [round(2v) v] with round' taken as 1: round(2v) + 2v
    expectClose(await data(grad(y.sum(), v), pt), [0.4, 1.8, 5.6], 12);
    // without the override, round has a zero gradient
    expectClose(await data(grad(T.round(v.mul(2)).mul(v).sum(), v), pt), [0, 1, 3], 12);
  });

  it('reverses a gradient (gradient reversal), and receives the node’s inputs and outputs', async () => {
    const u = T.dvector('u');
    const seen: string[] = [];
    const flip = sym.opFromGraph([u], T.exp(u), {
      name: 'flip_exp',
      grad: (inputs, [g], outputs) => {
        seen.push(`${inputs[0]} ${outputs[0]!.owner!.op}`);
        return [g!.mul(outputs[0]!).neg()];
      },
    });
    const v = T.dvector('v');
    expectClose(await data(grad(flip(v).sum(), v), pt), pt.v.map((p) => -Math.exp(p)), 12);
    // first asked once with the op's own inner graph (which inputs it answers null for, as PyTensor builds its gradient op from them)
    expect(seen).toEqual(['u Elemwise{exp,no_inplace}', 'v OpFromGraph{flip_exp}']);
  });

  it('gives a stable log-sum-exp gradient (softmax) where the naive graph overflows', async () => {
    const u = T.dvector('u');
    const naive = T.log(T.exp(u).sum());
    const lse = sym.opFromGraph([u], naive, { name: 'lse', grad: ([a], [g]) => [g!.mul(T.nnet.softmax(a!))], inline: false });
    const v = T.dvector('v');
    const big = { v: [1000, 1001, 999] };
    const sm = [Math.exp(0) / (1 + Math.E + Math.exp(-1)), Math.E / (1 + Math.E + Math.exp(-1)), Math.exp(-1) / (1 + Math.E + Math.exp(-1))];
    expectClose(await data(grad(lse(v), v), big), sm, 12);
  });

  it('takes null (disconnected), 0 (zero) and a number (broadcast) per input', async () => {
    const [u, w, s] = [T.dvector('u'), T.dvector('w'), T.dvector('s')];
    const f = sym.opFromGraph([u, w, s], u.mul(w).add(s), { name: 'three', grad: () => [null, 0, 2] });
    const [a, b, c] = [T.dvector('a'), T.dvector('b'), T.dvector('c')];
    const gs = grad(f(a, b, c).sum(), [a, b, c], { disconnectedInputs: 'ignore' });
    const vals = { a: [1, 2], b: [3, 4], c: [5, 6] };
    expect(await data(gs[0]!, vals)).toEqual([0, 0]);
    expect(await data(gs[1]!, vals)).toEqual([0, 0]);
    expect(await data(gs[2]!, vals)).toEqual([2, 2]);
  });

  it('null disconnects the input as Theano’s DisconnectedType does: grad and jacobian raise unless told to ignore, Rop still sees the inner graph', async () => {
    const [u, w] = [T.dvector('u'), T.dvector('w')];
    for (const inline of [true, false]) {
      const f = sym.opFromGraph([u, w], u.mul(w), { name: 'stop_w', inline, grad: (_, [g]) => [g!, null] });
      const [a, b] = [T.dvector('a'), T.dvector('b')];
      // both were zeros
      expect(() => grad(f(a, b).sum(), b)).toThrow(DisconnectedInputError);
      expect(() => jacobian(f(a, b), b)).toThrow(DisconnectedInputError);
      const vals = { a: [1, 2], b: [3, 4] };
      expect(await data(grad(f(a, b).sum(), b, { disconnectedInputs: 'ignore' }), vals)).toEqual([0, 0]);
      // b reaches the cost through another path: that path's gradient alone
      expect(await data(grad(f(a, b).sum().add(b.sum()), b), vals)).toEqual([1, 1]);
      expect(await data(grad(f(a, b).sum(), a), vals)).toEqual([1, 1]);
      expect(await data(Rop(f(a, b), b, [[1, 1]]), vals)).toEqual([1, 2]);
    }
  });

  it('is called once per row in jacobian’s batched pass (a scan), and hessian differentiates its graph', async () => {
    const v = T.dvector('v');
    const J = jacobian(roundSte(v.mul(2)), v);
    expect(await data(J, pt)).toEqual([2, 0, 0, 0, 2, 0, 0, 0, 2]);
    const u = T.dvector('u');
    const cube = sym.opFromGraph([u], u.pow(3), { name: 'cube', grad: ([a], [g]) => [g!.mul(a!.pow(2)).mul(3)] });
    expectClose(await data(hessian(cube(v).sum(), v), pt), [1.2, 0, 0, 0, 2.4, 0, 0, 0, 7.8], 12);
  });

  it('does not apply in Rop: J v is the Jacobian of what the node computes, as for gradClip', async () => {
    const v = T.dvector('v');
    expect(await data(Rop(roundSte(v.mul(2)), v, [[1, 1, 1]]), pt)).toEqual([0, 0, 0]);
    const u = T.dvector('u');
    const clipped = sym.opFromGraph([u], gradClip(u, -0.1, 0.1).mul(3), { name: 'clipped' });
    expect(await data(Rop(clipped(v), v, [[1, 1, 1]]), pt)).toEqual([3, 3, 3]);
  });

  it('answers for the declared inputs; shared variables get the inner graph’s gradient', async () => {
    const W = sym.shared(sym.array([2, 3], { dtype: 'float64' }), { name: 'W' });
    const u = T.dvector('u');
    const f = sym.opFromGraph([u], u.mul(W), { name: 'scaled', grad: ([a], [g]) => [g!.mul(10)] });
    const v = T.dvector('v');
    const [gv, gW] = grad(f(v).sum(), [v, W]);
    expect(await data(gv!, { v: [1, 5] })).toEqual([10, 10]);
    expect(await data(gW!, { v: [1, 5] })).toEqual([1, 5]);
  });
});

describe('a gradient override’s results are checked', () => {
  const x = T.dvector('x');
  const y = T.dmatrix('y');
  const v = T.dvector('v');
  const m = T.dmatrix('m');
  const build = (g: sym.OpFromGraphGrad) => sym.opFromGraph([x, y], T.dot(y, x), { name: 'mv', grad: g });

  it('its count', () => {
    expect(() => grad(build(() => [null])(v, m).sum(), v)).toThrow('OpFromGraph{mv}: the grad override must return a list of 2 gradient(s), one per input (x, y), got 1 result(s)');
    expect(() => grad(build((() => undefined) as never)(v, m).sum(), v)).toThrow(/must return a list of 2 gradient\(s\).*got undefined/);
  });

  it('dtypes, ranks and static shapes', () => {
    expect(() => grad(build(([a]) => [a!.astype('float32'), null])(v, m).sum(), v)).toThrow(
      "OpFromGraph{mv}: the grad override's result 0 (the gradient of input 0, v of type TensorType(float64, vector)) is Elemwise{Cast{float32}}.0 of dtype float32; it must have the input's dtype float64 (cast it: .astype('float64'))",
    );
    expect(() => grad(build(([, b]) => [b!, null])(v, m).sum(), v)).toThrow(/result 0 \(the gradient of input 0, v .*\) is m of type TensorType\(float64, matrix\): 2 dimensions where the input has 1/);
    const c = T.constant([1, 2, 3], { dtype: 'float64' });
    // 0, not null: null disconnects m, and grad would refuse m before it builds the gradient
    expect(() => grad(build(() => [c, 0])(T.zeros([2]), m).sum(), m)).toThrow(/result 0 .* has shape \(3,\) where the input has shape \(2,\) \(dimension 0 differs\)/);
    expect(() => grad(build(() => [undefined as never, null])(v, m).sum(), v)).toThrow(/result 0 .* is undefined; return null for no gradient, 0 for a zero gradient/);
  });

  it('lengths known only at run time: checked when the function runs, against a root input', async () => {
    // the gradient of v drops v's first element: (2,) for (3,), fine when built, refused when run
    const gv = grad(build(([, b], [g]) => [T.dot(g!, b!).get(T.slice(1)), null])(v, m).sum(), v);
    await expect(gv.eval({ v: [1, 2, 3], m: [[1, 2, 3]] })).rejects.toThrow(
      "OpFromGraph{mv}: the grad override's result 0 (the gradient of input 0, v of type TensorType(float64, vector)) has shape (2,) where the input has shape (3,) (dimension 0 differs)",
    );
    // the right length passes
    const ok = grad(build(([, b], [g]) => [T.dot(g!, b!), null])(v, m).sum(), v);
    expect(Array.from((await ok.eval({ v: [1, 2, 3], m: [[1, 2, 3]] })).data)).toEqual([1, 2, 3]);
  });
});
