/**
 * The `ieee` group's tables at the ends of the ranges and of the sign of
 * zero: mod and floor division of float32 and int32 at extreme magnitudes,
 * subnormal operands and results, signed zeros through products, quotients,
 * round, pow and mod, integer zeros converted to floats, and narrow
 * integers' abs that wraps.
 */
import * as sym from '@sym/graph';
import type { DType } from '@sym/graph';
import { intRange } from '@sym/graph';
import { literal, type EdgeTable } from './ieee-table.js';

const T = sym.T;
const I = Infinity;
const Z = -0;
const FLOATS: readonly DType[] = ['float32', 'float64'];
const pi = (d: DType): number => (d === 'float32' ? Math.fround(Math.PI) : Math.PI);

/** [a, b, np.mod(a, b), np.floor_divide(a, b)] rows: one table of a, b and both results. */
function modTable(name: string, dtype: DType, rows: readonly (readonly [number, number, number, number])[]): EdgeTable {
  return {
    name,
    op: 'mod',
    dtypes: [dtype],
    inputs: [
      { name: 'a', dtype: '*', values: rows.map((r) => r[0]) },
      { name: 'b', dtype: '*', values: rows.map((r) => r[1]) },
    ],
    outputs: ({ a, b }) => [
      ['np.mod(a, b)', T.mod(a!, b!)],
      ['np.floor_divide(a, b)', T.intDiv(a!, b!)],
    ],
    numpy: [rows.map((r) => r[2]), rows.map((r) => r[3])],
  };
}

/**
 * float32 mod and floor division where one float quotient and a Dekker split
 * fail: the split's 4097 * b overflows past |b| = 8e34, its low half
 * underflows below |b| = 1e-34, past |a / b| = 2^24 one quotient leaves a
 * remainder bigger than |b|, and +-FLT_MAX looks infinite (gpu.js's fmod
 * before its long division; the CPU's floor division took a - fmod(a, b) in
 * doubles). Shortest float32 digits.
 */
const MOD_EXTREMES = modTable('mod and floor_divide at extreme magnitudes', 'float32', [
  // |b| past 8e34
  [6.427926e9, -3.6864375e37, -3.6864375e37, -1.0],
  [2.7895637e36, -9.054272e34, -1.7260509e34, -31.0],
  [4.5793954e36, -5.1804767e36, -6.0108125e35, -1.0],
  // |a / b| from 2^23 to 2^127 (NumPy rounds 35958992 - 2 back to a, and its quotient by 3 up)
  [35958992, 3, 2, 11986331],
  [-783088.06, 2.2353086e-6, 8.8738034e-8, -3.5032662e11],
  [2.640912e6, -4.7101752e-5, -1.9407387e-5, -5.606823e10],
  [-3.1890472e24, -6.0472736e12, -5.23237e12, 5.273529e11],
  [-7.311897e26, -4.851617e8, -1.2787882e8, 1.5071051e18],
  [-0.015582788, -4.5267874e-34, -4.2557147e-34, 3.4423503e31],
  [9.920314e17, 6.0055073e-21, 2.3052619e-21, 1.6518694e38],
  [-2.1404904e22, 6.5302435e-17, 1.3949428e-17, -3.277811e38],
  [8.830428e37, -3.5087817e-9, -2.5020146e-9, -I],
  [-4.1265028e23, 760337.3, 628796.6, -5.4272e17],
  // a = +-FLT_MAX, b near it
  [3.4028235e38, 3.4028235e38, 0, 1.0],
  [-3.4028235e38, 0.00011770338, 3.8256403e-6, -I],
  [3.4028235e38, -9.513495e14, -8.994451e14, -3.5768384e23],
  [-2.4370999e26, 2.8757938e38, 2.8757938e38, -1.0],
  [-3.3261629e38, 2.5543099e38, 1.7824569e38, -2.0],
  // small |b|: a split's low half falls below FLT_MIN
  [-8.74061e-35, -2.2929874e-35, -1.8616476e-35, 3.0],
]);

/**
 * Subnormal operands, remainders and results: WGSL and GLSL ES let shaders
 * flush them to zero (llvmpipe's and SwiftShader's do; lavapipe keeps them).
 */
const MOD_SUBNORMAL = modTable('mod and floor_divide of subnormal inputs, some remainders and results subnormal too', 'float32', [
  // fmod is subnormal (-4.7e-39), the mod and the quotient are not (SwiftShader's WebGPU flushes that fmod: 0)
  [-4.2744322e-31, 2.6244857e-38, 2.1572603e-38, -1.6286743e7],
  [-1.2539688e-33, -1.298687e-38, -8.589197e-39, 96556.0],
  [-6.66923e-40, -1.80463e-40, -1.25533e-40, 3.0],
  [8.797467e35, 5.40451e-40, 2.9332e-41, I],
  [7.649395e-39, -1.2643261e12, -1.2643261e12, -1.0],
]);

/** int32 within ±2^24 (what float32 storage holds exactly): b * floor(a / b) rounds past 2^24. */
const MOD_INT32_SMALL = modTable('mod and floor_divide of int32 within ±2^24', 'int32', [
  [15826547, -6270873, -2986072, -3],
  [-15136262, 6572247, 4580479, -3],
  [13645633, -5799751, -3753620, -3],
  [16777216, -16777215, -16777214, -2],
  [-16777216, 16777215, 16777214, -2],
]);

/** int32 past 2^24, where a quotient in float32 (or a product in float64 of a wrong one) is off. */
const MOD_INT32_WIDE = modTable('mod and floor_divide of int32 past 2^24', 'int32', [
  [2147483647, 65536, 65535, 32767],
  [-2147483648, 3, 1, -715827883],
  [2000000011, -7, -5, -285714288],
  [-1999999999, 46341, 31220, -43159],
  [2147483647, -2147483648, -1, -1],
  [1073741825, 1073741824, 1, 1],
]);

/** A literal divisor past 8e34: the compiler folded 4097 * b * s to (4097 * b) * s = inf unless kept apart. */
const MOD_LITERAL: EdgeTable = {
  name: 'mod and floor_divide by a literal past 8e34',
  op: 'mod',
  dtypes: ['float32'],
  inputs: [{ name: 'x', dtype: '*', values: [2.5091892e38, -3.3e38, 1e37] }],
  outputs: ({ x }, d) => [
    ['np.mod(x, np.float32(7.5e37))', T.mod(x!, literal(7.5e37, d))],
    ['np.floor_divide(x, np.float32(7.5e37))', T.intDiv(x!, literal(7.5e37, d))],
  ],
  numpy: [[2.5918922e37, 4.5000004e37, 1e37], [3, -5, 0]],
};

/** lavapipe compiled as if zeros had no sign: a -0.0 literal came out +0 in products, quotients and maximum. */
const LITERAL_NEGATIVE_ZERO: EdgeTable = {
  name: 'signed zeros: a literal -0 keeps its sign in products, quotients and maximum, in elementwise, reduce and matmul kernels',
  op: 'mul',
  dtypes: FLOATS,
  inputs: [
    { name: 'x', dtype: '*', values: [1, -1, 2, 0.5] },
    { name: 'm', dtype: '*', values: [1, 0, 0, 1], shape: [2, 2] },
  ],
  outputs: ({ x, m }, d) => [
    ['x * -0.0', x!.mul(literal(-0, d))],
    ['1 / (x * -0.0)', T.trueDiv(1, x!.mul(literal(-0, d)))],
    ['x / -0.0', x!.div(literal(-0, d))],
    ['np.maximum(x, -0.0)', T.maximum(x!, literal(-0, d))],
    ['np.sum(x) * -0.0', T.sum(x!).mul(literal(-0, d))],
    ['(m @ m) * -0.0', T.dot(m!, m!).mul(literal(-0, d))],
  ],
  numpy: [[Z, 0, Z, Z], [-I, I, -I, -I], [-I, I, -I, -I], [1, Z, 2, 0.5], [Z], [Z, Z, Z, Z]],
};

/** x * 0 of a negative x is -0 (arctan2 of it then -pi): lavapipe folded x * 0.0 to +0. */
const PRODUCT_SIGN: EdgeTable = {
  name: 'signed zeros: x * 0 has the sign of x',
  op: 'mul',
  dtypes: FLOATS,
  inputs: [{ name: 'x', dtype: '*', values: [-2, 3, I, NaN] }],
  outputs: ({ x }) => [
    ['x * 0', x!.mul(0)],
    ['np.arctan2(x * 0, -1)', T.arctan2(x!.mul(0), -1)],
    ['x * 0 + x * 0', T.mul(x!, 0).add(x!.mul(0))],
  ],
  numpy: (d) => [[Z, 0, NaN, NaN], [-pi(d), pi(d), NaN, NaN], [Z, 0, NaN, NaN]],
};

/** A literal 0 over a negative number is -0: llvmpipe folded `0.0 / a` to +0. */
const ZERO_QUOTIENT_SIGN: EdgeTable = {
  name: 'signed zeros: a literal 0 divided by a negative number is -0',
  op: 'truediv',
  dtypes: FLOATS,
  inputs: [{ name: 'n', dtype: '*', values: [-1, -I, 2, I] }],
  outputs: ({ n }, d) => [
    ['0.0 / n', T.trueDiv(literal(0, d), n!)],
    ['0.0 // n', T.intDiv(literal(0, d), n!)],
  ],
  numpy: [[Z, Z, 0, 0], [Z, Z, 0, 0]],
};

/** np.sign(0) and np.sign(-0) are +0: llvmpipe compiled `x < 0 ? -1.0 : 0.0` as a negated 0/1 (-0 for 0). */
const SIGN_OF_ZERO: EdgeTable = {
  name: 'sign(±0) is +0',
  op: 'sign',
  dtypes: FLOATS,
  inputs: [
    { name: 'x', dtype: '*', values: [0, -0, 2, -3] },
    { name: 'e', dtype: '*', values: [] },
  ],
  outputs: ({ x, e }) => [
    ['1 / np.sign(x)', T.trueDiv(1, T.sgn(x!))],
    ['np.arctan2(np.sign(np.dot(e, e)), x)', T.arctan2(T.sgn(T.dot(e!, e!)), x!)],
    ['np.arctan2(np.sign(np.sum(e)), -1)', T.arctan2(T.sgn(T.sum(e!)), -1)],
  ],
  numpy: (d) => [[I, I, 1, -1], [0, pi(d), 0, pi(d)], [pi(d)]],
};

/** round, pow, mod and floor division give -0 where NumPy does (helpers that made a +0: floor(-0.5) + 1, a literal 0, a - q b). */
const ZERO_RESULTS: EdgeTable = {
  name: 'signed zeros of round, pow, mod and floor_divide',
  op: 'round',
  dtypes: FLOATS,
  inputs: [
    { name: 'r', dtype: '*', values: [-0.5, -0.4, -0, 0.4, 0.5, -1e-10, -2.5, -1.5] },
    { name: 'p', dtype: '*', values: [Z, Z, 0, Z, Z, -I, -I, -2, Z] },
    { name: 'q', dtype: '*', values: [3, 2, 3, -3, 0.5, -3, -2, 3, 1] },
    { name: 'a', dtype: '*', values: [0, Z, 4, -4, Z, 0, Z, 0, 3, -7] },
    { name: 'b', dtype: '*', values: [-2, 2, -2, 2, -2, 2, I, -I, -I, 2] },
  ],
  outputs: ({ r, p, q, a, b }) => [
    ['np.round(r)', T.round(r!)],
    ['p ** q', T.pow(p!, q!)],
    ['np.mod(a, b)', T.mod(a!, b!)],
    ['np.floor_divide(a, b)', T.intDiv(a!, b!)],
  ],
  numpy: [
    [Z, Z, Z, 0, 0, Z, -2, -2],
    [Z, 0, 0, -I, 0, Z, 0, -8, Z],
    [Z, 0, Z, 0, Z, 0, 0, Z, -I, 1],
    [Z, Z, -2, -2, 0, 0, Z, Z, -1, -4],
  ],
};

/**
 * Integer zeros have no sign: a backend computing integers in floats must
 * not let -x, 0 * -3, -1 // 2 or a cast of -0.5 make a -0 that a later
 * conversion to float shows (1 / float(-x) was -inf for x = 0 on gpu.js).
 */
const INTEGER_ZEROS: EdgeTable = {
  name: 'integer zeros (int8, and int32 within ±2^24) convert to +0.0',
  op: 'cast',
  dtypes: ['float32'],
  inputs: [
    { name: 'x', dtype: 'int8', values: [0, 1] },
    { name: 'i', dtype: 'int32', values: [0, 1] },
    { name: 'f', dtype: '*', values: [-0.5, 2] },
  ],
  outputs: ({ x, i, f }, d) => {
    const one = literal(1, d);
    const over = (v: sym.TensorVariable) => T.trueDiv(one, T.cast(v, d));
    return [
      ['np.float32(1) / (-x).astype(np.float32)', over(T.neg(x!))],
      ['np.arctan2(np.float32(0), -x)', T.arctan2(literal(0, d), T.neg(x!))],
      ['np.float32(1) / (-i).astype(np.float32)', over(T.neg(i!))],
      ['np.float32(1) / (i * -3).astype(np.float32)', over(T.mul(i!, -3))],
      ['np.float32(1) / ((-x) // 2).astype(np.float32)', over(T.intDiv(T.neg(x!), 2))],
      ['np.float32(1) / f.astype(np.int16).astype(np.float32)', over(T.cast(f!, 'int16'))],
    ];
  },
  numpy: [[I, -1], [0, Math.fround(Math.PI)], [I, -1], [I, Math.fround(-1 / 3)], [I, -1], [I, 0.5]],
};

/** abs of a narrow signed integer's least value wraps to itself (np.abs(np.int8(-128)) is -128), inside a fused expression too. */
function narrowAbs(dtype: 'int8' | 'int16'): EdgeTable {
  const least = intRange(dtype)[0];
  return {
    name: `abs(${least}) wraps to ${least}`,
    op: 'abs',
    dtypes: [dtype],
    inputs: [{ name: 'x', dtype: '*', values: [least, -3, 5] }],
    outputs: ({ x }) => {
      const a = T.abs(x!);
      return [
        ['np.abs(x)', a],
        ['np.abs(x).astype(np.float32)', T.cast(a, 'float32')],
        ['np.abs(x) < 0', a.lt(0)],
        ['np.sign(np.abs(x))', T.sgn(a)],
        ['np.float32(0.5) ** np.abs(x)', T.pow(literal(0.5, 'float32'), a)],
      ];
    },
    numpy: [[least, 3, 5], [least, 3, 5], [1, 0, 0], [-1, 1, 1], [I, 0.125, 0.03125]],
  };
}

/** The tables of this file. */
export function extremeTables(): EdgeTable[] {
  return [
    MOD_EXTREMES, MOD_SUBNORMAL, MOD_INT32_SMALL, MOD_INT32_WIDE, MOD_LITERAL,
    LITERAL_NEGATIVE_ZERO, PRODUCT_SIGN, ZERO_QUOTIENT_SIGN, SIGN_OF_ZERO, ZERO_RESULTS,
    INTEGER_ZEROS, narrowAbs('int8'), narrowAbs('int16'),
  ];
}
