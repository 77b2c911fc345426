/**
 * Bitwise ops on gpujs: WebGL 1's GLSL has no integer operators, so the
 * helper symBitwise computes them exactly on the
 * float32 values, bit by bit. int32 values within the ±2^24 this backend
 * holds, its extremes included, on headless WebGL and in gpu.js's cpu mode,
 * against JavaScript's int32 operators (NumPy's values).
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { GpujsBackend } from '../src/index.js';
import { gpu, load, runKernel, typed } from './harness.js';

const cpuMode = new GpujsBackend({ mode: 'cpu' });
const E = 2 ** 24;
// each against each: the edges of the range, its middle, signs and single bits
const VALUES = [-E, -E + 1, -(2 ** 23) - 1, -12345, -8, -1, 0, 1, 7, 12345, 2 ** 23, E - 1, E];

describe('bitwise ops on gpujs', () => {
  const ops = { bitand: (x: number, y: number) => x & y, bitor: (x: number, y: number) => x | y, bitxor: (x: number, y: number) => x ^ y } as const;
  for (const [op, js] of Object.entries(ops)) {
    it(`${op} of int32 values within ±2^24, exact`, () => {
      // every pair whose result this backend holds (2^24 | 1 is past ±2^24: its read is refused)
      const a: number[] = [];
      const b: number[] = [];
      for (const x of VALUES) for (const y of VALUES) if (Math.abs(js(x, y)) <= E) a.push(x), b.push(y);
      expect(a.length).toBeGreaterThan(100);
      const kernel: sym.ElementwiseKernel = {
        kind: 'elementwise', shape: [a.length], inputs: ['int32', 'int32'], out: 'int32',
        expr: { kind: 'apply', op: op as 'bitand', dtype: 'int32', computeDType: 'int32', args: [load(0, [1], 'int32'), load(1, [1], 'int32')] },
      };
      const want = a.map((x, k) => js(x, b[k]!));
      for (const backend of [gpu, cpuMode]) {
        expect([...runKernel(backend, kernel, [typed('int32', a), typed('int32', b)])], `${op} on ${backend === gpu ? 'headlessgl' : 'cpu mode'}`).toEqual(want);
      }
    });
  }
  it('invert of int8, uint8 and int32 values', async () => {
    const i8 = sym.T.tensor('int8', [false], 'i8');
    const u8 = sym.T.tensor('uint8', [false], 'u8');
    const i32 = sym.T.tensor('int32', [false], 'i32');
    for (const device of ['gpujs', 'cpu']) {
      const f = sym.function([i8, u8, i32], [sym.T.invert(i8), sym.T.invert(u8), sym.T.invert(i32), sym.T.bitwiseAnd(i8, u8)], { device });
      const got = (await f(sym.array([-128, -1, 5, 127], { dtype: 'int8' }), sym.array([255, 0, 170, 3], { dtype: 'uint8' }), sym.array([-E, -1, 0, E - 1], { dtype: 'int32' }))) as sym.NDArray[];
      // NumPy: ~int8, ~uint8, ~int32, int8 & uint8 (int16)
      expect(got.map((r) => r.toArray()), device).toEqual([[127, 0, -6, -128], [0, 255, 85, 252], [E - 1, 0, -1, -E], [128, 0, 0, 3]]);
    }
  });
});
