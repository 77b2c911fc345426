/**
 * More of Theano's shape and joining functions, built from dimshuffle,
 * windows, joins, gathers and alloc: shapePadleft/right/axis, join,
 * stacklists, horizontalStack, verticalStack, split, roll, and the grids
 * mgrid and ogrid. Being compositions they run on every backend and
 * differentiate through those ops. `tensor.ts` re-exports them as part of
 * `T`.
 */
import { isInt } from '../core/dtype.js';
import { apply1, asTensor, type TensorLike } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { SpecifyShape } from '../ops/shape.js';
import type { Length } from '../ops/alloc.js';
import type { Slice } from './indexing.js';
import { axisIn, lengthOf, range } from './axes.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';


/** `v[..., start:stop, ...]` along axis a. */
function window(v: TensorVariable, a: number, start: number | null, stop: number | null): TensorVariable {
  return T.get(v, ...range(a).map(() => ':'), T.slice(start, stop));
}

// ---------------------------------------------------------------- broadcastable dimensions

/** Theano's `shape_padleft(x, n_ones)`: x with `nOnes` broadcastable dimensions in front. */
export function shapePadleft(x: TensorLike, nOnes = 1): TensorVariable {
  const v = asTensor(x, 'shapePadleft');
  if (!Number.isInteger(nOnes) || nOnes < 0) throw new RangeError(`shapePadleft: nOnes must be a non-negative integer, got ${nOnes}`);
  return T.dimshuffle(v, [...range(nOnes).map(() => 'x' as const), ...range(v.ndim)]);
}

/** Theano's `shape_padright(x, n_ones)`: x with `nOnes` broadcastable dimensions after its own. */
export function shapePadright(x: TensorLike, nOnes = 1): TensorVariable {
  const v = asTensor(x, 'shapePadright');
  if (!Number.isInteger(nOnes) || nOnes < 0) throw new RangeError(`shapePadright: nOnes must be a non-negative integer, got ${nOnes}`);
  return T.dimshuffle(v, [...range(v.ndim), ...range(nOnes).map(() => 'x' as const)]);
}

/**
 * Theano's `shape_padaxis(x, axis)`: x with a broadcastable dimension
 * inserted so that it is dimension `axis` of the result (-1 is last).
 */
export function shapePadaxis(x: TensorLike, axis: number): TensorVariable {
  const v = asTensor(x, 'shapePadaxis');
  const a = axisIn('shapePadaxis', axis, v.ndim + 1, v);
  const pattern: (number | 'x')[] = range(v.ndim);
  pattern.splice(a, 0, 'x');
  return T.dimshuffle(v, pattern);
}

export { specifyShape } from './specify-shape.js';

// ---------------------------------------------------------------- joining

/** Theano's `join(axis, *tensors)`: `concatenate(tensors, axis)`, the axis first. */
export function join(axis: number, ...tensors: TensorLike[]): TensorVariable {
  if (typeof axis !== 'number') throw new TypeError(`join: the first argument is the axis (a number), got ${(axis as unknown) instanceof TensorVariable ? String(axis) : typeof axis}; T.concatenate takes the list first`);
  return T.concatenate(tensors, axis);
}

/** A tree of tensors: `stacklists`'s argument. */
export type NestedTensors = TensorLike | readonly NestedTensors[];

/**
 * Theano's `stacklists(list)`: nested lists of tensors stacked into one
 * tensor of that structure, `stacklists([[a, b], [c, d]])` of four
 * scalars a 2 x 2 matrix, of four matrices a (2, 2, m, n) tensor.
 */
export function stacklists(list: NestedTensors): TensorVariable {
  if (!Array.isArray(list)) return asTensor(list as TensorLike, 'stacklists');
  if (list.length === 0) throw new TypeError('stacklists: a list of tensors must not be empty');
  return T.stack((list as readonly NestedTensors[]).map((l) => stacklists(l)));
}

function stack2d(what: string, axis: number, tensors: TensorLike[]): TensorVariable {
  if (tensors.length < 2) throw new TypeError(`${what}: expected at least two matrices, got ${tensors.length}`);
  const vs = tensors.map((t, i) => asTensor(t, `${what}: argument ${i}`));
  vs.forEach((v, i) => {
    if (v.ndim !== 2) throw new TypeError(`${what}: argument ${i} must be a matrix, got ${v} of type ${v.type}`);
  });
  return T.concatenate(vs, axis);
}

/** Theano's `horizontal_stack(*matrices)`: matrices side by side (concatenated along axis 1). */
export function horizontalStack(...tensors: TensorLike[]): TensorVariable {
  return stack2d('horizontalStack', 1, tensors);
}

/** Theano's `vertical_stack(*matrices)`: matrices one above the other (concatenated along axis 0). */
export function verticalStack(...tensors: TensorLike[]): TensorVariable {
  return stack2d('verticalStack', 0, tensors);
}

/**
 * Theano's `split(x, splits_size, n_splits, axis)`: x cut along `axis`
 * into pieces of the given lengths, which must add up to its length
 * (checked when the graph is built if the length is known, else when it
 * runs). The lengths are numbers: pieces of lengths known only at run
 * time would have shapes depending on values, which windows cannot take.
 */
export function split(x: TensorLike, sizes: readonly number[], nSplits: number = sizes.length, axis = 0): TensorVariable[] {
  const v = asTensor(x, 'split');
  if (!Array.isArray(sizes) || sizes.some((s) => typeof s !== 'number' || !Number.isInteger(s) || s < 0)) {
    throw new TypeError(`split: sizes must be a list of non-negative integers (numbers), got ${sizes instanceof TensorVariable ? `${sizes} (symbolic sizes are not supported)` : JSON.stringify(sizes)}`);
  }
  if (nSplits !== sizes.length) throw new RangeError(`split: nSplits is ${nSplits} but ${sizes.length} sizes were given (${JSON.stringify(sizes)})`);
  const a = axisIn('split', axis, v.ndim, v);
  const total = sizes.reduce((s, n) => s + n, 0);
  const n = v.staticShape[a];
  let checked = v;
  if (n !== null && n !== undefined) {
    if (n !== total) throw new RangeError(`split: the sizes ${JSON.stringify(sizes)} add up to ${total} but axis ${a} of ${v} has length ${n}`);
  } else {
    const claimed = v.staticShape.map((_, d) => (d === a ? total : null));
    checked = apply1(new SpecifyShape(claimed, (xs) => `split: the sizes ${JSON.stringify(sizes)} add up to ${total} but axis ${a} of ${v} has length ${xs[a]}`, `split:${total}`), [v]);
  }
  let start = 0;
  return sizes.map((s) => window(checked, a, start, (start += s)));
}

/**
 * NumPy's and Theano's `roll(x, shift, axis)`: elements shifted by
 * `shift` along `axis` (of the flattened x, reshaped back, when axis is
 * null), those past the end coming back at the start; a negative shift
 * rolls the other way. `shift` may be an integer scalar. With a number
 * and a length known at build time it is two windows joined; otherwise a
 * gather of index `(i - shift) mod n`.
 */
export function roll(x: TensorLike, shift: number | TensorVariable, axis: number | null = null): TensorVariable {
  const v = asTensor(x, 'roll');
  if (typeof shift === 'number' ? !Number.isInteger(shift) : !(shift instanceof TensorVariable && shift.ndim === 0 && isInt(shift.dtype))) {
    throw new TypeError(`roll: shift must be an integer or an integer scalar, got ${shift instanceof TensorVariable ? `${shift} of type ${shift.type}` : String(shift)}`);
  }
  if (axis === null || axis === undefined) {
    if (v.ndim <= 1) return v.ndim === 0 ? v : roll(v, shift, 0);
    return T.reshape(roll(T.flatten(v), shift, 0), range(v.ndim).map((d) => lengthOf(v, d)));
  }
  const a = axisIn('roll', axis, v.ndim, v);
  const n = lengthOf(v, a);
  if (n === 1) return v;
  if (typeof shift === 'number' && typeof n === 'number') {
    const s = n === 0 ? 0 : ((shift % n) + n) % n;
    if (s === 0) return v;
    return T.concatenate([window(v, a, n - s, null), window(v, a, 0, n - s)], a);
  }
  const index = T.mod(T.sub(T.arange(n), shift), n);
  const front = [a, ...range(v.ndim).filter((d) => d !== a)];
  const back = range(v.ndim).map((d) => (d === a ? 0 : d < a ? d + 1 : d));
  return T.dimshuffle(T.take(T.dimshuffle(v, front), index, 0), back);
}

// ---------------------------------------------------------------- grids

/** One range of a grid: `T.slice(start, stop, step)` or a string such as `'0:5'`, `'-1:1:0.5'`. */
export type GridRange = Slice | string;

function gridRanges(what: string, ranges: readonly GridRange[]): TensorVariable[] {
  if (ranges.length === 0) throw new TypeError(`${what}: expected at least one range, such as '0:5' or T.slice(0, 5)`);
  return ranges.map((r, i) => {
    let start: number | TensorVariable | null;
    let stop: number | TensorVariable | null;
    let step: number | TensorVariable | null;
    if (typeof r === 'string') {
      const parts = r.split(':').map((p) => p.trim());
      const nums = parts.map((p) => (p === '' ? null : Number(p)));
      if (parts.length < 2 || parts.length > 3 || nums.some((p) => p !== null && !Number.isFinite(p))) {
        throw new TypeError(`${what}: range ${i} ${JSON.stringify(r)} is not a slice such as '0:5' or '0:1:0.25'`);
      }
      [start, stop, step] = [nums[0] ?? null, nums[1] ?? null, nums[2] ?? null];
    } else if (r && typeof r === 'object' && 'stop' in r) {
      ({ start, stop, step } = r);
    } else {
      throw new TypeError(`${what}: range ${i} must be a slice (T.slice(0, 5) or '0:5'), got ${typeof r}`);
    }
    if (stop === null) throw new TypeError(`${what}: range ${i} (${String(r)}) needs a stop, as Theano's`);
    return T.arange(start ?? 0, stop, step ?? 1);
  });
}

/**
 * Theano's `mgrid[0:5, 0:3]` as `T.mgrid('0:5', '0:3')` (or `T.slice`
 * ranges, whose bounds may be integer scalars): one tensor per range, all
 * of the grid's full shape, the k-th varying along axis k (NumPy's mgrid,
 * as separate tensors as Theano's; a range's dtype is arange's).
 */
export function mgrid(...ranges: GridRange[]): TensorVariable[] {
  const rs = gridRanges('mgrid', ranges);
  const lengths = rs.map((r) => lengthOf(r, 0));
  return rs.map((r, k) => T.alloc(T.dimshuffle(r, rs.map((_, j) => (j === k ? 0 : ('x' as const)))), ...lengths));
}

/**
 * Theano's `ogrid[0:5, 0:3]` as `T.ogrid('0:5', '0:3')`: the open grid,
 * range k shaped with length 1 (broadcastable) along every axis but k, so
 * that the ranges broadcast against each other to mgrid's grid.
 */
export function ogrid(...ranges: GridRange[]): TensorVariable[] {
  const rs = gridRanges('ogrid', ranges);
  return rs.map((r, k) => T.dimshuffle(r, rs.map((_, j) => (j === k ? 0 : ('x' as const)))));
}
