/**
 * Epilogues run in the reduce or matmul kernel's own shader: on the
 * per-output and the workgroup-tree (tiled) paths, with inputs packed past
 * the binding limit, and as one dispatch where the optimizer fuses them.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { kernelOutputSize } from '@sym/graph';
import type { ApplyExpr, DType, Kernel, Launch, LoadExpr, MatmulKernel, ReduceKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { DEFAULT_MATMUL_TILE, WebGpuBackend, renderKernel, type WebGpuExecutable } from '../src/index.js';
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
async function launch(kernel: Kernel, inputs: (Float32Array | Int32Array)[], gpu: WebGpuBackend = webgpu): Promise<{ out: number[]; exe: WebGpuExecutable }> {
  const bufs = inputs.map((data, i) => {
    const b = gpu.alloc(kernel.inputs[i]!, data.length);
    gpu.write(b, data);
    return b;
  });
  const output = gpu.alloc(kernel.out, kernelOutputSize(kernel));
  const exe = gpu.compile(kernel);
  gpu.run([{ exe, inputs: bufs, output }]);
  const out = [...(await gpu.read(output))];
  [...bufs, output].forEach((b) => gpu.free(b));
  return { out, exe };
}

function expectNear(got: readonly number[], want: readonly number[], label: string): void {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `${label} [${i}]: got ${got[i]}, expected ${w}`).toBeLessThan(1e-5 * (1 + Math.abs(w))));
}

/**
 * out[b, m, n] = relu(0.5 * dot(b, m, n) + v[n]) - a[b, m, 0] over A (batch, m, k) and, transposed, B
 * stored as (batch, n, k): v is input `vi` of `inputs`, and the epilogue reads operand A's buffer too.
 */
function biasRelu(batch: number, m: number, n: number, k: number, inputs: DType[] = ['float32', 'float32', 'float32'], vi = 2): MatmulKernel {
  const reduced: ScalarExpr = { kind: 'reduced', dtype: 'float32' };
  const act = apply('relu', [apply('add', [apply('mul', [reduced, num(0.5)]), load(vi, [0, 0, 1])])]);
  return {
    kind: 'matmul',
    batch,
    m,
    n,
    k,
    inputs: inputs as [DType, DType, ...DType[]],
    acc: 'float32',
    out: 'float32',
    a: { strides: [m * k, k, 1], offset: 0 },
    b: { strides: [n * k, 1, k], offset: 0 },
    outStrides: [m * n, n, 1],
    epilogue: { value: 'float32', expr: apply('sub', [act, load(0, [m * k, k, 0])]) },
  };
}

/** The reference of `biasRelu` in float64 (the grid data's dots are exact in float32). */
function biasReluRef(a: Float32Array, b: Float32Array, v: Float32Array, batch: number, m: number, n: number, k: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < batch; p++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a[p * m * k + i * k + q]! * b[p * n * k + j * k + q]!;
        out.push(Math.max(0.5 * s + v[j]!, 0) - a[p * m * k + i * k]!);
      }
  return out;
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
      const split = sym.function([x, v], out, { device: 'webgpu', optimizer: { excluding: ['epilogue_fusion'] } });
      expectClose((await split(...args)) as sym.NDArray, gpu[0]!, { rtol: 1e-6, atol: 0 }, 'unfused');
      expect(launches()).toHaveLength(2);
    } finally {
      run.mockRestore();
    }
  });
});

describe('matmul epilogues', () => {
  // 2x3x5 by 7 runs one invocation per output; 2x70x130 by 40 the tiled kernel, with partial tiles
  for (const [batch, m, n, k, tiled] of [[2, 3, 5, 7, false], [2, 70, 130, 40, true]] as const) {
    it(`run where the product is stored (${batch}x${m}x${n} by ${k}, ${tiled ? 'tiled' : 'per output'})`, async () => {
      await webgpu.init();
      const a = data(batch * m * k, 3);
      const b = data(batch * n * k, 5);
      const v = data(n, 7);
      const { out, exe } = await launch(biasRelu(batch, m, n, k), [a, b, v]);
      expect(exe.rendered.code.includes('var<workgroup>')).toBe(tiled);
      // lavapipe's software tile holds 256 outputs per invocation: a tiled product's epilogue is a second dispatch
      expect(exe.then !== undefined).toBe(tiled);
      expectNear(out, biasReluRef(a, b, v, batch, m, n, k), 'relu(0.5 dot + v) - a');
    });
  }

  it('run in the tiled shader with the default tile (32 outputs per invocation)', async () => {
    const gpu = new WebGpuBackend({ matmulTile: DEFAULT_MATMUL_TILE });
    try {
      await gpu.init();
      const [batch, m, n, k] = [2, 70, 130, 40];
      const a = data(batch * m * k, 3);
      const b = data(batch * n * k, 5);
      const v = data(n, 7);
      const { out, exe } = await launch(biasRelu(batch, m, n, k), [a, b, v], gpu);
      expect(exe.then).toBeUndefined();
      expect(exe.rendered.code).toMatch(/var<workgroup>[\s\S]*let reduced/);
      expectNear(out, biasReluRef(a, b, v, batch, m, n, k), 'relu(0.5 dot + v) - a, default tile');
    } finally {
      gpu.dispose();
    }
  });

  it('store an integer epilogue through a wrapping cast', async () => {
    await webgpu.init();
    // out[m, n] = int8(dot(m, n) * 100 + w[m]) over int32 operands
    const [m, n, k] = [3, 4, 6];
    const a = Int32Array.from({ length: m * k }, (_, i) => (i * 7) % 11 - 5);
    const b = Int32Array.from({ length: k * n }, (_, i) => (i * 5) % 9 - 4);
    const w = new Int32Array([90, -7, 120]);
    const scaled = apply('mul', [{ kind: 'reduced', dtype: 'int32' }, num(100, 'int32')], 'int32');
    const kernel: MatmulKernel = {
      kind: 'matmul',
      batch: 1,
      m,
      n,
      k,
      inputs: ['int32', 'int32', 'int32'],
      acc: 'int32',
      out: 'int8',
      a: { strides: [0, k, 1], offset: 0 },
      b: { strides: [0, n, 1], offset: 0 },
      outStrides: [0, n, 1],
      epilogue: { value: 'int32', expr: apply('cast', [apply('add', [scaled, load(2, [0, 1, 0], 'int32')], 'int32')], 'int8', 'int32') },
    };
    const want = Array.from({ length: m * n }, (_, o) => {
      const [i, j] = [Math.floor(o / n), o % n];
      let s = 0;
      for (let q = 0; q < k; q++) s += a[i * k + q]! * b[q * n + j]!;
      return ((((s * 100 + w[i]!) % 256) + 384) % 256) - 128;
    });
    expect((await launch(kernel, [a, b, w])).out).toEqual(want);
  });

  it('pack the epilogue inputs past the binding limit, keeping the operands bound', async () => {
    await webgpu.init();
    const limit = webgpu.device.limits.maxStorageBuffersPerShaderStage;
    // limit + 1 inputs: the operands, unread ones, v last; the last three are packed
    for (const [batch, m, n, k] of [[2, 3, 5, 7], [1, 70, 130, 40]] as const) {
      const inputs: DType[] = Array.from({ length: limit + 1 }, () => 'float32');
      const a = data(batch * m * k, 3);
      const b = data(batch * n * k, 5);
      const v = data(n, 7);
      const values = inputs.map((_, i) => (i === 0 ? a : i === 1 ? b : i === limit ? v : new Float32Array(1)));
      const { out, exe } = await launch(biasRelu(batch, m, n, k, inputs, limit), values);
      const unread = [
        { input: limit - 2, base: 0, words: 0 },
        { input: limit - 1, base: 0, words: 0 },
        { input: limit, base: 0, words: n },
      ];
      if (exe.then) {
        // the tiled product on lavapipe: its epilogue, a second dispatch, packs the product's scratch output too
        const size = batch * m * n;
        expect(exe.rendered.packing).toBeUndefined();
        expect(exe.then.rendered.packing).toEqual({ binding: limit - 2, inputs: [...unread, { input: limit + 1, base: n, words: size }], words: n + size });
      } else expect(exe.rendered.packing).toEqual({ binding: limit - 2, inputs: unread, words: n });
      expectNear(out, biasReluRef(a, b, v, batch, m, n, k), `packed ${batch}x${m}x${n} by ${k}`);
    }
  });

  it('refuse clearly what it cannot render', () => {
    const limits = { maxWorkgroupsPerDimension: 65535 };
    // the operands are never packed: a device binding 3 buffers cannot run a matmul with a third input
    expect(() => renderKernel(biasRelu(1, 2, 2, 2), { ...limits, maxStorageBuffers: 3 })).toThrow(/at least 4 storage buffers/);
    const f64: MatmulKernel = { ...biasRelu(1, 2, 2, 2), epilogue: { value: 'float64', expr: { kind: 'reduced', dtype: 'float64' } } };
    expect(() => renderKernel(f64, limits)).toThrow(/floatX=float32/);
  });

  it('a product and the bias and activation after it run as one dispatch, two without the fusion', async () => {
    await sym.resolveBackend('webgpu');
    const a = T.fmatrix('a');
    const b = T.fmatrix('b');
    const v = T.fvector('v');
    // k = 6: products over k <= 4 become elementwise kernels before the fusion
    const out = T.relu(T.dot(a, b).add(v));
    const args = [sym.fromTyped(data(3 * 6, 2), [3, 6], 'float32'), sym.fromTyped(data(6 * 5, 4), [6, 5], 'float32'), sym.fromTyped(data(5, 6), [5], 'float32')];
    const run = vi.spyOn(webgpu, 'run');
    const launches = () => run.mock.calls.flatMap(([l]) => l as Launch[]);
    try {
      const { gpu, ref } = await both([a, b, v], out, args);
      expect(launches()).toHaveLength(1);
      expect(launches()[0]!.exe.kernel).toMatchObject({ kind: 'matmul', inputs: ['float32', 'float32', 'float32'], epilogue: { expr: { op: 'relu' } } });
      expectClose(gpu[0]!, ref[0]!, { rtol: 1e-5, atol: 1e-6 }, 'fused');
      run.mockClear();
      const split = sym.function([a, b, v], out, { device: 'webgpu', optimizer: { excluding: ['epilogue_fusion'] } });
      expectClose((await split(...args)) as sym.NDArray, gpu[0]!, { rtol: 1e-6, atol: 0 }, 'unfused');
      expect(launches()).toHaveLength(2);
    } finally {
      run.mockRestore();
    }
  });
});
