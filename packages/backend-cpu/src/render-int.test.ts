/**
 * The JavaScript renderer's maximum and minimum: the engine's Math.max and
 * Math.min for integers (no NaN to propagate), the NaN-propagating helpers
 * for floats. A switch branch's index arithmetic that the inner loops
 * leave unchanged is hoisted out of them.
 */
import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { CpuBackend } from './backend.js';
import { runKernel } from './test-kernels.js';

const js = new CpuBackend({ wasm: false });
const load = (input: number, dtype: 'int32' | 'float32'): ScalarExpr => ({ kind: 'load', input, strides: [1], offset: 0, dtype });
const op = (name: ScalarOpName, dtype: 'int32' | 'float32', ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op: name, args, computeDType: dtype, dtype });

describe('maximum and minimum in JavaScript kernels', () => {
  it('clamps int32 values with Math.max and Math.min', () => {
    // clamp(x - 1, 0, 5), as a join's index
    const expr = op('maximum', 'int32', op('minimum', 'int32', op('sub', 'int32', load(0, 'int32'), { kind: 'const', value: 1, dtype: 'int32' }), { kind: 'const', value: 5, dtype: 'int32' }), { kind: 'const', value: 0, dtype: 'int32' });
    const k: ElementwiseKernel = { kind: 'elementwise', shape: [8], inputs: ['int32'], out: 'int32', expr };
    expect(js.compile(k).source).toContain('Math.max(Math.min(');
    // int32 - 1 wraps at the bottom (to 2147483647, clamped to 5), as NumPy's int32 does
    const x = Int32Array.of(-2147483648, -3, 0, 1, 2, 6, 7, 2147483647);
    expect(Array.from(runKernel(js, k, [x], 8, { dtype: 'int32' }))).toEqual([5, 0, 0, 0, 1, 5, 5, 5]);
  });

  it('keeps NaN-propagating helpers for floats', () => {
    const k: ElementwiseKernel = { kind: 'elementwise', shape: [3], inputs: ['float32', 'float32'], out: 'float32', expr: op('maximum', 'float32', load(0, 'float32'), load(1, 'float32')) };
    expect(js.compile(k).source).toContain('H.max(');
    const got = runKernel(js, k, [Float32Array.of(NaN, 1, -0), Float32Array.of(2, NaN, 0)], 3);
    expect(Number.isNaN(got[0]!) && Number.isNaN(got[1]!)).toBe(true);
  });

  it("hoists a switch branch's clamped row out of the inner loop, and reads as before", () => {
    // out[i, j] = i < 1 ? a[j] : b[clamp(i - 1, 0, 2) * 4 + j], a join of a row and three
    const int = (value: number): ScalarExpr => ({ kind: 'const', value, dtype: 'int32' });
    const i: ScalarExpr = { kind: 'load', input: 0, strides: [1, 0], offset: 0, dtype: 'int32' };
    const j: ScalarExpr = { kind: 'load', input: 1, strides: [0, 1], offset: 0, dtype: 'int32' };
    const row = op('maximum', 'int32', op('minimum', 'int32', op('sub', 'int32', i, int(1)), int(2)), int(0));
    const b: ScalarExpr = { kind: 'gather', input: 3, index: op('add', 'int32', op('mul', 'int32', row, int(4)), j), size: 12, dtype: 'float32' };
    const a: ScalarExpr = { kind: 'gather', input: 2, index: j, size: 4, dtype: 'float32' };
    const first: ScalarExpr = { kind: 'apply', op: 'lt', args: [i, int(1)], computeDType: 'int32', dtype: 'bool' };
    const k: ElementwiseKernel = {
      kind: 'elementwise',
      shape: [4, 4],
      inputs: ['int32', 'int32', 'float32', 'float32'],
      out: 'float32',
      expr: { kind: 'apply', op: 'switch', args: [first, a, b], computeDType: 'float32', dtype: 'float32' },
    };
    const source = js.compile(k).source;
    // the row's offset is a local of the outer loop, before the inner one starts
    const inner = source.slice(source.indexOf('for (let i1'));
    expect(source.slice(0, source.indexOf('for (let i1'))).toContain('Math.max(Math.min(');
    expect(inner).not.toContain('Math.max');
    const got = runKernel(js, k, [Int32Array.of(0, 1, 2, 3), Int32Array.of(0, 1, 2, 3), Float32Array.of(1, 2, 3, 4), Float32Array.from({ length: 12 }, (_, q) => 10 + q)], 16);
    expect(Array.from(got)).toEqual([1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });
});
