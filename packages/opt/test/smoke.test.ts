import { describe, expect, it } from 'vitest';
import { T, sym, opNames } from './helpers.js';

describe('smoke', () => {
  it('rewrites and runs', async () => {
    const x = T.vector('x');
    const f = sym.function([x], T.log(T.sigmoid(x)));
    console.log(f.debugprint());
    console.log(opNames(f.compiled.graphOutputs));
    const r = await f([-1000, 0, 1000]);
    console.log(r.toString());
    expect(Number.isFinite(r.data[0]!)).toBe(true);
    const g = sym.function([x], x.mul(2).add(1).exp().sum());
    console.log(g.compiled.kernelCount([1, 2, 3]), (await g([1, 2, 3])).toString());
  });
});
