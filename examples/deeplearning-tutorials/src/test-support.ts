// What the tutorials' tests share: floatX=float64 for a describe block, and the comparisons with the reference loops.
import * as sym from '@sym/graph';
import { afterAll, beforeAll } from 'vitest';

/** The enclosing describe block runs with floatX = float64 (the tutorials' tight checks), restored after. */
export function useFloat64(): void {
  useFloatX('float64');
}

/** The enclosing describe block runs with floatX = `dtype` (float32: what a model trains in on a GPU), restored after. */
export function useFloatX(dtype: sym.FloatDType): void {
  let floatX: sym.FloatDType;
  beforeAll(() => {
    floatX = sym.config.floatX;
    sym.config.floatX = dtype;
  });
  afterAll(() => {
    sym.config.floatX = floatX;
  });
}

/** The largest |a[i] - b[i]|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** d cost / d values[i] for every i by central differences, each value moved by ±eps in place and put back. */
export function centralDifferences(values: { readonly length: number; [i: number]: number }, cost: () => number, eps = 1e-6): number[] {
  return Array.from({ length: values.length }, (_, i) => {
    const keep = values[i]!;
    values[i] = keep + eps;
    const up = cost();
    values[i] = keep - eps;
    const down = cost();
    values[i] = keep;
    return (up - down) / (2 * eps);
  });
}

/**
 * RandomStreams that keeps every draw it makes, in order, so that a test can
 * copy each draw's generator before a call (`draw.rng.getValue()`) and replay
 * the numbers the call drew from the copy.
 */
export class RecordingStreams extends sym.RandomStreams {
  readonly draws: sym.RandomTensor[] = [];
  override binomial(...args: Parameters<sym.RandomStreams['binomial']>): sym.RandomTensor {
    return this.#keep(super.binomial(...args));
  }
  override uniform(...args: Parameters<sym.RandomStreams['uniform']>): sym.RandomTensor {
    return this.#keep(super.uniform(...args));
  }
  override normal(...args: Parameters<sym.RandomStreams['normal']>): sym.RandomTensor {
    return this.#keep(super.normal(...args));
  }
  #keep(draw: sym.RandomTensor): sym.RandomTensor {
    this.draws.push(draw);
    return draw;
  }
}

/** `n` uniforms in [0, 1) from `rng` (a copy of a draw's generator), in the dtype the draw compared in: float32 has 24 bits, float64 53. */
export function replayUniforms(rng: sym.RandomState, n: number, dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  const u = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  rng.fillUniform(u);
  return u;
}
