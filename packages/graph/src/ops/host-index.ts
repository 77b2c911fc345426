/**
 * An index the kernels compute, found again on the host from a call's
 * values when that is cheap, so that CheckIndex can check it before the
 * call: Theano's minibatch of shared labels, `givens: [[y,
 * trainY.get(T.slice(i * bs, (i + 1) * bs))]]`, through the tutorials'
 * `T.cast(shared_y, 'int32')`, and an input cast to another integer dtype.
 * Only views (DimShuffle, Reshape), casts and windows (Subtensor, whose
 * integer bounds may be scalar arithmetic on integer scalars) of the
 * function's inputs and constants: each costs about the index's own size
 * on the host (a window of a cast dataset is cast after the window is
 * taken), never a pass over a whole dataset; a float is cast as NumPy
 * casts it (NaN: INT_MIN, out of range). Anything else (argmax,
 * arithmetic on vectors, a scan's own values) is not evaluated here: a
 * flag kernel checks it (kernel/index-check-device.ts).
 */
import type { Apply } from '../core/op.js';
import { NDArray } from '../core/ndarray.js';
import { TensorConstant, type TensorVariable } from '../core/variable.js';
import { isInt } from '../core/dtype.js';
import { castsFloatToIndex, numpyCastIndex } from './check-index.js';

/** A call's value of an input of the program (its slot), or null where it is not on the host. */
export type ValueAt = (slot: number) => NDArray | null;

/** How deep the walk goes: an index graph past this many nodes is not one of these. */
const MOST_NODES = 32;
/** The most elements a view or a cast copies on the host per call (a window reads only its own). */
const MOST_COPIED = 1 << 16;

const isCast = (node: Apply): boolean => node.op.kind === 'Elemwise' && (node.op as { scalarOp?: string }).scalarOp === 'cast' && node.inputs.length === 1;

/**
 * The index's values from a call's values, or undefined when the index is
 * not of the cheap forms (see the module comment); `slotOf` gives each
 * input variable's slot. The function returns null when a value it needs
 * is not on the host, or a window's start is out of range (the kernels
 * clamp it: no check).
 */
export function hostIndexValues(idx: TensorVariable, slotOf: ReadonlyMap<TensorVariable, number>): HostIndex | undefined {
  let nodes = 0;
  const reads = new Set<number>();
  const leafOK = (v: TensorVariable): boolean => {
    if (slotOf.has(v)) reads.add(slotOf.get(v)!);
    return v instanceof TensorConstant || slotOf.has(v);
  };
  // an integer scalar: a bound of a window (i * bs)
  const scalarOK = (v: TensorVariable): boolean => {
    if (++nodes > MOST_NODES || v.ndim !== 0 || !isInt(v.dtype)) return false;
    const node = v.owner;
    if (!node) return leafOK(v);
    if (node.op.kind === 'Shape') return !node.inputs[0]!.owner && leafOK(node.inputs[0]!);
    return node.op.kind === 'Elemwise' && node.inputs.every(scalarOK);
  };
  const valueOK = (v: TensorVariable): boolean => {
    if (++nodes > MOST_NODES) return false;
    const node = v.owner;
    if (!node) return leafOK(v);
    const kind = node.op.kind;
    if (kind === 'MatchLength' || kind === 'SpecifyShape' || kind === 'CheckIndex') return valueOK(node.inputs[0]!);
    if (kind === 'DimShuffle' || kind === 'Reshape') return valueOK(node.inputs[0]!) && node.inputs.slice(1).every(scalarOK);
    if (isCast(node)) return valueOK(node.inputs[0]!);
    if (kind === 'Subtensor') {
      const x = node.inputs[0]!;
      const source = x.owner && isCast(x.owner) ? x.owner.inputs[0]! : x;
      return valueOK(source) && node.inputs.slice(1).every(scalarOK);
    }
    return false;
  };
  if (!idx.owner || !valueOK(idx)) return undefined;
  const evaluate = (at: ValueAt): NDArray | null => {
    const leaf = (v: TensorVariable): NDArray | null => (v instanceof TensorConstant ? v.value : at(slotOf.get(v)!));
    const scalar = (v: TensorVariable): NDArray | null => {
      const node = v.owner;
      if (!node) return leaf(v);
      const ins = node.inputs.map(scalar);
      return ins.every((a) => a !== null) ? node.op.perform(ins as NDArray[], node)[0]! : null;
    };
    const value = (v: TensorVariable): NDArray | null => {
      const node = v.owner;
      if (!node) return leaf(v);
      const kind = node.op.kind;
      if (kind === 'MatchLength' || kind === 'SpecifyShape' || kind === 'CheckIndex') return value(node.inputs[0]!);
      const x = node.inputs[0]!;
      // a window of a cast: the window first, then the cast of its elements alone
      const castFirst = kind === 'Subtensor' && x.owner !== null && isCast(x.owner);
      const first = value(castFirst ? x.owner!.inputs[0]! : x);
      const rest = node.inputs.slice(1).map(scalar);
      if (first === null || rest.some((a) => a === null) || (kind !== 'Subtensor' && first.size > MOST_COPIED)) return null;
      const out = node.op.perform([first, ...(rest as NDArray[])], node)[0]!;
      // a float cast to an index as NumPy casts it (NaN: INT_MIN, an IndexError), not as the kernels (0)
      if (castFirst) return castIndex(x.owner!, out);
      return castsFloatToIndex(node) ? numpyCastIndex(first, out) : out;
    };
    try {
      return value(idx);
    } catch {
      // a window past the end (NumPy's IndexError in the reference; the kernels clamp its start): no check
      return null;
    }
  };
  return { evaluate, reads: [...reads] };
}

const castIndex = (node: Apply, source: NDArray): NDArray => {
  const out = node.op.perform([source], node)[0]!;
  return castsFloatToIndex(node) ? numpyCastIndex(source, out) : out;
};

/** How an index is found on the host from a call's values, and the input slots it reads (known without evaluating it). */
export interface HostIndex {
  readonly evaluate: (at: ValueAt) => NDArray | null;
  readonly reads: readonly number[];
}

// a window's start found on the host likewise (kernel/schedule.ts imports its check from here)
export { addWindowCheck } from './window-check.js';
