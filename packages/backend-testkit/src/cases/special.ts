/**
 * Special values: NaN, ±Inf and -0 for floats, the ends of the range for
 * integers (overflow must wrap like C/NumPy), division and remainder by
 * zero and by negative numbers. Binary ops see every pair of special values
 * (a column against a row), so each combination is one element of the
 * result.
 */
import * as sym from '@sym/graph';
import type { DType, NDArray, ScalarOpName } from '@sym/graph';
import { SCALAR_OPS, SCALAR_OP_NAMES, array, intRange, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { applyScalarOp } from './elemwise.js';

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
  return op !== 'cast' && !(op === 'pow' && dtype === 'int64');
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
  return cases;
}
