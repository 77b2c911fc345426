import { describe, expect, it } from 'vitest';
import { RandomState } from './random-state.js';

describe('RandomState', () => {
  it('repeats its stream for the same seed and differs for another', () => {
    const a = new RandomState(42);
    const b = new RandomState(42);
    const c = new RandomState(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
    a.seed(42);
    expect(a.nextUint32()).toBe(xs[0]);
  });

  it('draws uniforms in [0, 1) with the right mean and variance', () => {
    const r = new RandomState(1);
    const u = r.randomSample([20000]);
    expect(u.dtype).toBe('float64');
    let sum = 0;
    let sq = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of u.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      sum += v;
      sq += v * v;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    const mean = sum / u.size;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sq / u.size - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('draws standard normals (Box-Muller) with mean 0, variance 1, symmetric tails', () => {
    const r = new RandomState(2);
    const z = r.randn([2, 10000]);
    expect(z.shape).toEqual([2, 10000]);
    let sum = 0;
    let sq = 0;
    let beyond2 = 0;
    for (const v of z.data) {
      sum += v;
      sq += v * v;
      if (Math.abs(v) > 2) beyond2++;
    }
    expect(sum / z.size).toBeCloseTo(0, 1);
    expect(sq / z.size).toBeCloseTo(1, 1);
    // P(|Z| > 2) = 0.0455
    expect(beyond2 / z.size).toBeGreaterThan(0.04);
    expect(beyond2 / z.size).toBeLessThan(0.051);
    const n = r.normal([1000], { mean: 5, std: 0.1, dtype: 'float32' });
    expect(n.dtype).toBe('float32');
    expect(Array.from(n.data).reduce((a, b) => a + b, 0) / 1000).toBeCloseTo(5, 1);
  });

  it('draws integers in [lo, hi] inclusive, each value about equally often', () => {
    const r = new RandomState(3);
    const ints = r.randomIntegers(0, 1, 10000);
    expect(ints.dtype).toBe('int64');
    const ones = Array.from(ints.data).reduce((a, b) => a + b, 0);
    expect(ones).toBeGreaterThan(4800);
    expect(ones).toBeLessThan(5200);
    const counts = new Map<number, number>();
    for (let i = 0; i < 6000; i++) {
      const v = r.integer(-2, 3);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(r.integer(7, 7)).toBe(7);
  });

  it("randint is NumPy's: [low, high) with high excluded, [0, low) alone; a number without a size, int64 with one", () => {
    const r = new RandomState(4);
    const seed = r.randint(2 ** 30); // the tutorials' RandomStreams(numpy_rng.randint(2 ** 30))
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 30).toBe(true);
    const dice = r.randint(1, 7, [6000]);
    expect(dice.dtype).toBe('int64');
    expect(dice.shape).toEqual([6000]);
    const counts = new Map<number, number>();
    for (const v of dice.data) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(r.randint(0, 1, [2, 2]).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(r.randint(5, undefined, 3).shape).toEqual([3]);
    expect(() => r.randint(0)).toThrow('RandomState.randint: expected integers low < high, got low=0, high=0');
    expect(() => r.randint(3, 2)).toThrow('RandomState.randint: expected integers low < high, got low=3, high=2');
    expect(() => r.randint(0.5, 2)).toThrow(/low=0.5/);
  });

  it('rejects bad seeds, shapes and ranges with clear errors', () => {
    expect(() => new RandomState(-1)).toThrow(/seed: expected an integer in \[0, 2\^32\), got -1/);
    expect(() => new RandomState(1.5)).toThrow(/got 1.5/);
    // Theano's RandomStreams(seed=...) keyword written as an object: named, with the way (was 'got [object Object]')
    expect(() => new RandomState({ seed: 3 } as never)).toThrow('RandomState.seed: expected an integer in [0, 2^32), got a plain object with keys seed; pass the number itself: new RandomState(3)');
    expect(() => new RandomState('7' as never)).toThrow('RandomState.seed: expected an integer in [0, 2^32), got string 7');
    const r = new RandomState();
    expect(() => r.randn([2, -1])).toThrow(/randn: shape must be non-negative integers, got \[2,-1\]/);
    expect(() => r.integer(3, 1)).toThrow(/lo <= hi, got lo=3, hi=1/);
    expect(() => r.uniform([2], { low: 1, high: 0 })).toThrow(/low <= high/);
    expect(() => r.normal([2], { std: -1 })).toThrow(/std must be >= 0/);
    // NumPy's keywords: a misspelt bound would otherwise draw in [0, 1)
    expect(() => r.uniform([2], { lo: -1, high: 1 } as never)).toThrow('RandomState.uniform: unknown option "lo"; the options are low, high, dtype');
    expect(() => r.normal([2], { loc: 1, scale: 2 } as never)).toThrow('RandomState.normal: unknown option "loc"; the options are mean, std, dtype');
    // a misspelt dtype is named by the method called (was 'array: unknown dtype float') and draws nothing from the stream
    const a = new RandomState(5);
    const b = new RandomState(5);
    expect(() => a.uniform([3], { dtype: 'float' as never })).toThrow('RandomState.uniform: dtype must be one of bool, ');
    expect(() => a.normal([3], { dtype: 'f32' as never })).toThrow(/^RandomState\.normal: dtype must be one of .*; got "f32"$/);
    expect(() => a.randn([3], 'double' as never)).toThrow(/^RandomState\.randn: dtype must be one of/);
    expect(a.random()).toBe(b.random());
  });
});

describe('RandomState: bulk fills', () => {
  it('fillUniform continues the stream nextUint32 and random() give', () => {
    const a = new RandomState(11);
    const b = new RandomState(11);
    const f32 = new Float32Array(1000);
    a.fillUniform(f32);
    f32.forEach((x) => expect(x).toBe((b.nextUint32() >>> 8) / 2 ** 24));
    const f64 = new Float64Array(1000);
    a.fillUniform(f64);
    f64.forEach((x) => expect(x).toBe(b.random()));
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('fillNormal gives standard normal moments, is repeatable, and never NaN or infinite', () => {
    const a = new RandomState(12);
    const state = a.getState();
    const z = new Float64Array(100001);
    a.fillNormal(z);
    const mean = z.reduce((s, x) => s + x, 0) / z.length;
    const variance = z.reduce((s, x) => s + (x - mean) ** 2, 0) / z.length;
    const kurtosis = z.reduce((s, x) => s + (x - mean) ** 4, 0) / z.length / variance ** 2;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(variance).toBeCloseTo(1, 1);
    expect(kurtosis).toBeCloseTo(3, 1);
    expect(z.every(Number.isFinite)).toBe(true);
    a.setState(state);
    const again = new Float64Array(z.length);
    a.fillNormal(again);
    expect(again).toEqual(z);
  });
});
