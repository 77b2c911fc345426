/**
 * Updates written in place: the kernel computing a shared variable's new
 * value writes it over the old one, where nothing reads the old value
 * after that kernel and the kernel reads each old element only where it
 * writes the new one (`p - lr * v`, a momentum update in a product's
 * epilogue). A training step then holds one copy of its parameters instead
 * of two, and its first call touches that much less fresh memory.
 *
 * Which updates may go in place is the function's to say, and whether the
 * device can read an element and write it in one launch the backend's
 * (`Backend.overwrites`): WebGPU cannot bind a buffer both ways, and a CPU
 * kernel that makes a second pass over its inputs would read values it has
 * already overwritten. Both arrive in `program.inPlace`.
 */
import type { Kernel, Program, ScalarExpr } from '@sym/graph';
import { epilogueShape, isContiguousOver, walkExpr } from '@sym/graph';

/** The loads of input `input` in `e`, all at the output's own index over `shape` (true when there are none). */
function loadsAtOutputIndex(e: ScalarExpr, input: number, shape: readonly number[]): boolean {
  let ok = true;
  walkExpr(e, (x) => {
    if (x.kind === 'load' && x.input === input && (x.offset !== 0 || !isContiguousOver(shape, x.strides))) ok = false;
    // a gather reads at a position computed at run time
    if (x.kind === 'gather' && x.input === input) ok = false;
  });
  return ok;
}

function loads(e: ScalarExpr, input: number): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if ((x.kind === 'load' || x.kind === 'gather') && x.input === input) found = true;
  });
  return found;
}

/**
 * Whether `kernel` reads its input `input` only at the index of the output
 * element it is computing: an elementwise kernel's loads, or an epilogue's,
 * at the output's C-contiguous index, or a scatter-add's base read from
 * element 0 in order (each output element starts as its own base
 * element: a sparse update `incSubtensor(W.get(idx), g)` of a shared W);
 * never a product's operand, a reduction's own input, a sort's (each
 * output reads a whole line), nor a scatter-add's values or indices.
 */
export function readsAtOutputIndex(kernel: Kernel, input: number): boolean {
  switch (kernel.kind) {
    case 'elementwise':
      return loadsAtOutputIndex(kernel.expr, input, kernel.shape);
    case 'reduce':
      return !loads(kernel.expr, input) && (!kernel.epilogue || loadsAtOutputIndex(kernel.epilogue.expr, input, epilogueShape(kernel)));
    case 'matmul':
      return input >= 2 && !!kernel.epilogue && isContiguousOver(epilogueShape(kernel), kernel.outStrides) && loadsAtOutputIndex(kernel.epilogue.expr, input, epilogueShape(kernel));
    case 'sort':
      return false;
    case 'scatterAdd':
      return input === 0 && kernel.base.stride === 1 && kernel.base.offset === 0;
  }
}

/**
 * The program with each update of `program.inPlace` written over its
 * shared variable's buffer where that is safe. The output buffers given up
 * stay in `buffers`, unused.
 */
export function writeUpdatesInPlace(program: Program): Program {
  if (!program.inPlace) return program;
  const { candidates, overwrites } = program.inPlace;
  let steps = program.steps;
  let outputs = program.outputs;
  const nodeValues = new Map(program.nodeValues);
  const taken = new Set<number>();
  for (const { input, output } of candidates) {
    const old = program.inputBuffers[input]!;
    const next = outputs[output]!.buffer;
    const [a, b] = [program.buffers[old]!, program.buffers[next]!];
    if (old === next || a.dtype !== b.dtype || a.size !== b.size || taken.has(old)) continue;
    if (program.inputBuffers.includes(next) || program.constants.some((c) => c.buffer === next)) continue;
    // the old value: read by no output, and by no kernel after the one writing the new value
    if (outputs.some((o) => o.buffer === old)) continue;
    // a value two variables take must stay a buffer of its own, or they would end up sharing one
    if (candidates.some((c) => c.output !== output && outputs[c.output]!.buffer === next)) continue;
    const writers = steps.flatMap((s, i) => (s.output === next ? [i] : []));
    if (writers.length !== 1) continue;
    const at = writers[0]!;
    if (steps.slice(at + 1).some((s) => s.inputs.includes(old))) continue;
    const step = steps[at]!;
    const reads = step.inputs.flatMap((bufferId, j) => (bufferId === old ? [j] : []));
    if (!reads.every((j) => readsAtOutputIndex(step.kernel, j) && overwrites(step.kernel, j))) continue;
    const swap = (id: number) => (id === next ? old : id);
    steps = steps.map((s, i) => (i < at ? s : { ...s, inputs: s.inputs.map(swap), output: swap(s.output) }));
    outputs = outputs.map((o) => ({ ...o, buffer: swap(o.buffer) }));
    for (const [v, x] of nodeValues) if (x.buffer === next) nodeValues.set(v, { ...x, buffer: old });
    taken.add(old);
  }
  return taken.size ? { ...program, steps, outputs, nodeValues } : program;
}
