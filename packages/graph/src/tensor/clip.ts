/** `T.clip`, with NumPy 2.4's handling of integer literal bounds past an integer x's range. */
import { KIND, intRange, isIntLiteral } from '../core/dtype.js';
import { TensorConstant } from '../core/variable.js';
import { asTensor, type TensorLike } from '../core/op.js';
import { elemwise } from '../ops/elemwise.js';

/** A plain JS integer at or past x's own limit on its side: np.clip drops such a bound rather than raise NEP 50's OverflowError. */
function beyond(bound: TensorLike, limit: number, side: -1 | 1): boolean {
  return typeof bound === 'number' && isIntLiteral(bound) && (side < 0 ? bound <= limit : bound >= limit);
}

/**
 * `clip(x, lo, hi)`: min(max(x, lo), hi), elementwise. Where x is an integer
 * array and a bound is a plain integer at or past x's dtype's limit on its
 * side (`T.clip(int16, 0, 2 ** 31)`), the bound clips nothing and is left
 * out, so x keeps its dtype, as NumPy 2.4's np.clip does (its _clip drops
 * such Python int bounds); a literal past the other side still raises, as in
 * arithmetic. int64 holds every integer literal: nothing to drop.
 */
export function clip(x: TensorLike, lo: TensorLike, hi: TensorLike): ReturnType<typeof elemwise> {
  const v = asTensor(x, 'clip');
  const kind = KIND[v.dtype];
  if ((kind !== 'i' && kind !== 'u') || v.dtype === 'int64' || (v instanceof TensorConstant && v.weak)) return elemwise('clip', v, lo, hi);
  const [min, max] = intRange(v.dtype);
  const dropLo = beyond(lo, min, -1);
  const dropHi = beyond(hi, max, 1);
  if (dropLo && dropHi) return elemwise('identity', v);
  if (dropLo) return elemwise('minimum', v, hi);
  if (dropHi) return elemwise('maximum', v, lo);
  return elemwise('clip', v, lo, hi);
}
