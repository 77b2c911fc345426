/**
 * RandomStreams' permutation, choice without replacement, poisson and
 * shuffleRowElements: the distributions (chi-square against the exact
 * probabilities, moments), shapes and dtypes, seeding, default updates and
 * failed calls, scan steps, the gradient through a shuffle, and errors.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
const values = (a: sym.NDArray | sym.NDArray[]): number[] => Array.from((a as sym.NDArray).data as ArrayLike<number>);
const rows = (xs: readonly number[], n: number): number[][] => Array.from({ length: xs.length / n }, (_, i) => xs.slice(i * n, i * n + n));
const isPermutation = (row: readonly number[]): boolean => [...row].sort((a, b) => a - b).every((v, i) => v === i);

function tally(keys: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** The chi-square statistic of observed counts against expected ones, and its 0.1% critical value (Wilson-Hilferty). */
function chiSquare(observed: readonly number[], expected: readonly number[]): { stat: number; critical: number } {
  const stat = observed.reduce((s, o, i) => s + (o - expected[i]!) ** 2 / expected[i]!, 0);
  const df = observed.length - 1;
  const z = 3.09;
  const critical = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
  return { stat, critical };
}

/** log k! for k < n, by sums of logarithms (independent of the code under test). */
function logFactorials(n: number): Float64Array {
  const t = new Float64Array(n);
  for (let k = 2; k < n; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
}

/** Chi-square of Poisson draws against the exact probabilities, the values grouped into cells of expected count >= 20 (the tails merged into the end cells). */
function poissonFit(draws: readonly number[], lam: number): { stat: number; critical: number } {
  const top = Math.ceil(lam + 12 * Math.sqrt(lam) + 30);
  const lf = logFactorials(top + 1);
  const pmf = Array.from({ length: top + 1 }, (_, k) => Math.exp(-lam + k * (lam === 0 ? 0 : Math.log(lam)) - lf[k]!));
  const counts = new Array<number>(top + 1).fill(0);
  for (const d of draws) counts[Math.min(d, top)]!++;
  const obs: number[] = [];
  const exp: number[] = [];
  let o = 0;
  let e = 0;
  for (let k = 0; k <= top; k++) {
    o += counts[k]!;
    e += pmf[k]! * draws.length;
    if (e >= 20) {
      obs.push(o);
      exp.push(e);
      o = 0;
      e = 0;
    }
  }
  // the remainder (the upper tail) joins the last cell
  obs[obs.length - 1]! += o;
  exp[exp.length - 1]! += e;
  return chiSquare(obs, exp);
}

function moments(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return { mean, variance: xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length };
}

describe('RandomStreams.permutation', () => {
  it('has shape size + [n], each row a permutation of 0 .. n - 1, int64 unless dtype says otherwise', () => {
    const srng = new sym.RandomStreams(1);
    const one = srng.permutation([], { n: 6 });
    expect(one.dtype).toBe('int64');
    expect(one.evalSync().shape).toEqual([6]);
    expect(isPermutation(values(one.evalSync()))).toBe(true);
    const many = srng.permutation([2, 3], { n: 5, dtype: 'int32' });
    expect(many.dtype).toBe('int32');
    const v = many.evalSync();
    expect(v.shape).toEqual([2, 3, 5]);
    expect(rows(values(v), 5).every(isPermutation)).toBe(true);
    // Theano's default n = 1
    expect(srng.permutation([3]).evalSync().toArray()).toEqual([[0], [0], [0]]);
  });

  it('draws each of the n! orders equally often (chi-square, n = 3 and n = 4)', () => {
    const srng = new sym.RandomStreams(2);
    for (const [n, count, orders] of [
      [3, 30000, 6],
      [4, 48000, 24],
    ] as const) {
      const perms = rows(values(srng.permutation([count], { n, dtype: 'int32' }).evalSync()), n);
      const seen = tally(perms.map((r) => r.join()));
      expect(seen.size).toBe(orders);
      const { stat, critical } = chiSquare([...seen.values()], new Array<number>(orders).fill(count / orders));
      expect(stat).toBeLessThan(critical);
    }
  });

  it('takes n from an integer scalar; the same seed gives the same rows; calls draw anew unless noDefaultUpdates', () => {
    const n = T.iscalar('n');
    const f = sym.function([n], new sym.RandomStreams(3).permutation([2], { n }));
    const a = f.sync(7) as sym.NDArray;
    expect(a.shape).toEqual([2, 7]);
    expect(values(f.sync(7))).not.toEqual(values(a));
    expect(values(sym.function([n], new sym.RandomStreams(3).permutation([2], { n })).sync(7))).toEqual(values(a));
    const fixed = sym.function([], new sym.RandomStreams(4).permutation([3], { n: 8 }), { noDefaultUpdates: true });
    expect(values(fixed.sync())).toEqual(values(fixed.sync()));
  });

  it('a failed call leaves the generator where it was', () => {
    const perm = new sym.RandomStreams(5).permutation([], { n: 6, dtype: 'int32' });
    const x = T.vector('x');
    const bad = sym.function([x], T.log(x).add(T.cast(perm, 'float64')), { mode: 'DebugMode' });
    const good = sym.function([], perm, { noDefaultUpdates: true });
    const before = values(good.sync());
    expect(() => bad.sync([-1, 1, 1, 1, 1, 1])).toThrow(/nan/);
    expect(values(good.sync())).toEqual(before);
  });

  it('refuses an n, dtype or size it cannot draw, naming them', () => {
    const srng = new sym.RandomStreams(6);
    expect(() => srng.permutation([2], { n: 0 })).toThrow(/permutation: n must be a positive integer .* got 0/);
    expect(() => srng.permutation([2], { n: 2.5 })).toThrow(/n must be a positive integer .* got 2.5/);
    expect(() => srng.permutation([2], { n: 3, dtype: 'float32' })).toThrow(/permutation: dtype must be an integer dtype, got float32/);
    expect(() => srng.permutation([2], { n: 300, dtype: 'int8' })).toThrow(/dtype int8 cannot hold the values 0 \.\. 299/);
    expect(() => srng.permutation([2], { m: 3 } as never)).toThrow(/unknown option "m"/);
    const n = T.iscalar('n');
    expect(() => sym.function([n], srng.permutation([], { n, dtype: 'int8' })).sync(300)).toThrow(/n = 300 needs the values 0 \.\. 299, past the largest int8 127/);
  });
});

describe('RandomStreams.poisson', () => {
  const srng = new sym.RandomStreams(7);

  it('fits the Poisson distribution for lam 0.5, 3, 9.99, 10, 30 and 1e4 (chi-square), with mean and variance lam', () => {
    for (const lam of [0.5, 3, 9.99, 10, 30, 1e4]) {
      const draws = values(srng.poisson([20000], { lam }).evalSync());
      expect(draws.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
      const { stat, critical } = poissonFit(draws, lam);
      expect(stat, `lam ${lam}`).toBeLessThan(critical);
      const m = moments(draws);
      // 5 standard errors of the mean and of the variance
      expect(Math.abs(m.mean - lam)).toBeLessThan(5 * Math.sqrt(lam / 20000));
      expect(Math.abs(m.variance - lam)).toBeLessThan(5 * Math.sqrt((lam + 2 * lam * lam) / 20000));
    }
  });

  it('lam 0 gives zeros; the default lam is 1; int64 unless dtype says otherwise', () => {
    expect(values(srng.poisson([50], { lam: 0 }).evalSync())).toEqual(new Array<number>(50).fill(0));
    const ones = srng.poisson([20000]);
    expect(ones.dtype).toBe('int64');
    expect(moments(values(ones.evalSync())).mean).toBeCloseTo(1, 1);
    expect(srng.poisson([3], { lam: 4, dtype: 'int32' }).dtype).toBe('int32');
  });

  it('broadcasts a tensor lam of known values over the size', () => {
    const cols = srng.poisson([20000, 3], { lam: [0.5, 30, 1000], dtype: 'int32' }).evalSync().toArray() as number[][];
    [0.5, 30, 1000].forEach((lam, j) => expect(Math.abs(moments(cols.map((r) => r[j]!)).mean - lam)).toBeLessThan(5 * Math.sqrt(lam / 20000)));
    const grid = srng.poisson([2, 3], { lam: sym.array([[0], [1e6]]) }).evalSync().toArray() as number[][];
    expect(grid[0]).toEqual([0, 0, 0]);
    grid[1]!.forEach((v) => expect(Math.abs(v - 1e6)).toBeLessThan(10000));
    // a size from a shape: lam's lengths are checked when the program is made
    const x = T.matrix('x');
    const f = sym.function([x], srng.poisson(x.shape, { lam: [1, 2, 3] }));
    expect((f.sync(sym.fill([4, 3], 'float64', () => 0)) as sym.NDArray).shape).toEqual([4, 3]);
    expect(() => f.sync(sym.fill([4, 2], 'float64', () => 0))).toThrow(/lam of shape \(3,\) does not broadcast over the size \(4, 2\)/);
  });

  it('the same seed gives the same counts; calls draw anew; in a scan step each step draws its own', () => {
    const a = values(new sym.RandomStreams(8).poisson([6], { lam: 50 }).evalSync());
    expect(values(new sym.RandomStreams(8).poisson([6], { lam: 50 }).evalSync())).toEqual(a);
    const f = sym.function([], new sym.RandomStreams(8).poisson([6], { lam: 50 }));
    expect(values(f.sync())).toEqual(a);
    expect(values(f.sync())).not.toEqual(a);
    const s = new sym.RandomStreams(9);
    const [hs] = sym.scan((h: V) => h.add(s.poisson([3], { lam: 1e4, dtype: 'int32' })), { outputsInfo: T.zeros([3], 'int32'), nSteps: 4 });
    const steps = (sym.function([], hs).sync() as sym.NDArray).toArray() as number[][];
    const increments = steps.map((r, t) => r.map((v, i) => v - (t ? steps[t - 1]![i]! : 0)));
    increments.flat().forEach((v) => expect(Math.abs(v - 1e4)).toBeLessThan(600));
    expect(new Set(increments.map((r) => r.join())).size).toBe(4);
  });

  it('refuses lam and dtypes it cannot draw, naming them', () => {
    expect(() => srng.poisson([2], { lam: -1 })).toThrow(/poisson: lam must be finite and >= 0.*got -1/);
    expect(() => srng.poisson([2], { lam: NaN })).toThrow(/lam must be finite and >= 0.*got NaN/);
    expect(() => srng.poisson([2], { lam: [1, -0.5] })).toThrow(/got -0.5 at flat index 1/);
    expect(() => srng.poisson([2], { lam: T.scalar('lam') })).toThrow(/lam must be a number or a tensor of known values .* got the symbolic lam/);
    expect(() => srng.poisson([2], { lam: 100, dtype: 'int8' })).toThrow(/at most 19\.\d+ for dtype int8/);
    expect(() => srng.poisson([2], { lam: 1, dtype: 'float64' })).toThrow(/poisson: dtype must be an integer dtype, got float64/);
    expect(() => srng.poisson([2], { lam: [1, 2, 3] })).toThrow(/lam of shape \(3,\) does not broadcast over the size \(2,\)/);
    expect(() => srng.poisson([3], { lam: [[1, 2, 3]] })).toThrow(/lam of shape \(1, 3\) has 2 dimensions, more than the size's 1/);
  });
});

describe('RandomStreams.choice without replacement', () => {
  it('draws distinct items: of 0 .. a - 1 (int64) and of a vector (its dtype), of shape size', () => {
    const srng = new sym.RandomStreams(10);
    const all = srng.choice([2, 3], { a: 6, replace: false });
    expect(all.dtype).toBe('int64');
    const v = all.evalSync();
    expect(v.shape).toEqual([2, 3]);
    expect(isPermutation(values(v))).toBe(true);
    const picked = srng.choice([3], { a: T.constant([10, 20, 30, 40, 50], { dtype: 'float32' }), replace: false });
    expect(picked.dtype).toBe('float32');
    const got = values(picked.evalSync());
    expect(new Set(got).size).toBe(3);
    expect(got.every((x) => [10, 20, 30, 40, 50].includes(x))).toBe(true);
    expect(srng.choice([], { a: 4, replace: false }).evalSync().shape).toEqual([]);
    expect(srng.choice([0], { a: 4, replace: false }).evalSync().shape).toEqual([0]);
  });

  it('draws every ordered pair equally often without p (chi-square)', () => {
    const f = sym.function([], new sym.RandomStreams(11).choice([2], { a: 4, replace: false, dtype: 'int32' }));
    const draws = Array.from({ length: 12000 }, () => values(f.sync()).join());
    const seen = tally(draws);
    expect(seen.size).toBe(12);
    const { stat, critical } = chiSquare([...seen.values()], new Array<number>(12).fill(1000));
    expect(stat).toBeLessThan(critical);
  });

  it("with p, picks in proportion to p among the items left, as NumPy's (chi-square over ordered pairs; p constant or an input)", () => {
    const p = [0.5, 0.3, 0.15, 0.05];
    const expected = new Map<string, number>();
    p.forEach((pi, i) => p.forEach((pj, j) => i !== j && expected.set(`${i},${j}`, (pi * pj) / (1 - pi))));
    const pv = T.vector('p');
    const fromInput = sym.function([pv], new sym.RandomStreams(12).choice([2], { a: 4, replace: false, p: pv }));
    const constant = sym.function([], new sym.RandomStreams(13).choice([2], { a: 4, replace: false, p }));
    for (const draw of [() => fromInput.sync(p), () => constant.sync()]) {
      const n = 12000;
      const seen = tally(Array.from({ length: n }, () => values(draw() as sym.NDArray).join()));
      const keys = [...expected.keys()];
      const { stat, critical } = chiSquare(
        keys.map((k) => seen.get(k) ?? 0),
        keys.map((k) => expected.get(k)! * n),
      );
      expect(stat).toBeLessThan(critical);
    }
    // an item of probability 0 is never drawn; asking for more items than p has non-zero entries is NumPy's error
    // ('Fewer non-zero entries in p than size'), for an input p as for a constant one
    const zero = sym.function([pv], new sym.RandomStreams(14).choice([2], { a: 3, replace: false, p: pv, dtype: 'int32' }));
    for (let i = 0; i < 20; i++) expect(values(zero.sync([0.5, 0, 0.5])).sort()).toEqual([0, 2]);
    const tooMany = sym.function([pv], new sym.RandomStreams(14).choice([3], { a: 3, replace: false, p: pv, dtype: 'int32' }));
    expect(() => tooMany.sync([0.5, 0, 0.5])).toThrow(/fewer non-zero entries in p than size/);
  });

  it('in a scan step, each step draws its own distinct items', () => {
    const srng = new sym.RandomStreams(15);
    const [picks] = sym.scan(() => srng.choice([3], { a: 5, replace: false, dtype: 'int32' }), { nSteps: 6 });
    const steps = (sym.function([], picks as V).sync() as sym.NDArray).toArray() as number[][];
    expect(steps).toHaveLength(6);
    steps.forEach((s) => expect(new Set(s).size).toBe(3));
    expect(new Set(steps.map((s) => s.join())).size).toBeGreaterThan(1);
  });

  it('refuses a size larger than a, and probabilities NumPy refuses, naming them', () => {
    const srng = new sym.RandomStreams(16);
    expect(() => srng.choice([2, 3], { a: 5, replace: false })).toThrow(/without replacement \(replace: false\), size \(2, 3\) asks for 6 distinct items, but a has only 5/);
    expect(() => srng.choice([2], { a: 3, replace: 'no' as never })).toThrow(/replace must be true or false, got no/);
    expect(() => srng.choice([2], { a: 3, replace: false, p: [0.5, 0.6, -0.1] })).toThrow(/p must be finite and >= 0, got p\[2\] = -0.1/);
    expect(() => srng.choice([2], { a: 3, replace: false, p: [0.5, 0.4, 0.4] })).toThrow(/p must sum to 1, got a sum of 1.3/);
    expect(() => srng.choice([2], { a: 3, replace: false, p: [0.5, 0.5] })).toThrow(/p has 2 probabilities but a has 3 items/);
    expect(() => srng.choice([2], { a: 3, replace: false, p: sym.array([1, 0, 0], { dtype: 'float64' }) })).toThrow(/size asks for 2 items but only 1 of p's probabilities are non-zero/);
    expect(() => srng.choice([2], { a: 300, replace: false, dtype: 'int8' })).toThrow(/dtype int8 cannot hold the items 0 \.\. 299/);
    // lengths known only when the program is made: refused then, and the generator does not move
    const v = T.vector('v');
    const fromVector = srng.choice([3], { a: v, replace: false });
    const f = sym.function([v], fromVector);
    const peek = sym.function([v], fromVector, { noDefaultUpdates: true });
    const before = values(peek.sync([1, 2, 3, 4]));
    expect(() => f.sync([1, 2])).toThrow(/size \(3,\) asks for 3 distinct items, but a has only 2/);
    expect(values(peek.sync([1, 2, 3, 4]))).toEqual(before);
    const n = T.iscalar('n');
    const g = sym.function([n], srng.choice([n, 2], { a: 5, replace: false }));
    expect((g.sync(2) as sym.NDArray).shape).toEqual([2, 2]);
    expect(() => g.sync(3)).toThrow(/size \(\?, 2\) asks for 6 distinct items, but a has only 5/);
    const pv = T.vector('p');
    expect(() => sym.function([pv], srng.choice([2], { a: 3, replace: false, p: pv })).sync([0.5, 0.5])).toThrow(/p has 2 probabilities but a has 3 items/);
  });
});

describe('RandomStreams.shuffleRowElements', () => {
  it("puts each row (along the last axis) in its own order, the one `permutation` holds (Theano's)", () => {
    const srng = new sym.RandomStreams(17);
    const x = T.tensor3('x');
    const shuffled = srng.shuffleRowElements(x);
    expect(shuffled.dtype).toBe('float64');
    const xv = sym.fill([2, 3, 5], 'float64', (i) => i * 10);
    const [out, perm] = sym.function([x], [shuffled, shuffled.permutation]).sync(xv) as sym.NDArray[];
    expect(perm!.dtype).toBe('int32');
    expect(out!.shape).toEqual([2, 3, 5]);
    const ps = rows(values(perm!), 5);
    expect(ps.every(isPermutation)).toBe(true);
    rows(values(out!), 5).forEach((row, r) => row.forEach((v, j) => expect(v).toBe(xv.data[r * 5 + ps[r]![j]!])));
    // the rows are shuffled independently
    expect(new Set(ps.map((p) => p.join())).size).toBeGreaterThan(1);
    const vec = srng.shuffleRowElements(T.constant([1, 2, 3, 4, 5, 6]));
    expect(values(vec.evalSync()).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('passes the gradient back to the input through the inverse permutation (finite differences agree)', async () => {
    const { grad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: V, w: V) => V };
    const srng = new sym.RandomStreams(18);
    const x = T.matrix('x');
    const w = sym.fill([3, 4], 'float64', (i) => (i % 5) - 1.5 + i / 7);
    const cost = T.sum(T.tanh(srng.shuffleRowElements(x)).mul(T.constant(w)));
    const f = sym.function([x], cost, { noDefaultUpdates: true });
    const g = sym.function([x], grad(cost, x), { noDefaultUpdates: true });
    const x0 = sym.fill([3, 4], 'float64', (i) => Math.sin(i + 1));
    const analytic = values(g.sync(x0));
    const eps = 1e-6;
    for (let j = 0; j < x0.size; j++) {
      const shift = (d: number) => {
        const c = sym.fill([3, 4], 'float64', (i) => x0.data[i]!);
        c.data[j] = x0.data[j]! + d;
        return values(f.sync(c))[0]!;
      };
      expect(analytic[j]).toBeCloseTo((shift(eps) - shift(-eps)) / (2 * eps), 6);
    }
    // and with default updates, the forward and backward passes of one call read one permutation
    const s = srng.shuffleRowElements(x);
    const [out, gx, perm] = sym.function([x], [s, grad(T.sum(s.mul(T.constant(w))), x), s.permutation]).sync(x0) as sym.NDArray[];
    const ps = rows(values(perm!), 4);
    rows(values(gx!), 4).forEach((row, r) => ps[r]!.forEach((src, j) => expect(row[src]).toBe(w.data[r * 4 + j])));
    expect(out!.shape).toEqual([3, 4]);
  });

  it('refuses a 0-d input', () => {
    expect(() => new sym.RandomStreams(19).shuffleRowElements(T.scalar('s'))).toThrow(/shuffleRowElements: input must have at least one dimension .* got the 0-d s/);
  });
});
