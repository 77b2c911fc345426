/**
 * Small builders of int32 scalar expressions, for the addresses indexing
 * ops compute inside kernels (see `LowerContext.indexed`).
 */
import type { DType } from '../core/dtype.js';
import type { ScalarExpr } from './kernel.js';
import type { ScalarOpName } from '../core/scalar.js';

export const int = (value: number): ScalarExpr => ({ kind: 'const', value, dtype: 'int32' });

const apply = (op: ScalarOpName, args: ScalarExpr[], computeDType: DType, dtype: DType): ScalarExpr => ({ kind: 'apply', op, args, computeDType, dtype });
const arith = (op: ScalarOpName) => (a: ScalarExpr, b: ScalarExpr) => apply(op, [a, b], 'int32', 'int32');
const compare = (op: ScalarOpName) => (a: ScalarExpr, b: ScalarExpr) => apply(op, [a, b], 'int32', 'bool');

export const add = arith('add');
export const sub = arith('sub');
export const mul = arith('mul');
export const min = arith('minimum');
export const max = arith('maximum');
export const lt = compare('lt');
export const ge = compare('ge');
export const eq = compare('eq');
export const and = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => apply('and', [a, b], 'bool', 'bool');
export const or = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => apply('or', [a, b], 'bool', 'bool');

/** `cond ? a : b` in dtype `d` (the condition is tested as it is). */
export const select = (cond: ScalarExpr, a: ScalarExpr, b: ScalarExpr, d: DType): ScalarExpr => apply('switch', [cond, a, b], d, d);

/** `e` as an int32 (wrapping a wider integer, truncating a float). */
export const toInt32 = (e: ScalarExpr): ScalarExpr => (e.dtype === 'int32' ? e : apply('cast', [e], e.dtype, 'int32'));

/** `e` converted to dtype `d`. */
export const castTo = (e: ScalarExpr, d: DType): ScalarExpr => (e.dtype === d ? e : apply('cast', [e], e.dtype, d));

/** Clamp to [0, n - 1]: keeps a gather in its buffer whatever the index. */
export const clampIndex = (e: ScalarExpr, n: number): ScalarExpr => max(min(e, int(n - 1)), int(0));

/**
 * A run-time index into a dimension of length n: negative ones count from
 * the end (NumPy), then clamped into range. An int64 or uint32 index is
 * wrapped and clamped in its own dtype first: converted to int32 first,
 * 2^32 + 1 would become 1.
 */
export const wrapIndex = (e: ScalarExpr, n: number): ScalarExpr => {
  const d = e.dtype;
  if (d === 'int64' || d === 'uint32') {
    const c = (v: number): ScalarExpr => ({ kind: 'const', value: v, dtype: d });
    const ap = (op: ScalarOpName, args: ScalarExpr[], out: DType = d): ScalarExpr => ({ kind: 'apply', op, args, computeDType: d, dtype: out });
    const wrapped = d === 'int64' ? select(ap('lt', [e, c(0)], 'bool'), ap('add', [e, c(n)]), e, d) : e;
    return toInt32(ap('maximum', [ap('minimum', [wrapped, c(n - 1)]), c(0)]));
  }
  const i = toInt32(e);
  return clampIndex(select(lt(i, int(0)), add(i, int(n)), i, 'int32'), n);
};
