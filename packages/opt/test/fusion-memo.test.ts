/**
 * Fusion and epilogue fusion remember what they made of kernel objects: an
 * unrolled scan's steps share theirs (the step is lowered once and
 * replayed), so the work is done once for all steps, and the fused kernels
 * are shared objects too. What they made depends also on how the steps'
 * buffers coincide, which the memo must tell apart.
 */
import { describe, expect, it } from 'vitest';
import { schedule, type ElementwiseKernel, type Kernel, type LoadExpr, type Program, type Step } from '@sym/graph';
import { fuse, optimizeProgram } from '../src/index.js';
import { sym, T, values } from './helpers.js';

const load = (input: number): LoadExpr => ({ kind: 'load', input, strides: [1], offset: 0, dtype: 'float64' });
// p = x * 2; c = p + y
const P: ElementwiseKernel = { kind: 'elementwise', shape: [3], inputs: ['float64'], out: 'float64', expr: { kind: 'apply', op: 'mul', args: [load(0), { kind: 'const', value: 2, dtype: 'float64' }], computeDType: 'float64', dtype: 'float64' } };
const C: ElementwiseKernel = { kind: 'elementwise', shape: [3], inputs: ['float64', 'float64'], out: 'float64', expr: { kind: 'apply', op: 'add', args: [load(0), load(1)], computeDType: 'float64', dtype: 'float64' } };

/** Pairs of steps sharing the kernel objects P and C; `sameXY[i]`: pair i's y is its x. */
function pairs(sameXY: boolean[]): Program {
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
    steps.push({ kernel: P, inputs: [x], output: p, label: 'p' }, { kernel: C, inputs: [p, y], output: c, label: 'c' });
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
