import { describe, expect, it } from 'vitest';
import { barImages, twoGaussianClouds } from './data.js';
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

describe('barImages', () => {
  it('draws one bar per image, its direction the class, under Gaussian noise', () => {
    const { X, y } = barImages(new RandomState(3), 300, { size: 8, noise: 0 });
    expect([X.shape, X.dtype, y.shape, y.dtype]).toEqual([[300, 1, 8, 8], 'float64', [300], 'int32']);
    const counts = [0, 0, 0];
    for (let i = 0; i < 300; i++) {
      const label = y.data[i]!;
      counts[label]!++;
      const px = (r: number, c: number) => X.data[i * 64 + r * 8 + c]!;
      const on: [number, number][] = [];
      for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) if (px(r, c) === 1) on.push([r, c]);
      // eight ones and nothing else, along a row (class 0), a col (1) or a wrapped diagonal (2)
      expect(on.length).toBe(8);
      expect(Array.from(X.data.subarray(i * 64, (i + 1) * 64)).every((v) => v === 0 || v === 1)).toBe(true);
      const along = label === 0 ? new Set(on.map(([r]) => r)) : label === 1 ? new Set(on.map(([, c]) => c)) : new Set(on.map(([r, c]) => (c - r + 8) % 8));
      expect(along.size).toBe(1);
    }
    counts.forEach((n) => expect(n).toBeGreaterThan(70));
    const noisy = barImages(new RandomState(3), 300, { size: 8, dtype: 'float32' });
    expect(noisy.X.dtype).toBe('float32');
    expect(Array.from(noisy.y.data)).toEqual(Array.from(y.data));
    expect(() => barImages(new RandomState(0), 2, { size: 1 })).toThrow('barImages: size must be an integer >= 2, got 1');
  });
});
