// Updates written in place over their shared variables: SIMD rows whose length is not a multiple of 4 write
// their last vector past the row, so such kernels must not overwrite an input (an SGD step of a 3 x 5 weight
// by a batch of 4 came out 1e-2 off before).
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { cpu } from './index.js';

const T = sym.T;

function sgdStep(m: number, n: number, k: number): number {
  const value = (len: number, seed: number) => Float32Array.from({ length: len }, (_, i) => Math.sin(i * 12.9898 + seed));
  const A = T.fmatrix('A');
  const B = T.fmatrix('B');
  const u = value(m * n, 1);
  const U = sym.shared(sym.array(u, { shape: [m, n] }), { name: 'U' });
  const a = value(k * m, 2);
  const b = value(k * n, 3);
  sym.function([A, B], [], { updates: [[U, U.sub(T.dot(A.T, B).mul(0.01))]] }).sync(sym.array(a, { shape: [k, m] }), sym.array(b, { shape: [k, n] }));
  const got = U.getValue().data;
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += a[q * m + i]! * b[q * n + j]!;
      worst = Math.max(worst, Math.abs(got[i * n + j]! - (u[i * n + j]! - 0.01 * s)));
    }
  }
  return worst;
}

describe('updates in place', () => {
  it.each([
    [3, 5, 4],
    [3, 5, 2],
    [2, 2, 4],
    [5, 3, 3],
    [4, 4, 4],
    [3, 8, 2],
  ])('an SGD step of a %i x %i weight by a batch of %i is exact to float32 rounding', (m, n, k) => {
    expect(sgdStep(m, n, k)).toBeLessThan(1e-6);
  });

  it('a SIMD kernel whose rows are not whole vectors does not write over an input; one whose rows are does', () => {
    const kernel = (shape: number[]): sym.Kernel => ({
      kind: 'elementwise',
      shape,
      inputs: ['float32', 'float32'],
      out: 'float32',
      // a broadcast operand keeps the rows from collapsing into one
      expr: { kind: 'apply', op: 'add', args: [{ kind: 'load', input: 0, strides: [shape[1]!, 1], offset: 0, dtype: 'float32' }, { kind: 'load', input: 1, strides: [1, 0], offset: 0, dtype: 'float32' }], computeDType: 'float32', dtype: 'float32' },
    });
    expect(cpu.overwrites!(kernel([3, 5]))).toBe(false);
    expect(cpu.overwrites!(kernel([3, 8]))).toBe(true);
  });
});
