/**
 * Theano 1.0's bitwise ops of integers, under names that keep sym's
 * logical `T.and`, `T.or`, `T.xor` and `T.not` as they are: Theano's
 * `and_`/`bitwise_and` is `T.bitwiseAnd`, `or_`/`bitwise_or`
 * `T.bitwiseOr`, `xor`/`bitwise_xor` `T.bitwiseXor`, and
 * `invert`/`bitwise_not` `T.invert` (also `T.bitwiseNot`). NumPy's
 * semantics: two's complement, in the operands' promoted integer dtype;
 * bool operands alone are the logical op (NumPy's `&` of bools is a
 * bool), a bool beside an integer counts as that integer (0 or 1); a
 * float operand is an error, as NumPy's TypeError. Scalar ops of the
 * kernel IR (`bitand`, `bitor`, `bitxor`, `invert`), so they fuse with
 * the arithmetic around them; their gradient is zero (Theano's).
 */
import { asTensor, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import { isInt } from '../core/dtype.js';
import { nameInError } from '../core/error-names.js';
import { cast, elemwise } from '../ops/elemwise.js';

type Bitwise = 'bitand' | 'bitor' | 'bitxor';
const LOGICAL = { bitand: 'and', bitor: 'or', bitxor: 'xor' } as const;
const NUMPY = { bitand: 'bitwise_and', bitor: 'bitwise_or', bitxor: 'bitwise_xor' } as const;
const OPS: Readonly<Record<string, Bitwise>> = { bitwiseAnd: 'bitand', bitwiseOr: 'bitor', bitwiseXor: 'bitxor' };

function integerOperands(what: string, xs: readonly TensorLike[]): TensorVariable[] {
  const vs = xs.map((x, i) => asTensor(x, `${what}: argument ${i}`));
  const bad = vs.find((v) => v.dtype !== 'bool' && !isInt(v.dtype));
  if (bad) throw new TypeError(`${what}: NumPy's ufunc '${what === 'invert' ? 'invert' : NUMPY[OPS[what]!]}' takes integer or bool tensors, got ${nameInError(bad)} of type ${bad.type}`);
  return vs;
}

function binary(what: 'bitwiseAnd' | 'bitwiseOr' | 'bitwiseXor', a: TensorLike, b: TensorLike): TensorVariable {
  const op = OPS[what]!;
  const [x, y] = integerOperands(what, [a, b]) as [TensorVariable, TensorVariable];
  if (x.dtype === 'bool' && y.dtype === 'bool') return elemwise(LOGICAL[op], x, y);
  // a bool beside an integer is its 0 or 1 in that integer's dtype (NumPy's promotion keeps the integer's)
  return elemwise(op, x.dtype === 'bool' ? cast(x, y.dtype) : x, y.dtype === 'bool' ? cast(y, x.dtype) : y);
}

/** Theano's `and_(a, b)` (NumPy's `bitwise_and`, `a & b`) of integer tensors. */
export function bitwiseAnd(a: TensorLike, b: TensorLike): TensorVariable {
  return binary('bitwiseAnd', a, b);
}

/** Theano's `or_(a, b)` (NumPy's `bitwise_or`, `a | b`) of integer tensors. */
export function bitwiseOr(a: TensorLike, b: TensorLike): TensorVariable {
  return binary('bitwiseOr', a, b);
}

/** Theano's `xor(a, b)` (NumPy's `bitwise_xor`, `a ^ b`) of integer tensors. */
export function bitwiseXor(a: TensorLike, b: TensorLike): TensorVariable {
  return binary('bitwiseXor', a, b);
}

/** Theano's `invert(a)` (NumPy's `invert`, `bitwise_not`, `~a`): -a - 1 for a signed dtype, the largest value minus a for an unsigned one, `not` for bool. */
export function invert(a: TensorLike): TensorVariable {
  const [x] = integerOperands('invert', [a]) as [TensorVariable];
  return x.dtype === 'bool' ? elemwise('not', x) : elemwise('invert', x);
}

/** Theano's `bitwise_not`: `T.invert`. */
export const bitwiseNot = invert;
