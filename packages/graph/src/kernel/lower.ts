/**
 * What an op's `lower` sees: views of its inputs and a context that emits
 * kernels. Views are strided windows on buffers, so that transposes,
 * broadcasts and dimshuffles cost no kernel at all.
 */
import type { DType } from '../core/dtype.js';
import type { NDArray } from '../core/ndarray.js';
import type { Reducer, ScalarExpr, ScatterAccumulator } from './kernel.js';
import { isContiguousOver } from './kernel.js';
import type { IndexErrorText } from '../ops/check-index.js';
import type { TensorVariable } from '../core/variable.js';
import type { Apply } from '../core/op.js';
import type { IndexGuard } from './index-check-device.js';

/** A strided window on a program buffer: what most inputs of `lower` are. */
export interface BufferView {
  /** `'buffer'`: which kind of view this is, what a lowering switches on. */
  readonly kind: 'buffer';
  /** The buffer id. */
  readonly buffer: number;
  /** The elements' dtype. */
  readonly dtype: DType;
  /** The view's shape. */
  readonly shape: readonly number[];
  /** Buffer elements per step of each dimension (0 broadcasts). */
  readonly strides: readonly number[];
  /** Buffer element at the view's origin. */
  readonly offset: number;
}

/** A 0-d constant, inlined into the kernels that read it. */
export interface ScalarView {
  /** `'scalar'`: which kind of view this is, what a lowering switches on. */
  readonly kind: 'scalar';
  /** The constant's value. */
  readonly value: number;
  /** Its dtype. */
  readonly dtype: DType;
  /** Always `[]`. */
  readonly shape: readonly [];
}

/** An op input as `lower` sees it: a buffer window or an inlined scalar constant. */
export type TensorView = BufferView | ScalarView;

/** What {@link LowerContext.reduce} reduces. */
export interface ReduceRequest {
  /** The views read. */
  readonly inputs: readonly TensorView[];
  /** Shape all inputs are broadcast to; `axes` of it are reduced. */
  readonly shape: readonly number[];
  /** The axes of `shape` reduced. */
  readonly axes: readonly number[];
  /** What the reduction computes over `axes` (`sum`, `max`, `argmax`, ...). */
  readonly reducer: Reducer;
  /** The accumulator's dtype. */
  readonly acc: DType;
  /** The result's dtype. */
  readonly out: DType;
  /** The value reduced, from the loads of the inputs. */
  readonly build: (loads: ScalarExpr[]) => ScalarExpr;
}

/**
 * A value a function computes anew at each call, on the host, before its
 * kernels run: a random variable's sample.
 */
export interface Draw {
  /** Fill `into` with this call's values, from the current state (which does not move until `commit`). */
  fill(into: NDArray): void;
  /** The call succeeded: move the state past the values the last `fill` gave. */
  commit(): void;
}

/** Read source `source` at a multi-index of int32 expressions, each within the source's shape. */
export type At = (source: number, indices: readonly ScalarExpr[]) => ScalarExpr;

/** The kernel emitter an op's `lower` is given: each method appends kernels to the program and returns a view of their result. */
export interface LowerContext {
  /**
   * out[i] = build(at, index) for every multi-index i of `shape`, for ops
   * that read at positions known only at run time (or not affine in i):
   * `at(k, indices)` reads source k at a computed multi-index (the op keeps
   * every index in range, on every element), `index(d)` is i along
   * dimension d, as an int32. A read whose indices are all `index(d)`s
   * and constants is a load (strides over i), not a gather: fusion
   * composes it (`take(W, idx + 1)` computes idx + 1 in the take's kernel).
   */
  indexed(shape: readonly number[], out: DType, sources: readonly TensorView[], build: (at: At, index: (d: number) => ScalarExpr) => ScalarExpr): BufferView;
  /** out = build(loads of inputs broadcast to `shape`), in dtype `out`. */
  elementwise(shape: readonly number[], out: DType, inputs: readonly TensorView[], build: (loads: ScalarExpr[]) => ScalarExpr): BufferView;
  /** Reduction over some axes; the result has the kept axes, in order. */
  reduce(req: ReduceRequest): BufferView;
  /** out[..a, ..batch, n] = a[..a, k] . b[..batch, k, n] (numpy.dot) with a of rank >= 1 and b of rank >= 1. */
  dot(a: TensorView, b: TensorView, out: DType, acc: DType): BufferView;
  /**
   * out[b, m, n] = a[b, m, k] . b[b, k, n] for 3-d a (B, M, K) and b (B, K, N):
   * one matmul kernel reading both operands through their strides (a
   * transposed view costs no copy); the output is C-contiguous (B, M, N).
   */
  batchedMatmul(a: TensorView, b: TensorView, out: DType, acc: DType): BufferView;
  /**
   * The stable sorting permutation of each line of x along `axis`, its
   * first `keep` positions, as a C-contiguous int32 array of x's shape
   * with that axis `keep` long (see `SortKernel` for the order): one sort
   * kernel reading x through its strides. Present only when the backend
   * runs sort kernels (`BackendInfo.kernels`); without it, ops sort with
   * elementwise kernels.
   */
  sort?(x: BufferView, axis: number, keep: number, descending: boolean): BufferView;
  /**
   * `base` (shape (rows, ...)) converted to `out`, with the rows `indices`
   * (an int32 vector of K) name incremented by the rows of `values` (a
   * view of shape (K, ...rows' shape), broadcasts allowed): one scatter-add
   * kernel (see `ScatterAddKernel` for indices counted from the end and
   * clamped, and the sum's order). Present only when the backend runs
   * scatter-add kernels (`BackendInfo.kernels`); without it, ops sort the
   * indices and sum runs with elementwise kernels.
   */
  scatterAdd?(base: BufferView, values: TensorView, indices: BufferView, out: ScatterAccumulator): BufferView;
  /** A C-contiguous copy unless the view already is one. */
  contiguous(v: TensorView): BufferView;
  /** A constant int32 vector 0, 1, ..., n - 1 (one buffer per length in a program). */
  range(n: number): BufferView;
  /** A buffer holding a constant array. */
  constant(value: NDArray): TensorView;
  /** A buffer the function fills from `draw` at each call (one per draw in a program, however often it is lowered). */
  drawn(shape: readonly number[], dtype: DType, draw: Draw): BufferView;
  /** Where the program's lists end now (scan.ts replays a step lowered between two marks: `replay`). */
  mark?(): LowerMark;
  /**
   * Add again what was lowered between `from` and `to`: its kernels (the
   * same kernel objects) over new buffers in place of those made there,
   * `substitute`'s buffers in place of theirs; constants made there are
   * read-only, and shared. Returns where each buffer went.
   */
  replay?(from: LowerMark, to: LowerMark, substitute: ReadonlyMap<number, number>): (buffer: number) => number;
  /**
   * An integer index's values checked against [-n, n) (CheckIndex) where
   * they are on the host: now for a constant or a value the program is
   * made with, by the function before each call for a view of one of its
   * inputs or a cheap computation from them (`variable`, ops/host-index.ts);
   * by a kernel whose flag the call reads before it commits, for other
   * values kernels compute (kernel/index-check-device.ts). With `guard`
   * (a read only ifelses' branches in a scan's step compute), by a flag
   * kernel that checks it only where one of the guard's conjunctions holds.
   */
  checkIndex?(idx: TensorView, n: number, xShape: readonly number[], describe: IndexErrorText, variable?: TensorVariable, nonNegative?: boolean, guard?: IndexGuard): void;
  /**
   * A window of `length` elements from the symbolic start `variable`
   * (ops/window-check.ts), checked to be NumPy's whole window: by the
   * function before each call where the start is found on the host, now
   * for a start known when the program is made, else (a start kernels
   * compute, viewed as `start`) by a flag kernel unless the graph bounds
   * the start; `node` is the window's.
   */
  /** The data of the constant of the program (not a draw) a view reads, flat; undefined for a buffer kernels fill. */
  constantData?(v: BufferView): ArrayLike<number> | undefined;
  /**
   * While a scan lowers its step (ops/scan.ts): the values its scalar
   * placeholders take at each step it visits, where the program knows them
   * (a row of a constant sequence: `T.arange`'s counter), one map per step;
   * a window's start computed from them alone is checked for every step
   * when the program is made (ops/window-check.ts), with no flag.
   */
  stepValues?: readonly ReadonlyMap<TensorVariable, NDArray>[] | undefined;
  /** The view a variable lowered so far has (the outer graph's, or a scan step's while it is lowered), if any: a float an index is cast from. */
  lowered?: ((v: TensorVariable) => TensorView | undefined) | undefined;
  /** A window's check (ops/window-check.ts); with `guard` (a scan's step, the window in an ifelse's branch) made only where the branch is taken. */
  checkWindow?(variable: TensorVariable, length: number, n: number, axis: number, xShape: readonly number[], window: () => string, start: TensorView | undefined, node: Apply | undefined, guard?: IndexGuard): void;
}

/** Lengths of a program's buffer, kernel and constant lists at some point of its lowering. */
export interface LowerMark {
  /** Number of buffers then. */
  readonly buffers: number;
  /** Number of steps then. */
  readonly steps: number;
  /** Number of constants then. */
  readonly constants: number;
}

/** Whether the view addresses its shape C-contiguously from its offset (a dimension of length 1 may have any stride). */
export function isContiguous(v: BufferView): boolean {
  return isContiguousOver(v.shape, v.strides);
}
