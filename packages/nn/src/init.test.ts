import { describe, expect, it } from 'vitest';
import { config } from '@sym/graph';
import { RandomState } from './random.js';
import { INITIALIZERS, fans, glorotUniform, heNormal, initialize, normal, orthogonal, resolveInitializer } from './init.js';

const variance = (xs: ArrayLike<number>): number => {
  let s = 0;
  let q = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i]!;
    q += xs[i]! * xs[i]!;
  }
  const m = s / xs.length;
  return q / xs.length - m * m;
};

describe('initialisers', () => {
  it('Glorot uniform stays within sqrt(6 / (fanIn + fanOut)) with variance 2 / (fanIn + fanOut)', () => {
    const W = glorotUniform([200, 100], new RandomState(0), 'float64');
    expect(W.shape).toEqual([200, 100]);
    const a = Math.sqrt(6 / 300);
    expect(Math.max(...Array.from(W.data, Math.abs))).toBeLessThanOrEqual(a);
    expect(variance(W.data)).toBeCloseTo(2 / 300, 3);
  });

  it('He normal has variance 2 / fanIn; Glorot normal 2 / (fanIn + fanOut)', () => {
    expect(variance(heNormal([300, 50], new RandomState(1), 'float64').data)).toBeCloseTo(2 / 50, 2);
    expect(variance(INITIALIZERS.glorotNormal([300, 100], new RandomState(1), 'float64').data)).toBeCloseTo(2 / 400, 3);
    expect(variance(INITIALIZERS.heUniform([300, 60], new RandomState(1), 'float64').data)).toBeCloseTo(2 / 60, 2);
  });

  it('normal(1) is the tutorial randn and the same seed gives the same weights', () => {
    const a = normal(1)([4, 2], new RandomState(7), 'float64');
    const b = new RandomState(7).randn([4, 2]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(initialize('zeros', [2, 3], new RandomState(0)).data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(initialize('ones', [1, 2], new RandomState(0)).data)).toEqual([1, 1]);
  });

  it('called directly without a dtype (plain JavaScript), draws in floatX as initialize does', () => {
    // zeros, ones and orthogonal failed inside NDArray.zeros with "STORAGE[dtype] is not a constructor"; the others drew float64
    type Untyped = (shape: number[], rng: RandomState) => { dtype: string; shape: readonly number[] };
    const old = config.floatX;
    try {
      for (const floatX of ['float32', 'float64'] as const) {
        config.floatX = floatX;
        for (const init of [glorotUniform, heNormal, normal(2), orthogonal(), INITIALIZERS.zeros, INITIALIZERS.ones, INITIALIZERS.glorotNormal, INITIALIZERS.heUniform]) {
          const W = (init as unknown as Untyped)([3, 2], new RandomState(0));
          expect(W.dtype).toBe(floatX);
          expect(W.shape).toEqual([3, 2]);
        }
      }
    } finally {
      config.floatX = old;
    }
  });

  it('follows floatX and names bad input', () => {
    const old = config.floatX;
    config.floatX = 'float32';
    try {
      expect(initialize('heNormal', [3, 2], new RandomState(0)).dtype).toBe('float32');
    } finally {
      config.floatX = old;
    }
    expect(() => resolveInitializer('xavier' as never)).toThrow(/init: expected a function or one of normal, glorotUniform/);
    expect(() => glorotUniform([0, 3] as never, new RandomState(0), 'float64')).toThrow(/glorotUniform: expected a shape \[nOutput, nInput\] of positive integers, got \[0,3\]/);
  });

  it('orthogonal handles a long side (an embedding table of 200000 rows) and keeps its columns orthonormal', () => {
    const W = INITIALIZERS.orthogonal([200000, 2], new RandomState(3), 'float64');
    let [n0, n1, dot] = [0, 0, 0];
    for (let i = 0; i < 200000; i++) {
      const [a, b] = [W.data[2 * i]!, W.data[2 * i + 1]!];
      n0 += a * a;
      n1 += b * b;
      dot += a * b;
    }
    expect(n0).toBeCloseTo(1, 12);
    expect(n1).toBeCloseTo(1, 12);
    expect(Math.abs(dot)).toBeLessThan(1e-12);
  });

  it("draws convolution filters (filters, channels, rows, cols) with Lasagne's and PyTorch's fans: the kernel's size multiplies both", () => {
    expect(fans([16, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 400 });
    expect(fans([4, 7])).toEqual({ fanIn: 7, fanOut: 4 });
    const W = glorotUniform([256, 8, 3, 3], new RandomState(0), 'float64');
    expect(W.shape).toEqual([256, 8, 3, 3]);
    const a = Math.sqrt(6 / (72 + 2304));
    expect(Math.max(...Array.from(W.data, Math.abs))).toBeLessThanOrEqual(a);
    expect(Math.max(...Array.from(W.data, Math.abs))).toBeGreaterThan(0.99 * a);
    expect(variance(W.data)).toBeCloseTo(2 / 2376, 4);
    expect(variance(heNormal([64, 8, 3, 3], new RandomState(1), 'float64').data)).toBeCloseTo(2 / 72, 2);
    expect(variance(INITIALIZERS.heUniform([64, 8, 3, 3] as never, new RandomState(1), 'float64').data)).toBeCloseTo(2 / 72, 2);
    // orthogonal: the filters' flattened rows are orthonormal, (4, 2 * 3 * 3)
    const Q = orthogonal()([4, 2, 3, 3], new RandomState(2), 'float64');
    expect(Q.shape).toEqual([4, 2, 3, 3]);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let dot = 0;
        for (let k = 0; k < 18; k++) dot += Q.data[i * 18 + k]! * Q.data[j * 18 + k]!;
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    expect(() => glorotUniform([8], new RandomState(0), 'float64')).toThrow(/glorotUniform: expected a shape \[nOutput, nInput\] of positive integers, got \[8\] \(filters: \[nOutput, nInput, \.\.\.kernel\]\)/);
  });
});
