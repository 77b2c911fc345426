/**
 * Indexing as users write it: `x.get(...)` for Theano's `x[...]`,
 * `T.setSubtensor(x.get(...), y)` and `T.incSubtensor`, `T.concatenate`,
 * `T.stack`, `T.arange`.
 *
 * An index is a number, a symbolic integer scalar, a slice (`T.slice(1, 3)`
 * or the string `'1:3'`, `':'`, `'::-1'`), null (newaxis), an integer array
 * (symbolic, or a JS array), or a boolean mask (`x[mask]`, data-dependent.ts;
 * a 0-d one, or a JS boolean, is NumPy's `x[True]`). `x[idx]` and a matrix's
 * `x[rows, cols]` have ops of their own; other tuples holding an array or a
 * boolean are NumPy's advanced indexing (mixed-index.ts). The string
 * `'...'` is NumPy's Ellipsis (as many `':'` as the other indices leave).
 */
import { config } from '../core/config.js';
import { axisIn } from '../core/axis.js';
import { castScalar, f16round, intRange, isFloat, isInt, type DType, type TypedArray } from '../core/dtype.js';
import { NDArray, type NestedArray } from '../core/ndarray.js';
import { apply1, applyNode, asTensor, constant, type TensorLike } from '../core/op.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';
import { AdvancedIncSubtensor1, AdvancedSubtensor1 } from '../ops/advanced.js';
import { Join } from '../ops/join.js';
import { Alloc, ARange } from '../ops/alloc.js';
import { pp } from '../printing/printing.js';
// a cycle (data-dependent.ts indexes through this file): used only inside functions, never while the modules load
import { booleanMask, scalarMask } from './data-dependent.js';
import { mixedIndex } from './mixed-index.js';
import { IncSubtensor, Subtensor, checkBroadcastTo, checkWritable, type IndexEntry } from '../ops/subtensor.js';
import { FitsWindow, SliceWindow } from '../ops/slice-window.js';
import { affine, type AffineContext } from './affine-bound.js';
import { DimShuffle, MatchLength, Reshape, ReshapeTo, ShapeI } from '../ops/shape.js';
import { cast, elemwise } from '../ops/elemwise.js';
import { markReshapedWindow, markWindowWriter, reshapedWindowOf, windowWriterOf } from './window-marks.js';
import { labelForErrors, nameInError } from '../core/error-names.js';
import { checkedIndex, indexName } from '../ops/check-index.js';

/**
 * Python's `slice(start, stop, step)`: bounds may be omitted (null or
 * undefined), and may be symbolic integer scalars. When stop - start
 * simplifies to a constant, as in Theano's minibatch
 * `x[i * bs:(i + 1) * bs]` (`T.slice(i.mul(bs), i.add(1).mul(bs))`), the
 * window's length is known when the graph is built; otherwise (`x[i:]`,
 * `x[:n]`, a symbolic step) it is computed on the host from the values
 * (ops/slice-window.ts), clamped as Python's slices are.
 */
export class Slice {
  constructor(
    /** First index (negative counts from the end); null: from the start (or the end for a negative step). */
    readonly start: number | TensorVariable | null = null,
    /** Index past the last one; null: to the end. */
    readonly stop: number | TensorVariable | null = null,
    /** The step (not 0); null: 1. */
    readonly step: number | TensorVariable | null = null,
  ) {}
  /** Python's form, `1:3`, `::-1`. */
  toString(): string {
    const b = (v: number | TensorVariable | null) => (v === null ? '' : v instanceof TensorVariable ? pp(v) : String(v));
    return `${b(this.start)}:${b(this.stop)}${this.step === null ? '' : `:${b(this.step)}`}`;
  }
}

/**
 * `slice(start, stop, step)`; `T.slice()` is `:`. Bounds and step may be
 * integer scalars: `x.get(T.slice(i))` is `x[i:]`, `x.get(T.slice(null, n))`
 * `x[:n]`, and `x.get(T.slice(i.mul(bs), i.add(1).mul(bs)))` Theano's
 * `x[i * bs:(i + 1) * bs]` (see {@link Slice}).
 */
export function slice(start?: number | TensorVariable | null, stop?: number | TensorVariable | null, step?: number | TensorVariable | null): Slice {
  return new Slice(start ?? null, stop ?? null, step ?? null);
}

/** A slice bound as an integer scalar tensor, or an error naming the index. */
function boundOf(b: number | TensorVariable, position: number): TensorVariable {
  const t = typeof b === 'number' ? constant(b, { dtype: 'int64' }) : b;
  if (!(t instanceof TensorVariable) || t.ndim !== 0 || !isInt(t.dtype)) throw new TypeError(`get: index ${position}: slice bounds must be integer scalars, got ${String(t)}${t instanceof TensorVariable ? ` of type ${t.type}` : ''}`);
  return t;
}

/** A slice whose 0-d integer constant bounds are numbers: `x[T.constant(1):]` is `x[1:]`, its length known without a host op. */
function foldedBounds(e: Slice): Slice {
  const fold = (b: number | TensorVariable | null) => (b instanceof TensorConstant && b.ndim === 0 && isInt(b.dtype) ? Number(b.value.data[0]) : b);
  const [start, stop, step] = [fold(e.start), fold(e.stop), fold(e.step)];
  return start === e.start && stop === e.stop && step === e.step ? e : new Slice(start, stop, step);
}

/**
 * A slice with a symbolic bound: `length` elements from `start`, when both
 * bounds are given, there is no step, and stop - start simplifies to a
 * constant of at least 0; else undefined (the length is found from the
 * values, `hostWindow`).
 */
function windowOf(e: Slice, position: number): { start: TensorVariable; length: number } | undefined {
  if ((e.step !== null && e.step !== 1) || e.start === null || e.stop === null) return undefined;
  const start = boundOf(e.start, position);
  const stop = boundOf(e.stop, position);
  const cx: AffineContext = { names: new Map(), keys: new Map(), interned: new Map() };
  const names = cx.names;
  const [a, b] = [affine(start, cx), affine(stop, cx)];
  const diff = { terms: new Map(b.terms), c: b.c - a.c };
  for (const [t, m] of a.terms) diff.terms.set(t, (diff.terms.get(t) ?? 0) - m);
  const left = [...diff.terms].filter(([, m]) => m !== 0).map(([t]) => names.get(t)!);
  if (left.length > 0 || diff.c < 0) return undefined;
  return { start, length: diff.c };
}

/**
 * The positions along `axis` of x that a slice whose length depends on
 * values picks: start + arange(length) * step, start and length computed
 * on the host (`SliceWindow`, Python's `slice.indices`), the length a
 * static value of the program that reads the window.
 */
export function hostWindow(v: TensorVariable, axis: number, e: Slice, position: number): TensorVariable {
  const bounds = [e.start, e.stop, e.step];
  const given = bounds.map((b) => b !== null) as [boolean, boolean, boolean];
  if (typeof e.step === 'number' && e.step === 0) throw new RangeError(`get: index ${position}: the slice ${e} has a step of 0; a slice step cannot be zero, as Python's ValueError says`);
  const inputs = [shapeI(v, axis), ...bounds.filter((b): b is number | TensorVariable => b !== null).map((b) => boundOf(b, position))];
  const [start, length] = applyNode(new SliceWindow(given, position), inputs).outputs as [TensorVariable, TensorVariable];
  const steps = arange(length);
  const step = e.step ?? 1;
  const along = step === 1 ? steps : elemwise('mul', steps, typeof step === 'number' ? constant(step, { dtype: 'int64' }) : inputs[inputs.length - 1]!);
  return elemwise('add', along, start);
}

/** x's elements at positions `idx` along `axis` (AdvancedSubtensor1 with the axis moved first and back). */
export function gatherAlong(x: TensorVariable, axis: number, idx: TensorVariable): TensorVariable {
  const front = moveFirst(x, axis);
  const picked = apply1(new AdvancedSubtensor1(), [front, idx]);
  return axis === 0 ? picked : apply1(new DimShuffle(picked.broadcastable, x.broadcastable.map((_, d) => (d === axis ? 0 : d < axis ? d + 1 : d))), [picked]);
}

/** x with `value` (x gathered along `axis` at `idx`, written into) written back at those positions. */
export function scatterAlong(x: TensorVariable, axis: number, idx: TensorVariable, value: TensorVariable): TensorVariable {
  const written = apply1(new AdvancedIncSubtensor1(true), [moveFirst(x, axis), moveFirst(value, axis), idx]);
  return axis === 0 ? written : apply1(new DimShuffle(written.broadcastable, x.broadcastable.map((_, d) => (d === axis ? 0 : d < axis ? d + 1 : d))), [written]);
}

const moveFirst = (x: TensorVariable, axis: number): TensorVariable =>
  axis === 0 ? x : apply1(new DimShuffle(x.broadcastable, [axis, ...x.broadcastable.map((_, d) => d).filter((d) => d !== axis)]), [x]);

/**
 * `null` is NumPy's `None` (`newaxis`): `m.get(':', null)` is `m[:, None]`.
 * The string `'...'` is NumPy's Ellipsis: `x.get('...', 0)` is `x[..., 0]`.
 * A boolean is NumPy's `x[True]` (`x[None]`) or `x[False]` (a new axis of
 * length 0), as a 0-d boolean tensor is, alone or among other indices.
 */
export type Index = number | string | Slice | TensorVariable | boolean | null | readonly NestedArray[];

function parseSlice(text: string, position: number): IndexEntry {
  const parts = text.split(':').map((p) => p.trim());
  const bad = () => new TypeError(`index ${position}: ${JSON.stringify(text)} is not an integer or a slice such as '1:3', ':' or '::-1'`);
  if (parts.length === 1) {
    if (!/^-?\d+$/.test(parts[0]!)) throw bad();
    return { kind: 'int', value: Number(parts[0]) };
  }
  if (parts.length > 3) throw bad();
  const [start, stop, step] = parts.map((p) => {
    if (p === '') return null;
    if (!/^-?\d+$/.test(p)) throw bad();
    return Number(p);
  });
  return { kind: 'slice', start: start ?? null, stop: stop ?? null, step: step ?? null };
}

/**
 * A JS array among the indices: NumPy's list index, a constant integer
 * array (int64), or a boolean mask when it holds booleans.
 */
function indexArray(e: readonly NestedArray[], position: number): TensorVariable {
  const flat = (e as NestedArray[]).flat(Infinity as 1) as unknown[];
  const text = () => (JSON.stringify(e).length > 40 ? `${JSON.stringify(e).slice(0, 37)}...` : JSON.stringify(e));
  if (flat.length > 0 && flat.every((b) => typeof b === 'boolean')) return constant(e, { dtype: 'bool' });
  const bad = flat.find((n) => typeof n !== 'number' || !Number.isSafeInteger(n));
  if (bad !== undefined) {
    throw new TypeError(`get: index ${position}: the array ${text()} holds ${JSON.stringify(bad)}; an index array must hold integers (or only booleans, a mask), as NumPy's IndexError says`);
  }
  return constant(e, { dtype: 'int64' });
}

const isFullSlice = (e: Index): boolean => (e instanceof Slice && e.start === null && e.stop === null && e.step === null) || e === ':';

/** NumPy's Ellipsis among the indices: the string `'...'`. */
const ELLIPSIS = '...';

/** How many of x's axes an index covers: a k-d mask k, null and a boolean none, others one. */
function axesCovered(e: Index): number {
  if (e === null || typeof e === 'boolean' || e === ELLIPSIS) return 0;
  if (e instanceof TensorVariable && e.dtype === 'bool') return e.ndim;
  return 1;
}

/** An index NumPy counts as advanced for where the broadcast axes go: arrays, masks, booleans and integers. */
function countsAsAdvanced(e: Index): boolean {
  if (e === null || e === ELLIPSIS || e instanceof Slice) return false;
  if (typeof e === 'string') return /^\s*-?\d+\s*$/.test(e);
  return true;
}

/**
 * `'...'` (NumPy's Ellipsis) as as many `':'` as x's axes the other
 * indices leave; at most one. One that stands for no axis between two
 * advanced indices stays (mixed-index.ts reads it as a gap: NumPy puts
 * the broadcast axes first then, as for a slice between them).
 */
function expandEllipsis(v: TensorVariable, index: readonly Exclude<Index, readonly NestedArray[]>[]): Exclude<Index, readonly NestedArray[]>[] {
  const at = index.flatMap((e, position) => (e === ELLIPSIS ? [position] : []));
  if (at.length === 0) return [...index];
  if (at.length > 1) throw new TypeError(`get: an index can only have a single ellipsis ('...'), as NumPy's IndexError says: indices ${at[0]} and ${at[1]} are both '...'`);
  const k = at[0]!;
  const width = Math.max(0, v.ndim - index.reduce<number>((n, e) => n + axesCovered(e), 0));
  const [before, after] = [index.slice(0, k), index.slice(k + 1)];
  const isArrayLike = (e: Index): boolean => typeof e === 'boolean' || (e instanceof TensorVariable && (e.ndim > 0 || e.dtype === 'bool'));
  const gap = width === 0 && index.some(isArrayLike) && before.some(countsAsAdvanced) && after.some(countsAsAdvanced);
  return [...before, ...(gap ? [ELLIPSIS] : Array.from({ length: width }, () => ':')), ...after];
}

/** All of x as a window (a 0-d x's `x[...]`): writing into it gives y broadcast to x, or x + y. */
function wholeWindow(v: TensorVariable): TensorVariable {
  const window = apply1(new DimShuffle(v.broadcastable, v.broadcastable.map((_, d) => d)), [v]);
  // writeWindow checked y against v (checkWritable) before calling: the cast below loses nothing, the add adds no bools
  markWindowWriter(window, v, (y, set) => {
    const yOfX = y.dtype === v.dtype ? y : cast(y, v.dtype);
    return set ? elemwise('second', v, yOfX) : elemwise('add', v, yOfX);
  });
  return window;
}

/** x, when the index covers no more axes than x has (the forms that take whole slices past their own without an op to check them). */
function checkCovered(v: TensorVariable, index: readonly Index[]): TensorVariable {
  const covered = index.reduce<number>((n, e) => n + axesCovered(e), 0);
  if (covered > v.ndim) throw new TypeError(`get: too many indices for ${v}: it has ${v.ndim} dimensions but the index covers ${covered} (NumPy's IndexError)`);
  return v;
}

/** `x[index...]`: basic indexing, rows by an integer array, or NumPy's advanced indexing (mixed-index.ts). */
export function get(x: TensorLike, ...given: Index[]): TensorVariable {
  const v = asTensor(x, 'get');
  const arraysGiven: Exclude<Index, readonly NestedArray[]>[] = given.map((e, position) => (Array.isArray(e) ? indexArray(e as readonly NestedArray[], position) : (e as Exclude<Index, readonly NestedArray[]>)));
  const index = expandEllipsis(v, arraysGiven);
  // a 0-d x's x[...] (no axis left to index) is still a window NumPy writes through: z[...] = 5
  if (index.length === 0 && arraysGiven.length > 0) return wholeWindow(v);
  const isFlag = (e: Index): boolean => typeof e === 'boolean' || (e instanceof TensorVariable && e.dtype === 'bool');
  if (index.some(isFlag)) {
    const e = index[0]!;
    // NumPy's x[True], x[mask] for a 0-d mask: x[None] with 1 or 0 rows
    if (index.length === 1 && typeof e === 'boolean') return scalarMask(v, e);
    // x[mask] (and x[mask, :, :]): the rows where the mask is true; whole slices past x's axes are too many (a mask of
    // more axes than x has its own error)
    if (e instanceof TensorVariable && isFlag(e) && index.slice(1).every(isFullSlice)) return booleanMask(e.ndim <= v.ndim ? checkCovered(v, index) : v, e);
    // a boolean among other indices: NumPy's advanced indexing, the masks as their nonzero()
    return mixedIndex(v, index);
  }
  const isArray = (e: Index): e is TensorVariable => e instanceof TensorVariable && e.ndim > 0;
  const arrays = index.filter(isArray);
  // too many indices: named as get and x, before the Subtensor op would name itself (a 0-d x has its own message)
  if (arrays.length === 0) return index.includes(null) ? withNewAxes(v, index) : basic(v.ndim === 0 ? v : checkCovered(v, index), index);
  const [a, b] = [index[0], index[1]];
  // the forms with an op of their own (the same kernels as before advanced indexing took other forms):
  // x[idx] (and x[idx, :, ...]) picks rows; x[rows, cols] of a matrix picks elements (the negative log-likelihood's)
  if (isArray(a) && isInt(a.dtype) && index.slice(1).every(isFullSlice)) return rows(checkCovered(v, index), a);
  if (index.length === 2 && v.ndim === 2 && isArray(a) && isArray(b) && [a, b].every((i) => i.ndim === 1 && isInt(i.dtype) && !i.broadcastable[0])) return pairs(v, a, b);
  // else NumPy's advanced indexing: the arrays broadcast together, their axes in place or first
  return mixedIndex(v, index);
}

/** `x[idx]` for an integer array idx: rows along axis 0, shaped as idx's then x's other axes. */
function rows(v: TensorVariable, given: TensorVariable): TensorVariable {
  // an index out of range is NumPy's IndexError where its values are on the host (see CheckIndex)
  const idx = checkedIndex(given, v, 0, () => `${nameInError(v)}[${indexName(given)}]`);
  if (idx.ndim === 1) return apply1(new AdvancedSubtensor1(), [v, idx]);
  // an index matrix (Theano's embedding lookup Wemb[x]): the rows of its flattened form, shaped back
  const picked = apply1(new AdvancedSubtensor1(), [v, apply1(new Reshape([-1]), [idx])]);
  const flat = picked.owner!.inputs[1]!;
  const shape = [...idx.broadcastable.map((_, d) => shapeI(idx, d)), ...v.broadcastable.slice(1).map((_, d) => shapeI(v, d + 1))];
  // named in errors as the user wrote it (emb[idxs]), not as the ReshapeTo that shapes the rows back
  const window = labelForErrors(apply1(new ReshapeTo(), [picked, ...shape]), () => `${nameInError(v)}[${nameInError(given)}]`);
  markWindowWriter(window, v, (y, set) => {
    // y broadcast to the window, as rows of the flattened index: written as x.get(flat) is (inc adds up at repeated rows, set's last write wins)
    const full = apply1(new Alloc(), [y, ...shape]);
    const asRows = apply1(new ReshapeTo(), [full, shapeI(flat, 0), ...shape.slice(idx.ndim)]);
    return apply1(new AdvancedIncSubtensor1(set), [v, asRows, flat]);
  });
  return window;
}

/**
 * Basic indexing: numbers, slices (of constant or symbolic bounds) and
 * integer scalars; one Subtensor. A slice whose length depends on values
 * is first gathered along its axis (`hostWindow`), the Subtensor taking
 * that axis whole; writing into the window writes back through the gathers.
 */
function basic(v: TensorVariable, index: readonly Index[]): TensorVariable {
  const vars: TensorVariable[] = [];
  const gathers: { axis: number; idx: TensorVariable }[] = [];
  const entries = index.map((e, position): IndexEntry => {
    if (typeof e === 'number') return { kind: 'int', value: e };
    if (typeof e === 'string') return parseSlice(e, position);
    if (e instanceof Slice) {
      e = foldedBounds(e);
      if (e.start instanceof TensorVariable || e.stop instanceof TensorVariable || e.step instanceof TensorVariable) {
        const w = windowOf(e, position);
        if (!w) {
          // every entry of a basic index covers one axis: the position is the axis
          if (position < v.ndim) gathers.push({ axis: position, idx: hostWindow(v, position, e, position) });
          return { kind: 'slice', start: null, stop: null, step: null };
        }
        vars.push(w.start);
        return { kind: 'window', input: vars.length - 1, length: w.length };
      }
      if (e.step === 0) throw new RangeError(`get: index ${position}: the slice ${e} has a step of 0; a slice step cannot be zero, as Python's ValueError says`);
      return { kind: 'slice', start: e.start, stop: e.stop, step: e.step as number | null };
    }
    if (e instanceof TensorVariable) {
      // every entry of a basic index covers one axis: the position is the axis
      vars.push(position < v.ndim ? checkedIndex(e, v, position, () => indexingText(v, index)) : e);
      return { kind: 'var', input: vars.length - 1 };
    }
    throw new TypeError(`get: index ${position} must be a number, a slice ('1:3' or T.slice(1, 3)) a symbolic integer or null (NumPy's newaxis), got ${typeof e}`);
  });
  if (entries.length === 0) return v;
  if (gathers.length === 0) return apply1(new Subtensor(entries), [v, ...vars]);
  checkCovered(v, index);
  // the slices of value-dependent lengths gathered one after another, then the rest (their axes whole)
  const steps = [v];
  for (const g of gathers) steps.push(gatherAlong(steps[steps.length - 1]!, g.axis, g.idx));
  const gathered = steps[steps.length - 1]!;
  const whole = entries.every((e) => e.kind === 'slice' && e.start === null && e.stop === null && e.step === null);
  const window = whole ? gathered : apply1(new Subtensor(entries), [gathered, ...vars]);
  // writeWindow checked y against v (checkWritable) before calling: the cast below loses nothing, the add adds no bools
  markWindowWriter(window, v, (y, set) => {
    const yOf = y.dtype === v.dtype ? y : cast(y, v.dtype);
    let value = whole
      ? elemwise(set ? 'second' : 'add', gathered, yOf)
      : apply1(new IncSubtensor(entries, set), [gathered, yOf, ...vars]);
    for (let k = gathers.length - 1; k >= 0; k--) value = scatterAlong(steps[k]!, gathers[k]!.axis, gathers[k]!.idx, value);
    return value;
  });
  return window;
}

/**
 * `x[..., None, ...]`: the window without the nulls, then a broadcastable
 * length-1 axis where each null stands among the result's axes (an
 * integer index drops its axis, a slice keeps it), as NumPy's newaxis.
 */
function withNewAxes(v: TensorVariable, index: Index[]): TensorVariable {
  const base = get(v, ...index.filter((e) => e !== null));
  const pattern: (number | 'x')[] = [];
  let axis = 0;
  for (const e of index) {
    if (e === null) pattern.push('x');
    else if (typeof e !== 'number' && !(e instanceof TensorVariable)) pattern.push(axis++);
  }
  while (axis < base.ndim) pattern.push(axis++);
  const window = apply1(new DimShuffle(base.broadcastable, pattern), [base]);
  markWindowWriter(window, v, (y, set) => {
    // y broadcast to the window's shape, its new axes (length 1) dropped: a value for the window without them
    const full = apply1(new Alloc(), [y, ...window.broadcastable.map((b, d) => (b ? constant(1, { dtype: 'int64' }) : shapeI(window, d)))]);
    const yBase = apply1(new DimShuffle(full.broadcastable, pattern.flatMap((p, d) => (p === 'x' ? [] : [d]))), [full]);
    if (base !== v) return writeWindow(set ? 'setSubtensor' : 'incSubtensor', base, yBase, set);
    // x[None] is all of x (writeWindow checked y against it: the cast loses nothing, the add adds no bools)
    const yOfX = yBase.dtype === v.dtype ? yBase : cast(yBase, v.dtype);
    return set ? elemwise('second', v, yOfX) : elemwise('add', v, yOfX);
  });
  return window;
}

/**
 * `x[rows, cols]` for a matrix x and two integer vectors of one length: the
 * elements x[rows[k], cols[k]] (NumPy's advanced indexing; other forms,
 * and vectors typed broadcastable, go through mixed-index.ts), as Theano's
 * `log(p)[T.arange(y.shape[0]), y]` picks each example's label. Written
 * as rows of the flattened matrix, so it differentiates as `x.get(idx)`
 * does; each vector is checked against its own axis where its values are
 * on the host (a label past the classes is NumPy's IndexError), and a
 * computed one is clamped into its axis.
 */
function pairs(x: TensorVariable, rows: TensorVariable, cols: TensorVariable): TensorVariable {
  for (const [what, v] of [['rows', rows], ['cols', cols]] as const) {
    if (v.ndim !== 1 || !isInt(v.dtype)) throw new TypeError(`get: ${what} index ${v} must be an integer vector, got ${v.type}`);
  }
  if (x.ndim !== 2) {
    throw new TypeError(`get: two index vectors pick elements of a matrix (x[rows, cols]); ${x} has ${x.ndim} dimensions (only this form of NumPy's advanced indexing is supported)`);
  }
  const [n0, n1] = [shapeI(x, 0), shapeI(x, 1)];
  // NumPy's negative indices count from the end of their own axis; a computed index out of its axis is clamped into it (as x.get(idx)), not into the next row
  const wrap = (i: TensorVariable, n: TensorVariable) => elemwise('clip', elemwise('switch', elemwise('lt', i, 0), elemwise('add', i, n), i), 0, elemwise('sub', n, 1));
  const paired = apply1(new MatchLength(0, 0, (a, b) =>
        `get: shape mismatch: the index arrays cannot be broadcast together (NumPy's IndexError): index 0 (${nameInError(rows)}) has shape (${a[0]},) and index 1 (${nameInError(cols)}) has shape (${b[0]},); ` +
        `x.get(rows, cols) of a matrix pairs them one to one (a vector that should broadcast its one index needs a broadcastable type: T.tensor('int64', [true]))`, 'get pairs'), [rows, cols]);
  // the rows of the negative log-likelihood as Theano writes them (their label names the call that made them, not the index)
  const what = () => `${nameInError(x)}[${rows.owner?.op instanceof ARange ? 'arange(n)' : indexName(rows)}, ${indexName(cols)}]`;
  const linear = elemwise('add', elemwise('mul', wrap(checkedIndex(paired, x, 0, what), n0), n1), wrap(checkedIndex(cols, x, 1, what), n1));
  // x flattened, named so in errors (a write into the window names it: 'incSubtensor into x.flatten()')
  const flat = labelForErrors(apply1(new Reshape([-1]), [x]), () => `${nameInError(x)}.flatten()`);
  const window = apply1(new AdvancedSubtensor1(), [flat, linear]);
  // taken from x flattened: writing into it must give x's shape back
  return markReshapedWindow(window, x);
}

/** `x[index...]` as the user wrote it, for errors: `emb[idxs]`, `x[:, i]`. */
export function indexingText(x: TensorVariable, index: readonly Index[]): string {
  const text = (e: Index): string => (e === null ? 'None' : e instanceof TensorVariable ? indexName(e) : Array.isArray(e) ? JSON.stringify(e) : String(e));
  return `${nameInError(x)}[${index.map(text).join(', ')}]`;
}

function writeWindow(what: string, window: TensorVariable, given: TensorLike, set: boolean): TensorVariable {
  const y = window instanceof TensorVariable ? dropLeadingOnes(what, window, given) : given;
  const writer = window instanceof TensorVariable ? windowWriterOf(window) : undefined;
  if (writer) {
    const checked = checkedY(what, window, writer.x, y, set);
    // y against the window as the user wrote it when the function runs too: a writer's ops (scatters along moved axes,
    // an Alloc) would name their own shapes; a y broadcastable on every axis always fits, and stays as it is for the
    // rewrites that read it
    const fits = checked.broadcastable.every(Boolean) ? checked : apply1(new FitsWindow(`${what} into ${writer.x}`, String(checked), checked.broadcastable), [checked, window]);
    return writer.write(fits, set);
  }
  const owner = window instanceof TensorVariable ? window.owner : undefined;
  const op = owner?.op;
  if (op instanceof Subtensor) {
    const [x, ...vars] = owner!.inputs;
    return apply1(new IncSubtensor(op.entries, set), [x!, checkedY(what, window, x!, y, set), ...vars]);
  }
  if (op instanceof AdvancedSubtensor1) {
    const [x, idx] = owner!.inputs;
    const matrix = reshapedWindowOf(window);
    const written = apply1(new AdvancedIncSubtensor1(set), [x!, checkedY(what, window, matrix ?? x!, y, set), idx!]);
    if (!matrix) return written;
    // x[rows, cols] written into: x's shape (a length-1 broadcastable dimension stays one)
    const lengths = matrix.broadcastable.map((b, d) => (b ? constant(1, { dtype: 'int64' }) : shapeI(matrix, d)));
    return apply1(new ReshapeTo(), [written, ...lengths]);
  }
  throw new TypeError(`${what}: expected a window of a tensor made by x.get(...), got ${String(window)}`);
}

/**
 * y with more dimensions than the window: NumPy's `x[...] = y` accepts
 * leading length-1 dimensions beyond the window's; here they must be
 * broadcastable in y's type (Theano's rule for broadcasting) and are dropped.
 */
function dropLeadingOnes(what: string, window: TensorVariable, given: TensorLike): TensorLike {
  if (typeof given === 'number' || typeof given === 'boolean') return given;
  const y = asTensor(given, what);
  if (y.ndim <= window.ndim) return y;
  const extra = y.ndim - window.ndim;
  if (y.broadcastable.slice(0, extra).some((b) => !b)) {
    throw new TypeError(
      `${what}: y (${nameInError(y)}) of type ${y.type} has ${y.ndim} dimensions but the window ${nameInError(window)} has ${window.ndim}; ` +
        `its ${extra} leading dimensions must be broadcastable (length 1 in its type) to be dropped`,
    );
  }
  return apply1(new DimShuffle(y.broadcastable, y.broadcastable.slice(extra).map((_, d) => d + extra)), [y]);
}

/**
 * y as a tensor, checked at the front door against the user's x and the
 * window before any op is built: the ops inside a window made of several
 * (mixed-index.ts, x[None], x[i:]) would name their intermediates
 * (`Alloc.0`, `DimShuffle{0,x}.0`) instead of x and y.
 */
function checkedY(what: string, window: TensorVariable, x: TensorVariable, given: TensorLike, set: boolean): TensorVariable {
  const y = asYFor(what, given, x, set);
  checkWritable(what, x, y, set);
  checkBroadcastTo(`${what} into ${x}`, y, y.staticShape, window.staticShape);
  return y;
}

/** y as a tensor; a plain number takes x's dtype, as Theano's literals do (one it would lose, 0.5 into integers, refused). */
function asYFor(what: string, y: TensorLike, x: TensorVariable, set: boolean): TensorVariable {
  if (typeof y === 'number' && isInt(x.dtype) && !(Number.isInteger(y) && y >= intRange(x.dtype)[0] && y <= intRange(x.dtype)[1])) {
    // NumPy's x[i] += 0.5, x[i] = NaN and x[i] = 300 (int8) raise; its x[i] = 0.5 truncates, which sym refuses too
    const inRange = Number.isFinite(y) && y >= intRange(x.dtype)[0] && y <= intRange(x.dtype)[1];
    const numpy = set && inRange ? 'NumPy would truncate it silently' : 'NumPy refuses it too';
    throw new TypeError(`${what}: cannot write ${y} into ${nameInError(x)} (${x.dtype}) without losing data (${numpy}); write an integer, or make ${nameInError(x)} a float tensor`);
  }
  if (typeof y === 'number' || typeof y === 'boolean') return constant(y, { dtype: x.dtype });
  return asTensor(y, what);
}

/** Theano's `set_subtensor(x[...], y)`: x with that window replaced by y (broadcast). */
export function setSubtensor(window: TensorVariable, y: TensorLike): TensorVariable {
  return writeWindow('setSubtensor', window, y, true);
}

/** Theano's `inc_subtensor(x[...], y)`: x with y added to that window (repeated rows of an index vector add up). */
export function incSubtensor(window: TensorVariable, y: TensorLike): TensorVariable {
  return writeWindow('incSubtensor', window, y, false);
}

/** `numpy.concatenate(tensors, axis)`: the dtype is the promotion of theirs. */
export function concatenate(tensors: readonly TensorLike[], axis = 0): TensorVariable {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError('concatenate: expected a non-empty list of tensors');
  const vs = tensors.map((t, i) => asTensor(t, `concatenate: tensor ${i}`));
  const nd = vs[0]!.ndim;
  const a = axisIn('concatenate', axis, nd, vs[0]);
  if (vs.length === 1) return vs[0]!;
  return apply1(new Join(a), vs);
}

/** `numpy.stack(tensors, axis)`: join along a new axis. */
export function stack(tensors: readonly TensorLike[], axis = 0): TensorVariable {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError('stack: expected a non-empty list of tensors');
  const vs = tensors.map((t, i) => asTensor(t, `stack: tensor ${i}`));
  const nd = vs[0]!.ndim;
  for (const v of vs) if (v.ndim !== nd) throw new TypeError(`stack: all tensors must have ${nd} dimensions like ${nameInError(vs[0]!)}, got ${nameInError(v)} of type ${v.type}`);
  // an axis of the result, which has one dimension more
  const a = axisIn('stack', axis, nd + 1, vs[0]);
  const expanded = vs.map((v) => apply1(new DimShuffle(v.broadcastable, [...Array.from({ length: a }, (_, d) => d), 'x' as const, ...Array.from({ length: nd - a }, (_, d) => a + d)]), [v]));
  return expanded.length === 1 ? expanded[0]! : apply1(new Join(a), expanded);
}

/**
 * `numpy.arange(start, stop, step)`: int64 when all are integers, else
 * floatX, unless `dtype` says. Numbers make a constant. Integer scalars
 * (`y.shape[0]`, a function input) make the length known only when a
 * program is made: one program per value of a function input.
 */
export function arange(start: number | TensorVariable, stop?: number | TensorVariable, step: number | TensorVariable = 1, options: { dtype?: DType } = {}): TensorVariable {
  const args = stop === undefined ? [0, start, step] : [start, stop, step];
  for (const v of args) {
    if (typeof v !== 'number' && !(v instanceof TensorVariable)) throw new TypeError(`arange: start, stop and step must be numbers or integer scalars, got ${v === null ? 'null' : typeof v}`);
  }
  if (args.some((v) => v instanceof TensorVariable)) {
    const vars = args.map((v, i) => (typeof v === 'number' ? constant(v, { dtype: 'int64' }) : asTensor(v, `arange: argument ${i}`)));
    vars.forEach((v, i) => {
      if (!isInt(v.dtype) || v.ndim !== 0) throw new TypeError(`arange: argument ${i} (${v}) must be an integer scalar, got ${v.type}`);
    });
    return apply1(new ARange(options.dtype ?? 'int64'), vars);
  }
  const [lo, hi, by] = args as number[];
  if (by === 0) throw new RangeError('arange: step cannot be zero');
  const n = Math.max(0, Math.ceil((hi! - lo!) / by!));
  const ints = [lo, hi, by].every((v) => Number.isInteger(v));
  const dtype = options.dtype ?? (ints ? 'int64' : config.floatX);
  const a = NDArray.zeros([n], dtype);
  if (dtype !== 'bool') arangeFill(a.data, lo!, by!, dtype);
  else for (let i = 0; i < n; i++) a.data[i] = lo! + i * by!;
  return constant(a, { dtype });
}

/**
 * NumPy's arange: start and start + step (each converted to the dtype)
 * first, then start + i delta with delta their difference, not the step
 * (arange(1, 2, 0.1) steps by 1.1 - 1 = 0.10000000000000009: its third
 * value is 1.2000000000000002; int32's arange(0, 5, 1.5) steps by 1), in
 * the dtype's arithmetic; float16 in float32, rounded to half each
 * (NumPy's HALF_fill).
 */
function arangeFill(data: TypedArray, lo: number, by: number, dtype: DType): void {
  const round = dtype === 'float32' || dtype === 'float16' ? Math.fround : (x: number) => x;
  const store = isFloat(dtype) ? (dtype === 'float16' ? f16round : round) : (x: number) => castScalar(x, dtype);
  const start = store(lo);
  const delta = round(store(lo + by) - start);
  for (let i = 0; i < data.length; i++) data[i] = i === 0 ? start : i === 1 ? store(lo + by) : store(round(start + round(round(i) * delta)));
}

const shapeI = (x: TensorVariable, axis: number): TensorVariable => apply1(new ShapeI(axis), [x]);
