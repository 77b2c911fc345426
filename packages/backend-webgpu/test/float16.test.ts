/**
 * float16 on WebGPU: half-precision storage (two bytes an element) where
 * the adapter has `shader-f16` (lavapipe has), each op rounded to half
 * precision as on the CPU, inputs packed past the binding limit as halves.
 */
import { describe, expect, it } from 'vitest';
import type { TensorVariable } from '@sym/graph';
import { renderKernel } from '../src/index.js';
import { halfBits, halfValue, toDevice } from '../src/dtypes.js';
import { EXACT, expectClose } from './compare.js';
import { T, both, sym, webgpu } from './setup.js';

const h = (values: number[], shape?: number[]) => sym.array(values, { dtype: 'float16', ...(shape && { shape }) });

describe('float16 on WebGPU', () => {
  it('is held where the adapter has shader-f16, two bytes an element', async () => {
    await sym.resolveBackend('webgpu');
    expect(webgpu.device.features.has('shader-f16')).toBe(true);
    expect(webgpu.describe().dtypes).toContain('float16');
    const b = webgpu.alloc('float16', 5);
    // 10 bytes, in whole words
    expect((b as unknown as { bytes: number }).bytes).toBe(12);
    webgpu.free(b);
  });

  it('round-trips every kind of value through the device: subnormals, the largest, infinities, NaN, -0', async () => {
    const values = [0, -0, 2 ** -24, -(2 ** -20), 6.103515625e-5, 0.1, 1 / 3, 65504, -65504, Infinity, -Infinity, NaN, 1e9];
    const b = webgpu.alloc('float16', values.length);
    webgpu.write(b, Float32Array.from(values, (v) => sym.f16round(v)));
    const back = await webgpu.read(b);
    webgpu.free(b);
    values.forEach((v, i) => expect(Object.is(back[i], sym.f16round(v)), `element ${i}: ${back[i]} for ${v}`).toBe(true));
  });

  it('encodes and decodes every float16 bit pattern', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = halfValue(bits);
      if (Number.isNaN(v)) continue;
      expect(halfBits(v)).toBe(bits);
    }
    expect(halfValue(halfBits(NaN))).toBeNaN();
    // float32 data converted by its bits rounds as f16round does: midpoints, just off them, subnormals, overflow
    const values: number[] = [];
    for (let bits = 0; bits < 0x7c00; bits += 3) {
      const [v, next] = [halfValue(bits), halfValue(bits + 1)];
      const mid = (v + next) / 2;
      values.push(mid, -mid, Math.fround(mid + (next - v) / 256), Math.fround(mid - (next - v) / 256));
    }
    values.push(65519, 65520, -70000, 2 ** -25, 2 ** -25 * 1.01, 2 ** -26, 1e-40, Infinity, NaN, -0);
    const data = Float32Array.from(values);
    const halves = toDevice('float16', data) as Uint16Array;
    data.forEach((v, i) => expect(Object.is(halfValue(halves[i]!), sym.f16round(v)), `${v}`).toBe(true));
  });

  it('rounds float32 to float16 as f16round does: ties to even, subnormals, overflow', async () => {
    // every float16 value's neighbourhood: itself, the midpoints to its neighbours and just off them, in float32
    const values: number[] = [];
    for (let bits = 0; bits < 0x7c00; bits += 7) {
      const v = halfValue(bits);
      const next = halfValue(bits + 1);
      const mid = (v + next) / 2;
      values.push(v, mid, Math.fround(mid + (next - v) / 64), Math.fround(mid - (next - v) / 64), -mid);
    }
    values.push(65519, 65520, 70000, 3e38, -3e38, 2 ** -25, 2 ** -25 * 1.01, 2 ** -26, 1e-30);
    const x = T.vector('x', 'float32');
    const f = sym.function([x], x.astype('float16'), { device: 'webgpu' });
    const got = await f(sym.array(Float32Array.from(values)));
    const want = Float32Array.from(values, (v) => sym.f16round(Math.fround(v)));
    for (let i = 0; i < values.length; i++) expect(Object.is(got.data[i], want[i]), `${values[i]}: got ${got.data[i]}, want ${want[i]}`).toBe(true);
  });

  it('computes as the CPU does: each op rounded, overflow to infinity, sums and products accumulated wider', async () => {
    const x = T.vector('x', 'float16');
    const m = T.matrix('m', 'float16');
    const y = T.vector('y', 'float16');
    const outs = [T.exp(x), x.div(3).mul(x), T.tanh(x.mul(0.25)), T.sum(x), T.mean(x), T.dot(m, y), T.max(x)];
    const args = [h([1, 2, 12, -0.5, 2048, 1, 1, 1]), h([1.5, 2, 3, 4], [2, 2]), h([0.1, 0.2])];
    const { gpu, ref } = await both([x, m, y], outs, args);
    for (const g of gpu) expect(g.dtype).toBe('float16');
    expect(gpu[0]!.toString()).toBe(ref[0]!.toString());
    expect(gpu[0]!.data[2]).toBe(Infinity);
    expectClose(gpu[1]!, ref[1]!, EXACT, 'x / 3 * x');
    expectClose(gpu[2]!, ref[2]!, { rtol: 2e-3, atol: 0 }, 'tanh');
    // 2048 + 1 + 1 + ... : a float16 accumulator would lose the ones
    expect(gpu[3]!.toString()).toBe(ref[3]!.toString());
    expectClose(gpu[4]!, ref[4]!, EXACT, 'mean');
    expectClose(gpu[5]!, ref[5]!, EXACT, 'dot');
    expectClose(gpu[6]!, ref[6]!, EXACT, 'max');
  });

  it('reads float16 inputs packed past the binding limit as halves', async () => {
    const n = webgpu.device.limits.maxStorageBuffersPerShaderStage;
    const vars: TensorVariable[] = Array.from({ length: n + 2 }, (_, i) => (i % 2 ? T.vector(`v${i}`, 'float16') : T.vector(`w${i}`, 'float32')));
    const total = T.add(...vars.map((v, i) => v.mul(i + 1)));
    // 5 elements: an odd count, so a packed float16 input ends mid-word
    const args = vars.map((_, i) => sym.array([1, 2, 3, 4, 5].map((j) => j * 0.25 + i), { dtype: i % 2 ? 'float16' : 'float32' }));
    const { gpu, ref } = await both(vars, total, args);
    expectClose(gpu[0]!, ref[0]!, { rtol: 1e-6, atol: 0 }, 'packed');
    const load = (input: number, dtype: 'float16' | 'float32') => ({ kind: 'load', input, strides: [1], offset: 0, dtype }) as const;
    const add = (a: object, b: object) => ({ kind: 'apply', op: 'add', computeDType: 'float32', dtype: 'float32', args: [a, b] }) as const;
    const r = renderKernel(
      { kind: 'elementwise', shape: [5], inputs: ['float32', 'float32', 'float16', 'float16'], out: 'float32', expr: add(add(load(0, 'float32'), load(1, 'float32')), add(load(2, 'float16'), load(3, 'float16'))) } as never,
      { maxWorkgroupsPerDimension: 65535, maxStorageBuffers: 4 },
    );
    // two packed float16 inputs of 5 halves: 3 words each, the second's loads offset by 6 halves
    expect(r.packing).toEqual({ binding: 2, inputs: [{ input: 2, base: 0, words: 3 }, { input: 3, base: 3, words: 3 }], words: 6 });
    expect(r.code).toContain('unpack2x16float(in2[');
    expect(r.code).not.toContain('enable f16');
  });
});
