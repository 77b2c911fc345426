import { describe, expect, it } from 'vitest';
import { DTYPES, intRange, isFloat } from '@sym/graph';
import { Rng, caseRng, hashString, randomArray } from './rng.js';

describe('Rng', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('seeds a case from the suite seed and the case name only', () => {
    expect(caseRng(1, 'add int8').next()).toBe(caseRng(1, 'add int8').next());
    expect(caseRng(1, 'add int8').next()).not.toBe(caseRng(1, 'add int16').next());
    expect(caseRng(1, 'add int8').next()).not.toBe(caseRng(2, 'add int8').next());
    expect(hashString('')).toBe(0x811c9dc5);
  });

  it('draws integers inclusive of both ends', () => {
    const r = new Rng(7);
    const seen = new Set(Array.from({ length: 200 }, () => r.int(-2, 2)));
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2]);
  });
});

describe('randomArray', () => {
  it('keeps every dtype in its range, and floats of small range in [-3, 3]', () => {
    const r = new Rng(1);
    for (const d of DTYPES) {
      const full = randomArray(r, d, [4, 25], 'full');
      expect(full.dtype).toBe(d);
      expect(full.shape).toEqual([4, 25]);
      const [lo, hi] = intRange(d);
      for (const v of full.data) expect(v >= lo && v <= hi).toBe(true);
      const small = randomArray(r, d, [50], 'small');
      for (const v of small.data) expect(Math.abs(v) <= (isFloat(d) ? 3 : 9)).toBe(true);
      const pos = randomArray(r, d, [50], 'positive');
      if (d !== 'bool') for (const v of pos.data) expect(v > 0).toBe(true);
    }
  });

  it('draws integer factors of magnitude 1 or 2', () => {
    const a = randomArray(new Rng(3), 'int32', [100], 'factor');
    expect(new Set([...a.data].map(Math.abs))).toEqual(new Set([1, 2]));
  });
});
