/**
 * Integer indices checked against the axis they index, NumPy's IndexError
 * (`emb[idxs]: index 7 (idxs[3]) is out of bounds for axis 0 with size 5,
 * indexing emb of shape (5, 3)`), where the values are on the host before
 * the call runs. Kernels read indices without checking them (a kernel
 * cannot raise): they wrap negatives and clamp the rest into range. So the
 * front door (indexing.ts) puts a CheckIndex on each integer index: an
 * identity that costs no kernel, recorded on the
 * graph before any rewrite, so that the check
 * survives those that turn the gather into something else (the
 * negative log-likelihood's scatter made elementwise) and reaches the
 * gradient's scatter, which reads the same checked index. When the
 * program is made, its lowering finds where the index lives: a constant
 * or a value known when the program is made is checked then; a function
 * input (a shared variable's current host value), or a cast or window of
 * one (ops/host-index.ts finds its values again on the host), is checked
 * by `sym.function` before the call's first kernel runs (so a failed call
 * writes nothing); an index computed otherwise (argmax, arithmetic, a
 * scan's own counter) is checked by a kernel whose flag the call reads
 * before it commits anything (kernel/index-check-device.ts). A check of a
 * read only an ifelse's branches compute fails as a BranchIndexError, and the
 * call runs lazily, raising only for the branch taken (index-check-live.ts);
 * a read needed for its shape alone is checked only where computed: FAST_RUN's `x[ids].shape[0]` computes no `x[ids]`
 * and raises nothing, as Theano's. The reference `perform` checks every
 * value it is given (DebugMode). An index cast from a float is checked as
 * NumPy casts it (`numpyCastIndex`: NaN is INT_MIN, an IndexError), where
 * the kernels' and the reference's cast give 0; a read only an ifelse's
 * branches compute in a scan's step is checked at the steps that take its
 * branch (scan-checks.ts).
 */
import { NDArray, contiguousStrides, shapeToString } from '../core/ndarray.js';
import { Apply, Op, apply1 } from '../core/op.js';
import { TensorType } from '../core/type.js';
import { TensorConstant, type StaticShape, type TensorVariable } from '../core/variable.js';
import { nameInError } from '../core/error-names.js';
import { isFloat, isInt } from '../core/dtype.js';
import { isContiguousOver } from '../kernel/kernel.js';
import type { ValueAt } from './host-index.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';

/** What an index error says, given the offending value, its position in the index, and the indexed shape. */
export type IndexErrorText = (value: number, position: readonly number[], xShape: readonly (number | null)[]) => string;

/** The check of an index whose values are on the host: where they are, and the axis's length. */
export interface IndexCheck {
  /** The function input (explicit inputs, then shared variables) holding the values; -1 with `evaluate`. */
  readonly input: number;
  /** For an index computed from the inputs (ops/host-index.ts): its values, C-contiguous, from the call's; null where they are not found. */
  readonly evaluate?: (at: ValueAt) => NDArray | null;
  /** The input slots `evaluate` reads, where known: an asynchronous call brings those to the host without evaluating it (function/plan.ts). */
  readonly reads?: readonly number[];
  /** The index as a view of that input's elements: its shape. */
  readonly shape: readonly number[];
  /** The view's strides, in elements of the input. */
  readonly strides: readonly number[];
  /** The view's first element, in elements of the input. */
  readonly offset: number;
  /** The length of the axis indexed: values must lie in [-n, n). */
  readonly n: number;
  /** The indexed tensor's shape, for the message. */
  readonly xShape: readonly number[];
  /** The message of the RangeError raised for the first value out of range. */
  readonly describe: IndexErrorText;
  /**
   * The read it guards is needed for its shape alone (`x[ids].shape[0]`): a
   * program whose passes drop the kernels no value is read from (opt's
   * drop_dead, FAST_RUN) does not compute the read, nor run the check
   * (index-check-live.ts).
   */
  readonly shapesOnly?: boolean;
  /** Class labels (`checkedLabels`): values must lie in [0, n), a negative one is no class. */
  readonly nonNegative?: boolean;
  /** The read it guards is needed only inside an ifelse's branches: a failure is a BranchIndexError (index-check-live.ts). */
  readonly branchOnly?: boolean;
}

/**
 * An index out of range in a read only an ifelse's branches need: not the
 * call's error yet (Theano's lazy ifelse raises it only if that branch is
 * taken). The function reruns the call lazily (function/lazy-branches.ts),
 * where the read lies outside any branch and its own check raises if its
 * branch is taken; a RangeError with the eager message, should it reach a
 * caller.
 */
export class BranchIndexError extends RangeError {}

/**
 * The first value of `data` viewed as (shape, strides, offset) outside
 * [lo, n) (NumPy's [-n, n) by default), with its position, or undefined;
 * one tight loop for the common contiguous vector.
 */
export function firstOutOfRange(data: ArrayLike<number>, shape: readonly number[], strides: readonly number[], offset: number, n: number, lo = -n): { value: number; position: number[] } | undefined {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 0) return undefined;
  // C-contiguous (an index vector or matrix as given): one flat loop, the position found only for the error
  if ((shape.length === 1 && strides[0] === 1) || (shape.length > 1 && isContiguousOver(shape, strides))) {
    const k = firstOutside(data, offset, size, lo, n);
    if (k < 0) return undefined;
    const position: number[] = [];
    for (let d = shape.length - 1, r = k; d >= 0; r = Math.floor(r / shape[d]!), d--) position[d] = r % shape[d]!;
    return { value: data[offset + k]!, position };
  }
  if (shape.length <= 1) {
    const s = shape.length === 0 ? 0 : strides[0]!;
    for (let k = 0, at = offset; k < size; k++, at += s) {
      const v = data[at]!;
      if (v < lo || v >= n) return { value: v, position: shape.length === 0 ? [] : [k] };
    }
    return undefined;
  }
  const position = shape.map(() => 0);
  for (let k = 0; k < size; k++) {
    let at = offset;
    for (let d = 0; d < shape.length; d++) at += position[d]! * strides[d]!;
    const v = data[at]!;
    if (v < lo || v >= n) return { value: v, position: [...position] };
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++position[d]! < shape[d]!) break;
      position[d] = 0;
    }
  }
  return undefined;
}

/**
 * The first k < count with data[from + k] outside [lo, n), or -1: a loop
 * of its own, about twice as fast as the strided one (a sparse product's
 * call checks three index vectors as long as its terms).
 */
function firstOutside(data: ArrayLike<number>, from: number, count: number, lo: number, n: number): number {
  for (let k = 0; k < count; k++) {
    const v = data[from + k]!;
    if (v < lo || v >= n) return k;
  }
  return -1;
}

/** Raise NumPy's IndexError (a RangeError) for the first value of a check outside its axis, if any. */
export function runIndexCheck(check: Omit<IndexCheck, 'input'>, data: ArrayLike<number>): void {
  const bad = firstOutOfRange(data, check.shape, check.strides, check.offset, check.n, check.nonNegative ? 0 : -check.n);
  if (bad) throw new RangeError(check.describe(bad.value, bad.position, check.xShape));
}

/**
 * idx (inputs idx, x), checked to index x along `axis`: an identity that
 * costs no kernel (see the module comment).
 */
export class CheckIndex extends Op {
  readonly kind = 'CheckIndex' as const;
  constructor(
    /** The axis of x that idx indexes, of length n: idx must lie in [-n, n) (in [0, n) with `nonNegative`). */
    readonly axis: number,
    /** The error, as the user wrote the indexing (see `indexErrorText`). */
    readonly describe: IndexErrorText,
    /** Class labels: [0, n), not NumPy's [-n, n) (`checkedLabels`). */
    readonly nonNegative = false,
  ) {
    super();
  }
  key(): string {
    return `CheckIndex:${this.axis}${this.nonNegative ? ':labels' : ''}`;
  }
  override toString(): string {
    return `CheckIndex{${this.axis}}`;
  }
  override pp(args: readonly string[]): string {
    return args[0]!;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    return [shapes[0]!];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [idx, x] = inputs as [NDArray, NDArray];
    runIndexCheck({ shape: idx.shape, strides: contiguousStrides(idx.shape), offset: 0, n: x.shape[this.axis]!, xShape: x.shape, describe: this.describe, nonNegative: this.nonNegative }, idx.data);
    return [idx];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node?: Apply): TensorView[] {
    const [idx, x] = inputs as [TensorView, TensorView];
    ctx.checkIndex?.(idx, x.shape[this.axis]!, x.shape, this.describe, node?.inputs[0], this.nonNegative);
    return [idx];
  }
}

/**
 * The message of an index out of range, NumPy's words said of the indexing
 * as the user wrote it: `what` (`emb[idxs]`), the index's name, the
 * indexed tensor's name (names are found only when an error is raised).
 */
export function indexErrorText(what: () => string, idxName: () => string, xName: () => string, axis: number): IndexErrorText {
  return (value, position, xShape) => {
    const at = position.length === 0 ? idxName() : `${idxName()}[${position.join(', ')}]`;
    return `${what()}: index ${intText(value)} (${at}) is out of bounds for axis ${axis} with size ${xShape[axis] ?? '?'}, indexing ${xName()} of shape ${shapeToString(xShape)} (NumPy's IndexError)${castHint(value)}`;
  };
}

const INT_MIN: Readonly<Record<string, number>> = { int32: -(2 ** 31), int64: -(2 ** 63) };

/** An integer as NumPy prints it (int64's INT_MIN is not a JavaScript number's digits). */
const intText = (value: number): string => (value === INT_MIN.int64 ? '-9223372036854775808' : String(value));

const castHint = (value: number): string =>
  value === INT_MIN.int64 || value === INT_MIN.int32 ? ': a NaN, an infinity or a float past the integer dtype, cast to int32 or int64, is that dtype\'s least value in NumPy' : '';

/** Whether node casts a float to int32 or int64 (an index from a float: `T.cast(shared_y, 'int32')`). */
export function castsFloatToIndex(node: Apply | null): node is Apply {
  return node !== null && node.op.kind === 'Elemwise' && (node.op as { scalarOp?: string }).scalarOp === 'cast' && node.inputs.length === 1 && isFloat(node.inputs[0]!.dtype) && INT_MIN[node.outputs[0]!.dtype] !== undefined;
}

/**
 * A float array `source` cast to int32 or int64 (`cast`, the reference's
 * values) as NumPy casts it for an index: NaN, an infinity and a value
 * past the dtype become the dtype's least value (x86's conversion), where
 * the kernels and the reference cast give 0 or wrap. An index check reads
 * these, so an index from a NaN raises NumPy's IndexError, never reads row 0.
 */
export function numpyCastIndex(source: NDArray, cast: NDArray): NDArray {
  const least = INT_MIN[cast.dtype];
  if (least === undefined) return cast;
  const d = source.data;
  let out: NDArray | undefined;
  for (let k = 0; k < d.length; k++) {
    const v = Number(d[k]);
    if (v >= least && v < -least) continue;
    out ??= cast.copy();
    out.data[k] = least;
  }
  return out ?? cast;
}

/** An index as an error names it: an unnamed constant by its values, as the user wrote it (`[0,5]`). */
export function indexName(idx: TensorVariable): string {
  return idx instanceof TensorConstant && idx.name === undefined && idx.ndim > 0 && idx.value.size <= 16 ? JSON.stringify(idx.value.toArray()) : nameInError(idx);
}

/**
 * idx, checked to index x along `axis` (`what`: the indexing as the user
 * wrote it, `emb[idxs]`; `xName`: x as the error names it): a CheckIndex,
 * or, for a constant where x's length is known, idx checked now. Where the
 * check runs (when the program is made, on the host before the call, or by
 * a kernel for an index the kernels compute) is the lowering's choice.
 */
export function checkedIndex(idx: TensorVariable, x: TensorVariable, axis: number, what: () => string, xName: () => string = () => nameInError(x)): TensorVariable {
  return guarded(idx, x, axis, indexErrorText(what, () => indexName(idx), xName, axis), false);
}

/**
 * Class labels checked to index the classes of `scores` along `axis`, as
 * `checkedIndex` checks an index, but in [0, n): a negative label (padding's
 * -1) is no class, where NumPy's indexing would read one from the end.
 * Theano's compiled crossentropy ops and Keras's losses refuse it too.
 * `what` names the loss in the error.
 */
export function checkedLabels(labels: TensorVariable, scores: TensorVariable, axis: number, what: string): TensorVariable {
  const describe: IndexErrorText = (value, position, xShape) => {
    const name = indexName(labels);
    const at = position.length === 0 ? name : `${name}[${position.join(', ')}]`;
    const n = xShape[axis] ?? '?';
    return `${what}: label ${value} (${at}) is not one of the ${n} classes of ${nameInError(scores)} (labels are class indices in [0, ${n})${value < 0 ? '; a negative label, such as a padding -1, is refused' : ''})`;
  };
  return guarded(labels, scores, axis, describe, true);
}

/**
 * idx, which take's 'wrap' or 'clip' has already mapped from `given` (the
 * index the error names) into [0, n) of x's `axis`, checked against that
 * axis all the same: where the axis is empty no index maps into it (NumPy's
 * "cannot do a non-empty take from an empty axes"), and a kernel would read
 * past the empty buffer. For any other length the check passes.
 */
export function checkedMappedIndex(idx: TensorVariable, given: TensorVariable, x: TensorVariable, axis: number, what: () => string, mode: string): TensorVariable {
  const describe: IndexErrorText = (_value, position, xShape) => {
    const at = position.length === 0 ? indexName(given) : `${indexName(given)}[${position.join(', ')}]`;
    return `${what()}: cannot take ${at} from axis ${axis} of ${nameInError(x)} of shape ${shapeToString(xShape)}, which is empty (NumPy's IndexError: cannot do a non-empty take from an empty axes; mode '${mode}' maps no index into it)`;
  };
  return guarded(idx, x, axis, describe, false);
}

function guarded(idx: TensorVariable, x: TensorVariable, axis: number, describe: IndexErrorText, nonNegative: boolean): TensorVariable {
  // not an integer index: the indexing op refuses it, naming it
  if (!isInt(idx.dtype)) return idx;
  const n = x.staticShape[axis];
  if (idx instanceof TensorConstant && n !== null && n !== undefined) {
    const v = idx.value;
    const bad = firstOutOfRange(v.data, v.shape, contiguousStrides(v.shape), 0, n, nonNegative ? 0 : -n);
    if (bad) throw new RangeError(describe(bad.value, bad.position, x.staticShape));
    return idx;
  }
  return apply1(new CheckIndex(axis, describe, nonNegative), [idx, x]);
}
