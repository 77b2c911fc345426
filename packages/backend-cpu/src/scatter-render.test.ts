// The CPU's scatter-add of one value along each row (values' row stride 0: an embedding gradient's ones) reads
// that value once per index; the sums are those of the general loop, for float32 and int64 accumulators.
import { describe, expect, it } from 'vitest';
import { castScalar, type ScatterAddKernel } from '@sym/graph';
import { CpuBackend } from './backend.js';

const scatter = (strides: [number, number], out: 'float32' | 'int64', valuesOffset = 0): ScatterAddKernel => ({
  kind: 'scatterAdd',
  shape: [3, 4],
  count: 5,
  inputs: [out, out, 'int32'],
  base: { offset: 0, stride: 0 },
  values: { offset: valuesOffset, strides },
  indices: { offset: 0, stride: 1 },
  out,
});

describe('CPU scatter-add: one value along the row', () => {
  const cpu = new CpuBackend({ wasm: false });
  // the helper the int64 sums call (the backend passes its own)
  const H = { i64: (x: number) => castScalar(x, 'int64') } as never;
  const indices = new Int32Array([2, -1, 0, 7, 1]);
  // rows 2, 2 (-1 from the end), 0, 2 (7 clamped), 1
  const rowOf = [2, 2, 0, 2, 1];
  for (const out of ['float32', 'int64'] as const) {
    it(`${out}: a value per index (strides [1, 0]) and one value for all (strides [0, 0]) read once per index`, () => {
      const Store = out === 'float32' ? Float32Array : Float64Array;
      const values = new Store(out === 'int64' ? [0, 1, -2, 4, 8, 2 ** 40] : [0, 1.5, -2, 4, 8, 2 ** 20]);
      for (const [strides, offset] of [[[1, 0], 1], [[0, 0], 2]] as const) {
        const exe = cpu.compile(scatter([...strides], out, offset));
        expect(exe.source).toContain('const y = vals[v];');
        expect(exe.source).not.toContain('v += 0');
        const result = new Store(12);
        exe.fn([new Store([10]), values, indices], result, H);
        const want = Array.from({ length: 12 }, () => 10);
        rowOf.forEach((j, k) => {
          for (let r = 0; r < 4; r++) want[j * 4 + r]! += values[offset + k * strides[0]]!;
        });
        expect(Array.from(result)).toEqual(want);
      }
    });
  }

  it('values along the row (strides [4, 1]) still step through them', () => {
    const exe = cpu.compile(scatter([4, 1], 'float32'));
    expect(exe.source).not.toContain('const y');
    const values = new Float32Array(Array.from({ length: 20 }, (_, i) => i));
    const result = new Float32Array(12);
    exe.fn([new Float32Array([1]), values, indices], result, H);
    const want = Array.from({ length: 12 }, () => 1);
    rowOf.forEach((j, k) => {
      for (let r = 0; r < 4; r++) want[j * 4 + r]! += k * 4 + r;
    });
    expect(Array.from(result)).toEqual(want);
  });
});

describe('CPU float64 scatter-add onto a base of 0 or -0', () => {
  const cpu = new CpuBackend({ wasm: false });
  const kernel: ScatterAddKernel = {
    kind: 'scatterAdd',
    shape: [4, 2],
    count: 6,
    inputs: ['float64', 'float64', 'int32'],
    base: { offset: 1, stride: 0 },
    values: { offset: 0, strides: [2, 1] },
    indices: { offset: 0, stride: 1 },
    out: 'float64',
  };
  // rows 1, 3, 1, 0, 3, 1 (-1 from the end: 3, -3: 1); row 2 gets nothing
  const indices = new Int32Array([1, 3, -3, 0, -1, 1]);
  // -0 increments (all -0 into row 0's first element), cancellation, NaN and inf
  const values = new Float64Array([0.1, -0, 1e16, 2, 0.2, -0, -0, -0, -1e16, NaN, 0.3, Infinity]);
  /** The general loop's sum: a row's increments summed in index order (starting from the first), then added to the base. */
  const reference = (b: number) => {
    const sums = new Map<number, number[]>();
    indices.forEach((i, k) => {
      const j = i < 0 ? i + 4 : i;
      const inc = [values[2 * k]!, values[2 * k + 1]!];
      const s = sums.get(j);
      sums.set(j, s ? [s[0]! + inc[0]!, s[1]! + inc[1]!] : inc);
    });
    return Array.from({ length: 8 }, (_, e) => {
      const s = sums.get(Math.floor(e / 2));
      return s ? b + s[e % 2]! : b;
    });
  };

  it('adds each increment into the row in turn (no row tables) when the base is ±0, and the sums are the general loop’s', () => {
    const exe = cpu.compile(kernel);
    expect(exe.source).toContain('if (base[1] === 0) {');
    for (const b of [0, -0, 2.5]) {
      const result = new Float64Array(8);
      exe.fn([new Float64Array([7, b]), values, indices], result, {} as never);
      // toEqual tells -0 from 0 (Object.is)
      expect(Array.from(result)).toEqual(reference(b));
    }
    // the cases the ±0 argument turns on: row 0 gets only -0 (+0 on a +0 base, -0 on a -0 one), row 3 cancels to 0
    expect([reference(0)[0], reference(-0)[0], reference(0)[6], reference(0)[7]]).toEqual([0, -0, 0, NaN]);
  });

  it('a float32 accumulator keeps the row tables (its sums are float64 before rounding)', () => {
    expect(cpu.compile({ ...kernel, inputs: ['float32', 'float32', 'int32'], out: 'float32' }).source).not.toContain('=== 0) {');
  });
});
