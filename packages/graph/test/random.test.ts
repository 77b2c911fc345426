/**
 * RandomStreams: the "Using Random Numbers" section of Theano's tutorial
 * (default updates, no_default_updates, one value per call, seeding,
 * saving and restoring a generator's state), the distributions' moments,
 * symbolic sizes, gradients through a mask, failed calls, and errors.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
const values = (a: sym.NDArray | sym.NDArray[]): number[] => Array.from((a as sym.NDArray).data as ArrayLike<number>);

function moments(xs: readonly number[]): { mean: number; std: number; min: number; max: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs) };
}

describe('RandomStreams: Theano tutorial, "Using Random Numbers"', () => {
  it('draws new numbers at each call; noDefaultUpdates repeats them; one variable has one value per call', () => {
    const srng = new sym.RandomStreams(234);
    const rvU = srng.uniform([2, 2]);
    const rvN = srng.normal([2, 2]);
    const f = sym.function([], rvU);
    const g = sym.function([], rvN, { noDefaultUpdates: true });
    const nearlyZeros = sym.function([], rvU.add(rvU).sub(rvU.mul(2)));
    const a = values(f.sync());
    const b = values(f.sync());
    expect(a).toHaveLength(4);
    expect(b).not.toEqual(a);
    expect(values(g.sync())).toEqual(values(g.sync()));
    expect(values(nearlyZeros.sync())).toEqual([0, 0, 0, 0]);
  });

  it('reseeds one variable through its rng, all of them through srng.seed, and replays a saved state', () => {
    const srng = new sym.RandomStreams(234);
    const rvU = srng.uniform([2, 2]);
    const rvN = srng.normal([2, 2]);
    const f = sym.function([], rvU);
    const g = sym.function([], rvN);
    const r = rvU.rng.getValue({ borrow: true });
    r.seed(89234);
    rvU.rng.setValue(r, { borrow: true });
    const afterSeed = values(f.sync());
    r.seed(89234);
    expect(values(f.sync())).toEqual(afterSeed);

    srng.seed(902340);
    const u0 = values(f.sync());
    const n0 = values(g.sync());
    srng.seed(902340);
    expect(values(f.sync())).toEqual(u0);
    expect(values(g.sync())).toEqual(n0);

    // Theano's state_after_v0 example: v2 differs from v1, v3 equals it
    const state = rvU.rng.getValue().getState();
    f.sync();
    const v1 = values(f.sync());
    const rng = rvU.rng.getValue({ borrow: true });
    rng.setState(state);
    rvU.rng.setValue(rng, { borrow: true });
    const v2 = values(f.sync());
    const v3 = values(f.sync());
    expect(v2).not.toEqual(v1);
    expect(v3).toEqual(v1);
  });

  it('getValue() copies unless borrowed: changing the copy changes nothing', () => {
    const rv = new sym.RandomStreams(1).uniform([3]);
    const f = sym.function([], rv, { noDefaultUpdates: true });
    const before = values(f.sync());
    rv.rng.getValue().seed(5);
    expect(values(f.sync())).toEqual(before);
    expect(() => rv.rng.setValue({} as sym.RandomState)).toThrow(/expected a RandomState/);
  });

  it('the same seed gives the same numbers; two variables of one stream differ', () => {
    const a = new sym.RandomStreams(7);
    const b = new sym.RandomStreams(7);
    const [a1, a2, b1] = [a.uniform([5]), a.uniform([5]), b.uniform([5])];
    expect(values(a1.evalSync())).toEqual(values(b1.evalSync()));
    expect(values(a2.evalSync())).not.toEqual(values(b1.evalSync()));
  });
});

describe('RandomStreams: distributions', () => {
  const srng = new sym.RandomStreams(2024);

  it('uniform lies in [low, high) with the uniform moments, float32 never rounding to high', () => {
    const u = values(srng.uniform([50000], { low: -2, high: 3 }).evalSync());
    const m = moments(u);
    expect(m.min).toBeGreaterThanOrEqual(-2);
    expect(m.max).toBeLessThan(3);
    expect(m.mean).toBeCloseTo(0.5, 1);
    expect(m.std).toBeCloseTo(5 / Math.sqrt(12), 1);
    const f32 = srng.uniform([100000], { dtype: 'float32' });
    expect(f32.dtype).toBe('float32');
    expect(moments(values(f32.evalSync())).max).toBeLessThan(1);
  });

  it('normal has mean avg and standard deviation std', () => {
    const m = moments(values(srng.normal([50000], { avg: 1, std: 2 }).evalSync()));
    expect(m.mean).toBeCloseTo(1, 1);
    expect(m.std).toBeCloseTo(2, 1);
  });

  it('binomial counts successes: a 0/1 mask with n = 1, mean n * p otherwise; int64 unless a dtype is given', () => {
    const mask = srng.binomial([40000], { p: 0.25 });
    expect(mask.dtype).toBe('int64');
    const m = values(mask.evalSync());
    expect(new Set(m)).toEqual(new Set([0, 1]));
    expect(moments(m).mean).toBeCloseTo(0.25, 1);
    const five = srng.binomial([40000], { n: 5, p: 0.3, dtype: 'float32' });
    expect(five.dtype).toBe('float32');
    const c = values(five.evalSync());
    expect(Math.max(...c)).toBeLessThanOrEqual(5);
    expect(moments(c).mean).toBeCloseTo(1.5, 1);
    expect(moments(c).std).toBeCloseTo(Math.sqrt(5 * 0.3 * 0.7), 1);
  });

  it("binomial's p = 1 - level written with T.sub of two literals draws as the number 0.7 does under floatX=float32 (float32 uniforms, nothing a WebGPU device cannot hold)", () => {
    const before = sym.config.floatX;
    try {
      sym.config.floatX = 'float32';
      const p = T.sub(1, 0.3); // dA.py's 1 - corruption_level, for a level that may be a number or a tensor
      expect(p.dtype).toBe('float32');
      const fromTensor = values(new sym.RandomStreams(5).binomial([2000], { p, dtype: 'float32' }).evalSync());
      const fromNumber = values(new sym.RandomStreams(5).binomial([2000], { p: 0.7, dtype: 'float32' }).evalSync());
      expect(fromTensor).toEqual(fromNumber);
    } finally {
      sym.config.floatX = before;
    }
  });

  it('parameters may be tensors, broadcast over the size', () => {
    const p = T.vector('p');
    const mask = srng.binomial([20000, 2], { p, dtype: 'float64' });
    const m = sym.function([p], T.mean(mask, 0)).sync([0.1, 0.9]) as sym.NDArray;
    expect(values(m)[0]).toBeCloseTo(0.1, 1);
    expect(values(m)[1]).toBeCloseTo(0.9, 1);
    const lo = T.scalar('lo');
    const u = srng.uniform([1000], { low: lo, high: lo.add(1) });
    const v = values(sym.function([lo], u).sync(10) as sym.NDArray);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...v)).toBeLessThan(11);
  });
});

describe('RandomStreams in functions', () => {
  it('takes its size from shapes (x.shape) and from integer inputs, one program per value', () => {
    const srng = new sym.RandomStreams(3);
    const x = T.matrix('x');
    const drop = sym.function([x], x.mul(srng.binomial(x.shape, { p: 0.5, dtype: sym.config.floatX })));
    const y = drop.sync(sym.fill([40, 30], 'float64', () => 2)) as sym.NDArray;
    expect(y.shape).toEqual([40, 30]);
    expect(new Set(values(y))).toEqual(new Set([0, 2]));
    const n = T.iscalar('n');
    const f = sym.function([n], srng.normal([n, 2]));
    expect((f.sync(3) as sym.NDArray).shape).toEqual([3, 2]);
    expect((f.sync(5) as sym.NDArray).shape).toEqual([5, 2]);
  });

  it('is never folded into a constant, and passes DebugMode (the reference draws the same sample)', () => {
    const srng = new sym.RandomStreams(4);
    const u = srng.uniform([3]);
    for (const mode of ['FAST_RUN', 'DebugMode'] as const) {
      const f = sym.function([], u.mul(2).add(1), { mode });
      expect(values(f.sync())).not.toEqual(values(f.sync()));
    }
  });

  it('a failed call leaves the generator where it was', () => {
    const srng = new sym.RandomStreams(5);
    const u = srng.uniform([4]);
    const x = T.vector('x');
    // DebugMode raises on the NaN of log(-1) after the sample was drawn
    const bad = sym.function([x], T.log(x).add(u), { mode: 'DebugMode' });
    const good = sym.function([], u, { noDefaultUpdates: true });
    const before = values(good.sync());
    expect(() => bad.sync([-1, 1, 1, 1])).toThrow(/nan/);
    expect(values(good.sync())).toEqual(before);
    bad.sync([1, 1, 1, 1]);
    expect(values(good.sync())).not.toEqual(before);
  });

  it('a gradient through a dropout mask reads the same mask as the forward pass', async () => {
    const { grad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: V, w: V) => V };
    const srng = new sym.RandomStreams(6);
    const x = T.matrix('x');
    const mask = srng.binomial(x.shape, { p: 0.5, dtype: 'float64' });
    const out = x.mul(mask);
    const [y, gx] = sym.function([x], [out, grad(out.sum(), x)]).sync([[1, 2, 3], [4, 5, 6]]) as sym.NDArray[];
    expect(values(gx!)).toEqual(values(y!).map((v) => (v === 0 ? 0 : 1)));
  });

  it('in a scan: one sample for a variable made outside the step', () => {
    const srng = new sym.RandomStreams(8);
    const noise = srng.normal([3]);
    const [hs] = sym.scan((h: V) => h.add(noise), { outputsInfo: T.zeros([3]), nSteps: 4 });
    const [all, n] = sym.function([], [hs, noise]).sync() as sym.NDArray[];
    // h_t = (t + 1) * noise: the same sample at every step
    const step = values(n!);
    values(all!).forEach((v, k) => expect(v).toBeCloseTo((Math.floor(k / 3) + 1) * step[k % 3]!, 12));
  });

  it('in a scan: a variable the step makes draws new numbers at each step, also under DebugMode', () => {
    const srng = new sym.RandomStreams(10);
    const [hs] = sym.scan((h: V) => h.add(srng.normal(h.shape)), { outputsInfo: T.zeros([3]), nSteps: 4 });
    for (const mode of ['FAST_RUN', 'DebugMode'] as const) {
      const rows = (sym.function([], hs, { mode }).sync() as sym.NDArray).toArray() as number[][];
      const steps = rows.map((r, t) => r.map((v, i) => v - (t ? rows[t - 1]![i]! : 0)));
      expect(new Set(steps.map((s) => s.join())).size).toBe(4);
    }
    // the step count of a sequence, and a size from a sequence's row
    const xs = T.matrix('xs');
    const [ys] = sym.scan((x: V) => x.mul(srng.binomial(x.shape, { p: 0.5, dtype: 'float64' })), { sequences: xs });
    const y = sym.function([xs], ys).sync(sym.fill([50, 4], 'float64', () => 1)) as sym.NDArray;
    expect(y.shape).toEqual([50, 4]);
    expect(new Set(values(y))).toEqual(new Set([0, 1]));
  });

  it('in a scan: the gradient reads the masks the forward pass drew', async () => {
    const { grad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: V, w: V) => V };
    const srng = new sym.RandomStreams(11);
    const xs = T.matrix('xs');
    const [ys] = sym.scan((x: V, h: V) => h.add(x.mul(srng.binomial(x.shape, { p: 0.5, dtype: 'float64' }))), { sequences: xs, outputsInfo: T.zeros([3]) });
    const xv = sym.fill([6, 3], 'float64', (i) => i + 1);
    const [y, g] = sym.function([xs], [ys, grad(ys.get(-1).sum(), xs)]).sync(xv) as sym.NDArray[];
    // the running sums' increments are x_t * mask_t: the gradient of the last sum is each mask
    const rows = y!.toArray() as number[][];
    const masks = rows.map((r, t) => r.map((v, i) => (v - (t ? rows[t - 1]![i]! : 0)) / xv.data[t * 3 + i]!));
    expect(g!.toArray()).toEqual(masks);
    expect(new Set(masks.flat())).toEqual(new Set([0, 1]));
  });
});

describe('RandomStreams: errors', () => {
  const srng = new sym.RandomStreams(9);
  it('names the option, the value and what was expected', () => {
    expect(() => new sym.RandomStreams(-1)).toThrow(/seed must be an integer in \[0, 2\^32\), got -1/);
    expect(() => srng.uniform([2], { hi: 3 } as never)).toThrow(/unknown option "hi"; the options are low, high, dtype/);
    expect(() => srng.normal([2], { std: -1 })).toThrow(/std must be a finite number >= 0, got -1/);
    expect(() => srng.binomial([2], { p: 1.5 })).toThrow(/p must be a finite number in \[0, 1\], got 1.5/);
    expect(() => srng.binomial([2], { n: 0.5 })).toThrow(/n must be a non-negative integer/);
    // parameters of known values (arrays, constants) too, element by element, as NumPy checks them: p 1.5 drew only 1s
    expect(() => srng.binomial([3], { p: [0.2, 1.5, 0.3] })).toThrow(/p must be finite numbers in \[0, 1\], got 1.5 at flat index 1/);
    expect(() => srng.binomial([2], { p: T.constant(-0.5) })).toThrow(/p must be finite numbers in \[0, 1\], got -0.5/);
    expect(() => srng.normal([2, 2], { std: sym.array([1, -2]) })).toThrow(/std must be finite numbers >= 0, got -2 at flat index 1/);
    expect(() => srng.uniform([2], { low: [0, NaN] })).toThrow(/low must be finite numbers, got NaN at flat index 1/);
    expect(srng.binomial([2], { p: [0, 1] }).evalSync().toArray()).toEqual([0, 1]);
    // size comes first, an array: Theano's size=None is not there, and the options in its place are named as such
    const noSize = /size must be an array of lengths .*, the first argument, got an object with keys avg; Theano's size=None/;
    expect(() => (srng.normal as (o: object) => unknown)({ avg: 1 })).toThrow(noSize);
    expect(() => srng.binomial(null as never, { p: 0.5 })).toThrow(/RandomStreams.binomial: size must be an array of lengths .* got null/);
    expect(() => srng.permutation(undefined as never, { n: 3 })).toThrow(/RandomStreams.permutation: size must be an array of lengths .* got undefined/);
    expect(() => srng.uniform(T.dvector('v') as never)).toThrow(/RandomStreams.uniform: size must be an array of lengths .* got v of type TensorType\(float64, vector\)/);
    expect(() => srng.uniform([2], { dtype: 'int32' as never })).toThrow(/dtype must be float32 or float64, got int32/);
    expect(() => srng.uniform([2, -1])).toThrow(/length 1 must be a non-negative integer, got -1/);
    expect(() => srng.uniform([T.scalar('s')])).toThrow(/must be an integer scalar/);
    expect(() => rvState().setState({ words: [0, 0, 0, 0], spare: null })).toThrow(/not all zero/);
  });
  const rvState = (): sym.RandomState => srng.uniform([1]).rng.getValue();
});

describe('RandomStreams: the sample dtype', () => {
  it('is floatX upcast with tensor parameters, as Theano upcasts floatX with low.dtype and high.dtype', () => {
    const srng = new sym.RandomStreams(1);
    const before = sym.config.floatX;
    sym.config.floatX = 'float32';
    try {
      expect(srng.uniform([2], { low: 0.5 }).dtype).toBe('float32');
      expect(srng.uniform([2], { low: T.dscalar('lo') }).dtype).toBe('float64');
      expect(srng.normal([2], { std: T.fscalar('s') }).dtype).toBe('float32');
      expect(srng.normal([2], { avg: T.dvector('m') }).dtype).toBe('float64');
      expect(srng.uniform([2], { low: T.dscalar('lo'), dtype: 'float32' }).dtype).toBe('float32');
    } finally {
      sym.config.floatX = before;
    }
  });
});

describe('RandomStreams: broadcastable sizes', () => {
  it("a size read from a broadcastable dimension keeps it broadcastable, as T.zeros(x.shape) does (Theano folds Shape_i of it to 1)", () => {
    const x = T.row('x');
    const mask = new sym.RandomStreams(1).binomial(x.shape, { p: 0.5, dtype: 'float64' });
    expect(mask.broadcastable).toEqual([true, false]);
    expect(T.zeros(x.shape).broadcastable).toEqual([true, false]);
    // the training graph of a row-shaped input has the inference graph's type
    expect(x.mul(mask).type.equals(x.type)).toBe(true);
    const y = sym.function([x], x.mul(mask)).sync([[1, 2, 3, 4]]) as sym.NDArray;
    expect(y.shape).toEqual([1, 4]);
  });
});

describe('RandomStreams: randomIntegers, multinomial, choice', () => {
  const srng = new sym.RandomStreams(21);
  const counts = (xs: ArrayLike<number>): Map<number, number> => {
    const m = new Map<number, number>();
    for (const x of Array.from(xs)) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };

  it('randomIntegers draws every integer of [low, high] about equally, int64 by default', () => {
    const r = srng.randomIntegers([12000], { low: -2, high: 3 });
    expect(r.dtype).toBe('int64');
    const c = counts(values(r.evalSync()));
    expect([...c.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (const n of c.values()) expect(Math.abs(n - 2000)).toBeLessThan(200);
    expect(srng.randomIntegers([3], { high: 0, low: 0, dtype: 'int8' }).evalSync().toArray()).toEqual([0, 0, 0]);
  });

  it('multinomial gives one-hot rows with the rows\' probabilities, and counts of n trials', () => {
    const pv = T.matrix('pv');
    const oneHot = srng.multinomial({ pvals: pv });
    expect(oneHot.dtype).toBe('int64');
    const rows = sym.fill([3000, 3], 'float64', (i) => [0.2, 0.5, 0.3][i % 3]!);
    const y = sym.function([pv], oneHot).sync(rows) as sym.NDArray;
    expect(y.shape).toEqual([3000, 3]);
    const table = y.toArray() as number[][];
    expect(table.every((r) => r.reduce((a, b) => a + b, 0) === 1 && r.every((v) => v === 0 || v === 1))).toBe(true);
    [0.2, 0.5, 0.3].forEach((p, k) => expect(table.reduce((s, r) => s + r[k]!, 0) / 3000).toBeCloseTo(p, 1));
    const five = sym.function([pv], srng.multinomial({ pvals: pv, n: 5, dtype: 'float64' })).sync([[0, 1], [1, 0], [0.5, 0.5]]) as sym.NDArray;
    const f = five.toArray() as number[][];
    expect(f[0]).toEqual([0, 5]);
    expect(f[1]).toEqual([5, 0]);
    expect(f[2]![0]! + f[2]![1]!).toBe(5);
  });

  it('choice draws from 0 .. a - 1, from a vector of values, and with probabilities p', () => {
    const c = values(srng.choice([5000], { a: 4 }).evalSync());
    expect([...counts(c).keys()].sort()).toEqual([0, 1, 2, 3]);
    const v = srng.choice([2, 3], { a: T.constant([10, 20, 30], { dtype: 'float32' }) });
    expect(v.dtype).toBe('float32');
    const got = v.evalSync();
    expect(got.shape).toEqual([2, 3]);
    expect(values(got).every((x) => [10, 20, 30].includes(x))).toBe(true);
    const p = T.vector('p');
    const drawn = values(sym.function([p], srng.choice([20000], { a: 3, p })).sync([0.25, 0, 0.75]) as sym.NDArray);
    const k = counts(drawn);
    expect(k.get(1)).toBeUndefined();
    expect(k.get(2)! / 20000).toBeCloseTo(0.75, 1);
  });

  it('refuses what it cannot draw, naming the option', () => {
    expect(() => srng.randomIntegers([2], { low: 3, high: 1 })).toThrow(/low and high must be integers .* low <= high, got low=3, high=1/);
    expect(() => srng.randomIntegers([2], { high: 300, dtype: 'int8' })).toThrow(/within int8's range \[-128, 127\], got low=0, high=300/);
    expect(() => srng.multinomial({ pvals: T.vector('v') })).toThrow(/pvals must be a float matrix/);
    expect(() => srng.multinomial({ pvals: T.matrix('m'), n: 0 })).toThrow(/n must be a positive integer/);
    expect(() => srng.choice([2], { a: 0 })).toThrow(/a must be a positive integer or a vector, got 0/);
    expect(() => srng.choice([2], { a: T.matrix('m') })).toThrow(/a must be a number or a vector/);
  });

  it('choice with replacement refuses the probabilities NumPy refuses, as without (they drew only from the first items)', () => {
    expect(() => srng.choice([3], { a: 3, p: [0.5, 0.5, 0.5] })).toThrow(/p must sum to 1, got a sum of 1.5/);
    expect(() => srng.choice([3], { a: 3, p: [-0.5, 1, 0.5] })).toThrow(/p must be finite and >= 0, got p\[0\] = -0.5/);
    expect(() => srng.choice([3], { a: 3, p: [0.5, 0.5] })).toThrow(/p has 2 probabilities but a has 3 items/);
    expect(() => srng.choice([3], { a: T.constant([1, 2]), p: [0.2, 0.3, 0.5] })).toThrow(/p has 3 probabilities but a has 2 items/);
    // lengths known only when the program is made: refused then
    const p = T.vector('p');
    expect(() => sym.function([p], srng.choice([3], { a: 3, p })).sync([0.5, 0.5])).toThrow(/p has 2 probabilities but a has 3 items/);
    const a = T.vector('a');
    expect(() => sym.function([a], srng.choice([3], { a, p: [0.5, 0.5] })).sync([1, 2, 3])).toThrow(/p has 2 probabilities but a has 3 items/);
    expect(values(sym.function([a], srng.choice([3], { a, p: sym.array([0, 1], { dtype: 'float64' }) })).sync([7, 9]) as sym.NDArray)).toEqual([9, 9, 9]);
  });
});
