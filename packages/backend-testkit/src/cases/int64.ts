/**
 * int64 past 32 bits: values and results between 2^31 and 2^53, where a
 * backend that held int64 in one 32-bit word would wrap, and below 2^53,
 * where the host's storage (a float64) is still exact. Every pair of the
 * wide values goes through the arithmetic ops that keep results below
 * 2^53; products pair wide values with small ones; casts, sums, extremes
 * and products of matrices cross the 32-bit boundary too.
 */
import * as sym from '@sym/graph';
import type { DType, ScalarOpName } from '@sym/graph';
import { array } from '@sym/graph';
import type { OpCase } from '../case.js';
import { applyScalarOp } from './elemwise.js';

/** Magnitudes up to 2^52: sums and differences of two stay within 2^53. */
export const WIDE_INT64 = [
  -(2 ** 52) + 3, -(2 ** 40) - 5, -(2 ** 33), -4294967297, -4294967296, -2147483649, -7, 0, 3,
  2147483648, 4294967295, 4294967296, 2 ** 33 + 7, 2 ** 47, 2 ** 52 - 1,
];

/** Ops whose results on two wide values stay below 2^53 in magnitude. */
const PAIRWISE: readonly ScalarOpName[] = ['add', 'sub', 'maximum', 'minimum', 'intdiv', 'mod', 'eq', 'neq', 'lt', 'le', 'gt', 'ge'];
const UNARY: readonly ScalarOpName[] = ['neg', 'abs', 'sign', 'relu'];

const column = (values: readonly number[], dtype: DType) => array([...values], { dtype, shape: [values.length, 1] });
const row = (values: readonly number[], dtype: DType) => array([...values], { dtype, shape: [1, values.length] });

function pairCase(op: ScalarOpName): OpCase {
  const n = WIDE_INT64.length;
  const a = sym.T.tensor('int64', [false, true], 'a');
  const b = sym.T.tensor('int64', [true, false], 'b');
  return {
    group: 'special',
    name: `${op} int64 past 32 bits: every pair of (${n}, 1) with (1, ${n})`,
    op,
    dtype: 'int64',
    graph: {
      inputs: [a, b],
      outputs: [applyScalarOp(op, [a, b])],
      labels: [`${op}(a[i], b[j]) at [i, j]`],
      values: () => [column(WIDE_INT64, 'int64'), row(WIDE_INT64, 'int64')],
    },
  };
}

function unaryCase(op: ScalarOpName): OpCase {
  const x = sym.T.tensor('int64', [false], 'x');
  return {
    group: 'special',
    name: `${op} int64 past 32 bits`,
    op,
    dtype: 'int64',
    graph: { inputs: [x], outputs: [applyScalarOp(op, [x])], values: () => [array(WIDE_INT64, { dtype: 'int64' })] },
  };
}

/** Products carry across the words: wide values up to 2^36 times factors up to 2^16. */
function mulCase(): OpCase {
  const wide = [-(2 ** 36) + 1, -4294967297, -2147483649, 2147483648, 4294967295, 2 ** 33 + 7, 2 ** 36 - 3];
  const small = [-65537, -3, -1, 0, 2, 3, 65535, 65537];
  const a = sym.T.tensor('int64', [false, true], 'a');
  const b = sym.T.tensor('int64', [true, false], 'b');
  return {
    group: 'special',
    name: `mul int64 past 32 bits: (${wide.length}, 1) with (1, ${small.length})`,
    op: 'mul',
    dtype: 'int64',
    graph: { inputs: [a, b], outputs: [a.mul(b)], values: () => [column(wide, 'int64'), row(small, 'int64')] },
  };
}

/** int64 to narrower and float dtypes (int32 keeps the low word), and float32 integers past 2^31 to int64. */
function castCases(dtypes: readonly DType[]): OpCase[] {
  const cases: OpCase[] = [];
  for (const to of ['float32', 'int32', 'uint32', 'int8', 'bool'] as const) {
    if (!dtypes.includes(to)) continue;
    const x = sym.T.tensor('int64', [false], 'x');
    cases.push({
      group: 'special',
      name: `cast int64 past 32 bits -> ${to}`,
      op: 'cast',
      dtype: to,
      graph: { inputs: [x], outputs: [sym.T.cast(x, to)], values: () => [array(WIDE_INT64, { dtype: 'int64' })] },
    });
  }
  if (dtypes.includes('float32')) {
    // float32 integers (every float32 from 2^24 on is one), within int64's range
    const floats = [-1.5e15, -8589934592, -2147483904, -2147483648, -3.5, 2147483648, 4294967296, 6e9, 1e15, 9.2e18];
    const x = sym.T.tensor('float32', [false], 'x');
    cases.push({
      group: 'special',
      name: 'cast float32 past 2^31 -> int64',
      op: 'cast',
      dtype: 'int64',
      graph: { inputs: [x], outputs: [sym.T.cast(x, 'int64')], values: () => [array(floats, { dtype: 'float32' })] },
    });
  }
  return cases;
}

/** Sums that cross 2^32 (of int32 data too, which NumPy sums in int64), extremes and their positions, a product of matrices. */
function reduceCases(dtypes: readonly DType[]): OpCase[] {
  const m = sym.T.tensor('int64', [false, false], 'm');
  const wide = () => array(WIDE_INT64.slice(1, 13), { dtype: 'int64', shape: [3, 4] });
  const cases: OpCase[] = [
    ['sum', sym.T.sum(m, 1)],
    ['max', sym.T.max(m, 0)],
    ['min', sym.T.min(m, 1)],
    ['argmax', sym.T.argmax(m, 1)],
    ['argmin', sym.T.argmin(m, 0)],
  ].map(([op, out]) => ({
    group: 'special',
    name: `${op as string} int64 past 32 bits over (3, 4)`,
    op: op as string,
    dtype: 'int64',
    graph: { inputs: [m], outputs: [out as sym.TensorVariable], values: () => [wide()] },
  }));
  if (dtypes.includes('int32')) {
    const x = sym.T.tensor('int32', [false], 'x');
    cases.push({
      group: 'special',
      name: 'sum int32 -> int64 past 32 bits',
      op: 'sum',
      dtype: 'int64',
      graph: { inputs: [x], outputs: [sym.T.sum(x)], values: () => [array([2147483647, 2147483647, 2147483647, -5, 2000000000], { dtype: 'int32' })] },
    });
  }
  // products up to 2^21 * 2^21, eight of them: past 2^32, within 2^53
  const a = sym.T.tensor('int64', [false, false], 'a');
  const b = sym.T.tensor('int64', [false, false], 'b');
  const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => ((((i + seed) * 2654435761) % 4194304) - 2097152));
  cases.push({
    group: 'special',
    name: 'dot int64 past 32 bits (3, 8) x (8, 2)',
    op: 'dot',
    dtype: 'int64',
    graph: {
      inputs: [a, b],
      outputs: [sym.T.dot(a, b)],
      values: () => [array(values(24, 1), { dtype: 'int64', shape: [3, 8] }), array(values(16, 7), { dtype: 'int64', shape: [8, 2] })],
    },
  });
  return cases;
}

/** The cases above, for a backend holding int64. */
export function int64Cases(dtypes: readonly DType[]): OpCase[] {
  if (!dtypes.includes('int64')) return [];
  return [...PAIRWISE.map(pairCase), ...UNARY.map(unaryCase), mulCase(), ...castCases(dtypes), ...reduceCases(dtypes)];
}
