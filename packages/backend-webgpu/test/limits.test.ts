/**
 * Device limits are met by splitting work: a fused kernel reading more
 * buffers than a shader stage may bind gets its extra inputs packed into one
 * buffer; dispatches beyond the per-dimension workgroup limit fold into more
 * grid dimensions.
 */
import { describe, expect, it, vi } from 'vitest';
import type { TensorVariable } from '@sym/graph';
import { renderKernel } from '../src/index.js';
import { expectClose } from './compare.js';
import { T, both, sym, webgpu } from './setup.js';

describe('limits', () => {
  it('a fused expression over more inputs than the device binds matches the CPU', async () => {
    await sym.resolveBackend('webgpu');
    const n = webgpu.device.limits.maxStorageBuffersPerShaderStage;
    const count = n + 4;
    // float32 rows, int32 columns (transposed loads) and a broadcast row: packed words of several kinds
    const vars: TensorVariable[] = Array.from({ length: count }, (_, i) =>
      i % 3 === 0 ? T.imatrix(`m${i}`) : i % 3 === 1 ? T.fmatrix(`m${i}`) : T.frow(`m${i}`),
    );
    const terms = vars.map((v, i) => (i % 3 === 0 ? v.transpose().astype('float32') : v).mul(i + 1));
    const total = T.add(...terms);
    const outs = [total, T.sum(T.exp(total.mul(0.001)), { axis: 1 })];
    const args = vars.map((_, i) =>
      i % 3 === 0
        ? sym.fromTyped(new Int32Array(Array.from({ length: 15 }, (_, j) => j - i)), [5, 3], 'int32')
        : i % 3 === 1
          ? sym.fromTyped(new Float32Array(Array.from({ length: 15 }, (_, j) => j * 0.5 + i)), [3, 5], 'float32')
          : sym.fromTyped(new Float32Array(Array.from({ length: 5 }, (_, j) => -j - i)), [1, 5], 'float32'),
    );
    const compile = vi.spyOn(webgpu, 'compile');
    const { gpu, ref } = await both(vars, outs, args);
    const widest = Math.max(...compile.mock.calls.map(([k]) => k.inputs.length));
    compile.mockRestore();
    expectClose(gpu[0]!, ref[0]!, { rtol: 1e-6, atol: 0 }, 'sum of terms');
    expectClose(gpu[1]!, ref[1]!, { rtol: 1e-5, atol: 1e-6 }, 'row sums');
    // fusion made one kernel read every input: more than the device binds
    expect(widest).toBeGreaterThan(n - 1);
  });

  it('a concatenation of more tensors than the device binds gathers from the packed buffer, each at its own start', async () => {
    await sym.resolveBackend('webgpu');
    // a join of more than 16 pieces (graph's JOIN_FAN_IN) is a tree of joins: one of 16 reads them and their positions, past lavapipe's 16 bindings with its output
    const count = Math.min(webgpu.device.limits.maxStorageBuffersPerShaderStage + 3, 16);
    // float32 and int16 pieces of several lengths (their join is float32)
    const vars = Array.from({ length: count }, (_, i) => (i % 2 ? T.tensor('int16', [false], `v${i}`) : T.fvector(`v${i}`)));
    const args = vars.map((_, i) =>
      i % 2 ? sym.fromTyped(new Int16Array([i, -i, 2 * i].slice(0, 1 + (i % 3))), [1 + (i % 3)], 'int16') : sym.fromTyped(new Float32Array([i + 0.5, -i]), [2], 'float32'),
    );
    const compile = vi.spyOn(webgpu, 'compile');
    const { gpu, ref } = await both(vars, [T.concatenate(vars)], args);
    const widest = Math.max(...compile.mock.calls.map(([k]) => k.inputs.length));
    compile.mockRestore();
    expect(Array.from(gpu[0]!.data)).toEqual(Array.from(ref[0]!.data));
    expect(widest).toBeGreaterThan(count - 1);
  });

  it('int64 inputs past the binding limit are packed on whole words and stay exact', async () => {
    await sym.resolveBackend('webgpu');
    const n = webgpu.device.limits.maxStorageBuffersPerShaderStage;
    // int32 vectors of 5 (odd word counts) between int64 ones: each int64 input starts on an even word
    const vars: TensorVariable[] = Array.from({ length: n + 4 }, (_, i) => (i % 2 === 0 ? T.ivector(`v${i}`) : T.lvector(`v${i}`)));
    const total = T.add(...vars.map((v, i) => v.mul(i + 1)));
    const args = vars.map((_, i) =>
      i % 2 === 0
        ? sym.fromTyped(new Int32Array(Array.from({ length: 5 }, (_, j) => j - i)), [5], 'int32')
        : sym.array(Array.from({ length: 5 }, (_, j) => (j - 2) * 2 ** 35 + i), { dtype: 'int64' }),
    );
    const compile = vi.spyOn(webgpu, 'compile');
    const { gpu, ref } = await both(vars, [total], args);
    const widest = Math.max(...compile.mock.calls.map(([k]) => k.inputs.length));
    compile.mockRestore();
    expectClose(gpu[0]!, ref[0]!, { rtol: 0, atol: 0 }, 'sum of terms');
    expect(widest).toBeGreaterThan(n - 1);
    const layout = renderKernel(
      {
        kind: 'elementwise',
        shape: [5],
        inputs: ['int32', 'int32', 'int32', 'int64'],
        out: 'int64',
        expr: { kind: 'apply', op: 'add', computeDType: 'int64', dtype: 'int64', args: [{ kind: 'load', input: 2, strides: [1], offset: 0, dtype: 'int32' }, { kind: 'load', input: 3, strides: [1], offset: 0, dtype: 'int64' }] },
      },
      { maxWorkgroupsPerDimension: 64, maxStorageBuffers: 4 },
    );
    expect(layout.packing).toEqual({ binding: 2, inputs: [{ input: 2, base: 0, words: 5 }, { input: 3, base: 6, words: 10 }], words: 16 });
  });

  it('packs in the renderer when the kernel reads more than the limit, and folds large dispatches', () => {
    const load = (input: number) => ({ kind: 'load', input, strides: [2], offset: input, dtype: 'float32' }) as const;
    const kernel = {
      kind: 'elementwise',
      shape: [10],
      inputs: ['float32', 'float32', 'float32', 'float32'],
      out: 'float32',
      expr: { kind: 'apply', op: 'add', computeDType: 'float32', dtype: 'float32', args: [{ kind: 'apply', op: 'add', computeDType: 'float32', dtype: 'float32', args: [load(0), load(1)] }, { kind: 'apply', op: 'add', computeDType: 'float32', dtype: 'float32', args: [load(2), load(3)] }] },
    } as const;
    const r = renderKernel(kernel, { maxWorkgroupsPerDimension: 4, maxStorageBuffers: 4 });
    expect(r.packing).toEqual({ binding: 2, inputs: [{ input: 2, base: 0, words: 21 }, { input: 3, base: 21, words: 22 }], words: 43 });
    expect(r.code).toContain('bitcast<f32>(in2[');
    const wide = renderKernel({ ...kernel, shape: [64 * 4 * 3 + 1] }, { maxWorkgroupsPerDimension: 4 });
    expect(wide.dispatch).toEqual([4, 4, 1]);
  });
});
