/**
 * The scalar operations: the primitive set of elementwise math that ops are
 * built from and that every backend renders (`ScalarOpName`, what a
 * kernel's `ApplyExpr` holds), and the composite ones (special.ts) that
 * Elemwise lowers into primitives. Each entry says how many arguments it
 * takes, what dtype it produces, and its reference semantics (NumPy's) on
 * JavaScript numbers.
 */
import type { DType } from './dtype.js';
import { castScalar, floatOf, isFloat, promoteAll } from './dtype.js';
import { COMPOSITE_OPS, type CompositeScalarOp, type CompositeScalarOpSpec } from '../tensor/special.js';

/**
 * The primitive scalar ops: the operations a kernel's `ApplyExpr` may name
 * and every backend must render, with `SCALAR_OPS` giving each one's arity,
 * dtype rule and reference semantics (NumPy's; Theano's scalar op names
 * in `theanoName`).
 */
export type ScalarOpName =
  // unary
  | 'neg' | 'abs' | 'sign' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt'
  | 'floor' | 'ceil' | 'round' | 'sin' | 'cos' | 'tan' | 'tanh'
  | 'arcsin' | 'arccos' | 'arctan' | 'sinh' | 'cosh'
  | 'sigmoid' | 'softplus' | 'relu' | 'not' | 'identity' | 'cast'
  | 'invert'
  // binary
  | 'add' | 'sub' | 'mul' | 'truediv' | 'intdiv' | 'mod' | 'pow'
  | 'maximum' | 'minimum'
  | 'second'
  | 'eq' | 'neq' | 'lt' | 'le' | 'gt' | 'ge' | 'and' | 'or' | 'xor'
  | 'bitand' | 'bitor' | 'bitxor'
  // ternary
  | 'switch' | 'clip';

/** What an Elemwise computes: a primitive scalar op, or a composite one that it lowers into primitives. */
export type ElemwiseOpName = ScalarOpName | CompositeScalarOp;

/** How the output dtype follows from the (promoted) input dtype. */
export type OutRule =
  | 'same' // promoted input dtype (bool arithmetic becomes int8, as in Theano)
  | 'float' // promoted input dtype upgraded to float
  | 'integral' // an integer dtype kept (rounding it changes nothing: NumPy's round keeps it), else as 'float' (bool included)
  | 'bool' // comparisons and logic
  | 'given' // cast: the dtype is a parameter
  | 'second'; // second(a, b): b's dtype, broadcast to a's shape

/** One entry of `SCALAR_OPS`: what a primitive scalar op takes, what dtype it gives, how it prints and what it computes. */
export interface ScalarOpSpec {
  /** How many arguments it takes: 1 (neg, exp, ...), 2 (add, pow, eq, ...) or 3 (switch, clip). */
  readonly arity: 1 | 2 | 3;
  /** How its output dtype follows from its inputs' promoted dtype. */
  readonly out: OutRule;
  /** Theano's name, used in debugprint: Elemwise{add}. */
  readonly theanoName: string;
  /** Infix operator and precedence for pp, when the op has one. */
  readonly infix?: readonly [symbol: string, precedence: number];
  /** Prefix operator for pp (unary minus). */
  readonly prefix?: string;
  /** Defined on integer dtypes only (the bitwise ops): no case or renderer meets it with float or bool values. */
  readonly integers?: true;
  /** Reference semantics on numbers already in the input dtype; the result is cast to the output dtype by the caller. */
  readonly impl: (args: number[], outDType: DType, inDType: DType) => number;
}

function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function floorDiv(a: number, b: number, d: DType): number {
  if (!isFloat(d)) return b === 0 ? 0 : Math.floor(a / b);
  // NumPy's npy_divmod: floor((a - fmod(a, b)) / b), so that a == b * (a // b) + a % b
  // (1 // 0.1 is 9, as a % 0.1 is 0.0999...; inf // 2 is NaN; -2 // inf is -1)
  if (b === 0) return a / b;
  const mod = a % b;
  // float32 and float16 (which NumPy computes in float) round the difference and the quotient to float32, as
  // npy_divmodf: in doubles, float32 35958992 // 3 gave 11986330, where NumPy rounds a - mod (35958990) back to a and gives 11986331
  const r = d === 'float64' ? (x: number) => x : Math.fround;
  let div = r(r(a - mod) / b);
  if (mod !== 0 && b < 0 !== mod < 0) div = r(div - 1);
  if (div === 0) return a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
  const floor = Math.floor(div);
  return div - floor > 0.5 ? floor + 1 : floor;
}

function floorMod(a: number, b: number, d: DType): number {
  if (!isFloat(d) && b === 0) return 0;
  if (isFloat(d) && (b === 0 || !Number.isFinite(a))) return NaN;
  const r = a % b;
  // a zero remainder takes the divisor's sign in NumPy (-4.0 % 2 is 0.0, 4.0 % -2 is -0.0)
  if (r === 0 && isFloat(d)) return b < 0 ? -0 : 0;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

function mulInt(a: number, b: number, d: DType): number {
  // keep the low 32 bits exact where the double product would round
  if (d === 'int32' || d === 'uint32') return Math.imul(a, b);
  return a * b;
}

/**
 * Integer power as NumPy computes it: repeated multiplication that wraps in
 * the dtype (a double power past 2^53 would lose the low bits). Negative
 * exponents, an error in NumPy, truncate like C: only 1 and -1 survive.
 */
function powInt(a: number, b: number, d: DType): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b % 2 === 0 ? 1 : -1) : 0;
  let result = 1;
  let base = a;
  for (let e = b; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = castScalar(mulInt(result, base, d), d);
    base = castScalar(mulInt(base, base, d), d);
  }
  return result;
}

/**
 * Float power as C99 and NumPy define it, where JavaScript differs: a base
 * of 1 gives 1 for every exponent (NaN included), and -1 to an infinite
 * power gives 1 (JavaScript's Math.pow gives NaN for both).
 */
export function powFloat(a: number, b: number): number {
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return Math.pow(a, b);
}

function softplus(x: number): number {
  // log(1 + exp(x)) without overflow
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * A bitwise op of two integers as NumPy computes it in two's complement:
 * 32-bit and narrower values through JavaScript's int32 operators (the
 * caller's cast wraps the result into the dtype), int64 (a JavaScript
 * number, exact to 2^53) word by word: the high word floor(a / 2^32) and
 * the low word a - high * 2^32, each exact.
 */
function bitwise(a: number, b: number, d: DType, op: (x: number, y: number) => number): number {
  if (d !== 'int64') return d === 'uint32' ? op(a, b) >>> 0 : op(a, b);
  const ah = Math.floor(a / 2 ** 32);
  const bh = Math.floor(b / 2 ** 32);
  const lo = op(a - ah * 2 ** 32, b - bh * 2 ** 32) >>> 0;
  return op(ah, bh) * 2 ** 32 + lo;
}

/** NumPy's invert (~a) of an integer: -a - 1 in two's complement, the largest value minus a for an unsigned dtype. */
function invertInt(a: number, d: DType): number {
  switch (d) {
    case 'uint8':
      return 255 - a;
    case 'uint16':
      return 65535 - a;
    case 'uint32':
      return 4294967295 - a;
    case 'bool':
      return a !== 0 ? 0 : 1;
    default:
      return -a - 1;
  }
}

const nanMax = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
const nanMin = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));

const PRIMITIVE_OPS: { readonly [S in ScalarOpName]: ScalarOpSpec } = {
  neg: { arity: 1, out: 'same', theanoName: 'neg', prefix: '-', impl: ([a]) => -a! },
  abs: { arity: 1, out: 'same', theanoName: 'abs_', impl: ([a]) => Math.abs(a!) },
  // NumPy: sign(-0.) is 0. (+0), where Math.sign keeps -0
  sign: { arity: 1, out: 'same', theanoName: 'sgn', impl: ([a]) => (a === 0 ? 0 : Number.isNaN(a!) ? NaN : Math.sign(a!)) },
  exp: { arity: 1, out: 'float', theanoName: 'exp', impl: ([a]) => Math.exp(a!) },
  log: { arity: 1, out: 'float', theanoName: 'log', impl: ([a]) => Math.log(a!) },
  log1p: { arity: 1, out: 'float', theanoName: 'log1p', impl: ([a]) => Math.log1p(a!) },
  expm1: { arity: 1, out: 'float', theanoName: 'expm1', impl: ([a]) => Math.expm1(a!) },
  sqrt: { arity: 1, out: 'float', theanoName: 'sqrt', impl: ([a]) => Math.sqrt(a!) },
  floor: { arity: 1, out: 'float', theanoName: 'floor', impl: ([a]) => Math.floor(a!) },
  ceil: { arity: 1, out: 'float', theanoName: 'ceil', impl: ([a]) => Math.ceil(a!) },
  round: { arity: 1, out: 'integral', theanoName: 'round_half_to_even', impl: ([a]) => roundHalfEven(a!) },
  sin: { arity: 1, out: 'float', theanoName: 'sin', impl: ([a]) => Math.sin(a!) },
  cos: { arity: 1, out: 'float', theanoName: 'cos', impl: ([a]) => Math.cos(a!) },
  tan: { arity: 1, out: 'float', theanoName: 'tan', impl: ([a]) => Math.tan(a!) },
  tanh: { arity: 1, out: 'float', theanoName: 'tanh', impl: ([a]) => Math.tanh(a!) },
  arcsin: { arity: 1, out: 'float', theanoName: 'arcsin', impl: ([a]) => Math.asin(a!) },
  arccos: { arity: 1, out: 'float', theanoName: 'arccos', impl: ([a]) => Math.acos(a!) },
  arctan: { arity: 1, out: 'float', theanoName: 'arctan', impl: ([a]) => Math.atan(a!) },
  sinh: { arity: 1, out: 'float', theanoName: 'sinh', impl: ([a]) => Math.sinh(a!) },
  cosh: { arity: 1, out: 'float', theanoName: 'cosh', impl: ([a]) => Math.cosh(a!) },
  sigmoid: { arity: 1, out: 'float', theanoName: 'sigmoid', impl: ([a]) => sigmoid(a!) },
  softplus: { arity: 1, out: 'float', theanoName: 'softplus', impl: ([a]) => softplus(a!) },
  relu: { arity: 1, out: 'same', theanoName: 'relu', impl: ([a]) => (Number.isNaN(a!) ? NaN : a! > 0 ? a! : 0) },
  not: { arity: 1, out: 'bool', theanoName: 'invert', impl: ([a]) => (a !== 0 ? 0 : 1) },
  invert: { arity: 1, out: 'same', integers: true, theanoName: 'bitwise_not', prefix: '~', impl: ([a], _, d) => invertInt(a!, d) },
  identity: { arity: 1, out: 'same', theanoName: 'identity', impl: ([a]) => a! },
  cast: { arity: 1, out: 'given', theanoName: 'Cast', impl: ([a]) => a! },
  add: { arity: 2, out: 'same', theanoName: 'add', infix: ['+', 1], impl: ([a, b]) => a! + b! },
  sub: { arity: 2, out: 'same', theanoName: 'sub', infix: ['-', 1], impl: ([a, b]) => a! - b! },
  mul: { arity: 2, out: 'same', theanoName: 'mul', infix: ['*', 2], impl: ([a, b], d) => mulInt(a!, b!, d) },
  truediv: { arity: 2, out: 'float', theanoName: 'true_div', infix: ['/', 2], impl: ([a, b]) => a! / b! },
  intdiv: { arity: 2, out: 'same', theanoName: 'int_div', infix: ['//', 2], impl: ([a, b], d) => floorDiv(a!, b!, d) },
  mod: { arity: 2, out: 'same', theanoName: 'mod', infix: ['%', 2], impl: ([a, b], d) => floorMod(a!, b!, d) },
  pow: { arity: 2, out: 'same', theanoName: 'pow', infix: ['**', 3], impl: ([a, b], d) => (isFloat(d) ? powFloat(a!, b!) : powInt(a!, b!, d)) },
  maximum: { arity: 2, out: 'same', theanoName: 'maximum', impl: ([a, b]) => nanMax(a!, b!) },
  minimum: { arity: 2, out: 'same', theanoName: 'minimum', impl: ([a, b]) => nanMin(a!, b!) },
  second: { arity: 2, out: 'second', theanoName: 'second', impl: ([, b]) => b! },
  eq: { arity: 2, out: 'bool', theanoName: 'eq', infix: ['==', 0], impl: ([a, b]) => (a === b ? 1 : 0) },
  neq: { arity: 2, out: 'bool', theanoName: 'neq', infix: ['!=', 0], impl: ([a, b]) => (a !== b ? 1 : 0) },
  lt: { arity: 2, out: 'bool', theanoName: 'lt', infix: ['<', 0], impl: ([a, b]) => (a! < b! ? 1 : 0) },
  le: { arity: 2, out: 'bool', theanoName: 'le', infix: ['<=', 0], impl: ([a, b]) => (a! <= b! ? 1 : 0) },
  gt: { arity: 2, out: 'bool', theanoName: 'gt', infix: ['>', 0], impl: ([a, b]) => (a! > b! ? 1 : 0) },
  ge: { arity: 2, out: 'bool', theanoName: 'ge', infix: ['>=', 0], impl: ([a, b]) => (a! >= b! ? 1 : 0) },
  and: { arity: 2, out: 'bool', theanoName: 'and_', infix: ['&', 0], impl: ([a, b]) => (a !== 0 && b !== 0 ? 1 : 0) },
  or: { arity: 2, out: 'bool', theanoName: 'or_', infix: ['|', 0], impl: ([a, b]) => (a !== 0 || b !== 0 ? 1 : 0) },
  xor: { arity: 2, out: 'bool', theanoName: 'xor', infix: ['^', 0], impl: ([a, b]) => ((a !== 0) !== (b !== 0) ? 1 : 0) },
  bitand: { arity: 2, out: 'same', integers: true, theanoName: 'bitwise_and', infix: ['&', 0], impl: ([a, b], _, d) => bitwise(a!, b!, d, (x, y) => x & y) },
  bitor: { arity: 2, out: 'same', integers: true, theanoName: 'bitwise_or', infix: ['|', 0], impl: ([a, b], _, d) => bitwise(a!, b!, d, (x, y) => x | y) },
  bitxor: { arity: 2, out: 'same', integers: true, theanoName: 'bitwise_xor', infix: ['^', 0], impl: ([a, b], _, d) => bitwise(a!, b!, d, (x, y) => x ^ y) },
  switch: { arity: 3, out: 'same', theanoName: 'Switch', impl: ([c, a, b]) => (c !== 0 ? a! : b!) },
  clip: { arity: 3, out: 'same', theanoName: 'clip', impl: ([x, lo, hi]) => (Number.isNaN(x!) ? NaN : Math.min(Math.max(x!, lo!), hi!)) },
};

/**
 * Every scalar op's spec by name: the primitive ones backends render, and
 * the composite ones (with their `expand`), so that an Elemwise's op is
 * always a key here.
 */
export const SCALAR_OPS: { readonly [S in ScalarOpName]: ScalarOpSpec } & { readonly [S in CompositeScalarOp]: CompositeScalarOpSpec } = {
  ...PRIMITIVE_OPS,
  ...COMPOSITE_OPS,
};

/** The primitive scalar ops: those a backend renders (composites are not among them). */
export const SCALAR_OP_NAMES = Object.keys(PRIMITIVE_OPS) as ScalarOpName[];

/**
 * Output dtype of a scalar op given its input dtypes (already adjusted for
 * weak literals). `switch` promotes only its two branches.
 */
export function scalarOutDType(op: ElemwiseOpName, inputs: readonly DType[], given?: DType): DType {
  const spec: { readonly out: OutRule } = SCALAR_OPS[op];
  const operands = op === 'switch' ? inputs.slice(1) : inputs;
  const promoted = promoteAll(operands);
  switch (spec.out) {
    case 'same':
      return promoted === 'bool' && op !== 'switch' && op !== 'identity' && op !== 'clip' && op !== 'maximum' && op !== 'minimum'
        ? 'int8'
        : promoted;
    case 'float':
      return floatOf(promoted);
    case 'integral':
      return isFloat(promoted) || promoted === 'bool' ? floatOf(promoted) : promoted;
    case 'bool':
      return 'bool';
    case 'second':
      return inputs[1]!;
    case 'given':
      if (!given) throw new Error('cast needs a target dtype');
      return given;
  }
}

/** The dtype the op computes in (inputs are converted to it first): comparisons compare in the promoted dtype. */
export function scalarComputeDType(op: ElemwiseOpName, inputs: readonly DType[], out: DType): DType {
  const spec: { readonly out: OutRule } = SCALAR_OPS[op];
  if (op === 'cast') return inputs[0]!;
  if (op === 'second') return inputs[1]!;
  if (spec.out === 'bool') return promoteAll(inputs);
  if (op === 'switch') return out;
  return out;
}
