/**
 * A scatter-add's operands computed as the same row K times: the gradient
 * of `sum(W.get(ids))` (or of its mean, or of `sum(W.get(ids) * c)`) adds
 * `second(W.get(ids), 1)` (times c) into a table of zeros, and lowering
 * writes that fill as an elementwise kernel of (K, row) elements, which
 * the scatter then reads: at 10^6 indices of 64 columns a quarter of the
 * call. After fusion the kernel that computes the values is one
 * elementwise kernel whose loads, when it reads nothing along the rows,
 * all step by 0 along axis 0: its rows are all equal. It then computes
 * one row (or, reading nothing along any axis, one element) and the
 * scatter reads it with a row stride of 0, which its values take. The
 * base (the table of zeros, `second(W, 0)`) likewise becomes one element
 * read with stride 0. The values are computed by the same expression, so
 * the sums are the same.
 */
import type { ElementwiseKernel, LoadExpr, Program, ScatterAddKernel, Step } from '@sym/graph';
import { loadsOf } from '@sym/graph';
import { pinnedBuffers } from './fusion.js';

/** Which axes of an elementwise kernel's iteration its value depends on: those some load steps along. */
function steppedAxes(k: ElementwiseKernel): boolean[] {
  const stepped = k.shape.map(() => false);
  for (const l of loadsOf(k.expr) as LoadExpr[]) l.strides.forEach((s, d) => s !== 0 && (k.shape[d] ?? 1) > 1 && (stepped[d] = true));
  return stepped;
}

export function shrinkScatterOperands(program: Program): Program {
  if (!program.steps.some((s) => s.kernel.kind === 'scatterAdd')) return program;
  const pinned = pinnedBuffers(program);
  const producer = new Map<number, number>();
  const readers = new Map<number, number>();
  program.steps.forEach((s, i) => {
    producer.set(s.output, i);
    for (const b of new Set(s.inputs)) readers.set(b, (readers.get(b) ?? 0) + 1);
  });
  const steps = [...program.steps];
  const buffers = [...program.buffers];
  const shrunk = new Set<number>();
  /** The elementwise step writing `buffer` of `shape`, read by this scatter alone, shrunk to `keep` (the axes it steps along); whether it was. */
  const shrink = (buffer: number, shape: readonly number[], keep: (stepped: boolean[]) => boolean[] | null): boolean[] | null => {
    const i = producer.get(buffer);
    if (i === undefined || pinned.has(buffer) || readers.get(buffer) !== 1) return null;
    const k = steps[i]!.kernel;
    if (k.kind !== 'elementwise' || k.shape.length !== shape.length || k.shape.some((n, d) => n !== shape[d])) return null;
    const kept = keep(steppedAxes(k));
    if (!kept) return null;
    const newShape = k.shape.map((n, d) => (kept[d] ? n : 1));
    steps[i] = { ...steps[i]!, kernel: { ...k, shape: newShape } };
    buffers[buffer] = { ...buffers[buffer]!, size: newShape.reduce((a, b) => a * b, 1) };
    shrunk.add(buffer);
    return kept;
  };
  program.steps.forEach((s, i) => {
    const k = s.kernel;
    if (k.kind !== 'scatterAdd') return;
    const row = k.shape.slice(1).reduce((a, b) => a * b, 1);
    const valuesShape = [k.count, ...k.shape.slice(1)];
    let kernel: ScatterAddKernel = k;
    // one buffer as base and values is read two ways: left alone
    if (s.inputs[0] === s.inputs[1]) return;
    // values read contiguously from element 0 of a buffer of (count, row) elements
    if (k.count > 1 && k.values.offset === 0 && k.values.strides[0] === row && k.values.strides[1] === (row === 1 ? 0 : 1)) {
      const kept = shrink(s.inputs[1]!, valuesShape, (stepped) => {
        if (stepped[0]) return null;
        // the row's own axes stay whole unless none is stepped along (one element): the scatter's stride within a row is 0 or 1
        const any = stepped.some((x) => x);
        return valuesShape.map((_, d) => d > 0 && any);
      });
      if (kept) kernel = { ...kernel, values: { offset: 0, strides: [0, kept.some((x) => x) && row > 1 ? 1 : 0] } };
    }
    // a base of one value everywhere (the gradient's zeros), read contiguously from element 0
    if (k.base.stride === 1 && k.base.offset === 0 && k.shape.reduce((a, b) => a * b, 1) > 1) {
      const kept = shrink(s.inputs[0]!, k.shape, (stepped) => (stepped.some((x) => x) ? null : k.shape.map(() => false)));
      if (kept) kernel = { ...kernel, base: { offset: 0, stride: 0 } };
    }
    if (kernel !== k) steps[i] = { ...s, kernel } satisfies Step;
  });
  if (!shrunk.size) return program;
  // a shrunk buffer no longer holds its node's whole value
  const nodeValues: Program['nodeValues'] = new Map([...program.nodeValues].filter(([, v]) => !shrunk.has(v.buffer)));
  return { ...program, steps, buffers, nodeValues };
}
