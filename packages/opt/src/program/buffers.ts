/**
 * Dropping dead kernels and buffers, and buffer reuse: temporaries whose
 * lifetimes do not overlap share one buffer. A kernel never writes a
 * buffer it also reads (WebGPU forbids binding one buffer both ways), so a
 * temporary is free for reuse only after the last kernel that reads it.
 * Inputs, constants and outputs keep their buffer ids.
 */
import type { BufferSpec, Program, Step } from '@sym/graph';
import { pinnedBuffers } from './fusion.js';

/** Remove kernels whose result nobody reads. */
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
  return kept.length === program.steps.length ? program : { ...program, steps: kept };
}

/**
 * Renumber the temporaries into the ids the pinned buffers leave free,
 * sharing a buffer between temporaries of equal dtype and size whose
 * lifetimes are disjoint when `reuse` is set. Buffers nothing uses vanish.
 */
export function assignBuffers(program: Program, reuse: boolean): Program {
  const pinned = pinnedBuffers(program);
  const { steps } = program;
  const lastRead = new Map<number, number>();
  steps.forEach((s, i) => s.inputs.forEach((b) => lastRead.set(b, i)));
  const written = new Set<number>();
  for (const s of steps) {
    // a buffer written twice is not a temporary with one lifetime: leave such programs alone
    if (written.has(s.output)) return program;
    written.add(s.output);
  }
  const newId = new Map<number, number>([...pinned].map((b) => [b, b]));
  const specs = new Map<number, BufferSpec>([...pinned].map((b) => [b, program.buffers[b]!]));
  let next = 0;
  const freshId = (): number => {
    while (pinned.has(next)) next++;
    return next++;
  };
  const pool = new Map<string, number[]>();
  const release = (old: number): void => {
    const spec = program.buffers[old]!;
    const key = `${spec.dtype}:${spec.size}`;
    pool.set(key, [...(pool.get(key) ?? []), newId.get(old)!]);
  };
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.inputs.some((b) => !newId.has(b))) return program; // read before written: not ours to renumber
    if (!pinned.has(s.output)) {
      const spec = program.buffers[s.output]!;
      const id = (reuse ? pool.get(`${spec.dtype}:${spec.size}`)?.pop() : undefined) ?? freshId();
      newId.set(s.output, id);
      specs.set(id, spec);
    }
    for (const b of new Set(s.inputs)) if (!pinned.has(b) && lastRead.get(b) === i) release(b);
    if (!pinned.has(s.output) && !lastRead.has(s.output)) release(s.output);
  }
  const size = Math.max(-1, ...specs.keys()) + 1;
  // ids between pinned buffers that no temporary took: a one-element placeholder of a dtype the program already uses
  const buffers = Array.from({ length: size }, (_, id) => specs.get(id) ?? { dtype: program.buffers[id]!.dtype, size: 1 });
  const nodeValues = new Map<Parameters<Program['nodeValues']['set']>[0], { buffer: number; shape: number[] }>();
  for (const [v, x] of program.nodeValues) {
    const id = newId.get(x.buffer);
    if (id !== undefined) nodeValues.set(v, { buffer: id, shape: x.shape });
  }
  return {
    ...program,
    buffers,
    steps: steps.map((s) => ({ ...s, inputs: s.inputs.map((b) => newId.get(b)!), output: newId.get(s.output)! })),
    nodeValues,
  };
}
