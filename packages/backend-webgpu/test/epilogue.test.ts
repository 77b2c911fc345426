/**
 * Reduction epilogues run in the reduce kernel's own shader: on the
 * per-output and the workgroup-tree paths, with inputs packed past the
 * binding limit, and as one dispatch where the optimizer fuses them.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApplyExpr, DType, Launch, LoadExpr, ReduceKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { renderKernel, type WebGpuExecutable } from '../src/index.js';
import { expectClose, gridData as data } from './compare.js';
import { T, both, sym, webgpu } from './setup.js';

beforeEach(() => expect.hasAssertions());

const load = (input: number, strides: number[], dtype: DType = 'float32', offset = 0): LoadExpr => ({ kind: 'load', input, strides, offset, dtype });
const apply = (op: ScalarOpName, args: ScalarExpr[], dtype: DType = 'float32', computeDType: DType = dtype): ApplyExpr => ({ kind: 'apply', op, args, dtype, computeDType });
const num = (value: number, dtype: DType = 'float32'): ScalarExpr => ({ kind: 'const', value, dtype });

/** out[i] = tanh(2 * sum_j x[i, j] + v[i]); x is input `xi` of `inputs`, v input `vi`. */
function sumTanh(rows: number, cols: number, inputs: DType[] = ['float32', 'float32'], xi = 0, vi = 1): ReduceKernel {
  return {
    kind: 'reduce',
    shape: [rows],
    reduceShape: [cols],
    reducer: 'sum',
    inputs,
    acc: 'float32',
    out: 'float32',
    expr: load(xi, [cols, 1]),
    epilogue: { value: 'float32', expr: apply('tanh', [apply('add', [apply('mul', [{ kind: 'reduced', dtype: 'float32' }, num(2)]), load(vi, [1])])]) },
  };
}

/** out[i] = int8(argmax_j x[i, j] * 100 + w[i]): an int64 reduced value, an int32 operand, a wrapping store. */
function argmaxWrap(rows: number, cols: number): ReduceKernel {
  const scaled = apply('mul', [{ kind: 'reduced', dtype: 'int64' }, num(100, 'int64')], 'int64');
  return {
    kind: 'reduce',
    shape: [rows],
    reduceShape: [cols],
    reducer: 'argmax',
    inputs: ['float32', 'int32'],
    acc: 'float32',
    out: 'int8',
    expr: load(0, [cols, 1]),
    epilogue: { value: 'int64', expr: apply('cast', [apply('add', [scaled, load(1, [1], 'int32')], 'int64')], 'int8', 'int64') },
  };
}

const rowSums = (x: Float32Array, rows: number, cols: number) => Array.from({ length: rows }, (_, i) => x.subarray(i * cols, (i + 1) * cols).reduce((a, b) => a + b, 0));

/** Run `kernel` on the device over `inputs`, returning its output and the executable. */
async function launch(kernel: ReduceKernel, inputs: (Float32Array | Int32Array)[]): Promise<{ out: number[]; exe: WebGpuExecutable }> {
  const bufs = inputs.map((data, i) => {
    const b = webgpu.alloc(kernel.inputs[i]!, data.length);
    webgpu.write(b, data);
    return b;
  });
  const output = webgpu.alloc(kernel.out, kernel.shape[0]!);
  const exe = webgpu.compile(kernel);
  webgpu.run([{ exe, inputs: bufs, output }]);
  const out = [...(await webgpu.read(output))];
  [...bufs, output].forEach((b) => webgpu.free(b));
  return { out, exe };
}

function expectNear(got: readonly number[], want: readonly number[], label: string): void {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `${label} [${i}]: got ${got[i]}, expected ${w}`).toBeLessThan(1e-5 * (1 + Math.abs(w))));
}

describe('reduction epilogues', () => {
  // 5 columns take the per-output loop, 700 the workgroup tree
  for (const [cols, tree] of [[5, false], [700, true]] as const) {
    it(`run after the reduction in the same shader (${cols} columns, ${tree ? 'tree' : 'per output'})`, async () => {
      await webgpu.init();
      const rows = 3;
      const x = data(rows * cols, cols);
      const v = data(rows, 9);
      const w = new Int32Array([90, -7, 120]);

      const sum = await launch(sumTanh(rows, cols), [x, v]);
      expect(sum.exe.rendered.code.includes('var<workgroup>')).toBe(tree);
      expectNear(sum.out, rowSums(x, rows, cols).map((s, i) => Math.tanh(2 * s + v[i]!)), 'tanh(2 sum + v)');

      const arg = await launch(argmaxWrap(rows, cols), [x, w]);
      const argmax = Array.from({ length: rows }, (_, i) => {
        const row = [...x.subarray(i * cols, (i + 1) * cols)];
        return row.indexOf(Math.max(...row));
      });
      // the int64 sum wraps into int8 on the store, as the unfused kernels' cast did
      expect(arg.out).toEqual(argmax.map((j, i) => ((((j * 100 + w[i]!) % 256) + 384) % 256) - 128));
    });
  }

  it('pack the epilogue loads with the reduction loads past the binding limit', async () => {
    await webgpu.init();
    const n = webgpu.device.limits.maxStorageBuffersPerShaderStage;
    // n + 1 inputs, the last three packed: one unread, the epilogue's v, the reduced matrix
    for (const cols of [5, 700]) {
      const rows = 3;
      const inputs: DType[] = Array.from({ length: n + 1 }, () => 'float32');
      const kernel = sumTanh(rows, cols, inputs, n, n - 1);
      const x = data(rows * cols, cols);
      const v = data(rows, 4);
      const values = inputs.map((_, i) => (i === n ? x : i === n - 1 ? v : new Float32Array(1)));
      const { out, exe } = await launch(kernel, values);
      expect(exe.rendered.packing?.inputs.filter((p) => p.input >= n - 1)).toEqual([
        { input: n - 1, base: 0, words: rows },
        { input: n, base: rows, words: rows * cols },
      ]);
      expectNear(out, rowSums(x, rows, cols).map((s, i) => Math.tanh(2 * s + v[i]!)), `packed, ${cols} columns`);
    }
  });

  it('size packed epilogue inputs over the output even when the reduction is empty', () => {
    // an empty reduction still stores tanh(2 * 0 + v[i]) for each of the 3 outputs: v's 3 words must be packed
    const kernel = sumTanh(3, 0, ['float32', 'float32', 'float32', 'float32'], 0, 3);
    const r = renderKernel(kernel, { maxWorkgroupsPerDimension: 65535, maxStorageBuffers: 4 });
    expect(r.packing).toEqual({ binding: 2, inputs: [{ input: 2, base: 0, words: 0 }, { input: 3, base: 0, words: 3 }], words: 3 });
    expect(r.code).toContain('bitcast<f32>(in2[i0])');
  });

  it('a sum and the elementwise work after it run as one dispatch, two without the fusion', async () => {
    await sym.resolveBackend('webgpu');
    const x = T.fmatrix('x');
    const v = T.fvector('v');
    const out = T.tanh(T.sum(x, { axis: 1 }).mul(2).add(v));
    const args = [sym.fromTyped(data(3 * 700, 2), [3, 700], 'float32'), sym.fromTyped(data(3, 3), [3], 'float32')];
    const run = vi.spyOn(webgpu, 'run');
    const launches = () => run.mock.calls.flatMap(([l]) => l as Launch[]);
    try {
      const { gpu, ref } = await both([x, v], out, args);
      expect(launches()).toHaveLength(1);
      expect(launches()[0]!.exe.kernel).toMatchObject({ kind: 'reduce', epilogue: { expr: { op: 'tanh' } } });
      expectClose(gpu[0]!, ref[0]!, { rtol: 1e-5, atol: 1e-6 }, 'fused');
      run.mockClear();
      const split = sym.function([x, v], out, { device: 'webgpu', optimizer: { excluding: ['reduce_epilogue_fusion'] } });
      expectClose((await split(...args)) as sym.NDArray, gpu[0]!, { rtol: 1e-6, atol: 0 }, 'unfused');
      expect(launches()).toHaveLength(2);
    } finally {
      run.mockRestore();
    }
  });
});
