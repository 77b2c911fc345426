/**
 * Fusion and epilogue fusion remember what they made of kernel objects: an
 * unrolled scan's steps share theirs (the step is lowered once and
 * replayed), so the work is done once for all steps, and the fused kernels
 * are shared objects too. What they made depends also on how the steps'
 * buffers coincide, which the memo must tell apart.
 */
import { describe, expect, it } from 'vitest';
import { schedule, type ElementwiseKernel, type Kernel, type LoadExpr, type Program, type Step, type TensorVariable } from '@sym/graph';
import { grad } from '@sym/grad';
import { fuse, optimizeGraph, optimizeProgram } from '../src/index.js';
import { sym, T, values } from './helpers.js';

const load = (input: number): LoadExpr => ({ kind: 'load', input, strides: [1], offset: 0, dtype: 'float64' });
// p = x * 2; c = p + y
const P: ElementwiseKernel = { kind: 'elementwise', shape: [3], inputs: ['float64'], out: 'float64', expr: { kind: 'apply', op: 'mul', args: [load(0), { kind: 'const', value: 2, dtype: 'float64' }], computeDType: 'float64', dtype: 'float64' } };
const C: ElementwiseKernel = { kind: 'elementwise', shape: [3], inputs: ['float64', 'float64'], out: 'float64', expr: { kind: 'apply', op: 'add', args: [load(0), load(1)], computeDType: 'float64', dtype: 'float64' } };

/** Pairs of steps sharing the kernel objects P and C (or, `twins`, each pair its own copies); `sameXY[i]`: pair i's y is its x. */
function pairs(sameXY: boolean[], twins = false): Program {
  const steps: Step[] = [];
  const buffers: Program['buffers'] = [];
  const inputs: number[] = [];
  const outputs: Program['outputs'] = [];
  const buffer = () => buffers.push({ dtype: 'float64', size: 3 }) - 1;
  for (const same of sameXY) {
    const x = buffer();
    const y = same ? x : buffer();
    inputs.push(...new Set([x, y]));
    const p = buffer();
    const c = buffer();
    steps.push({ kernel: twins ? structuredClone(P) : P, inputs: [x], output: p, label: 'p' }, { kernel: twins ? structuredClone(C) : C, inputs: [p, y], output: c, label: 'c' });
    outputs.push({ buffer: c, shape: [3] });
  }
  return { buffers, steps, inputBuffers: inputs, constants: [], outputs, nodeValues: new Map() };
}

describe('fusion memo', () => {
  it('shares the fused kernel between steps alike, and tells steps whose buffers coincide apart', () => {
    const fused = fuse(pairs([false, true, false, true]));
    expect(fused.steps).toHaveLength(4);
    const [a, b, c, d] = fused.steps;
    // alike steps: one kernel object, each over its own buffers
    expect(c!.kernel).toBe(a!.kernel);
    expect(d!.kernel).toBe(b!.kernel);
    expect(a!.inputs).toEqual([1, 0]);
    expect(c!.inputs).toEqual([8, 7]);
    // x + y with y = x reads one buffer: another kernel
    expect(b!.kernel.inputs).toHaveLength(1);
    expect(b!.inputs).toEqual([4]);
    expect((b!.kernel as ElementwiseKernel).expr).toEqual({ ...C.expr, args: [P.expr, load(0)] });
    expect(a!.label).toBe('c <- p');
  });

  it('shares the fused kernel between steps whose kernels are equal but not one object', () => {
    const fused = fuse(pairs([false, true, false, true, false, false], true));
    const [a, b, c, d, e, f] = fused.steps;
    // one fusion made per kind of pair, the other four answered by the memo (before: six kernel objects, one a pair)
    expect(new Set(fused.steps.map((s) => s.kernel)).size).toBe(2);
    for (const s of [c, e, f]) expect(s!.kernel).toBe(a!.kernel);
    expect(d!.kernel).toBe(b!.kernel);
    expect(b!.kernel).not.toBe(a!.kernel);
    expect(e!.inputs).toEqual([15, 14]);
  });

  it("an unrolled recurrent net's training step: the fusions of its steps are made once, not once a step", async () => {
    // h_t = tanh(x_t U + h_{t-1} W + b), cost (h_T V)^2, and its gradient: the char-LSTM's shape of graph, small
    const [U, W, b, V] = [T.matrix('U'), T.matrix('W'), T.vector('b'), T.vector('V')];
    const X = T.tensor3('X');
    const [hs] = sym.scan((x: TensorVariable, h: TensorVariable) => T.tanh(T.dot(x, U).add(T.dot(h, W)).add(b)), { sequences: X, outputsInfo: T.zeros([2, 4]) });
    const cost = T.sum(T.dot(hs.get(-1), V).pow(2));
    const outputs = optimizeGraph([cost, ...grad(cost, [U, W, b, V])]).outputs;
    const kernels = (steps: number) => {
      const p = optimizeProgram(schedule({ inputs: [X, U, W, b, V], inputShapes: [[steps, 2, 3], [3, 4], [4, 4], [4], [4]], outputs }));
      return new Set(p.steps.map((s) => s.kernel)).size;
    };
    // every fusion the memo misses makes new kernel objects: 8 more steps made 30 more objects when twins of the lowering (equal, not one object) missed at every step, now 6
    expect(kernels(16) - kernels(8)).toBeLessThan(8);
    const opt = sym.function([X, U, W, b, V], [cost, ...grad(cost, [U, W, b, V])]);
    const plain = sym.function([X, U, W, b, V], [cost, ...grad(cost, [U, W, b, V])], { optimizer: { excluding: ['fusion'] } });
    const wave = (n: number, f: (i: number) => number) => sym.array(Array.from({ length: n }, (_, i) => f(i)));
    const args = [wave(96, Math.sin).reshape([16, 2, 3]), wave(12, (i) => Math.cos(i) / 2).reshape([3, 4]), wave(16, (i) => Math.sin(i + 1) / 3).reshape([4, 4]), wave(4, (i) => i / 10), wave(4, (i) => 1 - i / 5)];
    expect(values(await opt(...args))).toEqual(values(await plain(...args)));
  });

  it("a scan's optimized program holds few kernel objects, and computes what the unfused program does", async () => {
    const X = T.matrix('X');
    const W = T.matrix('W');
    const [hs] = sym.scan((x: ReturnType<typeof T.vector>, h: ReturnType<typeof T.vector>) => T.tanh(T.dot(h, W).add(x).mul(0.5)), { sequences: X, outputsInfo: T.zeros([6]) });
    const cost = T.sum(hs.pow(2));
    const p = optimizeProgram(schedule({ inputs: [X, W], inputShapes: [[30, 6], [6, 6]], outputs: [cost] }));
    const objects = new Set<Kernel>(p.steps.map((s) => s.kernel));
    // 30 steps of a product with its fused epilogue, the rows' copies and the stacking: a few dozen objects
    expect(p.steps.length).toBeGreaterThan(60);
    expect(objects.size).toBeLessThan(p.steps.length / 3);
    const opt = sym.function([X, W], cost);
    const plain = sym.function([X, W], cost, { optimizer: { excluding: ['fusion'] } });
    const args = [sym.array(Array.from({ length: 180 }, (_, i) => Math.sin(i))).reshape([30, 6]), sym.array(Array.from({ length: 36 }, (_, i) => Math.cos(i) / 3)).reshape([6, 6])];
    expect(values(await opt(...args))).toEqual(values(await plain(...args)));
  });
});
