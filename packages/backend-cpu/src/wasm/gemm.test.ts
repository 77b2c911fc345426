import { describe, expect, it } from 'vitest';
import { arena } from './arena.js';
import { GemmInstance, gemmInstances } from './gemm-instances.js';
import { gemmModuleBytes, relaxedSimdAvailable, tileWidth, type GemmType } from './gemm.js';

/**
 * The micro-kernel over operands packed by hand (gemm.ts's layouts), with
 * multiply-adds as a multiply and an add, and fused (relaxed SIMD) where the
 * engine has it: both against a float64 reference. The package's tests run
 * a second time with relaxed SIMD switched on (vitest.config.ts), so that
 * both forms run on every engine this is tested on.
 */
function product(g: GemmInstance, M: number, N: number, K: number): { got: Float64Array; want: Float64Array } {
  const t = g.type;
  const es = t === 'float32' ? 4 : 8;
  const W = tileWidth(t);
  const View = t === 'float32' ? Float32Array : Float64Array;
  const block = arena.reserveFor((M * K + K * N + M * N) * es, 'the gemm test');
  try {
    const [pa, pb, pc] = [block.ptr, block.ptr + M * K * es, block.ptr + (M * K + K * N) * es];
    const A = new View(arena.memory.buffer, pa, M * K);
    const B = new View(arena.memory.buffer, pb, K * N);
    const a = (m: number, k: number) => Math.sin(1 + m * 0.37 + k * 1.1);
    const b = (k: number, n: number) => Math.cos(2 + k * 0.71 - n * 0.3);
    // A in blocks of 4 interleaved rows, B in panels of W columns
    for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) A[((m >> 2) * K + k) * 4 + (m & 3)] = a(m, k);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) B[(Math.floor(n / W) * K + k) * W + (n % W)] = b(k, n);
    // two blocks of K: the second accumulates onto the first
    const half = K >> 1;
    g.exports.gemm4(pa, pb, pc, K, N, 0, M, 0, half, 0, N);
    g.exports.gemm4(pa, pb, pc, K, N, 0, M, half, K - half, 0, N);
    const want = new Float64Array(M * N);
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += (t === 'float32' ? Math.fround(a(m, k)) * Math.fround(b(k, n)) : a(m, k) * b(k, n));
        want[m * N + n] = s;
      }
    return { got: Float64Array.from(new View(arena.memory.buffer, pc, M * N)), want };
  } finally {
    arena.release(block.ptr, block.bytes);
  }
}

describe('gemm micro-kernel', () => {
  const forms = relaxedSimdAvailable() ? [false, true] : [false];
  it.each(forms.flatMap((fused) => (['float32', 'float64'] as GemmType[]).map((t) => ({ t, fused }))))(
    '$t, multiply-adds fused: $fused, matches a float64 reference',
    ({ t, fused }) => {
      const g = new GemmInstance(t, fused);
      expect(g.fused).toBe(fused);
      const [M, K] = [12, 301];
      const N = 3 * tileWidth(t);
      const { got, want } = product(g, M, N, K);
      const tol = t === 'float32' ? 2e-6 * K : 1e-14 * K;
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(tol);
    },
  );

  it.each([
    ['float32', [0xfd, 0x85, 0x02]],
    ['float64', [0xfd, 0x87, 0x02]],
  ] as const)('the fused %s module multiplies and adds with relaxed_madd, the other never', (t, madd) => {
    const count = (bytes: Uint8Array) => bytes.filter((_, i) => madd.every((x, j) => bytes[i + j] === x)).length;
    // gemm4 holds 4 x 2 multiply-adds per step of k, gemm1 1 x 2
    expect(count(gemmModuleBytes(t, false, 1, true))).toBe(10);
    expect(count(gemmModuleBytes(t, false, 1, false))).toBe(0);
  });

  it('the backend fuses exactly where the engine has relaxed SIMD', () => {
    for (const g of gemmInstances()) expect(g.fused).toBe(relaxedSimdAvailable());
    // the second run of the tests (vitest.config.ts) switches relaxed SIMD on: there it must be on
    if (process.env.SYM_TEST_RELAXED_SIMD === '1') expect(relaxedSimdAvailable()).toBe(true);
  });
});
