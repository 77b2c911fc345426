/**
 * The JavaScript renderer's literals of negative values sit in parentheses:
 * neg(-Infinity) rendered as `(--Infinity)` assigned to the global Infinity
 * (a TypeError when the kernel ran: "Cannot assign to read only property
 * 'Infinity'"), and neg(-0) as `(--0)` did not parse. A random graph found
 * it: -log(sigmoid(-x)) with x a fill of inf, fused into one kernel.
 */
import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { CpuBackend } from './backend.js';
import { runKernel } from './test-kernels.js';

const js = new CpuBackend({ wasm: false });
const op = (name: ScalarOpName, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op: name, args, computeDType: 'float32', dtype: 'float32' });
const load: ScalarExpr = { kind: 'load', input: 0, strides: [1], offset: 0, dtype: 'float32' };
const lit = (value: number): ScalarExpr => ({ kind: 'const', value, dtype: 'float32' });

describe('negative literals in JavaScript kernels', () => {
  for (const [value, want] of [
    [-Infinity, Infinity],
    [-0, 0],
    [-2, 2],
  ] as const) {
    it(`neg(${Object.is(value, -0) ? '-0' : value}) + x is ${want} + x`, () => {
      const k: ElementwiseKernel = { kind: 'elementwise', shape: [2], inputs: ['float32'], out: 'float32', expr: op('add', op('neg', lit(value)), load) };
      const got = runKernel(js, k, [Float32Array.of(1, -3)], 2);
      expect(Array.from(got)).toEqual([want + 1, want - 3]);
    });
  }

  it('neg(neg(-Infinity)) and -0 - (-0) keep their signs', () => {
    const k: ElementwiseKernel = { kind: 'elementwise', shape: [1], inputs: ['float32'], out: 'float32', expr: op('add', op('neg', op('neg', lit(-Infinity))), op('sub', lit(-0), op('neg', lit(-0)))) };
    expect(Array.from(runKernel(js, k, [Float32Array.of(0)], 1))).toEqual([-Infinity]);
  });
});
