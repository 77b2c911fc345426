/**
 * Epilogues: an elementwise kernel that reads a reduction's or a matmul's
 * temporary output, each element once at its own index, runs inside that
 * kernel after the reduction (`ReduceKernel.epilogue`,
 * `MatmulKernel.epilogue`). The reduced values never go through memory and
 * a launch disappears: a gradient's sum and its momentum update, a product
 * and its bias and activation (gemm's `alpha * A B + beta * C` is one).
 * Nothing is computed twice, so unlike fusion into readers this needs no
 * cost model; a backend that gains nothing runs the epilogue as a second
 * kernel (`splitEpilogue`).
 */
import { epilogueShape, isContiguousOver, mapLeaves, type DType, type Kernel, type MatmulKernel, type Program, type ReduceKernel, type ScalarExpr, type Step } from '@sym/graph';
import { exprSize, gathersOnce } from './loads.js';
import { KernelMemo, coincidence, fromSources, fusedLabel, fusedNodes, pinnedBuffers, Readers, sourcesOf, type InputSources } from './fusion.js';

/**
 * Strides over `from` re-expressed over `to`, two shapes of one C-order
 * walk that differ only by dimensions of length 1 ([4] and [4, 1]); null
 * when they differ otherwise.
 */
function restride(strides: readonly number[], from: readonly number[], to: readonly number[]): number[] | null {
  const kept = from.map((_, d) => d).filter((d) => from[d] !== 1);
  const out: number[] = [];
  let next = 0;
  for (const n of to) {
    if (n === 1) {
      out.push(0);
      continue;
    }
    const d = kept[next++];
    if (d === undefined || from[d] !== n) return null;
    out.push(strides[d]!);
  }
  return next === kept.length ? out : null;
}

/** The reduction or product `producer` with its only reader `consumer` as epilogue, or null when they do not fit. */
function withEpilogue(producer: Step, consumer: Step, maxExprSize: number, maxInputs: number, pIns = producer.inputs, cIns = consumer.inputs): Step | null {
  const rk = producer.kernel as ReduceKernel | MatmulKernel;
  const ck = consumer.kernel;
  // a gathering kernel's reads are not at the output's index: it cannot be an epilogue
  if (ck.kind !== 'elementwise' || gathersOnce(ck.expr)) return null;
  const space = epilogueShape(rk);
  // a fused matmul stores through the consumer's C-contiguous layout
  if (rk.kind === 'matmul' && !isContiguousOver(space, rk.outStrides)) return null;
  const size = space.reduce((a, b) => a * b, 1);
  if (size === 0 || ck.shape.reduce((a, b) => a * b, 1) !== size) return null;
  const reads = new Set(cIns.flatMap((b, i) => (b === producer.output ? [i] : [])));
  const inputs = [...pIns];
  const dtypes: DType[] = [...rk.inputs];
  const slotOf = (buffer: number, dtype: DType): number => {
    const i = inputs.indexOf(buffer);
    if (i >= 0) return i;
    inputs.push(buffer);
    dtypes.push(dtype);
    return inputs.length - 1;
  };
  let fits = true;
  const expr = mapLeaves(ck.expr, (l): ScalarExpr => {
    if (reads.has(l.input)) {
      // element i of the reduction read at output element i: C order from offset 0
      if (l.offset !== 0 || !isContiguousOver(ck.shape, l.strides)) fits = false;
      return { kind: 'reduced', dtype: rk.out };
    }
    const strides = restride(l.strides, ck.shape, space);
    if (!strides) {
      fits = false;
      return l;
    }
    return { ...l, input: slotOf(cIns[l.input]!, ck.inputs[l.input]!), strides };
  });
  // a product of a matrix by itself lists its operand twice
  if (!fits || exprSize(expr) > maxExprSize || (inputs.length > maxInputs && new Set(inputs).size > maxInputs)) return null;
  return {
    kernel: { ...rk, inputs: dtypes as [DType, DType, ...DType[]], out: ck.out, epilogue: { value: rk.out, expr } },
    inputs,
    output: consumer.output,
    label: fusedLabel(consumer, producer),
    nodes: fusedNodes(consumer, producer),
  };
}

/**
 * Which steps write each buffer, so that asking whether a buffer is
 * written between two steps does not walk the steps between them (a
 * reduction and its reader can be an unrolled scan apart). Passes only
 * remove steps or replace one by a step with the same output, so the lists
 * stay a superset of the writers; removed steps are skipped when asked.
 */
class Writers {
  readonly #of = new Map<number, number[]>();
  constructor(private readonly steps: readonly (Step | null)[]) {
    steps.forEach((s, q) => {
      if (!s) return;
      const list = this.#of.get(s.output);
      if (list) list.push(q);
      else this.#of.set(s.output, [q]);
    });
  }
  /** Whether a step strictly between `p` and `q` writes `buffer`. */
  between(p: number, q: number, buffer: number): boolean {
    const list = this.#of.get(buffer);
    if (!list) return false;
    // the first writer after p: the lists are in program order
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! <= p) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length && list[i]! < q; i++) if (this.steps[list[i]!]?.output === buffer) return true;
    return false;
  }
}

/** `withEpilogue`'s kernel and where its inputs come from (the product's, then its reader's), or null. */
type WithEpilogue = { kernel: Kernel; sources: InputSources } | null;

/** `withEpilogue`, kept per kernel objects and buffer coincidences (see KernelMemo). */
function withEpilogueOnce(producer: Step, pIns: readonly number[], consumer: Step, maxExprSize: number, maxInputs: number, memo: KernelMemo<WithEpilogue>): Step | null {
  const cIns = consumer.inputs;
  const key = `${memo.id(producer.kernel)}|${memo.id(consumer.kernel)}|${coincidence(cIns, [producer.output])}|${coincidence(cIns, pIns)}`;
  let done = memo.get(key);
  if (done === undefined) {
    const fused = withEpilogue(producer, consumer, maxExprSize, maxInputs, pIns, cIns);
    done = fused && { kernel: fused.kernel, sources: sourcesOf(fused.inputs, pIns, cIns) };
    memo.set(key, done);
  }
  return done && { kernel: done.kernel, inputs: fromSources(done.sources, pIns, cIns), output: consumer.output, label: memo.label(consumer, producer), nodes: memo.nodes(consumer, producer) };
}

/** Fuse each reduction or product whose temporary output has one elementwise reader into that reader, as its epilogue. */
export function fuseEpilogues(program: Program, maxExprSize = 256, maxInputs = Infinity): Program {
  const steps: (Step | null)[] = [...program.steps];
  const pinned = pinnedBuffers(program);
  const readersOf = new Readers(steps);
  const writers = new Writers(steps);
  const memo = new KernelMemo<WithEpilogue>();
  let changed = false;
  for (let p = 0; p < steps.length; p++) {
    const producer = steps[p];
    if (!producer || (producer.kernel.kind !== 'reduce' && producer.kernel.kind !== 'matmul') || producer.kernel.epilogue || pinned.has(producer.output)) continue;
    const readers = readersOf.after(p, producer.output);
    if (readers.length !== 1) continue;
    const q = readers[0]!;
    // the fused kernel runs where the reader ran: the reduction's operands must still hold their values there
    const pIns = producer.inputs;
    if (writers.between(p, q, producer.output) || pIns.some((b) => writers.between(p, q, b))) continue;
    const fused = withEpilogueOnce(producer, pIns, steps[q]!, maxExprSize, maxInputs, memo);
    if (!fused) continue;
    steps[q] = fused;
    readersOf.add(q, pIns);
    steps[p] = null;
    changed = true;
  }
  return changed ? { ...program, steps: steps.filter((s): s is Step => s !== null) } : program;
}
