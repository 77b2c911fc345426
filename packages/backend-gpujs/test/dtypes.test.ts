// What gpujs holds and computes, and what it refuses, with the message a user sees.
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import type { ElementwiseKernel } from '@sym/graph';
import { GPUJS_DTYPES, MAX_EXACT_INT } from '../src/index.js';
import { cpu, gpu, load, runKernel, typed } from './harness.js';
import { renderKernel } from '../src/render.js';

const T = sym.T;

describe('dtypes on gpujs', () => {
  it('lists float32, bool and the integers, never float64', () => {
    expect(gpu.describe().dtypes).toEqual(GPUJS_DTYPES);
    expect(gpu.describe().dtypes).not.toContain('float64');
    expect(gpu.describe().device).toBe('gpu.js headlessgl (HeadlessGLKernel)');
  });

  it('refuses a float64 graph, naming floatX=float32', async () => {
    const x = T.vector('x', 'float64');
    const f = sym.function([x], x.exp(), { device: 'gpujs' });
    await expect(f([1, 2])).rejects.toThrow(
      'device=gpujs cannot hold float64 data, which this graph needs: the input x is float64. It supports float32, bool, int8, uint8, int16, uint16, int32, uint32, int64.',
    );
    expect(() => gpu.alloc('float64', 4)).toThrow(/cannot hold float64 data.*floatX=float32/);
    // float16 too: textures hold float32, and nothing here rounds to half precision
    const h = T.vector('h', 'float16');
    await expect(sym.function([h], h.exp(), { device: 'gpujs' })(sym.array([1], { dtype: 'float16' }))).rejects.toThrow(/device=gpujs cannot hold float16 data/);
  });

  it('refuses a kernel that computes in float64 inside, even with float32 buffers', () => {
    const k: ElementwiseKernel = {
      kind: 'elementwise', shape: [2], inputs: ['float32'], out: 'float32',
      expr: { kind: 'apply', op: 'cast', computeDType: 'float64', dtype: 'float32', args: [{ kind: 'apply', op: 'exp', computeDType: 'float64', dtype: 'float64', args: [load(0, [1])] }] },
    };
    expect(() => gpu.compile(k)).toThrow(/computes in float64 \(exp, cast\).*float32 only/);
  });

  it('refuses integers beyond ±2^24 on upload and on read, instead of rounding them', async () => {
    const b = gpu.alloc('int32', 3);
    expect(() => gpu.write(b, typed('int32', [1, 2 ** 25, 3]))).toThrow(`gpujs.write: int32 value ${2 ** 25} at index 1 is outside ±${MAX_EXACT_INT}`);
    gpu.free(b);
    const k: ElementwiseKernel = {
      kind: 'elementwise', shape: [2], inputs: ['int32', 'int32'], out: 'int32',
      expr: { kind: 'apply', op: 'mul', computeDType: 'int32', dtype: 'int32', args: [load(0, [1], 'int32'), load(1, [1], 'int32')] },
    };
    expect(runKernel(gpu, k, [typed('int32', [3, -4000]), typed('int32', [5, 4000])])).toEqual(typed('int32', [15, -16000000]));
    expect(() => runKernel(gpu, k, [typed('int32', [3, 8192]), typed('int32', [5, 8192])])).toThrow(/a int32 result holds 67108864 at index 1, beyond the integers gpujs computes exactly/);
  });

  it('wraps 8- and 16-bit integers like C, exactly, products included', () => {
    for (const d of ['int8', 'uint8', 'int16', 'uint16'] as const) {
      const k: ElementwiseKernel = {
        kind: 'elementwise', shape: [4], inputs: [d, d], out: d,
        expr: { kind: 'apply', op: 'mul', computeDType: d, dtype: d, args: [load(0, [1], d), load(1, [1], d)] },
      };
      const a = typed(d, [127, -128, 32767, 65535]);
      const b = typed(d, [127, 3, -32768, 65535]);
      expect(runKernel(gpu, k, [a, b])).toEqual(runKernel(cpu, k, [a, b]));
    }
  });

  it('keeps bool results 0/1 and integer division flooring', () => {
    const k: ElementwiseKernel = {
      kind: 'elementwise', shape: [6], inputs: ['int16', 'int16'], out: 'int16',
      expr: { kind: 'apply', op: 'intdiv', computeDType: 'int16', dtype: 'int16', args: [load(0, [1], 'int16'), load(1, [1], 'int16')] },
    };
    const a = typed('int16', [7, -7, 7, -7, 5, 30000]);
    const b = typed('int16', [2, 2, -2, -2, 0, 3]);
    expect(runKernel(gpu, k, [a, b])).toEqual(typed('int16', [3, -4, -4, 3, 0, 10000]));
    const c: ElementwiseKernel = {
      kind: 'elementwise', shape: [4], inputs: ['float32', 'float32'], out: 'bool',
      expr: { kind: 'apply', op: 'lt', computeDType: 'float32', dtype: 'bool', args: [load(0, [1]), load(1, [1])] },
    };
    expect(runKernel(gpu, c, [typed('float32', [1, 2, NaN, -1]), typed('float32', [2, 2, 1, NaN])])).toEqual(typed('bool', [1, 0, 0, 0]));
    // the comparison's result is stored as it is: it already holds 0 or 1
    expect(renderKernel(c)).not.toContain('symBool(symBool(');
    expect(renderKernel(c)).toContain('symBool(');
  });
});
