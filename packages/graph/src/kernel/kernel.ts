/**
 * The kernel IR: what backends receive. A program is a list of kernels over
 * numbered buffers. Shapes are concrete (a compiled function specialises its
 * schedule on the shapes of its inputs), indexing is explicit (every load
 * carries strides over the kernel's iteration space), and scalar math is the
 * closed set in `scalar.ts`. Kernels are plain data, so a backend can cache
 * compiled code by `kernelKey(kernel)` (JSON, keeping infinities, NaN and -0).
 */
import type { DType } from '../core/dtype.js';
import type { ScalarOpName } from '../core/scalar.js';
import type { Apply } from '../core/op.js';
import { contiguousStrides } from '../core/ndarray.js';

/** Read input `input` at offset + sum(index[d] * strides[d]) over the kernel's iteration dimensions. */
export interface LoadExpr {
  /** Discriminant: a strided read. */
  readonly kind: 'load';
  /** Index of the kernel input (its launch input) read. */
  readonly input: number;
  /** Elements to step per step of each iteration dimension (0 broadcasts; one per dimension of the kernel's iteration space). */
  readonly strides: readonly number[];
  /** Element read at the origin of the iteration space. */
  readonly offset: number;
  /** The input's dtype, as in the kernel's `inputs`. */
  readonly dtype: DType;
}

/** A constant: `value` is already a value of `dtype` (`castScalar(value, dtype)` leaves it as it is). */
export interface ConstExpr {
  /** Discriminant: a constant. */
  readonly kind: 'const';
  /** The value (may be NaN, an infinity or -0). */
  readonly value: number;
  /** The constant's dtype. */
  readonly dtype: DType;
}

/**
 * Apply a scalar op. Arguments are first converted to `computeDType` (for
 * comparisons, the promoted operand dtype), the result is of `dtype`
 * (wrapped/rounded as storing it into that dtype would). The exception is
 * the condition of `switch` (its first argument): it is never converted,
 * and is tested in its own dtype with NumPy's truthiness (only zeros are
 * false, NaN is true), so a float32 condition of 0.5 or NaN picks the
 * first of two int8 branches; `computeDType` is the branches' promoted
 * dtype. In terms of the reference semantics of `scalar.ts` and
 * `dtype.ts`: `castScalar(SCALAR_OPS[op].impl(args, dtype, computeDType),
 * dtype)`, with every argument but that condition `castScalar(arg,
 * computeDType)`.
 */
export interface ApplyExpr {
  /** Discriminant: a scalar op applied. */
  readonly kind: 'apply';
  /** The scalar op (`SCALAR_OPS`), whose arity `args` matches. */
  readonly op: ScalarOpName;
  /** The operands, in the op's order. */
  readonly args: readonly ScalarExpr[];
  /** The dtype the operands are converted to before the op (see above for `switch`). */
  readonly computeDType: DType;
  /** The result's dtype. */
  readonly dtype: DType;
}

/**
 * The reduced value, inside an epilogue only: what the reduction or the
 * dot product yields for this output element, converted to `dtype` (the
 * epilogue's `value`).
 */
export interface ReducedExpr {
  /** Discriminant: the reduced value. */
  readonly kind: 'reduced';
  /** The epilogue's `value` dtype. */
  readonly dtype: DType;
}

/**
 * Read input `input` at the element `index` computes: indexing with values
 * known only at run time (an integer index, a gather, a concatenation).
 * `index` is an int32 expression whose value the kernel keeps within the
 * input buffer (0 <= index < its size), on every element, whichever branch
 * of a switch uses the value. Elementwise kernels gather, and reduce
 * kernels on a backend that declares it (`BackendInfo.gathers.inReductions`);
 * never an epilogue. Any part of their expression may: the optimizer
 * inlines a gathering kernel into the kernels that read it, so a gather may sit anywhere in an
 * arithmetic expression, next to other gathers and loads, and its index
 * may read loads at any strides (a broadcast or transposed read of the
 * gathered values) and gathers of its own.
 */
export interface GatherExpr {
  /** Discriminant: an indexed read. */
  readonly kind: 'gather';
  /** Index of the kernel input read (read as a flat, contiguous array). */
  readonly input: number;
  /** The flat element to read, an int32 expression within [0, size). */
  readonly index: ScalarExpr;
  /** The input's size in elements: every index is below it (a backend that copies inputs knows how much to copy). */
  readonly size: number;
  /** The input's dtype. */
  readonly dtype: DType;
}

/** A node of a kernel's scalar expression: what every output element computes. */
export type ScalarExpr = LoadExpr | ConstExpr | ApplyExpr | ReducedExpr | GatherExpr;

/** out[i] = expr(i) for every multi-index i of `shape`; the output is C-contiguous. */
export interface ElementwiseKernel {
  /** `'elementwise'`: which kind of kernel this is, what a backend switches on to render it. */
  readonly kind: 'elementwise';
  /** The iteration space, which is the output's shape. */
  readonly shape: readonly number[];
  /** The dtype of each input buffer, in launch order. */
  readonly inputs: readonly DType[];
  /** The output's dtype (`expr`'s value is stored into it). */
  readonly out: DType;
  /** What each output element computes. */
  readonly expr: ScalarExpr;
}

/** A reduction's fold (`T.sum`, `T.argmax`, ...); see {@link ReduceKernel}. */
export type Reducer = 'sum' | 'prod' | 'max' | 'min' | 'mean' | 'any' | 'all' | 'argmax' | 'argmin';

/**
 * An elementwise expression applied to each reduced value (a sum, a dot
 * product) before it is stored: a bias and an activation after a matmul, a
 * momentum update of a gradient's sum. Fused so that the reduced values
 * never go through memory. Its loads carry strides over the kernel's
 * output space (`shape` of a reduce kernel, (batch, m, n) of a matmul);
 * its `reduced` leaves are the reduced value converted to `value`. The
 * kernel stores `expr` into `out`, as an elementwise kernel stores its
 * expression.
 */
export interface Epilogue {
  /** The dtype the reduced value is converted to, which `reduced` leaves have. */
  readonly value: DType;
  /** What each output element stores, in the kernel's `out` dtype. */
  readonly expr: ScalarExpr;
}

/**
 * out[i] = reduce over j of expr(i, j): the iteration space is
 * `[...shape, ...reduceShape]`, loads carry strides over all of it; the
 * output (shape `shape`) is C-contiguous. `acc` is the accumulator dtype:
 * each value of `expr` is converted to it, the fold starts from
 * `reduceIdentity(reducer, acc)` (what an empty `reduceShape` yields;
 * mean's 0 / 0 is NaN) and each step is stored into `acc` as `castScalar`
 * stores; mean divides the sum by the number of elements of
 * `reduceShape`; max and min propagate NaN. argmax/argmin compare in
 * `acc` and yield the flat index within `reduceShape` of the first
 * extreme, or of the first NaN where there is one. That is the reference;
 * a float fold may go in any order, and a device without float64 may
 * accumulate in float32 (as WebGPU does): the conformance tolerances
 * allow for both.
 * With an `epilogue`, out[i] = epilogue(reduced(i), i). A backend that
 * gains nothing from running an epilogue in the same kernel may run it as
 * a second one (`splitEpilogue`).
 */
export interface ReduceKernel {
  /** `'reduce'`: which kind of kernel this is, what a backend switches on to render it. */
  readonly kind: 'reduce';
  /** The output's shape (the kept dimensions). */
  readonly shape: readonly number[];
  /** The reduced dimensions, iterated after `shape`'s. */
  readonly reduceShape: readonly number[];
  /** What the kernel computes over `reduceShape` (`sum`, `max`, `argmax`, ...): the fold a backend renders. */
  readonly reducer: Reducer;
  /** The dtype of each input buffer, in launch order. */
  readonly inputs: readonly DType[];
  /** The accumulator's dtype. */
  readonly acc: DType;
  /** The output's dtype (int64 for argmax/argmin). */
  readonly out: DType;
  /** The value folded at each point of the iteration space. */
  readonly expr: ScalarExpr;
  /** Applied to each reduced value before it is stored. */
  readonly epilogue?: Epilogue;
}

/** Strides over (batch, row, column) of one matmul operand or of the output. */
export interface MatmulOperand {
  /** Elements per step of batch, row and column. */
  readonly strides: readonly [number, number, number];
  /** Element at (0, 0, 0). */
  readonly offset: number;
}

/**
 * out[b, m, n] = sum over k of a[b, m, k] * b[b, k, n], accumulated in `acc`,
 * for b < batch: the operands are converted to `acc`, and each product and
 * each partial sum is stored into it (an integer product wraps as NumPy's:
 * int32 and uint32 products keep their exact low 32 bits, as
 * `SCALAR_OPS.mul` computes them; a float sum, as a reduction's, may go
 * in any order and in float32 on a device without float64). Transposed
 * operands are just other strides. The output buffer is addressed
 * through `outStrides` and is written completely.
 * Inputs 0 and 1 are the operands; with an `epilogue` (gemm's
 * `alpha * A B + beta * C`, a bias and an activation), out[b, m, n] =
 * epilogue(dot(b, m, n), (b, m, n)), its loads reading inputs 0, 1 or
 * further ones, and the output is C-contiguous over (batch, m, n).
 */
export interface MatmulKernel {
  /** `'matmul'`: which kind of kernel this is, what a backend switches on to render it. */
  readonly kind: 'matmul';
  /** Number of independent products. */
  readonly batch: number;
  /** Rows of a and of the output. */
  readonly m: number;
  /** Columns of b and of the output. */
  readonly n: number;
  /** Columns of a, rows of b: the length summed over. */
  readonly k: number;
  /** The operands' dtypes, then those of further inputs an epilogue reads. */
  readonly inputs: readonly [DType, DType, ...DType[]];
  /** The accumulator's dtype. */
  readonly acc: DType;
  /** The output's dtype. */
  readonly out: DType;
  /** How input 0, (batch, m, k), is addressed. */
  readonly a: MatmulOperand;
  /** How input 1, (batch, k, n), is addressed. */
  readonly b: MatmulOperand;
  /** Output elements per step of batch, row and column. */
  readonly outStrides: readonly [number, number, number];
  /** Applied to each dot product before it is stored. */
  readonly epilogue?: Epilogue;
}

/**
 * A library kernel, optional: only a backend whose `BackendInfo.kernels`
 * lists `'sort'` receives it (the others get a sorting network of
 * elementwise kernels instead). For each line of input 0 along `axis`
 * (the input read at offset + sum(index[d] * strides[d]) over `shape`),
 * the stable sorting permutation of the line, its first `keep` positions:
 * out[..., p, ...] is the position along the axis of the line's p-th
 * element in NumPy's order, ascending with NaN last or, `descending`,
 * NaN first; -0 equals 0 and equal values keep their input order (NaNs
 * among themselves too). The output (shape `shape` with `axis` cut to
 * `keep`, 1 <= keep <= its length) is int32 and C-contiguous; the values
 * come from a gather through it. One kernel per sort, however the backend
 * sorts: a sort's writes depend on the data, and the only other kernel whose
 * writes do is `ScatterAddKernel`, which no sort is made of.
 */
export interface SortKernel {
  /** `'sort'`: which kind of kernel this is, what a backend switches on to render it. */
  readonly kind: 'sort';
  /** The input's shape as read. */
  readonly shape: readonly number[];
  /** The dimension sorted along. */
  readonly axis: number;
  /** How many leading positions of each sorted line are written (a top-k keeps k). */
  readonly keep: number;
  /** Largest first (NaN first) instead of smallest first (NaN last). */
  readonly descending: boolean;
  /** The dtype of the values sorted. */
  readonly inputs: readonly [DType];
  /** Input elements per step of each dimension of `shape`. */
  readonly strides: readonly number[];
  /** Input element at the origin. */
  readonly offset: number;
  /** Always int32: the output holds positions along `axis`. */
  readonly out: 'int32';
}

/** The dtypes a scatter-add accumulates in: the 32- and 64-bit ones a narrower dtype widens to. */
export type ScatterAccumulator = 'float32' | 'float64' | 'int32' | 'uint32' | 'int64';

/**
 * A library kernel, optional: only a backend whose `BackendInfo.kernels`
 * lists `'scatterAdd'` receives it (the others get a stable sort of the
 * indices, a binary search per row and a segmented scan instead:
 * AdvancedIncSubtensor1's lowering). The output, C-contiguous of shape
 * `shape` (rows `shape[0]`, each of `row` = product of `shape[1:]`
 * elements) and of dtype `out`, the accumulator, is
 *
 *     out[j, r] = base[j, r] + sum over k < count with row(k) = j of values[k, r]
 *
 * where, for the flat position r within a row (C order over `shape[1:]`),
 * base[j, r] is input 0 at `base.offset + (j * row + r) * base.stride`
 * (stride 1: a contiguous array, 0: one value everywhere), values[k, r]
 * is input 1 at `values.offset + k * values.strides[0] + r *
 * values.strides[1]` (a stride of 0 broadcasts), and row(k) is input 2
 * (int32) at `indices.offset + k * indices.stride`, counted from the end
 * when negative (i + rows) and then clamped into [0, rows), as
 * AdvancedIncSubtensor1's other lowering wraps indices. Every term is
 * converted to `out` first and each addition is stored into `out` (an
 * integer sum wraps, so a narrower integer result, converted back,
 * equals its own wrapping sum; float16 accumulates in float32). A float
 * sum is better taken as a row's increments summed first, then added to
 * its base once, as AdvancedIncSubtensor1's perform and its other
 * lowering do (the CPU sums them in float64): added into the base one by
 * one, float32 increments under half the base's last place round away
 * each time (1000 increments of 1e-8 to 1 leave it 1). Repeated
 * indices accumulate, in no particular order: a float sum may differ by
 * rounding between backends and between runs of a parallel one. With
 * `count` 0 the output is the base converted to `out`. The kernel IR's
 * one data-dependent write: which output elements an index adds into is
 * known only at run time, so the optimizer fuses nothing into or out of
 * it.
 */
export interface ScatterAddKernel {
  /** `'scatterAdd'`: which kind of kernel this is, what a backend switches on to render it. */
  readonly kind: 'scatterAdd';
  /** The output's shape: rows, then each row's dimensions. */
  readonly shape: readonly number[];
  /** Number of indices (and of value rows) added. */
  readonly count: number;
  /** Base, values, indices. */
  readonly inputs: readonly [DType, DType, 'int32'];
  /** How input 0 is read (see above). */
  readonly base: {
    /** Element of (0, 0). */
    readonly offset: number;
    /** 1: contiguous; 0: one value everywhere. */
    readonly stride: 0 | 1;
  };
  /** How input 1 is read (see above). */
  readonly values: {
    /** Element of (0, 0). */
    readonly offset: number;
    /** Elements per step of k and of r (0 broadcasts). */
    readonly strides: readonly [number, number];
  };
  /** How input 2 is read (see above). */
  readonly indices: {
    /** Element of index 0. */
    readonly offset: number;
    /** Elements per step of k. */
    readonly stride: number;
  };
  /** The output's dtype, which is the accumulator. */
  readonly out: ScatterAccumulator;
}

/** A kernel of the IR: what a backend's `compile` receives. */
export type Kernel = ElementwiseKernel | ReduceKernel | MatmulKernel | SortKernel | ScatterAddKernel;

/** The kinds of kernel a backend may run or not (`BackendInfo.kernels`); elementwise, reduce and matmul kernels every backend runs. */
export type OptionalKernel = SortKernel['kind'] | ScatterAddKernel['kind'];

/** A buffer of a program: its dtype and its size in elements. */
export interface BufferSpec {
  /** The elements' dtype. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
}

/**
 * What `sym.function` allows in place: each candidate's input buffer
 * (`inputBuffers[input]`, a shared variable's) may take the value of output
 * `output` (that variable's update), and `overwrites` is the backend's word
 * on which kernels can write an input they read at the output's own index.
 */
export interface InPlaceRequest {
  /** The input/output pairs that may share a buffer. */
  readonly candidates: readonly {
    /** Index into the program's `inputBuffers` (a shared variable's slot). */
    readonly input: number;
    /** Index into the program's `outputs` (an update's, after the function's own outputs). */
    readonly output: number;
  }[];
  /** Whether `kernel` may write its output into its input `input` (read only at the output's own index). */
  readonly overwrites: (kernel: Kernel, input: number) => boolean;
}

/** One kernel launch: `inputs` and `output` are buffer ids of the program. */
export interface Step {
  /** What runs. */
  readonly kernel: Kernel;
  /** Buffer ids read, one per kernel input. */
  readonly inputs: readonly number[];
  /** Buffer id written. */
  readonly output: number;
  /** The graph node this kernel computes (for errors, DebugMode and profiling). */
  readonly label: string;
  /**
   * The graph nodes whose values this kernel computes, in the order they
   * were lowered (a fused kernel's producers before their consumer), for
   * the profiler's per-op tables. Empty for a copy into an output's buffer;
   * absent on steps built by hand.
   */
  readonly nodes?: readonly Apply[];
}

/** Stable key of a kernel, for caches of compiled code. */
export function kernelKey(k: Kernel): string {
  return JSON.stringify(k, keyNumber);
}

/**
 * JSON writes Infinity, -Infinity and NaN as null and -0 as 0, so kernels
 * differing only in such a constant (min(x, inf) and min(x, -inf); x + 0
 * and x + -0, which differ at x = -0) would share one compiled kernel.
 */
function keyNumber(_key: string, v: unknown): unknown {
  if (typeof v !== 'number') return v;
  if (!Number.isFinite(v)) return String(v);
  return Object.is(v, -0) ? '-0' : v;
}

/** Number of output elements a kernel writes. */
export function kernelOutputSize(k: Kernel): number {
  switch (k.kind) {
    case 'elementwise':
    case 'reduce':
      return k.shape.reduce((a, b) => a * b, 1);
    case 'matmul':
      return k.batch * k.m * k.n;
    case 'sort':
      return k.shape.reduce((a, b, d) => a * (d === k.axis ? k.keep : b), 1);
    case 'scatterAdd':
      return k.shape.reduce((a, b) => a * b, 1);
  }
}

/** The operands of an expression node: an apply's arguments, a gather's index; a leaf has none. */
export function operandsOf(e: ScalarExpr): readonly ScalarExpr[] {
  return e.kind === 'apply' ? e.args : e.kind === 'gather' ? [e.index] : [];
}

/**
 * How many operand slots of `root`'s expression hold each node object (the
 * root counts once): a node held more than once is a subexpression the
 * expression shares (a DAG), which a renderer computes once. Each object
 * is visited once and without recursion, so a DAG costs its objects, not
 * its tree's size, and no chain is too deep for the stack.
 */
export function operandUses(root: ScalarExpr): Map<ScalarExpr, number> {
  const uses = new Map<ScalarExpr, number>([[root, 1]]);
  const stack: ScalarExpr[] = [root];
  while (stack.length) {
    for (const a of operandsOf(stack.pop()!)) {
      const n = uses.get(a);
      uses.set(a, (n ?? 0) + 1);
      if (n === undefined) stack.push(a);
    }
  }
  return uses;
}

/** Visit every node of a scalar expression, children first (a gather's index before the gather). */
export function walkExpr(e: ScalarExpr, f: (e: ScalarExpr) => void): void {
  if (e.kind === 'apply') for (const a of e.args) walkExpr(a, f);
  if (e.kind === 'gather') walkExpr(e.index, f);
  f(e);
}

/** Every load of an expression, left to right, those inside a gather's index included. */
export function loadsOf(e: ScalarExpr): LoadExpr[] {
  const out: LoadExpr[] = [];
  pushLoads(e, out);
  return out;
}

// no visitor closure: the optimizer asks this of every kernel of an unrolled scan, several times
function pushLoads(e: ScalarExpr, out: LoadExpr[]): void {
  if (e.kind === 'apply') for (const a of e.args) pushLoads(a, out);
  else if (e.kind === 'gather') pushLoads(e.index, out);
  else if (e.kind === 'load') out.push(e);
}

/** Whether an expression gathers (reads an input at a computed element). */
export function gathers(e: ScalarExpr): boolean {
  // stops at the first gather: a scan's stacking kernels are large switches of gathers
  if (e.kind === 'gather') return true;
  if (e.kind !== 'apply') return false;
  for (const a of e.args) if (gathers(a)) return true;
  return false;
}

/**
 * Rebuild `e` with every load replaced by `load(l)`, every reduced value by
 * `reduced(r)` and every gather by `gather(g)`, given the gather with its
 * index mapped already (by default it keeps its input: passes that
 * renumber inputs leave gathering kernels alone, or pass `gather`).
 */
export function mapLeaves(
  e: ScalarExpr,
  load: (l: LoadExpr) => ScalarExpr,
  reduced: (r: ReducedExpr) => ScalarExpr = (r) => r,
  gather: (g: GatherExpr) => ScalarExpr = (g) => g,
): ScalarExpr {
  switch (e.kind) {
    case 'load':
      return load(e);
    case 'reduced':
      return reduced(e);
    case 'const':
      return e;
    case 'gather': {
      const index = mapLeaves(e.index, load, reduced, gather);
      return gather(index === e.index ? e : { ...e, index });
    }
    case 'apply': {
      // a new node only where a leaf below changed: fusion rebuilds large expressions for every producer it inlines
      let args: ScalarExpr[] | undefined;
      for (let i = 0; i < e.args.length; i++) {
        const a = e.args[i]!;
        const m = mapLeaves(a, load, reduced, gather);
        if (m !== a && !args) args = e.args.slice(0, i);
        if (args) args.push(m);
      }
      return args ? { ...e, args } : e;
    }
  }
}

/** The output space an epilogue's loads walk: `shape` of a reduce kernel, (batch, m, n) of a matmul. */
export function epilogueShape(k: ReduceKernel | MatmulKernel): number[] {
  return k.kind === 'reduce' ? [...k.shape] : [k.batch, k.m, k.n];
}

/** Whether `strides` address `shape` C-contiguously (a dimension of length 1 may have any stride). */
export function isContiguousOver(shape: readonly number[], strides: readonly number[]): boolean {
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== s) return false;
    s *= shape[d]!;
  }
  return true;
}

/**
 * A kernel with an epilogue as two: the reduction or product alone (its
 * output, of dtype `epilogue.value`, C-contiguous; a product reads its two
 * operands only, the first two launch inputs), and an elementwise kernel
 * over the output space that reads the kernel's inputs and, as one more
 * input after them, that output. So a backend runs both on the same launch
 * inputs and one scratch buffer.
 */
export function splitEpilogue<K extends ReduceKernel | MatmulKernel>(
  k: K & { readonly epilogue: Epilogue },
): {
  /** The reduction or product without its epilogue. */
  first: K;
  /** The epilogue as an elementwise kernel. */
  epilogue: ElementwiseKernel;
} {
  const { epilogue, ...rest } = k;
  const shape = epilogueShape(k);
  const strides = contiguousStrides(shape);
  if (k.kind === 'matmul' && !isContiguousOver(shape, k.outStrides)) {
    throw new Error(`splitEpilogue: a matmul with an epilogue writes its output C-contiguously; its outStrides are ${k.outStrides.join(', ')}`);
  }
  const first = (rest.kind === 'matmul' ? { ...rest, inputs: rest.inputs.slice(0, 2), out: epilogue.value } : { ...rest, out: epilogue.value }) as unknown as K;
  const slot = k.inputs.length;
  const expr = mapLeaves(epilogue.expr, (l) => l, (r) => ({ kind: 'load', input: slot, strides, offset: 0, dtype: r.dtype }));
  return { first, epilogue: { kind: 'elementwise', shape, inputs: [...k.inputs, epilogue.value], out: k.out, expr } };
}
