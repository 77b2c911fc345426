/**
 * Kernels of more than 15 texture arguments. gpu.js binds its own new
 * output texture on texture unit 15 after a kernel's arguments, whenever the
 * kernel's last result is still held: a kernel's argument 15 then read the
 * kernel's own output (the join of a 16-piece concatenate gave piece 14 as
 * 7, 8, 10.5 instead of 14.5, 13, 16 once an earlier function sharing the
 * join kernel held its result). Such kernels take a placeholder on unit 15
 * (`units.ts`), and kernels needing more units than the context has are
 * refused instead of reading wrong values.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import type { DType, ElementwiseKernel, Kernel, MatmulKernel, ReduceKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { gpujs } from '../src/index.js';
import { cpu, gpu, load, runKernel, typed, values } from './harness.js';
import { packInputs } from '../src/pack-inputs.js';
import { GPUJS_OWN_UNIT, guardUnitArgs, guardUnitSource, unitsUsed } from '../src/units.js';

const T = sym.T;
type Vec = ReturnType<typeof T.fvector>;
const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);
const X = [0.5, -1, 2];
const xs = () => sym.array(X, { dtype: 'float32' });
/** concatenate of `n` pieces piece(x, i): the join kernel reads n + 1 textures (the index input and the pieces). */
const joined = (n: number, piece: (x: Vec, i: number) => Vec) => {
  const x = T.fvector('x');
  return sym.function([x], T.concatenate(Array.from({ length: n }, (_, i) => piece(x, i))), { mode: 'FAST_COMPILE', device: 'gpujs' });
};
const want = (n: number, piece: (v: number, i: number) => number) => Array.from({ length: 3 * n }, (_, k) => Math.fround(piece(X[k % 3]!, Math.floor(k / 3))));

const ap = (op: ScalarOpName, dtype: DType, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, computeDType: dtype, dtype });
const c = (value: number, dtype: DType): ScalarExpr => ({ kind: 'const', value, dtype });
const reduced = (dtype: DType): ScalarExpr => ({ kind: 'reduced', dtype });

/** The join kernel of an n-piece concatenate of 3-vectors, as lowered (index input 0, pieces 1..n), for its plan. */
const concatKernel = (n: number): Kernel => ({
  kind: 'elementwise', shape: [3 * n], inputs: Array.from({ length: n + 1 }, () => 'float32' as const), out: 'float32',
  expr: Array.from({ length: n }, (_, i) => load(i + 1, [0], 'float32', 0)).reduce((a, b) => ap('add', 'float32', a, b), load(0, [1])),
});

describe('gpujs kernels of many texture inputs', () => {
  it('read every input of a join after another function held the shared join kernel result', async () => {
    const first = joined(16, (x, i) => x.mul(i + 1));
    const held = (await first(xs())) as sym.NDArray;
    const second = joined(16, (x, i) => x.add(i));
    expect(data((await second(xs())) as sym.NDArray)).toEqual(want(16, (v, i) => v + i));
    expect(data(held)).toEqual(want(16, (v, i) => v * (i + 1)));
    // the first function again, its join kernel's last result held by the second's
    expect(data((await first(xs())) as sym.NDArray)).toEqual(want(16, (v, i) => v * (i + 1)));
  });

  it('read every input of 15, 16 and 17 piece joins, each run twice', async () => {
    for (const n of [14, 15, 16, 17, 24]) {
      const f = joined(n, (x, i) => x.sub(i));
      const a = (await f(xs())) as sym.NDArray;
      const b = (await f(xs())) as sym.NDArray;
      expect(data(a), `${n} pieces`).toEqual(want(n, (v, i) => v - i));
      expect(data(b), `${n} pieces, again`).toEqual(want(n, (v, i) => v - i));
    }
  });

  it('packs the inputs of a join past the texture units into packed textures', async () => {
    // llvmpipe: 32 units, one kept for gpu.js's own textures: 31 inputs, a 30-piece join; beyond, packed
    const most = gpujs.maxKernelInputs();
    expect(most).toBeGreaterThan(GPUJS_OWN_UNIT + 1);
    for (const n of [most - 1, most, most + 1, 100]) {
      const f = joined(n, (x, i) => x.add(i));
      expect(data((await f(xs())) as sym.NDArray), `${n} pieces`).toEqual(want(n, (v, i) => v + i));
      expect(data((await f(xs())) as sym.NDArray), `${n} pieces, again`).toEqual(want(n, (v, i) => v + i));
    }
    const exe = gpu.compile(concatKernel(100)) as unknown as { passes: { args: unknown[] }[] };
    // 101 inputs: three packs of 31, 31 and 11, then the join reading 28 inputs and the packs
    expect(exe.passes.map((p) => p.args.length)).toEqual([31, 31, 11, 31]);
    // more inputs than packs of packs could hold: refused, naming the count
    expect(() => packInputs(concatKernel(1000) as ElementwiseKernel, 31)).toThrow(/elementwise kernel of 1001 inputs cannot be packed into 31 textures/);
    expect(packInputs(concatKernel(30) as ElementwiseKernel, 31)).toBeUndefined();
  });

  it('packs the inputs of elementwise and split reduce kernels: strides, offsets, dtypes, epilogues', () => {
    const n = 40;
    // out[i, j] = sum over inputs m of (m odd ? in_m[j, i] (transposed) : in_m[2 + (3 - i) * 4 + j] (offset, reversed rows))
    const dtypes = Array.from({ length: n }, (_, m) => (m % 3 === 0 ? 'int32' : m % 3 === 1 ? 'float32' : 'bool') as DType);
    // the float32 sums convert the int32 and bool loads
    const term = (m: number): ScalarExpr => (m % 2 ? load(m, [1, 4], dtypes[m]) : { kind: 'load', input: m, strides: [-4, 1], offset: 2 + 12, dtype: dtypes[m]! });
    const sum = Array.from({ length: n }, (_, m) => term(m)).reduce((a, b) => ap('add', 'float32', a, b));
    const ew: Kernel = { kind: 'elementwise', shape: [4, 4], inputs: dtypes, out: 'float32', expr: sum };
    // whole numbers: every sum exact, whatever its order
    const ins = dtypes.map((d, m) => typed(d, values(18, m + 1, d === 'bool' ? 0 : -50, d === 'bool' ? 2 : 50).map(Math.floor)));
    expect(Array.from(runKernel(gpu, ew, ins))).toEqual(Array.from(runKernel(cpu, ew, ins)));
    // a reduction split in two passes whose epilogue reads 39 more inputs: tanh(sum_j x[i, j] + b_1[i] + ... + b_39[i])
    const len = 5000;
    const epi = Array.from({ length: n - 1 }, (_, m) => load(m + 1, [1])).reduce((a, b) => ap('add', 'float32', a, b), reduced('float32'));
    const rk: ReduceKernel = {
      kind: 'reduce', shape: [3], reduceShape: [len], reducer: 'sum', inputs: Array.from({ length: n }, () => 'float32' as const), acc: 'float32', out: 'float32',
      expr: load(0, [len, 1]), epilogue: { value: 'float32', expr: ap('tanh', 'float32', ap('mul', 'float32', epi, c(0.05, 'float32'))) },
    };
    const rins = [typed('float32', values(3 * len, 7, -0.01, 0.01)), ...Array.from({ length: n - 1 }, (_, m) => typed('float32', values(3, m + 9, -1, 1)))];
    const got = Array.from(runKernel(gpu, rk, rins));
    const ref = Array.from(runKernel(cpu, rk, rins));
    got.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 4));
  });

  it('packs the epilogue inputs of a matmul, one pass and split, its operands bound directly', () => {
    const n = 40;
    for (const kk of [7, 4106]) {
      // out[i, j] = sum_k a[i, k] b[k, j] * 3 - e_2[i] + e_3[j] - e_4[i] + ... (int32, exact)
      const epi = Array.from({ length: n - 2 }, (_, m) => load(m + 2, m % 2 ? [0, 0, 1] : [0, 1, 0], 'int32')).reduce(
        (acc, l, m) => ap(m % 2 ? 'add' : 'sub', 'int32', acc, l),
        ap('mul', 'int32', reduced('int32'), c(3, 'int32')),
      );
      const mk: MatmulKernel = {
        kind: 'matmul', batch: 1, m: 2, n: 3, k: kk, inputs: ['int16', 'int16', ...Array.from({ length: n - 2 }, () => 'int32' as const)], acc: 'int32', out: 'int32',
        a: { strides: [0, kk, 1], offset: 0 }, b: { strides: [0, 3, 1], offset: 0 }, outStrides: [6, 3, 1],
        epilogue: { value: 'int32', expr: epi },
      };
      const ins = [
        typed('int16', Array.from({ length: 2 * kk }, (_, i) => (i % 5) - 2)),
        typed('int16', Array.from({ length: kk * 3 }, (_, i) => (i % 3) - 1)),
        ...Array.from({ length: n - 2 }, (_, m) => typed('int32', values(3, m + 5, -100, 100).map(Math.floor))),
      ];
      // a pack, then the product (split: partial products and the combining pass)
      expect((gpu.compile(mk) as unknown as { passes: unknown[] }).passes).toHaveLength(kk > 4096 ? 3 : 2);
      expect(Array.from(runKernel(gpu, mk, ins)), `k ${kk}`).toEqual(Array.from(runKernel(cpu, mk, ins)));
    }
  });

  it('puts the placeholder at position 15 of sources and arguments past 15', () => {
    const params = (n: number) => Array.from({ length: n }, (_, i) => `in${i}`);
    const src = (n: number) => `function (${params(n).join(', ')}) {\nreturn in0[this.thread.x];\n}`;
    expect(guardUnitSource(src(15), 15)).toBe(src(15));
    const guarded = guardUnitSource(src(17), 17);
    expect(guarded).toBe(`function (${[...params(15), 'symUnitGuard', 'in15', 'in16'].join(', ')}) {\nreturn in0[this.thread.x];\n}`);
    expect(() => guardUnitSource(src(16), 17)).toThrow(/expected a kernel of 17 parameters, got 16/);
    expect(guardUnitArgs(params(15), () => 'p')).toEqual(params(15));
    const args = guardUnitArgs(params(16), () => 'p');
    expect(args[GPUJS_OWN_UNIT]).toBe('p');
    expect(args.slice(GPUJS_OWN_UNIT + 1)).toEqual(['in15']);
    expect([unitsUsed(15), unitsUsed(16), unitsUsed(31)]).toEqual([15, 17, 32]);
  });
});
