/**
 * A program with index flags (index-check-device.ts) whose updates are
 * written in place: a failed call must leave every shared variable as it
 * was, so the flags are read after the kernels that compute them and before
 * the first kernel that writes a shared variable's buffer. The call runs the
 * steps before `Program.flagsReadAfter`, reads the flags, then runs the rest
 * (function-run.ts). Without this, such a program would copy a whole
 * embedding table to scatter a few rows into it.
 */
import type { Program } from './schedule.js';

/**
 * `program` with its flag kernels moved ahead of the first in-place write
 * where that is safe, and `flagsReadAfter` set; `program` itself when it
 * writes nothing in place or has no flags; undefined when a flag kernel
 * cannot run before the first in-place write (the caller then writes no
 * update in place).
 */
export function flagsBeforeInPlace(program: Program): Program | undefined {
  const flags = program.indexFlags ?? [];
  const inputs = new Set(program.inputBuffers);
  const writesInPlace = (i: number) => inputs.has(program.steps[i]!.output);
  const first = program.steps.findIndex((_, i) => writesInPlace(i));
  if (flags.length === 0 || first < 0) return program;
  const flagBuffers = new Set(flags.map((f) => program.outputs[f.output]!.buffer));
  const steps = [...program.steps];
  let at = first;
  for (let i = first; i < steps.length; i++) {
    const s = steps[i]!;
    if (!flagBuffers.has(s.output)) continue;
    // moved up to `at`: the steps it passes write none of its inputs and touch its output not at all
    const passed = steps.slice(at, i);
    if (passed.some((p) => s.inputs.includes(p.output) || p.output === s.output || p.inputs.includes(s.output))) return undefined;
    steps.splice(i, 1);
    steps.splice(at++, 0, s);
  }
  // every flag's kernel now runs before `at`; a flag written by no step (a constant's) needs none
  return { ...program, steps, flagsReadAfter: at };
}
