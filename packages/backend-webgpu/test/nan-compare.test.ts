/**
 * Float equality decides NaN by its bits. WGSL lets a compiler assume no
 * NaN at run time, so a driver may fold `x == x` to true, and T.isnan
 * (x != x, as NumPy's) and the index checks' NaN test with it. The
 * renderer writes f32 == and != through the prelude's f_eq, which tests
 * the bits (lavapipe does not fold; a hardware driver may). The values
 * (isnan, isinf, == and != of NaN, infinities and signed zeros) are the
 * testkit's ieee group, which every backend runs; here what the renderer writes.
 */
import { describe, expect, it } from 'vitest';
import { renderExpr } from '../src/scalar.js';
import type { ScalarExpr } from '@sym/graph';

describe('float equality and NaN on WebGPU', () => {
  it('renders f32 == and != through the bit-testing f_eq, other dtypes as operators', () => {
    const load = (dtype: 'float32' | 'int32'): ScalarExpr => ({ kind: 'load', input: 0, dtype, strides: [1], offset: 0 }) as ScalarExpr;
    const cmp = (op: 'eq' | 'neq', dtype: 'float32' | 'int32'): ScalarExpr => ({ kind: 'apply', op, args: [load(dtype), load(dtype)], computeDType: dtype, dtype: 'bool' });
    const index = () => 'in0[i]';
    expect(renderExpr(cmp('neq', 'float32'), index)).toContain('!f_eq(');
    expect(renderExpr(cmp('eq', 'float32'), index)).toContain('f_eq(');
    expect(renderExpr(cmp('eq', 'int32'), index)).not.toContain('f_eq(');
  });
});
