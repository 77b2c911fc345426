/**
 * Theano 1.0's `T.choose(a, choices, mode)` and `extra_ops`'s
 * `ravel_multi_index`/`unravel_index` (NumPy's), as compositions of
 * gathers and integer arithmetic. Their default mode raises on an entry out
 * of range: each integer operand goes through a CheckIndex (nonnegative
 * range, NumPy's ValueError text), so the check runs wherever the values
 * are, as an indexing's does (when the program is made for a constant, on
 * the host for an input, by a device flag kernel for an index the kernels
 * compute, and in the reference `perform`); 'wrap' and 'clip' map entries
 * into range instead, as NumPy's.
 */
import { apply1, asTensor, constant, type TensorLike } from '../core/op.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';
import { contiguousStrides } from '../core/ndarray.js';
import { isInt, promoteAll } from '../core/dtype.js';
import { nameInError } from '../core/error-names.js';
import { CheckIndex, firstOutOfRange, indexName, type IndexErrorText } from '../ops/check-index.js';
import { AdvancedSubtensor1 } from '../ops/advanced.js';
import type { Length } from '../ops/alloc.js';
import { getVectorLength } from './tensor-more.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';

/** How an entry out of range is treated: NumPy's error ('raise'), taken modulo the length ('wrap'), or clipped into range ('clip'). */
export type IndexMode = 'raise' | 'wrap' | 'clip';

const MODES: readonly IndexMode[] = ['raise', 'wrap', 'clip'];

export function checkMode(what: string, mode: unknown): IndexMode {
  if (!MODES.includes(mode as IndexMode)) throw new TypeError(`${what}: mode must be 'raise', 'wrap' or 'clip', got ${String(mode)}`);
  return mode as IndexMode;
}

function integerOperand(what: string, x: TensorLike): TensorVariable {
  const v = asTensor(x, what);
  if (v.dtype === 'bool') return T.cast(v, 'int8');
  if (!isInt(v.dtype)) throw new TypeError(`${what} must be an integer tensor, got ${nameInError(v)} of type ${v.type}`);
  return v;
}

/**
 * idx checked to lie in [0, n) where `length` is along axis 0 of `span`
 * (its length is all the check reads): at once for a constant where n is
 * known, else a CheckIndex that runs where the values are.
 */
function checkedRange(idx: TensorVariable, span: TensorVariable, describe: IndexErrorText): TensorVariable {
  const n = span.staticShape[0];
  if (idx instanceof TensorConstant && typeof n === 'number') {
    const v = idx.value;
    const bad = firstOutOfRange(v.data, v.shape, contiguousStrides(v.shape), 0, n, 0);
    if (bad) throw new RangeError(describe(bad.value, bad.position, span.staticShape));
    return idx;
  }
  return apply1(new CheckIndex(0, describe, true), [idx, span]);
}

/** A vector of length n whose values are never read (a CheckIndex reads its length): a broadcast zero, no buffer of n. */
const spanOf = (n: Length): TensorVariable => T.alloc(constant(0, { dtype: 'int8' }), n);

/** idx mapped into [0, n) by `mode` ('raise': checked, `describe` saying why not). */
function inRange(idx: TensorVariable, n: TensorVariable, span: TensorVariable, mode: IndexMode, describe: IndexErrorText): TensorVariable {
  if (mode === 'raise') return checkedRange(idx, span, describe);
  // in int64, which holds every index dtype and n: n cast to idx's dtype wraps (200 choices as int8 is -56, 300 as uint8 is 44)
  const i = T.cast(idx, 'int64');
  const m = T.cast(n, 'int64');
  return mode === 'wrap' ? T.mod(i, m) : T.clip(i, 0, T.sub(m, 1));
}

const at = (name: string, position: readonly number[]): string => (position.length === 0 ? name : `${name}[${position.join(', ')}]`);

/**
 * Theano's and NumPy's `choose(a, choices, mode = 'raise')`: out[i] =
 * choices[a[i]][i], with a and every choice broadcast together. `choices`
 * is a list of tensors, or one tensor whose first axis lists them. An
 * entry of a outside [0, n) is NumPy's ValueError ('invalid entry in
 * choice array') with 'raise', taken modulo n with 'wrap', clipped to
 * [0, n - 1] with 'clip'. a is an integer (or bool) tensor; the result has
 * the choices' promoted dtype and is differentiable in them (a gather).
 */
export function choose(a: TensorLike, choices: TensorLike | readonly TensorLike[], mode: IndexMode = 'raise'): TensorVariable {
  checkMode('choose', mode);
  const idx = integerOperand('choose: a', a);
  const pad = (v: TensorVariable, rank: number): TensorVariable => (v.ndim < rank ? T.shapePadleft(v, rank - v.ndim) : v);
  const zeroLike = (v: TensorVariable): TensorVariable => T.zerosLike(v, 'int8');
  let template: TensorVariable;
  let cb: TensorVariable;
  if (Array.isArray(choices)) {
    if (choices.length === 0) throw new RangeError('choose: choices is an empty list (NumPy needs at least one choice)');
    const cs = (choices as readonly TensorLike[]).map((c, k) => asTensor(c, `choose: choices[${k}]`));
    // a and every choice broadcast together (NumPy's), the choices in their promoted dtype, stacked
    const rank = Math.max(idx.ndim, ...cs.map((c) => c.ndim));
    template = cs.reduce((t, c) => T.add(t, zeroLike(pad(c, rank))), zeroLike(pad(idx, rank)));
    const dtype = promoteAll(cs.map((c) => c.dtype));
    cb = T.stack(cs.map((c) => T.cast(T.second(template, pad(c, rank)), dtype)));
  } else {
    const stacked = asTensor(choices as TensorLike, 'choose: choices');
    if (stacked.ndim === 0) throw new TypeError(`choose: choices must list the choices along its first axis, got the 0-d ${nameInError(stacked)}`);
    // a and each choice (stacked's trailing axes) broadcast together
    const rank = Math.max(idx.ndim, stacked.ndim - 1);
    const lead = rank - (stacked.ndim - 1);
    const c0 = lead > 0 ? T.dimshuffle(stacked, [0, ...Array.from({ length: lead }, () => 'x' as const), ...Array.from({ length: stacked.ndim - 1 }, (_, d) => d + 1)]) : stacked;
    template = T.add(zeroLike(pad(idx, rank)), zeroLike(c0.get(0)));
    cb = T.second(T.shapePadleft(template), c0);
  }
  const n = T.shapeI(cb, 0);
  const describe: IndexErrorText = (value, position, span) =>
    `choose(${indexName(idx)}, choices): invalid entry in choice array: ${at(indexName(idx), position)} is ${value}, not in [0, ${span[0] ?? '?'}) for the ${span[0] ?? '?'} choices (NumPy's ValueError; mode 'wrap' or 'clip' maps it into range)`;
  // a checked (or mapped into range) as given, then broadcast
  const picked = T.second(template, pad(inRange(idx, n, cb, mode, describe), template.ndim));
  // flat position of choices[picked[i]][i]: picked * size + i
  const size = T.shapeI(T.flatten(picked), 0);
  const flat = T.add(T.mul(T.cast(T.flatten(picked), 'int64'), size), T.arange(size));
  const values = apply1(new AdvancedSubtensor1(), [T.flatten(cb), flat]);
  return T.reshape(values, T.shape(picked));
}

/** dims as a list of int64 scalars (numbers, scalars, or a vector whose length is known). */
function dimsOf(what: string, dims: readonly TensorLike[] | TensorLike): TensorVariable[] {
  if (Array.isArray(dims)) return (dims as readonly TensorLike[]).map((d, k) => T.cast(asTensor(d, `${what}: dims[${k}]`), 'int64'));
  const v = asTensor(dims as TensorLike, `${what}: dims`);
  const n = getVectorLength(v);
  return Array.from({ length: n }, (_, k) => T.cast(v.get(k), 'int64'));
}

/** Each dimension's stride in elements, C (last fastest) or F (first fastest) order. */
function stridesOf(dims: readonly TensorVariable[], order: 'C' | 'F'): TensorVariable[] {
  const strides: TensorVariable[] = new Array<TensorVariable>(dims.length);
  let s: TensorVariable = constant(1, { dtype: 'int64' });
  const axes = dims.map((_, k) => k);
  for (const k of order === 'C' ? axes.reverse() : axes) {
    strides[k] = s;
    s = T.mul(s, dims[k]!);
  }
  return strides;
}

function checkOrder(what: string, order: unknown): 'C' | 'F' {
  if (order !== 'C' && order !== 'F') throw new TypeError(`${what}: order must be 'C' or 'F', got ${String(order)}`);
  return order;
}

/**
 * Theano's `extra_ops.ravel_multi_index(multiIndex, dims, mode, order)`
 * (NumPy's): the flat index into an array of shape `dims` of each
 * multi-index, `multiIndex` listing one integer tensor per dimension
 * (broadcast together); int64. `mode` is one for every dimension or a list
 * of one per dimension: 'raise' (default) makes a coordinate outside
 * [0, dims[k]) NumPy's ValueError ('invalid entry in coordinates array'),
 * 'wrap' takes it modulo dims[k], 'clip' clips it. `order` 'C' (default)
 * or 'F'. `dims` lists numbers or integer scalars, or is a vector of known
 * length.
 */
export function ravelMultiIndex(
  multiIndex: readonly TensorLike[],
  dims: readonly TensorLike[] | TensorLike,
  mode: IndexMode | readonly IndexMode[] = 'raise',
  order: 'C' | 'F' = 'C',
): TensorVariable {
  checkOrder('ravelMultiIndex', order);
  if (!Array.isArray(multiIndex)) throw new TypeError('ravelMultiIndex: multiIndex must be a list of integer tensors, one per dimension');
  const d = dimsOf('ravelMultiIndex', dims);
  if (multiIndex.length !== d.length) throw new RangeError(`ravelMultiIndex: multiIndex has ${multiIndex.length} coordinate arrays for the ${d.length} dimensions of dims (one per dimension)`);
  const modes = Array.isArray(mode) ? (mode as readonly IndexMode[]) : d.map(() => mode as IndexMode);
  if (modes.length !== d.length) throw new RangeError(`ravelMultiIndex: mode lists ${modes.length} modes for ${d.length} dimensions`);
  const strides = stridesOf(d, order);
  let flat: TensorVariable | null = null;
  multiIndex.forEach((c, k) => {
    const coord = integerOperand(`ravelMultiIndex: multiIndex[${k}]`, c);
    const static_ = Array.isArray(dims) && typeof dims[k] === 'number' ? (dims[k] as number) : d[k]!;
    const describe: IndexErrorText = (value, position, span) =>
      span[0] === 0
        ? `ravelMultiIndex: cannot unravel if shape has zero entries (is empty): dims[${k}] is 0 and ${indexName(coord)} is not empty (NumPy's ValueError, in every mode)`
        : `ravelMultiIndex: invalid entry in coordinates array: ${at(indexName(coord), position)} is ${value}, not in [0, ${span[0] ?? '?'}) for dimension ${k} (NumPy's ValueError; mode 'wrap' or 'clip' maps it into range)`;
    const span = spanOf(static_);
    const kMode = checkMode('ravelMultiIndex', modes[k]);
    const mapped = inRange(coord, d[k]!, span, kMode, describe);
    // 'wrap'/'clip' map into [0, n) only for n > 0: for a zero dimension NumPy raises (any coordinate at all is
    // outside [0, 0)), so where the dimension is not known positive the mapped coordinates are checked too
    // (they fall outside [0, n) only when n is 0); a dimension known positive costs nothing
    const knownPositive = typeof static_ === 'number' && static_ > 0;
    const inside = T.cast(kMode === 'raise' || knownPositive ? mapped : checkedRange(mapped, span, describe), 'int64');
    const term = T.mul(inside, strides[k]!);
    flat = flat === null ? term : T.add(flat, term);
  });
  return flat ?? constant(0, { dtype: 'int64' });
}

/**
 * Theano's `extra_ops.unravel_index(indices, dims, order)` (NumPy's): the
 * coordinates in an array of shape `dims` of each flat index, one int64
 * tensor of indices' shape per dimension. An index outside
 * [0, prod(dims)) is NumPy's ValueError ('index 7 is out of bounds for
 * array with size 6'); negative ones too, as NumPy's.
 */
export function unravelIndex(indices: TensorLike, dims: readonly TensorLike[] | TensorLike, order: 'C' | 'F' = 'C'): TensorVariable[] {
  checkOrder('unravelIndex', order);
  const idx = integerOperand('unravelIndex: indices', indices);
  const d = dimsOf('unravelIndex', dims);
  const known = Array.isArray(dims) && dims.every((x) => typeof x === 'number') ? (dims as number[]).reduce((p, q) => p * q, 1) : null;
  const size = known ?? d.reduce<TensorVariable>((p, q) => T.mul(p, q), constant(1, { dtype: 'int64' }));
  const describe: IndexErrorText = (value, position, span) =>
    `unravelIndex: index ${value} (${at(indexName(idx), position)}) is out of bounds for array with size ${span[0] ?? '?'} (NumPy's ValueError)`;
  const checked = T.cast(checkedRange(idx, spanOf(size), describe), 'int64');
  const strides = stridesOf(d, order);
  return d.map((n, k) => T.mod(T.intDiv(checked, strides[k]!), n));
}
