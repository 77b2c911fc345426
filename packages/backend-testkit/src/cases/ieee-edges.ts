/**
 * IEEE 754 and NumPy at the edges, as tables of fixed inputs (ieee-table.ts):
 * what shader compilers fold away when they assume no NaN, no infinities and
 * no signed zeros. Each table was first a backend's own test, after a
 * differential fuzzer (NumPy against gpu.js on llvmpipe, WebGPU on
 * lavapipe) found the fold; here every backend runs all of them.
 */
import * as sym from '@sym/graph';
import type { DType } from '@sym/graph';
import type { OpCase } from '../case.js';
import { edgeCase, literal, type EdgeTable } from './ieee-table.js';
import { extremeTables } from './ieee-extremes.js';

const T = sym.T;
const I = Infinity;
const FLOATS: readonly DType[] = ['float32', 'float64'];

/**
 * x - x is NaN for NaN and ±inf. lavapipe and llvmpipe fold `a - a` (and
 * `a + -a`) to 0, so the renderers guard a float difference of operands that
 * read a common input (`mayCancel` of @sym/graph).
 */
const SELF_SUBTRACT: EdgeTable = {
  name: 'x - x is NaN for NaN and ±inf, in elementwise and reduce kernels',
  op: 'sub',
  dtypes: FLOATS,
  inputs: [{ name: 'x', dtype: '*', values: [NaN, I, -I, -0, 1.5] }],
  outputs: ({ x }) => [
    ['x - x', x!.sub(x!)],
    ['x + (-x)', T.add(x!, T.neg(x!))],
    ['-x + x', T.neg(x!).add(x!)],
    ['np.exp(x) - np.exp(x)', T.exp(x!).sub(T.exp(x!))],
    ['x[::-1] - x[::-1]', x!.get('::-1').sub(x!.get('::-1'))],
    ['np.sum(x - x)', T.sum(x!.sub(x!))],
  ],
  numpy: [[NaN, NaN, NaN, 0, 0], [NaN, NaN, NaN, 0, 0], [NaN, NaN, NaN, 0, 0], [NaN, NaN, 0, 0, 0], [0, 0, NaN, NaN, NaN], [NaN]],
};

/** Compilers prove operands one value past their text (a select of x or x, x + 0, max(x, x), a commuted product). */
const SAME_VALUE_SUBTRACT: EdgeTable = {
  name: 'a - b is NaN where a and b are written differently and are one value (NaN, ±inf)',
  op: 'sub',
  dtypes: ['float32'],
  inputs: [
    { name: 'x', dtype: '*', values: [NaN, I, -I, 0, 1.5, 3e38] },
    { name: 'c', dtype: 'bool', values: [1, 0, 1, 0, 1, 0] },
  ],
  outputs: ({ x, c }) => [
    ['np.where(c, x, x) - x', T.switch(c!, x!, x!).sub(x!)],
    ['x * 2 - 2 * x', x!.mul(2).sub(T.mul(2, x!))],
    ['x - (x + 0)', x!.sub(x!.add(0))],
    ['np.maximum(x, x) - x', T.maximum(x!, x!).sub(x!)],
    ['np.sum(x * 2 - 2 * x)', T.sum(x!.mul(2).sub(T.mul(2, x!)))],
  ],
  // 3e38 * 2 overflows float32 to inf
  numpy: [[NaN, NaN, NaN, 0, 0, 0], [NaN, NaN, NaN, 0, 0, NaN], [NaN, NaN, NaN, 0, 0, 0], [NaN, NaN, NaN, 0, 0, 0], [NaN]],
};

/** The guard against the fold must keep finite differences exact. */
const FINITE_DIFFERENCES: EdgeTable = {
  name: 'finite differences of operands that read one input keep their bits',
  op: 'sub',
  dtypes: ['float32'],
  inputs: [{ name: 'x', dtype: '*', values: [0.1, -7.25, 3.3e-3, 1e30, -2.5e-20, 123.456] }],
  outputs: ({ x }) => [
    ['x * 3 - x', x!.mul(3).sub(x!)],
    ['x - x * 0.5', x!.sub(x!.mul(0.5))],
    ['x + -(x * 0.5)', x!.add(T.neg(x!.mul(0.5)))],
  ],
  numpy: [
    [0.20000001788139343, -14.5, 0.006599999964237213, 2.00000018121066e30, -5.0000001644450395e-20, 246.91201782226562],
    [0.05000000074505806, -3.625, 0.0016499999910593033, 5.000000075237331e29, -1.2499999603319032e-20, 61.72800064086914],
    [0.05000000074505806, -3.625, 0.0016499999910593033, 5.000000075237331e29, -1.2499999603319032e-20, 61.72800064086914],
  ],
};

/** (x + 1) - x rounds x + 1 first: a compiler that reassociates it gives 1 (llvmpipe and lavapipe did; see REGROUPED_SUMS). */
const REASSOCIATED: EdgeTable = {
  name: '(x + 1) - x rounds x + 1 first (not reassociated to 1)',
  op: 'sub',
  dtypes: ['float32'],
  inputs: [{ name: 'x', dtype: '*', values: [0.1, -7.25, 3.3e-3, 1e30, -2.5e-20, 123.456] }],
  outputs: ({ x }) => [['(x + 1) - x', x!.add(1).sub(x!)]],
  numpy: [[1, 1, 0.9999999403953552, 0, 1, 1]],
};

const E30 = 1.0000000150474662e30; // np.float32(1e30)
const E38 = 3.0000000054977558e38; // np.float32(3e38)

/**
 * Sums the GPU compilers regrouped (lavapipe and llvmpipe reassociate float
 * arithmetic): `(x - y) + y` and `y + (x - y)` to x, the constants of
 * `(x + 1e30) - 1e30` and `1 - (1 - x)` to x, `(x + 3e38) + 3e38` to
 * x + inf (NaN at -inf), `(x - y) * 2 + y * 2` factored to 2 x, 2 moved
 * into `(x + y) + 2`. The renderers hold apart what `regroupOperand`
 * (@sym/graph) names; found by probing forms against the CPU backend.
 */
const REGROUPED_SUMS: EdgeTable = {
  name: 'sums a compiler would regroup keep NumPy\'s order ((x - y) + y, (x + 1e30) - 1e30, (x + y) + 2, ...)',
  op: 'add',
  dtypes: ['float32'],
  inputs: [
    { name: 'x', dtype: '*', values: [1e-30, 0, 1e30, I, -I, NaN, 3.3e-3, 1.5, 16777216, -5, 1e30, 3e38] },
    { name: 'y', dtype: '*', values: [1, 2, 1, 1e30, 3, 7, 1e8, -1.5, 1, 0, -1e30, 3e38] },
  ],
  outputs: ({ x, y }) => [
    ['(x + 0.1) - x', x!.add(0.1).sub(x!)],
    ['(x + 1) + -x', T.add(x!, 1).add(T.neg(x!))],
    ['(x + x) - x', x!.add(x!).sub(x!)],
    ['(x + y) - y', x!.add(y!).sub(y!)],
    ['(x - y) + y', x!.sub(y!).add(y!)],
    ['y + (x - y)', y!.add(x!.sub(y!))],
    ['(x + 1e30) - 1e30', x!.add(1e30).sub(1e30)],
    ['1 - (1 - x)', T.sub(1, T.sub(1, x!))],
    ['(x + 3e38) + 3e38', x!.add(3e38).add(3e38)],
    ['(x * y - x * y) + x', x!.mul(y!).sub(x!.mul(y!)).add(x!)],
    ['(x - y) * 2 + y * 2', x!.sub(y!).mul(2).add(y!.mul(2))],
    ['(x + y) + 2', x!.add(y!).add(2)],
    ['y + ((x - y) + 1e-30)', y!.add(x!.sub(y!).add(1e-30))],
  ],
  numpy: [
    [0.10000000149011612, 0.10000000149011612, 0, NaN, NaN, NaN, 0.10000000894069672, 0.10000002384185791, 0, 0.09999990463256836, 0, 0],
    [1, 1, 0, NaN, NaN, NaN, 0.9999999403953552, 1, 0, 1, 0, 0],
    [1.0000000031710769e-30, 0, E30, NaN, NaN, NaN, 0.0032999999821186066, 1.5, 16777216, -5, E30, I],
    [0, 0, E30, I, -I, NaN, 0, 1.5, 16777215, -5, E30, I],
    [0, 0, E30, I, -I, NaN, 0, 1.5, 16777216, -5, E30, E38],
    [0, 0, E30, I, -I, NaN, 0, 1.5, 16777216, -5, E30, E38],
    [0, 0, E30, I, -I, NaN, 0, 0, 0, 0, E30, E38],
    [0, 0, E30, I, -I, NaN, 0.003300011157989502, 1.5, 16777216, -5, E30, E38],
    [I, I, I, I, -I, NaN, I, I, I, I, I, I],
    [1.0000000031710769e-30, 0, E30, NaN, NaN, NaN, 0.0032999999821186066, 1.5, 16777216, -5, NaN, NaN],
    [0, 0, 2.0000000300949324e30, I, -I, NaN, 0, 3, 33554432, -10, 2.0000000300949324e30, I],
    [3, 4, E30, I, -I, NaN, 100000000, 2, 16777218, -3, 2, I],
    [0, 0, E30, I, -I, NaN, 0, 1.5, 16777216, -5, E30, E38],
  ],
};

/** The same forms inside a reduction: regrouped, np.sum((u + 1) - u) was 5, np.sum((v - w) + w) np.sum(v). */
const REGROUPED_IN_SUM: EdgeTable = {
  name: 'sums a compiler would regroup keep NumPy\'s order inside a reduction',
  op: 'add',
  dtypes: ['float32'],
  inputs: [
    { name: 'u', dtype: '*', values: [1e30, 16777216, 3e38, -1e30, 1.5] },
    { name: 'v', dtype: '*', values: [1e-30, 3.3e-3, 1.5, -5] },
    { name: 'w', dtype: '*', values: [1, 1e8, -1.5, 0] },
  ],
  outputs: ({ u, v, w }) => [
    ['np.sum((u + 1) - u)', T.sum(u!.add(1).sub(u!))],
    ['np.sum((v - w) + w)', T.sum(v!.sub(w!).add(w!))],
  ],
  numpy: [[1], [-3.5]],
};

/**
 * Products of two constants out of float32's range, which the optimizer
 * keeps as written (chain_constants) and the compilers folded: x * inf is
 * NaN at 0, x * 0 is 0 at inf and NaN.
 */
const OUT_OF_RANGE_PRODUCTS: EdgeTable = {
  name: 'products of constants out of range stay apart (x * 1e30 * 1e30, x * 1e-30 * 1e-30)',
  op: 'mul',
  dtypes: ['float32'],
  inputs: [{ name: 'x', dtype: '*', values: [1e-30, 0, 1e30, I, -I, NaN, 3] }],
  outputs: ({ x }) => [
    ['x * 1e30 * 1e30', x!.mul(1e30).mul(1e30)],
    ['x * 1e-30 * 1e-30', x!.mul(1e-30).mul(1e-30)],
    ['1e-30 * (x * 1e-30)', T.mul(1e-30, x!.mul(1e-30))],
  ],
  numpy: [
    [E30, 0, I, I, -I, NaN, I],
    [0, 0, 1.0000000031710769e-30, I, -I, NaN, 0],
    [0, 0, 1.0000000031710769e-30, I, -I, NaN, 0],
  ],
};

/**
 * Division by a zero the kernel holds as a literal: ±inf, and NaN for 0 / 0
 * and NaN / 0. A compiler that assumes no infinities folds `a / 0.0` to 0,
 * as lavapipe and llvmpipe did (x / 0, x // 0, np.var with ddof >= N).
 */
const DIVIDE_BY_ZERO: EdgeTable = {
  name: 'division by a literal zero is ±inf or NaN (true_divide, floor_divide, var and std with ddof >= N)',
  op: 'truediv',
  dtypes: FLOATS,
  inputs: [{ name: 'x', dtype: '*', values: [1, -1, 0, NaN] }],
  outputs: ({ x }, d) => [
    ['x / 0.0', T.trueDiv(x!, literal(0, d))],
    ['x / -0.0', T.trueDiv(x!, literal(-0, d))],
    ['x // 0.0', T.intDiv(x!, literal(0, d))],
    ['np.sum(x) / 0', T.trueDiv(T.sum(x!), 0)],
    ['np.var(x, ddof=4)', T.var(x!, { ddof: 4 })],
    ['np.std(x, ddof=9)', T.std(x!, { ddof: 9 })],
  ],
  numpy: [[I, -I, NaN, NaN], [-I, I, NaN, NaN], [I, -I, NaN, NaN], [NaN], [NaN], [NaN]],
};

/** NumPy divides a variance by max(N - ddof, 0): inf for a finite sum of squares. */
const DIVIDE_FINITE_BY_ZERO: EdgeTable = {
  name: 'a finite value over zero is inf (var and std with ddof >= N, a sum over 0)',
  op: 'truediv',
  dtypes: FLOATS,
  inputs: [{ name: 'x', dtype: '*', values: [1, 2, 4] }],
  outputs: ({ x }) => [
    ['np.var(x, ddof=3)', T.var(x!, { ddof: 3 })],
    ['np.std(x, ddof=5)', T.std(x!, { ddof: 5 })],
    ['np.sum(x) / 0', T.trueDiv(T.sum(x!), 0)],
    ['x / 0', T.trueDiv(x!, 0)],
  ],
  numpy: [[I], [I], [I], [I, I, I]],
};

/** 0 / 0 where the zero is a sum over nothing: the mean of an empty axis, and a literal 0 over 0 or NaN. */
const ZERO_OVER: EdgeTable = {
  name: 'zero over zero or NaN is NaN (the mean of an empty axis, a literal 0 divided, an empty sum divided)',
  op: 'truediv',
  dtypes: FLOATS,
  inputs: [
    { name: 'm', dtype: '*', values: [], shape: [3, 0] },
    { name: 'n', dtype: '*', values: [0, NaN, I, 2] },
    { name: 'e', dtype: '*', values: [], shape: [2, 0] },
  ],
  outputs: ({ m, n, e }, d) => [
    ['np.mean(m, axis=1)', T.mean(m!, 1)],
    ['np.mean(m)', T.mean(m!)],
    ['0.0 / n', T.trueDiv(literal(0, d), n!)],
    ['0.0 // n', T.intDiv(literal(0, d), n!)],
    ['np.sum(e, axis=1) / n[0:2]', T.sum(e!, 1).div(n!.get('0:2'))],
  ],
  numpy: [[NaN, NaN, NaN], [NaN], [NaN, NaN, 0, 0], [NaN, NaN, 0, 0], [NaN, NaN]],
};

/** Theano's average_exc_pad over windows of padding alone divides 0 by a count of 0. */
const EMPTY_POOL: EdgeTable = {
  name: "average_exc_pad pooling of an empty image is 0 / 0, NaN",
  op: 'truediv',
  dtypes: FLOATS,
  inputs: [{ name: 'x', dtype: '*', values: [], shape: [1, 1, 0, 3] }],
  outputs: ({ x }) => [
    ["pool2d(x, ws=(2, 2), stride=(1, 1), pad=(1, 1), mode='average_exc_pad') (Theano; no NumPy function)", T.signal.pool.pool2d(x!, { ws: [2, 2], stride: [1, 1], ignoreBorder: true, pad: [1, 1], mode: 'average_exc_pad' })],
  ],
  numpy: [[NaN, NaN, NaN, NaN]],
};

/**
 * A product with a literal zero is NaN for ±inf and NaN: compilers fold
 * `a * 0.0` to 0 (llvmpipe did; found by the random-graph fuzzer, seed 68).
 * Positive operands here: the sign of a zero product is the signed-zero
 * tables' (ieee-extremes.ts).
 */
const MULTIPLY_BY_ZERO: EdgeTable = {
  name: 'a product with a literal zero is NaN for ±inf and NaN',
  op: 'mul',
  dtypes: FLOATS,
  inputs: [{ name: 'x', dtype: '*', values: [2, 3, I, -I, NaN] }],
  outputs: ({ x }) => [
    ['x * 0', T.mul(x!, 0)],
    ['0 * x', T.mul(0, x!)],
    ['x * 0 + 1', T.add(T.mul(x!, 0), 1)],
    ['np.arctan2(x * 0, -1)', T.arctan2(T.mul(x!, 0), -1)],
    ['x * np.int8(0)', T.mul(x!, literal(0, 'int8'))],
  ],
  numpy: (d) => {
    const pi = d === 'float32' ? Math.fround(Math.PI) : Math.PI;
    return [[0, 0, NaN, NaN, NaN], [0, 0, NaN, NaN, NaN], [1, 1, NaN, NaN, NaN], [pi, pi, NaN, NaN, NaN], [0, 0, NaN, NaN, NaN]];
  },
};

/**
 * Float == and != decide NaN by IEEE's rules: WGSL lets a compiler assume
 * no NaN, and fold x == x to true (so isnan, x != x, to false).
 */
const NAN_COMPARE: EdgeTable = {
  name: 'isnan, isinf, == and != of NaN, ±inf and signed zeros',
  op: 'eq',
  dtypes: FLOATS,
  inputs: [
    { name: 'x', dtype: '*', values: [NaN, 1, -0, I, NaN, -I] },
    { name: 'y', dtype: '*', values: [NaN, 1, 0, I, 2, I] },
  ],
  outputs: ({ x, y }) => [
    ['np.isnan(x)', T.isnan(x!)],
    ['x == y', T.eq(x!, y!)],
    ['x != y', T.neq(x!, y!)],
    ['x == x', T.eq(x!, x!)],
    ['x != x', T.neq(x!, x!)],
    ['np.isinf(x)', T.isinf(x!)],
  ],
  numpy: [
    [1, 0, 0, 0, 1, 0],
    [0, 1, 1, 1, 0, 0],
    [1, 0, 0, 0, 1, 1],
    [0, 1, 1, 1, 0, 1],
    [1, 0, 0, 0, 1, 0],
    [0, 0, 0, 1, 0, 1],
  ],
};

/** NaN is true as a bool (only zeros are false), read or computed (x ** x of a negative x), stored or reduced. */
const NAN_TO_BOOL: EdgeTable = {
  name: 'NaN converts to True, read or computed, stored or reduced',
  op: 'cast',
  dtypes: FLOATS,
  inputs: [{ name: 'x', dtype: '*', values: [NaN, -0.5, 0, 2] }],
  outputs: ({ x }) => {
    const b = T.cast(T.pow(x!, x!), 'bool');
    return [
      ['x.astype(bool)', T.cast(x!, 'bool')],
      ['(x ** x).astype(bool)', b],
      ['(x ** x).astype(bool).min()', T.min(b)],
      ['(x ** x).astype(bool).astype(np.int8) + x.astype(bool)', T.cast(b, 'int8').add(T.cast(x!, 'bool'))],
    ];
  },
  numpy: [[1, 1, 0, 1], [1, 1, 1, 1], [1], [2, 2, 1, 2]],
};

/** Every table of the `ieee` group. */
export function ieeeTables(): EdgeTable[] {
  return [
    SELF_SUBTRACT, SAME_VALUE_SUBTRACT, FINITE_DIFFERENCES, REASSOCIATED, REGROUPED_SUMS, REGROUPED_IN_SUM, OUT_OF_RANGE_PRODUCTS,
    DIVIDE_BY_ZERO, DIVIDE_FINITE_BY_ZERO, ZERO_OVER, EMPTY_POOL, MULTIPLY_BY_ZERO,
    NAN_COMPARE, NAN_TO_BOOL, ...extremeTables(),
  ];
}

/** The `ieee` group's cases for a backend holding `dtypes`: each table in each of its dtypes the backend holds. */
export function ieeeCases(dtypes: readonly DType[]): OpCase[] {
  return ieeeTables().flatMap((t) => t.dtypes.filter((d) => dtypes.includes(d)).map((d) => edgeCase(t, d)));
}
