/**
 * Special values: NaN, ±Inf and -0 for floats, the ends of the range for
 * integers (overflow must wrap like C/NumPy), division and remainder by
 * zero and by negative numbers. Binary ops see every pair of special values
 * (a column against a row), so each combination is one element of the
 * result. Then float accuracy where formulas and GPU builtins lose it:
 * subnormal inputs and results, small arguments (relative to the result),
 * and integer powers that are exact.
 */
import * as sym from '@sym/graph';
import type { DType, NDArray, ScalarOpName } from '@sym/graph';
import { SCALAR_OPS, SCALAR_OP_NAMES, array, intRange, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { applyScalarOp, definedOn } from './elemwise.js';

/** Ops whose float result is arithmetic (not a transcendental function), safe to feed huge values. */
const ARITHMETIC = new Set<ScalarOpName>([
  'neg', 'abs', 'sign', 'floor', 'ceil', 'round', 'relu', 'not', 'identity',
  'add', 'sub', 'mul', 'truediv', 'maximum', 'minimum', 'second',
  'eq', 'neq', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'xor', 'switch', 'clip',
]);

/** The special values of a dtype; `huge` adds the largest finite magnitudes (float overflow). */
export function specialValues(dtype: DType, huge = false): number[] {
  if (dtype === 'bool') return [0, 1];
  if (isFloat(dtype)) {
    const base = [NaN, Infinity, -Infinity, 0, -0, 0.1, 0.5, -0.5, 1, -1, 2.5, -2.5, 7];
    if (!huge) return base;
    return [...base, ...(dtype === 'float32' ? [3e38, -3e38] : [1.7e308, -1.7e308])];
  }
  // int64 lives in a float64, exact to 2^53: keep products of two specials exact
  if (dtype === 'int64') return [-(2 ** 26) - 1, -7, -1, 0, 1, 2, 7, 2 ** 26];
  const [lo, hi] = intRange(dtype);
  if (lo === 0) return [0, 1, 2, 7, hi - 1, hi];
  return [lo, lo + 1, -7, -1, 0, 1, 2, 7, hi - 1, hi];
}

function vec(values: readonly number[], dtype: DType, shape: readonly number[]): NDArray {
  return array([...values], { dtype, shape });
}

function unaryCase(op: ScalarOpName, dtype: DType): OpCase {
  const values = specialValues(dtype, ARITHMETIC.has(op));
  const x = sym.T.tensor(dtype, [false], 'x');
  return {
    group: 'special',
    name: `${op} ${dtype}: special values [${values.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(', ')}]`,
    op,
    dtype,
    graph: { inputs: [x], outputs: [applyScalarOp(op, [x])], values: () => [vec(values, dtype, [values.length])] },
  };
}

function binaryCase(op: ScalarOpName, dtype: DType): OpCase {
  const values = specialValues(dtype, ARITHMETIC.has(op));
  const n = values.length;
  const a = sym.T.tensor(dtype, [false, true], 'a');
  const b = sym.T.tensor(dtype, [true, false], 'b');
  return {
    group: 'special',
    name: `${op} ${dtype}: every pair of special values (${n}, 1) with (1, ${n})`,
    op,
    dtype,
    graph: {
      inputs: [a, b],
      outputs: [applyScalarOp(op, [a, b])],
      labels: [`${op}(a[i], b[j]) at [i, j]`],
      values: () => [vec(values, dtype, [n, 1]), vec(values, dtype, [1, n])],
    },
  };
}

function ternaryCase(op: ScalarOpName, dtype: DType): OpCase {
  const values = specialValues(dtype, true);
  const n = values.length;
  const x = sym.T.tensor(dtype, [false, true], 'x');
  const y = sym.T.tensor(dtype, [true, false], 'y');
  const z = sym.T.tensor(dtype, [true, true], 'z');
  const third = isFloat(dtype) ? 2 : 1;
  return {
    group: 'special',
    name: `${op} ${dtype}: special values (${n}, 1), (1, ${n}) and ${third}`,
    op,
    dtype,
    graph: {
      inputs: [x, y, z],
      outputs: [applyScalarOp(op, [x, y, z])],
      values: () => [vec(values, dtype, [n, 1]), vec(values, dtype, [1, n]), vec([third], dtype, [1, 1])],
    },
  };
}

/** int64 powers of the special values pass 2^53, where int64 (stored in a float64) stops being exact. */
function hasSpecialCase(op: ScalarOpName, dtype: DType): boolean {
  return op !== 'cast' && !(op === 'pow' && dtype === 'int64') && definedOn(op, dtype);
}

export function specialCases(dtypes: readonly DType[]): OpCase[] {
  const cases: OpCase[] = [];
  for (const op of SCALAR_OP_NAMES) {
    const arity = SCALAR_OPS[op].arity;
    for (const dtype of dtypes) {
      if (!hasSpecialCase(op, dtype)) continue;
      cases.push(arity === 1 ? unaryCase(op, dtype) : arity === 2 ? binaryCase(op, dtype) : ternaryCase(op, dtype));
    }
  }
  return [...cases, ...accuracyCases(dtypes)];
}

// ---------------------------------------------------------------- accuracy at the ends of the float range

const FLT_MIN = 2 ** -126;
const TINIEST = 2 ** -149;

/** The power of two that brings |v| into [1, 2): multiplying by it is exact, so the error relative to v is kept. */
function unitScale(v: number): number {
  return 2 ** -Math.floor(Math.log2(Math.abs(v)));
}

/**
 * log of subnormal inputs (NumPy: log(1e-40) is -92.10341). A log that
 * reads exponent bits without normalising gives -88 there; one that flushes
 * its input to zero, as WGSL and GLSL ES allow, gives -inf: such a backend
 * must skip this case and say so (WebGPU's log reads the bits; gpu.js's
 * WebGL shaders on llvmpipe flush them). The op's default tolerance applies.
 */
function subnormalLogCase(dtype: DType): OpCase {
  const values = [TINIEST, 1e-45, 1e-40, 3e-39, FLT_MIN - TINIEST, FLT_MIN, 1e-30, 1];
  const x = sym.T.tensor(dtype, [false], 'x');
  return {
    group: 'special',
    name: `log ${dtype}: subnormal inputs [2^-149, 1e-45, 1e-40, 3e-39, 2^-126 - 2^-149, 2^-126, 1e-30, 1]`,
    op: 'log',
    dtype,
    graph: { inputs: [x], outputs: [sym.T.log(x)], values: () => [vec(values, dtype, [values.length])] },
  };
}

/**
 * exp and sigmoid with subnormal results (NumPy: exp(-100) is 3.78e-44),
 * multiplied by 2^126 so that the compared output is a normal number: the
 * op's default tolerance (rtol 1e-5, atol 1e-6) then checks the subnormal
 * itself, which it would not on the unscaled output (atol 1e-6 takes any
 * value below 1e-6, zero included). WGSL and GLSL ES let a GPU flush
 * subnormal results to zero, and the conformance tolerance of such a backend
 * (`flushingTolerance`) allows it only on outputs: a backend that flushes
 * must skip these cases (their names say "subnormal results") and say so.
 */
function subnormalResultCase(op: 'exp' | 'sigmoid'): OpCase {
  const values = [-87, -88, -90, -100, -103, -103.9, -104, -200];
  const x = sym.T.tensor('float32', [false], 'x');
  const y = op === 'exp' ? sym.T.exp(x) : sym.T.sigmoid(x);
  return {
    group: 'special',
    name: `${op} float32: subnormal results of [${values.join(', ')}], times 2^126`,
    op,
    dtype: 'float32',
    graph: {
      inputs: [x],
      outputs: [y.mul(sym.T.constant(2 ** 126, { dtype: 'float32' }))],
      labels: [`${op}(x) * 2^126`],
      values: () => [vec(values, 'float32', [values.length])],
    },
  };
}

/** Small arguments of the ops that are x + O(x^2) near 0, and a few beyond, where a formula can still lose digits. */
const SMALL = [1e-30, -1e-20, 1e-10, -1e-10, 1e-8, -1e-8, 3e-7, -1e-6, 1e-6, 1e-5, -1e-4, 1e-3, -3e-3, 0.01, -0.05, 0.2, -0.25, 0.4];

/**
 * log1p, expm1 and tanh of small x, relative accuracy: each result is
 * multiplied by the power of two that brings x into [1, 2) (an exact
 * product), so the op's default tolerance (rtol 1e-5, atol 1e-6) on a
 * value near 1 bounds the error relative to the result by about 1e-5.
 * Unscaled, atol 1e-6 would pass tanh(1e-10) = 3e-8 (a GPU builtin's
 * answer). No subnormal is involved: flushing backends run these too.
 */
function smallArgumentCase(op: 'log1p' | 'expm1' | 'tanh', dtype: DType): OpCase {
  const x = sym.T.tensor(dtype, [false], 'x');
  const s = sym.T.tensor(dtype, [false], 's');
  return {
    group: 'special',
    name: `${op} ${dtype}: relative accuracy at small x [${SMALL.join(', ')}] (each result times the power of two s that brings x into [1, 2))`,
    op,
    dtype,
    graph: {
      inputs: [x, s],
      outputs: [applyScalarOp(op, [x]).mul(s)],
      labels: [`${op}(x) * s`],
      values: () => [vec(SMALL, dtype, [SMALL.length]), vec(SMALL.map(unitScale), dtype, [SMALL.length])],
    },
  };
}

/** Integer powers whose results are exact in float32 (at most 2^24), and the results. */
const EXACT_POWERS: readonly (readonly [number, number, number])[] = [
  [10, 2, 100], [2, 10, 1024], [3, 5, 243], [-3, 3, -27], [7, 8, 5764801], [10, 7, 1e7], [5, 10, 9765625],
  [-2, 11, -2048], [1.5, 2, 2.25], [0.5, 3, 0.125], [2, -3, 0.125], [-4, -2, 0.0625], [12, 6, 2985984], [-1.25, 4, 2.44140625],
];

/**
 * pow(a, b) == a^b for integer exponents whose powers are exact: NumPy's
 * pow is correctly rounded there (pow(10, 2) is 100, not 99.99999 as
 * exp2(b * log2(a)) gives). The output is the comparison, a bool: exact.
 */
function exactPowerCase(dtype: DType): OpCase {
  const a = sym.T.tensor(dtype, [false], 'a');
  const b = sym.T.tensor(dtype, [false], 'b');
  const r = sym.T.tensor(dtype, [false], 'r');
  const n = EXACT_POWERS.length;
  const column = (i: 0 | 1 | 2) => vec(EXACT_POWERS.map((p) => p[i]), dtype, [n]);
  return {
    group: 'special',
    name: `pow ${dtype}: integer powers exact in float32 (${EXACT_POWERS.map(([x, y]) => `${x}^${y}`).join(', ')}) equal their value`,
    op: 'pow',
    dtype,
    graph: {
      inputs: [a, b, r],
      outputs: [sym.T.eq(applyScalarOp('pow', [a, b]), r)],
      labels: ['pow(a, b) == r'],
      values: () => [column(0), column(1), column(2)],
    },
  };
}

/** The accuracy cases for the float dtypes of `dtypes` (subnormal ones in float32 only: float64's are not reached by these values). */
export function accuracyCases(dtypes: readonly DType[]): OpCase[] {
  const cases: OpCase[] = [];
  for (const dtype of dtypes) {
    if (dtype !== 'float32' && dtype !== 'float64') continue;
    if (dtype === 'float32') cases.push(subnormalLogCase(dtype), subnormalResultCase('exp'), subnormalResultCase('sigmoid'));
    for (const op of ['log1p', 'expm1', 'tanh'] as const) cases.push(smallArgumentCase(op, dtype));
    cases.push(exactPowerCase(dtype));
  }
  return cases;
}
