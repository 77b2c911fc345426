import { describe, expect, it } from 'vitest';
import { twoGaussianClouds } from './data.js';
import { RandomState } from './random.js';

describe('twoGaussianClouds', () => {
  it('draws labels, covariances and points as the tutorial does', () => {
    const d = twoGaussianClouds(new RandomState(0), 4000);
    expect(d.X.shape).toEqual([2, 4000]);
    expect(d.y.shape).toEqual([4000]);
    expect(d.X.dtype).toBe('float64');
    expect(d.means).toEqual([[-1, 1], [-1, 1]]);
    for (const row of d.covariances) for (const c of row) expect(c >= 1 && c < 2).toBe(true);
    // Per class and coordinate, the sample mean and spread follow means[d][c] and covariances[d][c].
    for (let c = 0; c < 2; c++) {
      const idx = [...d.y.data.keys()].filter((i) => d.y.data[i] === c);
      expect(idx.length).toBeGreaterThan(1800);
      for (let k = 0; k < 2; k++) {
        const xs = idx.map((i) => d.X.data[k * 4000 + i]!);
        const m = xs.reduce((a, b) => a + b) / xs.length;
        const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
        expect(Math.abs(m - d.means[k]![c]!)).toBeLessThan(0.15);
        expect(Math.abs(sd / d.covariances[k]![c]! - 1)).toBeLessThan(0.08);
      }
    }
  });

  it('is reproducible, follows the dtype asked for and rejects a bad size', () => {
    const a = twoGaussianClouds(new RandomState(5), 10, { dtype: 'float32' });
    const b = twoGaussianClouds(new RandomState(5), 10, { dtype: 'float32' });
    expect(a.X.dtype).toBe('float32');
    expect(Array.from(a.X.data)).toEqual(Array.from(b.X.data));
    expect(() => twoGaussianClouds(new RandomState(0), 0)).toThrow(/twoGaussianClouds: n must be a positive integer, got 0/);
  });
});
