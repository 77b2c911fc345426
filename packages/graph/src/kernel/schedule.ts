/**
 * The scheduler: lowers a graph, with concrete input shapes, to a program
 * of kernels over buffers. Each op lowers itself through a LowerContext;
 * views (dimshuffle, transpose, broadcast) cost no kernel. This first
 * scheduler emits one kernel per op; @sym/opt's passes fuse them.
 */
import { castScalar, type DType } from '../core/dtype.js';
import { isContiguousOver, kernelKey, kernelOutputSize, type BufferSpec, type Kernel, type LoadExpr, type OptionalKernel, type ScalarExpr, type ScatterAccumulator, type Step } from './kernel.js';
import { NDArray, contiguousStrides, fill, sizeOf, shapeToString } from '../core/ndarray.js';
import type { Apply } from '../core/op.js';
import { isContiguous, type At, type BufferView, type Draw, type LowerContext, type LowerMark, type ReduceRequest, type TensorView } from './lower.js';
import * as ix from './index-expr.js';
import { readAt, unusedInputsDropped } from './affine-read.js';
import { broadcastStrides } from '../ops/broadcast.js';
import { TensorConstant, type TensorVariable } from '../core/variable.js';
import { runIndexCheck, type IndexCheck, type IndexErrorText } from '../ops/check-index.js';
import { addWindowCheck, hostIndexValues } from '../ops/host-index.js';
import { askedBy, liveIndexChecks, outputNeeds } from './index-check-live.js';
import { checkGuarded, checkOnDevice, flagOutputs, replayFlags, type IndexFlag, type IndexGuard } from './index-check-device.js';
import type { Program } from './program.js';

export type { Program } from './program.js';

/** Nodes needed for `outputs`, in an order where each comes after its inputs' owners. */
export function toposort(outputs: readonly TensorVariable[]): Apply[] {
  const order: Apply[] = [];
  const done = new Set<Apply>();
  const stack: [Apply, number][] = [];
  for (const o of outputs) {
    if (!o.owner || done.has(o.owner)) continue;
    stack.push([o.owner, 0]);
    const onStack = new Set<Apply>([o.owner]);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      if (i < node.inputs.length) {
        top[1]++;
        const owner = node.inputs[i]!.owner;
        if (owner && !done.has(owner) && !onStack.has(owner)) {
          stack.push([owner, 0]);
          onStack.add(owner);
        }
      } else {
        stack.pop();
        onStack.delete(node);
        done.add(node);
        order.push(node);
      }
    }
  }
  return order;
}

/**
 * The leaves whose values ops among `nodes` need when they are lowered
 * (`Op.staticInputs`: a scan's n_steps, an alloc's lengths), through the
 * ops those values are computed by; a shape read needs only a shape, which
 * is known with the shapes, so the walk stops there, as it does at an op
 * computed on the host (its results are a later program's inputs, known
 * when that program is made: host-stage.ts).
 */
export function staticLeaves(nodes: Iterable<Apply>): TensorVariable[] {
  const leaves: TensorVariable[] = [];
  const seen = new Set<TensorVariable>();
  // depth first, operands in order, with an explicit stack: a length computed by a chain of 10,000 ops is deeper than the call stack
  const visit = (root: TensorVariable): void => {
    const stack = [root];
    while (stack.length) {
      const v = stack.pop()!;
      if (seen.has(v)) continue;
      seen.add(v);
      if (!v.owner) leaves.push(v);
      else if (v.owner.op.kind !== 'Shape' && !v.owner.op.dataDependentShape?.()) for (let k = v.owner.inputs.length - 1; k >= 0; k--) stack.push(v.owner.inputs[k]!);
    }
  };
  for (const node of nodes) for (const k of node.op.staticInputs?.(node) ?? []) visit(node.inputs[k]!);
  return leaves;
}

/** Leaves (variables with no owner) the outputs depend on. */
export function graphLeaves(outputs: readonly TensorVariable[]): TensorVariable[] {
  const seen = new Set<TensorVariable>();
  const leaves: TensorVariable[] = [];
  for (const o of outputs) if (!o.owner && !seen.has(o)) (seen.add(o), leaves.push(o));
  for (const node of toposort(outputs)) {
    for (const v of node.inputs) if (!v.owner && !seen.has(v)) (seen.add(v), leaves.push(v));
  }
  return leaves;
}
/** What `schedule` lowers: the graph from inputs to outputs, at concrete input shapes. */
export interface ScheduleOptions {
  /** Explicit inputs then shared variables: each gets a buffer. */
  readonly inputs: readonly TensorVariable[];
  /** The shape of each of `inputs`. */ readonly inputShapes: readonly (readonly number[])[];
  /** The variables to compute. */ readonly outputs: readonly TensorVariable[];
  /** Materialise every node output in its own buffer (DebugMode, NanGuardMode). */
  readonly keepAll?: boolean;
  /**
   * Values of the integer scalar inputs an op needs when it is lowered
   * (Scan's n_steps): kernels read them as constants, so a program made
   * with these values serves only calls with the same values.
   */
  readonly staticValues?: ReadonlyMap<TensorVariable, NDArray>;
  /** The optional kernels the backend runs (its `BackendInfo.kernels`): ops may emit these; none by default. */
  readonly kernels?: readonly OptionalKernel[];
  /**
   * Variables lowered, before the outputs, for the checks their ops make
   * of the shapes (the shape claims the rewrites may have folded out of the
   * outputs: shape-claims.ts); the kernels and constants only they need are
   * dropped, so a failed check raises before any kernel runs and a passed
   * one costs nothing.
   */
  readonly checks?: readonly TensorVariable[];
}

class Builder implements LowerContext {
  readonly buffers: BufferSpec[] = [];
  readonly steps: Step[] = [];
  readonly constants: { buffer: number; value: NDArray; draw?: Draw }[] = [];
  /** Inputs' and constants' buffers: no kernel writes them, and no output or update may take them. */
  readonly readOnly = new Set<number>();
  /** What the steps being made compute (`label`), or how to write it: most nodes make no step (views, shapes), and naming a constant formats its values. */
  #label: string | (() => string) = '';
  /** The label of the steps being made, for their profiles and messages: written when first asked. */
  get label(): string {
    if (typeof this.#label === 'function') this.#label = this.#label();
    return this.#label;
  }
  set label(label: string | (() => string)) {
    this.#label = label;
  }
  /** The node being lowered (none while copying outputs): the `nodes` of the steps it emits. */
  nodes: readonly Apply[] = [];
  /** `LowerContext.sort`: set only for a backend that runs sort kernels, so that ops see whether it does. */
  readonly sort?: (x: BufferView, axis: number, keep: number, descending: boolean) => BufferView;

  /** Each input's buffer and variable, and its position among the inputs (explicit, then shared). */
  readonly inputSlots = new Map<number, number>();
  readonly inputVariables = new Map<TensorVariable, number>();
  readonly indexChecks: (IndexCheck & { variable?: TensorVariable })[] = [];
  /** The nodes whose lowering asked for each check: whether it runs is what the outputs need of them (index-check-live.ts). */
  readonly checksAskedBy = new Map<object, Apply[]>();
  readonly indexFlags: IndexFlag[] = [];

  /** `LowerContext.scatterAdd`: set only for a backend that runs scatter-add kernels. */
  readonly scatterAdd?: (base: BufferView, values: TensorView, indices: BufferView, out: ScatterAccumulator) => BufferView;

  constructor(kernels: readonly OptionalKernel[] = []) {
    if (kernels.includes('sort')) this.sort = (x, axis, keep, descending) => this.sortKernel(x, axis, keep, descending);
    if (kernels.includes('scatterAdd')) this.scatterAdd = (base, values, indices, out) => this.scatterAddKernel(base, values, indices, out);
  }

  newBuffer(dtype: DType, size: number): number {
    this.buffers.push({ dtype, size: Math.max(size, 0) });
    return this.buffers.length - 1;
  }

  /** The kernels made so far, one object per `kernelKey` (see `push`). */
  readonly #kernels = new Map<string, Kernel>();

  /**
   * A step running `kernel`, or the object of an equal kernel made before:
   * a scan's first step is lowered apart from the step replayed for the
   * others (its initial states are no buffers the loop made), and a
   * gradient's scan, or two parameters' updates, lower some kernels alike.
   * As twins (equal, not one object) they would each be worked on by the
   * program passes, whose memos know kernels by object, and keyed again by
   * the compile cache.
   */
  private push(kernel: Kernel, inputs: number[], output: number): void {
    // a kernel of no elements writes nothing: its empty buffer is the value
    if (kernelOutputSize(kernel) === 0) return;
    const key = kernelKey(kernel);
    const k = this.#kernels.get(key) ?? kernel;
    if (k === kernel) this.#kernels.set(key, kernel);
    this.steps.push({ kernel: k, inputs, output, label: this.label, nodes: this.nodes });
  }

  private loads(views: readonly TensorView[], strideOf: (v: BufferView) => number[]): { exprs: ScalarExpr[]; buffers: number[]; dtypes: DType[] } {
    const buffers: number[] = [];
    const dtypes: DType[] = [];
    const exprs = views.map((v): ScalarExpr => {
      if (v.kind === 'scalar') return { kind: 'const', value: castScalar(v.value, v.dtype), dtype: v.dtype };
      let i = buffers.indexOf(v.buffer);
      if (i < 0) {
        buffers.push(v.buffer);
        dtypes.push(v.dtype);
        i = buffers.length - 1;
      }
      const load: LoadExpr = { kind: 'load', input: i, strides: strideOf(v), offset: v.offset, dtype: v.dtype };
      return load;
    });
    return { exprs, buffers, dtypes };
  }

  elementwise(shape: readonly number[], out: DType, inputs: readonly TensorView[], build: (loads: ScalarExpr[]) => ScalarExpr): BufferView {
    const { exprs, buffers, dtypes } = this.loads(inputs, (v) => broadcastStrides(v.shape, v.strides, shape));
    const buffer = this.newBuffer(out, sizeOf(shape));
    this.push({ kind: 'elementwise', shape: [...shape], inputs: dtypes, out, expr: build(exprs) }, buffers, buffer);
    return { kind: 'buffer', buffer, dtype: out, shape: [...shape], strides: contiguousStrides(shape), offset: 0 };
  }

  indexed(shape: readonly number[], out: DType, sources: readonly TensorView[], build: (at: At, index: (d: number) => ScalarExpr) => ScalarExpr): BufferView {
    const buffers: number[] = [];
    const dtypes: DType[] = [];
    const slot = (buffer: number, dtype: DType): number => {
      let i = buffers.indexOf(buffer);
      if (i < 0) i = buffers.push(buffer) - 1;
      dtypes[i] = dtype;
      return i;
    };
    // the loop counter each `index(d)` load is: a read at counters and constants is a load (affine-read.ts)
    const counters = new Map<ScalarExpr, number>();
    const at: At = (k, indices) => {
      const v = sources[k]!;
      if (v.kind === 'scalar') return { kind: 'const', value: castScalar(v.value, v.dtype), dtype: v.dtype };
      return readAt(v, indices, counters, shape.length, slot(v.buffer, v.dtype), this.buffers[v.buffer]!.size);
    };
    // i along d is a load of 0, 1, ..., shape[d] - 1: the IR has loads, not loop counters
    const index = (d: number): ScalarExpr => {
      const n = shape[d]!;
      if (n <= 1) return ix.int(0);
      const strides = shape.map((_, e) => (e === d ? 1 : 0));
      const counter: LoadExpr = { kind: 'load', input: slot(this.range(n).buffer, 'int32'), strides, offset: 0, dtype: 'int32' };
      return counters.set(counter, d), counter;
    };
    const built = unusedInputsDropped(build(at, index), buffers, dtypes);
    const buffer = this.newBuffer(out, sizeOf(shape));
    this.push({ kind: 'elementwise', shape: [...shape], inputs: built.dtypes, out, expr: built.expr }, built.buffers, buffer);
    return { kind: 'buffer', buffer, dtype: out, shape: [...shape], strides: contiguousStrides(shape), offset: 0 };
  }

  private sortKernel(x: BufferView, axis: number, keep: number, descending: boolean): BufferView {
    const n = x.shape[axis];
    if (n === undefined || !Number.isInteger(keep) || keep < 1 || keep > n) {
      throw new RangeError(`${this.label}: a sort keeps 1 to ${n ?? 'the axis length'} positions of each line along axis ${axis} of shape ${shapeToString(x.shape)}; got ${keep}`);
    }
    const shape = x.shape.map((s, d) => (d === axis ? keep : s));
    const buffer = this.newBuffer('int32', sizeOf(shape));
    // a length-1 dimension is never stepped along: stride 0 there, so that sorts differing only in such a stride share code
    const strides = x.shape.map((s, d) => (s === 1 ? 0 : x.strides[d]!));
    this.push({ kind: 'sort', shape: [...x.shape], axis, keep, descending, inputs: [x.dtype], strides, offset: x.offset, out: 'int32' }, [x.buffer], buffer);
    return { kind: 'buffer', buffer, dtype: 'int32', shape, strides: contiguousStrides(shape), offset: 0 };
  }

  private scatterAddKernel(base0: BufferView, values0: TensorView, indices: BufferView, out: ScatterAccumulator): BufferView {
    const shape = [...base0.shape];
    const [K, ...rest] = [indices.shape[0]!, ...shape.slice(1)];
    if (indices.shape.length !== 1 || indices.dtype !== 'int32' || !shape.length) {
      throw new TypeError(`${this.label}: a scatter-add takes an int32 vector of indices into the rows of a base of rank >= 1; got indices of shape ${shapeToString(indices.shape)} (${indices.dtype}) and a base of shape ${shapeToString(shape)}`);
    }
    const row = sizeOf(rest);
    // the base: contiguous (stride 1), or one value everywhere (stride 0: a gradient's zeros cost no copy)
    let base = base0;
    const everywhere = base.shape.every((n, d) => n === 1 || base.strides[d] === 0);
    if (!everywhere && !isContiguousOver(base.shape, base.strides)) base = this.copy(base);
    // the values: row k at offset + k * s0, element r of a row at + r * s1 (0: broadcast, 1: contiguous); else a copy
    let values: BufferView = values0.kind === 'scalar' ? (this.constant(fill([1], values0.dtype, () => values0.value)) as BufferView) : values0;
    let strides = broadcastStrides(values.shape, values.strides, [K, ...rest]);
    let rowStride = flatStride(rest, strides.slice(1));
    if (rowStride === undefined) {
      values = this.copy({ ...values, shape: [K, ...rest], strides });
      strides = contiguousStrides([K, ...rest]);
      rowStride = row === 1 ? 0 : 1;
    }
    const buffer = this.newBuffer(out, sizeOf(shape));
    this.push(
      {
        kind: 'scatterAdd',
        shape,
        count: K,
        inputs: [base.dtype, values.dtype, 'int32'],
        base: { offset: base.offset, stride: everywhere ? 0 : 1 },
        values: { offset: values.offset, strides: [K === 1 ? 0 : strides[0]!, row === 1 ? 0 : rowStride] },
        indices: { offset: indices.offset, stride: K === 1 ? 0 : indices.strides[0]! },
        out,
      },
      [base.buffer, values.buffer, indices.buffer],
      buffer,
    );
    return { kind: 'buffer', buffer, dtype: out, shape, strides: contiguousStrides(shape), offset: 0 };
  }

  readonly #ranges = new Map<number, BufferView>();
  range(n: number): BufferView {
    let b = this.#ranges.get(n);
    if (!b) {
      const value = NDArray.zeros([n], 'int32');
      for (let i = 0; i < n; i++) value.data[i] = i;
      // a view even for n = 1 (constant() inlines only 0-d values)
      b = this.constant(value) as BufferView;
      this.#ranges.set(n, b);
    }
    return b;
  }

  reduce(req: ReduceRequest): BufferView {
    const { shape, axes } = req;
    const keep = shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const outShape = keep.map((d) => shape[d]!);
    const reduceShape = axes.map((d) => shape[d]!);
    const order = [...keep, ...axes];
    const { exprs, buffers, dtypes } = this.loads(req.inputs, (v) => {
      const s = broadcastStrides(v.shape, v.strides, shape);
      return order.map((d) => s[d]!);
    });
    const buffer = this.newBuffer(req.out, sizeOf(outShape));
    this.push(
      { kind: 'reduce', shape: outShape, reduceShape, reducer: req.reducer, inputs: dtypes, acc: req.acc, out: req.out, expr: req.build(exprs) },
      buffers,
      buffer,
    );
    return { kind: 'buffer', buffer, dtype: req.out, shape: outShape, strides: contiguousStrides(outShape), offset: 0 };
  }

  dot(a0: TensorView, b0: TensorView, out: DType, acc: DType): BufferView {
    let a = this.asBuffer(a0);
    let b = this.asBuffer(b0);
    // the leading axes of a (and b's batch axes) are read as one: with strides of the flattened layout, since
    // a contiguous view may carry any stride on a length-1 axis (a dimshuffled (1, 3, 1) is (3, 1, 1) with strides (1, 3, 1))
    if (a.shape.length > 2) a = isContiguous(a) ? { ...a, strides: contiguousStrides(a.shape) } : this.contiguous(a);
    if (b.shape.length > 3) b = isContiguous(b) ? { ...b, strides: contiguousStrides(b.shape) } : this.contiguous(b);
    const K = a.shape[a.shape.length - 1]!;
    const M = sizeOf(a.shape.slice(0, -1));
    const aM = a.shape.length >= 2 ? a.strides[a.shape.length - 2]! : 0;
    const aK = a.strides[a.shape.length - 1]!;
    let B = 1;
    let N = 1;
    let bB = 0;
    let bK: number;
    let bN = 0;
    if (b.shape.length === 1) bK = b.strides[0]!;
    else {
      const nd = b.shape.length;
      N = b.shape[nd - 1]!;
      B = sizeOf(b.shape.slice(0, -2));
      bK = b.strides[nd - 2]!;
      bN = b.strides[nd - 1]!;
      bB = nd > 2 ? (nd === 3 ? b.strides[0]! : b.strides[nd - 3]!) : 0;
    }
    const outShape = [...a.shape.slice(0, -1), ...b.shape.slice(0, -2), ...(b.shape.length >= 2 ? b.shape.slice(-1) : [])];
    // a is shared by every batch entry of b; the output is (m, batch, n), numpy.dot's order
    return this.matmul(a, b, { batch: B, m: M, n: N, k: K }, [0, aM, aK], [bB, bK, bN], [N, B * N, 1], outShape, out, acc);
  }

  batchedMatmul(a0: TensorView, b0: TensorView, out: DType, acc: DType): BufferView {
    const a = this.asBuffer(a0);
    const b = this.asBuffer(b0);
    const [B, M, K] = a.shape as [number, number, number];
    const N = b.shape[2]!;
    // a length-1 axis is never stepped along: stride 0 there, so that kernels differing only in such a stride share code
    const along = (v: BufferView): [number, number, number] => [0, 1, 2].map((d) => (v.shape[d] === 1 ? 0 : v.strides[d]!)) as [number, number, number];
    return this.matmul(a, b, { batch: B, m: M, n: N, k: K }, along(a), along(b), [M * N, N, 1], [B, M, N], out, acc);
  }

  /** One matmul kernel over a and b read through (batch, row, column) strides, into a new buffer viewed as `shape` (C order). */
  private matmul(
    a: BufferView,
    b: BufferView,
    dims: { batch: number; m: number; n: number; k: number },
    aStrides: readonly [number, number, number],
    bStrides: readonly [number, number, number],
    outStrides: readonly [number, number, number],
    shape: number[],
    out: DType,
    acc: DType,
  ): BufferView {
    const buffer = this.newBuffer(out, dims.batch * dims.m * dims.n);
    this.push(
      { kind: 'matmul', ...dims, inputs: [a.dtype, b.dtype], acc, out, a: { strides: aStrides, offset: a.offset }, b: { strides: bStrides, offset: b.offset }, outStrides },
      [a.buffer, b.buffer],
      buffer,
    );
    return { kind: 'buffer', buffer, dtype: out, shape, strides: contiguousStrides(shape), offset: 0 };
  }

  private asBuffer(v: TensorView): BufferView {
    return v.kind === 'buffer' ? v : this.contiguous(v);
  }

  /** Whether a view is its whole buffer, in C order: what a caller reading the buffer back gets (a window from offset 0 is not). */
  isWhole(v: BufferView): boolean {
    return v.offset === 0 && isContiguous(v) && sizeOf(v.shape) === this.buffers[v.buffer]!.size;
  }

  contiguous(v: TensorView): BufferView {
    if (v.kind === 'buffer' && v.offset === 0 && isContiguous(v)) return { ...v, strides: contiguousStrides(v.shape) };
    return this.copy(v);
  }

  copy(v: TensorView): BufferView {
    return this.elementwise(v.shape, v.dtype, [v], (l) => l[0]!);
  }

  constant(value: NDArray): TensorView {
    if (value.ndim === 0) return { kind: 'scalar', value: value.data[0]!, dtype: value.dtype, shape: [] };
    const buffer = this.newBuffer(value.dtype, value.size);
    this.constants.push({ buffer, value });
    this.readOnly.add(buffer);
    return { kind: 'buffer', buffer, dtype: value.dtype, shape: [...value.shape], strides: contiguousStrides(value.shape), offset: 0 };
  }

  mark(): LowerMark {
    return { buffers: this.buffers.length, steps: this.steps.length, constants: this.constants.length };
  }

  replay(from: LowerMark, to: LowerMark, substitute: ReadonlyMap<number, number>): (buffer: number) => number {
    const shared = new Set<number>();
    for (let c = from.constants; c < to.constants; c++) shared.add(this.constants[c]!.buffer);
    // the buffers made there, in the order they were made: a lowering of the same step would number them alike
    const made = new Map<number, number>();
    for (let b = from.buffers; b < to.buffers; b++) if (!shared.has(b)) made.set(b, this.newBuffer(this.buffers[b]!.dtype, this.buffers[b]!.size));
    const where = (b: number): number => made.get(b) ?? substitute.get(b) ?? b;
    for (let i = from.steps; i < to.steps; i++) {
      const s = this.steps[i]!;
      this.steps.push({ kernel: s.kernel, inputs: s.inputs.map(where), output: where(s.output), label: s.label, nodes: s.nodes });
    }
    return replayFlags(this, from, to, where);
  }

  checkIndex(idx: TensorView, n: number, xShape: readonly number[], describe: IndexErrorText, variable?: TensorVariable, nonNegative = false, guard?: IndexGuard): void {
    const at = { n, xShape: [...xShape], describe, ...(nonNegative ? { nonNegative } : {}) };
    if (guard) return checkGuarded(this, idx, n, at.xShape, describe, variable, nonNegative, guard); // a read some steps compute: index-check-device.ts
    if (idx.kind === 'scalar') return runIndexCheck({ ...at, shape: [], strides: [], offset: 0 }, [idx.value]);
    const view = { ...at, shape: [...idx.shape], strides: [...idx.strides], offset: idx.offset };
    const input = this.inputSlots.get(idx.buffer);
    if (input !== undefined) {
      // the same index checked against the same axis twice (a gather and its gradient's scatter; a loss's labels, then its gather) is checked once, by a check at least as strict
      const same = this.indexChecks.find((c) => c.input === input && c.n === n && (c.nonNegative || !nonNegative) && c.offset === view.offset && sameList(c.shape, view.shape) && sameList(c.strides, view.strides));
      if (!same) this.indexChecks.push({ ...view, input, ...(variable ? { variable } : {}) });
      return askedBy(this.checksAskedBy, same ?? this.indexChecks[this.indexChecks.length - 1]!, this.nodes);
    }
    // a constant is checked now
    const c = this.constants.find((k) => k.buffer === idx.buffer && !k.draw);
    if (c) return runIndexCheck(view, c.value.data);
    // a value kernels compute, where it is cheap to find again on the host from the call's values; else a kernel checks it
    const same = variable && this.indexChecks.find((k) => k.variable === variable && k.n === n && (k.nonNegative || !nonNegative));
    const host = variable && !same ? hostIndexValues(variable, this.inputVariables) : undefined;
    if (host) this.indexChecks.push({ ...view, strides: contiguousStrides(view.shape), offset: 0, input: -1, ...host, variable });
    if (same || host) return askedBy(this.checksAskedBy, same || this.indexChecks[this.indexChecks.length - 1]!, this.nodes);
    checkOnDevice(this, idx, n, at.xShape, describe, variable, nonNegative);
  }

  stepValues: LowerContext['stepValues'];
  lowered: LowerContext['lowered'];

  readonly constantData = (v: BufferView): ArrayLike<number> | undefined => this.constants.find((k) => k.buffer === v.buffer && !k.draw)?.value.data;

  readonly checkWindow: LowerContext['checkWindow'] = (...args) => addWindowCheck(this, ...args);
  readonly #drawn = new Map<Draw, BufferView>();
  drawn(shape: readonly number[], dtype: DType, draw: Draw): BufferView {
    let v = this.#drawn.get(draw);
    if (!v) {
      const value = NDArray.zeros([...shape], dtype);
      const buffer = this.newBuffer(dtype, value.size);
      this.constants.push({ buffer, value, draw });
      this.readOnly.add(buffer);
      v = { kind: 'buffer', buffer, dtype, shape: [...shape], strides: contiguousStrides(shape), offset: 0 };
      this.#drawn.set(draw, v);
    } else if (v.shape.length !== shape.length || v.shape.some((n, d) => n !== shape[d])) {
      // one buffer holds the draw's single sample per call: a second size would read the first one's buffer
      throw new Error(
        `${this.label}: one random variable is drawn with two sizes in one function, ${shapeToString(v.shape)} and ${shapeToString(shape)}; ` +
          `a copy of its graph (cloneReplace, givens) changed its size while the original is used too. Make a second random variable for the second size.`,
      );
    }
    return v;
  }
}

/**
 * A scalar computed from values the schedule knows (constants and static
 * inputs), such as a scan's n_steps of `k + 1` or Theano's
 * `ceil(n / bs)`: computed here by the ops' reference, so that an op
 * needing the value sees it.
 */
export function foldStatic(node: Apply, ins: readonly TensorView[]): TensorView[] | undefined {
  if (!ins.length || !ins.every((v) => v.kind === 'scalar') || node.op.varies?.()) return undefined;
  if (!node.outputs.every((o) => o.ndim === 0)) return undefined;
  const values = ins.map((v) => fill([], v.dtype, () => (v as { value: number }).value));
  return node.op.perform(values, node).map((r) => ({ kind: 'scalar', value: r.data[0]!, dtype: r.dtype, shape: [] }));
}

/**
 * The one stride s with which element r (C order) of `shape` sits at r * s
 * given per-dimension `strides` (0 where every element is the same one),
 * or undefined when there is none.
 */
function flatStride(shape: readonly number[], strides: readonly number[]): number | undefined {
  const steps = shape.map((n, d) => (n === 1 ? 0 : strides[d]!));
  if (steps.every((s) => s === 0)) return 0;
  let at = 1;
  let s: number | undefined;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1) {
      if (s === undefined) s = steps[d]!;
      if (steps[d] !== s * at) return undefined;
    }
    at *= shape[d]!;
  }
  return s;
}

/** Lower a graph to a program for the given input shapes. */
export function schedule(opts: ScheduleOptions): Program {
  const b = new Builder(opts.kernels);
  const views = new Map<TensorVariable, TensorView>();
  b.lowered = (v) => views.get(v);
  const inputBuffers: number[] = [];
  const readOnly = b.readOnly;
  opts.inputs.forEach((v, i) => {
    const shape = [...opts.inputShapes[i]!];
    const buffer = b.newBuffer(v.dtype, sizeOf(shape));
    inputBuffers.push(buffer);
    b.inputSlots.set(buffer, i);
    b.inputVariables.set(v, i);
    readOnly.add(buffer);
    const known = opts.staticValues?.get(v);
    if (known && known.ndim === 0) views.set(v, { kind: 'scalar', value: known.data[0]!, dtype: v.dtype, shape: [] });
    else views.set(v, { kind: 'buffer', buffer, dtype: v.dtype, shape, strides: contiguousStrides(shape), offset: 0 });
  });
  const viewOf = (v: TensorVariable): TensorView => {
    const have = views.get(v);
    if (have) return have;
    if (v instanceof TensorConstant) {
      const c = b.constant(v.value);
      views.set(v, c);
      return c;
    }
    throw new Error(
      `Missing input: ${v.toString()} of type ${v.type} is needed to compute the outputs but is not an input of the function ` +
        `(add it to the inputs, or give it a value with givens).`,
    );
  };
  const nodeValues = new Map<TensorVariable, { buffer: number; shape: number[] }>();
  const checks = opts.checks ?? [];
  // nodes only the checks need: what they make is dropped below
  const outputOrder = toposort(opts.outputs);
  const outputNodes = checks.length ? new Set(outputOrder) : null;
  const checkOnly = new Set<Apply>();
  const checkConstants = new Set<number>();
  const checkIndexChecks = new Set<object>();
  for (const node of checks.length ? toposort([...checks, ...opts.outputs]) : outputOrder) {
    const forCheck = outputNodes !== null && !outputNodes.has(node);
    const [constants0, indexChecks0, flags0] = [b.constants.length, b.indexChecks.length, b.indexFlags.length];
    b.label = () => `${node.op.toString()}(${node.inputs.map((v) => v.toString()).join(', ')})`;
    b.nodes = [node];
    const ins = node.inputs.map(viewOf);
    const shapes = node.op.inferShape(
      ins.map((v) => v.shape),
      node,
    );
    let outs = foldStatic(node, ins) ?? node.op.lower(b, ins, node);
    outs.forEach((o, i) => {
      const want = shapes[i]!;
      // a dimension only a value decides (a scan's steps) is null here
      if (o.shape.length !== want.length || o.shape.some((d, k) => want[k] !== null && d !== want[k])) {
        throw new Error(`${node.op.toString()}: lowering produced shape ${shapeToString(o.shape)}, expected ${shapeToString(want)}`);
      }
    });
    if (forCheck) {
      checkOnly.add(node);
      for (let c = constants0; c < b.constants.length; c++) checkConstants.add(b.constants[c]!.buffer);
      for (const c of [...b.indexChecks.slice(indexChecks0), ...b.indexFlags.slice(flags0)]) checkIndexChecks.add(c);
    } else if (opts.keepAll) {
      const kept = outs.map((o) => (o.kind === 'buffer' && b.isWhole(o) && !readOnly.has(o.buffer) ? o : b.copy(o)));
      kept.forEach((o, i) => nodeValues.set(node.outputs[i]!, { buffer: o.buffer, shape: [...o.shape] }));
      // a value the schedule knows (a folded n_steps, a shape) stays a constant for the ops that need it
      outs = outs.map((o, i) => (o.kind === 'scalar' ? o : kept[i]!));
    }
    outs.forEach((o, i) => views.set(node.outputs[i]!, o));
  }
  // Outputs get buffers of their own: never an input, a constant, or another output.
  const claimed = new Set<number>();
  const outputs = opts.outputs.map((v) => {
    b.label = `output ${v.toString()}`;
    b.nodes = [];
    const view = viewOf(v);
    let o: BufferView;
    if (view.kind === 'buffer' && b.isWhole(view) && !readOnly.has(view.buffer) && !claimed.has(view.buffer)) o = view;
    else o = b.copy(view);
    claimed.add(o.buffer);
    return { buffer: o.buffer, shape: [...o.shape] };
  });
  let [steps, constants, indexChecks] = [b.steps, b.constants, b.indexChecks];
  if (checkOnly.size) {
    // a step of an output copy has no nodes; the checks' nodes compute nothing an output reads
    steps = steps.filter((st) => !(st.nodes?.length && st.nodes.every((n) => checkOnly.has(n))));
    const read = new Set(steps.flatMap((st) => st.inputs));
    constants = constants.filter((c) => !checkConstants.has(c.buffer) || read.has(c.buffer));
    indexChecks = indexChecks.filter((c) => !checkIndexChecks.has(c));
  }
  const need = indexChecks.length || b.indexFlags.length ? outputNeeds(opts.outputs, outputOrder) : new Map<Apply, never>();
  if (indexChecks.length) indexChecks = liveIndexChecks(indexChecks, b.checksAskedBy, need);
  const indexFlags = flagOutputs(b.indexFlags.filter((f) => !checkIndexChecks.has(f)), b.checksAskedBy, need, outputs);
  return { buffers: b.buffers, steps, inputBuffers, constants, outputs, nodeValues, ...(indexChecks.length ? { indexChecks } : {}), ...(indexFlags.length ? { indexFlags } : {}) };
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
