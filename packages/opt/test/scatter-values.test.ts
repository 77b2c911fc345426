/**
 * `scatter_row_operands`: the gradient of an embedding lookup adds the same
 * row (a fill of ones, times constants or a vector along the row) at every
 * index; the scatter-add reads one row with stride 0 instead of a (K, row)
 * buffer, and its base of zeros is one element. Program shape, the cases
 * left alone, and the same numbers on the CPU as without the pass and
 * without scatter-add kernels.
 */
import { describe, expect, it } from 'vitest';
import { schedule, type Program, type ScatterAddKernel, type TensorVariable } from '@sym/graph';
import { CpuBackend } from '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { optimizeProgram } from '../src/index.js';
import { T, sym } from './helpers.js';

const [n, D, K] = [50, 8, 300];
const W = T.matrix('W', 'float32');
const ids = T.ivector('ids');
const c = T.vector('c', 'float32');
const v = T.vector('v', 'float32');

function program(outputs: TensorVariable[], excluding: string[] = []): Program {
  const p = schedule({ inputs: [W, ids, c, v], inputShapes: [[n, D], [K], [D], [K]], outputs, kernels: ['scatterAdd'] });
  return optimizeProgram(p, 'FAST_RUN', { excluding });
}

const scatterOf = (p: Program) => {
  const s = p.steps.find((t) => t.kernel.kind === 'scatterAdd')!;
  return { step: s, kernel: s.kernel as ScatterAddKernel, values: p.buffers[s.inputs[1]!]!.size, base: p.buffers[s.inputs[0]!]!.size };
};
const sizes = (p: Program) => p.buffers.map((b) => b.size);

const e = () => W.get(ids);
const costs: [string, () => TensorVariable, number, [number, number]][] = [
  ['sum(W.get(ids))', () => T.sum(e()), 1, [0, 0]],
  ['sum(W.get(ids) * 1.5)', () => T.sum(T.mul(e(), T.constant(1.5, { dtype: 'float32' }))), 1, [0, 0]],
  ['mean(W.get(ids))', () => T.mean(e()), 1, [0, 0]],
  ['sum(W.get(ids) * c), c along the row', () => T.sum(T.mul(e(), c)), D, [0, 1]],
];

describe('scatter_row_operands: the program', () => {
  for (const [name, cost, valuesSize, strides] of costs) {
    it(`the gradient of ${name} scatters one row (or one value) and writes no (K, row) buffer`, () => {
      const g = grad(cost(), [W])[0]!;
      const before = program([g], ['scatter_row_operands']);
      const after = program([g]);
      // before: the values were a (K, row) buffer and the base a table of zeros
      expect(sizes(before)).toContain(K * D);
      expect(scatterOf(before).values).toBe(K * D);
      expect(scatterOf(before).base).toBe(n * D);
      const s = scatterOf(after);
      expect(sizes(after)).not.toContain(K * D);
      expect(s.values).toBe(valuesSize);
      expect(s.kernel.values).toEqual({ offset: 0, strides });
      expect(s.base).toBe(1);
      expect(s.kernel.base).toEqual({ offset: 0, stride: 0 });
      // besides W, only the output is as large as the table
      expect(sizes(after).filter((z, b) => z >= n * D && !after.inputBuffers.includes(b))).toEqual([n * D]);
      expect(after.steps.length).toBe(before.steps.length);
    });
  }

  it('leaves values that differ from row to row, and a base that is not one value, as they are', () => {
    // grad of sum(W.get(ids) * v[:, None]): row k of the values is v[k]
    const weighted = program([grad(T.sum(T.mul(e(), v.dimshuffle(0, 'x'))), [W])[0]!]);
    expect(scatterOf(weighted).values).toBe(K * D);
    expect(scatterOf(weighted).kernel.values.strides).toEqual([D, 1]);
    // a base read from W itself (W + its rows' increments), values a fill
    const inc = program([T.incSubtensor(W.get(ids), T.onesLike(e()))]);
    expect(scatterOf(inc).kernel.base).toEqual({ offset: 0, stride: 1 });
    expect(scatterOf(inc).values).toBe(1);
  });

  it('leaves a fill that is also an output of the program as it is', () => {
    const ones = T.onesLike(e());
    const p = program([T.incSubtensor(T.zerosLike(W).get(ids), ones), T.mul(ones, 2)]);
    expect(p.buffers.some((b) => b.size === K * D)).toBe(true);
  });
});

describe('scatter_row_operands on the CPU: the same numbers', () => {
  // the CPU without scatter-add kernels (sort and segmented scan), under a name of its own
  const noScatter = new CpuBackend({ scatterKernels: false });
  const info = noScatter.describe();
  noScatter.describe = () => ({ ...info, name: 'cpu-scatter-values-off' });
  sym.registerBackend(noScatter);
  const rows = Array.from({ length: K }, (_, k) => ((k * 7) % n) - (k % 4 === 0 ? n : 0));
  const counts = Array.from({ length: n }, (_, j) => rows.filter((r) => (r + n) % n === j).length);
  const table = sym.array(Array.from({ length: n * D }, (_, i) => Math.sin(i)), { dtype: 'float32' }).reshape([n, D]);
  const args = [table, sym.array(rows, { dtype: 'int32' }), sym.array(Array.from({ length: D }, (_, i) => i / 4 - 1), { dtype: 'float32' })];
  const wants: ((j: number, col: number) => number)[] = [
    (j) => counts[j]!,
    (j) => 1.5 * counts[j]!,
    (j) => counts[j]! / (K * D),
    (j, col) => counts[j]! * (col / 4 - 1),
  ];
  costs.forEach(([name, cost], i) => {
    it(`the gradient of ${name}`, () => {
      const g = grad(cost(), [W])[0]!;
      const inputs = i === 3 ? [W, ids, c] : [W, ids];
      const run = (options: sym.FunctionOptions) => Array.from((sym.function(inputs, g, options).sync(...args.slice(0, inputs.length)) as sym.NDArray).data);
      const shrunk = run({ device: 'cpu' });
      expect(shrunk).toEqual(run({ device: 'cpu', optimizer: { excluding: ['scatter_row_operands'] } }));
      const sorted = run({ device: 'cpu-scatter-values-off' });
      shrunk.forEach((x, k) => expect(x).toBeCloseTo(wants[i]!(Math.floor(k / D), k % D), 5));
      shrunk.forEach((x, k) => expect(x).toBeCloseTo(sorted[k]!, 5));
    });
  });
});

describe('scatter_row_operands on the CPU: other dtypes', () => {
  for (const dtype of ['float64', 'float16', 'int32', 'uint8'] as const) {
    it(`x[ids] += a fill of 3 (and of a row), ${dtype}`, () => {
      const x = T.matrix('x', dtype);
      const r = T.vector('r', dtype);
      const window = x.get(ids);
      const outs = [T.incSubtensor(window, T.mul(T.onesLike(window), T.constant(3, { dtype }))), T.incSubtensor(T.zerosLike(x).get(ids), T.mul(T.onesLike(window), r))];
      const rows = Array.from({ length: K }, (_, k) => (k * 13) % n);
      const args = [sym.array(Array.from({ length: n * D }, (_, i) => i % 7), { dtype }).reshape([n, D]), sym.array(rows, { dtype: 'int32' }), sym.array(Array.from({ length: D }, (_, i) => i % 3), { dtype })];
      const run = (excluding: string[]) => (sym.function([x, ids, r], outs, { device: 'cpu', optimizer: { excluding } }).sync(...args) as sym.NDArray[]).map((a) => Array.from(a.data));
      const p = schedule({ inputs: [x, ids, r], inputShapes: [[n, D], [K], [D]], outputs: outs, kernels: ['scatterAdd'] });
      expect(optimizeProgram(p, 'FAST_RUN').buffers.some((b) => b.size === K * D)).toBe(false);
      const [a, b] = run([]);
      expect([a, b]).toEqual(run(['scatter_row_operands']));
      const counts = Array.from({ length: n }, (_, j) => rows.filter((q) => q === j).length);
      // uint8 wraps: 7 + 3 * 6 indices per row fits, as do the row's sums
      expect(a).toEqual(Array.from({ length: n * D }, (_, i) => (i % 7) + 3 * counts[Math.floor(i / D)]!));
      expect(b).toEqual(Array.from({ length: n * D }, (_, i) => ((i % D) % 3) * counts[Math.floor(i / D)]!));
    });
  }
});
