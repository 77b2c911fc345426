/**
 * Float equality decides NaN by its bits. WGSL lets a compiler assume no
 * NaN at run time, so a driver may fold `x == x` to true, and T.isnan
 * (x != x, as NumPy's) and the index checks' NaN test with it. The
 * renderer writes f32 == and != through the prelude's f_eq, which tests
 * the bits (lavapipe does not fold; a hardware driver may).
 */
import { describe, expect, it } from 'vitest';
import { renderExpr } from '../src/scalar.js';
import { T, both, sym } from './setup.js';
import type { ScalarExpr } from '@sym/graph';

const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);

describe('float equality and NaN on WebGPU', () => {
  it('renders f32 == and != through the bit-testing f_eq, other dtypes as operators', () => {
    const load = (dtype: 'float32' | 'int32'): ScalarExpr => ({ kind: 'load', input: 0, dtype, strides: [1], offset: 0 }) as ScalarExpr;
    const cmp = (op: 'eq' | 'neq', dtype: 'float32' | 'int32'): ScalarExpr => ({ kind: 'apply', op, args: [load(dtype), load(dtype)], computeDType: dtype, dtype: 'bool' });
    const index = () => 'in0[i]';
    expect(renderExpr(cmp('neq', 'float32'), index)).toContain('!f_eq(');
    expect(renderExpr(cmp('eq', 'float32'), index)).toContain('f_eq(');
    expect(renderExpr(cmp('eq', 'int32'), index)).not.toContain('f_eq(');
  });

  it("gives NumPy's isnan, == and != for NaN, infinities and signed zeros", async () => {
    const x = T.fvector('x');
    const y = T.fvector('y');
    const outs = [T.isnan(x), T.eq(x, y), T.neq(x, y), T.eq(x, x), T.neq(x, x), T.isinf(x)];
    const xs = [NaN, 1, -0, Infinity, NaN, -Infinity];
    const ys = [NaN, 1, 0, Infinity, 2, Infinity];
    const { gpu, ref } = await both([x, y], outs, [sym.array(xs, { dtype: 'float32' }), sym.array(ys, { dtype: 'float32' })]);
    // NumPy, float32: np.isnan(x), x == y, x != y, x == x, x != x, np.isinf(x)
    const want = [
      [1, 0, 0, 0, 1, 0],
      [0, 1, 1, 1, 0, 0],
      [1, 0, 0, 0, 1, 1],
      [0, 1, 1, 1, 0, 1],
      [1, 0, 0, 0, 1, 0],
      [0, 0, 0, 1, 0, 1],
    ];
    for (const [name, r] of [['cpu', ref], ['webgpu', gpu]] as const) expect(r.map(data), name).toEqual(want);
  });
});
