import { describe, expect, it } from 'vitest';
import type { MatmulKernel, ReduceKernel } from '@sym/graph';
import { CpuBackend } from './backend.js';
import { runKernel, seeded } from './test-kernels.js';
import { arena } from './wasm/arena.js';

// out[i] = tanh(2 * sum_j x[i, j] + v[i]) over a (3, 50) float32 x: the reduction, then its epilogue
const kernel: ReduceKernel = {
  kind: 'reduce',
  shape: [3],
  reduceShape: [50],
  reducer: 'sum',
  inputs: ['float32', 'float32'],
  acc: 'float32',
  out: 'float32',
  expr: { kind: 'load', input: 0, strides: [50, 1], offset: 0, dtype: 'float32' },
  epilogue: {
    value: 'float32',
    expr: {
      kind: 'apply',
      op: 'tanh',
      computeDType: 'float32',
      dtype: 'float32',
      args: [
        {
          kind: 'apply',
          op: 'add',
          computeDType: 'float32',
          dtype: 'float32',
          args: [
            { kind: 'apply', op: 'mul', computeDType: 'float32', dtype: 'float32', args: [{ kind: 'reduced', dtype: 'float32' }, { kind: 'const', value: 2, dtype: 'float32' }] },
            { kind: 'load', input: 1, strides: [1], offset: 0, dtype: 'float32' },
          ],
        },
      ],
    },
  },
};

function expected(x: Float32Array, v: Float32Array): number[] {
  return [0, 1, 2].map((i) => {
    let s = 0;
    for (let j = 0; j < 50; j++) s = Math.fround(s + x[i * 50 + j]!);
    return Math.tanh(2 * s + v[i]!);
  });
}

describe('reduction epilogues on the CPU', () => {
  for (const wasm of [true, false]) {
    it(`runs the epilogue after the reduction, reusing one scratch array (${wasm ? 'WebAssembly SIMD' : 'JavaScript'})`, () => {
      const backend = new CpuBackend({ wasm });
      const exe = backend.compile(kernel);
      // the reduction keeps its own kernel (the SIMD path where there is one); the epilogue reads it
      expect(exe.source).toContain('epilogue, reading the result as input 2');
      if (wasm) expect(exe.source).toContain('WebAssembly SIMD kernel');
      for (const seed of [1, 2]) {
        const [x, v] = [seeded(150, seed), seeded(3, seed + 10)];
        const out = runKernel(backend, kernel, [x, v], 3);
        expected(x, v).forEach((e, i) => expect(out[i]).toBeCloseTo(e, 5));
      }
      expect(backend.liveBuffers()).toBe(0);
    });
  }

  it('keeps every split kernel\'s intermediate in one block, not fresh memory per kernel', () => {
    const backend = new CpuBackend({ wasm: true });
    // relu(A B) for products of 512, 384 and 256 rows by 512 columns: intermediates of 1, 0.75 and 0.5 MB
    const product = (m: number): MatmulKernel => ({
      kind: 'matmul', batch: 1, m, n: 512, k: 4, inputs: ['float32', 'float32'], acc: 'float32', out: 'float32',
      a: { strides: [0, 4, 1], offset: 0 }, b: { strides: [0, 512, 1], offset: 0 }, outStrides: [0, 512, 1],
      epilogue: { value: 'float32', expr: { kind: 'apply', op: 'relu', computeDType: 'float32', dtype: 'float32', args: [{ kind: 'reduced', dtype: 'float32' }] } },
    });
    const sized = [512, 384, 256].map((m) => ({ m, exe: backend.compile(product(m)), buffers: [backend.alloc('float32', m * 4), backend.alloc('float32', 4 * 512), backend.alloc('float32', m * 512)] }));
    const launch = ({ exe, buffers: [a, b, out] }: (typeof sized)[number]) => backend.run([{ exe, inputs: [a!, b!], output: out! }]);
    launch(sized[0]!);
    const bytes = arena.memory.buffer.byteLength;
    sized.slice(1).forEach(launch);
    expect(arena.memory.buffer.byteLength).toBe(bytes);
    for (const { buffers } of sized) buffers.forEach((b) => backend.free(b));
  });
});
