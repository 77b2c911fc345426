/**
 * Gathers fused with the elementwise work around them: a gathering kernel
 * (a take, an embedding's lookup) is inlined into its elementwise readers,
 * its index re-expressed in the reader's iteration space, and elementwise
 * producers are inlined into a gathering kernel's affine loads. The values
 * are the unfused program's, and an index out of range is the same error.
 */
import { describe, expect, it } from 'vitest';
import { gathers, schedule, type ElementwiseKernel, type Program, type TensorVariable } from '@sym/graph';
import { DEFAULT_FUSION, fuse, optimizeProgram } from '../src/index.js';
import { both, close, sym, T, values } from './helpers.js';

const programOf = (inputs: TensorVariable[], shapes: number[][], outputs: TensorVariable[]): Program => schedule({ inputs, inputShapes: shapes, outputs });
const kernels = (p: Program) => p.steps.map((s) => `${s.kernel.kind}${(s.kernel.kind === 'elementwise' || s.kernel.kind === 'reduce') && gathers(s.kernel.expr) ? '+gather' : ''}`);

const W = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
  [10, 11, 12],
  [13, 14, 15],
];

/** The optimized and the unoptimized function of `out` agree on `args` (NaNs equal); the optimized one launches `count` kernels. */
async function sameAsUnfused(inputs: TensorVariable[], out: TensorVariable, args: unknown[], count: number): Promise<void> {
  const { opt, plain } = both(inputs, out);
  expect(opt.compiled.kernelCount(...args)).toBe(count);
  const got = values(await opt(...args))[0]!;
  const want = values(await plain(...args))[0]!;
  expect(close(got, want)).toBe(true);
}

describe('gathers fused with elementwise work', () => {
  const w = T.dmatrix('W');
  const idx = T.lvector('idx');
  const v = T.dmatrix('v');

  it('take(W, idx) * v is one kernel (two before)', async () => {
    const out = T.take(w, idx, 0).mul(v);
    const p = programOf([w, idx, v], [[5, 3], [4], [4, 3]], [out]);
    expect(kernels(p)).toEqual(['elementwise+gather', 'elementwise']);
    expect(kernels(optimizeProgram(p))).toEqual(['elementwise+gather']);
    const vs = [[1, -1, 2], [0.5, 0.5, 0.5], [3, 2, 1], [-2, 0, 1]];
    await sameAsUnfused([w, idx, v], out, [W, [4, 0, -1, 2], vs], 1);
  });

  it('relu(take(W, idx)) is one kernel', async () => {
    const out = T.relu(T.take(w.sub(8), idx, 0));
    // W - 8 is read through the gather: its own kernel; the relu takes the gather in
    expect(kernels(optimizeProgram(programOf([w, idx], [[5, 3], [3]], [out])))).toEqual(['elementwise', 'elementwise+gather']);
    await sameAsUnfused([w, idx], out, [W, [1, 3, -5]], 2);
    const plainRelu = T.relu(T.take(w, idx, 0));
    await sameAsUnfused([w, idx], plainRelu, [W, [1, 3, -5]], 1);
  });

  it('reads a gather transposed inside its reader', async () => {
    const u = T.dmatrix('u');
    // (4, 3) gathered rows read as (3, 4): each element once, so fused whatever the gather costs
    const out = T.take(w, idx, 0).T.mul(u);
    const p = optimizeProgram(programOf([w, idx, u], [[5, 3], [4], [3, 4]], [out]));
    expect(kernels(p)).toEqual(['elementwise+gather']);
    const us = [[1, 2, 3, 4], [-1, -2, -3, -4], [0.5, 0.25, 2, 8]];
    await sameAsUnfused([w, idx, u], out, [W, [2, -2, 0, 4], us], 1);
  });

  it('reads a gather broadcast when recomputing it is allowed, and keeps an expensive one in its own kernel', async () => {
    const u = T.dtensor3('u');
    // the gathered (4, 3) rows broadcast over a leading axis of 2: each gathered value read twice
    const out = T.take(w, idx, 0).dimshuffle('x', 0, 1).mul(u);
    const p = programOf([w, idx, u], [[5, 3], [4], [2, 4, 3]], [out]);
    // a take's index wraps negative values and clamps (cost well above maxRecompute): not computed twice
    expect(kernels(fuse(p))).toEqual(['elementwise+gather', 'elementwise']);
    const recomputed = fuse(p, { ...DEFAULT_FUSION, maxRecompute: Infinity });
    expect(kernels(recomputed)).toEqual(['elementwise+gather']);
    // the fused gather's index reads idx at stride 0 along the broadcast axis
    expect(JSON.stringify((recomputed.steps[0]!.kernel as ElementwiseKernel).expr)).toContain('"strides":[0,1,0]');
    const us = [Array.from({ length: 4 }, (_, i) => [i, 1, -i]), Array.from({ length: 4 }, (_, i) => [2, -i, 0.5])];
    await sameAsUnfused([w, idx, u], out, [W, [3, -1, 0, 3], us], 2);
  });

  it('gathers at a computed index: the index arithmetic is inlined into the gather, which is inlined into its reader', async () => {
    const out = T.take(w, idx.add(1), 0).mul(v.add(v));
    const p = optimizeProgram(programOf([w, idx, v], [[5, 3], [3], [3, 3]], [out]));
    // the index check (a reduce over idx + 1, with idx + 1 inlined) and one kernel for the rest
    expect(kernels(p)).toEqual(['reduce', 'elementwise+gather']);
    const vs = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
    await sameAsUnfused([w, idx, v], out, [W, [0, 3, -3], vs], 2);
  });

  it('keeps a gather out of a reduction for a backend that declares nothing, its elementwise work in', () => {
    const out = T.sum(w.get(idx).mul(2), { axis: 1 });
    const p = programOf([w, idx], [[5, 3], [4]], [out]);
    expect(kernels(optimizeProgram(p))).toEqual(['elementwise+gather', 'reduce']);
    expect(kernels(optimizeProgram({ ...p, gathers: { inReductions: false } }))).toEqual(['elementwise+gather', 'reduce']);
  });

  it('fuses a gather into the reduction that reads it where the backend renders it there (the CPU does)', async () => {
    const along = T.sum(w.get(idx).mul(2), { axis: 1 });
    const p = optimizeProgram({ ...programOf([w, idx], [[5, 3], [4]], [along]), gathers: { inReductions: true } });
    expect(kernels(p)).toEqual(['reduce+gather']);
    await sameAsUnfused([w, idx], along, [W, [4, 1, 1, -4]], 1);
    // over the gathered rows (the reduced axis is the gather's), a max of a transcendental, the whole sum at a computed index
    await sameAsUnfused([w, idx], T.sum(w.get(idx), { axis: 0 }), [W, [4, 1, 1, -4, 0]], 1);
    await sameAsUnfused([w, idx], T.max(T.tanh(w.get(idx).mul(0.1)), { axis: 1 }), [W, [2, -1]], 1);
    // the index check is a kernel of its own (a reduce over idx + 1)
    await sameAsUnfused([w, idx, v], T.sum(w.get(idx.add(1)).mul(v)), [W, [0, 3, -2], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]], 2);
  });

  it('gathers int8 values with a negative index and casts them in the reader', async () => {
    const b = T.bvector('b');
    const out = T.take(b, idx, 0).mul(3).astype('float32');
    const p = optimizeProgram(programOf([b, idx], [[4], [5]], [out]));
    expect(kernels(p)).toEqual(['elementwise+gather']);
    const { opt, plain } = both([b, idx], out);
    const args = [[100, -7, 3, 50], [-1, 0, 1, -2, 3]];
    // int8 arithmetic wraps: 100 * 3 = 44, 50 * 3 = -106 (NumPy's), computed in the fused kernel as in the unfused one
    expect(values(await opt(...args))).toEqual([[-106, 44, -21, 9, -106]]);
    expect(values(await plain(...args))).toEqual([[-106, 44, -21, 9, -106]]);
  });

  it('still raises IndexError for an index out of range after fusion, and commits no update', async () => {
    const table = sym.shared(sym.array(W, { dtype: 'float64' }), { name: 'table' });
    const acc = sym.shared(sym.array([0, 0, 0], { dtype: 'float64' }), { name: 'acc' });
    const ids = T.lvector('ids');
    const rows = T.relu(T.take(table, ids.add(1), 0).sub(5));
    const f = sym.function([ids], rows, { updates: [[acc, acc.add(T.sum(rows, { axis: 0 }))]] });
    const rowsOut = values(await f([0, 2]))[0]!;
    expect(rowsOut).toEqual([0, 0, 1, 5, 6, 7]);
    expect(Array.from(acc.getValue().data)).toEqual([5, 6, 8]);
    await expect(f([0, 4])).rejects.toThrow(/index 5 .*is out of bounds for axis 0 with size 5/);
    expect(() => f.sync([-7, 0])).toThrow(/index -6 .*is out of bounds for axis 0 with size 5/);
    // the failed calls wrote nothing
    expect(Array.from(acc.getValue().data)).toEqual([5, 6, 8]);
  });

  it("keeps a large kernel's transcendental work out of a gathering kernel where the backend says gathers cost it, a small one's in", () => {
    const E = T.dmatrix('E');
    const out = T.tanh(T.take(E, idx, 0).mul(2));
    const costly = (p: Program): Program => optimizeProgram({ ...p, gathers: { costlyElements: 256 } });
    // 4 x 64 = 256 elements: fused; 8 x 64: the take and its cheap * 2, then tanh in a kernel of its own
    expect(kernels(costly(programOf([E, idx], [[10, 64], [4]], [out])))).toEqual(['elementwise+gather']);
    expect(kernels(costly(programOf([E, idx], [[10, 64], [8]], [out])))).toEqual(['elementwise+gather', 'elementwise']);
    // likewise a costly producer of a gathering kernel's affine loads: T.exp(v) stays out of a large take's kernel
    const big = T.take(E, idx, 0).mul(T.exp(v));
    expect(kernels(costly(programOf([E, idx, v], [[10, 64], [8], [8, 64]], [big])))).toEqual(['elementwise', 'elementwise+gather']);
    // a backend that declares no limit (a GPU) takes them all in
    expect(kernels(optimizeProgram(programOf([E, idx], [[10, 64], [8]], [out])))).toEqual(['elementwise+gather']);
    expect(kernels(optimizeProgram(programOf([E, idx, v], [[10, 64], [8], [8, 64]], [big])))).toEqual(['elementwise+gather']);
  });

  it('leaves a producer the gather reads through in its own kernel: take(W * 2, idx)', () => {
    const out = T.take(w.mul(2), idx, 0);
    const p = optimizeProgram(programOf([w, idx], [[5, 3], [2]], [out]));
    expect(kernels(p)).toEqual(['elementwise', 'elementwise+gather']);
  });
});
