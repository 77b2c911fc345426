/**
 * Composite scalar ops: elementwise functions the graph knows by name
 * (Elemwise, printing, gradients, the reference `impl`) that no backend
 * renders. `Elemwise.lower` expands each into an expression of the
 * primitive scalar ops (special-lower.ts), so every backend, third
 * parties' included, runs them without a line of its own, and fusion sees
 * ordinary kernels. Each entry's `expand` is that expression, written once
 * over `Arith` (special-math.ts): on numbers it is also the reference,
 * except where JavaScript's Math has the function (asinh, atan2, trunc...).
 */
import type { DType } from '../core/dtype.js';
import * as S from './special-math.js';
import type { Arith } from './special-math.js';
import * as Bessel from './special-bessel.js';
import * as Inc from './special-gammainc.js';

/** The names of the composite scalar ops (special functions expanded into primitive ones when lowered). */
export type CompositeScalarOp =
  | 'erf' | 'erfc' | 'erfinv' | 'erfcinv'
  | 'gammaln' | 'gamma' | 'psi' | 'trigamma'
  | 'arctan2' | 'arcsinh' | 'arccosh' | 'arctanh'
  | 'deg2rad' | 'rad2deg' | 'trunc'
  | 'erfcx' | 'gammainc' | 'gammaincc' | 'gammau' | 'gammal' | 'chi2sf'
  | 'j0' | 'j1' | 'jv' | 'i0' | 'i1' | 'iv';

/** What a composite op is, beside its expansion: the same shape as a primitive op's spec in scalar.ts. */
/** How a composite scalar op is defined: its reference value and its expansion. */
export interface CompositeScalarOpSpec {
  /** Number of operands. */
  readonly arity: 1 | 2;
  /** Composites are float functions: integer and boolean inputs give floats, as Theano's upgrade_to_float. */
  readonly out: 'float';
  /** Theano's name of the op (printing). */
  readonly theanoName: string;
  /** The reference value for numbers, as `SCALAR_OPS[op].impl`. */
  readonly impl: (args: number[], outDType: DType, inDType: DType) => number;
  /** The function in primitive operations of `m` (float32's cheaper approximations when `m.f32`). */
  readonly expand: <V, B>(m: Arith<V, B>, args: readonly V[]) => V;
}

type Unary = <V, B>(m: Arith<V, B>, x: V) => V;

/** A unary composite whose reference is its float64 expansion. */
function expanded(theanoName: string, f: Unary): CompositeScalarOpSpec {
  return { arity: 1, out: 'float', theanoName, impl: ([x]) => f(S.F64, x!), expand: (m, [x]) => f(m, x!) };
}

/** A unary composite whose reference is a JavaScript Math function (correctly rounded or nearly). */
function builtin(theanoName: string, impl: (x: number) => number, f: Unary): CompositeScalarOpSpec {
  return { arity: 1, out: 'float', theanoName, impl: ([x]) => impl(x!), expand: (m, [x]) => f(m, x!) };
}

type Binary = <V, B>(m: Arith<V, B>, a: V, b: V) => V;

/** A binary composite whose reference is its float64 expansion. */
function expanded2(theanoName: string, f: Binary): CompositeScalarOpSpec {
  return { arity: 2, out: 'float', theanoName, impl: ([a, b]) => f(S.F64, a!, b!), expand: (m, [a, b]) => f(m, a!, b!) };
}

const DEG = Math.PI / 180;
const RAD = 180 / Math.PI;

/** Every composite scalar op's definition, by name. */
export const COMPOSITE_OPS: { readonly [S in CompositeScalarOp]: CompositeScalarOpSpec } = {
  erf: expanded('erf', S.erf),
  erfc: expanded('erfc', S.erfc),
  erfinv: expanded('erfinv', S.erfinv),
  erfcinv: expanded('erfcinv', S.erfcinv),
  gammaln: expanded('gammaln', S.gammaln),
  gamma: expanded('gamma', S.gamma),
  psi: expanded('psi', S.psi),
  trigamma: expanded('tri_gamma', S.trigamma),
  arctan2: {
    arity: 2,
    out: 'float',
    theanoName: 'arctan2',
    impl: ([y, x]) => Math.atan2(y!, x!),
    expand: (m, [y, x]) => S.arctan2(m, y!, x!),
  },
  arcsinh: builtin('arcsinh', Math.asinh, S.arcsinh),
  arccosh: builtin('arccosh', Math.acosh, S.arccosh),
  arctanh: builtin('arctanh', Math.atanh, S.arctanh),
  // NumPy's: x * (pi / 180), one rounding
  deg2rad: builtin('deg2rad', (x) => x * DEG, (m, x) => m.mul(x, m.c(DEG))),
  rad2deg: builtin('rad2deg', (x) => x * RAD, (m, x) => m.mul(x, m.c(RAD))),
  trunc: builtin('trunc', Math.trunc, S.trunc),
  erfcx: expanded('erfcx', S.erfcx),
  gammainc: expanded2('gammainc', Inc.gammainc),
  gammaincc: expanded2('gammaincc', Inc.gammaincc),
  gammau: expanded2('gammau', Inc.gammau),
  gammal: expanded2('gammal', Inc.gammal),
  chi2sf: expanded2('chi2sf', Inc.chi2sf),
  j0: expanded('j0', Bessel.j0),
  j1: expanded('j1', Bessel.j1),
  jv: expanded2('jv', Bessel.jv),
  i0: expanded('i0', Bessel.i0),
  i1: expanded('i1', Bessel.i1),
  iv: expanded2('iv', Bessel.iv),
};

/** The names of {@link COMPOSITE_OPS}. */
export const COMPOSITE_OP_NAMES = Object.keys(COMPOSITE_OPS) as CompositeScalarOp[];

/** Whether `op` names a composite scalar op (rather than a primitive of `SCALAR_OPS`). */
export function isComposite(op: string): op is CompositeScalarOp {
  return Object.prototype.hasOwnProperty.call(COMPOSITE_OPS, op);
}
