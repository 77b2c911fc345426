/**
 * NumPy's advanced indexing for an index tuple holding a boolean (a mask
 * of one or more dimensions, a JS boolean or a 0-d boolean tensor) or an
 * integer array among other indices: `x[:, m]`, `x[m, 0]`, `x[idx, m]`,
 * `x[True, 0]`, `x[m1, m2]`, `x[:, idx]`, `x[0, idx]`, `x[idx, :, idx2]`
 * (but `x[idx]` and a matrix's `x[rows, cols]`, indexing.ts). As NumPy: a k-d mask is its `nonzero()` (k integer
 * vectors over the k axes it covers), a 0-d boolean indexes a new axis of
 * length 1 by `[0]` or `[]`, integers count as advanced indices (0-d
 * arrays) for where the result's axes go, and the integer arrays broadcast
 * together; their axes go where the advanced indices stand when these are
 * adjacent in the tuple, first otherwise.
 *
 * Built of ordinary ops, so it differentiates and is a window for
 * setSubtensor/incSubtensor: ints and slices are a basic Subtensor; the
 * advanced axes are moved first and merged into one, indexed by the
 * linear positions (an `AdvancedSubtensor1`, as `x.get(idx)`), and the
 * rows shaped back. The masks' positions are `T.nonzero` (a host stage).
 */
import { isInt } from '../core/dtype.js';
import { NDArray, shapeToString } from '../core/ndarray.js';
import { apply1, constant } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { AdvancedIncSubtensor1, AdvancedSubtensor1 } from '../ops/advanced.js';
import { DimShuffle, MatchLength, Reshape, ReshapeTo, ShapeI } from '../ops/shape.js';
// a cycle (indexing.ts routes such tuples here): used only inside functions, never while the modules load
import { get, indexingText, setSubtensor, Slice, type Index } from './indexing.js';
import { checkedIndex } from '../ops/check-index.js';
import { markWindowWriter } from './window-marks.js';
import { flatnonzero, nonzero } from './data-dependent.js';
import * as T from './tensor.js';

/** One entry of the tuple: what it is, and how many of x's axes it covers. */
type Part =
  | { readonly kind: 'new' }
  // '...' standing for no axis between advanced indices (indexing.ts keeps it): they are not adjacent
  | { readonly kind: 'gap' }
  | { readonly kind: 'slice' | 'int'; readonly index: Index }
  | { readonly kind: 'array'; readonly idx: TensorVariable }
  | { readonly kind: 'mask'; readonly mask: TensorVariable }
  | { readonly kind: 'flag'; readonly flag: boolean | TensorVariable };

const covers = (p: Part): number => (p.kind === 'slice' || p.kind === 'int' || p.kind === 'array' ? 1 : p.kind === 'mask' ? p.mask.ndim : 0);
const isAdvanced = (p: Part): boolean => p.kind !== 'new' && p.kind !== 'slice' && p.kind !== 'gap';

function classify(e: Index, position: number): Part {
  if (e === null) return { kind: 'new' };
  if (e === '...') return { kind: 'gap' };
  if (typeof e === 'boolean') return { kind: 'flag', flag: e };
  if (typeof e === 'number') return { kind: 'int', index: e };
  if (typeof e === 'string') return { kind: /^\s*-?\d+\s*$/.test(e) ? 'int' : 'slice', index: e };
  if (e instanceof Slice) return { kind: 'slice', index: e };
  if (e instanceof TensorVariable) {
    if (e.dtype === 'bool') return e.ndim === 0 ? { kind: 'flag', flag: e } : { kind: 'mask', mask: e };
    if (!isInt(e.dtype)) throw new TypeError(`get: index ${position} (${e}) of type ${e.type} cannot index: use an integer, an integer array or a boolean mask`);
    return e.ndim === 0 ? { kind: 'int', index: e } : { kind: 'array', idx: e };
  }
  throw new TypeError(`get: index ${position} must be a number, a slice ('1:3' or T.slice(1, 3)), null (NumPy's newaxis), a boolean, or a tensor, got ${typeof e}`);
}

const int64 = (n: number): TensorVariable => constant(n, { dtype: 'int64' });
const shapeI = (x: TensorVariable, axis: number): TensorVariable => (x.broadcastable[axis] ? int64(1) : apply1(new ShapeI(axis), [x]));
const lengthsOf = (x: TensorVariable): TensorVariable[] => x.broadcastable.map((_, d) => shapeI(x, d));
const dimshuffle = (x: TensorVariable, pattern: readonly (number | 'x')[]): TensorVariable =>
  pattern.length === x.ndim && pattern.every((p, d) => p === d) ? x : apply1(new DimShuffle(x.broadcastable, pattern), [x]);
const reshapeTo = (x: TensorVariable, lengths: readonly TensorVariable[]): TensorVariable => apply1(new ReshapeTo(), [x, ...lengths]);
const product = (xs: readonly TensorVariable[]): TensorVariable => xs.reduce((p, q) => T.mul(p, q), int64(1));

/** NumPy's negative positions count from the end of their axis; one out of it is clamped into it, as `x.get(idx)`'s kernels do (an input's values are checked first: CheckIndex). */
function wrap(i: TensorVariable, n: TensorVariable): TensorVariable {
  const i64 = i.dtype === 'int64' ? i : T.cast(i, 'int64');
  return T.clip(T.switch(T.lt(i64, 0), T.add(i64, n), i64), 0, T.sub(n, 1));
}

/**
 * The index arrays broadcast together, as NumPy's (a length 1 broadcasts
 * even when only the values say so: the count of a mask with one true
 * element); lengths that cannot broadcast are NumPy's IndexError, naming
 * the index positions and shapes.
 */
function broadcastTogether(arrays: readonly TensorVariable[], positions: readonly number[]): TensorVariable[] {
  const nd = Math.max(...arrays.map((a) => a.ndim));
  let out = arrays.map((a) => dimshuffle(a, [...Array.from({ length: nd - a.ndim }, () => 'x' as const), ...a.broadcastable.map((_, d) => d)]));
  for (let d = 0; d < nd; d++) {
    const open = out.map((a, j) => j).filter((j) => !out[j]!.broadcastable[d]);
    if (open.length < 2) continue;
    // the broadcast length: the first that is not 1, else 1
    const lens = open.map((j) => shapeI(out[j]!, d));
    const r = lens.slice(1).reduce((acc, n) => T.switch(T.eq(acc, 1), n, acc), lens[0]!);
    out = out.map((a, j) => {
      const k = open.indexOf(j);
      if (k < 0) return a;
      const one = T.eq(lens[k]!, 1);
      const describe = (as: readonly (number | null)[], es: readonly (number | null)[]): string =>
        `get: shape mismatch: the index arrays cannot be broadcast together (NumPy's IndexError): index ${positions[j]} of shape ${shapeToString(as.slice(nd - arrays[j]!.ndim))} has ${as[d]} positions along dimension ${d} of the broadcast where the others have ${es[0]}`;
      // a has r or 1 entries along d, checked: the expected length is r unless a's is 1
      const checked = apply1(new MatchLength(d, 0, describe, `broadcast index ${positions[j]}:${d}`), [a, T.arange(T.switch(one, 1, r))]);
      // gather along d by arange(r) (all zeros where a's length is 1): a broadcast whose length the values give
      const along = T.mul(T.arange(r), T.cast(T.neq(lens[k]!, 1), 'int64'));
      const front = [d, ...a.broadcastable.map((_, i) => i).filter((i) => i !== d)];
      const back = a.broadcastable.map((_, i) => (i === d ? 0 : i < d ? i + 1 : i));
      return dimshuffle(apply1(new AdvancedSubtensor1(), [dimshuffle(checked, front), along]), back);
    });
  }
  return out;
}

/** `x[index...]` for a tuple holding a boolean among other indices (see the file's comment). */
export function mixedIndex(v: TensorVariable, index: readonly Index[]): TensorVariable {
  const parts = index.map(classify);
  const covered = parts.reduce((n, p) => n + covers(p), 0);
  if (covered > v.ndim) throw new TypeError(`get: too many indices for ${v}: it has ${v.ndim} dimensions but the index covers ${covered} (NumPy's IndexError)`);
  // 1. ints and slices on x's own axes (a basic window); the axes of arrays and masks kept whole
  const basic: Index[] = [];
  const masks = new Map<Part, TensorVariable>();
  // a user's integer array, checked against its axis of v where its values are on the host (see CheckIndex)
  const checkedArrays = new Map<Part, TensorVariable>();
  let axis = 0;
  parts.forEach((p, position) => {
    if (p.kind === 'slice' || p.kind === 'int') basic.push(p.index);
    else if (p.kind === 'array') {
      basic.push(':');
      checkedArrays.set(p, checkedIndex(p.idx, v, axis, () => indexingText(v, index)));
    }
    else if (p.kind === 'mask') {
      let m = p.mask;
      const first = axis;
      for (let d = 0; d < m.ndim; d++) {
        const describe = (ms: readonly (number | null)[], xs: readonly (number | null)[]): string =>
          `get: index ${position}: the boolean mask ${p.mask} of shape ${shapeToString(ms)} does not match ${v} of shape ${shapeToString(xs)} along axis ${first + d}: ` +
          `expected length ${xs[first + d]} (the mask covers axes ${first}..${first + m.ndim - 1}), got ${ms[d]} (NumPy's IndexError)`;
        m = apply1(new MatchLength(d, first + d, describe, `boolean mask ${position}:${d}`), [m, v]);
      }
      masks.set(p, m);
      for (let d = 0; d < m.ndim; d++) basic.push(':');
    }
    axis += covers(p);
  });
  const needsBasic = basic.some((e) => e !== ':');
  const y = needsBasic ? get(v, ...basic) : v;
  // 2. y with a new axis for each null and each 0-d boolean; each axis of y2 kept, or advanced with its index array
  const pattern: (number | 'x')[] = [];
  // user's integer arrays are wrapped into their axis; nonzero's positions are in range already
  const advanced: { axis: number; idx: TensorVariable; user: boolean; position: number }[] = [];
  let yAxis = 0;
  let keptBefore = -1;
  parts.forEach((p, position) => {
    if (isAdvanced(p) && keptBefore < 0) keptBefore = pattern.length;
    if (p.kind === 'new') pattern.push('x');
    else if (p.kind === 'slice') pattern.push(yAxis++);
    else if (p.kind === 'array') {
      advanced.push({ axis: pattern.length, idx: checkedArrays.get(p)!, user: true, position });
      pattern.push(yAxis++);
    } else if (p.kind === 'mask') {
      for (const r of nonzero(masks.get(p)!)) {
        advanced.push({ axis: pattern.length, idx: r, user: false, position });
        pattern.push(yAxis++);
      }
    } else if (p.kind === 'flag') {
      const f = p.flag;
      const idx = typeof f === 'boolean' ? constant(NDArray.zeros([f ? 1 : 0], 'int64'), { dtype: 'int64' }) : flatnonzero(T.reshape(f, [1]));
      advanced.push({ axis: pattern.length, idx, user: false, position });
      pattern.push('x');
    }
  });
  while (yAxis < y.ndim) pattern.push(yAxis++);
  const y2 = dimshuffle(y, pattern);
  const positions = parts.map((p, k) => (isAdvanced(p) ? k : -1)).filter((k) => k >= 0);
  const adjacent = positions[positions.length - 1]! - positions[0]! + 1 === positions.length;
  const advAxes = advanced.map((a) => a.axis);
  // one array alone is its own linear position: AdvancedSubtensor1 wraps (and clamps a computed one) as x.get(idx) does
  const B = broadcastTogether(
    advanced.map((a) => (a.user && advanced.length > 1 ? wrap(a.idx, shapeI(y2, a.axis)) : a.idx)),
    advanced.map((a) => a.position),
  );
  // 3. the advanced axes first, merged into one; the linear position of each element of the broadcast index
  const kept = y2.broadcastable.map((_, d) => d).filter((d) => !advAxes.includes(d));
  const z = dimshuffle(y2, [...advAxes, ...kept]);
  const advLengths = advAxes.map((d) => shapeI(y2, d));
  const keptLengths = kept.map((d) => shapeI(y2, d));
  const merged = advAxes.length === 1 ? z : reshapeTo(z, [product(advLengths), ...keptLengths]);
  let linear = B[B.length - 1]!;
  let stride = advLengths[advLengths.length - 1]!;
  for (let j = B.length - 2; j >= 0; j--) {
    linear = T.add(T.mul(B[j]!, stride), linear);
    stride = T.mul(stride, advLengths[j]!);
  }
  const bLengths = lengthsOf(linear);
  const flatLinear = linear.ndim === 1 ? linear : apply1(new Reshape([-1]), [linear]);
  const rows = apply1(new AdvancedSubtensor1(), [merged, flatLinear]);
  const shaped = linear.ndim === 1 ? rows : reshapeTo(rows, [...bLengths, ...keptLengths]);
  // 4. the broadcast axes where the advanced indices stand, when these are adjacent in the tuple
  const nb = linear.ndim;
  const at = adjacent ? keptBefore : 0;
  const move = [...Array.from({ length: at }, (_, k) => nb + k), ...Array.from({ length: nb }, (_, k) => k), ...Array.from({ length: kept.length - at }, (_, k) => nb + at + k)];
  const window = dimshuffle(shaped, move);
  markWindowWriter(window, v, (value, set) => {
    // y broadcast to the window's shape (writeWindow checked that it fits), then each step above undone
    const full = T.alloc(value, ...lengthsOf(window));
    const unmoved = dimshuffle(full, move.map((_, k) => move.indexOf(k)));
    const asRows = linear.ndim === 1 ? unmoved : reshapeTo(unmoved, [shapeI(flatLinear, 0), ...keptLengths]);
    const written = apply1(new AdvancedIncSubtensor1(set), [merged, asRows, flatLinear]);
    const unmerged = advAxes.length === 1 ? written : reshapeTo(written, [...advLengths, ...keptLengths]);
    const order = [...advAxes, ...kept];
    const y2back = dimshuffle(unmerged, y2.broadcastable.map((_, d) => order.indexOf(d)));
    const yBack = dimshuffle(y2back, pattern.map((p, d) => (p === 'x' ? -1 : d)).filter((d) => d >= 0));
    return needsBasic ? setSubtensor(y, yBack) : yBack;
  });
  return window;
}
