/**
 * A shape claim under an ifelse's branch is checked only when that branch
 * is taken, as Theano's lazy ifelse evaluates it: `ifelse(c,
 * specify_shape(x, (2, 2)).sum(), 0)` with c false and x 3x3 is 0 in
 * Theano. Every claim was checked once per program, before any kernel ran,
 * whichever branch the call took, so that raised in every mode. A claim
 * also read outside the branches (or by both) is checked whatever the
 * condition, as Theano evaluates it either way.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { T, cpu, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const MODES = ['FAST_RUN', 'FAST_COMPILE', 'DebugMode', 'NanGuardMode'] as const;
const { grad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: V, w: V | V[]) => V | V[] };
const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });
const filled = (n: number, v = 1) => f64(Array.from({ length: n }, () => Array.from({ length: n }, () => v)));
const num = (r: unknown) => Number((r as sym.NDArray).item());
const CLAIM = 'specifyShape: x has shape (3, 3), but the shape specified is (2, 2)';

/** Kernel launches of a call. */
function launches(call: () => unknown): number {
  const run = vi.spyOn(cpu, 'run');
  try {
    call();
    return run.mock.calls.reduce((n, [ls]) => n + ls.length, 0);
  } finally {
    run.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('a shape claim under an ifelse branch', () => {
  it.each(MODES)("%s: not taken, it is not checked and the call gives Theano's value; taken, a lying claim raises naming it", async (mode) => {
    const c = T.dscalar('c');
    const x = T.dmatrix('x');
    const f = sym.function([c, x], sym.ifelse(c, T.specifyShape(x, [2, 2]).sum(), 0), { mode });
    expect(num(f.sync(0, filled(3)))).toBe(0);
    expect(num(await f(0, filled(3)))).toBe(0);
    expect(() => f.sync(1, filled(3))).toThrow(CLAIM);
    await expect(f(1, filled(3))).rejects.toThrow(CLAIM);
    expect(num(f.sync(1, filled(2)))).toBe(4);
    expect(num(f.sync(0, filled(2)))).toBe(0);
    // the same shapes again: the program (or its lazy twin) is kept
    expect(num(f.sync(0, filled(3)))).toBe(0);
    expect(() => f.sync(1, filled(3))).toThrow(CLAIM);
  });

  it.each(MODES)('%s: a claimed length read alone (FAST_RUN folds it), the condition computed on the device', async (mode) => {
    const [a, b] = [T.dscalar('a'), T.dscalar('b')];
    const x = T.dmatrix('x');
    const length = T.specifyShape(x.mul(2), [2, 2]).shape[0]!;
    const f = sym.function([a, b, x], sym.ifelse(T.lt(a, b), length, T.constant(-1, { dtype: length.dtype })), { mode });
    expect(num(f.sync(2, 1, filled(3)))).toBe(-1);
    expect(num(await f(2, 1, filled(3)))).toBe(-1);
    expect(() => f.sync(1, 2, filled(3))).toThrow('specifyShape: (x * 2) has shape (3, 3), but the shape specified is (2, 2)');
    expect(num(f.sync(1, 2, filled(2)))).toBe(2);
  });

  it.each(MODES)('%s: nested ifelse: checked only when both branches above it are taken', (mode) => {
    const [c1, c2] = [T.dscalar('c1'), T.dscalar('c2')];
    const x = T.dmatrix('x');
    const inner = sym.ifelse(c2, T.specifyShape(x, [2, 2]).sum(), 1);
    const f = sym.function([c1, c2, x], sym.ifelse(c1, inner, 2), { mode });
    expect(num(f.sync(1, 0, filled(3)))).toBe(1);
    expect(num(f.sync(0, 1, filled(3)))).toBe(2);
    expect(num(f.sync(0, 0, filled(3)))).toBe(2);
    expect(() => f.sync(1, 1, filled(3))).toThrow(CLAIM);
    expect(num(f.sync(1, 1, filled(2)))).toBe(4);
  });

  it.each(MODES)('%s: a claim read by both branches, or beside the ifelse, is checked whichever branch is taken (Theano evaluates it either way)', (mode) => {
    const c = T.dscalar('c');
    const x = T.dmatrix('x');
    const s = T.specifyShape(x, [2, 2]).sum();
    const both = sym.function([c, x], sym.ifelse(c, s, s.mul(2)), { mode });
    expect(() => both.sync(0, filled(3))).toThrow(CLAIM);
    expect(() => both.sync(1, filled(3))).toThrow(CLAIM);
    expect(num(both.sync(0, filled(2)))).toBe(8);
    const beside = sym.function([c, x], [sym.ifelse(c, s, 0), s.add(1)], { mode });
    expect(() => beside.sync(0, filled(3))).toThrow(CLAIM);
  });

  it.each(MODES)("%s: in a function with the ifelse's gradient: the claim the gradient does not read stays under its branch", (mode) => {
    const c = T.dscalar('c');
    const x = T.dmatrix('x');
    const w = T.dvector('w');
    const cost = sym.ifelse(c, T.specifyShape(x, [2, 2]).sum(), w.mul(w).sum());
    const f = sym.function([c, x, w], [cost, grad(cost, w) as V], { mode });
    const [value, gw] = f.sync(0, filled(3), [1, 2]) as sym.NDArray[];
    expect(value!.item()).toBe(5);
    expect(gw!.toArray()).toEqual([2, 4]);
    expect(() => f.sync(1, filled(3), [1, 2])).toThrow(CLAIM);
    const [taken, zero] = f.sync(1, filled(2), [1, 2]) as sym.NDArray[];
    expect(taken!.item()).toBe(4);
    expect(zero!.toArray()).toEqual([0, 0]);
  });

  it.each(MODES)("%s: a claim the gradient reads through the branch's nodes is checked whatever the condition (Theano's IfElse.grad is an ifelse of the output's gradient; the chain rule through the branch is not under it)", (mode) => {
    const c = T.dscalar('c');
    const x = T.dmatrix('x');
    const cost = sym.ifelse(c, T.specifyShape(x, [2, 2]).mul(x).sum(), 0);
    const f = sym.function([c, x], grad(cost, x) as V, { mode });
    expect(() => f.sync(0, filled(3))).toThrow(CLAIM);
    expect((f.sync(0, filled(2)) as sym.NDArray).toArray()).toEqual([[0, 0], [0, 0]]);
    expect((f.sync(1, filled(2, 3)) as sym.NDArray).toArray()).toEqual([[6, 6], [6, 6]]);
  });

  it.each(MODES)("%s: under a branch inside an opFromGraph's body, decided as one outside it", (mode) => {
    const [cc, a] = [T.dscalar('cc'), T.dmatrix('a')];
    const op = sym.opFromGraph([cc, a], [sym.ifelse(cc, T.specifyShape(a, [2, 2]).sum(), a.max())]);
    const c = T.dscalar('c');
    const x = T.dmatrix('x');
    const f = sym.function([c, x], (op(c, x) as V[])[0]!, { mode });
    expect(num(f.sync(0, filled(3, 2)))).toBe(2);
    expect(() => f.sync(1, filled(3))).toThrow('specifyShape: a has shape (3, 3), but the shape specified is (2, 2)');
  });

  it("inside a scan's step, a claim under a branch is checked at every call (the step's claims are checked once, for every step)", () => {
    const c = T.dscalar('c');
    const x = T.dmatrix('x');
    const [ys] = sym.scan((row: V, cond: V) => sym.ifelse(cond, T.specifyShape(row, [2]).sum(), row.max()), { sequences: x, nonSequences: c });
    const f = sym.function([c, x], ys as V);
    expect(() => f.sync(0, filled(3))).toThrow('specifyShape: x[t] has shape (3,), but the shape specified is (2,)');
    expect((f.sync(0, f64([[1, 2], [3, 4]])) as sym.NDArray).toArray()).toEqual([2, 4]);
  });

  it('a failed call changes no shared variable; a claim that holds costs no kernel (FAST_RUN)', () => {
    const c = T.dscalar('c');
    const x = T.dmatrix('x');
    const total = sym.shared(f64(0), { name: 'total' });
    const make = (claim: boolean) => {
      const branch = claim ? T.specifyShape(x, [2, 2]).sum() : x.sum();
      const out = sym.ifelse(c, branch, x.max());
      return sym.function([c, x], out, { updates: [[total, total.add(out)]] });
    };
    const [claimed, plain] = [make(true), make(false)];
    expect(launches(() => claimed.sync(1, filled(2)))).toBe(launches(() => plain.sync(1, filled(2))));
    expect(claimed.compiled.kernelCount(1, filled(2))).toBe(plain.compiled.kernelCount(1, filled(2)));
    const before = Number(total.getValue());
    expect(() => claimed.sync(1, filled(3))).toThrow(CLAIM);
    expect(Number(total.getValue())).toBe(before);
    expect(num(claimed.sync(0, filled(3, 2)))).toBe(2);
    expect(Number(total.getValue())).toBe(before + 2);
  });

  it("keeps sym's error for branches of other shapes (both run eagerly) when no claim under a branch fails", () => {
    const c = T.dscalar('c');
    const [x, y] = [T.dvector('x'), T.dvector('y')];
    const f = sym.function([c, x, y], sym.ifelse(c, T.specifyShape(x, [2]), y));
    expect(() => f.sync(0, [1, 2], [1, 2, 3])).toThrow('so their shapes must be the same');
  });
});

describe('a call run lazily (a claim under the branch not taken refused its program)', () => {
  it('draws of a random variable under the branch not taken advance as on the eager route (Theano computes its default update whatever the branch)', () => {
    const make = () => {
      const srng = new sym.RandomStreams(7);
      const [c, x] = [T.dscalar('c'), T.dmatrix('x')];
      const r = srng.uniform([]);
      const f = sym.function([c, x], sym.ifelse(c, T.specifyShape(x, [2, 2]).sum().add(r), x.max()));
      return { f, peek: sym.function([], r, { noDefaultUpdates: true }) };
    };
    const [eager, lazy] = [make(), make()];
    for (let call = 0; call < 3; call++) {
      expect(num(eager.f.sync(0, filled(2, 4)))).toBe(4);
      expect(num(lazy.f.sync(0, filled(3, 4)))).toBe(4);
      expect(num(lazy.peek.sync())).toBe(num(eager.peek.sync()));
    }
  });

  it('is counted once in the profile, as an eager call', async () => {
    const [c, x] = [T.dscalar('c'), T.dmatrix('x')];
    const f = sym.function([c, x], sym.ifelse(c, T.specifyShape(x, [2, 2]).sum(), x.max()), { profile: true });
    f.sync(0, filled(3));
    await f(0, filled(3));
    expect(() => f.sync(1, filled(3))).toThrow(CLAIM);
    f.sync(0, filled(2));
    expect(f.compiled.profile!.calls).toBe(3);
  });

  it('is counted once in the profile in a function of host stages (nonzero), its lazy call one stage of the call', () => {
    const [c, v, x] = [T.dscalar('c'), T.dvector('v'), T.dmatrix('x')];
    const nonzero = T.nonzero(v)[0]!;
    const f = sym.function([c, v, x], [nonzero.sum(), sym.ifelse(c, T.specifyShape(x, [2, 2]).sum(), x.max())], { profile: true });
    for (let call = 1; call <= 2; call++) {
      expect((f.sync(0, f64([1, 0, 1]), filled(3, 4)) as sym.NDArray[]).map(num)).toEqual([2, 4]);
      expect(f.compiled.profile!.calls).toBe(call);
    }
  });
});

describe('kernelCount', () => {
  it('of shapes a call runs lazily says so (it raised the claim of the branch the call does not take)', () => {
    const [c, x] = [T.dscalar('c'), T.dmatrix('x')];
    const f = sym.function([c, x], sym.ifelse(c, T.specifyShape(x, [2, 2]).sum(), x.max()));
    expect(num(f.sync(0, filled(3, 2)))).toBe(2);
    expect(() => f.compiled.kernelCount(0, filled(3))).toThrow(
      `function: kernelCount: a shape claim under an ifelse branch refused the program of these shapes (${CLAIM}); a call of them runs lazily, its kernels those of the branches its conditions take: call the function instead`,
    );
    expect(f.compiled.kernelCount(0, filled(2))).toBeGreaterThan(0);
  });
});

describe('the functions of lazy calls', () => {
  it('are one per combination of the conditions of ifelses whose branches hold a claim: an ifelse around it, whose both branches read it, is computed as eagerly (stochastic depth made one per combination of its layers)', async () => {
    const { LazyBranches } = await import('./lazy-branches.js');
    const c = T.dscalar('c');
    const x = T.dmatrix('x');
    const layers = Array.from({ length: 6 }, (_, i) => T.dscalar(`keep${i}`));
    let h = sym.ifelse(c, T.specifyShape(x, [2, 2]), x.mul(1));
    for (const [i, keep] of layers.entries()) h = sym.ifelse(keep, T.tanh(h.add(i)), h);
    const inputs = [c, x, ...layers];
    const compiled: string[] = [];
    const lazy = new LazyBranches([h.sum()], inputs, 1, [], false, (ins, outs, options) => {
      compiled.push(options.name!);
      return sym.function(ins, outs, options).compiled;
    });
    for (let combination = 0; combination < 2 ** layers.length; combination++) {
      const keeps = layers.map((_, i) => f64((combination >> i) & 1));
      const [sum] = lazy.runSync([f64(0), filled(3, 0.5), ...keeps], undefined, 0);
      const expected = layers.reduce((v, _, i) => ((combination >> i) & 1 ? Math.tanh(v + i) : v), 0.5);
      expect(sum!.item()).toBeCloseTo(9 * expected, 12);
    }
    // c, an input, is read from the arguments: no function computes it
    expect(compiled).toEqual(['branches taken']);
    expect(() => lazy.runSync([f64(1), filled(3), ...layers.map(() => f64(1))], undefined, 0)).toThrow(CLAIM);
    lazy.dispose();
  });
});
