/**
 * The composite special functions (T.erf, T.gammaln, T.arctan2...), which
 * Elemwise lowers into primitive ops: every one in every float dtype, at
 * points spread over its domain and at its special values (NaN, ±inf, ±0,
 * poles, the ends of erfinv's and arccosh's domains), against the reference
 * `impl`. Points stay where the function is well conditioned (away from the
 * zeros of gammaln and psi, where a backend's exp or log an ulp off moves
 * the result by much more), and, in float16, inside its range. They run in
 * the `special` group, so every backend that runs special values runs them.
 */
import * as sym from '@sym/graph';
import type { CompositeScalarOp, DType, TensorVariable } from '@sym/graph';
import { COMPOSITE_OP_NAMES, array, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0];

/** The binary composites (arctan2 has its own case), each with its first argument down a column and its second along a row. */
type Binary = 'gammainc' | 'gammaincc' | 'gammau' | 'gammal' | 'chi2sf' | 'jv' | 'iv';
type Unary = Exclude<CompositeScalarOp, 'arctan2' | Binary>;

/** Points of each function: the ones every float dtype holds, then those for float32 and float64 only (tiny and huge). */
const POINTS: { readonly [S in Unary]: { readonly common: readonly number[]; readonly wide: readonly number[] } } = {
  erf: { common: [...SPECIAL, 0.1, -0.3, 0.49, 0.5, 0.51, -0.75, 1, 1.5, -2, 3, 4.5, -6], wide: [1e-30, -1e-8, 9, 30] },
  erfc: { common: [...SPECIAL, 0.1, -0.3, 0.49, 0.5, 0.75, -1, 1.5, 2, -3, 3.5], wide: [1e-30, 5, 8, 9.5, 12] },
  erfinv: { common: [...SPECIAL, 0.1, -0.3, 0.5, -0.75, 0.9, 0.99, -0.999, 1, -1, 1.5, -2], wide: [1e-30, -1e-8, 0.9999, 0.999999, -0.99999994] },
  erfcinv: { common: [...SPECIAL, 0.01, 0.1, 0.5, 0.9, 1, 1.3, 1.9, 1.99, 2, -0.1, 2.5], wide: [1e-30, 1e-10, 1e-5, 1.9999] },
  gammaln: { common: [...SPECIAL, 0.1, 0.5, 1, 2, 2.5, 3.7, 7.25, 12.5, 13.5, -0.5, -1, -2, -1.5, -3.5], wide: [1e-30, 1e-8, 30, 150, 1e10, 1e30] },
  gamma: { common: [...SPECIAL, 0.1, 0.5, 1, 1.5, 2, 2.5, 3.7, 5.25, 8.5, -0.5, -1, -2, -1.5, -3.5], wide: [1e-30, 1e-8, 12.5, 13.5, 20.25, 40] },
  psi: { common: [...SPECIAL, 0.1, 0.5, 1, 2, 2.5, 3.7, 7.25, 12.5, 13.5, 40, -0.25, -1, -2, -1.75, -3.25], wide: [1e-30, 1e-8, 1e10, 1e30] },
  trigamma: { common: [...SPECIAL, 0.1, 0.5, 1, 2, 3.7, 12.5, 13.5, 40, -0.5, -1, -2.5, -3.25], wide: [1e-15, 1e-8, 1e5, 1e15] },
  arcsinh: { common: [...SPECIAL, 0.1, -0.5, 1, -2, 7.5, 100, -1000], wide: [1e-30, -1e-8, 1e10, -1e30] },
  arccosh: { common: [...SPECIAL, 1, 1.01, 1.5, 2, 7.5, 100, 1000, 0.5, -2], wide: [1.0000001, 1e10, 1e30] },
  arctanh: { common: [...SPECIAL, 0.1, -0.3, 0.5, 0.75, -0.9, 0.99, 1, -1, 1.5], wide: [1e-30, -1e-8, 0.9999999] },
  deg2rad: { common: [...SPECIAL, 1, -45, 90, 180, -360, 720], wide: [1e-30, 1e30] },
  rad2deg: { common: [...SPECIAL, 0.1, -1, 1.5, 3.14159, -6.3], wide: [1e-30, 1e30] },
  trunc: { common: [...SPECIAL, 0.5, -0.5, 1.7, -1.7, 2.5, -2.5, 1000.25, -70000.75], wide: [1e-30, 4503599627370495.5, -1e30] },
  erfcx: { common: [...SPECIAL, 0.1, -0.3, 0.5, 1, -1.5, 2, 3.5, 8, -2.5], wide: [1e-30, 30, 1e10, 1e30, -9, -30] },
  // next to the zeros of j0 (2.405, 5.520) and j1 (3.832, 7.016), and on both sides of the switch at 8
  j0: { common: [...SPECIAL, 0.5, -1, 2.4, 2.5, 5.5, -7.9, 8, 8.1, 12.5, -20], wide: [1e-30, 100] },
  j1: { common: [...SPECIAL, 0.5, -1, 3.8, 3.9, 7, -7.9, 8, 8.1, 12.5, -20], wide: [1e-30, 100] },
  i0: { common: [...SPECIAL, 0.5, -1, 2.5, 7.9, 8, 8.5, -10.5], wide: [1e-30, 30, 85, -700] },
  i1: { common: [...SPECIAL, 0.5, -1, 2.5, 7.9, 8, 8.5, -10.5], wide: [1e-30, 30, 85, -700] },
};

/** The column (first argument) and row (second) of each binary composite: its domain's inside and edges, NaN, ±inf. */
const GRID: { readonly [S in Binary]: { readonly a: readonly number[]; readonly x: readonly number[] } } = {
  // (300, 290) and (300, 310): Temme's expansion near x = a (a >= 20, x / a - 1 in [-0.45, 0.35])
  gammainc: { a: [NaN, -1, 0, 0.5, 1, 2.5, 7, 25, 300, Infinity], x: [NaN, -1, 0, 0.1, 1, 3, 12, 40, 290, 310, Infinity] },
  gammaincc: { a: [NaN, -1, 0, 0.5, 1, 2.5, 7, 25, 300, Infinity], x: [NaN, -1, 0, 0.1, 1, 3, 12, 40, 290, 310, Infinity] },
  gammau: { a: [NaN, -1, 0.5, 1, 2.5, 7], x: [NaN, -1, 0, 0.1, 1, 3, 12, Infinity] },
  gammal: { a: [NaN, -1, 0.5, 1, 2.5, 7], x: [NaN, -1, 0, 0.1, 1, 3, 12, Infinity] },
  // chi2sf(x, k): x down the column, the degrees of freedom along the row
  chi2sf: { a: [NaN, -1, 0, 0.5, 2, 7, 30, Infinity], x: [NaN, -1, 0, 1, 2, 5, 20] },
  // -35.5, 31.5, 60: Debye's expansions (x far from |v|: 6.5 and 100) and Olver's next to x = |v| (20, 50), a
  // negative order through Y_v; jv had NaN there for |v| above 31 (16 in float32)
  jv: { a: [NaN, -Infinity, -35.5, -2.5, -2, -1, -0.5, 0, 0.5, 1, 2, 3.5, 31.5, 60, Infinity], x: [NaN, -Infinity, -3, -1, 0, 0.5, 2, 6.5, 10, 20, 50, 100, Infinity] },
  // -22.5: Debye's expansion (|v| >= 20), a negative order through K_v
  iv: { a: [NaN, -Infinity, -22.5, -2.5, -2, -1, -0.5, 0, 0.5, 1, 2, 3.5, Infinity], x: [NaN, -Infinity, -3, -1, 0, 0.5, 2, 6.5, 10, 20, 50, Infinity] },
};
const BINARY = Object.keys(GRID) as Binary[];

const fmt = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
const call = (op: Unary, x: TensorVariable): TensorVariable => sym.elemwise(op, x);

function unaryCase(op: Unary, dtype: DType): OpCase {
  const { common, wide } = POINTS[op];
  const values = dtype === 'float16' ? common : [...common, ...wide];
  const x = sym.T.tensor(dtype, [false], 'x');
  return {
    group: 'special',
    name: `${op} ${dtype}: special function at [${values.map(fmt).join(', ')}]`,
    op,
    dtype,
    graph: { inputs: [x], outputs: [call(op, x)], values: () => [array([...values], { dtype })] },
  };
}

/** arctan2 on every pair (a column of y against a row of x): signs of zeros, infinities, all four quadrants. */
function arctan2Case(dtype: DType): OpCase {
  const values = [...SPECIAL, 0.5, -1, 3, -3];
  const n = values.length;
  const y = sym.T.tensor(dtype, [false, true], 'y');
  const x = sym.T.tensor(dtype, [true, false], 'x');
  return {
    group: 'special',
    name: `arctan2 ${dtype}: every pair of [${values.map(fmt).join(', ')}] (y (${n}, 1), x (1, ${n}))`,
    op: 'arctan2',
    dtype,
    graph: {
      inputs: [y, x],
      outputs: [sym.T.arctan2(y, x)],
      labels: ['arctan2(y[i], x[j]) at [i, j]'],
      values: () => [array([...values], { dtype, shape: [n, 1] }), array([...values], { dtype, shape: [1, n] })],
    },
  };
}

/** A binary composite on every pair of its grid (a column against a row): broadcasting, domain edges, NaN and ±inf of either argument. */
function binaryCase(op: Binary, dtype: DType): OpCase {
  const { a, x } = GRID[op];
  const col = sym.T.tensor(dtype, [false, true], 'a');
  const row = sym.T.tensor(dtype, [true, false], 'x');
  return {
    group: 'special',
    name: `${op} ${dtype}: every pair of a in [${a.map(fmt).join(', ')}] (${a.length}, 1) and x in [${x.map(fmt).join(', ')}] (1, ${x.length})`,
    op,
    dtype,
    graph: {
      inputs: [col, row],
      outputs: [sym.elemwise(op, col, row)],
      labels: [`${op}(a[i], x[j]) at [i, j]`],
      values: () => [array([...a], { dtype, shape: [a.length, 1] }), array([...x], { dtype, shape: [1, x.length] })],
    },
  };
}

/** An integer input computes in float64 (Theano's upgrade_to_float): trunc and gammaln of int32. */
function integerCase(): OpCase {
  const i = sym.T.tensor('int32', [false], 'i');
  const values = [-7, -1, 0, 1, 2, 5, 30, 1000];
  return {
    group: 'special',
    name: `trunc, gammaln int32: integer inputs [${values.join(', ')}] give float64`,
    op: 'gammaln',
    dtype: 'int32',
    graph: { inputs: [i], outputs: [sym.T.trunc(i), sym.T.gammaln(i)], labels: ['trunc(i)', 'gammaln(i)'], values: () => [array(values, { dtype: 'int32' })] },
  };
}

/** A special function fused with its neighbours (GELU, the normal CDF): the kernels around the expansion. */
function geluCase(dtype: DType): OpCase {
  const x = sym.T.tensor(dtype, [false, false], 'x');
  const gelu = x.mul(sym.T.erf(x.mul(Math.SQRT1_2)).add(1)).mul(0.5);
  return {
    group: 'special',
    name: `erf ${dtype}: GELU x (1 + erf(x / sqrt 2)) / 2 over (3, 5)`,
    op: 'erf',
    dtype,
    graph: {
      inputs: [x],
      outputs: [gelu],
      values: () => [array(Array.from({ length: 15 }, (_, k) => (k - 7) * 0.6), { dtype, shape: [3, 5] })],
    },
  };
}

export function specialFunctionCases(dtypes: readonly DType[]): OpCase[] {
  const cases: OpCase[] = [];
  for (const dtype of dtypes.filter(isFloat)) {
    for (const op of COMPOSITE_OP_NAMES) {
      if (op === 'arctan2') cases.push(arctan2Case(dtype));
      else if ((BINARY as readonly string[]).includes(op)) cases.push(binaryCase(op as Binary, dtype));
      else cases.push(unaryCase(op as Unary, dtype));
    }
    cases.push(geluCase(dtype));
  }
  if (dtypes.includes('int32')) cases.push(integerCase());
  return cases;
}
