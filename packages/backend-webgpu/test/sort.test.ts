/**
 * The sort kernel (src/sort.ts): sorts, argsorts and top-k run as the
 * kernel IR's sort kernel, one dispatch for lines up to a workgroup's
 * block and a few more for longer ones, and give NumPy's stable order
 * (NaN last ascending and first descending, -0 equal to 0, ties in input
 * order) in every dtype the device holds. The results are checked against
 * a sort in JavaScript, not the CPU backend. The planner's passes also run
 * by hand with small limits (tiny blocks, a folded grid), which drive
 * short lines through the multi-pass path.
 */
import { describe, expect, it, vi } from 'vitest';
import type { DType, NDArray, SortKernel, TensorVariable, TypedArray } from '@sym/graph';
import { WebGpuBackend, planSort, type SortLimits, type WebGpuExecutable } from '../src/index.js';
import { toDevice } from '../src/dtypes.js';
import { T, sym, webgpu } from './setup.js';

/** NumPy's order: -1 when a sorts before b; NaN last ascending, first descending; ties left to the caller. */
function compare(a: number, b: number, descending: boolean): number {
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  if (na || nb) return na === nb ? 0 : na === descending ? -1 : 1;
  if (a === b) return 0;
  return a < b === descending ? 1 : -1;
}

/** The stable sorting permutation of each line of `values` (rows x n, C order), its first `keep` positions, flattened. */
function reference(values: ArrayLike<number>, rows: number, n: number, descending: boolean, keep = n): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => compare(values[r * n + a]!, values[r * n + b]!, descending) || a - b);
    out.push(...order.slice(0, keep));
  }
  return out;
}

/** A seeded generator: the same data every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Floats with many ties (half-integers in [-5, 5]) and, one in four, NaN, infinities and zeros of both signs. */
function tiedFloats(size: number, seed: number): number[] {
  const next = lcg(seed);
  const special = [NaN, Infinity, -Infinity, -0, 0];
  return Array.from({ length: size }, () => (next() < 0.25 ? special[Math.floor(next() * special.length)]! : Math.round(next() * 20 - 10) / 2));
}

/** A function's kernels on WebGPU, each with what compile made of it. */
async function compiled(inputs: TensorVariable[], outputs: TensorVariable[], args: NDArray[]): Promise<{ results: NDArray[]; exes: WebGpuExecutable[] }> {
  const spy = vi.spyOn(webgpu, 'compile');
  try {
    const f = sym.function(inputs, outputs, { device: 'webgpu' });
    const results = (await f(...args)) as NDArray[];
    return { results, exes: spy.mock.results.map((r) => r.value as WebGpuExecutable) };
  } finally {
    spy.mockRestore();
  }
}

const sortsOf = (exes: WebGpuExecutable[]) => exes.filter((e) => e.kernel.kind === 'sort');
const ints = (a: NDArray) => Array.from(a.data, Number);

describe('the WebGPU sort kernel', () => {
  it('is declared, and sym.function sorts through it: one sort kernel, no network of elementwise kernels', async () => {
    await sym.resolveBackend('webgpu');
    expect(webgpu.describe().kernels).toEqual(['sort', 'scatterAdd']);
    expect(new WebGpuBackend({ sortKernels: false }).describe().kernels).toEqual(['scatterAdd']);
    const x = T.fmatrix('x');
    const data = tiedFloats(4 * 1000, 1);
    const { results, exes } = await compiled([x], [T.sort(x), T.argsort(x)], [sym.fromTyped(Float32Array.from(data), [4, 1000], 'float32')]);
    const sorts = sortsOf(exes);
    // the values and the indices share one sort; a gather and a cast to int64 are the rest
    expect(sorts).toHaveLength(1);
    expect(exes.length).toBeLessThanOrEqual(4);
    expect(sorts[0]!.sort!.passes).toHaveLength(1);
    const order = reference(data, 4, 1000, false);
    expect(ints(results[1]!)).toEqual(order);
    const values = Array.from(results[0]!.data as Float32Array);
    values.forEach((v, i) => expect(Object.is(v, Math.fround(data[Math.floor(i / 1000) * 1000 + order[i]!]!)), `value ${i}`).toBe(true));
  });

  it('keeps ties in input order, NaN last ascending and first descending, -0 equal to 0 (argsort, argtopk of both signs)', async () => {
    const x = T.fmatrix('x');
    const data = [0, -0, NaN, 1, -Infinity, Infinity, -0, NaN, 1, 0, -1, -Infinity, ...tiedFloats(5 * 12, 2)];
    const args = [sym.fromTyped(Float32Array.from(data), [6, 12], 'float32')];
    const { results, exes } = await compiled([x], [T.argsort(x), T.argtopk(x, 5), T.argtopk(x, -4)], args);
    expect(sortsOf(exes).map((e) => [e.kernel.kind === 'sort' && e.kernel.descending, e.kernel.kind === 'sort' && e.kernel.keep])).toEqual(
      expect.arrayContaining([
        [false, 12],
        [true, 5],
      ]),
    );
    expect(ints(results[0]!)).toEqual(reference(data, 6, 12, false));
    expect(ints(results[1]!)).toEqual(reference(data, 6, 12, true, 5));
    expect(ints(results[2]!)).toEqual(reference(data, 6, 12, false, 4));
    // the first line by hand: -inf, -inf, -1, the zeros in input order, 1, 1, inf, NaN, NaN
    expect(ints(results[0]!).slice(0, 12)).toEqual([4, 11, 10, 0, 1, 6, 9, 3, 8, 5, 2, 7]);
    expect(ints(results[1]!).slice(0, 5)).toEqual([2, 7, 5, 3, 8]);
  });


  it('keys by bits: every NaN payload (signed, signalling) ties as NaN, subnormals of both signs keep their order, in one dispatch and through scratch', async () => {
    const x = T.fmatrix('x');
    // negative and signalling NaNs, all-ones, ±smallest and ±largest subnormals, ±0, ±inf, 1
    const bits = [0xffc00001, 0x7f800001, 0x7fc00000, 0xffffffff, 0x00000001, 0x80000001, 0x80000000, 0, 0x7f800000, 0xff800000, 0x007fffff, 0x807fffff, 0x3f800000];
    const next = lcg(9);
    for (const n of [13, 4500]) {
      const words = Uint32Array.from({ length: 2 * n }, () => bits[Math.floor(next() * bits.length)]!);
      const data = new Float32Array(words.buffer);
      const { results } = await compiled([x], [T.argsort(x), T.argtopk(x, 7), T.argtopk(x, -7)], [sym.fromTyped(data, [2, n], 'float32')]);
      expect(ints(results[0]!), `n ${n}`).toEqual(reference(data, 2, n, false));
      expect(ints(results[1]!), `n ${n}`).toEqual(reference(data, 2, n, true, 7));
      expect(ints(results[2]!), `n ${n}`).toEqual(reference(data, 2, n, false, 7));
    }
  });
  it('orders the extremes of every integer dtype, and bools', async () => {
    const cases: [DType, number[]][] = [
      ['int32', [2147483647, -2147483648, -1, 0, 1, -2147483648, 2147483647, 5, -5, 0]],
      ['uint32', [4294967295, 0, 2147483648, 2147483647, 1, 4294967295, 0, 3000000000, 7, 2147483648]],
      ['int8', [127, -128, -1, 0, 1, -128, 127, 3, -3, 0]],
      ['int16', [32767, -32768, -1, 0, 1, -32768, 32767, 300, -300, 0]],
      ['uint8', [255, 0, 128, 127, 1, 255, 0, 3, 200, 128]],
      ['uint16', [65535, 0, 32768, 32767, 1, 65535, 0, 3, 40000, 32768]],
      ['bool', [1, 0, 1, 1, 0, 0, 1, 0, 0, 1]],
      // past 32 bits both ways: the high word orders first, the low word breaks its ties
      ['int64', [2 ** 40, -(2 ** 40), -1, 0, 2 ** 32, 2 ** 32 - 1, -(2 ** 32), -(2 ** 32) - 1, 2 ** 53 - 1, -(2 ** 53) + 1]],
    ];
    for (const [dtype, values] of cases) {
      const x = T.tensor(dtype, [false, false], 'x');
      const data = [...values, ...values.slice().reverse()];
      const { results, exes } = await compiled([x], [T.argsort(x), T.argtopk(x, 4)], [sym.fromTyped(Float64Array.from(data), [2, 10], dtype)]);
      expect(sortsOf(exes).length, dtype).toBeGreaterThan(0);
      expect(ints(results[0]!), dtype).toEqual(reference(data, 2, 10, false));
      expect(ints(results[1]!), dtype).toEqual(reference(data, 2, 10, true, 4));
    }
  });

  it('sorts float16 by its halves, NaN and -0 included', async () => {
    await sym.resolveBackend('webgpu');
    if (!webgpu.describe().dtypes.includes('float16')) return;
    const x = T.tensor('float16', [false, false], 'x');
    const data = tiedFloats(3 * 21, 3).map((v, i) => (i % 7 === 3 ? v * 1000 : v));
    const { results } = await compiled([x], [T.argsort(x), T.argtopk(x, 6)], [sym.array(data, { dtype: 'float16', shape: [3, 21] })]);
    const halves = data.map((v) => sym.f16round(v));
    expect(ints(results[0]!)).toEqual(reference(halves, 3, 21, false));
    expect(ints(results[1]!)).toEqual(reference(halves, 3, 21, true, 6));
  });

  it('sorts lines of 1, 2, 1000, 2048, 2049 and 5000: one dispatch up to a block, then block sorts and merges', async () => {
    const expected: Record<number, number> = { 1: 1, 2: 1, 1000: 1, 2048: 1, 2049: 3, 5000: 6 };
    for (const n of [1, 2, 1000, 2048, 2049, 5000]) {
      const rows = n > 2048 ? 3 : 4;
      const x = T.fmatrix('x');
      const data = tiedFloats(rows * n, n);
      const k = Math.min(n, 3);
      const { results, exes } = await compiled([x], [T.argsort(x), T.argtopk(x, k), T.argtopk(x, -Math.ceil(n / 2))], [sym.fromTyped(Float32Array.from(data), [rows, n], 'float32')]);
      const sorts = sortsOf(exes);
      // every sort of a line of n takes the same passes (a top-k's last one fewer blocks)
      for (const s of sorts) expect(s.sort!.passes, `length ${n}`).toHaveLength(expected[n]!);
      expect(ints(results[0]!), `argsort, length ${n}`).toEqual(reference(data, rows, n, false));
      expect(ints(results[1]!), `argtopk ${k}, length ${n}`).toEqual(reference(data, rows, n, true, k));
      expect(ints(results[2]!), `argtopk -${Math.ceil(n / 2)}, length ${n}`).toEqual(reference(data, rows, n, false, Math.ceil(n / 2)));
    }
  });

  it('sorts int64 lines longer than its smaller block (1024 entries of two key words) through scratch', async () => {
    const x = T.tensor('int64', [false, false], 'x');
    const next = lcg(7);
    const data = Array.from({ length: 2 * 2500 }, () => Math.floor((next() - 0.5) * 16) * 2 ** 33 + Math.floor(next() * 4));
    const { results, exes } = await compiled([x], [T.argsort(x)], [sym.fromTyped(Float64Array.from(data), [2, 2500], 'int64')]);
    // blocks of 1024: sort them, then stages 2048 (flip, merge) and 4096 (flip, 1 half-cleaner across blocks, merge)
    expect(sortsOf(exes)[0]!.sort!.passes).toHaveLength(6);
    expect(ints(results[0]!)).toEqual(reference(data, 2, 2500, false));
  });

  it('sorts more than 65535 short lines', async () => {
    const rows = 70000;
    const x = T.imatrix('x');
    const next = lcg(11);
    const data = Array.from({ length: rows * 3 }, () => Math.floor(next() * 5) - 2);
    const { results } = await compiled([x], [T.argsort(x), T.argtopk(x, 1)], [sym.fromTyped(Int32Array.from(data), [rows, 3], 'int32')]);
    // the first difference, not a diff of 210,000 numbers
    const firstDifference = (got: NDArray, want: number[]) => want.findIndex((v, i) => Number(got.data[i]) !== v);
    expect(firstDifference(results[0]!, reference(data, rows, 3, false))).toBe(-1);
    expect(firstDifference(results[1]!, reference(data, rows, 3, true, 1))).toBe(-1);
  });

  it('reads strided views: along axis 0, reversed lines, a middle axis, a transpose', async () => {
    const x = T.fmatrix('x');
    const data = tiedFloats(6 * 40, 5);
    const arg = sym.fromTyped(Float32Array.from(data), [6, 40], 'float32');
    const y = T.ftensor3('y');
    const data3 = tiedFloats(3 * 50 * 4, 6);
    const { results, exes } = await compiled(
      [x, y],
      [T.argsort(x, 0), T.argsort(T.get(x, T.slice(null, null, 2), T.slice(null, null, -1))), T.argsort(y, 1), T.argtopk(y.dimshuffle(2, 0, 1), 7, -1)],
      [arg, sym.fromTyped(Float32Array.from(data3), [3, 50, 4], 'float32')],
    );
    const strided = sortsOf(exes).filter((e) => e.kernel.kind === 'sort' && e.kernel.strides[e.kernel.axis] !== 1);
    expect(strided.length).toBeGreaterThan(0);
    // x.T's lines: column j of x
    const transposed = Array.from({ length: 40 * 6 }, (_, i) => data[(i % 6) * 40 + Math.floor(i / 6)]!);
    const byColumn = reference(transposed, 40, 6, false);
    expect(ints(results[0]!)).toEqual(Array.from({ length: 6 * 40 }, (_, i) => byColumn[(i % 40) * 6 + Math.floor(i / 40)]));
    const picked = Array.from({ length: 3 * 40 }, (_, i) => data[Math.floor(i / 40) * 2 * 40 + 39 - (i % 40)]!);
    expect(ints(results[1]!)).toEqual(reference(picked, 3, 40, false));
    // y along axis 1: line (a, c) is y[a, :, c]; out[a, p, c]
    const lines = Array.from({ length: 12 * 50 }, (_, i) => {
      const line = Math.floor(i / 50);
      return data3[(Math.floor(line / 4) * 50 + (i % 50)) * 4 + (line % 4)]!;
    });
    const order = reference(lines, 12, 50, false);
    expect(ints(results[2]!)).toEqual(Array.from({ length: 3 * 50 * 4 }, (_, i) => order[(Math.floor(i / 200) * 4 + (i % 4)) * 50 + (Math.floor(i / 4) % 50)]));
    // y.dimshuffle(2, 0, 1)'s lines along the last axis are y[a, :, c] again, line (c, a); the 7 largest
    const top = reference(lines, 12, 50, true, 7);
    expect(ints(results[3]!)).toEqual(Array.from({ length: 4 * 3 * 7 }, (_, i) => top[((Math.floor(i / 7) % 3) * 4 + Math.floor(i / 21)) * 7 + (i % 7)]));
  });

  it('writes nothing for no lines and sorts lines of one', async () => {
    const x = T.fmatrix('x');
    const { results } = await compiled([x], [T.argsort(x), T.argsort(x, 0)], [sym.fromTyped(new Float32Array(0), [0, 5], 'float32')]);
    expect(results[0]!.shape).toEqual([0, 5]);
    expect(results[1]!.shape).toEqual([0, 5]);
    const one = await compiled([x], [T.argsort(x), T.argtopk(x, 1)], [sym.fromTyped(Float32Array.from([NaN, 2, -0]), [3, 1], 'float32')]);
    expect(ints(one.results[0]!)).toEqual([0, 0, 0]);
    expect(ints(one.results[1]!)).toEqual([0, 0, 0]);
  });
});

const STORAGE = 0x80 | 0x04 | 0x08;

/** Run a plan's passes by hand (as the backend records them) on words of input data; the int32 output. */
async function runPlan(k: SortKernel, data: TypedArray, limits: Partial<SortLimits>): Promise<number[]> {
  await sym.resolveBackend('webgpu');
  const device = webgpu.device;
  const plan = planSort(k, {
    maxWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
    maxWorkgroupStorage: device.limits.maxComputeWorkgroupStorageSize,
    maxInvocations: 256,
    maxBufferBytes: device.limits.maxStorageBufferBindingSize,
    ...limits,
  });
  const words = toDevice(k.inputs[0], data);
  const buffer = (bytes: number, usage = STORAGE) => device.createBuffer({ size: Math.max(8, Math.ceil(bytes / 4) * 4), usage });
  const input = buffer(words.byteLength);
  device.queue.writeBuffer(input, 0, words.buffer, words.byteOffset, words.byteLength);
  const outSize = k.shape.reduce((a, b, d) => a * (d === k.axis ? k.keep : b), 1);
  const out = buffer(outSize * 4);
  const scratch = buffer(plan.scratchWords * 4);
  const staging = buffer(outSize * 4, 0x01 | 0x08);
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  for (const p of plan.passes) {
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: p.code }), entryPoint: 'main' } });
    const target = p.writes === 'out' ? out : scratch;
    const bound = p.reads === 'none' ? [target] : [p.reads === 'input' ? input : scratch, target];
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: bound.map((b, binding) => ({ binding, resource: { buffer: b } })) }));
    pass.dispatchWorkgroups(...p.dispatch);
  }
  pass.end();
  encoder.copyBufferToBuffer(out, 0, staging, 0, outSize * 4);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(0x01);
  const result = Array.from(new Int32Array(staging.getMappedRange().slice(0), 0, outSize));
  staging.unmap();
  for (const b of [input, out, scratch, staging]) b.destroy();
  return result;
}

const kernel = (dtype: DType, rows: number, n: number, descending = false, keep = n): SortKernel => ({
  kind: 'sort',
  shape: [rows, n],
  axis: 1,
  keep,
  descending,
  inputs: [dtype],
  strides: [n, 1],
  offset: 0,
  out: 'int32',
});

describe('the sort planner', () => {
  it('splits long lines into blocks: the pass count, what each reads and writes, the scratch entries', () => {
    const limits: SortLimits = { maxWorkgroupsPerDimension: 65535, maxWorkgroupStorage: 16384, maxInvocations: 256, maxBufferBytes: 2 ** 28 };
    const short = planSort(kernel('float32', 256, 1000), limits);
    expect(short.passes.map((p) => [p.reads, p.writes])).toEqual([['input', 'out']]);
    expect(short.scratchWords).toBe(0);
    const long = planSort(kernel('float32', 3, 5000), limits);
    // blocks of 2048; stage 4096: flip, merge; stage 8192: flip, half-cleaner at 2048, the last merge into the output
    expect(long.passes.map((p) => [p.reads, p.writes])).toEqual([
      ['input', 'scratch'],
      ['none', 'scratch'],
      ['none', 'scratch'],
      ['none', 'scratch'],
      ['none', 'scratch'],
      ['scratch', 'out'],
    ]);
    expect(long.scratchWords).toBe(3 * 5000 * 2);
    // a top 3 merges only the first block in the end
    expect(planSort(kernel('float32', 3, 5000, true, 3), limits).passes.at(-1)!.dispatch).toEqual([3, 1, 1]);
    expect(planSort(kernel('int64', 3, 5000), limits).scratchWords).toBe(3 * 5000 * 3);
    expect(() => planSort(kernel('float32', 3, 5000), { ...limits, maxBufferBytes: 1000 })).toThrow(/scratch buffer of 120000 bytes, more than this device's limit of 1000/);
  });

  it('folds many workgroups into a second and third grid dimension', () => {
    const limits: SortLimits = { maxWorkgroupsPerDimension: 10, maxWorkgroupStorage: 16384, maxInvocations: 256, maxBufferBytes: 2 ** 28 };
    expect(planSort(kernel('float32', 250, 1000), limits).passes[0]!.dispatch).toEqual([10, 10, 3]);
    expect(() => planSort(kernel('float32', 1001, 1000), limits)).toThrow(/1001 workgroups, more than the device's 10\^3 grid/);
  });

  it('gives the stable order with tiny blocks (many merge stages), a folded grid, few invocations, in float32, int32 and int64', async () => {
    const cases: { dtype: DType; n: number; rows: number; limits: Partial<SortLimits> }[] = [
      { dtype: 'float32', n: 37, rows: 5, limits: { blockEntries: 4, maxInvocations: 2 } },
      { dtype: 'float32', n: 64, rows: 3, limits: { blockEntries: 8, maxWorkgroupsPerDimension: 3 } },
      { dtype: 'int32', n: 100, rows: 4, limits: { blockEntries: 16, maxInvocations: 4, maxWorkgroupsPerDimension: 4 } },
      { dtype: 'int64', n: 45, rows: 3, limits: { blockEntries: 4 } },
      { dtype: 'float32', n: 3, rows: 300, limits: { maxWorkgroupsPerDimension: 7, maxInvocations: 1 } },
    ];
    for (const { dtype, n, rows, limits } of cases) {
      const next = lcg(n);
      const values = dtype === 'float32' ? tiedFloats(rows * n, n) : Array.from({ length: rows * n }, () => (Math.floor(next() * 9) - 4) * (dtype === 'int64' ? 2 ** 34 + 1 : 1));
      const data = sym.fromTyped(Float64Array.from(values), [rows, n], dtype).data;
      for (const descending of [false, true]) {
        const keep = descending ? Math.ceil(n / 3) : n;
        const got = await runPlan(kernel(dtype, rows, n, descending, keep), data, limits);
        expect(got, `${dtype} ${rows} x ${n}, ${JSON.stringify(limits)}, descending ${descending}`).toEqual(reference(values, rows, n, descending, keep));
      }
    }
  });
});
