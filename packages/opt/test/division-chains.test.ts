/**
 * A chain `x / y / y / ...` keeps `y` below the bar at every node, so
 * mul_div_cancel and exp_over_1_plus_exp (both asked whether a divisor
 * that is not a constant exists) read the whole product at each node:
 * 4000 links took seconds, 10,000 links 15 s. Both now ask a remembered
 * question of each node first (whether a factor cancels; whether a
 * divisor is 1 + exp(x)) and read a product only where it may pay. These
 * tests count the factors `productTerms` reads rather than time anything.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TensorVariable } from '@sym/graph';
import * as match from '../src/match.js';
import { optimizeGraph } from '../src/index.js';
import { T } from './helpers.js';

let factorsRead = 0;
vi.mock('../src/match.js', async (original) => {
  const m = await original<typeof import('../src/match.js')>();
  return {
    ...m,
    productTerms: (v: TensorVariable) => {
      const p = m.productTerms(v);
      factorsRead += p.num.length + p.den.length;
      return p;
    },
  };
});

afterEach(() => {
  factorsRead = 0;
});

function divisionChain(top: TensorVariable, y: TensorVariable, links: number): TensorVariable {
  let z = top;
  for (let i = 0; i < links; i++) z = z.div(y);
  return z;
}

describe('rewrites on division chains read each product a bounded number of times', () => {
  it.each([1000, 4000])('FAST_RUN of x / y / y ... (%i links, nothing to rewrite) reads no product whole', (links) => {
    const [x, y] = [T.vector('x'), T.vector('y')];
    const z = divisionChain(x, y, links);
    const r = optimizeGraph([z], 'FAST_RUN');
    expect(r.outputs[0]).toBe(z);
    expect([...r.applied]).toEqual([]);
    // before: every node read the product below it, 1 + 2 + ... + links factors (twice 8,006,000 factors at 4000 links: two rewrites asked)
    expect(factorsRead).toBe(0);
  });

  it('FAST_RUN of x * y / y / y ... cancels the one y at the bottom and reads only that product', () => {
    const links = 3000;
    const [x, y] = [T.vector('x'), T.vector('y')];
    const r = optimizeGraph([divisionChain(x.mul(y), y, links)], 'FAST_RUN');
    expect(r.applied.get('mul_div_cancel')).toBe(1);
    expect(match.productTerms(r.outputs[0]!)).toEqual({ num: [x], den: Array<TensorVariable>(links - 1).fill(y), negative: false });
    // the node (x * y) / y: x and y above, y below (and the call just above, 3000 factors)
    expect(factorsRead).toBe(3 + links);
  });

  it('still cancels and still finds exp(x) / (1 + exp(x)) at the top of a long division chain', () => {
    const [x, y, w] = [T.vector('x'), T.vector('y'), T.vector('w')];
    const links = 2000;
    const cancelled = optimizeGraph([divisionChain(x, y, links).mul(y)], 'FAST_RUN');
    expect(cancelled.applied.get('mul_div_cancel')).toBe(1);
    const onePlusExp = T.add(1, T.exp(w));
    const sig = optimizeGraph([divisionChain(T.exp(w), y, links).div(onePlusExp)], 'FAST_RUN');
    expect(sig.applied.get('exp_over_1_plus_exp')).toBe(1);
    expect(match.hasCancellingFactor(divisionChain(x, y, links))).toBe(false);
    expect(match.hasVariableDivisor(divisionChain(x, y, links))).toBe(true);
  });

  it('FAST_RUN of x / y1 / y2 / ... (4000 distinct divisors) reads no product whole', () => {
    const x = T.vector('x');
    let z = x;
    for (let i = 0; i < 4000; i++) z = z.div(T.vector(`y${i}`));
    expect(optimizeGraph([z], 'FAST_RUN').outputs[0]).toBe(z);
    expect(factorsRead).toBe(0);
  });

  it('hasCancellingFactor: a factor that is not a constant on both sides, through negations, shared operands and other dtypes', () => {
    const [a, s, t] = [T.vector('a'), T.vector('s'), T.vector('t')];
    expect(match.hasCancellingFactor(a.div(s).mul(s))).toBe(true);
    expect(match.hasCancellingFactor(a.div(s).mul(t))).toBe(false);
    expect(match.hasCancellingFactor(a.mul(a).div(a))).toBe(true);
    expect(match.hasCancellingFactor(T.neg(a.div(s)).mul(T.neg(s)))).toBe(true);
    // s / (t / s): both s above
    expect(match.hasCancellingFactor(s.div(t.div(s)))).toBe(false);
    expect(match.hasCancellingFactor(s.div(s.div(t)))).toBe(true);
    // constants never cancel
    const two = T.constant(2);
    expect(match.hasCancellingFactor(a.mul(two).div(two))).toBe(false);
    // one product read by two others: the second reads it again
    const q = a.div(s);
    expect([match.hasCancellingFactor(q.mul(t)), match.hasCancellingFactor(q.mul(s)), match.hasCancellingFactor(q.mul(a))]).toEqual([false, true, false]);
    // a product of another dtype is one factor as it stands
    const i = T.ivector('i');
    const f = T.cast(i.mul(i), 'float64');
    expect(match.hasCancellingFactor(a.mul(f).div(f))).toBe(true);
    expect(match.hasCancellingFactor(a.mul(T.cast(i, 'float64')).div(f))).toBe(false);
  });

  it('a float32 product inside a float64 one is one factor, also after it was asked about itself (its counts kept for a reader)', () => {
    const [x, z] = [T.vector('x', 'float32'), T.vector('z', 'float32')];
    const w = T.vector('w', 'float64');
    const v = x.mul(z);
    const u = v.mul(w);
    // asked children first, as a sweep does: v's own counts (x, z) were kept for a reader and taken by u, which reads v as one factor
    expect([match.hasCancellingFactor(v), match.hasCancellingFactor(u), match.hasCancellingFactor(u.div(v))]).toEqual([false, false, true]);
    const [x2, z2] = [T.vector('x', 'float32'), T.vector('z', 'float32')];
    const w2 = T.vector('w', 'float64');
    const v2 = x2.mul(z2);
    const r = optimizeGraph([v2.mul(w2).div(v2)], 'FAST_RUN');
    expect(r.applied.get('mul_div_cancel')).toBe(1);
    expect(r.outputs[0]).toBe(w2);
  });
});
