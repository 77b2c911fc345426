import { describe, expect, it } from 'vitest';
import { both, T, values } from './helpers.js';

/** Stabilized forms stay finite where the naive expression overflows or underflows. */
describe('stabilized forms are finite where the naive ones are not', () => {
  const cases: { what: string; build: (x: ReturnType<typeof T.vector>) => ReturnType<typeof T.vector>; arg: number[]; want: number[] }[] = [
    { what: 'log(sigmoid(x))', build: (x) => T.log(T.sigmoid(x)), arg: [-1000, 0], want: [-1000, -Math.LN2] },
    { what: 'log(1 - sigmoid(x))', build: (x) => T.log(T.sub(1, T.sigmoid(x))), arg: [1000, 0], want: [-1000, -Math.LN2] },
    { what: 'log(1 + exp(x))', build: (x) => T.log(T.add(1, T.exp(x))), arg: [1000, 0], want: [1000, Math.LN2] },
    { what: 'log(1 + x)', build: (x) => T.log(T.add(1, x)), arg: [1e-20], want: [1e-20] },
    { what: 'exp(x) - 1', build: (x) => T.exp(x).sub(1), arg: [1e-20], want: [1e-20] },
    { what: 'log(sum(exp(x)))', build: (x) => T.log(T.sum(T.exp(x))), arg: [1000, 1000], want: [1000 + Math.LN2] },
    { what: 'log(softmax(x))', build: (x) => T.log(T.softmax(x)), arg: [0, -1000], want: [0, -1000] },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const x = T.vector('x');
      const { opt, plain } = both([x], c.build(x));
      const [naive] = values(await plain(c.arg));
      const [stable] = values(await opt(c.arg));
      // the naive graph really does lose the value (inf, -inf, 0 or NaN) ...
      expect(naive!.some((v, i) => v !== c.want[i] && Math.abs(v - c.want[i]!) > 1e-3 * Math.abs(c.want[i]!))).toBe(true);
      // ... and the stable one keeps it
      stable!.forEach((v, i) => {
        if (Number.isFinite(c.want[i]!)) expect(v).toBeCloseTo(c.want[i]!, 10);
        else expect(v).toBe(c.want[i]);
      });
    });
  }

  it('log-sum-exp of all -inf stays -inf (no inf - inf)', async () => {
    const x = T.vector('x');
    const { opt, plain } = both([x], T.log(T.sum(T.exp(x))));
    expect((await plain([-Infinity, -Infinity])).data[0]).toBe(-Infinity);
    expect((await opt([-Infinity, -Infinity])).data[0]).toBe(-Infinity);
    expect((await opt([Infinity, 0])).data[0]).toBe(Infinity);
  });

  it('log(softmax(x)) of a row with +inf or NaN is NaN, as softmax is (only an all -inf max is taken as 0)', async () => {
    const x = T.matrix('x');
    const { opt, plain } = both([x], T.log(T.softmax(x)));
    const rows = [[Infinity, 0, 1], [NaN, 0, 1], [-Infinity, -Infinity, -Infinity], [-Infinity, 0, 1000]];
    const want = [[NaN, NaN, NaN], [NaN, NaN, NaN], [NaN, NaN, NaN], [-Infinity, -1000, 0]];
    expect(values(await opt(rows))[0]).toEqual(want.flat());
    expect(values(await plain(rows))[0]!.slice(0, 9)).toEqual(want.flat().slice(0, 9));
  });

  it('softmax cross-entropy stays finite for confident wrong predictions', async () => {
    const x = T.matrix('x');
    const y = T.matrix('y');
    const loss = T.neg(T.sum(y.mul(T.log(T.softmax(x)))));
    const { opt, plain } = both([x, y], loss);
    const args = [[[800, 0, -800]], [[0, 0, 1]]];
    expect(Number.isFinite((await plain(...args)).data[0])).toBe(false);
    expect((await opt(...args)).data[0]).toBeCloseTo(1600, 9);
  });
});

describe('functions compiled before the optimizer is installed', () => {
  it('are rewritten when they first run (backends loaded by name bring the optimizer late)', async () => {
    const { setOptimizer, getOptimizer } = await import('@sym/graph');
    const installed = getOptimizer();
    setOptimizer(undefined);
    try {
      const x = T.vector('x');
      const sym = await import('@sym/graph');
      const f = sym.function([x], T.log(T.sigmoid(x)));
      setOptimizer(installed);
      expect(Array.from((await f([-800])).data)).toEqual([-800]);
      expect(f.debugprint()).toContain('softplus');
    } finally {
      setOptimizer(installed);
    }
  });
});
