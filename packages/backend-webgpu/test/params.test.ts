/**
 * Parametric kernels (params.ts): small elementwise and reduce kernels read
 * their lengths, strides, offsets and integer constants from a uniform, so
 * that kernels differing only in those share one pipeline. They must
 * compute bit for bit what the same kernels compiled with their numbers in
 * the code compute.
 */
import { describe, expect, it } from 'vitest';
import { allocate, schedule, type DType, type ElementwiseKernel, type Kernel, type Program, type TypedArray } from '@sym/graph';
import { grad } from '@sym/grad';
import { optimizeProgram } from '@sym/opt';
import { WebGpuBackend, renderKernel } from '../src/index.js';
import { expectClose, gridData } from './compare.js';
import { T, sym, webgpu } from './setup.js';

const limits = { maxWorkgroupsPerDimension: 65535 };

/** out[i, j] = x[i + 1, j] * 2.5 + x[k, j], over an (n, 3) slice of x (n + 1, 3), k a clipped integer constant. */
function shifted(n: number, k: number, factor = 2.5): ElementwiseKernel {
  return {
    kind: 'elementwise',
    shape: [n, 3],
    inputs: ['float32'],
    out: 'float32',
    expr: {
      kind: 'apply',
      op: 'add',
      args: [
        { kind: 'apply', op: 'mul', args: [{ kind: 'load', input: 0, strides: [3, 1], offset: 3, dtype: 'float32' }, { kind: 'const', value: factor, dtype: 'float32' }], computeDType: 'float32', dtype: 'float32' },
        { kind: 'gather', input: 0, index: { kind: 'const', value: 3 * k, dtype: 'int32' }, size: 3 * (n + 1), dtype: 'float32' },
      ],
      computeDType: 'float32',
      dtype: 'float32',
    },
  };
}

/** Run one kernel on `backend` over the given input arrays; its output as a fresh array. */
async function runKernel(backend: WebGpuBackend, k: Kernel, inputs: readonly TypedArray[], outSize: number): Promise<TypedArray> {
  const bufs = inputs.map((data, i) => {
    const b = backend.alloc(k.inputs[i]!, data.length);
    backend.write(b, data);
    return b;
  });
  const out = backend.alloc(k.out, outSize);
  backend.run([{ exe: backend.compile(k), inputs: bufs, output: out }]);
  const result = await backend.read(out);
  for (const b of [...bufs, out]) backend.free(b);
  return result;
}

/** Values for a buffer of `dtype`: small integers (gathers clip their indices), or grid floats. */
function dataFor(dtype: DType, size: number, seed: number): TypedArray {
  const a = allocate(dtype, size);
  const g = gridData(size, seed);
  for (let i = 0; i < size; i++) a[i] = dtype === 'float32' ? g[i]! : dtype === 'bool' ? Number(g[i]! > 0) : Math.round(g[i]! * 8);
  return a;
}

describe('parametric kernels', () => {
  it('render kernels that differ in lengths, strides, offsets and integer constants to one shader', () => {
    const a = renderKernel(shifted(5, 2), limits, { parametric: true });
    const b = renderKernel(shifted(40, 17), limits, { parametric: true });
    expect(b.code).toBe(a.code);
    expect(Array.from(a.params!)).not.toEqual(Array.from(b.params!));
    expect(a.code).toContain('var<uniform> params');
    // a float constant stays in the code: a compiler may fold arithmetic on it
    expect(renderKernel(shifted(5, 2, 3.5), limits, { parametric: true }).code).not.toBe(a.code);
    // without the option, each length is its own shader with its numbers in it
    expect(renderKernel(shifted(5, 2), limits).code).not.toBe(renderKernel(shifted(40, 17), limits).code);
    expect(renderKernel(shifted(5, 2), limits).params).toBeUndefined();
    // past the size limit a kernel keeps its numbers: index arithmetic on read divisors costs more there
    expect(renderKernel(shifted(1 << 15, 2), limits, { parametric: true }).params).toBeUndefined();
  });

  it('keep the numbers of a first kernel in its code, and compile the kernels that differ from it only in those to one pipeline', async () => {
    await sym.resolveBackend('webgpu');
    const x = (n: number) => Float32Array.from({ length: 3 * (n + 1) }, (_, i) => i * 0.25 - 1);
    const expected = (n: number, k: number) => Array.from({ length: 3 * n }, (_, i) => Math.fround(Math.fround(x(n)[i + 3]! * 2.5) + x(n)[3 * k]!));
    const pipelines: number[] = [webgpu.stats().pipelines];
    for (const [n, k] of [[6, 4], [9, 1], [13, 12], [7, 0]] as const) {
      expect(Array.from(await runKernel(webgpu, shifted(n, k), [x(n)], 3 * n))).toEqual(expected(n, k));
      pipelines.push(webgpu.stats().pipelines);
    }
    // the first with its numbers compiled in, the second reading them (a pipeline for all that follow), then none
    expect(pipelines.slice(1).map((p, i) => p - pipelines[i]!)).toEqual([1, 1, 0, 0]);
    expect(webgpu.compile(shifted(6, 4)).params).toBeUndefined();
    expect(Array.from(webgpu.compile(shifted(9, 1)).rendered.params!.slice(0, 3))).toEqual([27, 3, 3]);
    // a backend told never to read numbers compiles each length anew
    const fixed = new WebGpuBackend({ parametric: 'never' });
    await fixed.init();
    try {
      for (const [n, k] of [[6, 4], [9, 1], [13, 12]] as const) expect(Array.from(await runKernel(fixed, shifted(n, k), [x(n)], 3 * n))).toEqual(expected(n, k));
      expect(fixed.stats().pipelines).toBe(3);
    } finally {
      fixed.dispose();
    }
  });

  it("compute every kernel of a scan's training step bit for bit as the kernels with their numbers compiled in", async () => {
    const fixed = new WebGpuBackend({ parametric: 'never' });
    const always = new WebGpuBackend({ parametric: 'always' });
    await fixed.init();
    await always.init();
    try {
      // an Elman step's gradient through a scan, the loss over gathered rows: gathers, stacking, sums, a mean
      const X = T.fmatrix('X');
      const y = T.ivector('y');
      const W = T.fmatrix('W');
      const [hs] = sym.scan((x: sym.TensorVariable, h: sym.TensorVariable) => T.nnet.sigmoid(T.dot(h, W).add(x)), { sequences: X, outputsInfo: T.zeros([4], 'float32') });
      const p = T.nnet.softmax(hs);
      const loss = T.mean(T.log(p).get(T.arange(X.shape[0]), y)).neg();
      const outputs = [loss, ...grad(loss, [W, X])];
      const program: Program = optimizeProgram(schedule({ inputs: [X, y, W], inputShapes: [[7, 4], [7], [4, 4]], outputs }));
      let parametric = 0;
      for (const [i, step] of program.steps.entries()) {
        const k = step.kernel;
        const inputs = step.inputs.map((b, j) => dataFor(k.inputs[j]!, program.buffers[b]!.size, 3 + i + j));
        const size = program.buffers[step.output]!.size;
        const [a, b] = [await runKernel(always, k, inputs, size), await runKernel(fixed, k, inputs, size)];
        expect(Array.from(a), `step ${i}: ${step.label}`).toEqual(Array.from(b));
        if (always.compile(k).params) parametric++;
      }
      // most of the program's kernels were parametric
      expect(parametric).toBeGreaterThan(program.steps.length / 2);
    } finally {
      fixed.dispose();
      always.dispose();
    }
  });

  it('a training step through a scan at a third length compiles few new pipelines and matches the CPU', async () => {
    await sym.resolveBackend('webgpu');
    const rng = new sym.RandomState(4);
    const W = sym.shared(sym.array(Float32Array.from(rng.uniform([5, 5], { low: -0.5, high: 0.5 }).data as ArrayLike<number>), { shape: [5, 5] }));
    const X = T.fmatrix('X');
    const y = T.ivector('y');
    const [hs] = sym.scan((x: sym.TensorVariable, h: sym.TensorVariable) => T.tanh(T.dot(h, W).add(x)), { sequences: X, outputsInfo: T.zeros([5], 'float32') });
    const loss = T.mean(T.log(T.nnet.softmax(hs)).get(T.arange(X.shape[0]), y)).neg();
    const outs = [loss, grad(loss, [W])[0]!];
    const gpu = sym.function([X, y], outs, { device: 'webgpu' });
    const cpu = sym.function([X, y], outs, { device: 'cpu' });
    const call = async (n: number) => {
      const args = [sym.fromTyped(gridData(5 * n, n), [n, 5], 'float32'), sym.fromTyped(Int32Array.from({ length: n }, (_, t) => (t * 3) % 5), [n], 'int32')];
      const before = webgpu.stats();
      const [g, c] = [(await gpu(...args)) as sym.NDArray[], (await cpu(...args)) as sym.NDArray[]];
      expectClose(g[0]!, c[0]!, { rtol: 1e-5, atol: 1e-6 }, `loss at ${n}`);
      expectClose(g[1]!, c[1]!, { rtol: 1e-4, atol: 1e-6 }, `gradient at ${n}`);
      const after = webgpu.stats();
      return { kernels: after.kernels - before.kernels, pipelines: after.pipelines - before.pipelines };
    };
    await call(11);
    await call(19);
    const third = await call(26);
    // the kernels over the whole sequence are new at each length; most of them share earlier lengths' pipelines
    // (20 since the scatter-add kernel: the gradient's increments no longer sort and scan; 18 and 6 new pipelines since
    // share_softmax_log_softmax: the gradient's softmax reads the cost's row max and sum, one kernel fewer, none of them new)
    expect(third.kernels).toBeGreaterThan(15);
    expect(third.pipelines).toBeLessThanOrEqual(third.kernels / 3);
  });
});
