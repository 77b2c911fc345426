/**
 * Dropping dead kernels and buffers, and buffer reuse: temporaries whose
 * lifetimes do not overlap share one buffer. A kernel never writes a
 * buffer it also reads (WebGPU forbids binding one buffer both ways), so a
 * temporary is free for reuse only after the last kernel that reads it.
 */
import { withoutShapeOnlyChecks, type BufferSpec, type Program, type Step } from '@sym/graph';
import { pinnedBuffers } from './fusion.js';

/** Remove kernels whose result nobody reads, and the index checks of reads needed for their shapes alone. */
export function dropDeadSteps(program: Program): Program {
  const pinned = pinnedBuffers(program);
  const read = new Set<number>();
  const kept: Step[] = [];
  for (let i = program.steps.length - 1; i >= 0; i--) {
    const s = program.steps[i]!;
    if (!pinned.has(s.output) && !read.has(s.output)) continue;
    kept.push(s);
    for (const b of s.inputs) read.add(b);
  }
  kept.reverse();
  // a check of an index whose read is needed for its shape alone goes with that read's kernels (graph's index-check-live.ts)
  program = withoutShapeOnlyChecks(program);
  return kept.length === program.steps.length ? program : { ...program, steps: kept };
}

/**
 * Number the buffers densely: inputs first (keeping their ids, which the
 * scheduler gives first), then constants, then step outputs in the order
 * they are written; `inputBuffers`, `constants` and `outputs` are rewritten
 * to match. With `reuse`, a temporary takes the buffer of an earlier one of
 * equal dtype and size whose last reader has already run. Buffers nothing
 * uses vanish.
 */
export function assignBuffers(program: Program, reuse: boolean): Program {
  const pinned = pinnedBuffers(program);
  const { steps } = program;
  const lastRead = new Map<number, number>();
  steps.forEach((s, i) => s.inputs.forEach((b) => lastRead.set(b, i)));
  const written = new Set<number>();
  const inputs = new Set(program.inputBuffers);
  for (const s of steps) {
    // a buffer written twice, or an input or constant written, is not ours to renumber
    if (written.has(s.output) || inputs.has(s.output)) return program;
    written.add(s.output);
  }
  const specs: BufferSpec[] = [];
  const newId = new Map<number, number>();
  const take = (old: number): number => {
    let id = newId.get(old);
    if (id === undefined) {
      specs.push(program.buffers[old]!);
      newId.set(old, (id = specs.length - 1));
    }
    return id;
  };
  program.inputBuffers.forEach(take);
  program.constants.forEach((c) => take(c.buffer));
  const pool = new Map<string, number[]>();
  const keyOf = (old: number): string => `${program.buffers[old]!.dtype}:${program.buffers[old]!.size}`;
  const release = (old: number): void => {
    const key = keyOf(old);
    const free = pool.get(key);
    // in place: a copy per release is quadratic in the temporaries of an unrolled scan
    if (free) free.push(newId.get(old)!);
    else pool.set(key, [newId.get(old)!]);
  };
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.inputs.some((b) => !newId.has(b))) return program; // read before written
    const reused = !pinned.has(s.output) && reuse ? pool.get(keyOf(s.output))?.pop() : undefined;
    if (reused !== undefined) newId.set(s.output, reused);
    else take(s.output);
    for (const b of new Set(s.inputs)) if (!pinned.has(b) && lastRead.get(b) === i) release(b);
    if (!pinned.has(s.output) && !lastRead.has(s.output)) release(s.output);
  }
  program.outputs.forEach((o) => take(o.buffer));
  const nodeValues: Program['nodeValues'] = new Map();
  for (const [v, x] of program.nodeValues) {
    const id = newId.get(x.buffer);
    if (id !== undefined) nodeValues.set(v, { buffer: id, shape: x.shape });
  }
  return {
    ...program,
    buffers: specs,
    steps: steps.map((s) => ({ ...s, inputs: s.inputs.map((b) => newId.get(b)!), output: newId.get(s.output)! })),
    inputBuffers: program.inputBuffers.map((b) => newId.get(b)!),
    constants: program.constants.map((c) => ({ ...c, buffer: newId.get(c.buffer)! })),
    outputs: program.outputs.map((o) => ({ buffer: newId.get(o.buffer)!, shape: o.shape })),
    nodeValues,
  };
}
