/**
 * Kernels that differ only in a constant JSON cannot write (±Infinity and
 * NaN become null, -0 becomes 0) have different keys, so a backend caching
 * compiled code by key never runs one for the other: minimum(x, -inf) ran
 * minimum(x, inf)'s kernel when both were compiled in one process.
 */
import { describe, expect, it } from 'vitest';
import { kernelKey, type ElementwiseKernel } from '../src/index.js';

function minWith(value: number): ElementwiseKernel {
  return {
    kind: 'elementwise',
    shape: [2],
    inputs: ['float64'],
    out: 'float64',
    expr: {
      kind: 'apply',
      op: 'minimum',
      args: [
        { kind: 'load', input: 0, strides: [1], offset: 0, dtype: 'float64' },
        { kind: 'const', value, dtype: 'float64' },
      ],
      computeDType: 'float64',
      dtype: 'float64',
    },
  };
}

describe('kernelKey', () => {
  it('tells apart constants JSON writes alike', () => {
    const keys = [Infinity, -Infinity, NaN, 0, -0, 1].map((v) => kernelKey(minWith(v)));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is the same for equal kernels', () => {
    expect(kernelKey(minWith(-Infinity))).toBe(kernelKey(minWith(-Infinity)));
    expect(kernelKey(minWith(NaN))).toBe(kernelKey(minWith(NaN)));
  });
});
