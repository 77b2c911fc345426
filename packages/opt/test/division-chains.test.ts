/**
 * A chain `x / y / y / ...` keeps `y` below the bar at every node, so
 * mul_div_cancel and exp_over_1_plus_exp (both asked whether a divisor
 * that is not a constant exists) read the whole product at each node:
 * 4000 links took seconds, 10,000 links 15 s. Both now ask a remembered
 * question of each node first (whether a factor may cancel; whether a
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
    expect(match.mayCancel(divisionChain(x, y, links))).toBe(false);
    expect(match.hasVariableDivisor(divisionChain(x, y, links))).toBe(true);
  });
});
