/**
 * Kernel fusion on a scheduled program: an elementwise kernel whose output
 * is a temporary is evaluated inside the kernels that read it (elementwise
 * kernels, and reduce kernels as a prologue), and its launch and buffer
 * disappear. Fusion lives here once and serves every backend.
 *
 * A gathering kernel (an embedding's lookup, a take) is inlined too, into
 * elementwise readers, and into reductions where the backend compiling the
 * program renders gathers there (`Program.gathers`, its
 * `BackendInfo.gathers`): its gathers' indices are expressions of its
 * loads, composed with the read as every load is. A gathering kernel takes producers at
 * its affine loads (those of its gathers' indices included), not at a
 * buffer it gathers from: there the producer's loads would have to become
 * gathers at the computed position.
 */
import type { DType, ElementwiseKernel, GatherFusion, Kernel, LoadExpr, Program, ReduceKernel, ScalarExpr, Step } from '@sym/graph';
import { appliesCostly, kernelKey } from '@sym/graph';
import { exprCost, composeLoad, exprSize, gatheredInputs, gathersOnce, loadsOnce, mapLoad, mapLoads, noteExpr, noteLoads, type IndexMap } from './loads.js';

/** Limits of kernel fusion ({@link fuse}). */
export interface FusionOptions {
  /** Also fuse into reduce kernels (elementwise prologues of reductions). */
  readonly reduce: boolean;
  /** Largest fused expression, in nodes: generated code stays readable and registers few. */
  readonly maxExprSize: number;
  /**
   * A producer whose values would be computed more than once after fusion
   * (its consumers read more elements than it has: several consumers, a
   * consumer that broadcasts it or reads it twice) is fused only when
   * it costs at most this much per element (`exprCost`: 1 per arithmetic op,
   * 8 per transcendental or division), so arithmetic is recomputed, exp is not.
   */
  readonly maxRecompute: number;
  /**
   * Most buffers a fused kernel reads. A kernel reading many buffers is
   * most often a sum over an unrolled scan's steps (a weight's gradient,
   * one term a step): fused whole, its structure depends on the number of
   * steps, so every new sequence length compiles it anew (on lavapipe,
   * 1.5-2 s for a 40-step sum); capped, it is a chain of kernels of at
   * most this many inputs, alike from one length to the next. A GPU also
   * binds only so many buffers (8 to 16): the rest are copied into one
   * buffer before each launch.
   */
  readonly maxInputs: number;
}

/** The limits the registered fusion passes use (`elemwise_fusion` with `reduce` off): expressions up to 256 nodes, recompute up to cost 4, 16 inputs. */
export const DEFAULT_FUSION: FusionOptions = { reduce: true, maxExprSize: 256, maxRecompute: 4, maxInputs: 16 };

/** How many buffers a kernel reading `consumer` (each once, the producer's output among them) reads once a producer reading `producer` is inlined in it. */
function fusedInputs(consumer: readonly number[], producer: readonly number[]): number {
  let n = consumer.length - 1;
  for (const b of producer) if (!consumer.includes(b)) n++;
  return n;
}

/** Buffers a program's caller addresses (inputs, constants, outputs): never fused away nor shared. */
export function pinnedBuffers(p: Program): Set<number> {
  return new Set([...p.inputBuffers, ...p.constants.map((c) => c.buffer), ...p.outputs.map((o) => o.buffer)]);
}

function iterationShape(k: Kernel): number[] | null {
  if (k.kind === 'elementwise') return [...k.shape];
  if (k.kind === 'reduce') return [...k.shape, ...k.reduceShape];
  return null;
}

const MAX_LABEL = 160;
const NO_NODES: NonNullable<Step['nodes']> = [];

/** The label of a kernel that computes `producer` inside `consumer`. */
export function fusedLabel(consumer: Step, producer: Step): string {
  const label = `${consumer.label} <- ${producer.label}`;
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 3)}...` : label;
}

/** The nodes of a kernel that computes `producer` inside `consumer`: the producer's first, as they were lowered. */
export function fusedNodes(consumer: Step, producer: Step): Step['nodes'] {
  if (!producer.nodes?.length) return consumer.nodes;
  if (!consumer.nodes?.length) return producer.nodes;
  return [...producer.nodes, ...consumer.nodes];
}

/**
 * Where each input of a kernel a pass built from two steps comes from:
 * input i of the first for i >= 0, input -1 - i of the second for i < 0.
 */
export type InputSources = readonly number[];

/** The sources of `inputs`, buffers taken from `first`'s (but the one at `skip`) and then `second`'s. */
export function sourcesOf(inputs: readonly number[], first: readonly number[], second: readonly number[], skip = -1): number[] {
  return inputs.map((b) => {
    const i = first.indexOf(b);
    return i >= 0 && i !== skip ? i : -1 - second.indexOf(b);
  });
}

/** The buffers `sources` name. */
export function fromSources(sources: InputSources, first: readonly number[], second: readonly number[]): number[] {
  return sources.map((i) => (i >= 0 ? first[i]! : second[-1 - i]!));
}

/**
 * What a pass made of kernel objects, kept for the later steps that hold
 * the same objects: the steps of an unrolled scan share theirs (scan.ts
 * replays a step), so fusing a producer into its consumers is done once
 * for them all, and the fused kernels are shared objects too, whose
 * compiled code a function then finds without a key. A key names the
 * kernels by small ids (one per object, or per `kernelKey`: see `id`) and
 * says how the steps' buffers coincide (which decides how the fused kernel
 * numbers its inputs).
 */
export class KernelMemo<T> {
  readonly #ids = new Map<Kernel, number>();
  readonly #results = new Map<string, T>();
  readonly #labels = new Map<string, Map<string, string>>();
  readonly #nodes = new Map<NonNullable<Step['nodes']>, Map<NonNullable<Step['nodes']>, NonNullable<Step['nodes']>>>();
  readonly #alike = new Set<Kernel>();
  readonly #byKey = new Map<string, number>();
  /**
   * The kernels among which twins get one id (see `id`): those a pass
   * starts from. The ones it makes need none: the memo hands out one
   * object per key.
   */
  constructor(alike: Iterable<Kernel> = []) {
    for (const k of alike) this.#alike.add(k);
  }
  /**
   * A kernel's id: one per object, and one per `kernelKey` among the
   * kernels the memo was made with. A program holds such twins (an unrolled
   * scan's steps are replayed from one lowering, but not every kernel of it
   * is one object in every step), and a key naming one twin would miss the
   * work done for the other, and for every kernel made from it, at every
   * step: the char-LSTM's fusion did so for 16 producers. Kernels equal as
   * `kernelKey` writes them fuse alike, and share one compiled executable
   * already (the compile cache's key).
   */
  id(k: Kernel): number {
    let id = this.#ids.get(k);
    if (id === undefined) {
      const key = this.#alike.has(k) ? kernelKey(k) : undefined;
      id = key === undefined ? undefined : this.#byKey.get(key);
      if (id === undefined) {
        // the map only grows, so its size is an id no kernel has
        id = this.#ids.size;
        if (key !== undefined) this.#byKey.set(key, id);
      }
      this.#ids.set(k, id);
    }
    return id;
  }
  get(key: string): T | undefined {
    return this.#results.get(key);
  }
  set(key: string, value: T): void {
    this.#results.set(key, value);
  }
  /** `fusedLabel`, made once per pair of labels (a scan's steps repeat theirs). */
  label(consumer: Step, producer: Step): string {
    let m = this.#labels.get(consumer.label);
    if (!m) this.#labels.set(consumer.label, (m = new Map()));
    let label = m.get(producer.label);
    if (label === undefined) m.set(producer.label, (label = fusedLabel(consumer, producer)));
    return label;
  }
  /** `fusedNodes`, made once per pair of node lists (a scan's replayed steps share theirs). */
  nodes(consumer: Step, producer: Step): Step['nodes'] {
    const c = consumer.nodes ?? NO_NODES;
    const p = producer.nodes ?? NO_NODES;
    let m = this.#nodes.get(c);
    if (!m) this.#nodes.set(c, (m = new Map()));
    let nodes = m.get(p);
    if (nodes === undefined) m.set(p, (nodes = fusedNodes(consumer, producer) ?? NO_NODES));
    return nodes;
  }
}

/** For each buffer of `of`, its index in `within` or -1: how two steps' buffers coincide, as part of a key. */
export function coincidence(of: readonly number[], within: readonly number[]): string {
  let key = '';
  for (const b of of) key += `${within.indexOf(b)},`;
  return key;
}

function inline(producer: Step, consumer: Step, maps: ReadonlyMap<LoadExpr, IndexMap>): Step {
  const pk = producer.kernel as ElementwiseKernel;
  const ck = consumer.kernel as ElementwiseKernel | ReduceKernel;
  const slot = consumer.inputs.indexOf(producer.output);
  const inputs: number[] = [];
  const dtypes: DType[] = [];
  const slotOf = (buffer: number, dtype: DType): number => {
    let i = inputs.indexOf(buffer);
    if (i < 0) {
      inputs.push(buffer);
      dtypes.push(dtype);
      i = inputs.length - 1;
    }
    return i;
  };
  consumer.inputs.forEach((b, i) => {
    if (i !== slot) slotOf(b, ck.inputs[i]!);
  });
  // the producer stored its value into its output dtype: keep that conversion
  const value: ScalarExpr =
    pk.expr.dtype === pk.out ? pk.expr : { kind: 'apply', op: 'cast', args: [pk.expr], computeDType: pk.expr.dtype, dtype: pk.out };
  // the fused expression's loads in order (leaves are mapped left to right), so the next fusion into it need not walk it
  const loads: LoadExpr[] = [];
  // a gather keeps reading its buffer, renumbered as the loads are (the consumer gathers nothing from the producer: checked)
  const consumerSlot = (i: number): number => slotOf(consumer.inputs[i]!, ck.inputs[i]!);
  const producerSlot = (i: number): number => slotOf(producer.inputs[i]!, pk.inputs[i]!);
  const expr = mapLoads(ck.expr, (l) => {
    if (l.input !== slot) {
      const input = slotOf(consumer.inputs[l.input]!, ck.inputs[l.input]!);
      // an unchanged load is kept, and with it every subtree that reads no producer
      const kept = input === l.input ? l : { ...l, input };
      loads.push(kept);
      return kept;
    }
    const m = maps.get(l)!;
    // the producer's gathers' indices are expressions of its loads: composed with them, they compute at the consumer's element what they computed at the producer's element it reads
    return mapLoads(
      value,
      (pl) => {
        const composed = composeLoad(pl, m, producerSlot(pl.input));
        loads.push(composed);
        return composed;
      },
      producerSlot,
    );
  }, consumerSlot);
  noteLoads(expr, loads);
  return { kernel: { ...ck, inputs: dtypes, expr }, inputs, output: consumer.output, label: fusedLabel(consumer, producer), nodes: fusedNodes(consumer, producer) };
}

/** The consumers' kernels with the producer inlined, and where their inputs come from; null when one of them cannot take it. */
type Inlined = { kernels: Kernel[]; sources: InputSources[] } | null;

/** `tryInline`, kept per kernels and buffer coincidences (see KernelMemo). */
function tryInlineOnce(producer: Step, consumers: readonly Step[], opts: FusionOptions, gathers: GatherFusion, memo: KernelMemo<Inlined>): Step[] | null {
  const pIns = producer.inputs;
  const cIns = consumers.map((c) => c.inputs);
  let key = `${memo.id(producer.kernel)}`;
  consumers.forEach((c, i) => (key += `|${memo.id(c.kernel)}:${cIns[i]!.indexOf(producer.output)}:${coincidence(pIns, cIns[i]!)}`));
  let done = memo.get(key);
  if (done === undefined) {
    const fused = tryInline(producer, consumers, opts, gathers);
    done = fused && {
      kernels: fused.map((s) => s.kernel),
      sources: fused.map((s, i) => sourcesOf(s.inputs, cIns[i]!, pIns, cIns[i]!.indexOf(producer.output))),
    };
    memo.set(key, done);
  }
  if (!done) return null;
  const made = done;
  return consumers.map((c, i) => ({ kernel: made.kernels[i]!, inputs: fromSources(made.sources[i]!, cIns[i]!, pIns), output: c.output, label: memo.label(c, producer), nodes: memo.nodes(c, producer) }));
}

const elementsOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The consumers with `producer` inlined, or null when one of them cannot take it. */
function tryInline(producer: Step, consumers: readonly Step[], opts: FusionOptions, gathers: GatherFusion): Step[] | null {
  const costlyElements = gathers.costlyElements ?? Infinity;
  const pk = producer.kernel as ElementwiseKernel;
  const pGathers = gathersOnce(pk.expr);
  // each read of the producer becomes its value (with a cast to its output dtype when it stored one)
  const valueSize = exprSize(pk.expr) + (pk.expr.dtype === pk.out ? 0 : 1);
  // element reads after fusion: more than the producer has elements means some are computed twice
  let reads = 0;
  const plans: Map<LoadExpr, IndexMap>[] = [];
  const sizes: number[] = [];
  for (const c of consumers) {
    const k = c.kernel;
    const iter = iterationShape(k);
    // a sort or a product reads its inputs through no expression: nothing is inlined into it
    if (!iter || (k.kind !== 'elementwise' && k.kind !== 'reduce') || (k.kind === 'reduce' && !opts.reduce)) return null;
    // a reduction gathers only where the backend renders it (GatherExpr's contract)
    if (pGathers && k.kind !== 'elementwise' && !gathers.inReductions) return null;
    const ins = c.inputs;
    if (fusedInputs(ins, producer.inputs) > opts.maxInputs) return null;
    const slot = ins.indexOf(producer.output);
    // a read at a computed position (`take(W * 2, idx)`): the producer's loads would have to become gathers
    if (gatheredInputs(k.expr).has(slot)) return null;
    // a large kernel's transcendental work stays out of a gathering kernel where the backend says gathering kernels
    // cost it more than its others (GatherFusion.costlyElements)
    if (pGathers !== gathersOnce(k.expr) && elementsOf(iter) > costlyElements && appliesCostly(pGathers ? k.expr : pk.expr)) return null;
    const maps = new Map<LoadExpr, IndexMap>();
    let inlined = 0;
    for (const l of loadsOnce(k.expr)) {
      if (l.input !== slot) continue;
      const m = mapLoad(l, iter, pk.shape);
      if (!m) return null;
      maps.set(l, m);
      reads += iter.reduce((a, b) => a * b, 1);
      inlined++;
    }
    // the fused expression's size, known before building it: most refusals in a long scan are for size
    const size = exprSize(k.expr) + inlined * (valueSize - 1);
    if (size > opts.maxExprSize) return null;
    plans.push(maps);
    sizes.push(size);
  }
  if (reads > pk.shape.reduce((a, b) => a * b, 1) && exprCost(pk.expr) > opts.maxRecompute) return null;
  return consumers.map((c, i) => {
    const s = inline(producer, c, plans[i]!);
    noteExpr((s.kernel as ElementwiseKernel).expr, sizes[i]!, pGathers || gathersOnce((c.kernel as ElementwiseKernel | ReduceKernel).expr));
    return s;
  });
}

/**
 * Which steps read each buffer, so that a pass finds a producer's readers
 * without walking every later step (quadratic in an unrolled scan's
 * thousands of steps). A pass that rewrites step q to read more buffers
 * calls `add(q, buffers)`; readers that no longer read a buffer, or are
 * gone, are filtered out when asked.
 */
export class Readers {
  // lists, not sets (a set per temporary costs more than the duplicates `after` drops)
  readonly #of = new Map<number, number[]>();
  constructor(private readonly steps: readonly (Step | null)[]) {
    steps.forEach((s, q) => s && this.add(q, s.inputs));
  }
  add(q: number, buffers: readonly number[]): void {
    for (const b of buffers) {
      const list = this.#of.get(b);
      if (list) list.push(q);
      else this.#of.set(b, [q]);
    }
  }
  /** The steps after `p` that read `buffer`, in program order. */
  after(p: number, buffer: number): number[] {
    const qs = (this.#of.get(buffer) ?? []).filter((q) => q > p && this.steps[q]?.inputs.includes(buffer));
    qs.sort((a, b) => a - b);
    return qs.filter((q, i) => i === 0 || q !== qs[i - 1]);
  }
}

/** Fuse elementwise kernels into their consumers, producers first, so chains collapse into one kernel. */
export function fuse(program: Program, opts: FusionOptions = DEFAULT_FUSION): Program {
  const steps: (Step | null)[] = [...program.steps];
  const pinned = pinnedBuffers(program);
  const readers = new Readers(steps);
  const memo = new KernelMemo<Inlined>(program.steps.map((s) => s.kernel));
  const gathers = program.gathers ?? {};
  for (let p = 0; p < steps.length; p++) {
    const producer = steps[p];
    if (!producer || producer.kernel.kind !== 'elementwise' || pinned.has(producer.output)) continue;
    const consumers = readers.after(p, producer.output);
    if (consumers.length === 0) continue;
    const fused = tryInlineOnce(
      producer,
      consumers.map((q) => steps[q]!),
      opts,
      gathers,
      memo,
    );
    if (!fused) continue;
    consumers.forEach((q, i) => {
      steps[q] = fused[i]!;
      readers.add(q, producer.inputs);
    });
    steps[p] = null;
  }
  return { ...program, steps: steps.filter((s): s is Step => s !== null) };
}
