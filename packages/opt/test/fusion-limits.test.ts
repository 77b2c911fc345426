/**
 * The limits fusion checks without building the fused kernel first: the
 * fused expression's size (computed from the consumer's and the
 * producer's), and, for an epilogue, whether an operand of the reduction
 * is overwritten before its reader runs (looked up per buffer, not by
 * walking the steps between).
 */
import { describe, expect, it } from 'vitest';
import { loadsOf, type ElementwiseKernel, type LoadExpr, type Program, type ScalarExpr, type Step } from '@sym/graph';
import { DEFAULT_FUSION, fuse, fuseEpilogues } from '../src/index.js';
import { exprSize, loadsOnce } from '../src/program/loads.js';

const load = (input: number, dtype: 'float32' | 'float64'): LoadExpr => ({ kind: 'load', input, strides: [1], offset: 0, dtype });

/** Nodes of an expression, counted here independently of the optimizer's own count. */
function nodes(e: ScalarExpr): number {
  return e.kind === 'apply' ? 1 + e.args.reduce((n, a) => n + nodes(a), 0) : 1;
}

function program(buffers: Program['buffers'], steps: Step[], inputBuffers: number[], output: number): Program {
  return { buffers, steps, inputBuffers, constants: [], outputs: [{ buffer: output, shape: [4] }], nodeValues: new Map() };
}

describe('fusion size limit', () => {
  // t = float32(x + 1) (3 nodes, and the cast to its output dtype: 4), out = t * t: fused, 3 + 2 * (4 - 1) = 9 nodes
  const producer: Step = {
    kernel: { kind: 'elementwise', shape: [4], inputs: ['float64'], out: 'float32', expr: { kind: 'apply', op: 'add', args: [load(0, 'float64'), { kind: 'const', value: 1, dtype: 'float64' }], computeDType: 'float64', dtype: 'float64' } },
    inputs: [0],
    output: 1,
    label: 't',
  };
  const consumer: Step = {
    kernel: { kind: 'elementwise', shape: [4], inputs: ['float32'], out: 'float32', expr: { kind: 'apply', op: 'mul', args: [load(0, 'float32'), load(0, 'float32')], computeDType: 'float32', dtype: 'float32' } },
    inputs: [1],
    output: 2,
    label: 'out',
  };
  const buffers: Program['buffers'] = [
    { dtype: 'float64', size: 4 },
    { dtype: 'float32', size: 4 },
    { dtype: 'float32', size: 4 },
  ];

  it('fuses when the fused expression has exactly maxExprSize nodes, casts and repeated reads counted', () => {
    const p = fuse(program(buffers, [producer, consumer], [0], 2), { ...DEFAULT_FUSION, maxExprSize: 9 });
    expect(p.steps).toHaveLength(1);
    const expr = (p.steps[0]!.kernel as ElementwiseKernel).expr;
    expect(nodes(expr)).toBe(9);
    // what fusion recorded of the kernel it built, for the next producer it tries
    expect(exprSize(expr)).toBe(9);
    expect(loadsOnce(expr)).toEqual(loadsOf(expr));
    expect(loadsOnce(expr)).toHaveLength(2);
    expect(expr).toMatchObject({ op: 'mul', args: [{ op: 'cast', dtype: 'float32', args: [{ op: 'add' }] }, { op: 'cast' }] });
  });

  it('leaves both kernels when it would have one node more', () => {
    const p = fuse(program(buffers, [producer, consumer], [0], 2), { ...DEFAULT_FUSION, maxExprSize: 8 });
    expect(p.steps).toEqual([producer, consumer]);
  });
});

describe('epilogue operands', () => {
  // s = sum(x) over a (4, 4) x; a step between writes `written`; out = s * 2 reads s
  const reduce: Step = {
    kernel: { kind: 'reduce', shape: [4], reduceShape: [4], reducer: 'sum', inputs: ['float64'], acc: 'float64', out: 'float64', expr: { kind: 'load', input: 0, strides: [4, 1], offset: 0, dtype: 'float64' } },
    inputs: [0],
    output: 1,
    label: 's',
  };
  const reader: Step = {
    kernel: { kind: 'elementwise', shape: [4], inputs: ['float64'], out: 'float64', expr: { kind: 'apply', op: 'mul', args: [load(0, 'float64'), { kind: 'const', value: 2, dtype: 'float64' }], computeDType: 'float64', dtype: 'float64' } },
    inputs: [1],
    output: 2,
    label: 'out',
  };
  const writer = (written: number): Step => ({
    kernel: { kind: 'elementwise', shape: [4], inputs: ['float64'], out: 'float64', expr: load(0, 'float64') },
    inputs: [4],
    output: written,
    label: `write ${written}`,
  });
  const buffers: Program['buffers'] = [
    { dtype: 'float64', size: 16 },
    { dtype: 'float64', size: 4 },
    { dtype: 'float64', size: 4 },
    { dtype: 'float64', size: 16 },
    { dtype: 'float64', size: 4 },
  ];
  const withOutputs = (p: Program): Program => ({ ...p, outputs: [...p.outputs, { buffer: 3, shape: [16] }] });

  it('fuses past a step that writes another buffer', () => {
    const p = fuseEpilogues(withOutputs(program(buffers, [reduce, writer(3), reader], [4], 2)));
    expect(p.steps.map((s) => s.label)).toEqual(['write 3', 'out <- s']);
  });

  it('keeps the reduction where its operand is overwritten before the reader runs', () => {
    const p = fuseEpilogues(withOutputs(program(buffers, [reduce, writer(0), reader], [4], 2)));
    expect(p.steps.map((s) => s.label)).toEqual(['s', 'write 0', 'out']);
  });
});
