/**
 * Negating a negative constant: WGSL's tokenizer reads `--` as the
 * decrement token, so `(--5i)` is a valid expression only by a
 * compiler's leniency (Dawn's accepts it; the grammar does not).
 */
import { describe, expect, it } from 'vitest';
import type { DType, ElementwiseKernel, ScalarExpr } from '@sym/graph';
import { renderKernel } from '../src/index.js';
import { T, sym } from './setup.js';

const limits = { maxWorkgroupsPerDimension: 65535 };

function negOfConstant(value: number, dtype: DType): ElementwiseKernel {
  const c: ScalarExpr = { kind: 'const', value, dtype };
  return { kind: 'elementwise', shape: [3], inputs: [], out: dtype, expr: { kind: 'apply', op: 'neg', args: [c], computeDType: dtype, dtype } };
}

describe('negative literals in WGSL', () => {
  it.each([
    [-5, 'int32'],
    [-2.5, 'float32'],
    [-Infinity, 'float32'],
  ] as const)('neg of the constant %s (%s) renders no -- token', (value, dtype) => {
    const { code } = renderKernel(negOfConstant(value, dtype), limits);
    expect(code).not.toMatch(/--/);
  });

  it('computes -(-5) and -(-inf) on the device', async () => {
    await sym.resolveBackend('webgpu');
    const x = T.ivector('x');
    const f = sym.function([x], [T.neg(T.fill(x, T.constant(-5, { dtype: 'int32' }))), T.neg(T.fill(T.cast(x, 'float32'), -Infinity))], { device: 'webgpu' });
    const [a, b] = (await f(sym.array([1, 2, 3], { dtype: 'int32' }))) as [sym.NDArray, sym.NDArray];
    expect(Array.from(a.data)).toEqual([5, 5, 5]);
    expect(Array.from(b.data)).toEqual([Infinity, Infinity, Infinity]);
  });
});
